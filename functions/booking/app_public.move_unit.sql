-- Moves a reservation to another unit of the property (any room type: an
-- upgrade keeps the price). A confirmed stay moves whole; a checked-in one
-- from today on, its nights so far staying on the old unit. The stay is
-- then pinned to its new unit (the allocator does not move it back).
create or replace function app_public.move_unit(
  reservation_id uuid,
  unit_id uuid,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_unit app_public.units;
  v_from date;
  v_claim app_public.inventory_claims;
begin
  v_replay := app_private.idempotency_begin('move_unit', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'unit_id', unit_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(move_unit.reservation_id, app_hidden.staff_group_roles('front_office'), 'move guests');
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'moved');
  end if;
  select * into v_unit from app_public.units u where u.property_id = v_res.property_id and u.id = move_unit.unit_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such unit at this property.';
  end if;
  if v_unit.id = v_res.unit_id then
    raise exception using errcode = 'INVLD', message = 'The reservation is already in that unit.';
  end if;
  if not v_unit.is_active then
    raise exception using errcode = 'UNAVL', message = 'That unit is not in service.';
  end if;
  v_from := case when v_res.status = 'checked_in'
                 then greatest(app_private.local_today(v_res.property_id), pg_catalog.lower(v_res.stay))
                 else pg_catalog.lower(v_res.stay) end;
  if v_from >= pg_catalog.upper(v_res.stay) then
    raise exception using errcode = 'TRANS', message = 'This stay has no nights left to move.';
  end if;

  perform app_private.release_claims(v_res, v_from);
  v_claim := app_private.claim_unit(v_res.property_id, v_unit.room_type_id, pg_catalog.daterange(v_from, pg_catalog.upper(v_res.stay)),
                                    'reservation', reservation_id => v_res.id, preferred_unit_id => v_unit.id, exact_unit => true);
  if v_claim.id is null then
    raise exception using errcode = 'UNAVL', message = 'That unit is taken for some of these nights.';
  end if;
  -- A room move by hand is the hotel's decision: the allocator leaves it there.
  update app_public.reservations r set unit_id = v_unit.id, unit_pinned = true where r.id = v_res.id returning * into v_res;
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.move_unit(uuid, uuid, text) is
  E'Moves a confirmed or checked-in reservation to another unit (room move; the price is kept). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, UNIT_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED.';
