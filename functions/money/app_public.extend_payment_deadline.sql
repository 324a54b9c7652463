-- Gives a booking whose payment is due more time (owner, manager, front
-- desk): the deadline moves to `until` (later than now, at most 30 days
-- ahead, and never earlier than it is), with a reason kept on the booking
-- and in its audit history; the cancellation job moves with it.
create or replace function app_public.extend_payment_deadline(
  reservation_id uuid,
  until timestamptz,
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
  v_replay := app_private.idempotency_begin('extend_payment_deadline', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'until', until, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(extend_payment_deadline.reservation_id, app_hidden.staff_group_roles('front_office'),
                                        'extend payment deadlines');
  if v_res.status <> 'confirmed' or v_res.payment_due_by is null then
    raise exception using errcode = 'TRANS', message = 'No payment is due on this booking: there is no deadline to extend.',
      hint = case when v_res.status <> 'confirmed' then v_res.status::text else 'NO_PAYMENT_DUE' end;
  end if;
  if v_reason is null or v_reason = '' or pg_catalog.length(v_reason) > 500 then
    raise exception using errcode = 'INVLD', message = 'Give a reason for the extension (at most 500 characters).';
  end if;
  if until is null or until <= pg_catalog.now() or until > pg_catalog.now() + interval '30 days' then
    raise exception using errcode = 'INVLD', message = 'The new deadline must be in the future, at most 30 days from now.';
  end if;
  if until < v_res.payment_due_by then
    raise exception using errcode = 'INVLD', message = 'The new deadline must be later than the current one.';
  end if;
  update app_public.reservations r set payment_due_by = extend_payment_deadline.until, payment_guarantee_note = v_reason
   where r.id = v_res.id
  returning * into v_res;
  perform app_private.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
                                  run_at := v_res.payment_due_by, max_attempts := 10,
                                  job_key := 'payment_deadline:' || v_res.id, job_key_mode := 'replace');
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.extend_payment_deadline(uuid, timestamptz, text, text) is
  E'Moves the payment deadline of a booking whose payment is due to a later time (at most 30 days ahead), with a reason. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (no payment due), INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
