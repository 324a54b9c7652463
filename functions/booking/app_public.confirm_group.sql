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
