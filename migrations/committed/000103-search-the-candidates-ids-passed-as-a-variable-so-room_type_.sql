--! Previous: sha1:d58085222bada5ae99040aa3c6f614a90a0b5701
--! Hash: sha1:c0b94c4896612819a7cde52b171452f65029f3fe
--! Message: Search: the candidates' ids passed as a variable so room_type_units_left is inlined (issue 23)

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
--
-- With child_ages (issue 22), plans that price children by age are priced
-- for them; without them (and children), such a plan cannot be priced: it
-- is left out (with include_unavailable: restriction CHILD_AGES). A
-- property whose children_min_age is above the youngest child's age sells
-- nothing to this party (CHILD_MIN_AGE).
--
-- The matching properties' ids are read first into a variable (issue 23),
-- then passed to app_private.room_type_units_left: a call whose argument
-- holds a sub-select (`array(select … from candidates)`) is never inlined,
-- so the function's own statement was planned on every search; with a
-- plain parameter Postgres inlines it into this query, whose plan PL/pgSQL
-- keeps for the connection (docs/benchmarks.md "A computed search's
-- Postgres CPU").
drop function if exists app_public.search_availability(date, date, integer, integer, uuid, text, text, boolean);
drop function if exists app_public.search_availability(date, date, integer, integer, uuid, text, text, boolean, text);
create or replace function app_public.search_availability(
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  property_id uuid default null,
  city text default null,
  country_code text default null,
  include_unavailable boolean default false,
  language text default null,
  child_ages integer[] default null
) returns setof app_public.availability
  language plpgsql stable security definer rows 50
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_stay daterange;
  v_member uuid[] := array(select app_hidden.current_property_ids());
  v_ids uuid[];
begin
  perform app_private.check_stay(null, arrival, departure, adults, children);
  perform app_private.check_child_ages(null, '{}', children, child_ages);
  v_stay := pg_catalog.daterange(arrival, departure);
  v_ids := array(
    select p.id
      from app_public.properties p
     where (p.is_published or p.id = any (v_member))
       and (search_availability.property_id is null or p.id = search_availability.property_id)
       and (search_availability.city is null or pg_catalog.lower(p.city) = pg_catalog.lower(search_availability.city))
       and (search_availability.country_code is null or p.country_code = pg_catalog.upper(search_availability.country_code))
       and search_availability.arrival >= (pg_catalog.now() at time zone p.time_zone)::date);
  return query
  with candidates as materialized (
    select p.id, p.name, p.city, p.children_min_age
      from app_public.properties p
     where p.id = any (v_ids)
  ),
  -- Units left per room type of all candidate properties at once: by
  -- count on the busiest night for a hotel (the allocator moves stays to
  -- make what fits by count fit), whole free units for a vacation rental.
  free as (
    select f.room_type_id, f.units_left
      from app_private.room_type_units_left(v_ids, v_stay) f
  ),
  room_types as materialized (
    select c.id as property_id, c.name as property_name, c.city, c.children_min_age, rt.id as room_type_id, rt.name as room_type_name,
           rt.max_occupancy, coalesce(f.units_left, 0) as units_left
      from candidates c
      join app_public.room_types rt on rt.property_id = c.id
      left join free f on f.room_type_id = rt.id
     where rt.is_published or c.id = any (v_member)
  ),
  plans as (
    select rt.*, rp.id as rate_plan_id, rp.name as rate_plan_name, rp.meal_plan, rp.is_refundable, rp.currency,
           case when search_availability.children > 0 and search_availability.child_ages is null
                     and (rp.child_free_below_age is not null or rp.child_adult_from_age is not null) then 'CHILD_AGES'
                when rt.children_min_age > (select min(a) from pg_catalog.unnest(search_availability.child_ages) a) then 'CHILD_MIN_AGE'
           end as age_restriction
      from room_types rt
      join app_public.rate_plans rp on rp.property_id = rt.property_id and rp.room_type_id = rt.room_type_id
     where (rp.is_published or rt.property_id = any (v_member))
       and (rt.units_left > 0 or search_availability.include_unavailable)
  ),
  prices as (
    select l.rate_plan_id,
           sum(l.amount) filter (where not l.is_inclusive)::bigint as total_amount,
           sum(l.amount) filter (where l.kind in ('night', 'child', 'discount'))::bigint as room_amount
      from app_private.price_lines(array(select rate_plan_id from plans), arrival, departure, adults, children,
                                   child_ages => search_availability.child_ages) l
     group by l.rate_plan_id
  ),
  restrictions as (
    select * from app_private.stay_restrictions(array(select rate_plan_id from plans), arrival, departure, adults, children,
                                                search_availability.child_ages)
  )
  select p.property_id, p.property_name, p.city, p.room_type_id, coalesce(rtt.name, p.room_type_name), p.max_occupancy, p.units_left,
         p.rate_plan_id, coalesce(rpt.name, p.rate_plan_name), p.meal_plan, p.is_refundable, p.currency::char(3),
         pr.total_amount, round(pr.room_amount::numeric / (departure - arrival))::bigint,
         p.units_left > 0 and r.restriction is null and p.age_restriction is null,
         coalesce(p.age_restriction, r.restriction, case when p.units_left = 0 then 'SOLD_OUT' end),
         coalesce(case p.age_restriction
                    when 'CHILD_AGES' then 'This rate prices children by age: give the age of each child to see its price.'
                    when 'CHILD_MIN_AGE' then pg_catalog.format('This property welcomes children from the age of %s.', p.children_min_age)
                  end,
                  r.message, case when p.units_left = 0 then 'No unit of this type is free for these dates.' end)
    from plans p
    join prices pr on pr.rate_plan_id = p.rate_plan_id
    join restrictions r on r.rate_plan_id = p.rate_plan_id
    left join lateral app_hidden.room_type_translation(p.property_id, p.room_type_id, search_availability.language) rtt on true
    left join lateral app_hidden.rate_plan_translation(p.property_id, p.rate_plan_id, search_availability.language) rpt on true
   where search_availability.include_unavailable or (p.units_left > 0 and r.restriction is null and p.age_restriction is null)
   order by p.property_name, coalesce(rtt.name, p.room_type_name), pr.total_amount, coalesce(rpt.name, p.rate_plan_name);
end;
$$;
grant execute on function app_public.search_availability(date, date, integer, integer, uuid, text, text, boolean, text, integer[]) to keepr_anonymous;
comment on function app_public.search_availability(date, date, integer, integer, uuid, text, text, boolean, text, integer[]) is
  E'Room types with units left for a stay, priced on each rate plan for the guests. Filter by property, city or country; include_unavailable also lists restricted and sold-out rates with the reason. With language (en, pt, es), the room type and rate plan names in it where translated, else their own. With childAges (one age 0-17 per child), rates that price children by age are priced for them; without, such rates are left out (restriction CHILD_AGES), and a property that welcomes children only from an age above the youngest child sells nothing (CHILD_MIN_AGE). Errors: DATES, GUEST, INVALID_INPUT (reason CHILD_AGES).';
--! EndIncluded booking/app_public.search_availability.sql
