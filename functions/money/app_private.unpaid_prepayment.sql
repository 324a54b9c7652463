-- What a reservation's guest should have paid before arriving and has not:
-- its open payments (to pay, or failed) that fell due before now, but a
-- balance due at check-in itself (that one is taken at the desk).
create or replace function app_private.unpaid_prepayment(reservation app_public.reservations) returns bigint
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(sum(i.amount), 0)::bigint
    from app_public.payment_intents i
    join app_public.properties p on p.id = i.property_id
   where i.property_id = reservation.property_id and i.reservation_id = reservation.id
     and i.status in ('requires_payment', 'failed') and i.kind::text <> 'incidental'
     and i.due_at <= pg_catalog.now()
     and (i.kind = 'deposit' or i.status = 'failed'
          or i.due_at < ((pg_catalog.lower(reservation.stay))::timestamp + p.check_in_time) at time zone p.time_zone);
$$;
comment on function app_private.unpaid_prepayment(app_public.reservations) is
  E'The prepayments of a reservation that fell due and are unpaid (a balance due at check-in excluded).';
