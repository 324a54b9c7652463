-- Cleanup (cron): releases holds that expired more than a minute ago. Only
-- housekeeping: expired holds already count as free everywhere.
create or replace function app_private.release_stale_claims() returns integer
  language sql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  with released as (
    update app_public.inventory_claims c
       set released_at = pg_catalog.now()
     where c.released_at is null and c.kind = 'hold' and c.expires_at < pg_catalog.now() - interval '1 minute'
    returning 1
  )
  select count(*)::integer from released;
$$;
comment on function app_private.release_stale_claims() is E'Releases holds that expired over a minute ago; returns how many.';
