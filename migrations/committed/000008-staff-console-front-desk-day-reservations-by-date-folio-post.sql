--! Previous: sha1:a9fa6fa5a92d35ee9ec98f0bf60c4847842a717f
--! Hash: sha1:42fec29f9fbd8e3bffda665297a685e67ad1e2fd
--! Message: Staff console: front desk day, reservations by date, folio postings

------------------------------------------------------------------------------
-- Staff console: the front desk's day in one indexed call; reservations
-- ordered and filtered by arrival, ordered by departure; a folio's postings
-- reachable from the folio.
------------------------------------------------------------------------------
-- Departures of a day (front_desk_day): stays that end on it and were checked in.
drop index if exists app_public.reservations_departure_idx;
create index reservations_departure_idx on app_public.reservations (property_id, upper(stay))
  where status in ('checked_in', 'checked_out');

--! Included app_public.front_desk_day.sql
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
--! EndIncluded app_public.front_desk_day.sql
grant execute on function app_public.front_desk_day(uuid, date) to keepr_staff;

-- allReservations(orderBy: ARRIVAL_ASC | DEPARTURE_DESC ..., condition: {arrival}):
-- lists a desk can sort by date (reservations_unit_idx and
-- reservations_arrival_idx hold lower(stay) per property).
comment on function app_public.reservations_arrival(app_public.reservations) is
  E'@behavior +orderBy +filterBy\nThe arrival date (local to the property).';
comment on function app_public.reservations_departure(app_public.reservations) is
  E'@behavior +orderBy\nThe departure date (local to the property); the last night is the day before.';

-- Folio.postings: postings_folio_idx (property_id, folio_id) is partial
-- (folio_id is not null), which PostGraphile does not count as an index for
-- the relation; a lookup by folio always satisfies its predicate.
comment on constraint postings_property_id_folio_id_fkey on app_public.postings is
  E'@fieldName folio\n@foreignFieldName postings\n@isIndexed';
