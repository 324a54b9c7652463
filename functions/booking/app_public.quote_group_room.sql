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
  children integer default 0,
  child_ages integer[] default null
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
                              quote_group_room.adults, coalesce(quote_group_room.children, 0),
                                child_ages => quote_group_room.child_ages);
  if v_quote.property_id <> v_group.property_id then
    raise exception using errcode = 'NTFND', message = 'No such rate plan at this group''s property.';
  end if;
  select coalesce(max(r.room_no), 0) + 1 into v_room_no
    from app_public.reservations r
   where r.property_id = v_group.property_id and r.group_id = v_group.id;
  v_promo := app_private.group_promo_for(v_group, quote_group_room.rate_plan_id, v_room_no);
  if v_promo.id is not null then
    v_quote := app_private.quote_for(quote_group_room.rate_plan_id, pg_catalog.lower(v_first.stay), pg_catalog.upper(v_first.stay),
                                     quote_group_room.adults, coalesce(quote_group_room.children, 0), promo => v_promo,
                                     child_ages => quote_group_room.child_ages);
  end if;
  v_quote.quote_token := null;
  v_quote.valid_until := null;
  return v_quote;
end;
$$;
comment on function app_public.quote_group_room(uuid, uuid, integer, integer, integer[]) is
  E'Prices a room to add to a confirmed booking group (addGroupRoom then charges this price): the group''s dates, the rate plan''s rules and the children''s ages (childAges, as quote), the group''s promo code (PROMO_CODE RATE_PLAN when it does not cover the rate). No quote token: addGroupRoom books. Front office, the guest who made the group (signed in) or the group''s token. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, DATES, GUEST, RESTRICTED, SOLD_OUT, PROMO_CODE.';
