-- Who may set a stay's price at the desk, and by how much. The front office
-- (owner, manager, front desk) of the property may override the room price
-- of a quote; owners and managers without limit, the front desk up to the
-- property's desk_max_discount_percent off the room part (nights less the
-- length-of-stay discount). Raising the price is never limited. Everyone
-- else: ACCESS_DENIED. A reason (3 to 500 characters) is required
-- (OVERRIDE_REASON_REQUIRED); a discount over the caller's limit is
-- OVERRIDE_LIMIT (reason = the limit). Returns the effective percent off
-- (negative when the price goes up), rounded to two decimals.
create or replace function app_private.check_desk_override(
  property_id uuid,
  quoted_room_amount bigint,
  room_amount bigint,
  discount_percent numeric,
  reason text
) returns numeric
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_role app_public.staff_role;
  v_limit numeric;
  v_new bigint;
  v_percent numeric;
begin
  select m.role into v_role from app_public.property_memberships m
   where m.property_id = check_desk_override.property_id and m.user_id = app_hidden.current_user_id();
  if v_role is null or not (v_role = any (app_hidden.staff_group_roles('front_office'))) then
    raise exception using errcode = 'DNIED', message = 'Only the front desk, managers and owners may set a stay''s price.';
  end if;
  if room_amount is not null and discount_percent is not null then
    raise exception using errcode = 'INVLD', message = 'Give either a new room price or a discount, not both.', hint = 'OVERRIDE';
  end if;
  if discount_percent is not null and (discount_percent <= 0 or discount_percent > 100 or pg_catalog.scale(discount_percent) > 2) then
    raise exception using errcode = 'INVLD', message = 'A discount is more than 0 and at most 100 percent, with at most two decimals.', hint = 'OVERRIDE';
  end if;
  if room_amount is not null and (room_amount < 0 or room_amount > 100000000000) then
    raise exception using errcode = 'INVLD', message = 'The room price must be between 0 and 1,000,000,000.00.', hint = 'OVERRIDE';
  end if;
  if reason is null or pg_catalog.length(pg_catalog.btrim(reason)) < 3 or pg_catalog.length(reason) > 500 then
    raise exception using errcode = 'OVRSN', message = 'Say why the price is changed (3 to 500 characters): the manager reads it in the history.';
  end if;
  v_new := coalesce(room_amount, quoted_room_amount - round(quoted_room_amount * discount_percent / 100)::bigint);
  v_percent := case when quoted_room_amount > 0 then round((quoted_room_amount - v_new) * 100.0 / quoted_room_amount, 2)
                    when v_new > 0 then -100 else 0 end;
  if v_role = 'front_desk' then
    select p.desk_max_discount_percent into v_limit from app_public.properties p where p.id = check_desk_override.property_id;
    if v_percent > v_limit then
      raise exception using errcode = 'OVLIM',
        message = pg_catalog.format('The front desk may give at most %s%% off the room price here (this is %s%%); ask a manager.',
                                    pg_catalog.trim_scale(v_limit), pg_catalog.trim_scale(v_percent)),
        hint = pg_catalog.trim_scale(v_limit)::text;
    end if;
  end if;
  return v_percent;
end;
$$;
comment on function app_private.check_desk_override(uuid, bigint, bigint, numeric, text) is
  E'Checks the caller may override a stay''s room price by this much (front office; the front desk within the property''s limit) and that a reason is given; returns the effective percent off.';
