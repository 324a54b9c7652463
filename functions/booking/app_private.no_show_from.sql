-- The moment from which a guest who did not arrive may be recorded as a
-- no-show: the property's no-show time, no_show_day_offset days after the
-- arrival date, in the property's time zone (by default the next day at
-- 02:00, local wall-clock time whatever the daylight-saving change).
create or replace function app_private.no_show_from(reservation app_public.reservations) returns timestamptz
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select ((pg_catalog.lower(reservation.stay) + p.no_show_day_offset)::timestamp + p.no_show_time) at time zone p.time_zone
    from app_public.properties p
   where p.id = reservation.property_id;
$$;
comment on function app_private.no_show_from(app_public.reservations) is
  E'When a reservation''s guest may be recorded as a no-show, by the property''s no-show time.';
