-- Queues several jobs of one task in one call (graphile_worker.add_jobs, its
-- public batch API): one job per payload, to run at run_ats[n] for the n-th
-- payload when given, else at run_at (now when null), with max_attempts.
-- Like app_private.add_job, each payload carries the transaction's
-- keepr.traceparent as `_trace` when tracing is on. A booking queues all of
-- its messages' jobs through here, in one call: the confirmation's now and
-- the pre-arrival message's days ahead.
--
-- plan_cache_mode force_custom_plan, whatever the caller set: graphile_worker's
-- statements are planned for each call's jobs with the queue's current
-- statistics. A generic plan is a trap here: the statement that clears the
-- keys of locked jobs, planned once while the queue was small, scans the
-- whole queue on every later call (measured: 25 ms a call with 30,000 jobs
-- waiting, against 0.4 ms planned per call), and a booking's pre-arrival
-- jobs wait for days, so the queue is never small for long. Postgres's own
-- choice (auto) falls into it after five calls. Planning its five
-- statements is most of what a call costs, hence one call per transaction.
create or replace function app_private.add_jobs(
  identifier text,
  payloads json[],
  run_at timestamptz default null,
  max_attempts integer default null,
  run_ats timestamptz[] default null
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
              null, coalesce(add_jobs.run_ats[x.n], add_jobs.run_at), add_jobs.max_attempts::smallint, null, null, null)::graphile_worker.job_spec
        from pg_catalog.unnest(payloads) with ordinality x(p, n)
       order by x.n));
  end if;
end;
$$;

comment on function app_private.add_jobs(text, json[], timestamptz, integer, timestamptz[]) is
  E'Queues one job of a task per payload in one call (graphile_worker.add_jobs), each at its run_ats entry or run_at, with the transaction''s keepr.traceparent in each payload as _trace.';
