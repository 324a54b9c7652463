-- Starts a refund of part of a captured payment intent: the refund row, the
-- entry that gives the money back to the folio (Dr guest receivable, Cr
-- refunds due) and, in the same transaction, the job that asks the
-- provider. The caller has locked the intent and checked the amount; the
-- last refund row is returned.
create or replace function app_private.start_refund(intent app_public.payment_intents, amount bigint, reason text)
  returns app_public.refunds
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_left bigint := start_refund.amount;
  v_attempt record;
  v_refund app_public.refunds;
begin
  -- An intent can hold more than one captured charge (a capture that came
  -- in after Keepr gave up on it): refund them newest first, each up to
  -- what is left on it.
  for v_attempt in
    select a.id, a.amount - coalesce((select sum(f.amount) from app_public.refunds f
                                        where f.property_id = a.property_id and f.attempt_id = a.id and f.status <> 'failed'), 0) as refundable
      from app_public.payment_attempts a
     where a.property_id = intent.property_id and a.intent_id = intent.id and a.status = 'captured'
     order by a.captured_at desc, a.id
  loop
    exit when v_left <= 0;
    continue when v_attempt.refundable <= 0;
    insert into app_public.refunds (property_id, intent_id, attempt_id, amount, currency, reason, created_by)
    values (intent.property_id, intent.id, v_attempt.id, least(v_left, v_attempt.refundable), intent.currency, start_refund.reason,
            app_hidden.current_user_id())
    returning * into v_refund;
    v_left := v_left - v_refund.amount;
    perform app_private.post_entry(intent.property_id, 'refund', v_refund.id, 'refund:' || v_refund.id || ':requested',
      'Refund of ' || app_hidden.format_money(v_refund.amount, intent.currency) || ' requested'
        || coalesce(': ' || nullif(pg_catalog.btrim(start_refund.reason), ''), ''),
      pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', intent.folio_id, 'amount', v_refund.amount, 'currency', intent.currency),
        pg_catalog.jsonb_build_object('purpose', 'refunds', 'amount', -v_refund.amount, 'currency', intent.currency)));
    perform app_private.add_job('process_refund', pg_catalog.json_build_object('refund_id', v_refund.id),
                                    job_key := 'refund:' || v_refund.id, max_attempts := 15);
  end loop;
  if v_refund.id is null or v_left > 0 then
    raise exception using errcode = 'TRANS', message = 'Only what was captured, less refunds made or under way, can be refunded.';
  end if;
  return v_refund;
end;
$$;
comment on function app_private.start_refund(app_public.payment_intents, bigint, text) is
  E'Refunds an amount of a captured intent (across its captured charges, newest first), posts it to the folio and queues the provider jobs (same transaction).';
