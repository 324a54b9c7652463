-- Validates a stay request: DATES for impossible dates (departure not after
-- arrival, over 365 nights, arrival in the past in the property's time zone
-- or more than two years ahead), GUEST for guest counts out of range.
create or replace function app_private.check_stay(property_id uuid, arrival date, departure date, adults integer, children integer)
  returns void
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_today date := coalesce(app_private.local_today(check_stay.property_id), (pg_catalog.now() at time zone 'UTC')::date);
begin
  if arrival is null or departure is null or arrival >= departure then
    raise exception using errcode = 'DATES', message = 'The departure date must be after the arrival date.';
  end if;
  if departure - arrival > 365 then
    raise exception using errcode = 'DATES', message = 'A stay can be at most 365 nights.';
  end if;
  if check_stay.property_id is not null and arrival < v_today then
    raise exception using errcode = 'DATES',
      message = pg_catalog.format('Arrival on %s is in the past at this property (it is %s there).', arrival, v_today);
  end if;
  if arrival > v_today + 730 then
    raise exception using errcode = 'DATES', message = 'Arrival can be at most two years ahead.';
  end if;
  if adults is null or adults not between 1 and 50 or children is null or children not between 0 and 50 then
    raise exception using errcode = 'GUEST', message = 'A stay needs 1 to 50 adults and 0 to 50 children.';
  end if;
end;
$$;
comment on function app_private.check_stay(uuid, date, date, integer, integer) is
  E'Raises DATES or GUEST when a requested stay is impossible.';
