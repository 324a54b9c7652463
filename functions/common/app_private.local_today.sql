-- Today's date in a property's time zone: stays are local calendar dates.
create or replace function app_private.local_today(property_id uuid) returns date
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select (pg_catalog.now() at time zone p.time_zone)::date
    from app_public.properties p
   where p.id = local_today.property_id;
$$;
comment on function app_private.local_today(uuid) is
  E'The current date in the property''s time zone.';
