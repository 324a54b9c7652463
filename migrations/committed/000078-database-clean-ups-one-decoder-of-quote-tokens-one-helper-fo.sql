--! Previous: sha1:0f65fd31a97f74b019b7cf18e770a30a8afae942
--! Hash: sha1:754e1208559b72589be4c218cead095f9b9dd6c5
--! Message: Database clean-ups: one decoder of quote tokens, one helper for a group's room errors, code draws retried only on their own key; a derived plan's period copied exactly; booking groups in the reservations search, reporting and export

-- Database clean-ups (session 33, helper M).

-- One decoder of the signed quote token: app_private.quote_payload checks
-- the signature and returns the payload; create_hold, create_group_hold and
-- create_desk_hold call it instead of each decoding the token by hand.
-- Also: create_group_hold draws another group code only when the unique
-- violation is the (property_id, group_code) key's, and confirm_booking
-- another confirmation code only when it is the (property_id,
-- confirmation_code) key's; any other unique violation goes out as it came.
--! Included booking/app_private.quote_payload.sql
-- The payload of a signed quote token (`<base64url JSON>.<signature>`, as
-- app_public.quote, app_public.quote_group and app_public.desk_quote make
-- them), after checking its signature: QUOTE when the token is not one the
-- database signed. `signed_as` is the prefix the token was signed with
-- ('desk:' for a desk quote, whose token no other hold accepts). The one
-- decoder of quote tokens: create_hold, create_group_hold and
-- create_desk_hold call it. PL/pgSQL, so that its statements are planned
-- once per session, not on every booking (docs/benchmarks.md).
create or replace function app_private.quote_payload(token text, signed_as text default '') returns jsonb
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_parts text[] := pg_catalog.string_to_array(token, '.');
begin
  if pg_catalog.array_length(v_parts, 1) is distinct from 2
     or app_private.sign(signed_as || v_parts[1]) is distinct from v_parts[2] then
    raise exception using errcode = 'QUOTE',
      message = case when signed_as = 'desk:' then 'This quote token is not valid for a desk hold; get a new quote.'
                     else 'This quote token is not valid; get a new quote.' end;
  end if;
  return pg_catalog.convert_from(pg_catalog.decode(
      pg_catalog.rpad(pg_catalog.translate(v_parts[1], '-_', '+/'), ((pg_catalog.length(v_parts[1]) + 3) / 4) * 4, '='),
      'base64'), 'UTF8')::jsonb;
end;
$$;
comment on function app_private.quote_payload(text, text) is
  E'The JSON payload of a signed quote token, its signature checked (QUOTE when not valid); `signed_as` is the prefix it was signed with (''desk:'' for desk quotes).';
--! EndIncluded booking/app_private.quote_payload.sql
--! Included booking/app_public.create_hold.sql
-- Holds a unit for a quoted stay, for `minutes` (default 10, at most 30),
-- at the quoted price. The quote token is verified (QUOTE) and must still be
-- valid (QTEXP). A free unit of the room type is claimed (SOLD_OUT when none
-- is left); the claim and the held reservation are one transaction.
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
    id, property_id, room_type_id, rate_plan_id, unit_id, user_id, status, stay, adults, children, currency,
    room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, hold_expires_at
  ) values (
    v_id, v_quote.property_id, v_quote.room_type_id, v_quote.rate_plan_id, v_claim.unit_id, app_private.booking_user_id(v_quote.property_id),
    'held', pg_catalog.daterange(v_quote.arrival, v_quote.departure), v_quote.adults, v_quote.children, v_quote.currency,
    v_quote.room_amount, v_quote.fees_amount, v_quote.taxes_amount, v_quote.total_amount,
    pg_catalog.to_jsonb(v_quote.lines),
    pg_catalog.jsonb_build_object(
      'is_refundable', v_quote.is_refundable,
      'free_cancellation_until', v_quote.free_cancellation_until,
      'late_cancellation_penalty', v_quote.late_cancellation_penalty,
      'terms', v_quote.cancellation_terms),
    v_claim.expires_at
  );

  v_hold := (v_id, v_quote.property_id, v_claim.expires_at, v_quote.currency, v_quote.total_amount,
             app_private.sign('hold:' || v_id))::app_public.hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_hold));
  return v_hold;
end;
$$;
comment on function app_public.create_hold(text, text, integer) is
  E'Holds a free unit for a quoted stay at the quoted price for `minutes` (default 10, 1 to 30). Errors: QUOTE_INVALID, QUOTE_EXPIRED, DATES, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.create_hold.sql
--! Included booking/app_public.create_group_hold.sql
-- Holds every room of a group quote, or none: one booking group (with its
-- group code) and a held reservation per room, each made by
-- app_public.create_hold from the room's own signed quote (its price, its
-- claim and the allocator's rules), in one transaction. When any room
-- cannot be claimed the whole call fails and nothing is held: SOLD_OUT
-- naming the room. The group's name is optional (e.g. "Smith wedding").
-- Returns the rooms' reservations and a hold token for confirmGroup.
create or replace function app_public.create_group_hold(
  quote_token text,
  idempotency_key text,
  name text default null,
  minutes integer default 10
) returns app_public.group_hold
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_payload jsonb := app_private.quote_payload(quote_token);
  v_group app_public.booking_groups;
  v_room record;
  v_hold app_public.hold;
  v_ids uuid[] := '{}';
  v_expires timestamptz;
  v_total bigint := 0;
  v_currency character(3);
  v_detail text;
  v_hint text;
  v_constraint text;
  v_result app_public.group_hold;
begin
  v_replay := app_private.idempotency_begin('create_group_hold', idempotency_key,
                pg_catalog.jsonb_build_object('quote_token', quote_token, 'name', name, 'minutes', minutes));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.group_hold, v_replay);
  end if;
  if v_payload ->> 'kind' is distinct from 'group' then
    raise exception using errcode = 'QUOTE', message = 'This is not a group quote token; get a group quote.';
  end if;
  if (v_payload ->> 'valid_until')::timestamptz < pg_catalog.now() then
    raise exception using errcode = 'QTEXP',
      message = pg_catalog.format('This quote expired at %s; get a new quote.', v_payload ->> 'valid_until');
  end if;
  if pg_catalog.length(pg_catalog.btrim(name)) not between 1 and 200 then
    raise exception using errcode = 'INVLD', message = 'A group''s name has 1 to 200 characters.';
  end if;

  loop
    begin
      insert into app_public.booking_groups (property_id, group_code, name, user_id, channel)
      values ((v_payload ->> 'property_id')::uuid, 'G-' || app_private.new_confirmation_code(), nullif(pg_catalog.btrim(name), ''),
              app_private.booking_user_id((v_payload ->> 'property_id')::uuid),
              case when (v_payload ->> 'property_id')::uuid in (select app_hidden.current_property_ids_for('front_office'))
                   then 'front_desk' else 'web' end)
      returning * into v_group;
      exit;
    exception when unique_violation then
      -- The code is taken at this property: draw another. Any other
      -- unique violation is not the draw's and goes out as it came.
      get stacked diagnostics v_constraint = constraint_name;
      if v_constraint is distinct from 'booking_groups_property_id_group_code_key' then
        raise;
      end if;
    end;
  end loop;

  -- Room by room, in the quote's order; any failure rolls back them all.
  for v_room in
    select x.n::integer as room_no, x.r ->> 'quote_token' as token, x.r ->> 'guest_name' as guest_name,
           x.r ->> 'room_type' as room_type
      from pg_catalog.jsonb_array_elements(v_payload -> 'rooms') with ordinality x(r, n)
     order by x.n
  loop
    begin
      v_hold := app_public.create_hold(v_room.token, 'group-hold:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no, minutes);
    exception
      when sqlstate 'SOLDO' then
        raise exception using errcode = 'SOLDO', hint = 'room ' || v_room.room_no,
          message = pg_catalog.format('Room %s (%s): no unit of this room type is free for these dates any more, so none of the rooms is held.',
                                      v_room.room_no, v_room.room_type);
      when others then
        get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
        perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
    end;
    update app_public.reservations r
       set group_id = v_group.id, room_no = v_room.room_no, guest_name = v_room.guest_name
     where r.id = v_hold.reservation_id;
    v_ids := v_ids || v_hold.reservation_id;
    v_expires := least(v_expires, v_hold.expires_at);
    v_total := v_total + v_hold.total_amount;
    v_currency := v_hold.currency;
  end loop;

  v_result := (v_group.id, v_group.property_id, v_group.group_code, v_expires, v_currency, v_total, v_ids,
               app_private.sign('group:' || v_group.id))::app_public.group_hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_result));
  return v_result;
end;
$$;
comment on function app_public.create_group_hold(text, text, text, integer) is
  E'Holds every room of a group quote for `minutes` (default 10, 1 to 30), or none: a booking group with its code and a held reservation per room, at the quoted prices. Optional name (1 to 200 characters). Errors: QUOTE_INVALID, QUOTE_EXPIRED, INVALID_INPUT, DATES, SOLD_OUT (naming the room; nothing is held), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.create_group_hold.sql
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
    id, property_id, room_type_id, rate_plan_id, unit_id, user_id, status, stay, adults, children, currency,
    room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, hold_expires_at, unit_pinned
  ) values (
    v_id, v_quote.property_id, v_quote.room_type_id, v_quote.rate_plan_id, v_claim.unit_id, null,
    'held', pg_catalog.daterange(v_quote.arrival, v_quote.departure), v_quote.adults, v_quote.children, v_quote.currency,
    v_quote.room_amount, v_quote.fees_amount, v_quote.taxes_amount, v_quote.total_amount,
    pg_catalog.to_jsonb(v_quote.lines),
    pg_catalog.jsonb_build_object(
      'is_refundable', v_quote.is_refundable,
      'free_cancellation_until', v_quote.free_cancellation_until,
      'late_cancellation_penalty', v_quote.late_cancellation_penalty,
      'terms', v_quote.cancellation_terms),
    v_claim.expires_at,
    -- The unit the guest was promised stays theirs: the allocator does not move it.
    v_unit_id is not null
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
  E'Holds the stay of a deskQuote token (its unit, or any free unit of the type) at its price, overridden or not, for `minutes` (default 10, 1 to 30), recording the override with the reservation. Front office of the property only. Errors: QUOTE_INVALID, QUOTE_EXPIRED, ACCESS_DENIED, DATES, SOLD_OUT, UNIT_UNAVAILABLE, OVERRIDE_LIMIT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.create_desk_hold.sql
--! Included booking/app_public.confirm_booking.sql
-- Turns a hold into a confirmed reservation with a confirmation code and a
-- guest profile (found by email at the property, or created). A hold that
-- expired still confirms when its unit is free: its claim is kept if no one
-- took its nights, and otherwise the same unit (or another of the type) is
-- claimed again. HOLD_EXPIRED when none is free. The folio is charged and
-- the payment intents are created.
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
begin
  v_replay := app_private.idempotency_begin('confirm_booking', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'full_name', full_name, 'email', email, 'phone', phone,
    'special_requests', special_requests));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;

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
  E'Confirms a hold as a reservation for the guest (name, email, optional phone; the property''s front office may leave the email out for a walk-in, then no message is sent): returns the confirmation code. Give the hold token createHold returned (not needed by the signed-in guest who made the hold or by the property''s front office). Errors: NOT_FOUND (no such hold, or not yours), INVALID_TRANSITION, HOLD_EXPIRED, INVALID_EMAIL, INVALID_NAME, INVALID_PHONE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.confirm_booking.sql

-- The group functions name the room that failed in one place:
-- app_private.raise_room_error ("Room n: …", keeping the SQLSTATE, detail
-- and hint; an empty hint is left out, so no empty extensions.reason).
--! Included booking/app_private.raise_room_error.sql
-- Raises again, for room `room_no` of a group, an error caught from a
-- room's own call (quote, create_hold, confirm_booking,
-- cancel_reservation): "Room n: <its message>", with its SQLSTATE (so the
-- typed code stays), its detail and its hint (the typed reason). An empty
-- detail or hint is left out (GET STACKED DIAGNOSTICS gives '' for none),
-- so the API's error has no empty reason. The one place the group
-- functions (quote_group, create_group_hold, confirm_group, cancel_group)
-- name the room that failed; they call it from their exception handler:
--   exception when others then
--     get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
--     perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
create or replace function app_private.raise_room_error(room_no integer, state text, message text, detail text, hint text)
  returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_message text := pg_catalog.format('Room %s: %s', room_no, message);
begin
  if coalesce(detail, '') = '' and coalesce(hint, '') = '' then
    raise exception using errcode = state, message = v_message;
  elsif coalesce(hint, '') = '' then
    raise exception using errcode = state, message = v_message, detail = detail;
  elsif coalesce(detail, '') = '' then
    raise exception using errcode = state, message = v_message, hint = hint;
  else
    raise exception using errcode = state, message = v_message, detail = detail, hint = hint;
  end if;
end;
$$;
comment on function app_private.raise_room_error(integer, text, text, text, text) is
  E'Raises an error caught from one room of a group again as "Room n: <message>", keeping its SQLSTATE, detail and hint (the typed reason).';
--! EndIncluded booking/app_private.raise_room_error.sql
--! Included booking/app_public.quote_group.sql
-- A group quote: several rooms of one stay (each a rate plan, its guests
-- and optionally who sleeps there) priced at once, each by app_public.quote
-- with its rules, plus the sums. The rooms are counted together: two rooms
-- of a room type need two units left on every night (SOLD_OUT names the
-- first room that does not fit). Each error names its room ("Room 2: …").
-- The quote_token (valid 30 minutes) holds every room's own signed quote,
-- signed again as a whole; createGroupHold holds all of them or none. A
-- pure read, like quote.
create or replace function app_public.quote_group(
  rooms app_public.group_room[],
  arrival date,
  departure date
) returns app_public.group_quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_room app_public.group_room;
  v_n integer := 0;
  v_quote app_public.quote;
  v_rooms app_public.group_quote_room[] := '{}';
  v_group app_public.group_quote;
  v_detail text;
  v_hint text;
  v_over record;
  v_payload text;
begin
  if rooms is null or pg_catalog.cardinality(rooms) not between 1 and 20 then
    raise exception using errcode = 'INVLD', message = 'A group books 1 to 20 rooms.';
  end if;
  foreach v_room in array rooms loop
    v_n := v_n + 1;
    if v_room.rate_plan_id is null then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Room %s: choose a rate plan.', v_n);
    end if;
    if pg_catalog.length(pg_catalog.btrim(v_room.guest_name)) not between 1 and 200 then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Room %s: a guest''s name has 1 to 200 characters.', v_n);
    end if;
    begin
      v_quote := app_public.quote(v_room.rate_plan_id, arrival, departure, v_room.adults, coalesce(v_room.children, 0));
    exception when others then
      get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      perform app_private.raise_room_error(v_n, sqlstate, sqlerrm, v_detail, v_hint);
    end;
    if v_n > 1 and v_quote.property_id <> v_rooms[1].quote.property_id then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Room %s: all the rooms of a group are at one property.', v_n);
    end if;
    v_rooms := v_rooms || (v_n, nullif(pg_catalog.btrim(v_room.guest_name), ''), v_quote)::app_public.group_quote_room;
  end loop;

  -- The rooms of one room type together need that many units left.
  select x.room_no, rt.name, (x.quote).units_left as units_left into v_over
    from (select r.room_no, r.quote,
                 pg_catalog.row_number() over (partition by (r.quote).room_type_id order by r.room_no) as nth
            from pg_catalog.unnest(v_rooms) r) x
    join app_public.room_types rt on rt.id = (x.quote).room_type_id
   where x.nth > (x.quote).units_left
   order by x.room_no
   limit 1;
  if found then
    raise exception using errcode = 'SOLDO', hint = 'room ' || v_over.room_no,
      message = pg_catalog.format('Room %s (%s): only %s unit%s of this room type %s left for these dates.', v_over.room_no, v_over.name,
                                  v_over.units_left, case when v_over.units_left = 1 then '' else 's' end,
                                  case when v_over.units_left = 1 then 'is' else 'are' end);
  end if;

  select (v_rooms[1].quote).property_id, arrival, departure, departure - arrival, (v_rooms[1].quote).currency,
         sum((r.quote).room_amount), sum((r.quote).fees_amount), sum((r.quote).taxes_amount), sum((r.quote).total_amount),
         v_rooms, min((r.quote).valid_until), null
    into v_group
    from pg_catalog.unnest(v_rooms) r;
  v_payload := pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(pg_catalog.jsonb_build_object(
                 'kind', 'group', 'property_id', v_group.property_id, 'valid_until', v_group.valid_until,
                 'rooms', (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('quote_token', (r.quote).quote_token, 'guest_name', r.guest_name,
                                                                                     'room_type', rt.name)
                                                       order by r.room_no)
                             from pg_catalog.unnest(v_rooms) r
                             join app_public.room_types rt on rt.id = (r.quote).room_type_id))::text, 'UTF8'), 'base64'),
               E'+/=\n', '-_');
  v_group.quote_token := v_payload || '.' || app_private.sign(v_payload);
  return v_group;
end;
$$;
comment on function app_public.quote_group(app_public.group_room[], date, date) is
  E'Prices several rooms of one stay together (1 to 20: a rate plan, adults, children and optionally a guest name each): each room''s quote and the sums, with a quote_token for createGroupHold valid 30 minutes. Errors name the room: INVALID_INPUT, NOT_FOUND, DATES, GUEST, RESTRICTED, SOLD_OUT (the rooms of one type are counted together).';
--! EndIncluded booking/app_public.quote_group.sql
--! Included booking/app_public.confirm_group.sql
-- Confirms every room of a group hold in one call: each room by
-- app_public.confirm_booking (its confirmation code, its folio charged at
-- the locked price, its payments scheduled by its rate plan's deposit
-- rules), the booker's contact on the group and on each room; returns each
-- room's booking, in room order. The guest is
-- told once: the group's confirmation goes with its first room. Whoever
-- made the group hold confirms it: the caller gives its hold token, or is
-- the signed-in guest who made it, or is front-office staff of the
-- property; anyone else gets NTFND. Any room that cannot be confirmed
-- (its hold expired and its nights were taken: HOLD_EXPIRED) fails the
-- whole call, naming the room, and nothing is confirmed.
create or replace function app_public.confirm_group(
  booking_group_id uuid,
  idempotency_key text,
  full_name text,
  email text,
  phone text default null,
  special_requests text default null,
  hold_token text default null
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
    'special_requests', special_requests));
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
    app_private.idempotency_finish(idempotency_key, (
      select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(app_private.booking_of(r)) order by r.room_no)
        from app_public.reservations r
       where r.property_id = v_group.property_id and r.group_id = v_group.id)));
end;
$$;
comment on function app_public.confirm_group(uuid, text, text, text, text, text, text) is
  E'Confirms every room of a group hold for the booker (name, email, optional phone and requests; the property''s front office may leave the email out): each room gets its confirmation code, its folio and its payments by its rate plan; one confirmation message for the group. Returns each room''s booking, in room order. Give the hold token createGroupHold returned (not needed by the signed-in guest who made it or by the front office). Errors (naming the room): NOT_FOUND, INVALID_TRANSITION, HOLD_EXPIRED, INVALID_EMAIL, INVALID_NAME, INVALID_PHONE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.confirm_group.sql
--! Included booking/app_public.cancel_group.sql
-- Cancels every room of a booking group that is held or confirmed, each by
-- app_public.cancel_reservation: its own rate plan's cancellation terms, its
-- penalty on its own folio, its unit released, its refund started. Rooms
-- already cancelled are left as they are; a room in house, checked out or a
-- no-show makes the whole call fail (INVALID_TRANSITION naming the room)
-- and nothing is cancelled: cancel the other rooms one by one
-- (cancelReservation). Returns each room's booking, in room order.
-- Front-office staff, the signed-in guest who made
-- the group, or the holder of the group's token.
create or replace function app_public.cancel_group(
  booking_group_id uuid,
  idempotency_key text,
  reason text default null
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
  v_replay := app_private.idempotency_begin('cancel_group', idempotency_key,
                pg_catalog.jsonb_build_object('booking_group_id', booking_group_id, 'reason', reason));
  if v_replay is not null then
    return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking, v_replay);
    return;
  end if;
  v_group := app_private.lock_booking_group(cancel_group.booking_group_id, app_hidden.staff_group_roles('front_office'), 'cancel reservations');
  if not exists (select 1 from app_public.reservations r
                  where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status in ('held', 'confirmed')) then
    raise exception using errcode = 'TRANS', message = 'No room of this group is held or booked: there is nothing to cancel.';
  end if;
  for v_room in
    select * from app_public.reservations r
     where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status <> 'cancelled'
     order by r.room_no
  loop
    begin
      perform app_public.cancel_reservation(v_room.id, 'group-cancel:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no, reason);
    exception when others then
      get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
    end;
  end loop;
  return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking,
    app_private.idempotency_finish(idempotency_key, (
      select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(app_private.booking_of(r)) order by r.room_no)
        from app_public.reservations r
       where r.property_id = v_group.property_id and r.group_id = v_group.id)));
end;
$$;
comment on function app_public.cancel_group(uuid, text, text) is
  E'Cancels every held or confirmed room of a booking group, each under its own rate plan''s terms (penalty on its folio, refund of the rest); rooms already cancelled are left alone. Returns each room''s booking, in room order. Front office, the guest who made it (signed in) or the group''s token. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (naming the room; nothing is cancelled), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.cancel_group.sql

-- The rate grid says a plan's own restrictions beside the ones that apply
-- (for a derived plan, its own and its parent's combined), so the console's
-- "Copy a period" copies a derived plan's own calendar exactly instead of
-- writing its parent's restrictions onto it.
alter type app_public.rate_grid_day
  drop attribute if exists own_stop_sell,
  drop attribute if exists own_closed_to_departure,
  drop attribute if exists own_closed_to_arrival,
  drop attribute if exists own_max_stay,
  drop attribute if exists own_min_stay;
alter type app_public.rate_grid_day
  add attribute own_min_stay integer,
  add attribute own_max_stay integer,
  add attribute own_closed_to_arrival boolean,
  add attribute own_closed_to_departure boolean,
  add attribute own_stop_sell boolean;
comment on column app_public.rate_grid_day.own_min_stay is 'The plan''s own minimum nights on the date (its override, else its default), without a parent plan''s: what a copy of the date writes.';
comment on column app_public.rate_grid_day.own_max_stay is 'The plan''s own maximum nights on the date (its override, else its default; null: no limit), without a parent plan''s.';
comment on column app_public.rate_grid_day.own_closed_to_arrival is 'Whether the plan''s own calendar closes the date to arrival (a derived plan''s parent aside).';
comment on column app_public.rate_grid_day.own_closed_to_departure is 'Whether the plan''s own calendar closes the date to departure (a derived plan''s parent aside).';
comment on column app_public.rate_grid_day.own_stop_sell is 'Whether the plan''s own calendar stops selling on the date (a derived plan''s parent aside).';
--! Included booking/app_public.rate_grid.sql
-- The rate calendar as staff edit it: every rate plan of a property × every
-- date of a range, with what applies on the date (the calendar's override,
-- else the plan's own price and stay limits) and whether the date has an
-- override. A derived plan (parent_rate_plan_id) shows its parent's price
-- of the date adjusted (never an override of its own) and the restrictions
-- of both combined, as search and quote apply them; the own_* columns are
-- the plan's own restrictions alone (its calendar, else its defaults), what
-- the console's "Copy a period" copies, so that a copy of a derived plan
-- does not write its parent's restrictions onto its own calendar (for a
-- plan that is not derived they are the same). At most 366 days. Staff of the property but housekeeping
-- (security definer, like the reports: it checks the caller's role with
-- require_staff, then reads that one property).
create or replace function app_public.rate_grid(property_id uuid, from_date date, to_date date)
  returns setof app_public.rate_grid_day
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.require_staff(rate_grid.property_id, app_hidden.staff_group_roles('cashiers'), 'read the rate calendar');
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 365 then
    raise exception using errcode = 'DATES', message = 'The rate calendar shows 1 to 366 days (from_date to to_date, inclusive).';
  end if;
  return query
    select rp.id,
           d::date,
           case when par.id is null then coalesce(c.price, rp.base_price)
                else app_private.derived_price(coalesce(pc.price, par.base_price), rp.adjustment_percent,
                                               rp.adjustment_amount, rp.rounding_step) end,
           c.price is not null,
           greatest(coalesce(c.min_stay, rp.min_stay), coalesce(pc.min_stay, par.min_stay)),
           least(coalesce(c.max_stay, rp.max_stay), coalesce(pc.max_stay, par.max_stay)),
           coalesce(c.closed_to_arrival, false) or coalesce(pc.closed_to_arrival, false),
           coalesce(c.closed_to_departure, false) or coalesce(pc.closed_to_departure, false),
           coalesce(c.stop_sell, false) or coalesce(pc.stop_sell, false),
           c.date is not null,
           coalesce(c.min_stay, rp.min_stay),
           coalesce(c.max_stay, rp.max_stay),
           coalesce(c.closed_to_arrival, false),
           coalesce(c.closed_to_departure, false),
           coalesce(c.stop_sell, false)
      from app_public.rate_plans rp
      left join app_public.rate_plans par on par.property_id = rp.property_id and par.id = rp.parent_rate_plan_id
     cross join pg_catalog.generate_series(from_date::timestamp, to_date::timestamp, interval '1 day') d
      left join app_public.rate_calendar c
        on c.property_id = rp.property_id and c.rate_plan_id = rp.id and c.date = d::date
      left join app_public.rate_calendar pc
        on pc.property_id = rp.property_id and pc.rate_plan_id = par.id and pc.date = d::date
     where rp.property_id = rate_grid.property_id
     order by rp.id, d;
end;
$$;
comment on function app_public.rate_grid(uuid, date, date) is
  E'Every rate plan of a property on every date from `fromDate` to `toDate` (inclusive, at most 366 days): the price and restrictions that apply (the calendar''s override, else the plan''s; a derived plan''s price is its parent''s adjusted, its restrictions its own and its parent''s combined, the `own*` fields its own alone), and whether the date is overridden. Staff of the property but housekeeping. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';
--! EndIncluded booking/app_public.rate_grid.sql

-- Groups where staff look for bookings: the reservations search also takes
-- a booking group's code (G-XXXXXXXX, exactly) and gives the group's rooms;
-- analysts' reporting.reservations carries the group's code and the room's
-- number in it (the reservations export does too, worker/tasks/run_export.ts).
--! Included operations/app_hidden.reservations_matching.sql
-- The ids of a property's reservations whose guest (profile or the
-- booking's own contact) matches a staff search, whose confirmation code
-- is the search, or whose booking group's code is (G-XXXXXXXX: every room of
-- the group, found by the (property_id, group_code) key and the
-- reservations' (property_id, group_id, room_no) index): what
-- app_public.search_reservations filters on. The LIKE
-- pattern goes into the statement as a literal (EXECUTE … %L), so every call
-- is planned with it: the trigram indexes (guests_search_idx,
-- reservations_contact_search_idx) are chosen from their statistics for the
-- pattern, never a generic plan's guess that reads and lower-cases every row
-- of the property. The contact match repeats the partial index's own
-- predicate (a contact given), or the planner could not use it.
-- Security definer: under row-level security a LIKE (not leakproof) is not
-- used as an index condition, so every row of the property went through
-- guest_search_text (a desk user's search cost 4-6x the owner's; see
-- docs/benchmarks.md). It returns ids only, and only to the property's staff
-- of the 'cashiers' group, the policies' own; the caller's query reads the
-- rows under its own row-level security.
create or replace function app_hidden.reservations_matching(property_id uuid, search text) returns setof uuid
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_pattern text := app_hidden.search_pattern(search);
begin
  -- Only the property's staff who read its guests and bookings (the
  -- policies' 'cashiers' group) get ids; the caller's query then reads the
  -- rows themselves under its own row-level security.
  if v_pattern is null
     or not exists (select 1 from app_hidden.current_property_ids_for('cashiers') p where p = reservations_matching.property_id) then
    return;
  end if;
  return query execute pg_catalog.format($q$
    select c.id
      from app_public.reservations c
     where c.property_id = %1$L and c.confirmation_code = %2$L
    union
    select m.id
      from app_public.booking_groups bg
      join app_public.reservations m on m.property_id = bg.property_id and m.group_id = bg.id
     where bg.property_id = %1$L and bg.group_code = %2$L
    union
    select g.id
      from app_public.guests s
      join app_public.reservations g on g.property_id = s.property_id and g.guest_id = s.id
     where s.property_id = %1$L
       and app_hidden.guest_search_text(s.full_name, s.email::text, s.phone) like %3$L
    union
    select t.id
      from app_public.reservations t
     where t.property_id = %1$L
       and (t.contact_name is not null or t.contact_email is not null or t.contact_phone is not null)
       and app_hidden.guest_search_text(t.contact_name, t.contact_email::text, t.contact_phone) like %3$L
    $q$, reservations_matching.property_id, pg_catalog.upper(pg_catalog.btrim(search)), v_pattern);
end;
$$;
comment on function app_hidden.reservations_matching(uuid, text) is
  E'Ids of a property''s reservations matching a staff search (guest name, email, phone digits, the exact confirmation code, or the exact group code: the group''s rooms), planned with the pattern as a literal so the trigram indexes are used. Security definer, so the pattern is an index condition (below row-level security a LIKE, not leakproof, is not); ids only, and only for the property''s cashiers group; the caller reads the rows under its own row-level security. INVALID_INPUT (reason SEARCH) over 200 characters.';
--! EndIncluded operations/app_hidden.reservations_matching.sql
--! Included operations/app_public.search_reservations.sql
-- The reservations list of the staff console (issue 21): a property's
-- reservations, optionally searched by guest name, email, phone (its digits)
-- or confirmation code, or a booking group's code (its rooms), in the
-- database. Real bookings and live holds by
-- default; expired and released holds (app_public.reservations_hold_state)
-- only with include_holds. The matching ids come from
-- app_hidden.reservations_matching, called once per query (an uncorrelated
-- sub-select, hashed), which plans the name/email/phone match with its
-- pattern as a literal on the trigram indexes and the code on the
-- (property_id, confirmation_code) key.
--
-- language sql without SET clauses on purpose: Postgres inlines it into
-- PostGraphile's query, so the API's order, page and condition reach the
-- indexes instead of reading every reservation of the property first. Every
-- name is schema-qualified instead; security invoker, so row-level security
-- decides (another property's id gives nothing).
create or replace function app_public.search_reservations(property_id uuid, search text default null, include_holds boolean default false)
  returns setof app_public.reservations
  language sql stable
as $$
  select r.*
    from app_public.reservations r
   where r.property_id = search_reservations.property_id
     and (coalesce(search_reservations.include_holds, false)
          or r.confirmed_at is not null
          or (r.status = 'held' and r.hold_expires_at > pg_catalog.now()))
     and (coalesce(pg_catalog.btrim(search_reservations.search), '') = ''
          or r.id in (select app_hidden.reservations_matching(search_reservations.property_id, search_reservations.search)));
$$;
comment on function app_public.search_reservations(uuid, text, boolean) is
  E'@behavior +order +filter\nA property''s reservations for the staff list: `search` matches the guest''s name, email or phone (any part; a phone by its digits) or the exact confirmation code, or the exact group code (G-…: the group''s rooms); bookings and live holds only, unless `includeHolds` (then expired and released holds too, see holdState). Staff who read reservations; another property gives nothing. Errors: INVALID_INPUT (reason SEARCH) for a search over 200 characters.';
--! EndIncluded operations/app_public.search_reservations.sql
create or replace view reporting.reservations with (security_barrier) as
  select r.id, r.property_id, r.room_type_id, r.rate_plan_id, r.unit_id, r.status, lower(r.stay) as arrival, upper(r.stay) as departure,
         upper(r.stay) - lower(r.stay) as nights, r.adults, r.children, r.currency, r.room_amount, r.fees_amount, r.taxes_amount,
         r.total_amount, r.penalty_amount, r.refund_amount, r.created_at, r.confirmed_at, r.cancelled_at, r.checked_in_at,
         r.checked_out_at, r.no_show_at, g.group_code, r.room_no
    from app_public.reservations r
    left join app_public.booking_groups g on g.property_id = r.property_id and g.id = r.group_id;
comment on view reporting.reservations is
  E'Every reservation without guest identity; a room of a booking group carries the group''s code and its room number.';
comment on column reporting.reservations.group_code is E'The booking group''s code (G-XXXXXXXX) when the reservation is a room of a group; null otherwise.';
comment on column reporting.reservations.room_no is E'The room''s number within its booking group (1, 2, …); null when not in a group.';
