-- A quote: the stay priced line by line on one rate plan, with cancellation
-- terms, valid for 30 minutes. The quote_token is the quote itself, signed
-- by the database; createHold books at exactly this price while it is valid,
-- even if rates change meanwhile. A pure read, so it can run anywhere.
-- promo_code: a code of the property (any case), whose discount becomes a
-- discount line of the room price and whose code the token carries
-- (PROMO_CODE when it does not apply: app_private.check_promo_code).
-- extras: the guest's choice of the property's bookable extras, a JSON
-- array of {"extraId", "quantity"} (app_private.booking_extras checks it:
-- INVALID_INPUT with a reason), priced as extra lines; the token carries them.
-- child_ages (issue 22): the children's ages, priced by the plan's age
-- bands (app_private.check_child_ages, price_lines); kept in the token.
-- Its statements and those of what it calls (stay_restrictions,
-- quote_for, price_lines) run with generic plans, made once per
-- connection: they look rows up by keys, and for one rate plan Postgres
-- otherwise planned them on every quote (3.3 → 1.1 ms of CPU a quote:
-- issue 23, docs/benchmarks.md "A quote's Postgres CPU").
create or replace function app_public.quote(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  promo_code text default null,
  extras jsonb default null,
  child_ages integer[] default null
) returns app_public.quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
  set plan_cache_mode to force_generic_plan
as $$
#variable_conflict use_column
declare
  v_property_id uuid;
  v_restriction record;
  v_quote app_public.quote;
  v_payload text;
  v_promo app_public.promo_codes;
  v_extras jsonb;
begin
  select rp.property_id into v_property_id
    from app_public.rate_plans rp
    join app_public.room_types rt on rt.property_id = rp.property_id and rt.id = rp.room_type_id
    join app_public.properties p on p.id = rp.property_id
   where rp.id = quote.rate_plan_id
     and ((rp.is_published and rt.is_published and p.is_published)
          or rp.property_id in (select app_hidden.current_property_ids()));
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such rate plan.';
  end if;
  perform app_private.check_stay(v_property_id, arrival, departure, adults, children);
  perform app_private.check_child_ages(v_property_id, array[quote.rate_plan_id], children, child_ages);

  select * into v_restriction
    from app_private.stay_restrictions(array[quote.rate_plan_id], arrival, departure, adults, children, child_ages);
  if v_restriction.restriction is not null then
    raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
  end if;

  if nullif(pg_catalog.btrim(promo_code), '') is not null then
    if pg_catalog.length(promo_code) > 100 then
      raise exception using errcode = 'PROMO', hint = 'UNKNOWN', message = 'This promo code is not valid here.';
    end if;
    v_promo := app_private.check_promo_code(v_property_id, quote.rate_plan_id, arrival, departure, promo_code);
  end if;
  v_extras := app_private.booking_extras(v_property_id, quote.extras);
  perform app_private.check_extra_limits(v_property_id, pg_catalog.daterange(arrival, departure), v_extras);
  v_quote := app_private.quote_for(quote.rate_plan_id, arrival, departure, adults, children, promo => v_promo, extras => v_extras, child_ages => child_ages);
  if v_quote.units_left = 0 then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates.';
  end if;
  v_quote.valid_until := pg_catalog.now() + interval '30 minutes';
  v_payload := pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(pg_catalog.to_jsonb(v_quote)::text, 'UTF8'), 'base64'),
                                    E'+/=\n', '-_');
  v_quote.quote_token := v_payload || '.' || app_private.sign(v_payload);
  return v_quote;
end;
$$;
comment on function app_public.quote(uuid, date, date, integer, integer, text, jsonb, integer[]) is
  E'Prices a stay on a rate plan: nightly lines, discounts (length of stay, promo code), fees, taxes, total and cancellation terms, with a quote_token valid for 30 minutes. promoCode: a code of the property, in any case. extras: the property''s bookable extras chosen, [{"extraId": "…", "quantity": 1}] (bookableExtras lists them), priced as extra lines (extrasAmount). childAges: one age (0-17) per child, required when the rate prices children by age (INVALID_INPUT, reason CHILD_AGES); a child younger than the property welcomes: RESTRICTED, reason CHILD_MIN_AGE. The token carries the extras and the ages to createHold. Errors: NOT_FOUND, DATES, GUEST, RESTRICTED (reason in extensions.reason), SOLD_OUT, PROMO_CODE (reason UNKNOWN, INACTIVE, NOT_YET, EXPIRED, STAY_DATES, RATE_PLAN or USED_UP), INVALID_INPUT (reason EXTRAS, EXTRA_UNKNOWN, EXTRA_NOT_BOOKABLE, EXTRA_INACTIVE, EXTRA_QUANTITY, EXTRA_SOLD_OUT or CHILD_AGES).';
