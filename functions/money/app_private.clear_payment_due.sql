-- Ends "payment due" on a locked reservation once nothing that fell due is
-- left unpaid (a capture, a smaller price): the deadline is cleared and its
-- cancellation job removed. Returns whether it was cleared.
create or replace function app_private.clear_payment_due(reservation app_public.reservations) returns boolean
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if reservation.payment_due_by is null then
    return false;
  end if;
  if exists (select 1 from app_public.payment_intents i
              where i.property_id = reservation.property_id and i.reservation_id = reservation.id
                and i.status in ('requires_payment', 'failed') and i.kind <> 'incidental' and i.due_at <= pg_catalog.now()) then
    return false;
  end if;
  update app_public.reservations r set payment_due_by = null where r.id = reservation.id;
  perform graphile_worker.remove_job('payment_deadline:' || reservation.id);
  return true;
end;
$$;
comment on function app_private.clear_payment_due(app_public.reservations) is
  E'Clears a reservation''s payment deadline (and its cancellation job) when nothing due is unpaid.';
