-- Checks a confirmed reservation in, from its arrival date until the last
-- night. The unit must be ready: a dirty unit needs force => true, an
-- out-of-order one a room move first (UNIT_NOT_READY). Prepayments that
-- fell due and are unpaid (a declined deposit, a balance due before
-- arrival) are refused with PAYMENT_DUE, saying how much, unless the desk
-- acknowledges them (acknowledge_unpaid => true: checked in all the same,
-- the folio still shows what is owed). Once in house, the payment deadline
-- no longer cancels the stay. A property that requires registration cards
-- (properties.registration_card_required) refuses a stay without one
-- (REGISTRATION_CARD_REQUIRED, before the payment check).
create or replace function app_public.check_in(
  reservation_id uuid,
  idempotency_key text,
  force boolean default false,
  acknowledge_unpaid boolean default false
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_today date;
  v_housekeeping app_public.housekeeping_status;
  v_unpaid bigint;
begin
  v_replay := app_private.idempotency_begin('check_in', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'force', force,
                                              'acknowledge_unpaid', coalesce(acknowledge_unpaid, false)));
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
  if exists (select from app_public.properties p where p.id = v_res.property_id and p.registration_card_required)
     and not exists (select from app_public.registration_cards c where c.property_id = v_res.property_id and c.reservation_id = v_res.id) then
    raise exception using errcode = 'IDREQ',
      message = 'This property records the guest''s identity document before check-in: fill in the registration card first.';
  end if;
  v_unpaid := app_private.unpaid_prepayment(v_res);
  if v_unpaid > 0 and not coalesce(acknowledge_unpaid, false) then
    raise exception using errcode = 'PAYDU',
      message = pg_catalog.format('%s of prepayment is unpaid%s. Take the payment first, or check in acknowledging it.',
                                  app_hidden.format_money(v_unpaid, v_res.currency::text),
                                  case when v_res.payment_due_by is not null then ' (payment due)' else '' end),
      hint = 'UNPAID_PREPAYMENT';
  end if;

  update app_public.reservations r set status = 'checked_in', checked_in_at = pg_catalog.now(), payment_due_by = null
   where r.id = v_res.id
  returning * into v_res;
  perform graphile_worker.remove_job('payment_deadline:' || v_res.id)
    where v_unpaid > 0;
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.check_in(uuid, text, boolean, boolean) is
  E'Checks in a confirmed reservation on or after its arrival date; unpaid prepayments need acknowledgeUnpaid. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, UNIT_NOT_READY, REGISTRATION_CARD_REQUIRED, PAYMENT_DUE, IDEMPOTENCY_KEY_REUSED.';
