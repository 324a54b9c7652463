-- Why the guest may not change a booking's dates or guests online, or null
-- when they may: the booking must be confirmed, its rate plan must allow
-- guest changes, and its locked terms must still cancel for free (a change
-- before that deadline is no more than cancelling and booking again, which
-- the guest could do anyway). Staff are not bound by this.
create or replace function app_private.guest_change_refusal(reservation app_public.reservations) returns text
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case
    when reservation.status <> 'confirmed' then 'NOT_CONFIRMED'
    when not coalesce((select rp.guest_changes_allowed from app_public.rate_plans rp
                        where rp.property_id = reservation.property_id and rp.id = reservation.rate_plan_id), false) then 'RATE_PLAN'
    when not coalesce((reservation.cancellation_policy ->> 'is_refundable')::boolean, false) then 'NOT_REFUNDABLE'
    when pg_catalog.now() >= (reservation.cancellation_policy ->> 'free_cancellation_until')::timestamptz then 'PAST_DEADLINE'
  end;
$$;
comment on function app_private.guest_change_refusal(app_public.reservations) is
  E'NOT_CONFIRMED, RATE_PLAN, NOT_REFUNDABLE or PAST_DEADLINE when the guest may not change the booking online; null when they may.';
