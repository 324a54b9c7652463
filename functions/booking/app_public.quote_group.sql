-- A group quote: several rooms of one stay (each a rate plan, its guests
-- and optionally who sleeps there) priced at once, each by app_public.quote
-- with its rules, plus the sums. The rooms are counted together: two rooms
-- of a room type need two units left on every night (SOLD_OUT names the
-- first room that does not fit). Each error names its room ("Room 2: …").
-- The quote_token (valid 30 minutes) holds every room's own signed quote,
-- signed again as a whole; createGroupHold holds all of them or none. A
-- pure read, like quote. promo_code: one code for the whole group, applied
-- to every room by app_public.quote (a discount line of each room's price);
-- it must apply to every room (PROMO_CODE naming the first room it does not
-- fit). The group's use is counted once, by confirm_group.
create or replace function app_public.quote_group(
  rooms app_public.group_room[],
  arrival date,
  departure date,
  promo_code text default null
) returns app_public.group_quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_room app_public.group_room;
  v_n integer := 0;
  v_quote app_public.quote;
  v_rooms app_public.group_quote_room[] := '{}';
  v_group app_public.group_quote;
  v_detail text;
  v_hint text;
  v_over record;
  v_payload text;
begin
  if rooms is null or pg_catalog.cardinality(rooms) not between 1 and 20 then
    raise exception using errcode = 'INVLD', message = 'A group books 1 to 20 rooms.';
  end if;
  foreach v_room in array rooms loop
    v_n := v_n + 1;
    if v_room.rate_plan_id is null then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Room %s: choose a rate plan.', v_n);
    end if;
    if pg_catalog.length(pg_catalog.btrim(v_room.guest_name)) not between 1 and 200 then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Room %s: a guest''s name has 1 to 200 characters.', v_n);
    end if;
    begin
      v_quote := app_public.quote(v_room.rate_plan_id, arrival, departure, v_room.adults, coalesce(v_room.children, 0),
                                  promo_code => quote_group.promo_code, child_ages => v_room.child_ages);
    exception when others then
      get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      perform app_private.raise_room_error(v_n, sqlstate, sqlerrm, v_detail, v_hint);
    end;
    if v_n > 1 and v_quote.property_id <> v_rooms[1].quote.property_id then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Room %s: all the rooms of a group are at one property.', v_n);
    end if;
    v_rooms := v_rooms || (v_n, nullif(pg_catalog.btrim(v_room.guest_name), ''), v_quote)::app_public.group_quote_room;
  end loop;

  -- The rooms of one room type together need that many units left.
  select x.room_no, rt.name, (x.quote).units_left as units_left into v_over
    from (select r.room_no, r.quote,
                 pg_catalog.row_number() over (partition by (r.quote).room_type_id order by r.room_no) as nth
            from pg_catalog.unnest(v_rooms) r) x
    join app_public.room_types rt on rt.id = (x.quote).room_type_id
   where x.nth > (x.quote).units_left
   order by x.room_no
   limit 1;
  if found then
    raise exception using errcode = 'SOLDO', hint = 'room ' || v_over.room_no,
      message = pg_catalog.format('Room %s (%s): only %s unit%s of this room type %s left for these dates.', v_over.room_no, v_over.name,
                                  v_over.units_left, case when v_over.units_left = 1 then '' else 's' end,
                                  case when v_over.units_left = 1 then 'is' else 'are' end);
  end if;

  select (v_rooms[1].quote).property_id, arrival, departure, departure - arrival, (v_rooms[1].quote).currency,
         sum((r.quote).room_amount), sum((r.quote).fees_amount), sum((r.quote).taxes_amount), sum((r.quote).total_amount),
         v_rooms, min((r.quote).valid_until), null, (v_rooms[1].quote).promo_code
    into v_group
    from pg_catalog.unnest(v_rooms) r;
  v_payload := pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(pg_catalog.jsonb_build_object(
                 'kind', 'group', 'property_id', v_group.property_id, 'valid_until', v_group.valid_until,
                 'promo_code', v_group.promo_code,
                 'rooms', (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('quote_token', (r.quote).quote_token, 'guest_name', r.guest_name,
                                                                                     'room_type', rt.name)
                                                       order by r.room_no)
                             from pg_catalog.unnest(v_rooms) r
                             join app_public.room_types rt on rt.id = (r.quote).room_type_id))::text, 'UTF8'), 'base64'),
               E'+/=\n', '-_');
  v_group.quote_token := v_payload || '.' || app_private.sign(v_payload);
  return v_group;
end;
$$;
comment on function app_public.quote_group(app_public.group_room[], date, date, text) is
  E'Prices several rooms of one stay together (1 to 20: a rate plan, adults, children and optionally a guest name each): each room''s quote and the sums, with a quote_token for createGroupHold valid 30 minutes. promoCode: one code of the property for the whole group, its discount a line of each room''s price (it must apply to every room); the group counts as one use. Errors name the room: INVALID_INPUT, NOT_FOUND, DATES, GUEST, RESTRICTED, SOLD_OUT (the rooms of one type are counted together), PROMO_CODE (reason UNKNOWN, INACTIVE, NOT_YET, EXPIRED, STAY_DATES, RATE_PLAN or USED_UP).';
