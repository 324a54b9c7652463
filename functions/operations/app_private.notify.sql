-- Queues a message about a reservation to its guest: by email always, by
-- SMS too for the essentials (confirmation, pre-arrival, cancellation) when
-- the guest gave a phone number. One row per (cause, template, channel,
-- recipient): queuing the same cause again changes nothing. The job that
-- delivers it is added in this transaction, to run at send_after (once per
-- row inserted, so it needs no job key), all of a call's jobs in one
-- app_private.add_jobs.
create or replace function app_private.notify(
  reservation app_public.reservations,
  template app_public.notification_kind,
  cause text,
  send_after timestamptz default pg_catalog.now()
) returns integer
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_ids uuid[];
begin
  with queued as (
    insert into app_public.notifications (property_id, reservation_id, template, channel, recipient, cause, send_after)
    select reservation.property_id, reservation.id, notify.template, x.channel, x.recipient, notify.cause, notify.send_after
      from app_public.guests g
      cross join lateral (
        values ('email'::app_public.notification_channel, g.email::text),
               ('sms'::app_public.notification_channel,
                case when notify.template in ('confirmation', 'pre_arrival', 'cancellation') then g.phone end)
      ) x(channel, recipient)
     where g.property_id = reservation.property_id and g.id = reservation.guest_id and x.recipient is not null
    on conflict (cause, template, channel, recipient, property_id) do nothing
    returning id
  )
  select pg_catalog.array_agg(q.id) into v_ids from queued q;
  if v_ids is null then
    return 0;
  end if;
  perform app_private.add_jobs('send_notification', array(select pg_catalog.json_build_object('id', i) from pg_catalog.unnest(v_ids) i),
                               run_at := notify.send_after, max_attempts := 10);
  return pg_catalog.cardinality(v_ids);
end;
$$;
comment on function app_private.notify(app_public.reservations, app_public.notification_kind, text, timestamptz) is
  E'Queues a notification (email, and SMS for the essentials) once per cause, with its delivery job; returns how many were queued.';
