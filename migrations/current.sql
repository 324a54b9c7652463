-- Issue 22: extras at booking. Staff mark extras of the property's
-- catalogue (app_public.folio_extras) as bookable by guests, with a pricing
-- basis (per stay, per night, per guest per night) and the most one may
-- take; bookableExtras lists them; quote(..., extras) prices the chosen ones
-- as extra lines with the catalogue's VAT (the signed token carries them),
-- createHold checks them again and keeps them in reservation_extras at the
-- quoted prices, confirmation posts them with the room charges (extras
-- revenue), a change of dates or guests re-prices them by the new nights at
-- their booked prices, and a cancellation refunds them (the penalty is on
-- the room part). Price lines carry the id of their fee (fee_id) or extra
-- (extra_id). docs/booking.md, "Extras".
drop function if exists app_public.bookable_extras(uuid);
drop function if exists app_public.bookable_extras(uuid, text);
drop function if exists app_public.set_extra_translation(uuid, text, text);
drop function if exists app_hidden.extra_translation(uuid, uuid, text);
drop function if exists app_public.quote(uuid, date, date, integer, integer, text);
drop function if exists app_public.quote(uuid, date, date, integer, integer, text, jsonb);
drop function if exists app_private.quote_for(uuid, date, date, integer, integer, bigint, numeric, text, app_public.promo_codes);
drop function if exists app_private.quote_for(uuid, date, date, integer, integer, bigint, numeric, text, app_public.promo_codes, jsonb);
drop function if exists app_private.price_lines(uuid[], date, date, integer, integer, bigint, numeric, text, numeric, bigint, text);
drop function if exists app_private.price_lines(uuid[], date, date, integer, integer, bigint, numeric, text, numeric, bigint, text, jsonb);
drop function if exists app_private.hold_extras(uuid, uuid, jsonb);
drop function if exists app_private.check_extra_limits(uuid, daterange, jsonb, uuid, boolean);
drop function if exists app_private.booked_extras(app_public.reservations);
drop function if exists app_private.booking_extras(uuid, jsonb);

-- The catalogue: which extras guests may book, and how they are priced.
alter table app_public.folio_extras add column if not exists is_bookable boolean not null default false;
alter table app_public.folio_extras add column if not exists booking_basis text not null default 'per_stay';
alter table app_public.folio_extras add column if not exists max_quantity integer not null default 1;
alter table app_public.folio_extras add column if not exists daily_limit integer;
alter table app_public.folio_extras drop constraint if exists folio_extras_daily_limit_check;
alter table app_public.folio_extras add constraint folio_extras_daily_limit_check check (daily_limit between 1 and 100000);
comment on column app_public.folio_extras.daily_limit is E'How many guests'' bookings may have on one night together (parking spaces), or none: no limit. Checked at quote and, under a lock of the extra, at hold and change (EXTRA_SOLD_OUT).';
alter table app_public.folio_extras drop constraint if exists folio_extras_booking_basis_check;
alter table app_public.folio_extras add constraint folio_extras_booking_basis_check
  check (booking_basis in ('per_stay', 'per_night', 'per_guest_night'));
alter table app_public.folio_extras drop constraint if exists folio_extras_max_quantity_check;
alter table app_public.folio_extras add constraint folio_extras_max_quantity_check check (max_quantity between 1 and 99);
comment on column app_public.folio_extras.is_bookable is E'Guests may add it to a stay when they book (bookableExtras, quote(extras)); the desk posts any active extra.';
comment on column app_public.folio_extras.booking_basis is E'How a booked extra is priced: per_stay (× 1, e.g. late check-out), per_night (× nights, e.g. parking) or per_guest_night (× nights × guests, e.g. breakfast), times the quantity chosen.';
comment on column app_public.folio_extras.max_quantity is E'The most a guest may choose of it for one stay (1 to 99).';
grant insert (property_id, name, unit_price, currency, tax_id, is_active, sort_order, is_bookable, booking_basis, max_quantity, daily_limit),
      update (name, unit_price, tax_id, is_active, sort_order, is_bookable, booking_basis, max_quantity, daily_limit)
   on app_public.folio_extras to keepr_staff;

-- Extras' names in the guest's other languages, as fees' (fee_translations).
create table if not exists app_public.extra_translations (
  property_id uuid not null,
  extra_id uuid not null,
  language text not null,
  name text,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  constraint extra_translations_pkey primary key (property_id, extra_id, language),
  constraint extra_translations_extra_id_fkey foreign key (property_id, extra_id)
    references app_public.folio_extras (property_id, id) on delete cascade,
  constraint extra_translations_language_fkey foreign key (language) references app_public.languages (code),
  constraint extra_translations_name_check check (pg_catalog.length(name) between 1 and 200)
);
comment on table app_public.extra_translations is
  E'An extra''s name in another language the guest app speaks; what a translation lacks is the extra''s own (app_hidden.extra_translation, bookableExtras(language)). Written by set_extra_translation; visible to whoever sees the extra.';
comment on column app_public.extra_translations.language is E'A guest-facing language other than the property''s own.';
comment on column app_public.extra_translations.name is E'The name in this language (at most 200 characters).';
comment on constraint extra_translations_extra_id_fkey on app_public.extra_translations is E'@fieldName extra
@foreignFieldName translations';
comment on constraint extra_translations_language_fkey on app_public.extra_translations is E'@behavior -*';
create index if not exists extra_translations_language_idx on app_public.extra_translations (language);
alter table app_public.extra_translations enable row level security;
drop trigger if exists _100_timestamps on app_public.extra_translations;
create trigger _100_timestamps before insert or update on app_public.extra_translations for each row execute function app_private.tg__timestamps();
drop trigger if exists _500_audit on app_public.extra_translations;
create trigger _500_audit after insert or update or delete on app_public.extra_translations for each row execute function audit.tg__record();
grant select on app_public.extra_translations to keepr_staff, keepr_worker;
drop policy if exists select_with_extras on app_public.extra_translations;
create policy select_with_extras on app_public.extra_translations for select to keepr_staff
  using (exists (select 1 from app_public.folio_extras x where x.property_id = extra_translations.property_id and x.id = extra_translations.extra_id));
drop policy if exists worker_all on app_public.extra_translations;
create policy worker_all on app_public.extra_translations for select to keepr_worker using (true);

-- A reservation's total now has a fourth part, its extras.
alter table app_public.reservations add column if not exists extras_amount bigint not null default 0;
comment on column app_public.reservations.extras_amount is E'The extras booked with the stay (extra lines of price_lines, VAT included; reservation_extras), part of total_amount; refunded on cancellation.';
alter table app_public.reservations drop constraint if exists reservations_check3;
alter table app_public.reservations drop constraint if exists reservations_total_parts_check;
alter table app_public.reservations add constraint reservations_total_parts_check
  check (room_amount + fees_amount + taxes_amount + extras_amount = total_amount);
alter table app_public.reservations drop constraint if exists reservations_extras_amount_check;
alter table app_public.reservations add constraint reservations_extras_amount_check check (extras_amount >= 0);

-- What a guest sees of the catalogue.
drop type if exists app_public.bookable_extra;
create type app_public.bookable_extra as (
  id uuid,
  name text,
  basis text,
  unit_price bigint,
  currency character(3),
  max_quantity integer
);
comment on type app_public.bookable_extra is E'An extra guests may add to a stay: price of one in minor units (VAT included), its basis (per_stay, per_night, per_guest_night) and the most one may take.';

-- The extras of a reservation, at the prices it was booked at.
create table if not exists app_public.reservation_extras (
  id uuid not null default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete cascade,
  reservation_id uuid not null,
  extra_id uuid not null,
  position integer not null
    constraint reservation_extras_position_check check (position between 1 and 20),
  name text not null
    constraint reservation_extras_name_check check (pg_catalog.length(name) between 1 and 100),
  basis text not null
    constraint reservation_extras_basis_check check (basis in ('per_stay', 'per_night', 'per_guest_night')),
  unit_price bigint not null
    constraint reservation_extras_unit_price_check check (unit_price > 0 and unit_price <= 100000000000),
  tax_id uuid,
  quantity integer not null
    constraint reservation_extras_quantity_check check (quantity between 1 and 99),
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  constraint reservation_extras_pkey primary key (id, property_id),
  constraint reservation_extras_reservation_extra_key unique (property_id, reservation_id, extra_id),
  constraint reservation_extras_reservation_fkey foreign key (property_id, reservation_id)
    references app_public.reservations (property_id, id) on delete cascade,
  constraint reservation_extras_extra_fkey foreign key (property_id, extra_id)
    references app_public.folio_extras (property_id, id) on delete restrict,
  constraint reservation_extras_tax_fkey foreign key (property_id, tax_id)
    references app_public.taxes (property_id, id) on delete restrict
);
comment on table app_public.reservation_extras is
  E'The extras a guest chose with a booking (createHold keeps those of the quote), at the unit price, basis and VAT of then: they are in the reservation''s price lines (extra lines), posted with the room charges, and re-priced by the new nights on a change.';
comment on column app_public.reservation_extras.position is E'Its place among the booking''s extras (the catalogue''s order at booking).';
comment on column app_public.reservation_extras.name is E'The extra''s name when booked.';
comment on column app_public.reservation_extras.basis is E'per_stay, per_night or per_guest_night, when booked.';
comment on column app_public.reservation_extras.unit_price is E'Price of one when booked, in minor units, VAT included.';
comment on column app_public.reservation_extras.tax_id is E'The VAT included in the price, when booked.';
comment on column app_public.reservation_extras.quantity is E'How many the guest chose (per stay, night or guest-night by basis).';
comment on constraint reservation_extras_pkey on app_public.reservation_extras is E'@rowIdentity id';
comment on constraint reservation_extras_reservation_extra_key on app_public.reservation_extras is E'@behavior -*';
comment on constraint reservation_extras_reservation_fkey on app_public.reservation_extras is E'@fieldName reservation\n@foreignFieldName extras';
comment on constraint reservation_extras_extra_fkey on app_public.reservation_extras is E'@fieldName extra\n@foreignFieldName reservationExtras';
comment on constraint reservation_extras_tax_fkey on app_public.reservation_extras is E'@behavior -*';
create index if not exists reservation_extras_extra_idx on app_public.reservation_extras (property_id, extra_id);
create index if not exists reservation_extras_tax_idx on app_public.reservation_extras (property_id, tax_id) where tax_id is not null;
alter table app_public.reservation_extras enable row level security;
drop trigger if exists _100_timestamps on app_public.reservation_extras;
create trigger _100_timestamps before insert or update on app_public.reservation_extras for each row execute function app_private.tg__timestamps();
drop trigger if exists _500_audit on app_public.reservation_extras;
create trigger _500_audit after insert or update or delete on app_public.reservation_extras for each row execute function audit.tg__record();
grant select on app_public.reservation_extras to keepr_staff;
drop policy if exists select_staff on app_public.reservation_extras;
create policy select_staff on app_public.reservation_extras for select to keepr_staff
  using (property_id in (select app_hidden.current_property_ids()));
-- The guest's messages list a booking's extras (worker/tasks/send_notification.ts).
grant select on app_public.reservation_extras to keepr_worker;
drop policy if exists worker_all on app_public.reservation_extras;
create policy worker_all on app_public.reservation_extras for select to keepr_worker
  using (true);

-- Price lines name their fee or extra; the quote its extras.
do $$
begin
  if not exists (select 1 from pg_catalog.pg_attribute
                  where attrelid = 'app_public.price_line'::pg_catalog.regclass and attname = 'fee_id' and not attisdropped) then
    alter type app_public.price_line add attribute fee_id uuid;
  end if;
  if not exists (select 1 from pg_catalog.pg_attribute
                  where attrelid = 'app_public.price_line'::pg_catalog.regclass and attname = 'extra_id' and not attisdropped) then
    alter type app_public.price_line add attribute extra_id uuid;
  end if;
  if not exists (select 1 from pg_catalog.pg_attribute
                  where attrelid = 'app_public.quote'::pg_catalog.regclass and attname = 'extras_amount' and not attisdropped) then
    alter type app_public.quote add attribute extras_amount bigint;
  end if;
  if not exists (select 1 from pg_catalog.pg_attribute
                  where attrelid = 'app_public.quote'::pg_catalog.regclass and attname = 'extras' and not attisdropped) then
    alter type app_public.quote add attribute extras jsonb;
  end if;
end;
$$;
comment on type app_public.price_line is E'One line of a price: kind night, discount, fee (with its fee_id), extra (with its extra_id) or tax (with its tax_id; the VAT of an extra also with its extra_id); amount in minor units; inclusive taxes are shown but not added.';
comment on column app_public.price_line.fee_id is E'The fee of a fee line.';
comment on column app_public.price_line.extra_id is E'The extra of an extra line, or of the tax line of its VAT.';
comment on column app_public.quote.extras_amount is E'The chosen extras (extra lines, VAT included), part of the total.';
comment on column app_public.quote.extras is E'The chosen extras as priced: extra_id, name, basis, unit_price, tax_id, quantity.';

--! include booking/app_private.price_lines.sql
--! include booking/app_private.quote_for.sql
--! include booking/app_private.booking_extras.sql
--! include booking/app_private.booked_extras.sql
--! include booking/app_private.check_extra_limits.sql
--! include booking/app_private.hold_extras.sql
--! include booking/app_hidden.extra_translation.sql
--! include booking/app_public.set_extra_translation.sql
--! include booking/app_public.bookable_extras.sql
--! include booking/app_public.quote.sql
--! include booking/app_public.quote_change.sql
--! include booking/app_public.modify_reservation.sql
--! include booking/app_public.create_hold.sql
--! include booking/app_private.penalty_base.sql
--! include money/app_private.post_reservation_charges.sql
--! include money/app_private.invoice_lines.sql
grant execute on function app_public.quote(uuid, date, date, integer, integer, text, jsonb) to keepr_anonymous;
grant execute on function app_public.bookable_extras(uuid, text) to keepr_anonymous;
grant execute on function app_public.set_extra_translation(uuid, text, text) to keepr_staff;
-- The notification load reads extras' names through it, as the worker.
grant execute on function app_hidden.extra_translation(uuid, uuid, text) to keepr_worker;
