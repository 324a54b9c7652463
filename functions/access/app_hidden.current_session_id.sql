-- The session id carried by the request's verified JWT (claim session_id), or null.
-- PostGraphile puts claims into transaction-local settings through pgSettings;
-- an unset or empty setting means "no session".
-- A SQL-standard body (begin atomic) with no search_path setting, so that
-- Postgres inlines it into its callers' plans (policies, PL/pgSQL): with
-- the setting it ran as a query of its own on every call, about 5 µs
-- (docs/benchmarks.md, issue 23 session 36).
create or replace function app_hidden.current_session_id() returns uuid
  language sql stable parallel safe
begin atomic
  select nullif(pg_catalog.current_setting('jwt.claims.session_id', true), '')::uuid;
end;
comment on function app_hidden.current_session_id() is
  E'The session id from the request''s verified JWT claims, or null for anonymous requests.';
