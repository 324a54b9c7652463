-- How many stays a guest has had at the property: bookings of theirs that
-- were checked in (in house now or checked out). Upcoming, cancelled and
-- no-show bookings are not stays (the profile lists them apart).
create or replace function app_public.guests_stays_count(guest app_public.guests) returns integer
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.count(*)::integer
    from app_public.reservations r
   where r.property_id = guest.property_id and r.guest_id = guest.id
     and r.status in ('checked_in', 'checked_out');
$$;
comment on function app_public.guests_stays_count(app_public.guests) is
  E'Stays the guest has had here: their bookings checked in (in house now or checked out).';
