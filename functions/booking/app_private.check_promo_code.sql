-- The promo code a guest typed, when it applies to this stay on this rate
-- plan today; otherwise PROMO_CODE (SQLSTATE PROMO) with its reason in the
-- hint: UNKNOWN (no such code at this property: the same answer for another
-- property's code, so codes cannot be probed across properties), INACTIVE,
-- NOT_YET or EXPIRED (the booking-date window, in the property's calendar),
-- STAY_DATES (a night outside the stay-date window), RATE_PLAN (not for this
-- rate plan) or USED_UP (every use taken by confirmed bookings). Called by
-- quote and again by create_hold; confirm_booking counts the use.
create or replace function app_private.check_promo_code(
  property_id uuid,
  rate_plan_id uuid,
  arrival date,
  departure date,
  code text
) returns app_public.promo_codes
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_promo app_public.promo_codes;
  v_today date;
begin
  select * into v_promo from app_public.promo_codes pc
   where pc.property_id = check_promo_code.property_id
     and pc.code = pg_catalog.upper(pg_catalog.btrim(check_promo_code.code));
  if not found then
    raise exception using errcode = 'PROMO', hint = 'UNKNOWN', message = 'This promo code is not valid here.';
  end if;
  if not v_promo.is_active then
    raise exception using errcode = 'PROMO', hint = 'INACTIVE', message = 'This promo code is no longer valid.';
  end if;
  select (pg_catalog.now() at time zone p.time_zone)::date into v_today
    from app_public.properties p where p.id = check_promo_code.property_id;
  if v_today < v_promo.bookable_from then
    raise exception using errcode = 'PROMO', hint = 'NOT_YET',
      message = pg_catalog.format('This promo code can be used from %s.', v_promo.bookable_from);
  end if;
  if v_today > v_promo.bookable_until then
    raise exception using errcode = 'PROMO', hint = 'EXPIRED',
      message = pg_catalog.format('This promo code expired on %s.', v_promo.bookable_until);
  end if;
  if arrival < v_promo.stays_from or departure - 1 > v_promo.stays_until then
    raise exception using errcode = 'PROMO', hint = 'STAY_DATES',
      message = pg_catalog.format('This promo code is for stays with every night from %s to %s.',
                                  coalesce(v_promo.stays_from::text, 'now'), coalesce(v_promo.stays_until::text, 'any date'));
  end if;
  if v_promo.rate_plan_ids is not null and not (check_promo_code.rate_plan_id = any (v_promo.rate_plan_ids)) then
    raise exception using errcode = 'PROMO', hint = 'RATE_PLAN', message = 'This promo code is not for this rate.';
  end if;
  if v_promo.uses >= v_promo.max_uses then
    raise exception using errcode = 'PROMO', hint = 'USED_UP', message = 'This promo code has been used up.';
  end if;
  return v_promo;
end;
$$;
comment on function app_private.check_promo_code(uuid, uuid, date, date, text) is
  E'The promo code typed for a stay on a rate plan, when it applies today; PROMO_CODE (reason UNKNOWN, INACTIVE, NOT_YET, EXPIRED, STAY_DATES, RATE_PLAN or USED_UP) when not.';
