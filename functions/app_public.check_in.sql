-- Checks a confirmed reservation in, from its arrival date until the last
-- night. The unit must be ready: a dirty unit needs force => true, an
-- out-of-order one a room move first (UNIT_NOT_READY).
create or replace function app_public.check_in(
  reservation_id uuid,
  idempotency_key text,
  force boolean default false
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_today date;
  v_housekeeping app_public.housekeeping_status;
begin
  v_replay := app_private.idempotency_begin('check_in', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'force', force));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(check_in.reservation_id, app_hidden.staff_group_roles('front_office'), 'check guests in');
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'checked in');
  end if;
  v_today := app_private.local_today(v_res.property_id);
  if v_today < pg_catalog.lower(v_res.stay) then
    raise exception using errcode = 'TRANS',
      message = pg_catalog.format('Check-in opens on the arrival date, %s.', pg_catalog.lower(v_res.stay));
  end if;
  if v_today >= pg_catalog.upper(v_res.stay) then
    raise exception using errcode = 'TRANS', message = 'This stay has already ended; record a no-show or cancel it.';
  end if;
  select u.housekeeping_status into v_housekeeping from app_public.units u where u.id = v_res.unit_id;
  if v_housekeeping = 'out_of_order' or (v_housekeeping = 'dirty' and not coalesce(force, false)) then
    raise exception using errcode = 'UNRDY',
      message = pg_catalog.format('The unit is %s; %s.', pg_catalog.replace(v_housekeeping::text, '_', ' '),
                                  case when v_housekeeping = 'dirty' then 'clean it first or check in with force' else 'move the guest to another unit' end);
  end if;

  update app_public.reservations r set status = 'checked_in', checked_in_at = pg_catalog.now()
   where r.id = v_res.id
  returning * into v_res;
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.check_in(uuid, text, boolean) is
  E'Checks in a confirmed reservation on or after its arrival date. Errors: NTFND, DNIED, INVALID_TRANSITION, UNIT_NOT_READY, IDEMPOTENCY_KEY_REUSED.';
