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
