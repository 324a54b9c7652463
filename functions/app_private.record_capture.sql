-- The provider captured an attempt's charge (from the capture job or a
-- webhook; the second call changes nothing): the attempt and its intent are
-- captured, and the money moves from the guest's folio to the provider's
-- clearing account (Dr payment clearing, Cr guest receivable). The provider
-- is the truth: a charge captured after Keepr gave up on it is recorded all
-- the same. Money beyond what the reservation costs (a stay cancelled
-- meanwhile, a guest who paid again after a lost reply) is refunded.
create or replace function app_private.record_capture(attempt_id uuid, charge_id text, captured_at timestamptz) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
  v_intent app_public.payment_intents;
  v_res app_public.reservations;
begin
  select * into v_attempt from app_public.payment_attempts a where a.id = record_capture.attempt_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = pg_catalog.format('No payment attempt %s.', record_capture.attempt_id);
  end if;
  if v_attempt.status = 'captured' then
    return;
  end if;
  update app_public.payment_attempts a
     set status = 'captured', provider_charge_id = record_capture.charge_id, captured_at = record_capture.captured_at,
         failure_code = null, failure_message = null
   where a.id = v_attempt.id;
  -- The intent is what was captured on it: an intent resized while its
  -- attempt ran (or after Keepr gave up on it) does not claim more; the
  -- schedule below opens what is still due.
  update app_public.payment_intents i
     set status = 'captured', amount = i.amount_captured + v_attempt.amount,
         amount_captured = i.amount_captured + v_attempt.amount, failure_code = null, failure_message = null
   where i.property_id = v_attempt.property_id and i.id = v_attempt.intent_id
  returning * into v_intent;
  perform app_private.post_entry(v_attempt.property_id, 'payment', v_attempt.id, 'payment:' || v_attempt.id || ':capture',
    pg_catalog.format('Card payment %s', record_capture.charge_id),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'payment_clearing', 'provider', v_intent.provider, 'amount', v_attempt.amount, 'currency', v_attempt.currency),
      pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_intent.folio_id, 'amount', -v_attempt.amount, 'currency', v_attempt.currency)));

  select * into v_res from app_public.reservations r where r.property_id = v_intent.property_id and r.id = v_intent.reservation_id for update;
  perform app_private.schedule_payments(v_res);
  perform app_private.refund_overpayment(v_res, case when v_res.status in ('cancelled', 'no_show')
                                                     then 'Paid after the reservation was cancelled'
                                                     else 'Paid more than the reservation costs' end);
end;
$$;
comment on function app_private.record_capture(uuid, text, timestamptz) is
  E'Records a captured charge: attempt and intent captured, Dr payment clearing / Cr the folio (idempotent).';
