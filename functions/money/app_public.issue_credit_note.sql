-- Cancels an issued invoice with a credit note: the same lines (nights,
-- VAT, postings), negated, addressed to the invoice's bill-to, under the
-- next credit-note number. An invoice is credited at most once;
-- the invoice itself never changes.
create or replace function app_public.issue_credit_note(invoice_id uuid, reason text, idempotency_key text) returns app_public.invoices
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_invoice app_public.invoices;
  v_folio app_public.folios;
  v_res app_public.reservations;
  v_note app_public.invoices;
begin
  v_replay := app_private.idempotency_begin('issue_credit_note', idempotency_key,
                pg_catalog.jsonb_build_object('invoice_id', invoice_id, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.invoices, v_replay);
  end if;
  select * into v_invoice from app_public.invoices i where i.id = issue_credit_note.invoice_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such invoice, or you cannot see it.';
  end if;
  select * into v_folio from app_public.folios f where f.property_id = v_invoice.property_id and f.id = v_invoice.folio_id;
  if v_folio.reservation_id is not null then
    v_res := app_private.lock_reservation(v_folio.reservation_id, app_hidden.staff_group_roles('back_office'), 'issue credit notes');
  else
    v_folio := app_private.lock_folio(v_folio.id, app_hidden.staff_group_roles('back_office'), 'issue credit notes');
  end if;
  if v_invoice.kind <> 'invoice' then
    raise exception using errcode = 'TRANS', message = 'Only an invoice can be credited, not a credit note.';
  end if;
  if exists (select 1 from app_public.invoices i where i.property_id = v_invoice.property_id and i.credits_invoice_id = v_invoice.id) then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('Invoice %s is credited already.', v_invoice.document_number);
  end if;
  if reason is null or pg_catalog.length(pg_catalog.btrim(reason)) not between 1 and 500 then
    raise exception using errcode = 'INVLD', message = 'A credit note needs a reason (1 to 500 characters).';
  end if;
  v_note := app_private.insert_invoice(v_folio, v_res, 'credit_note',
              (select pg_catalog.jsonb_agg(l || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                        'amount', -(l ->> 'amount')::bigint, 'net', -(l ->> 'net')::bigint, 'vat', -(l ->> 'vat')::bigint,
                        'postings', (select pg_catalog.jsonb_agg(pp || pg_catalog.jsonb_build_object('amount', -(pp ->> 'amount')::bigint))
                                       from pg_catalog.jsonb_array_elements(l -> 'postings') pp))) order by o)
                 from pg_catalog.jsonb_array_elements(v_invoice.lines) with ordinality x(l, o)),
              v_invoice.id, pg_catalog.btrim(reason));
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_note));
  return v_note;
end;
$$;
comment on function app_public.issue_credit_note(uuid, text, text) is
  E'Credits an issued invoice in full with a credit note (its own gapless numbers). Errors: NOT_FOUND, ACCESS_DENIED, LEGAL_DETAILS_MISSING, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
