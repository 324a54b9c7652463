--! Previous: sha1:42a832da6e726a22d4dd414cb0c29c4d7f138132
--! Hash: sha1:cf037cc5049f690a3410b732a7dd82b5a234df57
--! Message: Booking core

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
      ('app_private', 'release_claims'),
      ('app_private', 'require_staff'),
      ('app_private', 'booking_user_id'),
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
      ('app_public', 'set_rates'),
      ('app_public', 'reservations_arrival'),
      ('app_public', 'reservations_departure'),
      ('app_public', 'reservations_nights'),
      ('app_public', 'inventory_claims_start_date'),
      ('app_public', 'inventory_claims_end_date'))
  loop
    execute pg_catalog.format('drop function %s cascade', f);
  end loop;
end;
$$;
drop view if exists reporting.reservations;
drop view if exists reporting.inventory_claims;
drop view if exists reporting.rate_plans;
drop table if exists app_private.lookup_failures;
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
comment on constraint properties_id_currency_key on app_public.properties is E'@behavior -*';
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
-- What search, quote and holds read: the live claims of a property that
-- overlap a stay, answered from the index alone.
create index inventory_claims_live_stay_idx on app_public.inventory_claims
  using gist (property_id, stay) include (unit_id, expires_at) where released_at is null;
create index inventory_claims_expired_holds_idx on app_public.inventory_claims (expires_at) where released_at is null and kind = 'hold';
alter table app_public.inventory_claims enable row level security;

------------------------------------------------------------------------------
-- GraphQL names for the composite (tenant-scoped) foreign keys, which
-- PostGraphile would otherwise call e.g. guestByPropertyIdAndGuestId. The
-- currency keys are integrity only, not relations worth exposing.
------------------------------------------------------------------------------
comment on constraint units_property_id_room_type_id_fkey on app_public.units is E'@fieldName roomType\n@foreignFieldName units';
comment on constraint rate_plans_property_id_room_type_id_fkey on app_public.rate_plans is E'@fieldName roomType\n@foreignFieldName ratePlans';
comment on constraint rate_plan_los_discounts_property_id_rate_plan_id_fkey on app_public.rate_plan_los_discounts is E'@fieldName ratePlan\n@foreignFieldName losDiscounts';
comment on constraint rate_calendar_property_id_rate_plan_id_fkey on app_public.rate_calendar is E'@fieldName ratePlan\n@foreignFieldName calendar';
comment on constraint fees_property_id_room_type_id_fkey on app_public.fees is E'@fieldName roomType\n@foreignFieldName fees';
comment on constraint reservations_property_id_guest_id_fkey on app_public.reservations is E'@fieldName guest\n@foreignFieldName reservations';
comment on constraint reservations_property_id_rate_plan_id_fkey on app_public.reservations is E'@fieldName ratePlan\n@foreignFieldName reservations';
comment on constraint reservations_property_id_room_type_id_fkey on app_public.reservations is E'@fieldName roomType\n@foreignFieldName reservations';
comment on constraint reservations_property_id_unit_id_fkey on app_public.reservations is E'@fieldName unit\n@foreignFieldName reservations';
comment on constraint inventory_claims_property_id_reservation_id_fkey on app_public.inventory_claims is E'@fieldName reservation\n@foreignFieldName inventoryClaims';
comment on constraint inventory_claims_property_id_unit_id_fkey on app_public.inventory_claims is E'@fieldName unit\n@foreignFieldName inventoryClaims';
comment on constraint rate_plans_property_id_currency_fkey on app_public.rate_plans is E'@behavior -*';
comment on constraint fees_property_id_currency_fkey on app_public.fees is E'@behavior -*';
comment on constraint taxes_property_id_currency_fkey on app_public.taxes is E'@behavior -*';

-- The (property_id, id) keys exist for those foreign keys; as lookups they
-- would only repeat xByRowId.
do $$
declare
  c record;
begin
  for c in select conname, conrelid::regclass as rel from pg_catalog.pg_constraint
            where contype = 'u' and connamespace = 'app_public'::regnamespace and conname like '%\_property\_id\_id\_key'
  loop
    execute pg_catalog.format('comment on constraint %I on %s is %L', c.conname, c.rel, '@behavior -*');
  end loop;
end;
$$;

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

create table app_private.lookup_failures (
  id bigint generated always as identity primary key,
  email public.citext not null,
  confirmation_code text not null,
  failed_at timestamptz not null default pg_catalog.now()
);
comment on table app_private.lookup_failures is E'Failed booking lookups (code + email), to throttle guessing. Kept a day.';
create index lookup_failures_email_idx on app_private.lookup_failures (email, failed_at);
create index lookup_failures_code_idx on app_private.lookup_failures (confirmation_code, failed_at);
create index lookup_failures_failed_at_idx on app_private.lookup_failures (failed_at);

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
--! Included app_hidden.current_user_id.sql
-- The signed-in user: only while the session is live (not expired, not
-- revoked by logout), so a stolen token stops working at logout. plpgsql so
-- that anonymous requests (no session claim) return at once and the
-- session lookup's plan is cached: this runs in every policy, audit row and
-- idempotency check.
create or replace function app_hidden.current_user_id() returns uuid
  language plpgsql stable security definer parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_session_id uuid := app_hidden.current_session_id();
begin
  if v_session_id is null then
    return null;
  end if;
  return (
    select s.user_id
      from app_private.sessions s
     where s.id = v_session_id
       and s.revoked_at is null
       and s.expires_at > pg_catalog.now()
  );
end;
$$;
comment on function app_hidden.current_user_id() is
  E'The id of the user whose live session made this request, or null. Policies call it as (select app_hidden.current_user_id()).';
--! EndIncluded app_hidden.current_user_id.sql
--! Included app_hidden.current_booking_id.sql
-- The reservation a booking-scoped token (from lookup_booking) is for, or
-- null. Such tokens carry the claim reservation_id and the anonymous role.
create or replace function app_hidden.current_booking_id() returns uuid
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select nullif(pg_catalog.current_setting('jwt.claims.reservation_id', true), '')::uuid;
$$;
comment on function app_hidden.current_booking_id() is
  E'The reservation id of the request''s booking-scoped token, or null.';
--! EndIncluded app_hidden.current_booking_id.sql
--! Included app_hidden.current_actor_scope.sql
-- Who is calling, as the scope of their idempotency keys: a signed-in user,
-- the holder of a booking token, the worker, or anonymous (one shared scope,
-- which is why keys must be long and random).
create or replace function app_hidden.current_actor_scope() returns text
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(
    'user:' || app_hidden.current_user_id(),
    'booking:' || app_hidden.current_booking_id(),
    case when pg_catalog.current_setting('role', true) = 'keepr_worker' then 'worker' else 'anonymous' end
  );
$$;
comment on function app_hidden.current_actor_scope() is
  E'The caller as an idempotency scope: user:<id>, booking:<id>, worker or anonymous.';
--! EndIncluded app_hidden.current_actor_scope.sql
--! Included audit.tg__record.sql
-- Writes one audit.events row per inserted, updated or deleted row: who
-- (user id from the session), from which request (keepr.request_id set by the
-- API per request) and the old and new values. Rows of a reservation (the
-- reservation itself, its claims) carry its id, so its history is one
-- indexed lookup. Fires as _500_audit.
create or replace function audit.tg__record() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_old jsonb := case when tg_op in ('UPDATE', 'DELETE') then pg_catalog.to_jsonb(old) end;
  v_new jsonb := case when tg_op in ('INSERT', 'UPDATE') then pg_catalog.to_jsonb(new) end;
begin
  if tg_op = 'UPDATE' and v_old = v_new then
    return null;
  end if;
  insert into audit.events (
    table_schema, table_name, operation, row_id, property_id, reservation_id,
    actor_user_id, actor_role, request_id, old_values, new_values
  ) values (
    tg_table_schema, tg_table_name, tg_op,
    coalesce(v_new, v_old) ->> 'id',
    (coalesce(v_new, v_old) ->> 'property_id')::uuid,
    case when tg_table_name = 'reservations' then (coalesce(v_new, v_old) ->> 'id')::uuid
         else (coalesce(v_new, v_old) ->> 'reservation_id')::uuid end,
    app_hidden.current_user_id(),
    pg_catalog.current_setting('role', true),
    nullif(pg_catalog.current_setting('keepr.request_id', true), ''),
    v_old, v_new
  );
  return null;
end;
$$;
comment on function audit.tg__record() is
  E'Trigger (AFTER, per row): appends the change to audit.events with actor, role, request id and old/new values.';
--! EndIncluded audit.tg__record.sql
--! Included app_private.create_session.sql
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
    null
  )::app_public.jwt_token;
end;
$$;
comment on function app_private.create_session(uuid) is
  E'Creates a session row for the user and returns the JWT claims (role, session_id, sub, exp) for it.';
--! EndIncluded app_private.create_session.sql
--! Included app_private.local_today.sql
-- Today's date in a property's time zone: stays are local calendar dates.
create or replace function app_private.local_today(property_id uuid) returns date
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select (pg_catalog.now() at time zone p.time_zone)::date
    from app_public.properties p
   where p.id = local_today.property_id;
$$;
comment on function app_private.local_today(uuid) is
  E'The current date in the property''s time zone.';
--! EndIncluded app_private.local_today.sql
--! Included app_private.require_staff.sql
-- Refuses a caller who is not staff of the property with one of the roles:
-- NTFND when they are not staff there at all (so nothing is revealed),
-- DNIED when their role does not allow it.
create or replace function app_private.require_staff(property_id uuid, roles app_public.staff_role[], what text) returns void
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  if require_staff.property_id in (select app_hidden.current_property_ids(require_staff.roles)) then
    return;
  end if;
  if require_staff.property_id in (select app_hidden.current_property_ids()) then
    raise exception using errcode = 'DNIED',
      message = pg_catalog.format('Your role at this property does not allow you to %s.', what);
  end if;
  raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
end;
$$;
comment on function app_private.require_staff(uuid, app_public.staff_role[], text) is
  E'Raises NTFND (not staff of the property) or DNIED (role not allowed) unless the caller has one of the roles there.';
--! EndIncluded app_private.require_staff.sql
--! Included app_private.check_stay.sql
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
--! EndIncluded app_private.check_stay.sql
--! Included app_private.idempotency_begin.sql
-- The first half of every idempotent mutation. Records (caller, key) with
-- the operation and a hash of its parameters, and returns null: go on.
-- When the key was used before, returns the stored answer (same operation
-- and parameters) or raises IDKEY (anything else). A concurrent request
-- with the same key waits on the unique index until the first commits (then
-- gets its answer) or rolls back (then goes on itself): one effect, always.
create or replace function app_private.idempotency_begin(operation text, key text, request jsonb) returns jsonb
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_scope text := app_hidden.current_actor_scope();
  v_hash bytea := public.digest(request::text, 'sha256');
  v_row app_private.idempotency_keys;
begin
  if key is null or pg_catalog.length(key) not between 16 and 200 or key !~ '^[[:graph:]]+$' then
    raise exception using errcode = 'IDKRQ',
      message = 'An idempotency key of 16 to 200 visible characters is required (a random UUID is a good one).';
  end if;
  insert into app_private.idempotency_keys (scope, key, operation, request_hash)
  values (v_scope, idempotency_begin.key, idempotency_begin.operation, v_hash)
  on conflict (scope, key) do nothing;
  if found then
    return null;
  end if;
  select * into v_row from app_private.idempotency_keys k where k.scope = v_scope and k.key = idempotency_begin.key;
  if v_row.operation <> idempotency_begin.operation or v_row.request_hash <> v_hash or v_row.response is null then
    raise exception using errcode = 'IDKEY',
      message = 'This idempotency key was already used for a different request; use a new key for a new request.';
  end if;
  return v_row.response;
end;
$$;
comment on function app_private.idempotency_begin(text, text, jsonb) is
  E'Claims an idempotency key for the caller: null to go on, the first answer on a replay, IDKEY when the key was used for something else.';
--! EndIncluded app_private.idempotency_begin.sql
--! Included app_private.idempotency_finish.sql
-- The second half: stores the answer under the caller's key, in the same
-- transaction as the effect, and passes it through.
create or replace function app_private.idempotency_finish(key text, response jsonb) returns jsonb
  language sql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
  update app_private.idempotency_keys k
     set response = idempotency_finish.response
   where k.scope = app_hidden.current_actor_scope() and k.key = idempotency_finish.key
  returning k.response;
$$;
comment on function app_private.idempotency_finish(text, jsonb) is
  E'Stores the answer of an idempotent mutation under the caller''s key.';
--! EndIncluded app_private.idempotency_finish.sql
--! Included app_private.sign.sql
-- HMAC-SHA256 of a text with the named key in app_private.signing_keys,
-- as unpadded base64url.
create or replace function app_private.sign(payload text) returns text
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.translate(pg_catalog.encode(public.hmac(pg_catalog.convert_to(payload, 'UTF8'), k.secret, 'sha256'), 'base64'), E'+/=\n', '-_')
    from app_private.signing_keys k
   where k.name = 'quote';
$$;
comment on function app_private.sign(text) is
  E'Signs a text with the quote key: unpadded base64url HMAC-SHA256.';
--! EndIncluded app_private.sign.sql
--! Included app_private.free_units.sql
-- The free units for a stay: active units (of the given properties, and of
-- one room type when given) that no live claim overlaps. An expired hold
-- does not count, whether or not it was released yet. This is the one
-- definition of "free" that search, quote and holds share. Per property,
-- the live claims overlapping the stay are read once from
-- inventory_claims_live_stay_idx (an index-only scan) and the units checked
-- against them.
create or replace function app_private.free_units(property_ids uuid[], stay daterange, only_room_type_id uuid default null)
  returns table (room_type_id uuid, unit_id uuid)
  language plpgsql stable parallel safe rows 20
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return query
    select u.room_type_id, u.id
      from pg_catalog.unnest(free_units.property_ids) p(id)
      join app_public.units u on u.property_id = p.id
     where (free_units.only_room_type_id is null or u.room_type_id = free_units.only_room_type_id)
       and u.is_active
       and u.id not in (
         select c.unit_id
           from pg_catalog.unnest(free_units.property_ids) cp(id)
           join app_public.inventory_claims c on c.property_id = cp.id
          where c.stay && free_units.stay
            and c.released_at is null
            and (c.expires_at is null or c.expires_at > pg_catalog.now())
       );
end;
$$;
comment on function app_private.free_units(uuid[], daterange, uuid) is
  E'The active units (room type, unit) of the given properties, optionally of one room type, with no live claim overlapping the stay.';
--! EndIncluded app_private.free_units.sql
--! Included app_private.price_lines.sql
-- Prices a stay on any number of rate plans at once (search prices many,
-- quote one), as lines per plan:
--   night     one per date: the calendar price (or the plan's base price)
--             plus extra-adult and extra-child fees for guests beyond the
--             included ones (adults fill the included places first);
--   discount  the largest length-of-stay discount the stay qualifies for,
--             a percent of the nights' sum;
--   fee       per stay, per night or per guest-night;
--   tax       a percent of the room total (plus fees when the tax says so),
--             or an amount per night or per person-night. An inclusive tax
--             is inside the prices: its line shows it and is not added.
-- Rounding: every line is a whole number of minor units; a percent is
-- rounded once per line, half away from zero (numeric round()); totals are
-- sums of lines. The rule is in docs/booking.md.
create or replace function app_private.price_lines(
  rate_plan_ids uuid[],
  arrival date,
  departure date,
  adults integer,
  children integer
) returns table (
  rate_plan_id uuid,
  line_no integer,
  kind text,
  date date,
  description text,
  quantity integer,
  amount bigint,
  is_inclusive boolean
)
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return query
    with plans as (
      select rp.id, rp.property_id, rp.room_type_id, rp.base_price, rp.extra_adult_fee, rp.extra_child_fee,
             price_lines.departure - price_lines.arrival as nights,
             greatest(price_lines.adults - rp.included_guests, 0) as extra_adults,
             greatest(price_lines.children - greatest(rp.included_guests - price_lines.adults, 0), 0) as extra_children
        from app_public.rate_plans rp
       where rp.id = any (price_lines.rate_plan_ids)
    ),
    nights as (
      -- The calendar price is looked up per night (one primary-key probe
      -- each): a join would be planned blind (the function's parameters are
      -- unknown when its plan is made) and can scan the whole calendar.
      select p.id as rate_plan_id, d.date, p.extra_adults, p.extra_children,
             coalesce((select c.price from app_public.rate_calendar c
                        where c.property_id = p.property_id and c.rate_plan_id = p.id and c.date = d.date),
                      p.base_price)
               + p.extra_adults * p.extra_adult_fee
               + p.extra_children * p.extra_child_fee as amount
        from plans p
        cross join lateral (
          select price_lines.arrival + i as date
            from pg_catalog.generate_series(0, p.nights - 1) i
        ) d
    ),
    room as (
      select n.rate_plan_id, sum(n.amount) as subtotal from nights n group by n.rate_plan_id
    ),
    discounts as (
      select p.id as rate_plan_id, l.min_nights, l.percent_off,
             -round(r.subtotal * l.percent_off / 100) as amount
        from plans p
        join room r on r.rate_plan_id = p.id
        cross join lateral (
          select l.min_nights, l.percent_off
            from app_public.rate_plan_los_discounts l
           where l.property_id = p.property_id and l.rate_plan_id = p.id and l.min_nights <= p.nights
           order by l.percent_off desc, l.min_nights desc
           limit 1
        ) l
    ),
    room_totals as (
      select r.rate_plan_id, r.subtotal + coalesce(d.amount, 0) as amount
        from room r left join discounts d on d.rate_plan_id = r.rate_plan_id
    ),
    fee_lines as (
      select p.id as rate_plan_id, f.name, f.basis, f.amount as unit_amount,
             case f.basis
               when 'per_stay' then 1
               when 'per_night' then p.nights
               else p.nights * (price_lines.adults + price_lines.children)
             end as quantity
        from plans p
        join app_public.fees f
          on f.property_id = p.property_id and f.is_active
         and (f.room_type_id is null or f.room_type_id = p.room_type_id)
    ),
    fee_totals as (
      select f.rate_plan_id, sum(f.quantity * f.unit_amount) as amount from fee_lines f group by f.rate_plan_id
    ),
    tax_lines as (
      select p.id as rate_plan_id, t.name, t.basis, t.percent, t.is_inclusive,
             case t.basis
               when 'percent_of_room' then 1
               when 'per_night' then p.nights
               else p.nights * (price_lines.adults + price_lines.children)
             end as quantity,
             case t.basis
               when 'percent_of_room' then
                 round((rt.amount + case when t.applies_to_fees then coalesce(ft.amount, 0) else 0 end) * t.percent
                       / case when t.is_inclusive then 100 + t.percent else 100 end)
               else t.amount
             end as unit_amount
        from plans p
        join room_totals rt on rt.rate_plan_id = p.id
        left join fee_totals ft on ft.rate_plan_id = p.id
        join app_public.taxes t on t.property_id = p.property_id and t.is_active
    )
    select l.rate_plan_id,
           (pg_catalog.row_number() over (partition by l.rate_plan_id order by l.section, l.date, l.description))::integer,
           l.kind, l.date, l.description, l.quantity, l.amount::bigint, l.is_inclusive
      from (
        select n.rate_plan_id, 1 as section, 'night' as kind, n.date,
               'Night of ' || pg_catalog.to_char(n.date, 'Dy DD Mon YYYY')
                 || case when n.extra_adults + n.extra_children > 0
                         then pg_catalog.format(' (incl. %s extra guest%s)', n.extra_adults + n.extra_children,
                                                case when n.extra_adults + n.extra_children > 1 then 's' else '' end)
                         else '' end as description,
               1 as quantity, n.amount, false as is_inclusive
          from nights n
        union all
        select d.rate_plan_id, 2, 'discount', null,
               pg_catalog.format('%s%% off stays of %s nights or more', pg_catalog.trim_scale(d.percent_off), d.min_nights),
               1, d.amount, false
          from discounts d
        union all
        select f.rate_plan_id, 3, 'fee', null,
               f.name || case f.basis when 'per_night' then ' (per night)' when 'per_guest_night' then ' (per guest per night)' else '' end,
               f.quantity, f.quantity * f.unit_amount, false
          from fee_lines f
        union all
        select t.rate_plan_id, 4, 'tax', null,
               t.name || case t.basis
                           when 'percent_of_room' then pg_catalog.format(' (%s%%%s)', pg_catalog.trim_scale(t.percent),
                                                                         case when t.is_inclusive then ', included' else '' end)
                           when 'per_night' then ' (per night' || case when t.is_inclusive then ', included' else '' end || ')'
                           else ' (per person per night' || case when t.is_inclusive then ', included' else '' end || ')'
                         end,
               t.quantity, t.quantity * t.unit_amount, t.is_inclusive
          from tax_lines t
      ) l;
end;
$$;
comment on function app_private.price_lines(uuid[], date, date, integer, integer) is
  E'The price of a stay on each given rate plan, as lines (night, discount, fee, tax) in minor units.';
--! EndIncluded app_private.price_lines.sql
--! Included app_private.stay_restrictions.sql
-- Why a stay cannot be sold on each given rate plan (restriction null when
-- it can). Checked in this order: too many guests for the room type, stop
-- sell on any night, closed to arrival (arrival date), closed to departure
-- (departure date), min stay and max stay (the arrival date's calendar row,
-- else the plan's defaults).
create or replace function app_private.stay_restrictions(
  rate_plan_ids uuid[],
  arrival date,
  departure date,
  adults integer,
  children integer
) returns table (rate_plan_id uuid, restriction text, message text)
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return query
    select r.id, r.restriction,
           case r.restriction
             when 'MAX_OCCUPANCY' then pg_catalog.format('This room sleeps at most %s guests.', r.max_occupancy)
             when 'STOP_SELL' then pg_catalog.format('This rate is not on sale for the night of %s.', r.first_stop)
             when 'CLOSED_TO_ARRIVAL' then pg_catalog.format('Arrivals on %s are not possible on this rate.', stay_restrictions.arrival)
             when 'CLOSED_TO_DEPARTURE' then pg_catalog.format('Departures on %s are not possible on this rate.', stay_restrictions.departure)
             when 'MIN_STAY' then pg_catalog.format('Stays arriving on %s must be at least %s nights.', stay_restrictions.arrival, r.min_stay)
             when 'MAX_STAY' then pg_catalog.format('Stays arriving on %s can be at most %s nights.', stay_restrictions.arrival, r.max_stay)
           end
      from (
        select rp.id, rt.max_occupancy, s.first_stop,
               coalesce(a.min_stay, rp.min_stay) as min_stay,
               coalesce(a.max_stay, rp.max_stay) as max_stay,
               case
                 when stay_restrictions.adults + stay_restrictions.children > rt.max_occupancy then 'MAX_OCCUPANCY'
                 when s.first_stop is not null then 'STOP_SELL'
                 when a.closed_to_arrival then 'CLOSED_TO_ARRIVAL'
                 when d.closed_to_departure then 'CLOSED_TO_DEPARTURE'
                 when stay_restrictions.departure - stay_restrictions.arrival < coalesce(a.min_stay, rp.min_stay) then 'MIN_STAY'
                 when stay_restrictions.departure - stay_restrictions.arrival > coalesce(a.max_stay, rp.max_stay) then 'MAX_STAY'
               end as restriction
          from app_public.rate_plans rp
          join app_public.room_types rt on rt.property_id = rp.property_id and rt.id = rp.room_type_id
          left join app_public.rate_calendar a
            on a.property_id = rp.property_id and a.rate_plan_id = rp.id and a.date = stay_restrictions.arrival
          left join app_public.rate_calendar d
            on d.property_id = rp.property_id and d.rate_plan_id = rp.id and d.date = stay_restrictions.departure
          cross join lateral (
            select min(c.date) as first_stop
              from app_public.rate_calendar c
             where c.property_id = rp.property_id and c.rate_plan_id = rp.id and c.stop_sell
               and c.date >= stay_restrictions.arrival and c.date < stay_restrictions.departure
          ) s
         where rp.id = any (stay_restrictions.rate_plan_ids)
      ) r;
end;
$$;
comment on function app_private.stay_restrictions(uuid[], date, date, integer, integer) is
  E'For each rate plan: the first restriction that stops this stay (MAX_OCCUPANCY, STOP_SELL, CLOSED_TO_ARRIVAL, CLOSED_TO_DEPARTURE, MIN_STAY, MAX_STAY) and a message, or null.';
--! EndIncluded app_private.stay_restrictions.sql
--! Included app_private.quote_for.sql
-- The priced stay on one rate plan, with totals, cancellation terms and
-- units left; no restriction checks, no token (callers add what they need).
-- Cancellation: free until free_cancellation_days before the arrival date at
-- the property's check-in time (local); after that the penalty is
-- round(total × nights charged / nights) or round(total × percent / 100);
-- non-refundable rates charge the total.
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
        select l.* from app_private.price_lines(array[quote_for.rate_plan_id], quote_for.arrival, quote_for.departure,
                                                quote_for.adults, quote_for.children) l
      ),
      totals as (
        select coalesce(sum(l.amount) filter (where l.kind in ('night', 'discount')), 0)::bigint as room_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'fee'), 0)::bigint as fees_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and not l.is_inclusive), 0)::bigint as taxes_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and l.is_inclusive), 0)::bigint as included_taxes_amount,
               pg_catalog.array_agg((l.kind, l.date, l.description, l.quantity, l.amount, l.is_inclusive)::app_public.price_line
                                    order by l.line_no) as lines
          from lines l
      ),
      terms as (
        select rp.*, p.time_zone, p.check_in_time,
               t.room_amount + t.fees_amount + t.taxes_amount as total_amount,
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
          when not x.is_refundable then x.total_amount
          when x.cancellation_penalty_kind = 'nights'
            then round(x.total_amount::numeric * least(x.cancellation_penalty_value, x.nights) / x.nights)::bigint
          else round(x.total_amount::numeric * x.cancellation_penalty_value / 100)::bigint
        end,
        case
          when not x.is_refundable then 'Non-refundable: cancelling costs the full amount.'
          else pg_catalog.format('Free cancellation until %s (%s). After that, cancelling costs %s.',
                 pg_catalog.to_char(x.free_until at time zone x.time_zone, 'YYYY-MM-DD HH24:MI'), x.time_zone,
                 case when x.cancellation_penalty_kind = 'nights'
                      then pg_catalog.format('%s night%s', least(x.cancellation_penalty_value, x.nights),
                                             case when least(x.cancellation_penalty_value, x.nights) = 1 then '' else 's' end)
                      else x.cancellation_penalty_value || '% of the total' end)
        end,
        (select count(*) from app_private.free_units(array[x.property_id], pg_catalog.daterange(quote_for.arrival, quote_for.departure), x.room_type_id))::integer,
        null, null
      )::app_public.quote
        from terms x cross join totals t
  );
end;
$$;
comment on function app_private.quote_for(uuid, date, date, integer, integer) is
  E'Prices a stay on one rate plan: lines, totals, cancellation terms and units left (no restriction checks).';
--! EndIncluded app_private.quote_for.sql
--! Included app_private.release_expired_holds.sql
-- Releases expired holds on a unit that overlap a stay, so a new claim can
-- take their nights: this is why an expired hold never blocks anyone, even
-- before the cleanup job runs. A hold being confirmed at the same moment
-- holds its row lock; this waits, re-reads it, and leaves it alone.
create or replace function app_private.release_expired_holds(property_id uuid, unit_id uuid, stay daterange) returns void
  language sql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
  update app_public.inventory_claims c
     set released_at = pg_catalog.now()
   where c.property_id = release_expired_holds.property_id
     and c.unit_id = release_expired_holds.unit_id
     and c.stay && release_expired_holds.stay
     and c.released_at is null
     and c.kind = 'hold'
     and c.expires_at <= pg_catalog.now();
$$;
comment on function app_private.release_expired_holds(uuid, uuid, daterange) is
  E'Releases the expired holds on a unit that overlap a stay.';
--! EndIncluded app_private.release_expired_holds.sql
--! Included app_private.claim_unit.sql
-- Claims a unit of a room type for a stay, or returns null when none can be
-- had. Candidates: the preferred unit first (only it when exact_unit), then
-- the other free units in random order, which spreads concurrent bookers
-- over the units instead of queueing them on one. Each try releases expired
-- holds in the way and inserts the claim; the exclusion constraint is the
-- judge, and a loser (exclusion_violation) moves on to the next unit.
create or replace function app_private.claim_unit(
  property_id uuid,
  room_type_id uuid,
  stay daterange,
  kind app_public.claim_kind,
  reservation_id uuid default null,
  expires_at timestamptz default null,
  preferred_unit_id uuid default null,
  exact_unit boolean default false,
  note text default null
) returns app_public.inventory_claims
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_candidates uuid[];
  v_unit uuid;
  v_claim app_public.inventory_claims;
begin
  if exact_unit then
    v_candidates := array[preferred_unit_id];
  else
    v_candidates := array(
      select f.unit_id from app_private.free_units(array[claim_unit.property_id], claim_unit.stay, claim_unit.room_type_id) f
       order by f.unit_id is distinct from claim_unit.preferred_unit_id, pg_catalog.random()
    );
    if preferred_unit_id is not null and not (preferred_unit_id = any (v_candidates)) then
      v_candidates := preferred_unit_id || v_candidates;
    end if;
  end if;

  foreach v_unit in array v_candidates loop
    perform app_private.release_expired_holds(claim_unit.property_id, v_unit, claim_unit.stay);
    begin
      insert into app_public.inventory_claims (property_id, unit_id, stay, kind, reservation_id, expires_at, note, created_by)
      values (claim_unit.property_id, v_unit, claim_unit.stay, claim_unit.kind, claim_unit.reservation_id,
              claim_unit.expires_at, claim_unit.note, app_hidden.current_user_id())
      returning * into v_claim;
      return v_claim;
    exception when exclusion_violation then
      -- Someone else holds these nights on this unit; try the next one.
    end;
  end loop;
  return null;
end;
$$;
comment on function app_private.claim_unit(uuid, uuid, daterange, app_public.claim_kind, uuid, timestamptz, uuid, boolean, text) is
  E'Claims a free unit of a room type (or exactly the given unit) for a stay; null when none is free.';
--! EndIncluded app_private.claim_unit.sql
--! Included app_private.new_confirmation_code.sql
-- A random confirmation code: 8 characters from 32 that cannot be misread
-- (no I, O, 0 or 1), about 40 bits.
create or replace function app_private.new_confirmation_code() returns text
  language sql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.string_agg(pg_catalog.substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', (pg_catalog.get_byte(b, i) % 32) + 1, 1), '' order by i)
    from (select public.gen_random_bytes(8) as b) r
    cross join pg_catalog.generate_series(0, 7) i;
$$;
comment on function app_private.new_confirmation_code() is E'A random 8-character confirmation code.';
--! EndIncluded app_private.new_confirmation_code.sql
--! Included app_private.cancellation_penalty.sql
-- What cancelling (or not showing up for) a reservation costs at a moment,
-- by the terms locked when it was priced: nothing for a hold or before the
-- free-cancellation deadline, the late penalty after it, everything on a
-- non-refundable rate.
create or replace function app_private.cancellation_penalty(reservation app_public.reservations, at timestamptz) returns bigint
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case
    when reservation.status = 'held' then 0
    when not (reservation.cancellation_policy ->> 'is_refundable')::boolean then reservation.total_amount
    when at < (reservation.cancellation_policy ->> 'free_cancellation_until')::timestamptz then 0
    else least((reservation.cancellation_policy ->> 'late_cancellation_penalty')::bigint, reservation.total_amount)
  end;
$$;
comment on function app_private.cancellation_penalty(app_public.reservations, timestamptz) is
  E'The cancellation penalty of a reservation at a moment, by its locked cancellation terms.';
--! EndIncluded app_private.cancellation_penalty.sql
--! Included app_private.release_claims.sql
-- Gives back a reservation's nights from a date on (all of them when
-- from_date is null): claims starting on or after it are released, a claim
-- spanning it ends there. Used by cancellations, no-shows, changes, early
-- check-outs and room moves.
create or replace function app_private.release_claims(r app_public.reservations, from_date date default null) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  update app_public.inventory_claims c set released_at = pg_catalog.now()
   where c.property_id = r.property_id and c.reservation_id = r.id and c.released_at is null
     and (from_date is null or pg_catalog.lower(c.stay) >= from_date);
  if from_date is not null then
    update app_public.inventory_claims c set stay = pg_catalog.daterange(pg_catalog.lower(c.stay), from_date)
     where c.property_id = r.property_id and c.reservation_id = r.id and c.released_at is null
       and pg_catalog.upper(c.stay) > from_date;
  end if;
end;
$$;
comment on function app_private.release_claims(app_public.reservations, date) is
  E'Releases a reservation''s live claims from a date on (all when null), trimming a claim that spans the date.';
--! EndIncluded app_private.release_claims.sql
--! Included app_private.booking_of.sql
-- The booking result of a reservation.
create or replace function app_private.booking_of(r app_public.reservations) returns app_public.booking
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select (r.id, r.property_id, r.confirmation_code, r.status, pg_catalog.lower(r.stay), pg_catalog.upper(r.stay),
          r.currency, r.total_amount, r.penalty_amount, r.refund_amount)::app_public.booking;
$$;
comment on function app_private.booking_of(app_public.reservations) is E'A reservation as a booking result.';
--! EndIncluded app_private.booking_of.sql
--! Included app_private.booking_user_id.sql
-- The account a booking at a property belongs to: the signed-in caller when
-- they book for themselves, nobody when staff of that property book on a
-- guest's behalf (a phone or walk-in booking is the guest's, not the
-- clerk's).
create or replace function app_private.booking_user_id(property_id uuid) returns uuid
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select case when booking_user_id.property_id in (select app_hidden.current_property_ids()) then null
              else app_hidden.current_user_id() end;
$$;
comment on function app_private.booking_user_id(uuid) is
  E'The signed-in guest a booking at the property belongs to, or null for staff of the property and anonymous callers.';
--! EndIncluded app_private.booking_user_id.sql
--! Included app_private.lock_reservation.sql
-- Locks a reservation for a change by the caller. Staff with one of the
-- roles may change any reservation of their property; when guest_may is
-- true, so may the guest who booked it signed in or holds its booking token.
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
                    or (v_res.user_id is not null and v_res.user_id = app_hidden.current_user_id())) then
    return v_res;
  end if;
  perform app_private.require_staff(v_res.property_id, roles, what);
  return v_res;
end;
$$;
comment on function app_private.lock_reservation(uuid, app_public.staff_role[], text, boolean) is
  E'Locks a reservation FOR UPDATE after checking the caller may change it (NTFND, DNIED).';
--! EndIncluded app_private.lock_reservation.sql
--! Included app_private.invalid_transition.sql
-- Raises TRANS: the reservation's state does not allow the operation.
create or replace function app_private.invalid_transition(r app_public.reservations, what text) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  raise exception using errcode = 'TRANS',
    message = pg_catalog.format('A reservation that is %s cannot be %s.', pg_catalog.replace(r.status::text, '_', ' '), what),
    hint = r.status::text;
end;
$$;
comment on function app_private.invalid_transition(app_public.reservations, text) is E'Raises TRANS for an operation the reservation''s state does not allow.';
--! EndIncluded app_private.invalid_transition.sql
--! Included app_private.release_stale_claims.sql
-- Cleanup (cron): releases holds that expired more than a minute ago. Only
-- housekeeping: expired holds already count as free everywhere.
create or replace function app_private.release_stale_claims() returns integer
  language sql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  with released as (
    update app_public.inventory_claims c
       set released_at = pg_catalog.now()
     where c.released_at is null and c.kind = 'hold' and c.expires_at < pg_catalog.now() - interval '1 minute'
    returning 1
  )
  select count(*)::integer from released;
$$;
comment on function app_private.release_stale_claims() is E'Releases holds that expired over a minute ago; returns how many.';
--! EndIncluded app_private.release_stale_claims.sql
--! Included app_private.purge_idempotency_keys.sql
-- Cleanup (cron): forgets idempotency keys older than 48 hours (they are
-- promised for at least 24).
create or replace function app_private.purge_idempotency_keys() returns integer
  language sql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  with purged as (
    delete from app_private.idempotency_keys k where k.created_at < pg_catalog.now() - interval '48 hours' returning 1
  )
  select count(*)::integer from purged;
$$;
comment on function app_private.purge_idempotency_keys() is E'Deletes idempotency records older than 48 hours; returns how many.';
--! EndIncluded app_private.purge_idempotency_keys.sql
--! Included app_public.set_rates.sql
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
  perform app_private.require_staff(v_property_id, '{owner,manager}', 'edit rates');
  if first_date is null or last_date is null or first_date > last_date or last_date - first_date > 730 then
    raise exception using errcode = 'DATES', message = 'Give a first and last date, at most 731 days apart.';
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
  E'Sets price and restrictions of a rate plan on a range of dates (optionally some weekdays) in one call; null leaves a field unchanged, reset clears overrides first. Returns the number of dates written. Owners and managers. Errors: NTFND, DNIED, DATES, INVLD, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.set_rates.sql
--! Included app_public.search_availability.sql
-- Search: every room type with units left for the stay at the published
-- properties matching the filters, and its price on each rate plan for
-- these guests. With include_unavailable, also the rate plans that cannot
-- be sold and why (a restriction code, or SOLD_OUT). Set-based: the free
-- units of all matching properties in one pass, then all plans priced
-- together.
create or replace function app_public.search_availability(
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  property_id uuid default null,
  city text default null,
  country_code text default null,
  include_unavailable boolean default false
) returns setof app_public.availability
  language plpgsql stable security definer rows 50
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_stay daterange;
  v_member uuid[] := array(select app_hidden.current_property_ids());
begin
  perform app_private.check_stay(null, arrival, departure, adults, children);
  v_stay := pg_catalog.daterange(arrival, departure);
  return query
  with candidates as materialized (
    select p.id, p.name, p.city
      from app_public.properties p
     where (p.is_published or p.id = any (v_member))
       and (search_availability.property_id is null or p.id = search_availability.property_id)
       and (search_availability.city is null or pg_catalog.lower(p.city) = pg_catalog.lower(search_availability.city))
       and (search_availability.country_code is null or p.country_code = pg_catalog.upper(search_availability.country_code))
       and search_availability.arrival >= (pg_catalog.now() at time zone p.time_zone)::date
  ),
  -- Free units of all candidate properties at once, counted per room type.
  free as (
    select f.room_type_id, count(*)::integer as units_left
      from app_private.free_units(array(select c.id from candidates c), v_stay) f
     group by f.room_type_id
  ),
  room_types as materialized (
    select c.id as property_id, c.name as property_name, c.city, rt.id as room_type_id, rt.name as room_type_name,
           rt.max_occupancy, coalesce(f.units_left, 0) as units_left
      from candidates c
      join app_public.room_types rt on rt.property_id = c.id
      left join free f on f.room_type_id = rt.id
     where rt.is_published or c.id = any (v_member)
  ),
  plans as (
    select rt.*, rp.id as rate_plan_id, rp.name as rate_plan_name, rp.meal_plan, rp.is_refundable, rp.currency
      from room_types rt
      join app_public.rate_plans rp on rp.property_id = rt.property_id and rp.room_type_id = rt.room_type_id
     where (rp.is_published or rt.property_id = any (v_member))
       and (rt.units_left > 0 or search_availability.include_unavailable)
  ),
  prices as (
    select l.rate_plan_id,
           sum(l.amount) filter (where not l.is_inclusive)::bigint as total_amount,
           sum(l.amount) filter (where l.kind in ('night', 'discount'))::bigint as room_amount
      from app_private.price_lines(array(select rate_plan_id from plans), arrival, departure, adults, children) l
     group by l.rate_plan_id
  ),
  restrictions as (
    select * from app_private.stay_restrictions(array(select rate_plan_id from plans), arrival, departure, adults, children)
  )
  select p.property_id, p.property_name, p.city, p.room_type_id, p.room_type_name, p.max_occupancy, p.units_left,
         p.rate_plan_id, p.rate_plan_name, p.meal_plan, p.is_refundable, p.currency::char(3),
         pr.total_amount, round(pr.room_amount::numeric / (departure - arrival))::bigint,
         p.units_left > 0 and r.restriction is null,
         coalesce(r.restriction, case when p.units_left = 0 then 'SOLD_OUT' end),
         coalesce(r.message, case when p.units_left = 0 then 'No unit of this type is free for these dates.' end)
    from plans p
    join prices pr on pr.rate_plan_id = p.rate_plan_id
    join restrictions r on r.rate_plan_id = p.rate_plan_id
   where search_availability.include_unavailable or (p.units_left > 0 and r.restriction is null)
   order by p.property_name, p.room_type_name, pr.total_amount, p.rate_plan_name;
end;
$$;
comment on function app_public.search_availability(date, date, integer, integer, uuid, text, text, boolean) is
  E'Room types with units left for a stay, priced on each rate plan for the guests. Filter by property, city or country; include_unavailable also lists restricted and sold-out rates with the reason. Errors: DATES, GUEST.';
--! EndIncluded app_public.search_availability.sql
--! Included app_public.quote.sql
-- A quote: the stay priced line by line on one rate plan, with cancellation
-- terms, valid for 30 minutes. The quote_token is the quote itself, signed
-- by the database; createHold books at exactly this price while it is valid,
-- even if rates change meanwhile. A pure read, so it can run anywhere.
create or replace function app_public.quote(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0
) returns app_public.quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_property_id uuid;
  v_restriction record;
  v_quote app_public.quote;
  v_payload text;
begin
  select rp.property_id into v_property_id
    from app_public.rate_plans rp
    join app_public.room_types rt on rt.property_id = rp.property_id and rt.id = rp.room_type_id
    join app_public.properties p on p.id = rp.property_id
   where rp.id = quote.rate_plan_id
     and ((rp.is_published and rt.is_published and p.is_published)
          or rp.property_id in (select app_hidden.current_property_ids()));
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such rate plan.';
  end if;
  perform app_private.check_stay(v_property_id, arrival, departure, adults, children);

  select * into v_restriction
    from app_private.stay_restrictions(array[quote.rate_plan_id], arrival, departure, adults, children);
  if v_restriction.restriction is not null then
    raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
  end if;

  v_quote := app_private.quote_for(quote.rate_plan_id, arrival, departure, adults, children);
  if v_quote.units_left = 0 then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates.';
  end if;
  v_quote.valid_until := pg_catalog.now() + interval '30 minutes';
  v_payload := pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(pg_catalog.to_jsonb(v_quote)::text, 'UTF8'), 'base64'),
                                    E'+/=\n', '-_');
  v_quote.quote_token := v_payload || '.' || app_private.sign(v_payload);
  return v_quote;
end;
$$;
comment on function app_public.quote(uuid, date, date, integer, integer) is
  E'Prices a stay on a rate plan: nightly lines, discount, fees, taxes, total and cancellation terms, with a quote_token valid for 30 minutes. Errors: NTFND, DATES, GUEST, RESTRICTED (reason in extensions.reason), SOLD_OUT.';
--! EndIncluded app_public.quote.sql
--! Included app_public.create_hold.sql
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

  v_hold := (v_id, v_quote.property_id, v_claim.expires_at, v_quote.currency, v_quote.total_amount)::app_public.hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_hold));
  return v_hold;
end;
$$;
comment on function app_public.create_hold(text, text, integer) is
  E'Holds a free unit for a quoted stay at the quoted price for `minutes` (default 10, 1 to 30). Errors: QUOTE_INVALID, QUOTE_EXPIRED, DATES, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.create_hold.sql
--! Included app_public.confirm_booking.sql
-- Turns a hold into a confirmed reservation with a confirmation code and a
-- guest profile (found by email at the property, or created). A hold that
-- expired still confirms when its unit is free: its claim is kept if no one
-- took its nights, and otherwise the same unit (or another of the type) is
-- claimed again. HOLD_EXPIRED when none is free.
create or replace function app_public.confirm_booking(
  reservation_id uuid,
  idempotency_key text,
  full_name text,
  email text,
  phone text default null,
  special_requests text default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_claim app_public.inventory_claims;
  v_guest_id uuid;
begin
  v_replay := app_private.idempotency_begin('confirm_booking', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'full_name', full_name, 'email', email, 'phone', phone,
    'special_requests', special_requests));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;

  select * into v_res from app_public.reservations r where r.id = confirm_booking.reservation_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such hold.';
  end if;
  if v_res.status <> 'held' then
    perform app_private.invalid_transition(v_res, 'confirmed');
  end if;
  if email is null or email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(email) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  if full_name is null or pg_catalog.length(pg_catalog.btrim(full_name)) not between 1 and 200 then
    raise exception using errcode = 'INVNM', message = 'The guest''s full name (1 to 200 characters) is required.';
  end if;
  if phone is not null and phone !~ '^\+?[0-9 ()./-]{5,30}$' then
    raise exception using errcode = 'INVPH', message = 'That phone number does not look valid.';
  end if;
  if pg_catalog.length(special_requests) > 2000 then
    raise exception using errcode = 'INVLD', message = 'Special requests can be at most 2000 characters.';
  end if;

  -- The hold's claim becomes the reservation's, expired or not, unless
  -- someone released it to take its nights (then it has no live claim).
  select * into v_claim from app_public.inventory_claims c
   where c.property_id = v_res.property_id and c.reservation_id = v_res.id and c.released_at is null
   for update;
  if found then
    update app_public.inventory_claims c set kind = 'reservation', expires_at = null
     where c.id = v_claim.id
    returning * into v_claim;
  else
    v_claim := app_private.claim_unit(v_res.property_id, v_res.room_type_id, v_res.stay, 'reservation',
                                      reservation_id => v_res.id, preferred_unit_id => v_res.unit_id);
    if v_claim.id is null then
      raise exception using errcode = 'HLDEX',
        message = 'This hold expired and its room was taken meanwhile; please search again.';
    end if;
  end if;

  insert into app_public.guests (property_id, email, full_name, phone, user_id)
  values (v_res.property_id, pg_catalog.btrim(email), pg_catalog.btrim(full_name), phone, app_private.booking_user_id(v_res.property_id))
  on conflict (property_id, email) do nothing
  returning id into v_guest_id;
  if v_guest_id is null then
    update app_public.guests g
       set full_name = pg_catalog.btrim(confirm_booking.full_name),
           phone = coalesce(confirm_booking.phone, g.phone),
           user_id = coalesce(g.user_id, app_private.booking_user_id(v_res.property_id))
     where g.property_id = v_res.property_id and g.email = pg_catalog.btrim(confirm_booking.email)::public.citext
    returning g.id into v_guest_id;
  end if;

  loop
    begin
      update app_public.reservations r
         set status = 'confirmed', confirmation_code = app_private.new_confirmation_code(), confirmed_at = pg_catalog.now(),
             hold_expires_at = null, guest_id = v_guest_id, unit_id = v_claim.unit_id,
             user_id = coalesce(r.user_id, app_private.booking_user_id(v_res.property_id)),
             special_requests = confirm_booking.special_requests
       where r.id = v_res.id
      returning * into v_res;
      exit;
    exception when unique_violation then
      -- The code is taken at this property; draw another.
    end;
  end loop;

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.confirm_booking(uuid, text, text, text, text, text) is
  E'Confirms a hold as a reservation for the guest (name, email, optional phone): returns the confirmation code. Errors: NTFND, INVALID_TRANSITION, HOLD_EXPIRED, INVEM, INVNM, INVPH, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.confirm_booking.sql
--! Included app_public.lookup_booking.sql
-- A guest without an account finds their booking by confirmation code and
-- email, and gets a booking-scoped token (2 hours) to view or cancel it.
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
  if (select count(*) from app_private.lookup_failures f
       where (f.email = v_email or f.confirmation_code = v_code)
         and f.failed_at > pg_catalog.now() - interval '15 minutes') >= 10 then
    raise exception using errcode = 'LIMIT', message = 'Too many failed lookups; try again in 15 minutes.';
  end if;
  select r.id into v_id
    from app_public.reservations r
    join app_public.guests g on g.property_id = r.property_id and g.id = r.guest_id
   where r.confirmation_code = v_code
     and g.email = v_email;
  if v_id is null then
    delete from app_private.lookup_failures f where f.failed_at < pg_catalog.now() - interval '1 day';
    insert into app_private.lookup_failures (email, confirmation_code) values (v_email, pg_catalog.left(v_code, 50));
    return null;
  end if;
  return ('keepr_anonymous', null, null,
          extract(epoch from pg_catalog.now() + interval '2 hours')::bigint, v_id)::app_public.jwt_token;
end;
$$;
comment on function app_public.lookup_booking(text, text) is
  E'Finds a booking by confirmation code and email and returns a token, valid 2 hours, that can read and cancel that booking only; null when nothing matches. After 10 misses in 15 minutes for an email or a code: TOO_MANY_ATTEMPTS.';
--! EndIncluded app_public.lookup_booking.sql
--! Included app_public.modify_reservation.sql
-- Changes a confirmed reservation's dates, guests or rate plan (and so room
-- type), or a checked-in one's departure and guests: re-priced at today's
-- rates and re-claimed in one transaction. The old claim is released only
-- for the new one to be taken; if no unit is free the whole change is
-- undone (SOLD_OUT) and the old claim stands. Staff may book past
-- restrictions (min stay, closed dates); occupancy still holds.
create or replace function app_public.modify_reservation(
  reservation_id uuid,
  idempotency_key text,
  arrival date default null,
  departure date default null,
  adults integer default null,
  children integer default null,
  rate_plan_id uuid default null,
  unit_id uuid default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_plan app_public.rate_plans;
  v_arrival date;
  v_departure date;
  v_adults integer;
  v_children integer;
  v_quote app_public.quote;
  v_claim app_public.inventory_claims;
begin
  v_replay := app_private.idempotency_begin('modify_reservation', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'arrival', arrival, 'departure', departure, 'adults', adults,
    'children', children, 'rate_plan_id', rate_plan_id, 'unit_id', unit_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(modify_reservation.reservation_id, '{owner,manager,front_desk}', 'change reservations');
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'changed');
  end if;

  v_arrival := coalesce(modify_reservation.arrival, pg_catalog.lower(v_res.stay));
  v_departure := coalesce(modify_reservation.departure, pg_catalog.upper(v_res.stay));
  v_adults := coalesce(modify_reservation.adults, v_res.adults);
  v_children := coalesce(modify_reservation.children, v_res.children);
  select * into v_plan from app_public.rate_plans rp
   where rp.property_id = v_res.property_id and rp.id = coalesce(modify_reservation.rate_plan_id, v_res.rate_plan_id);
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such rate plan at this property.';
  end if;
  if v_res.status = 'checked_in' then
    if v_arrival <> pg_catalog.lower(v_res.stay) or v_plan.room_type_id <> v_res.room_type_id or modify_reservation.unit_id is not null then
      raise exception using errcode = 'TRANS',
        message = 'A checked-in stay can change only its departure, guests and rate plan of the same room type; use moveUnit to change rooms.';
    end if;
    if v_departure <= app_private.local_today(v_res.property_id) then
      raise exception using errcode = 'DATES', message = 'A checked-in stay must depart after today.';
    end if;
    perform app_private.check_stay(null, v_arrival, v_departure, v_adults, v_children);
  else
    perform app_private.check_stay(v_res.property_id, v_arrival, v_departure, v_adults, v_children);
  end if;
  if modify_reservation.unit_id is not null and not exists (
       select 1 from app_public.units u
        where u.property_id = v_res.property_id and u.id = modify_reservation.unit_id and u.room_type_id = v_plan.room_type_id) then
    raise exception using errcode = 'NTFND', message = 'No such unit of this room type at this property.';
  end if;
  if v_adults + v_children > (select rt.max_occupancy from app_public.room_types rt where rt.id = v_plan.room_type_id) then
    raise exception using errcode = 'RSTRC', message = 'Too many guests for this room type.', hint = 'MAX_OCCUPANCY';
  end if;

  v_quote := app_private.quote_for(v_plan.id, v_arrival, v_departure, v_adults, v_children);

  if v_res.status = 'checked_in' then
    -- The guest is in their unit: only its claim's end moves.
    perform app_private.release_expired_holds(v_res.property_id, v_res.unit_id,
                                              pg_catalog.daterange(pg_catalog.upper(v_res.stay), v_departure));
    begin
      update app_public.inventory_claims c set stay = pg_catalog.daterange(pg_catalog.lower(c.stay), v_departure)
       where c.property_id = v_res.property_id and c.reservation_id = v_res.id and c.released_at is null
         and pg_catalog.upper(c.stay) = pg_catalog.upper(v_res.stay)
      returning * into v_claim;
    exception when exclusion_violation then
      v_claim := null;
    end;
  else
    -- Re-claim: release the current claims, then claim the new stay (the
    -- same unit first). Any failure below rolls all of it back.
    perform app_private.release_claims(v_res);
    v_claim := app_private.claim_unit(v_res.property_id, v_plan.room_type_id, pg_catalog.daterange(v_arrival, v_departure),
                                      'reservation', reservation_id => v_res.id,
                                      preferred_unit_id => coalesce(modify_reservation.unit_id,
                                                                    case when v_plan.room_type_id = v_res.room_type_id then v_res.unit_id end),
                                      exact_unit => modify_reservation.unit_id is not null);
  end if;
  if v_claim.id is null then
    raise exception using errcode = 'SOLDO', message = 'No unit is free for the changed stay; the reservation is unchanged.';
  end if;

  update app_public.reservations r
     set stay = pg_catalog.daterange(v_arrival, v_departure), adults = v_adults, children = v_children,
         rate_plan_id = v_plan.id, room_type_id = v_plan.room_type_id, unit_id = v_claim.unit_id,
         currency = v_quote.currency, room_amount = v_quote.room_amount, fees_amount = v_quote.fees_amount,
         taxes_amount = v_quote.taxes_amount, total_amount = v_quote.total_amount,
         price_lines = pg_catalog.to_jsonb(v_quote.lines),
         cancellation_policy = pg_catalog.jsonb_build_object(
           'is_refundable', v_quote.is_refundable,
           'free_cancellation_until', v_quote.free_cancellation_until,
           'late_cancellation_penalty', v_quote.late_cancellation_penalty,
           'terms', v_quote.cancellation_terms)
   where r.id = v_res.id
  returning * into v_res;

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.modify_reservation(uuid, text, date, date, integer, integer, uuid, uuid) is
  E'Changes dates, guests, rate plan/room type or unit of a reservation, re-priced and re-claimed atomically (the old claim stands if the new one fails). Errors: NTFND, DNIED, INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.modify_reservation.sql
--! Included app_public.cancel_reservation.sql
-- Cancels a hold or a confirmed reservation: applies the cancellation terms
-- locked at booking (penalty_amount, refund_amount = total - penalty; the
-- ledger posts them) and releases the unit. Staff (owner, manager, front
-- desk) and the guest themself (signed in, or with the booking token) may.
create or replace function app_public.cancel_reservation(
  reservation_id uuid,
  idempotency_key text,
  reason text default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_penalty bigint;
begin
  v_replay := app_private.idempotency_begin('cancel_reservation', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(cancel_reservation.reservation_id, '{owner,manager,front_desk}', 'cancel reservations', true);
  if v_res.status not in ('held', 'confirmed') then
    perform app_private.invalid_transition(v_res, 'cancelled');
  end if;
  if pg_catalog.length(reason) > 500 then
    raise exception using errcode = 'INVLD', message = 'A cancellation reason can be at most 500 characters.';
  end if;
  v_penalty := app_private.cancellation_penalty(v_res, pg_catalog.now());

  perform app_private.release_claims(v_res);
  update app_public.reservations r
     set status = 'cancelled', cancelled_at = pg_catalog.now(), hold_expires_at = null,
         penalty_amount = v_penalty, refund_amount = r.total_amount - v_penalty,
         cancellation_reason = cancel_reservation.reason
   where r.id = v_res.id
  returning * into v_res;

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.cancel_reservation(uuid, text, text) is
  E'Cancels a held or confirmed reservation, applying its cancellation terms (penalty_amount, refund_amount), and frees its unit. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.cancel_reservation.sql
--! Included app_public.check_in.sql
-- Checks a confirmed reservation in, from its arrival date until the last
-- night. The unit must be ready: a dirty unit needs force => true, an
-- out-of-order one a room move first (UNIT_NOT_READY).
create or replace function app_public.check_in(
  reservation_id uuid,
  idempotency_key text,
  force boolean default false
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_today date;
  v_housekeeping app_public.housekeeping_status;
begin
  v_replay := app_private.idempotency_begin('check_in', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'force', force));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(check_in.reservation_id, '{owner,manager,front_desk}', 'check guests in');
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'checked in');
  end if;
  v_today := app_private.local_today(v_res.property_id);
  if v_today < pg_catalog.lower(v_res.stay) then
    raise exception using errcode = 'TRANS',
      message = pg_catalog.format('Check-in opens on the arrival date, %s.', pg_catalog.lower(v_res.stay));
  end if;
  if v_today >= pg_catalog.upper(v_res.stay) then
    raise exception using errcode = 'TRANS', message = 'This stay has already ended; record a no-show or cancel it.';
  end if;
  select u.housekeeping_status into v_housekeeping from app_public.units u where u.id = v_res.unit_id;
  if v_housekeeping = 'out_of_order' or (v_housekeeping = 'dirty' and not coalesce(force, false)) then
    raise exception using errcode = 'UNRDY',
      message = pg_catalog.format('The unit is %s; %s.', pg_catalog.replace(v_housekeeping::text, '_', ' '),
                                  case when v_housekeeping = 'dirty' then 'clean it first or check in with force' else 'move the guest to another unit' end);
  end if;

  update app_public.reservations r set status = 'checked_in', checked_in_at = pg_catalog.now()
   where r.id = v_res.id
  returning * into v_res;
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.check_in(uuid, text, boolean) is
  E'Checks in a confirmed reservation on or after its arrival date. Errors: NTFND, DNIED, INVALID_TRANSITION, UNIT_NOT_READY, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.check_in.sql
--! Included app_public.check_out.sql
-- Checks a guest out. Leaving before the departure date gives the remaining
-- nights back (the claim ends today). The unit becomes dirty.
create or replace function app_public.check_out(
  reservation_id uuid,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_today date;
begin
  v_replay := app_private.idempotency_begin('check_out', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(check_out.reservation_id, '{owner,manager,front_desk}', 'check guests out');
  if v_res.status <> 'checked_in' then
    perform app_private.invalid_transition(v_res, 'checked out');
  end if;
  v_today := app_private.local_today(v_res.property_id);
  if v_today < pg_catalog.upper(v_res.stay) then
    perform app_private.release_claims(v_res, v_today);
  end if;
  update app_public.units u set housekeeping_status = 'dirty'
   where u.property_id = v_res.property_id and u.id = v_res.unit_id and u.housekeeping_status <> 'out_of_order';
  update app_public.reservations r set status = 'checked_out', checked_out_at = pg_catalog.now()
   where r.id = v_res.id
  returning * into v_res;
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.check_out(uuid, text) is
  E'Checks out a checked-in reservation; an early departure frees the remaining nights; the unit becomes dirty. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.check_out.sql
--! Included app_public.mark_no_show.sql
-- Records that a confirmed guest did not arrive (from the arrival date on):
-- the late-cancellation terms apply (penalty_amount) and the unit is freed.
create or replace function app_public.mark_no_show(
  reservation_id uuid,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_penalty bigint;
begin
  v_replay := app_private.idempotency_begin('mark_no_show', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(mark_no_show.reservation_id, '{owner,manager,front_desk}', 'record no-shows');
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'marked as a no-show');
  end if;
  if app_private.local_today(v_res.property_id) < pg_catalog.lower(v_res.stay) then
    raise exception using errcode = 'TRANS',
      message = pg_catalog.format('A no-show can be recorded from the arrival date, %s.', pg_catalog.lower(v_res.stay));
  end if;
  v_penalty := app_private.cancellation_penalty(v_res, pg_catalog.now());
  perform app_private.release_claims(v_res);
  update app_public.reservations r
     set status = 'no_show', no_show_at = pg_catalog.now(), penalty_amount = v_penalty, refund_amount = r.total_amount - v_penalty
   where r.id = v_res.id
  returning * into v_res;
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.mark_no_show(uuid, text) is
  E'Marks a confirmed reservation as a no-show on or after its arrival date: the penalty applies and the unit is freed. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.mark_no_show.sql
--! Included app_public.move_unit.sql
-- Moves a reservation to another unit of the property (any room type: an
-- upgrade keeps the price). A confirmed stay moves whole; a checked-in one
-- from today on, its nights so far staying on the old unit.
create or replace function app_public.move_unit(
  reservation_id uuid,
  unit_id uuid,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_unit app_public.units;
  v_from date;
  v_claim app_public.inventory_claims;
begin
  v_replay := app_private.idempotency_begin('move_unit', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'unit_id', unit_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(move_unit.reservation_id, '{owner,manager,front_desk}', 'move guests');
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'moved');
  end if;
  select * into v_unit from app_public.units u where u.property_id = v_res.property_id and u.id = move_unit.unit_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such unit at this property.';
  end if;
  if v_unit.id = v_res.unit_id then
    raise exception using errcode = 'INVLD', message = 'The reservation is already in that unit.';
  end if;
  if not v_unit.is_active then
    raise exception using errcode = 'UNAVL', message = 'That unit is not in service.';
  end if;
  v_from := case when v_res.status = 'checked_in'
                 then greatest(app_private.local_today(v_res.property_id), pg_catalog.lower(v_res.stay))
                 else pg_catalog.lower(v_res.stay) end;
  if v_from >= pg_catalog.upper(v_res.stay) then
    raise exception using errcode = 'TRANS', message = 'This stay has no nights left to move.';
  end if;

  perform app_private.release_claims(v_res, v_from);
  v_claim := app_private.claim_unit(v_res.property_id, v_unit.room_type_id, pg_catalog.daterange(v_from, pg_catalog.upper(v_res.stay)),
                                    'reservation', reservation_id => v_res.id, preferred_unit_id => v_unit.id, exact_unit => true);
  if v_claim.id is null then
    raise exception using errcode = 'UNAVL', message = 'That unit is taken for some of these nights.';
  end if;
  update app_public.reservations r set unit_id = v_unit.id where r.id = v_res.id returning * into v_res;
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.move_unit(uuid, uuid, text) is
  E'Moves a confirmed or checked-in reservation to another unit (room move; the price is kept). Errors: NTFND, DNIED, INVALID_TRANSITION, UNIT_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.move_unit.sql
--! Included app_public.create_block.sql
-- Blocks a unit for the nights start_date … end_date - 1 (an owner's stay
-- or maintenance). Refused with UNIT_UNAVAILABLE when any of those nights is
-- taken, without saying by whom.
create or replace function app_public.create_block(
  unit_id uuid,
  start_date date,
  end_date date,
  kind app_public.claim_kind,
  idempotency_key text,
  note text default null
) returns app_public.inventory_claims
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_unit app_public.units;
  v_claim app_public.inventory_claims;
begin
  v_replay := app_private.idempotency_begin('create_block', idempotency_key, pg_catalog.jsonb_build_object(
    'unit_id', unit_id, 'start_date', start_date, 'end_date', end_date, 'kind', kind, 'note', note));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.inventory_claims, v_replay);
  end if;
  select * into v_unit from app_public.units u where u.id = create_block.unit_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_unit.property_id, '{owner,manager,front_desk}', 'block units');
  if kind is null or kind not in ('owner_block', 'maintenance_block') then
    raise exception using errcode = 'INVLD', message = 'A block is an owner_block or a maintenance_block.';
  end if;
  if start_date is null or end_date is null or start_date >= end_date or end_date - start_date > 730 then
    raise exception using errcode = 'DATES', message = 'A block needs an end date after its start date, at most 730 days later.';
  end if;
  if start_date < app_private.local_today(v_unit.property_id) then
    raise exception using errcode = 'DATES', message = 'A block cannot start in the past.';
  end if;
  if pg_catalog.length(note) > 500 then
    raise exception using errcode = 'INVLD', message = 'A note can be at most 500 characters.';
  end if;
  v_claim := app_private.claim_unit(v_unit.property_id, v_unit.room_type_id, pg_catalog.daterange(start_date, end_date), kind,
                                    preferred_unit_id => v_unit.id, exact_unit => true, note => create_block.note);
  if v_claim.id is null then
    raise exception using errcode = 'UNAVL', message = 'That unit is taken for some of these nights.';
  end if;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_claim));
  return v_claim;
end;
$$;
comment on function app_public.create_block(uuid, date, date, app_public.claim_kind, text, text) is
  E'Blocks a unit (owner_block or maintenance_block) for the nights from start_date up to end_date. Errors: NTFND, DNIED, DATES, UNIT_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.create_block.sql
--! Included app_public.release_block.sql
-- Releases an owner or maintenance block: its nights are free again.
create or replace function app_public.release_block(
  claim_id uuid,
  idempotency_key text
) returns app_public.inventory_claims
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_claim app_public.inventory_claims;
begin
  v_replay := app_private.idempotency_begin('release_block', idempotency_key, pg_catalog.jsonb_build_object('claim_id', claim_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.inventory_claims, v_replay);
  end if;
  select * into v_claim from app_public.inventory_claims c where c.id = release_block.claim_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_claim.property_id, '{owner,manager,front_desk}', 'release blocks');
  if v_claim.kind not in ('owner_block', 'maintenance_block') then
    raise exception using errcode = 'INVLD', message = 'Only owner and maintenance blocks are released this way.';
  end if;
  if v_claim.released_at is not null then
    raise exception using errcode = 'TRANS', message = 'This block was already released.';
  end if;
  update app_public.inventory_claims c set released_at = pg_catalog.now() where c.id = v_claim.id returning * into v_claim;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_claim));
  return v_claim;
end;
$$;
comment on function app_public.release_block(uuid, text) is
  E'Releases an owner or maintenance block. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.release_block.sql
--! Included app_public.reservation_history.sql
-- Every change to a reservation and its claims, oldest first, from the
-- audit log: who (user and role), when, from which request, old and new
-- values. Staff of the property only.
create or replace function app_public.reservation_history(reservation_id uuid) returns setof app_public.reservation_event
  language plpgsql stable security definer rows 20
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_property_id uuid;
begin
  select r.property_id into v_property_id from app_public.reservations r where r.id = reservation_history.reservation_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such reservation, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_property_id, null, 'see reservation history');
  return query
    select e.occurred_at, e.table_name, e.operation, e.actor_user_id, u.display_name, e.actor_role, e.request_id,
           e.old_values, e.new_values
      from audit.events e
      left join app_public.users u on u.id = e.actor_user_id
     where e.reservation_id = reservation_history.reservation_id
     order by e.id;
end;
$$;
comment on function app_public.reservation_history(uuid) is
  E'The audit trail of a reservation and its claims: who changed what, when, from which request. Staff only. Errors: NTFND.';
--! EndIncluded app_public.reservation_history.sql
--! Included app_public.reservations_arrival.sql
-- Computed columns: the stay's dates and length, as GraphQL fields
-- (arrival, departure, nights) next to the raw `stay` range.
create or replace function app_public.reservations_arrival(r app_public.reservations) returns date
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.lower(r.stay);
$$;
comment on function app_public.reservations_arrival(app_public.reservations) is E'The arrival date (local to the property).';

create or replace function app_public.reservations_departure(r app_public.reservations) returns date
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.upper(r.stay);
$$;
comment on function app_public.reservations_departure(app_public.reservations) is E'The departure date (local to the property); the last night is the day before.';

create or replace function app_public.reservations_nights(r app_public.reservations) returns integer
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.upper(r.stay) - pg_catalog.lower(r.stay);
$$;
comment on function app_public.reservations_nights(app_public.reservations) is E'Number of nights booked.';

create or replace function app_public.inventory_claims_start_date(c app_public.inventory_claims) returns date
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.lower(c.stay);
$$;
comment on function app_public.inventory_claims_start_date(app_public.inventory_claims) is E'The first night the claim takes.';

create or replace function app_public.inventory_claims_end_date(c app_public.inventory_claims) returns date
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.upper(c.stay);
$$;
comment on function app_public.inventory_claims_end_date(app_public.inventory_claims) is E'The day after the last night the claim takes.';
--! EndIncluded app_public.reservations_arrival.sql

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
grant execute on function app_public.reservations_arrival(app_public.reservations), app_public.reservations_departure(app_public.reservations),
  app_public.reservations_nights(app_public.reservations) to keepr_anonymous, keepr_worker;
grant execute on function app_public.inventory_claims_start_date(app_public.inventory_claims),
  app_public.inventory_claims_end_date(app_public.inventory_claims) to keepr_staff, keepr_worker;
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
