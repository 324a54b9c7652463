--! Previous: sha1:2086eb7d0a3e0aff56405441dda6cbf0e0fd8b95
--! Hash: sha1:6a1fc0aa1819797c26bedb6e560db1b20791c413
--! Message: Issues 22, 23: the guest search names room types and rate plans in the guest's language in its own query (no call per row); translations in the search feed

-- Issues 22 and 23: the search returns the translated room type and rate plan
-- names itself (search_availability's `language`), joined in its own query,
-- instead of a security-definer function call per result row
-- (availability_room_type_name_in / availability_rate_plan_name_in, dropped:
-- only the guest app's search read them). docs/benchmarks.md has the figures.
drop function if exists app_public.availability_room_type_name_in(app_public.availability, text);
drop function if exists app_public.availability_rate_plan_name_in(app_public.availability, text);

--! Included booking/app_public.search_availability.sql
-- Search: every room type with units left for the stay at the published
-- properties matching the filters, and its price on each rate plan for
-- these guests. With include_unavailable, also the rate plans that cannot
-- be sold and why (a restriction code, or SOLD_OUT). Set-based: the free
-- units of all matching properties in one pass, then all plans priced
-- together.
--
-- With `language` (issues 22 and 23), room_type_name and rate_plan_name are
-- the names in that language where the property translated them, else the
-- item's own (without it, the own names, as before): the translations are
-- joined in this query (app_hidden.room_type_translation and
-- rate_plan_translation, inlined: one index probe a row), not read by a
-- function call per result row. A translation is shown exactly when its
-- item is: only the rows this search returns (published, or the caller's
-- property) are joined. Results are ordered by the names returned.
drop function if exists app_public.search_availability(date, date, integer, integer, uuid, text, text, boolean);
create or replace function app_public.search_availability(
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  property_id uuid default null,
  city text default null,
  country_code text default null,
  include_unavailable boolean default false,
  language text default null
) returns setof app_public.availability
  language plpgsql stable security definer rows 50
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_stay daterange;
  v_member uuid[] := array(select app_hidden.current_property_ids());
begin
  perform app_private.check_stay(null, arrival, departure, adults, children);
  v_stay := pg_catalog.daterange(arrival, departure);
  return query
  with candidates as materialized (
    select p.id, p.name, p.city
      from app_public.properties p
     where (p.is_published or p.id = any (v_member))
       and (search_availability.property_id is null or p.id = search_availability.property_id)
       and (search_availability.city is null or pg_catalog.lower(p.city) = pg_catalog.lower(search_availability.city))
       and (search_availability.country_code is null or p.country_code = pg_catalog.upper(search_availability.country_code))
       and search_availability.arrival >= (pg_catalog.now() at time zone p.time_zone)::date
  ),
  -- Units left per room type of all candidate properties at once: by
  -- count on the busiest night for a hotel (the allocator moves stays to
  -- make what fits by count fit), whole free units for a vacation rental.
  free as (
    select f.room_type_id, f.units_left
      from app_private.room_type_units_left(array(select c.id from candidates c), v_stay) f
  ),
  room_types as materialized (
    select c.id as property_id, c.name as property_name, c.city, rt.id as room_type_id, rt.name as room_type_name,
           rt.max_occupancy, coalesce(f.units_left, 0) as units_left
      from candidates c
      join app_public.room_types rt on rt.property_id = c.id
      left join free f on f.room_type_id = rt.id
     where rt.is_published or c.id = any (v_member)
  ),
  plans as (
    select rt.*, rp.id as rate_plan_id, rp.name as rate_plan_name, rp.meal_plan, rp.is_refundable, rp.currency
      from room_types rt
      join app_public.rate_plans rp on rp.property_id = rt.property_id and rp.room_type_id = rt.room_type_id
     where (rp.is_published or rt.property_id = any (v_member))
       and (rt.units_left > 0 or search_availability.include_unavailable)
  ),
  prices as (
    select l.rate_plan_id,
           sum(l.amount) filter (where not l.is_inclusive)::bigint as total_amount,
           sum(l.amount) filter (where l.kind in ('night', 'discount'))::bigint as room_amount
      from app_private.price_lines(array(select rate_plan_id from plans), arrival, departure, adults, children) l
     group by l.rate_plan_id
  ),
  restrictions as (
    select * from app_private.stay_restrictions(array(select rate_plan_id from plans), arrival, departure, adults, children)
  )
  select p.property_id, p.property_name, p.city, p.room_type_id, coalesce(rtt.name, p.room_type_name), p.max_occupancy, p.units_left,
         p.rate_plan_id, coalesce(rpt.name, p.rate_plan_name), p.meal_plan, p.is_refundable, p.currency::char(3),
         pr.total_amount, round(pr.room_amount::numeric / (departure - arrival))::bigint,
         p.units_left > 0 and r.restriction is null,
         coalesce(r.restriction, case when p.units_left = 0 then 'SOLD_OUT' end),
         coalesce(r.message, case when p.units_left = 0 then 'No unit of this type is free for these dates.' end)
    from plans p
    join prices pr on pr.rate_plan_id = p.rate_plan_id
    join restrictions r on r.rate_plan_id = p.rate_plan_id
    left join lateral app_hidden.room_type_translation(p.property_id, p.room_type_id, search_availability.language) rtt on true
    left join lateral app_hidden.rate_plan_translation(p.property_id, p.rate_plan_id, search_availability.language) rpt on true
   where search_availability.include_unavailable or (p.units_left > 0 and r.restriction is null)
   order by p.property_name, coalesce(rtt.name, p.room_type_name), pr.total_amount, coalesce(rpt.name, p.rate_plan_name);
end;
$$;
grant execute on function app_public.search_availability(date, date, integer, integer, uuid, text, text, boolean, text) to keepr_anonymous;
comment on function app_public.search_availability(date, date, integer, integer, uuid, text, text, boolean, text) is
  E'Room types with units left for a stay, priced on each rate plan for the guests. Filter by property, city or country; include_unavailable also lists restricted and sold-out rates with the reason. With language (en, pt, es), the room type and rate plan names in it where translated, else their own. Errors: DATES, GUEST.';
--! EndIncluded booking/app_public.search_availability.sql

-- The search cache's feed must hear of a translation's change now that a
-- search answer carries translated names: publish the two tables' key
-- columns (no names travel), as 000066 did for rates and fees.
do $$
declare
  t record;
begin
  for t in select * from (values
      ('room_type_translations', 'property_id, room_type_id, language'),
      ('rate_plan_translations', 'property_id, rate_plan_id, language')) v(name, columns)
  loop
    if exists (select 1 from pg_catalog.pg_publication_tables
                where pubname = 'keepr_realtime' and schemaname = 'app_public' and tablename = t.name) then
      execute pg_catalog.format('alter publication keepr_realtime drop table app_public.%I', t.name);
    end if;
    execute pg_catalog.format('alter publication keepr_realtime add table app_public.%I (%s)', t.name, t.columns);
  end loop;
end
$$;
