-- The iCal export of a unit, found by its secret token: every live claim
-- but holds (they last minutes), as all-day events. Anyone with the URL
-- may read it (that is what OTAs fetch); no one can list tokens but staff.
create or replace function app_public.unit_calendar(token text)
  returns table (uid text, start_date date, end_date date, summary text, updated_at timestamptz, unit_name text, property_name text)
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select c.id::text || '@keepr', pg_catalog.lower(c.stay), pg_catalog.upper(c.stay),
         case c.kind when 'reservation' then 'Reserved' when 'ota_block' then 'Not available (channel)' else 'Not available' end,
         c.updated_at, u.name, p.name
    from app_public.units u
    join app_public.properties p on p.id = u.property_id
    left join app_public.inventory_claims c
      on c.property_id = u.property_id and c.unit_id = u.id and c.released_at is null and c.kind <> 'hold'
         and pg_catalog.upper(c.stay) >= current_date - 1
   where u.ical_token = unit_calendar.token and pg_catalog.length(unit_calendar.token) = 32
   order by pg_catalog.lower(c.stay);
$$;
comment on function app_public.unit_calendar(text) is E'@omit\nThe claims of the unit with this iCal token (served as text/calendar at /ical/<token>.ics).';
