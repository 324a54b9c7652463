-- Gives back what a reservation's guest paid beyond what it now costs (the
-- penalty once cancelled or a no-show, the total otherwise): refunds on the
-- captured intents, newest first, for the excess over refunds already made
-- or under way. Returns the amount refunded. Charges on the card on file at
-- the desk (incidental: extras, damages) pay the folio, not the booking's
-- price: they are neither counted nor refunded here.
create or replace function app_private.refund_overpayment(reservation app_public.reservations, reason text) returns bigint
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_due bigint := case when reservation.status in ('cancelled', 'no_show') then coalesce(reservation.penalty_amount, 0)
                       else reservation.total_amount end;
  v_excess bigint;
  v_intent record;
  v_amount bigint;
  v_refunded bigint := 0;
begin
  select coalesce(sum(i.amount_captured - i.amount_refunded), 0)
         - coalesce((select sum(f.amount) from app_public.refunds f
                      where f.property_id = reservation.property_id and f.status = 'pending'
                        and f.intent_id in (select i2.id from app_public.payment_intents i2
                                             where i2.property_id = reservation.property_id and i2.reservation_id = reservation.id
                                               and i2.kind <> 'incidental')), 0)
         - v_due
    into v_excess
    from app_public.payment_intents i
   where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.kind <> 'incidental';

  for v_intent in
    select i.*, i.amount_captured - i.amount_refunded
                - coalesce((select sum(f.amount) from app_public.refunds f
                             where f.property_id = i.property_id and f.intent_id = i.id and f.status = 'pending'), 0) as refundable
      from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.amount_captured > i.amount_refunded
       and i.kind <> 'incidental'
     order by i.created_at desc
       for update
  loop
    exit when v_excess <= 0;
    v_amount := least(v_excess, v_intent.refundable);
    if v_amount > 0 then
      perform app_private.start_refund(pg_catalog.jsonb_populate_record(null::app_public.payment_intents, pg_catalog.to_jsonb(v_intent)),
                                       v_amount, reason);
      v_excess := v_excess - v_amount;
      v_refunded := v_refunded + v_amount;
    end if;
  end loop;
  return v_refunded;
end;
$$;
comment on function app_private.refund_overpayment(app_public.reservations, text) is
  E'Refunds what was paid for a reservation beyond what it costs now (the penalty, once cancelled); returns the amount.';
