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

--! include booking/app_private.derived_price.sql
--! include booking/app_private.tg_rate_plans__derived.sql
--! include booking/app_private.tg_rate_plans__follow_parent.sql
--! include booking/app_private.tg_rate_plans__keep_parent.sql
--! include booking/app_private.tg_rate_calendar__derived_price.sql
create trigger _200_derived before insert or update on app_public.rate_plans
  for each row execute function app_private.tg_rate_plans__derived();
create trigger _200_keep_parent before delete on app_public.rate_plans
  for each row execute function app_private.tg_rate_plans__keep_parent();
create trigger _200_follow_parent after update of base_price on app_public.rate_plans
  for each row when (old.base_price is distinct from new.base_price)
  execute function app_private.tg_rate_plans__follow_parent();
create trigger _200_derived_price before insert or update on app_public.rate_calendar
  for each row execute function app_private.tg_rate_calendar__derived_price();

--! include booking/app_private.price_lines.sql
--! include booking/app_private.stay_restrictions.sql
--! include booking/app_public.rate_grid.sql

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
--! include operations/app_public.housekeeping_stays.sql
grant execute on function app_public.housekeeping_stays(uuid, date) to keepr_staff;
--! include operations/app_public.assign_housekeeping_tasks.sql
grant execute on function app_public.assign_housekeeping_tasks(uuid[], uuid) to keepr_staff;
