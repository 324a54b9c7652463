-- The account a folio's postings are on: guest receivable (1100) for a
-- guest folio, the city ledger (1150) for a company's.
create or replace function app_private.folio_receivable(folio app_public.folios) returns text
  language sql immutable
  set search_path to pg_catalog, public, pg_temp
as $$
  select case when folio.kind = 'company' then 'city_ledger' else 'guest_receivable' end;
$$;
comment on function app_private.folio_receivable(app_public.folios) is
  E'The purpose of the account a folio posts to: guest_receivable or, for a company folio, city_ledger.';
