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
-- Its statements (and the allocator's) run with generic plans, made once
-- per connection: under auto, Postgres judged a plan made for each call's
-- values cheaper and planned the candidates' query on every claim (a
-- guest's hold, the desk's, a group's, a change of dates). Issue 23:
-- claim_unit 2.15 -> 1.67-1.78 ms a hold, docs/benchmarks.md "A quote's
-- Postgres CPU, and the hold's".
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
  set plan_cache_mode to force_generic_plan
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
                       and c.stay && pg_catalog.daterange(pg_catalog.lower(claim_unit.stay) - 60, pg_catalog.lower(claim_unit.stay))
                       and pg_catalog.upper(c.stay) <= pg_catalog.lower(claim_unit.stay)
                       and pg_catalog.upper(c.stay) > pg_catalog.lower(claim_unit.stay) - 60), pg_catalog.lower(claim_unit.stay) - 60))
                + (coalesce(
                   (select min(pg_catalog.lower(c.stay)) from app_public.inventory_claims c
                     where c.property_id = claim_unit.property_id and c.unit_id = f.unit_id and c.released_at is null
                       and (c.expires_at is null or c.expires_at > pg_catalog.now())
                       and c.stay && pg_catalog.daterange(pg_catalog.upper(claim_unit.stay), pg_catalog.upper(claim_unit.stay) + 60)
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
