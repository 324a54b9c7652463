--! Previous: sha1:180eab0dfd8f9645a13eca89a9c2e567a6895112
--! Hash: sha1:00e45ab53f8bc393ef364887779e18e23a0e67ac
--! Message: A reservation's booking result and its hold state are SQL-standard bodies with no set clause, inlined where they are used (issue 23)

-- Enter migration here
--! Included booking/app_private.booking_of.sql
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
--! EndIncluded booking/app_private.booking_of.sql
--! Included operations/app_public.reservations_hold_state.sql
-- What a reservation that never became a booking is, for lists (issue 21):
-- the database keeps an abandoned web checkout as `held` after its
-- hold_expires_at (its nights are free again: an expired hold blocks no one,
-- app_private.release_expired_holds), and a desk hold released by hand as
-- `cancelled` without ever being confirmed. Null for a booking (confirmed at
-- some point). A SQL-standard body with no `set` clause: inlined into the
-- lists that select it.
create or replace function app_public.reservations_hold_state(r app_public.reservations) returns text
  language sql stable parallel safe
begin atomic
  select case
           when r.id is null or r.confirmed_at is not null then null
           when r.status = 'held' and r.hold_expires_at > pg_catalog.now() then 'active'
           when r.status = 'held' then 'expired'
           else 'released'
         end;
end;
comment on function app_public.reservations_hold_state(app_public.reservations) is
  E'For a reservation never confirmed: `active` (held, not yet expired), `expired` (held past holdExpiresAt: an abandoned checkout, its nights free again) or `released` (a hold let go before it was confirmed). Null for a booking.';
--! EndIncluded operations/app_public.reservations_hold_state.sql
