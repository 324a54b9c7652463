--! Previous: sha1:5e05a762d2058abe41587f9c2574e337c4e6cdce
--! Hash: sha1:9d4c8af9584b8b349c3231980c51c34052213e74
--! Message: Issue 23: reallocate_for keeps its movable-stays table for the connection (on commit delete rows)

--! Included booking/app_private.reallocate_for.sql
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
-- backtracking, bounded: 1,000 steps in a window smaller than the whole
-- (where the stays outside it are held still, a nearly stuck window can
-- take its whole bound: widen instead), 20,000 in the whole window
-- (interval colouring around fixed blocks is NP-complete in general; with
-- no claim that may not move there, the first path is a layout). A
-- move is what a room move by hand is, inside the caller's transaction:
-- the stay's claim released and a new one made on the other unit, under
-- the exclusion constraint as ever; each is recorded in
-- app_public.allocation_moves with the reservation that caused it. One
-- allocator per room type at a time (a transaction advisory lock); a
-- booking elsewhere on the type that takes a night meanwhile makes a claim
-- fail, and the plan is made again from what is there.
--
-- Locks, so that nothing waits in a circle: the reservations of the stays
-- to move are locked before their claims are touched, as every other
-- change of a reservation does (confirm, cancel, change, check-in), and
-- without waiting (skip locked). A stay whose reservation another
-- transaction has locked is being confirmed, changed or cancelled right
-- now; it is laid out as if it could not move, and when that leaves no
-- layout the plan is made again after a short wait (a confirmation ends in
-- milliseconds). The allocator never waits for such a reservation: its
-- owner may be a change of dates waiting for this very allocator (the
-- advisory lock), which would be a deadlock. So a stay is refused, rarely,
-- when it fits only by moving a stay that is being changed at that moment.
--
-- The search is exact up to its bound: units that are alike for what is
-- left to place (the same fixed claims from the stay's arrival on, and
-- their last stay ending no later than it) are tried once.
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
  c_window_step_limit constant integer := 1000;
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
  v_busy uuid[] := '{}';
  v_hops integer := 1;
  v_hop integer;
  v_closed boolean;
  v_current datemultirange[];
  v_waits integer := 0;
  v_to_move uuid[];
  v_locked uuid[];
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

  for v_attempt in 1..24 loop
    v_units := array(select u.id from app_public.units u
                      where u.property_id = reallocate_for.property_id and u.room_type_id = reallocate_for.room_type_id and u.is_active
                      order by u.name, u.id);
    k := coalesce(pg_catalog.array_length(v_units, 1), 0);
    if k = 0 then
      return null;
    end if;

    -- The movable stays of the window: those overlapping the stay, and
    -- those overlapping them, v_hops deep (stays further away are held
    -- still). The window grows (1, 2, 4, 8 hops, then whole) only when a
    -- smaller one has no layout: most bookings need a move or two nearby,
    -- and a small window finds them fast and moves little.
    -- One table per connection, emptied at each commit: made once, not
    -- made and dropped by every transaction that reallocates (that wrote
    -- catalog rows, WAL and invalidations each time, and made every
    -- statement below that reads it be planned again: issue 23, the holds'
    -- slow tail). Emptied here too: an attempt before this one (or a
    -- transaction that rolled back to a savepoint) may have left rows.
    -- Its owner is the functions' owner: every caller of claim_unit is
    -- security definer, so every connection's table is made and read by
    -- that one role.
    if pg_catalog.to_regclass('pg_temp.alloc_movable') is null then
      create temporary table alloc_movable (claim_id uuid primary key, reservation_id uuid, nights daterange, unit_id uuid) on commit delete rows;
    end if;
    delete from pg_temp.alloc_movable;
    v_lo := pg_catalog.lower(reallocate_for.stay);
    v_hi := pg_catalog.upper(reallocate_for.stay);
    v_hop := 0;
    v_closed := false;
    loop
      if v_hops is not null and v_hop >= v_hops then
        exit;
      end if;
      v_hop := v_hop + 1;
      insert into pg_temp.alloc_movable
      select c.id, c.reservation_id, c.stay, c.unit_id
        from app_public.inventory_claims c
        join app_public.reservations r on r.property_id = c.property_id and r.id = c.reservation_id
        join app_public.units u on u.property_id = c.property_id and u.id = c.unit_id
       where c.property_id = reallocate_for.property_id and c.unit_id = any (v_units)
         and c.stay && pg_catalog.daterange(v_lo, v_hi) and c.released_at is null
         and (c.kind = 'reservation' or (c.kind = 'hold' and c.expires_at > pg_catalog.now()))
         and r.status in ('held', 'confirmed') and not r.unit_pinned and r.room_type_id = reallocate_for.room_type_id
         and r.id <> all (v_busy)
         and (pg_catalog.lower(c.stay) > v_today
              or (pg_catalog.lower(c.stay) = v_today and u.housekeeping_status not in ('clean', 'inspected')))
      on conflict do nothing;
      select least(v_lo, min(pg_catalog.lower(m.nights))), greatest(v_hi, max(pg_catalog.upper(m.nights)))
        into v_next_lo, v_next_hi from pg_temp.alloc_movable m;
      if v_next_lo >= v_lo and v_next_hi <= v_hi then
        v_closed := true;
        exit;
      end if;
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
    -- Where the movable stays are now, per unit: a stay is laid out where
    -- it displaces none of them first, so that moves do not cascade.
    v_current := array(select coalesce((select pg_catalog.range_agg(m.nights) from pg_temp.alloc_movable m where m.unit_id = u.id), '{}'::datemultirange)
                         from pg_catalog.unnest(v_units) with ordinality as u(id, i) order by u.i);
    -- For the new stay: how many movable stays each unit would have to give up.
    v_overlaps := array(select (select count(*) from pg_temp.alloc_movable m where m.unit_id = u.id and m.nights && reallocate_for.stay)::integer
                          from pg_catalog.unnest(v_units) with ordinality as u(id, i) order by u.i);

    v_unit_end := pg_catalog.array_fill('-infinity'::date, array[k]);
    v_prev_end := pg_catalog.array_fill(null::date, array[n]);
    v_unit_of := pg_catalog.array_fill(0, array[n]);
    v_pos := pg_catalog.array_fill(0, array[n]);
    v_level := 1;
    v_steps := 0;
    while v_level between 1 and n and v_steps < case when v_closed then c_step_limit else c_window_step_limit end loop
      v_steps := v_steps + 1;
      -- The units this stay fits on now, best first: its own unit; for the
      -- new stay the unit with the fewest stays to move; then the tightest
      -- fit (the unit whose last stay ends latest before it).
      -- fit (the unit whose last stay ends latest before it). Of units
      -- alike for the rest of the search, only the best is tried.
      v_cands := array(
        select x.i from (
          select distinct on (greatest(v_unit_end[i], v_item_lo[v_level]),
                              v_fixed[i] * pg_catalog.datemultirange(pg_catalog.daterange(v_item_lo[v_level], v_hi)))
                 i, i is distinct from v_item_cur[v_level] as not_own,
                 case when v_level = v_new then v_overlaps[i] else 0 end as to_move,
                 (i is distinct from v_item_cur[v_level] and v_current[i] && pg_catalog.daterange(v_item_lo[v_level], v_item_hi[v_level])) as displaces,
                 v_unit_end[i] as unit_end
            from pg_catalog.generate_subscripts(v_units, 1) i
           where v_unit_end[i] <= v_item_lo[v_level]
             and not (v_fixed[i] && pg_catalog.daterange(v_item_lo[v_level], v_item_hi[v_level]))
           order by greatest(v_unit_end[i], v_item_lo[v_level]),
                    v_fixed[i] * pg_catalog.datemultirange(pg_catalog.daterange(v_item_lo[v_level], v_hi)),
                    i is distinct from v_item_cur[v_level], case when v_level = v_new then v_overlaps[i] else 0 end,
                    (i is distinct from v_item_cur[v_level] and v_current[i] && pg_catalog.daterange(v_item_lo[v_level], v_item_hi[v_level])),
                    v_unit_end[i] desc, i) x
         order by x.not_own, x.to_move, x.displaces, x.unit_end desc, x.i);
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
      -- No arrangement in this window: a wider one, if there is wider.
      if not v_closed then
        v_hops := case when v_hops >= 8 then null else v_hops * 2 end;
        continue;
      end if;
      -- No arrangement (or the search gave up). When stays being changed
      -- right now were held still, wait a little and plan again with them.
      if pg_catalog.cardinality(v_busy) > 0 and v_waits < 4 then
        v_waits := v_waits + 1;
        perform pg_catalog.pg_sleep(0.005 * (1 << v_waits));
        v_busy := '{}';
        continue;
      end if;
      return null;
    end if;

    -- The reservations of the stays to move, locked without waiting; a
    -- stay whose reservation someone else is changing is held still.
    v_to_move := array(select v_item_res[i] from pg_catalog.generate_series(1, n) i
                        where i <> v_new and v_unit_of[i] <> v_item_cur[i]);
    v_locked := array(select r.id from app_public.reservations r
                       where r.property_id = reallocate_for.property_id and r.id = any (v_to_move)
                       order by r.id for update skip locked);
    if pg_catalog.cardinality(v_locked) < pg_catalog.cardinality(v_to_move) then
      v_busy := v_busy || array(select x from pg_catalog.unnest(v_to_move) x where x <> all (v_locked));
      continue;
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
--! EndIncluded booking/app_private.reallocate_for.sql
