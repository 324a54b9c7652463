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
