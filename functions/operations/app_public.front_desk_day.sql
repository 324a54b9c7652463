-- The front desk's day at a property, in one call for the staff console's
-- Today board: every stay the desk has to account for on `day` (default:
-- today in the property's time zone), whatever became of it, so the board's
-- counts add up (issue 21):
--   * arrivals of the day: confirmed, checked in, already checked out (a
--     same-day check-out) or marked no-show;
--   * departures of the day, and early departures (checked out on the day
--     before their departure date);
--   * stays over the night of the day (in house; checked in now, or staying
--     that night on another day);
--   * no-shows recorded on the day (the no-show time falls the next day);
--   * bookings cancelled on the day (never holds: they were not bookings).
-- The console splits them (admin/src/platform/dataProvider.ts,
-- splitFrontDeskDay). Each part reads an index: arrivals and departures by
-- date, stays over by the stay range (reservations_stay_idx), the day's
-- check-outs, no-shows and cancellations by their timestamps. Security
-- invoker: row-level security decides, so a property the caller is not
-- staff of gives nothing.
create or replace function app_public.front_desk_day(property_id uuid, day date default null)
  returns setof app_public.reservations
  language sql stable rows 50
  set search_path to pg_catalog, public, pg_temp
as $$
  with d as (
    select x.day,
           (x.day::timestamp at time zone p.time_zone) as starts,
           ((x.day + 1)::timestamp at time zone p.time_zone) as ends,
           (pg_catalog.now() at time zone p.time_zone)::date as today
      from app_public.properties p,
           lateral (select coalesce(front_desk_day.day, (pg_catalog.now() at time zone p.time_zone)::date) as day) x
     where p.id = front_desk_day.property_id
  )
  select r.*
    from app_public.reservations r
   where r.property_id = front_desk_day.property_id
     and r.id in (
       -- arrivals of the day, whatever became of them
       select a.id
         from app_public.reservations a, d
        where a.property_id = front_desk_day.property_id
          and pg_catalog.lower(a.stay) = d.day
          and a.status in ('confirmed', 'checked_in', 'checked_out', 'no_show')
       union
       -- in house now (today: checked in, overstays too)
       select h.id
         from app_public.reservations h, d
        where h.property_id = front_desk_day.property_id
          and d.day = d.today
          and h.status = 'checked_in'
          and pg_catalog.lower(h.stay) <= d.day
       union
       -- staying the night of the day, and departing on it
       select s.id
         from app_public.reservations s, d
        where s.property_id = front_desk_day.property_id
          and s.status in ('confirmed', 'checked_in', 'checked_out')
          and s.stay && pg_catalog.daterange(d.day, d.day, '[]')
       union
       select e.id
         from app_public.reservations e, d
        where e.property_id = front_desk_day.property_id
          and e.status in ('confirmed', 'checked_in', 'checked_out')
          and pg_catalog.upper(e.stay) = d.day
       union
       -- checked out on the day (early departures included)
       select o.id
         from app_public.reservations o, d
        where o.property_id = front_desk_day.property_id
          and o.checked_out_at >= d.starts and o.checked_out_at < d.ends
       union
       -- no-shows recorded on the day
       select n.id
         from app_public.reservations n, d
        where n.property_id = front_desk_day.property_id
          and n.no_show_at >= d.starts and n.no_show_at < d.ends
       union
       -- bookings cancelled on the day
       select c.id
         from app_public.reservations c, d
        where c.property_id = front_desk_day.property_id
          and c.cancelled_at >= d.starts and c.cancelled_at < d.ends
          and c.confirmed_at is not null
     )
   order by pg_catalog.lower(r.stay), r.confirmation_code;
$$;
comment on function app_public.front_desk_day(uuid, date) is
  E'The front desk''s day at a property (`day`, default today in the property''s time zone): arrivals of the day whatever became of them (confirmed, checked in, checked out, no-show), guests in house (today: checked in), stays over the night of the day, departures of the day and early check-outs made on it, no-shows recorded on it and bookings cancelled on it. Staff who read reservations see their properties only; any other property gives nothing.';
