-- A captured payment sends the guest a receipt; a failed one asks them to
-- pay again (with the reason).
create or replace function app_private.tg_payment_attempts__notify() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  perform app_private.notify(r,
                             case new.status when 'captured' then 'payment_receipt' else 'payment_failed' end::app_public.notification_kind,
                             'payment:' || new.id || ':' || new.status)
     from app_public.payment_intents i
     join app_public.reservations r on r.property_id = i.property_id and r.id = i.reservation_id
    where i.property_id = new.property_id and i.id = new.intent_id and r.guest_id is not null;
  return null;
end;
$$;
comment on function app_private.tg_payment_attempts__notify() is E'Trigger: queues a payment receipt or a payment-failed message.';
