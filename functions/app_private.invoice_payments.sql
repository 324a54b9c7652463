-- What a folio has received, as an invoice lists it: every journal entry
-- that moved money on the folio without charging it (a card capture, cash,
-- a bank transfer, a refund, a move to the city ledger or another folio),
-- with its date at the property, how it was paid (from the account on the
-- other side), the entry's description and the amount (+ received,
-- − paid back).
create or replace function app_private.invoice_payments(folio app_public.folios) returns jsonb
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'date', (x.occurred_at at time zone p.time_zone)::date, 'method', x.method, 'description', x.description,
           'amount', x.amount) order by x.occurred_at, x.id), '[]')
    from (
      select e.id, e.occurred_at, e.description, -sum(po.amount) as amount,
             (select pg_catalog.string_agg(distinct case a.purpose
                                             when 'payment_clearing' then 'Card'
                                             when 'refunds' then 'Refund'
                                             when 'cash_drawer' then 'Cash'
                                             when 'bank' then 'Bank transfer'
                                             when 'city_ledger' then 'City ledger'
                                             when 'guest_receivable' then 'Another folio'
                                             else a.name end, ', ')
                from app_public.postings o
                join app_public.ledger_accounts a on a.property_id = o.property_id and a.id = o.account_id
               where o.property_id = e.property_id and o.entry_id = e.id and o.folio_id is distinct from folio.id) as method
        from app_public.postings po
        join app_public.journal_entries e on e.property_id = po.property_id and e.id = po.entry_id
       where po.property_id = folio.property_id and po.folio_id = folio.id
         and not exists (select 1 from app_public.postings o
                           join app_public.ledger_accounts a on a.property_id = o.property_id and a.id = o.account_id
                          where o.property_id = e.property_id and o.entry_id = e.id
                            and (a.kind = 'revenue' or a.purpose = 'tax_payable'))
       group by e.id, e.property_id, e.occurred_at, e.description
      having sum(po.amount) <> 0
    ) x
    join app_public.properties p on p.id = folio.property_id;
$$;
comment on function app_private.invoice_payments(app_public.folios) is
  E'Payments, refunds and transfers of a folio for its invoice: [{date, method, description, amount}], + received.';
