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
