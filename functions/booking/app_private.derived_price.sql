-- A derived rate plan's price for a night (issue 21, revenue): the parent's
-- price for that night adjusted by a percent or by an amount per night
-- (exactly one is set on a derived plan), rounded half away from zero to a
-- multiple of `rounding_step` minor units (1: to the minor unit; 100: whole
-- euros), never below zero. Neither adjustment (a plan of its own): the
-- price as it is. The rule is in docs/booking.md ("Derived rate plans").
-- A SQL-standard body (its names bound when it is created) with no
-- search_path setting: it is called for every plan and night a search or
-- quote prices (273 times a Paris search), and a function with a setting
-- saves and restores it on every call (issue 23, docs/benchmarks.md).
create or replace function app_private.derived_price(
  parent_price bigint,
  adjustment_percent numeric,
  adjustment_amount bigint,
  rounding_step integer
) returns bigint
  language sql immutable parallel safe
begin atomic
  select case
           when adjustment_percent is null and adjustment_amount is null then parent_price
           else greatest(0, pg_catalog.round((parent_price * (100 + coalesce(adjustment_percent, 0)) / 100.0
                                   + coalesce(adjustment_amount, 0)) / coalesce(rounding_step, 1)) * coalesce(rounding_step, 1))::bigint
         end;
end;
comment on function app_private.derived_price(bigint, numeric, bigint, integer) is
  E'A derived rate plan''s nightly price: the parent''s price adjusted by a percent or an amount, rounded to a multiple of the rounding step (half away from zero), at least 0.';
