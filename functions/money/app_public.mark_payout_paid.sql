-- Records that a payout was transferred to its owner (or, when negative,
-- repaid by them): Dr owner payable, Cr payouts (the account the transfers
-- leave from).
create or replace function app_public.mark_payout_paid(payout_id uuid, idempotency_key text) returns app_public.payouts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_payout app_public.payouts;
begin
  v_replay := app_private.idempotency_begin('mark_payout_paid', idempotency_key, pg_catalog.jsonb_build_object('payout_id', payout_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.payouts, v_replay);
  end if;
  select * into v_payout from app_public.payouts p where p.id = mark_payout_paid.payout_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such payout, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_payout.property_id, app_hidden.staff_group_roles('back_office'), 'pay owners');
  if v_payout.paid_at is not null then
    raise exception using errcode = 'TRANS', message = 'This payout is recorded as paid already.';
  end if;
  -- A negative payout (revenue taken back after it was paid out) is money
  -- the owner returns: the same entry with the signs turned.
  if v_payout.owner_share <> 0 then
    perform app_private.post_entry(v_payout.property_id, 'payout', v_payout.id, 'payout:' || v_payout.id || ':paid',
      case when v_payout.owner_share > 0
           then 'Payout of ' || app_hidden.format_money(v_payout.owner_share, v_payout.currency) || ' transferred to '
           else 'Repayment of ' || app_hidden.format_money(-v_payout.owner_share, v_payout.currency) || ' received from ' end
        || coalesce((select o.name from app_public.owners o where o.property_id = v_payout.property_id and o.id = v_payout.owner_id), 'the owner'),
      pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('purpose', 'owner_payable', 'amount', v_payout.owner_share, 'currency', v_payout.currency),
        pg_catalog.jsonb_build_object('purpose', 'payouts', 'amount', -v_payout.owner_share, 'currency', v_payout.currency)));
  end if;
  update app_public.payouts p set paid_at = pg_catalog.now() where p.id = v_payout.id returning * into v_payout;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_payout));
  return v_payout;
end;
$$;
comment on function app_public.mark_payout_paid(uuid, text) is
  E'Records a payout as transferred: Dr owner payable / Cr payouts. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
