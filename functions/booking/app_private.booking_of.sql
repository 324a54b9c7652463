-- The booking result of a reservation.
create or replace function app_private.booking_of(r app_public.reservations) returns app_public.booking
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select (r.id, r.property_id, r.confirmation_code, r.status, pg_catalog.lower(r.stay), pg_catalog.upper(r.stay),
          r.currency, r.total_amount, r.penalty_amount, r.refund_amount, r.payment_due_by)::app_public.booking;
$$;
comment on function app_private.booking_of(app_public.reservations) is E'A reservation as a booking result.';
