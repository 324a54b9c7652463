-- What a no-show does to a locked, confirmed reservation, whoever records
-- it (the front desk, or the night audit): the late-cancellation terms
-- apply, the unit is freed, the folio keeps only the penalty, open payments
-- are cancelled and what was paid beyond the penalty is refunded.
create or replace function app_private.record_no_show(reservation app_public.reservations, ledger_key text)
  returns app_public.reservations
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_penalty bigint := app_private.cancellation_penalty(reservation, pg_catalog.now());
begin
  perform app_private.release_claims(reservation);
  update app_public.reservations r
     set status = 'no_show', no_show_at = pg_catalog.now(), penalty_amount = v_penalty, refund_amount = r.total_amount - v_penalty
   where r.id = reservation.id
  returning * into v_res;
  perform app_private.post_reservation_charges(v_res, ledger_key, 'Booking ' || v_res.confirmation_code || ' no-show'
    || case when v_res.penalty_amount > 0 then ', no-show fee ' || app_hidden.format_money(v_res.penalty_amount, v_res.currency) else '' end);
  perform app_private.schedule_payments(v_res);
  perform app_private.refund_overpayment(v_res, 'No-show');
  return v_res;
end;
$$;
comment on function app_private.record_no_show(app_public.reservations, text) is
  E'Applies a no-show to a locked confirmed reservation: penalty, unit freed, folio, payments and refunds.';
