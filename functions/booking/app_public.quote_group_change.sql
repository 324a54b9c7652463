-- Prices moving a whole booking group to new dates before it is done
-- (changeGroupDates then does it): every room that is not cancelled, on its
-- own rate plan and guests, with the same rules as a room's own change
-- (app_public.quote_change): staff of the property always; the guest who
-- made the group (signed in, or with the group's token) only while every
-- room's changeRefusal is null and within the rates' restrictions. The
-- rooms of one room type are counted together against the units free on
-- every night of the new stay, the group's own nights counting as free (it
-- gives them back when it moves): SOLD_OUT names the first room that does
-- not fit. Each error names its room ("Room 2: …"). Returns each room's
-- new quote beside what it costs now, and the sums: difference = new total
-- - current total. No quote token: this is not a new booking.
create or replace function app_public.quote_group_change(
  booking_group_id uuid,
  arrival date,
  departure date
) returns app_public.group_change_quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_group app_public.booking_groups;
  v_staff boolean;
  v_room app_public.reservations;
  v_restriction record;
  v_quote app_public.quote;
  v_rooms app_public.group_change_room[] := '{}';
  v_over record;
  v_ids uuid[];
  v_detail text;
  v_hint text;
  v_result app_public.group_change_quote;
begin
  select * into v_group from app_public.booking_groups g where g.id = quote_group_change.booking_group_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such booking group, or you cannot see it.';
  end if;
  v_staff := v_group.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if not coalesce(v_staff or v_group.id = app_hidden.current_booking_group_id()
                  or (v_group.user_id is not null and v_group.user_id = app_hidden.current_user_id()), false) then
    perform app_private.require_staff(v_group.property_id, app_hidden.staff_group_roles('front_office'), 'change reservations');
  end if;
  perform app_private.check_stay(v_group.property_id, arrival, departure, 1, 0);

  for v_room in
    select * from app_public.reservations r
     where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status <> 'cancelled'
     order by r.room_no
  loop
    begin
      if v_room.status <> 'confirmed' then
        perform app_private.invalid_transition(v_room, 'changed');
      end if;
      if not v_staff and app_private.guest_change_refusal(v_room) is not null then
        perform app_private.refuse_guest_change(v_room, app_private.guest_change_refusal(v_room));
      end if;
      select * into v_restriction
        from app_private.stay_restrictions(array[v_room.rate_plan_id], arrival, departure, v_room.adults, v_room.children, v_room.child_ages);
      if v_restriction.restriction = 'MAX_OCCUPANCY' or (v_restriction.restriction is not null and not v_staff) then
        raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
      end if;
      v_quote := app_private.quote_for(v_room.rate_plan_id, arrival, departure, v_room.adults, v_room.children,
                                       promo => (select pc from app_public.promo_codes pc
                                                  where pc.property_id = v_room.property_id and pc.id = v_room.promo_code_id),
                                       extras => app_private.booked_extras(v_room), child_ages => v_room.child_ages);
    exception when others then
      get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
    end;
    v_quote.valid_until := null;
    v_quote.quote_token := null;
    v_rooms := v_rooms || (v_room.room_no, v_room.id, v_room.total_amount, v_quote)::app_public.group_change_room;
  end loop;
  if pg_catalog.cardinality(v_rooms) = 0 then
    raise exception using errcode = 'TRANS', message = 'Every room of this group is cancelled: there is nothing to change.';
  end if;

  v_ids := array(select r.reservation_id from pg_catalog.unnest(v_rooms) r);
  -- The rooms of one room type together need that many units free on
  -- every night of the new stay, the group's own claims left out.
  with nights as (
    select d::date as night from pg_catalog.generate_series(arrival, departure - 1, interval '1 day') d
  ), taken as (
    select u.room_type_id, n.night, pg_catalog.count(c.id) as taken
      from app_public.units u
      cross join nights n
      left join app_public.inventory_claims c
        on c.property_id = u.property_id and c.unit_id = u.id and c.stay @> n.night
       and c.released_at is null and (c.expires_at is null or c.expires_at > pg_catalog.now())
       and coalesce(c.reservation_id <> all (v_ids), true)
     where u.property_id = v_group.property_id and u.is_active
     group by u.room_type_id, n.night
  ), free as (
    select t.room_type_id, (select pg_catalog.count(*) from app_public.units u
                             where u.property_id = v_group.property_id and u.room_type_id = t.room_type_id and u.is_active)
                           - max(t.taken) as units_free
      from taken t
     group by t.room_type_id
  )
  select x.room_no, rt.name, coalesce(f.units_free, 0) as units_free into v_over
    from (select r.room_no, (r.quote).room_type_id as room_type_id,
                 pg_catalog.row_number() over (partition by (r.quote).room_type_id order by r.room_no) as nth
            from pg_catalog.unnest(v_rooms) r) x
    join app_public.room_types rt on rt.id = x.room_type_id
    left join free f on f.room_type_id = x.room_type_id
   where x.nth > coalesce(f.units_free, 0)
   order by x.room_no
   limit 1;
  if found then
    raise exception using errcode = 'SOLDO', hint = 'room ' || v_over.room_no,
      message = pg_catalog.format('Room %s (%s): no unit of this room type is free for the new dates, so the group cannot move.',
                                  v_over.room_no, v_over.name);
  end if;

  select v_group.id, arrival, departure, departure - arrival, (v_rooms[1].quote).currency,
         sum(r.current_total), sum((r.quote).total_amount), sum((r.quote).total_amount) - sum(r.current_total), v_rooms
    into v_result
    from pg_catalog.unnest(v_rooms) r;
  return v_result;
end;
$$;
comment on function app_public.quote_group_change(uuid, date, date) is
  E'Prices moving every room of a booking group (cancelled rooms aside) to new dates, each on its own rate plan and guests: each room''s new quote beside what it costs now, the sums and the difference. The rooms of a type are counted together; the group''s own nights count as free. Front office, the guest who made the group (signed in) or the group''s token (then only while every room may still be changed by the guest). Errors name the room: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT.';
