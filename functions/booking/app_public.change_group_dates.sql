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
  -- Every room, under the group's marker (one message for the group).
  perform app_private.change_group_rooms(v_group, 'dates', idempotency_key, arrival => change_group_dates.arrival,
                                         departure => change_group_dates.departure);
  return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking,
    app_private.idempotency_finish(idempotency_key, app_private.group_bookings(v_group)));
end;
$$;
comment on function app_public.change_group_dates(uuid, text, date, date) is
  E'Moves every room of a booking group (cancelled rooms aside) to new dates, all or none: each re-priced on its own rate plan and re-claimed, its folio charged or credited the difference (price it first with quoteGroupChange). Returns each room''s booking, in room order. Front office, the guest who made the group (signed in) or the group''s token (under the rules of a guest''s own change). Errors name the room: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT (nothing moves), IDEMPOTENCY_KEY_REUSED.';
