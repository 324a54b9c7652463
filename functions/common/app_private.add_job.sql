-- Queues a job, as graphile_worker.add_job does (same arguments), carrying
-- the trace of the transaction that queues it: the API and the worker set
-- keepr.traceparent (transaction-local) when tracing is on, and it goes into
-- the payload as `_trace`, from which the job's span continues the trace
-- (worker/runner.ts). Without it the payload is left as given. Every job
-- Keepr queues from SQL goes through here (or through app_private.add_jobs,
-- several at once). Its statements are planned for each call's job
-- (plan_cache_mode force_custom_plan, whatever the caller set): see
-- app_private.add_jobs.
create or replace function app_private.add_job(
  identifier text,
  payload json default null,
  queue_name text default null,
  run_at timestamptz default null,
  max_attempts integer default null,
  job_key text default null,
  priority integer default null,
  flags text[] default null,
  job_key_mode text default 'replace'
) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
  set plan_cache_mode to force_custom_plan
as $$
declare
  v_trace text := pg_catalog.current_setting('keepr.traceparent', true);
begin
  perform graphile_worker.add_job(
    add_job.identifier,
    case when v_trace ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$'
         then (coalesce(add_job.payload::jsonb, '{}'::jsonb) || pg_catalog.jsonb_build_object('_trace', v_trace))::json
         else add_job.payload end,
    queue_name => add_job.queue_name,
    run_at => add_job.run_at,
    max_attempts => add_job.max_attempts,
    job_key => add_job.job_key,
    priority => add_job.priority,
    flags => add_job.flags,
    job_key_mode => add_job.job_key_mode
  );
end;
$$;

comment on function app_private.add_job(text, json, text, timestamptz, integer, text, integer, text[], text) is
  E'Queues a job as graphile_worker.add_job does, with the transaction''s keepr.traceparent (tracing) in its payload as _trace.';
