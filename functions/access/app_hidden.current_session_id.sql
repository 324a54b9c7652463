-- The session id carried by the request's verified JWT (claim session_id), or null.
-- PostGraphile puts claims into transaction-local settings through pgSettings;
-- an unset or empty setting means "no session".
create or replace function app_hidden.current_session_id() returns uuid
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select nullif(pg_catalog.current_setting('jwt.claims.session_id', true), '')::uuid;
$$;
comment on function app_hidden.current_session_id() is
  E'The session id from the request''s verified JWT claims, or null for anonymous requests.';
