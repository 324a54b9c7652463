--! Previous: sha1:afb2826b1d55980a295d09b1d4274e357044b9b5
--! Hash: sha1:f450db41e6455c8216d75b2a9444602face38bd9
--! Message: Every text an API role writes has a bounded length; housekeepingStays: the board's stays without names or money

-- Safe by default (issue 15), part 4: every text an API role writes has a
-- bounded length (a 80,000-character slug was accepted, and failed only as
-- too large for its index).
alter table app_public.properties drop constraint if exists properties_slug_length_check;
alter table app_public.properties add constraint properties_slug_length_check check (pg_catalog.length(slug) <= 100);
alter table app_public.organizations drop constraint if exists organizations_slug_length_check;
alter table app_public.organizations add constraint organizations_slug_length_check check (pg_catalog.length(slug) <= 100);
alter table app_public.properties drop constraint if exists properties_address_length_check;
alter table app_public.properties add constraint properties_address_length_check check (pg_catalog.length(address) <= 500);
alter table app_public.properties drop constraint if exists properties_description_length_check;
alter table app_public.properties add constraint properties_description_length_check check (pg_catalog.length(description) <= 5000);
alter table app_public.room_types drop constraint if exists room_types_description_length_check;
alter table app_public.room_types add constraint room_types_description_length_check check (pg_catalog.length(description) <= 5000);
alter table app_public.rate_plans drop constraint if exists rate_plans_description_length_check;
alter table app_public.rate_plans add constraint rate_plans_description_length_check check (pg_catalog.length(description) <= 5000);
alter table app_public.owners drop constraint if exists owners_email_length_check;
alter table app_public.owners add constraint owners_email_length_check check (pg_catalog.length(email::text) <= 254);

-- Housekeeping reads no reservations (000017); its board gets the stays of
-- the day without names or money.
drop function if exists app_public.housekeeping_stays(uuid, date);
drop type if exists app_public.housekeeping_stay;
create type app_public.housekeeping_stay as (
  reservation_id uuid,
  unit_id uuid,
  arrival date,
  departure date,
  status app_public.reservation_status,
  adults integer,
  children integer,
  checked_in_at timestamptz,
  checked_out_at timestamptz
);
comment on type app_public.housekeeping_stay is E'A stay as the housekeeping board sees it: unit, dates, state and number of guests, nothing about who they are.';
--! Included app_public.housekeeping_stays.sql
-- The stays the housekeeping board needs on `day` (default: today in the
-- property's time zone): the same arrivals, departures and guests in house
-- as front_desk_day, but only what cleaning needs (the unit, the dates, the
-- state, how many guests), never who they are or what they pay. For the
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
           r.checked_in_at, r.checked_out_at
      from app_public.reservations r
     where r.property_id = housekeeping_stays.property_id
       and r.unit_id is not null
       and ((r.status in ('confirmed', 'checked_in') and pg_catalog.lower(r.stay) <= v_day
             and (pg_catalog.lower(r.stay) = v_day or r.status = 'checked_in'))
            or (r.status in ('checked_in', 'checked_out') and pg_catalog.upper(r.stay) = v_day))
     order by pg_catalog.lower(r.stay), r.id;
end;
$$;
comment on function app_public.housekeeping_stays(uuid, date) is
  E'The stays that touch the housekeeping board on `day` (default: today at the property): arrivals, departures and guests in house, with unit, dates, state and number of guests, and nothing about who they are. Owners, managers, front desk and housekeeping. Errors: NTFND, DNIED.';
--! EndIncluded app_public.housekeeping_stays.sql
grant execute on function app_public.housekeeping_stays(uuid, date) to keepr_staff;
