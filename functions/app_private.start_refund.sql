-- Starts a refund of part of a captured payment intent: the refund row, the
-- entry that gives the money back to the folio (Dr guest receivable, Cr
-- refunds due) and, in the same transaction, the job that asks the
-- provider. The caller has locked the intent and checked the amount.
create or replace function app_private.start_refund(intent app_public.payment_intents, amount bigint, reason text)
  returns app_public.refunds
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_refund app_public.refunds;
begin
  insert into app_public.refunds (property_id, intent_id, attempt_id, amount, currency, reason, created_by)
  select intent.property_id, intent.id, a.id, start_refund.amount, intent.currency, start_refund.reason, app_hidden.current_user_id()
    from app_public.payment_attempts a
   where a.property_id = intent.property_id and a.intent_id = intent.id and a.status = 'captured'
  returning * into v_refund;
  if v_refund.id is null then
    raise exception using errcode = 'TRANS', message = 'Only a captured payment can be refunded.';
  end if;
  perform app_private.post_entry(intent.property_id, 'refund', v_refund.id, 'refund:' || v_refund.id || ':requested',
    pg_catalog.format('Refund of %s %s requested', start_refund.amount, intent.currency),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', intent.folio_id, 'amount', start_refund.amount, 'currency', intent.currency),
      pg_catalog.jsonb_build_object('purpose', 'refunds', 'amount', -start_refund.amount, 'currency', intent.currency)));
  perform graphile_worker.add_job('process_refund', pg_catalog.json_build_object('refund_id', v_refund.id),
                                  job_key := 'refund:' || v_refund.id, max_attempts := 15);
  return v_refund;
end;
$$;
comment on function app_private.start_refund(app_public.payment_intents, bigint, text) is
  E'Creates a refund of a captured intent, posts it to the folio and queues the provider job (same transaction).';
