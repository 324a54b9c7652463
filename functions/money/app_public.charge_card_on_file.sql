-- Charges the card on file of a reservation at the desk (owner, manager,
-- front desk, accountant): an amount of the reservation's currency, such as
-- extras or what the folio still owes, paid into its folio. An attempt
-- starts and its job authorizes and captures it with the provider; the
-- result arrives on the attempt (captured, or failed with the reason). A
-- desk charge is not part of the booking's schedule: it does not count as
-- prepayment, never sets a payment deadline, and is not refunded as an
-- overpayment (refund it with refundPayment). Returns the attempt.
create or replace function app_public.charge_card_on_file(
  reservation_id uuid,
  amount bigint,
  idempotency_key text
) returns app_public.payment_attempts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_card app_private.cards_on_file;
  v_folio_id uuid;
  v_intent app_public.payment_intents;
  v_attempt app_public.payment_attempts;
begin
  v_replay := app_private.idempotency_begin('charge_card_on_file', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'amount', amount));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.payment_attempts, v_replay);
  end if;
  v_res := app_private.lock_reservation(charge_card_on_file.reservation_id, app_hidden.staff_group_roles('cashiers'), 'take payments');
  if v_res.status not in ('confirmed', 'checked_in', 'checked_out') then
    perform app_private.invalid_transition(v_res, 'charged');
  end if;
  if amount is null or amount <= 0 or amount > 99999999 then
    raise exception using errcode = 'INVLD', message = 'The amount must be more than zero and at most 999,999.99.';
  end if;
  select * into v_card from app_private.cards_on_file c where c.reservation_id = v_res.id;
  if not found then
    raise exception using errcode = 'NOCRD', message = 'This booking has no card on file: take the payment with a new card.';
  end if;
  -- Into the stay's primary folio (its charges and card payments).
  select f.id into v_folio_id from app_public.folios f
   where f.property_id = v_res.property_id and f.reservation_id = v_res.id and f.is_primary;
  -- A desk charge that failed before is closed: this one replaces it.
  update app_public.payment_intents i set status = 'cancelled'
   where i.property_id = v_res.property_id and i.reservation_id = v_res.id and i.kind = 'incidental' and i.status = 'failed';
  insert into app_public.payment_intents (property_id, reservation_id, folio_id, kind, amount, currency, due_at, payment_token)
  values (v_res.property_id, v_res.id, v_folio_id, 'incidental', charge_card_on_file.amount, v_res.currency, pg_catalog.now(), v_card.payment_token)
  returning * into v_intent;
  v_attempt := app_private.start_attempt(v_intent, v_card.payment_token);
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_attempt));
  return v_attempt;
end;
$$;
comment on function app_public.charge_card_on_file(uuid, bigint, text) is
  E'Charges an amount on the reservation''s card on file into its folio (the desk: extras, the balance); returns the attempt, captured by a job. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, NO_CARD_ON_FILE, IDEMPOTENCY_KEY_REUSED.';
