-- The delivery jobs of notification rows: one job per message (a
-- message's email and SMS, the same template, cause and time, go in one
-- job: payload {"id": <the email's row>, "more": [<the SMS's row>]}, or
-- {"id"} alone), each to run at its send_after, all in one
-- app_private.add_jobs. The rows are given as parallel arrays (a caller
-- has them from its insert's or update's returning). notify_all calls it
-- for the messages due within the horizon, queue_due_notifications for
-- the later ones as their time comes (app_private.notification_horizon).
create or replace function app_private.queue_notification_jobs(
  ids uuid[],
  templates app_public.notification_kind[],
  causes text[],
  channels app_public.notification_channel[],
  send_afters timestamptz[]
) returns integer
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_payloads json[];
  v_run_ats timestamptz[];
begin
  with messages as (
    -- A message's rows, the email first.
    select r.send_after, pg_catalog.array_agg(r.id order by r.channel, r.id) as ids
      from rows from (pg_catalog.unnest(queue_notification_jobs.ids), pg_catalog.unnest(queue_notification_jobs.templates),
                      pg_catalog.unnest(queue_notification_jobs.causes), pg_catalog.unnest(queue_notification_jobs.channels),
                      pg_catalog.unnest(queue_notification_jobs.send_afters)) r(id, template, cause, channel, send_after)
     group by r.send_after, r.template, r.cause
  )
  select pg_catalog.array_agg(case when pg_catalog.cardinality(m.ids) = 1 then pg_catalog.json_build_object('id', m.ids[1])
                                   else pg_catalog.json_build_object('id', m.ids[1], 'more', m.ids[2:]) end
                              order by m.send_after, m.ids[1]),
         pg_catalog.array_agg(m.send_after order by m.send_after, m.ids[1])
    into v_payloads, v_run_ats
    from messages m;
  if v_payloads is null then
    return 0;
  end if;
  perform app_private.add_jobs('send_notification', v_payloads, max_attempts := 10, run_ats := v_run_ats);
  return pg_catalog.cardinality(v_payloads);
end;
$$;
comment on function app_private.queue_notification_jobs(uuid[], app_public.notification_kind[], text[], app_public.notification_channel[], timestamptz[]) is
  E'Adds the delivery jobs of the given notification rows: one job per message (its email and SMS together), each at its send_after, in one add_jobs call; returns the number of jobs.';
