--! Previous: sha1:ac4d7601eeecd420d71026f3bf1f7ca3b0c8bab8
--! Hash: sha1:95021a669de0560061e2fc29a486d0d357d1e257
--! Message: The messages already queued months ahead leave the job queue too: their jobs completed through graphile_worker's admin function, their rows awaiting the cron

-- The messages already queued months ahead leave the job queue too (after
-- 000112 only new ones waited outside it): each send_notification job not
-- yet tried, due beyond the horizon, is completed through graphile_worker's
-- own admin function, and its pending rows wait as awaiting_job, for the
-- cron (app_private.queue_due_notifications) to queue again within the
-- hour, at the same time. One statement: a job is completed only if its
-- rows were taken. A database whose worker never started has no
-- graphile_worker schema yet, and nothing to move.
do $$
declare
  v_jobs bigint[];
begin
  if pg_catalog.to_regclass('graphile_worker._private_jobs') is null then
    return;
  end if;
  with far as (
    select j.id, j.payload
      from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
     where t.identifier = 'send_notification' and j.locked_at is null and j.attempts = 0
       and j.run_at > pg_catalog.now() + app_private.notification_horizon()
  ), rows_of as (
    select f.id as job_id, x.id::uuid as notification_id
      from far f
     cross join lateral (select f.payload ->> 'id'
                         union all
                         select pg_catalog.json_array_elements_text(coalesce(f.payload -> 'more', '[]'::json))) x(id)
  ), taken as (
    update app_public.notifications n
       set awaiting_job = true
      from rows_of r
     where n.id = r.notification_id and n.status = 'pending' and not n.awaiting_job
    returning r.job_id
  )
  select pg_catalog.array_agg(distinct t.job_id) into v_jobs from taken t;
  if v_jobs is not null then
    perform graphile_worker.complete_jobs(v_jobs);
  end if;
end;
$$;
