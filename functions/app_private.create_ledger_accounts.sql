-- The system chart of accounts of a property (idempotent): one account per
-- purpose, plus one tax-payable account per tax and one payment-clearing
-- account per provider. Staff may add their own accounts (purpose null).
create or replace function app_private.create_ledger_accounts(property_id uuid) returns void
  language sql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
  insert into app_public.ledger_accounts (property_id, code, name, kind, purpose, provider)
  values
    (create_ledger_accounts.property_id, '1100', 'Guest receivable', 'asset', 'guest_receivable', null),
    (create_ledger_accounts.property_id, '1200', 'Payment clearing (simulated provider)', 'asset', 'payment_clearing', 'simulated'),
    (create_ledger_accounts.property_id, '1300', 'Payouts', 'asset', 'payouts', null),
    (create_ledger_accounts.property_id, '2200', 'Owner payable', 'liability', 'owner_payable', null),
    (create_ledger_accounts.property_id, '2300', 'Refunds due', 'liability', 'refunds', null),
    (create_ledger_accounts.property_id, '4000', 'Room revenue', 'revenue', 'room_revenue', null),
    (create_ledger_accounts.property_id, '4100', 'Fee revenue', 'revenue', 'fee_revenue', null),
    (create_ledger_accounts.property_id, '4200', 'Cancellation revenue', 'revenue', 'cancellation_revenue', null),
    (create_ledger_accounts.property_id, '4300', 'Commission revenue', 'revenue', 'commission_revenue', null),
    (create_ledger_accounts.property_id, '1000', 'Cash', 'asset', 'cash_drawer', null),
    (create_ledger_accounts.property_id, '1010', 'Bank', 'asset', 'bank', null),
    (create_ledger_accounts.property_id, '1150', 'City ledger', 'asset', 'city_ledger', null),
    (create_ledger_accounts.property_id, '4400', 'Extras revenue', 'revenue', 'extras_revenue', null),
    (create_ledger_accounts.property_id, '4900', 'Allowances', 'revenue', 'allowances', null),
    (create_ledger_accounts.property_id, '6900', 'Cash over/short', 'expense', 'cash_over_short', null)
  on conflict (property_id, code) do nothing;
  insert into app_public.ledger_accounts (property_id, code, name, kind, purpose, tax_id)
  select t.property_id, '2100-' || pg_catalog.left(t.id::text, 8), 'Tax payable: ' || t.name, 'liability', 'tax_payable', t.id
    from app_public.taxes t
   where t.property_id = create_ledger_accounts.property_id
  on conflict (property_id, code) do nothing;
$$;
comment on function app_private.create_ledger_accounts(uuid) is
  E'Creates the missing system accounts of a property (one per purpose, per tax, per provider).';
