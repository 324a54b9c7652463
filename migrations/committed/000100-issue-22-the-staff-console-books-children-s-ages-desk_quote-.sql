--! Previous: sha1:f7ff62311dc476387d7f8ed5c0578562b00ec1b9
--! Hash: sha1:046dd2a2c5ea32084c2438961c577d808743950e
--! Message: Issue 22: the staff console books children's ages (desk_quote, create_desk_hold, quote_group_room, add_group_room take child_ages)

-- Issue 22: the staff console books children's ages too. A rate plan that
-- prices children by age (000095) refused every desk booking, group room
-- added by the desk and its price with children (CHILD_AGES), since
-- desk_quote, add_group_room and quote_group_room took no ages. Each now
-- takes child_ages (one per child, as quote), and createDeskHold books the
-- ages its token was priced for.
drop function if exists app_public.desk_quote(uuid, date, date, integer, integer, uuid, bigint, numeric, text, text);
drop function if exists app_public.add_group_room(uuid, text, uuid, integer, integer, text);
drop function if exists app_public.quote_group_room(uuid, uuid, integer, integer);
--! Included booking/app_public.desk_quote.sql
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
--! EndIncluded booking/app_public.desk_quote.sql
--! Included booking/app_public.create_desk_hold.sql
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
--! EndIncluded booking/app_public.create_desk_hold.sql
--! Included booking/app_public.quote_group_room.sql
-- Prices a room to add to a confirmed booking group, as add_group_room
-- will charge it: for the group's stay (its first room still booked), on
-- the rate plan's rules and restrictions (app_public.quote), with the
-- group's promo code on its terms for this rate plan (no use counted:
-- app_private.group_promo_for). A price to show, not to hold: no quote
-- token. Whoever may add rooms to the group: front office, the signed-in
-- guest who made it, or the holder of its token; NOT_FOUND for anyone else.
create or replace function app_public.quote_group_room(
  booking_group_id uuid,
  rate_plan_id uuid,
  adults integer,
  children integer default 0,
  child_ages integer[] default null
) returns app_public.quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_group app_public.booking_groups;
  v_first app_public.reservations;
  v_promo app_public.promo_codes;
  v_quote app_public.quote;
  v_room_no integer;
begin
  select * into v_group from app_public.booking_groups g where g.id = quote_group_room.booking_group_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such booking group, or you cannot see it.';
  end if;
  if not coalesce(v_group.id = app_hidden.current_booking_group_id()
                  or (v_group.user_id is not null and v_group.user_id = app_hidden.current_user_id()), false) then
    perform app_private.require_staff(v_group.property_id, app_hidden.staff_group_roles('front_office'), 'add rooms to groups');
  end if;
  select * into v_first from app_public.reservations r
   where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status = 'confirmed'
   order by r.room_no
   limit 1;
  if not found then
    raise exception using errcode = 'TRANS', message = 'No room of this group is booked ahead any more: a room can be added only to a group still to come.';
  end if;
  v_quote := app_public.quote(quote_group_room.rate_plan_id, pg_catalog.lower(v_first.stay), pg_catalog.upper(v_first.stay),
                              quote_group_room.adults, coalesce(quote_group_room.children, 0),
                                child_ages => quote_group_room.child_ages);
  if v_quote.property_id <> v_group.property_id then
    raise exception using errcode = 'NTFND', message = 'No such rate plan at this group''s property.';
  end if;
  select coalesce(max(r.room_no), 0) + 1 into v_room_no
    from app_public.reservations r
   where r.property_id = v_group.property_id and r.group_id = v_group.id;
  v_promo := app_private.group_promo_for(v_group, quote_group_room.rate_plan_id, v_room_no);
  if v_promo.id is not null then
    v_quote := app_private.quote_for(quote_group_room.rate_plan_id, pg_catalog.lower(v_first.stay), pg_catalog.upper(v_first.stay),
                                     quote_group_room.adults, coalesce(quote_group_room.children, 0), promo => v_promo,
                                     child_ages => quote_group_room.child_ages);
  end if;
  v_quote.quote_token := null;
  v_quote.valid_until := null;
  return v_quote;
end;
$$;
comment on function app_public.quote_group_room(uuid, uuid, integer, integer, integer[]) is
  E'Prices a room to add to a confirmed booking group (addGroupRoom then charges this price): the group''s dates, the rate plan''s rules and the children''s ages (childAges, as quote), the group''s promo code (PROMO_CODE RATE_PLAN when it does not cover the rate). No quote token: addGroupRoom books. Front office, the guest who made the group (signed in) or the group''s token. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT, PROMO_CODE.';
--! EndIncluded booking/app_public.quote_group_room.sql
--! Included booking/app_public.add_group_room.sql
-- Adds a room to a confirmed booking group, for the group's stay (that of
-- its first room still booked): priced by app_public.quote under the same
-- rules as the group's rooms (its rate plan, guests, children's ages and
-- restrictions),
-- held by app_public.create_hold (its claim: the exclusion constraint and
-- the allocator decide, SOLD_OUT when no unit is free) and confirmed by
-- app_public.confirm_booking under the group's contact (its code, its
-- folio charged, its payments by its rate plan), in one transaction. It
-- takes the next place in the rooming list and belongs to whoever made the
-- group. The group's promo code follows it: its discount is a line of the
-- new room's price, and no second use is counted (the group counted one).
-- The group's confirmation message is not sent again. Front office,
-- the signed-in guest who made the group, or the holder of its token.
-- Price it first with app_public.quote_group_room.
create or replace function app_public.add_group_room(
  booking_group_id uuid,
  idempotency_key text,
  rate_plan_id uuid,
  adults integer,
  children integer default 0,
  guest_name text default null,
  child_ages integer[] default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_group app_public.booking_groups;
  v_first app_public.reservations;
  v_room_no integer;
  v_quote app_public.quote;
  v_hold app_public.hold;
  v_key text := 'group-add:' || pg_catalog.md5(idempotency_key);
  v_booking app_public.booking;
  v_room_type text;
  v_promo app_public.promo_codes;
begin
  v_replay := app_private.idempotency_begin('add_group_room', idempotency_key, pg_catalog.jsonb_build_object(
    'booking_group_id', booking_group_id, 'rate_plan_id', rate_plan_id, 'adults', adults, 'children', children,
    'guest_name', guest_name)
    -- (only when given: a key first used before rooms took ages replays as before)
    || case when add_group_room.child_ages is not null
            then pg_catalog.jsonb_build_object('child_ages', add_group_room.child_ages) else '{}'::jsonb end);
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_group := app_private.lock_booking_group(add_group_room.booking_group_id, app_hidden.staff_group_roles('front_office'), 'add rooms to groups');
  if v_group.confirmed_at is null then
    raise exception using errcode = 'TRANS', message = 'This group is not confirmed yet: confirm it, then add rooms.';
  end if;
  select * into v_first from app_public.reservations r
   where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status = 'confirmed'
   order by r.room_no
   limit 1;
  if not found then
    raise exception using errcode = 'TRANS', message = 'No room of this group is booked ahead any more: a room can be added only to a group still to come.';
  end if;
  if (select pg_catalog.count(*) from app_public.reservations r
       where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status <> 'cancelled') >= 20 then
    raise exception using errcode = 'INVLD', message = 'A group books at most 20 rooms.';
  end if;
  if pg_catalog.length(pg_catalog.btrim(guest_name)) > 200 then
    raise exception using errcode = 'INVLD', message = 'A guest''s name has at most 200 characters.';
  end if;
  select coalesce(max(r.room_no), 0) + 1 into v_room_no
    from app_public.reservations r
   where r.property_id = v_group.property_id and r.group_id = v_group.id;

  begin
    v_quote := app_public.quote(add_group_room.rate_plan_id, pg_catalog.lower(v_first.stay), pg_catalog.upper(v_first.stay),
                                add_group_room.adults, coalesce(add_group_room.children, 0),
                                child_ages => add_group_room.child_ages);
    if v_quote.property_id <> v_group.property_id then
      raise exception using errcode = 'NTFND', message = 'No such rate plan at this group''s property.';
    end if;
    v_hold := app_public.create_hold(v_quote.quote_token, v_key || ':hold', 10);
  exception when sqlstate 'SOLDO' then
    -- No unit left, at the quote or at the claim.
    select rt.name into v_room_type
      from app_public.rate_plans rp join app_public.room_types rt on rt.id = rp.room_type_id
     where rp.id = add_group_room.rate_plan_id;
    raise exception using errcode = 'SOLDO', hint = 'room ' || v_room_no,
      message = pg_catalog.format('Room %s (%s): no unit of this room type is free for the group''s dates; no room was added.', v_room_no, v_room_type);
  end;
  update app_public.reservations r
     set group_id = v_group.id, room_no = v_room_no, user_id = v_group.user_id,
         guest_name = nullif(pg_catalog.btrim(add_group_room.guest_name), '')
   where r.property_id = v_group.property_id and r.id = v_hold.reservation_id;
  -- The group's promo code follows its rooms: the new room is priced with
  -- its discount (as quote_group priced the others; its terms on this rate
  -- plan, not its uses or booking window: the group has counted its one
  -- use), and confirm_booking counts no use for it.
  v_promo := app_private.group_promo_for(v_group, add_group_room.rate_plan_id, v_room_no);
  if v_promo.id is not null then
    v_quote := app_private.quote_for(add_group_room.rate_plan_id, pg_catalog.lower(v_first.stay), pg_catalog.upper(v_first.stay),
                                     add_group_room.adults, coalesce(add_group_room.children, 0), promo => v_promo,
                                     child_ages => add_group_room.child_ages);
    update app_public.reservations r
       set room_amount = v_quote.room_amount, fees_amount = v_quote.fees_amount, taxes_amount = v_quote.taxes_amount,
           total_amount = v_quote.total_amount, price_lines = pg_catalog.to_jsonb(v_quote.lines),
           cancellation_policy = pg_catalog.jsonb_build_object(
             'is_refundable', v_quote.is_refundable,
             'free_cancellation_until', v_quote.free_cancellation_until,
             'late_cancellation_penalty', v_quote.late_cancellation_penalty,
             'terms', v_quote.cancellation_terms),
           promo_code_id = v_promo.id
     where r.property_id = v_group.property_id and r.id = v_hold.reservation_id;
  end if;
  v_booking := app_public.confirm_booking(v_hold.reservation_id, v_key || ':confirm',
                                          coalesce(v_group.contact_name, v_first.contact_name),
                                          coalesce(v_group.contact_email, v_first.contact_email)::text,
                                          coalesce(v_group.contact_phone, v_first.contact_phone),
                                          null, v_hold.hold_token);
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_booking)));
end;
$$;
comment on function app_public.add_group_room(uuid, text, uuid, integer, integer, text, integer[]) is
  E'Adds a room to a confirmed booking group for the group''s dates: priced like the group''s rooms (the children''s ages too: childAges, as quote) (price it first with quoteGroupRoom), held and confirmed under the group''s contact in one call, with its own code, folio and payments; it takes the next place in the rooming list. The group''s promo code, if any, discounts the new room too (no second use counted; PROMO_CODE RATE_PLAN when the code is not for this rate). Front office, the guest who made the group (signed in) or the group''s token. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, DATES, GUEST, RESTRICTED, SOLD_OUT, PROMO_CODE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.add_group_room.sql
grant execute on function app_public.desk_quote(uuid, date, date, integer, integer, uuid, bigint, numeric, text, text, integer[]) to keepr_staff;
grant execute on function app_public.quote_group_room(uuid, uuid, integer, integer, integer[]) to keepr_anonymous;
grant execute on function app_public.add_group_room(uuid, text, uuid, integer, integer, text, integer[]) to keepr_anonymous;
