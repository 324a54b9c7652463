-- An attempt failed for good (declined, or the provider stayed unreachable
-- through every retry): the attempt and its intent are failed with the
-- reason, for the guest to pay again and for staff to see. A captured
-- attempt stays captured.
create or replace function app_private.record_payment_failure(attempt_id uuid, code text, message text) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
begin
  update app_public.payment_attempts a
     set status = 'failed', failure_code = coalesce(record_payment_failure.code, 'failed'),
         failure_message = pg_catalog.left(record_payment_failure.message, 500)
   where a.id = record_payment_failure.attempt_id and a.status in ('pending', 'authorized')
  returning * into v_attempt;
  if found then
    update app_public.payment_intents i
       set status = 'failed', failure_code = v_attempt.failure_code, failure_message = v_attempt.failure_message
     where i.property_id = v_attempt.property_id and i.id = v_attempt.intent_id and i.status in ('processing', 'authorized');
  end if;
end;
$$;
comment on function app_private.record_payment_failure(uuid, text, text) is E'Records that an attempt failed, with the reason (idempotent; never undoes a capture).';
