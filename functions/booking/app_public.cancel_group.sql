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
  -- Every room, under the group's marker (one message for the group).
  perform app_private.change_group_rooms(v_group, 'cancel', idempotency_key, reason => cancel_group.reason);
  return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking,
    app_private.idempotency_finish(idempotency_key, app_private.group_bookings(v_group)));
end;
$$;
comment on function app_public.cancel_group(uuid, text, text) is
  E'Cancels every held or confirmed room of a booking group, each under its own rate plan''s terms (penalty on its folio, refund of the rest); rooms already cancelled are left alone. Returns each room''s booking, in room order. Front office, the guest who made it (signed in) or the group''s token. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (naming the room; nothing is cancelled), IDEMPOTENCY_KEY_REUSED.';
