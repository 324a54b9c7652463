--! Previous: sha1:eb2410fdc849b322c6a45c136a95ae4c52e5d8c3
--! Hash: sha1:271a7aa0f21d710be3c97862819440232710dd63
--! Message: Allocation: a room type stay that fits by count is booked by moving stays that may move; pinning; units left by night

-- Allocation (issue 17): sell every room that is free. A hotel's stay of a
-- room type is refused only when it does not fit by count (or what may not
-- move leaves no way to lay it out); otherwise stays that may move are
-- moved to other units of the type to make room, in the booking's
-- transaction (app_private.reallocate_for). Staff pin stays that must not
-- move. Search, quote and holds count units left by night.

alter table app_public.reservations add column if not exists unit_pinned boolean not null default false;
comment on column app_public.reservations.unit_pinned is
  E'The stay keeps its unit: the allocator never moves it to make room for another (a guest''s request; a room move by hand pins it).';

create table if not exists app_public.allocation_moves (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  reservation_id uuid not null,
  from_unit_id uuid not null,
  to_unit_id uuid not null,
  arrival date not null,
  departure date not null,
  caused_by_reservation_id uuid,
  moved_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  check (from_unit_id <> to_unit_id and arrival < departure),
  foreign key (property_id, reservation_id) references app_public.reservations (property_id, id) on delete cascade,
  foreign key (property_id, from_unit_id) references app_public.units (property_id, id) on delete cascade,
  foreign key (property_id, to_unit_id) references app_public.units (property_id, id) on delete cascade,
  -- The booking that caused the move is written after its claim (a hold).
  foreign key (property_id, caused_by_reservation_id) references app_public.reservations (property_id, id)
    on delete set null (caused_by_reservation_id) deferrable initially deferred
);
comment on table app_public.allocation_moves is
  E'Every stay the allocator moved to another unit of its room type to make room for a booking: which, from where to where, and which booking caused it. The desk sees the moves of arrivals of today and tomorrow.';
comment on constraint allocation_moves_property_id_reservation_id_fkey on app_public.allocation_moves is E'@fieldName reservation\n@foreignFieldName allocationMoves';
comment on constraint allocation_moves_property_id_from_unit_id_fkey on app_public.allocation_moves is E'@fieldName fromUnit\n@foreignFieldName allocationMovesFrom';
comment on constraint allocation_moves_property_id_to_unit_id_fkey on app_public.allocation_moves is E'@fieldName toUnit\n@foreignFieldName allocationMovesTo';
comment on constraint allocation_moves_property_id_caused_by_reservation_id_fkey on app_public.allocation_moves is E'@fieldName causedBy\n@foreignFieldName allocationMovesCaused';
comment on constraint allocation_moves_property_id_id_key on app_public.allocation_moves is E'@behavior -*';
create index if not exists allocation_moves_property_arrival_idx on app_public.allocation_moves (property_id, arrival, moved_at desc);
create index if not exists allocation_moves_reservation_idx on app_public.allocation_moves (property_id, reservation_id);
alter table app_public.allocation_moves enable row level security;
grant select on app_public.allocation_moves to keepr_staff;
drop policy if exists select_staff on app_public.allocation_moves;
create policy select_staff on app_public.allocation_moves for select
  using (property_id in (select app_hidden.current_property_ids_for('front_office')));
drop trigger if exists _500_audit on app_public.allocation_moves;
create trigger _500_audit after insert on app_public.allocation_moves for each row execute function audit.tg__record();

--! Included app_private.room_type_units_left.sql
-- How many more stays of a room type fit on every night of a stay, by
-- count: its active units less, on the busiest night of the stay, the live
-- claims on them (an expired hold does not count). For a hotel this is what
-- search, quote and holds offer: which unit a guest sleeps in is the
-- hotel's business, and the allocator moves stays that may move to make a
-- stay that fits by count fit on one unit (app_private.reallocate_for).
-- A vacation rental's units are sold as themselves: there the units free
-- for the whole stay count (app_private.free_units).
create or replace function app_private.room_type_units_left(property_ids uuid[], stay daterange, only_room_type_id uuid default null)
  returns table (room_type_id uuid, units_left integer)
  language sql stable parallel safe rows 20
  set search_path to pg_catalog, public, pg_temp
as $$
  with units as (
    select u.property_id, u.room_type_id, u.id, p.kind
      from pg_catalog.unnest(room_type_units_left.property_ids) x(id)
      join app_public.properties p on p.id = x.id
      join app_public.units u on u.property_id = p.id
     where u.is_active and (room_type_units_left.only_room_type_id is null or u.room_type_id = room_type_units_left.only_room_type_id)
  ), claims as (
    select u.room_type_id, c.stay * room_type_units_left.stay as nights
      from units u
      join app_public.inventory_claims c on c.property_id = u.property_id and c.unit_id = u.id
     where u.kind = 'hotel' and c.stay && room_type_units_left.stay and c.released_at is null
       and (c.expires_at is null or c.expires_at > pg_catalog.now())
  ), busiest as (
    select n.room_type_id, max(n.taken) as taken
      from (select c.room_type_id, d.night, count(*) as taken
              from claims c
             cross join lateral pg_catalog.generate_series(pg_catalog.lower(c.nights), pg_catalog.upper(c.nights) - 1, interval '1 day') d(night)
             group by c.room_type_id, d.night) n
     group by n.room_type_id
  )
  select u.room_type_id,
         case when min(u.kind::text) = 'hotel'
              then (count(*) - coalesce(max(b.taken), 0))::integer
              else (select count(*) from app_private.free_units(array[min(u.property_id::text)::uuid], room_type_units_left.stay, u.room_type_id))::integer end
    from units u
    left join busiest b on b.room_type_id = u.room_type_id
   group by u.room_type_id;
$$;
comment on function app_private.room_type_units_left(uuid[], daterange, uuid) is
  E'Per room type of the given properties: how many more stays fit on every night of the stay, by count (a hotel), or the units free for the whole stay (a vacation rental).';
--! EndIncluded app_private.room_type_units_left.sql
--! Included app_private.reallocate_for.sql
-- Makes room for a stay of a hotel's room type when no unit is free for
-- all of it but the stay fits by count, by moving other stays of the type
-- to other units, and claims a unit for it. Returns the claim, or null
-- when no arrangement is found (then the caller says SOLD_OUT).
--
-- What may move: holds that have not expired and confirmed stays of this
-- room type, arriving after today, or today when their room has not been
-- prepared yet (not clean or inspected), whose unit staff did not pin
-- (reservations.unit_pinned). What never moves: checked-in stays, pinned
-- stays, blocks of any kind, stays of another room type on these units.
--
-- How: the stays that may move and overlap the stay, and those overlapping
-- them in turn (the window), are laid out again on the type's units around
-- what may not move, in order of arrival, each on its own unit when it
-- still fits there, else on the unit that fits it most tightly; the new
-- stay on the unit that needs the fewest moves. A depth-first search with
-- backtracking, bounded (20,000 steps: interval colouring around fixed
-- blocks is NP-complete in general; real windows take a few steps). A
-- move is what a room move by hand is, inside the caller's transaction:
-- the stay's claim released and a new one made on the other unit, under
-- the exclusion constraint as ever; each is recorded in
-- app_public.allocation_moves with the reservation that caused it. One
-- allocator per room type at a time (a transaction advisory lock); a
-- booking elsewhere on the type that takes a night meanwhile makes a claim
-- fail, and the plan is made again from what is there (three times at most).
create or replace function app_private.reallocate_for(
  property_id uuid,
  room_type_id uuid,
  stay daterange,
  kind app_public.claim_kind,
  reservation_id uuid default null,
  expires_at timestamptz default null,
  note text default null
) returns app_public.inventory_claims
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  c_step_limit constant integer := 20000;
  v_today date := app_private.local_today(reallocate_for.property_id);
  v_lo date;
  v_hi date;
  v_next_lo date;
  v_next_hi date;
  v_units uuid[];
  v_fixed datemultirange[];
  v_item_claim uuid[];
  v_item_res uuid[];
  v_item_lo date[];
  v_item_hi date[];
  v_item_cur integer[];
  v_unit_end date[];
  v_prev_end date[];
  v_unit_of integer[];
  v_pos integer[];
  v_cands integer[];
  v_overlaps integer[];
  n integer;
  k integer;
  v_level integer;
  v_steps integer;
  v_u integer;
  v_p integer;
  v_attempt integer;
  v_row record;
  v_claim app_public.inventory_claims;
  v_new integer;
begin
  if (select p.kind from app_public.properties p where p.id = reallocate_for.property_id) <> 'hotel' then
    return null;
  end if;
  if coalesce((select l.units_left from app_private.room_type_units_left(array[reallocate_for.property_id], reallocate_for.stay,
                                                                          reallocate_for.room_type_id) l), 0) < 1 then
    return null;
  end if;
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('keepr.allocate:' || reallocate_for.room_type_id, 0));

  for v_attempt in 1..3 loop
    v_units := array(select u.id from app_public.units u
                      where u.property_id = reallocate_for.property_id and u.room_type_id = reallocate_for.room_type_id and u.is_active
                      order by u.name, u.id);
    k := coalesce(pg_catalog.array_length(v_units, 1), 0);
    if k = 0 then
      return null;
    end if;

    -- The movable stays of the window: those overlapping the stay, and
    -- those overlapping them, until none is added.
    create temporary table if not exists pg_temp.alloc_movable (claim_id uuid primary key, reservation_id uuid, nights daterange, unit_id uuid) on commit drop;
    truncate pg_temp.alloc_movable;
    v_lo := pg_catalog.lower(reallocate_for.stay);
    v_hi := pg_catalog.upper(reallocate_for.stay);
    loop
      insert into pg_temp.alloc_movable
      select c.id, c.reservation_id, c.stay, c.unit_id
        from app_public.inventory_claims c
        join app_public.reservations r on r.property_id = c.property_id and r.id = c.reservation_id
        join app_public.units u on u.property_id = c.property_id and u.id = c.unit_id
       where c.property_id = reallocate_for.property_id and c.unit_id = any (v_units)
         and c.stay && pg_catalog.daterange(v_lo, v_hi) and c.released_at is null
         and (c.kind = 'reservation' or (c.kind = 'hold' and c.expires_at > pg_catalog.now()))
         and r.status in ('held', 'confirmed') and not r.unit_pinned and r.room_type_id = reallocate_for.room_type_id
         and (pg_catalog.lower(c.stay) > v_today
              or (pg_catalog.lower(c.stay) = v_today and u.housekeeping_status not in ('clean', 'inspected')))
      on conflict do nothing;
      select least(v_lo, min(pg_catalog.lower(m.nights))), greatest(v_hi, max(pg_catalog.upper(m.nights)))
        into v_next_lo, v_next_hi from pg_temp.alloc_movable m;
      exit when v_next_lo >= v_lo and v_next_hi <= v_hi;
      v_lo := v_next_lo;
      v_hi := v_next_hi;
    end loop;

    -- What may not move, per unit: every other live claim over the window.
    v_fixed := array(
      select coalesce((select pg_catalog.range_agg(c.stay) from app_public.inventory_claims c
                        where c.property_id = reallocate_for.property_id and c.unit_id = u.id and c.released_at is null
                          and (c.expires_at is null or c.expires_at > pg_catalog.now())
                          and c.stay && pg_catalog.daterange(v_lo, v_hi)
                          and not exists (select 1 from pg_temp.alloc_movable m where m.claim_id = c.id)), '{}'::datemultirange)
        from pg_catalog.unnest(v_units) with ordinality as u(id, i)
       order by u.i);

    -- The stays to lay out, by arrival (the new one as claim null).
    select pg_catalog.array_agg(x.claim_id order by x.lo, x.hi desc, x.claim_id nulls first),
           pg_catalog.array_agg(x.reservation_id order by x.lo, x.hi desc, x.claim_id nulls first),
           pg_catalog.array_agg(x.lo order by x.lo, x.hi desc, x.claim_id nulls first),
           pg_catalog.array_agg(x.hi order by x.lo, x.hi desc, x.claim_id nulls first),
           pg_catalog.array_agg(x.cur order by x.lo, x.hi desc, x.claim_id nulls first)
      into v_item_claim, v_item_res, v_item_lo, v_item_hi, v_item_cur
      from (select m.claim_id, m.reservation_id, pg_catalog.lower(m.nights) as lo, pg_catalog.upper(m.nights) as hi,
                   pg_catalog.array_position(v_units, m.unit_id) as cur
              from pg_temp.alloc_movable m
            union all
            select null, reallocate_for.reservation_id, pg_catalog.lower(reallocate_for.stay), pg_catalog.upper(reallocate_for.stay), 0) x;
    n := pg_catalog.array_length(v_item_lo, 1);
    v_new := pg_catalog.array_position(v_item_claim, null);
    -- For the new stay: how many movable stays each unit would have to give up.
    v_overlaps := array(select (select count(*) from pg_temp.alloc_movable m where m.unit_id = u.id and m.nights && reallocate_for.stay)::integer
                          from pg_catalog.unnest(v_units) with ordinality as u(id, i) order by u.i);

    v_unit_end := pg_catalog.array_fill('-infinity'::date, array[k]);
    v_prev_end := pg_catalog.array_fill(null::date, array[n]);
    v_unit_of := pg_catalog.array_fill(0, array[n]);
    v_pos := pg_catalog.array_fill(0, array[n]);
    v_level := 1;
    v_steps := 0;
    while v_level between 1 and n and v_steps < c_step_limit loop
      v_steps := v_steps + 1;
      -- The units this stay fits on now, best first: its own unit; for the
      -- new stay the unit with the fewest stays to move; then the tightest
      -- fit (the unit whose last stay ends latest before it).
      v_cands := array(
        select i from pg_catalog.generate_subscripts(v_units, 1) i
         where v_unit_end[i] <= v_item_lo[v_level]
           and not (v_fixed[i] && pg_catalog.daterange(v_item_lo[v_level], v_item_hi[v_level]))
         order by i is distinct from v_item_cur[v_level],
                  case when v_level = v_new then v_overlaps[i] else 0 end,
                  v_unit_end[i] desc, i);
      v_p := v_pos[v_level] + 1;
      if v_p > coalesce(pg_catalog.array_length(v_cands, 1), 0) then
        v_pos[v_level] := 0;
        v_level := v_level - 1;
        if v_level >= 1 then
          v_unit_end[v_unit_of[v_level]] := v_prev_end[v_level];
        end if;
        continue;
      end if;
      v_pos[v_level] := v_p;
      v_u := v_cands[v_p];
      v_prev_end[v_level] := v_unit_end[v_u];
      v_unit_end[v_u] := greatest(v_unit_end[v_u], v_item_hi[v_level]);
      v_unit_of[v_level] := v_u;
      v_level := v_level + 1;
    end loop;
    if v_level <= n then
      return null;  -- no arrangement (or the search gave up)
    end if;

    begin
      -- Expired holds over the window give way, as everywhere.
      update app_public.inventory_claims c set released_at = pg_catalog.now()
       where c.property_id = reallocate_for.property_id and c.unit_id = any (v_units) and c.stay && pg_catalog.daterange(v_lo, v_hi)
         and c.released_at is null and c.kind = 'hold' and c.expires_at <= pg_catalog.now();
      -- A move is what a room move by hand is: the stay's claim released,
      -- a new one on the other unit (all released first, so the new layout
      -- never meets the old one).
      for i in 1..n loop
        continue when i = v_new or v_unit_of[i] = v_item_cur[i];
        update app_public.inventory_claims c set released_at = pg_catalog.now()
         where c.id = v_item_claim[i] and c.unit_id = v_units[v_item_cur[i]] and c.released_at is null;
        if not found then
          raise exception using errcode = '40001', message = 'A stay to move changed meanwhile.';
        end if;
      end loop;
      for i in 1..n loop
        continue when i = v_new or v_unit_of[i] = v_item_cur[i];
        insert into app_public.inventory_claims (property_id, unit_id, stay, kind, reservation_id, expires_at, note, created_by)
        select c.property_id, v_units[v_unit_of[i]], c.stay, c.kind, c.reservation_id, c.expires_at, c.note, c.created_by
          from app_public.inventory_claims c where c.id = v_item_claim[i];
        update app_public.reservations r set unit_id = v_units[v_unit_of[i]]
         where r.property_id = reallocate_for.property_id and r.id = v_item_res[i];
        insert into app_public.allocation_moves (property_id, reservation_id, from_unit_id, to_unit_id, arrival, departure, caused_by_reservation_id)
        values (reallocate_for.property_id, v_item_res[i], v_units[v_item_cur[i]], v_units[v_unit_of[i]], v_item_lo[i], v_item_hi[i],
                reallocate_for.reservation_id);
      end loop;
      insert into app_public.inventory_claims (property_id, unit_id, stay, kind, reservation_id, expires_at, note, created_by)
      values (reallocate_for.property_id, v_units[v_unit_of[v_new]], reallocate_for.stay, reallocate_for.kind, reallocate_for.reservation_id,
              reallocate_for.expires_at, reallocate_for.note, app_hidden.current_user_id())
      returning * into v_claim;
      return v_claim;
    exception when exclusion_violation or serialization_failure or deadlock_detected then
      -- Someone took a night meanwhile: plan again from what is there.
      null;
    end;
  end loop;
  return null;
end;
$$;
comment on function app_private.reallocate_for(uuid, uuid, daterange, app_public.claim_kind, uuid, timestamptz, text) is
  E'Claims a unit of a hotel room type for a stay that fits by count, moving stays that may move to other units of the type; null when none can be arranged.';
--! EndIncluded app_private.reallocate_for.sql
--! Included app_private.claim_unit.sql
-- Claims a unit of a room type for a stay, or returns null when none can be
-- had. Candidates: the preferred unit first (only it when exact_unit), then
-- the other free units, the tightest fit first (the unit whose stays before
-- and after leave the smallest gaps, so that long free runs stay whole for
-- long stays), ties in random order, which spreads concurrent bookers over
-- the units instead of queueing them on one. Each try releases expired
-- holds in the way and inserts the claim; the exclusion constraint is the
-- judge, and a loser moves on to the next unit. When no unit is free for
-- the whole stay, a hotel's stays that may move are moved to make room
-- (app_private.reallocate_for) if the stay fits by count.
create or replace function app_private.claim_unit(
  property_id uuid,
  room_type_id uuid,
  stay daterange,
  kind app_public.claim_kind,
  reservation_id uuid default null,
  expires_at timestamptz default null,
  preferred_unit_id uuid default null,
  exact_unit boolean default false,
  note text default null
) returns app_public.inventory_claims
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_candidates uuid[];
  v_unit uuid;
  v_claim app_public.inventory_claims;
begin
  if exact_unit then
    v_candidates := array[preferred_unit_id];
  else
    v_candidates := array(
      select f.unit_id from app_private.free_units(array[claim_unit.property_id], claim_unit.stay, claim_unit.room_type_id) f
       order by f.unit_id is distinct from claim_unit.preferred_unit_id,
                -- the gap this stay would leave before and after it on the unit
                (pg_catalog.lower(claim_unit.stay) - coalesce(
                   (select max(pg_catalog.upper(c.stay)) from app_public.inventory_claims c
                     where c.property_id = claim_unit.property_id and c.unit_id = f.unit_id and c.released_at is null
                       and (c.expires_at is null or c.expires_at > pg_catalog.now())
                       and pg_catalog.upper(c.stay) <= pg_catalog.lower(claim_unit.stay)
                       and pg_catalog.upper(c.stay) > pg_catalog.lower(claim_unit.stay) - 60), pg_catalog.lower(claim_unit.stay) - 60))
                + (coalesce(
                   (select min(pg_catalog.lower(c.stay)) from app_public.inventory_claims c
                     where c.property_id = claim_unit.property_id and c.unit_id = f.unit_id and c.released_at is null
                       and (c.expires_at is null or c.expires_at > pg_catalog.now())
                       and pg_catalog.lower(c.stay) >= pg_catalog.upper(claim_unit.stay)
                       and pg_catalog.lower(c.stay) < pg_catalog.upper(claim_unit.stay) + 60), pg_catalog.upper(claim_unit.stay) + 60)
                   - pg_catalog.upper(claim_unit.stay)),
                pg_catalog.random()
    );
    if preferred_unit_id is not null and not (preferred_unit_id = any (v_candidates)) then
      v_candidates := preferred_unit_id || v_candidates;
    end if;
  end if;

  foreach v_unit in array v_candidates loop
    perform app_private.release_expired_holds(claim_unit.property_id, v_unit, claim_unit.stay);
    begin
      insert into app_public.inventory_claims (property_id, unit_id, stay, kind, reservation_id, expires_at, note, created_by)
      values (claim_unit.property_id, v_unit, claim_unit.stay, claim_unit.kind, claim_unit.reservation_id,
              claim_unit.expires_at, claim_unit.note, app_hidden.current_user_id())
      returning * into v_claim;
      return v_claim;
    exception when exclusion_violation or deadlock_detected then
      -- Someone else holds these nights on this unit (or is moving a stay
      -- onto it right now); try the next one.
    end;
  end loop;
  if exact_unit then
    return null;
  end if;
  return app_private.reallocate_for(claim_unit.property_id, claim_unit.room_type_id, claim_unit.stay, claim_unit.kind,
                                    claim_unit.reservation_id, claim_unit.expires_at, claim_unit.note);
end;
$$;
comment on function app_private.claim_unit(uuid, uuid, daterange, app_public.claim_kind, uuid, timestamptz, uuid, boolean, text) is
  E'Claims a free unit of a room type (or exactly the given unit) for a stay; null when none is free.';
--! EndIncluded app_private.claim_unit.sql
--! Included app_public.search_availability.sql
-- Search: every room type with units left for the stay at the published
-- properties matching the filters, and its price on each rate plan for
-- these guests. With include_unavailable, also the rate plans that cannot
-- be sold and why (a restriction code, or SOLD_OUT). Set-based: the free
-- units of all matching properties in one pass, then all plans priced
-- together.
create or replace function app_public.search_availability(
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  property_id uuid default null,
  city text default null,
  country_code text default null,
  include_unavailable boolean default false
) returns setof app_public.availability
  language plpgsql stable security definer rows 50
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_stay daterange;
  v_member uuid[] := array(select app_hidden.current_property_ids());
begin
  perform app_private.check_stay(null, arrival, departure, adults, children);
  v_stay := pg_catalog.daterange(arrival, departure);
  return query
  with candidates as materialized (
    select p.id, p.name, p.city
      from app_public.properties p
     where (p.is_published or p.id = any (v_member))
       and (search_availability.property_id is null or p.id = search_availability.property_id)
       and (search_availability.city is null or pg_catalog.lower(p.city) = pg_catalog.lower(search_availability.city))
       and (search_availability.country_code is null or p.country_code = pg_catalog.upper(search_availability.country_code))
       and search_availability.arrival >= (pg_catalog.now() at time zone p.time_zone)::date
  ),
  -- Units left per room type of all candidate properties at once: by
  -- count on the busiest night for a hotel (the allocator moves stays to
  -- make what fits by count fit), whole free units for a vacation rental.
  free as (
    select f.room_type_id, f.units_left
      from app_private.room_type_units_left(array(select c.id from candidates c), v_stay) f
  ),
  room_types as materialized (
    select c.id as property_id, c.name as property_name, c.city, rt.id as room_type_id, rt.name as room_type_name,
           rt.max_occupancy, coalesce(f.units_left, 0) as units_left
      from candidates c
      join app_public.room_types rt on rt.property_id = c.id
      left join free f on f.room_type_id = rt.id
     where rt.is_published or c.id = any (v_member)
  ),
  plans as (
    select rt.*, rp.id as rate_plan_id, rp.name as rate_plan_name, rp.meal_plan, rp.is_refundable, rp.currency
      from room_types rt
      join app_public.rate_plans rp on rp.property_id = rt.property_id and rp.room_type_id = rt.room_type_id
     where (rp.is_published or rt.property_id = any (v_member))
       and (rt.units_left > 0 or search_availability.include_unavailable)
  ),
  prices as (
    select l.rate_plan_id,
           sum(l.amount) filter (where not l.is_inclusive)::bigint as total_amount,
           sum(l.amount) filter (where l.kind in ('night', 'discount'))::bigint as room_amount
      from app_private.price_lines(array(select rate_plan_id from plans), arrival, departure, adults, children) l
     group by l.rate_plan_id
  ),
  restrictions as (
    select * from app_private.stay_restrictions(array(select rate_plan_id from plans), arrival, departure, adults, children)
  )
  select p.property_id, p.property_name, p.city, p.room_type_id, p.room_type_name, p.max_occupancy, p.units_left,
         p.rate_plan_id, p.rate_plan_name, p.meal_plan, p.is_refundable, p.currency::char(3),
         pr.total_amount, round(pr.room_amount::numeric / (departure - arrival))::bigint,
         p.units_left > 0 and r.restriction is null,
         coalesce(r.restriction, case when p.units_left = 0 then 'SOLD_OUT' end),
         coalesce(r.message, case when p.units_left = 0 then 'No unit of this type is free for these dates.' end)
    from plans p
    join prices pr on pr.rate_plan_id = p.rate_plan_id
    join restrictions r on r.rate_plan_id = p.rate_plan_id
   where search_availability.include_unavailable or (p.units_left > 0 and r.restriction is null)
   order by p.property_name, p.room_type_name, pr.total_amount, p.rate_plan_name;
end;
$$;
comment on function app_public.search_availability(date, date, integer, integer, uuid, text, text, boolean) is
  E'Room types with units left for a stay, priced on each rate plan for the guests. Filter by property, city or country; include_unavailable also lists restricted and sold-out rates with the reason. Errors: DATES, GUEST.';
--! EndIncluded app_public.search_availability.sql
--! Included app_private.quote_for.sql
-- The priced stay on one rate plan, with totals, cancellation terms and
-- units left; no restriction checks, no token (callers add what they need).
-- Cancellation: free until free_cancellation_days before the arrival date at
-- the property's check-in time (local); after that the penalty is
-- round(total × nights charged / nights) or round(total × percent / 100);
-- non-refundable rates charge the total.
create or replace function app_private.quote_for(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer,
  children integer
) returns app_public.quote
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return (
      with lines as (
        select l.* from app_private.price_lines(array[quote_for.rate_plan_id], quote_for.arrival, quote_for.departure,
                                                quote_for.adults, quote_for.children) l
      ),
      totals as (
        select coalesce(sum(l.amount) filter (where l.kind in ('night', 'discount')), 0)::bigint as room_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'fee'), 0)::bigint as fees_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and not l.is_inclusive), 0)::bigint as taxes_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and l.is_inclusive), 0)::bigint as included_taxes_amount,
               pg_catalog.array_agg((l.kind, l.date, l.description, l.quantity, l.amount, l.is_inclusive, l.tax_id)::app_public.price_line
                                    order by l.line_no) as lines
          from lines l
      ),
      terms as (
        select rp.*, p.time_zone, p.check_in_time,
               t.room_amount + t.fees_amount + t.taxes_amount as total_amount,
               quote_for.departure - quote_for.arrival as nights,
               case when rp.is_refundable
                    then ((quote_for.arrival - rp.free_cancellation_days)::timestamp + p.check_in_time) at time zone p.time_zone
               end as free_until
          from app_public.rate_plans rp
          join app_public.properties p on p.id = rp.property_id
          cross join totals t
         where rp.id = quote_for.rate_plan_id
      )
      select (
        x.property_id, x.room_type_id, x.id,
        quote_for.arrival, quote_for.departure, x.nights, quote_for.adults, quote_for.children,
        x.currency, t.room_amount, t.fees_amount, t.taxes_amount, t.included_taxes_amount, x.total_amount, t.lines,
        x.is_refundable, x.free_until,
        case
          when not x.is_refundable then x.total_amount
          when x.cancellation_penalty_kind = 'nights'
            then round(x.total_amount::numeric * least(x.cancellation_penalty_value, x.nights) / x.nights)::bigint
          else round(x.total_amount::numeric * x.cancellation_penalty_value / 100)::bigint
        end,
        case
          when not x.is_refundable then 'Non-refundable: cancelling costs the full amount.'
          else pg_catalog.format('Free cancellation until %s (%s). After that, cancelling costs %s.',
                 pg_catalog.to_char(x.free_until at time zone x.time_zone, 'YYYY-MM-DD HH24:MI'), x.time_zone,
                 case when x.cancellation_penalty_kind = 'nights'
                      then pg_catalog.format('%s night%s', least(x.cancellation_penalty_value, x.nights),
                                             case when least(x.cancellation_penalty_value, x.nights) = 1 then '' else 's' end)
                      else x.cancellation_penalty_value || '% of the total' end)
        end,
        coalesce((select l.units_left from app_private.room_type_units_left(array[x.property_id], pg_catalog.daterange(quote_for.arrival, quote_for.departure),
                                                                              x.room_type_id) l), 0),
        null, null
      )::app_public.quote
        from terms x cross join totals t
  );
end;
$$;
comment on function app_private.quote_for(uuid, date, date, integer, integer) is
  E'Prices a stay on one rate plan: lines, totals, cancellation terms and units left (no restriction checks).';
--! EndIncluded app_private.quote_for.sql
--! Included app_public.nearest_stays.sql
-- The nearest stays that can be booked on each rate plan when the asked
-- one cannot (a minimum stay, a date closed to arrival, stop sell, sold
-- out): per plan, candidates nearest first: the same arrival with the stay
-- stretched or shortened to the plan's limits for that arrival, then
-- arrivals 1, 2, ... 14 days later or earlier (later first) with as many
-- nights as asked (within those limits); each is checked like a search
-- (restrictions, a free unit) and priced. Plans whose room type is too
-- small for the guests get nothing (no date helps). Visible like search:
-- published plans, or the caller's own properties.
create or replace function app_public.nearest_stays(
  rate_plan_ids uuid[],
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  per_plan integer default 2
) returns setof app_public.stay_suggestion
  language plpgsql stable security definer rows 10
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_nights integer := nearest_stays.departure - nearest_stays.arrival;
  v_member uuid[] := array(select app_hidden.current_property_ids());
  v_plan record;
  v_candidate record;
  v_found integer;
  v_quote app_public.quote;
  v_row app_public.stay_suggestion;
begin
  perform app_private.check_stay(null, nearest_stays.arrival, nearest_stays.departure, nearest_stays.adults, nearest_stays.children);
  if pg_catalog.cardinality(rate_plan_ids) > 20 or per_plan not between 1 and 5 then
    raise exception using errcode = 'INVLD', message = 'Ask for at most 20 rate plans and 1 to 5 stays per plan.';
  end if;
  for v_plan in
    select rp.id, rp.property_id, rp.room_type_id, rp.min_stay, rp.max_stay, rt.max_occupancy,
           (pg_catalog.now() at time zone p.time_zone)::date as today
      from app_public.rate_plans rp
      join app_public.room_types rt on rt.property_id = rp.property_id and rt.id = rp.room_type_id
      join app_public.properties p on p.id = rp.property_id
     where rp.id = any (nearest_stays.rate_plan_ids)
       and ((rp.is_published and rt.is_published and p.is_published) or rp.property_id = any (v_member))
     order by pg_catalog.array_position(nearest_stays.rate_plan_ids, rp.id)
  loop
    continue when nearest_stays.adults + nearest_stays.children > v_plan.max_occupancy;
    v_found := 0;
    for v_candidate in
      select c.a, c.a + greatest(least(v_nights, coalesce(cal.max_stay, v_plan.max_stay, v_nights)), coalesce(cal.min_stay, v_plan.min_stay, 1)) as d
        from (select nearest_stays.arrival + s as a, s from pg_catalog.generate_series(-14, 14) s) c
        left join app_public.rate_calendar cal
          on cal.property_id = v_plan.property_id and cal.rate_plan_id = v_plan.id and cal.date = c.a
       where c.a >= v_plan.today
       order by abs(c.s), c.s desc
    loop
      continue when v_candidate.a = nearest_stays.arrival and v_candidate.d = nearest_stays.departure;
      continue when exists (select 1 from app_private.stay_restrictions(array[v_plan.id], v_candidate.a, v_candidate.d,
                                                                       nearest_stays.adults, nearest_stays.children) r
                             where r.restriction is not null);
      continue when coalesce((select l.units_left from app_private.room_type_units_left(array[v_plan.property_id],
                                                                                        pg_catalog.daterange(v_candidate.a, v_candidate.d),
                                                                                        v_plan.room_type_id) l), 0) < 1;
      v_quote := app_private.quote_for(v_plan.id, v_candidate.a, v_candidate.d, nearest_stays.adults, nearest_stays.children);
      v_row := (v_plan.id, v_candidate.a, v_candidate.d, v_candidate.d - v_candidate.a, v_quote.currency, v_quote.total_amount);
      return next v_row;
      v_found := v_found + 1;
      exit when v_found >= per_plan;
    end loop;
  end loop;
end;
$$;
comment on function app_public.nearest_stays(uuid[], date, date, integer, integer, integer) is
  E'For stays that cannot be booked: the nearest bookable stays on each rate plan (same arrival with the nights the plan needs, then arrivals up to 14 days later or earlier), priced for the guests; per_plan (1 to 5, default 2) per plan, at most 20 plans. Errors: DATES, GUEST, INVALID_INPUT.';
--! EndIncluded app_public.nearest_stays.sql
--! Included app_public.move_unit.sql
-- Moves a reservation to another unit of the property (any room type: an
-- upgrade keeps the price). A confirmed stay moves whole; a checked-in one
-- from today on, its nights so far staying on the old unit. The stay is
-- then pinned to its new unit (the allocator does not move it back).
create or replace function app_public.move_unit(
  reservation_id uuid,
  unit_id uuid,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_unit app_public.units;
  v_from date;
  v_claim app_public.inventory_claims;
begin
  v_replay := app_private.idempotency_begin('move_unit', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'unit_id', unit_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(move_unit.reservation_id, app_hidden.staff_group_roles('front_office'), 'move guests');
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'moved');
  end if;
  select * into v_unit from app_public.units u where u.property_id = v_res.property_id and u.id = move_unit.unit_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such unit at this property.';
  end if;
  if v_unit.id = v_res.unit_id then
    raise exception using errcode = 'INVLD', message = 'The reservation is already in that unit.';
  end if;
  if not v_unit.is_active then
    raise exception using errcode = 'UNAVL', message = 'That unit is not in service.';
  end if;
  v_from := case when v_res.status = 'checked_in'
                 then greatest(app_private.local_today(v_res.property_id), pg_catalog.lower(v_res.stay))
                 else pg_catalog.lower(v_res.stay) end;
  if v_from >= pg_catalog.upper(v_res.stay) then
    raise exception using errcode = 'TRANS', message = 'This stay has no nights left to move.';
  end if;

  perform app_private.release_claims(v_res, v_from);
  v_claim := app_private.claim_unit(v_res.property_id, v_unit.room_type_id, pg_catalog.daterange(v_from, pg_catalog.upper(v_res.stay)),
                                    'reservation', reservation_id => v_res.id, preferred_unit_id => v_unit.id, exact_unit => true);
  if v_claim.id is null then
    raise exception using errcode = 'UNAVL', message = 'That unit is taken for some of these nights.';
  end if;
  -- A room move by hand is the hotel's decision: the allocator leaves it there.
  update app_public.reservations r set unit_id = v_unit.id, unit_pinned = true where r.id = v_res.id returning * into v_res;
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.move_unit(uuid, uuid, text) is
  E'Moves a confirmed or checked-in reservation to another unit (room move; the price is kept). Errors: NTFND, DNIED, INVALID_TRANSITION, UNIT_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.move_unit.sql
--! Included app_public.modify_reservation.sql
-- Changes a confirmed reservation's dates, guests or rate plan (and so room
-- type), or a checked-in one's departure and guests: re-priced at today's
-- rates and re-claimed in one transaction. The old claim is released only
-- for the new one to be taken; if no unit is free the whole change is
-- undone (SOLD_OUT) and the old claim stands. Staff may book past
-- restrictions (min stay, closed dates); occupancy still holds. The guest
-- (signed in, or with the booking token) may change the dates and guests of
-- a confirmed booking when guest_change_refusal allows it (the rate plan
-- allows changes and the stay still cancels for free), within the rate's
-- restrictions. The folio is charged (or credited) the difference and the
-- open payments follow.
create or replace function app_public.modify_reservation(
  reservation_id uuid,
  idempotency_key text,
  arrival date default null,
  departure date default null,
  adults integer default null,
  children integer default null,
  rate_plan_id uuid default null,
  unit_id uuid default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_plan app_public.rate_plans;
  v_arrival date;
  v_departure date;
  v_adults integer;
  v_children integer;
  v_quote app_public.quote;
  v_claim app_public.inventory_claims;
  v_staff boolean;
  v_restriction record;
begin
  v_replay := app_private.idempotency_begin('modify_reservation', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'arrival', arrival, 'departure', departure, 'adults', adults,
    'children', children, 'rate_plan_id', rate_plan_id, 'unit_id', unit_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(modify_reservation.reservation_id, app_hidden.staff_group_roles('front_office'), 'change reservations', true);
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'changed');
  end if;
  v_staff := v_res.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if not v_staff then
    if app_private.guest_change_refusal(v_res) is not null then
      perform app_private.refuse_guest_change(v_res, app_private.guest_change_refusal(v_res));
    end if;
    if coalesce(modify_reservation.rate_plan_id, v_res.rate_plan_id) <> v_res.rate_plan_id or modify_reservation.unit_id is not null then
      perform app_private.refuse_guest_change(v_res, 'DATES_ONLY');
    end if;
  end if;

  v_arrival := coalesce(modify_reservation.arrival, pg_catalog.lower(v_res.stay));
  v_departure := coalesce(modify_reservation.departure, pg_catalog.upper(v_res.stay));
  v_adults := coalesce(modify_reservation.adults, v_res.adults);
  v_children := coalesce(modify_reservation.children, v_res.children);
  select * into v_plan from app_public.rate_plans rp
   where rp.property_id = v_res.property_id and rp.id = coalesce(modify_reservation.rate_plan_id, v_res.rate_plan_id);
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such rate plan at this property.';
  end if;
  if v_res.status = 'checked_in' then
    if v_arrival <> pg_catalog.lower(v_res.stay) or v_plan.room_type_id <> v_res.room_type_id or modify_reservation.unit_id is not null then
      raise exception using errcode = 'TRANS',
        message = 'A checked-in stay can change only its departure, guests and rate plan of the same room type; use moveUnit to change rooms.';
    end if;
    if v_departure <= app_private.local_today(v_res.property_id) then
      raise exception using errcode = 'DATES', message = 'A checked-in stay must depart after today.';
    end if;
    perform app_private.check_stay(null, v_arrival, v_departure, v_adults, v_children);
  else
    perform app_private.check_stay(v_res.property_id, v_arrival, v_departure, v_adults, v_children);
  end if;
  if modify_reservation.unit_id is not null and not exists (
       select 1 from app_public.units u
        where u.property_id = v_res.property_id and u.id = modify_reservation.unit_id and u.room_type_id = v_plan.room_type_id) then
    raise exception using errcode = 'NTFND', message = 'No such unit of this room type at this property.';
  end if;
  if v_adults + v_children > (select rt.max_occupancy from app_public.room_types rt where rt.id = v_plan.room_type_id) then
    raise exception using errcode = 'RSTRC', message = 'Too many guests for this room type.', hint = 'MAX_OCCUPANCY';
  end if;
  if not v_staff then
    select * into v_restriction from app_private.stay_restrictions(array[v_plan.id], v_arrival, v_departure, v_adults, v_children);
    if v_restriction.restriction is not null then
      raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
    end if;
  end if;

  v_quote := app_private.quote_for(v_plan.id, v_arrival, v_departure, v_adults, v_children);

  if v_res.status = 'checked_in' then
    -- The guest is in their unit: only its claim's end moves.
    if v_departure > pg_catalog.upper(v_res.stay) then
      perform app_private.release_expired_holds(v_res.property_id, v_res.unit_id,
                                                pg_catalog.daterange(pg_catalog.upper(v_res.stay), v_departure));
    end if;
    begin
      update app_public.inventory_claims c set stay = pg_catalog.daterange(pg_catalog.lower(c.stay), v_departure)
       where c.property_id = v_res.property_id and c.reservation_id = v_res.id and c.released_at is null
         and pg_catalog.upper(c.stay) = pg_catalog.upper(v_res.stay)
      returning * into v_claim;
    exception when exclusion_violation then
      v_claim := null;
    end;
  else
    -- Re-claim: release the current claims, then claim the new stay (the
    -- same unit first). Any failure below rolls all of it back.
    perform app_private.release_claims(v_res);
    v_claim := app_private.claim_unit(v_res.property_id, v_plan.room_type_id, pg_catalog.daterange(v_arrival, v_departure),
                                      'reservation', reservation_id => v_res.id,
                                      preferred_unit_id => coalesce(modify_reservation.unit_id,
                                                                    case when v_plan.room_type_id = v_res.room_type_id then v_res.unit_id end),
                                      exact_unit => modify_reservation.unit_id is not null);
  end if;
  if v_claim.id is null then
    raise exception using errcode = 'SOLDO', message = 'No unit is free for the changed stay; the reservation is unchanged.';
  end if;

  update app_public.reservations r
     set stay = pg_catalog.daterange(v_arrival, v_departure), adults = v_adults, children = v_children,
         rate_plan_id = v_plan.id, room_type_id = v_plan.room_type_id, unit_id = v_claim.unit_id,
         unit_pinned = r.unit_pinned or modify_reservation.unit_id is not null,
         currency = v_quote.currency, room_amount = v_quote.room_amount, fees_amount = v_quote.fees_amount,
         taxes_amount = v_quote.taxes_amount, total_amount = v_quote.total_amount,
         price_lines = pg_catalog.to_jsonb(v_quote.lines),
         cancellation_policy = pg_catalog.jsonb_build_object(
           'is_refundable', v_quote.is_refundable,
           'free_cancellation_until', v_quote.free_cancellation_until,
           'late_cancellation_penalty', v_quote.late_cancellation_penalty,
           'terms', v_quote.cancellation_terms)
   where r.id = v_res.id
  returning * into v_res;
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':modify:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                               'Booking ' || v_res.confirmation_code || ' changed');
  perform app_private.schedule_payments(v_res);

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.modify_reservation(uuid, text, date, date, integer, integer, uuid, uuid) is
  E'Changes dates, guests, rate plan/room type or unit of a reservation, re-priced and re-claimed atomically (the old claim stands if the new one fails). Staff of the property; the guest too for dates and guests when the booking''s changeRefusal is null (within the rate''s restrictions). Errors: NTFND, DNIED (for a guest, reason: the refusal or DATES_ONLY), INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.modify_reservation.sql
--! Included app_public.pin_reservation_unit.sql
-- Staff (owner, manager, front desk) pin a stay to its unit (a guest asked
-- for that room, a connecting room, an accessible one) or unpin it. The
-- allocator never moves a pinned stay to make room for another; a room move
-- by hand (moveUnit, or a change with a unit) pins it too. Returns the
-- booking.
create or replace function app_public.pin_reservation_unit(reservation_id uuid, pinned boolean) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
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
  E'Pins a stay to its unit (the allocator never moves it) or unpins it. Errors: NTFND, DNIED, INVALID_TRANSITION, INVALID_INPUT.';
--! EndIncluded app_public.pin_reservation_unit.sql
grant execute on function app_public.pin_reservation_unit(uuid, boolean) to keepr_staff;
