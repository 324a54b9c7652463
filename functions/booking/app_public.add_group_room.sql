-- Adds a room to a confirmed booking group, for the group's stay (that of
-- its first room still booked): priced by app_public.quote under the same
-- rules as the group's rooms (its rate plan, guests, children's ages and
-- restrictions),
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
  guest_name text default null,
  child_ages integer[] default null
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
    'guest_name', guest_name)
    -- (only when given: a key first used before rooms took ages replays as before)
    || case when add_group_room.child_ages is not null
            then pg_catalog.jsonb_build_object('child_ages', add_group_room.child_ages) else '{}'::jsonb end);
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
                                add_group_room.adults, coalesce(add_group_room.children, 0),
                                child_ages => add_group_room.child_ages);
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
                                     add_group_room.adults, coalesce(add_group_room.children, 0), promo => v_promo,
                                     child_ages => add_group_room.child_ages);
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
comment on function app_public.add_group_room(uuid, text, uuid, integer, integer, text, integer[]) is
  E'Adds a room to a confirmed booking group for the group''s dates: priced like the group''s rooms (the children''s ages too: childAges, as quote) (price it first with quoteGroupRoom), held and confirmed under the group''s contact in one call, with its own code, folio and payments; it takes the next place in the rooming list. The group''s promo code, if any, discounts the new room too (no second use counted; PROMO_CODE RATE_PLAN when the code is not for this rate). Front office, the guest who made the group (signed in) or the group''s token. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, DATES, GUEST, RESTRICTED, SOLD_OUT, PROMO_CODE, IDEMPOTENCY_KEY_REUSED.';
