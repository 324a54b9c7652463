--! Previous: sha1:56d3325be397fe7f60ee09b3a201e5e33995229b
--! Hash: sha1:0648a8a7325f9f062983bff9293f2254098179a6
--! Message: Units say whether a checked-in guest is in them (is_occupied, kept by a trigger), so housekeeping hears of check-ins live

-- Housekeeping hears of check-ins live: a unit says whether a guest is in it
-- (kept by a trigger on reservations), and units are what every staff member
-- of the property reads and realtime delivers to them.
alter table app_public.units add column if not exists is_occupied boolean not null default false;
comment on column app_public.units.is_occupied is
  E'Whether a checked-in guest is in the unit now (kept by Keepr from check-in, check-out and room moves).';
update app_public.units u set is_occupied = exists (
  select 1 from app_public.reservations r
   where r.property_id = u.property_id and r.unit_id = u.id and r.status = 'checked_in');
--! Included app_private.tg_reservations__unit_occupancy.sql
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
--! EndIncluded app_private.tg_reservations__unit_occupancy.sql
drop trigger if exists _620_unit_occupancy on app_public.reservations;
create trigger _620_unit_occupancy after update of status, unit_id on app_public.reservations
  for each row when ((old.status = 'checked_in' or new.status = 'checked_in')
                     and (old.status is distinct from new.status or old.unit_id is distinct from new.unit_id))
  execute function app_private.tg_reservations__unit_occupancy();
