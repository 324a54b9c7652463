-- Issue 22: promo codes. A property's codes (percent or amount off the room
-- price, optional rate plans, stay-date and booking-date windows, a number
-- of uses or unlimited, an active flag), kept by owners and managers through
-- createPromoCode and setPromoCodeActive. quote(..., promoCode) applies one
-- as a discount line of the room price (the signed quote token carries it),
-- createHold checks it again and keeps it on the reservation, and
-- confirmBooking counts the use atomically (PROMO_CODE when it is used up
-- meanwhile). On the folio the discount is part of the room charge. A
-- booking keeps its code's discount when its dates or guests change
-- (quoteChange, modifyReservation).
drop function if exists app_public.set_promo_code_active(uuid, boolean);
drop function if exists app_public.create_promo_code(uuid, text, numeric, bigint, uuid[], date, date, date, date, integer);
drop function if exists app_public.quote(uuid, date, date, integer, integer);
drop function if exists app_public.quote(uuid, date, date, integer, integer, text);
drop function if exists app_private.quote_for(uuid, date, date, integer, integer, bigint, numeric, text);
drop function if exists app_private.quote_for(uuid, date, date, integer, integer, bigint, numeric, text, app_public.promo_codes);
drop function if exists app_private.price_lines(uuid[], date, date, integer, integer, bigint, numeric, text);
drop function if exists app_private.price_lines(uuid[], date, date, integer, integer, bigint, numeric, text, numeric, bigint, text);
drop function if exists app_private.check_promo_code(uuid, uuid, date, date, text);

create table if not exists app_public.promo_codes (
  id uuid not null default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete cascade,
  code text not null
    constraint promo_codes_code_check check (code ~ '^[A-Z0-9][A-Z0-9_-]{2,31}$'),
  percent_off numeric(5,2)
    constraint promo_codes_percent_off_check check (percent_off > 0 and percent_off <= 100),
  amount_off bigint
    constraint promo_codes_amount_off_check check (amount_off > 0 and amount_off <= 100000000000),
  currency character(3) not null,
  rate_plan_ids uuid[]
    constraint promo_codes_rate_plan_ids_check check (pg_catalog.cardinality(rate_plan_ids) between 1 and 100),
  stays_from date,
  stays_until date,
  bookable_from date,
  bookable_until date,
  max_uses integer
    constraint promo_codes_max_uses_check check (max_uses between 1 and 1000000),
  uses integer not null default 0,
  is_active boolean not null default true,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  constraint promo_codes_pkey primary key (id, property_id),
  constraint promo_codes_property_id_id_key unique (property_id, id),
  constraint promo_codes_property_id_code_key unique (property_id, code),
  constraint promo_codes_property_id_currency_fkey foreign key (property_id, currency)
    references app_public.properties (id, currency) on delete cascade,
  constraint promo_codes_one_discount_check check (pg_catalog.num_nonnulls(percent_off, amount_off) = 1),
  constraint promo_codes_stays_check check (stays_until >= stays_from),
  constraint promo_codes_bookable_check check (bookable_until >= bookable_from),
  constraint promo_codes_uses_check check (uses >= 0 and (max_uses is null or uses <= max_uses))
);
comment on table app_public.promo_codes is
  E'The property''s promo codes: percent or amount off the room price of a stay (after any length-of-stay discount), written by createPromoCode and setPromoCodeActive. quote(promoCode) applies one; confirmBooking counts its use.';
comment on column app_public.promo_codes.code is E'The code guests type, stored upper case (guests may type it in any case): 3 to 32 letters, digits, - and _, unique at the property.';
comment on column app_public.promo_codes.percent_off is E'Percent off the room price (0.01 to 100); or amount_off.';
comment on column app_public.promo_codes.amount_off is E'Minor units off the room price of the stay, never more than the room price; or percent_off.';
comment on column app_public.promo_codes.currency is E'The property''s currency (of amount_off).';
comment on column app_public.promo_codes.rate_plan_ids is E'The rate plans it applies to; none: every rate plan of the property.';
comment on column app_public.promo_codes.stays_from is E'First night a stay may include; none: no limit.';
comment on column app_public.promo_codes.stays_until is E'Last night a stay may include; none: no limit.';
comment on column app_public.promo_codes.bookable_from is E'First day (the property''s calendar) it may be used to book; none: from now.';
comment on column app_public.promo_codes.bookable_until is E'Last day (the property''s calendar) it may be used to book; none: no end.';
comment on column app_public.promo_codes.max_uses is E'How many confirmed bookings may use it; none: unlimited.';
comment on column app_public.promo_codes.uses is E'Confirmed bookings that used it (a cancellation does not give the use back).';
comment on column app_public.promo_codes.is_active is E'False: deactivated, refused by quote and at hold and confirmation.';
comment on constraint promo_codes_pkey on app_public.promo_codes is E'@rowIdentity id';
comment on constraint promo_codes_property_id_id_key on app_public.promo_codes is E'@behavior -*';
comment on constraint promo_codes_property_id_code_key on app_public.promo_codes is E'@behavior -*';
comment on constraint promo_codes_property_id_currency_fkey on app_public.promo_codes is E'@behavior -*';
alter table app_public.promo_codes enable row level security;
drop trigger if exists _100_timestamps on app_public.promo_codes;
create trigger _100_timestamps before insert or update on app_public.promo_codes for each row execute function app_private.tg__timestamps();
drop trigger if exists _500_audit on app_public.promo_codes;
create trigger _500_audit after insert or update or delete on app_public.promo_codes for each row execute function audit.tg__record();
grant select on app_public.promo_codes to keepr_staff;
drop policy if exists select_managers on app_public.promo_codes;
create policy select_managers on app_public.promo_codes for select to keepr_staff
  using (property_id in (select app_hidden.current_property_ids_for('managers')));

alter table app_public.reservations add column if not exists promo_code_id uuid;
comment on column app_public.reservations.promo_code_id is E'The promo code whose discount is in the price (a discount line), counted as used at confirmation.';
alter table app_public.reservations drop constraint if exists reservations_property_id_promo_code_id_fkey;
alter table app_public.reservations add constraint reservations_property_id_promo_code_id_fkey
  foreign key (property_id, promo_code_id) references app_public.promo_codes (property_id, id) on delete restrict;
comment on constraint reservations_property_id_promo_code_id_fkey on app_public.reservations is E'@fieldName promoCode\n@foreignFieldName reservations';
create index if not exists reservations_promo_code_idx on app_public.reservations (property_id, promo_code_id) where promo_code_id is not null;

-- The quote (and so its signed token) names the promo code it applied.
do $$
begin
  if not exists (select 1 from pg_catalog.pg_attribute
                  where attrelid = 'app_public.quote'::pg_catalog.regclass and attname = 'promo_code' and not attisdropped) then
    alter type app_public.quote add attribute promo_code text;
  end if;
end;
$$;
comment on column app_public.quote.promo_code is E'The promo code applied (its discount is a discount line of the room price), or none.';

--! include booking/app_private.price_lines.sql
--! include booking/app_private.quote_for.sql
--! include booking/app_private.check_promo_code.sql
--! include booking/app_public.quote.sql
grant execute on function app_public.quote(uuid, date, date, integer, integer, text) to keepr_anonymous;
--! include booking/app_public.quote_change.sql
--! include booking/app_public.modify_reservation.sql
--! include booking/app_public.create_hold.sql
--! include booking/app_public.confirm_booking.sql
--! include booking/app_public.create_promo_code.sql
grant execute on function app_public.create_promo_code(uuid, text, numeric, bigint, uuid[], date, date, date, date, integer) to keepr_staff;
--! include booking/app_public.set_promo_code_active.sql
grant execute on function app_public.set_promo_code_active(uuid, boolean) to keepr_staff;
