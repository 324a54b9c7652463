-- Called every few seconds by each worker process with the ids of its live
-- graphile-worker workers: records them as seen, and force-unlocks the jobs
-- (and queues) of workers that hold locks older than dead_after and that no
-- process has vouched for within dead_after: their process died (SIGKILL,
-- power loss) without releasing them. Returns how many workers were
-- unlocked.
create or replace function app_private.worker_heartbeat(worker_ids text[], dead_after interval) returns integer
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_dead text[];
begin
  insert into app_private.worker_heartbeats (worker_id, seen_at)
  select w, pg_catalog.now() from pg_catalog.unnest(worker_ids) w
  on conflict (worker_id) do update set seen_at = excluded.seen_at;

  select pg_catalog.array_agg(distinct j.locked_by) into v_dead
    from graphile_worker.jobs j
   where j.locked_by is not null and j.locked_at < pg_catalog.now() - dead_after
     and not exists (select 1 from app_private.worker_heartbeats h
                      where h.worker_id = j.locked_by and h.seen_at > pg_catalog.now() - dead_after);
  if v_dead is not null then
    perform graphile_worker.force_unlock_workers(v_dead);
  end if;
  delete from app_private.worker_heartbeats h where h.seen_at < pg_catalog.now() - greatest(dead_after * 10, interval '1 hour');
  return coalesce(pg_catalog.array_length(v_dead, 1), 0);
end;
$$;
comment on function app_private.worker_heartbeat(text[], interval) is
  E'Records live worker ids and unlocks the jobs of workers not seen for dead_after (a killed process); returns how many were unlocked.';
