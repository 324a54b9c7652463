-- Sets whom a folio's next invoices are addressed to (a guest's billing
-- address, their employer with its tax id, ...). Cashiers (owner, manager,
-- front desk, accountant). A null or blank name goes back to the default
-- (the folio's company, else the guest). Documents already issued keep the
-- bill-to they were issued with; a credit note repeats its invoice's.
create or replace function app_public.set_folio_bill_to(
  folio_id uuid,
  name text,
  address_line1 text,
  address_line2 text,
  postal_code text,
  city text,
  country_code text,
  tax_id text,
  email text,
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_clean text[];
begin
  v_replay := app_private.idempotency_begin('set_folio_bill_to', idempotency_key, pg_catalog.jsonb_build_object(
    'folio_id', folio_id, 'name', name, 'address_line1', address_line1, 'address_line2', address_line2,
    'postal_code', postal_code, 'city', city, 'country_code', country_code, 'tax_id', tax_id, 'email', email));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  select * into v_folio from app_public.folios f where f.id = set_folio_bill_to.folio_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such folio, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_folio.property_id, app_hidden.staff_group_roles('cashiers'), 'change whom invoices are addressed to');
  perform 1 from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id for update;
  select pg_catalog.array_agg(nullif(pg_catalog.btrim(v), '') order by o) into v_clean
    from pg_catalog.unnest(array[name, address_line1, address_line2, postal_code, city, pg_catalog.upper(country_code), tax_id, email])
         with ordinality x(v, o);
  if v_clean[1] is null then
    if pg_catalog.array_to_string(v_clean, '') <> '' then
      raise exception using errcode = 'INVLD', message = 'A bill-to needs a name (a person or a company).';
    end if;
    delete from app_public.folio_bill_to b where b.property_id = v_folio.property_id and b.folio_id = v_folio.id;
  else
    if exists (select 1 from pg_catalog.unnest(v_clean) v where pg_catalog.length(v) > 200) then
      raise exception using errcode = 'INVLD', message = 'Each part of the bill-to is at most 200 characters.';
    end if;
    if v_clean[6] is not null and v_clean[6] !~ '^[A-Z]{2}$' then
      raise exception using errcode = 'INVLD', message = 'The country is a two-letter ISO code, such as PT or DE.';
    end if;
    if v_clean[8] is not null and v_clean[8] !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
      raise exception using errcode = 'INVEM', message = 'That email address does not look right.';
    end if;
    insert into app_public.folio_bill_to as b (property_id, folio_id, name, address_line1, address_line2, postal_code, city,
                                               country_code, tax_id, email, updated_by)
    values (v_folio.property_id, v_folio.id, v_clean[1], v_clean[2], v_clean[3], v_clean[4], v_clean[5], v_clean[6], v_clean[7],
            v_clean[8], app_hidden.current_user_id())
    on conflict on constraint folio_bill_to_pkey do update
       set name = excluded.name, address_line1 = excluded.address_line1, address_line2 = excluded.address_line2,
           postal_code = excluded.postal_code, city = excluded.city, country_code = excluded.country_code,
           tax_id = excluded.tax_id, email = excluded.email, updated_by = excluded.updated_by;
  end if;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$$;
comment on function app_public.set_folio_bill_to(uuid, text, text, text, text, text, text, text, text, text) is
  E'Sets whom the folio''s next invoices are addressed to (name, address, tax id, email); a blank name goes back to the company or guest. Cashiers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_EMAIL, IDEMPOTENCY_KEY_REUSED.';
