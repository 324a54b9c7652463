-- Prices a change of a booking's dates or guests before it is made
-- (modifyReservation then makes it at today's rates): the new stay on the
-- booking's rate plan, with its cancellation terms and the units free for
-- it, the booking's own nights counting as free (it gives them back when
-- it moves). The same rules as the change itself: a guest (signed in, or
-- with the booking token) only when changeRefusal is null and within the
-- rate's restrictions; staff of the property always. No quote token: this
-- is not a new booking.
create or replace function app_public.quote_change(
  reservation_id uuid,
  arrival date default null,
  departure date default null,
  adults integer default null,
  children integer default null,
  child_ages integer[] default null
) returns app_public.quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_staff boolean;
  v_refusal text;
  v_arrival date;
  v_departure date;
  v_adults integer;
  v_children integer;
  v_child_ages integer[];
  v_restriction record;
  v_quote app_public.quote;
begin
  select * into v_res from app_public.reservations r where r.id = quote_change.reservation_id;
  v_staff := v_res.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if v_res.id is null or not (coalesce(v_staff, false)
                              or coalesce(v_res.id = app_hidden.current_booking_id(), false)
                              or coalesce(v_res.user_id = app_hidden.current_user_id(), false)) then
    raise exception using errcode = 'NTFND', message = 'No such reservation, or you cannot see it.';
  end if;
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'changed');
  end if;
  if not v_staff then
    v_refusal := app_private.guest_change_refusal(v_res);
    if v_refusal is not null then
      perform app_private.refuse_guest_change(v_res, v_refusal);
    end if;
  end if;
  v_arrival := coalesce(quote_change.arrival, pg_catalog.lower(v_res.stay));
  v_departure := coalesce(quote_change.departure, pg_catalog.upper(v_res.stay));
  v_adults := coalesce(quote_change.adults, v_res.adults);
  v_children := coalesce(quote_change.children, v_res.children);
  perform app_private.check_stay(v_res.property_id, v_arrival, v_departure, v_adults, v_children);
  -- The booking's ages stand while its number of children does (issue 22).
  v_child_ages := coalesce(quote_change.child_ages,
                           case when pg_catalog.cardinality(v_res.child_ages) = v_children then v_res.child_ages::integer[] end);
  perform app_private.check_child_ages(v_res.property_id, array[v_res.rate_plan_id], v_children, v_child_ages);
  select * into v_restriction
    from app_private.stay_restrictions(array[v_res.rate_plan_id], v_arrival, v_departure, v_adults, v_children, v_child_ages);
  if v_restriction.restriction = 'MAX_OCCUPANCY' or (v_restriction.restriction is not null and not v_staff) then
    raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
  end if;

  -- A booking keeps its promo code's discount through changes (the code
  -- was counted when it was booked), and its extras at their booked prices
  -- (per-night extras follow the new nights).
  v_quote := app_private.quote_for(v_res.rate_plan_id, v_arrival, v_departure, v_adults, v_children,
               promo => (select pc from app_public.promo_codes pc
                          where pc.property_id = v_res.property_id and pc.id = v_res.promo_code_id),
               extras => app_private.booked_extras(v_res), child_ages => v_child_ages);
  v_quote.units_left := (
    select pg_catalog.count(*)::integer
      from app_public.units u
     where u.property_id = v_res.property_id and u.room_type_id = v_res.room_type_id and u.is_active
       and not exists (
         select 1 from app_public.inventory_claims c
          where c.property_id = u.property_id and c.unit_id = u.id
            and c.stay && pg_catalog.daterange(v_arrival, v_departure)
            and c.released_at is null and (c.expires_at is null or c.expires_at > pg_catalog.now())
            and c.reservation_id is distinct from v_res.id));
  if v_quote.units_left = 0 then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for the changed stay.';
  end if;
  v_quote.valid_until := null;
  v_quote.quote_token := null;
  return v_quote;
end;
$$;
comment on function app_public.quote_change(uuid, date, date, integer, integer, integer[]) is
  E'Prices a change of a booking''s dates or guests on its rate plan (its own nights count as free), with the new cancellation terms; no token. Guests only when the booking''s changeRefusal is null. childAges: the children''s ages (without them, the booking''s while the number of children stays). Errors: NOT_FOUND, ACCESS_DENIED (reason: the refusal), INVALID_TRANSITION, DATES, GUEST, INVALID_INPUT (reason CHILD_AGES), RESTRICTED, SOLD_OUT.';
