-- The nearest stays that can be booked on each rate plan when the asked
-- one cannot (a minimum stay, a date closed to arrival, stop sell, sold
-- out): per plan, candidates nearest first: the same arrival with the stay
-- stretched or shortened to the plan's limits for that arrival, then
-- arrivals 1, 2, ... 14 days later or earlier (later first) with as many
-- nights as asked (within those limits); each is checked like a search
-- (restrictions, a free unit) and priced. Plans whose room type is too
-- small for the guests get nothing (no date helps). Visible like search:
-- published plans, or the caller's own properties.
create or replace function app_public.nearest_stays(
  rate_plan_ids uuid[],
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  per_plan integer default 2
) returns setof app_public.stay_suggestion
  language plpgsql stable security definer rows 10
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_nights integer := nearest_stays.departure - nearest_stays.arrival;
  v_member uuid[] := array(select app_hidden.current_property_ids());
  v_plan record;
  v_candidate record;
  v_found integer;
  v_quote app_public.quote;
  v_row app_public.stay_suggestion;
begin
  perform app_private.check_stay(null, nearest_stays.arrival, nearest_stays.departure, nearest_stays.adults, nearest_stays.children);
  if pg_catalog.cardinality(rate_plan_ids) > 20 or per_plan not between 1 and 5 then
    raise exception using errcode = 'INVLD', message = 'Ask for at most 20 rate plans and 1 to 5 stays per plan.';
  end if;
  for v_plan in
    select rp.id, rp.property_id, rp.room_type_id, rp.min_stay, rp.max_stay, rt.max_occupancy,
           (pg_catalog.now() at time zone p.time_zone)::date as today
      from app_public.rate_plans rp
      join app_public.room_types rt on rt.property_id = rp.property_id and rt.id = rp.room_type_id
      join app_public.properties p on p.id = rp.property_id
     where rp.id = any (nearest_stays.rate_plan_ids)
       and ((rp.is_published and rt.is_published and p.is_published) or rp.property_id = any (v_member))
     order by pg_catalog.array_position(nearest_stays.rate_plan_ids, rp.id)
  loop
    continue when nearest_stays.adults + nearest_stays.children > v_plan.max_occupancy;
    v_found := 0;
    for v_candidate in
      select c.a, c.a + greatest(least(v_nights, coalesce(cal.max_stay, v_plan.max_stay, v_nights)), coalesce(cal.min_stay, v_plan.min_stay, 1)) as d
        from (select nearest_stays.arrival + s as a, s from pg_catalog.generate_series(-14, 14) s) c
        left join app_public.rate_calendar cal
          on cal.property_id = v_plan.property_id and cal.rate_plan_id = v_plan.id and cal.date = c.a
       where c.a >= v_plan.today
       order by abs(c.s), c.s desc
    loop
      continue when v_candidate.a = nearest_stays.arrival and v_candidate.d = nearest_stays.departure;
      continue when exists (select 1 from app_private.stay_restrictions(array[v_plan.id], v_candidate.a, v_candidate.d,
                                                                       nearest_stays.adults, nearest_stays.children) r
                             where r.restriction is not null);
      continue when coalesce((select l.units_left from app_private.room_type_units_left(array[v_plan.property_id],
                                                                                        pg_catalog.daterange(v_candidate.a, v_candidate.d),
                                                                                        v_plan.room_type_id) l), 0) < 1;
      v_quote := app_private.quote_for(v_plan.id, v_candidate.a, v_candidate.d, nearest_stays.adults, nearest_stays.children);
      v_row := (v_plan.id, v_candidate.a, v_candidate.d, v_candidate.d - v_candidate.a, v_quote.currency, v_quote.total_amount);
      return next v_row;
      v_found := v_found + 1;
      exit when v_found >= per_plan;
    end loop;
  end loop;
end;
$$;
comment on function app_public.nearest_stays(uuid[], date, date, integer, integer, integer) is
  E'For stays that cannot be booked: the nearest bookable stays on each rate plan (same arrival with the nights the plan needs, then arrivals up to 14 days later or earlier), priced for the guests; per_plan (1 to 5, default 2) per plan, at most 20 plans. Errors: DATES, GUEST, INVALID_INPUT.';
