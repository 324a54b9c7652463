--! Previous: sha1:57b368ad7a25b774a4e38554736e442ef891de36
--! Hash: sha1:b5d37fad7801ec2d905b413615b95f6d3f28ad5f
--! Message: Folios at the desk (issue 18): companies and their city-ledger folios, extras catalogue, allowances, corrections, cash and bank payments and refunds, cash shifts, second folios and routing, transfer to the city ledger, AR aging; check-out refuses an unsettled folio

-- Issue 18, "Money at the desk". Re-runnable: every object is guarded or
-- created with "or replace"; functions live in functions/ (included below).

------------------------------------------------------------------------------
-- Money for people in texts. Helper D's app_hidden.format_money (with
-- currency digits) replaces this bridge when it lands; until then this one,
-- same signature, is created only when there is none.
------------------------------------------------------------------------------
do $$
begin
  if pg_catalog.to_regprocedure('app_hidden.format_money(bigint,text)') is null then
    create function app_hidden.format_money(amount bigint, currency text) returns text
      language sql immutable parallel safe
      set search_path to pg_catalog, public, pg_temp
    as $f$
      select case when format_money.amount is null then null else
             case when format_money.amount < 0 then '-' else '' end
             || case pg_catalog.upper(format_money.currency)
                  when 'EUR' then '€' when 'USD' then '$' when 'GBP' then '£' when 'JPY' then '¥'
                  else pg_catalog.upper(format_money.currency) || ' ' end
             || case when pg_catalog.upper(format_money.currency) in ('JPY', 'KRW', 'ISK', 'CLP', 'VND')
                     then pg_catalog.to_char(pg_catalog.abs(format_money.amount), 'FM9,999,999,999,999,999,990')
                     else pg_catalog.to_char(pg_catalog.abs(format_money.amount) / 100.0, 'FM9,999,999,999,999,999,990.00') end
             end;
    $f$;
    comment on function app_hidden.format_money(bigint, text) is
      E'Money for people: minor units in their currency as text (5000 EUR → €50.00, 1200 JPY → ¥1,200).';
    grant execute on function app_hidden.format_money(bigint, text) to keepr_anonymous, keepr_worker;
  end if;
end
$$;

------------------------------------------------------------------------------
-- Types
------------------------------------------------------------------------------
do $$
begin
  if not exists (select 1 from pg_catalog.pg_type where typname = 'folio_kind' and typnamespace = 'app_public'::regnamespace) then
    create type app_public.folio_kind as enum ('guest', 'company');
  end if;
  if not exists (select 1 from pg_catalog.pg_type where typname = 'desk_payment_method' and typnamespace = 'app_public'::regnamespace) then
    create type app_public.desk_payment_method as enum ('cash', 'bank_transfer');
  end if;
  if not exists (select 1 from pg_catalog.pg_type where typname = 'cash_movement_kind' and typnamespace = 'app_public'::regnamespace) then
    create type app_public.cash_movement_kind as enum ('payment', 'refund');
  end if;
end
$$;
comment on type app_public.folio_kind is E'guest: a folio of a reservation (the primary one, or a second one: extras, a split); company: a company''s city-ledger folio (accounts receivable).';
comment on type app_public.desk_payment_method is E'How money is paid or refunded at the desk (cards go through the payment provider): cash (into or out of the caller''s cash shift) or bank_transfer.';
comment on type app_public.cash_movement_kind is E'payment: cash taken into the drawer; refund: cash paid out of it.';

------------------------------------------------------------------------------
-- Ledger: new system accounts and causes
------------------------------------------------------------------------------
alter table app_public.ledger_accounts drop constraint if exists ledger_accounts_purpose_check;
alter table app_public.ledger_accounts add constraint ledger_accounts_purpose_check check (purpose = any (array[
  'guest_receivable', 'payment_clearing', 'payouts', 'tax_payable', 'owner_payable', 'refunds', 'room_revenue', 'fee_revenue',
  'cancellation_revenue', 'commission_revenue',
  'cash_drawer', 'bank', 'city_ledger', 'extras_revenue', 'allowances', 'cash_over_short']));

alter table app_public.journal_entries drop constraint if exists journal_entries_cause_type_check;
alter table app_public.journal_entries add constraint journal_entries_cause_type_check check (cause_type = any (array[
  'reservation', 'payment', 'refund', 'payout', 'adjustment',
  'folio_charge', 'folio_allowance', 'folio_correction', 'folio_payment', 'folio_refund', 'folio_route', 'city_ledger_transfer',
  'cash_count']));
comment on column app_public.journal_entries.cause_type is
  E'What caused the entry (cause_id names it): reservation, payment (an attempt), refund, payout, adjustment; at the desk (cause_id = the folio): folio_charge (an extra), folio_allowance, folio_correction (reverses_entry_id names the corrected entry), folio_payment and folio_refund (cash or bank transfer), folio_route (charges moved between folios), city_ledger_transfer; cash_count (cause_id = the cash shift: its counted difference).';
-- The desk (cashiers) reads the entries that post to folios: a folio's
-- lines show what each was ("Minibar × 2 — room 104"), and corrections and
-- routing name entries. The rest of the journal stays the back office's.
drop policy if exists select_folio_entries on app_public.journal_entries;
create policy select_folio_entries on app_public.journal_entries for select
  using (property_id in (select app_hidden.current_property_ids_for('cashiers'))
         and exists (select 1 from app_public.postings p
                      where p.property_id = journal_entries.property_id and p.entry_id = journal_entries.id and p.folio_id is not null));

-- An entry is corrected at most once.
create unique index if not exists journal_entries_corrected_once_idx
  on app_public.journal_entries (property_id, reverses_entry_id) where cause_type = 'folio_correction';

------------------------------------------------------------------------------
-- Companies (city ledger)
------------------------------------------------------------------------------
create table if not exists app_public.companies (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete cascade,
  name text not null check (pg_catalog.length(name) between 1 and 200),
  legal_name text check (pg_catalog.length(legal_name) between 1 and 200),
  address_line1 text check (pg_catalog.length(address_line1) <= 200),
  address_line2 text check (pg_catalog.length(address_line2) <= 200),
  postal_code text check (pg_catalog.length(postal_code) <= 20),
  city text check (pg_catalog.length(city) <= 100),
  country text check (country ~ '^[A-Z]{2}$'),
  tax_id text check (pg_catalog.length(tax_id) between 1 and 50),
  email public.citext check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$' and pg_catalog.length(email) <= 254),
  payment_terms_days integer not null default 30 check (payment_terms_days between 0 and 365),
  is_active boolean not null default true,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id)
);
create unique index if not exists companies_name_idx on app_public.companies (property_id, pg_catalog.lower(name));
comment on table app_public.companies is
  E'Companies and travel agents a property bills (accounts receivable). Each has one city-ledger folio (kind company), made with it: guest folios are transferred to it, and its payments settle its oldest items first (arAging).';
comment on column app_public.companies.name is E'The name staff know the company by (unique per property, ignoring case).';
comment on column app_public.companies.legal_name is E'The name invoices bill.';
comment on column app_public.companies.country is E'ISO 3166-1 alpha-2 country code (DE, FR, …).';
comment on column app_public.companies.tax_id is E'The company''s VAT or tax number.';
comment on column app_public.companies.payment_terms_days is E'Days the company has to pay an item on its city ledger; arAging counts an item overdue after them.';
comment on column app_public.companies.is_active is E'An inactive company takes no new transfers; what it owes stays on its folio.';
comment on constraint companies_property_id_id_key on app_public.companies is E'@behavior -*';
alter table app_public.companies enable row level security;
drop trigger if exists _100_timestamps on app_public.companies;
create trigger _100_timestamps before insert or update on app_public.companies for each row execute function app_private.tg__timestamps();
drop trigger if exists _500_audit on app_public.companies;
create trigger _500_audit after insert or update or delete on app_public.companies for each row execute function audit.tg__record();
grant select on app_public.companies to keepr_staff, keepr_worker;
grant insert (property_id, name, legal_name, address_line1, address_line2, postal_code, city, country, tax_id, email, payment_terms_days, is_active),
      update (name, legal_name, address_line1, address_line2, postal_code, city, country, tax_id, email, payment_terms_days, is_active)
   on app_public.companies to keepr_staff;
drop policy if exists select_staff on app_public.companies;
create policy select_staff on app_public.companies for select
  using (property_id in (select app_hidden.current_property_ids_for('cashiers')));
drop policy if exists insert_staff on app_public.companies;
create policy insert_staff on app_public.companies for insert to keepr_staff
  with check (property_id in (select app_hidden.current_property_ids_for('cashiers')));
drop policy if exists update_staff on app_public.companies;
create policy update_staff on app_public.companies for update to keepr_staff
  using (property_id in (select app_hidden.current_property_ids_for('cashiers')));
drop policy if exists worker_all on app_public.companies;
create policy worker_all on app_public.companies for select to keepr_worker using (true);

------------------------------------------------------------------------------
-- Folios: kind, label, primary, company, currency
------------------------------------------------------------------------------
alter table app_public.folios add column if not exists kind app_public.folio_kind not null default 'guest';
alter table app_public.folios add column if not exists label text not null default 'Folio 1';
alter table app_public.folios add column if not exists is_primary boolean not null default true;
alter table app_public.folios add column if not exists company_id uuid;
alter table app_public.folios add column if not exists currency char(3);
alter table app_public.folios alter column is_primary set default false;
alter table app_public.folios alter column reservation_id drop not null;
update app_public.folios f set currency = r.currency
  from app_public.reservations r
 where f.currency is null and r.property_id = f.property_id and r.id = f.reservation_id;
alter table app_public.folios alter column currency set not null;
alter table app_public.folios drop constraint if exists folios_property_id_reservation_id_key;
create unique index if not exists folios_primary_idx on app_public.folios (property_id, reservation_id) where is_primary;
-- By reservation and by company (also what lets the API filter folios on them).
create index if not exists folios_reservation_id_idx on app_public.folios (reservation_id);
-- The foreign key's own columns, not partial: what the API needs to expose
-- a reservation's folios as a relation (Reservation.foliosByPropertyIdAndReservationId).
create index if not exists folios_property_reservation_idx on app_public.folios (property_id, reservation_id);
create unique index if not exists folios_city_ledger_idx on app_public.folios (property_id, company_id) where kind = 'company';
create index if not exists folios_company_id_idx on app_public.folios (company_id);
do $$
begin
  if not exists (select 1 from pg_catalog.pg_constraint where conname = 'folios_company_fkey' and conrelid = 'app_public.folios'::regclass) then
    alter table app_public.folios add constraint folios_company_fkey foreign key (property_id, company_id)
      references app_public.companies (property_id, id) on delete restrict;
    alter table app_public.folios add constraint folios_kind_check check (
      (kind = 'guest') = (reservation_id is not null)
      and (kind <> 'company' or company_id is not null)
      and (not is_primary or kind = 'guest'));
    alter table app_public.folios add constraint folios_label_check check (pg_catalog.length(label) between 1 and 100);
    alter table app_public.folios add constraint folios_currency_check check (currency ~ '^[A-Z]{3}$');
  end if;
end
$$;
comment on column app_public.folios.kind is E'guest (a reservation''s) or company (a company''s city ledger).';
comment on column app_public.folios.label is E'What staff call the folio: "Folio 1", "Extras", the company''s name.';
comment on column app_public.folios.is_primary is E'The reservation''s main folio (exactly one per reservation): the stay''s charges and card payments post to it.';
comment on column app_public.folios.company_id is E'A company folio: the company whose city ledger it is. A guest folio: the company it is billed to (invoices), if any.';
comment on column app_public.folios.currency is E'The folio''s currency: the reservation''s, or the property''s for a company folio.';
comment on column app_public.folios.reservation_id is E'The reservation of a guest folio; null for a company folio.';
comment on column app_public.folios.status is E'open, or closed: the reservation checked out and the folio is at zero (it takes no more charges). A closed folio that moves off zero (a late capture, a correction) opens again.';

------------------------------------------------------------------------------
-- Extras catalogue
------------------------------------------------------------------------------
create table if not exists app_public.folio_extras (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete cascade,
  name text not null check (pg_catalog.length(name) between 1 and 100),
  unit_price bigint not null check (unit_price > 0 and unit_price <= 100000000000),
  currency char(3) not null,
  tax_id uuid,
  is_active boolean not null default true,
  sort_order integer not null default 0 check (sort_order between -1000000 and 1000000),
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  foreign key (property_id, currency) references app_public.properties (id, currency) on delete cascade,
  foreign key (property_id, tax_id) references app_public.taxes (property_id, id) on delete restrict
);
create unique index if not exists folio_extras_name_idx on app_public.folio_extras (property_id, pg_catalog.lower(name));
create index if not exists folio_extras_tax_idx on app_public.folio_extras (property_id, tax_id) where tax_id is not null;
comment on table app_public.folio_extras is
  E'The property''s catalogue of extras the desk posts to folios (minibar, parking, breakfast, late check-out): credited to extras revenue (4400), less the VAT of tax_id when set.';
comment on column app_public.folio_extras.unit_price is E'Price of one, in minor units, including the VAT of tax_id.';
comment on column app_public.folio_extras.tax_id is E'A percentage tax of the property included in the price (its VAT rate for extras), or null: no tax.';
comment on column app_public.folio_extras.sort_order is E'Order in the desk''s list (then name).';
comment on constraint folio_extras_property_id_id_key on app_public.folio_extras is E'@behavior -*';
comment on constraint folio_extras_property_id_currency_fkey on app_public.folio_extras is E'@behavior -*';
alter table app_public.folio_extras enable row level security;
drop trigger if exists _100_timestamps on app_public.folio_extras;
create trigger _100_timestamps before insert or update on app_public.folio_extras for each row execute function app_private.tg__timestamps();
drop trigger if exists _200_check_tax on app_public.folio_extras;
drop trigger if exists _500_audit on app_public.folio_extras;
create trigger _500_audit after insert or update or delete on app_public.folio_extras for each row execute function audit.tg__record();
grant select, delete on app_public.folio_extras to keepr_staff;
grant insert (property_id, name, unit_price, currency, tax_id, is_active, sort_order),
      update (name, unit_price, tax_id, is_active, sort_order)
   on app_public.folio_extras to keepr_staff;
drop policy if exists select_staff on app_public.folio_extras;
create policy select_staff on app_public.folio_extras for select
  using (property_id in (select app_hidden.current_property_ids_for('cashiers')));
drop policy if exists manage_managers on app_public.folio_extras;
create policy manage_managers on app_public.folio_extras for all to keepr_staff
  using (property_id in (select app_hidden.current_property_ids_for('managers')))
  with check (property_id in (select app_hidden.current_property_ids_for('managers')));

------------------------------------------------------------------------------
-- Cash shifts and movements
------------------------------------------------------------------------------
create table if not exists app_public.cash_shifts (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete cascade,
  currency char(3) not null,
  opened_by uuid not null references app_public.users on delete restrict,
  opened_at timestamptz not null default pg_catalog.now(),
  opening_float bigint not null check (opening_float between 0 and 100000000000),
  closed_at timestamptz,
  closed_by uuid references app_public.users on delete restrict,
  counted_amount bigint check (counted_amount between 0 and 100000000000),
  expected_amount bigint,
  difference bigint,
  difference_entry_id uuid,
  note text check (pg_catalog.length(note) <= 500),
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  foreign key (property_id, currency) references app_public.properties (id, currency) on delete cascade,
  foreign key (property_id, difference_entry_id) references app_public.journal_entries (property_id, id) on delete restrict,
  check ((closed_at is null) = (closed_by is null) and (closed_at is null) = (counted_amount is null)
         and (closed_at is null) = (expected_amount is null) and (closed_at is null) = (difference is null)),
  check (difference is null or difference = counted_amount - expected_amount),
  check ((difference_entry_id is not null) = (coalesce(difference, 0) <> 0))
);
create unique index if not exists cash_shifts_one_open_idx on app_public.cash_shifts (property_id, opened_by) where closed_at is null;
create index if not exists cash_shifts_opened_idx on app_public.cash_shifts (property_id, opened_at desc);
create index if not exists cash_shifts_opened_by_idx on app_public.cash_shifts (opened_by);
create index if not exists cash_shifts_closed_by_idx on app_public.cash_shifts (closed_by) where closed_by is not null;
comment on table app_public.cash_shifts is
  E'A cashier''s shift at the cash drawer: opened with a float (openCashShift), takes cash payments and refunds (cash_movements), closed with a count (closeCashShift): expected = float + cash in − cash out; the difference is posted to cash over/short. One open shift per person and property.';
comment on column app_public.cash_shifts.opening_float is E'Cash in the drawer at the start (minor units); handed over, not posted.';
comment on column app_public.cash_shifts.expected_amount is E'At close: opening float + cash payments − cash refunds of the shift.';
comment on column app_public.cash_shifts.difference is E'At close: counted − expected (positive: over, negative: short); posted to 6900 cash over/short.';
comment on column app_public.cash_shifts.difference_entry_id is E'The journal entry that posted the difference (none when the count matched).';
comment on constraint cash_shifts_property_id_id_key on app_public.cash_shifts is E'@behavior -*';
comment on constraint cash_shifts_property_id_currency_fkey on app_public.cash_shifts is E'@behavior -*';
alter table app_public.cash_shifts enable row level security;
drop trigger if exists _100_timestamps on app_public.cash_shifts;
create trigger _100_timestamps before insert or update on app_public.cash_shifts for each row execute function app_private.tg__timestamps();
drop trigger if exists _500_audit on app_public.cash_shifts;
create trigger _500_audit after insert or update or delete on app_public.cash_shifts for each row execute function audit.tg__record();
grant select on app_public.cash_shifts to keepr_staff;
drop policy if exists select_staff on app_public.cash_shifts;
create policy select_staff on app_public.cash_shifts for select
  using (property_id in (select app_hidden.current_property_ids_for('cashiers')));

create table if not exists app_public.cash_movements (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete cascade,
  shift_id uuid not null,
  entry_id uuid not null,
  folio_id uuid not null,
  kind app_public.cash_movement_kind not null,
  amount bigint not null check (amount <> 0),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  created_by uuid references app_public.users on delete set null,
  created_at timestamptz not null default pg_catalog.now(),
  foreign key (property_id, shift_id) references app_public.cash_shifts (property_id, id) on delete restrict,
  foreign key (property_id, entry_id) references app_public.journal_entries (property_id, id) on delete restrict,
  foreign key (property_id, folio_id) references app_public.folios (property_id, id) on delete restrict,
  check ((kind = 'payment') = (amount > 0))
);
create index if not exists cash_movements_shift_idx on app_public.cash_movements (property_id, shift_id);
create index if not exists cash_movements_entry_idx on app_public.cash_movements (property_id, entry_id);
create index if not exists cash_movements_folio_idx on app_public.cash_movements (property_id, folio_id);
create index if not exists cash_movements_created_by_idx on app_public.cash_movements (created_by);
comment on table app_public.cash_movements is
  E'Cash into (+, a payment) and out of (−, a refund) a shift''s drawer, one per journal entry; written by takeFolioPayment and refundFolioPayment only (append-only).';
alter table app_public.cash_movements enable row level security;
drop trigger if exists _100_append_only on app_public.cash_movements;
create trigger _100_append_only before update or delete on app_public.cash_movements for each row execute function audit.tg__append_only();
drop trigger if exists _500_audit on app_public.cash_movements;
create trigger _500_audit after insert on app_public.cash_movements for each row execute function audit.tg__record();
grant select on app_public.cash_movements to keepr_staff;
drop policy if exists select_staff on app_public.cash_movements;
create policy select_staff on app_public.cash_movements for select
  using (property_id in (select app_hidden.current_property_ids_for('cashiers')));

------------------------------------------------------------------------------
-- Routing: which charge was moved from which folio to which
------------------------------------------------------------------------------
create table if not exists app_private.folio_routes (
  property_id uuid not null references app_public.properties on delete cascade,
  route_entry_id uuid not null,
  entry_id uuid not null,
  from_folio_id uuid not null,
  to_folio_id uuid not null,
  amount bigint not null check (amount <> 0),
  primary key (property_id, route_entry_id, entry_id),
  foreign key (property_id, route_entry_id) references app_public.journal_entries (property_id, id) on delete restrict,
  foreign key (property_id, entry_id) references app_public.journal_entries (property_id, id) on delete restrict,
  foreign key (property_id, from_folio_id) references app_public.folios (property_id, id) on delete restrict,
  foreign key (property_id, to_folio_id) references app_public.folios (property_id, id) on delete restrict
);
create index if not exists folio_routes_entry_idx on app_private.folio_routes (property_id, entry_id);
create index if not exists folio_routes_from_idx on app_private.folio_routes (property_id, from_folio_id);
create index if not exists folio_routes_to_idx on app_private.folio_routes (property_id, to_folio_id);
comment on table app_private.folio_routes is
  E'Each charge (journal entry) a routing entry moved, from which folio to which and how much: where a charge sits now is its postings'' folio plus the routes in, less the routes out.';

------------------------------------------------------------------------------
-- Functions
------------------------------------------------------------------------------
--! Included app_private.create_ledger_accounts.sql
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
--! EndIncluded app_private.create_ledger_accounts.sql
select app_private.create_ledger_accounts(p.id) from app_public.properties p;
--! Included app_private.desk_key.sql
-- The journal key of a desk operation: the operation and a digest of the
-- caller's idempotency scope and key. Keys are the caller's own (two
-- cashiers may both use "abc…"), journal keys are unique per property; the
-- digest keeps them apart and within the 200 characters a key may have.
create or replace function app_private.desk_key(operation text, key text) returns text
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select 'desk:' || desk_key.operation || ':'
         || pg_catalog.encode(public.digest(app_hidden.current_actor_scope() || ':' || desk_key.key, 'sha256'), 'hex');
$$;
comment on function app_private.desk_key(text, text) is
  E'The journal entry key of a desk operation, from the caller''s idempotency scope and key.';
--! EndIncluded app_private.desk_key.sql
--! Included app_private.folio_place.sql
-- Where a folio is, for people: "room 104", "Chalet Edelweiss" or
-- "booking KP-ABC123" (no unit yet), with the folio's label when it is not
-- the primary one ("room 104, Extras"); a company folio is the company.
create or replace function app_private.folio_place(folio app_public.folios) returns text
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select case
    when folio.kind = 'company' then
      coalesce((select c.name from app_public.companies c where c.property_id = folio.property_id and c.id = folio.company_id), folio.label)
    else
      coalesce((select case when u.name ~ '^[0-9]' then 'room ' || u.name else u.name end
                  from app_public.reservations r
                  join app_public.units u on u.property_id = r.property_id and u.id = r.unit_id
                 where r.property_id = folio.property_id and r.id = folio.reservation_id),
               (select 'booking ' || r.confirmation_code
                  from app_public.reservations r
                 where r.property_id = folio.property_id and r.id = folio.reservation_id),
               'a booking')
      || case when folio.is_primary then '' else ', ' || folio.label end
  end;
$$;
comment on function app_private.folio_place(app_public.folios) is
  E'Where a folio is, in ledger descriptions: "room 104", "booking KP-ABC123", "room 104, Extras", or the company''s name.';
--! EndIncluded app_private.folio_place.sql
--! Included app_private.lock_folio.sql
-- Locks a folio for a change by the caller: a guest folio through its
-- reservation (locked first, as every reservation change does), a company
-- folio by the property. NTFND when the caller cannot see it (another
-- property's, or no such folio), DNIED when their role is not enough.
create or replace function app_private.lock_folio(folio_id uuid, roles app_public.staff_role[], what text)
  returns app_public.folios
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_folio app_public.folios;
begin
  select * into v_folio from app_public.folios f where f.id = lock_folio.folio_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such folio, or you cannot see it.';
  end if;
  if v_folio.reservation_id is not null then
    perform app_private.lock_reservation(v_folio.reservation_id, roles, what);
  else
    perform app_private.require_staff(v_folio.property_id, roles, what);
  end if;
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id for update;
  return v_folio;
end;
$$;
comment on function app_private.lock_folio(uuid, app_public.staff_role[], text) is
  E'Locks a folio FOR UPDATE (a guest folio''s reservation first) after checking the caller may change it (NTFND, DNIED).';
--! EndIncluded app_private.lock_folio.sql
--! Included app_private.charge_on_folio.sql
-- How much of an entry's charge sits on a folio now: its postings to the
-- folio, plus what routing entries moved to it, less what they moved away.
create or replace function app_private.charge_on_folio(property_id uuid, entry_id uuid, folio_id uuid) returns bigint
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce((select sum(p.amount) from app_public.postings p
                    where p.property_id = charge_on_folio.property_id and p.entry_id = charge_on_folio.entry_id
                      and p.folio_id = charge_on_folio.folio_id), 0)
       + coalesce((select sum(r.amount) from app_private.folio_routes r
                    where r.property_id = charge_on_folio.property_id and r.entry_id = charge_on_folio.entry_id
                      and r.to_folio_id = charge_on_folio.folio_id), 0)
       - coalesce((select sum(r.amount) from app_private.folio_routes r
                    where r.property_id = charge_on_folio.property_id and r.entry_id = charge_on_folio.entry_id
                      and r.from_folio_id = charge_on_folio.folio_id), 0);
$$;
comment on function app_private.charge_on_folio(uuid, uuid, uuid) is
  E'The amount of an entry''s charge that sits on a folio now (its postings there, plus routes in, less routes out).';
--! EndIncluded app_private.charge_on_folio.sql
--! Included app_private.folio_receivable.sql
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
--! EndIncluded app_private.folio_receivable.sql
--! Included app_private.check_desk_amount.sql
-- Refuses an amount of money typed at the desk that is not more than 0 and
-- at most the given limit (INVLD, the limit said for people).
create or replace function app_private.check_desk_amount(amount bigint, at_most bigint, currency text, what text) returns void
  language plpgsql immutable
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if amount is null or amount <= 0 or amount > at_most then
    raise exception using errcode = 'INVLD', hint = 'AMOUNT',
      message = pg_catalog.format('%s must be more than 0 and at most %s.', what, app_hidden.format_money(at_most, currency));
  end if;
end;
$$;
comment on function app_private.check_desk_amount(bigint, bigint, text, text) is
  E'Raises INVLD (reason AMOUNT) unless 0 < amount <= at_most.';
--! EndIncluded app_private.check_desk_amount.sql
--! Included app_private.check_desk_text.sql
-- Refuses a reason or note typed at the desk that is missing (when
-- required), blank or longer than the limit (INVLD).
create or replace function app_private.check_desk_text(value text, required boolean, max_length integer, what text) returns text
  language plpgsql immutable
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v text := pg_catalog.btrim(value);
begin
  if v = '' then
    v := null;
  end if;
  if v is null and required then
    raise exception using errcode = 'INVLD', hint = 'REASON', message = pg_catalog.format('%s is required.', what);
  end if;
  if pg_catalog.length(v) > max_length then
    raise exception using errcode = 'INVLD', hint = 'REASON', message = pg_catalog.format('%s can be at most %s characters.', what, max_length);
  end if;
  return v;
end;
$$;
comment on function app_private.check_desk_text(text, boolean, integer, text) is
  E'Trims a reason or note; INVLD (reason REASON) when required and blank, or too long.';
--! EndIncluded app_private.check_desk_text.sql
--! Included app_private.caller_cash_shift.sql
-- The caller's open cash shift at a property, locked (a cash payment or
-- refund and the shift's close wait on each other): CSHRQ when there is
-- none.
create or replace function app_private.caller_cash_shift(property_id uuid) returns app_public.cash_shifts
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_shift app_public.cash_shifts;
begin
  select * into v_shift from app_public.cash_shifts s
   where s.property_id = caller_cash_shift.property_id and s.opened_by = app_hidden.current_user_id() and s.closed_at is null
     for update;
  if not found then
    raise exception using errcode = 'CSHRQ', message = 'Open your cash shift (with its float) before taking or paying out cash.';
  end if;
  return v_shift;
end;
$$;
comment on function app_private.caller_cash_shift(uuid) is
  E'Locks the caller''s open cash shift at the property; CSHRQ (CASH_SHIFT_REQUIRED) when there is none.';
--! EndIncluded app_private.caller_cash_shift.sql
--! Included app_private.shift_label.sql
-- "shift of Ana": whose drawer a cash movement went through.
create or replace function app_private.shift_label(shift app_public.cash_shifts) returns text
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select 'shift of ' || coalesce((select u.display_name from app_public.users u where u.id = shift.opened_by), 'a former colleague');
$$;
comment on function app_private.shift_label(app_public.cash_shifts) is E'"shift of <name>", for ledger descriptions.';
--! EndIncluded app_private.shift_label.sql
--! Included app_public.folios_due_at_check_out.sql
-- What a folio will show at check-out: its balance, plus, on the primary
-- folio of a booking that is confirmed or in house, the stay's charges not
-- posted yet (nights a nightly-posting plan charges as the night audit
-- closes them; check-out posts the rest). The desk may take a payment of up
-- to this much, so a guest leaving before the last audit can settle.
create or replace function app_public.folios_due_at_check_out(folio app_public.folios) returns bigint
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce((select sum(b.balance) from app_public.folio_balances b
                    where b.property_id = folio.property_id and b.folio_id = folio.id and b.currency = folio.currency), 0)::bigint
       + coalesce((select r.total_amount
                          - coalesce((select sum(p.amount)
                                        from app_public.journal_entries e
                                        join app_public.postings p on p.property_id = e.property_id and p.entry_id = e.id
                                       where e.property_id = r.property_id and e.cause_type = 'reservation' and e.cause_id = r.id
                                         and p.folio_id is not null), 0)
                     from app_public.reservations r
                    where folio.is_primary and r.property_id = folio.property_id and r.id = folio.reservation_id
                      and r.status in ('confirmed', 'checked_in')), 0)::bigint;
$$;
comment on function app_public.folios_due_at_check_out(app_public.folios) is
  E'What the folio will show at check-out: its balance plus, on a booking''s primary folio, the stay''s charges not posted yet (a nightly-posting plan''s nights not audited). The most a desk payment may be.';
--! EndIncluded app_public.folios_due_at_check_out.sql
--! Included app_private.cap_open_intents.sql
-- Keeps the card schedule from collecting what the guest paid another way:
-- the open card intents of a confirmed or in-house reservation (requires
-- payment, failed) are shrunk, the balance first, then cancelled, so that
-- with the card payments under way they never ask for more than the
-- guest's folios will owe at check-out. A cash or bank payment at the desk,
-- or a transfer to a company's city ledger, thus takes the place of the
-- card charge it covers.
create or replace function app_private.cap_open_intents(reservation app_public.reservations) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_room bigint;
  v_intent app_public.payment_intents;
begin
  if reservation.status not in ('confirmed', 'checked_in') then
    return;
  end if;
  select coalesce(sum(app_public.folios_due_at_check_out(f)), 0) into v_room
    from app_public.folios f
   where f.property_id = reservation.property_id and f.reservation_id = reservation.id and f.kind = 'guest'
     and f.currency = reservation.currency;
  v_room := v_room - coalesce((select sum(i.amount) from app_public.payment_intents i
                                where i.property_id = reservation.property_id and i.reservation_id = reservation.id
                                  and i.status in ('processing', 'authorized')), 0);
  -- The deposit keeps its share first; the balance gives way.
  for v_intent in
    select * from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.status in ('requires_payment', 'failed')
     order by i.kind = 'deposit' desc, i.due_at, i.id
       for update
  loop
    if v_room <= 0 then
      update app_public.payment_intents i set status = 'cancelled' where i.id = v_intent.id;
    elsif v_intent.amount > v_room then
      update app_public.payment_intents i set amount = v_room where i.id = v_intent.id;
      v_room := 0;
    else
      v_room := v_room - v_intent.amount;
    end if;
  end loop;
end;
$$;
comment on function app_private.cap_open_intents(app_public.reservations) is
  E'Shrinks or cancels a reservation''s open card intents so that they never ask for more than its folios owe at check-out (less card payments under way).';
--! EndIncluded app_private.cap_open_intents.sql
--! Included app_private.tg_folio_balances__folio_status.sql
-- A folio is closed only at zero. After a posting changes a folio's
-- balance: a closed folio that moves off zero (a late capture, a correction
-- after check-out) opens again; an open guest folio of a checked-out stay
-- that comes to zero in every currency (a payment, a refund, a transfer to
-- the city ledger) closes.
create or replace function app_private.tg_folio_balances__folio_status() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if new.balance <> 0 then
    update app_public.folios f set status = 'open', closed_at = null
     where f.property_id = new.property_id and f.id = new.folio_id and f.status = 'closed';
  elsif not exists (select 1 from app_public.folio_balances b
                     where b.property_id = new.property_id and b.folio_id = new.folio_id and b.balance <> 0) then
    update app_public.folios f set status = 'closed', closed_at = pg_catalog.now()
     where f.property_id = new.property_id and f.id = new.folio_id and f.status = 'open' and f.kind = 'guest'
       and exists (select 1 from app_public.reservations r
                    where r.property_id = f.property_id and r.id = f.reservation_id and r.status = 'checked_out');
  end if;
  return null;
end;
$$;
comment on function app_private.tg_folio_balances__folio_status() is
  E'Trigger (after a folio balance changes): reopens a closed folio that is no longer at zero, closes a checked-out stay''s folio that is.';
--! EndIncluded app_private.tg_folio_balances__folio_status.sql
--! Included app_private.tg_companies__city_ledger_folio.sql
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
--! EndIncluded app_private.tg_companies__city_ledger_folio.sql
--! Included app_private.post_reservation_charges.sql
-- Brings a reservation's charges in the ledger to what the reservation now
-- says, in one journal entry of differences: the first call (confirmation)
-- posts everything, a modification posts the difference, a cancellation or
-- no-show leaves only the penalty (on cancellation revenue) and reverses the
-- rest. What is due, per account, credits:
--   room revenue          nights and discount, less inclusive taxes;
--   fee revenue           fees, less the share of inclusive taxes on fees;
--   tax payable (per tax) every tax line, inclusive or not;
--   cancellation revenue  the penalty, once cancelled or a no-show;
-- and the guest's folio (receivable) is debited with their sum. What was
-- posted is read back from the entries caused by the reservation, so a
-- repeated call posts nothing. Creates the folio on first use; the charges
-- post to the reservation's primary folio (staff route them elsewhere).
-- On a rate plan that posts nightly, a stay that is booked or in house is
-- due only the nights the night audit has closed (those before the
-- property's business date): their share of the nights' price, and the same
-- share of the discount, fees and taxes. Once checked out, all of it.
create or replace function app_private.post_reservation_charges(
  reservation app_public.reservations,
  idempotency_key text,
  description text
) returns uuid
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_folio app_public.folios;
  v_lines jsonb;
  v_share_num numeric := 1;
  v_share_den numeric := 1;
begin
  insert into app_public.folios (property_id, reservation_id, is_primary, label, currency)
  values (reservation.property_id, reservation.id, true, 'Folio 1', reservation.currency)
  on conflict (property_id, reservation_id) where is_primary do nothing;
  select * into v_folio from app_public.folios f
   where f.property_id = reservation.property_id and f.reservation_id = reservation.id and f.is_primary;
  if v_folio.status = 'closed' then
    raise exception using errcode = 'FOLCL', message = 'This folio is closed: no more charges can be posted to it.';
  end if;

  if reservation.status in ('confirmed', 'checked_in')
     and exists (select 1 from app_public.rate_plans rp
                  where rp.property_id = reservation.property_id and rp.id = reservation.rate_plan_id and rp.charge_posting = 'nightly') then
    select case when sum(l.amount) > 0 then coalesce(sum(l.amount) filter (where l.date < p.business_date), 0) else count(*) filter (where l.date < p.business_date) end,
           case when sum(l.amount) > 0 then sum(l.amount) else greatest(count(*), 1) end
      into v_share_num, v_share_den
      from pg_catalog.jsonb_to_recordset(reservation.price_lines) as l(kind text, date date, amount bigint)
      join app_public.properties p on p.id = reservation.property_id
     where l.kind = 'night';
  end if;

  with price as (
    -- Tax lines made before taxes had ids on price lines name them by
    -- description ('<tax name> (...)'); match those by name.
    select l.kind, l.amount, coalesce(l.is_inclusive, false) as is_inclusive,
           coalesce(l.tax_id, (select t.id from app_public.taxes t
                                where t.property_id = reservation.property_id and l.kind = 'tax'
                                  and pg_catalog.starts_with(l.description, t.name || ' (')
                                order by pg_catalog.length(t.name) desc limit 1)) as tax_id
      from pg_catalog.jsonb_to_recordset(reservation.price_lines)
           as l(kind text, amount bigint, is_inclusive boolean, tax_id uuid, description text)
  ),
  inclusive_on_fees as (
    -- An inclusive percent tax that also covers fees is split between room
    -- and fee revenue in proportion (one rounding, the rest on the room).
    select coalesce(sum(round(p.amount::numeric * reservation.fees_amount
                              / nullif(reservation.room_amount + reservation.fees_amount, 0))), 0)::bigint as amount
      from price p join app_public.taxes t on t.id = p.tax_id
     where p.kind = 'tax' and p.is_inclusive and t.basis = 'percent_of_room' and t.applies_to_fees
  ),
  due as (
    select 'room_revenue' as purpose, null::uuid as tax_id,
           -(reservation.room_amount - (select coalesce(sum(p.amount), 0) from price p where p.kind = 'tax' and p.is_inclusive)
             + (select f.amount from inclusive_on_fees f)) as amount
     where reservation.status not in ('cancelled', 'no_show')
    union all
    select 'fee_revenue', null, -(reservation.fees_amount - (select f.amount from inclusive_on_fees f))
     where reservation.status not in ('cancelled', 'no_show')
    union all
    select 'tax_payable', p.tax_id, -sum(p.amount)
      from price p
     where p.kind = 'tax' and reservation.status not in ('cancelled', 'no_show')
     group by p.tax_id
    union all
    select 'cancellation_revenue', null, -coalesce(reservation.penalty_amount, 0)
     where reservation.status in ('cancelled', 'no_show')
  ),
  due_so_far as (
    select d.purpose, d.tax_id,
           case when d.purpose = 'cancellation_revenue' then d.amount
                else round(d.amount * v_share_num / v_share_den)::bigint end as amount
      from due d
  ),
  posted as (
    select a.purpose, a.tax_id, sum(po.amount) as amount
      from app_public.journal_entries e
      join app_public.postings po on po.property_id = e.property_id and po.entry_id = e.id
      join app_public.ledger_accounts a on a.property_id = po.property_id and a.id = po.account_id
     where e.property_id = reservation.property_id and e.cause_type = 'reservation' and e.cause_id = reservation.id
       and a.purpose is distinct from 'guest_receivable'
     group by a.purpose, a.tax_id
  ),
  difference as (
    select coalesce(d.purpose, p.purpose) as purpose, coalesce(d.tax_id, p.tax_id) as tax_id,
           coalesce(d.amount, 0) - coalesce(p.amount, 0) as amount
      from due_so_far d
      full join posted p on p.purpose = d.purpose and p.tax_id is not distinct from d.tax_id
  )
  select pg_catalog.jsonb_agg(l) into v_lines
    from (
      select pg_catalog.jsonb_build_object('purpose', d.purpose, 'tax_id', d.tax_id, 'amount', d.amount,
                                           'currency', reservation.currency) as l
        from difference d where d.amount <> 0
      union all
      select pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_folio.id,
                                           'amount', -sum(d.amount), 'currency', reservation.currency)
        from difference d having sum(d.amount) <> 0
    ) x;

  if v_lines is null then
    return null;
  end if;
  if exists (select 1 from pg_catalog.jsonb_array_elements(v_lines) l where l ->> 'purpose' = 'tax_payable' and l ->> 'tax_id' is null) then
    raise exception using errcode = 'NTFND', message = 'A tax on this reservation''s price no longer exists; its charges cannot be posted.';
  end if;
  return app_private.post_entry(reservation.property_id, 'reservation', reservation.id,
                                pg_catalog.left(idempotency_key, 200), description, v_lines);
end;
$$;
comment on function app_private.post_reservation_charges(app_public.reservations, text, text) is
  E'Posts the difference between what a reservation is due (room, fees, each tax, or the penalty once cancelled; on nightly-posting plans only the audited nights until check-out) and what its folio was charged; creates the folio.';
--! EndIncluded app_private.post_reservation_charges.sql
--! Included app_private.schedule_payments.sql
-- Keeps a reservation's payment intents in step with what it costs, by its
-- rate plan: the deposit (deposit_percent of the total) is due at once, the
-- rest balance_due_days before arrival at the check-in time (0: at
-- check-in). Money already collected or being collected is never touched;
-- the open intent of each kind is resized, created or cancelled so that
-- collected + open = due, and no more than the folios owe at check-out
-- (cap_open_intents: paid at the desk, or moved to a company). A cancelled
-- or no-show reservation cancels its open intents (refunds are
-- refund_overpayment's).
create or replace function app_private.schedule_payments(reservation app_public.reservations) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_plan app_public.rate_plans;
  v_folio_id uuid;
  v_deposit bigint;
  v_balance_due_at timestamptz;
  v_kind record;
  v_committed bigint;
  v_open app_public.payment_intents;
begin
  if reservation.status in ('cancelled', 'no_show') then
    update app_public.payment_intents i set status = 'cancelled'
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id
       and i.status in ('requires_payment', 'failed');
    return;
  end if;
  if reservation.status not in ('confirmed', 'checked_in') then
    -- A hold owes nothing yet; after check-out the price no longer changes
    -- and what is open stays open.
    return;
  end if;

  select * into v_plan from app_public.rate_plans rp where rp.property_id = reservation.property_id and rp.id = reservation.rate_plan_id;
  select f.id into v_folio_id from app_public.folios f
   where f.property_id = reservation.property_id and f.reservation_id = reservation.id and f.is_primary;
  v_deposit := round(reservation.total_amount * v_plan.deposit_percent / 100)::bigint;
  select greatest(pg_catalog.now(), ((pg_catalog.lower(reservation.stay) - v_plan.balance_due_days)::timestamp + p.check_in_time) at time zone p.time_zone)
    into v_balance_due_at
    from app_public.properties p where p.id = reservation.property_id;

  for v_kind in
    select k.kind::app_public.payment_kind as kind, k.due, k.due_at
      from (values ('deposit', v_deposit, pg_catalog.now()), ('balance', reservation.total_amount - v_deposit, v_balance_due_at)) k(kind, due, due_at)
  loop
    select coalesce(sum(i.amount), 0) into v_committed
      from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.kind = v_kind.kind
       and i.status in ('processing', 'authorized', 'captured', 'partially_refunded', 'refunded');
    select * into v_open from app_public.payment_intents i
     where i.property_id = reservation.property_id and i.reservation_id = reservation.id and i.kind = v_kind.kind
       and i.status in ('requires_payment', 'failed')
     for update;
    if v_kind.due - v_committed > 0 then
      if v_open.id is null then
        insert into app_public.payment_intents (property_id, reservation_id, folio_id, kind, amount, currency, due_at)
        values (reservation.property_id, reservation.id, v_folio_id, v_kind.kind, v_kind.due - v_committed, reservation.currency, v_kind.due_at);
      elsif v_open.amount <> v_kind.due - v_committed or (v_kind.kind = 'balance' and v_open.due_at <> v_kind.due_at) then
        update app_public.payment_intents i set amount = v_kind.due - v_committed, currency = reservation.currency,
               due_at = case when v_kind.kind = 'balance' then v_kind.due_at else i.due_at end
         where i.id = v_open.id;
      end if;
    elsif v_open.id is not null then
      update app_public.payment_intents i set status = 'cancelled' where i.id = v_open.id;
    end if;
  end loop;
  -- What the guest paid at the desk (cash, bank) or a company took over is
  -- not asked of the card again.
  perform app_private.cap_open_intents(reservation);
end;
$$;
comment on function app_private.schedule_payments(app_public.reservations) is
  E'Creates, resizes or cancels a reservation''s open payment intents (deposit, balance) so that collected plus open equals what it costs.';
--! EndIncluded app_private.schedule_payments.sql
--! Included app_public.check_out.sql
-- Checks a guest out. Leaving before the departure date gives the remaining
-- nights back (the claim ends today). The unit becomes dirty; nights a
-- nightly-posting plan has not charged yet are charged. Then every guest
-- folio of the stay must be at zero (FOLUN otherwise, naming the folio and
-- what is open: nothing is changed), and they are closed; open card
-- intents are cancelled.
create or replace function app_public.check_out(
  reservation_id uuid,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_today date;
  v_open record;
begin
  v_replay := app_private.idempotency_begin('check_out', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(check_out.reservation_id, app_hidden.staff_group_roles('front_office'), 'check guests out');
  if v_res.status <> 'checked_in' then
    perform app_private.invalid_transition(v_res, 'checked out');
  end if;
  v_today := app_private.local_today(v_res.property_id);
  if v_today < pg_catalog.upper(v_res.stay) then
    perform app_private.release_claims(v_res, v_today);
  end if;
  update app_public.units u set housekeeping_status = 'dirty'
   where u.property_id = v_res.property_id and u.id = v_res.unit_id and u.housekeeping_status <> 'out_of_order';
  update app_public.reservations r set status = 'checked_out', checked_out_at = pg_catalog.now()
   where r.id = v_res.id
  returning * into v_res;
  -- A stay on a nightly-posting plan is charged the nights not yet audited.
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':check_out',
                                               'Booking ' || v_res.confirmation_code || ' check-out');
  -- Settled or not at all: every guest folio of the stay must be at zero.
  select f.label, b.balance, b.currency into v_open
    from app_public.folios f
    join app_public.folio_balances b on b.property_id = f.property_id and b.folio_id = f.id
   where f.property_id = v_res.property_id and f.reservation_id = v_res.id and f.kind = 'guest' and b.balance <> 0
   order by f.is_primary desc, f.created_at, f.id, b.currency
   limit 1;
  if found then
    raise exception using errcode = 'FOLUN', hint = case when v_open.balance > 0 then 'OWED' else 'CREDIT' end,
      message = case when v_open.balance > 0
        then pg_catalog.format('%s is not settled: the guest owes %s. Take a payment or transfer it to a company''s city ledger, then check out.',
                               v_open.label, app_hidden.format_money(v_open.balance, v_open.currency))
        else pg_catalog.format('%s is not settled: %s is due back to the guest. Refund it, then check out.',
                               v_open.label, app_hidden.format_money(-v_open.balance, v_open.currency)) end;
  end if;
  update app_public.folios f set status = 'closed', closed_at = pg_catalog.now()
   where f.property_id = v_res.property_id and f.reservation_id = v_res.id and f.kind = 'guest' and f.status = 'open';
  -- Settled: nothing more is asked of the card.
  update app_public.payment_intents i set status = 'cancelled'
   where i.property_id = v_res.property_id and i.reservation_id = v_res.id and i.status in ('requires_payment', 'failed');
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.check_out(uuid, text) is
  E'Checks out a checked-in reservation; an early departure frees the remaining nights; the unit becomes dirty. Every guest folio of the stay must be settled (at zero) first: FOLIO_UNSETTLED names the folio and the amount open (extensions.reason OWED or CREDIT). Errors: NTFND, DNIED, INVALID_TRANSITION, FOLIO_UNSETTLED, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.check_out.sql
--! Included app_public.post_folio_charge.sql
-- Posts an extra from the property's catalogue (minibar, parking, …) to a
-- folio: Dr the folio / Cr extras revenue, less the extra's inclusive VAT
-- (Cr that tax's payable account). Cashiers (front desk, manager, owner,
-- accountant). A closed folio takes no charges (FOLCL).
create or replace function app_public.post_folio_charge(
  folio_id uuid,
  extra_id uuid,
  quantity integer,
  note text,
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_extra app_public.folio_extras;
  v_tax app_public.taxes;
  v_note text;
  v_gross bigint;
  v_tax_amount bigint := 0;
begin
  v_replay := app_private.idempotency_begin('post_folio_charge', idempotency_key,
                pg_catalog.jsonb_build_object('folio_id', folio_id, 'extra_id', extra_id, 'quantity', quantity, 'note', note));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(post_folio_charge.folio_id, app_hidden.staff_group_roles('cashiers'), 'post charges to folios');
  select * into v_extra from app_public.folio_extras e
   where e.property_id = v_folio.property_id and e.id = post_folio_charge.extra_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such extra, or you cannot see it.';
  end if;
  if not v_extra.is_active then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('%s is no longer sold (inactive in the extras catalogue).', v_extra.name);
  end if;
  if quantity is null or quantity not between 1 and 999 then
    raise exception using errcode = 'INVLD', hint = 'QUANTITY', message = 'The quantity must be between 1 and 999.';
  end if;
  v_note := app_private.check_desk_text(note, false, 200, 'A note');
  if v_folio.status = 'closed' then
    raise exception using errcode = 'FOLCL', message = 'This folio is closed: no more charges can be posted to it.';
  end if;
  if v_extra.currency <> v_folio.currency then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('%s is priced in %s; this folio is in %s.', v_extra.name, v_extra.currency, v_folio.currency);
  end if;
  v_gross := v_extra.unit_price * quantity;
  if v_extra.tax_id is not null then
    select * into v_tax from app_public.taxes t where t.property_id = v_extra.property_id and t.id = v_extra.tax_id;
    if v_tax.basis <> 'percent_of_room' then
      raise exception using errcode = 'INVLD',
        message = pg_catalog.format('%s names the tax %s, which is not a percentage: choose a VAT rate for it.', v_extra.name, v_tax.name);
    end if;
    v_tax_amount := pg_catalog.round(v_gross * v_tax.percent / (100 + v_tax.percent))::bigint;
  end if;
  perform app_private.post_entry(v_folio.property_id, 'folio_charge', v_folio.id, app_private.desk_key('charge', idempotency_key),
    pg_catalog.left(v_extra.name || case when quantity > 1 then ' × ' || quantity else '' end
                    || ' — ' || app_private.folio_place(v_folio) || coalesce(' (' || v_note || ')', ''), 500),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', v_gross, 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', 'extras_revenue', 'amount', -(v_gross - v_tax_amount), 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', 'tax_payable', 'tax_id', v_extra.tax_id, 'amount', -v_tax_amount, 'currency', v_folio.currency)));
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$$;
comment on function app_public.post_folio_charge(uuid, uuid, integer, text, text) is
  E'Posts an extra of the catalogue (quantity 1 to 999, an optional note) to an open folio: Dr folio / Cr extras revenue and the VAT included in the price. Errors: NTFND, DNIED, FOLIO_CLOSED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.post_folio_charge.sql
--! Included app_public.post_folio_allowance.sql
-- Posts an allowance (a reduction for a complaint, a goodwill gesture) to
-- a folio: Dr allowances (4900, contra revenue) / Cr the folio. A reason is
-- required. Owner, manager or accountant. Allowed on a settled folio (it
-- leaves a credit to refund).
create or replace function app_public.post_folio_allowance(
  folio_id uuid,
  amount bigint,
  reason text,
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_reason text;
begin
  v_replay := app_private.idempotency_begin('post_folio_allowance', idempotency_key,
                pg_catalog.jsonb_build_object('folio_id', folio_id, 'amount', amount, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(post_folio_allowance.folio_id, app_hidden.staff_group_roles('back_office'), 'post allowances');
  perform app_private.check_desk_amount(amount, 100000000000, v_folio.currency, 'An allowance');
  v_reason := app_private.check_desk_text(reason, true, 300, 'A reason');
  perform app_private.post_entry(v_folio.property_id, 'folio_allowance', v_folio.id, app_private.desk_key('allowance', idempotency_key),
    pg_catalog.left('Allowance — ' || app_private.folio_place(v_folio) || ': ' || v_reason, 500),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'allowances', 'amount', amount, 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', -amount, 'currency', v_folio.currency)));
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$$;
comment on function app_public.post_folio_allowance(uuid, bigint, text, text) is
  E'Posts an allowance with a reason: Dr allowances / Cr the folio (owner, manager, accountant). Errors: NTFND, DNIED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.post_folio_allowance.sql
--! Included app_public.correct_folio_entry.sql
-- Corrects an extra or an allowance posted by mistake: a new entry that
-- reverses it (reverses_entry_id), once. The folio is the one the charge
-- sits on now (where it was posted, or routed to); all of it must be
-- there. Cashiers. A reason is required.
create or replace function app_public.correct_folio_entry(
  entry_id uuid,
  folio_id uuid,
  reason text,
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_entry app_public.journal_entries;
  v_reason text;
  v_on_folio bigint;
  v_total bigint;
  v_lines jsonb;
begin
  v_replay := app_private.idempotency_begin('correct_folio_entry', idempotency_key,
                pg_catalog.jsonb_build_object('entry_id', entry_id, 'folio_id', folio_id, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(correct_folio_entry.folio_id, app_hidden.staff_group_roles('cashiers'), 'correct folio charges');
  select * into v_entry from app_public.journal_entries e
   where e.property_id = v_folio.property_id and e.id = correct_folio_entry.entry_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such entry, or you cannot see it.';
  end if;
  v_reason := app_private.check_desk_text(reason, true, 300, 'A reason');
  if v_entry.cause_type not in ('folio_charge', 'folio_allowance') then
    raise exception using errcode = 'INVLD', hint = 'NOT_CORRECTABLE',
      message = 'Only extras and allowances posted at the desk can be corrected here; a booking''s charges follow the booking.';
  end if;
  if exists (select 1 from app_public.journal_entries c
              where c.property_id = v_entry.property_id and c.reverses_entry_id = v_entry.id and c.cause_type = 'folio_correction') then
    raise exception using errcode = 'TRANS', hint = 'CORRECTED', message = pg_catalog.format('“%s” was corrected already.', v_entry.description);
  end if;
  select sum(p.amount) into v_total from app_public.postings p
   where p.property_id = v_entry.property_id and p.entry_id = v_entry.id and p.folio_id is not null;
  v_on_folio := app_private.charge_on_folio(v_entry.property_id, v_entry.id, v_folio.id);
  if v_on_folio <> v_total then
    raise exception using errcode = 'INVLD', hint = 'NOT_ON_FOLIO',
      message = pg_catalog.format('“%s” is not on this folio (it was posted to or moved to another one): correct it there.', v_entry.description);
  end if;
  -- Every posting of the entry but its folio's, reversed; the folio's
  -- reversed on the folio it sits on now.
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('code', a.code, 'purpose', a.purpose, 'tax_id', a.tax_id, 'provider', a.provider,
                                                            'amount', -p.amount, 'currency', p.currency))
    into v_lines
    from app_public.postings p
    join app_public.ledger_accounts a on a.property_id = p.property_id and a.id = p.account_id
   where p.property_id = v_entry.property_id and p.entry_id = v_entry.id and p.folio_id is null;
  v_lines := v_lines || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
    'purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', -v_total, 'currency', v_folio.currency));
  perform app_private.post_entry(v_folio.property_id, 'folio_correction', v_folio.id, app_private.desk_key('correction', idempotency_key),
    pg_catalog.left('Correction of “' || v_entry.description || '”: ' || v_reason, 500), v_lines, v_entry.id);
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$$;
comment on function app_public.correct_folio_entry(uuid, uuid, text, text) is
  E'Reverses an extra or allowance posted by mistake (at most once), with a reason, on the folio it sits on now. Errors: NTFND, DNIED, INVALID_INPUT, INVALID_TRANSITION (corrected already), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.correct_folio_entry.sql
--! Included app_public.take_folio_payment.sql
-- Takes a payment at the desk in cash or by bank transfer: Dr cash (1000)
-- or bank (1010) / Cr the folio, at most what the folio will show owed at
-- check-out (folios_due_at_check_out: its balance, and on a nightly-posting
-- stay the nights not audited yet). Cash
-- goes into the caller's open cash shift (CSHRQ without one) and is a cash
-- movement of it. The booking's open card intents shrink by what is paid
-- (cap_open_intents). Cashiers. Cards go through the payment provider (pay).
create or replace function app_public.take_folio_payment(
  folio_id uuid,
  method app_public.desk_payment_method,
  amount bigint,
  reference text,
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_reference text;
  v_balance bigint;
  v_shift app_public.cash_shifts;
  v_entry_id uuid;
begin
  v_replay := app_private.idempotency_begin('take_folio_payment', idempotency_key,
                pg_catalog.jsonb_build_object('folio_id', folio_id, 'method', method, 'amount', amount, 'reference', reference));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(take_folio_payment.folio_id, app_hidden.staff_group_roles('cashiers'), 'take payments');
  if method is null then
    raise exception using errcode = 'INVLD', message = 'Say how the guest pays: cash or bank transfer.';
  end if;
  v_reference := app_private.check_desk_text(reference, false, 100, 'A reference');
  v_balance := app_public.folios_due_at_check_out(v_folio);
  if v_balance <= 0 then
    raise exception using errcode = 'INVLD', hint = 'NOTHING_OWED', message = 'Nothing is owed on this folio.';
  end if;
  perform app_private.check_desk_amount(amount, v_balance, v_folio.currency, 'A payment');
  if method = 'cash' then
    v_shift := app_private.caller_cash_shift(v_folio.property_id);
    if v_shift.currency <> v_folio.currency then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Your cash drawer is in %s; this folio is in %s.', v_shift.currency, v_folio.currency);
    end if;
  end if;
  v_entry_id := app_private.post_entry(v_folio.property_id, 'folio_payment', v_folio.id, app_private.desk_key('payment', idempotency_key),
    pg_catalog.left(case when method = 'cash' then 'Cash payment, ' || app_private.shift_label(v_shift)
                         else 'Bank transfer' || coalesce(' ' || v_reference, '') end
                    || ' — ' || app_private.folio_place(v_folio)
                    || case when method = 'cash' then coalesce(' (' || v_reference || ')', '') else '' end, 500),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', case when method = 'cash' then 'cash_drawer' else 'bank' end, 'amount', amount, 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', -amount, 'currency', v_folio.currency)));
  if method = 'cash' then
    insert into app_public.cash_movements (property_id, shift_id, entry_id, folio_id, kind, amount, currency, created_by)
    values (v_folio.property_id, v_shift.id, v_entry_id, v_folio.id, 'payment', amount, v_folio.currency, app_hidden.current_user_id());
  end if;
  perform app_private.cap_open_intents(r) from app_public.reservations r
   where r.property_id = v_folio.property_id and r.id = v_folio.reservation_id;
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$$;
comment on function app_public.take_folio_payment(uuid, app_public.desk_payment_method, bigint, text, text) is
  E'Takes a cash or bank-transfer payment of at most what the folio owes (dueAtCheckOut) (cash: into the caller''s open cash shift). Errors: NTFND, DNIED, INVALID_INPUT, CASH_SHIFT_REQUIRED, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.take_folio_payment.sql
--! Included app_public.refund_folio_payment.sql
-- Pays money back at the desk in cash (out of the caller's open cash
-- shift) or by bank transfer: Dr the folio / Cr cash or bank, at most the
-- folio's credit. A goodwill refund (owner, manager, accountant) may refund
-- more: the same entry posts an allowance of the amount (Dr allowances /
-- Cr the folio), so a settled folio stays at zero. A reason is required.
create or replace function app_public.refund_folio_payment(
  folio_id uuid,
  method app_public.desk_payment_method,
  amount bigint,
  reason text,
  goodwill boolean,
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_reason text;
  v_goodwill boolean := coalesce(goodwill, false);
  v_credit bigint;
  v_shift app_public.cash_shifts;
  v_entry_id uuid;
  v_lines jsonb;
begin
  v_replay := app_private.idempotency_begin('refund_folio_payment', idempotency_key,
                pg_catalog.jsonb_build_object('folio_id', folio_id, 'method', method, 'amount', amount, 'reason', reason, 'goodwill', v_goodwill));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(refund_folio_payment.folio_id, app_hidden.staff_group_roles('cashiers'), 'refund payments');
  if v_goodwill then
    perform app_private.require_staff(v_folio.property_id, app_hidden.staff_group_roles('back_office'), 'make goodwill refunds');
  end if;
  if method is null then
    raise exception using errcode = 'INVLD', message = 'Say how the money goes back: cash or bank transfer.';
  end if;
  v_reason := app_private.check_desk_text(reason, true, 300, 'A reason');
  select -coalesce(sum(b.balance), 0) into v_credit from app_public.folio_balances b
   where b.property_id = v_folio.property_id and b.folio_id = v_folio.id and b.currency = v_folio.currency;
  if v_goodwill then
    perform app_private.check_desk_amount(amount, 100000000000, v_folio.currency, 'A goodwill refund');
  elsif v_credit <= 0 then
    raise exception using errcode = 'INVLD', hint = 'NO_CREDIT',
      message = 'This folio has no credit to refund; a refund beyond it is a goodwill refund (owner, manager or accountant).';
  else
    perform app_private.check_desk_amount(amount, v_credit, v_folio.currency, 'A refund');
  end if;
  if method = 'cash' then
    v_shift := app_private.caller_cash_shift(v_folio.property_id);
    if v_shift.currency <> v_folio.currency then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('Your cash drawer is in %s; this folio is in %s.', v_shift.currency, v_folio.currency);
    end if;
  end if;
  v_lines := pg_catalog.jsonb_build_array(
    pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', amount, 'currency', v_folio.currency),
    pg_catalog.jsonb_build_object('purpose', case when method = 'cash' then 'cash_drawer' else 'bank' end, 'amount', -amount, 'currency', v_folio.currency));
  if v_goodwill then
    v_lines := v_lines || pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'allowances', 'amount', amount, 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', -amount, 'currency', v_folio.currency));
  end if;
  v_entry_id := app_private.post_entry(v_folio.property_id, 'folio_refund', v_folio.id, app_private.desk_key('refund', idempotency_key),
    pg_catalog.left(case when v_goodwill then 'Goodwill refund' else 'Refund' end
                    || case when method = 'cash' then ' in cash, ' || app_private.shift_label(v_shift) else ' by bank transfer' end
                    || ' — ' || app_private.folio_place(v_folio) || ': ' || v_reason, 500),
    v_lines);
  if method = 'cash' then
    insert into app_public.cash_movements (property_id, shift_id, entry_id, folio_id, kind, amount, currency, created_by)
    values (v_folio.property_id, v_shift.id, v_entry_id, v_folio.id, 'refund', -amount, v_folio.currency, app_hidden.current_user_id());
  end if;
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$$;
comment on function app_public.refund_folio_payment(uuid, app_public.desk_payment_method, bigint, text, boolean, text) is
  E'Refunds in cash (from the caller''s open cash shift) or by bank transfer, at most the folio''s credit; with goodwill (owner, manager, accountant) any amount, posting an allowance of it in the same entry so the folio''s balance does not move. Errors: NTFND, DNIED, INVALID_INPUT, CASH_SHIFT_REQUIRED, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.refund_folio_payment.sql
--! Included app_public.open_cash_shift.sql
-- Opens the caller's cash shift at a property with the float counted into
-- the drawer (handed over, not posted). One open shift per person and
-- property (TRANS while one is open). Cashiers.
create or replace function app_public.open_cash_shift(
  property_id uuid,
  opening_float bigint,
  idempotency_key text
) returns app_public.cash_shifts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_currency char(3);
  v_open app_public.cash_shifts;
  v_shift app_public.cash_shifts;
begin
  v_replay := app_private.idempotency_begin('open_cash_shift', idempotency_key,
                pg_catalog.jsonb_build_object('property_id', property_id, 'opening_float', opening_float));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.cash_shifts, v_replay);
  end if;
  perform app_private.require_staff(open_cash_shift.property_id, app_hidden.staff_group_roles('cashiers'), 'open cash shifts');
  select p.currency into v_currency from app_public.properties p where p.id = open_cash_shift.property_id;
  if opening_float is null or opening_float < 0 or opening_float > 100000000000 then
    raise exception using errcode = 'INVLD', hint = 'AMOUNT',
      message = pg_catalog.format('The opening float must be between %s and %s.', app_hidden.format_money(0, v_currency),
                                  app_hidden.format_money(100000000000, v_currency));
  end if;
  select * into v_open from app_public.cash_shifts s
   where s.property_id = open_cash_shift.property_id and s.opened_by = app_hidden.current_user_id() and s.closed_at is null;
  if found then
    raise exception using errcode = 'TRANS', hint = 'OPEN',
      message = pg_catalog.format('Your cash shift opened at %s is still open: close it first.',
                                  pg_catalog.to_char(v_open.opened_at at time zone (select p.time_zone from app_public.properties p where p.id = v_open.property_id), 'YYYY-MM-DD HH24:MI'));
  end if;
  begin
    insert into app_public.cash_shifts (property_id, currency, opened_by, opening_float)
    values (open_cash_shift.property_id, v_currency, app_hidden.current_user_id(), opening_float)
    returning * into v_shift;
  exception when unique_violation then
    raise exception using errcode = 'TRANS', hint = 'OPEN', message = 'You have a cash shift open here already: close it first.';
  end;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_shift));
  return v_shift;
end;
$$;
comment on function app_public.open_cash_shift(uuid, bigint, text) is
  E'Opens the caller''s cash shift with its opening float (minor units). Errors: NTFND, DNIED, INVALID_INPUT, INVALID_TRANSITION (one is open already), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.open_cash_shift.sql
--! Included app_public.close_cash_shift.sql
-- Closes a cash shift with the cash counted in the drawer: expected =
-- opening float + cash payments − cash refunds of the shift; the difference
-- (counted − expected) is posted: over, Dr cash / Cr cash over/short; short,
-- Dr cash over/short / Cr cash. Whoever opened it may close it, and the
-- owner, a manager or the accountant any shift. Two closes at once: the
-- second waits, then finds it closed (TRANS).
create or replace function app_public.close_cash_shift(
  shift_id uuid,
  counted_amount bigint,
  note text,
  idempotency_key text
) returns app_public.cash_shifts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_shift app_public.cash_shifts;
  v_note text;
  v_expected bigint;
  v_difference bigint;
  v_entry_id uuid;
begin
  v_replay := app_private.idempotency_begin('close_cash_shift', idempotency_key,
                pg_catalog.jsonb_build_object('shift_id', shift_id, 'counted_amount', counted_amount, 'note', note));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.cash_shifts, v_replay);
  end if;
  select * into v_shift from app_public.cash_shifts s where s.id = close_cash_shift.shift_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such cash shift, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_shift.property_id, app_hidden.staff_group_roles('cashiers'), 'close cash shifts');
  if v_shift.opened_by is distinct from app_hidden.current_user_id() then
    perform app_private.require_staff(v_shift.property_id, app_hidden.staff_group_roles('back_office'), 'close a colleague''s cash shift');
  end if;
  select * into v_shift from app_public.cash_shifts s where s.property_id = v_shift.property_id and s.id = v_shift.id for update;
  if v_shift.closed_at is not null then
    raise exception using errcode = 'TRANS', hint = 'CLOSED',
      message = pg_catalog.format('This cash shift was closed already, by %s at %s.',
                                  coalesce((select u.display_name from app_public.users u where u.id = v_shift.closed_by), 'a former colleague'),
                                  pg_catalog.to_char(v_shift.closed_at at time zone (select p.time_zone from app_public.properties p where p.id = v_shift.property_id), 'YYYY-MM-DD HH24:MI'));
  end if;
  if counted_amount is null or counted_amount < 0 or counted_amount > 100000000000 then
    raise exception using errcode = 'INVLD', hint = 'AMOUNT',
      message = pg_catalog.format('The counted cash must be between %s and %s.', app_hidden.format_money(0, v_shift.currency),
                                  app_hidden.format_money(100000000000, v_shift.currency));
  end if;
  v_note := app_private.check_desk_text(note, false, 500, 'A note');
  select v_shift.opening_float + coalesce(sum(m.amount), 0) into v_expected
    from app_public.cash_movements m where m.property_id = v_shift.property_id and m.shift_id = v_shift.id;
  v_difference := counted_amount - v_expected;
  if v_difference <> 0 then
    v_entry_id := app_private.post_entry(v_shift.property_id, 'cash_count', v_shift.id, app_private.desk_key('cash_count', idempotency_key),
      pg_catalog.left(case when v_difference > 0 then 'Cash over, ' else 'Cash short, ' end || app_private.shift_label(v_shift)
                      || pg_catalog.format(': counted %s, expected %s', app_hidden.format_money(counted_amount, v_shift.currency),
                                           app_hidden.format_money(v_expected, v_shift.currency))
                      || coalesce(' (' || v_note || ')', ''), 500),
      pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('purpose', 'cash_drawer', 'amount', v_difference, 'currency', v_shift.currency),
        pg_catalog.jsonb_build_object('purpose', 'cash_over_short', 'amount', -v_difference, 'currency', v_shift.currency)));
  end if;
  update app_public.cash_shifts s
     set closed_at = pg_catalog.now(), closed_by = app_hidden.current_user_id(), counted_amount = close_cash_shift.counted_amount,
         expected_amount = v_expected, difference = v_difference, difference_entry_id = v_entry_id, note = v_note
   where s.property_id = v_shift.property_id and s.id = v_shift.id
  returning * into v_shift;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_shift));
  return v_shift;
end;
$$;
comment on function app_public.close_cash_shift(uuid, bigint, text, text) is
  E'Closes a cash shift with the counted cash: records expected (float + cash in − cash out) and the difference, posted to cash over/short. The opener, or owner, manager or accountant. Errors: NTFND, DNIED, INVALID_INPUT, INVALID_TRANSITION (closed already), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.close_cash_shift.sql
--! Included app_public.create_folio.sql
-- Opens another guest folio on a reservation (a split: "Extras", a second
-- guest), optionally billed to a company of the property. Cashiers. The
-- label defaults to "Folio <n>".
create or replace function app_public.create_folio(
  reservation_id uuid,
  label text,
  company_id uuid,
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_label text;
  v_company app_public.companies;
  v_folio app_public.folios;
begin
  v_replay := app_private.idempotency_begin('create_folio', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'label', label, 'company_id', company_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_res := app_private.lock_reservation(create_folio.reservation_id, app_hidden.staff_group_roles('cashiers'), 'open folios');
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'given another folio');
  end if;
  v_label := app_private.check_desk_text(label, false, 100, 'A folio''s name');
  if company_id is not null then
    select * into v_company from app_public.companies c where c.property_id = v_res.property_id and c.id = create_folio.company_id;
    if not found then
      raise exception using errcode = 'NTFND', message = 'No such company, or you cannot see it.';
    end if;
    if not v_company.is_active then
      raise exception using errcode = 'INVLD', message = pg_catalog.format('%s is inactive: it takes no new folios.', v_company.name);
    end if;
  end if;
  v_label := coalesce(v_label,
                      'Folio ' || (select pg_catalog.count(*) + 1 from app_public.folios f
                                    where f.property_id = v_res.property_id and f.reservation_id = v_res.id));
  if exists (select 1 from app_public.folios f
              where f.property_id = v_res.property_id and f.reservation_id = v_res.id and pg_catalog.lower(f.label) = pg_catalog.lower(v_label)) then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('This booking has a folio called %s already.', v_label);
  end if;
  insert into app_public.folios (property_id, reservation_id, kind, is_primary, label, company_id, currency)
  values (v_res.property_id, v_res.id, 'guest', false, v_label, v_company.id, v_res.currency)
  returning * into v_folio;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$$;
comment on function app_public.create_folio(uuid, text, uuid, text) is
  E'Opens another guest folio on a confirmed or checked-in reservation, optionally billed to a company; route charges to it with routeFolioPostings. Errors: NTFND, DNIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.create_folio.sql
--! Included app_public.route_folio_postings.sql
-- Moves charges from one folio to another of the same property and
-- currency (a split; the room to the company, the extras to the guest): one
-- entry that, per charge, credits the first folio and debits the second
-- with what of it sits on the first now. The charges are journal entries
-- (a booking's charges, an extra, …); each must sit on the first folio
-- and not have been corrected. Cashiers. Neither folio may be closed.
create or replace function app_public.route_folio_postings(
  from_folio_id uuid,
  to_folio_id uuid,
  entry_ids uuid[],
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_from app_public.folios;
  v_to app_public.folios;
  v_first app_public.folios;
  v_items jsonb;
  v_count integer;
  v_route_id uuid;
begin
  v_replay := app_private.idempotency_begin('route_folio_postings', idempotency_key,
                pg_catalog.jsonb_build_object('from_folio_id', from_folio_id, 'to_folio_id', to_folio_id, 'entry_ids', entry_ids));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  if from_folio_id is not distinct from to_folio_id then
    raise exception using errcode = 'INVLD', message = 'Choose another folio to move the charges to.';
  end if;
  -- Locks in one order (a reservation's folio before a company's, then by
  -- id), so two routes between the same folios never deadlock.
  select * into v_first from app_public.folios f where f.id in (from_folio_id, to_folio_id)
   order by f.reservation_id is null, f.id limit 1;
  if v_first.id is null or v_first.id = from_folio_id then
    v_from := app_private.lock_folio(from_folio_id, app_hidden.staff_group_roles('cashiers'), 'move charges between folios');
    v_to := app_private.lock_folio(to_folio_id, app_hidden.staff_group_roles('cashiers'), 'move charges between folios');
  else
    v_to := app_private.lock_folio(to_folio_id, app_hidden.staff_group_roles('cashiers'), 'move charges between folios');
    v_from := app_private.lock_folio(from_folio_id, app_hidden.staff_group_roles('cashiers'), 'move charges between folios');
  end if;
  if v_from.property_id <> v_to.property_id then
    raise exception using errcode = 'NTFND', message = 'No such folio, or you cannot see it.';
  end if;
  if v_from.currency <> v_to.currency then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('%s is in %s and %s in %s: charges move only within one currency.',
                                                                         v_from.label, v_from.currency, v_to.label, v_to.currency);
  end if;
  if v_from.status = 'closed' or v_to.status = 'closed' then
    raise exception using errcode = 'FOLCL', message = 'A closed folio takes no more charges and gives none away.';
  end if;
  if entry_ids is null or pg_catalog.cardinality(entry_ids) not between 1 and 200 then
    raise exception using errcode = 'INVLD', message = 'Choose between 1 and 200 charges to move.';
  end if;
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('entry_id', e.id, 'description', e.description,
                                                            'amount', app_private.charge_on_folio(e.property_id, e.id, v_from.id))
                              order by e.occurred_at, e.id),
         pg_catalog.count(*)
    into v_items, v_count
    from app_public.journal_entries e
   where e.property_id = v_from.property_id and e.id = any (entry_ids);
  if v_count <> (select pg_catalog.count(distinct x) from pg_catalog.unnest(entry_ids) x) then
    raise exception using errcode = 'NTFND', message = 'One of the charges does not exist, or you cannot see it.';
  end if;
  if exists (select 1 from pg_catalog.jsonb_array_elements(v_items) i where (i ->> 'amount')::bigint <= 0) then
    raise exception using errcode = 'INVLD', hint = 'NOT_ON_FOLIO',
      message = pg_catalog.format('%s is not a charge on %s.',
                                  (select '“' || (i ->> 'description') || '”' from pg_catalog.jsonb_array_elements(v_items) i
                                    where (i ->> 'amount')::bigint <= 0 limit 1), v_from.label);
  end if;
  if exists (select 1 from app_public.journal_entries c
              where c.property_id = v_from.property_id and c.reverses_entry_id = any (entry_ids) and c.cause_type = 'folio_correction') then
    raise exception using errcode = 'INVLD', hint = 'CORRECTED', message = 'A corrected charge cannot be moved.';
  end if;
  v_route_id := app_private.post_entry(v_from.property_id, 'folio_route', v_to.id, app_private.desk_key('route', idempotency_key),
    pg_catalog.left('Moved from ' || app_private.folio_place(v_from) || ' to ' || app_private.folio_place(v_to) || ': '
                    || (select pg_catalog.string_agg(i ->> 'description', '; ') from pg_catalog.jsonb_array_elements(v_items) i), 500),
    (select pg_catalog.jsonb_agg(l)
       from pg_catalog.jsonb_array_elements(v_items) i,
            lateral (values (pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_from), 'folio_id', v_from.id,
                                                           'amount', -(i ->> 'amount')::bigint, 'currency', v_from.currency)),
                            (pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_to), 'folio_id', v_to.id,
                                                           'amount', (i ->> 'amount')::bigint, 'currency', v_to.currency))) as x(l)));
  insert into app_private.folio_routes (property_id, route_entry_id, entry_id, from_folio_id, to_folio_id, amount)
  select v_from.property_id, v_route_id, (i ->> 'entry_id')::uuid, v_from.id, v_to.id, (i ->> 'amount')::bigint
    from pg_catalog.jsonb_array_elements(v_items) i;
  select * into v_to from app_public.folios f where f.property_id = v_to.property_id and f.id = v_to.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_to));
  return v_to;
end;
$$;
comment on function app_public.route_folio_postings(uuid, uuid, uuid[], text) is
  E'Moves charges (journal entries that charged the first folio) to another folio of the property in the same currency, in one entry; returns the folio they moved to. Errors: NTFND, DNIED, FOLIO_CLOSED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.route_folio_postings.sql
--! Included app_public.transfer_folio_to_city_ledger.sql
-- Settles a guest folio by moving its whole open balance to a company's
-- city ledger (accounts receivable): Dr city ledger (1150) on the
-- company's folio / Cr guest receivable on the guest folio, which is then
-- at zero (and closes if the guest has checked out). The balance is what
-- the folio will show at check-out (folios_due_at_check_out): on a
-- nightly-posting stay the nights not audited yet go too, and check-out
-- brings the folio back to zero when it posts them. The booking's open
-- card intents shrink accordingly (cap_open_intents). Cashiers.
create or replace function app_public.transfer_folio_to_city_ledger(
  folio_id uuid,
  company_id uuid,
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_company app_public.companies;
  v_ledger app_public.folios;
  v_balance bigint;
begin
  v_replay := app_private.idempotency_begin('transfer_folio_to_city_ledger', idempotency_key,
                pg_catalog.jsonb_build_object('folio_id', folio_id, 'company_id', company_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(transfer_folio_to_city_ledger.folio_id, app_hidden.staff_group_roles('cashiers'), 'transfer folios to the city ledger');
  if v_folio.kind <> 'guest' then
    raise exception using errcode = 'INVLD', message = 'Only a guest folio is transferred to a city ledger.';
  end if;
  select * into v_company from app_public.companies c where c.property_id = v_folio.property_id and c.id = transfer_folio_to_city_ledger.company_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such company, or you cannot see it.';
  end if;
  if not v_company.is_active then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('%s is inactive: it takes no new transfers.', v_company.name);
  end if;
  select * into v_ledger from app_public.folios f
   where f.property_id = v_company.property_id and f.company_id = v_company.id and f.kind = 'company'
     for update;
  if v_ledger.currency <> v_folio.currency then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('%s''s city ledger is in %s; this folio is in %s.', v_company.name, v_ledger.currency, v_folio.currency);
  end if;
  v_balance := app_public.folios_due_at_check_out(v_folio);
  if v_balance <= 0 then
    raise exception using errcode = 'INVLD', hint = 'NOTHING_OWED', message = 'Nothing is owed on this folio: there is nothing to transfer.';
  end if;
  perform app_private.post_entry(v_folio.property_id, 'city_ledger_transfer', v_folio.id, app_private.desk_key('city_ledger', idempotency_key),
    pg_catalog.left('To the city ledger of ' || v_company.name || ' — ' || app_private.folio_place(v_folio)
                    || coalesce((select ', booking ' || r.confirmation_code from app_public.reservations r
                                  where r.property_id = v_folio.property_id and r.id = v_folio.reservation_id
                                    and app_private.folio_place(v_folio) not like 'booking %'), ''), 500),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_folio.id, 'amount', -v_balance, 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', 'city_ledger', 'folio_id', v_ledger.id, 'amount', v_balance, 'currency', v_folio.currency)));
  perform app_private.cap_open_intents(r) from app_public.reservations r
   where r.property_id = v_folio.property_id and r.id = v_folio.reservation_id;
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$$;
comment on function app_public.transfer_folio_to_city_ledger(uuid, uuid, text) is
  E'Moves a guest folio''s open balance to a company''s city-ledger folio (accounts receivable), settling the guest folio. Errors: NTFND, DNIED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.transfer_folio_to_city_ledger.sql
--! Included app_public.ar_aging.sql
-- Accounts receivable by company on a date: what each company's city
-- ledger owes, by how long it is overdue. Items (debits on the company's
-- folio) are due payment_terms_days after the day they were posted; what the
-- company paid or was credited settles its oldest items first (FIFO). Days
-- overdue on as_of: current (not yet due), 1–30, 31–60, 61–90, over 90. A
-- company in credit shows it (negative) as current. Only companies whose
-- total is not zero. Owner, manager, accountant.
create or replace function app_public.ar_aging(property_id uuid, as_of date)
  returns table (
    company_id uuid,
    company_name text,
    currency char(3),
    current bigint,
    days_1_to_30 bigint,
    days_31_to_60 bigint,
    days_61_to_90 bigint,
    over_90 bigint,
    total bigint
  )
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.require_staff(ar_aging.property_id, app_hidden.staff_group_roles('back_office'), 'see accounts receivable');
  if as_of is null then
    raise exception using errcode = 'INVLD', message = 'Say on which date to age the receivables.';
  end if;
  return query
  with postings as (
    select f.company_id, p.currency, p.id, p.amount, (e.occurred_at at time zone pr.time_zone)::date as day
      from app_public.folios f
      join app_public.properties pr on pr.id = f.property_id
      join app_public.postings p on p.property_id = f.property_id and p.folio_id = f.id
      join app_public.journal_entries e on e.property_id = p.property_id and e.id = p.entry_id
     where f.property_id = ar_aging.property_id and f.kind = 'company'
       and (e.occurred_at at time zone pr.time_zone)::date <= ar_aging.as_of
  ),
  totals as (
    select p.company_id, p.currency, sum(p.amount)::bigint as total,
           coalesce(-sum(p.amount) filter (where p.amount < 0), 0)::bigint as credits
      from postings p group by p.company_id, p.currency
  ),
  items as (
    select p.company_id, p.currency, p.day, p.amount,
           sum(p.amount) over (partition by p.company_id, p.currency order by p.day, p.id) as running
      from postings p where p.amount > 0
  ),
  open_items as (
    select i.company_id, i.currency,
           ar_aging.as_of - (i.day + c.payment_terms_days) as overdue,
           (greatest(0, i.running - t.credits) - greatest(0, i.running - i.amount - t.credits))::bigint as open_amount
      from items i
      join totals t on t.company_id = i.company_id and t.currency = i.currency
      join app_public.companies c on c.property_id = ar_aging.property_id and c.id = i.company_id
  )
  select t.company_id, c.name, t.currency::char(3),
         (coalesce((select sum(o.open_amount) from open_items o where o.company_id = t.company_id and o.currency = t.currency and o.overdue <= 0), 0)
          + least(t.total, 0))::bigint,
         coalesce((select sum(o.open_amount) from open_items o where o.company_id = t.company_id and o.currency = t.currency and o.overdue between 1 and 30), 0)::bigint,
         coalesce((select sum(o.open_amount) from open_items o where o.company_id = t.company_id and o.currency = t.currency and o.overdue between 31 and 60), 0)::bigint,
         coalesce((select sum(o.open_amount) from open_items o where o.company_id = t.company_id and o.currency = t.currency and o.overdue between 61 and 90), 0)::bigint,
         coalesce((select sum(o.open_amount) from open_items o where o.company_id = t.company_id and o.currency = t.currency and o.overdue > 90), 0)::bigint,
         t.total
    from totals t
    join app_public.companies c on c.property_id = ar_aging.property_id and c.id = t.company_id
   where t.total <> 0
   order by c.name, t.currency;
end;
$$;
comment on function app_public.ar_aging(uuid, date) is
  E'Accounts receivable per company on a date, by days overdue (items due payment_terms_days after posting; payments settle the oldest first): current, 1–30, 31–60, 61–90, over 90, total. Owner, manager, accountant. Errors: NTFND, DNIED, INVALID_INPUT.';
--! EndIncluded app_public.ar_aging.sql
--! Included app_public.reservations_folio.sql
-- A reservation's primary folio (Reservation.folio), as before a
-- reservation could have more than one; Reservation.folios lists them all.
create or replace function app_public.reservations_folio(r app_public.reservations) returns app_public.folios
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select f.* from app_public.folios f where f.property_id = r.property_id and f.reservation_id = r.id and f.is_primary;
$$;
comment on function app_public.reservations_folio(app_public.reservations) is
  E'The reservation''s primary folio (the stay''s charges and card payments); `folios` lists every folio of the reservation.';
--! EndIncluded app_public.reservations_folio.sql
--! Included app_public.journal_entries_between.sql
-- The journal of a property between two dates of its calendar (inclusive;
-- null leaves that end open), newest first, optionally only the entries with
-- a posting on one account. Security invoker, and for the back office only
-- (owner, manager, accountant): the desk reads the entries of folios (row-level
-- security lets it) through the folios. Reads journal_entries_occurred_idx.
create or replace function app_public.journal_entries_between(
  property_id uuid,
  from_date date default null,
  to_date date default null,
  account_id uuid default null
) returns setof app_public.journal_entries
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select e.*
    from app_public.properties p
    join app_public.journal_entries e on e.property_id = p.id
   where p.id = journal_entries_between.property_id
     -- The journal is the back office's; the desk reads folios' entries through the folios.
     and p.id in (select app_hidden.current_property_ids_for('back_office'))
     and (journal_entries_between.from_date is null
          or e.occurred_at >= (journal_entries_between.from_date::timestamp at time zone p.time_zone))
     and (journal_entries_between.to_date is null
          or e.occurred_at < ((journal_entries_between.to_date + 1)::timestamp at time zone p.time_zone))
     and (journal_entries_between.account_id is null
          or exists (select 1
                       from app_public.postings x
                      where x.property_id = e.property_id and x.entry_id = e.id
                        and x.account_id = journal_entries_between.account_id))
   order by e.occurred_at desc, e.id desc;
$$;
comment on function app_public.journal_entries_between(uuid, date, date, uuid) is
  E'The journal entries of a property dated from `fromDate` to `toDate` (inclusive, in the property''s calendar; null leaves an end open), newest first; with `accountId` only those posting to that account. Owners, managers and accountants of the property.';
--! EndIncluded app_public.journal_entries_between.sql
--! Included app_public.cash_shifts_expected_cash.sql
-- What a cash shift's drawer should hold now: its opening float plus the
-- cash taken less the cash paid out (closeCashShift compares the count with
-- it). Security invoker: the caller reads the shift's movements.
create or replace function app_public.cash_shifts_expected_cash(shift app_public.cash_shifts) returns bigint
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select shift.opening_float + coalesce((select sum(m.amount) from app_public.cash_movements m
                                          where m.property_id = shift.property_id and m.shift_id = shift.id), 0)::bigint;
$$;
comment on function app_public.cash_shifts_expected_cash(app_public.cash_shifts) is
  E'The cash the drawer should hold now: opening float + cash taken − cash paid out.';
--! EndIncluded app_public.cash_shifts_expected_cash.sql
--! Included app_public.companies_folio.sql
-- A company's city-ledger folio (Company.folio): what it owes the property.
create or replace function app_public.companies_folio(c app_public.companies) returns app_public.folios
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select f.* from app_public.folios f where f.property_id = c.property_id and f.company_id = c.id and f.kind = 'company';
$$;
comment on function app_public.companies_folio(app_public.companies) is
  E'The company''s city-ledger folio: what is transferred to it, what it pays, what it owes (arAging ages it).';
--! EndIncluded app_public.companies_folio.sql

-- Folio.reservation keeps its name; the reservation's folios are the
-- default backward relation and Reservation.folio is the primary one
-- (reservations_folio). The other new relations keep PostGraphile's names.
comment on constraint folios_property_id_reservation_id_fkey on app_public.folios is E'@fieldName reservation';

drop trigger if exists _300_folio_status on app_public.folio_balances;
create trigger _300_folio_status after insert or update of balance on app_public.folio_balances
  for each row execute function app_private.tg_folio_balances__folio_status();
drop trigger if exists _300_city_ledger_folio on app_public.companies;
create trigger _300_city_ledger_folio after insert or update of name on app_public.companies
  for each row execute function app_private.tg_companies__city_ledger_folio();
-- Companies made before this migration (none) get their folio by the trigger.

-- Live on the desk's screens: shifts open and close, cash moves, companies
-- are added (realtime checks each change against the subscriber's rights).
do $$
declare
  t text;
begin
  foreach t in array array['cash_shifts', 'cash_movements', 'companies', 'folio_extras'] loop
    if not exists (select 1 from pg_catalog.pg_publication_tables
                    where pubname = 'keepr_realtime' and schemaname = 'app_public' and tablename = t) then
      execute pg_catalog.format('alter publication keepr_realtime add table app_public.%I', t);
    end if;
  end loop;
end
$$;

grant execute on function
  app_public.post_folio_charge(uuid, uuid, integer, text, text),
  app_public.post_folio_allowance(uuid, bigint, text, text),
  app_public.correct_folio_entry(uuid, uuid, text, text),
  app_public.take_folio_payment(uuid, app_public.desk_payment_method, bigint, text, text),
  app_public.refund_folio_payment(uuid, app_public.desk_payment_method, bigint, text, boolean, text),
  app_public.open_cash_shift(uuid, bigint, text),
  app_public.close_cash_shift(uuid, bigint, text, text),
  app_public.create_folio(uuid, text, uuid, text),
  app_public.route_folio_postings(uuid, uuid, uuid[], text),
  app_public.transfer_folio_to_city_ledger(uuid, uuid, text),
  app_public.ar_aging(uuid, date),
  app_public.cash_shifts_expected_cash(app_public.cash_shifts)
to keepr_staff;
grant execute on function app_public.reservations_folio(app_public.reservations), app_public.folios_due_at_check_out(app_public.folios)
  to keepr_anonymous, keepr_worker;
grant execute on function app_public.companies_folio(app_public.companies) to keepr_staff, keepr_worker;
