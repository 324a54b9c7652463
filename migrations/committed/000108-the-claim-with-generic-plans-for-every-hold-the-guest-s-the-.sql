--! Previous: sha1:b5582002541fe404b4a7d51be02e1afe615f576a
--! Hash: sha1:bbf9965bc6c24ec2a98c939f087373d5162f594a
--! Message: The claim with generic plans, for every hold (the guest's, the desk's, a group's, a change of dates), not createHold alone (issue 23)

--! Included booking/app_private.claim_unit.sql
-- Claims a unit of a room type for a stay, or returns null when none can be
-- had. Candidates: the preferred unit first (only it when exact_unit), then
-- the other free units, the tightest fit first (the unit whose stays before
-- and after leave the smallest gaps, so that long free runs stay whole for
-- long stays), ties in random order, which spreads concurrent bookers over
-- the units instead of queueing them on one. Each try releases expired
-- holds in the way and inserts the claim; the exclusion constraint is the
-- judge, and a loser moves on to the next unit. When no unit is free for
-- the whole stay, a hotel's stays that may move are moved to make room
-- (app_private.reallocate_for) if the stay fits by count.
-- Its statements (and the allocator's) run with generic plans, made once
-- per connection: under auto, Postgres judged a plan made for each call's
-- values cheaper and planned the candidates' query on every claim (a
-- guest's hold, the desk's, a group's, a change of dates). Issue 23:
-- claim_unit 2.15 -> 1.67-1.78 ms a hold, docs/benchmarks.md "A quote's
-- Postgres CPU, and the hold's".
create or replace function app_private.claim_unit(
  property_id uuid,
  room_type_id uuid,
  stay daterange,
  kind app_public.claim_kind,
  reservation_id uuid default null,
  expires_at timestamptz default null,
  preferred_unit_id uuid default null,
  exact_unit boolean default false,
  note text default null
) returns app_public.inventory_claims
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
  set plan_cache_mode to force_generic_plan
as $$
#variable_conflict use_column
declare
  v_candidates uuid[];
  v_unit uuid;
  v_claim app_public.inventory_claims;
begin
  if exact_unit then
    v_candidates := array[preferred_unit_id];
  else
    v_candidates := array(
      select f.unit_id from app_private.free_units(array[claim_unit.property_id], claim_unit.stay, claim_unit.room_type_id) f
       order by f.unit_id is distinct from claim_unit.preferred_unit_id,
                -- the gap this stay would leave before and after it on the unit
                (pg_catalog.lower(claim_unit.stay) - coalesce(
                   (select max(pg_catalog.upper(c.stay)) from app_public.inventory_claims c
                     where c.property_id = claim_unit.property_id and c.unit_id = f.unit_id and c.released_at is null
                       and (c.expires_at is null or c.expires_at > pg_catalog.now())
                       and c.stay && pg_catalog.daterange(pg_catalog.lower(claim_unit.stay) - 60, pg_catalog.lower(claim_unit.stay))
                       and pg_catalog.upper(c.stay) <= pg_catalog.lower(claim_unit.stay)
                       and pg_catalog.upper(c.stay) > pg_catalog.lower(claim_unit.stay) - 60), pg_catalog.lower(claim_unit.stay) - 60))
                + (coalesce(
                   (select min(pg_catalog.lower(c.stay)) from app_public.inventory_claims c
                     where c.property_id = claim_unit.property_id and c.unit_id = f.unit_id and c.released_at is null
                       and (c.expires_at is null or c.expires_at > pg_catalog.now())
                       and c.stay && pg_catalog.daterange(pg_catalog.upper(claim_unit.stay), pg_catalog.upper(claim_unit.stay) + 60)
                       and pg_catalog.lower(c.stay) >= pg_catalog.upper(claim_unit.stay)
                       and pg_catalog.lower(c.stay) < pg_catalog.upper(claim_unit.stay) + 60), pg_catalog.upper(claim_unit.stay) + 60)
                   - pg_catalog.upper(claim_unit.stay)),
                pg_catalog.random()
    );
    if preferred_unit_id is not null and not (preferred_unit_id = any (v_candidates)) then
      v_candidates := preferred_unit_id || v_candidates;
    end if;
  end if;

  foreach v_unit in array v_candidates loop
    perform app_private.release_expired_holds(claim_unit.property_id, v_unit, claim_unit.stay);
    begin
      insert into app_public.inventory_claims (property_id, unit_id, stay, kind, reservation_id, expires_at, note, created_by)
      values (claim_unit.property_id, v_unit, claim_unit.stay, claim_unit.kind, claim_unit.reservation_id,
              claim_unit.expires_at, claim_unit.note, app_hidden.current_user_id())
      returning * into v_claim;
      return v_claim;
    exception when exclusion_violation or deadlock_detected then
      -- Someone else holds these nights on this unit (or is moving a stay
      -- onto it right now); try the next one.
    end;
  end loop;
  if exact_unit then
    return null;
  end if;
  return app_private.reallocate_for(claim_unit.property_id, claim_unit.room_type_id, claim_unit.stay, claim_unit.kind,
                                    claim_unit.reservation_id, claim_unit.expires_at, claim_unit.note);
end;
$$;
comment on function app_private.claim_unit(uuid, uuid, daterange, app_public.claim_kind, uuid, timestamptz, uuid, boolean, text) is
  E'Claims a free unit of a room type (or exactly the given unit) for a stay; null when none is free.';
--! EndIncluded booking/app_private.claim_unit.sql
--! Included booking/app_public.create_hold.sql
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
--! EndIncluded booking/app_public.create_hold.sql
