--! Previous: sha1:41eb8b01c154a6729d7ac39525b9a042b01a9d7e
--! Hash: sha1:494aa50abb80479c9b65f9369f66907b233c9ab6
--! Message: Issue 23: add_job/add_jobs plan graphile_worker's statements on every call (force_custom_plan)

-- Issue 23, third slice: graphile_worker's statements are planned for every
-- call (plan_cache_mode force_custom_plan in add_job/add_jobs, whatever the
-- caller set). 000054 left the choice to Postgres (auto), which takes the
-- generic plan after five calls; the generic plan of the statement that
-- clears the keys of locked jobs, made while the queue was small, scans the
-- whole queue on every later call (25 ms a call with 30,000 jobs waiting,
-- against 0.4 ms planned per call; docs/benchmarks.md).
--! Included common/app_private.add_jobs.sql
-- Queues several jobs of one task in one call (graphile_worker.add_jobs, its
-- public batch API): one job per payload, all to run at run_at (now when
-- null) with max_attempts. Like app_private.add_job, each payload carries the
-- transaction's keepr.traceparent as `_trace` when tracing is on. A booking
-- queues its messages' jobs through here: one call for all of them costs
-- about what one add_job costs.
--
-- plan_cache_mode force_custom_plan, whatever the caller set: graphile_worker's
-- statements are planned for each call's jobs with the queue's current
-- statistics. A generic plan is a trap here: the statement that clears the
-- keys of locked jobs, planned once while the queue was small, scans the
-- whole queue on every later call (measured: 25 ms a call with 30,000 jobs
-- waiting, against 0.4 ms planned per call), and a booking's pre-arrival
-- jobs wait for days, so the queue is never small for long. Postgres's own
-- choice (auto) falls into it after five calls. Planning costs about 0.3 ms
-- a call, hence one call for all of a notify's jobs.
create or replace function app_private.add_jobs(
  identifier text,
  payloads json[],
  run_at timestamptz default null,
  max_attempts integer default null
) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
  set plan_cache_mode to force_custom_plan
as $$
declare
  v_trace text := pg_catalog.current_setting('keepr.traceparent', true);
  v_traced boolean := v_trace ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$';
begin
  if pg_catalog.cardinality(payloads) > 0 then
    perform graphile_worker.add_jobs(array(
      select (add_jobs.identifier,
              case when v_traced then (coalesce(p::jsonb, '{}'::jsonb) || pg_catalog.jsonb_build_object('_trace', v_trace))::json else p end,
              null, add_jobs.run_at, add_jobs.max_attempts::smallint, null, null, null)::graphile_worker.job_spec
        from pg_catalog.unnest(payloads) with ordinality x(p, n)
       order by x.n));
  end if;
end;
$$;

comment on function app_private.add_jobs(text, json[], timestamptz, integer) is
  E'Queues one job of a task per payload in one call (graphile_worker.add_jobs), with the transaction''s keepr.traceparent in each payload as _trace.';
--! EndIncluded common/app_private.add_jobs.sql
--! Included common/app_private.add_job.sql
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
--! EndIncluded common/app_private.add_job.sql
