-- Holds the stay of a desk quote (app_public.desk_quote) for `minutes`
-- (default 10, 1 to 30) at the quote's price: the unit the desk chose
-- (UNIT_UNAVAILABLE when someone took it since) or any free unit of the type
-- (SOLD_OUT when none is left). The exclusion constraint on claims is the
-- judge, as for createHold: two desks cannot hold the same night of a unit.
-- The override is checked again (the caller's role may have changed since
-- the quote, and only the front office may use a desk token) and recorded in
-- app_public.rate_overrides with the reservation (audited: its history
-- says who, how much and why). Confirm with confirmBooking as any hold.
-- A desk quote's promo code is checked again (PROMO_CODE when it no longer
-- applies) and kept on the reservation; confirm_booking counts its use.
create or replace function app_public.create_desk_hold(
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
  v_payload jsonb := app_private.quote_payload(quote_token, 'desk:');
  v_quote app_public.quote;
  v_unit_id uuid;
  v_override jsonb;
  v_percent numeric;
  v_id uuid := gen_random_uuid();
  v_claim app_public.inventory_claims;
  v_hold app_public.hold;
  v_promo app_public.promo_codes;
begin
  v_replay := app_private.idempotency_begin('create_desk_hold', idempotency_key,
                pg_catalog.jsonb_build_object('quote_token', quote_token, 'minutes', minutes));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.hold, v_replay);
  end if;

  v_quote := pg_catalog.jsonb_populate_record(null::app_public.quote, v_payload);
  v_unit_id := (v_payload ->> 'unit_id')::uuid;
  v_override := nullif(v_payload -> 'override', 'null'::jsonb);
  perform app_private.require_staff(v_quote.property_id, app_hidden.staff_group_roles('front_office'), 'take bookings');
  if minutes is null or minutes not between 1 and 30 then
    raise exception using errcode = 'INVLD', message = 'A hold lasts 1 to 30 minutes.';
  end if;
  if v_quote.valid_until < pg_catalog.now() then
    raise exception using errcode = 'QTEXP',
      message = pg_catalog.format('This quote expired at %s; get a new quote.', v_quote.valid_until);
  end if;
  perform app_private.check_stay(v_quote.property_id, v_quote.arrival, v_quote.departure, v_quote.adults, v_quote.children);
  if v_override is not null then
    v_percent := app_private.check_desk_override(v_quote.property_id, (v_override ->> 'quoted_room_amount')::bigint,
                   case when v_override ->> 'kind' = 'room_amount' then (v_override ->> 'room_amount')::bigint end,
                   case when v_override ->> 'kind' = 'discount_percent' then (v_override ->> 'discount_percent')::numeric end,
                   v_override ->> 'reason');
  end if;
  if v_quote.promo_code is not null then
    v_promo := app_private.check_promo_code(v_quote.property_id, v_quote.rate_plan_id, v_quote.arrival, v_quote.departure,
                                            v_quote.promo_code);
  end if;

  v_claim := app_private.claim_unit(v_quote.property_id, v_quote.room_type_id,
                                    pg_catalog.daterange(v_quote.arrival, v_quote.departure), 'hold',
                                    reservation_id => v_id,
                                    expires_at => pg_catalog.now() + pg_catalog.make_interval(mins => minutes),
                                    preferred_unit_id => v_unit_id, exact_unit => v_unit_id is not null);
  if v_claim.id is null and v_unit_id is not null then
    raise exception using errcode = 'UNAVL', message = 'That unit was taken for some of those nights meanwhile; choose another or any free unit.';
  elsif v_claim.id is null then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates any more.';
  end if;

  insert into app_public.reservations (
    id, property_id, room_type_id, rate_plan_id, unit_id, user_id, status, stay, adults, children, child_ages, currency,
    room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, hold_expires_at, unit_pinned,
    promo_code_id
  ) values (
    v_id, v_quote.property_id, v_quote.room_type_id, v_quote.rate_plan_id, v_claim.unit_id, null,
    'held', pg_catalog.daterange(v_quote.arrival, v_quote.departure), v_quote.adults, v_quote.children, v_quote.child_ages, v_quote.currency,
    v_quote.room_amount, v_quote.fees_amount, v_quote.taxes_amount, v_quote.total_amount,
    pg_catalog.to_jsonb(v_quote.lines),
    pg_catalog.jsonb_build_object(
      'is_refundable', v_quote.is_refundable,
      'free_cancellation_until', v_quote.free_cancellation_until,
      'late_cancellation_penalty', v_quote.late_cancellation_penalty,
      'terms', v_quote.cancellation_terms),
    v_claim.expires_at,
    -- The unit the guest was promised stays theirs: the allocator does not move it.
    v_unit_id is not null,
    v_promo.id
  );
  if v_override is not null then
    insert into app_public.rate_overrides (property_id, reservation_id, kind, quoted_room_amount, room_amount, discount_percent, reason, created_by, creator_role)
    select v_quote.property_id, v_id, v_override ->> 'kind', (v_override ->> 'quoted_room_amount')::bigint, v_quote.room_amount,
           v_percent, v_override ->> 'reason', app_hidden.current_user_id(), m.role
      from app_public.property_memberships m
     where m.property_id = v_quote.property_id and m.user_id = app_hidden.current_user_id();
  end if;

  v_hold := (v_id, v_quote.property_id, v_claim.expires_at, v_quote.currency, v_quote.total_amount,
             app_private.sign('hold:' || v_id))::app_public.hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_hold));
  return v_hold;
end;
$$;
comment on function app_public.create_desk_hold(text, text, integer) is
  E'Holds the stay of a deskQuote token (its unit, or any free unit of the type) at its price, overridden or not, with the children''s ages it was priced for, for `minutes` (default 10, 1 to 30), recording the override with the reservation. Front office of the property only. Errors: QUOTE_INVALID, QUOTE_EXPIRED, ACCESS_DENIED, DATES, SOLD_OUT, UNIT_UNAVAILABLE, OVERRIDE_LIMIT, PROMO_CODE (the quote''s promo code no longer applies), IDEMPOTENCY_KEY_REUSED.';
