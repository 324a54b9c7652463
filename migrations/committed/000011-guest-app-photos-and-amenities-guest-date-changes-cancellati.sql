--! Previous: sha1:476dfe144445728ef784810c7bd65d2f549fefd6
--! Hash: sha1:7380b5ec3fb44566c9f0b90e1987eba6ff79df18
--! Message: Guest app: photos and amenities, guest date changes, cancellation penalty now, card on file, nearest stays

------------------------------------------------------------------------------
-- Guest app: photos and amenities of properties and room types; what a
-- guest sees and may do with a booking online (the cancellation penalty
-- now, whether and how they may change dates, a card kept on file), and the
-- nearest bookable dates when a search's dates do not work.
------------------------------------------------------------------------------
--! Included app_private.valid_photo_urls.sql
-- Whether a list of photo URLs is acceptable for a property or room type:
-- at most 20, each a path on this server (/photos/...) or an https URL,
-- without spaces, quotes or angle brackets (they end up in <img src>).
create or replace function app_private.valid_photo_urls(urls text[]) returns boolean
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.cardinality(urls) <= 20
     and coalesce((select pg_catalog.bool_and(u ~ '^(/[^/\s"''<>\\]|https://)[^\s"''<>\\]{1,500}$') from pg_catalog.unnest(urls) u), true);
$$;
comment on function app_private.valid_photo_urls(text[]) is
  E'True when every URL is a local path (/...) or https, without spaces, quotes or angle brackets, and there are at most 20.';
--! EndIncluded app_private.valid_photo_urls.sql
--! Included app_private.valid_amenities.sql
-- Whether a list of amenity codes is acceptable: at most 40 distinct
-- lower-case codes (wifi, air_conditioning, ...); apps translate the codes.
create or replace function app_private.valid_amenities(codes text[]) returns boolean
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.cardinality(codes) <= 40
     and coalesce((select pg_catalog.bool_and(c ~ '^[a-z][a-z0-9_]{1,39}$') and pg_catalog.count(distinct c) = pg_catalog.count(*)
                     from pg_catalog.unnest(codes) c), true);
$$;
comment on function app_private.valid_amenities(text[]) is
  E'True when there are at most 40 distinct amenity codes, each lower case letters, digits and underscores (2 to 40 characters).';
--! EndIncluded app_private.valid_amenities.sql

alter table app_public.properties drop constraint if exists properties_photo_urls_check;
alter table app_public.properties drop constraint if exists properties_amenities_check;
alter table app_public.properties drop column if exists photo_urls;
alter table app_public.properties drop column if exists amenities;
alter table app_public.properties
  add column photo_urls text[] not null default '{}' constraint properties_photo_urls_check check (app_private.valid_photo_urls(photo_urls)),
  add column amenities text[] not null default '{}' constraint properties_amenities_check check (app_private.valid_amenities(amenities));
comment on column app_public.properties.photo_urls is
  E'Photos of the property, first the one to show first: paths on this server (/photos/...) or https URLs; at most 20.';
comment on column app_public.properties.amenities is
  E'What the property offers, as codes apps translate (wifi, parking, pool, restaurant, bar, gym, spa, sauna, ski_storage, elevator, pets_allowed, airport_shuttle, ...); at most 40.';

alter table app_public.room_types drop constraint if exists room_types_photo_urls_check;
alter table app_public.room_types drop constraint if exists room_types_amenities_check;
alter table app_public.room_types drop column if exists photo_urls;
alter table app_public.room_types drop column if exists amenities;
alter table app_public.room_types
  add column photo_urls text[] not null default '{}' constraint room_types_photo_urls_check check (app_private.valid_photo_urls(photo_urls)),
  add column amenities text[] not null default '{}' constraint room_types_amenities_check check (app_private.valid_amenities(amenities));
comment on column app_public.room_types.photo_urls is
  E'Photos of the room type, first the one to show first: paths on this server (/photos/...) or https URLs; at most 20.';
comment on column app_public.room_types.amenities is
  E'What the room type has, as codes apps translate (wifi, air_conditioning, heating, tv, minibar, kitchen, kitchenette, balcony, river_view, mountain_view, bathtub, workspace, crib, ...); at most 40.';
grant insert (photo_urls, amenities), update (photo_urls, amenities) on app_public.properties, app_public.room_types to keepr_staff;

alter table app_public.rate_plans drop column if exists guest_changes_allowed;
alter table app_public.rate_plans add column guest_changes_allowed boolean not null default true;
comment on column app_public.rate_plans.guest_changes_allowed is
  E'Whether guests may change the dates and guests of their bookings on this rate online (modifyReservation), which they may only while the stay still cancels for free.';
grant insert (guest_changes_allowed), update (guest_changes_allowed) on app_public.rate_plans to keepr_staff;

--! Included app_private.guest_change_refusal.sql
-- Why the guest may not change a booking's dates or guests online, or null
-- when they may: the booking must be confirmed, its rate plan must allow
-- guest changes, and its locked terms must still cancel for free (a change
-- before that deadline is no more than cancelling and booking again, which
-- the guest could do anyway). Staff are not bound by this.
create or replace function app_private.guest_change_refusal(reservation app_public.reservations) returns text
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case
    when reservation.status <> 'confirmed' then 'NOT_CONFIRMED'
    when not coalesce((select rp.guest_changes_allowed from app_public.rate_plans rp
                        where rp.property_id = reservation.property_id and rp.id = reservation.rate_plan_id), false) then 'RATE_PLAN'
    when not coalesce((reservation.cancellation_policy ->> 'is_refundable')::boolean, false) then 'NOT_REFUNDABLE'
    when pg_catalog.now() >= (reservation.cancellation_policy ->> 'free_cancellation_until')::timestamptz then 'PAST_DEADLINE'
  end;
$$;
comment on function app_private.guest_change_refusal(app_public.reservations) is
  E'NOT_CONFIRMED, RATE_PLAN, NOT_REFUNDABLE or PAST_DEADLINE when the guest may not change the booking online; null when they may.';
--! EndIncluded app_private.guest_change_refusal.sql
--! Included app_private.refuse_guest_change.sql
-- Raises DNIED for a guest's change the booking does not allow, with the
-- refusal (guest_change_refusal) as the reason and a message saying why.
create or replace function app_private.refuse_guest_change(reservation app_public.reservations, refusal text) returns void
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  raise exception using errcode = 'DNIED', hint = refusal, message = case refusal
    when 'NOT_CONFIRMED' then pg_catalog.format('This booking is %s; it cannot be changed.', reservation.status)
    when 'RATE_PLAN' then 'This rate does not allow changes online; please contact the property.'
    when 'NOT_REFUNDABLE' then 'This booking is non-refundable and cannot be changed online; please contact the property.'
    when 'PAST_DEADLINE' then 'The free-cancellation deadline has passed; the booking can no longer be changed online. Please contact the property.'
    when 'DATES_ONLY' then 'Guests may change the dates and the number of guests; the property changes rooms and rates.'
    else 'This booking cannot be changed online.'
  end;
end;
$$;
comment on function app_private.refuse_guest_change(app_public.reservations, text) is
  E'Raises DNIED with the guest-change refusal as the reason.';
--! EndIncluded app_private.refuse_guest_change.sql
--! Included app_public.reservations_change_refusal.sql
-- Reservation.changeRefusal: whether the guest may change dates and guests
-- online (null) or why not. Security definer: it reads the rate plan, which
-- the caller may not see once unpublished; it reads nothing beyond the row.
create or replace function app_public.reservations_change_refusal(reservation app_public.reservations) returns text
  language sql stable security definer parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select app_private.guest_change_refusal(reservation);
$$;
comment on function app_public.reservations_change_refusal(app_public.reservations) is
  E'Null when the guest may change this booking''s dates and guests online (modifyReservation); otherwise why not: NOT_CONFIRMED, RATE_PLAN (the rate plan does not allow it), NOT_REFUNDABLE, or PAST_DEADLINE (the free-cancellation deadline has passed).';
--! EndIncluded app_public.reservations_change_refusal.sql
--! Included app_public.reservations_cancellation_penalty_now.sql
-- Reservation.cancellationPenaltyNow: what cancelling would cost at this
-- moment, by the terms locked at booking (the same rule cancelReservation
-- applies), so a guest sees the penalty before cancelling. Null once the
-- stay can no longer be cancelled.
create or replace function app_public.reservations_cancellation_penalty_now(reservation app_public.reservations) returns bigint
  language sql stable security definer parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case when reservation.status in ('held', 'confirmed') then app_private.cancellation_penalty(reservation, pg_catalog.now()) end;
$$;
comment on function app_public.reservations_cancellation_penalty_now(app_public.reservations) is
  E'What cancelling this reservation would cost now (minor units, in its currency), by its locked cancellation terms; null when it cannot be cancelled.';
--! EndIncluded app_public.reservations_cancellation_penalty_now.sql
--! Included app_public.quote_change.sql
-- Prices a change of a booking's dates or guests before it is made
-- (modifyReservation then makes it at today's rates): the new stay on the
-- booking's rate plan, with its cancellation terms and the units free for
-- it, the booking's own nights counting as free (it gives them back when
-- it moves). The same rules as the change itself: a guest (signed in, or
-- with the booking token) only when changeRefusal is null and within the
-- rate's restrictions; staff of the property always. No quote token: this
-- is not a new booking.
create or replace function app_public.quote_change(
  reservation_id uuid,
  arrival date default null,
  departure date default null,
  adults integer default null,
  children integer default null
) returns app_public.quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_staff boolean;
  v_refusal text;
  v_arrival date;
  v_departure date;
  v_adults integer;
  v_children integer;
  v_restriction record;
  v_quote app_public.quote;
begin
  select * into v_res from app_public.reservations r where r.id = quote_change.reservation_id;
  v_staff := v_res.property_id in (select app_hidden.current_property_ids('{owner,manager,front_desk}'));
  if v_res.id is null or not (coalesce(v_staff, false)
                              or coalesce(v_res.id = app_hidden.current_booking_id(), false)
                              or coalesce(v_res.user_id = app_hidden.current_user_id(), false)) then
    raise exception using errcode = 'NTFND', message = 'No such reservation, or you cannot see it.';
  end if;
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'changed');
  end if;
  if not v_staff then
    v_refusal := app_private.guest_change_refusal(v_res);
    if v_refusal is not null then
      perform app_private.refuse_guest_change(v_res, v_refusal);
    end if;
  end if;
  v_arrival := coalesce(quote_change.arrival, pg_catalog.lower(v_res.stay));
  v_departure := coalesce(quote_change.departure, pg_catalog.upper(v_res.stay));
  v_adults := coalesce(quote_change.adults, v_res.adults);
  v_children := coalesce(quote_change.children, v_res.children);
  perform app_private.check_stay(v_res.property_id, v_arrival, v_departure, v_adults, v_children);
  select * into v_restriction
    from app_private.stay_restrictions(array[v_res.rate_plan_id], v_arrival, v_departure, v_adults, v_children);
  if v_restriction.restriction = 'MAX_OCCUPANCY' or (v_restriction.restriction is not null and not v_staff) then
    raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
  end if;

  v_quote := app_private.quote_for(v_res.rate_plan_id, v_arrival, v_departure, v_adults, v_children);
  v_quote.units_left := (
    select pg_catalog.count(*)::integer
      from app_public.units u
     where u.property_id = v_res.property_id and u.room_type_id = v_res.room_type_id and u.is_active
       and not exists (
         select 1 from app_public.inventory_claims c
          where c.property_id = u.property_id and c.unit_id = u.id
            and c.stay && pg_catalog.daterange(v_arrival, v_departure)
            and c.released_at is null and (c.expires_at is null or c.expires_at > pg_catalog.now())
            and c.reservation_id is distinct from v_res.id));
  if v_quote.units_left = 0 then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for the changed stay.';
  end if;
  v_quote.valid_until := null;
  v_quote.quote_token := null;
  return v_quote;
end;
$$;
comment on function app_public.quote_change(uuid, date, date, integer, integer) is
  E'Prices a change of a booking''s dates or guests on its rate plan (its own nights count as free), with the new cancellation terms; no token. Guests only when the booking''s changeRefusal is null. Errors: NTFND, DNIED (reason: the refusal), INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT.';
--! EndIncluded app_public.quote_change.sql
--! Included app_public.modify_reservation.sql
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
  unit_id uuid default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
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
  v_quote app_public.quote;
  v_claim app_public.inventory_claims;
  v_staff boolean;
  v_restriction record;
begin
  v_replay := app_private.idempotency_begin('modify_reservation', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'arrival', arrival, 'departure', departure, 'adults', adults,
    'children', children, 'rate_plan_id', rate_plan_id, 'unit_id', unit_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(modify_reservation.reservation_id, '{owner,manager,front_desk}', 'change reservations', true);
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'changed');
  end if;
  v_staff := v_res.property_id in (select app_hidden.current_property_ids('{owner,manager,front_desk}'));
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
  if modify_reservation.unit_id is not null and not exists (
       select 1 from app_public.units u
        where u.property_id = v_res.property_id and u.id = modify_reservation.unit_id and u.room_type_id = v_plan.room_type_id) then
    raise exception using errcode = 'NTFND', message = 'No such unit of this room type at this property.';
  end if;
  if v_adults + v_children > (select rt.max_occupancy from app_public.room_types rt where rt.id = v_plan.room_type_id) then
    raise exception using errcode = 'RSTRC', message = 'Too many guests for this room type.', hint = 'MAX_OCCUPANCY';
  end if;
  if not v_staff then
    select * into v_restriction from app_private.stay_restrictions(array[v_plan.id], v_arrival, v_departure, v_adults, v_children);
    if v_restriction.restriction is not null then
      raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
    end if;
  end if;

  v_quote := app_private.quote_for(v_plan.id, v_arrival, v_departure, v_adults, v_children);

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
     set stay = pg_catalog.daterange(v_arrival, v_departure), adults = v_adults, children = v_children,
         rate_plan_id = v_plan.id, room_type_id = v_plan.room_type_id, unit_id = v_claim.unit_id,
         currency = v_quote.currency, room_amount = v_quote.room_amount, fees_amount = v_quote.fees_amount,
         taxes_amount = v_quote.taxes_amount, total_amount = v_quote.total_amount,
         price_lines = pg_catalog.to_jsonb(v_quote.lines),
         cancellation_policy = pg_catalog.jsonb_build_object(
           'is_refundable', v_quote.is_refundable,
           'free_cancellation_until', v_quote.free_cancellation_until,
           'late_cancellation_penalty', v_quote.late_cancellation_penalty,
           'terms', v_quote.cancellation_terms)
   where r.id = v_res.id
  returning * into v_res;
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':modify:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                               'Booking ' || v_res.confirmation_code || ' changed');
  perform app_private.schedule_payments(v_res);

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.modify_reservation(uuid, text, date, date, integer, integer, uuid, uuid) is
  E'Changes dates, guests, rate plan/room type or unit of a reservation, re-priced and re-claimed atomically (the old claim stands if the new one fails). Staff of the property; the guest too for dates and guests when the booking''s changeRefusal is null (within the rate''s restrictions). Errors: NTFND, DNIED (for a guest, reason: the refusal or DATES_ONLY), INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.modify_reservation.sql
--! Included app_public.attach_payment_method.sql
-- Keeps a card (a provider token from the hosted card form; Keepr never
-- sees the number) on file for a reservation's open payments without
-- charging it now: the start_due_payments job charges each payment with it
-- when it falls due (the balance of a pay-at-arrival rate, for instance).
-- The guest (signed in, or with the booking token) and staff who take
-- payments may. Payments already being paid or paid keep their card.
create or replace function app_public.attach_payment_method(
  reservation_id uuid,
  payment_token text,
  idempotency_key text
) returns setof app_public.payment_intents
  language plpgsql volatile security definer rows 3
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_ids uuid[];
begin
  v_replay := app_private.idempotency_begin('attach_payment_method', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'payment_token', payment_token));
  if v_replay is null then
    v_res := app_private.lock_reservation(attach_payment_method.reservation_id, '{owner,manager,front_desk,accountant}', 'take payments', true);
    if v_res.status not in ('confirmed', 'checked_in') then
      raise exception using errcode = 'TRANS', message = pg_catalog.format('This reservation is %s; it takes no card.', v_res.status),
        hint = v_res.status::text;
    end if;
    if payment_token is null or payment_token !~ '^tok_[A-Za-z0-9_]{6,100}$' then
      raise exception using errcode = 'INVLD', message = 'A card token from the payment form (tok_...) is required; never a card number.';
    end if;
    with updated as (
      update app_public.payment_intents i set payment_token = attach_payment_method.payment_token
       where i.property_id = v_res.property_id and i.reservation_id = v_res.id and i.status = 'requires_payment'
      returning i.id
    )
    select coalesce(pg_catalog.array_agg(u.id), '{}') into v_ids from updated u;
    v_replay := app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_ids));
  end if;
  return query
    select i.* from app_public.payment_intents i
     where i.id in (select pg_catalog.jsonb_array_elements_text(v_replay)::uuid)
     order by i.due_at, i.id;
end;
$$;
comment on function app_public.attach_payment_method(uuid, text, text) is
  E'Keeps a provider card token on file for the reservation''s open payments, charged when each falls due; returns those payments. Errors: NTFND, DNIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.attach_payment_method.sql
drop function if exists app_public.nearest_stays(uuid[], date, date, integer, integer, integer);
drop type if exists app_public.stay_suggestion;
create type app_public.stay_suggestion as (
  rate_plan_id uuid,
  arrival date,
  departure date,
  nights integer,
  currency char(3),
  total_amount bigint
);
comment on type app_public.stay_suggestion is E'A bookable stay near the one asked for, priced for the guests (nearestStays).';
--! Included app_public.nearest_stays.sql
-- The nearest stays that can be booked on each rate plan when the asked
-- one cannot (a minimum stay, a date closed to arrival, stop sell, sold
-- out): per plan, candidates nearest first: the same arrival with the stay
-- stretched or shortened to the plan's limits for that arrival, then
-- arrivals 1, 2, ... 14 days later or earlier (later first) with as many
-- nights as asked (within those limits); each is checked like a search
-- (restrictions, a free unit) and priced. Plans whose room type is too
-- small for the guests get nothing (no date helps). Visible like search:
-- published plans, or the caller's own properties.
create or replace function app_public.nearest_stays(
  rate_plan_ids uuid[],
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  per_plan integer default 2
) returns setof app_public.stay_suggestion
  language plpgsql stable security definer rows 10
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_nights integer := nearest_stays.departure - nearest_stays.arrival;
  v_member uuid[] := array(select app_hidden.current_property_ids());
  v_plan record;
  v_candidate record;
  v_found integer;
  v_quote app_public.quote;
  v_row app_public.stay_suggestion;
begin
  perform app_private.check_stay(null, nearest_stays.arrival, nearest_stays.departure, nearest_stays.adults, nearest_stays.children);
  if pg_catalog.cardinality(rate_plan_ids) > 20 or per_plan not between 1 and 5 then
    raise exception using errcode = 'INVLD', message = 'Ask for at most 20 rate plans and 1 to 5 stays per plan.';
  end if;
  for v_plan in
    select rp.id, rp.property_id, rp.room_type_id, rp.min_stay, rp.max_stay, rt.max_occupancy,
           (pg_catalog.now() at time zone p.time_zone)::date as today
      from app_public.rate_plans rp
      join app_public.room_types rt on rt.property_id = rp.property_id and rt.id = rp.room_type_id
      join app_public.properties p on p.id = rp.property_id
     where rp.id = any (nearest_stays.rate_plan_ids)
       and ((rp.is_published and rt.is_published and p.is_published) or rp.property_id = any (v_member))
     order by pg_catalog.array_position(nearest_stays.rate_plan_ids, rp.id)
  loop
    continue when nearest_stays.adults + nearest_stays.children > v_plan.max_occupancy;
    v_found := 0;
    for v_candidate in
      select c.a, c.a + greatest(least(v_nights, coalesce(cal.max_stay, v_plan.max_stay, v_nights)), coalesce(cal.min_stay, v_plan.min_stay, 1)) as d
        from (select nearest_stays.arrival + s as a, s from pg_catalog.generate_series(-14, 14) s) c
        left join app_public.rate_calendar cal
          on cal.property_id = v_plan.property_id and cal.rate_plan_id = v_plan.id and cal.date = c.a
       where c.a >= v_plan.today
       order by abs(c.s), c.s desc
    loop
      continue when v_candidate.a = nearest_stays.arrival and v_candidate.d = nearest_stays.departure;
      continue when exists (select 1 from app_private.stay_restrictions(array[v_plan.id], v_candidate.a, v_candidate.d,
                                                                       nearest_stays.adults, nearest_stays.children) r
                             where r.restriction is not null);
      continue when not exists (select 1 from app_private.free_units(array[v_plan.property_id], pg_catalog.daterange(v_candidate.a, v_candidate.d),
                                                                     v_plan.room_type_id));
      v_quote := app_private.quote_for(v_plan.id, v_candidate.a, v_candidate.d, nearest_stays.adults, nearest_stays.children);
      v_row := (v_plan.id, v_candidate.a, v_candidate.d, v_candidate.d - v_candidate.a, v_quote.currency, v_quote.total_amount);
      return next v_row;
      v_found := v_found + 1;
      exit when v_found >= per_plan;
    end loop;
  end loop;
end;
$$;
comment on function app_public.nearest_stays(uuid[], date, date, integer, integer, integer) is
  E'For stays that cannot be booked: the nearest bookable stays on each rate plan (same arrival with the nights the plan needs, then arrivals up to 14 days later or earlier), priced for the guests; per_plan (1 to 5, default 2) per plan, at most 20 plans. Errors: DATES, GUEST, INVALID_INPUT.';
--! EndIncluded app_public.nearest_stays.sql

grant execute on function app_public.reservations_change_refusal(app_public.reservations),
  app_public.reservations_cancellation_penalty_now(app_public.reservations),
  app_public.quote_change(uuid, date, date, integer, integer),
  app_public.modify_reservation(uuid, text, date, date, integer, integer, uuid, uuid),
  app_public.attach_payment_method(uuid, text, text),
  app_public.nearest_stays(uuid[], date, date, integer, integer, integer)
  to keepr_anonymous;
