--! Previous: sha1:feed6afb58fe2bb8af08b3e95e50d888597a90f7
--! Hash: sha1:f7ff62311dc476387d7f8ed5c0578562b00ec1b9
--! Message: Issue 22: quote_group_room prices a room to add to a group as add_group_room charges it (the group's promo code)

-- Issue 22: the console's Add room shows what addGroupRoom charges. A room
-- added to a group is priced with the group's promo code (V's 000098); its
-- price was shown by quote, without the code. quote_group_room prices it as
-- add_group_room does, and both take the group's code through one helper.
--! Included booking/app_private.group_promo_for.sql
-- The promo code a room added to a booking group is priced with: the
-- group's (booking_groups.promo_code_id), on its terms for this rate plan
-- only (its uses and booking window were spent when the group counted its
-- one use); null when the group has none. PROMO_CODE, reason RATE_PLAN,
-- naming the room, when the code does not cover the rate plan.
create or replace function app_private.group_promo_for(group_row app_public.booking_groups, rate_plan_id uuid, room_no integer)
  returns app_public.promo_codes
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_promo app_public.promo_codes;
begin
  if (group_row).promo_code_id is null then
    return null;
  end if;
  select * into v_promo from app_public.promo_codes pc
   where pc.property_id = (group_row).property_id and pc.id = (group_row).promo_code_id;
  if v_promo.rate_plan_ids is not null and not (group_promo_for.rate_plan_id = any (v_promo.rate_plan_ids)) then
    raise exception using errcode = 'PROMO', hint = 'RATE_PLAN',
      message = pg_catalog.format('Room %s: this group''s promo code %s is not for this rate; choose a rate it covers.', room_no, v_promo.code);
  end if;
  return v_promo;
end;
$$;
comment on function app_private.group_promo_for(app_public.booking_groups, uuid, integer) is
  E'The group''s promo code for a room added to it (null: none); PROMO_CODE RATE_PLAN when it does not cover the rate plan.';
--! EndIncluded booking/app_private.group_promo_for.sql
--! Included booking/app_public.add_group_room.sql
-- Adds a room to a confirmed booking group, for the group's stay (that of
-- its first room still booked): priced by app_public.quote under the same
-- rules as the group's rooms (its rate plan, guests and restrictions),
-- held by app_public.create_hold (its claim: the exclusion constraint and
-- the allocator decide, SOLD_OUT when no unit is free) and confirmed by
-- app_public.confirm_booking under the group's contact (its code, its
-- folio charged, its payments by its rate plan), in one transaction. It
-- takes the next place in the rooming list and belongs to whoever made the
-- group. The group's promo code follows it: its discount is a line of the
-- new room's price, and no second use is counted (the group counted one).
-- The group's confirmation message is not sent again. Front office,
-- the signed-in guest who made the group, or the holder of its token.
-- Price it first with app_public.quote_group_room.
create or replace function app_public.add_group_room(
  booking_group_id uuid,
  idempotency_key text,
  rate_plan_id uuid,
  adults integer,
  children integer default 0,
  guest_name text default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_group app_public.booking_groups;
  v_first app_public.reservations;
  v_room_no integer;
  v_quote app_public.quote;
  v_hold app_public.hold;
  v_key text := 'group-add:' || pg_catalog.md5(idempotency_key);
  v_booking app_public.booking;
  v_room_type text;
  v_promo app_public.promo_codes;
begin
  v_replay := app_private.idempotency_begin('add_group_room', idempotency_key, pg_catalog.jsonb_build_object(
    'booking_group_id', booking_group_id, 'rate_plan_id', rate_plan_id, 'adults', adults, 'children', children,
    'guest_name', guest_name));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_group := app_private.lock_booking_group(add_group_room.booking_group_id, app_hidden.staff_group_roles('front_office'), 'add rooms to groups');
  if v_group.confirmed_at is null then
    raise exception using errcode = 'TRANS', message = 'This group is not confirmed yet: confirm it, then add rooms.';
  end if;
  select * into v_first from app_public.reservations r
   where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status = 'confirmed'
   order by r.room_no
   limit 1;
  if not found then
    raise exception using errcode = 'TRANS', message = 'No room of this group is booked ahead any more: a room can be added only to a group still to come.';
  end if;
  if (select pg_catalog.count(*) from app_public.reservations r
       where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status <> 'cancelled') >= 20 then
    raise exception using errcode = 'INVLD', message = 'A group books at most 20 rooms.';
  end if;
  if pg_catalog.length(pg_catalog.btrim(guest_name)) > 200 then
    raise exception using errcode = 'INVLD', message = 'A guest''s name has at most 200 characters.';
  end if;
  select coalesce(max(r.room_no), 0) + 1 into v_room_no
    from app_public.reservations r
   where r.property_id = v_group.property_id and r.group_id = v_group.id;

  begin
    v_quote := app_public.quote(add_group_room.rate_plan_id, pg_catalog.lower(v_first.stay), pg_catalog.upper(v_first.stay),
                                add_group_room.adults, coalesce(add_group_room.children, 0));
    if v_quote.property_id <> v_group.property_id then
      raise exception using errcode = 'NTFND', message = 'No such rate plan at this group''s property.';
    end if;
    v_hold := app_public.create_hold(v_quote.quote_token, v_key || ':hold', 10);
  exception when sqlstate 'SOLDO' then
    -- No unit left, at the quote or at the claim.
    select rt.name into v_room_type
      from app_public.rate_plans rp join app_public.room_types rt on rt.id = rp.room_type_id
     where rp.id = add_group_room.rate_plan_id;
    raise exception using errcode = 'SOLDO', hint = 'room ' || v_room_no,
      message = pg_catalog.format('Room %s (%s): no unit of this room type is free for the group''s dates; no room was added.', v_room_no, v_room_type);
  end;
  update app_public.reservations r
     set group_id = v_group.id, room_no = v_room_no, user_id = v_group.user_id,
         guest_name = nullif(pg_catalog.btrim(add_group_room.guest_name), '')
   where r.property_id = v_group.property_id and r.id = v_hold.reservation_id;
  -- The group's promo code follows its rooms: the new room is priced with
  -- its discount (as quote_group priced the others; its terms on this rate
  -- plan, not its uses or booking window: the group has counted its one
  -- use), and confirm_booking counts no use for it.
  v_promo := app_private.group_promo_for(v_group, add_group_room.rate_plan_id, v_room_no);
  if v_promo.id is not null then
    v_quote := app_private.quote_for(add_group_room.rate_plan_id, pg_catalog.lower(v_first.stay), pg_catalog.upper(v_first.stay),
                                     add_group_room.adults, coalesce(add_group_room.children, 0), promo => v_promo);
    update app_public.reservations r
       set room_amount = v_quote.room_amount, fees_amount = v_quote.fees_amount, taxes_amount = v_quote.taxes_amount,
           total_amount = v_quote.total_amount, price_lines = pg_catalog.to_jsonb(v_quote.lines),
           cancellation_policy = pg_catalog.jsonb_build_object(
             'is_refundable', v_quote.is_refundable,
             'free_cancellation_until', v_quote.free_cancellation_until,
             'late_cancellation_penalty', v_quote.late_cancellation_penalty,
             'terms', v_quote.cancellation_terms),
           promo_code_id = v_promo.id
     where r.property_id = v_group.property_id and r.id = v_hold.reservation_id;
  end if;
  v_booking := app_public.confirm_booking(v_hold.reservation_id, v_key || ':confirm',
                                          coalesce(v_group.contact_name, v_first.contact_name),
                                          coalesce(v_group.contact_email, v_first.contact_email)::text,
                                          coalesce(v_group.contact_phone, v_first.contact_phone),
                                          null, v_hold.hold_token);
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_booking)));
end;
$$;
comment on function app_public.add_group_room(uuid, text, uuid, integer, integer, text) is
  E'Adds a room to a confirmed booking group for the group''s dates: priced like the group''s rooms (price it first with quoteGroupRoom), held and confirmed under the group''s contact in one call, with its own code, folio and payments; it takes the next place in the rooming list. The group''s promo code, if any, discounts the new room too (no second use counted; PROMO_CODE RATE_PLAN when the code is not for this rate). Front office, the guest who made the group (signed in) or the group''s token. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, DATES, GUEST, RESTRICTED, SOLD_OUT, PROMO_CODE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.add_group_room.sql
--! Included booking/app_public.quote_group_room.sql
-- Prices a room to add to a confirmed booking group, as add_group_room
-- will charge it: for the group's stay (its first room still booked), on
-- the rate plan's rules and restrictions (app_public.quote), with the
-- group's promo code on its terms for this rate plan (no use counted:
-- app_private.group_promo_for). A price to show, not to hold: no quote
-- token. Whoever may add rooms to the group: front office, the signed-in
-- guest who made it, or the holder of its token; NOT_FOUND for anyone else.
create or replace function app_public.quote_group_room(
  booking_group_id uuid,
  rate_plan_id uuid,
  adults integer,
  children integer default 0
) returns app_public.quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_group app_public.booking_groups;
  v_first app_public.reservations;
  v_promo app_public.promo_codes;
  v_quote app_public.quote;
  v_room_no integer;
begin
  select * into v_group from app_public.booking_groups g where g.id = quote_group_room.booking_group_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such booking group, or you cannot see it.';
  end if;
  if not coalesce(v_group.id = app_hidden.current_booking_group_id()
                  or (v_group.user_id is not null and v_group.user_id = app_hidden.current_user_id()), false) then
    perform app_private.require_staff(v_group.property_id, app_hidden.staff_group_roles('front_office'), 'add rooms to groups');
  end if;
  select * into v_first from app_public.reservations r
   where r.property_id = v_group.property_id and r.group_id = v_group.id and r.status = 'confirmed'
   order by r.room_no
   limit 1;
  if not found then
    raise exception using errcode = 'TRANS', message = 'No room of this group is booked ahead any more: a room can be added only to a group still to come.';
  end if;
  v_quote := app_public.quote(quote_group_room.rate_plan_id, pg_catalog.lower(v_first.stay), pg_catalog.upper(v_first.stay),
                              quote_group_room.adults, coalesce(quote_group_room.children, 0));
  if v_quote.property_id <> v_group.property_id then
    raise exception using errcode = 'NTFND', message = 'No such rate plan at this group''s property.';
  end if;
  select coalesce(max(r.room_no), 0) + 1 into v_room_no
    from app_public.reservations r
   where r.property_id = v_group.property_id and r.group_id = v_group.id;
  v_promo := app_private.group_promo_for(v_group, quote_group_room.rate_plan_id, v_room_no);
  if v_promo.id is not null then
    v_quote := app_private.quote_for(quote_group_room.rate_plan_id, pg_catalog.lower(v_first.stay), pg_catalog.upper(v_first.stay),
                                     quote_group_room.adults, coalesce(quote_group_room.children, 0), promo => v_promo);
  end if;
  v_quote.quote_token := null;
  v_quote.valid_until := null;
  return v_quote;
end;
$$;
comment on function app_public.quote_group_room(uuid, uuid, integer, integer) is
  E'Prices a room to add to a confirmed booking group (addGroupRoom then charges this price): the group''s dates, the rate plan''s rules, the group''s promo code (PROMO_CODE RATE_PLAN when it does not cover the rate). No quote token: addGroupRoom books. Front office, the guest who made the group (signed in) or the group''s token. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT, PROMO_CODE.';
--! EndIncluded booking/app_public.quote_group_room.sql
grant execute on function app_public.quote_group_room(uuid, uuid, integer, integer) to keepr_anonymous;
