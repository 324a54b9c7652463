-- Keeps a booking whatever it has paid (owner, manager): its payment
-- deadline ends and no later failed payment sets one. What is due stays due
-- (the folio shows it); the reason is kept on the booking and in its audit
-- history.
create or replace function app_public.waive_payment_guarantee(
  reservation_id uuid,
  reason text,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_reason text := pg_catalog.btrim(reason);
begin
  v_replay := app_private.idempotency_begin('waive_payment_guarantee', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(waive_payment_guarantee.reservation_id, app_hidden.staff_group_roles('managers'),
                                        'waive payment guarantees');
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'given a payment waiver');
  end if;
  if v_res.payment_guarantee_waived_at is not null then
    raise exception using errcode = 'TRANS', message = 'The payment guarantee of this booking is waived already.', hint = 'WAIVED';
  end if;
  if v_reason is null or v_reason = '' or pg_catalog.length(v_reason) > 500 then
    raise exception using errcode = 'INVLD', message = 'Give a reason for the waiver (at most 500 characters).';
  end if;
  update app_public.reservations r
     set payment_due_by = null, payment_guarantee_waived_at = pg_catalog.now(), payment_guarantee_note = v_reason
   where r.id = v_res.id
  returning * into v_res;
  perform graphile_worker.remove_job('payment_deadline:' || v_res.id);
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.waive_payment_guarantee(uuid, text, text) is
  E'Waives a booking''s payment guarantee: its payment deadline ends and no later failed payment sets one; with a reason. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
