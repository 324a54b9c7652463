--! Previous: sha1:1b08766cedee7279c4a9be4f2fd2f1700b40efea
--! Hash: sha1:0f65fd31a97f74b019b7cf18e770a30a8afae942
--! Message: Issue 21: derived rate plans (a plan follows a parent of its room type, adjusted by a percent or an amount and rounded), the arrival's expected time, early check-ins on the housekeeping board, and tasks given several at once

-- Issue 21, revenue: derived rate plans ("Non-refundable = Flexible - 15 %").
-- A derived plan follows a parent of the same property and room type: each
-- night's price is the parent's for that night adjusted by a percent or an
-- amount and rounded; its restrictions are the parent's and its own
-- combined. One level (a parent is not derived itself). docs/booking.md,
-- "Derived rate plans".

-- Re-runnable: undo what the rest of this file makes, in reverse order.
drop trigger if exists _200_derived_price on app_public.rate_calendar;
drop trigger if exists _200_follow_parent on app_public.rate_plans;
drop trigger if exists _200_keep_parent on app_public.rate_plans;
drop trigger if exists _200_derived on app_public.rate_plans;
drop function if exists app_private.tg_rate_calendar__derived_price();
drop function if exists app_private.tg_rate_plans__keep_parent();
drop function if exists app_private.tg_rate_plans__follow_parent();
drop function if exists app_private.tg_rate_plans__derived();
alter table app_public.rate_plans drop constraint if exists rate_plans_parent_fkey;
alter table app_public.rate_plans drop column if exists parent_rate_plan_id;
alter table app_public.rate_plans drop column if exists adjustment_percent;
alter table app_public.rate_plans drop column if exists adjustment_amount;
alter table app_public.rate_plans drop column if exists rounding_step;
alter table app_public.rate_plans drop constraint if exists rate_plans_property_id_room_type_id_id_key;

alter table app_public.rate_plans
  add constraint rate_plans_property_id_room_type_id_id_key unique (property_id, room_type_id, id);
comment on constraint rate_plans_property_id_room_type_id_id_key on app_public.rate_plans is E'@behavior -*';
alter table app_public.rate_plans
  add column parent_rate_plan_id uuid,
  add column adjustment_percent numeric(5,2) check (adjustment_percent between -90 and 100),
  add column adjustment_amount bigint check (adjustment_amount between -1000000 and 1000000),
  add column rounding_step integer not null default 1 check (rounding_step between 1 and 100000),
  add constraint rate_plans_derived_check check (
    case when parent_rate_plan_id is null then adjustment_percent is null and adjustment_amount is null
         else parent_rate_plan_id <> id and pg_catalog.num_nonnulls(adjustment_percent, adjustment_amount) = 1 end),
  -- Same property and same room type, by the key: a derived plan sells the
  -- same rooms as its parent, so deleting the room type takes both, and
  -- its included guests and extra-guest fees read against the same room.
  -- No action (checked at the end of the statement): a cascade from the
  -- room type deletes parent and derived plans in one statement.
  add constraint rate_plans_parent_fkey foreign key (property_id, room_type_id, parent_rate_plan_id)
    references app_public.rate_plans (property_id, room_type_id, id);
create index rate_plans_parent_idx on app_public.rate_plans (property_id, room_type_id, parent_rate_plan_id)
  where parent_rate_plan_id is not null;
comment on constraint rate_plans_parent_fkey on app_public.rate_plans is E'@fieldName parent\n@foreignFieldName derivedPlans';
comment on column app_public.rate_plans.parent_rate_plan_id is
  E'A derived plan follows this plan (same room type, not derived itself): every night''s price is the parent''s adjusted, and the parent''s restrictions apply too. Null: a plan with its own prices.';
comment on column app_public.rate_plans.adjustment_percent is
  E'A derived plan''s adjustment as a percent of the parent''s nightly price, -90 to +100 (-15: 15 % less). Exactly one of this and adjustment_amount on a derived plan.';
comment on column app_public.rate_plans.adjustment_amount is
  E'A derived plan''s adjustment in minor units per night added to the parent''s price (negative: less), at most 1,000,000 either way.';
comment on column app_public.rate_plans.rounding_step is
  E'A derived plan''s nightly price is rounded to a multiple of this many minor units (1: none; 100: whole units of a two-decimal currency), half away from zero.';
comment on column app_public.rate_plans.base_price is
  E'Nightly price in minor units for the included guests, unless the rate calendar overrides it. A derived plan''s is its parent''s adjusted (set by the database).';

grant insert (parent_rate_plan_id, adjustment_percent, adjustment_amount, rounding_step),
      update (parent_rate_plan_id, adjustment_percent, adjustment_amount, rounding_step)
  on app_public.rate_plans to keepr_staff;

--! Included booking/app_private.derived_price.sql
-- A derived rate plan's price for a night (issue 21, revenue): the parent's
-- price for that night adjusted by a percent or by an amount per night
-- (exactly one is set on a derived plan), rounded half away from zero to a
-- multiple of `rounding_step` minor units (1: to the minor unit; 100: whole
-- euros), never below zero. Neither adjustment (a plan of its own): the
-- price as it is. The rule is in docs/booking.md ("Derived rate plans").
create or replace function app_private.derived_price(
  parent_price bigint,
  adjustment_percent numeric,
  adjustment_amount bigint,
  rounding_step integer
) returns bigint
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case
           when adjustment_percent is null and adjustment_amount is null then parent_price
           else greatest(0, round((parent_price * (100 + coalesce(adjustment_percent, 0)) / 100.0
                                   + coalesce(adjustment_amount, 0)) / coalesce(rounding_step, 1)) * coalesce(rounding_step, 1))::bigint
         end
$$;
comment on function app_private.derived_price(bigint, numeric, bigint, integer) is
  E'A derived rate plan''s nightly price: the parent''s price adjusted by a percent or an amount, rounded to a multiple of the rounding step (half away from zero), at least 0.';
--! EndIncluded booking/app_private.derived_price.sql
--! Included booking/app_private.tg_rate_plans__derived.sql
-- Keeps derived rate plans (issue 21, revenue) sound, before a rate plan is
-- written. A derived plan (parent_rate_plan_id set):
--   * its parent is a plan of the same property and room type that is not
--     derived itself (one level: no chains, so no cycles), and the plan
--     has no derived plans of its own (INVALID_INPUT, reason PARENT);
--   * it has exactly one adjustment, a percent (-90 to +100) or an amount
--     per night (at most 1,000,000 minor units either way), and a rounding
--     step of 1 to 100,000 minor units (INVALID_INPUT, reason ADJUSTMENT);
--   * it has no price overrides in its calendar (its prices follow the
--     parent's; INVALID_INPUT, reason DERIVED_PRICE);
--   * it is published only while its parent is (INVALID_TRANSITION, reason
--     DERIVED_PLANS), and its base_price is the parent's adjusted (set
--     here, whatever was sent).
-- A plan with published derived plans cannot be unpublished
-- (INVALID_TRANSITION, reason DERIVED_PLANS). The parent's row is locked
-- (for share) while a derived plan is written, and a parent's update locks
-- its own row, so a concurrent unpublish or re-parenting waits and then
-- sees the other's commit: the rules hold under concurrency too. The
-- table's constraints say the same (a foreign key on property, room type
-- and parent; checks on the adjustment) as the last word. Security definer:
-- it reads the parent whoever writes (the caller's own RLS decided the
-- write itself).
create or replace function app_private.tg_rate_plans__derived()
  returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_parent app_public.rate_plans;
begin
  if new.parent_rate_plan_id is not null then
    select * into v_parent from app_public.rate_plans rp
     where rp.property_id = new.property_id and rp.id = new.parent_rate_plan_id
       for share;
    if not found or v_parent.room_type_id <> new.room_type_id then
      raise exception using errcode = 'INVLD', hint = 'PARENT',
        message = 'A derived rate plan follows another rate plan of the same room type.';
    end if;
    if v_parent.id = new.id then
      raise exception using errcode = 'INVLD', hint = 'PARENT', message = 'A rate plan cannot follow itself.';
    end if;
    if v_parent.parent_rate_plan_id is not null then
      raise exception using errcode = 'INVLD', hint = 'PARENT',
        message = pg_catalog.format('%s follows another plan itself: a derived plan follows a plan with its own prices.', v_parent.name);
    end if;
    if tg_op = 'UPDATE' and exists (select 1 from app_public.rate_plans c
                                     where c.property_id = new.property_id and c.room_type_id = new.room_type_id
                                       and c.parent_rate_plan_id = new.id) then
      raise exception using errcode = 'INVLD', hint = 'PARENT',
        message = 'Other rate plans follow this one: it keeps its own prices.';
    end if;
    if pg_catalog.num_nonnulls(new.adjustment_percent, new.adjustment_amount) <> 1 then
      raise exception using errcode = 'INVLD', hint = 'ADJUSTMENT',
        message = 'A derived rate plan adjusts its parent''s price by a percent or by an amount per night (one of them).';
    end if;
    if new.adjustment_percent not between -90 and 100 then
      raise exception using errcode = 'INVLD', hint = 'ADJUSTMENT',
        message = 'The adjustment is -90 % to +100 % of the parent''s price.';
    end if;
    if new.adjustment_amount not between -1000000 and 1000000 then
      raise exception using errcode = 'INVLD', hint = 'ADJUSTMENT',
        message = 'The adjustment is at most 1,000,000 minor units a night either way.';
    end if;
    if new.rounding_step is null or new.rounding_step not between 1 and 100000 then
      raise exception using errcode = 'INVLD', hint = 'ADJUSTMENT',
        message = 'Round to a step of 1 to 100,000 minor units.';
    end if;
    if new.is_published and not v_parent.is_published then
      raise exception using errcode = 'TRANS', hint = 'DERIVED_PLANS',
        message = pg_catalog.format('%s is not published: publish it before the plans that follow it.', v_parent.name);
    end if;
    if (tg_op = 'INSERT' or old.parent_rate_plan_id is null) and exists (
         select 1 from app_public.rate_calendar c
          where c.property_id = new.property_id and c.rate_plan_id = new.id and c.price is not null) then
      raise exception using errcode = 'INVLD', hint = 'DERIVED_PRICE',
        message = 'This plan has prices of its own in the rate calendar: clear them before it follows another plan.';
    end if;
    new.base_price := app_private.derived_price(v_parent.base_price, new.adjustment_percent, new.adjustment_amount, new.rounding_step);
  elsif new.adjustment_percent is not null or new.adjustment_amount is not null then
    raise exception using errcode = 'INVLD', hint = 'ADJUSTMENT',
      message = 'Only a derived rate plan (one that follows a parent) has an adjustment.';
  end if;
  if tg_op = 'UPDATE' and old.is_published and not new.is_published and exists (
       select 1 from app_public.rate_plans c
        where c.property_id = new.property_id and c.room_type_id = new.room_type_id
          and c.parent_rate_plan_id = new.id and c.is_published) then
    raise exception using errcode = 'TRANS', hint = 'DERIVED_PLANS',
      message = pg_catalog.format('Rate plans follow %s: unpublish them first.', new.name);
  end if;
  return new;
end;
$$;
comment on function app_private.tg_rate_plans__derived() is
  E'Before a rate plan is written: a derived plan follows a plan of its own room type that is not derived, with one bounded adjustment, no own price overrides, published only while its parent is; its base price is the parent''s adjusted. A plan with published derived plans stays published.';
--! EndIncluded booking/app_private.tg_rate_plans__derived.sql
--! Included booking/app_private.tg_rate_plans__follow_parent.sql
-- After a rate plan's base price changes, the plans that follow it take it
-- again (their base_price is the parent's adjusted, as
-- app_private.tg_rate_plans__derived sets it on their own update). Nightly
-- prices never read a derived plan's base_price (app_private.price_lines
-- adjusts the parent's price of each night); this keeps the column true
-- for those who read it.
create or replace function app_private.tg_rate_plans__follow_parent()
  returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  update app_public.rate_plans c
     set base_price = app_private.derived_price(new.base_price, c.adjustment_percent, c.adjustment_amount, c.rounding_step)
   where c.property_id = new.property_id and c.room_type_id = new.room_type_id and c.parent_rate_plan_id = new.id;
  return null;
end;
$$;
comment on function app_private.tg_rate_plans__follow_parent() is
  E'After a rate plan''s base price changes: the plans derived from it take the new price adjusted.';
--! EndIncluded booking/app_private.tg_rate_plans__follow_parent.sql
--! Included booking/app_private.tg_rate_plans__keep_parent.sql
-- Before a rate plan is deleted: a plan that others follow is not deleted
-- (INVALID_TRANSITION, reason DERIVED_PLANS); delete or detach them first.
-- A delete that cascades from its room type or property (pg_trigger_depth
-- above 1: the foreign key's action runs this) takes the derived plans with
-- it, since they are of the same room type; the foreign key (no action,
-- checked at the end of the statement) stays the last word.
create or replace function app_private.tg_rate_plans__keep_parent()
  returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_names text;
begin
  if pg_catalog.pg_trigger_depth() > 1 then
    return old;
  end if;
  select pg_catalog.string_agg(c.name, ', ' order by c.name) into v_names
    from app_public.rate_plans c
   where c.property_id = old.property_id and c.room_type_id = old.room_type_id and c.parent_rate_plan_id = old.id;
  if v_names is not null then
    raise exception using errcode = 'TRANS', hint = 'DERIVED_PLANS',
      message = pg_catalog.format('%s follow %s: delete them or let them keep their own prices first.', v_names, old.name);
  end if;
  return old;
end;
$$;
comment on function app_private.tg_rate_plans__keep_parent() is
  E'Before a rate plan is deleted: refused (INVALID_TRANSITION, DERIVED_PLANS) while other plans follow it, unless its room type or property is being deleted.';
--! EndIncluded booking/app_private.tg_rate_plans__keep_parent.sql
--! Included booking/app_private.tg_rate_calendar__derived_price.sql
-- Before a rate calendar row is written: a derived rate plan has no prices
-- of its own (they follow its parent's, night by night); it may have its
-- own restrictions (stricter than the parent's, which it follows too).
-- A price on a derived plan is INVALID_INPUT, reason DERIVED_PRICE.
create or replace function app_private.tg_rate_calendar__derived_price()
  returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_parent text;
begin
  if new.price is null then
    return new;
  end if;
  select p.name into v_parent
    from app_public.rate_plans rp
    join app_public.rate_plans p on p.property_id = rp.property_id and p.id = rp.parent_rate_plan_id
   where rp.property_id = new.property_id and rp.id = new.rate_plan_id;
  if v_parent is not null then
    raise exception using errcode = 'INVLD', hint = 'DERIVED_PRICE',
      message = pg_catalog.format('This plan''s prices follow %s: change %s''s price, or set restrictions only.', v_parent, v_parent);
  end if;
  return new;
end;
$$;
comment on function app_private.tg_rate_calendar__derived_price() is
  E'Before a rate calendar row is written: a derived rate plan''s row has no price (INVALID_INPUT, DERIVED_PRICE); its prices follow its parent''s.';
--! EndIncluded booking/app_private.tg_rate_calendar__derived_price.sql
create trigger _200_derived before insert or update on app_public.rate_plans
  for each row execute function app_private.tg_rate_plans__derived();
create trigger _200_keep_parent before delete on app_public.rate_plans
  for each row execute function app_private.tg_rate_plans__keep_parent();
create trigger _200_follow_parent after update of base_price on app_public.rate_plans
  for each row when (old.base_price is distinct from new.base_price)
  execute function app_private.tg_rate_plans__follow_parent();
create trigger _200_derived_price before insert or update on app_public.rate_calendar
  for each row execute function app_private.tg_rate_calendar__derived_price();

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
  desk_note text default null
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
    room_totals as (
      select lt.rate_plan_id, lt.amount + coalesce(k.amount, 0) as amount
        from los_totals lt left join desk k on k.rate_plan_id = lt.rate_plan_id
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
comment on function app_private.price_lines(uuid[], date, date, integer, integer, bigint, numeric, text) is
  E'The price of a stay on each given rate plan, as lines (night, discount, fee, tax) in minor units, with the front desk''s override when given.';
--! EndIncluded booking/app_private.price_lines.sql
--! Included booking/app_private.stay_restrictions.sql
-- Why a stay cannot be sold on each given rate plan (restriction null when
-- it can). Checked in this order: too many guests for the room type, stop
-- sell on any night, closed to arrival (arrival date), closed to departure
-- (departure date), min stay and max stay (the arrival date's calendar row,
-- else the plan's defaults). A derived plan (parent_rate_plan_id) follows
-- its parent's restrictions as well as its own: stop sell, closed to
-- arrival or departure on either closes it; its min stay is the larger of
-- the two, its max stay the smaller.
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
        select x.*,
               case
                 when stay_restrictions.adults + stay_restrictions.children > x.max_occupancy then 'MAX_OCCUPANCY'
                 when x.first_stop is not null then 'STOP_SELL'
                 when x.closed_to_arrival then 'CLOSED_TO_ARRIVAL'
                 when x.closed_to_departure then 'CLOSED_TO_DEPARTURE'
                 when stay_restrictions.departure - stay_restrictions.arrival < x.min_stay then 'MIN_STAY'
                 when stay_restrictions.departure - stay_restrictions.arrival > x.max_stay then 'MAX_STAY'
               end as restriction
          from (
            select rp.id, rt.max_occupancy, least(s.first_stop, pp.first_stop) as first_stop,
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
comment on function app_private.stay_restrictions(uuid[], date, date, integer, integer) is
  E'For each rate plan: the first restriction that stops this stay (MAX_OCCUPANCY, STOP_SELL, CLOSED_TO_ARRIVAL, CLOSED_TO_DEPARTURE, MIN_STAY, MAX_STAY) and a message, or null.';
--! EndIncluded booking/app_private.stay_restrictions.sql
--! Included booking/app_public.rate_grid.sql
-- The rate calendar as staff edit it: every rate plan of a property × every
-- date of a range, with what applies on the date (the calendar's override,
-- else the plan's own price and stay limits) and whether the date has an
-- override. A derived plan (parent_rate_plan_id) shows its parent's price
-- of the date adjusted (never an override of its own) and the restrictions
-- of both combined, as search and quote apply them. At most 366 days. Staff of the property but housekeeping
-- (security definer, like the reports: it checks the caller's role with
-- require_staff, then reads that one property).
create or replace function app_public.rate_grid(property_id uuid, from_date date, to_date date)
  returns setof app_public.rate_grid_day
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.require_staff(rate_grid.property_id, app_hidden.staff_group_roles('cashiers'), 'read the rate calendar');
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 365 then
    raise exception using errcode = 'DATES', message = 'The rate calendar shows 1 to 366 days (from_date to to_date, inclusive).';
  end if;
  return query
    select rp.id,
           d::date,
           case when par.id is null then coalesce(c.price, rp.base_price)
                else app_private.derived_price(coalesce(pc.price, par.base_price), rp.adjustment_percent,
                                               rp.adjustment_amount, rp.rounding_step) end,
           c.price is not null,
           greatest(coalesce(c.min_stay, rp.min_stay), coalesce(pc.min_stay, par.min_stay)),
           least(coalesce(c.max_stay, rp.max_stay), coalesce(pc.max_stay, par.max_stay)),
           coalesce(c.closed_to_arrival, false) or coalesce(pc.closed_to_arrival, false),
           coalesce(c.closed_to_departure, false) or coalesce(pc.closed_to_departure, false),
           coalesce(c.stop_sell, false) or coalesce(pc.stop_sell, false),
           c.date is not null
      from app_public.rate_plans rp
      left join app_public.rate_plans par on par.property_id = rp.property_id and par.id = rp.parent_rate_plan_id
     cross join pg_catalog.generate_series(from_date::timestamp, to_date::timestamp, interval '1 day') d
      left join app_public.rate_calendar c
        on c.property_id = rp.property_id and c.rate_plan_id = rp.id and c.date = d::date
      left join app_public.rate_calendar pc
        on pc.property_id = rp.property_id and pc.rate_plan_id = par.id and pc.date = d::date
     where rp.property_id = rate_grid.property_id
     order by rp.id, d;
end;
$$;
comment on function app_public.rate_grid(uuid, date, date) is
  E'Every rate plan of a property on every date from `fromDate` to `toDate` (inclusive, at most 366 days): the price and restrictions that apply (the calendar''s override, else the plan''s; a derived plan''s price is its parent''s adjusted, its restrictions its own and its parent''s combined), and whether the date is overridden. Staff of the property but housekeeping. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';
--! EndIncluded booking/app_public.rate_grid.sql

-- Issue 21, housekeeping: the arrival's expected time (ETA) on reservations,
-- set by the front office like special requests; the board reads it and
-- puts early check-ins (before the property's check-in time) first.
drop function if exists app_public.assign_housekeeping_tasks(uuid[], uuid);
drop function if exists app_public.housekeeping_stays(uuid, date);
alter type app_public.housekeeping_stay drop attribute if exists early_check_in;
alter type app_public.housekeeping_stay drop attribute if exists expected_arrival_time;
alter table app_public.reservations drop column if exists expected_arrival_time;
alter table app_public.reservations add column expected_arrival_time time;
comment on column app_public.reservations.expected_arrival_time is
  E'When the guest expects to arrive on the arrival day (local time at the property), as the guest or the front desk said; null: not known. Before the property''s check-in time: an early check-in for housekeeping.';
grant update (special_requests, expected_arrival_time) on app_public.reservations to keepr_staff;
alter type app_public.housekeeping_stay add attribute expected_arrival_time time;
alter type app_public.housekeeping_stay add attribute early_check_in boolean;
comment on column app_public.housekeeping_stay.expected_arrival_time is E'An arrival''s expected time (local), when the guest or the desk gave one.';
comment on column app_public.housekeeping_stay.early_check_in is E'An arrival on the day asked, expected before the property''s check-in time: its unit is cleaned first.';
comment on type app_public.housekeeping_stay is E'A stay as the housekeeping board sees it: unit, dates, state, number of guests, do-not-disturb and the arrival''s expected time, nothing about who they are.';
--! Included operations/app_public.housekeeping_stays.sql
-- The stays the housekeeping board needs on `day` (default: today in the
-- property's time zone): the same arrivals, departures and guests in house
-- as front_desk_day, but only what cleaning needs (the unit, the dates, the
-- state, how many guests, whether the guest hung do-not-disturb that day,
-- the arrival's expected time and whether it is before the property's
-- check-in time: an early check-in, cleaned first), never who they are or
-- what they pay. For the
-- housekeeping_ops group, who may not read reservations themselves
-- (housekeeping), hence SECURITY DEFINER with its own check: NTFND for a
-- property the caller is not staff of, DNIED for a role outside the group.
create or replace function app_public.housekeeping_stays(property_id uuid, day date default null)
  returns setof app_public.housekeeping_stay
  language plpgsql stable security definer rows 50
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_day date;
begin
  perform app_private.require_staff(housekeeping_stays.property_id, app_hidden.staff_group_roles('housekeeping_ops'), 'see the housekeeping board');
  v_day := coalesce(housekeeping_stays.day, app_private.local_today(housekeeping_stays.property_id));
  return query
    select r.id, r.unit_id, pg_catalog.lower(r.stay), pg_catalog.upper(r.stay), r.status, r.adults, r.children,
           r.checked_in_at, r.checked_out_at, r.do_not_disturb_on is not distinct from v_day,
           r.expected_arrival_time,
           coalesce(r.status = 'confirmed' and pg_catalog.lower(r.stay) = v_day
                    and r.expected_arrival_time < (select p.check_in_time from app_public.properties p where p.id = r.property_id), false)
      from app_public.reservations r
     where r.property_id = housekeeping_stays.property_id
       and r.unit_id is not null
       and ((r.status in ('confirmed', 'checked_in') and pg_catalog.lower(r.stay) <= v_day
             and (pg_catalog.lower(r.stay) = v_day or r.status = 'checked_in'))
            or (r.status in ('checked_in', 'checked_out') and pg_catalog.upper(r.stay) = v_day))
     order by pg_catalog.lower(r.stay), r.expected_arrival_time nulls last, r.id;
end;
$$;
comment on function app_public.housekeeping_stays(uuid, date) is
  E'The stays that touch the housekeeping board on `day` (default: today at the property): arrivals, departures and guests in house, with unit, dates, state, number of guests, do-not-disturb, the arrival''s expected time and whether it is an early check-in (before the property''s check-in time), and nothing about who they are. Owners, managers, front desk and housekeeping. Errors: NOT_FOUND, ACCESS_DENIED.';
--! EndIncluded operations/app_public.housekeeping_stays.sql
grant execute on function app_public.housekeeping_stays(uuid, date) to keepr_staff;
--! Included operations/app_public.assign_housekeeping_tasks.sql
-- A supervisor gives several housekeeping tasks to one attendant at once
-- (issue 21, housekeeping), all or nothing: each task as
-- app_public.assign_housekeeping_task gives it (the same checks, the same
-- errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION for a task done or
-- cancelled, INVALID_INPUT ASSIGNEE), in the order of their ids so that two
-- supervisors assigning overlapping sets never deadlock; one refusal and
-- none is assigned. 1 to 100 distinct tasks (INVALID_INPUT, reason TASKS).
-- Null: unassigned. Returns the tasks as they are now.
create or replace function app_public.assign_housekeeping_tasks(task_ids uuid[], assignee uuid)
  returns setof app_public.housekeeping_tasks
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_id uuid;
  v_ids uuid[] := array(select distinct t from pg_catalog.unnest(assign_housekeeping_tasks.task_ids) t where t is not null order by t);
begin
  if pg_catalog.cardinality(v_ids) not between 1 and 100 then
    raise exception using errcode = 'INVLD', hint = 'TASKS', message = 'Choose 1 to 100 tasks.';
  end if;
  foreach v_id in array v_ids loop
    return next app_public.assign_housekeeping_task(v_id, assign_housekeeping_tasks.assignee);
  end loop;
end;
$$;
comment on function app_public.assign_housekeeping_tasks(uuid[], uuid) is
  E'Gives 1 to 100 housekeeping tasks to one of the board''s staff (null: unassigned), all or none, each as assignHousekeepingTask does. Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (a task done or cancelled), INVALID_INPUT (reason ASSIGNEE; TASKS: not 1 to 100 tasks).';
--! EndIncluded operations/app_public.assign_housekeeping_tasks.sql
grant execute on function app_public.assign_housekeeping_tasks(uuid[], uuid) to keepr_staff;
