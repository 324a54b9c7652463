--! Previous: sha1:357a1c8c69e3189c6b59a4638d24c36210cd501e
--! Hash: sha1:2086eb7d0a3e0aff56405441dda6cbf0e0fd8b95
--! Message: Issue 22: promo codes (per rate plan, stay and booking dates, uses) with the discount in the quote; a booking keeps its code's discount on changes

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
--   fee       per stay, per night or per guest-night;
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
  promo_note text default null
) returns table (
  rate_plan_id uuid,
  line_no integer,
  kind text,
  date date,
  description text,
  quantity integer,
  amount bigint,
  is_inclusive boolean,
  tax_id uuid
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
           l.kind, l.date, l.description, l.quantity, l.amount::bigint, l.is_inclusive, l.tax_id
      from (
        select n.rate_plan_id, 1 as section, 'night' as kind, n.date,
               'Night of ' || pg_catalog.to_char(n.date, 'Dy DD Mon YYYY')
                 || case when n.extra_adults + n.extra_children > 0
                         then pg_catalog.format(' (incl. %s extra guest%s)', n.extra_adults + n.extra_children,
                                                case when n.extra_adults + n.extra_children > 1 then 's' else '' end)
                         else '' end as description,
               1 as quantity, n.amount, false as is_inclusive, null::uuid as tax_id
          from nights n
        union all
        select d.rate_plan_id, 2, 'discount', null,
               pg_catalog.format('%s%% off stays of %s nights or more', pg_catalog.trim_scale(d.percent_off), d.min_nights),
               1, d.amount, false, null
          from discounts d
        union all
        select k.rate_plan_id, 2, 'discount', null,
               coalesce(price_lines.desk_note, 'Rate set by the front desk'), 1, k.amount, false, null
          from desk k
        union all
        select pr.rate_plan_id, 2, 'discount', null,
               coalesce(price_lines.promo_note, 'Promo code'), 1, pr.amount, false, null
          from promo pr
        union all
        select f.rate_plan_id, 3, 'fee', null,
               f.name || case f.basis when 'per_night' then ' (per night)' when 'per_guest_night' then ' (per guest per night)' else '' end,
               f.quantity, f.quantity * f.unit_amount, false, null
          from fee_lines f
        union all
        select t.rate_plan_id, 4, 'tax', null,
               t.name || case t.basis
                           when 'percent_of_room' then pg_catalog.format(' (%s%%%s)', pg_catalog.trim_scale(t.percent),
                                                                         case when t.is_inclusive then ', included' else '' end)
                           when 'per_night' then ' (per night' || case when t.is_inclusive then ', included' else '' end || ')'
                           else ' (per person per night' || case when t.is_inclusive then ', included' else '' end || ')'
                         end,
               t.quantity, t.quantity * t.unit_amount, t.is_inclusive, t.tax_id
          from tax_lines t
      ) l;
end;
$$;
comment on function app_private.price_lines(uuid[], date, date, integer, integer, bigint, numeric, text, numeric, bigint, text) is
  E'The price of a stay on each given rate plan, as lines (night, discount, fee, tax) in minor units, with the front desk''s override and a promo code''s discount when given.';
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
-- (app_private.check_promo_code) or a booking already has.
create or replace function app_private.quote_for(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer,
  children integer,
  desk_room_amount bigint default null,
  desk_percent_off numeric default null,
  desk_note text default null,
  promo app_public.promo_codes default null
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
                                       quote_for.adults, quote_for.children,
                                       quote_for.desk_room_amount, quote_for.desk_percent_off, quote_for.desk_note,
                                       (quote_for.promo).percent_off, (quote_for.promo).amount_off,
                                       'Promo code ' || (quote_for.promo).code
                                         || coalesce(pg_catalog.format(' (%s%% off)', pg_catalog.trim_scale((quote_for.promo).percent_off)), '')) l
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
        null, null, (quote_for.promo).code
      )::app_public.quote
        from terms x cross join totals t
  );
end;
$$;
comment on function app_private.quote_for(uuid, date, date, integer, integer, bigint, numeric, text, app_public.promo_codes) is
  E'Prices a stay on one rate plan: lines, totals, cancellation terms and units left (no restriction checks), with the front desk''s rate override and a promo code''s discount when given (app_private.price_lines).';
--! EndIncluded booking/app_private.quote_for.sql
--! Included booking/app_private.check_promo_code.sql
-- The promo code a guest typed, when it applies to this stay on this rate
-- plan today; otherwise PROMO_CODE (SQLSTATE PROMO) with its reason in the
-- hint: UNKNOWN (no such code at this property: the same answer for another
-- property's code, so codes cannot be probed across properties), INACTIVE,
-- NOT_YET or EXPIRED (the booking-date window, in the property's calendar),
-- STAY_DATES (a night outside the stay-date window), RATE_PLAN (not for this
-- rate plan) or USED_UP (every use taken by confirmed bookings). Called by
-- quote and again by create_hold; confirm_booking counts the use.
create or replace function app_private.check_promo_code(
  property_id uuid,
  rate_plan_id uuid,
  arrival date,
  departure date,
  code text
) returns app_public.promo_codes
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_promo app_public.promo_codes;
  v_today date;
begin
  select * into v_promo from app_public.promo_codes pc
   where pc.property_id = check_promo_code.property_id
     and pc.code = pg_catalog.upper(pg_catalog.btrim(check_promo_code.code));
  if not found then
    raise exception using errcode = 'PROMO', hint = 'UNKNOWN', message = 'This promo code is not valid here.';
  end if;
  if not v_promo.is_active then
    raise exception using errcode = 'PROMO', hint = 'INACTIVE', message = 'This promo code is no longer valid.';
  end if;
  select (pg_catalog.now() at time zone p.time_zone)::date into v_today
    from app_public.properties p where p.id = check_promo_code.property_id;
  if v_today < v_promo.bookable_from then
    raise exception using errcode = 'PROMO', hint = 'NOT_YET',
      message = pg_catalog.format('This promo code can be used from %s.', v_promo.bookable_from);
  end if;
  if v_today > v_promo.bookable_until then
    raise exception using errcode = 'PROMO', hint = 'EXPIRED',
      message = pg_catalog.format('This promo code expired on %s.', v_promo.bookable_until);
  end if;
  if arrival < v_promo.stays_from or departure - 1 > v_promo.stays_until then
    raise exception using errcode = 'PROMO', hint = 'STAY_DATES',
      message = pg_catalog.format('This promo code is for stays with every night from %s to %s.',
                                  coalesce(v_promo.stays_from::text, 'now'), coalesce(v_promo.stays_until::text, 'any date'));
  end if;
  if v_promo.rate_plan_ids is not null and not (check_promo_code.rate_plan_id = any (v_promo.rate_plan_ids)) then
    raise exception using errcode = 'PROMO', hint = 'RATE_PLAN', message = 'This promo code is not for this rate.';
  end if;
  if v_promo.uses >= v_promo.max_uses then
    raise exception using errcode = 'PROMO', hint = 'USED_UP', message = 'This promo code has been used up.';
  end if;
  return v_promo;
end;
$$;
comment on function app_private.check_promo_code(uuid, uuid, date, date, text) is
  E'The promo code typed for a stay on a rate plan, when it applies today; PROMO_CODE (reason UNKNOWN, INACTIVE, NOT_YET, EXPIRED, STAY_DATES, RATE_PLAN or USED_UP) when not.';
--! EndIncluded booking/app_private.check_promo_code.sql
--! Included booking/app_public.quote.sql
-- A quote: the stay priced line by line on one rate plan, with cancellation
-- terms, valid for 30 minutes. The quote_token is the quote itself, signed
-- by the database; createHold books at exactly this price while it is valid,
-- even if rates change meanwhile. A pure read, so it can run anywhere.
-- promo_code: a code of the property (any case), whose discount becomes a
-- discount line of the room price and whose code the token carries
-- (PROMO_CODE when it does not apply: app_private.check_promo_code).
create or replace function app_public.quote(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  promo_code text default null
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
  v_quote := app_private.quote_for(quote.rate_plan_id, arrival, departure, adults, children, promo => v_promo);
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
comment on function app_public.quote(uuid, date, date, integer, integer, text) is
  E'Prices a stay on a rate plan: nightly lines, discounts (length of stay, promo code), fees, taxes, total and cancellation terms, with a quote_token valid for 30 minutes. promoCode: a code of the property, in any case. Errors: NOT_FOUND, DATES, GUEST, RESTRICTED (reason in extensions.reason), SOLD_OUT, PROMO_CODE (reason UNKNOWN, INACTIVE, NOT_YET, EXPIRED, STAY_DATES, RATE_PLAN or USED_UP).';
--! EndIncluded booking/app_public.quote.sql
grant execute on function app_public.quote(uuid, date, date, integer, integer, text) to keepr_anonymous;
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
  -- was counted when it was booked).
  v_quote := app_private.quote_for(v_res.rate_plan_id, v_arrival, v_departure, v_adults, v_children,
               promo => (select pc from app_public.promo_codes pc
                          where pc.property_id = v_res.property_id and pc.id = v_res.promo_code_id));
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
  -- was counted when it was booked).
  v_quote := app_private.quote_for(v_plan.id, v_arrival, v_departure, v_adults, v_children,
               promo => (select pc from app_public.promo_codes pc
                          where pc.property_id = v_res.property_id and pc.id = v_res.promo_code_id));

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
         taxes_amount = v_quote.taxes_amount, total_amount = v_quote.total_amount,
         price_lines = pg_catalog.to_jsonb(v_quote.lines),
         cancellation_policy = pg_catalog.jsonb_build_object(
           'is_refundable', v_quote.is_refundable,
           'free_cancellation_until', v_quote.free_cancellation_until,
           'late_cancellation_penalty', v_quote.late_cancellation_penalty,
           'terms', v_quote.cancellation_terms)
   where r.id = v_res.id
  returning * into v_res;
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
-- confirm_booking counts its use.
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
    room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, hold_expires_at, promo_code_id
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
    v_claim.expires_at, v_promo.id
  );

  v_hold := (v_id, v_quote.property_id, v_claim.expires_at, v_quote.currency, v_quote.total_amount,
             app_private.sign('hold:' || v_id))::app_public.hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_hold));
  return v_hold;
end;
$$;
comment on function app_public.create_hold(text, text, integer) is
  E'Holds a free unit for a quoted stay at the quoted price for `minutes` (default 10, 1 to 30). Errors: QUOTE_INVALID, QUOTE_EXPIRED, DATES, SOLD_OUT, PROMO_CODE (the quote''s promo code no longer applies), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.create_hold.sql
--! Included booking/app_public.confirm_booking.sql
-- Turns a hold into a confirmed reservation with a confirmation code and a
-- guest profile (found by email at the property, or created). A hold that
-- expired still confirms when its unit is free: its claim is kept if no one
-- took its nights, and otherwise the same unit (or another of the type) is
-- claimed again. HOLD_EXPIRED when none is free. The folio is charged and
-- the payment intents are created. A promo code in the price is counted as
-- used here, in one conditional update of its row: of two bookings racing
-- for its last use, the second waits for the first and then finds none
-- left (PROMO_CODE, reason USED_UP; INACTIVE when deactivated meanwhile).
--
-- Only whoever made the hold confirms it: the caller gives the hold token
-- createHold returned, or is the signed-in guest the hold belongs to, or is
-- front-office staff of the property; anyone else gets NTFND, as if the
-- hold did not exist. The contact given is kept on the reservation; it
-- updates the property's shared guest profile only when the caller is that
-- guest, signed in, or the property's staff: unverified input never changes
-- or reveals another person's data.
--
-- Its statements, and those of what it calls (the ledger, the payment
-- schedule, the messages' rows), run with generic plans: they look rows up
-- by keys, so a plan made once per connection is as good as one made for
-- each call's values. (Queuing jobs sets its own: app_private.add_jobs.)
create or replace function app_public.confirm_booking(
  reservation_id uuid,
  idempotency_key text,
  full_name text,
  email text,
  phone text default null,
  special_requests text default null,
  hold_token text default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
  set plan_cache_mode to force_generic_plan
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_claim app_public.inventory_claims;
  v_guest_id uuid;
  v_email public.citext;
  v_constraint text;
  v_staff boolean;
  v_verified boolean;
  v_user_id uuid;
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
  v_staff := v_res.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if not (v_staff
          or coalesce(v_res.user_id = app_hidden.current_user_id(), false)
          or coalesce(confirm_booking.hold_token = app_private.sign('hold:' || v_res.id), false)) then
    raise exception using errcode = 'NTFND', message = 'No such hold.';
  end if;
  if v_res.status <> 'held' then
    perform app_private.invalid_transition(v_res, 'confirmed');
  end if;
  -- The front office may book a guest without an email (a walk-in who has
  -- none): the profile has no email and no message is sent to it.
  if (email is null and not v_staff) or email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(email) > 254 then
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

  -- A new profile is linked to a signed-in guest only when the email given
  -- is their account's. An existing profile is updated only by the guest it
  -- is linked to or by the staff: account emails are not verified, so
  -- signing up with someone's email never reaches their profile.
  v_email := nullif(pg_catalog.btrim(email), '')::public.citext;
  select u.id into v_user_id from app_public.users u
   where u.id = app_private.booking_user_id(v_res.property_id) and u.email = v_email;
  insert into app_public.guests (property_id, email, full_name, phone, user_id)
  values (v_res.property_id, v_email, pg_catalog.btrim(full_name), phone, v_user_id)
  on conflict (property_id, email) do nothing
  returning id into v_guest_id;
  if v_guest_id is null and v_email is not null then
    select g.id, v_staff or coalesce(g.user_id = v_user_id, false) into v_guest_id, v_verified
      from app_public.guests g
     where g.property_id = v_res.property_id and g.email = v_email;
    if v_verified then
      update app_public.guests g
         set full_name = pg_catalog.btrim(confirm_booking.full_name),
             phone = coalesce(confirm_booking.phone, g.phone)
       where g.id = v_guest_id;
    end if;
  end if;

  loop
    begin
      update app_public.reservations r
         set status = 'confirmed', confirmation_code = app_private.new_confirmation_code(), confirmed_at = pg_catalog.now(),
             hold_expires_at = null, guest_id = v_guest_id, unit_id = v_claim.unit_id,
             user_id = coalesce(r.user_id, app_private.booking_user_id(v_res.property_id)),
             special_requests = confirm_booking.special_requests,
             contact_name = pg_catalog.btrim(confirm_booking.full_name), contact_email = v_email,
             contact_phone = confirm_booking.phone
       where r.id = v_res.id
      returning * into v_res;
      exit;
    exception when unique_violation then
      -- The code is taken at this property: draw another. Any other
      -- unique violation is not the draw's and goes out as it came.
      get stacked diagnostics v_constraint = constraint_name;
      if v_constraint is distinct from 'reservations_property_id_confirmation_code_key' then
        raise;
      end if;
    end;
  end loop;

  if v_res.promo_code_id is not null then
    update app_public.promo_codes pc set uses = pc.uses + 1
     where pc.property_id = v_res.property_id and pc.id = v_res.promo_code_id
       and pc.is_active and (pc.max_uses is null or pc.uses < pc.max_uses);
    if not found then
      raise exception using errcode = 'PROMO',
        hint = case when exists (select 1 from app_public.promo_codes pc
                                  where pc.property_id = v_res.property_id and pc.id = v_res.promo_code_id and not pc.is_active)
                    then 'INACTIVE' else 'USED_UP' end,
        message = 'The promo code of this hold was used up or withdrawn meanwhile; please quote again without it.';
    end if;
  end if;

  -- The folio is charged the locked price, and payments are scheduled by
  -- the rate plan (deposit now, balance before arrival).
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':confirm:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                               'Booking ' || v_res.confirmation_code || ' confirmed');
  perform app_private.schedule_payments(v_res);

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.confirm_booking(uuid, text, text, text, text, text, text) is
  E'Confirms a hold as a reservation for the guest (name, email, optional phone; the property''s front office may leave the email out for a walk-in, then no message is sent): returns the confirmation code. Give the hold token createHold returned (not needed by the signed-in guest who made the hold or by the property''s front office). Errors: NOT_FOUND (no such hold, or not yours), INVALID_TRANSITION, HOLD_EXPIRED, INVALID_EMAIL, INVALID_NAME, INVALID_PHONE, PROMO_CODE (the hold''s promo code was used up or deactivated meanwhile), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.confirm_booking.sql
--! Included booking/app_public.create_promo_code.sql
-- A new promo code of the property (issue 22), for owners and managers
-- (NOT_FOUND for people of no role there, ACCESS_DENIED for other staff).
-- The code is kept upper case (guests may type it in any case). Exactly one
-- of percent_off (0.01 to 100) and amount_off (minor units of the
-- property's currency) is given. rate_plan_ids: the property's rate plans
-- it applies to (none: all). stays_from/stays_until: first and last night a
-- stay may include; bookable_from/bookable_until: the days (the property's
-- calendar) it may be used to book; max_uses: confirmed bookings that may
-- use it (none: unlimited). INVALID_INPUT with reason CODE, CODE_TAKEN,
-- DISCOUNT, RATE_PLAN, STAY_DATES, BOOKING_DATES or MAX_USES. A retry of the
-- same code is CODE_TAKEN: a code is its own key.
create or replace function app_public.create_promo_code(
  property_id uuid,
  code text,
  percent_off numeric default null,
  amount_off bigint default null,
  rate_plan_ids uuid[] default null,
  stays_from date default null,
  stays_until date default null,
  bookable_from date default null,
  bookable_until date default null,
  max_uses integer default null
) returns app_public.promo_codes
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_variable
declare
  v_code text := pg_catalog.upper(pg_catalog.btrim(code));
  v_promo app_public.promo_codes;
begin
  perform app_private.require_staff(property_id, app_hidden.staff_group_roles('managers'), 'manage promo codes');
  if v_code is null or v_code !~ '^[A-Z0-9][A-Z0-9_-]{2,31}$' then
    raise exception using errcode = 'INVLD', hint = 'CODE',
      message = 'A promo code is 3 to 32 letters, digits, - or _, starting with a letter or digit.';
  end if;
  if pg_catalog.num_nonnulls(percent_off, amount_off) <> 1 then
    raise exception using errcode = 'INVLD', hint = 'DISCOUNT', message = 'Give either a percent off or an amount off.';
  end if;
  if percent_off is not null and (percent_off <= 0 or percent_off > 100 or percent_off <> round(percent_off, 2)) then
    raise exception using errcode = 'INVLD', hint = 'DISCOUNT', message = 'The percent off is between 0.01 and 100, with at most two decimals.';
  end if;
  if amount_off is not null and amount_off not between 1 and 100000000000 then
    raise exception using errcode = 'INVLD', hint = 'DISCOUNT', message = 'The amount off must be more than zero.';
  end if;
  if rate_plan_ids is not null
     and (pg_catalog.cardinality(rate_plan_ids) not between 1 and 100
          or array_position(rate_plan_ids, null) is not null
          or exists (select 1 from pg_catalog.unnest(rate_plan_ids) r(id)
                      where not exists (select 1 from app_public.rate_plans rp
                                         where rp.property_id = create_promo_code.property_id and rp.id = r.id))) then
    raise exception using errcode = 'INVLD', hint = 'RATE_PLAN', message = 'Choose 1 to 100 rate plans of this property, or none for all.';
  end if;
  if stays_until < stays_from then
    raise exception using errcode = 'INVLD', hint = 'STAY_DATES', message = 'The last night of the stay dates is before the first.';
  end if;
  if bookable_until < bookable_from then
    raise exception using errcode = 'INVLD', hint = 'BOOKING_DATES', message = 'The last booking day is before the first.';
  end if;
  if max_uses is not null and max_uses not between 1 and 1000000 then
    raise exception using errcode = 'INVLD', hint = 'MAX_USES', message = 'The number of uses is 1 to 1,000,000, or none for unlimited.';
  end if;

  insert into app_public.promo_codes (property_id, code, percent_off, amount_off, currency, rate_plan_ids,
                                      stays_from, stays_until, bookable_from, bookable_until, max_uses)
  select p.id, v_code, percent_off, amount_off, p.currency,
         (select pg_catalog.array_agg(distinct r) from pg_catalog.unnest(rate_plan_ids) r),
         stays_from, stays_until, bookable_from, bookable_until, max_uses
    from app_public.properties p
   where p.id = create_promo_code.property_id
  on conflict on constraint promo_codes_property_id_code_key do nothing
  returning * into v_promo;
  if v_promo.id is null then
    raise exception using errcode = 'INVLD', hint = 'CODE_TAKEN', message = 'This property already has that promo code.';
  end if;
  return v_promo;
end;
$$;
comment on function app_public.create_promo_code(uuid, text, numeric, bigint, uuid[], date, date, date, date, integer) is
  E'Creates a promo code of the property (owners and managers): percent or amount off the room price, optional rate plans, stay-date and booking-date windows, max uses. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason CODE, CODE_TAKEN, DISCOUNT, RATE_PLAN, STAY_DATES, BOOKING_DATES or MAX_USES).';
--! EndIncluded booking/app_public.create_promo_code.sql
grant execute on function app_public.create_promo_code(uuid, text, numeric, bigint, uuid[], date, date, date, date, integer) to keepr_staff;
--! Included booking/app_public.set_promo_code_active.sql
-- Deactivates a promo code (or activates it again), for owners and managers
-- of its property (NOT_FOUND for anyone else of no role there,
-- ACCESS_DENIED for other staff). A deactivated code is refused by quote,
-- at hold and at confirmation. Setting what it already is changes nothing.
create or replace function app_public.set_promo_code_active(
  promo_code_id uuid,
  is_active boolean
) returns app_public.promo_codes
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_variable
declare
  v_promo app_public.promo_codes;
begin
  select * into v_promo from app_public.promo_codes pc where pc.id = promo_code_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_promo.property_id, app_hidden.staff_group_roles('managers'), 'manage promo codes');
  if is_active is null then
    raise exception using errcode = 'INVLD', hint = 'IS_ACTIVE', message = 'Say whether the promo code is active.';
  end if;
  if v_promo.is_active is distinct from is_active then
    update app_public.promo_codes pc set is_active = set_promo_code_active.is_active
     where pc.property_id = v_promo.property_id and pc.id = v_promo.id
    returning * into v_promo;
  end if;
  return v_promo;
end;
$$;
comment on function app_public.set_promo_code_active(uuid, boolean) is
  E'Deactivates (false) or reactivates (true) a promo code (owners and managers of its property). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason IS_ACTIVE).';
--! EndIncluded booking/app_public.set_promo_code_active.sql
grant execute on function app_public.set_promo_code_active(uuid, boolean) to keepr_staff;
