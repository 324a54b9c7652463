-- Cancels a hold or a confirmed reservation: applies the cancellation terms
-- locked at booking (penalty_amount, refund_amount = total - penalty) and
-- releases the unit. The folio keeps only the penalty (the rest of the
-- charges are reversed), open payments are cancelled and what was paid
-- beyond the penalty is refunded. Staff (owner, manager, front
-- desk) and the guest themself (signed in, or with the booking token) may.
create or replace function app_public.cancel_reservation(
  reservation_id uuid,
  idempotency_key text,
  reason text default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_penalty bigint;
begin
  v_replay := app_private.idempotency_begin('cancel_reservation', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(cancel_reservation.reservation_id, app_hidden.staff_group_roles('front_office'), 'cancel reservations', true);
  if v_res.status not in ('held', 'confirmed') then
    perform app_private.invalid_transition(v_res, 'cancelled');
  end if;
  if pg_catalog.length(reason) > 500 then
    raise exception using errcode = 'INVLD', message = 'A cancellation reason can be at most 500 characters.';
  end if;
  v_penalty := app_private.cancellation_penalty(v_res, pg_catalog.now());

  perform app_private.release_claims(v_res);
  update app_public.reservations r
     set status = 'cancelled', cancelled_at = pg_catalog.now(), hold_expires_at = null,
         penalty_amount = v_penalty, refund_amount = r.total_amount - v_penalty,
         cancellation_reason = cancel_reservation.reason
   where r.id = v_res.id
  returning * into v_res;
  if v_res.confirmed_at is not null then
    perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':cancel:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                                 'Booking ' || v_res.confirmation_code || ' cancelled'
                                                   || case when v_res.penalty_amount > 0
                                                           then ', cancellation fee ' || app_hidden.format_money(v_res.penalty_amount, v_res.currency)
                                                           else '' end);
    perform app_private.schedule_payments(v_res);
    perform app_private.refund_overpayment(v_res, 'Reservation cancelled');
  end if;

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.cancel_reservation(uuid, text, text) is
  E'Cancels a held or confirmed reservation, applying its cancellation terms (penalty_amount, refund_amount), and frees its unit. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
