-- An attempt failed for good (declined, or the provider stayed unreachable
-- through every retry): the attempt and its intent are failed with the
-- reason, for the guest to pay again and for staff to see (when the
-- reservation opened another intent of the kind meanwhile, that one takes
-- over the amount). A captured attempt stays captured.
--
-- The payment guarantee: when the payment was due (the deposit at booking,
-- the balance on its date) and the booking is confirmed, it becomes
-- "payment due" with a deadline, its rate plan's payment_deadline_hours
-- from now (a deadline already running is kept; a waived guarantee sets
-- none). A job at the deadline cancels it if it is still unpaid then
-- (app_private.enforce_payment_deadline). The guest's payment-failed
-- message (queued by the attempts' trigger) says the deadline and links to
-- the booking's page to pay.
create or replace function app_private.record_payment_failure(attempt_id uuid, code text, message text) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
  v_intent app_public.payment_intents;
  v_res app_public.reservations;
  v_hours integer;
begin
  -- The reservation first (the order every booking function locks in).
  select r.* into v_res
    from app_public.payment_attempts a
    join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
    join app_public.reservations r on r.property_id = i.property_id and r.id = i.reservation_id
   where a.id = record_payment_failure.attempt_id
     for update of r;
  update app_public.payment_attempts a
     set status = 'failed', failure_code = coalesce(record_payment_failure.code, 'failed'),
         failure_message = pg_catalog.left(record_payment_failure.message, 500)
   where a.id = record_payment_failure.attempt_id and a.status in ('pending', 'authorized')
  returning * into v_attempt;
  if not found then
    return;
  end if;
  select * into v_intent from app_public.payment_intents i
   where i.property_id = v_attempt.property_id and i.id = v_attempt.intent_id and i.status in ('processing', 'authorized')
   for update;
  if not found then
    return;
  end if;
  -- The reservation changed while this payment ran and has an open intent
  -- of the kind already: that one takes over this amount, and this one is
  -- closed with its reason.
  update app_public.payment_intents i set amount = i.amount + v_intent.amount
   where i.property_id = v_intent.property_id and i.reservation_id = v_intent.reservation_id and i.kind = v_intent.kind
     and i.id <> v_intent.id and i.status in ('requires_payment', 'failed');
  if found then
    update app_public.payment_intents i
       set status = 'cancelled', failure_code = v_attempt.failure_code, failure_message = v_attempt.failure_message
     where i.id = v_intent.id;
  else
    update app_public.payment_intents i
       set status = 'failed', failure_code = v_attempt.failure_code, failure_message = v_attempt.failure_message
     where i.id = v_intent.id;
  end if;

  if v_res.status = 'confirmed' and v_intent.kind <> 'incidental' and v_intent.due_at <= pg_catalog.now()
     and v_res.payment_due_by is null and v_res.payment_guarantee_waived_at is null then
    select rp.payment_deadline_hours into v_hours
      from app_public.rate_plans rp where rp.property_id = v_res.property_id and rp.id = v_res.rate_plan_id;
    update app_public.reservations r
       set payment_due_by = pg_catalog.date_trunc('minute', pg_catalog.now()) + pg_catalog.make_interval(hours => coalesce(v_hours, 24))
     where r.id = v_res.id
    returning * into v_res;
    perform app_private.add_job('enforce_payment_deadline', pg_catalog.json_build_object('reservation_id', v_res.id),
                                    run_at := v_res.payment_due_by, max_attempts := 10,
                                    job_key := 'payment_deadline:' || v_res.id, job_key_mode := 'replace');
  end if;
end;
$$;
comment on function app_private.record_payment_failure(uuid, text, text) is
  E'Records that an attempt failed, with the reason (idempotent; never undoes a capture); a due payment that failed makes a confirmed booking "payment due" with its plan''s deadline and queues the cancellation job.';
