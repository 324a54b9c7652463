-- Checks a guest out. Leaving before the departure date gives the remaining
-- nights back (the claim ends today). The unit becomes dirty; nights a
-- nightly-posting plan has not charged yet are charged. Then every guest
-- folio of the stay must be at zero (FOLUN otherwise, naming the folio and
-- what is open: nothing is changed), and they are closed; open card
-- intents are cancelled.
create or replace function app_public.check_out(
  reservation_id uuid,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_today date;
  v_open record;
begin
  v_replay := app_private.idempotency_begin('check_out', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(check_out.reservation_id, app_hidden.staff_group_roles('front_office'), 'check guests out');
  if v_res.status <> 'checked_in' then
    perform app_private.invalid_transition(v_res, 'checked out');
  end if;
  v_today := app_private.local_today(v_res.property_id);
  if v_today < pg_catalog.upper(v_res.stay) then
    perform app_private.release_claims(v_res, v_today);
  end if;
  update app_public.units u set housekeeping_status = 'dirty'
   where u.property_id = v_res.property_id and u.id = v_res.unit_id and u.housekeeping_status <> 'out_of_order';
  update app_public.reservations r set status = 'checked_out', checked_out_at = pg_catalog.now()
   where r.id = v_res.id
  returning * into v_res;
  -- A stay on a nightly-posting plan is charged the nights not yet audited.
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':check_out',
                                               'Booking ' || v_res.confirmation_code || ' check-out');
  -- Settled or not at all: every guest folio of the stay must be at zero.
  select f.label, b.balance, b.currency into v_open
    from app_public.folios f
    join app_public.folio_balances b on b.property_id = f.property_id and b.folio_id = f.id
   where f.property_id = v_res.property_id and f.reservation_id = v_res.id and f.kind = 'guest' and b.balance <> 0
   order by f.is_primary desc, f.created_at, f.id, b.currency
   limit 1;
  if found then
    raise exception using errcode = 'FOLUN', hint = case when v_open.balance > 0 then 'OWED' else 'CREDIT' end,
      message = case when v_open.balance > 0
        then pg_catalog.format('%s is not settled: the guest owes %s. Take a payment or transfer it to a company''s city ledger, then check out.',
                               v_open.label, app_hidden.format_money(v_open.balance, v_open.currency))
        else pg_catalog.format('%s is not settled: %s is due back to the guest. Refund it, then check out.',
                               v_open.label, app_hidden.format_money(-v_open.balance, v_open.currency)) end;
  end if;
  update app_public.folios f set status = 'closed', closed_at = pg_catalog.now()
   where f.property_id = v_res.property_id and f.reservation_id = v_res.id and f.kind = 'guest' and f.status = 'open';
  -- Settled: nothing more is asked of the card.
  update app_public.payment_intents i set status = 'cancelled'
   where i.property_id = v_res.property_id and i.reservation_id = v_res.id and i.status in ('requires_payment', 'failed');
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.check_out(uuid, text) is
  E'Checks out a checked-in reservation; an early departure frees the remaining nights; the unit becomes dirty. Every guest folio of the stay must be settled (at zero) first: FOLIO_UNSETTLED names the folio and the amount open (extensions.reason OWED or CREDIT). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, FOLIO_UNSETTLED, IDEMPOTENCY_KEY_REUSED.';
