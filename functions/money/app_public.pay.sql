-- Pays a payment intent with a card token from the provider's hosted card
-- form (Keepr never sees the card number): an attempt starts and a job
-- authorizes and captures it; the result arrives on the attempt and intent
-- (and by webhook). The token stays on file for the reservation's later
-- intents (the balance is charged when it falls due). The guest (signed in,
-- or with the booking token) and staff who take payments may pay.
create or replace function app_public.pay(
  intent_id uuid,
  payment_token text,
  idempotency_key text
) returns app_public.payment_attempts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_intent app_public.payment_intents;
  v_res app_public.reservations;
  v_attempt app_public.payment_attempts;
begin
  v_replay := app_private.idempotency_begin('pay', idempotency_key,
                pg_catalog.jsonb_build_object('intent_id', intent_id, 'payment_token', payment_token));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.payment_attempts, v_replay);
  end if;
  select * into v_intent from app_public.payment_intents i where i.id = pay.intent_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such payment, or you cannot see it.';
  end if;
  v_res := app_private.lock_reservation(v_intent.reservation_id, app_hidden.staff_group_roles('cashiers'), 'take payments', true);
  select * into v_intent from app_public.payment_intents i where i.id = pay.intent_id for update;
  if v_intent.status not in ('requires_payment', 'failed') then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('This payment is %s; it cannot be paid again.', v_intent.status),
      hint = v_intent.status::text;
  end if;
  if v_res.status not in ('confirmed', 'checked_in', 'checked_out') then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('This reservation is %s; it takes no payments.', v_res.status),
      hint = v_res.status::text;
  end if;
  if payment_token is null or payment_token !~ '^tok_[A-Za-z0-9_]{6,100}$' then
    raise exception using errcode = 'INVLD', message = 'A card token from the payment form (tok_...) is required; never a card number.';
  end if;

  v_attempt := app_private.start_attempt(v_intent, payment_token);
  update app_public.payment_intents i set payment_token = pay.payment_token
   where i.property_id = v_res.property_id and i.reservation_id = v_res.id and i.status = 'requires_payment' and i.payment_token is null;

  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_attempt));
  return v_attempt;
end;
$$;
comment on function app_public.pay(uuid, text, text) is
  E'Pays a payment intent with a provider card token: starts an attempt captured by a job; the card stays on file for later intents. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
