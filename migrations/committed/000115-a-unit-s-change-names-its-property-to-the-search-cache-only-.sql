--! Previous: sha1:6da2286662054816f590506e398b2e8235b138ec
--! Hash: sha1:3aa9ff1dac58080d752ba643a2d4868017dbf58e
--! Message: A unit's change names its property to the search cache only when it changed what searches read: the units' replica identity is (property_id, id, room_type_id, is_active), so a housekeeper's or a check-in's update carries no old row and drops no cached search

-- A unit's change tells the search cache's feed whether searches could see
-- it (issue 23). Guests' searches and quotes read of a unit only its
-- property, room type and whether it is active (app_private.
-- room_type_units_left); a housekeeper marking a room clean, a check-in
-- setting is_occupied, a renamed room change nothing a guest sees, yet each
-- dropped every cached search and quote of the property
-- (realtime/search-feed.ts): all day long at a hotel whose housekeepers
-- work, the cache was empty for it, and every guest search of its city was
-- computed again beside the staff's own work.
--
-- The units' replica identity becomes a unique index on exactly those
-- columns (its key, then room_type_id and is_active: unique because the
-- key is, every column not null). Postgres writes an UPDATE's old identity
-- to the WAL only when one of its columns changed, so a unit's UPDATE that
-- carries an old row changed what searches read, and one without did not:
-- the feed names the property for the first only. The publication's column
-- list (ical_token left out) covers the new identity too.
create unique index if not exists units_search_identity_key
  on app_public.units (property_id, id, room_type_id, is_active);
comment on index app_public.units_search_identity_key is
  E'The units'' replica identity: the columns guests'' searches read of a unit (realtime/search-feed.ts reads an UPDATE with an old row as a change to them).';
alter table app_public.units replica identity using index units_search_identity_key;
-- The index is the identity's, not a way to list units: PostGraphile would
-- offer filtering and ordering by is_active for it.
comment on column app_public.units.is_active is E'@behavior -filterBy -orderBy\nInactive units are never sold.';
