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
