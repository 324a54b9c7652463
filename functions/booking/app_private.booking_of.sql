-- The booking result of a reservation. A SQL-standard body with no `set`
-- clause, so the confirmations, cancellations and changes that return it
-- have it inlined rather than planned again in every transaction.
create or replace function app_private.booking_of(r app_public.reservations) returns app_public.booking
  language sql immutable parallel safe
begin atomic
  select (r.id, r.property_id, r.confirmation_code, r.status, pg_catalog.lower(r.stay), pg_catalog.upper(r.stay),
          r.currency, r.total_amount, r.penalty_amount, r.refund_amount, r.payment_due_by)::app_public.booking;
end;
comment on function app_private.booking_of(app_public.reservations) is E'A reservation as a booking result.';
