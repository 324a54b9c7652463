-- Holds every room of a group quote, or none: one booking group (with its
-- group code) and a held reservation per room, each made by
-- app_public.create_hold from the room's own signed quote (its price, its
-- claim and the allocator's rules), in one transaction. When any room
-- cannot be claimed the whole call fails and nothing is held: SOLD_OUT
-- naming the room. The group's name is optional (e.g. "Smith wedding").
-- Returns the rooms' reservations and a hold token for confirmGroup.
-- A group quote's promo code is checked again with each room's hold
-- (PROMO_CODE naming the room when it no longer applies) and kept on the
-- group, not on its rooms while they are held: confirm_group counts the
-- group's one use and then gives the code to every room (so a room's
-- changes keep its discount), where confirm_booking would count it per room.
create or replace function app_public.create_group_hold(
  quote_token text,
  idempotency_key text,
  name text default null,
  minutes integer default 10
) returns app_public.group_hold
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_payload jsonb := app_private.quote_payload(quote_token);
  v_group app_public.booking_groups;
  v_room record;
  v_hold app_public.hold;
  v_ids uuid[] := '{}';
  v_expires timestamptz;
  v_total bigint := 0;
  v_currency character(3);
  v_detail text;
  v_hint text;
  v_constraint text;
  v_result app_public.group_hold;
begin
  v_replay := app_private.idempotency_begin('create_group_hold', idempotency_key,
                pg_catalog.jsonb_build_object('quote_token', quote_token, 'name', name, 'minutes', minutes));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.group_hold, v_replay);
  end if;
  if v_payload ->> 'kind' is distinct from 'group' then
    raise exception using errcode = 'QUOTE', message = 'This is not a group quote token; get a group quote.';
  end if;
  if (v_payload ->> 'valid_until')::timestamptz < pg_catalog.now() then
    raise exception using errcode = 'QTEXP',
      message = pg_catalog.format('This quote expired at %s; get a new quote.', v_payload ->> 'valid_until');
  end if;
  if pg_catalog.length(pg_catalog.btrim(name)) not between 1 and 200 then
    raise exception using errcode = 'INVLD', message = 'A group''s name has 1 to 200 characters.';
  end if;

  loop
    begin
      insert into app_public.booking_groups (property_id, group_code, name, user_id, channel, promo_code_id)
      values ((v_payload ->> 'property_id')::uuid, 'G-' || app_private.new_confirmation_code(), nullif(pg_catalog.btrim(name), ''),
              app_private.booking_user_id((v_payload ->> 'property_id')::uuid),
              case when (v_payload ->> 'property_id')::uuid in (select app_hidden.current_property_ids_for('front_office'))
                   then 'front_desk' else 'web' end,
              (select pc.id from app_public.promo_codes pc
                where pc.property_id = (v_payload ->> 'property_id')::uuid and pc.code = v_payload ->> 'promo_code'))
      returning * into v_group;
      exit;
    exception when unique_violation then
      -- The code is taken at this property: draw another. Any other
      -- unique violation is not the draw's and goes out as it came.
      get stacked diagnostics v_constraint = constraint_name;
      if v_constraint is distinct from 'booking_groups_property_id_group_code_key' then
        raise;
      end if;
    end;
  end loop;

  -- Room by room, in the quote's order; any failure rolls back them all.
  for v_room in
    select x.n::integer as room_no, x.r ->> 'quote_token' as token, x.r ->> 'guest_name' as guest_name,
           x.r ->> 'room_type' as room_type
      from pg_catalog.jsonb_array_elements(v_payload -> 'rooms') with ordinality x(r, n)
     order by x.n
  loop
    begin
      v_hold := app_public.create_hold(v_room.token, 'group-hold:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no, minutes);
    exception
      when sqlstate 'SOLDO' then
        raise exception using errcode = 'SOLDO', hint = 'room ' || v_room.room_no,
          message = pg_catalog.format('Room %s (%s): no unit of this room type is free for these dates any more, so none of the rooms is held.',
                                      v_room.room_no, v_room.room_type);
      when others then
        get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
        perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
    end;
    update app_public.reservations r
       set group_id = v_group.id, room_no = v_room.room_no, guest_name = v_room.guest_name, promo_code_id = null
     where r.id = v_hold.reservation_id;
    v_ids := v_ids || v_hold.reservation_id;
    v_expires := least(v_expires, v_hold.expires_at);
    v_total := v_total + v_hold.total_amount;
    v_currency := v_hold.currency;
  end loop;

  v_result := (v_group.id, v_group.property_id, v_group.group_code, v_expires, v_currency, v_total, v_ids,
               app_private.sign('group:' || v_group.id))::app_public.group_hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_result));
  return v_result;
end;
$$;
comment on function app_public.create_group_hold(text, text, text, integer) is
  E'Holds every room of a group quote for `minutes` (default 10, 1 to 30), or none: a booking group with its code and a held reservation per room, at the quoted prices. Optional name (1 to 200 characters). Errors: QUOTE_INVALID, QUOTE_EXPIRED, INVALID_INPUT, DATES, SOLD_OUT (naming the room; nothing is held), PROMO_CODE (the quote''s promo code no longer applies, naming the room), IDEMPOTENCY_KEY_REUSED.';
