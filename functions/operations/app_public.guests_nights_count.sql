-- The nights of a guest's stays (app_public.guests_stays_count): each
-- stay's nights as booked, [arrive, depart); an early check-out counts the
-- nights its stay was shortened to.
create or replace function app_public.guests_nights_count(guest app_public.guests) returns integer
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(pg_catalog.sum(pg_catalog.upper(r.stay) - pg_catalog.lower(r.stay)), 0)::integer
    from app_public.reservations r
   where r.property_id = guest.property_id and r.guest_id = guest.id
     and r.status in ('checked_in', 'checked_out');
$$;
comment on function app_public.guests_nights_count(app_public.guests) is
  E'Nights of the guest''s stays here (checked in or checked out), as their stays read now.';
