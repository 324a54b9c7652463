-- Posts an extra from the property's catalogue (minibar, parking, …) to a
-- folio: Dr the folio / Cr extras revenue, less the extra's inclusive VAT
-- (Cr that tax's payable account). Cashiers (front desk, manager, owner,
-- accountant). A closed folio takes no charges (FOLCL).
create or replace function app_public.post_folio_charge(
  folio_id uuid,
  extra_id uuid,
  quantity integer,
  note text,
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_extra app_public.folio_extras;
  v_tax app_public.taxes;
  v_note text;
  v_gross bigint;
  v_tax_amount bigint := 0;
begin
  v_replay := app_private.idempotency_begin('post_folio_charge', idempotency_key,
                pg_catalog.jsonb_build_object('folio_id', folio_id, 'extra_id', extra_id, 'quantity', quantity, 'note', note));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(post_folio_charge.folio_id, app_hidden.staff_group_roles('cashiers'), 'post charges to folios');
  select * into v_extra from app_public.folio_extras e
   where e.property_id = v_folio.property_id and e.id = post_folio_charge.extra_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such extra, or you cannot see it.';
  end if;
  if not v_extra.is_active then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('%s is no longer sold (inactive in the extras catalogue).', v_extra.name);
  end if;
  if quantity is null or quantity not between 1 and 999 then
    raise exception using errcode = 'INVLD', hint = 'QUANTITY', message = 'The quantity must be between 1 and 999.';
  end if;
  v_note := app_private.check_desk_text(note, false, 200, 'A note');
  if v_folio.status = 'closed' then
    raise exception using errcode = 'FOLCL', message = 'This folio is closed: no more charges can be posted to it.';
  end if;
  if v_extra.currency <> v_folio.currency then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('%s is priced in %s; this folio is in %s.', v_extra.name, v_extra.currency, v_folio.currency);
  end if;
  v_gross := v_extra.unit_price * quantity;
  if v_extra.tax_id is not null then
    select * into v_tax from app_public.taxes t where t.property_id = v_extra.property_id and t.id = v_extra.tax_id;
    if v_tax.basis <> 'percent_of_room' then
      raise exception using errcode = 'INVLD',
        message = pg_catalog.format('%s names the tax %s, which is not a percentage: choose a VAT rate for it.', v_extra.name, v_tax.name);
    end if;
    v_tax_amount := pg_catalog.round(v_gross * v_tax.percent / (100 + v_tax.percent))::bigint;
  end if;
  perform app_private.post_entry(v_folio.property_id, 'folio_charge', v_folio.id, app_private.desk_key('charge', idempotency_key),
    pg_catalog.left(v_extra.name || case when quantity > 1 then ' × ' || quantity else '' end
                    || ' — ' || app_private.folio_place(v_folio) || coalesce(' (' || v_note || ')', ''), 500),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', v_gross, 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', 'extras_revenue', 'amount', -(v_gross - v_tax_amount), 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', 'tax_payable', 'tax_id', v_extra.tax_id, 'amount', -v_tax_amount, 'currency', v_folio.currency)));
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$$;
comment on function app_public.post_folio_charge(uuid, uuid, integer, text, text) is
  E'Posts an extra of the catalogue (quantity 1 to 999, an optional note) to an open folio: Dr folio / Cr extras revenue and the VAT included in the price. Errors: NOT_FOUND, ACCESS_DENIED, FOLIO_CLOSED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
