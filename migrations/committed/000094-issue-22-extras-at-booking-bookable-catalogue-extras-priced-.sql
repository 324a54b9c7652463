--! Previous: sha1:8dd0a7dec2eaf2ca73a2a175b283a0ad447bf322
--! Hash: sha1:3035a761829dd6ea20275c5e1cef8e2d7e2e94ea
--! Message: Issue 22: extras at booking (bookable catalogue extras priced per stay, night or guest-night, a daily limit, on the quote, the hold, the folio and invoices; refunded on cancellation); price lines name their fee or extra

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

--! Included booking/app_private.price_lines.sql
-- Prices a stay on any number of rate plans at once (search prices many,
-- quote one), as lines per plan:
--   night     one per date: the calendar price (or the plan's base price)
--             plus extra-adult and extra-child fees for guests beyond the
--             included ones (adults fill the included places first); for a
--             derived plan (parent_rate_plan_id) the price is its parent's
--             for that date (calendar or base price) adjusted
--             (app_private.derived_price), its extra-guest fees its own;
--   discount  the largest length-of-stay discount the stay qualifies for,
--             a percent of the nights' sum; and the front desk's rate
--             override (desk_room_amount: the room part, nights less the
--             length-of-stay discount, becomes that amount; or
--             desk_percent_off: that percent off it), one line described
--             by desk_note, which may raise the price as well as lower it;
--             and a promo code's (promo_percent_off, or promo_amount_off
--             capped at the room part), on the room part after the
--             length-of-stay discount, one line described by promo_note;
--   fee       per stay, per night or per guest-night (with its fee_id);
--   extra     (with its extra_id) an extra the guest chose (extras: the
--             resolved choice of app_private.booking_extras, or a booking's
--             own, app_private.booked_extras, at the prices it was booked
--             at): quantity × 1 per stay, × nights per night, × nights ×
--             guests per guest per night, at the unit price, which includes
--             the VAT of its tax_id: that VAT is a tax line of its own
--             (inclusive, with the extra_id), apart from the room's taxes;
--   tax       (with its tax_id) a percent of the room total (plus fees when the tax says so),
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
  children integer,
  desk_room_amount bigint default null,
  desk_percent_off numeric default null,
  desk_note text default null,
  promo_percent_off numeric default null,
  promo_amount_off bigint default null,
  promo_note text default null,
  extras jsonb default null
) returns table (
  rate_plan_id uuid,
  line_no integer,
  kind text,
  date date,
  description text,
  quantity integer,
  amount bigint,
  is_inclusive boolean,
  tax_id uuid,
  fee_id uuid,
  extra_id uuid
)
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return query
    with plans as (
      -- price_plan_id: the plan whose calendar and base price make the
      -- night's price (the parent of a derived plan, else the plan itself).
      -- The parent's row is read only for a derived plan (a plan of its own
      -- costs no extra probe).
      select rp.id, rp.property_id, rp.room_type_id, coalesce(rp.parent_rate_plan_id, rp.id) as price_plan_id,
             case when rp.parent_rate_plan_id is null then rp.base_price
                  else (select par.base_price from app_public.rate_plans par
                         where par.property_id = rp.property_id and par.id = rp.parent_rate_plan_id) end as base_price,
             rp.adjustment_percent, rp.adjustment_amount, rp.rounding_step,
             rp.extra_adult_fee, rp.extra_child_fee,
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
             app_private.derived_price(
               coalesce((select c.price from app_public.rate_calendar c
                          where c.property_id = p.property_id and c.rate_plan_id = p.price_plan_id and c.date = d.date),
                        p.base_price),
               p.adjustment_percent, p.adjustment_amount, p.rounding_step)
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
    los_totals as (
      select r.rate_plan_id, r.subtotal + coalesce(d.amount, 0) as amount
        from room r left join discounts d on d.rate_plan_id = r.rate_plan_id
    ),
    desk as (
      -- The desk's override, on the room part after the length-of-stay
      -- discount (app_public.desk_quote checks who may give how much).
      select lt.rate_plan_id,
             case when price_lines.desk_room_amount is not null then price_lines.desk_room_amount - lt.amount
                  else -round(lt.amount * price_lines.desk_percent_off / 100) end as amount
        from los_totals lt
       where price_lines.desk_room_amount is not null or price_lines.desk_percent_off is not null
    ),
    promo as (
      -- A promo code's discount (app_private.check_promo_code says whether
      -- it applies), on the room part after the length-of-stay discount.
      select lt.rate_plan_id,
             case when price_lines.promo_amount_off is not null then -least(price_lines.promo_amount_off, greatest(lt.amount, 0))
                  else -round(lt.amount * price_lines.promo_percent_off / 100) end as amount
        from los_totals lt
       where price_lines.promo_amount_off is not null or price_lines.promo_percent_off is not null
    ),
    room_totals as (
      select lt.rate_plan_id, lt.amount + coalesce(k.amount, 0) + coalesce(pr.amount, 0) as amount
        from los_totals lt
        left join desk k on k.rate_plan_id = lt.rate_plan_id
        left join promo pr on pr.rate_plan_id = lt.rate_plan_id
    ),
    fee_lines as (
      select p.id as rate_plan_id, f.id as fee_id, f.name, f.basis, f.amount as unit_amount,
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
    extra_lines as (
      select p.id as rate_plan_id, x.extra_id, x.name, x.basis, x.unit_price, x.tax_id, x.quantity as chosen,
             x.quantity * case x.basis
                            when 'per_stay' then 1
                            when 'per_night' then p.nights
                            else p.nights * (price_lines.adults + price_lines.children)
                          end as quantity
        from plans p
        cross join pg_catalog.jsonb_to_recordset(coalesce(price_lines.extras, '[]'))
             as x(extra_id uuid, name text, basis text, unit_price bigint, tax_id uuid, quantity integer)
    ),
    extra_tax_lines as (
      select e.rate_plan_id, e.extra_id, t.id as tax_id, t.name, t.percent,
             round(e.quantity * e.unit_price * t.percent / (100 + t.percent)) as amount
        from extra_lines e
        join plans p on p.id = e.rate_plan_id
        join app_public.taxes t on t.property_id = p.property_id and t.id = e.tax_id and t.basis = 'percent_of_room'
    ),
    fee_totals as (
      select f.rate_plan_id, sum(f.quantity * f.unit_amount) as amount from fee_lines f group by f.rate_plan_id
    ),
    tax_lines as (
      select p.id as rate_plan_id, t.id as tax_id, t.name, t.basis, t.percent, t.is_inclusive,
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
           l.kind, l.date, l.description, l.quantity, l.amount::bigint, l.is_inclusive, l.tax_id, l.fee_id, l.extra_id
      from (
        select n.rate_plan_id, 1 as section, 'night' as kind, n.date,
               'Night of ' || pg_catalog.to_char(n.date, 'Dy DD Mon YYYY')
                 || case when n.extra_adults + n.extra_children > 0
                         then pg_catalog.format(' (incl. %s extra guest%s)', n.extra_adults + n.extra_children,
                                                case when n.extra_adults + n.extra_children > 1 then 's' else '' end)
                         else '' end as description,
               1 as quantity, n.amount, false as is_inclusive, null::uuid as tax_id, null::uuid as fee_id, null::uuid as extra_id
          from nights n
        union all
        select d.rate_plan_id, 2, 'discount', null,
               pg_catalog.format('%s%% off stays of %s nights or more', pg_catalog.trim_scale(d.percent_off), d.min_nights),
               1, d.amount, false, null, null, null
          from discounts d
        union all
        select k.rate_plan_id, 2, 'discount', null,
               coalesce(price_lines.desk_note, 'Rate set by the front desk'), 1, k.amount, false, null, null, null
          from desk k
        union all
        select pr.rate_plan_id, 2, 'discount', null,
               coalesce(price_lines.promo_note, 'Promo code'), 1, pr.amount, false, null, null, null
          from promo pr
        union all
        select f.rate_plan_id, 3, 'fee', null,
               f.name || case f.basis when 'per_night' then ' (per night)' when 'per_guest_night' then ' (per guest per night)' else '' end,
               f.quantity, f.quantity * f.unit_amount, false, null, f.fee_id, null
          from fee_lines f
        union all
        select e.rate_plan_id, 3, 'extra', null,
               e.name || case when e.chosen > 1 then ' × ' || e.chosen else '' end
                      || case e.basis when 'per_night' then ' (per night)' when 'per_guest_night' then ' (per guest per night)' else '' end,
               e.quantity, e.quantity * e.unit_price, false, null, null, e.extra_id
          from extra_lines e
        union all
        select x.rate_plan_id, 5, 'tax', null,
               pg_catalog.format('%s (%s%%, included) on %s', x.name, pg_catalog.trim_scale(x.percent),
                                 (select e.name from extra_lines e where e.rate_plan_id = x.rate_plan_id and e.extra_id = x.extra_id)),
               1, x.amount, true, x.tax_id, null, x.extra_id
          from extra_tax_lines x
        union all
        select t.rate_plan_id, 4, 'tax', null,
               t.name || case t.basis
                           when 'percent_of_room' then pg_catalog.format(' (%s%%%s)', pg_catalog.trim_scale(t.percent),
                                                                         case when t.is_inclusive then ', included' else '' end)
                           when 'per_night' then ' (per night' || case when t.is_inclusive then ', included' else '' end || ')'
                           else ' (per person per night' || case when t.is_inclusive then ', included' else '' end || ')'
                         end,
               t.quantity, t.quantity * t.unit_amount, t.is_inclusive, t.tax_id, null, null
          from tax_lines t
      ) l;
end;
$$;
comment on function app_private.price_lines(uuid[], date, date, integer, integer, bigint, numeric, text, numeric, bigint, text, jsonb) is
  E'The price of a stay on each given rate plan, as lines (night, discount, fee with its fee_id, extra with its extra_id, tax with its tax_id) in minor units, with the front desk''s override, a promo code''s discount and the chosen extras when given.';
--! EndIncluded booking/app_private.price_lines.sql
--! Included booking/app_private.quote_for.sql
-- The priced stay on one rate plan, with totals, cancellation terms and
-- units left; no restriction checks, no token (callers add what they need).
-- Cancellation: free until free_cancellation_days before the arrival date at
-- the property's check-in time (local); after that the penalty is
-- round(base × nights charged / nights) or round(base × percent / 100);
-- non-refundable rates charge the base. The base is the total less the
-- taxes a penalty does not carry (taxes.applies_to_penalty: a city tax per
-- person-night is owed only for nights stayed), as
-- app_private.penalty_base says for a reservation. The desk_* arguments are
-- the front desk's rate override (app_private.price_lines); promo a promo
-- code whose discount the price includes (a discount line 'Promo code X',
-- the quote's promo_code), which the caller has checked
-- (app_private.check_promo_code) or a booking already has. extras: the
-- extras chosen (app_private.booking_extras, or a booking's own,
-- app_private.booked_extras), priced as extra lines with their VAT; they are
-- in the total but not in the penalty's base: a cancellation refunds them
-- (docs/booking.md, "Extras").
create or replace function app_private.quote_for(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer,
  children integer,
  desk_room_amount bigint default null,
  desk_percent_off numeric default null,
  desk_note text default null,
  promo app_public.promo_codes default null,
  extras jsonb default null
) returns app_public.quote
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return (
      with lines as (
        select l.*, tx.name as tax_name, coalesce(tx.applies_to_penalty, true) or l.extra_id is not null as carried_by_penalty
          from app_private.price_lines(array[quote_for.rate_plan_id], quote_for.arrival, quote_for.departure,
                                       quote_for.adults, quote_for.children,
                                       quote_for.desk_room_amount, quote_for.desk_percent_off, quote_for.desk_note,
                                       (quote_for.promo).percent_off, (quote_for.promo).amount_off,
                                       'Promo code ' || (quote_for.promo).code
                                         || coalesce(pg_catalog.format(' (%s%% off)', pg_catalog.trim_scale((quote_for.promo).percent_off)), ''),
                                       quote_for.extras) l
          left join app_public.taxes tx on l.kind = 'tax' and tx.id = l.tax_id
      ),
      totals as (
        select coalesce(sum(l.amount) filter (where l.kind in ('night', 'discount')), 0)::bigint as room_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'fee'), 0)::bigint as fees_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'extra'), 0)::bigint as extras_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and not l.is_inclusive), 0)::bigint as taxes_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and l.is_inclusive), 0)::bigint as included_taxes_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and not l.carried_by_penalty), 0)::bigint as penalty_free_amount,
               pg_catalog.string_agg(l.tax_name, ' and ' order by l.line_no) filter (where l.kind = 'tax' and not l.carried_by_penalty) as penalty_free_taxes,
               pg_catalog.array_agg((l.kind, l.date, l.description, l.quantity, l.amount, l.is_inclusive, l.tax_id, l.fee_id, l.extra_id)::app_public.price_line
                                    order by l.line_no) as lines
          from lines l
      ),
      terms as (
        select rp.*, p.time_zone, p.check_in_time,
               t.room_amount + t.fees_amount + t.taxes_amount + t.extras_amount as total_amount,
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
        end || case when t.extras_amount > 0 then ' Extras are refunded on cancellation.' else '' end,
        coalesce((select l.units_left from app_private.room_type_units_left(array[x.property_id], pg_catalog.daterange(quote_for.arrival, quote_for.departure),
                                                                              x.room_type_id) l), 0),
        null, null, (quote_for.promo).code, t.extras_amount, quote_for.extras
      )::app_public.quote
        from terms x cross join totals t
  );
end;
$$;
comment on function app_private.quote_for(uuid, date, date, integer, integer, bigint, numeric, text, app_public.promo_codes, jsonb) is
  E'Prices a stay on one rate plan: lines, totals, cancellation terms and units left (no restriction checks), with the front desk''s rate override, a promo code''s discount and the chosen extras when given (app_private.price_lines); extras are not in the penalty''s base.';
--! EndIncluded booking/app_private.quote_for.sql
--! Included booking/app_private.booking_extras.sql
-- The extras a guest chose for a stay (quote's `extras`: a JSON array of
-- {"extraId": "<uuid>", "quantity": n}), checked against the property's
-- catalogue and resolved to what price_lines needs: a JSON array of
-- {extra_id, name, basis, unit_price, tax_id, quantity} sorted by the
-- catalogue's order. Refusals are INVALID_INPUT with a reason (hint):
-- EXTRAS (not an array of {extraId, quantity}, more than 20, an extra twice),
-- EXTRA_UNKNOWN (no such extra at this property: the same answer for an
-- unknown id and another property's), EXTRA_NOT_BOOKABLE (guests may not
-- book it, or its tax is not a percentage), EXTRA_INACTIVE (withdrawn from
-- the catalogue) and EXTRA_QUANTITY (not 1 to the extra's max_quantity).
-- Called by quote (prices at today's catalogue) and again by create_hold
-- (the catalogue may have changed since the quote; the quoted price stands).
create or replace function app_private.booking_extras(property_id uuid, extras jsonb) returns jsonb
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_item jsonb;
  v_id uuid;
  v_quantity integer;
  v_extra app_public.folio_extras;
  v_tax_basis text;
  v_ids uuid[] := '{}';
  v_result jsonb := '[]';
begin
  if extras is null or extras = 'null'::jsonb or extras = '[]'::jsonb then
    return null;
  end if;
  if pg_catalog.jsonb_typeof(extras) <> 'array' or pg_catalog.jsonb_array_length(extras) > 20 then
    raise exception using errcode = 'INVLD', hint = 'EXTRAS',
      message = 'Extras must be a list of at most 20 items, each with an extraId and a quantity.';
  end if;
  for v_item in select e from pg_catalog.jsonb_array_elements(extras) e loop
    if pg_catalog.jsonb_typeof(v_item) <> 'object'
       or pg_catalog.jsonb_typeof(v_item -> 'extraId') is distinct from 'string'
       or (v_item ->> 'extraId') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      raise exception using errcode = 'INVLD', hint = 'EXTRAS',
        message = 'Each extra needs an extraId (the id of an extra of the property) and a quantity.';
    end if;
    v_id := (v_item ->> 'extraId')::uuid;
    if v_id = any (v_ids) then
      raise exception using errcode = 'INVLD', hint = 'EXTRAS', message = 'An extra is listed twice; give it once with its quantity.';
    end if;
    v_ids := v_ids || v_id;
    select * into v_extra from app_public.folio_extras e
     where e.property_id = booking_extras.property_id and e.id = v_id;
    if not found then
      raise exception using errcode = 'INVLD', hint = 'EXTRA_UNKNOWN', message = 'This extra is not offered here.';
    end if;
    if not v_extra.is_active then
      raise exception using errcode = 'INVLD', hint = 'EXTRA_INACTIVE',
        message = pg_catalog.format('%s is no longer offered; choose again.', v_extra.name);
    end if;
    select t.basis into v_tax_basis from app_public.taxes t
     where t.property_id = v_extra.property_id and t.id = v_extra.tax_id;
    if not v_extra.is_bookable or (v_extra.tax_id is not null and v_tax_basis is distinct from 'percent_of_room') then
      raise exception using errcode = 'INVLD', hint = 'EXTRA_NOT_BOOKABLE',
        message = pg_catalog.format('%s cannot be booked online; ask the property.', v_extra.name);
    end if;
    if pg_catalog.jsonb_typeof(v_item -> 'quantity') is distinct from 'number'
       or (v_item ->> 'quantity') !~ '^[0-9]{1,9}$'
       or (v_item ->> 'quantity')::integer not between 1 and v_extra.max_quantity then
      raise exception using errcode = 'INVLD', hint = 'EXTRA_QUANTITY',
        message = pg_catalog.format('%s: choose 1 to %s.', v_extra.name, v_extra.max_quantity);
    end if;
    v_quantity := (v_item ->> 'quantity')::integer;
    v_result := v_result || pg_catalog.jsonb_build_object(
      'extra_id', v_extra.id, 'name', v_extra.name, 'basis', v_extra.booking_basis, 'unit_price', v_extra.unit_price,
      'tax_id', v_extra.tax_id, 'quantity', v_quantity, 'sort_order', v_extra.sort_order);
  end loop;
  return (select pg_catalog.jsonb_agg(e - 'sort_order' order by (e ->> 'sort_order')::integer, e ->> 'name')
            from pg_catalog.jsonb_array_elements(v_result) e);
end;
$$;
comment on function app_private.booking_extras(uuid, jsonb) is
  E'The extras chosen for a stay ([{extraId, quantity}]) checked against the property''s catalogue (bookable, active, quantity 1 to max_quantity) and resolved for pricing; INVALID_INPUT with reason EXTRAS, EXTRA_UNKNOWN, EXTRA_NOT_BOOKABLE, EXTRA_INACTIVE or EXTRA_QUANTITY.';
--! EndIncluded booking/app_private.booking_extras.sql
--! Included booking/app_private.booked_extras.sql
-- A booking's extras as app_private.price_lines takes them: what was chosen
-- at booking (app_public.reservation_extras), at the unit price and basis
-- of then, so a change of dates or guests re-prices them by the new nights
-- and guests, never by today's catalogue.
create or replace function app_private.booked_extras(reservation app_public.reservations) returns jsonb
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'extra_id', x.extra_id, 'name', x.name, 'basis', x.basis, 'unit_price', x.unit_price,
           'tax_id', x.tax_id, 'quantity', x.quantity) order by x.position)
    from app_public.reservation_extras x
   where x.property_id = (booked_extras.reservation).property_id and x.reservation_id = (booked_extras.reservation).id;
$$;
comment on function app_private.booked_extras(app_public.reservations) is
  E'A reservation''s booked extras (reservation_extras) as price_lines takes them, at the prices they were booked at.';
--! EndIncluded booking/app_private.booked_extras.sql
--! Included booking/app_private.check_extra_limits.sql
-- Refuses extras that would take more than an extra's daily_limit on some
-- night of a stay (parking spaces): what the property's live bookings took
-- that night (confirmed, in house, or held and not expired; `reservation_id`
-- left out, so a change does not count itself) plus the quantity asked.
-- An extra counts on every night of its booking's stay, whatever its basis.
-- INVALID_INPUT, reason EXTRA_SOLD_OUT. With `lock` (createHold, a change),
-- the extra's row is locked first (FOR NO KEY UPDATE, in id order), so two
-- holds racing for the last space are serialised: the second counts the
-- first's once it commits. quote checks without the lock (a hint; the hold
-- decides). Extras without a limit cost nothing here.
create or replace function app_private.check_extra_limits(
  property_id uuid,
  stay daterange,
  extras jsonb,
  reservation_id uuid default null,
  lock boolean default false
) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_item record;
  v_used integer;
begin
  for v_item in
    select e.id, e.name, e.daily_limit, x.quantity
      from pg_catalog.jsonb_to_recordset(coalesce(extras, '[]')) as x(extra_id uuid, quantity integer)
      join app_public.folio_extras e on e.property_id = check_extra_limits.property_id and e.id = x.extra_id
     where e.daily_limit is not null
     order by e.id
  loop
    if lock then
      perform 1 from app_public.folio_extras e
       where e.property_id = check_extra_limits.property_id and e.id = v_item.id
         for no key update;
    end if;
    select coalesce(max(n.used), 0) into v_used
      from (select d.night, sum(rx.quantity) as used
              from pg_catalog.generate_series(pg_catalog.lower(stay), pg_catalog.upper(stay) - 1, interval '1 day') as d(night)
              join app_public.reservation_extras rx
                on rx.property_id = check_extra_limits.property_id and rx.extra_id = v_item.id
              join app_public.reservations r
                on r.property_id = rx.property_id and r.id = rx.reservation_id
             where r.stay @> d.night::date
               and r.id is distinct from check_extra_limits.reservation_id
               and (r.status in ('confirmed', 'checked_in') or (r.status = 'held' and r.hold_expires_at > pg_catalog.now()))
             group by d.night) n;
    if v_used + v_item.quantity > v_item.daily_limit then
      raise exception using errcode = 'INVLD', hint = 'EXTRA_SOLD_OUT',
        message = pg_catalog.format('%s is fully booked for these dates (%s left).', v_item.name, greatest(v_item.daily_limit - v_used, 0));
    end if;
  end loop;
end;
$$;
comment on function app_private.check_extra_limits(uuid, daterange, jsonb, uuid, boolean) is
  E'INVALID_INPUT (EXTRA_SOLD_OUT) when extras would take more than their daily_limit on a night of the stay, counting live bookings but `reservation_id`; with `lock`, locks each limited extra''s row first (holds racing for the last one are serialised).';
--! EndIncluded booking/app_private.check_extra_limits.sql
--! Included booking/app_private.hold_extras.sql
-- Keeps the extras of a quote (app_public.quote.extras) with the hold made
-- from it, after checking them against the catalogue again
-- (app_private.booking_extras: an extra withdrawn or made unbookable since
-- the quote is refused, INVALID_INPUT), and against their daily limits under
-- a lock of the extra (app_private.check_extra_limits: EXTRA_SOLD_OUT when
-- another hold took the last one); the quoted unit prices stand.
create or replace function app_private.hold_extras(reservation_id uuid, property_id uuid, extras jsonb) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  if extras is null or pg_catalog.jsonb_array_length(extras) = 0 then
    return;
  end if;
  perform app_private.booking_extras(hold_extras.property_id,
            (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('extraId', e ->> 'extra_id', 'quantity', (e ->> 'quantity')::integer))
               from pg_catalog.jsonb_array_elements(hold_extras.extras) e));
  perform app_private.check_extra_limits(hold_extras.property_id,
            (select r.stay from app_public.reservations r where r.property_id = hold_extras.property_id and r.id = hold_extras.reservation_id),
            hold_extras.extras, hold_extras.reservation_id, lock => true);
  insert into app_public.reservation_extras (property_id, reservation_id, extra_id, position, name, basis, unit_price, tax_id, quantity)
  select hold_extras.property_id, hold_extras.reservation_id, (e.x ->> 'extra_id')::uuid, e.position::integer, e.x ->> 'name',
         e.x ->> 'basis', (e.x ->> 'unit_price')::bigint, (e.x ->> 'tax_id')::uuid, (e.x ->> 'quantity')::integer
    from pg_catalog.jsonb_array_elements(hold_extras.extras) with ordinality as e(x, position);
end;
$$;
comment on function app_private.hold_extras(uuid, uuid, jsonb) is
  E'Checks a quote''s extras against the catalogue again (INVALID_INPUT when one was withdrawn) and keeps them on the held reservation at the quoted prices.';
--! EndIncluded booking/app_private.hold_extras.sql
--! Included booking/app_hidden.extra_translation.sql
-- The translation of an extra's name the guest reads in `language` (issue
-- 22), the same rule as app_hidden.fee_translation: that language's row of
-- app_public.extra_translations, unless the language is the property's own.
-- The one place the rule is for this table; bookable_extras and the
-- notification load take their names through it. A set-returning SQL
-- function with no SET clause and no security definer, so Postgres inlines
-- it into its caller's query.
create or replace function app_hidden.extra_translation(property_id uuid, extra_id uuid, language text)
  returns setof app_public.extra_translations
  language sql stable rows 1
as $$
  select t.* from app_public.extra_translations t
   where t.property_id = extra_translation.property_id and t.extra_id = extra_translation.extra_id
     and t.language = extra_translation.language
     and t.language <> (select p.language from app_public.properties p where p.id = t.property_id);
$$;
comment on function app_hidden.extra_translation(uuid, uuid, text) is
  E'The translation of app_public.extra_translations that applies to a guest reading in `language`: none for the property''s own language.';
--! EndIncluded booking/app_hidden.extra_translation.sql
--! Included booking/app_public.set_extra_translation.sql
-- Saves an extra's name in another language the guest app speaks (issue
-- 22, the same way as set_fee_translation), as set_property_translation does for the property: owners and
-- managers of its property (NOT_FOUND for anyone else of no role there and
-- for an id that is no extra; ACCESS_DENIED for other staff), a blank name
-- removes the language's translation (null returned) and the extra's own name
-- is read. INVALID_INPUT with reason LANGUAGE or NAME (over 200 characters).
create or replace function app_public.set_extra_translation(
  extra_id uuid,
  language text,
  name text
) returns app_public.extra_translations
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_row app_public.extra_translations;
  v_property uuid := (select e.property_id from app_public.folio_extras e where e.id = set_extra_translation.extra_id);
  v_name text := nullif(pg_catalog.btrim(set_extra_translation.name), '');
begin
  perform app_private.check_translation(v_property, set_extra_translation.language);
  if pg_catalog.length(v_name) > 200 then
    raise exception using errcode = 'INVLD', hint = 'NAME', message = 'Name: at most 200 characters.';
  end if;
  if v_name is null then
    delete from app_public.extra_translations t
     where t.property_id = v_property and t.extra_id = set_extra_translation.extra_id and t.language = set_extra_translation.language;
    return null;
  end if;
  insert into app_public.extra_translations as t (property_id, extra_id, language, name)
  values (v_property, set_extra_translation.extra_id, set_extra_translation.language, v_name)
  on conflict on constraint extra_translations_pkey do update
     set name = excluded.name
   where t.name is distinct from excluded.name
  returning * into v_row;
  if v_row is null then
    select * into v_row from app_public.extra_translations t
     where t.property_id = v_property and t.extra_id = set_extra_translation.extra_id and t.language = set_extra_translation.language;
  end if;
  return v_row;
end;
$$;
comment on function app_public.set_extra_translation(uuid, text, text) is
  E'Saves an extra''s name in another language the guest app speaks (en, pt, es); guests reading in it see it instead of the extra''s own (bookableExtras, the booking''s emails). A blank name removes the translation (null returned). Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason LANGUAGE, NAME).';
--! EndIncluded booking/app_public.set_extra_translation.sql
--! Included booking/app_public.bookable_extras.sql
-- The extras a guest may add to a stay at a property (breakfast, parking,
-- late check-out): the active extras of its catalogue that staff marked
-- bookable, with their price, basis and the most one may take. Anyone may
-- read them for a published property (staff of the property for their own,
-- published or not), like the property's rates; nothing else of the
-- catalogue is shown. quote(extras) prices the choice. language: the
-- guest's, for the names (app_hidden.extra_translation; else the own name).
create or replace function app_public.bookable_extras(property_id uuid, language text default null) returns setof app_public.bookable_extra
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select e.id, coalesce((select t.name from app_hidden.extra_translation(e.property_id, e.id, bookable_extras.language) t), e.name),
         e.booking_basis, e.unit_price, e.currency, e.max_quantity
    from app_public.folio_extras e
    join app_public.properties p on p.id = e.property_id
   where e.property_id = bookable_extras.property_id and e.is_active and e.is_bookable
     and (p.is_published or p.id in (select app_hidden.current_property_ids()))
     and (e.tax_id is null or exists (select 1 from app_public.taxes t
                                       where t.property_id = e.property_id and t.id = e.tax_id and t.basis = 'percent_of_room'))
   order by e.sort_order, e.name;
$$;
comment on function app_public.bookable_extras(uuid, text) is
  E'The extras guests may add to a stay at a published property (active, marked bookable): id, name (in `language` when translated: setExtraTranslation), basis, unitPrice (VAT included), currency, maxQuantity. Pass the choice to quote(extras).';
--! EndIncluded booking/app_public.bookable_extras.sql
--! Included booking/app_public.quote.sql
-- A quote: the stay priced line by line on one rate plan, with cancellation
-- terms, valid for 30 minutes. The quote_token is the quote itself, signed
-- by the database; createHold books at exactly this price while it is valid,
-- even if rates change meanwhile. A pure read, so it can run anywhere.
-- promo_code: a code of the property (any case), whose discount becomes a
-- discount line of the room price and whose code the token carries
-- (PROMO_CODE when it does not apply: app_private.check_promo_code).
-- extras: the guest's choice of the property's bookable extras, a JSON
-- array of {"extraId", "quantity"} (app_private.booking_extras checks it:
-- INVALID_INPUT with a reason), priced as extra lines; the token carries them.
create or replace function app_public.quote(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  promo_code text default null,
  extras jsonb default null
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
  v_promo app_public.promo_codes;
  v_extras jsonb;
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

  if nullif(pg_catalog.btrim(promo_code), '') is not null then
    if pg_catalog.length(promo_code) > 100 then
      raise exception using errcode = 'PROMO', hint = 'UNKNOWN', message = 'This promo code is not valid here.';
    end if;
    v_promo := app_private.check_promo_code(v_property_id, quote.rate_plan_id, arrival, departure, promo_code);
  end if;
  v_extras := app_private.booking_extras(v_property_id, quote.extras);
  perform app_private.check_extra_limits(v_property_id, pg_catalog.daterange(arrival, departure), v_extras);
  v_quote := app_private.quote_for(quote.rate_plan_id, arrival, departure, adults, children, promo => v_promo, extras => v_extras);
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
comment on function app_public.quote(uuid, date, date, integer, integer, text, jsonb) is
  E'Prices a stay on a rate plan: nightly lines, discounts (length of stay, promo code), fees, taxes, total and cancellation terms, with a quote_token valid for 30 minutes. promoCode: a code of the property, in any case. extras: the property''s bookable extras chosen, [{"extraId": "…", "quantity": 1}] (bookableExtras lists them), priced as extra lines (extrasAmount). Errors: NOT_FOUND, DATES, GUEST, RESTRICTED (reason in extensions.reason), SOLD_OUT, PROMO_CODE (reason UNKNOWN, INACTIVE, NOT_YET, EXPIRED, STAY_DATES, RATE_PLAN or USED_UP), INVALID_INPUT (reason EXTRAS, EXTRA_UNKNOWN, EXTRA_NOT_BOOKABLE, EXTRA_INACTIVE, EXTRA_QUANTITY or EXTRA_SOLD_OUT).';
--! EndIncluded booking/app_public.quote.sql
--! Included booking/app_public.quote_change.sql
-- Prices a change of a booking's dates or guests before it is made
-- (modifyReservation then makes it at today's rates): the new stay on the
-- booking's rate plan, with its cancellation terms and the units free for
-- it, the booking's own nights counting as free (it gives them back when
-- it moves). The same rules as the change itself: a guest (signed in, or
-- with the booking token) only when changeRefusal is null and within the
-- rate's restrictions; staff of the property always. No quote token: this
-- is not a new booking.
create or replace function app_public.quote_change(
  reservation_id uuid,
  arrival date default null,
  departure date default null,
  adults integer default null,
  children integer default null
) returns app_public.quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_staff boolean;
  v_refusal text;
  v_arrival date;
  v_departure date;
  v_adults integer;
  v_children integer;
  v_restriction record;
  v_quote app_public.quote;
begin
  select * into v_res from app_public.reservations r where r.id = quote_change.reservation_id;
  v_staff := v_res.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if v_res.id is null or not (coalesce(v_staff, false)
                              or coalesce(v_res.id = app_hidden.current_booking_id(), false)
                              or coalesce(v_res.user_id = app_hidden.current_user_id(), false)) then
    raise exception using errcode = 'NTFND', message = 'No such reservation, or you cannot see it.';
  end if;
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'changed');
  end if;
  if not v_staff then
    v_refusal := app_private.guest_change_refusal(v_res);
    if v_refusal is not null then
      perform app_private.refuse_guest_change(v_res, v_refusal);
    end if;
  end if;
  v_arrival := coalesce(quote_change.arrival, pg_catalog.lower(v_res.stay));
  v_departure := coalesce(quote_change.departure, pg_catalog.upper(v_res.stay));
  v_adults := coalesce(quote_change.adults, v_res.adults);
  v_children := coalesce(quote_change.children, v_res.children);
  perform app_private.check_stay(v_res.property_id, v_arrival, v_departure, v_adults, v_children);
  select * into v_restriction
    from app_private.stay_restrictions(array[v_res.rate_plan_id], v_arrival, v_departure, v_adults, v_children);
  if v_restriction.restriction = 'MAX_OCCUPANCY' or (v_restriction.restriction is not null and not v_staff) then
    raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
  end if;

  -- A booking keeps its promo code's discount through changes (the code
  -- was counted when it was booked), and its extras at their booked prices
  -- (per-night extras follow the new nights).
  v_quote := app_private.quote_for(v_res.rate_plan_id, v_arrival, v_departure, v_adults, v_children,
               promo => (select pc from app_public.promo_codes pc
                          where pc.property_id = v_res.property_id and pc.id = v_res.promo_code_id),
               extras => app_private.booked_extras(v_res));
  v_quote.units_left := (
    select pg_catalog.count(*)::integer
      from app_public.units u
     where u.property_id = v_res.property_id and u.room_type_id = v_res.room_type_id and u.is_active
       and not exists (
         select 1 from app_public.inventory_claims c
          where c.property_id = u.property_id and c.unit_id = u.id
            and c.stay && pg_catalog.daterange(v_arrival, v_departure)
            and c.released_at is null and (c.expires_at is null or c.expires_at > pg_catalog.now())
            and c.reservation_id is distinct from v_res.id));
  if v_quote.units_left = 0 then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for the changed stay.';
  end if;
  v_quote.valid_until := null;
  v_quote.quote_token := null;
  return v_quote;
end;
$$;
comment on function app_public.quote_change(uuid, date, date, integer, integer) is
  E'Prices a change of a booking''s dates or guests on its rate plan (its own nights count as free), with the new cancellation terms; no token. Guests only when the booking''s changeRefusal is null. Errors: NOT_FOUND, ACCESS_DENIED (reason: the refusal), INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT.';
--! EndIncluded booking/app_public.quote_change.sql
--! Included booking/app_public.modify_reservation.sql
-- Changes a confirmed reservation's dates, guests or rate plan (and so room
-- type), or a checked-in one's departure and guests: re-priced at today's
-- rates and re-claimed in one transaction. The old claim is released only
-- for the new one to be taken; if no unit is free the whole change is
-- undone (SOLD_OUT) and the old claim stands. Staff may book past
-- restrictions (min stay, closed dates); occupancy still holds. The guest
-- (signed in, or with the booking token) may change the dates and guests of
-- a confirmed booking when guest_change_refusal allows it (the rate plan
-- allows changes and the stay still cancels for free), within the rate's
-- restrictions. The folio is charged (or credited) the difference and the
-- open payments follow.
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
  set lock_timeout to '2s'
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
  v_staff boolean;
  v_restriction record;
begin
  v_replay := app_private.idempotency_begin('modify_reservation', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'arrival', arrival, 'departure', departure, 'adults', adults,
    'children', children, 'rate_plan_id', rate_plan_id, 'unit_id', unit_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(modify_reservation.reservation_id, app_hidden.staff_group_roles('front_office'), 'change reservations', true);
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'changed');
  end if;
  v_staff := v_res.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if not v_staff then
    if app_private.guest_change_refusal(v_res) is not null then
      perform app_private.refuse_guest_change(v_res, app_private.guest_change_refusal(v_res));
    end if;
    if coalesce(modify_reservation.rate_plan_id, v_res.rate_plan_id) <> v_res.rate_plan_id or modify_reservation.unit_id is not null then
      perform app_private.refuse_guest_change(v_res, 'DATES_ONLY');
    end if;
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
  if not v_staff then
    select * into v_restriction from app_private.stay_restrictions(array[v_plan.id], v_arrival, v_departure, v_adults, v_children);
    if v_restriction.restriction is not null then
      raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
    end if;
  end if;

  -- A booking keeps its promo code's discount through changes (the code
  -- was counted when it was booked), and its extras at their booked prices
  -- (per-night extras follow the new nights).
  v_quote := app_private.quote_for(v_plan.id, v_arrival, v_departure, v_adults, v_children,
               promo => (select pc from app_public.promo_codes pc
                          where pc.property_id = v_res.property_id and pc.id = v_res.promo_code_id),
               extras => app_private.booked_extras(v_res));

  if v_res.status = 'checked_in' then
    -- The guest is in their unit: only its claim's end moves.
    if v_departure > pg_catalog.upper(v_res.stay) then
      perform app_private.release_expired_holds(v_res.property_id, v_res.unit_id,
                                                pg_catalog.daterange(pg_catalog.upper(v_res.stay), v_departure));
    end if;
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
         unit_pinned = r.unit_pinned or modify_reservation.unit_id is not null,
         currency = v_quote.currency, room_amount = v_quote.room_amount, fees_amount = v_quote.fees_amount,
         taxes_amount = v_quote.taxes_amount, total_amount = v_quote.total_amount, extras_amount = v_quote.extras_amount,
         price_lines = pg_catalog.to_jsonb(v_quote.lines),
         cancellation_policy = pg_catalog.jsonb_build_object(
           'is_refundable', v_quote.is_refundable,
           'free_cancellation_until', v_quote.free_cancellation_until,
           'late_cancellation_penalty', v_quote.late_cancellation_penalty,
           'terms', v_quote.cancellation_terms)
   where r.id = v_res.id
  returning * into v_res;
  -- Its extras on the new nights, within their daily limits (EXTRA_SOLD_OUT).
  perform app_private.check_extra_limits(v_res.property_id, v_res.stay, app_private.booked_extras(v_res), v_res.id, lock => true);
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':modify:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                               'Booking ' || v_res.confirmation_code || ' changed');
  perform app_private.schedule_payments(v_res);

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.modify_reservation(uuid, text, date, date, integer, integer, uuid, uuid) is
  E'Changes dates, guests, rate plan/room type or unit of a reservation, re-priced and re-claimed atomically (the old claim stands if the new one fails). Staff of the property; the guest too for dates and guests when the booking''s changeRefusal is null (within the rate''s restrictions). Errors: NOT_FOUND, ACCESS_DENIED (for a guest, reason: the refusal or DATES_ONLY), INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.modify_reservation.sql
--! Included booking/app_public.create_hold.sql
-- Holds a unit for a quoted stay, for `minutes` (default 10, at most 30),
-- at the quoted price. The quote token is verified (QUOTE) and must still be
-- valid (QTEXP). A free unit of the room type is claimed (SOLD_OUT when none
-- is left); the claim and the held reservation are one transaction. A
-- quote's promo code is checked again (PROMO_CODE when it no longer applies:
-- deactivated, expired, used up) and kept on the reservation;
-- confirm_booking counts its use. The quote's extras are checked against
-- the catalogue again (INVALID_INPUT when one was withdrawn meanwhile) and
-- kept, at the quoted prices, in reservation_extras (app_private.hold_extras).
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
  v_quote app_public.quote := pg_catalog.jsonb_populate_record(null::app_public.quote, app_private.quote_payload(quote_token));
  v_id uuid := gen_random_uuid();
  v_claim app_public.inventory_claims;
  v_hold app_public.hold;
  v_promo app_public.promo_codes;
begin
  v_replay := app_private.idempotency_begin('create_hold', idempotency_key,
                pg_catalog.jsonb_build_object('quote_token', quote_token, 'minutes', minutes));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.hold, v_replay);
  end if;

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
  if v_quote.promo_code is not null then
    v_promo := app_private.check_promo_code(v_quote.property_id, v_quote.rate_plan_id, v_quote.arrival, v_quote.departure,
                                            v_quote.promo_code);
  end if;

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
    room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, hold_expires_at, promo_code_id,
    extras_amount
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
    v_claim.expires_at, v_promo.id, coalesce(v_quote.extras_amount, 0)
  );
  perform app_private.hold_extras(v_id, v_quote.property_id, v_quote.extras);

  v_hold := (v_id, v_quote.property_id, v_claim.expires_at, v_quote.currency, v_quote.total_amount,
             app_private.sign('hold:' || v_id))::app_public.hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_hold));
  return v_hold;
end;
$$;
comment on function app_public.create_hold(text, text, integer) is
  E'Holds a free unit for a quoted stay at the quoted price for `minutes` (default 10, 1 to 30). Errors: QUOTE_INVALID, QUOTE_EXPIRED, DATES, SOLD_OUT, PROMO_CODE (the quote''s promo code no longer applies), INVALID_INPUT (an extra of the quote was withdrawn: reason EXTRA_INACTIVE or EXTRA_NOT_BOOKABLE), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.create_hold.sql
--! Included booking/app_private.penalty_base.sql
-- What a cancellation or no-show penalty is a share of: the reservation's
-- total less the taxes a penalty does not carry (taxes.applies_to_penalty:
-- a tax per night or per person-night, such as a city tax, is owed only for
-- nights stayed) and less the extras booked with it (extra lines, VAT
-- included): a cancelled stay's breakfast or parking is never consumed, so
-- it is refunded, as leading PMSs do; penalties are on the room part. A
-- tax line of a tax that no longer exists counts as carried, as before the
-- rule existed.
create or replace function app_private.penalty_base(reservation app_public.reservations) returns bigint
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select penalty_base.reservation.total_amount
         - coalesce((select sum(l.amount)
                       from pg_catalog.jsonb_to_recordset(coalesce(penalty_base.reservation.price_lines, '[]'))
                            as l(kind text, amount bigint, tax_id uuid, extra_id uuid)
                       join app_public.taxes t on t.property_id = penalty_base.reservation.property_id and t.id = l.tax_id
                      where l.kind = 'tax' and not t.applies_to_penalty and l.extra_id is null), 0)::bigint
         - coalesce((select sum(l.amount)
                       from pg_catalog.jsonb_to_recordset(coalesce(penalty_base.reservation.price_lines, '[]'))
                            as l(kind text, amount bigint)
                      where l.kind = 'extra'), 0)::bigint;
$$;
comment on function app_private.penalty_base(app_public.reservations) is
  E'A reservation''s total less the taxes that a cancellation or no-show penalty does not carry (taxes.applies_to_penalty false, e.g. a city tax per person-night) and less its extras (refunded on cancellation).';
--! EndIncluded booking/app_private.penalty_base.sql
--! Included money/app_private.post_reservation_charges.sql
-- Brings a reservation's charges in the ledger to what the reservation now
-- says, in one journal entry of differences: the first call (confirmation)
-- posts everything, a modification posts the difference, a cancellation or
-- no-show leaves only the penalty (on cancellation revenue) and reverses the
-- rest. What is due, per account, credits:
--   room revenue          nights and discount, less inclusive taxes;
--   fee revenue           fees, less the share of inclusive taxes on fees;
--   extras revenue        the extras booked with the stay (extra lines), less
--                         their own VAT (the tax lines with an extra_id);
--   tax payable (per tax) every tax line, inclusive or not;
--   cancellation revenue  the penalty, once cancelled or a no-show, less
--                         the share of the taxes it carries, which stays on
--                         their tax payable accounts (VAT on a penalty; never
--                         a city tax, which app_private.penalty_base leaves
--                         out of the penalty);
-- and the guest's folio (receivable) is debited with their sum. What was
-- posted is read back from the entries caused by the reservation, so a
-- repeated call posts nothing. Creates the folio on first use; the charges
-- post to the reservation's primary folio (staff route them elsewhere).
-- On a rate plan that posts nightly, a stay that is booked or in house is
-- due only the nights the night audit has closed (those before the
-- property's business date): their share of the nights' price, and the same
-- share of the discount, fees, extras and taxes. Once checked out, all of it.
-- A cancellation or no-show reverses the extras in full: the penalty is a
-- share of the room part only (app_private.penalty_base).
create or replace function app_private.post_reservation_charges(
  reservation app_public.reservations,
  idempotency_key text,
  description text
) returns uuid
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_folio app_public.folios;
  v_lines jsonb;
  v_share_num numeric := 1;
  v_share_den numeric := 1;
begin
  insert into app_public.folios (property_id, reservation_id, is_primary, label, currency)
  values (reservation.property_id, reservation.id, true, 'Folio 1', reservation.currency)
  on conflict (property_id, reservation_id) where is_primary do nothing;
  select * into v_folio from app_public.folios f
   where f.property_id = reservation.property_id and f.reservation_id = reservation.id and f.is_primary;
  if v_folio.status = 'closed' then
    raise exception using errcode = 'FOLCL', message = 'This folio is closed: no more charges can be posted to it.';
  end if;

  if reservation.status in ('confirmed', 'checked_in')
     and exists (select 1 from app_public.rate_plans rp
                  where rp.property_id = reservation.property_id and rp.id = reservation.rate_plan_id and rp.charge_posting = 'nightly') then
    select case when sum(l.amount) > 0 then coalesce(sum(l.amount) filter (where l.date < p.business_date), 0) else count(*) filter (where l.date < p.business_date) end,
           case when sum(l.amount) > 0 then sum(l.amount) else greatest(count(*), 1) end
      into v_share_num, v_share_den
      from pg_catalog.jsonb_to_recordset(reservation.price_lines) as l(kind text, date date, amount bigint)
      join app_public.properties p on p.id = reservation.property_id
     where l.kind = 'night';
  end if;

  with price as (
    -- Tax lines made before taxes had ids on price lines name them by
    -- description ('<tax name> (...)'); match those by name.
    select l.kind, l.amount, coalesce(l.is_inclusive, false) as is_inclusive, l.extra_id,
           coalesce(l.tax_id, (select t.id from app_public.taxes t
                                where t.property_id = reservation.property_id and l.kind = 'tax'
                                  and pg_catalog.starts_with(l.description, t.name || ' (')
                                order by pg_catalog.length(t.name) desc limit 1)) as tax_id
      from pg_catalog.jsonb_to_recordset(reservation.price_lines)
           as l(kind text, amount bigint, is_inclusive boolean, tax_id uuid, description text, extra_id uuid)
  ),
  inclusive_on_fees as (
    -- An inclusive percent tax that also covers fees is split between room
    -- and fee revenue in proportion (one rounding, the rest on the room).
    select coalesce(sum(round(p.amount::numeric * reservation.fees_amount
                              / nullif(reservation.room_amount + reservation.fees_amount, 0))), 0)::bigint as amount
      from price p join app_public.taxes t on t.id = p.tax_id
     where p.kind = 'tax' and p.is_inclusive and t.basis = 'percent_of_room' and t.applies_to_fees and p.extra_id is null
  ),
  penalty_taxes as (
    -- A penalty carries its share of the taxes that apply to penalties
    -- (taxes.applies_to_penalty, e.g. VAT): round(penalty × tax / base),
    -- where the base is what the penalty is a share of (penalty_base).
    -- Taxes a penalty does not carry (a city tax per person-night) are not
    -- in the base, so nothing of them is kept.
    select p.tax_id,
           round(reservation.penalty_amount::numeric * sum(p.amount)
                 / nullif(app_private.penalty_base(reservation), 0))::bigint as amount
      from price p join app_public.taxes t on t.property_id = reservation.property_id and t.id = p.tax_id
     where p.kind = 'tax' and p.extra_id is null and t.applies_to_penalty and reservation.status in ('cancelled', 'no_show')
       and coalesce(reservation.penalty_amount, 0) > 0
     group by p.tax_id
  ),
  due as (
    select 'room_revenue' as purpose, null::uuid as tax_id,
           -(reservation.room_amount - (select coalesce(sum(p.amount), 0) from price p where p.kind = 'tax' and p.is_inclusive and p.extra_id is null)
             + (select f.amount from inclusive_on_fees f)) as amount
     where reservation.status not in ('cancelled', 'no_show')
    union all
    select 'fee_revenue', null, -(reservation.fees_amount - (select f.amount from inclusive_on_fees f))
     where reservation.status not in ('cancelled', 'no_show')
    union all
    select 'extras_revenue', null,
           -(sum(p.amount) filter (where p.kind = 'extra')
             - coalesce(sum(p.amount) filter (where p.kind = 'tax' and p.extra_id is not null), 0))
      from price p
     where p.extra_id is not null and reservation.status not in ('cancelled', 'no_show')
    having count(*) > 0
    union all
    select 'tax_payable', p.tax_id, -sum(p.amount)
      from price p
     where p.kind = 'tax' and reservation.status not in ('cancelled', 'no_show')
     group by p.tax_id
    union all
    select 'tax_payable', s.tax_id, -s.amount
      from penalty_taxes s
    union all
    select 'cancellation_revenue', null,
           -(coalesce(reservation.penalty_amount, 0) - (select coalesce(sum(s.amount), 0) from penalty_taxes s))
     where reservation.status in ('cancelled', 'no_show')
  ),
  due_so_far as (
    select d.purpose, d.tax_id,
           case when d.purpose = 'cancellation_revenue' then d.amount
                else round(d.amount * v_share_num / v_share_den)::bigint end as amount
      from due d
  ),
  posted as (
    select a.purpose, a.tax_id, sum(po.amount) as amount
      from app_public.journal_entries e
      join app_public.postings po on po.property_id = e.property_id and po.entry_id = e.id
      join app_public.ledger_accounts a on a.property_id = po.property_id and a.id = po.account_id
     where e.property_id = reservation.property_id and e.cause_type = 'reservation' and e.cause_id = reservation.id
       and a.purpose is distinct from 'guest_receivable'
     group by a.purpose, a.tax_id
  ),
  difference as (
    select coalesce(d.purpose, p.purpose) as purpose, coalesce(d.tax_id, p.tax_id) as tax_id,
           coalesce(d.amount, 0) - coalesce(p.amount, 0) as amount
      from due_so_far d
      full join posted p on p.purpose = d.purpose and p.tax_id is not distinct from d.tax_id
  )
  select pg_catalog.jsonb_agg(l) into v_lines
    from (
      select pg_catalog.jsonb_build_object('purpose', d.purpose, 'tax_id', d.tax_id, 'amount', d.amount,
                                           'currency', reservation.currency) as l
        from difference d where d.amount <> 0
      union all
      select pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_folio.id,
                                           'amount', -sum(d.amount), 'currency', reservation.currency)
        from difference d having sum(d.amount) <> 0
    ) x;

  if v_lines is null then
    return null;
  end if;
  if exists (select 1 from pg_catalog.jsonb_array_elements(v_lines) l where l ->> 'purpose' = 'tax_payable' and l ->> 'tax_id' is null) then
    raise exception using errcode = 'NTFND', message = 'A tax on this reservation''s price no longer exists; its charges cannot be posted.';
  end if;
  return app_private.post_entry(reservation.property_id, 'reservation', reservation.id,
                                pg_catalog.left(idempotency_key, 200), description, v_lines);
end;
$$;
comment on function app_private.post_reservation_charges(app_public.reservations, text, text) is
  E'Posts the difference between what a reservation is due (room, fees, extras, each tax, or the penalty once cancelled, less the share of the taxes it carries; on nightly-posting plans only the audited nights until check-out) and what its folio was charged; creates the folio.';
--! EndIncluded money/app_private.post_reservation_charges.sql
--! Included money/app_private.invoice_lines.sql
-- The lines a folio's next invoice holds: what the folio was charged and
-- not yet invoiced, broken down as a guest reads a hotel bill.
--
-- What is charged comes from the ledger only: the revenue and tax postings
-- of the journal entries whose charge sits on the folio, routes between
-- folios followed (app_private.folio_charges). Its breakdown:
--   * the reservation's own charges (cause = the reservation) are laid over
--     its price lines: one line per night (room revenue and each percent
--     tax, i.e. VAT, shared out by the nights' prices), the length-of-stay
--     discount as a negative line, one line per fee (fee revenue and the
--     VAT that covers fees), one line per extra booked with the stay (extras
--     revenue and its own VAT, the tax lines with its extra_id), one line
--     per tax charged by amount (city tax:
--     its own line, not VAT), the cancellation or no-show fee (with the VAT
--     it carries: once cancelled, percent taxes left on the reservation
--     are the fee's, taxes.applies_to_penalty);
--   * every other entry that charged the folio (an extra, an allowance, a
--     correction, a charge routed here, the stay of another reservation
--     routed to a company's folio) is one line with its own VAT, and a tax
--     on it that is not VAT (city tax) a line of its own beside it.
-- Each account's amount is shared out by cumulative rounding (a key gets
-- round(T × w_1..k / W) − round(T × w_1..k-1 / W)), so the lines of every
-- account add up to the ledger's amount exactly, whatever the rounding. A
-- nightly-posting stay still in house shares out only over the nights the
-- night audit has closed, as the ledger was charged (the discount and the
-- fees weigh the same share of theirs, so the VAT covering fees is shared
-- as the ledger's was).
--
-- Every line keeps its postings ({account_id, amount}); what earlier
-- documents of the folio hold is subtracted per line key and account, so a
-- later invoice holds only what changed (a night added, an extra). Lines of
-- documents issued before this breakdown existed are subtracted as one
-- line 'Invoiced earlier'. Hence, per account: the lines' sum = charged in
-- the ledger − invoiced before, which is what the invoice invoices.
create or replace function app_private.invoice_lines(folio app_public.folios) returns jsonb
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_property app_public.properties;
  v_room_type text;
  v_partial boolean := false;
  v_business_date date;
  v_share numeric := 1;
  v_lines jsonb;
begin
  select * into v_property from app_public.properties p where p.id = folio.property_id;
  select * into v_res from app_public.reservations r
   where r.property_id = folio.property_id and r.id = (pg_catalog.to_jsonb(folio) ->> 'reservation_id')::uuid;
  select rt.name into v_room_type from app_public.room_types rt where rt.property_id = v_res.property_id and rt.id = v_res.room_type_id;
  if v_res.status in ('confirmed', 'checked_in')
     and exists (select 1 from app_public.rate_plans rp
                  where rp.property_id = v_res.property_id and rp.id = v_res.rate_plan_id and rp.charge_posting = 'nightly') then
    v_partial := true;
    select p.business_date into v_business_date from app_public.properties p where p.id = v_res.property_id;
    select coalesce(sum(l.amount) filter (where l.date < v_business_date)::numeric / nullif(sum(l.amount), 0), 0)
      into v_share
      from pg_catalog.jsonb_to_recordset(v_res.price_lines) as l(kind text, date date, amount bigint)
     where l.kind = 'night';
  end if;

  with
  charges as (
    -- What the folio was charged (its share of each entry, routes followed), credit = +.
    select e.id as entry_id, e.cause_type, e.cause_id, e.description as entry_description, e.occurred_at,
           a.id as account_id, a.name as account_name, a.kind as account_kind, a.purpose, a.tax_id, fc.amount
      from app_private.folio_charges(folio) fc
      join app_public.journal_entries e on e.property_id = folio.property_id and e.id = fc.entry_id
      join app_public.ledger_accounts a on a.property_id = folio.property_id and a.id = fc.account_id
  ),
  res_charged as (
    select c.account_id, c.purpose, c.tax_id, sum(c.amount) as amount
      from charges c
     where c.cause_type = 'reservation' and c.cause_id = v_res.id
     group by c.account_id, c.purpose, c.tax_id
  ),
  price as (
    select x.ord, l ->> 'kind' as kind, (l ->> 'date')::date as date, l ->> 'description' as description,
           coalesce((l ->> 'quantity')::integer, 1) as quantity, (l ->> 'amount')::bigint as amount, (l ->> 'extra_id')::uuid as extra_id,
           coalesce((l ->> 'tax_id')::uuid, (select t.id from app_public.taxes t
                                             where t.property_id = v_res.property_id and l ->> 'kind' = 'tax'
                                               and pg_catalog.starts_with(l ->> 'description', t.name || ' (')
                                             order by pg_catalog.length(t.name) desc limit 1)) as tax_id
      from pg_catalog.jsonb_array_elements(coalesce(v_res.price_lines, '[]')) with ordinality x(l, ord)
  ),
  keys as (
    select p.ord, 'night:' || p.date as key, 'night' as type, 'room' as grp, p.date, p.description, p.quantity,
           case when v_partial and p.date >= v_business_date then 0 else p.amount end::numeric as weight
      from price p where p.kind = 'night'
    union all
    select p.ord, 'discount', 'discount', 'room', null, p.description, 1, p.amount * v_share
      from price p where p.kind = 'discount'
    union all
    select p.ord, 'fee:' || p.description, 'fee', 'fee', null, p.description, p.quantity, p.amount * v_share
      from price p where p.kind = 'fee'
    union all
    select p.ord, 'extra:' || p.extra_id, 'extra', 'extra', null, p.description, p.quantity, p.amount * v_share
      from price p where p.kind = 'extra'
  ),
  extra_vat as (
    -- An extra's own VAT (its tax line) is its line's, never shared out over the nights.
    select rc.account_id, 'extra:' || p.extra_id as key, round(p.amount * v_share)::bigint as amount
      from res_charged rc
      join price p on p.kind = 'tax' and p.extra_id is not null and p.tax_id = rc.tax_id
     where rc.purpose = 'tax_payable' and v_res.status not in ('cancelled', 'no_show')
  ),
  vat_targets as (
    select rc.account_id, rc.amount - coalesce((select sum(x.amount) from extra_vat x where x.account_id = rc.account_id), 0) as total,
           t.is_inclusive, k.key, k.ord, k.weight
      from res_charged rc
      join app_public.taxes t on t.property_id = v_res.property_id and t.id = rc.tax_id and t.basis = 'percent_of_room'
      join keys k on k.grp = 'room' or (k.grp = 'fee' and t.applies_to_fees)
     where v_res.status not in ('cancelled', 'no_show')
  ),
  vat_alloc as (
    select v.account_id, v.key, v.is_inclusive,
           case when v.w_all <> 0 then round(v.total * v.w_upto / v.w_all) - round(v.total * (v.w_upto - v.weight) / v.w_all)
                else round(v.total * v.n_upto / v.n_all) - round(v.total * (v.n_upto - 1) / v.n_all) end::bigint as amount
      from (select v.*,
                   sum(v.weight) over (partition by v.account_id) as w_all,
                   sum(v.weight) over (partition by v.account_id order by v.ord, v.key rows between unbounded preceding and current row) as w_upto,
                   count(*) over (partition by v.account_id)::numeric as n_all,
                   (row_number() over (partition by v.account_id order by v.ord, v.key))::numeric as n_upto
              from vat_targets v) v
  ),
  rev_targets as (
    select rc.account_id, rc.amount as total, k.key, k.ord,
           k.weight - coalesce((select sum(va.amount) from vat_alloc va where va.key = k.key and va.is_inclusive), 0)
                    - coalesce((select sum(x.amount) from extra_vat x where x.key = k.key), 0) as weight
      from res_charged rc
      join keys k on (rc.purpose = 'room_revenue' and k.grp = 'room') or (rc.purpose = 'fee_revenue' and k.grp = 'fee')
                  or (rc.purpose = 'extras_revenue' and k.grp = 'extra')
  ),
  rev_alloc as (
    select v.account_id, v.key,
           case when v.w_all <> 0 then round(v.total * v.w_upto / v.w_all) - round(v.total * (v.w_upto - v.weight) / v.w_all)
                else round(v.total * v.n_upto / v.n_all) - round(v.total * (v.n_upto - 1) / v.n_all) end::bigint as amount
      from (select v.*,
                   sum(v.weight) over (partition by v.account_id) as w_all,
                   sum(v.weight) over (partition by v.account_id order by v.ord, v.key rows between unbounded preceding and current row) as w_upto,
                   count(*) over (partition by v.account_id)::numeric as n_all,
                   (row_number() over (partition by v.account_id order by v.ord, v.key))::numeric as n_upto
              from rev_targets v) v
  ),
  allocated as (
    select a.key, a.account_id, a.amount from vat_alloc a
    union all
    select a.key, a.account_id, a.amount from rev_alloc a
    union all
    select x.key, x.account_id, x.amount from extra_vat x
  ),
  charged as (
    -- B: everything charged, per line key and account.
    select a.key, a.account_id, sum(a.amount) as amount from allocated a group by a.key, a.account_id
    union all
    -- What the price lines could not take (the penalty, taxes by amount, any other account).
    select case when rc.purpose = 'cancellation_revenue' then 'penalty'
                -- Once cancelled, the VAT left on the reservation is the fee's.
                when rc.purpose = 'tax_payable' and v_res.status in ('cancelled', 'no_show')
                     and exists (select 1 from app_public.taxes t
                                  where t.property_id = v_res.property_id and t.id = rc.tax_id and t.basis = 'percent_of_room') then 'penalty'
                when rc.purpose = 'tax_payable' then 'tax:' || rc.tax_id
                else 'account:' || rc.account_id end,
           rc.account_id, rc.amount - coalesce((select sum(a.amount) from allocated a where a.account_id = rc.account_id), 0)
      from res_charged rc
    union all
    -- Any other entry: a line of its own; a tax on it that is not VAT (city tax) a line of its own beside it.
    select 'entry:' || c.entry_id
             || case when c.purpose = 'tax_payable'
                      and (select t.basis from app_public.taxes t where t.property_id = folio.property_id and t.id = c.tax_id) <> 'percent_of_room'
                     then ':tax:' || c.tax_id else '' end,
           c.account_id, sum(c.amount)
      from charges c
     where not (c.cause_type = 'reservation' and c.cause_id is not distinct from v_res.id)
     group by c.entry_id, c.account_id, c.purpose, c.tax_id
  ),
  invoiced as (
    -- I: what the folio's documents hold, per line key and account.
    select coalesce(l ->> 'key', 'legacy') as key, coalesce(pp ->> 'account_id', l ->> 'account_id')::uuid as account_id,
           sum(coalesce((pp ->> 'amount')::bigint, (l ->> 'amount')::bigint)) as amount
      from app_public.invoices i
      cross join pg_catalog.jsonb_array_elements(i.lines) l
      left join lateral pg_catalog.jsonb_array_elements(case when l ? 'postings' then l -> 'postings' else '[null]' end) pp on true
     where i.property_id = folio.property_id and i.folio_id = folio.id
     group by 1, 2
  ),
  delta as (
    select coalesce(c.key, i.key) as key, coalesce(c.account_id, i.account_id) as account_id,
           coalesce(c.amount, 0) - coalesce(i.amount, 0) as amount
      from (select c.key, c.account_id, sum(c.amount) as amount from charged c group by c.key, c.account_id) c
      full join invoiced i on i.key = c.key and i.account_id = c.account_id
  ),
  delta_accounts as (
    select d.key, d.account_id, d.amount, a.kind as account_kind, a.name as account_name, a.purpose,
           t.id as tax_id, t.basis as tax_basis, t.percent, t.name as tax_name
      from delta d
      join app_public.ledger_accounts a on a.property_id = folio.property_id and a.id = d.account_id
      left join app_public.taxes t on t.property_id = a.property_id and t.id = a.tax_id
     where d.amount <> 0
  ),
  lines as (
    select d.key,
           sum(d.amount) filter (where d.account_kind = 'revenue') as net,
           sum(d.amount) filter (where d.purpose = 'tax_payable' and d.tax_basis = 'percent_of_room') as vat,
           sum(d.amount) filter (where d.purpose = 'tax_payable' and d.tax_basis is distinct from 'percent_of_room') as other_tax,
           min(d.tax_name) filter (where d.purpose = 'tax_payable' and d.tax_basis is distinct from 'percent_of_room') as tax_name,
           sum(distinct d.percent) filter (where d.purpose = 'tax_payable' and d.tax_basis = 'percent_of_room') as vat_rate,
           sum(d.amount) as amount,
           pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('account_id', d.account_id, 'amount', d.amount) order by d.account_id) as postings,
           min(d.account_name) as account_name,
           bool_or(d.purpose = 'allowances') as is_allowance,
           bool_or(d.purpose = 'extras_revenue') as is_extra
      from delta_accounts d
     group by d.key
  ),
  described as (
    select l.*,
           case when l.key like 'night:%' then 'night' when l.key = 'discount' then 'discount' when l.key like 'fee:%' then 'fee'
                when l.key like 'tax:%' or l.key like 'entry:%:tax:%' then 'city_tax' when l.key = 'penalty' then 'cancellation'
                when l.key = 'legacy' then 'adjustment' when l.key like 'extra:%' then 'extra'
                when l.key like 'entry:%' then case when l.is_allowance then 'allowance' when l.is_extra then 'extra' else 'charge' end
                else 'charge' end as type,
           k.ord, k.date as key_date, k.description as key_description, k.quantity as key_quantity,
           e.occurred_at, e.description as entry_description,
           (select min(po.id) from app_public.postings po where po.property_id = e.property_id and po.entry_id = e.id) as entry_seq,
           tp.description as tax_description, tp.quantity as tax_quantity
      from lines l
      left join keys k on k.key = l.key
      left join app_public.journal_entries e
        on l.key like 'entry:%' and e.property_id = folio.property_id
       and e.id = case when l.key like 'entry:%' then pg_catalog.substr(l.key, 7, 36)::uuid end
      left join lateral (select p.description, p.quantity from price p
                          where l.key like 'tax:%' and p.kind = 'tax' and p.tax_id::text = pg_catalog.substr(l.key, 5) limit 1) tp on true
  )
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
           'key', d.key,
           'type', d.type,
           'kind', case when d.type = 'city_tax' then 'tax' else 'revenue' end,
           'date', coalesce(d.key_date, (d.occurred_at at time zone v_property.time_zone)::date),
           'description', case d.type
                            when 'night' then coalesce(v_room_type || ' · ', '') || d.key_description
                            when 'discount' then d.key_description
                            when 'fee' then d.key_description
                            when 'extra' then coalesce(d.key_description, d.entry_description, d.account_name)
                            when 'city_tax' then coalesce(d.tax_description, d.tax_name || coalesce(' · ' || d.entry_description, ''), d.account_name)
                            when 'cancellation' then case when v_res.status = 'no_show' then 'No-show fee' else 'Cancellation fee' end
                            when 'adjustment' then 'Invoiced earlier'
                            else coalesce(d.entry_description, d.account_name) end,
           'quantity', case when d.type in ('fee', 'city_tax', 'extra') then coalesce(d.key_quantity, d.tax_quantity) end,
           'net', case when d.type = 'city_tax' then 0 else coalesce(d.net, 0) end,
           'vat_rate', case when d.type = 'city_tax' then null else coalesce(d.vat_rate, 0) end,
           'vat', case when d.type = 'city_tax' then 0 else coalesce(d.vat, 0) + coalesce(d.other_tax, 0) end,
           'amount', d.amount,
           'postings', d.postings))
         order by case d.type when 'night' then 1 when 'discount' then 2 when 'fee' then 3 when 'city_tax' then 4
                              when 'cancellation' then 5 when 'adjustment' then 7 else 6 end,
                  d.ord, d.occurred_at, d.entry_seq, d.key)
    into v_lines
    from described d;
  return v_lines;
end;
$$;
comment on function app_private.invoice_lines(app_public.folios) is
  E'The not yet invoiced charges of a folio as invoice lines (one per night, discount, fee, city tax, penalty, extra, allowance, correction; net, VAT rate, VAT, amount and the ledger postings each stands for); per account they add up to the ledger.';
--! EndIncluded money/app_private.invoice_lines.sql
grant execute on function app_public.quote(uuid, date, date, integer, integer, text, jsonb) to keepr_anonymous;
grant execute on function app_public.bookable_extras(uuid, text) to keepr_anonymous;
grant execute on function app_public.set_extra_translation(uuid, text, text) to keepr_staff;
-- The notification load reads extras' names through it, as the worker.
grant execute on function app_hidden.extra_translation(uuid, uuid, text) to keepr_worker;
