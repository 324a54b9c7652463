-- Who is calling, as the scope of their idempotency keys: a signed-in user,
-- the holder of a booking token, the worker, or anonymous (one shared scope,
-- which is why keys must be long and random). PL/pgSQL, not SQL: a booking
-- asks for it seven times, and Postgres 17 plans a SQL function's query on
-- every call from PL/pgSQL.
create or replace function app_hidden.current_actor_scope() returns text
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_id uuid := app_hidden.current_user_id();
begin
  if v_id is not null then
    return 'user:' || v_id;
  end if;
  v_id := app_hidden.current_booking_id();
  if v_id is not null then
    return 'booking:' || v_id;
  end if;
  v_id := app_hidden.current_booking_group_id();
  if v_id is not null then
    return 'group:' || v_id;
  end if;
  return case when pg_catalog.current_setting('role', true) = 'keepr_worker' then 'worker' else 'anonymous' end;
end;
$$;
comment on function app_hidden.current_actor_scope() is
  E'The caller as an idempotency scope: user:<id>, booking:<id>, group:<id>, worker or anonymous.';
