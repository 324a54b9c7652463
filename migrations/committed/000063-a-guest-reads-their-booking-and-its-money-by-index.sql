--! Previous: sha1:b72eb4ad41dc3afd0e093ed5585afbae81dbc2d6
--! Hash: sha1:268e2832b9490e3ff292d61d4d58ee36e25ac862
--! Message: a guest reads their booking and its money by index

-- The guest's booking, by the token's reservation id (Manage).
--! Included access/app_public.current_booking.sql
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
--! EndIncluded access/app_public.current_booking.sql
grant execute on function app_public.current_booking() to keepr_anonymous;
comment on function app_public.current_booking() is
  E'The booking the caller''s booking token is for (lookupBooking, or the token confirmBooking returns); null without one.';

-- Rows that belong to a folio or a payment intent were visible when their
-- parent was: `folio_id in (select id from folios)`. That subquery is not
-- tied to the row, so Postgres built the set of every visible folio (or
-- intent) first, and the parent's own policy (staff of the property, or the
-- guest's booking) is an OR that no index answers: each read scanned every
-- folio or intent, whatever it asked for. The same rule, asked of the row's
-- own parent (its key is the row's), is one index lookup.
alter policy select_visible_folio on app_public.folio_balances using (
  exists (select 1 from app_public.folios f where f.property_id = folio_balances.property_id and f.id = folio_balances.folio_id));
alter policy select_visible_folio on app_public.postings using (
  exists (select 1 from app_public.folios f where f.property_id = postings.property_id and f.id = postings.folio_id));
alter policy select_staff_or_guest on app_public.payment_attempts using (
  exists (select 1 from app_public.payment_intents i where i.property_id = payment_attempts.property_id and i.id = payment_attempts.intent_id));
alter policy select_staff_or_guest on app_public.refunds using (
  exists (select 1 from app_public.payment_intents i where i.property_id = refunds.property_id and i.id = refunds.intent_id));
