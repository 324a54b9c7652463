-- Settles a guest folio by moving its whole open balance to a company's
-- city ledger (accounts receivable): Dr city ledger (1150) on the
-- company's folio / Cr guest receivable on the guest folio, which is then
-- at zero (and closes if the guest has checked out). The balance is what
-- the folio will show at check-out (folios_due_at_check_out): on a
-- nightly-posting stay the nights not audited yet go too, and check-out
-- brings the folio back to zero when it posts them. The booking's open
-- card intents shrink accordingly (cap_open_intents). Cashiers.
create or replace function app_public.transfer_folio_to_city_ledger(
  folio_id uuid,
  company_id uuid,
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_company app_public.companies;
  v_ledger app_public.folios;
  v_balance bigint;
begin
  v_replay := app_private.idempotency_begin('transfer_folio_to_city_ledger', idempotency_key,
                pg_catalog.jsonb_build_object('folio_id', folio_id, 'company_id', company_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(transfer_folio_to_city_ledger.folio_id, app_hidden.staff_group_roles('cashiers'), 'transfer folios to the city ledger');
  if v_folio.kind <> 'guest' then
    raise exception using errcode = 'INVLD', message = 'Only a guest folio is transferred to a city ledger.';
  end if;
  select * into v_company from app_public.companies c where c.property_id = v_folio.property_id and c.id = transfer_folio_to_city_ledger.company_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such company, or you cannot see it.';
  end if;
  if not v_company.is_active then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('%s is inactive: it takes no new transfers.', v_company.name);
  end if;
  select * into v_ledger from app_public.folios f
   where f.property_id = v_company.property_id and f.company_id = v_company.id and f.kind = 'company'
     for update;
  if v_ledger.currency <> v_folio.currency then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('%s''s city ledger is in %s; this folio is in %s.', v_company.name, v_ledger.currency, v_folio.currency);
  end if;
  v_balance := app_public.folios_due_at_check_out(v_folio);
  if v_balance <= 0 then
    raise exception using errcode = 'INVLD', hint = 'NOTHING_OWED', message = 'Nothing is owed on this folio: there is nothing to transfer.';
  end if;
  perform app_private.post_entry(v_folio.property_id, 'city_ledger_transfer', v_folio.id, app_private.desk_key('city_ledger', idempotency_key),
    pg_catalog.left('To the city ledger of ' || v_company.name || ' — ' || app_private.folio_place(v_folio)
                    || coalesce((select ', booking ' || r.confirmation_code from app_public.reservations r
                                  where r.property_id = v_folio.property_id and r.id = v_folio.reservation_id
                                    and app_private.folio_place(v_folio) not like 'booking %'), ''), 500),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_folio.id, 'amount', -v_balance, 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', 'city_ledger', 'folio_id', v_ledger.id, 'amount', v_balance, 'currency', v_folio.currency)));
  perform app_private.cap_open_intents(r) from app_public.reservations r
   where r.property_id = v_folio.property_id and r.id = v_folio.reservation_id;
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$$;
comment on function app_public.transfer_folio_to_city_ledger(uuid, uuid, text) is
  E'Moves a guest folio''s open balance to a company''s city-ledger folio (accounts receivable), settling the guest folio. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
