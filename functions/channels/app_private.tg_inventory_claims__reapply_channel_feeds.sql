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
