--! Previous: sha1:cf037cc5049f690a3410b732a7dd82b5a234df57
--! Hash: sha1:295fba49aa2c2a1a79fbd037deeba9b252036419
--! Message: Ledger core

-- Ledger core (issue 4, money, first part): a chart of accounts per
-- property, journal entries and postings that must sum to zero per currency
-- at commit, append-only for every role, folio balances kept incrementally,
-- account balances and the trial balance as views. Posting from bookings,
-- payments and payouts comes next (docs/ledger.md). Safe to run again and
-- again.

drop view if exists app_public.trial_balance;
drop view if exists app_public.account_balances;
drop trigger if exists _300_ledger_accounts on app_public.properties;
drop trigger if exists _300_ledger_accounts on app_public.taxes;
drop function if exists app_private.tg__create_ledger_accounts() cascade;
drop function if exists app_private.tg_properties__create_ledger_accounts() cascade;
drop function if exists app_private.post_entry(uuid, text, uuid, text, text, jsonb, uuid);
drop function if exists app_private.create_ledger_accounts(uuid);
drop table if exists app_public.folio_balances;
drop table if exists app_public.postings;
drop table if exists app_public.journal_entries;
drop table if exists app_public.folios;
drop table if exists app_public.ledger_accounts;
drop function if exists app_private.tg_postings__check_balanced();
drop function if exists app_private.tg_postings__folio_balance();
drop type if exists app_public.account_kind;
drop type if exists app_public.folio_status;

create type app_public.account_kind as enum ('asset', 'liability', 'equity', 'revenue', 'expense');
create type app_public.folio_status as enum ('open', 'closed');

create table app_public.ledger_accounts (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete cascade,
  code text not null check (code ~ '^[0-9A-Za-z.-]{1,20}$'),
  name text not null check (pg_catalog.length(name) between 1 and 200),
  kind app_public.account_kind not null,
  purpose text check (purpose in ('guest_receivable', 'payment_clearing', 'payouts', 'tax_payable', 'owner_payable', 'refunds',
                                  'room_revenue', 'fee_revenue', 'cancellation_revenue', 'commission_revenue')),
  tax_id uuid,
  provider text,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  unique (property_id, code),
  check ((purpose = 'tax_payable') = (tax_id is not null)),
  check ((purpose = 'payment_clearing') = (provider is not null)),
  -- An account goes with its tax or property, unless postings (restrict) keep it.
  foreign key (property_id, tax_id) references app_public.taxes (property_id, id) on delete cascade
);
comment on table app_public.ledger_accounts is E'The chart of accounts of a property: system accounts (with a purpose) and accounts staff add.';
create unique index ledger_accounts_purpose_idx on app_public.ledger_accounts
  (property_id, purpose, coalesce(tax_id, '00000000-0000-0000-0000-000000000000'), coalesce(provider, ''))
  where purpose is not null;
alter table app_public.ledger_accounts enable row level security;

create table app_public.folios (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  reservation_id uuid not null,
  status app_public.folio_status not null default 'open',
  closed_at timestamptz,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  unique (property_id, reservation_id),
  check ((status = 'closed') = (closed_at is not null)),
  foreign key (property_id, reservation_id) references app_public.reservations (property_id, id) on delete restrict
);
comment on table app_public.folios is E'The guest''s bill for a reservation: the postings to guest receivable that carry its id.';
alter table app_public.folios enable row level security;

create table app_public.journal_entries (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete restrict,
  occurred_at timestamptz not null default pg_catalog.now(),
  cause_type text not null check (cause_type in ('reservation', 'payment', 'refund', 'payout', 'adjustment')),
  cause_id uuid,
  idempotency_key text not null check (pg_catalog.length(idempotency_key) between 1 and 200),
  description text not null check (pg_catalog.length(description) between 1 and 500),
  reverses_entry_id uuid,
  created_by uuid references app_public.users on delete set null,
  unique (property_id, id),
  unique (property_id, idempotency_key),
  foreign key (property_id, reverses_entry_id) references app_public.journal_entries (property_id, id) on delete restrict
);
comment on table app_public.journal_entries is E'A balanced set of postings, linked to its cause. Append-only: corrections are reversing entries.';
create index journal_entries_cause_idx on app_public.journal_entries (property_id, cause_type, cause_id);
alter table app_public.journal_entries enable row level security;

create table app_public.postings (
  id bigint generated always as identity primary key,
  property_id uuid not null,
  entry_id uuid not null,
  account_id uuid not null,
  folio_id uuid,
  amount bigint not null check (amount <> 0),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  foreign key (property_id, entry_id) references app_public.journal_entries (property_id, id) on delete restrict,
  foreign key (property_id, account_id) references app_public.ledger_accounts (property_id, id) on delete restrict,
  foreign key (property_id, folio_id) references app_public.folios (property_id, id) on delete restrict
);
comment on table app_public.postings is E'One line of a journal entry: a signed amount (debit positive, credit negative) in minor units on an account, and on a folio for guest receivable. Append-only.';
create index postings_entry_idx on app_public.postings (property_id, entry_id);
create index postings_account_idx on app_public.postings (property_id, account_id, currency);
create index postings_folio_idx on app_public.postings (property_id, folio_id) where folio_id is not null;
alter table app_public.postings enable row level security;

create table app_public.folio_balances (
  property_id uuid not null,
  folio_id uuid not null,
  currency char(3) not null,
  balance bigint not null,
  primary key (property_id, folio_id, currency),
  foreign key (property_id, folio_id) references app_public.folios (property_id, id) on delete restrict
);
comment on table app_public.folio_balances is E'What the guest owes on a folio per currency (charges minus payments), kept by a trigger on postings.';
alter table app_public.folio_balances enable row level security;

--! Included app_private.tg_postings__check_balanced.sql
-- Deferred constraint trigger (fires at commit): the journal entry of the
-- inserted posting sums to zero in every currency and has at least two
-- postings. Raises UNBAL otherwise, which aborts the whole transaction: an
-- unbalanced entry can never be committed, whoever writes it.
create or replace function app_private.tg_postings__check_balanced() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_bad record;
begin
  select p.currency, sum(p.amount) as total, count(*) as postings
    into v_bad
    from app_public.postings p
   where p.property_id = new.property_id and p.entry_id = new.entry_id
   group by p.currency
  having sum(p.amount) <> 0
   limit 1;
  if found then
    raise exception using errcode = 'UNBAL',
      message = pg_catalog.format('Journal entry %s does not balance in %s (off by %s).', new.entry_id, v_bad.currency, v_bad.total);
  end if;
  if (select count(*) from app_public.postings p where p.property_id = new.property_id and p.entry_id = new.entry_id) < 2 then
    raise exception using errcode = 'UNBAL', message = pg_catalog.format('Journal entry %s needs at least two postings.', new.entry_id);
  end if;
  return null;
end;
$$;
comment on function app_private.tg_postings__check_balanced() is
  E'Constraint trigger (deferred to commit): raises UNBAL unless the posting''s entry sums to zero per currency with at least two postings.';
--! EndIncluded app_private.tg_postings__check_balanced.sql
--! Included app_private.tg_postings__folio_balance.sql
-- Keeps app_public.folio_balances current: each posting to a folio adds its
-- amount to the folio's balance in that currency (one row per folio and
-- currency, so concurrent bookings never wait on each other's balances).
create or replace function app_private.tg_postings__folio_balance() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if new.folio_id is not null then
    insert into app_public.folio_balances as b (property_id, folio_id, currency, balance)
    values (new.property_id, new.folio_id, new.currency, new.amount)
    on conflict (property_id, folio_id, currency) do update set balance = b.balance + excluded.balance;
  end if;
  return null;
end;
$$;
comment on function app_private.tg_postings__folio_balance() is
  E'Trigger (after insert on postings): adds the amount to the folio''s balance.';
--! EndIncluded app_private.tg_postings__folio_balance.sql
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
    (create_ledger_accounts.property_id, '4300', 'Commission revenue', 'revenue', 'commission_revenue', null)
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
--! Included app_private.post_entry.sql
-- Posts one journal entry: lines is a JSON array of
-- {"purpose": "room_revenue", "amount": <signed minor units>, "currency":
--  "EUR", "folio_id": <uuid or absent>, "tax_id": <uuid, for tax_payable>,
--  "provider": <name, for payment_clearing>}
-- (or {"code": "4000", ...} for a staff-made account); debits are positive,
-- credits negative. Idempotent by (property, idempotency key): posting the
-- same key again returns the first entry and posts nothing. Balance is
-- checked at commit by the postings' constraint trigger, not here.
create or replace function app_private.post_entry(
  property_id uuid,
  cause_type text,
  cause_id uuid,
  idempotency_key text,
  description text,
  lines jsonb,
  reverses_entry_id uuid default null
) returns uuid
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_entry_id uuid;
  v_posted integer;
begin
  insert into app_public.journal_entries (property_id, cause_type, cause_id, idempotency_key, description, reverses_entry_id, created_by)
  values (post_entry.property_id, post_entry.cause_type, post_entry.cause_id, post_entry.idempotency_key, post_entry.description,
          post_entry.reverses_entry_id, app_hidden.current_user_id())
  on conflict (property_id, idempotency_key) do nothing
  returning id into v_entry_id;
  if v_entry_id is null then
    select e.id into v_entry_id from app_public.journal_entries e
     where e.property_id = post_entry.property_id and e.idempotency_key = post_entry.idempotency_key;
    return v_entry_id;
  end if;

  insert into app_public.postings (property_id, entry_id, account_id, folio_id, amount, currency)
  select post_entry.property_id, v_entry_id, a.id, (l ->> 'folio_id')::uuid, (l ->> 'amount')::bigint, l ->> 'currency'
    from pg_catalog.jsonb_array_elements(post_entry.lines) l
    join app_public.ledger_accounts a
      on a.property_id = post_entry.property_id and a.code = coalesce(l ->> 'code', a.code) and a.purpose is not distinct from (l ->> 'purpose')
         and a.tax_id is not distinct from (l ->> 'tax_id')::uuid and a.provider is not distinct from (l ->> 'provider')
   where (l ->> 'amount')::bigint <> 0;
  get diagnostics v_posted = row_count;
  if v_posted <> (select count(*) from pg_catalog.jsonb_array_elements(post_entry.lines) l where (l ->> 'amount')::bigint <> 0) then
    raise exception using errcode = 'NTFND', message = 'A posting names an account the property does not have (or more than one).';
  end if;
  return v_entry_id;
end;
$$;
comment on function app_private.post_entry(uuid, text, uuid, text, text, jsonb, uuid) is
  E'Posts a journal entry (idempotent by property and key) from JSON lines {purpose or code, amount, currency, folio_id, tax_id}; balance is enforced at commit.';
--! EndIncluded app_private.post_entry.sql

create function app_private.tg__create_ledger_accounts() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  perform app_private.create_ledger_accounts(new.property_id);
  return null;
end;
$$;
comment on function app_private.tg__create_ledger_accounts() is E'Trigger: gives a new property (or a new tax) its system accounts.';

create trigger _100_timestamps before insert or update on app_public.ledger_accounts for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.folios for each row execute function app_private.tg__timestamps();
create trigger _100_append_only before update or delete on app_public.journal_entries for each row execute function audit.tg__append_only();
create trigger _100_append_only_truncate before truncate on app_public.journal_entries for each statement execute function audit.tg__append_only();
create trigger _100_append_only before update or delete on app_public.postings for each row execute function audit.tg__append_only();
create trigger _100_append_only_truncate before truncate on app_public.postings for each statement execute function audit.tg__append_only();
create trigger _200_folio_balance after insert on app_public.postings for each row execute function app_private.tg_postings__folio_balance();
create constraint trigger _900_balanced after insert on app_public.postings
  deferrable initially deferred for each row execute function app_private.tg_postings__check_balanced();
create trigger _300_ledger_accounts after insert on app_public.taxes for each row execute function app_private.tg__create_ledger_accounts();
create trigger _500_audit after insert or update or delete on app_public.ledger_accounts for each row execute function audit.tg__record();
create trigger _500_audit after insert or update or delete on app_public.folios for each row execute function audit.tg__record();
create trigger _500_audit after insert on app_public.journal_entries for each row execute function audit.tg__record();

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
drop trigger if exists _310_ledger_accounts on app_public.properties;
create trigger _310_ledger_accounts after insert on app_public.properties for each row execute function app_private.tg_properties__create_ledger_accounts();
select app_private.create_ledger_accounts(p.id) from app_public.properties p;

create view app_public.account_balances with (security_invoker = true) as
  select a.property_id, a.id as account_id, a.code, a.name, a.kind, a.purpose, p.currency, sum(p.amount)::bigint as balance
    from app_public.ledger_accounts a
    join app_public.postings p on p.property_id = a.property_id and p.account_id = a.id
   group by a.property_id, a.id, a.code, a.name, a.kind, a.purpose, p.currency;
comment on view app_public.account_balances is E'The balance of every account per currency (debit positive), from the postings.';

create view app_public.trial_balance with (security_invoker = true) as
  select p.property_id, p.currency,
         sum(p.amount) filter (where p.amount > 0)::bigint as debits,
         (-sum(p.amount) filter (where p.amount < 0))::bigint as credits,
         sum(p.amount)::bigint as difference
    from app_public.postings p
   group by p.property_id, p.currency;
comment on view app_public.trial_balance is E'Debits and credits per property and currency; difference is always zero.';

-- Read access: accountants and managers (and owners) see the ledger; front
-- desk sees folios; the guest sees their own folio. Nobody writes directly:
-- entries come from the booking and payment functions.
grant select on app_public.ledger_accounts, app_public.journal_entries, app_public.postings, app_public.folio_balances to keepr_staff, keepr_worker;
grant select on app_public.folios to keepr_anonymous, keepr_worker;
grant insert (property_id, code, name, kind), update (name) on app_public.ledger_accounts to keepr_staff;
grant select on app_public.account_balances, app_public.trial_balance to keepr_staff;
create policy select_accounting on app_public.ledger_accounts for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant}'))
);
create policy manage_accounting on app_public.ledger_accounts for insert to keepr_staff with check (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant}')) and purpose is null
);
create policy update_accounting on app_public.ledger_accounts for update to keepr_staff using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant}'))
);
create policy select_accounting on app_public.journal_entries for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant}'))
);
create policy select_accounting_or_front_desk on app_public.postings for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant}'))
  or (folio_id is not null and property_id in (select app_hidden.current_property_ids('{front_desk}')))
);
create policy select_staff_or_guest on app_public.folios for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant,front_desk}'))
  or reservation_id in (select r.id from app_public.reservations r
                         where r.id = (select app_hidden.current_booking_id())
                            or (r.user_id is not null and r.user_id = (select app_hidden.current_user_id())))
);
create policy select_staff on app_public.folio_balances for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,accountant,front_desk}'))
);
