-- When a claim that a channel's booking is in conflict with is released or
-- shortened (the stay cancelled, moved to another unit, shortened; the block
-- released), the channel's booking gets those nights at once, in the same
-- transaction: otherwise they would be on sale in Keepr until the feed's
-- next poll. Deferred to commit, so that a change that releases a stay and
-- claims it again (a change of dates, a room move) is seen whole. A feed
-- that another transaction is syncing right now is queued instead (its
-- sync, or this job, sees the release).
create or replace function app_private.tg_inventory_claims__reapply_channel_feeds() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_feed_id uuid;
begin
  for v_feed_id in
    select distinct k.feed_id from app_public.channel_conflicts k
     where k.conflicting_claim_id = new.id and k.status = 'open'
  loop
    perform 1 from app_public.channel_feeds f where f.id = v_feed_id for update skip locked;
    if found then
      perform app_private.apply_channel_feed(v_feed_id);
    else
      perform graphile_worker.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_feed_id),
                                      job_key := 'channel_feed:' || v_feed_id, max_attempts := 3);
    end if;
  end loop;
  return null;
end;
$$;
comment on function app_private.tg_inventory_claims__reapply_channel_feeds() is
  E'Trigger (deferred): a released or shortened claim that a channel booking conflicts with gives the booking its nights at once.';
