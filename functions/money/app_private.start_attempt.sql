-- Starts collecting a payment intent with a card token: an attempt, and in
-- the same transaction the job that authorizes and captures it. The token
-- is kept on the intent (card on file) for a later due date.
create or replace function app_private.start_attempt(intent app_public.payment_intents, payment_token text)
  returns app_public.payment_attempts
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
begin
  insert into app_public.payment_attempts (property_id, intent_id, amount, currency, payment_token)
  values (intent.property_id, intent.id, intent.amount, intent.currency, start_attempt.payment_token)
  returning * into v_attempt;
  update app_public.payment_intents i
     set status = 'processing', payment_token = start_attempt.payment_token, failure_code = null, failure_message = null
   where i.id = intent.id;
  perform app_private.add_job('process_payment_attempt', pg_catalog.json_build_object('attempt_id', v_attempt.id),
                                  job_key := 'payment_attempt:' || v_attempt.id, max_attempts := 15);
  return v_attempt;
end;
$$;
comment on function app_private.start_attempt(app_public.payment_intents, text) is
  E'Creates a payment attempt for an intent and queues its capture job (same transaction).';
