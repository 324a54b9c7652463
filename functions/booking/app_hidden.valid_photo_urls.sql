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
