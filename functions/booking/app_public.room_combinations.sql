-- Room combinations for a party: the cheapest ways to sleep adults and
-- children in up to max_rooms rooms of the property for a stay, ranked by
-- price (then fewer rooms). Each combination is minimal (without its
-- smallest room the party would not fit by the room types' max occupancy),
-- uses no more rooms of a type than it has units left on every night, and
-- gives every room at least one adult. The party is spread over the rooms
-- largest first: one adult each, then the other adults, then the children,
-- each room filled to its occupancy before the next. Each room is priced on
-- the cheapest rate plan of its type that sells that stay and occupancy (no
-- restriction), as quote would price it; a room with no such plan drops the
-- combination. Each combination's rooms go as they are to quoteGroup.
-- Published rooms and plans (and all of them for the property's staff).
-- With child_ages (issue 22, one age per child, app_private.check_child_ages),
-- the children go to the rooms in the order given, each room priced with its
-- children's ages and its occupancy counting cots (stay_restrictions); its
-- group_room carries them. Without ages, a plan that prices children by
-- age is left out for a room with children (it cannot be priced).
drop function if exists app_public.room_combinations(uuid, date, date, integer, integer, integer, integer);
create or replace function app_public.room_combinations(
  property_id uuid,
  arrival date,
  departure date,
  adults integer,
  children integer default 0,
  max_rooms integer default 4,
  max_results integer default 5,
  child_ages integer[] default null
) returns setof app_public.room_combination
  language plpgsql stable security definer rows 5
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_member boolean := room_combinations.property_id in (select app_hidden.current_property_ids());
  v_party integer;
  v_combo record;
  v_caps integer[];
  v_adults integer[];
  v_children integer[];
  v_room_ages integer[];
  v_next_age integer;
  v_left integer;
  v_take integer;
  v_rooms app_public.group_room[];
  v_total bigint;
  v_price record;
  v_key text;
  v_prices jsonb := '{}';
  v_results app_public.room_combination[] := '{}';
  v_currency character(3);
  i integer;
begin
  if max_rooms is null or max_rooms not between 1 and 10 or max_results is null or max_results not between 1 and 20 then
    raise exception using errcode = 'INVLD', message = 'Ask for combinations of 1 to 10 rooms, and 1 to 20 of them.';
  end if;
  children := coalesce(children, 0);
  if not exists (select 1 from app_public.properties p where p.id = room_combinations.property_id and (p.is_published or v_member)) then
    raise exception using errcode = 'NTFND', message = 'No such property.';
  end if;
  perform app_private.check_stay(room_combinations.property_id, arrival, departure, adults, children);
  perform app_private.check_child_ages(room_combinations.property_id, '{}', children, child_ages);
  v_party := adults + children;
  select p.currency into v_currency from app_public.properties p where p.id = room_combinations.property_id;

  for v_combo in
    with recursive types as (
      select rt.id, rt.name, rt.max_occupancy, l.units_left,
             pg_catalog.row_number() over (order by rt.max_occupancy desc, rt.id) as i
        from app_public.room_types rt
        join app_private.room_type_units_left(array[room_combinations.property_id],
                                              pg_catalog.daterange(room_combinations.arrival, room_combinations.departure)) l
          on l.room_type_id = rt.id
       where rt.property_id = room_combinations.property_id and (rt.is_published or v_member) and l.units_left > 0
    ),
    combos as (
      select t.i as last_i, array[t.i] as picks, 1 as rooms, t.max_occupancy as capacity from types t
      union all
      select t.i, c.picks || t.i, c.rooms + 1, c.capacity + t.max_occupancy
        from combos c
        join types t on t.i >= c.last_i
       where c.rooms < room_combinations.max_rooms and c.capacity < v_party
         and (select count(*) from pg_catalog.unnest(c.picks) p where p = t.i) < t.units_left
    )
    select c.rooms, c.capacity,
           array(select t.id from pg_catalog.unnest(c.picks) with ordinality p(i, n) join types t on t.i = p.i order by p.n) as type_ids,
           array(select t.name from pg_catalog.unnest(c.picks) with ordinality p(i, n) join types t on t.i = p.i order by p.n) as type_names,
           array(select t.max_occupancy from pg_catalog.unnest(c.picks) with ordinality p(i, n) join types t on t.i = p.i order by p.n) as caps
      from combos c
     where c.capacity >= v_party and c.rooms <= room_combinations.adults
     order by c.rooms, c.capacity
     limit 50
  loop
    -- Spread the party: one adult a room, then adults, then children.
    v_caps := v_combo.caps;
    v_adults := array_fill(1, array[v_combo.rooms]);
    v_children := array_fill(0, array[v_combo.rooms]);
    v_left := adults - v_combo.rooms;
    for i in 1..v_combo.rooms loop
      v_take := least(v_left, v_caps[i] - v_adults[i]);
      v_adults[i] := v_adults[i] + v_take;
      v_left := v_left - v_take;
    end loop;
    v_left := children;
    for i in 1..v_combo.rooms loop
      v_take := least(v_left, v_caps[i] - v_adults[i]);
      v_children[i] := v_take;
      v_left := v_left - v_take;
    end loop;

    v_rooms := '{}';
    v_total := 0;
    v_next_age := 1;
    for i in 1..v_combo.rooms loop
      -- This room's children's ages: the next ones in the order given.
      v_room_ages := case when room_combinations.child_ages is not null
                          then room_combinations.child_ages[v_next_age:v_next_age + v_children[i] - 1] end;
      v_next_age := v_next_age + v_children[i];
      -- The cheapest plan of a room type for an occupancy, priced once per call.
      v_key := v_combo.type_ids[i] || ':' || v_adults[i] || ':' || v_children[i] || ':' || coalesce(pg_catalog.array_to_string(v_room_ages, ','), '');
      if not v_prices ? v_key then
        select rp.id, (app_private.quote_for(rp.id, arrival, departure, v_adults[i], v_children[i], child_ages => v_room_ages)).total_amount as total
          into v_price
          from app_public.rate_plans rp
         where rp.property_id = room_combinations.property_id and rp.room_type_id = v_combo.type_ids[i]
           and (rp.is_published or v_member)
           and (v_room_ages is not null or v_children[i] = 0 or (rp.child_free_below_age is null and rp.child_adult_from_age is null))
           and not exists (select 1 from app_private.stay_restrictions(array[rp.id], arrival, departure, v_adults[i], v_children[i], v_room_ages) s
                            where s.restriction is not null)
         order by 2, rp.id
         limit 1;
        v_prices := v_prices || pg_catalog.jsonb_build_object(v_key, case when found then pg_catalog.jsonb_build_object('id', v_price.id, 'total', v_price.total) end);
      end if;
      if v_prices -> v_key = 'null'::jsonb then
        v_total := null;
        exit;
      end if;
      v_rooms := v_rooms || ((v_prices -> v_key ->> 'id')::uuid, v_adults[i], v_children[i], null, v_room_ages)::app_public.group_room;
      v_total := v_total + (v_prices -> v_key ->> 'total')::bigint;
    end loop;
    if v_total is not null then
      v_results := v_results || (null, v_rooms, v_combo.type_names, v_combo.capacity, v_currency, v_total)::app_public.room_combination;
    end if;
  end loop;

  return query
    select (pg_catalog.row_number() over (order by r.total_amount, pg_catalog.cardinality(r.rooms)))::integer,
           r.rooms, r.room_type_names, r.capacity, r.currency, r.total_amount
      from pg_catalog.unnest(v_results) r
     order by r.total_amount, pg_catalog.cardinality(r.rooms)
     limit room_combinations.max_results;
end;
$$;
comment on function app_public.room_combinations(uuid, date, date, integer, integer, integer, integer, integer[]) is
  E'The cheapest ways (ranked, at most max_results of 1 to 20) to sleep a party in up to max_rooms rooms (1 to 10, default 4) of a property for a stay: minimal combinations of room types with units left, fitting by max occupancy, one adult at least per room, each room on its cheapest plan that sells the stay. Each combination''s rooms go to quoteGroup. childAges: one age (0-17) per child, given to the rooms in order and priced with them (rates that price children by age need them). Errors: INVALID_INPUT (reason CHILD_AGES for the ages), NOT_FOUND, DATES, GUEST, RESTRICTED (CHILD_MIN_AGE).';
