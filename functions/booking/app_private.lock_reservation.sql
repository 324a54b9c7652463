-- Locks a reservation for a change by the caller. Staff with one of the
-- roles may change any reservation of their property; when guest_may is
-- true, so may the guest who booked it signed in or holds its booking token
-- (or the token of its booking group).
-- NTFND when the caller cannot see it, DNIED when their role is not enough.
create or replace function app_private.lock_reservation(reservation_id uuid, roles app_public.staff_role[], what text, guest_may boolean default false)
  returns app_public.reservations
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
begin
  select * into v_res from app_public.reservations r where r.id = lock_reservation.reservation_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such reservation, or you cannot see it.';
  end if;
  if guest_may and (v_res.id = app_hidden.current_booking_id()
                    or v_res.group_id = app_hidden.current_booking_group_id()
                    or (v_res.user_id is not null and v_res.user_id = app_hidden.current_user_id())) then
    return v_res;
  end if;
  perform app_private.require_staff(v_res.property_id, roles, what);
  return v_res;
end;
$$;
comment on function app_private.lock_reservation(uuid, app_public.staff_role[], text, boolean) is
  E'Locks a reservation FOR UPDATE after checking the caller may change it (NOT_FOUND, ACCESS_DENIED).';
