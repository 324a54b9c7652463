-- The rate calendar as staff edit it: every rate plan of a property × every
-- date of a range, with what applies on the date (the calendar's override,
-- else the plan's own price and stay limits) and whether the date has an
-- override. A derived plan (parent_rate_plan_id) shows its parent's price
-- of the date adjusted (never an override of its own) and the restrictions
-- of both combined, as search and quote apply them; the own_* columns are
-- the plan's own restrictions alone (its calendar, else its defaults), what
-- the console's "Copy a period" copies, so that a copy of a derived plan
-- does not write its parent's restrictions onto its own calendar (for a
-- plan that is not derived they are the same). At most 366 days. Staff of the property but housekeeping
-- (security definer, like the reports: it checks the caller's role with
-- require_staff, then reads that one property).
create or replace function app_public.rate_grid(property_id uuid, from_date date, to_date date)
  returns setof app_public.rate_grid_day
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.require_staff(rate_grid.property_id, app_hidden.staff_group_roles('cashiers'), 'read the rate calendar');
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 365 then
    raise exception using errcode = 'DATES', message = 'The rate calendar shows 1 to 366 days (from_date to to_date, inclusive).';
  end if;
  return query
    select rp.id,
           d::date,
           case when par.id is null then coalesce(c.price, rp.base_price)
                else app_private.derived_price(coalesce(pc.price, par.base_price), rp.adjustment_percent,
                                               rp.adjustment_amount, rp.rounding_step) end,
           c.price is not null,
           greatest(coalesce(c.min_stay, rp.min_stay), coalesce(pc.min_stay, par.min_stay)),
           least(coalesce(c.max_stay, rp.max_stay), coalesce(pc.max_stay, par.max_stay)),
           coalesce(c.closed_to_arrival, false) or coalesce(pc.closed_to_arrival, false),
           coalesce(c.closed_to_departure, false) or coalesce(pc.closed_to_departure, false),
           coalesce(c.stop_sell, false) or coalesce(pc.stop_sell, false),
           c.date is not null,
           coalesce(c.min_stay, rp.min_stay),
           coalesce(c.max_stay, rp.max_stay),
           coalesce(c.closed_to_arrival, false),
           coalesce(c.closed_to_departure, false),
           coalesce(c.stop_sell, false)
      from app_public.rate_plans rp
      left join app_public.rate_plans par on par.property_id = rp.property_id and par.id = rp.parent_rate_plan_id
     cross join pg_catalog.generate_series(from_date::timestamp, to_date::timestamp, interval '1 day') d
      left join app_public.rate_calendar c
        on c.property_id = rp.property_id and c.rate_plan_id = rp.id and c.date = d::date
      left join app_public.rate_calendar pc
        on pc.property_id = rp.property_id and pc.rate_plan_id = par.id and pc.date = d::date
     where rp.property_id = rate_grid.property_id
     order by rp.id, d;
end;
$$;
comment on function app_public.rate_grid(uuid, date, date) is
  E'Every rate plan of a property on every date from `fromDate` to `toDate` (inclusive, at most 366 days): the price and restrictions that apply (the calendar''s override, else the plan''s; a derived plan''s price is its parent''s adjusted, its restrictions its own and its parent''s combined, the `own*` fields its own alone), and whether the date is overridden. Staff of the property but housekeeping. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';
