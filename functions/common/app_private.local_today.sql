-- Today's date in a property's time zone: stays are local calendar dates.
-- PL/pgSQL, so that its query is planned once per connection: as a SQL
-- function with a search_path setting (never inlined: it reads a table) it
-- was planned on every call (docs/benchmarks.md).
create or replace function app_private.local_today(property_id uuid) returns date
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return (select (pg_catalog.now() at time zone p.time_zone)::date
            from app_public.properties p
           where p.id = local_today.property_id);
end;
$$;
comment on function app_private.local_today(uuid) is
  E'The current date in the property''s time zone.';
