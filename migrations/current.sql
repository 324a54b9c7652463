-- Issue 21, front desk: walk-in and phone bookings with a unit chosen by the
-- desk and a rate override with its reason (role-checked, limited per
-- property for the front desk, recorded and audited); a guest without email.

-- A walk-in may have no email: the profile has none, no message is sent.
alter table app_public.guests alter column email drop not null;
comment on column app_public.guests.email is E'The guest''s email (unique at the property); null for a guest booked at the desk without one (no messages are sent then).';

-- How much the front desk may take off a room price on its own.
alter table app_public.properties drop column if exists desk_max_discount_percent;
alter table app_public.properties
  add column desk_max_discount_percent numeric(5,2) not null default 10
    constraint properties_desk_max_discount_percent_check check (desk_max_discount_percent between 0 and 100);
comment on column app_public.properties.desk_max_discount_percent is E'The most the front desk may take off a stay''s room price at the desk (percent, 0 to 100; default 10). Managers and owners have no limit.';
grant update (desk_max_discount_percent) on app_public.properties to keepr_staff;

drop function if exists app_public.reservations_rate_override(app_public.reservations);
drop function if exists app_public.create_desk_hold(text, text, integer);
drop function if exists app_public.desk_quote(uuid, date, date, integer, integer, uuid, bigint, numeric, text);
drop function if exists app_private.check_desk_override(uuid, bigint, bigint, numeric, text);
drop table if exists app_public.rate_overrides;
drop function if exists app_private.quote_for(uuid, date, date, integer, integer);
drop function if exists app_private.quote_for(uuid, date, date, integer, integer, bigint, numeric, text);
drop function if exists app_private.price_lines(uuid[], date, date, integer, integer);
drop function if exists app_private.price_lines(uuid[], date, date, integer, integer, bigint, numeric, text);

create table app_public.rate_overrides (
  id uuid not null default gen_random_uuid(),
  property_id uuid not null,
  reservation_id uuid not null,
  kind text not null constraint rate_overrides_kind_check check (kind in ('room_amount', 'discount_percent')),
  quoted_room_amount bigint not null constraint rate_overrides_quoted_room_amount_check check (quoted_room_amount >= 0),
  room_amount bigint not null constraint rate_overrides_room_amount_check check (room_amount >= 0),
  discount_percent numeric(7,2) not null,
  reason text not null constraint rate_overrides_reason_check check (pg_catalog.length(reason) between 3 and 500),
  created_by uuid,
  creator_role app_public.staff_role not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint rate_overrides_pkey primary key (id, property_id),
  constraint rate_overrides_property_id_reservation_id_key unique (property_id, reservation_id),
  constraint rate_overrides_property_id_fkey foreign key (property_id) references app_public.properties (id) on delete cascade,
  constraint rate_overrides_reservation_fkey foreign key (property_id, reservation_id)
    references app_public.reservations (property_id, id) on delete cascade,
  constraint rate_overrides_created_by_fkey foreign key (created_by) references app_public.users (id) on delete set null
);
create index rate_overrides_created_by_idx on app_public.rate_overrides (created_by) where created_by is not null;
comment on table app_public.rate_overrides is E'The price the front desk set for a stay (createDeskHold): the quoted room price, the price given, the effective percent off, why and who. One per reservation; read as Reservation.rateOverride.';
comment on constraint rate_overrides_pkey on app_public.rate_overrides is E'@rowIdentity id';
comment on constraint rate_overrides_reservation_fkey on app_public.rate_overrides is E'@behavior -*';
comment on constraint rate_overrides_property_id_reservation_id_key on app_public.rate_overrides is E'@behavior -*';
comment on column app_public.rate_overrides.kind is E'room_amount (the desk gave the room price) or discount_percent (the desk gave a percent off).';
comment on column app_public.rate_overrides.quoted_room_amount is E'The room price (nights less the length-of-stay discount, minor units) before the override.';
comment on column app_public.rate_overrides.room_amount is E'The room price after the override (minor units); taxes follow it.';
comment on column app_public.rate_overrides.discount_percent is E'The effective percent off the quoted room price (negative when the desk raised it).';
comment on column app_public.rate_overrides.reason is E'Why the price was changed, as the desk wrote it.';
comment on column app_public.rate_overrides.created_by is E'Who set the price.';
comment on column app_public.rate_overrides.creator_role is E'Their role at the property then (what limit applied).';
create trigger _100_timestamps before insert or update on app_public.rate_overrides
  for each row execute function app_private.tg__timestamps();
create trigger _500_audit after insert or update or delete on app_public.rate_overrides
  for each row execute function audit.tg__record();
alter table app_public.rate_overrides enable row level security;
grant select on app_public.rate_overrides to keepr_staff;
create policy select_cashiers on app_public.rate_overrides for select to keepr_staff
  using (property_id in (select app_hidden.current_property_ids_for('cashiers')));

--! include booking/app_private.price_lines.sql
--! include booking/app_private.quote_for.sql
--! include booking/app_private.check_desk_override.sql
--! include booking/app_public.desk_quote.sql
grant execute on function app_public.desk_quote(uuid, date, date, integer, integer, uuid, bigint, numeric, text) to keepr_staff;
--! include booking/app_public.create_desk_hold.sql
grant execute on function app_public.create_desk_hold(text, text, integer) to keepr_staff;
--! include booking/app_public.confirm_booking.sql

--! include booking/app_public.reservations_rate_override.sql
grant execute on function app_public.reservations_rate_override(app_public.reservations) to keepr_staff;

-- Registration cards: the guest's identity document, captured at check-in,
-- readable by the property's front office only, masked for analysts and in
-- the audit log, never published to realtime.
drop view if exists reporting.registration_cards;
drop function if exists app_public.record_registration_card(uuid, text, app_public.identity_document_type, text, text, text, date, date, date, text);
drop function if exists app_private.masked_registration_card(app_public.registration_cards);
drop table if exists app_public.registration_cards;
drop function if exists app_private.tg_registration_cards__audit();
drop function if exists reporting.mask_document_number(text);
drop function if exists app_hidden.is_country_code(text);
drop type if exists app_public.identity_document_type;
alter table app_public.properties drop column if exists registration_card_required;

create type app_public.identity_document_type as enum ('passport', 'national_id', 'driving_licence', 'residence_permit', 'other');
comment on type app_public.identity_document_type is 'The kind of identity document a guest shows at check-in.';

--! include common/app_hidden.is_country_code.sql

create table app_public.registration_cards (
  id uuid not null default gen_random_uuid(),
  property_id uuid not null,
  reservation_id uuid not null,
  full_name text not null constraint registration_cards_full_name_check check (pg_catalog.length(full_name) between 1 and 200),
  document_type app_public.identity_document_type not null,
  document_number text not null constraint registration_cards_document_number_check check (document_number ~ '^[A-Z0-9<-]{3,30}$'),
  issuing_country character(2) not null constraint registration_cards_issuing_country_check check (app_hidden.is_country_code(issuing_country)),
  nationality character(2) not null constraint registration_cards_nationality_check check (app_hidden.is_country_code(nationality)),
  date_of_birth date not null constraint registration_cards_date_of_birth_check check (date_of_birth >= date '1900-01-01'),
  issued_on date not null,
  expires_on date,
  address text constraint registration_cards_address_check check (pg_catalog.length(address) between 1 and 500),
  recorded_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint registration_cards_pkey primary key (id, property_id),
  constraint registration_cards_property_id_reservation_id_key unique (property_id, reservation_id),
  constraint registration_cards_property_id_fkey foreign key (property_id) references app_public.properties (id) on delete cascade,
  constraint registration_cards_reservation_fkey foreign key (property_id, reservation_id)
    references app_public.reservations (property_id, id) on delete cascade,
  constraint registration_cards_recorded_by_fkey foreign key (recorded_by) references app_public.users (id) on delete set null,
  constraint registration_cards_dates_check check (issued_on >= date_of_birth and (expires_on is null or expires_on > issued_on))
);
create index registration_cards_recorded_by_idx on app_public.registration_cards (recorded_by) where recorded_by is not null;
comment on table app_public.registration_cards is E'@behavior -insert -update -delete\nThe registration card of a stay: the guest''s identity document as the desk recorded it at check-in (recordRegistrationCard), printable at /registration-cards/<reservation id>.pdf. Read by the property''s front office only (owner, manager, front desk); analysts see reporting.registration_cards, masked; never published to realtime; audited with the number and date of birth masked.';
comment on constraint registration_cards_pkey on app_public.registration_cards is E'@rowIdentity id';
comment on constraint registration_cards_property_id_reservation_id_key on app_public.registration_cards is E'@behavior -*';
comment on constraint registration_cards_reservation_fkey on app_public.registration_cards is E'@fieldName reservation\n@foreignFieldName registrationCard';
comment on constraint registration_cards_recorded_by_fkey on app_public.registration_cards is E'@fieldName recordedByUser';
comment on column app_public.registration_cards.full_name is E'The guest''s name as on the document.';
comment on column app_public.registration_cards.document_type is E'Passport, national identity card, driving licence, residence permit or other.';
comment on column app_public.registration_cards.document_number is E'The document''s number, upper-case, without spaces (3 to 30 letters, digits, < or -).';
comment on column app_public.registration_cards.issuing_country is E'The country that issued the document (ISO 3166-1 alpha-2).';
comment on column app_public.registration_cards.nationality is E'The guest''s nationality (ISO 3166-1 alpha-2).';
comment on column app_public.registration_cards.date_of_birth is E'The guest''s date of birth.';
comment on column app_public.registration_cards.issued_on is E'When the document was issued.';
comment on column app_public.registration_cards.expires_on is E'When the document expires (null: it does not); it was valid when recorded.';
comment on column app_public.registration_cards.address is E'The guest''s home address, when the country asks for it.';
comment on column app_public.registration_cards.recorded_by is E'Who recorded or last corrected the card.';
--! include operations/reporting.mask_document_number.sql
grant execute on function reporting.mask_document_number(text) to keepr_analyst;
--! include booking/app_private.masked_registration_card.sql
--! include booking/app_private.tg_registration_cards__audit.sql
create trigger _100_timestamps before insert or update on app_public.registration_cards
  for each row execute function app_private.tg__timestamps();
create trigger _500_audit after insert or update or delete on app_public.registration_cards
  for each row execute function app_private.tg_registration_cards__audit();
alter table app_public.registration_cards enable row level security;
grant select on app_public.registration_cards to keepr_staff;
create policy select_front_office on app_public.registration_cards for select to keepr_staff
  using (property_id in (select app_hidden.current_property_ids_for('front_office')));

--! include booking/app_public.record_registration_card.sql
grant execute on function app_public.record_registration_card(uuid, text, app_public.identity_document_type, text, text, text, date, date, date, text) to keepr_staff;

create view reporting.registration_cards with (security_barrier) as
  select c.id, c.property_id, c.reservation_id, c.document_type, c.issuing_country, c.nationality,
         reporting.mask_document_number(c.document_number) as document_number_masked,
         pg_catalog.date_part('year', c.date_of_birth)::integer as birth_year,
         c.expires_on, c.created_at, c.updated_at
    from app_public.registration_cards c;
grant select on reporting.registration_cards to keepr_analyst;
comment on view reporting.registration_cards is 'Registration cards without the guest''s identity: document type, countries, the number masked, the year of birth.';

-- A property may require the card before check-in (as the law of many countries does).
alter table app_public.properties
  add column registration_card_required boolean not null default false;
comment on column app_public.properties.registration_card_required is E'Whether checkIn refuses a stay without a registration card (REGISTRATION_CARD_REQUIRED).';
grant update (registration_card_required) on app_public.properties to keepr_staff;
--! include booking/app_public.check_in.sql
