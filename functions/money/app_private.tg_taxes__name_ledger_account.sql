-- A renamed tax renames its tax-payable account ("Tax payable: <name>"),
-- unless staff gave the account a name of their own.
create or replace function app_private.tg_taxes__name_ledger_account() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  update app_public.ledger_accounts a
     set name = 'Tax payable: ' || new.name
   where a.property_id = new.property_id and a.purpose = 'tax_payable' and a.tax_id = new.id
     and a.name = 'Tax payable: ' || old.name;
  return null;
end;
$$;
comment on function app_private.tg_taxes__name_ledger_account() is
  E'Trigger: a renamed tax renames its tax-payable account (when it still has the name Keepr gave it).';
