-- Issues the invoice of a folio: what its reservation was charged (per
-- revenue and tax account, from the ledger) and not yet invoiced. Numbers
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
  v_res := app_private.lock_reservation(v_folio.reservation_id, app_hidden.staff_group_roles('cashiers'), 'issue invoices');

  with charged as (
    select a.id as account_id, a.name, a.purpose, -sum(p.amount) as amount
      from app_public.journal_entries e
      join app_public.postings p on p.property_id = e.property_id and p.entry_id = e.id
      join app_public.ledger_accounts a on a.property_id = p.property_id and a.id = p.account_id
     where e.property_id = v_res.property_id and e.cause_type = 'reservation' and e.cause_id = v_res.id
       and a.purpose is distinct from 'guest_receivable'
     group by a.id, a.name, a.purpose
  ),
  invoiced as (
    select (l ->> 'account_id')::uuid as account_id, sum((l ->> 'amount')::bigint) as amount
      from app_public.invoices i cross join pg_catalog.jsonb_array_elements(i.lines) l
     where i.property_id = v_res.property_id and i.folio_id = v_folio.id
     group by 1
  )
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'account_id', c.account_id, 'description', c.name,
           'kind', case when c.purpose = 'tax_payable' then 'tax' else 'revenue' end,
           'amount', c.amount - coalesce(i.amount, 0))
         order by c.purpose = 'tax_payable', c.name)
    into v_lines
    from charged c left join invoiced i on i.account_id = c.account_id
   where c.amount - coalesce(i.amount, 0) <> 0;
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
  E'Issues an invoice (numbered per property without gaps) for what a folio was charged and not yet invoiced. Errors: NTFND, DNIED, INVALID_INPUT (nothing to invoice), INVALID_TRANSITION (credit the last invoice first), IDEMPOTENCY_KEY_REUSED.';
