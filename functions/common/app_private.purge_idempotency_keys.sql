-- Cleanup (cron): forgets idempotency keys older than 48 hours (they are
-- promised for at least 24).
create or replace function app_private.purge_idempotency_keys() returns integer
  language sql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  with purged as (
    delete from app_private.idempotency_keys k where k.created_at < pg_catalog.now() - interval '48 hours' returning 1
  )
  select count(*)::integer from purged;
$$;
comment on function app_private.purge_idempotency_keys() is E'Deletes idempotency records older than 48 hours; returns how many.';
