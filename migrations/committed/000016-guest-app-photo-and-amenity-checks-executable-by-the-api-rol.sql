--! Previous: sha1:731a17c5e5f5c871d1ab5bd3a8bb3ddb2356a5cf
--! Hash: sha1:6d5ff2ac7317b77f1a60b819c68beafa75612304
--! Message: Guest app: photo and amenity checks executable by the API roles

-- The photo and amenity checks of 000011 called functions in app_private,
-- which the API roles cannot execute: every update of a property or room
-- type by staff failed. Check constraints run as the user who writes the
-- row, so the checks move to app_hidden (visible to the API roles, not
-- exposed as GraphQL).
--! Included app_hidden.valid_photo_urls.sql
-- Whether a list of photo URLs is acceptable for a property or room type:
-- at most 20, each a path on this server (/photos/...) or an https URL of
-- at most 500 characters, without spaces, quotes, backslashes or angle
-- brackets (they end up in <img src>). (Postgres regular expressions allow
-- at most 255 repetitions, hence the separate length check.) In app_hidden,
-- executable by the API roles: a check constraint runs as the user who
-- writes the row.
create or replace function app_hidden.valid_photo_urls(urls text[]) returns boolean
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.cardinality(urls) <= 20
     and coalesce((select pg_catalog.bool_and(u ~ '^(/[^/\s"''<>\\]|https://)[^\s"''<>\\]+$' and pg_catalog.length(u) <= 500)
                     from pg_catalog.unnest(urls) u), true);
$$;
comment on function app_hidden.valid_photo_urls(text[]) is
  E'True when every URL is a local path (/...) or https, at most 500 characters, without spaces, quotes or angle brackets, and there are at most 20.';
--! EndIncluded app_hidden.valid_photo_urls.sql
--! Included app_hidden.valid_amenities.sql
-- Whether a list of amenity codes is acceptable: at most 40 distinct
-- lower-case codes (wifi, air_conditioning, ...); apps translate the codes.
-- In app_hidden, executable by the API roles: a check constraint runs as
-- the user who writes the row.
create or replace function app_hidden.valid_amenities(codes text[]) returns boolean
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.cardinality(codes) <= 40
     and coalesce((select pg_catalog.bool_and(c ~ '^[a-z][a-z0-9_]{1,39}$') and pg_catalog.count(distinct c) = pg_catalog.count(*)
                     from pg_catalog.unnest(codes) c), true);
$$;
comment on function app_hidden.valid_amenities(text[]) is
  E'True when there are at most 40 distinct amenity codes, each lower case letters, digits and underscores (2 to 40 characters).';
--! EndIncluded app_hidden.valid_amenities.sql
grant execute on function app_hidden.valid_photo_urls(text[]), app_hidden.valid_amenities(text[]) to keepr_anonymous, keepr_worker;

alter table app_public.properties drop constraint if exists properties_photo_urls_check;
alter table app_public.properties drop constraint if exists properties_amenities_check;
alter table app_public.properties
  add constraint properties_photo_urls_check check (app_hidden.valid_photo_urls(photo_urls)),
  add constraint properties_amenities_check check (app_hidden.valid_amenities(amenities));
alter table app_public.room_types drop constraint if exists room_types_photo_urls_check;
alter table app_public.room_types drop constraint if exists room_types_amenities_check;
alter table app_public.room_types
  add constraint room_types_photo_urls_check check (app_hidden.valid_photo_urls(photo_urls)),
  add constraint room_types_amenities_check check (app_hidden.valid_amenities(amenities));

drop function if exists app_private.valid_photo_urls(text[]);
drop function if exists app_private.valid_amenities(text[]);
