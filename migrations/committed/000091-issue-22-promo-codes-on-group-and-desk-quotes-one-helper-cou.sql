--! Previous: sha1:62a17c02a4e48032f0d0082e1f2f65e2a45c1173
--! Hash: sha1:9c69afbb65fc1d68a9cf93deb4417f6e64592978
--! Message: Issue 22: promo codes on group and desk quotes; one helper counts a code's use; change_group_rooms sets the group-change marker

-- Issue 22: promo codes on group and desk quotes. quoteGroup(promoCode)
-- applies one code to every room of a group (a discount line of each
-- room's price); createGroupHold keeps it on the group (booking_groups.
-- promo_code_id) and confirmGroup counts the group's one use atomically,
-- then gives the code to its rooms. deskQuote(promoCode) lets the front
-- desk apply a guest's code (not with a rate override); createDeskHold
-- keeps it on the reservation and confirmBooking counts it.
drop function if exists app_public.quote_group(app_public.group_room[], date, date);
drop function if exists app_public.desk_quote(uuid, date, date, integer, integer, uuid, bigint, numeric, text);

alter table app_public.booking_groups add column if not exists promo_code_id uuid;
comment on column app_public.booking_groups.promo_code_id is
  E'The promo code of the whole group (its discount is a line of each room''s price), counted once as used when the group is confirmed; the rooms get it then.';
alter table app_public.booking_groups drop constraint if exists booking_groups_property_id_promo_code_id_fkey;
alter table app_public.booking_groups add constraint booking_groups_property_id_promo_code_id_fkey
  foreign key (property_id, promo_code_id) references app_public.promo_codes (property_id, id) on delete restrict;
comment on constraint booking_groups_property_id_promo_code_id_fkey on app_public.booking_groups is
  E'@fieldName promoCode\n@foreignFieldName bookingGroups';
create index if not exists booking_groups_promo_code_idx on app_public.booking_groups (property_id, promo_code_id)
  where promo_code_id is not null;

-- The group quote names the promo code it applied to every room.
do $$
begin
  if not exists (select 1 from pg_catalog.pg_attribute
                  where attrelid = 'app_public.group_quote'::pg_catalog.regclass and attname = 'promo_code' and not attisdropped) then
    alter type app_public.group_quote add attribute promo_code text;
  end if;
end;
$$;
comment on column app_public.group_quote.promo_code is E'The promo code applied to every room (a discount line of each room''s price), or none.';

--! Included booking/app_private.use_promo_code.sql
-- Counts one use of a promo code at a confirmation, in one conditional
-- update of its row (uses + 1 where still active and under max_uses): of two
-- confirmations racing for its last use, the second waits for the first's
-- row lock, then finds none left: PROMO_CODE, reason USED_UP (INACTIVE when
-- deactivated meanwhile). `what` names what was being confirmed in the
-- message ("hold", "group"). confirm_group counts a group's one use with it;
-- confirm_booking counts a single booking's the same way (its own copy
-- until its owner moves it here).
create or replace function app_private.use_promo_code(property_id uuid, promo_code_id uuid, what text)
  returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  update app_public.promo_codes pc set uses = pc.uses + 1
   where pc.property_id = use_promo_code.property_id and pc.id = use_promo_code.promo_code_id
     and pc.is_active and (pc.max_uses is null or pc.uses < pc.max_uses);
  if not found then
    raise exception using errcode = 'PROMO',
      hint = case when exists (select 1 from app_public.promo_codes pc
                                where pc.property_id = use_promo_code.property_id and pc.id = use_promo_code.promo_code_id and not pc.is_active)
                  then 'INACTIVE' else 'USED_UP' end,
      message = pg_catalog.format('The promo code of this %s was used up or withdrawn meanwhile; please quote again without it.', what);
  end if;
end;
$$;
comment on function app_private.use_promo_code(uuid, uuid, text) is
  E'Counts one use of a promo code at a confirmation (atomic: the last use goes to one caller); PROMO_CODE (USED_UP or INACTIVE) when none is left.';
--! EndIncluded booking/app_private.use_promo_code.sql
--! Included booking/app_public.quote_group.sql
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
                                  promo_code => quote_group.promo_code);
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
--! EndIncluded booking/app_public.quote_group.sql
--! Included booking/app_public.create_group_hold.sql
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
--! EndIncluded booking/app_public.create_group_hold.sql
--! Included booking/app_public.confirm_group.sql
-- Confirms every room of a group hold in one call: each room by
-- app_public.confirm_booking (its confirmation code, its folio charged at
-- the locked price, its payments scheduled by its rate plan's deposit
-- rules), the booker's contact on the group and on each room; returns each
-- room's booking, in room order. The rooming list (guest_names, element n
-- for room n; null or an empty element keeps the name the hold gave) is
-- written first, in the same transaction, so the confirmation message
-- already has who sleeps in each room. The guest is
-- told once: the group's confirmation goes with its first room. Whoever
-- made the group hold confirms it: the caller gives its hold token, or is
-- the signed-in guest who made it, or is front-office staff of the
-- property; anyone else gets NTFND. Any room that cannot be confirmed
-- (its hold expired and its nights were taken: HOLD_EXPIRED) fails the
-- whole call, naming the room, and nothing is confirmed. The group's promo
-- code (booking_groups.promo_code_id) is counted once for the whole group,
-- in one conditional update of its row after the rooms are confirmed: of
-- two groups racing for its last use, the second waits for the first and
-- then finds none left (PROMO_CODE, reason USED_UP; INACTIVE when
-- deactivated meanwhile), and nothing of it is confirmed. Then every room
-- gets the code, so its changes keep the discount.
create or replace function app_public.confirm_group(
  booking_group_id uuid,
  idempotency_key text,
  full_name text,
  email text,
  phone text default null,
  special_requests text default null,
  hold_token text default null,
  guest_names text[] default null
) returns setof app_public.booking
  language plpgsql volatile security definer rows 3
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_group app_public.booking_groups;
  v_room app_public.reservations;
  v_detail text;
  v_hint text;
begin
  v_replay := app_private.idempotency_begin('confirm_group', idempotency_key, pg_catalog.jsonb_build_object(
    'booking_group_id', booking_group_id, 'full_name', full_name, 'email', email, 'phone', phone,
    'special_requests', special_requests)
    -- (keys given before the rooming list was a parameter still replay)
    || case when guest_names is null then '{}'::jsonb else pg_catalog.jsonb_build_object('guest_names', guest_names) end);
  if v_replay is not null then
    return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking, v_replay);
    return;
  end if;

  select * into v_group from app_public.booking_groups g where g.id = confirm_group.booking_group_id for update;
  if not found
     or not (v_group.property_id in (select app_hidden.current_property_ids_for('front_office'))
             or coalesce(v_group.user_id = app_hidden.current_user_id(), false)
             or coalesce(confirm_group.hold_token = app_private.sign('group:' || v_group.id), false)) then
    raise exception using errcode = 'NTFND', message = 'No such group hold.';
  end if;

  -- The rooming list, before any room is confirmed (its message reads it).
  if guest_names is not null then
    if pg_catalog.array_ndims(guest_names) > 1 or pg_catalog.cardinality(guest_names) > (
         select pg_catalog.count(*) from app_public.reservations r
          where r.property_id = v_group.property_id and r.group_id = v_group.id) then
      raise exception using errcode = 'INVLD', message = 'The rooming list has more names than the group has rooms.';
    end if;
    for v_room in
      select * from app_public.reservations r
       where r.property_id = v_group.property_id and r.group_id = v_group.id
         and nullif(pg_catalog.btrim(confirm_group.guest_names[r.room_no]), '') is not null
       order by r.room_no
    loop
      if pg_catalog.length(pg_catalog.btrim(guest_names[v_room.room_no])) > 200 then
        raise exception using errcode = 'INVLD', message = pg_catalog.format('Room %s: a guest''s name has at most 200 characters.', v_room.room_no);
      end if;
      update app_public.reservations r
         set guest_name = pg_catalog.btrim(confirm_group.guest_names[v_room.room_no])
       where r.property_id = v_room.property_id and r.id = v_room.id;
    end loop;
  end if;

  for v_room in
    select * from app_public.reservations r
     where r.property_id = v_group.property_id and r.group_id = v_group.id
     order by r.room_no
  loop
    begin
      perform app_public.confirm_booking(v_room.id, 'group-confirm:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no,
                                         full_name, email, phone, special_requests, app_private.sign('hold:' || v_room.id));
    exception when others then
      get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
    end;
  end loop;

  if v_group.promo_code_id is not null then
    perform app_private.use_promo_code(v_group.property_id, v_group.promo_code_id, 'group');
    update app_public.reservations r set promo_code_id = v_group.promo_code_id
     where r.property_id = v_group.property_id and r.group_id = v_group.id;
  end if;

  update app_public.booking_groups g
     set contact_name = pg_catalog.btrim(confirm_group.full_name),
         contact_email = nullif(pg_catalog.btrim(confirm_group.email), '')::public.citext,
         contact_phone = confirm_group.phone,
         confirmed_at = pg_catalog.now()
   where g.id = v_group.id;

  return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking,
    app_private.idempotency_finish(idempotency_key, app_private.group_bookings(v_group)));
end;
$$;
comment on function app_public.confirm_group(uuid, text, text, text, text, text, text, text[]) is
  E'Confirms every room of a group hold for the booker (name, email, optional phone and requests; the property''s front office may leave the email out) and, optionally, the rooming list (guestNames: the name of who sleeps in room n at position n; an empty or missing name keeps the one given at the hold): each room gets its confirmation code, its folio and its payments by its rate plan; one confirmation message for the group. Returns each room''s booking, in room order. Give the hold token createGroupHold returned (not needed by the signed-in guest who made it or by the front office). Errors (naming the room): NOT_FOUND, INVALID_TRANSITION, HOLD_EXPIRED, INVALID_EMAIL, INVALID_NAME, INVALID_PHONE, INVALID_INPUT, PROMO_CODE (the group''s promo code was used up or deactivated meanwhile; counted once per group), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.confirm_group.sql
--! Included booking/app_public.desk_quote.sql
-- The front desk's quote for a walk-in or a phone booking: app_public.quote,
-- plus a unit of the room type chosen by the desk (free for those nights:
-- UNIT_UNAVAILABLE otherwise) and a rate override with its reason (a new
-- room price, or a percent off it; see app_private.check_desk_override for
-- who may give how much). The price lines show the override as a line of its
-- own and the taxes follow the new room price. The token is signed for
-- createDeskHold only (createHold refuses it), carries the unit and the
-- override, and is valid for 30 minutes. Front office of the property only.
-- promo_code: the desk may apply a guest's code as quote does (its checks,
-- its discount line, PROMO_CODE when it does not apply); the token carries
-- it and createDeskHold checks it again. A code and a rate override do not
-- combine (INVALID_INPUT, reason PROMO_WITH_OVERRIDE): the override is the
-- desk's price.
create or replace function app_public.desk_quote(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  unit_id uuid default null,
  room_amount bigint default null,
  discount_percent numeric default null,
  override_reason text default null,
  promo_code text default null
) returns app_public.quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_plan app_public.rate_plans;
  v_restriction record;
  v_quote app_public.quote;
  v_plain app_public.quote;
  v_percent numeric;
  v_override jsonb;
  v_payload text;
  v_promo app_public.promo_codes;
begin
  select rp.* into v_plan from app_public.rate_plans rp
   where rp.id = desk_quote.rate_plan_id and rp.property_id in (select app_hidden.current_property_ids());
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such rate plan.';
  end if;
  perform app_private.require_staff(v_plan.property_id, app_hidden.staff_group_roles('front_office'), 'take bookings');
  perform app_private.check_stay(v_plan.property_id, arrival, departure, adults, children);
  select * into v_restriction
    from app_private.stay_restrictions(array[desk_quote.rate_plan_id], arrival, departure, adults, children);
  if v_restriction.restriction is not null then
    raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
  end if;

  if unit_id is not null then
    if not exists (select from app_public.units u
                    where u.property_id = v_plan.property_id and u.id = desk_quote.unit_id and u.room_type_id = v_plan.room_type_id) then
      raise exception using errcode = 'NTFND', message = 'No such unit of this room type.';
    end if;
    if not exists (select from app_private.free_units(array[v_plan.property_id], pg_catalog.daterange(arrival, departure), v_plan.room_type_id) f
                    where f.unit_id = desk_quote.unit_id) then
      raise exception using errcode = 'UNAVL', message = 'That unit is taken for some of those nights; choose another or any free unit.';
    end if;
  end if;

  if nullif(pg_catalog.btrim(promo_code), '') is not null then
    if room_amount is not null or discount_percent is not null or override_reason is not null then
      raise exception using errcode = 'INVLD', hint = 'PROMO_WITH_OVERRIDE',
        message = 'A promo code and a rate override do not combine; use one of them.';
    end if;
    if pg_catalog.length(promo_code) > 100 then
      raise exception using errcode = 'PROMO', hint = 'UNKNOWN', message = 'This promo code is not valid here.';
    end if;
    v_promo := app_private.check_promo_code(v_plan.property_id, desk_quote.rate_plan_id, arrival, departure, promo_code);
  end if;

  if room_amount is not null or discount_percent is not null or override_reason is not null then
    v_plain := app_private.quote_for(desk_quote.rate_plan_id, arrival, departure, adults, children);
    v_percent := app_private.check_desk_override(v_plan.property_id, v_plain.room_amount, room_amount, discount_percent, override_reason);
    v_quote := app_private.quote_for(desk_quote.rate_plan_id, arrival, departure, adults, children,
                 room_amount, discount_percent,
                 case when room_amount is not null then 'Rate set by the front desk: ' else pg_catalog.format('Front desk discount %s%%: ', pg_catalog.trim_scale(discount_percent)) end
                   || pg_catalog.btrim(override_reason));
    v_override := pg_catalog.jsonb_build_object(
      'quoted_room_amount', v_plain.room_amount, 'quoted_total_amount', v_plain.total_amount,
      'room_amount', v_quote.room_amount, 'discount_percent', v_percent,
      'kind', case when room_amount is not null then 'room_amount' else 'discount_percent' end,
      'reason', pg_catalog.btrim(override_reason));
  else
    v_quote := app_private.quote_for(desk_quote.rate_plan_id, arrival, departure, adults, children, promo => v_promo);
  end if;
  if v_quote.units_left = 0 then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates.';
  end if;
  v_quote.valid_until := pg_catalog.now() + interval '30 minutes';
  v_payload := pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(
                 (pg_catalog.to_jsonb(v_quote) || pg_catalog.jsonb_build_object('unit_id', unit_id, 'override', v_override))::text, 'UTF8'), 'base64'),
                 E'+/=\n', '-_');
  v_quote.quote_token := v_payload || '.' || app_private.sign('desk:' || v_payload);
  return v_quote;
end;
$$;
comment on function app_public.desk_quote(uuid, date, date, integer, integer, uuid, bigint, numeric, text, text) is
  E'The front desk''s quote: like quote, with a chosen unit (free for those nights) and either a rate override (a new room price, roomAmount, or discountPercent off it) with its reason, or a guest''s promoCode (as quote applies it); the token is for createDeskHold. Front office of the property only; the front desk within the property''s deskMaxDiscountPercent. Errors: NOT_FOUND, ACCESS_DENIED, DATES, GUEST, RESTRICTED, SOLD_OUT, UNIT_UNAVAILABLE, OVERRIDE_LIMIT, OVERRIDE_REASON_REQUIRED, INVALID_INPUT (reason OVERRIDE, or PROMO_WITH_OVERRIDE), PROMO_CODE (reason UNKNOWN, INACTIVE, NOT_YET, EXPIRED, STAY_DATES, RATE_PLAN or USED_UP).';
--! EndIncluded booking/app_public.desk_quote.sql
--! Included booking/app_public.create_desk_hold.sql
-- Holds the stay of a desk quote (app_public.desk_quote) for `minutes`
-- (default 10, 1 to 30) at the quote's price: the unit the desk chose
-- (UNIT_UNAVAILABLE when someone took it since) or any free unit of the type
-- (SOLD_OUT when none is left). The exclusion constraint on claims is the
-- judge, as for createHold: two desks cannot hold the same night of a unit.
-- The override is checked again (the caller's role may have changed since
-- the quote, and only the front office may use a desk token) and recorded in
-- app_public.rate_overrides with the reservation (audited: its history
-- says who, how much and why). Confirm with confirmBooking as any hold.
-- A desk quote's promo code is checked again (PROMO_CODE when it no longer
-- applies) and kept on the reservation; confirm_booking counts its use.
create or replace function app_public.create_desk_hold(
  quote_token text,
  idempotency_key text,
  minutes integer default 10
) returns app_public.hold
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_payload jsonb := app_private.quote_payload(quote_token, 'desk:');
  v_quote app_public.quote;
  v_unit_id uuid;
  v_override jsonb;
  v_percent numeric;
  v_id uuid := gen_random_uuid();
  v_claim app_public.inventory_claims;
  v_hold app_public.hold;
  v_promo app_public.promo_codes;
begin
  v_replay := app_private.idempotency_begin('create_desk_hold', idempotency_key,
                pg_catalog.jsonb_build_object('quote_token', quote_token, 'minutes', minutes));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.hold, v_replay);
  end if;

  v_quote := pg_catalog.jsonb_populate_record(null::app_public.quote, v_payload);
  v_unit_id := (v_payload ->> 'unit_id')::uuid;
  v_override := nullif(v_payload -> 'override', 'null'::jsonb);
  perform app_private.require_staff(v_quote.property_id, app_hidden.staff_group_roles('front_office'), 'take bookings');
  if minutes is null or minutes not between 1 and 30 then
    raise exception using errcode = 'INVLD', message = 'A hold lasts 1 to 30 minutes.';
  end if;
  if v_quote.valid_until < pg_catalog.now() then
    raise exception using errcode = 'QTEXP',
      message = pg_catalog.format('This quote expired at %s; get a new quote.', v_quote.valid_until);
  end if;
  perform app_private.check_stay(v_quote.property_id, v_quote.arrival, v_quote.departure, v_quote.adults, v_quote.children);
  if v_override is not null then
    v_percent := app_private.check_desk_override(v_quote.property_id, (v_override ->> 'quoted_room_amount')::bigint,
                   case when v_override ->> 'kind' = 'room_amount' then (v_override ->> 'room_amount')::bigint end,
                   case when v_override ->> 'kind' = 'discount_percent' then (v_override ->> 'discount_percent')::numeric end,
                   v_override ->> 'reason');
  end if;
  if v_quote.promo_code is not null then
    v_promo := app_private.check_promo_code(v_quote.property_id, v_quote.rate_plan_id, v_quote.arrival, v_quote.departure,
                                            v_quote.promo_code);
  end if;

  v_claim := app_private.claim_unit(v_quote.property_id, v_quote.room_type_id,
                                    pg_catalog.daterange(v_quote.arrival, v_quote.departure), 'hold',
                                    reservation_id => v_id,
                                    expires_at => pg_catalog.now() + pg_catalog.make_interval(mins => minutes),
                                    preferred_unit_id => v_unit_id, exact_unit => v_unit_id is not null);
  if v_claim.id is null and v_unit_id is not null then
    raise exception using errcode = 'UNAVL', message = 'That unit was taken for some of those nights meanwhile; choose another or any free unit.';
  elsif v_claim.id is null then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates any more.';
  end if;

  insert into app_public.reservations (
    id, property_id, room_type_id, rate_plan_id, unit_id, user_id, status, stay, adults, children, currency,
    room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, hold_expires_at, unit_pinned,
    promo_code_id
  ) values (
    v_id, v_quote.property_id, v_quote.room_type_id, v_quote.rate_plan_id, v_claim.unit_id, null,
    'held', pg_catalog.daterange(v_quote.arrival, v_quote.departure), v_quote.adults, v_quote.children, v_quote.currency,
    v_quote.room_amount, v_quote.fees_amount, v_quote.taxes_amount, v_quote.total_amount,
    pg_catalog.to_jsonb(v_quote.lines),
    pg_catalog.jsonb_build_object(
      'is_refundable', v_quote.is_refundable,
      'free_cancellation_until', v_quote.free_cancellation_until,
      'late_cancellation_penalty', v_quote.late_cancellation_penalty,
      'terms', v_quote.cancellation_terms),
    v_claim.expires_at,
    -- The unit the guest was promised stays theirs: the allocator does not move it.
    v_unit_id is not null,
    v_promo.id
  );
  if v_override is not null then
    insert into app_public.rate_overrides (property_id, reservation_id, kind, quoted_room_amount, room_amount, discount_percent, reason, created_by, creator_role)
    select v_quote.property_id, v_id, v_override ->> 'kind', (v_override ->> 'quoted_room_amount')::bigint, v_quote.room_amount,
           v_percent, v_override ->> 'reason', app_hidden.current_user_id(), m.role
      from app_public.property_memberships m
     where m.property_id = v_quote.property_id and m.user_id = app_hidden.current_user_id();
  end if;

  v_hold := (v_id, v_quote.property_id, v_claim.expires_at, v_quote.currency, v_quote.total_amount,
             app_private.sign('hold:' || v_id))::app_public.hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_hold));
  return v_hold;
end;
$$;
comment on function app_public.create_desk_hold(text, text, integer) is
  E'Holds the stay of a deskQuote token (its unit, or any free unit of the type) at its price, overridden or not, for `minutes` (default 10, 1 to 30), recording the override with the reservation. Front office of the property only. Errors: QUOTE_INVALID, QUOTE_EXPIRED, ACCESS_DENIED, DATES, SOLD_OUT, UNIT_UNAVAILABLE, OVERRIDE_LIMIT, PROMO_CODE (the quote''s promo code no longer applies), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.create_desk_hold.sql
grant execute on function app_public.quote_group(app_public.group_room[], date, date, text) to keepr_anonymous;
grant execute on function app_public.desk_quote(uuid, date, date, integer, integer, uuid, bigint, numeric, text, text) to keepr_staff;

-- One helper runs a whole group's per-room actions under the keepr.group_change
-- marker (review of 000090): change_group_dates and cancel_group call it instead of
-- setting the marker by hand around loops of their own.
--! Included booking/app_private.change_group_rooms.sql
-- The per-room actions of a change of a whole booking group, under the
-- group's marker: every room that is not cancelled, in room order, is moved
-- to new dates (action 'dates': app_public.modify_reservation) or cancelled
-- (action 'cancel': app_public.cancel_reservation), while the
-- transaction-local setting keepr.group_change holds the group's id, so the
-- notification trigger (app_private.tg_reservations__notify) tells the
-- group once rather than each room. The one place that sets the marker:
-- change_group_dates and cancel_group call it, and a future group-wide
-- action is added here (a new action), not as another loop that could
-- forget the marker. A room that fails fails the whole call, named
-- ("Room 2: …"; SOLD_OUT "Room 2 (Suite): …" for dates no unit of its type
-- is free for); the marker is cleared when every room is done (and with
-- the failed call's rollback otherwise). Each room's own idempotency key is
-- '<group-dates|group-cancel>:<md5 of the group call's key>:<room no>'.
create or replace function app_private.change_group_rooms(
  booking_group app_public.booking_groups,
  action text,
  idempotency_key text,
  arrival date default null,
  departure date default null,
  reason text default null
) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_room record;
  v_detail text;
  v_hint text;
begin
  if action is null or action not in ('dates', 'cancel') then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('No such group action: %s.', action);
  end if;
  perform pg_catalog.set_config('keepr.group_change', (booking_group).id::text, true);
  for v_room in
    select r.id, r.room_no, rt.name as room_type
      from app_public.reservations r
      join app_public.room_types rt on rt.id = r.room_type_id
     where r.property_id = (booking_group).property_id and r.group_id = (booking_group).id and r.status <> 'cancelled'
     order by r.room_no
  loop
    begin
      if action = 'dates' then
        perform app_public.modify_reservation(v_room.id, 'group-dates:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no,
                                              change_group_rooms.arrival, change_group_rooms.departure);
      else
        perform app_public.cancel_reservation(v_room.id, 'group-cancel:' || pg_catalog.md5(idempotency_key) || ':' || v_room.room_no,
                                              change_group_rooms.reason);
      end if;
    exception
      when sqlstate 'SOLDO' then
        if action <> 'dates' then
          raise;
        end if;
        raise exception using errcode = 'SOLDO', hint = 'room ' || v_room.room_no,
          message = pg_catalog.format('Room %s (%s): no unit of this room type is free for the new dates, so no room has moved.',
                                      v_room.room_no, v_room.room_type);
      when others then
        get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
        perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
    end;
  end loop;
  perform pg_catalog.set_config('keepr.group_change', '', true);
end;
$$;
comment on function app_private.change_group_rooms(app_public.booking_groups, text, text, date, date, text) is
  E'Runs a whole group''s per-room action (''dates'': modify_reservation; ''cancel'': cancel_reservation) on its rooms not cancelled, in room order, under the keepr.group_change marker (one message for the group); the one place the marker is set. Errors name the room.';
--! EndIncluded booking/app_private.change_group_rooms.sql
--! Included booking/app_public.change_group_dates.sql
-- Moves every room of a booking group that is not cancelled to new dates,
-- all or none: each room by app_public.modify_reservation (re-priced at
-- today's rates on its own rate plan and guests, re-claimed, its folio
-- charged or credited the difference, its open payments following), in
-- room order, in one transaction. A room that cannot move fails the whole
-- call and nothing moves: SOLD_OUT "Room 2 (Suite): …" when no unit of its
-- type is free for the new dates, and otherwise the room's own error
-- ("Room 2: …"; a guest's refusal, a room in house, a restriction).
-- quoteGroupChange prices it first. Front office, the signed-in guest who
-- made the group, or the holder of the group's token (a guest's change
-- under the same rules as modifyReservation). Returns each room's booking,
-- in room order.
create or replace function app_public.change_group_dates(
  booking_group_id uuid,
  idempotency_key text,
  arrival date,
  departure date
) returns setof app_public.booking
  language plpgsql volatile security definer rows 3
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_group app_public.booking_groups;
begin
  v_replay := app_private.idempotency_begin('change_group_dates', idempotency_key, pg_catalog.jsonb_build_object(
    'booking_group_id', booking_group_id, 'arrival', arrival, 'departure', departure));
  if v_replay is not null then
    return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking, v_replay);
    return;
  end if;
  v_group := app_private.lock_booking_group(change_group_dates.booking_group_id, app_hidden.staff_group_roles('front_office'), 'change reservations');
  -- The dates themselves (order, length, not past, not too far) once for the group, not as room 1's error.
  perform app_private.check_stay(v_group.property_id, arrival, departure, 1, 0);
  if not exists (select 1 from app_public.reservations r
                  where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status <> 'cancelled') then
    raise exception using errcode = 'TRANS', message = 'Every room of this group is cancelled: there is nothing to change.';
  end if;
  -- Every room, under the group's marker (one message for the group).
  perform app_private.change_group_rooms(v_group, 'dates', idempotency_key, arrival => change_group_dates.arrival,
                                         departure => change_group_dates.departure);
  return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking,
    app_private.idempotency_finish(idempotency_key, app_private.group_bookings(v_group)));
end;
$$;
comment on function app_public.change_group_dates(uuid, text, date, date) is
  E'Moves every room of a booking group (cancelled rooms aside) to new dates, all or none: each re-priced on its own rate plan and re-claimed, its folio charged or credited the difference (price it first with quoteGroupChange). Returns each room''s booking, in room order. Front office, the guest who made the group (signed in) or the group''s token (under the rules of a guest''s own change). Errors name the room: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT (nothing moves), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.change_group_dates.sql
--! Included booking/app_public.cancel_group.sql
-- Cancels every room of a booking group that is held or confirmed, each by
-- app_public.cancel_reservation: its own rate plan's cancellation terms, its
-- penalty on its own folio, its unit released, its refund started. Rooms
-- already cancelled are left as they are; a room in house, checked out or a
-- no-show makes the whole call fail (INVALID_TRANSITION naming the room)
-- and nothing is cancelled: cancel the other rooms one by one
-- (cancelReservation). Returns each room's booking, in room order.
-- Front-office staff, the signed-in guest who made
-- the group, or the holder of the group's token.
create or replace function app_public.cancel_group(
  booking_group_id uuid,
  idempotency_key text,
  reason text default null
) returns setof app_public.booking
  language plpgsql volatile security definer rows 3
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_group app_public.booking_groups;
begin
  v_replay := app_private.idempotency_begin('cancel_group', idempotency_key,
                pg_catalog.jsonb_build_object('booking_group_id', booking_group_id, 'reason', reason));
  if v_replay is not null then
    return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking, v_replay);
    return;
  end if;
  v_group := app_private.lock_booking_group(cancel_group.booking_group_id, app_hidden.staff_group_roles('front_office'), 'cancel reservations');
  if not exists (select 1 from app_public.reservations r
                  where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status in ('held', 'confirmed')) then
    raise exception using errcode = 'TRANS', message = 'No room of this group is held or booked: there is nothing to cancel.';
  end if;
  -- Every room, under the group's marker (one message for the group).
  perform app_private.change_group_rooms(v_group, 'cancel', idempotency_key, reason => cancel_group.reason);
  return query select * from pg_catalog.jsonb_populate_recordset(null::app_public.booking,
    app_private.idempotency_finish(idempotency_key, app_private.group_bookings(v_group)));
end;
$$;
comment on function app_public.cancel_group(uuid, text, text) is
  E'Cancels every held or confirmed room of a booking group, each under its own rate plan''s terms (penalty on its folio, refund of the rest); rooms already cancelled are left alone. Returns each room''s booking, in room order. Front office, the guest who made it (signed in) or the group''s token. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (naming the room; nothing is cancelled), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.cancel_group.sql
