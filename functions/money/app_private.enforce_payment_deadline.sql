-- The payment guarantee's job, at a booking's payment deadline (payload
-- {reservation_id}, job key payment_deadline:<id>): with the reservation
-- locked, it checks again, so a payment made meanwhile wins:
--   - not confirmed any more, no deadline (paid, waived), or a deadline
--     moved later (extended): nothing ('nothing', or 'not_yet' after
--     queuing itself again at the new deadline);
--   - a payment still with the provider: waits for its answer, 10 minutes
--     ('waiting');
--   - nothing due unpaid after all: the deadline is cleared ('paid');
--   - else the booking is cancelled under its rate plan's cancellation
--     terms (the penalty they say, the rest of the charges reversed, open
--     payments cancelled, anything paid beyond the penalty refunded) and its
--     nights are released ('cancelled'). The guest's cancellation message
--     follows from the reservations' trigger.
-- Running it again changes nothing.
create or replace function app_private.enforce_payment_deadline(reservation_id uuid) returns text
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_penalty bigint;
  v_due_by timestamptz;
begin
  select * into v_res from app_public.reservations r where r.id = enforce_payment_deadline.reservation_id for update;
  if not found or v_res.status <> 'confirmed' or v_res.payment_due_by is null then
    return 'nothing';
  end if;
  if v_res.payment_due_by > pg_catalog.now() then
    perform app_private.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
                                    run_at := v_res.payment_due_by, max_attempts := 10,
                                    job_key := 'payment_deadline:' || v_res.id, job_key_mode := 'replace');
    return 'not_yet';
  end if;
  if exists (select 1 from app_public.payment_attempts a
               join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
              where i.property_id = v_res.property_id and i.reservation_id = v_res.id
                and i.kind <> 'incidental' and a.status in ('pending', 'authorized')) then
    perform app_private.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
                                    run_at := pg_catalog.now() + interval '10 minutes', max_attempts := 10,
                                    job_key := 'payment_deadline:' || v_res.id, job_key_mode := 'replace');
    return 'waiting';
  end if;
  if app_private.clear_payment_due(v_res) then
    return 'paid';
  end if;

  v_due_by := v_res.payment_due_by;
  v_penalty := app_private.cancellation_penalty(v_res, pg_catalog.now());
  perform app_private.release_claims(v_res);
  update app_public.reservations r
     set status = 'cancelled', cancelled_at = pg_catalog.now(), hold_expires_at = null,
         penalty_amount = v_penalty, refund_amount = r.total_amount - v_penalty,
         cancellation_reason = 'Payment not received by the deadline',
         payment_due_by = null
   where r.id = v_res.id
  returning * into v_res;
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':cancel:payment_deadline',
                                               'Booking ' || v_res.confirmation_code || ' cancelled: payment not received');
  perform app_private.schedule_payments(v_res);
  perform app_private.refund_overpayment(v_res, 'Reservation cancelled: payment not received');
  return 'cancelled';
end;
$$;
comment on function app_private.enforce_payment_deadline(uuid) is
  E'Job: cancels a confirmed booking still unpaid at its payment deadline under its plan''s terms and releases its nights; a payment made meanwhile, an extension or a waiver wins (idempotent).';
