--! Previous: sha1:b8331a9ac7b5ce4cb7a5ebb92fde6d02817437e3
--! Hash: sha1:0845d2138d640491385fd2c7655d779407f88010
--! Message: A removed channel feed releases its blocks

------------------------------------------------------------------------------
-- A removed channel feed releases its blocks.
------------------------------------------------------------------------------
--! Included app_private.tg_channel_feeds__release_blocks.sql
-- Removing a channel feed stops the import: the blocks it made are
-- released, as if the channel had said the bookings were gone, so those
-- nights are sellable in Keepr again. Without this, its ota_block claims
-- would outlive the feed (nothing else releases them) and keep the unit
-- unavailable for good. Runs before the delete, while the feed's events
-- (which say which claims are its own) still exist.
create or replace function app_private.tg_channel_feeds__release_blocks() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  update app_public.inventory_claims c set released_at = pg_catalog.now()
    from app_public.channel_feed_events e
   where e.feed_id = old.id and e.property_id = old.property_id and e.claim_id is not null
     and c.property_id = e.property_id and c.id = e.claim_id and c.kind = 'ota_block' and c.released_at is null;
  return old;
end;
$$;
comment on function app_private.tg_channel_feeds__release_blocks() is E'Trigger: a removed channel feed releases the blocks it made.';
--! EndIncluded app_private.tg_channel_feeds__release_blocks.sql
drop trigger if exists _300_release_blocks on app_public.channel_feeds;
create trigger _300_release_blocks before delete on app_public.channel_feeds
  for each row execute function app_private.tg_channel_feeds__release_blocks();
