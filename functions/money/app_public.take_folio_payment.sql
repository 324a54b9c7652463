-- Takes a payment at the desk in cash or by bank transfer: Dr cash (1000)
-- or bank (1010) / Cr the folio, at most what the folio will show owed at
-- check-out (folios_due_at_check_out: its balance, and on a nightly-posting
-- stay the nights not audited yet). Cash
-- goes into the caller's open cash shift (CSHRQ without one) and is a cash
-- movement of it. The booking's open card intents shrink by what is paid
-- (cap_open_intents). Cashiers. Cards go through the payment provider (pay).
create or replace function app_public.take_folio_payment(
  folio_id uuid,
  method app_public.desk_payment_method,
  amount bigint,
  reference text,
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_reference text;
  v_balance bigint;
  v_shift app_public.cash_shifts;
  v_entry_id uuid;
begin
  v_replay := app_private.idempotency_begin('take_folio_payment', idempotency_key,
                pg_catalog.jsonb_build_object('folio_id', folio_id, 'method', method, 'amount', amount, 'reference', reference));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(take_folio_payment.folio_id, app_hidden.staff_group_roles('cashiers'), 'take payments');
  if method is null then
    raise exception using errcode = 'INVLD', message = 'Say how the guest pays: cash or bank transfer.';
  end if;
  v_reference := app_private.check_desk_text(reference, false, 100, 'A reference');
  v_balance := app_public.folios_due_at_check_out(v_folio);
  if v_balance <= 0 then
    raise exception using errcode = 'INVLD', hint = 'NOTHING_OWED', message = 'Nothing is owed on this folio.';
  end if;
  perform app_private.check_desk_amount(amount, v_balance, v_folio.currency, 'A payment');
  if method = 'cash' then
    v_shift := app_private.caller_cash_shift(v_folio.property_id);
    if v_shift.currency <> v_folio.currency then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Your cash drawer is in %s; this folio is in %s.', v_shift.currency, v_folio.currency);
    end if;
  end if;
  v_entry_id := app_private.post_entry(v_folio.property_id, 'folio_payment', v_folio.id, app_private.desk_key('payment', idempotency_key),
    pg_catalog.left(case when method = 'cash' then 'Cash payment, ' || app_private.shift_label(v_shift)
                         else 'Bank transfer' || coalesce(' ' || v_reference, '') end
                    || ' — ' || app_private.folio_place(v_folio)
                    || case when method = 'cash' then coalesce(' (' || v_reference || ')', '') else '' end, 500),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', case when method = 'cash' then 'cash_drawer' else 'bank' end, 'amount', amount, 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', -amount, 'currency', v_folio.currency)));
  if method = 'cash' then
    insert into app_public.cash_movements (property_id, shift_id, entry_id, folio_id, kind, amount, currency, created_by)
    values (v_folio.property_id, v_shift.id, v_entry_id, v_folio.id, 'payment', amount, v_folio.currency, app_hidden.current_user_id());
  end if;
  perform app_private.cap_open_intents(r) from app_public.reservations r
   where r.property_id = v_folio.property_id and r.id = v_folio.reservation_id;
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$$;
comment on function app_public.take_folio_payment(uuid, app_public.desk_payment_method, bigint, text, text) is
  E'Takes a cash or bank-transfer payment of at most what the folio owes (dueAtCheckOut) (cash: into the caller''s open cash shift). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, CASH_SHIFT_REQUIRED, IDEMPOTENCY_KEY_REUSED.';
