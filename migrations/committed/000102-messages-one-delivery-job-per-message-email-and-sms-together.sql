--! Previous: sha1:b677f2973176f88cc4c2379af92e4e8376c432d9
--! Hash: sha1:d58085222bada5ae99040aa3c6f614a90a0b5701
--! Message: Messages: one delivery job per message (email and SMS together); record_notification planned once per worker connection (issue 23)

-- Issue 23 (session 37, helper M): a booking's messages' delivery.
--
-- 1. record_notification (the delivery's outcome, once or twice a message)
--    is PL/pgSQL, so its update is planned once per worker connection, not
--    parsed and planned again on every call as a non-inlinable SQL function.
--! Included operations/app_private.record_notification.sql
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
--! EndIncluded operations/app_private.record_notification.sql

-- 2. One delivery job per message, not per notification row: a message's
--    email and SMS (same template, cause and time) are one send_notification
--    job, payload {"id", "more"} (worker/tasks/send_notification.ts reads
--    both rows in one statement and sends and records each on its own). A
--    confirmation queues two jobs instead of four; the worker fetches,
--    reads and completes one job per message instead of two.
--! Included operations/app_private.notify_all.sql
-- Queues messages about a reservation to its guest, several at once: for
-- each (template, cause, send_after), by email always, by SMS too for the
-- essentials (confirmation, pre-arrival, cancellation) when the guest gave a
-- phone number. One row per (cause, template, channel, recipient): queuing
-- the same cause again changes nothing. The jobs that deliver them are
-- added in this transaction, each to run at its rows' send_after (once per
-- message inserted, so they need no job key), all in one app_private.add_jobs:
-- a confirmation queues its message and the pre-arrival one in one call.
-- One job per message, not per row (issue 23, session 37): a message's
-- email and SMS (the same template, cause and time) go in one job, payload
-- {"id": <the email's row>, "more": [<the SMS's row>]} ({"id"} alone when
-- the message has one row), which reads them in one statement and delivers
-- each once (worker/tasks/send_notification.ts): half the jobs to queue,
-- fetch and complete, and one read of the booking for both.
create or replace function app_private.notify_all(
  reservation app_public.reservations,
  templates app_public.notification_kind[],
  causes text[],
  send_afters timestamptz[]
) returns integer
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_payloads json[];
  v_run_ats timestamptz[];
  v_count integer;
begin
  with queued as (
    insert into app_public.notifications (property_id, reservation_id, template, channel, recipient, cause, send_after)
    select reservation.property_id, reservation.id, m.template, x.channel, x.recipient, m.cause, coalesce(m.send_after, pg_catalog.now())
      from rows from (pg_catalog.unnest(notify_all.templates), pg_catalog.unnest(notify_all.causes), pg_catalog.unnest(notify_all.send_afters)) m(template, cause, send_after)
      join app_public.guests g on g.property_id = reservation.property_id and g.id = reservation.guest_id
      cross join lateral (
        values ('email'::app_public.notification_channel, g.email::text),
               ('sms'::app_public.notification_channel,
                case when m.template in ('confirmation', 'pre_arrival', 'cancellation') then g.phone end)
      ) x(channel, recipient)
     where x.recipient is not null
    on conflict (cause, template, channel, recipient, property_id) do nothing
    returning id, template, cause, channel, send_after
  ), messages as (
    -- A message's rows, the email first.
    select q.send_after, pg_catalog.array_agg(q.id order by q.channel, q.id) as ids
      from queued q
     group by q.send_after, q.template, q.cause
  )
  select pg_catalog.array_agg(case when pg_catalog.cardinality(m.ids) = 1 then pg_catalog.json_build_object('id', m.ids[1])
                                   else pg_catalog.json_build_object('id', m.ids[1], 'more', m.ids[2:]) end
                              order by m.send_after, m.ids[1]),
         pg_catalog.array_agg(m.send_after order by m.send_after, m.ids[1]),
         pg_catalog.sum(pg_catalog.cardinality(m.ids))::integer
    into v_payloads, v_run_ats, v_count
    from messages m;
  if v_payloads is null then
    return 0;
  end if;
  perform app_private.add_jobs('send_notification', v_payloads, max_attempts := 10, run_ats := v_run_ats);
  return v_count;
end;
$$;
comment on function app_private.notify_all(app_public.reservations, app_public.notification_kind[], text[], timestamptz[]) is
  E'Queues notifications (email, and SMS for the essentials) once per cause, several at once, with their delivery jobs (one per message: its email and SMS together) in one call; returns how many notifications were queued.';
--! EndIncluded operations/app_private.notify_all.sql
