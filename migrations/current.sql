-- Booking core: rate plans, the rate calendar, fees and taxes, guests,
-- reservations and inventory claims; search, quote, holds, bookings and
-- their changes, each idempotent and audited.
--
-- Safe to run again and again: everything this migration creates is dropped
-- first, in reverse order.

-- Functions of this migration, whatever their signatures (with the policies
-- on this migration's tables that use them).
do $$
declare
  f regprocedure;
begin
  for f in
    select p.oid::regprocedure
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where (n.nspname, p.proname) in (values
      ('app_hidden', 'current_actor_scope'),
      ('app_hidden', 'current_booking_id'),
      ('app_private', 'booking_of'),
      ('app_private', 'cancellation_penalty'),
      ('app_private', 'check_stay'),
      ('app_private', 'claim_unit'),
      ('app_private', 'free_units'),
      ('app_private', 'idempotency_begin'),
      ('app_private', 'idempotency_finish'),
      ('app_private', 'invalid_transition'),
      ('app_private', 'local_today'),
      ('app_private', 'lock_reservation'),
      ('app_private', 'new_confirmation_code'),
      ('app_private', 'price_lines'),
      ('app_private', 'purge_idempotency_keys'),
      ('app_private', 'quote_for'),
      ('app_private', 'release_expired_holds'),
      ('app_private', 'release_stale_claims'),
      ('app_private', 'require_staff'),
      ('app_private', 'sign'),
      ('app_private', 'stay_restrictions'),
      ('app_public', 'cancel_reservation'),
      ('app_public', 'check_in'),
      ('app_public', 'check_out'),
      ('app_public', 'confirm_booking'),
      ('app_public', 'create_block'),
      ('app_public', 'create_hold'),
      ('app_public', 'lookup_booking'),
      ('app_public', 'mark_no_show'),
      ('app_public', 'modify_reservation'),
      ('app_public', 'move_unit'),
      ('app_public', 'quote'),
      ('app_public', 'release_block'),
      ('app_public', 'reservation_history'),
      ('app_public', 'search_availability'),
      ('app_public', 'set_rates'))
  loop
    execute pg_catalog.format('drop function %s cascade', f);
  end loop;
end;
$$;
drop view if exists reporting.reservations;
drop view if exists reporting.inventory_claims;
drop view if exists reporting.rate_plans;
drop table if exists app_private.idempotency_keys;
drop table if exists app_private.signing_keys;
drop table if exists app_public.inventory_claims;
drop table if exists app_public.reservations;
drop table if exists app_public.guests;
drop table if exists app_public.taxes;
drop table if exists app_public.fees;
drop table if exists app_public.rate_calendar;
drop table if exists app_public.rate_plan_los_discounts;
drop table if exists app_public.rate_plans;
drop type if exists app_public.availability;
drop type if exists app_public.booking;
drop type if exists app_public.hold;
drop type if exists app_public.quote;
drop type if exists app_public.price_line;
drop type if exists app_public.reservation_event;
drop type if exists app_public.claim_kind;
drop type if exists app_public.reservation_status;
drop type if exists app_public.meal_plan;
drop type if exists app_public.fee_basis;
drop type if exists app_public.tax_basis;
drop type if exists app_public.cancellation_penalty_kind;
alter table app_public.properties drop constraint if exists properties_id_currency_key;
alter table app_public.properties drop column if exists check_in_time;
alter table app_public.properties drop column if exists check_out_time;
alter table audit.events drop column if exists reservation_id;
alter type app_public.jwt_token drop attribute if exists reservation_id;

------------------------------------------------------------------------------
-- Properties: check-in/out times (cancellation deadlines are measured from
-- check-in) and a key for "prices are in the property's currency".
------------------------------------------------------------------------------
alter table app_public.properties
  add column check_in_time time not null default '15:00',
  add column check_out_time time not null default '11:00',
  add constraint properties_id_currency_key unique (id, currency);
comment on column app_public.properties.check_in_time is E'Local time guests may check in; cancellation deadlines count back from it.';
comment on column app_public.properties.check_out_time is E'Local time guests check out by.';
grant insert (check_in_time, check_out_time), update (check_in_time, check_out_time) on app_public.properties to keepr_staff;

------------------------------------------------------------------------------
-- Types
------------------------------------------------------------------------------
create type app_public.meal_plan as enum ('room_only', 'breakfast', 'half_board', 'full_board', 'all_inclusive');
create type app_public.cancellation_penalty_kind as enum ('nights', 'percent');
comment on type app_public.cancellation_penalty_kind is E'How a late cancellation is charged: a number of nights, or a percent of the total.';
create type app_public.fee_basis as enum ('per_stay', 'per_night', 'per_guest_night');
create type app_public.tax_basis as enum ('percent_of_room', 'per_night', 'per_person_night');
create type app_public.reservation_status as enum ('held', 'confirmed', 'checked_in', 'checked_out', 'cancelled', 'no_show');
comment on type app_public.reservation_status is E'held → confirmed → checked_in → checked_out, plus cancelled and no_show.';
create type app_public.claim_kind as enum ('hold', 'reservation', 'owner_block', 'maintenance_block', 'ota_block');
comment on type app_public.claim_kind is E'Why a unit is taken for a stay.';

------------------------------------------------------------------------------
-- Rate plans, length-of-stay discounts, the rate calendar
------------------------------------------------------------------------------
create table app_public.rate_plans (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  room_type_id uuid not null,
  name text not null check (pg_catalog.length(name) between 1 and 200),
  description text,
  currency char(3) not null,
  base_price bigint not null check (base_price >= 0),
  included_guests integer not null default 2 check (included_guests between 1 and 50),
  extra_adult_fee bigint not null default 0 check (extra_adult_fee >= 0),
  extra_child_fee bigint not null default 0 check (extra_child_fee >= 0),
  meal_plan app_public.meal_plan not null default 'room_only',
  min_stay integer not null default 1 check (min_stay between 1 and 365),
  max_stay integer check (max_stay between 1 and 365),
  is_refundable boolean not null default true,
  free_cancellation_days integer not null default 1 check (free_cancellation_days between 0 and 365),
  cancellation_penalty_kind app_public.cancellation_penalty_kind not null default 'nights',
  cancellation_penalty_value integer not null default 1 check (cancellation_penalty_value >= 0),
  is_published boolean not null default true,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  unique (property_id, name),
  check (max_stay is null or max_stay >= min_stay),
  check (cancellation_penalty_kind <> 'percent' or cancellation_penalty_value <= 100),
  foreign key (property_id, room_type_id) references app_public.room_types (property_id, id) on delete cascade,
  foreign key (property_id, currency) references app_public.properties (id, currency) on delete cascade
);
comment on table app_public.rate_plans is E'A way to sell a room type: nightly price, included guests, extra-guest fees, meal plan, stay limits and cancellation policy.';
comment on column app_public.rate_plans.base_price is E'Nightly price in minor units for the included guests, unless the rate calendar overrides it.';
comment on column app_public.rate_plans.included_guests is E'Guests the nightly price covers; adults fill these places before children.';
comment on column app_public.rate_plans.extra_adult_fee is E'Per night, for each adult beyond the included guests.';
comment on column app_public.rate_plans.extra_child_fee is E'Per night, for each child beyond the included guests.';
comment on column app_public.rate_plans.min_stay is E'Fewest nights, unless the calendar row of the arrival date says otherwise.';
comment on column app_public.rate_plans.max_stay is E'Most nights (none when null), unless the calendar row of the arrival date says otherwise.';
comment on column app_public.rate_plans.is_refundable is E'False: non-refundable, a cancellation costs the whole stay.';
comment on column app_public.rate_plans.free_cancellation_days is E'Cancelling is free until this many days before arrival (at the property''s check-in time).';
comment on column app_public.rate_plans.cancellation_penalty_value is E'After the free period: nights charged, or percent of the total.';
create index rate_plans_room_type_idx on app_public.rate_plans (property_id, room_type_id);
alter table app_public.rate_plans enable row level security;

create table app_public.rate_plan_los_discounts (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  rate_plan_id uuid not null,
  min_nights integer not null check (min_nights between 2 and 365),
  percent_off numeric(5, 2) not null check (percent_off > 0 and percent_off <= 100),
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, rate_plan_id, min_nights),
  foreign key (property_id, rate_plan_id) references app_public.rate_plans (property_id, id) on delete cascade
);
comment on table app_public.rate_plan_los_discounts is E'Length-of-stay discounts: stays of at least min_nights get percent_off the room total. The largest applicable discount wins.';
alter table app_public.rate_plan_los_discounts enable row level security;

create table app_public.rate_calendar (
  property_id uuid not null,
  rate_plan_id uuid not null,
  date date not null,
  price bigint check (price >= 0),
  min_stay integer check (min_stay between 1 and 365),
  max_stay integer check (max_stay between 1 and 365),
  closed_to_arrival boolean not null default false,
  closed_to_departure boolean not null default false,
  stop_sell boolean not null default false,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  primary key (property_id, rate_plan_id, date),
  check (max_stay is null or min_stay is null or max_stay >= min_stay),
  foreign key (property_id, rate_plan_id) references app_public.rate_plans (property_id, id) on delete cascade
);
comment on table app_public.rate_calendar is E'Per rate plan and date: a price and restrictions overriding the plan''s defaults. min_stay/max_stay/closed_to_arrival apply to the arrival date, closed_to_departure to the departure date, stop_sell to every night.';
comment on column app_public.rate_calendar.price is E'Nightly price in minor units for this date; the plan''s base price when null.';
alter table app_public.rate_calendar enable row level security;

------------------------------------------------------------------------------
-- Fees and taxes
------------------------------------------------------------------------------
create table app_public.fees (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  room_type_id uuid,
  name text not null check (pg_catalog.length(name) between 1 and 200),
  basis app_public.fee_basis not null,
  amount bigint not null check (amount >= 0),
  currency char(3) not null,
  is_active boolean not null default true,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  unique (property_id, name),
  foreign key (property_id, currency) references app_public.properties (id, currency) on delete cascade,
  foreign key (property_id, room_type_id) references app_public.room_types (property_id, id) on delete cascade
);
comment on table app_public.fees is E'A charge added to stays at a property (all room types, or one): per stay, per night or per guest-night.';
create index fees_room_type_idx on app_public.fees (property_id, room_type_id);
alter table app_public.fees enable row level security;

create table app_public.taxes (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  name text not null check (pg_catalog.length(name) between 1 and 200),
  basis app_public.tax_basis not null,
  percent numeric(6, 3) check (percent > 0 and percent <= 100),
  amount bigint check (amount >= 0),
  currency char(3) not null,
  is_inclusive boolean not null default false,
  applies_to_fees boolean not null default false,
  is_active boolean not null default true,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  unique (property_id, name),
  check ((basis = 'percent_of_room') = (percent is not null)),
  check ((basis = 'percent_of_room') = (amount is null)),
  check (not applies_to_fees or basis = 'percent_of_room'),
  foreign key (property_id, currency) references app_public.properties (id, currency) on delete cascade
);
comment on table app_public.taxes is E'A tax on stays at a property: a percent of the room total (and of fees when applies_to_fees), or a fixed amount per night or per person-night. Inclusive taxes are already inside the prices and are shown, not added.';
alter table app_public.taxes enable row level security;

------------------------------------------------------------------------------
-- Guests, reservations, inventory claims
------------------------------------------------------------------------------
create table app_public.guests (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete cascade,
  email public.citext not null check (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' and pg_catalog.length(email) <= 254),
  full_name text not null check (pg_catalog.length(full_name) between 1 and 200),
  phone text check (phone ~ '^\+?[0-9 ()./-]{5,30}$'),
  user_id uuid references app_public.users on delete set null,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  unique (property_id, email)
);
comment on table app_public.guests is E'A guest profile at a property, found or created by email when a booking is confirmed.';
create index guests_user_id_idx on app_public.guests (user_id) where user_id is not null;
alter table app_public.guests enable row level security;

create table app_public.reservations (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete restrict,
  room_type_id uuid not null,
  rate_plan_id uuid not null,
  unit_id uuid,
  guest_id uuid,
  user_id uuid references app_public.users on delete set null,
  confirmation_code text check (confirmation_code ~ '^[A-Z2-9]{8}$'),
  status app_public.reservation_status not null default 'held',
  stay daterange not null check (not pg_catalog.isempty(stay) and pg_catalog.lower_inc(stay) and not pg_catalog.upper_inc(stay)
                                 and not pg_catalog.lower_inf(stay) and not pg_catalog.upper_inf(stay)),
  adults integer not null check (adults between 1 and 50),
  children integer not null default 0 check (children between 0 and 50),
  currency char(3) not null,
  room_amount bigint not null,
  fees_amount bigint not null,
  taxes_amount bigint not null,
  total_amount bigint not null check (total_amount >= 0),
  price_lines jsonb not null,
  cancellation_policy jsonb not null,
  hold_expires_at timestamptz,
  special_requests text check (pg_catalog.length(special_requests) <= 2000),
  confirmed_at timestamptz,
  checked_in_at timestamptz,
  checked_out_at timestamptz,
  cancelled_at timestamptz,
  no_show_at timestamptz,
  cancellation_reason text check (pg_catalog.length(cancellation_reason) <= 500),
  penalty_amount bigint check (penalty_amount >= 0),
  refund_amount bigint check (refund_amount >= 0),
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  unique (property_id, confirmation_code),
  check ((status = 'held') = (hold_expires_at is not null)),
  check (confirmed_at is null or (guest_id is not null and confirmation_code is not null)),
  check (status in ('held', 'cancelled') or confirmed_at is not null),
  check (room_amount + fees_amount + taxes_amount = total_amount),
  foreign key (property_id, room_type_id) references app_public.room_types (property_id, id) on delete restrict,
  foreign key (property_id, rate_plan_id) references app_public.rate_plans (property_id, id) on delete restrict,
  foreign key (property_id, unit_id) references app_public.units (property_id, id) on delete restrict,
  foreign key (property_id, guest_id) references app_public.guests (property_id, id) on delete restrict
);
comment on table app_public.reservations is E'A stay: a hold until confirmed, then a booking with a confirmation code. Its price is locked when the hold is made and re-priced only by modify_reservation.';
comment on column app_public.reservations.stay is E'[arrival, departure) in the property''s local calendar.';
comment on column app_public.reservations.price_lines is E'The locked price: nightly lines, discount, fees and taxes, in minor units.';
comment on column app_public.reservations.cancellation_policy is E'The rate plan''s cancellation terms when the stay was priced, with the deadline as a timestamp.';
comment on column app_public.reservations.taxes_amount is E'Taxes added to the prices (inclusive taxes are inside room_amount and fees_amount).';
comment on column app_public.reservations.penalty_amount is E'What the cancellation policy charged on cancellation or no-show.';
comment on column app_public.reservations.refund_amount is E'total_amount less the penalty, on cancellation.';
create index reservations_room_type_idx on app_public.reservations (property_id, room_type_id);
create index reservations_rate_plan_idx on app_public.reservations (property_id, rate_plan_id);
create index reservations_unit_idx on app_public.reservations (property_id, unit_id, lower(stay));
create index reservations_guest_idx on app_public.reservations (property_id, guest_id);
create index reservations_user_idx on app_public.reservations (user_id) where user_id is not null;
create index reservations_arrival_idx on app_public.reservations (property_id, lower(stay)) where status in ('confirmed', 'checked_in');
create index reservations_confirmation_code_idx on app_public.reservations (confirmation_code) where confirmation_code is not null;
alter table app_public.reservations enable row level security;

create table app_public.inventory_claims (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  unit_id uuid not null,
  stay daterange not null check (not pg_catalog.isempty(stay) and pg_catalog.lower_inc(stay) and not pg_catalog.upper_inc(stay)
                                 and not pg_catalog.lower_inf(stay) and not pg_catalog.upper_inf(stay)),
  kind app_public.claim_kind not null,
  reservation_id uuid,
  expires_at timestamptz,
  released_at timestamptz,
  note text check (pg_catalog.length(note) <= 500),
  created_by uuid references app_public.users on delete set null,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  check ((kind = 'hold') = (expires_at is not null)),
  check ((kind in ('hold', 'reservation')) = (reservation_id is not null)),
  foreign key (property_id, unit_id) references app_public.units (property_id, id) on delete restrict,
  -- Checked at commit, so a hold's claim can be written before its reservation.
  foreign key (property_id, reservation_id) references app_public.reservations (property_id, id)
    on delete restrict deferrable initially deferred,
  -- The only truth about availability: two active claims never overlap on a unit.
  constraint inventory_claims_no_overlap
    exclude using gist (property_id with =, unit_id with =, stay with &&) where (released_at is null)
);
comment on table app_public.inventory_claims is E'Every hold, reservation and block of a unit for a stay. An exclusion constraint keeps active claims on a unit from overlapping; an expired hold is released by whoever needs its nights, so it never blocks anyone.';
comment on column app_public.inventory_claims.expires_at is E'Holds only: after this the claim no longer counts.';
comment on column app_public.inventory_claims.released_at is E'When the claim stopped counting (cancelled, moved, expired, block released).';
create index inventory_claims_reservation_idx on app_public.inventory_claims (property_id, reservation_id) where reservation_id is not null;
create index inventory_claims_expired_holds_idx on app_public.inventory_claims (expires_at) where released_at is null and kind = 'hold';
alter table app_public.inventory_claims enable row level security;

------------------------------------------------------------------------------
-- Internals: idempotency records and signing keys
------------------------------------------------------------------------------
create table app_private.idempotency_keys (
  scope text not null,
  key text not null,
  operation text not null,
  request_hash bytea not null,
  response jsonb,
  created_at timestamptz not null default pg_catalog.now(),
  primary key (scope, key)
);
comment on table app_private.idempotency_keys is E'One row per (caller, idempotency key): the operation, a hash of its parameters and the first answer. Kept at least 24 hours.';
create index idempotency_keys_created_at_idx on app_private.idempotency_keys (created_at);

create table app_private.signing_keys (
  name text primary key,
  secret bytea not null default public.gen_random_bytes(32),
  created_at timestamptz not null default pg_catalog.now()
);
comment on table app_private.signing_keys is E'HMAC keys generated in the database (quote tokens).';
insert into app_private.signing_keys (name) values ('quote');

alter table audit.events add column reservation_id uuid;
create index audit_events_reservation_idx on audit.events (reservation_id, occurred_at) where reservation_id is not null;
alter type app_public.jwt_token add attribute reservation_id uuid;

------------------------------------------------------------------------------
-- Result types of the booking functions
------------------------------------------------------------------------------
create type app_public.price_line as (
  kind text,
  date date,
  description text,
  quantity integer,
  amount bigint,
  is_inclusive boolean
);
comment on type app_public.price_line is E'One line of a price: kind night, discount, fee or tax; amount in minor units; inclusive taxes are shown but not added.';

create type app_public.quote as (
  property_id uuid,
  room_type_id uuid,
  rate_plan_id uuid,
  arrival date,
  departure date,
  nights integer,
  adults integer,
  children integer,
  currency char(3),
  room_amount bigint,
  fees_amount bigint,
  taxes_amount bigint,
  included_taxes_amount bigint,
  total_amount bigint,
  lines app_public.price_line[],
  is_refundable boolean,
  free_cancellation_until timestamptz,
  late_cancellation_penalty bigint,
  cancellation_terms text,
  units_left integer,
  valid_until timestamptz,
  quote_token text
);
comment on type app_public.quote is E'A priced stay. Pass quote_token to createHold before valid_until to book at this price.';

create type app_public.availability as (
  property_id uuid,
  property_name text,
  city text,
  room_type_id uuid,
  room_type_name text,
  max_occupancy integer,
  units_left integer,
  rate_plan_id uuid,
  rate_plan_name text,
  meal_plan app_public.meal_plan,
  is_refundable boolean,
  currency char(3),
  total_amount bigint,
  average_nightly_amount bigint,
  is_bookable boolean,
  restriction text,
  restriction_message text
);
comment on type app_public.availability is E'A rate plan of a room type for a stay: units left and the total price, or why it cannot be booked.';

create type app_public.hold as (
  reservation_id uuid,
  property_id uuid,
  expires_at timestamptz,
  currency char(3),
  total_amount bigint
);
comment on type app_public.hold is E'A unit held for a stay at a locked price until expires_at; confirm it with confirmBooking.';

create type app_public.booking as (
  reservation_id uuid,
  property_id uuid,
  confirmation_code text,
  status app_public.reservation_status,
  arrival date,
  departure date,
  currency char(3),
  total_amount bigint,
  penalty_amount bigint,
  refund_amount bigint
);
comment on type app_public.booking is E'The state of a reservation after a booking operation.';

create type app_public.reservation_event as (
  occurred_at timestamptz,
  table_name text,
  operation text,
  actor_user_id uuid,
  actor_name text,
  actor_role text,
  request_id text,
  old_values jsonb,
  new_values jsonb
);
comment on type app_public.reservation_event is E'One change to a reservation or its claims, from the audit log.';

------------------------------------------------------------------------------
-- Functions
------------------------------------------------------------------------------
--! include app_hidden.current_booking_id.sql
--! include app_hidden.current_actor_scope.sql
--! include audit.tg__record.sql
--! include app_private.local_today.sql
--! include app_private.require_staff.sql
--! include app_private.check_stay.sql
--! include app_private.idempotency_begin.sql
--! include app_private.idempotency_finish.sql
--! include app_private.sign.sql
--! include app_private.free_units.sql
--! include app_private.price_lines.sql
--! include app_private.stay_restrictions.sql
--! include app_private.quote_for.sql
--! include app_private.release_expired_holds.sql
--! include app_private.claim_unit.sql
--! include app_private.new_confirmation_code.sql
--! include app_private.cancellation_penalty.sql
--! include app_private.booking_of.sql
--! include app_private.lock_reservation.sql
--! include app_private.invalid_transition.sql
--! include app_private.release_stale_claims.sql
--! include app_private.purge_idempotency_keys.sql
--! include app_public.set_rates.sql
--! include app_public.search_availability.sql
--! include app_public.quote.sql
--! include app_public.create_hold.sql
--! include app_public.confirm_booking.sql
--! include app_public.lookup_booking.sql
--! include app_public.modify_reservation.sql
--! include app_public.cancel_reservation.sql
--! include app_public.check_in.sql
--! include app_public.check_out.sql
--! include app_public.mark_no_show.sql
--! include app_public.move_unit.sql
--! include app_public.create_block.sql
--! include app_public.release_block.sql
--! include app_public.reservation_history.sql

------------------------------------------------------------------------------
-- Triggers
------------------------------------------------------------------------------
create trigger _100_timestamps before insert or update on app_public.rate_plans for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.rate_plan_los_discounts for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.rate_calendar for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.fees for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.taxes for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.guests for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.reservations for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.inventory_claims for each row execute function app_private.tg__timestamps();

create trigger _500_audit after insert or update or delete on app_public.rate_plans for each row execute function audit.tg__record();
create trigger _500_audit after insert or update or delete on app_public.rate_plan_los_discounts for each row execute function audit.tg__record();
create trigger _500_audit after insert or update or delete on app_public.rate_calendar for each row execute function audit.tg__record();
create trigger _500_audit after insert or update or delete on app_public.fees for each row execute function audit.tg__record();
create trigger _500_audit after insert or update or delete on app_public.taxes for each row execute function audit.tg__record();
create trigger _500_audit after insert or update or delete on app_public.guests for each row execute function audit.tg__record();
create trigger _500_audit after insert or update or delete on app_public.reservations for each row execute function audit.tg__record();
create trigger _500_audit after insert or update or delete on app_public.inventory_claims for each row execute function audit.tg__record();

------------------------------------------------------------------------------
-- Privileges and policies, one table at a time
------------------------------------------------------------------------------
grant execute on function app_hidden.current_booking_id() to keepr_anonymous, keepr_worker;
grant execute on function app_hidden.current_actor_scope() to keepr_anonymous, keepr_worker;

-- rate_plans: published plans of published room types are public; owners and
-- managers manage them.
grant select on app_public.rate_plans to keepr_anonymous;
grant insert (property_id, room_type_id, name, description, currency, base_price, included_guests, extra_adult_fee, extra_child_fee,
              meal_plan, min_stay, max_stay, is_refundable, free_cancellation_days, cancellation_penalty_kind,
              cancellation_penalty_value, is_published),
      update (name, description, base_price, included_guests, extra_adult_fee, extra_child_fee, meal_plan, min_stay, max_stay,
              is_refundable, free_cancellation_days, cancellation_penalty_kind, cancellation_penalty_value, is_published),
      delete on app_public.rate_plans to keepr_staff;
create policy select_published_or_member on app_public.rate_plans for select using (
  (is_published and exists (select 1 from app_public.room_types rt join app_public.properties p on p.id = rt.property_id
                             where rt.id = rate_plans.room_type_id and rt.is_published and p.is_published))
  or property_id in (select app_hidden.current_property_ids())
);
create policy manage_manager on app_public.rate_plans for all to keepr_staff using (
  property_id in (select app_hidden.current_property_ids('{owner,manager}'))
);

-- rate_plan_los_discounts: as their rate plans.
grant select on app_public.rate_plan_los_discounts to keepr_anonymous;
grant insert (property_id, rate_plan_id, min_nights, percent_off), update (min_nights, percent_off), delete
  on app_public.rate_plan_los_discounts to keepr_staff;
create policy select_visible_plan on app_public.rate_plan_los_discounts for select using (
  exists (select 1 from app_public.rate_plans rp where rp.id = rate_plan_los_discounts.rate_plan_id)
);
create policy manage_manager on app_public.rate_plan_los_discounts for all to keepr_staff using (
  property_id in (select app_hidden.current_property_ids('{owner,manager}'))
);

-- rate_calendar: staff read; owners and managers write (set_rates edits ranges).
grant select on app_public.rate_calendar to keepr_staff;
grant insert (property_id, rate_plan_id, date, price, min_stay, max_stay, closed_to_arrival, closed_to_departure, stop_sell),
      update (price, min_stay, max_stay, closed_to_arrival, closed_to_departure, stop_sell),
      delete on app_public.rate_calendar to keepr_staff;
create policy select_member on app_public.rate_calendar for select using (
  property_id in (select app_hidden.current_property_ids())
);
create policy manage_manager on app_public.rate_calendar for all to keepr_staff using (
  property_id in (select app_hidden.current_property_ids('{owner,manager}'))
);

-- fees and taxes: public for published properties (guests see what they pay);
-- owners, managers and accountants manage them.
grant select on app_public.fees, app_public.taxes to keepr_anonymous;
grant insert (property_id, room_type_id, name, basis, amount, currency, is_active),
      update (room_type_id, name, basis, amount, is_active), delete on app_public.fees to keepr_staff;
grant insert (property_id, name, basis, percent, amount, currency, is_inclusive, applies_to_fees, is_active),
      update (name, basis, percent, amount, is_inclusive, applies_to_fees, is_active), delete on app_public.taxes to keepr_staff;
create policy select_published_or_member on app_public.fees for select using (
  exists (select 1 from app_public.properties p where p.id = fees.property_id and p.is_published)
  or property_id in (select app_hidden.current_property_ids())
);
create policy manage_manager on app_public.fees for all to keepr_staff using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant}'))
);
create policy select_published_or_member on app_public.taxes for select using (
  exists (select 1 from app_public.properties p where p.id = taxes.property_id and p.is_published)
  or property_id in (select app_hidden.current_property_ids())
);
create policy manage_manager on app_public.taxes for all to keepr_staff using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant}'))
);

-- guests: staff of the property, the signed-in guest themself, and the
-- holder of a booking token for that booking's guest.
grant select on app_public.guests to keepr_anonymous, keepr_worker;
grant update (full_name, phone) on app_public.guests to keepr_staff;
create policy select_member_self_or_booking on app_public.guests for select using (
  property_id in (select app_hidden.current_property_ids())
  or user_id = (select app_hidden.current_user_id())
  or id = (select r.guest_id from app_public.reservations r where r.id = (select app_hidden.current_booking_id()))
);
create policy update_front_desk on app_public.guests for update to keepr_staff using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,front_desk}'))
);
create policy worker_all on app_public.guests for select to keepr_worker using (true);

-- reservations: staff of the property; the guest who booked while signed in;
-- the holder of that booking's token. Changes go through the functions.
grant select on app_public.reservations to keepr_anonymous, keepr_worker;
grant update (special_requests) on app_public.reservations to keepr_staff;
create policy select_member_self_or_booking on app_public.reservations for select using (
  property_id in (select app_hidden.current_property_ids())
  or user_id = (select app_hidden.current_user_id())
  or id = (select app_hidden.current_booking_id())
);
create policy update_front_desk on app_public.reservations for update to keepr_staff using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,front_desk}'))
);
create policy worker_all on app_public.reservations for select to keepr_worker using (true);

-- inventory_claims: staff of the property only; written by the functions.
grant select on app_public.inventory_claims to keepr_staff, keepr_worker;
create policy select_member on app_public.inventory_claims for select using (
  property_id in (select app_hidden.current_property_ids())
);
create policy worker_all on app_public.inventory_claims for select to keepr_worker using (true);

grant execute on function app_public.search_availability(date, date, integer, integer, uuid, text, text, boolean) to keepr_anonymous;
grant execute on function app_public.quote(uuid, date, date, integer, integer) to keepr_anonymous;
grant execute on function app_public.create_hold(text, text, integer) to keepr_anonymous;
grant execute on function app_public.confirm_booking(uuid, text, text, text, text, text) to keepr_anonymous;
grant execute on function app_public.lookup_booking(text, text) to keepr_anonymous;
grant execute on function app_public.cancel_reservation(uuid, text, text) to keepr_anonymous;
grant execute on function app_public.modify_reservation(uuid, text, date, date, integer, integer, uuid, uuid) to keepr_staff;
grant execute on function app_public.check_in(uuid, text, boolean) to keepr_staff;
grant execute on function app_public.check_out(uuid, text) to keepr_staff;
grant execute on function app_public.mark_no_show(uuid, text) to keepr_staff;
grant execute on function app_public.move_unit(uuid, uuid, text) to keepr_staff;
grant execute on function app_public.create_block(uuid, date, date, app_public.claim_kind, text, text) to keepr_staff;
grant execute on function app_public.release_block(uuid, text) to keepr_staff;
grant execute on function app_public.reservation_history(uuid) to keepr_staff;
grant execute on function app_public.set_rates(uuid, date, date, text, bigint, integer, integer, boolean, boolean, boolean, integer[], boolean) to keepr_staff;
grant execute on function app_private.release_stale_claims() to keepr_worker;
grant execute on function app_private.purge_idempotency_keys() to keepr_worker;
grant usage on schema app_private to keepr_worker;

-- Reporting: reservations and claims for analysts, guest identity left out.
create or replace view reporting.reservations with (security_barrier) as
  select id, property_id, room_type_id, rate_plan_id, unit_id, status, lower(stay) as arrival, upper(stay) as departure,
         upper(stay) - lower(stay) as nights, adults, children, currency, room_amount, fees_amount, taxes_amount, total_amount,
         penalty_amount, refund_amount, created_at, confirmed_at, cancelled_at, checked_in_at, checked_out_at, no_show_at
    from app_public.reservations;
comment on view reporting.reservations is E'Every reservation without guest identity.';
create or replace view reporting.inventory_claims with (security_barrier) as
  select id, property_id, unit_id, lower(stay) as first_night, upper(stay) as departure, kind, reservation_id,
         expires_at, released_at, created_at
    from app_public.inventory_claims;
comment on view reporting.inventory_claims is E'Every claim on a unit: holds, reservations and blocks.';
create or replace view reporting.rate_plans with (security_barrier) as
  select id, property_id, room_type_id, name, currency, base_price, included_guests, meal_plan, is_refundable, is_published, created_at
    from app_public.rate_plans;
comment on view reporting.rate_plans is E'Every rate plan.';
grant select on reporting.reservations, reporting.inventory_claims, reporting.rate_plans to keepr_analyst;
