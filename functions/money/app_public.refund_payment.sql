-- Refunds part or all of a captured payment (owner, manager, accountant):
-- the folio is credited back at once and a job asks the provider.
create or replace function app_public.refund_payment(
  intent_id uuid,
  amount bigint,
  reason text,
  idempotency_key text
) returns app_public.refunds
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_intent app_public.payment_intents;
  v_refundable bigint;
  v_refund app_public.refunds;
begin
  v_replay := app_private.idempotency_begin('refund_payment', idempotency_key,
                pg_catalog.jsonb_build_object('intent_id', intent_id, 'amount', amount, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.refunds, v_replay);
  end if;
  select * into v_intent from app_public.payment_intents i where i.id = refund_payment.intent_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such payment, or you cannot see it.';
  end if;
  perform app_private.lock_reservation(v_intent.reservation_id, app_hidden.staff_group_roles('back_office'), 'refund payments');
  select * into v_intent from app_public.payment_intents i where i.id = refund_payment.intent_id for update;
  if pg_catalog.length(reason) > 500 then
    raise exception using errcode = 'INVLD', message = 'A refund reason can be at most 500 characters.';
  end if;
  v_refundable := v_intent.amount_captured - v_intent.amount_refunded
                  - coalesce((select sum(f.amount) from app_public.refunds f
                               where f.property_id = v_intent.property_id and f.intent_id = v_intent.id and f.status = 'pending'), 0);
  if amount is null or amount <= 0 or amount > v_refundable then
    raise exception using errcode = 'INVLD',
      message = pg_catalog.format('A refund must be more than %s and at most %s (captured, less refunds made or under way).',
                                  app_hidden.format_money(0, v_intent.currency), app_hidden.format_money(v_refundable, v_intent.currency));
  end if;
  v_refund := app_private.start_refund(v_intent, amount, reason);
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_refund));
  return v_refund;
end;
$$;
comment on function app_public.refund_payment(uuid, bigint, text, text) is
  E'Refunds part or all of a captured payment: the folio is credited at once, the provider pays by a job. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
