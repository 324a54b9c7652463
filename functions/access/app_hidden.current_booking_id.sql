-- The reservation a booking-scoped token (from lookup_booking) is for, or
-- null. Such tokens carry the claim reservation_id and the anonymous role.
-- A SQL-standard body (begin atomic) with no search_path setting, so that
-- Postgres inlines it into its callers' plans (policies, PL/pgSQL): with
-- the setting it ran as a query of its own on every call, about 5 µs
-- (docs/benchmarks.md, issue 23 session 36).
create or replace function app_hidden.current_booking_id() returns uuid
  language sql stable parallel safe
begin atomic
  select nullif(pg_catalog.current_setting('jwt.claims.reservation_id', true), '')::uuid;
end;
comment on function app_hidden.current_booking_id() is
  E'The reservation id of the request''s booking-scoped token, or null.';
