-- A check-out leaves a cleaning task for the unit, due today.
create or replace function app_private.tg_reservations__housekeeping() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date, reservation_id)
  values (new.property_id, new.unit_id, 'checkout_clean', app_private.local_today(new.property_id), new.id)
  on conflict do nothing;
  return null;
end;
$$;
comment on function app_private.tg_reservations__housekeeping() is E'Trigger: a check-out creates the unit''s cleaning task.';
