-- Removing a channel feed stops the import: the blocks it made are
-- released, as if the channel had said the bookings were gone, so those
-- nights are sellable in Keepr again. Without this, its ota_block claims
-- would outlive the feed (nothing else releases them) and keep the unit
-- unavailable for good. Runs before the delete, while the blocks still
-- name their feed; then the blocks stop naming it (the foreign key does not
-- clear feed_id itself: ON DELETE SET NULL on a key holding property_id is
-- refused by a distribution by property).
create or replace function app_private.tg_channel_feeds__release_blocks() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  update app_public.inventory_claims c set released_at = pg_catalog.now()
   where c.property_id = old.property_id and c.feed_id = old.id and c.released_at is null;
  update app_public.inventory_claims c set feed_id = null
   where c.property_id = old.property_id and c.feed_id = old.id;
  return old;
end;
$$;
comment on function app_private.tg_channel_feeds__release_blocks() is E'Trigger: a removed channel feed releases the blocks it made, which then name no feed.';
