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
