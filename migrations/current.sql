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
--! include booking/app_private.tg_rate_plans__child_bands.sql
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
--! include booking/app_private.check_child_ages.sql
--! include booking/app_private.stay_restrictions.sql
--! include booking/app_private.price_lines.sql
--! include booking/app_private.quote_for.sql
--! include booking/app_public.quote.sql
grant execute on function app_public.quote(uuid, date, date, integer, integer, text, integer[]) to keepr_anonymous;
--! include booking/app_public.create_hold.sql
--! include booking/app_public.quote_change.sql
grant execute on function app_public.quote_change(uuid, date, date, integer, integer, integer[]) to keepr_anonymous;
--! include booking/app_public.modify_reservation.sql
grant execute on function app_public.modify_reservation(uuid, text, date, date, integer, integer, uuid, uuid, integer[]) to keepr_anonymous, keepr_staff;
--! include booking/app_public.search_availability.sql
--! include booking/app_public.room_combinations.sql
grant execute on function app_public.room_combinations(uuid, date, date, integer, integer, integer, integer, integer[]) to keepr_anonymous;
