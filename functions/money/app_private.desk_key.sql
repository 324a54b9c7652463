-- The journal key of a desk operation: the operation and a digest of the
-- caller's idempotency scope and key. Keys are the caller's own (two
-- cashiers may both use "abc…"), journal keys are unique per property; the
-- digest keeps them apart and within the 200 characters a key may have.
create or replace function app_private.desk_key(operation text, key text) returns text
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select 'desk:' || desk_key.operation || ':'
         || pg_catalog.encode(public.digest(app_hidden.current_actor_scope() || ':' || desk_key.key, 'sha256'), 'hex');
$$;
comment on function app_private.desk_key(text, text) is
  E'The journal entry key of a desk operation, from the caller''s idempotency scope and key.';
