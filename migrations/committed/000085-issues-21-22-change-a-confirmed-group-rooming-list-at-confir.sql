--! Previous: sha1:023bd0e75e0ca377430e5c1115f198c2a2d35c33
--! Hash: sha1:0cb32413ac21b5ff50e459c2194039b29608d32d
--! Message: Issues 21, 22: change a confirmed group (rooming list at confirmGroup, add a room, move every room's dates or none), a group token reads its rooms' money, booking_groups live

-- Issues 21 and 22: changing a confirmed booking group (helper G).
-- 1. confirmGroup takes the rooming list (guestNames), written in the
--    booking's own transaction, so the confirmation message has it.
-- 2. A group's token reads its rooms' folios, payment intents and invoices
--    (and so their balances, postings, attempts and refunds), as a room's
--    own token reads its own.
-- 3. Changes to a confirmed group, each all or nothing, priced first:
--    addGroupRoom (priced by quote), changeGroupDates (priced by
--    quoteGroupChange); one room is cancelled by cancelReservation (its
--    cancellationPenaltyNow first).
-- 4. booking_groups in the realtime publication (its SELECT policy decides
--    who hears a change, as for every published table).

drop function if exists app_public.confirm_group(uuid, text, text, text, text, text, text);
drop function if exists app_public.quote_group_change(uuid, date, date);
drop function if exists app_public.change_group_dates(uuid, text, date, date);
drop function if exists app_public.add_group_room(uuid, text, uuid, integer, integer, text);
drop type if exists app_public.group_change_quote;
drop type if exists app_public.group_change_room;

create type app_public.group_change_room as (
  room_no integer,
  reservation_id uuid,
  current_total bigint,
  quote app_public.quote
);
comment on type app_public.group_change_room is 'One room of a group''s change of dates: its place, its reservation, what it costs now and its new quote.';
comment on column app_public.group_change_room.current_total is 'What the room costs now, in minor units.';
create type app_public.group_change_quote as (
  booking_group_id uuid,
  arrival date,
  departure date,
  nights integer,
  currency character(3),
  current_total bigint,
  total_amount bigint,
  difference bigint,
  rooms app_public.group_change_room[]
);
comment on type app_public.group_change_quote is 'A booking group''s change of dates priced before it is made: each room''s new quote, the sums now and after, and the difference (changeGroupDates makes it).';
comment on column app_public.group_change_quote.difference is 'The new total less the current one, in minor units: positive is more to pay, negative is less.';

--! Included booking/app_private.lock_booking_group.sql
-- Locks a booking group for a change by the caller, then its rooms (in
-- room order, the reservation rows first as every change does). The
-- property's staff of one of the roles, the signed-in guest who made it, or
-- the holder of the group's token may; anyone else gets NTFND, as if it did
-- not exist.
create or replace function app_private.lock_booking_group(booking_group_id uuid, roles app_public.staff_role[], what text)
  returns app_public.booking_groups
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_group app_public.booking_groups;
begin
  select * into v_group from app_public.booking_groups g where g.id = lock_booking_group.booking_group_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such booking group, or you cannot see it.';
  end if;
  -- (coalesce: without a group token or a signed-in user the test is null,
  -- and a null must not skip the staff check)
  if not coalesce(v_group.id = app_hidden.current_booking_group_id()
                  or (v_group.user_id is not null and v_group.user_id = app_hidden.current_user_id()), false) then
    perform app_private.require_staff(v_group.property_id, roles, what);
  end if;
  perform 1 from app_public.reservations r
   where r.property_id = v_group.property_id and r.group_id = v_group.id
   order by r.room_no
     for update;
  return v_group;
end;
$$;
comment on function app_private.lock_booking_group(uuid, app_public.staff_role[], text) is
  E'Locks a booking group and its rooms FOR UPDATE after checking the caller may change it (NOT_FOUND, ACCESS_DENIED).';
--! EndIncluded booking/app_private.lock_booking_group.sql
--! Included booking/app_private.group_bookings.sql
-- Every room of a booking group as the booking type's JSON, in room order:
-- what the group functions (confirm_group, cancel_group,
-- change_group_dates) store as their idempotent answer and return.
create or replace function app_private.group_bookings(booking_group app_public.booking_groups)
  returns jsonb
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(app_private.booking_of(r)) order by r.room_no)
    from app_public.reservations r
   where r.property_id = booking_group.property_id and r.group_id = booking_group.id;
$$;
comment on function app_private.group_bookings(app_public.booking_groups) is
  E'Every room of a booking group as app_public.booking JSON, in room order (the group functions'' answer).';
--! EndIncluded booking/app_private.group_bookings.sql
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
-- whole call, naming the room, and nothing is confirmed.
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
  E'Confirms every room of a group hold for the booker (name, email, optional phone and requests; the property''s front office may leave the email out) and, optionally, the rooming list (guestNames: the name of who sleeps in room n at position n; an empty or missing name keeps the one given at the hold): each room gets its confirmation code, its folio and its payments by its rate plan; one confirmation message for the group. Returns each room''s booking, in room order. Give the hold token createGroupHold returned (not needed by the signed-in guest who made it or by the front office). Errors (naming the room): NOT_FOUND, INVALID_TRANSITION, HOLD_EXPIRED, INVALID_EMAIL, INVALID_NAME, INVALID_PHONE, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.confirm_group.sql
--! Included booking/app_public.quote_group_change.sql
-- Prices moving a whole booking group to new dates before it is done
-- (changeGroupDates then does it): every room that is not cancelled, on its
-- own rate plan and guests, with the same rules as a room's own change
-- (app_public.quote_change): staff of the property always; the guest who
-- made the group (signed in, or with the group's token) only while every
-- room's changeRefusal is null and within the rates' restrictions. The
-- rooms of one room type are counted together against the units free on
-- every night of the new stay, the group's own nights counting as free (it
-- gives them back when it moves): SOLD_OUT names the first room that does
-- not fit. Each error names its room ("Room 2: …"). Returns each room's
-- new quote beside what it costs now, and the sums: difference = new total
-- - current total. No quote token: this is not a new booking.
create or replace function app_public.quote_group_change(
  booking_group_id uuid,
  arrival date,
  departure date
) returns app_public.group_change_quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_group app_public.booking_groups;
  v_staff boolean;
  v_room app_public.reservations;
  v_restriction record;
  v_quote app_public.quote;
  v_rooms app_public.group_change_room[] := '{}';
  v_over record;
  v_ids uuid[];
  v_detail text;
  v_hint text;
  v_result app_public.group_change_quote;
begin
  select * into v_group from app_public.booking_groups g where g.id = quote_group_change.booking_group_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such booking group, or you cannot see it.';
  end if;
  v_staff := v_group.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if not coalesce(v_staff or v_group.id = app_hidden.current_booking_group_id()
                  or (v_group.user_id is not null and v_group.user_id = app_hidden.current_user_id()), false) then
    perform app_private.require_staff(v_group.property_id, app_hidden.staff_group_roles('front_office'), 'change reservations');
  end if;
  perform app_private.check_stay(v_group.property_id, arrival, departure, 1, 0);

  for v_room in
    select * from app_public.reservations r
     where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status <> 'cancelled'
     order by r.room_no
  loop
    begin
      if v_room.status <> 'confirmed' then
        perform app_private.invalid_transition(v_room, 'changed');
      end if;
      if not v_staff and app_private.guest_change_refusal(v_room) is not null then
        perform app_private.refuse_guest_change(v_room, app_private.guest_change_refusal(v_room));
      end if;
      select * into v_restriction
        from app_private.stay_restrictions(array[v_room.rate_plan_id], arrival, departure, v_room.adults, v_room.children);
      if v_restriction.restriction = 'MAX_OCCUPANCY' or (v_restriction.restriction is not null and not v_staff) then
        raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
      end if;
      v_quote := app_private.quote_for(v_room.rate_plan_id, arrival, departure, v_room.adults, v_room.children);
    exception when others then
      get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
    end;
    v_quote.valid_until := null;
    v_quote.quote_token := null;
    v_rooms := v_rooms || (v_room.room_no, v_room.id, v_room.total_amount, v_quote)::app_public.group_change_room;
  end loop;
  if pg_catalog.cardinality(v_rooms) = 0 then
    raise exception using errcode = 'TRANS', message = 'Every room of this group is cancelled: there is nothing to change.';
  end if;

  v_ids := array(select r.reservation_id from pg_catalog.unnest(v_rooms) r);
  -- The rooms of one room type together need that many units free on
  -- every night of the new stay, the group's own claims left out.
  with nights as (
    select d::date as night from pg_catalog.generate_series(arrival, departure - 1, interval '1 day') d
  ), taken as (
    select u.room_type_id, n.night, pg_catalog.count(c.id) as taken
      from app_public.units u
      cross join nights n
      left join app_public.inventory_claims c
        on c.property_id = u.property_id and c.unit_id = u.id and c.stay @> n.night
       and c.released_at is null and (c.expires_at is null or c.expires_at > pg_catalog.now())
       and coalesce(c.reservation_id <> all (v_ids), true)
     where u.property_id = v_group.property_id and u.is_active
     group by u.room_type_id, n.night
  ), free as (
    select t.room_type_id, (select pg_catalog.count(*) from app_public.units u
                             where u.property_id = v_group.property_id and u.room_type_id = t.room_type_id and u.is_active)
                           - max(t.taken) as units_free
      from taken t
     group by t.room_type_id
  )
  select x.room_no, rt.name, coalesce(f.units_free, 0) as units_free into v_over
    from (select r.room_no, (r.quote).room_type_id as room_type_id,
                 pg_catalog.row_number() over (partition by (r.quote).room_type_id order by r.room_no) as nth
            from pg_catalog.unnest(v_rooms) r) x
    join app_public.room_types rt on rt.id = x.room_type_id
    left join free f on f.room_type_id = x.room_type_id
   where x.nth > coalesce(f.units_free, 0)
   order by x.room_no
   limit 1;
  if found then
    raise exception using errcode = 'SOLDO', hint = 'room ' || v_over.room_no,
      message = pg_catalog.format('Room %s (%s): no unit of this room type is free for the new dates, so the group cannot move.',
                                  v_over.room_no, v_over.name);
  end if;

  select v_group.id, arrival, departure, departure - arrival, (v_rooms[1].quote).currency,
         sum(r.current_total), sum((r.quote).total_amount), sum((r.quote).total_amount) - sum(r.current_total), v_rooms
    into v_result
    from pg_catalog.unnest(v_rooms) r;
  return v_result;
end;
$$;
comment on function app_public.quote_group_change(uuid, date, date) is
  E'Prices moving every room of a booking group (cancelled rooms aside) to new dates, each on its own rate plan and guests: each room''s new quote beside what it costs now, the sums and the difference. The rooms of a type are counted together; the group''s own nights count as free. Front office, the guest who made the group (signed in) or the group''s token (then only while every room may still be changed by the guest). Errors name the room: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT.';
--! EndIncluded booking/app_public.quote_group_change.sql
--! Included booking/app_public.change_group_dates.sql
-- Moves every room of a booking group that is not cancelled to new dates,
-- all or none: each room by app_public.modify_reservation (re-priced at
-- today's rates on its own rate plan and guests, re-claimed, its folio
-- charged or credited the difference, its open payments following), in
-- room order, in one transaction. A room that cannot move fails the whole
-- call and nothing moves: SOLD_OUT "Room 2 (Suite): …" when no unit of its
-- type is free for the new dates, and otherwise the room's own error
-- ("Room 2: …"; a guest's refusal, a room in house, a restriction).
-- quoteGroupChange prices it first. Front office, the signed-in guest who
-- made the group, or the holder of the group's token (a guest's change
-- under the same rules as modifyReservation). Returns each room's booking,
-- in room order.
create or replace function app_public.change_group_dates(
  booking_group_id uuid,
  idempotency_key text,
  arrival date,
  departure date
) returns setof app_public.booking
  language plpgsql volatile security definer rows 3
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_group app_public.booking_groups;
  v_room record;
  v_detail text;
  v_hint text;
begin
  v_replay := app_private.idempotency_begin('change_group_dates', idempotency_key, pg_catalog.jsonb_build_object(
    'booking_group_id', booking_group_id, 'arrival', arrival, 'departure', departure));
  if v_replay is not null then
    return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking, v_replay);
    return;
  end if;
  v_group := app_private.lock_booking_group(change_group_dates.booking_group_id, app_hidden.staff_group_roles('front_office'), 'change reservations');
  -- The dates themselves (order, length, not past, not too far) once for the group, not as room 1's error.
  perform app_private.check_stay(v_group.property_id, arrival, departure, 1, 0);
  if not exists (select 1 from app_public.reservations r
                  where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status <> 'cancelled') then
    raise exception using errcode = 'TRANS', message = 'Every room of this group is cancelled: there is nothing to change.';
  end if;
  for v_room in
    select r.id, r.room_no, rt.name as room_type
      from app_public.reservations r
      join app_public.room_types rt on rt.id = r.room_type_id
     where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status <> 'cancelled'
     order by r.room_no
  loop
    begin
      perform app_public.modify_reservation(v_room.id, 'group-dates:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no,
                                            change_group_dates.arrival, change_group_dates.departure);
    exception
      when sqlstate 'SOLDO' then
        raise exception using errcode = 'SOLDO', hint = 'room ' || v_room.room_no,
          message = pg_catalog.format('Room %s (%s): no unit of this room type is free for the new dates, so no room has moved.',
                                      v_room.room_no, v_room.room_type);
      when others then
        get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
        perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
    end;
  end loop;
  return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking,
    app_private.idempotency_finish(idempotency_key, app_private.group_bookings(v_group)));
end;
$$;
comment on function app_public.change_group_dates(uuid, text, date, date) is
  E'Moves every room of a booking group (cancelled rooms aside) to new dates, all or none: each re-priced on its own rate plan and re-claimed, its folio charged or credited the difference (price it first with quoteGroupChange). Returns each room''s booking, in room order. Front office, the guest who made the group (signed in) or the group''s token (under the rules of a guest''s own change). Errors name the room: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT (nothing moves), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.change_group_dates.sql
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
    app_private.idempotency_finish(idempotency_key, app_private.group_bookings(v_group)));
end;
$$;
comment on function app_public.cancel_group(uuid, text, text) is
  E'Cancels every held or confirmed room of a booking group, each under its own rate plan''s terms (penalty on its folio, refund of the rest); rooms already cancelled are left alone. Returns each room''s booking, in room order. Front office, the guest who made it (signed in) or the group''s token. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (naming the room; nothing is cancelled), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.cancel_group.sql
--! Included booking/app_public.add_group_room.sql
-- Adds a room to a confirmed booking group, for the group's stay (that of
-- its first room still booked): priced by app_public.quote under the same
-- rules as the group's rooms (its rate plan, guests and restrictions),
-- held by app_public.create_hold (its claim: the exclusion constraint and
-- the allocator decide, SOLD_OUT when no unit is free) and confirmed by
-- app_public.confirm_booking under the group's contact (its code, its
-- folio charged, its payments by its rate plan), in one transaction. It
-- takes the next place in the rooming list and belongs to whoever made the
-- group. The group's confirmation message is not sent again. Front office,
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
  E'Adds a room to a confirmed booking group for the group''s dates: priced like the group''s rooms (price it first with quote), held and confirmed under the group''s contact in one call, with its own code, folio and payments; it takes the next place in the rooming list. Front office, the guest who made the group (signed in) or the group''s token. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, DATES, GUEST, RESTRICTED, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.add_group_room.sql
grant execute on function app_public.confirm_group(uuid, text, text, text, text, text, text, text[]) to keepr_anonymous;
grant execute on function app_public.quote_group_change(uuid, date, date) to keepr_anonymous;
grant execute on function app_public.change_group_dates(uuid, text, date, date) to keepr_anonymous;
grant execute on function app_public.add_group_room(uuid, text, uuid, integer, integer, text) to keepr_anonymous;

-- A group's token reads what its rooms' own tokens read. The rooms are
-- found through the group's key and the (property_id, group_id, room_no)
-- index, so a request without a group token looks up nothing.
drop policy if exists select_group_token on app_public.folios;
create policy select_group_token on app_public.folios for select
  using (reservation_id in (select r.id
                              from app_public.booking_groups g
                              join app_public.reservations r on r.property_id = g.property_id and r.group_id = g.id
                             where g.id = (select app_hidden.current_booking_group_id())));
drop policy if exists select_group_token on app_public.payment_intents;
create policy select_group_token on app_public.payment_intents for select
  using (reservation_id in (select r.id
                              from app_public.booking_groups g
                              join app_public.reservations r on r.property_id = g.property_id and r.group_id = g.id
                             where g.id = (select app_hidden.current_booking_group_id())));
drop policy if exists select_group_token on app_public.invoices;
create policy select_group_token on app_public.invoices for select
  using (reservation_id in (select r.id
                              from app_public.booking_groups g
                              join app_public.reservations r on r.property_id = g.property_id and r.group_id = g.id
                             where g.id = (select app_hidden.current_booking_group_id())));

-- Live group fields for the console's group page (replica identity is
-- already FULL: a change judged on its old row reaches only those who saw it).
do $$
begin
  if not exists (select 1 from pg_catalog.pg_publication_tables
                  where pubname = 'keepr_realtime' and schemaname = 'app_public' and tablename = 'booking_groups') then
    alter publication keepr_realtime add table app_public.booking_groups;
  end if;
end;
$$;
