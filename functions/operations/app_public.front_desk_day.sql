-- The front desk's day at a property, in one call for the staff console's
-- dashboard: who arrives (confirmed, or already checked in), who departs
-- (checked in, or already checked out) and who is in house, on `day`
-- (default: today in the property's time zone). Each part reads an index
-- (reservations_arrival_idx, reservations_departure_idx). Security invoker:
-- row-level security decides, so a property the caller is not staff of
-- gives nothing.
create or replace function app_public.front_desk_day(property_id uuid, day date default null)
  returns setof app_public.reservations
  language sql stable rows 50
  set search_path to pg_catalog, public, pg_temp
as $$
  with d as (
    select coalesce(front_desk_day.day, (pg_catalog.now() at time zone p.time_zone)::date) as day
      from app_public.properties p
     where p.id = front_desk_day.property_id
  )
  select r.*
    from app_public.reservations r
   where r.property_id = front_desk_day.property_id
     and r.id in (
       -- arrivals of the day, and everyone in house (arrived on or before it)
       select a.id
         from app_public.reservations a, d
        where a.property_id = front_desk_day.property_id
          and a.status in ('confirmed', 'checked_in')
          and pg_catalog.lower(a.stay) <= d.day
          and (pg_catalog.lower(a.stay) = d.day or a.status = 'checked_in')
       union all
       -- departures of the day
       select b.id
         from app_public.reservations b, d
        where b.property_id = front_desk_day.property_id
          and b.status in ('checked_in', 'checked_out')
          and pg_catalog.upper(b.stay) = d.day
     )
   order by pg_catalog.lower(r.stay), r.confirmation_code;
$$;
comment on function app_public.front_desk_day(uuid, date) is
  E'The front desk''s day at a property: arrivals (confirmed or checked in), departures (checked in or out) and guests in house on `day` (default: today in the property''s time zone). Staff see their properties only; any other property gives nothing.';
