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
