-- The live queue, read when asked (graphile-worker installs its schema after
-- the migrations, so a view cannot name its tables).
create or replace function reporting.job_queue()
  returns table (task text, waiting integer, running integer, scheduled integer, retrying integer, oldest_waiting_ms bigint, given_up integer)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return query
    select j.task_identifier::text,
           (count(*) filter (where j.run_at <= pg_catalog.now() and j.locked_at is null))::integer,
           (count(*) filter (where j.locked_at is not null))::integer,
           (count(*) filter (where j.run_at > pg_catalog.now()))::integer,
           (count(*) filter (where j.attempts > 0 and j.locked_at is null))::integer,
           (extract(epoch from pg_catalog.now() - min(j.run_at) filter (where j.run_at <= pg_catalog.now() and j.locked_at is null)) * 1000)::bigint,
           (count(*) filter (where j.attempts >= j.max_attempts))::integer
      from graphile_worker.jobs j
     group by j.task_identifier;
end;
$$;
comment on function reporting.job_queue() is E'The live job queue per task: waiting, running, scheduled, retrying, oldest waiting (ms), given up.';
