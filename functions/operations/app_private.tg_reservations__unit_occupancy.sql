-- Keeps units.is_occupied: true while a checked-in stay is in the unit. A
-- check-in, a check-out, a room move of a checked-in stay (and undoing a
-- check-in) each change the unit's row, which every staff member of the
-- property may read: so the housekeeping board, which may not read
-- reservations, hears of them live.
create or replace function app_private.tg_reservations__unit_occupancy() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if old.status = 'checked_in' and old.unit_id is not null
     and (new.status <> 'checked_in' or new.unit_id is distinct from old.unit_id) then
    update app_public.units u set is_occupied = false
     where u.property_id = old.property_id and u.id = old.unit_id and u.is_occupied;
  end if;
  if new.status = 'checked_in' and new.unit_id is not null
     and (old.status <> 'checked_in' or new.unit_id is distinct from old.unit_id) then
    update app_public.units u set is_occupied = true
     where u.property_id = new.property_id and u.id = new.unit_id and not u.is_occupied;
  end if;
  return null;
end;
$$;
comment on function app_private.tg_reservations__unit_occupancy() is
  E'Trigger: keeps units.is_occupied true while a checked-in stay is in the unit.';
