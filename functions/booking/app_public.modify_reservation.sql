-- Changes a confirmed reservation's dates, guests or rate plan (and so room
-- type), or a checked-in one's departure and guests: re-priced at today's
-- rates and re-claimed in one transaction. The old claim is released only
-- for the new one to be taken; if no unit is free the whole change is
-- undone (SOLD_OUT) and the old claim stands. Staff may book past
-- restrictions (min stay, closed dates); occupancy still holds. The guest
-- (signed in, or with the booking token) may change the dates and guests of
-- a confirmed booking when guest_change_refusal allows it (the rate plan
-- allows changes and the stay still cancels for free), within the rate's
-- restrictions. The folio is charged (or credited) the difference and the
-- open payments follow.
create or replace function app_public.modify_reservation(
  reservation_id uuid,
  idempotency_key text,
  arrival date default null,
  departure date default null,
  adults integer default null,
  children integer default null,
  rate_plan_id uuid default null,
  unit_id uuid default null,
  child_ages integer[] default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_plan app_public.rate_plans;
  v_arrival date;
  v_departure date;
  v_adults integer;
  v_children integer;
  v_child_ages integer[];
  v_quote app_public.quote;
  v_claim app_public.inventory_claims;
  v_staff boolean;
  v_restriction record;
begin
  v_replay := app_private.idempotency_begin('modify_reservation', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'arrival', arrival, 'departure', departure, 'adults', adults,
    'children', children, 'rate_plan_id', rate_plan_id, 'unit_id', unit_id)
    || case when child_ages is not null then pg_catalog.jsonb_build_object('child_ages', child_ages) else '{}' end);
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(modify_reservation.reservation_id, app_hidden.staff_group_roles('front_office'), 'change reservations', true);
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'changed');
  end if;
  v_staff := v_res.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if not v_staff then
    if app_private.guest_change_refusal(v_res) is not null then
      perform app_private.refuse_guest_change(v_res, app_private.guest_change_refusal(v_res));
    end if;
    if coalesce(modify_reservation.rate_plan_id, v_res.rate_plan_id) <> v_res.rate_plan_id or modify_reservation.unit_id is not null then
      perform app_private.refuse_guest_change(v_res, 'DATES_ONLY');
    end if;
  end if;

  v_arrival := coalesce(modify_reservation.arrival, pg_catalog.lower(v_res.stay));
  v_departure := coalesce(modify_reservation.departure, pg_catalog.upper(v_res.stay));
  v_adults := coalesce(modify_reservation.adults, v_res.adults);
  v_children := coalesce(modify_reservation.children, v_res.children);
  select * into v_plan from app_public.rate_plans rp
   where rp.property_id = v_res.property_id and rp.id = coalesce(modify_reservation.rate_plan_id, v_res.rate_plan_id);
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such rate plan at this property.';
  end if;
  if v_res.status = 'checked_in' then
    if v_arrival <> pg_catalog.lower(v_res.stay) or v_plan.room_type_id <> v_res.room_type_id or modify_reservation.unit_id is not null then
      raise exception using errcode = 'TRANS',
        message = 'A checked-in stay can change only its departure, guests and rate plan of the same room type; use moveUnit to change rooms.';
    end if;
    if v_departure <= app_private.local_today(v_res.property_id) then
      raise exception using errcode = 'DATES', message = 'A checked-in stay must depart after today.';
    end if;
    perform app_private.check_stay(null, v_arrival, v_departure, v_adults, v_children);
  else
    perform app_private.check_stay(v_res.property_id, v_arrival, v_departure, v_adults, v_children);
  end if;
  -- The booking's ages stand while its number of children does (issue 22).
  v_child_ages := coalesce(modify_reservation.child_ages,
                           case when pg_catalog.cardinality(v_res.child_ages) = v_children then v_res.child_ages::integer[] end);
  perform app_private.check_child_ages(v_res.property_id, array[v_plan.id], v_children, v_child_ages);
  if modify_reservation.unit_id is not null and not exists (
       select 1 from app_public.units u
        where u.property_id = v_res.property_id and u.id = modify_reservation.unit_id and u.room_type_id = v_plan.room_type_id) then
    raise exception using errcode = 'NTFND', message = 'No such unit of this room type at this property.';
  end if;
  if v_adults + v_children - (select count(*) from pg_catalog.unnest(v_child_ages) g
                                where g < (select rt.cot_below_age from app_public.room_types rt where rt.id = v_plan.room_type_id))
     > (select rt.max_occupancy from app_public.room_types rt where rt.id = v_plan.room_type_id) then
    raise exception using errcode = 'RSTRC', message = 'Too many guests for this room type.', hint = 'MAX_OCCUPANCY';
  end if;
  if not v_staff then
    select * into v_restriction from app_private.stay_restrictions(array[v_plan.id], v_arrival, v_departure, v_adults, v_children, v_child_ages);
    if v_restriction.restriction is not null then
      raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
    end if;
  end if;

  -- A booking keeps its promo code's discount through changes (the code
  -- was counted when it was booked), and its extras at their booked prices
  -- (per-night extras follow the new nights).
  v_quote := app_private.quote_for(v_plan.id, v_arrival, v_departure, v_adults, v_children,
               promo => (select pc from app_public.promo_codes pc
                          where pc.property_id = v_res.property_id and pc.id = v_res.promo_code_id),
               extras => app_private.booked_extras(v_res), child_ages => v_child_ages);

  if v_res.status = 'checked_in' then
    -- The guest is in their unit: only its claim's end moves.
    if v_departure > pg_catalog.upper(v_res.stay) then
      perform app_private.release_expired_holds(v_res.property_id, v_res.unit_id,
                                                pg_catalog.daterange(pg_catalog.upper(v_res.stay), v_departure));
    end if;
    begin
      update app_public.inventory_claims c set stay = pg_catalog.daterange(pg_catalog.lower(c.stay), v_departure)
       where c.property_id = v_res.property_id and c.reservation_id = v_res.id and c.released_at is null
         and pg_catalog.upper(c.stay) = pg_catalog.upper(v_res.stay)
      returning * into v_claim;
    exception when exclusion_violation then
      v_claim := null;
    end;
  else
    -- Re-claim: release the current claims, then claim the new stay (the
    -- same unit first). Any failure below rolls all of it back.
    perform app_private.release_claims(v_res);
    v_claim := app_private.claim_unit(v_res.property_id, v_plan.room_type_id, pg_catalog.daterange(v_arrival, v_departure),
                                      'reservation', reservation_id => v_res.id,
                                      preferred_unit_id => coalesce(modify_reservation.unit_id,
                                                                    case when v_plan.room_type_id = v_res.room_type_id then v_res.unit_id end),
                                      exact_unit => modify_reservation.unit_id is not null);
  end if;
  if v_claim.id is null then
    raise exception using errcode = 'SOLDO', message = 'No unit is free for the changed stay; the reservation is unchanged.';
  end if;

  update app_public.reservations r
     set stay = pg_catalog.daterange(v_arrival, v_departure), adults = v_adults, children = v_children, child_ages = v_child_ages,
         rate_plan_id = v_plan.id, room_type_id = v_plan.room_type_id, unit_id = v_claim.unit_id,
         unit_pinned = r.unit_pinned or modify_reservation.unit_id is not null,
         currency = v_quote.currency, room_amount = v_quote.room_amount, fees_amount = v_quote.fees_amount,
         taxes_amount = v_quote.taxes_amount, total_amount = v_quote.total_amount, extras_amount = v_quote.extras_amount,
         price_lines = pg_catalog.to_jsonb(v_quote.lines),
         cancellation_policy = pg_catalog.jsonb_build_object(
           'is_refundable', v_quote.is_refundable,
           'free_cancellation_until', v_quote.free_cancellation_until,
           'late_cancellation_penalty', v_quote.late_cancellation_penalty,
           'terms', v_quote.cancellation_terms)
   where r.id = v_res.id
  returning * into v_res;
  -- Its extras on the new nights, within their daily limits (EXTRA_SOLD_OUT).
  perform app_private.check_extra_limits(v_res.property_id, v_res.stay, app_private.booked_extras(v_res), v_res.id, lock => true);
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':modify:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                               'Booking ' || v_res.confirmation_code || ' changed');
  perform app_private.schedule_payments(v_res);

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.modify_reservation(uuid, text, date, date, integer, integer, uuid, uuid, integer[]) is
  E'Changes dates, guests, rate plan/room type or unit of a reservation, re-priced and re-claimed atomically (the old claim stands if the new one fails). Staff of the property; the guest too for dates and guests when the booking''s changeRefusal is null (within the rate''s restrictions). Errors: NOT_FOUND, ACCESS_DENIED (for a guest, reason: the refusal or DATES_ONLY), INVALID_TRANSITION, DATES, GUEST, INVALID_INPUT (reason CHILD_AGES: one age 0-17 per child, required when the rate prices children by age; without childAges the booking''s stand while its number of children does), RESTRICTED, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';
