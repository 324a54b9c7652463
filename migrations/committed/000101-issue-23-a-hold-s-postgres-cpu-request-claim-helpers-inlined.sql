--! Previous: sha1:046dd2a2c5ea32084c2438961c577d808743950e
--! Hash: sha1:b677f2973176f88cc4c2379af92e4e8376c432d9
--! Message: Issue 23: a hold's Postgres CPU (request claim helpers inlined, sign and local_today PL/pgSQL, room_type_units_left and free_units inlined)

-- Issue 23 (session 36): a hold's Postgres CPU.
--
-- 1. Helpers that ran as a query of their own on every call, many times a
--    booking: the request's claims (current_session_id, current_booking_id,
--    current_booking_group_id: 33 calls a booking through current_user_id
--    and current_actor_scope) are SQL-standard bodies without a search_path
--    setting, so Postgres inlines them; sign (3 calls a booking) and
--    local_today, which read a table and cannot be inlined, are PL/pgSQL so
--    that their query is planned once per connection.
--! Included access/app_hidden.current_session_id.sql
-- The session id carried by the request's verified JWT (claim session_id), or null.
-- PostGraphile puts claims into transaction-local settings through pgSettings;
-- an unset or empty setting means "no session".
-- A SQL-standard body (begin atomic) with no search_path setting, so that
-- Postgres inlines it into its callers' plans (policies, PL/pgSQL): with
-- the setting it ran as a query of its own on every call, about 5 µs
-- (docs/benchmarks.md, issue 23 session 36).
create or replace function app_hidden.current_session_id() returns uuid
  language sql stable parallel safe
begin atomic
  select nullif(pg_catalog.current_setting('jwt.claims.session_id', true), '')::uuid;
end;
comment on function app_hidden.current_session_id() is
  E'The session id from the request''s verified JWT claims, or null for anonymous requests.';
--! EndIncluded access/app_hidden.current_session_id.sql
--! Included access/app_hidden.current_booking_id.sql
-- The reservation a booking-scoped token (from lookup_booking) is for, or
-- null. Such tokens carry the claim reservation_id and the anonymous role.
-- A SQL-standard body (begin atomic) with no search_path setting, so that
-- Postgres inlines it into its callers' plans (policies, PL/pgSQL): with
-- the setting it ran as a query of its own on every call, about 5 µs
-- (docs/benchmarks.md, issue 23 session 36).
create or replace function app_hidden.current_booking_id() returns uuid
  language sql stable parallel safe
begin atomic
  select nullif(pg_catalog.current_setting('jwt.claims.reservation_id', true), '')::uuid;
end;
comment on function app_hidden.current_booking_id() is
  E'The reservation id of the request''s booking-scoped token, or null.';
--! EndIncluded access/app_hidden.current_booking_id.sql
--! Included access/app_hidden.current_booking_group_id.sql
-- The booking group a group-scoped token (from lookup_booking with a group
-- code) is for, or null. Such tokens carry the claim booking_group_id and
-- the anonymous role.
-- A SQL-standard body (begin atomic) with no search_path setting, so that
-- Postgres inlines it into its callers' plans (policies, PL/pgSQL): with
-- the setting it ran as a query of its own on every call, about 5 µs
-- (docs/benchmarks.md, issue 23 session 36).
create or replace function app_hidden.current_booking_group_id() returns uuid
  language sql stable parallel safe
begin atomic
  select nullif(pg_catalog.current_setting('jwt.claims.booking_group_id', true), '')::uuid;
end;
comment on function app_hidden.current_booking_group_id() is
  E'The booking group id of the request''s group-scoped token, or null.';
--! EndIncluded access/app_hidden.current_booking_group_id.sql
--! Included common/app_private.sign.sql
-- HMAC-SHA256 of a text with the named key in app_private.signing_keys,
-- as unpadded base64url.
-- PL/pgSQL, so that its query is planned once per connection: as a SQL
-- function with a search_path setting (never inlined: it reads a table) it
-- was planned on every call, three times a booking (docs/benchmarks.md).
create or replace function app_private.sign(payload text) returns text
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return (select pg_catalog.translate(pg_catalog.encode(public.hmac(pg_catalog.convert_to(sign.payload, 'UTF8'), k.secret, 'sha256'), 'base64'), E'+/=\n', '-_')
            from app_private.signing_keys k
           where k.name = 'quote');
end;
$$;
comment on function app_private.sign(text) is
  E'Signs a text with the quote key: unpadded base64url HMAC-SHA256.';
--! EndIncluded common/app_private.sign.sql
--! Included common/app_private.local_today.sql
-- Today's date in a property's time zone: stays are local calendar dates.
-- PL/pgSQL, so that its query is planned once per connection: as a SQL
-- function with a search_path setting (never inlined: it reads a table) it
-- was planned on every call (docs/benchmarks.md).
create or replace function app_private.local_today(property_id uuid) returns date
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return (select (pg_catalog.now() at time zone p.time_zone)::date
            from app_public.properties p
           where p.id = local_today.property_id);
end;
$$;
comment on function app_private.local_today(uuid) is
  E'The current date in the property''s time zone.';
--! EndIncluded common/app_private.local_today.sql

-- 2. The count that gates the allocator (room_type_units_left: does the stay
--    fit by count?) is a SQL-standard body, so Postgres inlines it into its
--    callers' queries (reallocate_for, quote_for, search_availability,
--    nearest_stays, room_combinations) and PL/pgSQL keeps their plans: with
--    its search_path setting it was planned on every call, 0.4-0.8 ms, and
--    with its parameters unknown read the overlapping claims of every
--    property (2.9-5 ms a call on a hold that found no unit free for the
--    whole stay, 0.33 ms now).
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
             cross join lateral pg_catalog.generate_series(pg_catalog.lower(c.nights), pg_catalog.upper(c.nights) - 1, interval '1 day') d(night)
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

-- 3. The free units of a hold (free_units) are a SQL-standard body, inlined
--    into claim_unit's candidates (and desk_quote's check): as a PL/pgSQL
--    function of its own, its query was planned on every hold (custom
--    plans: with the property array unknown its generic plan looked
--    dearer); inlined, the caller's array of one property is known and
--    PL/pgSQL keeps one plan for the connection.
--! Included booking/app_private.free_units.sql
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
--! EndIncluded booking/app_private.free_units.sql
