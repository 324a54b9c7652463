-- The provider paid a refund out (from the refund job or a webhook; the
-- second call changes nothing): Dr refunds due, Cr payment clearing, and
-- the intent counts it.
create or replace function app_private.record_refund(refund_id uuid, provider_refund_id text, refunded_at timestamptz) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_refund app_public.refunds;
  v_intent app_public.payment_intents;
begin
  update app_public.refunds f
     set status = 'succeeded', provider_refund_id = record_refund.provider_refund_id, refunded_at = record_refund.refunded_at,
         failure_code = null, failure_message = null
   where f.id = record_refund.refund_id and f.status = 'pending'
  returning * into v_refund;
  if not found then
    return;
  end if;
  update app_public.payment_intents i
     set amount_refunded = i.amount_refunded + v_refund.amount,
         status = case when i.amount_refunded + v_refund.amount = i.amount_captured then 'refunded' else 'partially_refunded' end::app_public.payment_status
   where i.property_id = v_refund.property_id and i.id = v_refund.intent_id
  returning * into v_intent;
  perform app_private.post_entry(v_refund.property_id, 'refund', v_refund.id, 'refund:' || v_refund.id || ':paid',
    pg_catalog.format('Card refund %s', record_refund.provider_refund_id),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'refunds', 'amount', v_refund.amount, 'currency', v_refund.currency),
      pg_catalog.jsonb_build_object('purpose', 'payment_clearing', 'provider', v_intent.provider, 'amount', -v_refund.amount, 'currency', v_refund.currency)));
end;
$$;
comment on function app_private.record_refund(uuid, text, timestamptz) is E'Records a refund paid by the provider: Dr refunds due / Cr payment clearing (idempotent).';
