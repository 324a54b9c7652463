-- Reservation.unpaidPrepayment: what check-in warns about (the same rule as
-- app_private.unpaid_prepayment, read with the caller's rights).
create or replace function app_public.reservations_unpaid_prepayment(r app_public.reservations) returns bigint
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(sum(i.amount), 0)::bigint
    from app_public.payment_intents i
    join app_public.properties p on p.id = i.property_id
   where i.property_id = r.property_id and i.reservation_id = r.id
     and i.status in ('requires_payment', 'failed') and i.kind::text <> 'incidental'
     and i.due_at <= pg_catalog.now()
     and (i.kind::text = 'deposit' or i.status = 'failed'
          or i.due_at < ((pg_catalog.lower(r.stay))::timestamp + p.check_in_time) at time zone p.time_zone);
$$;
comment on function app_public.reservations_unpaid_prepayment(app_public.reservations) is
  E'Prepayments that fell due and are unpaid, in minor units (0 when none): check-in asks to confirm when there are some.';
