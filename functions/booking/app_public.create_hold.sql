-- Holds a unit for a quoted stay, for `minutes` (default 10, at most 30),
-- at the quoted price. The quote token is verified (QUOTE) and must still be
-- valid (QTEXP). A free unit of the room type is claimed (SOLD_OUT when none
-- is left); the claim and the held reservation are one transaction. A
-- quote's promo code is checked again (PROMO_CODE when it no longer applies:
-- deactivated, expired, used up) and kept on the reservation;
-- confirm_booking counts its use. The quote's extras are checked against
-- the catalogue again (INVALID_INPUT when one was withdrawn meanwhile) and
-- kept, at the quoted prices, in reservation_extras (app_private.hold_extras).
-- The children's ages (issue 22) come with the quote token and are kept on
-- the reservation.
-- The claim (app_private.claim_unit) runs with generic plans: issue 23.
create or replace function app_public.create_hold(
  quote_token text,
  idempotency_key text,
  minutes integer default 10
) returns app_public.hold
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_quote app_public.quote := pg_catalog.jsonb_populate_record(null::app_public.quote, app_private.quote_payload(quote_token));
  v_id uuid := gen_random_uuid();
  v_claim app_public.inventory_claims;
  v_hold app_public.hold;
  v_promo app_public.promo_codes;
begin
  v_replay := app_private.idempotency_begin('create_hold', idempotency_key,
                pg_catalog.jsonb_build_object('quote_token', quote_token, 'minutes', minutes));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.hold, v_replay);
  end if;

  if v_quote.rate_plan_id is null then
    -- Signed by the database but not a room's quote (a group quote's token).
    raise exception using errcode = 'QUOTE', message = 'This is not a quote token of one room; get a new quote.';
  end if;
  if minutes is null or minutes not between 1 and 30 then
    raise exception using errcode = 'INVLD', message = 'A hold lasts 1 to 30 minutes.';
  end if;
  if v_quote.valid_until < pg_catalog.now() then
    raise exception using errcode = 'QTEXP',
      message = pg_catalog.format('This quote expired at %s; get a new quote.', v_quote.valid_until);
  end if;
  perform app_private.check_stay(v_quote.property_id, v_quote.arrival, v_quote.departure, v_quote.adults, v_quote.children);
  if v_quote.promo_code is not null then
    v_promo := app_private.check_promo_code(v_quote.property_id, v_quote.rate_plan_id, v_quote.arrival, v_quote.departure,
                                            v_quote.promo_code);
  end if;

  -- The claim first (its reservation key is checked at commit), so the
  -- reservation is written once, with its unit.
  v_claim := app_private.claim_unit(v_quote.property_id, v_quote.room_type_id,
                                    pg_catalog.daterange(v_quote.arrival, v_quote.departure), 'hold',
                                    reservation_id => v_id,
                                    expires_at => pg_catalog.now() + pg_catalog.make_interval(mins => minutes));
  if v_claim.id is null then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates any more.';
  end if;

  insert into app_public.reservations (
    id, property_id, room_type_id, rate_plan_id, unit_id, user_id, status, stay, adults, children, child_ages, currency,
    room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, hold_expires_at, promo_code_id,
    extras_amount
  ) values (
    v_id, v_quote.property_id, v_quote.room_type_id, v_quote.rate_plan_id, v_claim.unit_id, app_private.booking_user_id(v_quote.property_id),
    'held', pg_catalog.daterange(v_quote.arrival, v_quote.departure), v_quote.adults, v_quote.children, v_quote.child_ages, v_quote.currency,
    v_quote.room_amount, v_quote.fees_amount, v_quote.taxes_amount, v_quote.total_amount,
    pg_catalog.to_jsonb(v_quote.lines),
    pg_catalog.jsonb_build_object(
      'is_refundable', v_quote.is_refundable,
      'free_cancellation_until', v_quote.free_cancellation_until,
      'late_cancellation_penalty', v_quote.late_cancellation_penalty,
      'terms', v_quote.cancellation_terms),
    v_claim.expires_at, v_promo.id, coalesce(v_quote.extras_amount, 0)
  );
  perform app_private.hold_extras(v_id, v_quote.property_id, v_quote.extras);

  v_hold := (v_id, v_quote.property_id, v_claim.expires_at, v_quote.currency, v_quote.total_amount,
             app_private.sign('hold:' || v_id))::app_public.hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_hold));
  return v_hold;
end;
$$;
comment on function app_public.create_hold(text, text, integer) is
  E'Holds a free unit for a quoted stay at the quoted price for `minutes` (default 10, 1 to 30). Errors: QUOTE_INVALID, QUOTE_EXPIRED, DATES, SOLD_OUT, PROMO_CODE (the quote''s promo code no longer applies), INVALID_INPUT (an extra of the quote was withdrawn: reason EXTRA_INACTIVE or EXTRA_NOT_BOOKABLE), IDEMPOTENCY_KEY_REUSED.';
