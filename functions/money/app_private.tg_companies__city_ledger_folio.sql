-- Every company has its city-ledger folio (kind company), made with it and
-- labelled with its name (renaming the company renames the folio).
create or replace function app_private.tg_companies__city_ledger_folio() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  insert into app_public.folios (property_id, kind, company_id, label, currency, is_primary)
  select new.property_id, 'company', new.id, pg_catalog.left(new.name, 100), p.currency, false
    from app_public.properties p where p.id = new.property_id
  on conflict (property_id, company_id) where kind = 'company' do update set label = excluded.label;
  return null;
end;
$$;
comment on function app_private.tg_companies__city_ledger_folio() is
  E'Trigger (after insert or rename of a company): makes its city-ledger folio, or renames it.';
