-- Cron (every 10 minutes, worker/runner.ts): queues the delivery jobs of
-- the notifications that waited outside the job queue (awaiting_job: due
-- beyond the horizon when they were made) and are now due within it, each
-- still to run at its send_after. The rows are taken by one update, so two
-- runs at once cannot queue a message twice (the second finds them taken).
-- A message whose stay was cancelled or moved meanwhile is queued all the
-- same, and its job skips it, as it would have before (the delivery checks
-- that the message still applies: worker/tasks/send_notification.ts).
-- Returns how many rows it queued.
create or replace function app_private.queue_due_notifications() returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_ids uuid[];
  v_templates app_public.notification_kind[];
  v_causes text[];
  v_channels app_public.notification_channel[];
  v_send_afters timestamptz[];
begin
  with due as (
    update app_public.notifications n
       set awaiting_job = false
     where n.awaiting_job and n.send_after <= pg_catalog.now() + app_private.notification_horizon()
    returning n.id, n.template, n.cause, n.channel, n.send_after
  )
  select pg_catalog.array_agg(d.id), pg_catalog.array_agg(d.template), pg_catalog.array_agg(d.cause),
         pg_catalog.array_agg(d.channel), pg_catalog.array_agg(d.send_after)
    into v_ids, v_templates, v_causes, v_channels, v_send_afters
    from due d;
  if v_ids is null then
    return 0;
  end if;
  perform app_private.queue_notification_jobs(v_ids, v_templates, v_causes, v_channels, v_send_afters);
  return pg_catalog.cardinality(v_ids);
end;
$$;
comment on function app_private.queue_due_notifications() is
  E'Cron: queues the delivery jobs of notifications that waited outside the job queue and are now due within app_private.notification_horizon(); returns how many rows.';
