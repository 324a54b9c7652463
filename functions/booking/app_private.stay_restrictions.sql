-- Why a stay cannot be sold on each given rate plan (restriction null when
-- it can). Checked in this order: children where the property's policy
-- takes none (children_allowed false), too many guests for the room type, stop
-- sell on any night, closed to arrival (arrival date), closed to departure
-- (departure date), min stay and max stay (the arrival date's calendar row,
-- else the plan's defaults). A derived plan (parent_rate_plan_id) follows
-- its parent's restrictions as well as its own: stop sell, closed to
-- arrival or departure on either closes it; its min stay is the larger of
-- the two, its max stay the smaller. With child_ages (issue 22), children
-- younger than the room type's cot_below_age sleep in a cot and do not
-- count toward its max_occupancy.
create or replace function app_private.stay_restrictions(
  rate_plan_ids uuid[],
  arrival date,
  departure date,
  adults integer,
  children integer,
  child_ages integer[] default null
) returns table (rate_plan_id uuid, restriction text, message text)
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return query
    select r.id, r.restriction,
           case r.restriction
             when 'CHILDREN_NOT_ALLOWED' then 'This property does not take children.'
             when 'MAX_OCCUPANCY' then pg_catalog.format('This room sleeps at most %s guests.', r.max_occupancy)
             when 'STOP_SELL' then pg_catalog.format('This rate is not on sale for the night of %s.', r.first_stop)
             when 'CLOSED_TO_ARRIVAL' then pg_catalog.format('Arrivals on %s are not possible on this rate.', stay_restrictions.arrival)
             when 'CLOSED_TO_DEPARTURE' then pg_catalog.format('Departures on %s are not possible on this rate.', stay_restrictions.departure)
             when 'MIN_STAY' then pg_catalog.format('Stays arriving on %s must be at least %s nights.', stay_restrictions.arrival, r.min_stay)
             when 'MAX_STAY' then pg_catalog.format('Stays arriving on %s can be at most %s nights.', stay_restrictions.arrival, r.max_stay)
           end
      from (
        select x.*,
               case
                 when stay_restrictions.children > 0 and x.no_children then 'CHILDREN_NOT_ALLOWED'
                 when stay_restrictions.adults + stay_restrictions.children - x.in_cots > x.max_occupancy then 'MAX_OCCUPANCY'
                 when x.first_stop is not null then 'STOP_SELL'
                 when x.closed_to_arrival then 'CLOSED_TO_ARRIVAL'
                 when x.closed_to_departure then 'CLOSED_TO_DEPARTURE'
                 when stay_restrictions.departure - stay_restrictions.arrival < x.min_stay then 'MIN_STAY'
                 when stay_restrictions.departure - stay_restrictions.arrival > x.max_stay then 'MAX_STAY'
               end as restriction
          from (
            select rp.id, rt.max_occupancy,
                   -- The property's policy says no children (properties.children_allowed false; null: not stated).
                   coalesce((select not p.children_allowed from app_public.properties p where p.id = rp.property_id), false) as no_children,
                   (select count(*) from pg_catalog.unnest(stay_restrictions.child_ages) g where g < rt.cot_below_age)::integer as in_cots,
                   least(s.first_stop, pp.first_stop) as first_stop,
                   greatest(coalesce(a.min_stay, rp.min_stay), coalesce(pp.arrival_min_stay, pp.plan_min_stay)) as min_stay,
                   least(coalesce(a.max_stay, rp.max_stay), coalesce(pp.arrival_max_stay, pp.plan_max_stay)) as max_stay,
                   coalesce(a.closed_to_arrival, false) or coalesce(pp.closed_to_arrival, false) as closed_to_arrival,
                   coalesce(d.closed_to_departure, false) or coalesce(pp.closed_to_departure, false) as closed_to_departure
              from app_public.rate_plans rp
              join app_public.room_types rt on rt.property_id = rp.property_id and rt.id = rp.room_type_id
              left join app_public.rate_calendar a
                on a.property_id = rp.property_id and a.rate_plan_id = rp.id and a.date = stay_restrictions.arrival
              left join app_public.rate_calendar d
                on d.property_id = rp.property_id and d.rate_plan_id = rp.id and d.date = stay_restrictions.departure
              cross join lateral (
                select min(c.date) as first_stop
                  from app_public.rate_calendar c
                 where c.property_id = rp.property_id and c.rate_plan_id = rp.id and c.stop_sell
                   and c.date >= stay_restrictions.arrival and c.date < stay_restrictions.departure
              ) s
              -- The parent's restrictions, read only for a derived plan (the
              -- condition on rp.parent_rate_plan_id gates the whole subquery).
              left join lateral (
                select par.min_stay as plan_min_stay, par.max_stay as plan_max_stay,
                       pa.min_stay as arrival_min_stay, pa.max_stay as arrival_max_stay,
                       pa.closed_to_arrival, pd.closed_to_departure,
                       (select min(c.date) from app_public.rate_calendar c
                         where c.property_id = par.property_id and c.rate_plan_id = par.id and c.stop_sell
                           and c.date >= stay_restrictions.arrival and c.date < stay_restrictions.departure) as first_stop
                  from app_public.rate_plans par
                  left join app_public.rate_calendar pa
                    on pa.property_id = par.property_id and pa.rate_plan_id = par.id and pa.date = stay_restrictions.arrival
                  left join app_public.rate_calendar pd
                    on pd.property_id = par.property_id and pd.rate_plan_id = par.id and pd.date = stay_restrictions.departure
                 where rp.parent_rate_plan_id is not null
                   and par.property_id = rp.property_id and par.id = rp.parent_rate_plan_id
                offset 0 -- kept a subquery (not flattened into the joins above), so the gate holds
              ) pp on true
             where rp.id = any (stay_restrictions.rate_plan_ids)
          ) x
      ) r;
end;
$$;
comment on function app_private.stay_restrictions(uuid[], date, date, integer, integer, integer[]) is
  E'For each rate plan: the first restriction that stops this stay (CHILDREN_NOT_ALLOWED: children where the property''s policy takes none, MAX_OCCUPANCY, STOP_SELL, CLOSED_TO_ARRIVAL, CLOSED_TO_DEPARTURE, MIN_STAY, MAX_STAY) and a message, or null. Children younger than the room type''s cot age (child_ages) do not count toward its occupancy.';
