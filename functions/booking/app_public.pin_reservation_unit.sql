-- Staff (owner, manager, front desk) pin a stay to its unit (a guest asked
-- for that room, a connecting room, an accessible one) or unpin it. The
-- allocator never moves a pinned stay to make room for another; a room move
-- by hand (moveUnit, or a change with a unit) pins it too. Returns the
-- booking.
create or replace function app_public.pin_reservation_unit(reservation_id uuid, pinned boolean) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
begin
  if pinned is null then
    raise exception using errcode = 'INVLD', message = 'Say whether the stay is pinned to its unit (true or false).';
  end if;
  v_res := app_private.lock_reservation(pin_reservation_unit.reservation_id, app_hidden.staff_group_roles('front_office'), 'pin stays to units');
  if v_res.status not in ('held', 'confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, case when pinned then 'pinned' else 'unpinned' end);
  end if;
  update app_public.reservations r set unit_pinned = pin_reservation_unit.pinned where r.id = v_res.id returning * into v_res;
  return app_private.booking_of(v_res);
end;
$$;
comment on function app_public.pin_reservation_unit(uuid, boolean) is
  E'Pins a stay to its unit (the allocator never moves it) or unpins it. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';
