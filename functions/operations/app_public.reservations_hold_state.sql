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
