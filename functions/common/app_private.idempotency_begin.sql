-- The first half of every idempotent mutation. Records (caller, key) with
-- the operation and a hash of its parameters, and returns null: go on.
-- When the key was used before, returns the stored answer (same operation
-- and parameters) or raises IDKEY (anything else). A concurrent request
-- with the same key waits on the unique index until the first commits (then
-- gets its answer) or rolls back (then goes on itself): one effect, always.
create or replace function app_private.idempotency_begin(operation text, key text, request jsonb) returns jsonb
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_scope text := app_hidden.current_actor_scope();
  v_hash bytea := public.digest(request::text, 'sha256');
  v_row app_private.idempotency_keys;
begin
  if key is null or pg_catalog.length(key) not between 16 and 200 or key !~ '^[[:graph:]]+$' then
    raise exception using errcode = 'IDKRQ',
      message = 'An idempotency key of 16 to 200 visible characters is required (a random UUID is a good one).';
  end if;
  insert into app_private.idempotency_keys (scope, key, operation, request_hash)
  values (v_scope, idempotency_begin.key, idempotency_begin.operation, v_hash)
  on conflict (scope, key) do nothing;
  if found then
    return null;
  end if;
  select * into v_row from app_private.idempotency_keys k where k.scope = v_scope and k.key = idempotency_begin.key;
  if v_row.operation <> idempotency_begin.operation or v_row.request_hash <> v_hash or v_row.response is null then
    raise exception using errcode = 'IDKEY',
      message = 'This idempotency key was already used for a different request; use a new key for a new request.';
  end if;
  return v_row.response;
end;
$$;
comment on function app_private.idempotency_begin(text, text, jsonb) is
  E'Claims an idempotency key for the caller: null to go on, the first answer on a replay, IDKEY when the key was used for something else.';
