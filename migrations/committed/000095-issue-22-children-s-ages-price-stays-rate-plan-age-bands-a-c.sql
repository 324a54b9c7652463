--! Previous: sha1:3035a761829dd6ea20275c5e1cef8e2d7e2e94ea
--! Hash: sha1:5e05a762d2058abe41587f9c2574e337c4e6cdce
--! Message: Issue 22: children's ages price stays (rate plan age bands, a child supplement line a night, cots below an age, ages on search, quote, change, combinations and group quotes)

-- Issue 22: children's ages where the rate depends on them. A rate plan's
-- age bands (children below child_free_below_age free, from
-- child_adult_from_age priced and counted as adults, between them a
-- supplement per night: an amount or a percent of the night), the
-- children's ages on reservations and quotes, and child_ages on search,
-- quote, quoteChange and modifyReservation (createHold takes them from the
-- quote token).
alter table app_public.rate_plans
  add column if not exists child_free_below_age smallint,
  add column if not exists child_adult_from_age smallint,
  add column if not exists child_supplement_amount bigint,
  add column if not exists child_supplement_percent numeric(5,2);
alter table app_public.rate_plans drop constraint if exists rate_plans_child_bands_check;
alter table app_public.rate_plans add constraint rate_plans_child_bands_check check (
  (child_free_below_age is null or child_free_below_age between 1 and 17)
  and (child_adult_from_age is null or child_adult_from_age between 1 and 17)
  and (child_free_below_age is null or child_adult_from_age is null or child_free_below_age <= child_adult_from_age)
  and (child_supplement_amount is null or child_supplement_amount between 0 and 100000000)
  and (child_supplement_percent is null or child_supplement_percent between 0 and 100)
  and pg_catalog.num_nonnulls(child_supplement_amount, child_supplement_percent) <= 1
  and case
        -- Not priced by age: no supplement (the extra-child fee applies).
        when child_free_below_age is null and child_adult_from_age is null
          then pg_catalog.num_nonnulls(child_supplement_amount, child_supplement_percent) = 0
        -- A supplement band that holds an age needs its price.
        when coalesce(child_free_below_age, 0) < coalesce(child_adult_from_age, 18)
          then pg_catalog.num_nonnulls(child_supplement_amount, child_supplement_percent) = 1
        else true
      end);
--! Included booking/app_private.tg_rate_plans__child_bands.sql
-- Keeps a rate plan's children's age bands (issue 22) sound, before it is
-- written, with a typed error for the console (INVALID_INPUT, reason
-- CHILD_BANDS): ages 1 to 17, the free band below the adult band, one
-- supplement (an amount of 0 to 100,000,000 minor units or a percent of 0
-- to 100 of the night) exactly when some age pays it, none when the plan
-- does not price children by age. The table's check
-- (rate_plans_child_bands_check) says the same as the last word.
create or replace function app_private.tg_rate_plans__child_bands()
  returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if new.child_free_below_age not between 1 and 17 or new.child_adult_from_age not between 1 and 17 then
    raise exception using errcode = 'INVLD', hint = 'CHILD_BANDS',
      message = 'Children''s ages are 1 to 17: free below an age, priced as adults from an age.';
  end if;
  if new.child_free_below_age > new.child_adult_from_age then
    raise exception using errcode = 'INVLD', hint = 'CHILD_BANDS',
      message = pg_catalog.format('Children are free below %s but priced as adults from %s: the free age must not be above the adult age.',
                                  new.child_free_below_age, new.child_adult_from_age);
  end if;
  if pg_catalog.num_nonnulls(new.child_supplement_amount, new.child_supplement_percent) > 1 then
    raise exception using errcode = 'INVLD', hint = 'CHILD_BANDS',
      message = 'A child''s supplement is an amount per night or a percent of the night, not both.';
  end if;
  if new.child_supplement_amount not between 0 and 100000000 or new.child_supplement_percent not between 0 and 100 then
    raise exception using errcode = 'INVLD', hint = 'CHILD_BANDS',
      message = 'A child''s supplement is an amount of 0 or more, or 0 % to 100 % of the night.';
  end if;
  if new.child_free_below_age is null and new.child_adult_from_age is null then
    if pg_catalog.num_nonnulls(new.child_supplement_amount, new.child_supplement_percent) > 0 then
      raise exception using errcode = 'INVLD', hint = 'CHILD_BANDS',
        message = 'A child''s supplement needs the ages it is for: set the free age, the adult age or both.';
    end if;
  elsif coalesce(new.child_free_below_age, 0) < coalesce(new.child_adult_from_age, 18)
        and pg_catalog.num_nonnulls(new.child_supplement_amount, new.child_supplement_percent) = 0 then
    raise exception using errcode = 'INVLD', hint = 'CHILD_BANDS',
      message = pg_catalog.format('Children aged %s to %s pay a supplement: give it as an amount per night or a percent of the night.',
                                  coalesce(new.child_free_below_age, 0), coalesce(new.child_adult_from_age, 18) - 1);
  end if;
  return new;
end;
$$;
comment on function app_private.tg_rate_plans__child_bands() is
  E'Before a rate plan is written: its children''s age bands are 1-17, free below adult, with one supplement exactly when an age pays it (INVALID_INPUT, reason CHILD_BANDS).';
--! EndIncluded booking/app_private.tg_rate_plans__child_bands.sql
drop trigger if exists _210_child_bands on app_public.rate_plans;
create trigger _210_child_bands before insert or update on app_public.rate_plans
  for each row execute function app_private.tg_rate_plans__child_bands();
comment on column app_public.rate_plans.child_free_below_age is
  E'Children younger than this (1 to 17) stay free on this rate. With childAdultFromAge, it makes the plan price children by age (their ages are then asked); null: no free band.';
comment on column app_public.rate_plans.child_adult_from_age is
  E'Children of this age or older (1 to 17) are priced and counted as adults on this rate (included places, extra-adult fee); null: every child below 18 is a child.';
comment on column app_public.rate_plans.child_supplement_amount is
  E'Per night, what each child between childFreeBelowAge and childAdultFromAge pays, in minor units (or childSupplementPercent). A plan priced by age charges this instead of the extra-child fee.';
comment on column app_public.rate_plans.child_supplement_percent is
  E'Per night, each child between childFreeBelowAge and childAdultFromAge pays this percent (0 to 100) of the night''s price (or childSupplementAmount).';
grant insert (child_free_below_age, child_adult_from_age, child_supplement_amount, child_supplement_percent),
      update (child_free_below_age, child_adult_from_age, child_supplement_amount, child_supplement_percent)
   on app_public.rate_plans to keepr_staff;

alter table app_public.room_types add column if not exists cot_below_age smallint;
alter table app_public.room_types drop constraint if exists room_types_cot_below_age_check;
alter table app_public.room_types add constraint room_types_cot_below_age_check check (cot_below_age between 1 and 5);
comment on column app_public.room_types.cot_below_age is
  E'Children younger than this (1 to 5) sleep in a cot and do not count toward maxOccupancy, when the guest gives their ages; null: every guest counts.';
grant insert (cot_below_age), update (cot_below_age) on app_public.room_types to keepr_staff;

alter table app_public.reservations add column if not exists child_ages smallint[];
alter table app_public.reservations drop constraint if exists reservations_child_ages_check;
alter table app_public.reservations add constraint reservations_child_ages_check check (
  child_ages is null
  or (pg_catalog.cardinality(child_ages) = children
      and coalesce(pg_catalog.array_ndims(child_ages), 1) = 1
      and pg_catalog.array_position(child_ages, null) is null
      and 0 <= all (child_ages) and 17 >= all (child_ages)));
comment on column app_public.reservations.child_ages is
  E'The children''s ages (0 to 17, one per child) when the guest gave them (issue 22); null: not given.';

do $$
begin
  if not exists (select 1 from pg_catalog.pg_attribute a
                  where a.attrelid = 'app_public.quote'::regclass and a.attname = 'child_ages' and not a.attisdropped) then
    alter type app_public.quote add attribute child_ages integer[];
  end if;
end;
$$;
do $$
begin
  if not exists (select 1 from pg_catalog.pg_attribute a
                  where a.attrelid = 'app_public.group_room'::regclass and a.attname = 'child_ages' and not a.attisdropped) then
    alter type app_public.group_room add attribute child_ages integer[];
  end if;
end;
$$;
comment on column app_public.group_room.child_ages is 'The children''s ages of this room (one per child), as roomCombinations spreads them; none when not given.';
comment on column app_public.quote.child_ages is 'The children''s ages the quote was priced for (one per child), or none.';

drop function if exists app_private.stay_restrictions(uuid[], date, date, integer, integer);
drop function if exists app_private.price_lines(uuid[], date, date, integer, integer, bigint, numeric, text, numeric, bigint, text);
drop function if exists app_private.quote_for(uuid, date, date, integer, integer, bigint, numeric, text, app_public.promo_codes);
drop function if exists app_public.quote(uuid, date, date, integer, integer, text);
drop function if exists app_public.quote_change(uuid, date, date, integer, integer);
drop function if exists app_public.modify_reservation(uuid, text, date, date, integer, integer, uuid, uuid);
-- The extras' signatures (migration 000094) give way to those with the ages after them.
drop function if exists app_private.price_lines(uuid[], date, date, integer, integer, bigint, numeric, text, numeric, bigint, text, jsonb);
drop function if exists app_private.quote_for(uuid, date, date, integer, integer, bigint, numeric, text, app_public.promo_codes, jsonb);
drop function if exists app_public.quote(uuid, date, date, integer, integer, text, jsonb);
--! Included booking/app_private.check_child_ages.sql
-- Checks the children's ages of a stay request (issue 22): one age per
-- child, each 0 to 17 (INVALID_INPUT, reason CHILD_AGES); required when
-- there are children and a rate plan prices them by age (its
-- child_free_below_age or child_adult_from_age set); no child younger than
-- the property's children_min_age (RESTRICTED, reason CHILD_MIN_AGE). Ages
-- may be null when no plan prices by age (then the minimum age is not
-- checked: the guest was not asked).
create or replace function app_private.check_child_ages(property_id uuid, rate_plan_ids uuid[], children integer, child_ages integer[])
  returns void
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_min_age smallint;
  v_youngest integer;
begin
  if child_ages is null then
    if coalesce(children, 0) > 0 and exists (
         select 1 from app_public.rate_plans rp
          where rp.id = any (check_child_ages.rate_plan_ids)
            and (rp.child_free_below_age is not null or rp.child_adult_from_age is not null)) then
      raise exception using errcode = 'INVLD', hint = 'CHILD_AGES',
        message = 'This rate prices children by age: give the age of each child.';
    end if;
    return;
  end if;
  if pg_catalog.cardinality(child_ages) <> coalesce(children, 0) or coalesce(pg_catalog.array_ndims(child_ages), 1) <> 1 then
    raise exception using errcode = 'INVLD', hint = 'CHILD_AGES',
      message = pg_catalog.format('Give one age per child: %s child%s, %s age%s given.',
                                  coalesce(children, 0), case when children = 1 then '' else 'ren' end,
                                  pg_catalog.cardinality(child_ages), case when pg_catalog.cardinality(child_ages) = 1 then '' else 's' end);
  end if;
  if pg_catalog.array_position(child_ages, null) is not null
     or exists (select 1 from pg_catalog.unnest(child_ages) a where a not between 0 and 17) then
    raise exception using errcode = 'INVLD', hint = 'CHILD_AGES',
      message = 'A child''s age is 0 to 17 (a guest of 18 or more is an adult).';
  end if;
  select p.children_min_age into v_min_age from app_public.properties p where p.id = check_child_ages.property_id;
  v_youngest := (select min(a) from pg_catalog.unnest(child_ages) a);
  if v_min_age is not null and v_youngest < v_min_age then
    raise exception using errcode = 'RSTRC', hint = 'CHILD_MIN_AGE',
      message = pg_catalog.format('This property welcomes children from the age of %s; a child of %s cannot stay.', v_min_age, v_youngest);
  end if;
end;
$$;
comment on function app_private.check_child_ages(uuid, uuid[], integer, integer[]) is
  E'Raises INVALID_INPUT (reason CHILD_AGES) for children''s ages that do not match the children (one each, 0 to 17) or are missing where a rate plan prices by age, and RESTRICTED (reason CHILD_MIN_AGE) for a child younger than the property welcomes.';
--! EndIncluded booking/app_private.check_child_ages.sql
--! Included booking/app_private.stay_restrictions.sql
-- Why a stay cannot be sold on each given rate plan (restriction null when
-- it can). Checked in this order: too many guests for the room type, stop
-- sell on any night, closed to arrival (arrival date), closed to departure
-- (departure date), min stay and max stay (the arrival date's calendar row,
-- else the plan's defaults). A derived plan (parent_rate_plan_id) follows
-- its parent's restrictions as well as its own: stop sell, closed to
-- arrival or departure on either closes it; its min stay is the larger of
-- the two, its max stay the smaller. With child_ages (issue 22), children
-- younger than the room type's cot_below_age sleep in a cot and do not
-- count toward its max_occupancy.
create or replace function app_private.stay_restrictions(
  rate_plan_ids uuid[],
  arrival date,
  departure date,
  adults integer,
  children integer,
  child_ages integer[] default null
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
        select x.*,
               case
                 when stay_restrictions.adults + stay_restrictions.children - x.in_cots > x.max_occupancy then 'MAX_OCCUPANCY'
                 when x.first_stop is not null then 'STOP_SELL'
                 when x.closed_to_arrival then 'CLOSED_TO_ARRIVAL'
                 when x.closed_to_departure then 'CLOSED_TO_DEPARTURE'
                 when stay_restrictions.departure - stay_restrictions.arrival < x.min_stay then 'MIN_STAY'
                 when stay_restrictions.departure - stay_restrictions.arrival > x.max_stay then 'MAX_STAY'
               end as restriction
          from (
            select rp.id, rt.max_occupancy,
                   (select count(*) from pg_catalog.unnest(stay_restrictions.child_ages) g where g < rt.cot_below_age)::integer as in_cots,
                   least(s.first_stop, pp.first_stop) as first_stop,
                   greatest(coalesce(a.min_stay, rp.min_stay), coalesce(pp.arrival_min_stay, pp.plan_min_stay)) as min_stay,
                   least(coalesce(a.max_stay, rp.max_stay), coalesce(pp.arrival_max_stay, pp.plan_max_stay)) as max_stay,
                   coalesce(a.closed_to_arrival, false) or coalesce(pp.closed_to_arrival, false) as closed_to_arrival,
                   coalesce(d.closed_to_departure, false) or coalesce(pp.closed_to_departure, false) as closed_to_departure
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
              -- The parent's restrictions, read only for a derived plan (the
              -- condition on rp.parent_rate_plan_id gates the whole subquery).
              left join lateral (
                select par.min_stay as plan_min_stay, par.max_stay as plan_max_stay,
                       pa.min_stay as arrival_min_stay, pa.max_stay as arrival_max_stay,
                       pa.closed_to_arrival, pd.closed_to_departure,
                       (select min(c.date) from app_public.rate_calendar c
                         where c.property_id = par.property_id and c.rate_plan_id = par.id and c.stop_sell
                           and c.date >= stay_restrictions.arrival and c.date < stay_restrictions.departure) as first_stop
                  from app_public.rate_plans par
                  left join app_public.rate_calendar pa
                    on pa.property_id = par.property_id and pa.rate_plan_id = par.id and pa.date = stay_restrictions.arrival
                  left join app_public.rate_calendar pd
                    on pd.property_id = par.property_id and pd.rate_plan_id = par.id and pd.date = stay_restrictions.departure
                 where rp.parent_rate_plan_id is not null
                   and par.property_id = rp.property_id and par.id = rp.parent_rate_plan_id
                offset 0 -- kept a subquery (not flattened into the joins above), so the gate holds
              ) pp on true
             where rp.id = any (stay_restrictions.rate_plan_ids)
          ) x
      ) r;
end;
$$;
comment on function app_private.stay_restrictions(uuid[], date, date, integer, integer, integer[]) is
  E'For each rate plan: the first restriction that stops this stay (MAX_OCCUPANCY, STOP_SELL, CLOSED_TO_ARRIVAL, CLOSED_TO_DEPARTURE, MIN_STAY, MAX_STAY) and a message, or null. Children younger than the room type''s cot age (child_ages) do not count toward its occupancy.';
--! EndIncluded booking/app_private.stay_restrictions.sql
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
--   child     (issue 22) one per date when the plan prices children by
--             age (child_free_below_age, child_adult_from_age) and some
--             child is in the supplement band: those children times the
--             plan's child_supplement_amount, or child_supplement_percent
--             of the night's price (before extra-guest fees), rounded once
--             per line; children below child_free_below_age are free,
--             children from child_adult_from_age are priced as adults
--             (included places, extra_adult_fee); such a plan charges no
--             extra_child_fee. Part of the room price (discounts and
--             percent taxes apply to it). Without child_ages every child
--             is in the supplement band (callers require the ages:
--             app_private.check_child_ages);
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
  extras jsonb default null,
  child_ages integer[] default null
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
             greatest(price_lines.adults + a.adult_aged - rp.included_guests, 0) as extra_adults,
             case when a.by_age then 0
                  else greatest(price_lines.children - greatest(rp.included_guests - price_lines.adults, 0), 0) end as extra_children,
             a.supplemented, rp.child_supplement_amount, rp.child_supplement_percent,
             coalesce(rp.child_free_below_age, 0) as band_from, coalesce(rp.child_adult_from_age, 18) - 1 as band_to
        from app_public.rate_plans rp
        cross join lateral (
          -- Children by age (issue 22): how many count as adults, how many pay the supplement.
          select b.by_age,
                 case when not b.by_age then 0
                      else (select count(*) from pg_catalog.unnest(price_lines.child_ages) x where x >= rp.child_adult_from_age) end::integer as adult_aged,
                 case when not b.by_age then 0
                      when price_lines.child_ages is null then price_lines.children
                      else (select count(*) from pg_catalog.unnest(price_lines.child_ages) x
                             where x >= coalesce(rp.child_free_below_age, 0) and x < coalesce(rp.child_adult_from_age, 18)) end::integer as supplemented
            from (select rp.child_free_below_age is not null or rp.child_adult_from_age is not null as by_age) b
        ) a
       where rp.id = any (price_lines.rate_plan_ids)
    ),
    nights_priced as (
      -- The calendar price is looked up per night (one primary-key probe
      -- each): a join would be planned blind (the function's parameters are
      -- unknown when its plan is made) and can scan the whole calendar.
      select p.id as rate_plan_id, d.date, p.extra_adults, p.extra_children,
             app_private.derived_price(
               coalesce((select c.price from app_public.rate_calendar c
                          where c.property_id = p.property_id and c.rate_plan_id = p.price_plan_id and c.date = d.date),
                        p.base_price),
               p.adjustment_percent, p.adjustment_amount, p.rounding_step) as night_price,
             p.extra_adults * p.extra_adult_fee + p.extra_children * p.extra_child_fee as extra_amount,
             p.supplemented, p.child_supplement_amount, p.child_supplement_percent, p.band_from, p.band_to
        from plans p
        cross join lateral (
          select price_lines.arrival + i as date
            from pg_catalog.generate_series(0, p.nights - 1) i
        ) d
    ),
    nights as (
      select n.rate_plan_id, n.date, n.extra_adults, n.extra_children, n.night_price + n.extra_amount as amount from nights_priced n
    ),
    child_lines as (
      select n.rate_plan_id, n.date, n.supplemented as quantity, n.band_from, n.band_to,
             coalesce(n.supplemented * n.child_supplement_amount,
                      round(n.supplemented * n.night_price * n.child_supplement_percent / 100), 0) as amount
        from nights_priced n
       where n.supplemented > 0
    ),
    room as (
      select r.rate_plan_id, sum(r.amount) as subtotal
        from (select n.rate_plan_id, n.amount from nights n
              union all select c.rate_plan_id, c.amount from child_lines c) r
       group by r.rate_plan_id
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
        select c.rate_plan_id, 1, 'child', c.date,
               'Night of ' || pg_catalog.to_char(c.date, 'Dy DD Mon YYYY')
                 || pg_catalog.format(': children''s supplement (%s child%s aged %s-%s)', c.quantity,
                                      case when c.quantity > 1 then 'ren' else '' end, c.band_from, c.band_to),
               c.quantity, c.amount, false, null, null, null
          from child_lines c
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
comment on function app_private.price_lines(uuid[], date, date, integer, integer, bigint, numeric, text, numeric, bigint, text, jsonb, integer[]) is
  E'The price of a stay on each given rate plan, as lines (night, child, discount, fee with its fee_id, extra with its extra_id, tax with its tax_id) in minor units, with the front desk''s override, a promo code''s discount, the chosen extras and the children''s supplements by age when given.';
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
-- (docs/booking.md, "Extras"). child_ages: the children's ages (issue 22),
-- checked by the caller (app_private.check_child_ages), priced by
-- price_lines and kept on the quote.
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
  extras jsonb default null,
  child_ages integer[] default null
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
                                       quote_for.extras, quote_for.child_ages) l
          left join app_public.taxes tx on l.kind = 'tax' and tx.id = l.tax_id
      ),
      totals as (
        select coalesce(sum(l.amount) filter (where l.kind in ('night', 'child', 'discount')), 0)::bigint as room_amount,
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
        null, null, (quote_for.promo).code, t.extras_amount, quote_for.extras, quote_for.child_ages
      )::app_public.quote
        from terms x cross join totals t
  );
end;
$$;
comment on function app_private.quote_for(uuid, date, date, integer, integer, bigint, numeric, text, app_public.promo_codes, jsonb, integer[]) is
  E'Prices a stay on one rate plan: lines, totals, cancellation terms and units left (no restriction checks), with the front desk''s rate override, a promo code''s discount, the chosen extras and the children''s ages when given (app_private.price_lines); extras are not in the penalty''s base.';
--! EndIncluded booking/app_private.quote_for.sql
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
-- child_ages (issue 22): the children's ages, priced by the plan's age
-- bands (app_private.check_child_ages, price_lines); kept in the token.
create or replace function app_public.quote(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  promo_code text default null,
  extras jsonb default null,
  child_ages integer[] default null
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
  perform app_private.check_child_ages(v_property_id, array[quote.rate_plan_id], children, child_ages);

  select * into v_restriction
    from app_private.stay_restrictions(array[quote.rate_plan_id], arrival, departure, adults, children, child_ages);
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
  v_quote := app_private.quote_for(quote.rate_plan_id, arrival, departure, adults, children, promo => v_promo, extras => v_extras, child_ages => child_ages);
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
comment on function app_public.quote(uuid, date, date, integer, integer, text, jsonb, integer[]) is
  E'Prices a stay on a rate plan: nightly lines, discounts (length of stay, promo code), fees, taxes, total and cancellation terms, with a quote_token valid for 30 minutes. promoCode: a code of the property, in any case. extras: the property''s bookable extras chosen, [{"extraId": "…", "quantity": 1}] (bookableExtras lists them), priced as extra lines (extrasAmount). childAges: one age (0-17) per child, required when the rate prices children by age (INVALID_INPUT, reason CHILD_AGES); a child younger than the property welcomes: RESTRICTED, reason CHILD_MIN_AGE. The token carries the extras and the ages to createHold. Errors: NOT_FOUND, DATES, GUEST, RESTRICTED (reason in extensions.reason), SOLD_OUT, PROMO_CODE (reason UNKNOWN, INACTIVE, NOT_YET, EXPIRED, STAY_DATES, RATE_PLAN or USED_UP), INVALID_INPUT (reason EXTRAS, EXTRA_UNKNOWN, EXTRA_NOT_BOOKABLE, EXTRA_INACTIVE, EXTRA_QUANTITY, EXTRA_SOLD_OUT or CHILD_AGES).';
--! EndIncluded booking/app_public.quote.sql
grant execute on function app_public.quote(uuid, date, date, integer, integer, text, jsonb, integer[]) to keepr_anonymous;
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
-- The children's ages (issue 22) come with the quote token and are kept on
-- the reservation.
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
    id, property_id, room_type_id, rate_plan_id, unit_id, user_id, status, stay, adults, children, child_ages, currency,
    room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, hold_expires_at, promo_code_id,
    extras_amount
  ) values (
    v_id, v_quote.property_id, v_quote.room_type_id, v_quote.rate_plan_id, v_claim.unit_id, app_private.booking_user_id(v_quote.property_id),
    'held', pg_catalog.daterange(v_quote.arrival, v_quote.departure), v_quote.adults, v_quote.children, v_quote.child_ages, v_quote.currency,
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
  children integer default null,
  child_ages integer[] default null
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
  v_child_ages integer[];
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
  -- The booking's ages stand while its number of children does (issue 22).
  v_child_ages := coalesce(quote_change.child_ages,
                           case when pg_catalog.cardinality(v_res.child_ages) = v_children then v_res.child_ages::integer[] end);
  perform app_private.check_child_ages(v_res.property_id, array[v_res.rate_plan_id], v_children, v_child_ages);
  select * into v_restriction
    from app_private.stay_restrictions(array[v_res.rate_plan_id], v_arrival, v_departure, v_adults, v_children, v_child_ages);
  if v_restriction.restriction = 'MAX_OCCUPANCY' or (v_restriction.restriction is not null and not v_staff) then
    raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
  end if;

  -- A booking keeps its promo code's discount through changes (the code
  -- was counted when it was booked), and its extras at their booked prices
  -- (per-night extras follow the new nights).
  v_quote := app_private.quote_for(v_res.rate_plan_id, v_arrival, v_departure, v_adults, v_children,
               promo => (select pc from app_public.promo_codes pc
                          where pc.property_id = v_res.property_id and pc.id = v_res.promo_code_id),
               extras => app_private.booked_extras(v_res), child_ages => v_child_ages);
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
comment on function app_public.quote_change(uuid, date, date, integer, integer, integer[]) is
  E'Prices a change of a booking''s dates or guests on its rate plan (its own nights count as free), with the new cancellation terms; no token. Guests only when the booking''s changeRefusal is null. childAges: the children''s ages (without them, the booking''s while the number of children stays). Errors: NOT_FOUND, ACCESS_DENIED (reason: the refusal), INVALID_TRANSITION, DATES, GUEST, INVALID_INPUT (reason CHILD_AGES), RESTRICTED, SOLD_OUT.';
--! EndIncluded booking/app_public.quote_change.sql
grant execute on function app_public.quote_change(uuid, date, date, integer, integer, integer[]) to keepr_anonymous;
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
  unit_id uuid default null,
  child_ages integer[] default null
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
  v_child_ages integer[];
  v_quote app_public.quote;
  v_claim app_public.inventory_claims;
  v_staff boolean;
  v_restriction record;
begin
  v_replay := app_private.idempotency_begin('modify_reservation', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'arrival', arrival, 'departure', departure, 'adults', adults,
    'children', children, 'rate_plan_id', rate_plan_id, 'unit_id', unit_id)
    || case when child_ages is not null then pg_catalog.jsonb_build_object('child_ages', child_ages) else '{}' end);
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
  -- The booking's ages stand while its number of children does (issue 22).
  v_child_ages := coalesce(modify_reservation.child_ages,
                           case when pg_catalog.cardinality(v_res.child_ages) = v_children then v_res.child_ages::integer[] end);
  perform app_private.check_child_ages(v_res.property_id, array[v_plan.id], v_children, v_child_ages);
  if modify_reservation.unit_id is not null and not exists (
       select 1 from app_public.units u
        where u.property_id = v_res.property_id and u.id = modify_reservation.unit_id and u.room_type_id = v_plan.room_type_id) then
    raise exception using errcode = 'NTFND', message = 'No such unit of this room type at this property.';
  end if;
  if v_adults + v_children - (select count(*) from pg_catalog.unnest(v_child_ages) g
                                where g < (select rt.cot_below_age from app_public.room_types rt where rt.id = v_plan.room_type_id))
     > (select rt.max_occupancy from app_public.room_types rt where rt.id = v_plan.room_type_id) then
    raise exception using errcode = 'RSTRC', message = 'Too many guests for this room type.', hint = 'MAX_OCCUPANCY';
  end if;
  if not v_staff then
    select * into v_restriction from app_private.stay_restrictions(array[v_plan.id], v_arrival, v_departure, v_adults, v_children, v_child_ages);
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
               extras => app_private.booked_extras(v_res), child_ages => v_child_ages);

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
     set stay = pg_catalog.daterange(v_arrival, v_departure), adults = v_adults, children = v_children, child_ages = v_child_ages,
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
comment on function app_public.modify_reservation(uuid, text, date, date, integer, integer, uuid, uuid, integer[]) is
  E'Changes dates, guests, rate plan/room type or unit of a reservation, re-priced and re-claimed atomically (the old claim stands if the new one fails). Staff of the property; the guest too for dates and guests when the booking''s changeRefusal is null (within the rate''s restrictions). Errors: NOT_FOUND, ACCESS_DENIED (for a guest, reason: the refusal or DATES_ONLY), INVALID_TRANSITION, DATES, GUEST, INVALID_INPUT (reason CHILD_AGES: one age 0-17 per child, required when the rate prices children by age; without childAges the booking''s stand while its number of children does), RESTRICTED, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.modify_reservation.sql
grant execute on function app_public.modify_reservation(uuid, text, date, date, integer, integer, uuid, uuid, integer[]) to keepr_anonymous, keepr_staff;
--! Included booking/app_public.search_availability.sql
-- Search: every room type with units left for the stay at the published
-- properties matching the filters, and its price on each rate plan for
-- these guests. With include_unavailable, also the rate plans that cannot
-- be sold and why (a restriction code, or SOLD_OUT). Set-based: the free
-- units of all matching properties in one pass, then all plans priced
-- together.
--
-- With `language` (issues 22 and 23), room_type_name and rate_plan_name are
-- the names in that language where the property translated them, else the
-- item's own (without it, the own names, as before): the translations are
-- joined in this query (app_hidden.room_type_translation and
-- rate_plan_translation, inlined: one index probe a row), not read by a
-- function call per result row. A translation is shown exactly when its
-- item is: only the rows this search returns (published, or the caller's
-- property) are joined. Results are ordered by the names returned.
--
-- With child_ages (issue 22), plans that price children by age are priced
-- for them; without them (and children), such a plan cannot be priced: it
-- is left out (with include_unavailable: restriction CHILD_AGES). A
-- property whose children_min_age is above the youngest child's age sells
-- nothing to this party (CHILD_MIN_AGE).
drop function if exists app_public.search_availability(date, date, integer, integer, uuid, text, text, boolean);
drop function if exists app_public.search_availability(date, date, integer, integer, uuid, text, text, boolean, text);
create or replace function app_public.search_availability(
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  property_id uuid default null,
  city text default null,
  country_code text default null,
  include_unavailable boolean default false,
  language text default null,
  child_ages integer[] default null
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
  perform app_private.check_child_ages(null, '{}', children, child_ages);
  v_stay := pg_catalog.daterange(arrival, departure);
  return query
  with candidates as materialized (
    select p.id, p.name, p.city, p.children_min_age
      from app_public.properties p
     where (p.is_published or p.id = any (v_member))
       and (search_availability.property_id is null or p.id = search_availability.property_id)
       and (search_availability.city is null or pg_catalog.lower(p.city) = pg_catalog.lower(search_availability.city))
       and (search_availability.country_code is null or p.country_code = pg_catalog.upper(search_availability.country_code))
       and search_availability.arrival >= (pg_catalog.now() at time zone p.time_zone)::date
  ),
  -- Units left per room type of all candidate properties at once: by
  -- count on the busiest night for a hotel (the allocator moves stays to
  -- make what fits by count fit), whole free units for a vacation rental.
  free as (
    select f.room_type_id, f.units_left
      from app_private.room_type_units_left(array(select c.id from candidates c), v_stay) f
  ),
  room_types as materialized (
    select c.id as property_id, c.name as property_name, c.city, c.children_min_age, rt.id as room_type_id, rt.name as room_type_name,
           rt.max_occupancy, coalesce(f.units_left, 0) as units_left
      from candidates c
      join app_public.room_types rt on rt.property_id = c.id
      left join free f on f.room_type_id = rt.id
     where rt.is_published or c.id = any (v_member)
  ),
  plans as (
    select rt.*, rp.id as rate_plan_id, rp.name as rate_plan_name, rp.meal_plan, rp.is_refundable, rp.currency,
           case when search_availability.children > 0 and search_availability.child_ages is null
                     and (rp.child_free_below_age is not null or rp.child_adult_from_age is not null) then 'CHILD_AGES'
                when rt.children_min_age > (select min(a) from pg_catalog.unnest(search_availability.child_ages) a) then 'CHILD_MIN_AGE'
           end as age_restriction
      from room_types rt
      join app_public.rate_plans rp on rp.property_id = rt.property_id and rp.room_type_id = rt.room_type_id
     where (rp.is_published or rt.property_id = any (v_member))
       and (rt.units_left > 0 or search_availability.include_unavailable)
  ),
  prices as (
    select l.rate_plan_id,
           sum(l.amount) filter (where not l.is_inclusive)::bigint as total_amount,
           sum(l.amount) filter (where l.kind in ('night', 'child', 'discount'))::bigint as room_amount
      from app_private.price_lines(array(select rate_plan_id from plans), arrival, departure, adults, children,
                                   child_ages => search_availability.child_ages) l
     group by l.rate_plan_id
  ),
  restrictions as (
    select * from app_private.stay_restrictions(array(select rate_plan_id from plans), arrival, departure, adults, children,
                                                search_availability.child_ages)
  )
  select p.property_id, p.property_name, p.city, p.room_type_id, coalesce(rtt.name, p.room_type_name), p.max_occupancy, p.units_left,
         p.rate_plan_id, coalesce(rpt.name, p.rate_plan_name), p.meal_plan, p.is_refundable, p.currency::char(3),
         pr.total_amount, round(pr.room_amount::numeric / (departure - arrival))::bigint,
         p.units_left > 0 and r.restriction is null and p.age_restriction is null,
         coalesce(p.age_restriction, r.restriction, case when p.units_left = 0 then 'SOLD_OUT' end),
         coalesce(case p.age_restriction
                    when 'CHILD_AGES' then 'This rate prices children by age: give the age of each child to see its price.'
                    when 'CHILD_MIN_AGE' then pg_catalog.format('This property welcomes children from the age of %s.', p.children_min_age)
                  end,
                  r.message, case when p.units_left = 0 then 'No unit of this type is free for these dates.' end)
    from plans p
    join prices pr on pr.rate_plan_id = p.rate_plan_id
    join restrictions r on r.rate_plan_id = p.rate_plan_id
    left join lateral app_hidden.room_type_translation(p.property_id, p.room_type_id, search_availability.language) rtt on true
    left join lateral app_hidden.rate_plan_translation(p.property_id, p.rate_plan_id, search_availability.language) rpt on true
   where search_availability.include_unavailable or (p.units_left > 0 and r.restriction is null and p.age_restriction is null)
   order by p.property_name, coalesce(rtt.name, p.room_type_name), pr.total_amount, coalesce(rpt.name, p.rate_plan_name);
end;
$$;
grant execute on function app_public.search_availability(date, date, integer, integer, uuid, text, text, boolean, text, integer[]) to keepr_anonymous;
comment on function app_public.search_availability(date, date, integer, integer, uuid, text, text, boolean, text, integer[]) is
  E'Room types with units left for a stay, priced on each rate plan for the guests. Filter by property, city or country; include_unavailable also lists restricted and sold-out rates with the reason. With language (en, pt, es), the room type and rate plan names in it where translated, else their own. With childAges (one age 0-17 per child), rates that price children by age are priced for them; without, such rates are left out (restriction CHILD_AGES), and a property that welcomes children only from an age above the youngest child sells nothing (CHILD_MIN_AGE). Errors: DATES, GUEST, INVALID_INPUT (reason CHILD_AGES).';
--! EndIncluded booking/app_public.search_availability.sql
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
-- With child_ages (issue 22, one age per child, app_private.check_child_ages),
-- the children go to the rooms in the order given, each room priced with its
-- children's ages and its occupancy counting cots (stay_restrictions); its
-- group_room carries them. Without ages, a plan that prices children by
-- age is left out for a room with children (it cannot be priced).
drop function if exists app_public.room_combinations(uuid, date, date, integer, integer, integer, integer);
create or replace function app_public.room_combinations(
  property_id uuid,
  arrival date,
  departure date,
  adults integer,
  children integer default 0,
  max_rooms integer default 4,
  max_results integer default 5,
  child_ages integer[] default null
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
  v_room_ages integer[];
  v_next_age integer;
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
  perform app_private.check_child_ages(room_combinations.property_id, '{}', children, child_ages);
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
    v_next_age := 1;
    for i in 1..v_combo.rooms loop
      -- This room's children's ages: the next ones in the order given.
      v_room_ages := case when room_combinations.child_ages is not null
                          then room_combinations.child_ages[v_next_age:v_next_age + v_children[i] - 1] end;
      v_next_age := v_next_age + v_children[i];
      -- The cheapest plan of a room type for an occupancy, priced once per call.
      v_key := v_combo.type_ids[i] || ':' || v_adults[i] || ':' || v_children[i] || ':' || coalesce(pg_catalog.array_to_string(v_room_ages, ','), '');
      if not v_prices ? v_key then
        select rp.id, (app_private.quote_for(rp.id, arrival, departure, v_adults[i], v_children[i], child_ages => v_room_ages)).total_amount as total
          into v_price
          from app_public.rate_plans rp
         where rp.property_id = room_combinations.property_id and rp.room_type_id = v_combo.type_ids[i]
           and (rp.is_published or v_member)
           and (v_room_ages is not null or v_children[i] = 0 or (rp.child_free_below_age is null and rp.child_adult_from_age is null))
           and not exists (select 1 from app_private.stay_restrictions(array[rp.id], arrival, departure, v_adults[i], v_children[i], v_room_ages) s
                            where s.restriction is not null)
         order by 2, rp.id
         limit 1;
        v_prices := v_prices || pg_catalog.jsonb_build_object(v_key, case when found then pg_catalog.jsonb_build_object('id', v_price.id, 'total', v_price.total) end);
      end if;
      if v_prices -> v_key = 'null'::jsonb then
        v_total := null;
        exit;
      end if;
      v_rooms := v_rooms || ((v_prices -> v_key ->> 'id')::uuid, v_adults[i], v_children[i], null, v_room_ages)::app_public.group_room;
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
comment on function app_public.room_combinations(uuid, date, date, integer, integer, integer, integer, integer[]) is
  E'The cheapest ways (ranked, at most max_results of 1 to 20) to sleep a party in up to max_rooms rooms (1 to 10, default 4) of a property for a stay: minimal combinations of room types with units left, fitting by max occupancy, one adult at least per room, each room on its cheapest plan that sells the stay. Each combination''s rooms go to quoteGroup. childAges: one age (0-17) per child, given to the rooms in order and priced with them (rates that price children by age need them). Errors: INVALID_INPUT (reason CHILD_AGES for the ages), NOT_FOUND, DATES, GUEST, RESTRICTED (CHILD_MIN_AGE).';
--! EndIncluded booking/app_public.room_combinations.sql
grant execute on function app_public.room_combinations(uuid, date, date, integer, integer, integer, integer, integer[]) to keepr_anonymous;
-- A group's rooms are quoted with their children's ages (group_room.child_ages).
--! Included booking/app_public.quote_group.sql
-- A group quote: several rooms of one stay (each a rate plan, its guests
-- and optionally who sleeps there) priced at once, each by app_public.quote
-- with its rules, plus the sums. The rooms are counted together: two rooms
-- of a room type need two units left on every night (SOLD_OUT names the
-- first room that does not fit). Each error names its room ("Room 2: …").
-- The quote_token (valid 30 minutes) holds every room's own signed quote,
-- signed again as a whole; createGroupHold holds all of them or none. A
-- pure read, like quote. promo_code: one code for the whole group, applied
-- to every room by app_public.quote (a discount line of each room's price);
-- it must apply to every room (PROMO_CODE naming the first room it does not
-- fit). The group's use is counted once, by confirm_group.
create or replace function app_public.quote_group(
  rooms app_public.group_room[],
  arrival date,
  departure date,
  promo_code text default null
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
  v_detail text;
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
      v_quote := app_public.quote(v_room.rate_plan_id, arrival, departure, v_room.adults, coalesce(v_room.children, 0),
                                  promo_code => quote_group.promo_code, child_ages => v_room.child_ages);
    exception when others then
      get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      perform app_private.raise_room_error(v_n, sqlstate, sqlerrm, v_detail, v_hint);
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
         v_rooms, min((r.quote).valid_until), null, (v_rooms[1].quote).promo_code
    into v_group
    from pg_catalog.unnest(v_rooms) r;
  v_payload := pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(pg_catalog.jsonb_build_object(
                 'kind', 'group', 'property_id', v_group.property_id, 'valid_until', v_group.valid_until,
                 'promo_code', v_group.promo_code,
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
comment on function app_public.quote_group(app_public.group_room[], date, date, text) is
  E'Prices several rooms of one stay together (1 to 20: a rate plan, adults, children and optionally a guest name each): each room''s quote and the sums, with a quote_token for createGroupHold valid 30 minutes. promoCode: one code of the property for the whole group, its discount a line of each room''s price (it must apply to every room); the group counts as one use. Errors name the room: INVALID_INPUT, NOT_FOUND, DATES, GUEST, RESTRICTED, SOLD_OUT (the rooms of one type are counted together), PROMO_CODE (reason UNKNOWN, INACTIVE, NOT_YET, EXPIRED, STAY_DATES, RATE_PLAN or USED_UP).';
--! EndIncluded booking/app_public.quote_group.sql
--! Included booking/app_public.quote_group_change.sql
-- Prices moving a whole booking group to new dates before it is done
-- (changeGroupDates then does it): every room that is not cancelled, on its
-- own rate plan and guests, with the same rules as a room's own change
-- (app_public.quote_change): staff of the property always; the guest who
-- made the group (signed in, or with the group's token) only while every
-- room's changeRefusal is null and within the rates' restrictions. The
-- rooms of one room type are counted together against the units free on
-- every night of the new stay, the group's own nights counting as free (it
-- gives them back when it moves): SOLD_OUT names the first room that does
-- not fit. Each error names its room ("Room 2: …"). Returns each room's
-- new quote beside what it costs now, and the sums: difference = new total
-- - current total. No quote token: this is not a new booking.
create or replace function app_public.quote_group_change(
  booking_group_id uuid,
  arrival date,
  departure date
) returns app_public.group_change_quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_group app_public.booking_groups;
  v_staff boolean;
  v_room app_public.reservations;
  v_restriction record;
  v_quote app_public.quote;
  v_rooms app_public.group_change_room[] := '{}';
  v_over record;
  v_ids uuid[];
  v_detail text;
  v_hint text;
  v_result app_public.group_change_quote;
begin
  select * into v_group from app_public.booking_groups g where g.id = quote_group_change.booking_group_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such booking group, or you cannot see it.';
  end if;
  v_staff := v_group.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if not coalesce(v_staff or v_group.id = app_hidden.current_booking_group_id()
                  or (v_group.user_id is not null and v_group.user_id = app_hidden.current_user_id()), false) then
    perform app_private.require_staff(v_group.property_id, app_hidden.staff_group_roles('front_office'), 'change reservations');
  end if;
  perform app_private.check_stay(v_group.property_id, arrival, departure, 1, 0);

  for v_room in
    select * from app_public.reservations r
     where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status <> 'cancelled'
     order by r.room_no
  loop
    begin
      if v_room.status <> 'confirmed' then
        perform app_private.invalid_transition(v_room, 'changed');
      end if;
      if not v_staff and app_private.guest_change_refusal(v_room) is not null then
        perform app_private.refuse_guest_change(v_room, app_private.guest_change_refusal(v_room));
      end if;
      select * into v_restriction
        from app_private.stay_restrictions(array[v_room.rate_plan_id], arrival, departure, v_room.adults, v_room.children, v_room.child_ages);
      if v_restriction.restriction = 'MAX_OCCUPANCY' or (v_restriction.restriction is not null and not v_staff) then
        raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
      end if;
      v_quote := app_private.quote_for(v_room.rate_plan_id, arrival, departure, v_room.adults, v_room.children,
                                       promo => (select pc from app_public.promo_codes pc
                                                  where pc.property_id = v_room.property_id and pc.id = v_room.promo_code_id),
                                       extras => app_private.booked_extras(v_room), child_ages => v_room.child_ages);
    exception when others then
      get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
    end;
    v_quote.valid_until := null;
    v_quote.quote_token := null;
    v_rooms := v_rooms || (v_room.room_no, v_room.id, v_room.total_amount, v_quote)::app_public.group_change_room;
  end loop;
  if pg_catalog.cardinality(v_rooms) = 0 then
    raise exception using errcode = 'TRANS', message = 'Every room of this group is cancelled: there is nothing to change.';
  end if;

  v_ids := array(select r.reservation_id from pg_catalog.unnest(v_rooms) r);
  -- The rooms of one room type together need that many units free on
  -- every night of the new stay, the group's own claims left out.
  with nights as (
    select d::date as night from pg_catalog.generate_series(arrival, departure - 1, interval '1 day') d
  ), taken as (
    select u.room_type_id, n.night, pg_catalog.count(c.id) as taken
      from app_public.units u
      cross join nights n
      left join app_public.inventory_claims c
        on c.property_id = u.property_id and c.unit_id = u.id and c.stay @> n.night
       and c.released_at is null and (c.expires_at is null or c.expires_at > pg_catalog.now())
       and coalesce(c.reservation_id <> all (v_ids), true)
     where u.property_id = v_group.property_id and u.is_active
     group by u.room_type_id, n.night
  ), free as (
    select t.room_type_id, (select pg_catalog.count(*) from app_public.units u
                             where u.property_id = v_group.property_id and u.room_type_id = t.room_type_id and u.is_active)
                           - max(t.taken) as units_free
      from taken t
     group by t.room_type_id
  )
  select x.room_no, rt.name, coalesce(f.units_free, 0) as units_free into v_over
    from (select r.room_no, (r.quote).room_type_id as room_type_id,
                 pg_catalog.row_number() over (partition by (r.quote).room_type_id order by r.room_no) as nth
            from pg_catalog.unnest(v_rooms) r) x
    join app_public.room_types rt on rt.id = x.room_type_id
    left join free f on f.room_type_id = x.room_type_id
   where x.nth > coalesce(f.units_free, 0)
   order by x.room_no
   limit 1;
  if found then
    raise exception using errcode = 'SOLDO', hint = 'room ' || v_over.room_no,
      message = pg_catalog.format('Room %s (%s): no unit of this room type is free for the new dates, so the group cannot move.',
                                  v_over.room_no, v_over.name);
  end if;

  select v_group.id, arrival, departure, departure - arrival, (v_rooms[1].quote).currency,
         sum(r.current_total), sum((r.quote).total_amount), sum((r.quote).total_amount) - sum(r.current_total), v_rooms
    into v_result
    from pg_catalog.unnest(v_rooms) r;
  return v_result;
end;
$$;
comment on function app_public.quote_group_change(uuid, date, date) is
  E'Prices moving every room of a booking group (cancelled rooms aside) to new dates, each on its own rate plan and guests: each room''s new quote beside what it costs now, the sums and the difference. The rooms of a type are counted together; the group''s own nights count as free. Front office, the guest who made the group (signed in) or the group''s token (then only while every room may still be changed by the guest). Errors name the room: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT.';
--! EndIncluded booking/app_public.quote_group_change.sql
