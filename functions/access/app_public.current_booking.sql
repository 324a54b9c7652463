-- The booking a guest's booking token (lookup_booking, or the token the
-- confirmation returns) may read, found by its id: one index lookup. The
-- guest app's Manage page reads it here, not through `allReservations`,
-- whose row-level security filter (staff, own or token's booking) cannot use
-- an index without a condition of the query's own and scanned every
-- reservation (150 ms a read on the scale data's 424,000).
create or replace function app_public.current_booking() returns app_public.reservations
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select r.* from app_public.reservations r where r.id = app_hidden.current_booking_id();
$$;
