-- A refund failed for good: the money goes back on the folio as owed to
-- the guest is undone (Dr refunds due, Cr guest receivable), and staff see
-- the reason.
create or replace function app_private.record_refund_failure(refund_id uuid, code text, message text) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_refund app_public.refunds;
  v_folio_id uuid;
begin
  update app_public.refunds f
     set status = 'failed', failure_code = coalesce(record_refund_failure.code, 'failed'),
         failure_message = pg_catalog.left(record_refund_failure.message, 500)
   where f.id = record_refund_failure.refund_id and f.status = 'pending'
  returning * into v_refund;
  if not found then
    return;
  end if;
  select i.folio_id into v_folio_id from app_public.payment_intents i where i.property_id = v_refund.property_id and i.id = v_refund.intent_id;
  perform app_private.post_entry(v_refund.property_id, 'refund', v_refund.id, 'refund:' || v_refund.id || ':failed',
    'Refund of ' || app_hidden.format_money(v_refund.amount, v_refund.currency) || ' failed ('
      || pg_catalog.replace(v_refund.failure_code, '_', ' ') || '): back on the folio',
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'refunds', 'amount', v_refund.amount, 'currency', v_refund.currency),
      pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_folio_id, 'amount', -v_refund.amount, 'currency', v_refund.currency)),
    reverses_entry_id => (select e.id from app_public.journal_entries e
                           where e.property_id = v_refund.property_id and e.idempotency_key = 'refund:' || v_refund.id || ':requested'));
end;
$$;
comment on function app_private.record_refund_failure(uuid, text, text) is E'Records a failed refund and reverses its folio entry (idempotent).';
