--! Previous: sha1:00e45ab53f8bc393ef364887779e18e23a0e67ac
--! Hash: sha1:ac4d7601eeecd420d71026f3bf1f7ca3b0c8bab8
--! Message: Messages months ahead kept out of the job queue: a notification due beyond the hour waits as its row (awaiting_job) until a cron queues its job

-- Messages months ahead kept out of graphile_worker's queue (issue 23): a
-- notification due beyond the horizon (an hour) waits as its row alone,
-- awaiting_job, and a cron task queues its job when it comes within it.
-- Every existing row already has its job (notify_all queued them all), so
-- the column starts false for them; the partial index holds only the
-- waiting ones.
alter table app_public.notifications add column if not exists awaiting_job boolean not null default false;
comment on column app_public.notifications.awaiting_job is E'@behavior -*\nDue beyond app_private.notification_horizon() when made: its delivery job is not queued yet (app_private.queue_due_notifications queues it within the horizon).';
create index if not exists notifications_awaiting_job_idx on app_public.notifications (send_after) where awaiting_job;

--! Included operations/app_private.notification_horizon.sql
-- How far ahead a message's delivery job goes into graphile_worker's queue.
-- A message due later (a pre-arrival message, days or months before the
-- stay) waits as its notification row alone (awaiting_job), and
-- app_private.queue_due_notifications, every 10 minutes, queues its job
-- when it comes within this horizon, still to run at its send_after. Why:
-- graphile_worker finds due jobs by an index on (priority, run_at), which
-- a poll that finds none reads to its end, so every waiting job cost every
-- empty poll of every worker (2.6 ms at 18,000 waiting jobs, 20 ms at
-- 289,000: a pre-arrival job per future stay of a year's bookings; issue
-- 23, docs/benchmarks.md "Messages months ahead kept out of the job
-- queue"). An hour is six sweeps' margin.
create or replace function app_private.notification_horizon() returns interval
  language sql immutable parallel safe
begin atomic
  select interval '1 hour';
end;
comment on function app_private.notification_horizon() is
  E'How far ahead of its send_after a notification''s delivery job is queued (later ones wait for app_private.queue_due_notifications).';
--! EndIncluded operations/app_private.notification_horizon.sql
--! Included operations/app_private.queue_notification_jobs.sql
-- The delivery jobs of notification rows: one job per message (a
-- message's email and SMS, the same template, cause and time, go in one
-- job: payload {"id": <the email's row>, "more": [<the SMS's row>]}, or
-- {"id"} alone), each to run at its send_after, all in one
-- app_private.add_jobs. The rows are given as parallel arrays (a caller
-- has them from its insert's or update's returning). notify_all calls it
-- for the messages due within the horizon, queue_due_notifications for
-- the later ones as their time comes (app_private.notification_horizon).
create or replace function app_private.queue_notification_jobs(
  ids uuid[],
  templates app_public.notification_kind[],
  causes text[],
  channels app_public.notification_channel[],
  send_afters timestamptz[]
) returns integer
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_payloads json[];
  v_run_ats timestamptz[];
begin
  with messages as (
    -- A message's rows, the email first.
    select r.send_after, pg_catalog.array_agg(r.id order by r.channel, r.id) as ids
      from rows from (pg_catalog.unnest(queue_notification_jobs.ids), pg_catalog.unnest(queue_notification_jobs.templates),
                      pg_catalog.unnest(queue_notification_jobs.causes), pg_catalog.unnest(queue_notification_jobs.channels),
                      pg_catalog.unnest(queue_notification_jobs.send_afters)) r(id, template, cause, channel, send_after)
     group by r.send_after, r.template, r.cause
  )
  select pg_catalog.array_agg(case when pg_catalog.cardinality(m.ids) = 1 then pg_catalog.json_build_object('id', m.ids[1])
                                   else pg_catalog.json_build_object('id', m.ids[1], 'more', m.ids[2:]) end
                              order by m.send_after, m.ids[1]),
         pg_catalog.array_agg(m.send_after order by m.send_after, m.ids[1])
    into v_payloads, v_run_ats
    from messages m;
  if v_payloads is null then
    return 0;
  end if;
  perform app_private.add_jobs('send_notification', v_payloads, max_attempts := 10, run_ats := v_run_ats);
  return pg_catalog.cardinality(v_payloads);
end;
$$;
comment on function app_private.queue_notification_jobs(uuid[], app_public.notification_kind[], text[], app_public.notification_channel[], timestamptz[]) is
  E'Adds the delivery jobs of the given notification rows: one job per message (its email and SMS together), each at its send_after, in one add_jobs call; returns the number of jobs.';
--! EndIncluded operations/app_private.queue_notification_jobs.sql
--! Included operations/app_private.notify_all.sql
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
--! EndIncluded operations/app_private.notify_all.sql
--! Included operations/app_private.queue_due_notifications.sql
-- Cron (every 10 minutes, worker/runner.ts): queues the delivery jobs of
-- the notifications that waited outside the job queue (awaiting_job: due
-- beyond the horizon when they were made) and are now due within it, each
-- still to run at its send_after. The rows are taken by one update, so two
-- runs at once cannot queue a message twice (the second finds them taken).
-- A message whose stay was cancelled or moved meanwhile is queued all the
-- same, and its job skips it, as it would have before (the delivery checks
-- that the message still applies: worker/tasks/send_notification.ts).
-- Returns how many rows it queued.
create or replace function app_private.queue_due_notifications() returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_ids uuid[];
  v_templates app_public.notification_kind[];
  v_causes text[];
  v_channels app_public.notification_channel[];
  v_send_afters timestamptz[];
begin
  with due as (
    update app_public.notifications n
       set awaiting_job = false
     where n.awaiting_job and n.send_after <= pg_catalog.now() + app_private.notification_horizon()
    returning n.id, n.template, n.cause, n.channel, n.send_after
  )
  select pg_catalog.array_agg(d.id), pg_catalog.array_agg(d.template), pg_catalog.array_agg(d.cause),
         pg_catalog.array_agg(d.channel), pg_catalog.array_agg(d.send_after)
    into v_ids, v_templates, v_causes, v_channels, v_send_afters
    from due d;
  if v_ids is null then
    return 0;
  end if;
  perform app_private.queue_notification_jobs(v_ids, v_templates, v_causes, v_channels, v_send_afters);
  return pg_catalog.cardinality(v_ids);
end;
$$;
comment on function app_private.queue_due_notifications() is
  E'Cron: queues the delivery jobs of notifications that waited outside the job queue and are now due within app_private.notification_horizon(); returns how many rows.';
--! EndIncluded operations/app_private.queue_due_notifications.sql
grant execute on function app_private.queue_due_notifications() to keepr_worker;
