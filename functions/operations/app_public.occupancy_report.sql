-- Staff reports (owner, manager, accountant) of one property over a date
-- range, read from the reporting views analysts share. At most 400 days.

-- Who may read a property's reports, and over what range.
create or replace function app_private.check_report(property_id uuid, from_date date, to_date date) returns void
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  perform app_private.require_staff(check_report.property_id, app_hidden.staff_group_roles('back_office'), 'read reports');
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 400 then
    raise exception using errcode = 'DATES', message = 'A report covers 1 to 400 days (from_date to to_date, inclusive).';
  end if;
end;
$$;
comment on function app_private.check_report(uuid, date, date) is E'Raises NOT_FOUND or ACCESS_DENIED unless the caller may read the property''s reports, DATES unless the range is 1 to 400 days.';

-- Occupancy, ADR and RevPAR per night, every night of the range (empty
-- nights included).
create or replace function app_public.occupancy_report(property_id uuid, from_date date, to_date date)
  returns table (date date, units_available integer, units_sold integer, occupancy numeric, room_revenue bigint, adr bigint, revpar bigint)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.check_report(occupancy_report.property_id, from_date, to_date);
  return query
    select d::date,
           (select count(*) from app_public.units u where u.property_id = occupancy_report.property_id and u.is_active)::integer,
           coalesce(o.units_sold, 0),
           round(coalesce(o.units_sold, 0)::numeric
                 / nullif((select count(*) from app_public.units u where u.property_id = occupancy_report.property_id and u.is_active), 0), 4),
           coalesce(o.room_revenue, 0)::bigint,
           (o.room_revenue / nullif(o.units_sold, 0))::bigint,
           (coalesce(o.room_revenue, 0)
            / nullif((select count(*) from app_public.units u where u.property_id = occupancy_report.property_id and u.is_active), 0))::bigint
      from pg_catalog.generate_series(from_date, to_date, interval '1 day') d
      left join reporting.occupancy o on o.property_id = occupancy_report.property_id and o.date = d::date
     order by 1;
end;
$$;
comment on function app_public.occupancy_report(uuid, date, date) is
  E'Occupancy (0–1), ADR and RevPAR (minor units) per night of a property. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';

-- Bookings made per day of the range (pickup), per channel.
create or replace function app_public.pickup_report(property_id uuid, from_date date, to_date date)
  returns table (booked_on date, channel text, bookings integer, room_nights integer, room_revenue bigint)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.check_report(pickup_report.property_id, from_date, to_date);
  return query
    select p.booked_on, p.channel, p.bookings, p.room_nights, p.room_revenue
      from reporting.pickup p
     where p.property_id = pickup_report.property_id and p.booked_on between from_date and to_date
     order by 1, 2;
end;
$$;
comment on function app_public.pickup_report(uuid, date, date) is E'Bookings made per day and channel. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';

-- Room nights and revenue per channel for stays in the range.
create or replace function app_public.channel_revenue_report(property_id uuid, from_date date, to_date date)
  returns table (channel text, bookings integer, room_nights integer, room_revenue bigint)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.check_report(channel_revenue_report.property_id, from_date, to_date);
  return query
    select n.channel, count(distinct n.reservation_id)::integer, count(*)::integer, sum(n.room_revenue)::bigint
      from reporting.room_nights n
     where n.property_id = channel_revenue_report.property_id and n.date between from_date and to_date
     group by n.channel
     order by 1;
end;
$$;
comment on function app_public.channel_revenue_report(uuid, date, date) is E'Room nights and revenue per channel for the nights in a range. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';
