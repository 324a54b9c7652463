-- When a claim gives nights back (a stay cancelled, moved, shortened; a
-- block released; another feed's booking gone), every channel feed of the
-- unit with a booking on those nights gets them at once, in the same
-- transaction: otherwise they would be on sale in Keepr until the feed's
-- next poll, though the channel has sold them. Deferred to commit, so that
-- a change that releases a stay and claims it again (new dates, a room
-- move) is seen whole. A feed that another transaction is syncing right
-- now is queued instead (that sync, or this job, sees the release).
create or replace function app_private.tg_inventory_claims__reapply_channel_feeds() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_feed_id uuid;
begin
  for v_feed_id in
    select distinct e.feed_id
      from app_public.channel_feeds f
      join app_public.channel_feed_events e on e.feed_id = f.id
     where f.property_id = old.property_id and f.unit_id = old.unit_id and f.id is distinct from old.feed_id
       and pg_catalog.daterange(e.start_date, e.end_date) && old.stay
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
  E'Trigger (deferred): nights a claim gives back go at once to the unit''s channel feeds that have a booking on them.';
