-- Queues messages about a reservation to its guest, several at once: for
-- each (template, cause, send_after), by email always, by SMS too for the
-- essentials (confirmation, pre-arrival, cancellation) when the guest gave a
-- phone number. One row per (cause, template, channel, recipient): queuing
-- the same cause again changes nothing. The jobs that deliver the messages
-- due within the horizon (app_private.notification_horizon: an hour) are
-- added in this transaction, each to run at its rows' send_after (once per
-- message inserted, so they need no job key), all in one add_jobs
-- (app_private.queue_notification_jobs). A message due later (the
-- pre-arrival one, days ahead) is its rows alone, awaiting_job, until
-- app_private.queue_due_notifications queues its job within the horizon:
-- graphile_worker's queue holds the next hour's messages, not a year's.
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
  v_count integer;
  v_ids uuid[];
  v_templates app_public.notification_kind[];
  v_causes text[];
  v_channels app_public.notification_channel[];
  v_send_afters timestamptz[];
begin
  with queued as (
    insert into app_public.notifications (property_id, reservation_id, template, channel, recipient, cause, send_after, awaiting_job)
    select reservation.property_id, reservation.id, m.template, x.channel, x.recipient, m.cause, coalesce(m.send_after, pg_catalog.now()),
           coalesce(m.send_after, pg_catalog.now()) > pg_catalog.now() + app_private.notification_horizon()
      from rows from (pg_catalog.unnest(notify_all.templates), pg_catalog.unnest(notify_all.causes), pg_catalog.unnest(notify_all.send_afters)) m(template, cause, send_after)
      join app_public.guests g on g.property_id = reservation.property_id and g.id = reservation.guest_id
      cross join lateral (
        values ('email'::app_public.notification_channel, g.email::text),
               ('sms'::app_public.notification_channel,
                case when m.template in ('confirmation', 'pre_arrival', 'cancellation') then g.phone end)
      ) x(channel, recipient)
     where x.recipient is not null
    on conflict (cause, template, channel, recipient, property_id) do nothing
    returning id, template, cause, channel, send_after, awaiting_job
  )
  select pg_catalog.count(*)::integer,
         pg_catalog.array_agg(q.id) filter (where not q.awaiting_job), pg_catalog.array_agg(q.template) filter (where not q.awaiting_job),
         pg_catalog.array_agg(q.cause) filter (where not q.awaiting_job), pg_catalog.array_agg(q.channel) filter (where not q.awaiting_job),
         pg_catalog.array_agg(q.send_after) filter (where not q.awaiting_job)
    into v_count, v_ids, v_templates, v_causes, v_channels, v_send_afters
    from queued q;
  if v_ids is not null then
    perform app_private.queue_notification_jobs(v_ids, v_templates, v_causes, v_channels, v_send_afters);
  end if;
  return v_count;
end;
$$;
comment on function app_private.notify_all(app_public.reservations, app_public.notification_kind[], text[], timestamptz[]) is
  E'Queues notifications (email, and SMS for the essentials) once per cause, several at once, with the delivery jobs of those due within the horizon (one per message: its email and SMS together) in one call, the later ones waiting for app_private.queue_due_notifications; returns how many notifications were queued.';
