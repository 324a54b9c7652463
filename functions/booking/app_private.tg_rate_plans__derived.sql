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
