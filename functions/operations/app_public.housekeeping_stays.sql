-- The stays the housekeeping board needs on `day` (default: today in the
-- property's time zone): the same arrivals, departures and guests in house
-- as front_desk_day, but only what cleaning needs (the unit, the dates, the
-- state, how many guests, whether the guest hung do-not-disturb that day,
-- the arrival's expected time and whether it is before the property's
-- check-in time: an early check-in, cleaned first), never who they are or
-- what they pay. For the
-- housekeeping_ops group, who may not read reservations themselves
-- (housekeeping), hence SECURITY DEFINER with its own check: NTFND for a
-- property the caller is not staff of, DNIED for a role outside the group.
create or replace function app_public.housekeeping_stays(property_id uuid, day date default null)
  returns setof app_public.housekeeping_stay
  language plpgsql stable security definer rows 50
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_day date;
begin
  perform app_private.require_staff(housekeeping_stays.property_id, app_hidden.staff_group_roles('housekeeping_ops'), 'see the housekeeping board');
  v_day := coalesce(housekeeping_stays.day, app_private.local_today(housekeeping_stays.property_id));
  return query
    select r.id, r.unit_id, pg_catalog.lower(r.stay), pg_catalog.upper(r.stay), r.status, r.adults, r.children,
           r.checked_in_at, r.checked_out_at, r.do_not_disturb_on is not distinct from v_day,
           r.expected_arrival_time,
           coalesce(r.status = 'confirmed' and pg_catalog.lower(r.stay) = v_day
                    and r.expected_arrival_time < (select p.check_in_time from app_public.properties p where p.id = r.property_id), false)
      from app_public.reservations r
     where r.property_id = housekeeping_stays.property_id
       and r.unit_id is not null
       and ((r.status in ('confirmed', 'checked_in') and pg_catalog.lower(r.stay) <= v_day
             and (pg_catalog.lower(r.stay) = v_day or r.status = 'checked_in'))
            or (r.status in ('checked_in', 'checked_out') and pg_catalog.upper(r.stay) = v_day))
     order by pg_catalog.lower(r.stay), r.expected_arrival_time nulls last, r.id;
end;
$$;
comment on function app_public.housekeeping_stays(uuid, date) is
  E'The stays that touch the housekeeping board on `day` (default: today at the property): arrivals, departures and guests in house, with unit, dates, state, number of guests, do-not-disturb, the arrival''s expected time and whether it is an early check-in (before the property''s check-in time), and nothing about who they are. Owners, managers, front desk and housekeeping. Errors: NOT_FOUND, ACCESS_DENIED.';
