-- Records the outcome of one try of the send_invoice job; a sent delivery
-- stays sent.
create or replace function app_private.record_invoice_delivery(id uuid, status text, message_id text, error text) returns void
  language sql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  update app_public.invoice_deliveries d
     set status = record_invoice_delivery.status::app_public.invoice_delivery_status,
         attempts = d.attempts + 1,
         provider_message_id = coalesce(record_invoice_delivery.message_id, d.provider_message_id),
         last_error = pg_catalog.left(record_invoice_delivery.error, 1000),
         sent_at = case when record_invoice_delivery.status = 'sent' then pg_catalog.now() end
   where d.id = record_invoice_delivery.id and d.status <> 'sent';
$$;
comment on function app_private.record_invoice_delivery(uuid, text, text, text) is
  E'Records a try of sending an invoice by email: sent, failed, or pending with the error; never un-sends.';
