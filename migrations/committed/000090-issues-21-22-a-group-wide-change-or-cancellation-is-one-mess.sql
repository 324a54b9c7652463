--! Previous: sha1:d7d303158cca8b290e5e67d7404939d89a9a8b53
--! Hash: sha1:62a17c02a4e48032f0d0082e1f2f65e2a45c1173
--! Message: Issues 21, 22: a group-wide change or cancellation is one message for the group; a room changed alone names its room

-- Issues 21, 22: a change of a whole booking group is one message. change_group_dates
-- and cancel_group mark the transaction (keepr.group_change) around their loop over
-- the rooms; the notification trigger then queues one modification (with one
-- pre-arrival message) or one cancellation for the group, with its first room told.
--! Included operations/app_private.tg_reservations__notify.sql
-- What a reservation's change tells its guest: a confirmation (and the
-- pre-arrival message, scheduled), a modification of dates, guests or
-- price (a new pre-arrival message when the arrival moved; the old one is
-- skipped when its time comes), a cancellation, a thank-you on check-out.
-- Each in the transaction of the change; a change's messages in one
-- notify_all (one call that queues their jobs). A booking group's
-- confirmation (and pre-arrival message) goes once, with its first room.
--
-- A change of a whole group is one message too. change_group_dates and
-- cancel_group set the transaction-local setting keepr.group_change to the
-- group's id around their loop over the rooms (and back to '' after it):
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
        and (old.stay, old.adults, old.children, old.rate_plan_id, old.total_amount)
            is distinct from (new.stay, new.adults, new.children, new.rate_plan_id, new.total_amount) then
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
  E'Trigger: queues the guest''s confirmation, pre-arrival, modification, cancellation and check-out messages; a booking group''s confirmation, and a change or cancellation of the whole group (keepr.group_change, set by change_group_dates and cancel_group), once for the group.';
--! EndIncluded operations/app_private.tg_reservations__notify.sql
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
  perform pg_catalog.set_config('keepr.group_change', v_group.id::text, true); -- one message for the group (tg_reservations__notify)
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
  perform pg_catalog.set_config('keepr.group_change', '', true);
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
  perform pg_catalog.set_config('keepr.group_change', v_group.id::text, true); -- one message for the group (tg_reservations__notify)
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
  perform pg_catalog.set_config('keepr.group_change', '', true);
  return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking,
    app_private.idempotency_finish(idempotency_key, app_private.group_bookings(v_group)));
end;
$$;
comment on function app_public.cancel_group(uuid, text, text) is
  E'Cancels every held or confirmed room of a booking group, each under its own rate plan''s terms (penalty on its folio, refund of the rest); rooms already cancelled are left alone. Returns each room''s booking, in room order. Front office, the guest who made it (signed in) or the group''s token. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (naming the room; nothing is cancelled), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.cancel_group.sql
