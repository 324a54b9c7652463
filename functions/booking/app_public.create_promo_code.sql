-- A new promo code of the property (issue 22), for owners and managers
-- (NOT_FOUND for people of no role there, ACCESS_DENIED for other staff).
-- The code is kept upper case (guests may type it in any case). Exactly one
-- of percent_off (0.01 to 100) and amount_off (minor units of the
-- property's currency) is given. rate_plan_ids: the property's rate plans
-- it applies to (none: all). stays_from/stays_until: first and last night a
-- stay may include; bookable_from/bookable_until: the days (the property's
-- calendar) it may be used to book; max_uses: confirmed bookings that may
-- use it (none: unlimited). INVALID_INPUT with reason CODE, CODE_TAKEN,
-- DISCOUNT, RATE_PLAN, STAY_DATES, BOOKING_DATES or MAX_USES. A retry of the
-- same code is CODE_TAKEN: a code is its own key.
create or replace function app_public.create_promo_code(
  property_id uuid,
  code text,
  percent_off numeric default null,
  amount_off bigint default null,
  rate_plan_ids uuid[] default null,
  stays_from date default null,
  stays_until date default null,
  bookable_from date default null,
  bookable_until date default null,
  max_uses integer default null
) returns app_public.promo_codes
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_variable
declare
  v_code text := pg_catalog.upper(pg_catalog.btrim(code));
  v_promo app_public.promo_codes;
begin
  perform app_private.require_staff(property_id, app_hidden.staff_group_roles('managers'), 'manage promo codes');
  if v_code is null or v_code !~ '^[A-Z0-9][A-Z0-9_-]{2,31}$' then
    raise exception using errcode = 'INVLD', hint = 'CODE',
      message = 'A promo code is 3 to 32 letters, digits, - or _, starting with a letter or digit.';
  end if;
  if pg_catalog.num_nonnulls(percent_off, amount_off) <> 1 then
    raise exception using errcode = 'INVLD', hint = 'DISCOUNT', message = 'Give either a percent off or an amount off.';
  end if;
  if percent_off is not null and (percent_off <= 0 or percent_off > 100 or percent_off <> round(percent_off, 2)) then
    raise exception using errcode = 'INVLD', hint = 'DISCOUNT', message = 'The percent off is between 0.01 and 100, with at most two decimals.';
  end if;
  if amount_off is not null and amount_off not between 1 and 100000000000 then
    raise exception using errcode = 'INVLD', hint = 'DISCOUNT', message = 'The amount off must be more than zero.';
  end if;
  if rate_plan_ids is not null
     and (pg_catalog.cardinality(rate_plan_ids) not between 1 and 100
          or array_position(rate_plan_ids, null) is not null
          or exists (select 1 from pg_catalog.unnest(rate_plan_ids) r(id)
                      where not exists (select 1 from app_public.rate_plans rp
                                         where rp.property_id = create_promo_code.property_id and rp.id = r.id))) then
    raise exception using errcode = 'INVLD', hint = 'RATE_PLAN', message = 'Choose 1 to 100 rate plans of this property, or none for all.';
  end if;
  if stays_until < stays_from then
    raise exception using errcode = 'INVLD', hint = 'STAY_DATES', message = 'The last night of the stay dates is before the first.';
  end if;
  if bookable_until < bookable_from then
    raise exception using errcode = 'INVLD', hint = 'BOOKING_DATES', message = 'The last booking day is before the first.';
  end if;
  if max_uses is not null and max_uses not between 1 and 1000000 then
    raise exception using errcode = 'INVLD', hint = 'MAX_USES', message = 'The number of uses is 1 to 1,000,000, or none for unlimited.';
  end if;

  insert into app_public.promo_codes (property_id, code, percent_off, amount_off, currency, rate_plan_ids,
                                      stays_from, stays_until, bookable_from, bookable_until, max_uses)
  select p.id, v_code, percent_off, amount_off, p.currency,
         (select pg_catalog.array_agg(distinct r) from pg_catalog.unnest(rate_plan_ids) r),
         stays_from, stays_until, bookable_from, bookable_until, max_uses
    from app_public.properties p
   where p.id = create_promo_code.property_id
  on conflict on constraint promo_codes_property_id_code_key do nothing
  returning * into v_promo;
  if v_promo.id is null then
    raise exception using errcode = 'INVLD', hint = 'CODE_TAKEN', message = 'This property already has that promo code.';
  end if;
  return v_promo;
end;
$$;
comment on function app_public.create_promo_code(uuid, text, numeric, bigint, uuid[], date, date, date, date, integer) is
  E'Creates a promo code of the property (owners and managers): percent or amount off the room price, optional rate plans, stay-date and booking-date windows, max uses. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason CODE, CODE_TAKEN, DISCOUNT, RATE_PLAN, STAY_DATES, BOOKING_DATES or MAX_USES).';
