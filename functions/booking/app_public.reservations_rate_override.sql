-- The price the desk set for the stay, if it did (Reservation.rateOverride):
-- who, when, from what to what and why. The staff who read reservations
-- (cashiers), by the table's policy.
create or replace function app_public.reservations_rate_override(reservation app_public.reservations) returns app_public.rate_overrides
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select o.* from app_public.rate_overrides o
   where o.property_id = reservation.property_id and o.reservation_id = reservation.id;
$$;
comment on function app_public.reservations_rate_override(app_public.reservations) is
  E'The rate override the front desk gave this stay (price before and after, percent off, reason, who), or null.';
