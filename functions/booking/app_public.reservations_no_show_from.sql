-- Reservation.noShowFrom: when the desk may record a no-show (the same rule
-- as app_private.no_show_from, read with the caller's rights).
create or replace function app_public.reservations_no_show_from(r app_public.reservations) returns timestamptz
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select ((pg_catalog.lower(r.stay) + p.no_show_day_offset)::timestamp + p.no_show_time) at time zone p.time_zone
    from app_public.properties p
   where p.id = r.property_id;
$$;
comment on function app_public.reservations_no_show_from(app_public.reservations) is
  E'When a guest who did not arrive may be recorded as a no-show: the property''s no-show time after the arrival date.';
