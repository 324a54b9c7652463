-- A company's city-ledger folio (Company.folio): what it owes the property.
create or replace function app_public.companies_folio(c app_public.companies) returns app_public.folios
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select f.* from app_public.folios f where f.property_id = c.property_id and f.company_id = c.id and f.kind = 'company';
$$;
comment on function app_public.companies_folio(app_public.companies) is
  E'The company''s city-ledger folio: what is transferred to it, what it pays, what it owes (arAging ages it).';
