-- What a folio has received, as an invoice lists it: for every journal
-- entry on the folio, what moved on the folio beyond what the entry charged
-- it (app_private.folio_charges) — a card capture, cash, a bank transfer, a
-- refund (negative), a move to the city ledger, the refund half of a
-- goodwill refund — with its date at the property, how (from the account on
-- the other side), the entry's description and the amount (+ received,
-- − paid back). Routing entries move charges, not money: they are left out
-- (the charges' lines follow them).
create or replace function app_private.invoice_payments(folio app_public.folios) returns jsonb
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  with charged as (
    select fc.entry_id, sum(fc.amount) as amount from app_private.folio_charges(folio) fc group by fc.entry_id
  ),
  moved as (
    select e.id, e.property_id, e.occurred_at, e.description, min(po.id) as seq,
           coalesce((select c.amount from charged c where c.entry_id = e.id), 0)
             - app_private.charge_on_folio(e.property_id, e.id, folio.id) as amount
      from app_public.postings po
      join app_public.journal_entries e on e.property_id = po.property_id and e.id = po.entry_id
     where po.property_id = folio.property_id and po.folio_id = folio.id and e.cause_type <> 'folio_route'
     group by e.id, e.property_id, e.occurred_at, e.description
  )
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'date', (m.occurred_at at time zone p.time_zone)::date,
           'method', (select pg_catalog.string_agg(distinct case a.purpose
                                                     when 'payment_clearing' then 'Card'
                                                     when 'refunds' then 'Refund'
                                                     when 'cash_drawer' then 'Cash'
                                                     when 'bank' then 'Bank transfer'
                                                     when 'city_ledger' then 'City ledger'
                                                     when 'guest_receivable' then 'Another folio'
                                                     else a.name end, ', ')
                        from app_public.postings o
                        join app_public.ledger_accounts a on a.property_id = o.property_id and a.id = o.account_id
                       where o.property_id = m.property_id and o.entry_id = m.id and o.folio_id is distinct from folio.id
                         and a.kind <> 'revenue' and a.purpose is distinct from 'tax_payable'),
           'description', m.description,
           'amount', m.amount) order by m.occurred_at, m.seq), '[]')
    from moved m
    join app_public.properties p on p.id = folio.property_id
   where m.amount <> 0;
$$;
comment on function app_private.invoice_payments(app_public.folios) is
  E'Payments, refunds and transfers of a folio for its invoice: [{date, method, description, amount}], + received; what each entry moved on the folio beyond what it charged.';
