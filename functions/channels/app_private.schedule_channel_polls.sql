-- Cron: queues a sync job for every active feed that is due, and sets its
-- next poll one interval later, plus up to a fifth of it at random (jitter:
-- feeds added together do not poll together). A feed already queued is not
-- queued twice (job key). Returns how many were queued.
create or replace function app_private.schedule_channel_polls() returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_feed record;
  v_count integer := 0;
begin
  for v_feed in
    select f.id, f.poll_interval_minutes from app_public.channel_feeds f
     where f.is_active and f.next_poll_at <= pg_catalog.now()
     order by f.next_poll_at
       for update skip locked
  loop
    perform app_private.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_feed.id),
                                    job_key := 'channel_feed:' || v_feed.id, max_attempts := 3);
    update app_public.channel_feeds f
       set next_poll_at = pg_catalog.now() + pg_catalog.make_interval(secs => v_feed.poll_interval_minutes * 60 * (1 + pg_catalog.random() / 5))
     where f.id = v_feed.id;
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.schedule_channel_polls() is E'Cron: queues the sync of every due feed (once), with jitter on the next poll.';
