-- Bulk edit of a rate plan's calendar over first_date … last_date
-- (inclusive), optionally only on some ISO weekdays (1 = Monday … 7 =
-- Sunday). Null arguments leave a field as it is; reset => true first
-- clears every override on those dates. Returns the number of dates written.
create or replace function app_public.set_rates(
  rate_plan_id uuid,
  first_date date,
  last_date date,
  idempotency_key text,
  price bigint default null,
  min_stay integer default null,
  max_stay integer default null,
  closed_to_arrival boolean default null,
  closed_to_departure boolean default null,
  stop_sell boolean default null,
  days_of_week integer[] default null,
  reset boolean default false
) returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_property_id uuid;
  v_count integer;
begin
  v_replay := app_private.idempotency_begin('set_rates', idempotency_key, pg_catalog.jsonb_build_object(
    'rate_plan_id', rate_plan_id, 'first_date', first_date, 'last_date', last_date, 'price', price,
    'min_stay', min_stay, 'max_stay', max_stay, 'closed_to_arrival', closed_to_arrival,
    'closed_to_departure', closed_to_departure, 'stop_sell', stop_sell, 'days_of_week', days_of_week, 'reset', reset));
  if v_replay is not null then
    return (v_replay ->> 'dates')::integer;
  end if;
  select rp.property_id into v_property_id from app_public.rate_plans rp where rp.id = set_rates.rate_plan_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_property_id, app_hidden.staff_group_roles('managers'), 'edit rates');
  if first_date is null or last_date is null or first_date > last_date or last_date - first_date > 730 then
    raise exception using errcode = 'DATES', message = 'Give a first and last date, at most 731 days apart.';
  end if;
  if first_date < app_private.local_today(v_property_id) then
    raise exception using errcode = 'DATES',
      message = pg_catalog.format('Rates can be set from today (%s at the property) on.', app_private.local_today(v_property_id));
  end if;
  if days_of_week is not null and (pg_catalog.cardinality(days_of_week) = 0 or exists (
       select 1 from pg_catalog.unnest(days_of_week) d where d is null or d not between 1 and 7)) then
    raise exception using errcode = 'INVLD', message = 'Days of the week are 1 (Monday) to 7 (Sunday).';
  end if;
  if price < 0 then
    raise exception using errcode = 'INVLD', message = 'A price cannot be negative.';
  end if;
  if min_stay not between 1 and 365 or max_stay not between 1 and 365 or max_stay < min_stay then
    raise exception using errcode = 'INVLD', message = 'Stay limits are 1 to 365 nights, max stay at least min stay.';
  end if;

  if reset then
    delete from app_public.rate_calendar c
     where c.property_id = v_property_id and c.rate_plan_id = set_rates.rate_plan_id
       and c.date between first_date and last_date
       and (days_of_week is null or extract(isodow from c.date)::integer = any (days_of_week));
  end if;
  insert into app_public.rate_calendar as c (property_id, rate_plan_id, date, price, min_stay, max_stay,
                                             closed_to_arrival, closed_to_departure, stop_sell)
  select v_property_id, set_rates.rate_plan_id, d::date, set_rates.price, set_rates.min_stay, set_rates.max_stay,
         coalesce(set_rates.closed_to_arrival, false), coalesce(set_rates.closed_to_departure, false),
         coalesce(set_rates.stop_sell, false)
    from pg_catalog.generate_series(first_date::timestamp, last_date::timestamp, interval '1 day') d
   where days_of_week is null or extract(isodow from d)::integer = any (days_of_week)
  on conflict (property_id, rate_plan_id, date) do update
     set price = coalesce(set_rates.price, c.price),
         min_stay = coalesce(set_rates.min_stay, c.min_stay),
         max_stay = coalesce(set_rates.max_stay, c.max_stay),
         closed_to_arrival = coalesce(set_rates.closed_to_arrival, c.closed_to_arrival),
         closed_to_departure = coalesce(set_rates.closed_to_departure, c.closed_to_departure),
         stop_sell = coalesce(set_rates.stop_sell, c.stop_sell);
  get diagnostics v_count = row_count;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.jsonb_build_object('dates', v_count));
  return v_count;
end;
$$;
comment on function app_public.set_rates(uuid, date, date, text, bigint, integer, integer, boolean, boolean, boolean, integer[], boolean) is
  E'Sets price and restrictions of a rate plan on a range of dates (optionally some weekdays) in one call; null leaves a field unchanged, reset clears overrides first. Returns the number of dates written. Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, DATES, INVLD, IDEMPOTENCY_KEY_REUSED.';
