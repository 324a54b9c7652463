-- The rooming list: who sleeps in a room (a held, confirmed or in-house
-- stay). Null clears it (the booker's name stands). Front-office staff,
-- the guest who booked it (signed in or with its booking or group token).
create or replace function app_public.set_room_guest_name(reservation_id uuid, guest_name text)
  returns app_public.reservations
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
begin
  v_res := app_private.lock_reservation(set_room_guest_name.reservation_id, app_hidden.staff_group_roles('front_office'), 'rename the guests of rooms', true);
  if v_res.status not in ('held', 'confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'given a guest name');
  end if;
  if pg_catalog.length(pg_catalog.btrim(guest_name)) > 200 then
    raise exception using errcode = 'INVLD', message = 'A guest''s name has at most 200 characters.';
  end if;
  update app_public.reservations r
     set guest_name = nullif(pg_catalog.btrim(set_room_guest_name.guest_name), '')
   where r.id = v_res.id
  returning * into v_res;
  return v_res;
end;
$$;
comment on function app_public.set_room_guest_name(uuid, text) is
  E'Sets who sleeps in a room (the rooming list of a group; any held, confirmed or in-house stay), or clears it with null. Front office, or the guest who booked it. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';
