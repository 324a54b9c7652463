-- Reservation.cancellationPenaltyNow: what cancelling would cost at this
-- moment, by the terms locked at booking (the same rule cancelReservation
-- applies), so a guest sees the penalty before cancelling. Null once the
-- stay can no longer be cancelled.
create or replace function app_public.reservations_cancellation_penalty_now(reservation app_public.reservations) returns bigint
  language sql stable security definer parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case when reservation.status in ('held', 'confirmed') then app_private.cancellation_penalty(reservation, pg_catalog.now()) end;
$$;
comment on function app_public.reservations_cancellation_penalty_now(app_public.reservations) is
  E'What cancelling this reservation would cost now (minor units, in its currency), by its locked cancellation terms; null when it cannot be cancelled.';
