-- The booking group a group-scoped token (from lookup_booking with a group
-- code) is for, or null. Such tokens carry the claim booking_group_id and
-- the anonymous role.
-- A SQL-standard body (begin atomic) with no search_path setting, so that
-- Postgres inlines it into its callers' plans (policies, PL/pgSQL): with
-- the setting it ran as a query of its own on every call, about 5 µs
-- (docs/benchmarks.md, issue 23 session 36).
create or replace function app_hidden.current_booking_group_id() returns uuid
  language sql stable parallel safe
begin atomic
  select nullif(pg_catalog.current_setting('jwt.claims.booking_group_id', true), '')::uuid;
end;
comment on function app_hidden.current_booking_group_id() is
  E'The booking group id of the request''s group-scoped token, or null.';
