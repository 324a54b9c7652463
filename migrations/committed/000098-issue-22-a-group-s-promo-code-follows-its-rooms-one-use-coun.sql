--! Previous: sha1:809bd0d4de873ff97b351c7fe845be4fbc4f9326
--! Hash: sha1:feed6afb58fe2bb8af08b3e95e50d888597a90f7
--! Message: Issue 22: a group's promo code follows its rooms (one use, counted at the first room confirmed); a change of the children's ages alone is told to the guest

-- Issue 22: a group's promo code follows its rooms. add_group_room prices the
-- added room with the group's code (no second use), and the group's one use is
-- counted by confirm_booking at the first of its rooms confirmed (by
-- confirm_group, or a held room confirmed alone), never once per room.
--! Included booking/app_public.confirm_booking.sql
-- Turns a hold into a confirmed reservation with a confirmation code and a
-- guest profile (found by email at the property, or created). A hold that
-- expired still confirms when its unit is free: its claim is kept if no one
-- took its nights, and otherwise the same unit (or another of the type) is
-- claimed again. HOLD_EXPIRED when none is free. The folio is charged and
-- the payment intents are created. A promo code in the price is counted as
-- used here, in one conditional update of its row: of two bookings racing
-- for its last use, the second waits for the first and then finds none
-- left (PROMO_CODE, reason USED_UP; INACTIVE when deactivated meanwhile).
-- A room of a booking group counts its group's code once for the group:
-- at the first of its rooms confirmed (by confirm_group, or a held room
-- confirmed here alone); the group's other rooms, and a room add_group_room
-- adds, count none (docs/booking.md, "Promo codes").
--
-- Only whoever made the hold confirms it: the caller gives the hold token
-- createHold returned, or is the signed-in guest the hold belongs to, or is
-- front-office staff of the property; anyone else gets NTFND, as if the
-- hold did not exist. The contact given is kept on the reservation; it
-- updates the property's shared guest profile only when the caller is that
-- guest, signed in, or the property's staff: unverified input never changes
-- or reveals another person's data.
--
-- Its statements, and those of what it calls (the ledger, the payment
-- schedule, the messages' rows), run with generic plans: they look rows up
-- by keys, so a plan made once per connection is as good as one made for
-- each call's values. (Queuing jobs sets its own: app_private.add_jobs.)
create or replace function app_public.confirm_booking(
  reservation_id uuid,
  idempotency_key text,
  full_name text,
  email text,
  phone text default null,
  special_requests text default null,
  hold_token text default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
  set plan_cache_mode to force_generic_plan
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_claim app_public.inventory_claims;
  v_guest_id uuid;
  v_email public.citext;
  v_constraint text;
  v_staff boolean;
  v_verified boolean;
  v_user_id uuid;
  v_group_promo uuid;
begin
  v_replay := app_private.idempotency_begin('confirm_booking', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'full_name', full_name, 'email', email, 'phone', phone,
    'special_requests', special_requests));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;

  -- A room of a booking group: the group first (confirm_group's order), so
  -- two of its rooms confirmed at once count its promo code once.
  perform 1 from app_public.booking_groups g
   where g.id = (select r.group_id from app_public.reservations r where r.id = confirm_booking.reservation_id)
     for update;
  select * into v_res from app_public.reservations r where r.id = confirm_booking.reservation_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such hold.';
  end if;
  v_staff := v_res.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if not (v_staff
          or coalesce(v_res.user_id = app_hidden.current_user_id(), false)
          or coalesce(confirm_booking.hold_token = app_private.sign('hold:' || v_res.id), false)) then
    raise exception using errcode = 'NTFND', message = 'No such hold.';
  end if;
  if v_res.status <> 'held' then
    perform app_private.invalid_transition(v_res, 'confirmed');
  end if;
  -- The front office may book a guest without an email (a walk-in who has
  -- none): the profile has no email and no message is sent to it.
  if (email is null and not v_staff) or email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(email) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  if full_name is null or pg_catalog.length(pg_catalog.btrim(full_name)) not between 1 and 200 then
    raise exception using errcode = 'INVNM', message = 'The guest''s full name (1 to 200 characters) is required.';
  end if;
  if phone is not null and phone !~ '^\+?[0-9 ()./-]{5,30}$' then
    raise exception using errcode = 'INVPH', message = 'That phone number does not look valid.';
  end if;
  if pg_catalog.length(special_requests) > 2000 then
    raise exception using errcode = 'INVLD', message = 'Special requests can be at most 2000 characters.';
  end if;

  -- The hold's claim becomes the reservation's, expired or not, unless
  -- someone released it to take its nights (then it has no live claim).
  select * into v_claim from app_public.inventory_claims c
   where c.property_id = v_res.property_id and c.reservation_id = v_res.id and c.released_at is null
   for update;
  if found then
    update app_public.inventory_claims c set kind = 'reservation', expires_at = null
     where c.id = v_claim.id
    returning * into v_claim;
  else
    v_claim := app_private.claim_unit(v_res.property_id, v_res.room_type_id, v_res.stay, 'reservation',
                                      reservation_id => v_res.id, preferred_unit_id => v_res.unit_id);
    if v_claim.id is null then
      raise exception using errcode = 'HLDEX',
        message = 'This hold expired and its room was taken meanwhile; please search again.';
    end if;
  end if;

  -- A new profile is linked to a signed-in guest only when the email given
  -- is their account's. An existing profile is updated only by the guest it
  -- is linked to or by the staff: account emails are not verified, so
  -- signing up with someone's email never reaches their profile.
  v_email := nullif(pg_catalog.btrim(email), '')::public.citext;
  select u.id into v_user_id from app_public.users u
   where u.id = app_private.booking_user_id(v_res.property_id) and u.email = v_email;
  insert into app_public.guests (property_id, email, full_name, phone, user_id)
  values (v_res.property_id, v_email, pg_catalog.btrim(full_name), phone, v_user_id)
  on conflict (property_id, email) do nothing
  returning id into v_guest_id;
  if v_guest_id is null and v_email is not null then
    select g.id, v_staff or coalesce(g.user_id = v_user_id, false) into v_guest_id, v_verified
      from app_public.guests g
     where g.property_id = v_res.property_id and g.email = v_email;
    if v_verified then
      update app_public.guests g
         set full_name = pg_catalog.btrim(confirm_booking.full_name),
             phone = coalesce(confirm_booking.phone, g.phone)
       where g.id = v_guest_id;
    end if;
  end if;

  loop
    begin
      update app_public.reservations r
         set status = 'confirmed', confirmation_code = app_private.new_confirmation_code(), confirmed_at = pg_catalog.now(),
             hold_expires_at = null, guest_id = v_guest_id, unit_id = v_claim.unit_id,
             user_id = coalesce(r.user_id, app_private.booking_user_id(v_res.property_id)),
             special_requests = confirm_booking.special_requests,
             contact_name = pg_catalog.btrim(confirm_booking.full_name), contact_email = v_email,
             contact_phone = confirm_booking.phone
       where r.id = v_res.id
      returning * into v_res;
      exit;
    exception when unique_violation then
      -- The code is taken at this property: draw another. Any other
      -- unique violation is not the draw's and goes out as it came.
      get stacked diagnostics v_constraint = constraint_name;
      if v_constraint is distinct from 'reservations_property_id_confirmation_code_key' then
        raise;
      end if;
    end;
  end loop;

  if v_res.group_id is null then
    if v_res.promo_code_id is not null then
      perform app_private.use_promo_code(v_res.property_id, v_res.promo_code_id, 'hold');
    end if;
  else
    -- A room of a group: its price has the group's code (quote_group), and
    -- the group counts one use for all its rooms, at the first of them
    -- confirmed (by confirm_group, or a held room confirmed alone); the
    -- group's lock (taken above) orders its rooms' confirmations. Each room
    -- keeps the code, so its changes keep the discount.
    select g.promo_code_id into v_group_promo from app_public.booking_groups g
     where g.property_id = v_res.property_id and g.id = v_res.group_id;
    if v_group_promo is not null then
      if not exists (select 1 from app_public.reservations x
                      where x.property_id = v_res.property_id and x.group_id = v_res.group_id
                        and x.id <> v_res.id and x.promo_code_id is not null) then
        perform app_private.use_promo_code(v_res.property_id, v_group_promo, 'group');
      end if;
      update app_public.reservations r set promo_code_id = v_group_promo
       where r.property_id = v_res.property_id and r.id = v_res.id
      returning * into v_res;
    end if;
  end if;

  -- The folio is charged the locked price, and payments are scheduled by
  -- the rate plan (deposit now, balance before arrival).
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':confirm:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                               'Booking ' || v_res.confirmation_code || ' confirmed');
  perform app_private.schedule_payments(v_res);

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.confirm_booking(uuid, text, text, text, text, text, text) is
  E'Confirms a hold as a reservation for the guest (name, email, optional phone; the property''s front office may leave the email out for a walk-in, then no message is sent): returns the confirmation code. Give the hold token createHold returned (not needed by the signed-in guest who made the hold or by the property''s front office). Errors: NOT_FOUND (no such hold, or not yours), INVALID_TRANSITION, HOLD_EXPIRED, INVALID_EMAIL, INVALID_NAME, INVALID_PHONE, PROMO_CODE (the hold''s promo code was used up or deactivated meanwhile), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.confirm_booking.sql
--! Included booking/app_public.confirm_group.sql
-- Confirms every room of a group hold in one call: each room by
-- app_public.confirm_booking (its confirmation code, its folio charged at
-- the locked price, its payments scheduled by its rate plan's deposit
-- rules), the booker's contact on the group and on each room; returns each
-- room's booking, in room order. The rooming list (guest_names, element n
-- for room n; null or an empty element keeps the name the hold gave) is
-- written first, in the same transaction, so the confirmation message
-- already has who sleeps in each room. The guest is
-- told once: the group's confirmation goes with its first room. Whoever
-- made the group hold confirms it: the caller gives its hold token, or is
-- the signed-in guest who made it, or is front-office staff of the
-- property; anyone else gets NTFND. Any room that cannot be confirmed
-- (its hold expired and its nights were taken: HOLD_EXPIRED) fails the
-- whole call, naming the room, and nothing is confirmed. The group's promo
-- code (booking_groups.promo_code_id) is counted once for the whole group,
-- by confirm_booking at its first room, in one conditional update of the
-- code's row: of two groups racing for its last use, the second waits for
-- the first and then finds none left (PROMO_CODE, reason USED_UP, naming
-- room 1; INACTIVE when deactivated meanwhile), and nothing of it is
-- confirmed. Every room gets the code, so its changes keep the discount.
create or replace function app_public.confirm_group(
  booking_group_id uuid,
  idempotency_key text,
  full_name text,
  email text,
  phone text default null,
  special_requests text default null,
  hold_token text default null,
  guest_names text[] default null
) returns setof app_public.booking
  language plpgsql volatile security definer rows 3
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_group app_public.booking_groups;
  v_room app_public.reservations;
  v_detail text;
  v_hint text;
begin
  v_replay := app_private.idempotency_begin('confirm_group', idempotency_key, pg_catalog.jsonb_build_object(
    'booking_group_id', booking_group_id, 'full_name', full_name, 'email', email, 'phone', phone,
    'special_requests', special_requests)
    -- (keys given before the rooming list was a parameter still replay)
    || case when guest_names is null then '{}'::jsonb else pg_catalog.jsonb_build_object('guest_names', guest_names) end);
  if v_replay is not null then
    return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking, v_replay);
    return;
  end if;

  select * into v_group from app_public.booking_groups g where g.id = confirm_group.booking_group_id for update;
  if not found
     or not (v_group.property_id in (select app_hidden.current_property_ids_for('front_office'))
             or coalesce(v_group.user_id = app_hidden.current_user_id(), false)
             or coalesce(confirm_group.hold_token = app_private.sign('group:' || v_group.id), false)) then
    raise exception using errcode = 'NTFND', message = 'No such group hold.';
  end if;

  -- The rooming list, before any room is confirmed (its message reads it).
  if guest_names is not null then
    if pg_catalog.array_ndims(guest_names) > 1 or pg_catalog.cardinality(guest_names) > (
         select pg_catalog.count(*) from app_public.reservations r
          where r.property_id = v_group.property_id and r.group_id = v_group.id) then
      raise exception using errcode = 'INVLD', message = 'The rooming list has more names than the group has rooms.';
    end if;
    for v_room in
      select * from app_public.reservations r
       where r.property_id = v_group.property_id and r.group_id = v_group.id
         and nullif(pg_catalog.btrim(confirm_group.guest_names[r.room_no]), '') is not null
       order by r.room_no
    loop
      if pg_catalog.length(pg_catalog.btrim(guest_names[v_room.room_no])) > 200 then
        raise exception using errcode = 'INVLD', message = pg_catalog.format('Room %s: a guest''s name has at most 200 characters.', v_room.room_no);
      end if;
      update app_public.reservations r
         set guest_name = pg_catalog.btrim(confirm_group.guest_names[v_room.room_no])
       where r.property_id = v_room.property_id and r.id = v_room.id;
    end loop;
  end if;

  for v_room in
    select * from app_public.reservations r
     where r.property_id = v_group.property_id and r.group_id = v_group.id
     order by r.room_no
  loop
    begin
      perform app_public.confirm_booking(v_room.id, 'group-confirm:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no,
                                         full_name, email, phone, special_requests, app_private.sign('hold:' || v_room.id));
    exception when others then
      get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
    end;
  end loop;

  update app_public.booking_groups g
     set contact_name = pg_catalog.btrim(confirm_group.full_name),
         contact_email = nullif(pg_catalog.btrim(confirm_group.email), '')::public.citext,
         contact_phone = confirm_group.phone,
         confirmed_at = pg_catalog.now()
   where g.id = v_group.id;

  return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking,
    app_private.idempotency_finish(idempotency_key, app_private.group_bookings(v_group)));
end;
$$;
comment on function app_public.confirm_group(uuid, text, text, text, text, text, text, text[]) is
  E'Confirms every room of a group hold for the booker (name, email, optional phone and requests; the property''s front office may leave the email out) and, optionally, the rooming list (guestNames: the name of who sleeps in room n at position n; an empty or missing name keeps the one given at the hold): each room gets its confirmation code, its folio and its payments by its rate plan; one confirmation message for the group. Returns each room''s booking, in room order. Give the hold token createGroupHold returned (not needed by the signed-in guest who made it or by the front office). Errors (naming the room): NOT_FOUND, INVALID_TRANSITION, HOLD_EXPIRED, INVALID_EMAIL, INVALID_NAME, INVALID_PHONE, INVALID_INPUT, PROMO_CODE (the group''s promo code was used up or deactivated meanwhile; counted once per group), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.confirm_group.sql
--! Included booking/app_public.add_group_room.sql
-- Adds a room to a confirmed booking group, for the group's stay (that of
-- its first room still booked): priced by app_public.quote under the same
-- rules as the group's rooms (its rate plan, guests and restrictions),
-- held by app_public.create_hold (its claim: the exclusion constraint and
-- the allocator decide, SOLD_OUT when no unit is free) and confirmed by
-- app_public.confirm_booking under the group's contact (its code, its
-- folio charged, its payments by its rate plan), in one transaction. It
-- takes the next place in the rooming list and belongs to whoever made the
-- group. The group's promo code follows it: its discount is a line of the
-- new room's price, and no second use is counted (the group counted one).
-- The group's confirmation message is not sent again. Front office,
-- the signed-in guest who made the group, or the holder of its token.
-- Price it first with app_public.quote for the group's dates.
create or replace function app_public.add_group_room(
  booking_group_id uuid,
  idempotency_key text,
  rate_plan_id uuid,
  adults integer,
  children integer default 0,
  guest_name text default null
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
    'guest_name', guest_name));
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
                                add_group_room.adults, coalesce(add_group_room.children, 0));
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
  if v_group.promo_code_id is not null then
    select * into v_promo from app_public.promo_codes pc
     where pc.property_id = v_group.property_id and pc.id = v_group.promo_code_id;
    if v_promo.rate_plan_ids is not null and not (add_group_room.rate_plan_id = any (v_promo.rate_plan_ids)) then
      raise exception using errcode = 'PROMO', hint = 'RATE_PLAN',
        message = pg_catalog.format('Room %s: this group''s promo code %s is not for this rate; choose a rate it covers.', v_room_no, v_promo.code);
    end if;
    v_quote := app_private.quote_for(add_group_room.rate_plan_id, pg_catalog.lower(v_first.stay), pg_catalog.upper(v_first.stay),
                                     add_group_room.adults, coalesce(add_group_room.children, 0), promo => v_promo);
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
comment on function app_public.add_group_room(uuid, text, uuid, integer, integer, text) is
  E'Adds a room to a confirmed booking group for the group''s dates: priced like the group''s rooms (price it first with quote), held and confirmed under the group''s contact in one call, with its own code, folio and payments; it takes the next place in the rooming list. The group''s promo code, if any, discounts the new room too (no second use counted; PROMO_CODE RATE_PLAN when the code is not for this rate). Front office, the guest who made the group (signed in) or the group''s token. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, DATES, GUEST, RESTRICTED, SOLD_OUT, PROMO_CODE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.add_group_room.sql
-- A change of the children's ages alone is a change the guest is told of.
--! Included operations/app_private.tg_reservations__notify.sql
-- What a reservation's change tells its guest: a confirmation (and the
-- pre-arrival message, scheduled), a modification of dates, guests or
-- price (a new pre-arrival message when the arrival moved; the old one is
-- skipped when its time comes), a cancellation, a thank-you on check-out.
-- Each in the transaction of the change; a change's messages in one
-- notify_all (one call that queues their jobs). A booking group's
-- confirmation (and pre-arrival message) goes once, with its first room.
--
-- A change of a whole group is one message too. app_private.change_group_rooms
-- (which change_group_dates and cancel_group call) sets the transaction-local
-- setting keepr.group_change to the group's id around its loop over the rooms
-- (and back to '' after it):
-- the first room of that group whose change is to be told queues the
-- group's one message (cause 'booking_group:<group>:…') and marks the
-- setting '<group>:told', so the group's other rooms queue nothing. The
-- message goes with that room (its guest, its language) in the same
-- transaction; the worker reads every room at sending time. A group's
-- modification's cause ends with the group's total before the change (the
-- rooms not cancelled), which the email compares with the total after it.
-- A room changed or cancelled on its own (modifyReservation,
-- cancelReservation) runs without the setting and is told as its own.
create or replace function app_private.tg_reservations__notify() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_pre_arrival timestamptz;
  v_group_change text := pg_catalog.current_setting('keepr.group_change', true);
  v_whole boolean;
  v_cause text;
  v_before bigint;
begin
  if new.guest_id is null then
    return null;
  end if;
  -- Inside change_group_dates / cancel_group of this room's group: told once, by the first room told.
  v_whole := new.group_id is not null and v_group_change in (new.group_id::text, new.group_id::text || ':told');
  if v_whole and v_group_change = new.group_id::text || ':told' then
    return null;
  end if;
  if old.status = 'held' and new.status = 'confirmed' and new.group_id is not null and new.room_no > 1 then
    -- A booking group is confirmed in one call and told once: its first
    -- room carries the group's confirmation and pre-arrival message.
    null;
  elsif old.status = 'held' and new.status = 'confirmed' then
    v_pre_arrival := app_private.pre_arrival_at(new);
    if v_pre_arrival > pg_catalog.now() then
      perform app_private.notify_all(new, array['confirmation', 'pre_arrival']::app_public.notification_kind[],
                                     array['reservation:' || new.id || ':confirmed', 'reservation:' || new.id || ':pre_arrival:' || pg_catalog.lower(new.stay)],
                                     array[pg_catalog.now(), v_pre_arrival]);
    else
      perform app_private.notify(new, 'confirmation', 'reservation:' || new.id || ':confirmed');
    end if;
  elsif old.status = new.status and new.status in ('confirmed', 'checked_in')
        and (old.stay, old.adults, old.children, old.child_ages, old.rate_plan_id, old.total_amount)
            is distinct from (new.stay, new.adults, new.children, new.child_ages, new.rate_plan_id, new.total_amount) then
    if new.status = 'confirmed' and pg_catalog.lower(old.stay) <> pg_catalog.lower(new.stay) then
      v_pre_arrival := app_private.pre_arrival_at(new);
    end if;
    if v_whole then
      -- The group's total before the change: the other rooms have not moved yet, this one had old's total.
      select coalesce(sum(x.total_amount), 0) - new.total_amount + old.total_amount into v_before
        from app_public.reservations x
       where x.property_id = new.property_id and x.group_id = new.group_id and x.status <> 'cancelled';
      v_cause := 'booking_group:' || new.group_id || ':modified:' || pg_catalog.txid_current() || ':' || v_before;
      perform pg_catalog.set_config('keepr.group_change', new.group_id::text || ':told', true);
    else
      v_cause := 'reservation:' || new.id || ':modified:' || pg_catalog.txid_current();
    end if;
    -- The pre-arrival message keeps the reservation's cause (the worker skips it once the stay moves).
    if v_pre_arrival > pg_catalog.now() then
      perform app_private.notify_all(new, array['modification', 'pre_arrival']::app_public.notification_kind[],
                                     array[v_cause, 'reservation:' || new.id || ':pre_arrival:' || pg_catalog.lower(new.stay)],
                                     array[pg_catalog.now(), v_pre_arrival]);
    else
      perform app_private.notify(new, 'modification', v_cause);
    end if;
  elsif old.status <> 'cancelled' and new.status = 'cancelled' and old.status <> 'held' then
    if v_whole then
      perform pg_catalog.set_config('keepr.group_change', new.group_id::text || ':told', true);
      perform app_private.notify(new, 'cancellation', 'booking_group:' || new.group_id || ':cancelled:' || pg_catalog.txid_current());
    else
      perform app_private.notify(new, 'cancellation', 'reservation:' || new.id || ':cancelled');
    end if;
  elsif old.status = 'checked_in' and new.status = 'checked_out' then
    perform app_private.notify(new, 'checkout_thanks', 'reservation:' || new.id || ':checked_out');
  end if;
  return null;
end;
$$;
comment on function app_private.tg_reservations__notify() is
  E'Trigger: queues the guest''s confirmation, pre-arrival, modification, cancellation and check-out messages; a booking group''s confirmation, and a change or cancellation of the whole group (keepr.group_change, set by app_private.change_group_rooms for change_group_dates and cancel_group), once for the group.';
--! EndIncluded operations/app_private.tg_reservations__notify.sql
drop trigger if exists _600_notify on app_public.reservations;
create trigger _600_notify after update on app_public.reservations for each row
  when (new.guest_id is not null and (old.status is distinct from new.status or old.stay is distinct from new.stay
        or old.adults is distinct from new.adults or old.children is distinct from new.children
        or old.child_ages is distinct from new.child_ages
        or old.rate_plan_id is distinct from new.rate_plan_id or old.total_amount is distinct from new.total_amount))
  execute function app_private.tg_reservations__notify();
