-- Pays money back at the desk in cash (out of the caller's open cash
-- shift) or by bank transfer: Dr the folio / Cr cash or bank, at most the
-- folio's credit. A goodwill refund (owner, manager, accountant) may refund
-- more: the same entry posts an allowance of the amount (Dr allowances /
-- Cr the folio), so a settled folio stays at zero. A reason is required.
create or replace function app_public.refund_folio_payment(
  folio_id uuid,
  method app_public.desk_payment_method,
  amount bigint,
  reason text,
  goodwill boolean,
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_reason text;
  v_goodwill boolean := coalesce(goodwill, false);
  v_credit bigint;
  v_shift app_public.cash_shifts;
  v_entry_id uuid;
  v_lines jsonb;
begin
  v_replay := app_private.idempotency_begin('refund_folio_payment', idempotency_key,
                pg_catalog.jsonb_build_object('folio_id', folio_id, 'method', method, 'amount', amount, 'reason', reason, 'goodwill', v_goodwill));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(refund_folio_payment.folio_id, app_hidden.staff_group_roles('cashiers'), 'refund payments');
  if v_goodwill then
    perform app_private.require_staff(v_folio.property_id, app_hidden.staff_group_roles('back_office'), 'make goodwill refunds');
  end if;
  if method is null then
    raise exception using errcode = 'INVLD', message = 'Say how the money goes back: cash or bank transfer.';
  end if;
  v_reason := app_private.check_desk_text(reason, true, 300, 'A reason');
  select -coalesce(sum(b.balance), 0) into v_credit from app_public.folio_balances b
   where b.property_id = v_folio.property_id and b.folio_id = v_folio.id and b.currency = v_folio.currency;
  if v_goodwill then
    perform app_private.check_desk_amount(amount, 100000000000, v_folio.currency, 'A goodwill refund');
  elsif v_credit <= 0 then
    raise exception using errcode = 'INVLD', hint = 'NO_CREDIT',
      message = 'This folio has no credit to refund; a refund beyond it is a goodwill refund (owner, manager or accountant).';
  else
    perform app_private.check_desk_amount(amount, v_credit, v_folio.currency, 'A refund');
  end if;
  if method = 'cash' then
    v_shift := app_private.caller_cash_shift(v_folio.property_id);
    if v_shift.currency <> v_folio.currency then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Your cash drawer is in %s; this folio is in %s.', v_shift.currency, v_folio.currency);
    end if;
  end if;
  v_lines := pg_catalog.jsonb_build_array(
    pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', amount, 'currency', v_folio.currency),
    pg_catalog.jsonb_build_object('purpose', case when method = 'cash' then 'cash_drawer' else 'bank' end, 'amount', -amount, 'currency', v_folio.currency));
  if v_goodwill then
    v_lines := v_lines || pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'allowances', 'amount', amount, 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', -amount, 'currency', v_folio.currency));
  end if;
  v_entry_id := app_private.post_entry(v_folio.property_id, 'folio_refund', v_folio.id, app_private.desk_key('refund', idempotency_key),
    pg_catalog.left(case when v_goodwill then 'Goodwill refund' else 'Refund' end
                    || case when method = 'cash' then ' in cash, ' || app_private.shift_label(v_shift) else ' by bank transfer' end
                    || ' — ' || app_private.folio_place(v_folio) || ': ' || v_reason, 500),
    v_lines);
  if method = 'cash' then
    insert into app_public.cash_movements (property_id, shift_id, entry_id, folio_id, kind, amount, currency, created_by)
    values (v_folio.property_id, v_shift.id, v_entry_id, v_folio.id, 'refund', -amount, v_folio.currency, app_hidden.current_user_id());
  end if;
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$$;
comment on function app_public.refund_folio_payment(uuid, app_public.desk_payment_method, bigint, text, boolean, text) is
  E'Refunds in cash (from the caller''s open cash shift) or by bank transfer, at most the folio''s credit; with goodwill (owner, manager, accountant) any amount, posting an allowance of it in the same entry so the folio''s balance does not move. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, CASH_SHIFT_REQUIRED, IDEMPOTENCY_KEY_REUSED.';
