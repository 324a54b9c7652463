-- A new tax gets its tax-payable account: the property's chart of accounts is
-- made again (create_ledger_accounts is idempotent).
create or replace function app_private.tg__create_ledger_accounts() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  perform app_private.create_ledger_accounts(new.property_id);
  return null;
end;
$$;
comment on function app_private.tg__create_ledger_accounts() is E'Trigger: gives a new property (or a new tax) its system accounts.';
