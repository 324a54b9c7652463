-- The promo code a room added to a booking group is priced with: the
-- group's (booking_groups.promo_code_id), on its terms for this rate plan
-- only (its uses and booking window were spent when the group counted its
-- one use); null when the group has none. PROMO_CODE, reason RATE_PLAN,
-- naming the room, when the code does not cover the rate plan.
create or replace function app_private.group_promo_for(group_row app_public.booking_groups, rate_plan_id uuid, room_no integer)
  returns app_public.promo_codes
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_promo app_public.promo_codes;
begin
  if (group_row).promo_code_id is null then
    return null;
  end if;
  select * into v_promo from app_public.promo_codes pc
   where pc.property_id = (group_row).property_id and pc.id = (group_row).promo_code_id;
  if v_promo.rate_plan_ids is not null and not (group_promo_for.rate_plan_id = any (v_promo.rate_plan_ids)) then
    raise exception using errcode = 'PROMO', hint = 'RATE_PLAN',
      message = pg_catalog.format('Room %s: this group''s promo code %s is not for this rate; choose a rate it covers.', room_no, v_promo.code);
  end if;
  return v_promo;
end;
$$;
comment on function app_private.group_promo_for(app_public.booking_groups, uuid, integer) is
  E'The group''s promo code for a room added to it (null: none); PROMO_CODE RATE_PLAN when it does not cover the rate plan.';
