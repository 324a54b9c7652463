-- Reservation.changeRefusal: whether the guest may change dates and guests
-- online (null) or why not. Security definer: it reads the rate plan, which
-- the caller may not see once unpublished; it reads nothing beyond the row.
create or replace function app_public.reservations_change_refusal(reservation app_public.reservations) returns text
  language sql stable security definer parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select app_private.guest_change_refusal(reservation);
$$;
comment on function app_public.reservations_change_refusal(app_public.reservations) is
  E'Null when the guest may change this booking''s dates and guests online (modifyReservation); otherwise why not: NOT_CONFIRMED, RATE_PLAN (the rate plan does not allow it), NOT_REFUNDABLE, or PAST_DEADLINE (the free-cancellation deadline has passed).';
