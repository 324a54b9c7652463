-- The worker's job outcomes, per task and minute (reporting.job_health reads
-- them); keeps 7 days.
create or replace function app_private.record_job_runs(runs jsonb) returns void
  language sql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
  insert into app_private.job_minutes as m (task, minute, runs, failures, pickup_ms_sum, pickup_ms_max, run_ms_sum)
  select r.task, pg_catalog.date_trunc('minute', r.at), count(*), count(*) filter (where not r.ok),
         sum(r.pickup_ms), max(r.pickup_ms), sum(r.run_ms)
    from pg_catalog.jsonb_to_recordset(runs) r(task text, at timestamptz, ok boolean, pickup_ms integer, run_ms integer)
   group by 1, 2
  on conflict (task, minute) do update
    set runs = m.runs + excluded.runs, failures = m.failures + excluded.failures, pickup_ms_sum = m.pickup_ms_sum + excluded.pickup_ms_sum,
        pickup_ms_max = greatest(m.pickup_ms_max, excluded.pickup_ms_max), run_ms_sum = m.run_ms_sum + excluded.run_ms_sum;
  delete from app_private.job_minutes m where m.minute < pg_catalog.now() - interval '7 days';
$$;
comment on function app_private.record_job_runs(jsonb) is E'Adds a batch of job outcomes [{task, at, ok, pickup_ms, run_ms}] to the per-minute counts.';
