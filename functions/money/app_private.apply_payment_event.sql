-- Applies a payment provider's webhook event, once: the event id is
-- recorded first, and an event seen before changes nothing ('duplicate').
-- Charges and refunds name Keepr's attempt or refund id as their
-- reference; events about anything else are recorded and 'ignored'. The
-- record_* functions are idempotent, so an event racing the job that caused
-- it is harmless. A capture passes on the card's brand and last four
-- (payment_method) for the card on file.
create or replace function app_private.apply_payment_event(provider text, event jsonb) returns text
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_object jsonb := event -> 'data' -> 'object';
  v_reference uuid;
  v_at timestamptz;
begin
  insert into app_private.payment_provider_events (provider, event_id, type, payload)
  values (apply_payment_event.provider, event ->> 'id', event ->> 'type', event)
  on conflict do nothing;
  if not found then
    return 'duplicate';
  end if;
  if coalesce(v_object ->> 'reference', '') !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return 'ignored';
  end if;
  v_reference := (v_object ->> 'reference')::uuid;
  -- Provider times are ISO strings or Unix seconds.
  v_at := coalesce(
    case when pg_catalog.jsonb_typeof(v_object -> 'captured_at') = 'number' then pg_catalog.to_timestamp((v_object ->> 'captured_at')::double precision)
         else (v_object ->> 'captured_at')::timestamptz end,
    case when pg_catalog.jsonb_typeof(v_object -> 'created') = 'number' then pg_catalog.to_timestamp((v_object ->> 'created')::double precision)
         else (v_object ->> 'created')::timestamptz end,
    pg_catalog.now());

  case event ->> 'type'
    when 'charge.authorized' then
      if exists (select 1 from app_public.payment_attempts a where a.id = v_reference) then
        perform app_private.record_authorization(v_reference, v_object ->> 'id');
      else return 'ignored'; end if;
    when 'charge.captured' then
      if exists (select 1 from app_public.payment_attempts a where a.id = v_reference) then
        perform app_private.record_capture(v_reference, v_object ->> 'id', v_at,
                                           case when pg_catalog.jsonb_typeof(v_object -> 'payment_method') = 'object' then v_object -> 'payment_method' end);
      else return 'ignored'; end if;
    when 'charge.failed' then
      if exists (select 1 from app_public.payment_attempts a where a.id = v_reference) then
        perform app_private.record_payment_failure(v_reference, coalesce(v_object ->> 'failure_code', 'card_declined'),
                                                   coalesce(v_object ->> 'failure_message', 'The card was declined.'));
      else return 'ignored'; end if;
    when 'refund.succeeded' then
      if exists (select 1 from app_public.refunds f where f.id = v_reference) then
        perform app_private.record_refund(v_reference, v_object ->> 'id', v_at);
      else return 'ignored'; end if;
    when 'refund.failed' then
      if exists (select 1 from app_public.refunds f where f.id = v_reference) then
        perform app_private.record_refund_failure(v_reference, coalesce(v_object ->> 'failure_code', 'refund_failed'),
                                                  coalesce(v_object ->> 'failure_message', 'The refund failed.'));
      else return 'ignored'; end if;
    else
      return 'ignored';
  end case;
  return 'applied';
end;
$$;
comment on function app_private.apply_payment_event(text, jsonb) is
  E'Applies a verified provider webhook event once (deduplicated by event id): applied, duplicate or ignored.';
