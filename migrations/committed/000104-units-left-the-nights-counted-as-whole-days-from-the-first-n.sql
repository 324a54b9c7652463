--! Previous: sha1:c0b94c4896612819a7cde52b171452f65029f3fe
--! Hash: sha1:31354778c6ce92c253cb257e783b0fca167406c0
--! Message: Units left: the nights counted as whole days from the first, not by a timestamp series (issue 23)

--! Included booking/app_private.room_type_units_left.sql
-- How many more stays of a room type fit on every night of a stay, by
-- count: its active units less, on the busiest night of the stay, the live
-- claims on them (an expired hold does not count). For a hotel this is what
-- search, quote and holds offer: which unit a guest sleeps in is the
-- hotel's business, and the allocator moves stays that may move to make a
-- stay that fits by count fit on one unit (app_private.reallocate_for).
-- Counting is exact while every claim on the type may move. Claims that may
-- not move (blocks, pinned and checked-in stays, today's prepared arrivals)
-- can leave a stay that fits by count with no layout at all (a block on
-- one unit's first nights and another on the other unit's last nights):
-- search and quote still offer it, and the hold says SOLD_OUT. Deciding
-- that exactly is the allocator's search, too costly to run for every room
-- type of every search; it runs once, for the hold.
-- A vacation rental's units are sold as themselves: there the units free
-- for the whole stay count (as app_private.free_units has it), counted in
-- the same pass over the claims, not unit type by unit type.
-- The nights are counted as whole days from the first (date + integer),
-- not by generate_series over timestamps a day apart, which worked in
-- timestamptz with a time-zone step per night (about 2 % of a computed
-- search: docs/benchmarks.md "A computed search's Postgres CPU").
-- A SQL-standard body (begin atomic: its names bound when it is created, so
-- it needs no search_path setting) so that Postgres inlines it into the
-- caller's query, whose plan PL/pgSQL keeps for the connection: with the
-- setting it was planned on every call, 0.4-0.8 ms, on every hold that
-- found no unit free for the whole stay (issue 23, docs/benchmarks.md).
create or replace function app_private.room_type_units_left(property_ids uuid[], stay daterange, only_room_type_id uuid default null)
  returns table (room_type_id uuid, units_left integer)
  language sql stable parallel safe rows 20
begin atomic
  with units as materialized (
    select u.property_id, u.room_type_id, u.id, p.kind
      from pg_catalog.unnest(room_type_units_left.property_ids) x(id)
      join app_public.properties p on p.id = x.id
      join app_public.units u on u.property_id = p.id
     where u.is_active and (room_type_units_left.only_room_type_id is null or u.room_type_id = room_type_units_left.only_room_type_id)
  ), live as materialized (
    -- The live claims overlapping the stay, read once per property from the
    -- covering index inventory_claims_live_stay_idx (property_id, stay)
    -- include (unit_id, expires_at) where released_at is null (an index-only
    -- scan), not unit by unit from the exclusion constraint's index.
    select c.property_id, c.unit_id, c.stay * room_type_units_left.stay as nights
      from pg_catalog.unnest(room_type_units_left.property_ids) x(id)
      join app_public.inventory_claims c on c.property_id = x.id
     where c.stay && room_type_units_left.stay and c.released_at is null
       and (c.expires_at is null or c.expires_at > pg_catalog.now())
  ), claims as (
    select u.room_type_id, u.kind, c.unit_id, c.nights
      from live c
      join units u on u.property_id = c.property_id and u.id = c.unit_id
  ), busiest as (
    -- A hotel: the units taken on the stay's busiest night.
    select n.room_type_id, max(n.taken) as taken
      from (select c.room_type_id, d.night, count(*) as taken
              from claims c
             cross join lateral pg_catalog.generate_series(0, pg_catalog.upper(c.nights) - pg_catalog.lower(c.nights) - 1) i
             cross join lateral (select pg_catalog.lower(c.nights) + i.i as night) d
             where c.kind = 'hotel'
             group by c.room_type_id, d.night) n
     group by n.room_type_id
  ), claimed as (
    -- A vacation rental: the units taken on any night of the stay.
    select c.room_type_id, count(distinct c.unit_id) as taken
      from claims c
     where c.kind = 'vacation_rental'
     group by c.room_type_id
  )
  select u.room_type_id, (count(*) - coalesce(max(b.taken), max(v.taken), 0))::integer
    from units u
    left join busiest b on b.room_type_id = u.room_type_id
    left join claimed v on v.room_type_id = u.room_type_id
   group by u.room_type_id;
end;
comment on function app_private.room_type_units_left(uuid[], daterange, uuid) is
  E'Per room type of the given properties: how many more stays fit on every night of the stay, by count (a hotel), or the units free for the whole stay (a vacation rental).';
--! EndIncluded booking/app_private.room_type_units_left.sql
