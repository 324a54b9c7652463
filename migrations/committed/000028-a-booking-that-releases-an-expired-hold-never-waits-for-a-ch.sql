--! Previous: sha1:907040a6f6911e2a3dd77951b319ca895a8874ed
--! Hash: sha1:543950664e3d502d3e6bb18f4411ad4c8aff8a08
--! Message: A booking that releases an expired hold never waits for a channel sync of the same unit

-- A booking that releases an expired hold never waits for a channel sync of
-- the same unit (a deadlock over the hold): a feed being synced is left to
-- that sync.
--! Included app_private.release_expired_holds.sql
-- Releases expired holds on a unit that overlap a stay, so a new claim can
-- take their nights: this is why an expired hold never blocks anyone, even
-- before the cleanup job runs. A hold being confirmed at the same moment
-- holds its row lock; this waits, re-reads it, and leaves it alone. A
-- channel's booking on the released nights gets them first (the channel
-- sold them while the hold had them), before the caller claims anything,
-- unless that feed is being synced at this moment.
create or replace function app_private.release_expired_holds(property_id uuid, unit_id uuid, stay daterange) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_freed datemultirange;
  v_feed_id uuid;
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
  if v_freed is null then
    return;
  end if;
  for v_feed_id in
    select distinct e.feed_id
      from app_public.channel_feeds f
      join app_public.channel_feed_events e on e.feed_id = f.id
     where f.property_id = release_expired_holds.property_id and f.unit_id = release_expired_holds.unit_id
       and pg_catalog.datemultirange(pg_catalog.daterange(e.start_date, e.end_date)) && v_freed
  loop
    -- A feed being synced right now is left to that sync (it re-reads the
    -- unit's claims once this transaction ends): waiting for it here could
    -- deadlock with it over the hold just released.
    perform 1 from app_public.channel_feeds f where f.id = v_feed_id for update skip locked;
    if found then
      perform app_private.apply_channel_feed(v_feed_id);
    end if;
  end loop;
end;
$$;
comment on function app_private.release_expired_holds(uuid, uuid, daterange) is
  E'Releases the expired holds on a unit that overlap a stay; a channel booking on their nights gets them first.';
--! EndIncluded app_private.release_expired_holds.sql
