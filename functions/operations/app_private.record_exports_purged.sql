-- Cleanup: records that the files of expired exports were deleted from the
-- export store; returns how many.
create or replace function app_private.record_exports_purged(ids uuid[]) returns integer
  language sql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  with purged as (
    update app_public.exports e set purged_at = pg_catalog.now()
     where e.id = any(record_exports_purged.ids) and e.purged_at is null and e.expires_at <= pg_catalog.now()
    returning 1
  )
  select pg_catalog.count(*)::integer from purged;
$$;
comment on function app_private.record_exports_purged(uuid[]) is E'Records that the files of these expired exports were deleted; returns how many.';
