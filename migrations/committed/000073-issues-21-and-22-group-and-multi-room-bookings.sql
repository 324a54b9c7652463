--! Previous: sha1:27679e10187f5cceb3af3c805af43050edbd990a
--! Hash: sha1:36192eca1e110336ff783486856d36d5d440c881
--! Message: Issues 21 and 22: group and multi-room bookings

-- Issues 21 and 22: group and multi-room bookings. A booking group holds
-- several rooms of one stay under one group code: each room is a
-- reservation (its room type, rate plan, guests, an optional guest name
-- for the rooming list) with group_id and room_no. Quote several rooms at
-- once, hold them all or none, confirm them in one call (one confirmation
-- message for the group), cancel the group or a room, room combinations for
-- a party too big for one room. A reservation without a group is as before.

-- Reverse order first, so the file can run again.
drop function if exists app_public.room_combinations(uuid, date, date, integer, integer, integer, integer);
drop function if exists app_public.set_room_guest_name(uuid, text);
drop function if exists app_public.cancel_group(uuid, text, text);
drop function if exists app_public.confirm_group(uuid, text, text, text, text, text, text);
drop function if exists app_public.create_group_hold(text, text, text, integer);
drop function if exists app_public.quote_group(app_public.group_room[], date, date);
drop function if exists app_private.lock_booking_group(uuid, app_public.staff_role[], text);
drop function if exists app_public.booking_groups_total_amount(app_public.booking_groups);
drop type if exists app_public.room_combination;
drop type if exists app_public.group_hold;
drop type if exists app_public.group_quote;
drop type if exists app_public.group_quote_room;
drop type if exists app_public.group_room;
drop policy if exists select_member_self_or_booking on app_public.reservations;
alter table app_public.reservations drop column if exists guest_name;
alter table app_public.reservations drop column if exists room_no;
alter table app_public.reservations drop column if exists group_id;
drop table if exists app_public.booking_groups;

-- A group token (lookupBooking with a group code) carries the group's id.
alter type app_public.jwt_token drop attribute if exists booking_group_id;
alter type app_public.jwt_token add attribute booking_group_id uuid;
--! Included access/app_hidden.current_booking_group_id.sql
-- The booking group a group-scoped token (from lookup_booking with a group
-- code) is for, or null. Such tokens carry the claim booking_group_id and
-- the anonymous role.
create or replace function app_hidden.current_booking_group_id() returns uuid
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select nullif(pg_catalog.current_setting('jwt.claims.booking_group_id', true), '')::uuid;
$$;
comment on function app_hidden.current_booking_group_id() is
  E'The booking group id of the request''s group-scoped token, or null.';
--! EndIncluded access/app_hidden.current_booking_group_id.sql
grant execute on function app_hidden.current_booking_group_id() to keepr_anonymous, keepr_worker;

create table app_public.booking_groups (
  id uuid not null default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete restrict,
  group_code text not null check (group_code ~ '^G-[A-Z2-9]{8}$'),
  name text check (pg_catalog.length(pg_catalog.btrim(name)) between 1 and 200),
  user_id uuid references app_public.users on delete set null,
  channel text not null default 'web' check (channel in ('web', 'front_desk')),
  contact_name text check (pg_catalog.length(contact_name) between 1 and 200),
  contact_email public.citext check (contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' and pg_catalog.length(contact_email) <= 254),
  contact_phone text check (contact_phone ~ '^\+?[0-9 ()./-]{5,30}$'),
  confirmed_at timestamptz,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  primary key (id, property_id),
  unique (property_id, id),
  unique (property_id, group_code)
);
comment on constraint booking_groups_pkey on app_public.booking_groups is E'@rowIdentity id';
comment on constraint booking_groups_property_id_id_key on app_public.booking_groups is E'@behavior -*';
create index booking_groups_user_idx on app_public.booking_groups (user_id) where user_id is not null;
create index booking_groups_group_code_idx on app_public.booking_groups (group_code);
create trigger _100_timestamps before insert or update on app_public.booking_groups
  for each row execute function app_private.tg__timestamps();
create trigger _500_audit after insert or update or delete on app_public.booking_groups
  for each row execute function audit.tg__record();
comment on table app_public.booking_groups is E'A group or multi-room booking: several rooms (reservations with this group_id) of one stay under one group code, held, confirmed and cancelled together (each room may also be changed or cancelled alone).';
comment on column app_public.booking_groups.group_code is E'The group''s code (G- and 8 characters), shown to the booker; lookupBooking with it and the contact email gives a token for the whole group.';
comment on column app_public.booking_groups.name is E'What the hotel calls the group, e.g. "Smith wedding"; optional.';
comment on column app_public.booking_groups.user_id is E'The signed-in guest who made the group, if any.';
comment on column app_public.booking_groups.channel is E'web (a guest) or front_desk (staff of the property).';
comment on column app_public.booking_groups.contact_name is E'The booker''s name as given at confirmation.';
comment on column app_public.booking_groups.contact_email is E'The booker''s email as given at confirmation (the group''s lookup uses it).';
comment on column app_public.booking_groups.contact_phone is E'The booker''s phone, if given.';
comment on column app_public.booking_groups.confirmed_at is E'When the group was confirmed (every room at once); null while held.';

alter table app_public.booking_groups enable row level security;
grant select on app_public.booking_groups to keepr_anonymous, keepr_worker;
create policy select_staff_booker_or_token on app_public.booking_groups for select
  using (property_id in (select app_hidden.current_property_ids_for('cashiers'))
         or user_id = (select app_hidden.current_user_id())
         or id = (select app_hidden.current_booking_group_id()));
create policy worker_all on app_public.booking_groups for select to keepr_worker using (true);
alter table app_public.booking_groups replica identity full;

alter table app_public.reservations add column group_id uuid;
alter table app_public.reservations add column room_no smallint check (room_no between 1 and 20);
alter table app_public.reservations add column guest_name text check (pg_catalog.length(pg_catalog.btrim(guest_name)) between 1 and 200);
alter table app_public.reservations
  add constraint reservations_group_fkey foreign key (property_id, group_id) references app_public.booking_groups (property_id, id) on delete restrict,
  add constraint reservations_group_room_check check ((group_id is null) = (room_no is null));
-- One index serves the foreign key, the group's rooms in order and the
-- room numbers' uniqueness (rows outside a group have nulls, never equal).
-- Not partial: PostGraphile exposes a group's rooms only over an index
-- whose leading columns are the foreign key's.
create unique index reservations_group_room_idx on app_public.reservations (property_id, group_id, room_no);
comment on constraint reservations_group_fkey on app_public.reservations is E'@fieldName group\n@foreignFieldName rooms';
comment on column app_public.reservations.group_id is E'The booking group this room belongs to; null for a reservation on its own.';
comment on column app_public.reservations.room_no is E'The room''s place in its group''s rooming list (1, 2, …); null outside a group.';
comment on column app_public.reservations.guest_name is E'Who sleeps in this room (the rooming list), when it is not the booker.';

create policy select_member_self_or_booking on app_public.reservations for select
  using (property_id in (select app_hidden.current_property_ids_for('cashiers'))
         or user_id = (select app_hidden.current_user_id())
         or id = (select app_hidden.current_booking_id())
         or group_id = (select app_hidden.current_booking_group_id()));

--! Included access/app_private.create_session.sql
-- Opens a session for a user and returns the claims to sign as a JWT. The
-- token's role follows the user's standing: staff when they belong to any
-- property, guest otherwise. The token expires with the session.
create or replace function app_private.create_session(user_id uuid) returns app_public.jwt_token
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_session app_private.sessions;
begin
  insert into app_private.sessions (user_id)
  values (create_session.user_id)
  returning * into v_session;

  return (
    case when exists (select 1 from app_public.property_memberships m where m.user_id = create_session.user_id)
         then 'keepr_staff' else 'keepr_guest' end,
    v_session.id,
    create_session.user_id,
    extract(epoch from v_session.expires_at)::bigint,
    null,
    null
  )::app_public.jwt_token;
end;
$$;
comment on function app_private.create_session(uuid) is
  E'Creates a session row for the user and returns the JWT claims (role, session_id, sub, exp) for it.';
--! EndIncluded access/app_private.create_session.sql
--! Included access/app_public.lookup_booking.sql
-- A guest without an account finds their booking by confirmation code and
-- email, and gets a booking-scoped token (2 hours) to view or cancel it.
-- With a group code (G-…) and the booker's email, the token is for the
-- booking group: it reads the group and its rooms and may change or cancel
-- them.
-- Guessing is throttled: a miss returns null and is recorded (it commits,
-- which an error would not), and after 10 misses in 15 minutes for an
-- email or for a code, lookups for it are refused (TOO_MANY_ATTEMPTS).
create or replace function app_public.lookup_booking(confirmation_code text, email text) returns app_public.jwt_token
  language plpgsql volatile strict security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_code text := pg_catalog.upper(pg_catalog.btrim(lookup_booking.confirmation_code));
  v_email public.citext := pg_catalog.btrim(lookup_booking.email)::public.citext;
  v_id uuid;
begin
  -- One lookup at a time per email and per code (in a fixed order), so the
  -- count of recent failures and the new failure are atomic under
  -- concurrency: the 11th concurrent guess waits for the 10th and sees it.
  perform pg_catalog.pg_advisory_xact_lock(k)
     from pg_catalog.unnest(array[pg_catalog.hashtextextended('lookup_booking:email:' || v_email::text, 0),
                                  pg_catalog.hashtextextended('lookup_booking:code:' || v_code, 0)]) k
    order by k;
  if (select count(*) from app_private.lookup_failures f
       where (f.email = v_email or f.confirmation_code = v_code)
         and f.failed_at > pg_catalog.now() - interval '15 minutes') >= 10 then
    raise exception using errcode = 'LIMIT', message = 'Too many failed lookups; try again in 15 minutes.';
  end if;
  -- The email given for the booking, not the shared guest profile's.
  select r.id into v_id
    from app_public.reservations r
   where r.confirmation_code = v_code
     and r.contact_email = v_email;
  if v_id is not null then
    return ('keepr_anonymous', null, null,
            extract(epoch from pg_catalog.now() + interval '2 hours')::bigint, v_id, null)::app_public.jwt_token;
  end if;
  -- A group code (G-…) with the booker's email: a token for the whole group.
  select g.id into v_id
    from app_public.booking_groups g
   where g.group_code = v_code
     and g.contact_email = v_email;
  if v_id is null then
    delete from app_private.lookup_failures f where f.failed_at < pg_catalog.now() - interval '1 day';
    insert into app_private.lookup_failures (email, confirmation_code) values (v_email, pg_catalog.left(v_code, 50));
    return null;
  end if;
  return ('keepr_anonymous', null, null,
          extract(epoch from pg_catalog.now() + interval '2 hours')::bigint, null, v_id)::app_public.jwt_token;
end;
$$;
comment on function app_public.lookup_booking(text, text) is
  E'Finds a booking by confirmation code and email and returns a token, valid 2 hours, that can read and cancel that booking only (with a group code and the booker''s email: the group and its rooms); null when nothing matches. After 10 misses in 15 minutes for an email or a code: TOO_MANY_ATTEMPTS.';
--! EndIncluded access/app_public.lookup_booking.sql
--! Included common/app_hidden.current_actor_scope.sql
-- Who is calling, as the scope of their idempotency keys: a signed-in user,
-- the holder of a booking token, the worker, or anonymous (one shared scope,
-- which is why keys must be long and random). PL/pgSQL, not SQL: a booking
-- asks for it seven times, and Postgres 17 plans a SQL function's query on
-- every call from PL/pgSQL.
create or replace function app_hidden.current_actor_scope() returns text
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_id uuid := app_hidden.current_user_id();
begin
  if v_id is not null then
    return 'user:' || v_id;
  end if;
  v_id := app_hidden.current_booking_id();
  if v_id is not null then
    return 'booking:' || v_id;
  end if;
  v_id := app_hidden.current_booking_group_id();
  if v_id is not null then
    return 'group:' || v_id;
  end if;
  return case when pg_catalog.current_setting('role', true) = 'keepr_worker' then 'worker' else 'anonymous' end;
end;
$$;
comment on function app_hidden.current_actor_scope() is
  E'The caller as an idempotency scope: user:<id>, booking:<id>, group:<id>, worker or anonymous.';
--! EndIncluded common/app_hidden.current_actor_scope.sql
--! Included booking/app_private.lock_reservation.sql
-- Locks a reservation for a change by the caller. Staff with one of the
-- roles may change any reservation of their property; when guest_may is
-- true, so may the guest who booked it signed in or holds its booking token
-- (or the token of its booking group).
-- NTFND when the caller cannot see it, DNIED when their role is not enough.
create or replace function app_private.lock_reservation(reservation_id uuid, roles app_public.staff_role[], what text, guest_may boolean default false)
  returns app_public.reservations
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
begin
  select * into v_res from app_public.reservations r where r.id = lock_reservation.reservation_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such reservation, or you cannot see it.';
  end if;
  if guest_may and (v_res.id = app_hidden.current_booking_id()
                    or v_res.group_id = app_hidden.current_booking_group_id()
                    or (v_res.user_id is not null and v_res.user_id = app_hidden.current_user_id())) then
    return v_res;
  end if;
  perform app_private.require_staff(v_res.property_id, roles, what);
  return v_res;
end;
$$;
comment on function app_private.lock_reservation(uuid, app_public.staff_role[], text, boolean) is
  E'Locks a reservation FOR UPDATE after checking the caller may change it (NOT_FOUND, ACCESS_DENIED).';
--! EndIncluded booking/app_private.lock_reservation.sql
--! Included operations/app_private.tg_reservations__notify.sql
-- What a reservation's change tells its guest: a confirmation (and the
-- pre-arrival message, scheduled), a modification of dates, guests or
-- price (a new pre-arrival message when the arrival moved; the old one is
-- skipped when its time comes), a cancellation, a thank-you on check-out.
-- Each in the transaction of the change; a change's messages in one
-- notify_all (one call that queues their jobs). A booking group's
-- confirmation (and pre-arrival message) goes once, with its first room.
create or replace function app_private.tg_reservations__notify() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_pre_arrival timestamptz;
begin
  if new.guest_id is null then
    return null;
  end if;
  if old.status = 'held' and new.status = 'confirmed' and new.group_id is not null and new.room_no > 1 then
    -- A booking group is confirmed in one call and told once: its first
    -- room carries the group's confirmation and pre-arrival message.
    null;
  elsif old.status = 'held' and new.status = 'confirmed' then
    v_pre_arrival := app_private.pre_arrival_at(new);
    if v_pre_arrival > pg_catalog.now() then
      perform app_private.notify_all(new, array['confirmation', 'pre_arrival']::app_public.notification_kind[],
                                     array['reservation:' || new.id || ':confirmed', 'reservation:' || new.id || ':pre_arrival:' || pg_catalog.lower(new.stay)],
                                     array[pg_catalog.now(), v_pre_arrival]);
    else
      perform app_private.notify(new, 'confirmation', 'reservation:' || new.id || ':confirmed');
    end if;
  elsif old.status = new.status and new.status in ('confirmed', 'checked_in')
        and (old.stay, old.adults, old.children, old.rate_plan_id, old.total_amount)
            is distinct from (new.stay, new.adults, new.children, new.rate_plan_id, new.total_amount) then
    if new.status = 'confirmed' and pg_catalog.lower(old.stay) <> pg_catalog.lower(new.stay) then
      v_pre_arrival := app_private.pre_arrival_at(new);
    end if;
    if v_pre_arrival > pg_catalog.now() then
      perform app_private.notify_all(new, array['modification', 'pre_arrival']::app_public.notification_kind[],
                                     array['reservation:' || new.id || ':modified:' || pg_catalog.txid_current(), 'reservation:' || new.id || ':pre_arrival:' || pg_catalog.lower(new.stay)],
                                     array[pg_catalog.now(), v_pre_arrival]);
    else
      perform app_private.notify(new, 'modification', 'reservation:' || new.id || ':modified:' || pg_catalog.txid_current());
    end if;
  elsif old.status <> 'cancelled' and new.status = 'cancelled' and old.status <> 'held' then
    perform app_private.notify(new, 'cancellation', 'reservation:' || new.id || ':cancelled');
  elsif old.status = 'checked_in' and new.status = 'checked_out' then
    perform app_private.notify(new, 'checkout_thanks', 'reservation:' || new.id || ':checked_out');
  end if;
  return null;
end;
$$;
comment on function app_private.tg_reservations__notify() is
  E'Trigger: queues the guest''s confirmation, pre-arrival, modification, cancellation and check-out messages.';
--! EndIncluded operations/app_private.tg_reservations__notify.sql

create type app_public.group_room as (
  rate_plan_id uuid,
  adults integer,
  children integer,
  guest_name text
);
comment on type app_public.group_room is E'One room of a group: its rate plan (so its room type), guests, and optionally who sleeps in it.';
create type app_public.group_quote_room as (
  room_no integer,
  guest_name text,
  quote app_public.quote
);
comment on type app_public.group_quote_room is E'One room of a group quote: its place, its guest''s name and its priced stay.';
create type app_public.group_quote as (
  property_id uuid,
  arrival date,
  departure date,
  nights integer,
  currency character(3),
  room_amount bigint,
  fees_amount bigint,
  taxes_amount bigint,
  total_amount bigint,
  rooms app_public.group_quote_room[],
  valid_until timestamptz,
  quote_token text
);
comment on type app_public.group_quote is E'Several rooms of one stay priced together: each room''s quote and the sums. Hold them all with createGroupHold(quoteToken).';
create type app_public.group_hold as (
  booking_group_id uuid,
  property_id uuid,
  group_code text,
  expires_at timestamptz,
  currency character(3),
  total_amount bigint,
  reservation_ids uuid[],
  hold_token text
);
comment on type app_public.group_hold is E'All the rooms of a group quote, held until expires_at; confirm them with confirmGroup.';
comment on column app_public.group_hold.hold_token is E'Proof of having made this group hold: give it to confirmGroup. Keep it secret; it is shown once.';
create type app_public.room_combination as (
  rank integer,
  rooms app_public.group_room[],
  room_type_names text[],
  capacity integer,
  currency character(3),
  total_amount bigint
);
comment on type app_public.room_combination is E'A way to sleep a party in several rooms: the rooms (rate plan and guests each, ready for quoteGroup), their room types, the beds they give and the price.';

--! Included booking/app_public.booking_groups_total_amount.sql
-- A booking group's total: what its rooms cost now (each room's locked
-- total; a cancelled or no-show room its penalty), in the property's
-- currency. Derived from the rooms, so a change or cancellation of one room
-- keeps it right.
create or replace function app_public.booking_groups_total_amount(g app_public.booking_groups) returns bigint
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(sum(case when r.status in ('cancelled', 'no_show') then coalesce(r.penalty_amount, 0) else r.total_amount end), 0)::bigint
    from app_public.reservations r
   where r.property_id = g.property_id and r.group_id = g.id;
$$;
comment on function app_public.booking_groups_total_amount(app_public.booking_groups) is
  E'What the group''s rooms cost now: each room''s total, or its penalty once cancelled or a no-show (minor units of the property''s currency).';
--! EndIncluded booking/app_public.booking_groups_total_amount.sql
--! Included booking/app_private.lock_booking_group.sql
-- Locks a booking group for a change by the caller, then its rooms (in
-- room order, the reservation rows first as every change does). The
-- property's staff of one of the roles, the signed-in guest who made it, or
-- the holder of the group's token may; anyone else gets NTFND, as if it did
-- not exist.
create or replace function app_private.lock_booking_group(booking_group_id uuid, roles app_public.staff_role[], what text)
  returns app_public.booking_groups
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_group app_public.booking_groups;
begin
  select * into v_group from app_public.booking_groups g where g.id = lock_booking_group.booking_group_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such booking group, or you cannot see it.';
  end if;
  if not (v_group.id = app_hidden.current_booking_group_id()
          or (v_group.user_id is not null and v_group.user_id = app_hidden.current_user_id())) then
    perform app_private.require_staff(v_group.property_id, roles, what);
  end if;
  perform 1 from app_public.reservations r
   where r.property_id = v_group.property_id and r.group_id = v_group.id
   order by r.room_no
     for update;
  return v_group;
end;
$$;
comment on function app_private.lock_booking_group(uuid, app_public.staff_role[], text) is
  E'Locks a booking group and its rooms FOR UPDATE after checking the caller may change it (NOT_FOUND, ACCESS_DENIED).';
--! EndIncluded booking/app_private.lock_booking_group.sql
--! Included booking/app_public.quote_group.sql
-- A group quote: several rooms of one stay (each a rate plan, its guests
-- and optionally who sleeps there) priced at once, each by app_public.quote
-- with its rules, plus the sums. The rooms are counted together: two rooms
-- of a room type need two units left on every night (SOLD_OUT names the
-- first room that does not fit). Each error names its room ("Room 2: …").
-- The quote_token (valid 30 minutes) holds every room's own signed quote,
-- signed again as a whole; createGroupHold holds all of them or none. A
-- pure read, like quote.
create or replace function app_public.quote_group(
  rooms app_public.group_room[],
  arrival date,
  departure date
) returns app_public.group_quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_room app_public.group_room;
  v_n integer := 0;
  v_quote app_public.quote;
  v_rooms app_public.group_quote_room[] := '{}';
  v_group app_public.group_quote;
  v_state text;
  v_message text;
  v_hint text;
  v_over record;
  v_payload text;
begin
  if rooms is null or pg_catalog.cardinality(rooms) not between 1 and 20 then
    raise exception using errcode = 'INVLD', message = 'A group books 1 to 20 rooms.';
  end if;
  foreach v_room in array rooms loop
    v_n := v_n + 1;
    if v_room.rate_plan_id is null then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Room %s: choose a rate plan.', v_n);
    end if;
    if pg_catalog.length(pg_catalog.btrim(v_room.guest_name)) not between 1 and 200 then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Room %s: a guest''s name has 1 to 200 characters.', v_n);
    end if;
    begin
      v_quote := app_public.quote(v_room.rate_plan_id, arrival, departure, v_room.adults, coalesce(v_room.children, 0));
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_hint = pg_exception_hint;
      raise exception using errcode = v_state, message = pg_catalog.format('Room %s: %s', v_n, v_message), hint = v_hint;
    end;
    if v_n > 1 and v_quote.property_id <> v_rooms[1].quote.property_id then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Room %s: all the rooms of a group are at one property.', v_n);
    end if;
    v_rooms := v_rooms || (v_n, nullif(pg_catalog.btrim(v_room.guest_name), ''), v_quote)::app_public.group_quote_room;
  end loop;

  -- The rooms of one room type together need that many units left.
  select x.room_no, rt.name, (x.quote).units_left as units_left into v_over
    from (select r.room_no, r.quote,
                 pg_catalog.row_number() over (partition by (r.quote).room_type_id order by r.room_no) as nth
            from pg_catalog.unnest(v_rooms) r) x
    join app_public.room_types rt on rt.id = (x.quote).room_type_id
   where x.nth > (x.quote).units_left
   order by x.room_no
   limit 1;
  if found then
    raise exception using errcode = 'SOLDO', hint = 'room ' || v_over.room_no,
      message = pg_catalog.format('Room %s (%s): only %s unit%s of this room type %s left for these dates.', v_over.room_no, v_over.name,
                                  v_over.units_left, case when v_over.units_left = 1 then '' else 's' end,
                                  case when v_over.units_left = 1 then 'is' else 'are' end);
  end if;

  select (v_rooms[1].quote).property_id, arrival, departure, departure - arrival, (v_rooms[1].quote).currency,
         sum((r.quote).room_amount), sum((r.quote).fees_amount), sum((r.quote).taxes_amount), sum((r.quote).total_amount),
         v_rooms, min((r.quote).valid_until), null
    into v_group
    from pg_catalog.unnest(v_rooms) r;
  v_payload := pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(pg_catalog.jsonb_build_object(
                 'kind', 'group', 'property_id', v_group.property_id, 'valid_until', v_group.valid_until,
                 'rooms', (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('quote_token', (r.quote).quote_token, 'guest_name', r.guest_name,
                                                                                     'room_type', rt.name)
                                                       order by r.room_no)
                             from pg_catalog.unnest(v_rooms) r
                             join app_public.room_types rt on rt.id = (r.quote).room_type_id))::text, 'UTF8'), 'base64'),
               E'+/=\n', '-_');
  v_group.quote_token := v_payload || '.' || app_private.sign(v_payload);
  return v_group;
end;
$$;
comment on function app_public.quote_group(app_public.group_room[], date, date) is
  E'Prices several rooms of one stay together (1 to 20: a rate plan, adults, children and optionally a guest name each): each room''s quote and the sums, with a quote_token for createGroupHold valid 30 minutes. Errors name the room: INVALID_INPUT, NOT_FOUND, DATES, GUEST, RESTRICTED, SOLD_OUT (the rooms of one type are counted together).';
--! EndIncluded booking/app_public.quote_group.sql
--! Included booking/app_public.create_hold.sql
-- Holds a unit for a quoted stay, for `minutes` (default 10, at most 30),
-- at the quoted price. The quote token is verified (QUOTE) and must still be
-- valid (QTEXP). A free unit of the room type is claimed (SOLD_OUT when none
-- is left); the claim and the held reservation are one transaction.
create or replace function app_public.create_hold(
  quote_token text,
  idempotency_key text,
  minutes integer default 10
) returns app_public.hold
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_parts text[] := pg_catalog.string_to_array(quote_token, '.');
  v_quote app_public.quote;
  v_id uuid := gen_random_uuid();
  v_claim app_public.inventory_claims;
  v_hold app_public.hold;
begin
  if pg_catalog.array_length(v_parts, 1) is distinct from 2 or app_private.sign(v_parts[1]) is distinct from v_parts[2] then
    raise exception using errcode = 'QUOTE', message = 'This quote token is not valid; get a new quote.';
  end if;
  v_replay := app_private.idempotency_begin('create_hold', idempotency_key,
                pg_catalog.jsonb_build_object('quote_token', quote_token, 'minutes', minutes));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.hold, v_replay);
  end if;

  v_quote := pg_catalog.jsonb_populate_record(null::app_public.quote,
    pg_catalog.convert_from(pg_catalog.decode(
      pg_catalog.rpad(pg_catalog.translate(v_parts[1], '-_', '+/'), ((pg_catalog.length(v_parts[1]) + 3) / 4) * 4, '='),
      'base64'), 'UTF8')::jsonb);
  if v_quote.rate_plan_id is null then
    -- Signed by the database but not a room's quote (a group quote's token).
    raise exception using errcode = 'QUOTE', message = 'This is not a quote token of one room; get a new quote.';
  end if;
  if minutes is null or minutes not between 1 and 30 then
    raise exception using errcode = 'INVLD', message = 'A hold lasts 1 to 30 minutes.';
  end if;
  if v_quote.valid_until < pg_catalog.now() then
    raise exception using errcode = 'QTEXP',
      message = pg_catalog.format('This quote expired at %s; get a new quote.', v_quote.valid_until);
  end if;
  perform app_private.check_stay(v_quote.property_id, v_quote.arrival, v_quote.departure, v_quote.adults, v_quote.children);

  -- The claim first (its reservation key is checked at commit), so the
  -- reservation is written once, with its unit.
  v_claim := app_private.claim_unit(v_quote.property_id, v_quote.room_type_id,
                                    pg_catalog.daterange(v_quote.arrival, v_quote.departure), 'hold',
                                    reservation_id => v_id,
                                    expires_at => pg_catalog.now() + pg_catalog.make_interval(mins => minutes));
  if v_claim.id is null then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates any more.';
  end if;

  insert into app_public.reservations (
    id, property_id, room_type_id, rate_plan_id, unit_id, user_id, status, stay, adults, children, currency,
    room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, hold_expires_at
  ) values (
    v_id, v_quote.property_id, v_quote.room_type_id, v_quote.rate_plan_id, v_claim.unit_id, app_private.booking_user_id(v_quote.property_id),
    'held', pg_catalog.daterange(v_quote.arrival, v_quote.departure), v_quote.adults, v_quote.children, v_quote.currency,
    v_quote.room_amount, v_quote.fees_amount, v_quote.taxes_amount, v_quote.total_amount,
    pg_catalog.to_jsonb(v_quote.lines),
    pg_catalog.jsonb_build_object(
      'is_refundable', v_quote.is_refundable,
      'free_cancellation_until', v_quote.free_cancellation_until,
      'late_cancellation_penalty', v_quote.late_cancellation_penalty,
      'terms', v_quote.cancellation_terms),
    v_claim.expires_at
  );

  v_hold := (v_id, v_quote.property_id, v_claim.expires_at, v_quote.currency, v_quote.total_amount,
             app_private.sign('hold:' || v_id))::app_public.hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_hold));
  return v_hold;
end;
$$;
comment on function app_public.create_hold(text, text, integer) is
  E'Holds a free unit for a quoted stay at the quoted price for `minutes` (default 10, 1 to 30). Errors: QUOTE_INVALID, QUOTE_EXPIRED, DATES, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.create_hold.sql
--! Included booking/app_public.create_group_hold.sql
-- Holds every room of a group quote, or none: one booking group (with its
-- group code) and a held reservation per room, each made by
-- app_public.create_hold from the room's own signed quote (its price, its
-- claim and the allocator's rules), in one transaction. When any room
-- cannot be claimed the whole call fails and nothing is held: SOLD_OUT
-- naming the room. The group's name is optional (e.g. "Smith wedding").
-- Returns the rooms' reservations and a hold token for confirmGroup.
create or replace function app_public.create_group_hold(
  quote_token text,
  idempotency_key text,
  name text default null,
  minutes integer default 10
) returns app_public.group_hold
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_parts text[] := pg_catalog.string_to_array(quote_token, '.');
  v_payload jsonb;
  v_group app_public.booking_groups;
  v_room record;
  v_hold app_public.hold;
  v_ids uuid[] := '{}';
  v_expires timestamptz;
  v_total bigint := 0;
  v_currency character(3);
  v_state text;
  v_message text;
  v_hint text;
  v_result app_public.group_hold;
begin
  if pg_catalog.array_length(v_parts, 1) is distinct from 2 or app_private.sign(v_parts[1]) is distinct from v_parts[2] then
    raise exception using errcode = 'QUOTE', message = 'This quote token is not valid; get a new quote.';
  end if;
  v_replay := app_private.idempotency_begin('create_group_hold', idempotency_key,
                pg_catalog.jsonb_build_object('quote_token', quote_token, 'name', name, 'minutes', minutes));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.group_hold, v_replay);
  end if;
  v_payload := pg_catalog.convert_from(pg_catalog.decode(
      pg_catalog.rpad(pg_catalog.translate(v_parts[1], '-_', '+/'), ((pg_catalog.length(v_parts[1]) + 3) / 4) * 4, '='),
      'base64'), 'UTF8')::jsonb;
  if v_payload ->> 'kind' is distinct from 'group' then
    raise exception using errcode = 'QUOTE', message = 'This is not a group quote token; get a group quote.';
  end if;
  if (v_payload ->> 'valid_until')::timestamptz < pg_catalog.now() then
    raise exception using errcode = 'QTEXP',
      message = pg_catalog.format('This quote expired at %s; get a new quote.', v_payload ->> 'valid_until');
  end if;
  if pg_catalog.length(pg_catalog.btrim(name)) not between 1 and 200 then
    raise exception using errcode = 'INVLD', message = 'A group''s name has 1 to 200 characters.';
  end if;

  loop
    begin
      insert into app_public.booking_groups (property_id, group_code, name, user_id, channel)
      values ((v_payload ->> 'property_id')::uuid, 'G-' || app_private.new_confirmation_code(), nullif(pg_catalog.btrim(name), ''),
              app_private.booking_user_id((v_payload ->> 'property_id')::uuid),
              case when (v_payload ->> 'property_id')::uuid in (select app_hidden.current_property_ids_for('front_office'))
                   then 'front_desk' else 'web' end)
      returning * into v_group;
      exit;
    exception when unique_violation then
      -- The code is taken at this property; draw another.
    end;
  end loop;

  -- Room by room, in the quote's order; any failure rolls back them all.
  for v_room in
    select x.n::integer as room_no, x.r ->> 'quote_token' as token, x.r ->> 'guest_name' as guest_name,
           x.r ->> 'room_type' as room_type
      from pg_catalog.jsonb_array_elements(v_payload -> 'rooms') with ordinality x(r, n)
     order by x.n
  loop
    begin
      v_hold := app_public.create_hold(v_room.token, 'group-hold:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no, minutes);
    exception
      when sqlstate 'SOLDO' then
        raise exception using errcode = 'SOLDO', hint = 'room ' || v_room.room_no,
          message = pg_catalog.format('Room %s (%s): no unit of this room type is free for these dates any more, so none of the rooms is held.',
                                      v_room.room_no, v_room.room_type);
      when others then
        get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_hint = pg_exception_hint;
        raise exception using errcode = v_state, message = pg_catalog.format('Room %s: %s', v_room.room_no, v_message), hint = v_hint;
    end;
    update app_public.reservations r
       set group_id = v_group.id, room_no = v_room.room_no, guest_name = v_room.guest_name
     where r.id = v_hold.reservation_id;
    v_ids := v_ids || v_hold.reservation_id;
    v_expires := least(v_expires, v_hold.expires_at);
    v_total := v_total + v_hold.total_amount;
    v_currency := v_hold.currency;
  end loop;

  v_result := (v_group.id, v_group.property_id, v_group.group_code, v_expires, v_currency, v_total, v_ids,
               app_private.sign('group:' || v_group.id))::app_public.group_hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_result));
  return v_result;
end;
$$;
comment on function app_public.create_group_hold(text, text, text, integer) is
  E'Holds every room of a group quote for `minutes` (default 10, 1 to 30), or none: a booking group with its code and a held reservation per room, at the quoted prices. Optional name (1 to 200 characters). Errors: QUOTE_INVALID, QUOTE_EXPIRED, INVALID_INPUT, DATES, SOLD_OUT (naming the room; nothing is held), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.create_group_hold.sql
--! Included booking/app_public.confirm_group.sql
-- Confirms every room of a group hold in one call: each room by
-- app_public.confirm_booking (its confirmation code, its folio charged at
-- the locked price, its payments scheduled by its rate plan's deposit
-- rules), the booker's contact on the group and on each room; returns each
-- room's booking, in room order. The guest is
-- told once: the group's confirmation goes with its first room. Whoever
-- made the group hold confirms it: the caller gives its hold token, or is
-- the signed-in guest who made it, or is front-office staff of the
-- property; anyone else gets NTFND. Any room that cannot be confirmed
-- (its hold expired and its nights were taken: HOLD_EXPIRED) fails the
-- whole call, naming the room, and nothing is confirmed.
create or replace function app_public.confirm_group(
  booking_group_id uuid,
  idempotency_key text,
  full_name text,
  email text,
  phone text default null,
  special_requests text default null,
  hold_token text default null
) returns setof app_public.booking
  language plpgsql volatile security definer rows 3
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_group app_public.booking_groups;
  v_room app_public.reservations;
  v_state text;
  v_message text;
  v_hint text;
begin
  v_replay := app_private.idempotency_begin('confirm_group', idempotency_key, pg_catalog.jsonb_build_object(
    'booking_group_id', booking_group_id, 'full_name', full_name, 'email', email, 'phone', phone,
    'special_requests', special_requests));
  if v_replay is not null then
    return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking, v_replay);
    return;
  end if;

  select * into v_group from app_public.booking_groups g where g.id = confirm_group.booking_group_id for update;
  if not found
     or not (v_group.property_id in (select app_hidden.current_property_ids_for('front_office'))
             or coalesce(v_group.user_id = app_hidden.current_user_id(), false)
             or coalesce(confirm_group.hold_token = app_private.sign('group:' || v_group.id), false)) then
    raise exception using errcode = 'NTFND', message = 'No such group hold.';
  end if;

  for v_room in
    select * from app_public.reservations r
     where r.property_id = v_group.property_id and r.group_id = v_group.id
     order by r.room_no
  loop
    begin
      perform app_public.confirm_booking(v_room.id, 'group-confirm:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no,
                                         full_name, email, phone, special_requests, app_private.sign('hold:' || v_room.id));
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_hint = pg_exception_hint;
      raise exception using errcode = v_state, message = pg_catalog.format('Room %s: %s', v_room.room_no, v_message), hint = v_hint;
    end;
  end loop;

  update app_public.booking_groups g
     set contact_name = pg_catalog.btrim(confirm_group.full_name),
         contact_email = nullif(pg_catalog.btrim(confirm_group.email), '')::public.citext,
         contact_phone = confirm_group.phone,
         confirmed_at = pg_catalog.now()
   where g.id = v_group.id;

  return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking,
    app_private.idempotency_finish(idempotency_key, (
      select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(app_private.booking_of(r)) order by r.room_no)
        from app_public.reservations r
       where r.property_id = v_group.property_id and r.group_id = v_group.id)));
end;
$$;
comment on function app_public.confirm_group(uuid, text, text, text, text, text, text) is
  E'Confirms every room of a group hold for the booker (name, email, optional phone and requests; the property''s front office may leave the email out): each room gets its confirmation code, its folio and its payments by its rate plan; one confirmation message for the group. Returns each room''s booking, in room order. Give the hold token createGroupHold returned (not needed by the signed-in guest who made it or by the front office). Errors (naming the room): NOT_FOUND, INVALID_TRANSITION, HOLD_EXPIRED, INVALID_EMAIL, INVALID_NAME, INVALID_PHONE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.confirm_group.sql
--! Included booking/app_public.cancel_group.sql
-- Cancels every room of a booking group that is held or confirmed, each by
-- app_public.cancel_reservation: its own rate plan's cancellation terms, its
-- penalty on its own folio, its unit released, its refund started. Rooms
-- already cancelled are left as they are; a room in house, checked out or a
-- no-show makes the whole call fail (INVALID_TRANSITION naming the room)
-- and nothing is cancelled: cancel the other rooms one by one
-- (cancelReservation). Returns each room's booking, in room order.
-- Front-office staff, the signed-in guest who made
-- the group, or the holder of the group's token.
create or replace function app_public.cancel_group(
  booking_group_id uuid,
  idempotency_key text,
  reason text default null
) returns setof app_public.booking
  language plpgsql volatile security definer rows 3
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_group app_public.booking_groups;
  v_room app_public.reservations;
  v_state text;
  v_message text;
  v_hint text;
begin
  v_replay := app_private.idempotency_begin('cancel_group', idempotency_key,
                pg_catalog.jsonb_build_object('booking_group_id', booking_group_id, 'reason', reason));
  if v_replay is not null then
    return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking, v_replay);
    return;
  end if;
  v_group := app_private.lock_booking_group(cancel_group.booking_group_id, app_hidden.staff_group_roles('front_office'), 'cancel reservations');
  if not exists (select 1 from app_public.reservations r
                  where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status in ('held', 'confirmed')) then
    raise exception using errcode = 'TRANS', message = 'No room of this group is held or booked: there is nothing to cancel.';
  end if;
  for v_room in
    select * from app_public.reservations r
     where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status <> 'cancelled'
     order by r.room_no
  loop
    begin
      perform app_public.cancel_reservation(v_room.id, 'group-cancel:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no, reason);
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_hint = pg_exception_hint;
      raise exception using errcode = v_state, message = pg_catalog.format('Room %s: %s', v_room.room_no, v_message), hint = v_hint;
    end;
  end loop;
  return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking,
    app_private.idempotency_finish(idempotency_key, (
      select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(app_private.booking_of(r)) order by r.room_no)
        from app_public.reservations r
       where r.property_id = v_group.property_id and r.group_id = v_group.id)));
end;
$$;
comment on function app_public.cancel_group(uuid, text, text) is
  E'Cancels every held or confirmed room of a booking group, each under its own rate plan''s terms (penalty on its folio, refund of the rest); rooms already cancelled are left alone. Returns each room''s booking, in room order. Front office, the guest who made it (signed in) or the group''s token. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (naming the room; nothing is cancelled), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.cancel_group.sql
--! Included booking/app_public.set_room_guest_name.sql
-- The rooming list: who sleeps in a room (a held, confirmed or in-house
-- stay). Null clears it (the booker's name stands). Front-office staff,
-- the guest who booked it (signed in or with its booking or group token).
create or replace function app_public.set_room_guest_name(reservation_id uuid, guest_name text)
  returns app_public.reservations
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
begin
  v_res := app_private.lock_reservation(set_room_guest_name.reservation_id, app_hidden.staff_group_roles('front_office'), 'rename the guests of rooms', true);
  if v_res.status not in ('held', 'confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'given a guest name');
  end if;
  if pg_catalog.length(pg_catalog.btrim(guest_name)) > 200 then
    raise exception using errcode = 'INVLD', message = 'A guest''s name has at most 200 characters.';
  end if;
  update app_public.reservations r
     set guest_name = nullif(pg_catalog.btrim(set_room_guest_name.guest_name), '')
   where r.id = v_res.id
  returning * into v_res;
  return v_res;
end;
$$;
comment on function app_public.set_room_guest_name(uuid, text) is
  E'Sets who sleeps in a room (the rooming list of a group; any held, confirmed or in-house stay), or clears it with null. Front office, or the guest who booked it. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';
--! EndIncluded booking/app_public.set_room_guest_name.sql
--! Included booking/app_public.room_combinations.sql
-- Room combinations for a party: the cheapest ways to sleep adults and
-- children in up to max_rooms rooms of the property for a stay, ranked by
-- price (then fewer rooms). Each combination is minimal (without its
-- smallest room the party would not fit by the room types' max occupancy),
-- uses no more rooms of a type than it has units left on every night, and
-- gives every room at least one adult. The party is spread over the rooms
-- largest first: one adult each, then the other adults, then the children,
-- each room filled to its occupancy before the next. Each room is priced on
-- the cheapest rate plan of its type that sells that stay and occupancy (no
-- restriction), as quote would price it; a room with no such plan drops the
-- combination. Each combination's rooms go as they are to quoteGroup.
-- Published rooms and plans (and all of them for the property's staff).
create or replace function app_public.room_combinations(
  property_id uuid,
  arrival date,
  departure date,
  adults integer,
  children integer default 0,
  max_rooms integer default 4,
  max_results integer default 5
) returns setof app_public.room_combination
  language plpgsql stable security definer rows 5
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_member boolean := room_combinations.property_id in (select app_hidden.current_property_ids());
  v_party integer;
  v_combo record;
  v_caps integer[];
  v_adults integer[];
  v_children integer[];
  v_left integer;
  v_take integer;
  v_rooms app_public.group_room[];
  v_total bigint;
  v_price record;
  v_key text;
  v_prices jsonb := '{}';
  v_results app_public.room_combination[] := '{}';
  v_currency character(3);
  i integer;
begin
  if max_rooms is null or max_rooms not between 1 and 10 or max_results is null or max_results not between 1 and 20 then
    raise exception using errcode = 'INVLD', message = 'Ask for combinations of 1 to 10 rooms, and 1 to 20 of them.';
  end if;
  children := coalesce(children, 0);
  if not exists (select 1 from app_public.properties p where p.id = room_combinations.property_id and (p.is_published or v_member)) then
    raise exception using errcode = 'NTFND', message = 'No such property.';
  end if;
  perform app_private.check_stay(room_combinations.property_id, arrival, departure, adults, children);
  v_party := adults + children;
  select p.currency into v_currency from app_public.properties p where p.id = room_combinations.property_id;

  for v_combo in
    with recursive types as (
      select rt.id, rt.name, rt.max_occupancy, l.units_left,
             pg_catalog.row_number() over (order by rt.max_occupancy desc, rt.id) as i
        from app_public.room_types rt
        join app_private.room_type_units_left(array[room_combinations.property_id],
                                              pg_catalog.daterange(room_combinations.arrival, room_combinations.departure)) l
          on l.room_type_id = rt.id
       where rt.property_id = room_combinations.property_id and (rt.is_published or v_member) and l.units_left > 0
    ),
    combos as (
      select t.i as last_i, array[t.i] as picks, 1 as rooms, t.max_occupancy as capacity from types t
      union all
      select t.i, c.picks || t.i, c.rooms + 1, c.capacity + t.max_occupancy
        from combos c
        join types t on t.i >= c.last_i
       where c.rooms < room_combinations.max_rooms and c.capacity < v_party
         and (select count(*) from pg_catalog.unnest(c.picks) p where p = t.i) < t.units_left
    )
    select c.rooms, c.capacity,
           array(select t.id from pg_catalog.unnest(c.picks) with ordinality p(i, n) join types t on t.i = p.i order by p.n) as type_ids,
           array(select t.name from pg_catalog.unnest(c.picks) with ordinality p(i, n) join types t on t.i = p.i order by p.n) as type_names,
           array(select t.max_occupancy from pg_catalog.unnest(c.picks) with ordinality p(i, n) join types t on t.i = p.i order by p.n) as caps
      from combos c
     where c.capacity >= v_party and c.rooms <= room_combinations.adults
     order by c.rooms, c.capacity
     limit 50
  loop
    -- Spread the party: one adult a room, then adults, then children.
    v_caps := v_combo.caps;
    v_adults := array_fill(1, array[v_combo.rooms]);
    v_children := array_fill(0, array[v_combo.rooms]);
    v_left := adults - v_combo.rooms;
    for i in 1..v_combo.rooms loop
      v_take := least(v_left, v_caps[i] - v_adults[i]);
      v_adults[i] := v_adults[i] + v_take;
      v_left := v_left - v_take;
    end loop;
    v_left := children;
    for i in 1..v_combo.rooms loop
      v_take := least(v_left, v_caps[i] - v_adults[i]);
      v_children[i] := v_take;
      v_left := v_left - v_take;
    end loop;

    v_rooms := '{}';
    v_total := 0;
    for i in 1..v_combo.rooms loop
      -- The cheapest plan of a room type for an occupancy, priced once per call.
      v_key := v_combo.type_ids[i] || ':' || v_adults[i] || ':' || v_children[i];
      if not v_prices ? v_key then
        select rp.id, (app_private.quote_for(rp.id, arrival, departure, v_adults[i], v_children[i])).total_amount as total
          into v_price
          from app_public.rate_plans rp
         where rp.property_id = room_combinations.property_id and rp.room_type_id = v_combo.type_ids[i]
           and (rp.is_published or v_member)
           and not exists (select 1 from app_private.stay_restrictions(array[rp.id], arrival, departure, v_adults[i], v_children[i]) s
                            where s.restriction is not null)
         order by 2, rp.id
         limit 1;
        v_prices := v_prices || pg_catalog.jsonb_build_object(v_key, case when found then pg_catalog.jsonb_build_object('id', v_price.id, 'total', v_price.total) end);
      end if;
      if v_prices -> v_key = 'null'::jsonb then
        v_total := null;
        exit;
      end if;
      v_rooms := v_rooms || ((v_prices -> v_key ->> 'id')::uuid, v_adults[i], v_children[i], null)::app_public.group_room;
      v_total := v_total + (v_prices -> v_key ->> 'total')::bigint;
    end loop;
    if v_total is not null then
      v_results := v_results || (null, v_rooms, v_combo.type_names, v_combo.capacity, v_currency, v_total)::app_public.room_combination;
    end if;
  end loop;

  return query
    select (pg_catalog.row_number() over (order by r.total_amount, pg_catalog.cardinality(r.rooms)))::integer,
           r.rooms, r.room_type_names, r.capacity, r.currency, r.total_amount
      from pg_catalog.unnest(v_results) r
     order by r.total_amount, pg_catalog.cardinality(r.rooms)
     limit room_combinations.max_results;
end;
$$;
comment on function app_public.room_combinations(uuid, date, date, integer, integer, integer, integer) is
  E'The cheapest ways (ranked, at most max_results of 1 to 20) to sleep a party in up to max_rooms rooms (1 to 10, default 4) of a property for a stay: minimal combinations of room types with units left, fitting by max occupancy, one adult at least per room, each room on its cheapest plan that sells the stay. Each combination''s rooms go to quoteGroup. Errors: INVALID_INPUT, NOT_FOUND, DATES, GUEST.';
--! EndIncluded booking/app_public.room_combinations.sql

grant execute on function app_public.booking_groups_total_amount(app_public.booking_groups) to keepr_anonymous;
grant execute on function app_public.quote_group(app_public.group_room[], date, date) to keepr_anonymous;
grant execute on function app_public.create_group_hold(text, text, text, integer) to keepr_anonymous;
grant execute on function app_public.confirm_group(uuid, text, text, text, text, text, text) to keepr_anonymous;
grant execute on function app_public.cancel_group(uuid, text, text) to keepr_anonymous;
grant execute on function app_public.set_room_guest_name(uuid, text) to keepr_anonymous;
grant execute on function app_public.room_combinations(uuid, date, date, integer, integer, integer, integer) to keepr_anonymous;
