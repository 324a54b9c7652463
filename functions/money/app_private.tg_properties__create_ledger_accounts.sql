-- Properties get their accounts on creation (a property's own trigger
-- passes new.id, not new.property_id: a small wrapper).
create or replace function app_private.tg_properties__create_ledger_accounts() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  perform app_private.create_ledger_accounts(new.id);
  return null;
end;
$$;
comment on function app_private.tg_properties__create_ledger_accounts() is E'Trigger: gives a new property its system accounts.';
