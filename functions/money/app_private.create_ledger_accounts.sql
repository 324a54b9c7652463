-- The system chart of accounts of a property (idempotent): one account per
-- purpose, plus one tax-payable account per tax and one payment-clearing
-- account per provider. Staff may add their own accounts (purpose null).
-- Tax accounts read like the rest of the chart: 2101 "Tax payable: VAT".
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
  -- Tax payable: one account per tax, numbered 2101, 2102, … in the order
  -- the taxes were made (the first free codes of 2101–2199; past those,
  -- 2100.<first 8 of the id>), named after the tax. Taken under a lock per property so two
  -- taxes made at once do not pick the same code.
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('ledger_accounts:' || create_ledger_accounts.property_id::text, 0));
  insert into app_public.ledger_accounts (property_id, code, name, kind, purpose, tax_id)
  select m.property_id, coalesce(f.code, '2100.' || pg_catalog.left(m.id::text, 8)), 'Tax payable: ' || m.name, 'liability', 'tax_payable', m.id
    from (select t.property_id, t.id, t.name, pg_catalog.row_number() over (order by t.created_at, t.name, t.id) as n
            from app_public.taxes t
           where t.property_id = create_ledger_accounts.property_id
             and not exists (select 1 from app_public.ledger_accounts a
                              where a.property_id = t.property_id and a.purpose = 'tax_payable' and a.tax_id = t.id)) m
    left join (select c::text as code, pg_catalog.row_number() over (order by c) as n
                 from pg_catalog.generate_series(2101, 2199) c
                where not exists (select 1 from app_public.ledger_accounts a
                                   where a.property_id = create_ledger_accounts.property_id and a.code = c::text)) f on f.n = m.n
  on conflict do nothing;
$$;
comment on function app_private.create_ledger_accounts(uuid) is
  E'Creates the missing system accounts of a property (one per purpose, per tax, per provider).';
