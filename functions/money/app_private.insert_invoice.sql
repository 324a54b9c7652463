-- Writes an invoice or credit note with the next number of its kind at the
-- property (the counter row is locked until commit: no gaps, no doubles),
-- its totals (in the reservation's currency, or the folio's for a company's
-- folio), and the snapshot a legal document needs, frozen at issue:
-- the seller (the property's legal details; LEGAL_DETAILS_MISSING while
-- incomplete), the bill-to (the folio's; a credit note repeats its
-- invoice's), the VAT summary per rate and, on an invoice, the payments
-- received so far and the amount still due on the folio.
-- Totals: net = the lines' net; total = the lines' amounts; tax = total −
-- net (VAT and taxes such as city tax). Lines written before the
-- breakdown by night ({account_id, description, kind, amount}) count as
-- net when their kind is revenue.
create or replace function app_private.insert_invoice(
  folio app_public.folios,
  reservation app_public.reservations,
  kind app_public.invoice_kind,
  lines jsonb,
  credits_invoice_id uuid,
  reason text
) returns app_public.invoices
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_seller jsonb;
  v_bill_to jsonb;
  v_number integer;
  v_invoice app_public.invoices;
begin
  v_seller := app_private.invoice_seller(folio.property_id);
  if insert_invoice.kind = 'credit_note' then
    select i.bill_to into v_bill_to from app_public.invoices i
     where i.property_id = folio.property_id and i.id = insert_invoice.credits_invoice_id;
  else
    v_bill_to := app_private.bill_to_of(folio);
  end if;

  insert into app_private.invoice_counters as c (property_id, kind, last_number)
  values (folio.property_id, insert_invoice.kind, 1)
  on conflict (property_id, kind) do update set last_number = c.last_number + 1
  returning c.last_number into v_number;

  with l as (
    select coalesce((l ->> 'net')::bigint, case when l ->> 'kind' = 'revenue' then (l ->> 'amount')::bigint else 0 end) as net,
           (l ->> 'amount')::bigint as amount, l ->> 'kind' as kind, (l ->> 'vat_rate')::numeric as vat_rate,
           coalesce((l ->> 'vat')::bigint, 0) as vat
      from pg_catalog.jsonb_array_elements(insert_invoice.lines) l
  )
  insert into app_public.invoices (property_id, folio_id, reservation_id, kind, number, document_number, credits_invoice_id, reason,
                                   currency, lines, net_amount, tax_amount, total_amount, bill_to, issued_by,
                                   seller, vat_summary, payments, amount_due)
  select folio.property_id, folio.id, (reservation).id, insert_invoice.kind, v_number,
         case insert_invoice.kind when 'invoice' then 'INV-' else 'CN-' end || pg_catalog.lpad(v_number::text, 6, '0'),
         insert_invoice.credits_invoice_id, insert_invoice.reason, coalesce((reservation).currency, folio.currency), insert_invoice.lines,
         (select coalesce(sum(l.net), 0) from l),
         (select coalesce(sum(l.amount), 0) - coalesce(sum(l.net), 0) from l),
         (select coalesce(sum(l.amount), 0) from l),
         v_bill_to, app_hidden.current_user_id(),
         v_seller,
         (select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('rate', s.rate, 'net', s.net, 'vat', s.vat, 'gross', s.net + s.vat)
                                               order by s.rate desc), '[]')
            from (select coalesce(l.vat_rate, 0) as rate, sum(l.net) as net, sum(l.vat) as vat
                    from l where l.kind = 'revenue' group by 1) s),
         case when insert_invoice.kind = 'invoice' then app_private.invoice_payments(folio) end,
         case when insert_invoice.kind = 'invoice' then
           coalesce((select b.balance from app_public.folio_balances b
                      where b.property_id = folio.property_id and b.folio_id = folio.id
                        and b.currency = coalesce((reservation).currency, folio.currency)), 0) end
  returning * into v_invoice;
  return v_invoice;
end;
$$;
comment on function app_private.insert_invoice(app_public.folios, app_public.reservations, app_public.invoice_kind, jsonb, uuid, text) is
  E'Inserts an invoice or credit note under the next gapless number of its kind at the property, with its seller, bill-to, VAT summary, payments and amount due frozen.';
