-- A new property's business date is today in its time zone (the night audit
-- moves it on from there).
create or replace function app_private.tg_properties__business_date() returns trigger
  language plpgsql
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  new.business_date := (pg_catalog.now() at time zone new.time_zone)::date;
  return new;
end;
$$;
comment on function app_private.tg_properties__business_date() is E'A new property''s business date is today where it is.';
