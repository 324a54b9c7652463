-- Who is calling, as the scope of their idempotency keys: a signed-in user,
-- the holder of a booking token, the worker, or anonymous (one shared scope,
-- which is why keys must be long and random).
create or replace function app_hidden.current_actor_scope() returns text
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(
    'user:' || app_hidden.current_user_id(),
    'booking:' || app_hidden.current_booking_id(),
    case when pg_catalog.current_setting('role', true) = 'keepr_worker' then 'worker' else 'anonymous' end
  );
$$;
comment on function app_hidden.current_actor_scope() is
  E'The caller as an idempotency scope: user:<id>, booking:<id>, worker or anonymous.';
