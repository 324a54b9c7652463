-- The second half: stores the answer under the caller's key, in the same
-- transaction as the effect, and passes it through. PL/pgSQL, so that its
-- update is planned once per connection, not on every call.
create or replace function app_private.idempotency_finish(key text, response jsonb) returns jsonb
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_response jsonb;
begin
  update app_private.idempotency_keys k
     set response = idempotency_finish.response
   where k.scope = app_hidden.current_actor_scope() and k.key = idempotency_finish.key
  returning k.response into v_response;
  return v_response;
end;
$$;
comment on function app_private.idempotency_finish(text, jsonb) is
  E'Stores the answer of an idempotent mutation under the caller''s key.';
