-- The provider authorized an attempt's charge (from the capture job or a
-- webhook, whichever comes first; the second changes nothing).
create or replace function app_private.record_authorization(attempt_id uuid, charge_id text) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_attempt app_public.payment_attempts;
begin
  update app_public.payment_attempts a set status = 'authorized', provider_charge_id = record_authorization.charge_id
   where a.id = record_authorization.attempt_id and a.status = 'pending'
  returning * into v_attempt;
  if found then
    update app_public.payment_intents i set status = 'authorized'
     where i.property_id = v_attempt.property_id and i.id = v_attempt.intent_id and i.status = 'processing';
  end if;
end;
$$;
comment on function app_private.record_authorization(uuid, text) is E'Records that the provider authorized an attempt (idempotent).';
