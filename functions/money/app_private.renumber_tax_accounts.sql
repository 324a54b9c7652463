-- Gives tax-payable accounts with the old generated codes ("2100-4d6c13ed")
-- readable ones: the first free codes of 2101–2199 per property, in the
-- order the taxes were made (past 2199: 2100.<first 8 of the id>). Postings reference accounts by
-- id, so no posting changes; the account's history keeps its id. Returns
-- how many accounts were renumbered. Run by migration 000041; harmless to
-- run again.
create or replace function app_private.renumber_tax_accounts() returns integer
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  r record;
  v_code text;
  v_count integer := 0;
begin
  for r in
    select a.id, a.property_id
      from app_public.ledger_accounts a
      join app_public.taxes t on t.property_id = a.property_id and t.id = a.tax_id
     where a.purpose = 'tax_payable' and a.code like '2100-%'
     order by a.property_id, t.created_at, t.name, t.id
  loop
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('ledger_accounts:' || r.property_id::text, 0));
    select coalesce(min(c)::text, '2100.' || pg_catalog.left(r.id::text, 8)) into v_code
      from pg_catalog.generate_series(2101, 2199) c
     where not exists (select 1 from app_public.ledger_accounts x where x.property_id = r.property_id and x.code = c::text);
    update app_public.ledger_accounts set code = v_code where id = r.id;
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.renumber_tax_accounts() is
  E'Renumbers tax-payable accounts with generated codes (2100-<id>) to 2101, 2102, … per property (postings reference accounts by id).';
