--! Previous: sha1:bc69529a29d4d16d5ab58f83072b75fc46cd343c
--! Hash: sha1:bc377d07a44f7dac59ff899f4be88a7797a6d3fd
--! Message: Issue 21: the front desk's day keeps every stay of the day; reservations searched by guest name, email, phone or code (pg_trgm); hold states; guest details edited; history in words; no past cancellation deadline

-- Issue 21, the staff console's "Broken today" (K).

-- 1. The Today board: every stay of the day, whatever became of it.
-- Stays over a night (the board's "in house" on any date) by their range;
-- the day's check-outs, no-shows and cancellations by their timestamps.
create index if not exists reservations_stay_idx on app_public.reservations using gist (property_id, stay)
  where status in ('confirmed', 'checked_in', 'checked_out');
create index if not exists reservations_arrival_any_idx on app_public.reservations (property_id, lower(stay));
create index if not exists reservations_checked_out_at_idx on app_public.reservations (property_id, checked_out_at)
  where checked_out_at is not null;
create index if not exists reservations_no_show_at_idx on app_public.reservations (property_id, no_show_at)
  where no_show_at is not null;
create index if not exists reservations_cancelled_at_idx on app_public.reservations (property_id, cancelled_at)
  where cancelled_at is not null;
--! Included operations/app_public.front_desk_day.sql
-- The front desk's day at a property, in one call for the staff console's
-- Today board: every stay the desk has to account for on `day` (default:
-- today in the property's time zone), whatever became of it, so the board's
-- counts add up (issue 21):
--   * arrivals of the day: confirmed, checked in, already checked out (a
--     same-day check-out) or marked no-show;
--   * departures of the day, and early departures (checked out on the day
--     before their departure date);
--   * stays over the night of the day (in house; checked in now, or staying
--     that night on another day);
--   * no-shows recorded on the day (the no-show time falls the next day);
--   * bookings cancelled on the day (never holds: they were not bookings).
-- The console splits them (admin/src/platform/dataProvider.ts,
-- splitFrontDeskDay). Each part reads an index: arrivals and departures by
-- date, stays over by the stay range (reservations_stay_idx), the day's
-- check-outs, no-shows and cancellations by their timestamps. Security
-- invoker: row-level security decides, so a property the caller is not
-- staff of gives nothing.
create or replace function app_public.front_desk_day(property_id uuid, day date default null)
  returns setof app_public.reservations
  language sql stable rows 50
  set search_path to pg_catalog, public, pg_temp
as $$
  with d as (
    select x.day,
           (x.day::timestamp at time zone p.time_zone) as starts,
           ((x.day + 1)::timestamp at time zone p.time_zone) as ends,
           (pg_catalog.now() at time zone p.time_zone)::date as today
      from app_public.properties p,
           lateral (select coalesce(front_desk_day.day, (pg_catalog.now() at time zone p.time_zone)::date) as day) x
     where p.id = front_desk_day.property_id
  )
  select r.*
    from app_public.reservations r
   where r.property_id = front_desk_day.property_id
     and r.id in (
       -- arrivals of the day, whatever became of them
       select a.id
         from app_public.reservations a, d
        where a.property_id = front_desk_day.property_id
          and pg_catalog.lower(a.stay) = d.day
          and a.status in ('confirmed', 'checked_in', 'checked_out', 'no_show')
       union
       -- in house now (today: checked in, overstays too)
       select h.id
         from app_public.reservations h, d
        where h.property_id = front_desk_day.property_id
          and d.day = d.today
          and h.status = 'checked_in'
          and pg_catalog.lower(h.stay) <= d.day
       union
       -- staying the night of the day, and departing on it
       select s.id
         from app_public.reservations s, d
        where s.property_id = front_desk_day.property_id
          and s.status in ('confirmed', 'checked_in', 'checked_out')
          and s.stay && pg_catalog.daterange(d.day, d.day, '[]')
       union
       select e.id
         from app_public.reservations e, d
        where e.property_id = front_desk_day.property_id
          and e.status in ('confirmed', 'checked_in', 'checked_out')
          and pg_catalog.upper(e.stay) = d.day
       union
       -- checked out on the day (early departures included)
       select o.id
         from app_public.reservations o, d
        where o.property_id = front_desk_day.property_id
          and o.checked_out_at >= d.starts and o.checked_out_at < d.ends
       union
       -- no-shows recorded on the day
       select n.id
         from app_public.reservations n, d
        where n.property_id = front_desk_day.property_id
          and n.no_show_at >= d.starts and n.no_show_at < d.ends
       union
       -- bookings cancelled on the day
       select c.id
         from app_public.reservations c, d
        where c.property_id = front_desk_day.property_id
          and c.cancelled_at >= d.starts and c.cancelled_at < d.ends
          and c.confirmed_at is not null
     )
   order by pg_catalog.lower(r.stay), r.confirmation_code;
$$;
comment on function app_public.front_desk_day(uuid, date) is
  E'The front desk''s day at a property (`day`, default today in the property''s time zone): arrivals of the day whatever became of them (confirmed, checked in, checked out, no-show), guests in house (today: checked in), stays over the night of the day, departures of the day and early check-outs made on it, no-shows recorded on it and bookings cancelled on it. Staff who read reservations see their properties only; any other property gives nothing.';
--! EndIncluded operations/app_public.front_desk_day.sql

-- 2. Search reservations by guest name, email, phone or code, in the
-- database: trigram indexes (pg_trgm, a trusted extension) on the guests'
-- profiles and on the bookings' own contact details.
create extension if not exists pg_trgm with schema public;
--! Included operations/app_hidden.guest_search_text.sql
-- What a staff search for a guest matches against, in one lower-case string:
-- the name, the email, and the phone number's digits only (so "+44 20 7946"
-- and "(020) 7946" find the same guest). Immutable, for the trigram indexes
-- on guests and on reservations' contact details (guests_search_idx,
-- reservations_contact_search_idx), which app_public.search_reservations
-- reads with LIKE.
create or replace function app_hidden.guest_search_text(full_name text, email text, phone text) returns text
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.lower(coalesce(full_name, '') || ' ' || coalesce(email, '') || ' '
         || coalesce(pg_catalog.regexp_replace(phone, '[^0-9]', '', 'g'), ''));
$$;
comment on function app_hidden.guest_search_text(text, text, text) is
  E'A guest''s name, email and phone digits as one lower-case string: what a staff search matches (trigram-indexed).';
--! EndIncluded operations/app_hidden.guest_search_text.sql
--! Included operations/app_hidden.search_pattern.sql
-- A staff search as a LIKE pattern over app_hidden.guest_search_text: the
-- words lower-cased with LIKE's own characters escaped; a search made only
-- of phone characters with at least three digits becomes its digits. Null
-- for an empty search (no filter). More than 200 characters is refused with
-- INVALID_INPUT (reason SEARCH): no name, email or phone is that long.
create or replace function app_hidden.search_pattern(search text) returns text
  language plpgsql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_search text := pg_catalog.btrim(search);
  v_digits text;
begin
  if v_search is null or v_search = '' then
    return null;
  end if;
  if pg_catalog.length(v_search) > 200 then
    raise exception using errcode = 'INVLD', hint = 'SEARCH',
      message = 'A search is at most 200 characters: a name, an email, a phone number or a confirmation code.';
  end if;
  v_digits := pg_catalog.regexp_replace(v_search, '[^0-9]', '', 'g');
  if v_search ~ '^\+?[0-9 ()./-]+$' and pg_catalog.length(v_digits) >= 3 then
    return '%' || v_digits || '%';
  end if;
  return '%' || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.lower(v_search), '\', '\\'), '%', '\%'), '_', '\_') || '%';
end;
$$;
comment on function app_hidden.search_pattern(text) is
  E'A staff search as a LIKE pattern over guest_search_text (escaped; phone searches by digits); null when empty; INVALID_INPUT (reason SEARCH) over 200 characters.';
--! EndIncluded operations/app_hidden.search_pattern.sql
create index if not exists guests_search_idx on app_public.guests
  using gin (app_hidden.guest_search_text(full_name, email::text, phone) public.gin_trgm_ops);
create index if not exists reservations_contact_search_idx on app_public.reservations
  using gin (app_hidden.guest_search_text(contact_name, contact_email::text, contact_phone) public.gin_trgm_ops)
  where contact_name is not null or contact_email is not null or contact_phone is not null;
grant execute on function app_hidden.guest_search_text(text, text, text) to keepr_staff;
grant execute on function app_hidden.search_pattern(text) to keepr_staff;

-- 3. Expired and released holds are labelled, and left out of the list
-- unless asked for.
--! Included operations/app_public.reservations_hold_state.sql
-- What a reservation that never became a booking is, for lists (issue 21):
-- the database keeps an abandoned web checkout as `held` after its
-- hold_expires_at (its nights are free again: an expired hold blocks no one,
-- app_private.release_expired_holds), and a desk hold released by hand as
-- `cancelled` without ever being confirmed. Null for a booking (confirmed at
-- some point).
create or replace function app_public.reservations_hold_state(r app_public.reservations) returns text
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case
           when r.id is null or r.confirmed_at is not null then null
           when r.status = 'held' and r.hold_expires_at > pg_catalog.now() then 'active'
           when r.status = 'held' then 'expired'
           else 'released'
         end;
$$;
comment on function app_public.reservations_hold_state(app_public.reservations) is
  E'For a reservation never confirmed: `active` (held, not yet expired), `expired` (held past holdExpiresAt: an abandoned checkout, its nights free again) or `released` (a hold let go before it was confirmed). Null for a booking.';
--! EndIncluded operations/app_public.reservations_hold_state.sql
grant execute on function app_public.reservations_hold_state(app_public.reservations) to keepr_anonymous;
--! Included operations/app_public.search_reservations.sql
-- The reservations list of the staff console (issue 21): a property's
-- reservations, optionally searched by guest name, email, phone (its digits)
-- or confirmation code, in the database. Real bookings and live holds by
-- default; expired and released holds (app_public.reservations_hold_state)
-- only with include_holds. The name/email/phone match reads the trigram
-- indexes on guests and on reservations' contact details; the code match
-- the (property_id, confirmation_code) key.
--
-- language sql without SET clauses on purpose: Postgres inlines it into
-- PostGraphile's query, so the API's order, page and condition reach the
-- indexes instead of reading every reservation of the property first. Every
-- name is schema-qualified instead; security invoker, so row-level security
-- decides (another property's id gives nothing).
create or replace function app_public.search_reservations(property_id uuid, search text default null, include_holds boolean default false)
  returns setof app_public.reservations
  language sql stable
as $$
  select r.*
    from app_public.reservations r
   where r.property_id = search_reservations.property_id
     and (coalesce(search_reservations.include_holds, false)
          or r.confirmed_at is not null
          or (r.status = 'held' and r.hold_expires_at > pg_catalog.now()))
     and (app_hidden.search_pattern(search_reservations.search) is null
          or r.id in (
            select c.id
              from app_public.reservations c
             where c.property_id = search_reservations.property_id
               and c.confirmation_code = pg_catalog.upper(pg_catalog.btrim(search_reservations.search))
            union
            select g.id
              from app_public.guests s
              join app_public.reservations g on g.property_id = s.property_id and g.guest_id = s.id
             where s.property_id = search_reservations.property_id
               and app_hidden.guest_search_text(s.full_name, s.email::text, s.phone)
                   operator(pg_catalog.~~) app_hidden.search_pattern(search_reservations.search)
            union
            select t.id
              from app_public.reservations t
             where t.property_id = search_reservations.property_id
               and app_hidden.guest_search_text(t.contact_name, t.contact_email::text, t.contact_phone)
                   operator(pg_catalog.~~) app_hidden.search_pattern(search_reservations.search)
          ));
$$;
comment on function app_public.search_reservations(uuid, text, boolean) is
  E'@behavior +order +filter\nA property''s reservations for the staff list: `search` matches the guest''s name, email or phone (any part; a phone by its digits) or the exact confirmation code; bookings and live holds only, unless `includeHolds` (then expired and released holds too, see holdState). Staff who read reservations; another property gives nothing. Errors: INVALID_INPUT (reason SEARCH) for a search over 200 characters.';
--! EndIncluded operations/app_public.search_reservations.sql
grant execute on function app_public.search_reservations(uuid, text, boolean) to keepr_staff;

-- 7. The reservation page edits the guest's details and reads its history
-- in words.
--! Included operations/app_public.update_reservation_guest.sql
-- The desk corrects a booking's guest details from the reservation page
-- (issue 21): the name, email and phone of the guest's profile and of the
-- booking's contact, in one statement each, audited (the reservation's
-- contact change is in its history; the profile's in audit.events).
-- Front office only (owner, manager, front desk): ACCESS_DENIED for other
-- staff of the property, NOT_FOUND for anyone else. Bad input gets its own
-- code: INVALID_NAME, INVALID_EMAIL, INVALID_PHONE, and GUEST_EMAIL_IN_USE
-- when another guest profile of the property has that email (the two
-- profiles are one person to merge, not to overwrite). A hold (no guest
-- yet) is INVALID_TRANSITION. Writing the same values again changes
-- nothing, so a retry needs no idempotency key.
create or replace function app_public.update_reservation_guest(reservation_id uuid, full_name text, email text, phone text default null)
  returns app_public.reservations
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_name text := pg_catalog.btrim(full_name);
  v_email text := pg_catalog.lower(pg_catalog.btrim(email));
  v_phone text := nullif(pg_catalog.btrim(phone), '');
begin
  v_res := app_private.lock_reservation(update_reservation_guest.reservation_id, app_hidden.staff_group_roles('front_office'),
                                        'change guests'' details');
  if v_res.guest_id is null then
    perform app_private.invalid_transition(v_res, 'given guest details here (it is a hold: the details come with its confirmation)');
  end if;
  if v_name is null or pg_catalog.length(v_name) < 1 or pg_catalog.length(v_name) > 200 then
    raise exception using errcode = 'INVNM', message = 'The guest''s full name (1 to 200 characters) is required.';
  end if;
  if v_email is null or pg_catalog.length(v_email) > 254 or v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  if v_phone is not null and v_phone !~ '^\+?[0-9 ()./-]{5,30}$' then
    raise exception using errcode = 'INVPH', message = 'That phone number does not look valid: digits, spaces and + ( ) . / - only, 5 to 30 of them.';
  end if;
  if exists (select 1 from app_public.guests g
              where g.property_id = v_res.property_id and g.email = v_email::citext and g.id <> v_res.guest_id) then
    raise exception using errcode = 'GSTEM',
      message = 'Another guest profile at this property already has this email. Keep this one''s email, or merge the two profiles.';
  end if;
  update app_public.guests g
     set full_name = v_name, email = v_email, phone = v_phone
   where g.property_id = v_res.property_id and g.id = v_res.guest_id
     and (g.full_name, g.email::text, g.phone) is distinct from (v_name, v_email, v_phone);
  update app_public.reservations r
     set contact_name = v_name, contact_email = v_email, contact_phone = v_phone
   where r.property_id = v_res.property_id and r.id = v_res.id
     and (r.contact_name, r.contact_email::text, r.contact_phone) is distinct from (v_name, v_email, v_phone);
  return (select r from app_public.reservations r where r.property_id = v_res.property_id and r.id = v_res.id);
end;
$$;
comment on function app_public.update_reservation_guest(uuid, text, text, text) is
  E'Corrects the name, email and phone of a booking''s guest (their profile at the property and the booking''s contact); audited. Front office staff. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (a hold), INVALID_NAME, INVALID_EMAIL, INVALID_PHONE, GUEST_EMAIL_IN_USE.';
--! EndIncluded operations/app_public.update_reservation_guest.sql
grant execute on function app_public.update_reservation_guest(uuid, text, text, text) to keepr_staff;

drop function if exists app_public.reservation_timeline(uuid);
drop type if exists app_public.reservation_history_line;
create type app_public.reservation_history_line as (
  occurred_at timestamptz,
  summary text,
  actor_name text,
  actor_role text,
  request_id text
);
comment on type app_public.reservation_history_line is
  E'One thing that happened to a reservation, in words: what, when, who (their name and role at the property) and the request.';
comment on column app_public.reservation_history_line.summary is E'What happened, for people: "Moved from 201 to 204", "Checked in".';
comment on column app_public.reservation_history_line.actor_name is E'Who: a staff member''s name, "the guest", or Keepr (a job, the allocator).';
comment on column app_public.reservation_history_line.actor_role is E'The staff member''s role at the property in a word (desk, manager, owner, accounts, housekeeping); null for guests and Keepr.';
--! Included operations/app_private.history_unit_name.sql
-- A unit by its name for reservation_timeline (the audit values hold its id).
create or replace function app_private.history_unit_name(property_id uuid, unit_id text) returns text
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce((select u.name from app_public.units u where u.property_id = history_unit_name.property_id and u.id = history_unit_name.unit_id::uuid),
                  'a removed unit');
$$;
comment on function app_private.history_unit_name(uuid, text) is E'A unit''s name for the history in words (audit values hold its id).';
--! EndIncluded operations/app_private.history_unit_name.sql
--! Included operations/app_private.history_stay_words.sql
-- A stay's dates for reservation_timeline, from the audit log's text of a
-- daterange ("[2026-12-05,2026-12-07)"): "5 Dec–7 Dec 2026 (2 nights)".
create or replace function app_private.history_stay_words(stay text) returns text
  language sql immutable
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.to_char(pg_catalog.lower(s), 'FMDD Mon') || '–' || pg_catalog.to_char(pg_catalog.upper(s), 'FMDD Mon YYYY')
         || ' (' || (pg_catalog.upper(s) - pg_catalog.lower(s)) || case when pg_catalog.upper(s) - pg_catalog.lower(s) = 1 then ' night)' else ' nights)' end
    from (select history_stay_words.stay::daterange as s) x;
$$;
comment on function app_private.history_stay_words(text) is E'A stay''s dates in words for the history ("5 Dec–7 Dec 2026 (2 nights)").';
--! EndIncluded operations/app_private.history_stay_words.sql
--! Included operations/app_private.history_party_words.sql
-- A party for reservation_timeline: "2 adults", "1 adult, 2 children".
create or replace function app_private.history_party_words(adults integer, children integer) returns text
  language sql immutable
  set search_path to pg_catalog, public, pg_temp
as $$
  select adults || case when adults = 1 then ' adult' else ' adults' end
         || case when coalesce(children, 0) = 0 then '' when children = 1 then ', 1 child' else ', ' || children || ' children' end;
$$;
comment on function app_private.history_party_words(integer, integer) is E'A party in words for the history ("2 adults, 1 child").';
--! EndIncluded operations/app_private.history_party_words.sql
--! Included operations/app_public.reservation_timeline.sql
-- A reservation's history as a person reads it (issue 21): one line per
-- thing that happened, from the audit log of the reservation row — "Moved
-- from 201 to 204", "Checked in", "Dates changed from 5 Dec–7 Dec to
-- 6 Dec–8 Dec", "Guest name changed from … to …" — with who did it: the
-- user's name and their role at the property ("Dana", "desk"), "the guest"
-- for a guest's own change, Keepr for jobs, and Keepr (allocator) for a move
-- the allocator made in another booking's transaction to make room for it
-- (an allocation_moves row of the stay in the same transaction). Units, rate
-- plans and amounts by their names, never ids. The staff who read
-- reservations (cashiers), as reservation_history (which keeps the raw
-- values, for the trace).
create or replace function app_public.reservation_timeline(reservation_id uuid)
  returns setof app_public.reservation_history_line
  language plpgsql stable security definer rows 20
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_event record;
  v_old jsonb;
  v_new jsonb;
  v_actor text;
  v_role text;
  v_line app_public.reservation_history_line;
  v_status_words constant jsonb := '{"confirmed": "Booking confirmed", "checked_in": "Checked in", "checked_out": "Checked out",
    "cancelled": "Cancelled", "no_show": "Marked as a no-show", "held": "Put on hold"}';
  v_changes text[];
begin
  select * into v_res from app_public.reservations r where r.id = reservation_timeline.reservation_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such reservation, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_res.property_id, app_hidden.staff_group_roles('cashiers'), 'see reservation history');
  for v_event in
    select e.occurred_at, e.operation, e.old_values, e.new_values, e.request_id, e.actor_user_id, e.actor_role as db_role,
           u.display_name, m.role,
           -- The role in a word, as the desk says it.
           case m.role::text when 'front_desk' then 'desk' when 'accountant' then 'accounts' else m.role::text end as role_word,
           (select coalesce(c.confirmation_code, 'a booking on hold')
              from audit.events a
              left join app_public.reservations c
                on c.property_id = a.property_id and c.id = (a.new_values ->> 'caused_by_reservation_id')::uuid
             where a.property_id = e.property_id and a.transaction_id = e.transaction_id
               and a.table_name = 'allocation_moves' and a.operation = 'INSERT' and a.reservation_id = e.reservation_id
             order by a.id desc limit 1) as allocated_for
      from audit.events e
      left join app_public.users u on u.id = e.actor_user_id
      left join app_public.property_memberships m on m.property_id = e.property_id and m.user_id = e.actor_user_id
     where e.reservation_id = reservation_timeline.reservation_id
       and e.property_id = v_res.property_id
       and e.table_name = 'reservations'
     order by e.id
  loop
    v_old := coalesce(v_event.old_values, '{}');
    v_new := coalesce(v_event.new_values, '{}');
    v_actor := case when v_event.role is not null then v_event.display_name
                    when v_event.actor_user_id is not null or v_event.db_role in ('keepr_anonymous', 'keepr_guest') then 'the guest'
                    else 'Keepr' end;
    v_role := v_event.role_word;
    if v_event.allocated_for is not null then
      v_actor := 'Keepr';
      v_role := 'allocator';
    end if;
    v_changes := '{}';
    if v_event.operation = 'INSERT' then
      v_changes := v_changes || pg_catalog.format('%s for %s',
        case when v_new ->> 'status' = 'held' then 'Held' else 'Booked' end,
        app_private.history_stay_words(v_new ->> 'stay'));
    elsif v_event.operation = 'UPDATE' then
      if v_old -> 'status' is distinct from v_new -> 'status' then
        v_changes := v_changes || case
          when v_old ->> 'status' = 'held' and v_new ->> 'status' = 'cancelled' then 'Hold released'
          when v_new ->> 'status' = 'confirmed' and v_old ->> 'status' = 'held'
            then 'Booking confirmed' || coalesce(' (' || (v_new ->> 'confirmation_code') || ')', '')
          when v_new ->> 'status' = 'cancelled'
            then 'Cancelled' || coalesce(': “' || (v_new ->> 'cancellation_reason') || '”', '')
                 || coalesce(pg_catalog.format(' (fee %s)', app_hidden.format_money(nullif((v_new ->> 'penalty_amount')::bigint, 0), v_new ->> 'currency')), '')
          else coalesce(v_status_words ->> (v_new ->> 'status'), 'Status changed to ' || (v_new ->> 'status')) end;
      end if;
      if v_old -> 'unit_id' is distinct from v_new -> 'unit_id' then
        v_changes := v_changes || case
          when v_old ->> 'unit_id' is null then 'Unit ' || app_private.history_unit_name(v_res.property_id, v_new ->> 'unit_id') || ' assigned'
          when v_new ->> 'unit_id' is null then 'Unit ' || app_private.history_unit_name(v_res.property_id, v_old ->> 'unit_id') || ' unassigned'
          else pg_catalog.format('Moved from %s to %s', app_private.history_unit_name(v_res.property_id, v_old ->> 'unit_id'),
                                 app_private.history_unit_name(v_res.property_id, v_new ->> 'unit_id'))
               || coalesce(' to make room for ' || v_event.allocated_for, '') end;
      end if;
      if v_old -> 'stay' is distinct from v_new -> 'stay' then
        v_changes := v_changes || pg_catalog.format('Dates changed from %s to %s',
          app_private.history_stay_words(v_old ->> 'stay'), app_private.history_stay_words(v_new ->> 'stay'));
      end if;
      if v_old -> 'adults' is distinct from v_new -> 'adults' or v_old -> 'children' is distinct from v_new -> 'children' then
        v_changes := v_changes || pg_catalog.format('Guests changed from %s to %s',
          app_private.history_party_words((v_old ->> 'adults')::int, (v_old ->> 'children')::int),
          app_private.history_party_words((v_new ->> 'adults')::int, (v_new ->> 'children')::int));
      end if;
      if v_old -> 'rate_plan_id' is distinct from v_new -> 'rate_plan_id' then
        v_changes := v_changes || pg_catalog.format('Rate plan changed from %s to %s',
          coalesce((select p.name from app_public.rate_plans p where p.property_id = v_res.property_id and p.id = (v_old ->> 'rate_plan_id')::uuid), 'a removed plan'),
          coalesce((select p.name from app_public.rate_plans p where p.property_id = v_res.property_id and p.id = (v_new ->> 'rate_plan_id')::uuid), 'a removed plan'));
      end if;
      if v_old -> 'total_amount' is distinct from v_new -> 'total_amount' then
        v_changes := v_changes || pg_catalog.format('Price changed from %s to %s',
          app_hidden.format_money((v_old ->> 'total_amount')::bigint, v_old ->> 'currency'),
          app_hidden.format_money((v_new ->> 'total_amount')::bigint, v_new ->> 'currency'));
      end if;
      if v_old -> 'contact_name' is distinct from v_new -> 'contact_name' then
        v_changes := v_changes || case when v_old ->> 'contact_name' is null then 'Guest name given: ' || (v_new ->> 'contact_name')
          else pg_catalog.format('Guest name changed from %s to %s', v_old ->> 'contact_name', coalesce(v_new ->> 'contact_name', 'none')) end;
      end if;
      if v_old -> 'contact_email' is distinct from v_new -> 'contact_email' then
        v_changes := v_changes || case when v_old ->> 'contact_email' is null then 'Email given: ' || (v_new ->> 'contact_email')
          else pg_catalog.format('Email changed from %s to %s', v_old ->> 'contact_email', coalesce(v_new ->> 'contact_email', 'none')) end;
      end if;
      if v_old -> 'contact_phone' is distinct from v_new -> 'contact_phone' then
        v_changes := v_changes || case when v_old ->> 'contact_phone' is null then 'Phone given: ' || (v_new ->> 'contact_phone')
          when v_new ->> 'contact_phone' is null then 'Phone removed (was ' || (v_old ->> 'contact_phone') || ')'
          else pg_catalog.format('Phone changed from %s to %s', v_old ->> 'contact_phone', v_new ->> 'contact_phone') end;
      end if;
      if v_old -> 'special_requests' is distinct from v_new -> 'special_requests' then
        v_changes := v_changes || case when v_new ->> 'special_requests' is null then 'Special requests removed'
          else 'Special requests: “' || (v_new ->> 'special_requests') || '”' end;
      end if;
      if v_old -> 'unit_pinned' is distinct from v_new -> 'unit_pinned' then
        v_changes := v_changes || case when (v_new ->> 'unit_pinned')::boolean then 'Pinned to its unit' else 'Unpinned from its unit' end;
      end if;
      if v_old -> 'payment_due_by' is distinct from v_new -> 'payment_due_by' and v_new ->> 'payment_due_by' is not null then
        v_changes := v_changes || ('Payment due by ' || pg_catalog.to_char((v_new ->> 'payment_due_by')::timestamptz at time zone
          (select p.time_zone from app_public.properties p where p.id = v_res.property_id), 'FMDD Mon YYYY, HH24:MI')
          || coalesce(': “' || (v_new ->> 'payment_guarantee_note') || '”', ''));
      end if;
      if v_old -> 'payment_guarantee_waived_at' is distinct from v_new -> 'payment_guarantee_waived_at' and v_new ->> 'payment_guarantee_waived_at' is not null then
        v_changes := v_changes || ('Payment guarantee waived' || coalesce(': “' || (v_new ->> 'payment_guarantee_note') || '”', ''));
      end if;
    else
      v_changes := v_changes || 'Deleted'::text;
    end if;
    foreach v_line.summary in array v_changes loop
      v_line.occurred_at := v_event.occurred_at;
      v_line.actor_name := v_actor;
      v_line.actor_role := v_role;
      v_line.request_id := v_event.request_id;
      return next v_line;
    end loop;
  end loop;
end;
$$;
comment on function app_public.reservation_timeline(uuid) is
  E'A reservation''s history in words, oldest first: one line per change ("Moved from 201 to 204", "Checked in", "Dates changed from …"), with who made it (their name and role at the property; "the guest"; Keepr for jobs, role allocator for the allocator''s moves) and the request id. Staff who read reservations. Errors: NOT_FOUND, ACCESS_DENIED.';
--! EndIncluded operations/app_public.reservation_timeline.sql
grant execute on function app_public.reservation_timeline(uuid) to keepr_staff;

-- 5. A same-day quote never shows a past free-cancellation deadline: its
-- terms say "non-refundable from booking" (the text only; the deadline and
-- the penalty are unchanged). app_private.quote_for is the booking domain's:
-- replaced here by K for issue 21, said in the land file.
--! Included booking/app_private.quote_for.sql
-- The priced stay on one rate plan, with totals, cancellation terms and
-- units left; no restriction checks, no token (callers add what they need).
-- Cancellation: free until free_cancellation_days before the arrival date at
-- the property's check-in time (local); after that the penalty is
-- round(base × nights charged / nights) or round(base × percent / 100);
-- non-refundable rates charge the base. The base is the total less the
-- taxes a penalty does not carry (taxes.applies_to_penalty: a city tax per
-- person-night is owed only for nights stayed), as
-- app_private.penalty_base says for a reservation.
create or replace function app_private.quote_for(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer,
  children integer
) returns app_public.quote
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return (
      with lines as (
        select l.*, tx.name as tax_name, coalesce(tx.applies_to_penalty, true) as carried_by_penalty
          from app_private.price_lines(array[quote_for.rate_plan_id], quote_for.arrival, quote_for.departure,
                                       quote_for.adults, quote_for.children) l
          left join app_public.taxes tx on l.kind = 'tax' and tx.id = l.tax_id
      ),
      totals as (
        select coalesce(sum(l.amount) filter (where l.kind in ('night', 'discount')), 0)::bigint as room_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'fee'), 0)::bigint as fees_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and not l.is_inclusive), 0)::bigint as taxes_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and l.is_inclusive), 0)::bigint as included_taxes_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and not l.carried_by_penalty), 0)::bigint as penalty_free_amount,
               pg_catalog.string_agg(l.tax_name, ' and ' order by l.line_no) filter (where l.kind = 'tax' and not l.carried_by_penalty) as penalty_free_taxes,
               pg_catalog.array_agg((l.kind, l.date, l.description, l.quantity, l.amount, l.is_inclusive, l.tax_id)::app_public.price_line
                                    order by l.line_no) as lines
          from lines l
      ),
      terms as (
        select rp.*, p.time_zone, p.check_in_time,
               t.room_amount + t.fees_amount + t.taxes_amount as total_amount,
               t.room_amount + t.fees_amount + t.taxes_amount - t.penalty_free_amount as penalty_base,
               quote_for.departure - quote_for.arrival as nights,
               case when rp.is_refundable
                    then ((quote_for.arrival - rp.free_cancellation_days)::timestamp + p.check_in_time) at time zone p.time_zone
               end as free_until
          from app_public.rate_plans rp
          join app_public.properties p on p.id = rp.property_id
          cross join totals t
         where rp.id = quote_for.rate_plan_id
      )
      select (
        x.property_id, x.room_type_id, x.id,
        quote_for.arrival, quote_for.departure, x.nights, quote_for.adults, quote_for.children,
        x.currency, t.room_amount, t.fees_amount, t.taxes_amount, t.included_taxes_amount, x.total_amount, t.lines,
        x.is_refundable, x.free_until,
        case
          when not x.is_refundable then x.penalty_base
          when x.cancellation_penalty_kind = 'nights'
            then round(x.penalty_base::numeric * least(x.cancellation_penalty_value, x.nights) / x.nights)::bigint
          else round(x.penalty_base::numeric * x.cancellation_penalty_value / 100)::bigint
        end,
        case
          when not x.is_refundable and t.penalty_free_taxes is not null
            then pg_catalog.format('Non-refundable: cancelling costs the full amount but the %s, which is due only for nights stayed.', t.penalty_free_taxes)
          when not x.is_refundable then 'Non-refundable: cancelling costs the full amount.'
          -- A stay sooner than the plan's free-cancellation window (a same-day or
          -- last-minute booking): the deadline has passed before the booking is
          -- made, so it is never shown as a date (issue 21).
          when x.free_until <= pg_catalog.now()
            then pg_catalog.format('Non-refundable from booking: free cancellation ends %s before arrival, which has passed. Cancelling costs %s.',
                   case when x.free_cancellation_days = 0 then 'at check-in time on the arrival day'
                        else pg_catalog.format('%s day%s', x.free_cancellation_days, case when x.free_cancellation_days = 1 then '' else 's' end) end,
                   case when x.cancellation_penalty_kind = 'nights'
                        then pg_catalog.format('%s night%s', least(x.cancellation_penalty_value, x.nights),
                                               case when least(x.cancellation_penalty_value, x.nights) = 1 then '' else 's' end)
                        else x.cancellation_penalty_value || '% of the total' end)
               || case when t.penalty_free_taxes is not null
                       then pg_catalog.format(' The %s is due only for nights stayed.', t.penalty_free_taxes) else '' end
          else pg_catalog.format('Free cancellation until %s (%s). After that, cancelling costs %s.',
                 pg_catalog.to_char(x.free_until at time zone x.time_zone, 'YYYY-MM-DD HH24:MI'), x.time_zone,
                 case when x.cancellation_penalty_kind = 'nights'
                      then pg_catalog.format('%s night%s', least(x.cancellation_penalty_value, x.nights),
                                             case when least(x.cancellation_penalty_value, x.nights) = 1 then '' else 's' end)
                      else x.cancellation_penalty_value || '% of the total' end)
               || case when t.penalty_free_taxes is not null
                       then pg_catalog.format(' The %s is due only for nights stayed.', t.penalty_free_taxes) else '' end
        end,
        coalesce((select l.units_left from app_private.room_type_units_left(array[x.property_id], pg_catalog.daterange(quote_for.arrival, quote_for.departure),
                                                                              x.room_type_id) l), 0),
        null, null
      )::app_public.quote
        from terms x cross join totals t
  );
end;
$$;
comment on function app_private.quote_for(uuid, date, date, integer, integer) is
  E'Prices a stay on one rate plan: lines, totals, cancellation terms and units left (no restriction checks).';
--! EndIncluded booking/app_private.quote_for.sql
