-- Nights a unit has just given back (a stay cancelled, moved or shortened,
-- a block released, an expired hold let go, another feed's booking gone)
-- go at once to every channel feed of the unit with a booking on them
-- (app_private.apply_channel_feed), except the feed that gave them back: a
-- channel sold those nights, and they must not go on sale in Keepr. A feed
-- that another transaction is syncing at this moment is not waited for (it
-- could be waiting for this one): its sync is queued instead, and it or
-- the running sync sees the nights once this transaction commits.
create or replace function app_private.hand_nights_to_channels(property_id uuid, unit_id uuid, nights datemultirange, except_feed_id uuid default null)
  returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_feed_id uuid;
begin
  for v_feed_id in
    select distinct e.feed_id
      from app_public.channel_feeds f
      join app_public.channel_feed_events e on e.feed_id = f.id
     where f.property_id = hand_nights_to_channels.property_id and f.unit_id = hand_nights_to_channels.unit_id
       and f.id is distinct from hand_nights_to_channels.except_feed_id
       and pg_catalog.datemultirange(pg_catalog.daterange(e.start_date, e.end_date)) && hand_nights_to_channels.nights
  loop
    perform 1 from app_public.channel_feeds f where f.id = v_feed_id for update skip locked;
    if found then
      perform app_private.apply_channel_feed(v_feed_id);
    else
      perform app_private.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_feed_id),
                                      job_key := 'channel_feed:' || v_feed_id, max_attempts := 3);
    end if;
  end loop;
end;
$$;
comment on function app_private.hand_nights_to_channels(uuid, uuid, datemultirange, uuid) is
  E'Gives nights a unit gave back to its channel feeds with a booking on them, at once (or queues the sync of a feed being synced).';
