-- The per-room actions of a change of a whole booking group, under the
-- group's marker: every room that is not cancelled, in room order, is moved
-- to new dates (action 'dates': app_public.modify_reservation) or cancelled
-- (action 'cancel': app_public.cancel_reservation), while the
-- transaction-local setting keepr.group_change holds the group's id, so the
-- notification trigger (app_private.tg_reservations__notify) tells the
-- group once rather than each room. The one place that sets the marker:
-- change_group_dates and cancel_group call it, and a future group-wide
-- action is added here (a new action), not as another loop that could
-- forget the marker. A room that fails fails the whole call, named
-- ("Room 2: …"; SOLD_OUT "Room 2 (Suite): …" for dates no unit of its type
-- is free for); the marker is cleared when every room is done (and with
-- the failed call's rollback otherwise). Each room's own idempotency key is
-- '<group-dates|group-cancel>:<md5 of the group call's key>:<room no>'.
create or replace function app_private.change_group_rooms(
  booking_group app_public.booking_groups,
  action text,
  idempotency_key text,
  arrival date default null,
  departure date default null,
  reason text default null
) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_room record;
  v_detail text;
  v_hint text;
begin
  if action is null or action not in ('dates', 'cancel') then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('No such group action: %s.', action);
  end if;
  perform pg_catalog.set_config('keepr.group_change', (booking_group).id::text, true);
  for v_room in
    select r.id, r.room_no, rt.name as room_type
      from app_public.reservations r
      join app_public.room_types rt on rt.id = r.room_type_id
     where r.property_id = (booking_group).property_id and r.group_id = (booking_group).id and r.status <> 'cancelled'
     order by r.room_no
  loop
    begin
      if action = 'dates' then
        perform app_public.modify_reservation(v_room.id, 'group-dates:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no,
                                              change_group_rooms.arrival, change_group_rooms.departure);
      else
        perform app_public.cancel_reservation(v_room.id, 'group-cancel:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no,
                                              change_group_rooms.reason);
      end if;
    exception
      when sqlstate 'SOLDO' then
        if action <> 'dates' then
          raise;
        end if;
        raise exception using errcode = 'SOLDO', hint = 'room ' || v_room.room_no,
          message = pg_catalog.format('Room %s (%s): no unit of this room type is free for the new dates, so no room has moved.',
                                      v_room.room_no, v_room.room_type);
      when others then
        get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
        perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
    end;
  end loop;
  perform pg_catalog.set_config('keepr.group_change', '', true);
end;
$$;
comment on function app_private.change_group_rooms(app_public.booking_groups, text, text, date, date, text) is
  E'Runs a whole group''s per-room action (''dates'': modify_reservation; ''cancel'': cancel_reservation) on its rooms not cancelled, in room order, under the keepr.group_change marker (one message for the group); the one place the marker is set. Errors name the room.';
