-- Keeps the card schedule from collecting what the guest paid another way:
-- the open card intents of a confirmed or in-house reservation's schedule
-- (deposit and balance, requires payment or failed; a card charge the desk
-- started for something else is not the schedule's) are shrunk, the
-- balance first, then cancelled, so that
-- with the card payments under way they never ask for more than the
-- guest's folios will owe at check-out. A cash or bank payment at the desk,
-- or a transfer to a company's city ledger, thus takes the place of the
-- card charge it covers.
create or replace function app_private.cap_open_intents(reservation app_public.reservations) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_room bigint;
  v_intent app_public.payment_intents;
begin
  if reservation.status not in ('confirmed', 'checked_in') then
    return;
  end if;
  select coalesce(sum(app_public.folios_due_at_check_out(f)), 0) into v_room
    from app_public.folios f
   where f.property_id = reservation.property_id and f.reservation_id = reservation.id and f.kind = 'guest'
     and f.currency = reservation.currency;
  v_room := v_room - coalesce((select sum(i.amount) from app_public.payment_intents i
                                where i.property_id = reservation.property_id and i.reservation_id = reservation.id
                                  and i.status in ('processing', 'authorized')), 0);
  -- The deposit keeps its share first; the balance gives way.
  for v_intent in
    select * from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.status in ('requires_payment', 'failed')
       and i.kind in ('deposit', 'balance')
     order by i.kind = 'deposit' desc, i.due_at, i.id
       for update
  loop
    if v_room <= 0 then
      update app_public.payment_intents i set status = 'cancelled' where i.id = v_intent.id;
    elsif v_intent.amount > v_room then
      update app_public.payment_intents i set amount = v_room where i.id = v_intent.id;
      v_room := 0;
    else
      v_room := v_room - v_intent.amount;
    end if;
  end loop;
  -- Paid another way (at the desk, or moved to a company): a booking whose
  -- payment was due no longer is once nothing due is unpaid.
  perform app_private.clear_payment_due(reservation);
end;
$$;
comment on function app_private.cap_open_intents(app_public.reservations) is
  E'Shrinks or cancels a reservation''s open card intents so that they never ask for more than its folios owe at check-out (less card payments under way).';
