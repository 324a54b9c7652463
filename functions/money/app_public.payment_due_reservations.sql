-- The bookings of a property whose payment is due (a due payment failed),
-- soonest deadline first: the desk's list on the Today board, with Extend
-- and Waive. Security invoker: row-level security decides, so a property the
-- caller is not staff of gives nothing. Reads reservations_payment_due_idx.
create or replace function app_public.payment_due_reservations(property_id uuid)
  returns setof app_public.reservations
  language sql stable rows 10
  set search_path to pg_catalog, public, pg_temp
as $$
  select r.*
    from app_public.reservations r
   where r.property_id = payment_due_reservations.property_id
     and r.payment_due_by is not null
     and r.status = 'confirmed'
   order by r.payment_due_by, r.confirmation_code;
$$;
comment on function app_public.payment_due_reservations(uuid) is
  E'The confirmed bookings of a property whose payment is due, soonest deadline first (the desk''s list: extend or waive). Staff see their properties only.';
