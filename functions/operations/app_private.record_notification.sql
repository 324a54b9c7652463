-- The delivery job's result: sent (with what was sent and the provider's
-- message id), failed for good (with the error, for staff), skipped (no
-- longer relevant), or pending with the error of a try that will be
-- retried. A sent notification stays sent.
--
-- PL/pgSQL (issue 23): the update is planned once per worker connection. As
-- a SQL function with a `set` clause (not inlinable) its statement was
-- parsed and planned again on every call, once or twice a message.
create or replace function app_private.record_notification(
  id uuid,
  status app_public.notification_status,
  subject text,
  body_text text,
  provider_message_id text,
  error text
) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  update app_public.notifications n
     set status = record_notification.status,
         attempts = n.attempts + 1,
         subject = coalesce(record_notification.subject, n.subject),
         body_text = coalesce(record_notification.body_text, n.body_text),
         provider_message_id = coalesce(record_notification.provider_message_id, n.provider_message_id),
         last_error = pg_catalog.left(record_notification.error, 1000),
         sent_at = case when record_notification.status = 'sent' then pg_catalog.now() end
   where n.id = record_notification.id and n.status <> 'sent';
end;
$$;
comment on function app_private.record_notification(uuid, app_public.notification_status, text, text, text, text) is
  E'Records a delivery attempt''s outcome (sent, failed, skipped, or pending with the error); never un-sends.';
