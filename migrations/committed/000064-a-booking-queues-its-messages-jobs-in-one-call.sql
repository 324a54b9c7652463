--! Previous: sha1:268e2832b9490e3ff292d61d4d58ee36e25ac862
--! Hash: sha1:b10d894e78f92b7ee608daa104693960a5cfa1f0
--! Message: a booking queues its messages' jobs in one call

-- add_jobs takes a run time per job, and notify_all queues several messages
-- at once, so a confirmation (or a change of dates) queues its message and
-- the pre-arrival one with one call of graphile_worker.add_jobs instead of
-- two (its statements are planned on every call: about half its cost).
drop function if exists app_private.add_jobs(text, json[], timestamptz, integer);
--! Included common/app_private.add_jobs.sql
-- Queues several jobs of one task in one call (graphile_worker.add_jobs, its
-- public batch API): one job per payload, to run at run_ats[n] for the n-th
-- payload when given, else at run_at (now when null), with max_attempts.
-- Like app_private.add_job, each payload carries the transaction's
-- keepr.traceparent as `_trace` when tracing is on. A booking queues all of
-- its messages' jobs through here, in one call: the confirmation's now and
-- the pre-arrival message's days ahead.
--
-- plan_cache_mode force_custom_plan, whatever the caller set: graphile_worker's
-- statements are planned for each call's jobs with the queue's current
-- statistics. A generic plan is a trap here: the statement that clears the
-- keys of locked jobs, planned once while the queue was small, scans the
-- whole queue on every later call (measured: 25 ms a call with 30,000 jobs
-- waiting, against 0.4 ms planned per call), and a booking's pre-arrival
-- jobs wait for days, so the queue is never small for long. Postgres's own
-- choice (auto) falls into it after five calls. Planning its five
-- statements is most of what a call costs, hence one call per transaction.
create or replace function app_private.add_jobs(
  identifier text,
  payloads json[],
  run_at timestamptz default null,
  max_attempts integer default null,
  run_ats timestamptz[] default null
) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
  set plan_cache_mode to force_custom_plan
as $$
declare
  v_trace text := pg_catalog.current_setting('keepr.traceparent', true);
  v_traced boolean := v_trace ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$';
begin
  if pg_catalog.cardinality(payloads) > 0 then
    perform graphile_worker.add_jobs(array(
      select (add_jobs.identifier,
              case when v_traced then (coalesce(p::jsonb, '{}'::jsonb) || pg_catalog.jsonb_build_object('_trace', v_trace))::json else p end,
              null, coalesce(add_jobs.run_ats[x.n], add_jobs.run_at), add_jobs.max_attempts::smallint, null, null, null)::graphile_worker.job_spec
        from pg_catalog.unnest(payloads) with ordinality x(p, n)
       order by x.n));
  end if;
end;
$$;

comment on function app_private.add_jobs(text, json[], timestamptz, integer, timestamptz[]) is
  E'Queues one job of a task per payload in one call (graphile_worker.add_jobs), each at its run_ats entry or run_at, with the transaction''s keepr.traceparent in each payload as _trace.';
--! EndIncluded common/app_private.add_jobs.sql
--! Included operations/app_private.notify_all.sql
-- Queues messages about a reservation to its guest, several at once: for
-- each (template, cause, send_after), by email always, by SMS too for the
-- essentials (confirmation, pre-arrival, cancellation) when the guest gave a
-- phone number. One row per (cause, template, channel, recipient): queuing
-- the same cause again changes nothing. The jobs that deliver them are
-- added in this transaction, each to run at its row's send_after (once per
-- row inserted, so they need no job key), all in one app_private.add_jobs:
-- a confirmation queues its message and the pre-arrival one in one call.
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
  v_ids uuid[];
  v_run_ats timestamptz[];
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
    returning id, send_after
  )
  select pg_catalog.array_agg(q.id order by q.send_after, q.id), pg_catalog.array_agg(q.send_after order by q.send_after, q.id)
    into v_ids, v_run_ats
    from queued q;
  if v_ids is null then
    return 0;
  end if;
  perform app_private.add_jobs('send_notification', array(select pg_catalog.json_build_object('id', i) from pg_catalog.unnest(v_ids) with ordinality u(i, n) order by u.n),
                               max_attempts := 10, run_ats := v_run_ats);
  return pg_catalog.cardinality(v_ids);
end;
$$;
comment on function app_private.notify_all(app_public.reservations, app_public.notification_kind[], text[], timestamptz[]) is
  E'Queues notifications (email, and SMS for the essentials) once per cause, several at once, with their delivery jobs in one call; returns how many were queued.';
--! EndIncluded operations/app_private.notify_all.sql
--! Included operations/app_private.notify.sql
-- Queues one message about a reservation to its guest (app_private.notify_all
-- with one entry): by email always, by SMS too for the essentials when the
-- guest gave a phone number, once per cause, with its delivery jobs.
create or replace function app_private.notify(
  reservation app_public.reservations,
  template app_public.notification_kind,
  cause text,
  send_after timestamptz default pg_catalog.now()
) returns integer
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return app_private.notify_all(reservation, array[template], array[cause], array[send_after]);
end;
$$;
comment on function app_private.notify(app_public.reservations, app_public.notification_kind, text, timestamptz) is
  E'Queues a notification (email, and SMS for the essentials) once per cause, with its delivery job; returns how many were queued.';
--! EndIncluded operations/app_private.notify.sql
--! Included operations/app_private.tg_reservations__notify.sql
-- What a reservation's change tells its guest: a confirmation (and the
-- pre-arrival message, scheduled), a modification of dates, guests or
-- price (a new pre-arrival message when the arrival moved; the old one is
-- skipped when its time comes), a cancellation, a thank-you on check-out.
-- Each in the transaction of the change; a change's messages in one
-- notify_all (one call that queues their jobs).
create or replace function app_private.tg_reservations__notify() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_pre_arrival timestamptz;
begin
  if new.guest_id is null then
    return null;
  end if;
  if old.status = 'held' and new.status = 'confirmed' then
    v_pre_arrival := app_private.pre_arrival_at(new);
    if v_pre_arrival > pg_catalog.now() then
      perform app_private.notify_all(new, array['confirmation', 'pre_arrival']::app_public.notification_kind[],
                                     array['reservation:' || new.id || ':confirmed', 'reservation:' || new.id || ':pre_arrival:' || pg_catalog.lower(new.stay)],
                                     array[pg_catalog.now(), v_pre_arrival]);
    else
      perform app_private.notify(new, 'confirmation', 'reservation:' || new.id || ':confirmed');
    end if;
  elsif old.status = new.status and new.status in ('confirmed', 'checked_in')
        and (old.stay, old.adults, old.children, old.rate_plan_id, old.total_amount)
            is distinct from (new.stay, new.adults, new.children, new.rate_plan_id, new.total_amount) then
    if new.status = 'confirmed' and pg_catalog.lower(old.stay) <> pg_catalog.lower(new.stay) then
      v_pre_arrival := app_private.pre_arrival_at(new);
    end if;
    if v_pre_arrival > pg_catalog.now() then
      perform app_private.notify_all(new, array['modification', 'pre_arrival']::app_public.notification_kind[],
                                     array['reservation:' || new.id || ':modified:' || pg_catalog.txid_current(), 'reservation:' || new.id || ':pre_arrival:' || pg_catalog.lower(new.stay)],
                                     array[pg_catalog.now(), v_pre_arrival]);
    else
      perform app_private.notify(new, 'modification', 'reservation:' || new.id || ':modified:' || pg_catalog.txid_current());
    end if;
  elsif old.status <> 'cancelled' and new.status = 'cancelled' and old.status <> 'held' then
    perform app_private.notify(new, 'cancellation', 'reservation:' || new.id || ':cancelled');
  elsif old.status = 'checked_in' and new.status = 'checked_out' then
    perform app_private.notify(new, 'checkout_thanks', 'reservation:' || new.id || ':checked_out');
  end if;
  return null;
end;
$$;
comment on function app_private.tg_reservations__notify() is
  E'Trigger: queues the guest''s confirmation, pre-arrival, modification, cancellation and check-out messages.';
--! EndIncluded operations/app_private.tg_reservations__notify.sql
