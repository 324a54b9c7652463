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
