-- A reservation removed is no longer the cause of the allocator's moves it
-- caused: they stay in the log with no cause. (The foreign key does not
-- clear caused_by_reservation_id itself: ON DELETE SET NULL on a key holding
-- property_id is refused by a distribution by property.) Fires as
-- _300_unlink_allocation_moves, before the delete.
create or replace function app_private.tg_reservations__unlink_allocation_moves() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  update app_public.allocation_moves m set caused_by_reservation_id = null
   where m.property_id = old.property_id and m.caused_by_reservation_id = old.id;
  return old;
end;
$$;
comment on function app_private.tg_reservations__unlink_allocation_moves() is
  E'Trigger: a removed reservation is no longer the cause of the allocation moves it caused.';
