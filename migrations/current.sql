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
--! include access/app_hidden.current_booking_group_id.sql
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

--! include access/app_private.create_session.sql
--! include access/app_public.lookup_booking.sql
--! include common/app_hidden.current_actor_scope.sql
--! include booking/app_private.lock_reservation.sql
--! include operations/app_private.tg_reservations__notify.sql

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

--! include booking/app_public.booking_groups_total_amount.sql
--! include booking/app_private.lock_booking_group.sql
--! include booking/app_public.quote_group.sql
--! include booking/app_public.create_hold.sql
--! include booking/app_public.create_group_hold.sql
--! include booking/app_public.confirm_group.sql
--! include booking/app_public.cancel_group.sql
--! include booking/app_public.set_room_guest_name.sql
--! include booking/app_public.room_combinations.sql

grant execute on function app_public.booking_groups_total_amount(app_public.booking_groups) to keepr_anonymous;
grant execute on function app_public.quote_group(app_public.group_room[], date, date) to keepr_anonymous;
grant execute on function app_public.create_group_hold(text, text, text, integer) to keepr_anonymous;
grant execute on function app_public.confirm_group(uuid, text, text, text, text, text, text) to keepr_anonymous;
grant execute on function app_public.cancel_group(uuid, text, text) to keepr_anonymous;
grant execute on function app_public.set_room_guest_name(uuid, text) to keepr_anonymous;
grant execute on function app_public.room_combinations(uuid, date, date, integer, integer, integer, integer) to keepr_anonymous;
