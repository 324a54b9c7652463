-- The reservation a booking-scoped token (from lookup_booking) is for, or
-- null. Such tokens carry the claim reservation_id and the anonymous role.
create or replace function app_hidden.current_booking_id() returns uuid
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select nullif(pg_catalog.current_setting('jwt.claims.reservation_id', true), '')::uuid;
$$;
comment on function app_hidden.current_booking_id() is
  E'The reservation id of the request''s booking-scoped token, or null.';
