-- Cron: charges the card on file of every payment intent that has fallen
-- due (the balance before arrival). Intents another run is starting are
-- skipped. Returns how many attempts were started.
create or replace function app_private.start_due_payments() returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_intent app_public.payment_intents;
  v_started integer := 0;
begin
  for v_intent in
    select i.* from app_public.payment_intents i
      join app_public.reservations r on r.property_id = i.property_id and r.id = i.reservation_id
     where i.status = 'requires_payment' and i.due_at <= pg_catalog.now() and i.payment_token is not null
       and r.status in ('confirmed', 'checked_in')
     order by i.due_at
       for update of i skip locked
  loop
    perform app_private.start_attempt(v_intent, v_intent.payment_token);
    v_started := v_started + 1;
  end loop;
  return v_started;
end;
$$;
comment on function app_private.start_due_payments() is E'Cron: starts an attempt for every due intent with a card on file; returns the count.';
