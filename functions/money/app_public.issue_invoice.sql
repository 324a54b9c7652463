-- Issues the invoice of a folio: what it was charged (from the ledger) and
-- not yet invoiced, as lines per night, fee, city tax, extra, allowance
-- (app_private.invoice_lines) with their VAT, and the seller, bill-to,
-- payments received and amount due frozen into it (insert_invoice). The
-- property's legal details must be complete (LEGAL_DETAILS_MISSING). A
-- company's folio (no reservation) is invoiced too: what was routed to it. Numbers
-- come from a counter row per property and document kind, incremented in
-- this transaction: a rollback gives the number back, so numbers have no
-- gaps, and concurrent issuers wait on the row. An invoice is immutable
-- once issued; a charge that went down is corrected by a credit note, then
-- a new invoice.
create or replace function app_public.issue_invoice(folio_id uuid, idempotency_key text) returns app_public.invoices
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_res app_public.reservations;
  v_lines jsonb;
  v_invoice app_public.invoices;
begin
  v_replay := app_private.idempotency_begin('issue_invoice', idempotency_key, pg_catalog.jsonb_build_object('folio_id', folio_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.invoices, v_replay);
  end if;
  select * into v_folio from app_public.folios f where f.id = issue_invoice.folio_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such folio, or you cannot see it.';
  end if;
  if v_folio.reservation_id is not null then
    v_res := app_private.lock_reservation(v_folio.reservation_id, app_hidden.staff_group_roles('cashiers'), 'issue invoices');
  else
    -- A company's (city-ledger) folio: the charges routed to it, entry by entry.
    v_folio := app_private.lock_folio(v_folio.id, app_hidden.staff_group_roles('cashiers'), 'issue invoices');
  end if;
  perform app_private.invoice_seller(v_folio.property_id);

  v_lines := app_private.invoice_lines(v_folio);
  if v_lines is null then
    raise exception using errcode = 'INVLD', message = 'Everything charged on this folio is invoiced already.';
  end if;
  if (select sum((l ->> 'amount')::bigint) from pg_catalog.jsonb_array_elements(v_lines) l) < 0 then
    raise exception using errcode = 'TRANS',
      message = 'The charges went down since the last invoice: issue a credit note for it first, then a new invoice.';
  end if;
  v_invoice := app_private.insert_invoice(v_folio, v_res, 'invoice', v_lines, null, null);
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_invoice));
  return v_invoice;
end;
$$;
comment on function app_public.issue_invoice(uuid, text) is
  E'Issues an invoice (numbered per property without gaps) for what a folio was charged and not yet invoiced: a line per night with its VAT, fees, city tax, extras, allowances; payments received and the amount due. Errors: NOT_FOUND, ACCESS_DENIED, LEGAL_DETAILS_MISSING, INVALID_INPUT (nothing to invoice), INVALID_TRANSITION (credit the last invoice first), IDEMPOTENCY_KEY_REUSED.';
