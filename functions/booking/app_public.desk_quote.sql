-- The front desk's quote for a walk-in or a phone booking: app_public.quote,
-- plus a unit of the room type chosen by the desk (free for those nights:
-- UNIT_UNAVAILABLE otherwise) and a rate override with its reason (a new
-- room price, or a percent off it; see app_private.check_desk_override for
-- who may give how much). The price lines show the override as a line of its
-- own and the taxes follow the new room price. The token is signed for
-- createDeskHold only (createHold refuses it), carries the unit and the
-- override, and is valid for 30 minutes. Front office of the property only.
-- promo_code: the desk may apply a guest's code as quote does (its checks,
-- its discount line, PROMO_CODE when it does not apply); the token carries
-- it and createDeskHold checks it again. A code and a rate override do not
-- combine (INVALID_INPUT, reason PROMO_WITH_OVERRIDE): the override is the
-- desk's price.
-- child_ages (issue 22): the children's ages where the rate plan prices by
-- age (as quote: INVALID_INPUT CHILD_AGES, RESTRICTED CHILD_MIN_AGE); kept
-- in the token, so createDeskHold books them.
create or replace function app_public.desk_quote(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  unit_id uuid default null,
  room_amount bigint default null,
  discount_percent numeric default null,
  override_reason text default null,
  promo_code text default null,
  child_ages integer[] default null
) returns app_public.quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_plan app_public.rate_plans;
  v_restriction record;
  v_quote app_public.quote;
  v_plain app_public.quote;
  v_percent numeric;
  v_override jsonb;
  v_payload text;
  v_promo app_public.promo_codes;
begin
  select rp.* into v_plan from app_public.rate_plans rp
   where rp.id = desk_quote.rate_plan_id and rp.property_id in (select app_hidden.current_property_ids());
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such rate plan.';
  end if;
  perform app_private.require_staff(v_plan.property_id, app_hidden.staff_group_roles('front_office'), 'take bookings');
  perform app_private.check_stay(v_plan.property_id, arrival, departure, adults, children);
  perform app_private.check_child_ages(v_plan.property_id, array[desk_quote.rate_plan_id], children, desk_quote.child_ages);
  select * into v_restriction
    from app_private.stay_restrictions(array[desk_quote.rate_plan_id], arrival, departure, adults, children, desk_quote.child_ages);
  if v_restriction.restriction is not null then
    raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
  end if;

  if unit_id is not null then
    if not exists (select from app_public.units u
                    where u.property_id = v_plan.property_id and u.id = desk_quote.unit_id and u.room_type_id = v_plan.room_type_id) then
      raise exception using errcode = 'NTFND', message = 'No such unit of this room type.';
    end if;
    if not exists (select from app_private.free_units(array[v_plan.property_id], pg_catalog.daterange(arrival, departure), v_plan.room_type_id) f
                    where f.unit_id = desk_quote.unit_id) then
      raise exception using errcode = 'UNAVL', message = 'That unit is taken for some of those nights; choose another or any free unit.';
    end if;
  end if;

  if nullif(pg_catalog.btrim(promo_code), '') is not null then
    if room_amount is not null or discount_percent is not null or override_reason is not null then
      raise exception using errcode = 'INVLD', hint = 'PROMO_WITH_OVERRIDE',
        message = 'A promo code and a rate override do not combine; use one of them.';
    end if;
    if pg_catalog.length(promo_code) > 100 then
      raise exception using errcode = 'PROMO', hint = 'UNKNOWN', message = 'This promo code is not valid here.';
    end if;
    v_promo := app_private.check_promo_code(v_plan.property_id, desk_quote.rate_plan_id, arrival, departure, promo_code);
  end if;

  if room_amount is not null or discount_percent is not null or override_reason is not null then
    v_plain := app_private.quote_for(desk_quote.rate_plan_id, arrival, departure, adults, children, child_ages => desk_quote.child_ages);
    v_percent := app_private.check_desk_override(v_plan.property_id, v_plain.room_amount, room_amount, discount_percent, override_reason);
    v_quote := app_private.quote_for(desk_quote.rate_plan_id, arrival, departure, adults, children,
                 room_amount, discount_percent,
                 case when room_amount is not null then 'Rate set by the front desk: ' else pg_catalog.format('Front desk discount %s%%: ', pg_catalog.trim_scale(discount_percent)) end
                   || pg_catalog.btrim(override_reason), child_ages => desk_quote.child_ages);
    v_override := pg_catalog.jsonb_build_object(
      'quoted_room_amount', v_plain.room_amount, 'quoted_total_amount', v_plain.total_amount,
      'room_amount', v_quote.room_amount, 'discount_percent', v_percent,
      'kind', case when room_amount is not null then 'room_amount' else 'discount_percent' end,
      'reason', pg_catalog.btrim(override_reason));
  else
    v_quote := app_private.quote_for(desk_quote.rate_plan_id, arrival, departure, adults, children, promo => v_promo, child_ages => desk_quote.child_ages);
  end if;
  if v_quote.units_left = 0 then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates.';
  end if;
  v_quote.valid_until := pg_catalog.now() + interval '30 minutes';
  v_payload := pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(
                 (pg_catalog.to_jsonb(v_quote) || pg_catalog.jsonb_build_object('unit_id', unit_id, 'override', v_override))::text, 'UTF8'), 'base64'),
                 E'+/=\n', '-_');
  v_quote.quote_token := v_payload || '.' || app_private.sign('desk:' || v_payload);
  return v_quote;
end;
$$;
comment on function app_public.desk_quote(uuid, date, date, integer, integer, uuid, bigint, numeric, text, text, integer[]) is
  E'The front desk''s quote: like quote, with a chosen unit (free for those nights) and either a rate override (a new room price, roomAmount, or discountPercent off it) with its reason, or a guest''s promoCode (as quote applies it), and the children''s ages (childAges, one per child: required where the rate plan prices by age); the token is for createDeskHold. Front office of the property only; the front desk within the property''s deskMaxDiscountPercent. Errors: NOT_FOUND, ACCESS_DENIED, DATES, GUEST, RESTRICTED, SOLD_OUT, UNIT_UNAVAILABLE, OVERRIDE_LIMIT, OVERRIDE_REASON_REQUIRED, INVALID_INPUT (reason OVERRIDE, PROMO_WITH_OVERRIDE or CHILD_AGES), PROMO_CODE (reason UNKNOWN, INACTIVE, NOT_YET, EXPIRED, STAY_DATES, RATE_PLAN or USED_UP).';
