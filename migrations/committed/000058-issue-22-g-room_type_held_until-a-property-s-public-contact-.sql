--! Previous: sha1:494aa50abb80479c9b65f9369f66907b233c9ab6
--! Hash: sha1:58b8705b76749d7d0f7277d177ada2f884babe4a
--! Message: Issue 22 (G): room_type_held_until; a property's public contact and arrival instructions

--! Included booking/app_public.room_type_held_until.sql
-- When a room type that is sold out for a stay would come back if the
-- guests who only hold it (a hold of the booking flow, 15 minutes) do not
-- book: the moment enough of the live holds on it have expired for one more
-- stay to fit, or null when holds are not what fills it (it is booked,
-- blocked or closed). The guest app asks after a SOLD_OUT, to say "another
-- guest is holding the last room until 14:05" rather than "booked".
--
-- Counted as search and the hold count (app_private.room_type_units_left):
-- a hotel by count, night by night (the active units less the live claims
-- of each night): on every night where no unit is left, the
-- (holds - free without holds + 1)-th earliest expiry of that night's holds
-- frees one; the latest of those over the stay. A vacation rental's units
-- sell as themselves: the units whose only claims over the stay are holds,
-- the earliest of their last expiries.
--
-- Public like search (anonymous): it says that a hold exists and when it
-- ends, nothing about whose. Stays of at most 60 nights; an unpublished
-- property or another rate plan gives null.
create or replace function app_public.room_type_held_until(rate_plan_id uuid, arrival date, departure date)
  returns timestamptz
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  with plan as (
    select rp.property_id, rp.room_type_id, p.kind
      from app_public.rate_plans rp
      join app_public.properties p on p.id = rp.property_id
     where rp.id = room_type_held_until.rate_plan_id and p.is_published
       and room_type_held_until.departure > room_type_held_until.arrival
       and room_type_held_until.departure - room_type_held_until.arrival <= 60
  ), units as (
    select u.id, u.property_id
      from plan pl
      join app_public.units u on u.property_id = pl.property_id and u.room_type_id = pl.room_type_id
     where u.is_active
  ), claims as (
    select c.unit_id, c.kind = 'hold' as is_hold, c.expires_at,
           c.stay * pg_catalog.daterange(room_type_held_until.arrival, room_type_held_until.departure) as nights
      from units u
      join app_public.inventory_claims c on c.property_id = u.property_id and c.unit_id = u.id
     where c.stay && pg_catalog.daterange(room_type_held_until.arrival, room_type_held_until.departure)
       and c.released_at is null
       and (c.expires_at is null or c.expires_at > pg_catalog.now())
  ), per_night as (
    select n.night,
           (select count(*) from units) - count(c.unit_id) filter (where not c.is_hold) as free_without_holds,
           count(c.unit_id) filter (where c.is_hold) as holds,
           pg_catalog.array_agg(c.expires_at order by c.expires_at) filter (where c.is_hold) as expiries
      from pg_catalog.generate_series(room_type_held_until.arrival::timestamp, room_type_held_until.departure::timestamp - interval '1 day', interval '1 day') n(night)
      left join claims c on c.nights @> n.night::date
     group by n.night
  )
  select case (select kind from plan)
    when 'hotel' then (
      select case when pg_catalog.bool_and(free_without_holds >= 1) and pg_catalog.bool_or(free_without_holds - holds <= 0)
                  then pg_catalog.max(case when free_without_holds - holds <= 0 then expiries[holds - free_without_holds + 1] end) end
        from per_night)
    else (
      select pg_catalog.min(h.until)
        from (select c.unit_id, pg_catalog.max(c.expires_at) as until
                from claims c
               group by c.unit_id
              having pg_catalog.bool_and(c.is_hold)) h)
  end
$$;
grant execute on function app_public.room_type_held_until(uuid, date, date) to keepr_anonymous;
comment on function app_public.room_type_held_until(uuid, date, date) is
  E'For a room type sold out for a stay (after SOLD_OUT): when it comes back if the guests who only hold it do not book (their holds expire), or null when it is booked, blocked or closed. Anonymous, like search; at most 60 nights.';
--! EndIncluded booking/app_public.room_type_held_until.sql

-- Issue 22 (G): a property's public contact and arrival instructions, for its guests: the guest app's Manage page
-- ("please contact the property"), the guest emails' footer and Reply-To, the confirmation and pre-arrival emails.
alter table app_public.properties add column if not exists contact_email text;
alter table app_public.properties add column if not exists contact_phone text;
alter table app_public.properties add column if not exists arrival_instructions text;
alter table app_public.properties drop constraint if exists properties_contact_email_check;
alter table app_public.properties add constraint properties_contact_email_check
  check (length(contact_email) <= 254 and contact_email ~ '^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$');
alter table app_public.properties drop constraint if exists properties_contact_phone_check;
alter table app_public.properties add constraint properties_contact_phone_check
  check (contact_phone ~ '^\+?[0-9][0-9 ()./-]{3,39}$');
alter table app_public.properties drop constraint if exists properties_arrival_instructions_check;
alter table app_public.properties add constraint properties_arrival_instructions_check
  check (length(arrival_instructions) between 1 and 2000);
grant update (contact_email, contact_phone, arrival_instructions) on app_public.properties to keepr_staff;
comment on column app_public.properties.contact_email is
  E'The address guests write to (public: the guest app shows it; guest emails are sent with it as Reply-To).';
comment on column app_public.properties.contact_phone is
  E'The phone number guests call (public: the guest app and the guest emails show it).';
comment on column app_public.properties.arrival_instructions is
  E'How to get in and find the property (keys, door codes given later, parking): in the confirmation and pre-arrival emails. At most 2,000 characters.';
