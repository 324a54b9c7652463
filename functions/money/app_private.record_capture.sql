-- The provider captured an attempt's charge (from the capture job or a
-- webhook; the second call changes nothing): the attempt and its intent are
-- captured, and the money moves from the guest's folio to the provider's
-- clearing account (Dr payment clearing, Cr guest receivable). The provider
-- is the truth: a charge captured after Keepr gave up on it is recorded all
-- the same. Money beyond what the reservation costs (a stay cancelled
-- meanwhile, a guest who paid again after a lost reply) is refunded.
--
-- The card that succeeded becomes the card on file for the rest of the
-- schedule (unless a card was put on file after this attempt started), with
-- the brand and last four the provider gave (`card`: {brand, last4}); and a
-- booking whose payment was due is no longer once nothing due is unpaid.
create or replace function app_private.record_capture(attempt_id uuid, charge_id text, captured_at timestamptz, card jsonb default null) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
  v_intent app_public.payment_intents;
  v_res app_public.reservations;
  v_card app_private.cards_on_file;
  v_brand text := pg_catalog.lower(card ->> 'brand');
  v_last4 text := card ->> 'last4';
begin
  -- The reservation first (the order every booking function locks in), so
  -- a capture and the deadline's cancellation job take turns.
  perform 1
    from app_public.payment_attempts a
    join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
    join app_public.reservations r on r.property_id = i.property_id and r.id = i.reservation_id
   where a.id = record_capture.attempt_id
     for update of r;
  select * into v_attempt from app_public.payment_attempts a where a.id = record_capture.attempt_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = pg_catalog.format('No payment attempt %s.', record_capture.attempt_id);
  end if;
  if v_attempt.status = 'captured' then
    return;
  end if;
  -- What is known of the card: the provider's word, else what the card
  -- form said when it was put on file.
  select c.* into v_card from app_private.cards_on_file c
    join app_public.payment_intents i on i.reservation_id = c.reservation_id
   where i.property_id = v_attempt.property_id and i.id = v_attempt.intent_id;
  if v_card.payment_token = v_attempt.payment_token then
    v_brand := coalesce(v_brand, v_card.brand);
    v_last4 := coalesce(v_last4, v_card.last4);
  end if;
  if v_last4 !~ '^[0-9]{4}$' or v_brand !~ '^[a-z_]{1,20}$' then
    v_brand := null;
    v_last4 := null;
  end if;
  update app_public.payment_attempts a
     set status = 'captured', provider_charge_id = record_capture.charge_id, captured_at = record_capture.captured_at,
         failure_code = null, failure_message = null, card_brand = v_brand, card_last4 = v_last4
   where a.id = v_attempt.id;
  -- The intent is what was captured on it: an intent resized while its
  -- attempt ran (or after Keepr gave up on it) does not claim more; the
  -- schedule below opens what is still due.
  update app_public.payment_intents i
     set status = 'captured', amount = i.amount_captured + v_attempt.amount,
         amount_captured = i.amount_captured + v_attempt.amount, failure_code = null, failure_message = null
   where i.property_id = v_attempt.property_id and i.id = v_attempt.intent_id
  returning * into v_intent;

  select * into v_res from app_public.reservations r where r.property_id = v_intent.property_id and r.id = v_intent.reservation_id for update;
  perform app_private.post_entry(v_attempt.property_id, 'payment', v_attempt.id, 'payment:' || v_attempt.id || ':capture',
    coalesce('Card payment, ' || app_private.card_label(v_brand, v_last4), 'Card payment'),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'payment_clearing', 'provider', v_intent.provider, 'amount', v_attempt.amount, 'currency', v_attempt.currency),
      pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_intent.folio_id, 'amount', -v_attempt.amount, 'currency', v_attempt.currency)));

  perform app_private.schedule_payments(v_res);
  if v_res.status in ('confirmed', 'checked_in', 'checked_out') then
    perform app_private.set_card_on_file(v_res, v_attempt.payment_token, v_brand, v_last4, v_attempt.created_at);
    select * into v_res from app_public.reservations r where r.id = v_res.id;
    perform app_private.clear_payment_due(v_res);
  end if;
  perform app_private.refund_overpayment(v_res, case when v_res.status in ('cancelled', 'no_show')
                                                     then 'Paid after the reservation was cancelled'
                                                     else 'Paid more than the reservation costs' end);
end;
$$;
comment on function app_private.record_capture(uuid, text, timestamptz, jsonb) is
  E'Records a captured charge: attempt and intent captured, Dr payment clearing / Cr the folio (idempotent); the card becomes the card on file and a payment deadline ends when nothing due is unpaid.';
