-- What a folio was charged, entry by entry and account by account: the
-- revenue and tax postings (credit = +) of every journal entry whose charge
-- sits on the folio now, weighed by the share of it that does. An entry's
-- charge sits on the folios its receivable postings name, moved by routing
-- entries (app_private.folio_routes, routeFolioPostings): a charge routed
-- to a company's folio is that folio's to invoice, no longer its first
-- folio's. The share is charge_on_folio / the entry's receivable postings
-- on all folios (1 or 0 for whole charges; an entry whose receivable
-- postings net to zero, such as a goodwill refund with its allowance, is
-- wholly the folio's it touches). Routing entries themselves charge nothing.
create or replace function app_private.folio_charges(folio app_public.folios)
  returns table (entry_id uuid, account_id uuid, amount bigint)
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  with entries as (
    select p.entry_id from app_public.postings p
     where p.property_id = folio.property_id and p.folio_id = folio.id
    union
    select r.entry_id from app_private.folio_routes r
     where r.property_id = folio.property_id and r.to_folio_id = folio.id
  ),
  shares as (
    select x.entry_id,
           case when x.on_folios = 0 then 1::numeric else x.on_folio::numeric / x.on_folios end as share
      from (select en.entry_id,
                   app_private.charge_on_folio(folio.property_id, en.entry_id, folio.id) as on_folio,
                   (select coalesce(sum(p.amount), 0) from app_public.postings p
                     where p.property_id = folio.property_id and p.entry_id = en.entry_id and p.folio_id is not null) as on_folios
              from entries en) x
  )
  select s.entry_id, a.id, round(-sum(po.amount) * s.share)::bigint
    from shares s
    join app_public.journal_entries e on e.property_id = folio.property_id and e.id = s.entry_id
    join app_public.postings po on po.property_id = e.property_id and po.entry_id = e.id
    join app_public.ledger_accounts a on a.property_id = po.property_id and a.id = po.account_id
   where (a.kind = 'revenue' or a.purpose = 'tax_payable') and s.share <> 0 and e.cause_type <> 'folio_route'
   group by s.entry_id, a.id, s.share
  having round(-sum(po.amount) * s.share) <> 0;
$$;
comment on function app_private.folio_charges(app_public.folios) is
  E'The revenue and tax a folio was charged, per entry and account, following charges routed between folios.';
