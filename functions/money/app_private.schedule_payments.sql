-- Keeps a reservation's payment intents in step with what it costs, by its
-- rate plan: the deposit (deposit_percent of the total) is due at once, the
-- rest balance_due_days before arrival at the check-in time (0: at
-- check-in). Money already collected or being collected is never touched;
-- the open intent of each kind is resized, created or cancelled so that
-- collected + open = due, and no more than the folios owe at check-out
-- (cap_open_intents: paid at the desk, or moved to a company). A cancelled
-- or no-show reservation cancels its open intents (refunds are
-- refund_overpayment's).
create or replace function app_private.schedule_payments(reservation app_public.reservations) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_plan app_public.rate_plans;
  v_folio_id uuid;
  v_deposit bigint;
  v_balance_due_at timestamptz;
  v_kind record;
  v_committed bigint;
  v_open app_public.payment_intents;
  v_first boolean := false;
begin
  if reservation.status in ('cancelled', 'no_show') then
    update app_public.payment_intents i set status = 'cancelled'
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id
       and i.status in ('requires_payment', 'failed');
    return;
  end if;
  if reservation.status not in ('confirmed', 'checked_in') then
    -- A hold owes nothing yet; after check-out the price no longer changes
    -- and what is open stays open.
    return;
  end if;

  select * into v_plan from app_public.rate_plans rp where rp.property_id = reservation.property_id and rp.id = reservation.rate_plan_id;
  select f.id into v_folio_id from app_public.folios f
   where f.property_id = reservation.property_id and f.reservation_id = reservation.id and f.is_primary;
  v_deposit := round(reservation.total_amount * v_plan.deposit_percent / 100)::bigint;
  select greatest(pg_catalog.now(), ((pg_catalog.lower(reservation.stay) - v_plan.balance_due_days)::timestamp + p.check_in_time) at time zone p.time_zone)
    into v_balance_due_at
    from app_public.properties p where p.id = reservation.property_id;

  if not exists (select from app_public.payment_intents i
                  where i.property_id = reservation.property_id and i.reservation_id = reservation.id) then
    -- Its first schedule (the confirmation): nothing collected, nothing
    -- open, so each kind due is one new intent, all in one insert.
    insert into app_public.payment_intents (property_id, reservation_id, folio_id, kind, amount, currency, due_at)
    select reservation.property_id, reservation.id, v_folio_id, k.kind::app_public.payment_kind, k.due, reservation.currency, k.due_at
      from (values ('deposit', v_deposit, pg_catalog.now()), ('balance', reservation.total_amount - v_deposit, v_balance_due_at)) k(kind, due, due_at)
     where k.due > 0;
    v_first := true;
  end if;
  -- Otherwise, kind by kind: what is collected and what is open.
  for v_kind in
    select k.kind::app_public.payment_kind as kind, k.due, k.due_at
      from (values ('deposit', v_deposit, pg_catalog.now()), ('balance', reservation.total_amount - v_deposit, v_balance_due_at)) k(kind, due, due_at)
     where not v_first
  loop
    select coalesce(sum(i.amount), 0) into v_committed
      from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.kind = v_kind.kind
       and i.status in ('processing', 'authorized', 'captured', 'partially_refunded', 'refunded');
    select * into v_open from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.kind = v_kind.kind
       and i.status in ('requires_payment', 'failed')
     for update;
    if v_kind.due - v_committed > 0 then
      if v_open.id is null then
        insert into app_public.payment_intents (property_id, reservation_id, folio_id, kind, amount, currency, due_at)
        values (reservation.property_id, reservation.id, v_folio_id, v_kind.kind, v_kind.due - v_committed, reservation.currency, v_kind.due_at);
      elsif v_open.amount <> v_kind.due - v_committed or (v_kind.kind = 'balance' and v_open.due_at <> v_kind.due_at) then
        update app_public.payment_intents i set amount = v_kind.due - v_committed, currency = reservation.currency,
               due_at = case when v_kind.kind = 'balance' then v_kind.due_at else i.due_at end
         where i.id = v_open.id;
      end if;
    elsif v_open.id is not null then
      update app_public.payment_intents i set status = 'cancelled' where i.id = v_open.id;
    end if;
  end loop;
  -- What the guest paid at the desk (cash, bank) or a company took over is
  -- not asked of the card again.
  perform app_private.cap_open_intents(reservation);
end;
$$;
comment on function app_private.schedule_payments(app_public.reservations) is
  E'Creates, resizes or cancels a reservation''s open payment intents (deposit, balance) so that collected plus open equals what it costs.';
