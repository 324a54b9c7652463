-- Active units of a room type that no live claim overlaps for the stay: an
-- expired hold does not count, whether or not it was released yet.
create or replace function app_private.free_units(property_id uuid, room_type_id uuid, stay daterange) returns setof uuid
  language sql stable parallel safe rows 10
  set search_path to pg_catalog, public, pg_temp
as $$
  select u.id
    from app_public.units u
   where u.property_id = free_units.property_id
     and u.room_type_id = free_units.room_type_id
     and u.is_active
     and not exists (
       select 1 from app_public.inventory_claims c
        where c.property_id = u.property_id and c.unit_id = u.id
          and c.stay && free_units.stay
          and c.released_at is null
          and (c.expires_at is null or c.expires_at > pg_catalog.now())
     );
$$;
comment on function app_private.free_units(uuid, uuid, daterange) is
  E'Ids of the active units of a room type with no live claim overlapping the stay.';
