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
