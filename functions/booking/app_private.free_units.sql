-- The free units for a stay: active units (of the given properties, and of
-- one room type when given) that no live claim overlaps. An expired hold
-- does not count, whether or not it was released yet. This is the one
-- definition of "free" that search, quote and holds share. Per property,
-- the live claims overlapping the stay are read once from
-- inventory_claims_live_stay_idx (an index-only scan) and the units checked
-- against them.
-- A SQL-standard body (begin atomic: its names bound when it is created, so
-- it needs no search_path setting) so that Postgres inlines it into the
-- caller's query (claim_unit's candidates, desk_quote), whose plan PL/pgSQL
-- keeps for the connection; as PL/pgSQL of its own its query was planned
-- on every hold (issue 23, docs/benchmarks.md).
create or replace function app_private.free_units(property_ids uuid[], stay daterange, only_room_type_id uuid default null)
  returns table (room_type_id uuid, unit_id uuid)
  language sql stable parallel safe rows 20
begin atomic
    select u.room_type_id, u.id
      from pg_catalog.unnest(free_units.property_ids) p(id)
      join app_public.units u on u.property_id = p.id
     where (free_units.only_room_type_id is null or u.room_type_id = free_units.only_room_type_id)
       and u.is_active
       and u.id not in (
         select c.unit_id
           from pg_catalog.unnest(free_units.property_ids) cp(id)
           join app_public.inventory_claims c on c.property_id = cp.id
          where c.stay && free_units.stay
            and c.released_at is null
            and (c.expires_at is null or c.expires_at > pg_catalog.now())
       );
end;
comment on function app_private.free_units(uuid[], daterange, uuid) is
  E'The active units (room type, unit) of the given properties, optionally of one room type, with no live claim overlapping the stay.';
