--! Previous: sha1:3318661c7bd004fb558b85f8a476e0bec05098f8
--! Hash: sha1:e10bf47f1ef46b8fe3bc8df18eb64e0beecad4b9
--! Message: One way to hand nights a unit gave back to its channel feeds

-- One way to hand nights a unit gave back to its channel feeds
-- (app_private.hand_nights_to_channels), used by the claim trigger and by
-- the release of expired holds, which each had a copy of it.
--! Included app_private.hand_nights_to_channels.sql
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
      perform graphile_worker.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_feed_id),
                                      job_key := 'channel_feed:' || v_feed_id, max_attempts := 3);
    end if;
  end loop;
end;
$$;
comment on function app_private.hand_nights_to_channels(uuid, uuid, datemultirange, uuid) is
  E'Gives nights a unit gave back to its channel feeds with a booking on them, at once (or queues the sync of a feed being synced).';
--! EndIncluded app_private.hand_nights_to_channels.sql
--! Included app_private.tg_inventory_claims__reapply_channel_feeds.sql
-- When a claim gives nights back (a stay cancelled, moved, shortened; a
-- block released; another feed's booking gone), the unit's channel feeds
-- with a booking on them get them at once, in the same transaction
-- (app_private.hand_nights_to_channels). Deferred to commit, so that a
-- change that releases a stay and claims it again (new dates, a room move)
-- is seen whole.
create or replace function app_private.tg_inventory_claims__reapply_channel_feeds() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  perform app_private.hand_nights_to_channels(old.property_id, old.unit_id, pg_catalog.datemultirange(old.stay), old.feed_id);
  return null;
end;
$$;
comment on function app_private.tg_inventory_claims__reapply_channel_feeds() is
  E'Trigger (deferred): nights a claim gives back go at once to the unit''s channel feeds that have a booking on them.';
--! EndIncluded app_private.tg_inventory_claims__reapply_channel_feeds.sql
--! Included app_private.release_expired_holds.sql
-- Releases expired holds on a unit that overlap a stay, so a new claim can
-- take their nights: this is why an expired hold never blocks anyone, even
-- before the cleanup job runs. A hold being confirmed at the same moment
-- holds its row lock; this waits, re-reads it, and leaves it alone. A
-- channel's booking on the released nights gets them first (the channel
-- sold them while the hold had them), before the caller claims anything
-- (app_private.hand_nights_to_channels).
create or replace function app_private.release_expired_holds(property_id uuid, unit_id uuid, stay daterange) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_freed datemultirange;
begin
  with released as (
    update app_public.inventory_claims c
       set released_at = pg_catalog.now()
     where c.property_id = release_expired_holds.property_id
       and c.unit_id = release_expired_holds.unit_id
       and c.stay && release_expired_holds.stay
       and c.released_at is null
       and c.kind = 'hold'
       and c.expires_at <= pg_catalog.now()
    returning c.stay
  )
  select pg_catalog.range_agg(r.stay) into v_freed from released r;
  if v_freed is not null then
    perform app_private.hand_nights_to_channels(release_expired_holds.property_id, release_expired_holds.unit_id, v_freed);
  end if;
end;
$$;
comment on function app_private.release_expired_holds(uuid, uuid, daterange) is
  E'Releases the expired holds on a unit that overlap a stay; a channel booking on their nights gets them first.';
--! EndIncluded app_private.release_expired_holds.sql
