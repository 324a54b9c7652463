-- The booking group a group-scoped token (from lookup_booking with a group
-- code) is for, or null. Such tokens carry the claim booking_group_id and
-- the anonymous role.
create or replace function app_hidden.current_booking_group_id() returns uuid
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select nullif(pg_catalog.current_setting('jwt.claims.booking_group_id', true), '')::uuid;
$$;
comment on function app_hidden.current_booking_group_id() is
  E'The booking group id of the request''s group-scoped token, or null.';
