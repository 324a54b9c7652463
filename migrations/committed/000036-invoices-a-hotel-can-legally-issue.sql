--! Previous: sha1:e10bf47f1ef46b8fe3bc8df18eb64e0beecad4b9
--! Hash: sha1:57b368ad7a25b774a4e38554736e442ef891de36
--! Message: Invoices a hotel can legally issue

-- Invoices a hotel can legally issue (issue 18): the property's legal
-- details (the seller), a bill-to per folio, lines per night with their VAT
-- rate and amount, fees, city tax, extras and allowances, a VAT summary,
-- payments received and the amount due, all frozen into the document; and
-- sending a document by email with its PDF (invoice_deliveries + a job).

create table if not exists app_public.property_legal_details (
  property_id uuid primary key references app_public.properties on delete cascade,
  legal_name text check (pg_catalog.length(legal_name) between 1 and 200),
  address_line1 text check (pg_catalog.length(address_line1) between 1 and 200),
  address_line2 text check (pg_catalog.length(address_line2) between 1 and 200),
  postal_code text check (pg_catalog.length(postal_code) between 1 and 200),
  city text check (pg_catalog.length(city) between 1 and 200),
  country_code char(2) check (country_code ~ '^[A-Z]{2}$'),
  vat_id text check (pg_catalog.length(vat_id) between 1 and 200),
  registration text check (pg_catalog.length(registration) between 1 and 200),
  invoice_footer text check (pg_catalog.length(invoice_footer) between 1 and 1000),
  email text check (pg_catalog.length(email) between 3 and 254),
  phone text check (pg_catalog.length(phone) between 1 and 200),
  updated_by uuid references app_public.users on delete set null,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now()
);
comment on table app_public.property_legal_details is
  E'What the property''s invoices show as the seller: legal name, address, VAT id, company registration, contact, footer (bank details, terms). Required (legal name, address, postal code, city, country, VAT id) before the first invoice. Written by setPropertyLegalDetails.';
comment on column app_public.property_legal_details.vat_id is E'The VAT identification number, e.g. PT123456789.';
comment on column app_public.property_legal_details.registration is E'Company registration (register and number), shown under the seller.';
comment on column app_public.property_legal_details.invoice_footer is E'Printed at the foot of every document: bank details (IBAN, BIC), payment terms.';
create index if not exists property_legal_details_updated_by_idx on app_public.property_legal_details (updated_by) where updated_by is not null;
alter table app_public.property_legal_details enable row level security;
drop trigger if exists _100_timestamps on app_public.property_legal_details;
create trigger _100_timestamps before insert or update on app_public.property_legal_details for each row execute function app_private.tg__timestamps();
drop trigger if exists _500_audit on app_public.property_legal_details;
create trigger _500_audit after insert or update or delete on app_public.property_legal_details for each row execute function audit.tg__record();
grant select on app_public.property_legal_details to keepr_staff;
drop policy if exists select_staff on app_public.property_legal_details;
create policy select_staff on app_public.property_legal_details for select
  using (property_id in (select app_hidden.current_property_ids_for('cashiers')));

create table if not exists app_public.folio_bill_to (
  property_id uuid not null,
  folio_id uuid not null,
  name text not null check (pg_catalog.length(name) between 1 and 200),
  address_line1 text check (pg_catalog.length(address_line1) between 1 and 200),
  address_line2 text check (pg_catalog.length(address_line2) between 1 and 200),
  postal_code text check (pg_catalog.length(postal_code) between 1 and 200),
  city text check (pg_catalog.length(city) between 1 and 200),
  country_code char(2) check (country_code ~ '^[A-Z]{2}$'),
  tax_id text check (pg_catalog.length(tax_id) between 1 and 200),
  email text check (pg_catalog.length(email) between 3 and 254),
  updated_by uuid references app_public.users on delete set null,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  constraint folio_bill_to_pkey primary key (property_id, folio_id),
  foreign key (property_id, folio_id) references app_public.folios (property_id, id) on delete cascade
);
comment on table app_public.folio_bill_to is
  E'Whom a folio''s next invoices are addressed to, when not its company or guest (setFolioBillTo). Issued documents keep the bill-to they were issued with.';
comment on constraint folio_bill_to_property_id_folio_id_fkey on app_public.folio_bill_to is E'@fieldName folio\n@foreignSingleFieldName savedBillTo';
create index if not exists folio_bill_to_updated_by_idx on app_public.folio_bill_to (updated_by) where updated_by is not null;
alter table app_public.folio_bill_to enable row level security;
drop trigger if exists _100_timestamps on app_public.folio_bill_to;
create trigger _100_timestamps before insert or update on app_public.folio_bill_to for each row execute function app_private.tg__timestamps();
drop trigger if exists _500_audit on app_public.folio_bill_to;
create trigger _500_audit after insert or update or delete on app_public.folio_bill_to for each row execute function audit.tg__record();
grant select on app_public.folio_bill_to to keepr_staff;
drop policy if exists select_staff on app_public.folio_bill_to;
create policy select_staff on app_public.folio_bill_to for select
  using (property_id in (select app_hidden.current_property_ids_for('cashiers')));

alter table app_public.invoices add column if not exists seller jsonb;
alter table app_public.invoices add column if not exists vat_summary jsonb;
alter table app_public.invoices add column if not exists payments jsonb;
alter table app_public.invoices add column if not exists amount_due bigint;
comment on column app_public.invoices.lines is
  E'[{key, type: night|discount|fee|city_tax|cancellation|extra|allowance|charge|adjustment, kind: revenue|tax, date, description, quantity, net, vat_rate, vat, amount, postings: [{account_id, amount}]}], amounts in minor units (negative on credit notes); amount = net + vat; postings are the ledger amounts per account the line stands for. Documents issued before issue 18 hold [{account_id, description, kind, amount}].';
comment on column app_public.invoices.bill_to is E'Whom the document is addressed to (name, address, tax id, email; source folio|company|guest) and the stay, as when it was issued.';
comment on column app_public.invoices.seller is E'The property''s legal details (legal name, address, VAT id, registration, footer) as when the document was issued.';
comment on column app_public.invoices.vat_summary is E'[{rate, net, vat, gross}] per VAT rate over the revenue lines (rate 0: no VAT).';
comment on column app_public.invoices.payments is E'On an invoice: [{date, method, description, amount}] received on the folio up to its issue (+ received, − paid back).';
comment on column app_public.invoices.amount_due is E'On an invoice: the folio''s balance when it was issued (negative: in credit).';

do $$ begin
  create type app_public.invoice_delivery_status as enum ('pending', 'sent', 'failed');
exception when duplicate_object then null; end $$;
create table if not exists app_public.invoice_deliveries (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  invoice_id uuid not null,
  recipient text not null check (pg_catalog.length(recipient) between 3 and 254),
  status app_public.invoice_delivery_status not null default 'pending',
  attempts integer not null default 0,
  provider_message_id text,
  last_error text,
  requested_by uuid references app_public.users on delete set null,
  requested_at timestamptz not null default pg_catalog.now(),
  sent_at timestamptz,
  foreign key (property_id, invoice_id) references app_public.invoices (property_id, id) on delete restrict
);
comment on table app_public.invoice_deliveries is
  E'Each sending of an invoice or credit note by email (sendInvoice), with its PDF attached, and how it went.';
comment on constraint invoice_deliveries_property_id_invoice_id_fkey on app_public.invoice_deliveries is E'@fieldName invoice\n@foreignFieldName deliveries';
create index if not exists invoice_deliveries_invoice_idx on app_public.invoice_deliveries (property_id, invoice_id, requested_at desc);
create index if not exists invoice_deliveries_requested_by_idx on app_public.invoice_deliveries (requested_by) where requested_by is not null;
alter table app_public.invoice_deliveries enable row level security;
grant select on app_public.invoice_deliveries to keepr_staff;
drop policy if exists select_staff on app_public.invoice_deliveries;
create policy select_staff on app_public.invoice_deliveries for select
  using (property_id in (select app_hidden.current_property_ids_for('cashiers')));

--! Included app_private.invoice_seller.sql
-- The seller block of an invoice: the property's legal details as they are
-- now (frozen into each document when it is issued). Refuses with
-- LEGAL_DETAILS_MISSING, naming every missing field, while the property has
-- not given what a legal invoice must show: legal name, street address,
-- postal code, city, country and VAT id.
create or replace function app_private.invoice_seller(property_id uuid) returns jsonb
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_legal app_public.property_legal_details;
  v_missing text[];
begin
  select * into v_legal from app_public.property_legal_details l where l.property_id = invoice_seller.property_id;
  v_missing := array_remove(array[
    case when v_legal.legal_name is null then 'legal name' end,
    case when v_legal.address_line1 is null then 'street address' end,
    case when v_legal.postal_code is null then 'postal code' end,
    case when v_legal.city is null then 'city' end,
    case when v_legal.country_code is null then 'country' end,
    case when v_legal.vat_id is null then 'VAT id' end
  ], null);
  if pg_catalog.cardinality(v_missing) > 0 then
    raise exception using errcode = 'LEGAL',
      message = pg_catalog.format('Invoices need the property''s legal details first. Missing: %s (Accounting › Legal details).',
                                  pg_catalog.array_to_string(v_missing, ', '));
  end if;
  return pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'legal_name', v_legal.legal_name, 'address_line1', v_legal.address_line1, 'address_line2', v_legal.address_line2,
    'postal_code', v_legal.postal_code, 'city', v_legal.city, 'country_code', v_legal.country_code,
    'vat_id', v_legal.vat_id, 'registration', v_legal.registration, 'invoice_footer', v_legal.invoice_footer,
    'email', v_legal.email, 'phone', v_legal.phone));
end;
$$;
comment on function app_private.invoice_seller(uuid) is
  E'The property''s legal details as an invoice''s seller block; LEGAL_DETAILS_MISSING (naming the fields) while incomplete.';
--! EndIncluded app_private.invoice_seller.sql
--! Included app_private.bill_to_of.sql
-- Whom a folio's next invoice is addressed to: the bill-to saved on the
-- folio (setFolioBillTo), else the company the folio is billed to (a
-- company folio, or a guest folio routed to a company), else the guest of
-- the reservation. 'source' says which. The stay (confirmation code,
-- arrival, departure) is added for documents of a reservation's folio.
-- Company folios and companies are read through to_jsonb, so this works
-- before and after they exist in the schema.
create or replace function app_private.bill_to_of(folio app_public.folios) returns jsonb
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_folio jsonb := pg_catalog.to_jsonb(folio);
  v_bill jsonb;
  v_company jsonb;
  v_stay jsonb := '{}';
begin
  if v_folio ->> 'reservation_id' is not null then
    select pg_catalog.jsonb_build_object('confirmation_code', r.confirmation_code, 'arrival', pg_catalog.lower(r.stay),
                                         'departure', pg_catalog.upper(r.stay), 'guest_name', g.full_name)
      into v_stay
      from app_public.reservations r
      left join app_public.guests g on g.property_id = r.property_id and g.id = r.guest_id
     where r.property_id = folio.property_id and r.id = (v_folio ->> 'reservation_id')::uuid;
  end if;
  select pg_catalog.jsonb_build_object('source', 'folio', 'name', b.name, 'address_line1', b.address_line1,
           'address_line2', b.address_line2, 'postal_code', b.postal_code, 'city', b.city, 'country_code', b.country_code,
           'tax_id', b.tax_id, 'email', b.email)
    into v_bill
    from app_public.folio_bill_to b
   where b.property_id = folio.property_id and b.folio_id = folio.id;
  if v_bill is null and v_folio ->> 'company_id' is not null and pg_catalog.to_regclass('app_public.companies') is not null then
    execute 'select pg_catalog.to_jsonb(c) from app_public.companies c where c.property_id = $1 and c.id = $2'
       into v_company using folio.property_id, (v_folio ->> 'company_id')::uuid;
    if v_company is not null then
      v_bill := pg_catalog.jsonb_build_object('source', 'company',
        'name', coalesce(v_company ->> 'legal_name', v_company ->> 'name'),
        'address_line1', coalesce(v_company ->> 'address_line1', v_company ->> 'line1'),
        'address_line2', coalesce(v_company ->> 'address_line2', v_company ->> 'line2'),
        'postal_code', v_company ->> 'postal_code', 'city', v_company ->> 'city',
        'country_code', coalesce(v_company ->> 'country_code', v_company ->> 'country'),
        'tax_id', v_company ->> 'tax_id', 'email', v_company ->> 'email');
    end if;
  end if;
  if v_bill is null then
    select pg_catalog.jsonb_build_object('source', 'guest', 'name', g.full_name, 'email', g.email::text)
      into v_bill
      from app_public.reservations r
      join app_public.guests g on g.property_id = r.property_id and g.id = r.guest_id
     where r.property_id = folio.property_id and r.id = (v_folio ->> 'reservation_id')::uuid;
  end if;
  return pg_catalog.jsonb_strip_nulls(coalesce(v_bill, pg_catalog.jsonb_build_object('source', 'none')) || coalesce(v_stay, '{}'));
end;
$$;
comment on function app_private.bill_to_of(app_public.folios) is
  E'The bill-to of a folio''s next document: saved on the folio, else its company, else the reservation''s guest; with the stay.';
--! EndIncluded app_private.bill_to_of.sql
--! Included app_private.invoice_lines.sql
-- The lines a folio's next invoice holds: what the folio was charged and
-- not yet invoiced, broken down as a guest reads a hotel bill.
--
-- What is charged comes from the ledger only: the revenue and tax postings
-- of the journal entries that touch the folio. Its breakdown:
--   * the reservation's own charges (cause = the reservation) are laid over
--     its price lines: one line per night (room revenue and each percent
--     tax, i.e. VAT, shared out by the nights' prices), the length-of-stay
--     discount as a negative line, one line per fee (fee revenue and the
--     VAT that covers fees), one line per tax charged by amount (city tax:
--     its own line, not VAT), the cancellation or no-show fee;
--   * every other entry that charged the folio (an extra, an allowance, a
--     correction, a charge routed here) is one line with its own VAT.
-- Each account's amount is shared out by cumulative rounding (a key gets
-- round(T × w_1..k / W) − round(T × w_1..k-1 / W)), so the lines of every
-- account add up to the ledger's amount exactly, whatever the rounding. A
-- nightly-posting stay still in house shares out only over the nights the
-- night audit has closed, as the ledger was charged.
--
-- Every line keeps its postings ({account_id, amount}); what earlier
-- documents of the folio hold is subtracted per line key and account, so a
-- later invoice holds only what changed (a night added, an extra). Lines of
-- documents issued before this breakdown existed are subtracted as one
-- line 'Invoiced earlier'. Hence, per account: the lines' sum = charged in
-- the ledger − invoiced before, which is what the invoice invoices.
create or replace function app_private.invoice_lines(folio app_public.folios) returns jsonb
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_property app_public.properties;
  v_room_type text;
  v_partial boolean := false;
  v_business_date date;
  v_share numeric := 1;
  v_lines jsonb;
begin
  select * into v_property from app_public.properties p where p.id = folio.property_id;
  select * into v_res from app_public.reservations r
   where r.property_id = folio.property_id and r.id = (pg_catalog.to_jsonb(folio) ->> 'reservation_id')::uuid;
  select rt.name into v_room_type from app_public.room_types rt where rt.property_id = v_res.property_id and rt.id = v_res.room_type_id;
  if v_res.status in ('confirmed', 'checked_in')
     and exists (select 1 from app_public.rate_plans rp
                  where rp.property_id = v_res.property_id and rp.id = v_res.rate_plan_id and rp.charge_posting = 'nightly') then
    v_partial := true;
    select p.business_date into v_business_date from app_public.properties p where p.id = v_res.property_id;
    select coalesce(sum(l.amount) filter (where l.date < v_business_date)::numeric / nullif(sum(l.amount), 0), 0)
      into v_share
      from pg_catalog.jsonb_to_recordset(v_res.price_lines) as l(kind text, date date, amount bigint)
     where l.kind = 'night';
  end if;

  with
  folio_entries as (
    select distinct p.entry_id from app_public.postings p
     where p.property_id = folio.property_id and p.folio_id = folio.id
  ),
  charges as (
    -- Revenue and tax postings of the folio's entries, as charged (credit = +).
    select e.id as entry_id, e.cause_type, e.cause_id, e.description as entry_description, e.occurred_at,
           a.id as account_id, a.name as account_name, a.kind as account_kind, a.purpose, a.tax_id, -po.amount as amount
      from folio_entries fe
      join app_public.journal_entries e on e.property_id = folio.property_id and e.id = fe.entry_id
      join app_public.postings po on po.property_id = e.property_id and po.entry_id = e.id
      join app_public.ledger_accounts a on a.property_id = po.property_id and a.id = po.account_id
     where a.kind = 'revenue' or a.purpose = 'tax_payable'
  ),
  res_charged as (
    select c.account_id, c.purpose, c.tax_id, sum(c.amount) as amount
      from charges c
     where c.cause_type = 'reservation' and c.cause_id = v_res.id
     group by c.account_id, c.purpose, c.tax_id
  ),
  price as (
    select x.ord, l ->> 'kind' as kind, (l ->> 'date')::date as date, l ->> 'description' as description,
           coalesce((l ->> 'quantity')::integer, 1) as quantity, (l ->> 'amount')::bigint as amount,
           coalesce((l ->> 'tax_id')::uuid, (select t.id from app_public.taxes t
                                             where t.property_id = v_res.property_id and l ->> 'kind' = 'tax'
                                               and pg_catalog.starts_with(l ->> 'description', t.name || ' (')
                                             order by pg_catalog.length(t.name) desc limit 1)) as tax_id
      from pg_catalog.jsonb_array_elements(coalesce(v_res.price_lines, '[]')) with ordinality x(l, ord)
  ),
  keys as (
    select p.ord, 'night:' || p.date as key, 'night' as type, 'room' as grp, p.date, p.description, p.quantity,
           case when v_partial and p.date >= v_business_date then 0 else p.amount end::numeric as weight
      from price p where p.kind = 'night'
    union all
    select p.ord, 'discount', 'discount', 'room', null, p.description, 1, p.amount * v_share
      from price p where p.kind = 'discount'
    union all
    select p.ord, 'fee:' || p.description, 'fee', 'fee', null, p.description, p.quantity, p.amount::numeric
      from price p where p.kind = 'fee'
  ),
  vat_targets as (
    select rc.account_id, rc.amount as total, t.is_inclusive, k.key, k.ord, k.weight
      from res_charged rc
      join app_public.taxes t on t.property_id = v_res.property_id and t.id = rc.tax_id and t.basis = 'percent_of_room'
      join keys k on k.grp = 'room' or (k.grp = 'fee' and t.applies_to_fees)
  ),
  vat_alloc as (
    select v.account_id, v.key, v.is_inclusive,
           case when v.w_all <> 0 then round(v.total * v.w_upto / v.w_all) - round(v.total * (v.w_upto - v.weight) / v.w_all)
                else round(v.total * v.n_upto / v.n_all) - round(v.total * (v.n_upto - 1) / v.n_all) end::bigint as amount
      from (select v.*,
                   sum(v.weight) over (partition by v.account_id) as w_all,
                   sum(v.weight) over (partition by v.account_id order by v.ord, v.key rows between unbounded preceding and current row) as w_upto,
                   count(*) over (partition by v.account_id)::numeric as n_all,
                   (row_number() over (partition by v.account_id order by v.ord, v.key))::numeric as n_upto
              from vat_targets v) v
  ),
  rev_targets as (
    select rc.account_id, rc.amount as total, k.key, k.ord,
           k.weight - coalesce((select sum(va.amount) from vat_alloc va where va.key = k.key and va.is_inclusive), 0) as weight
      from res_charged rc
      join keys k on (rc.purpose = 'room_revenue' and k.grp = 'room') or (rc.purpose = 'fee_revenue' and k.grp = 'fee')
  ),
  rev_alloc as (
    select v.account_id, v.key,
           case when v.w_all <> 0 then round(v.total * v.w_upto / v.w_all) - round(v.total * (v.w_upto - v.weight) / v.w_all)
                else round(v.total * v.n_upto / v.n_all) - round(v.total * (v.n_upto - 1) / v.n_all) end::bigint as amount
      from (select v.*,
                   sum(v.weight) over (partition by v.account_id) as w_all,
                   sum(v.weight) over (partition by v.account_id order by v.ord, v.key rows between unbounded preceding and current row) as w_upto,
                   count(*) over (partition by v.account_id)::numeric as n_all,
                   (row_number() over (partition by v.account_id order by v.ord, v.key))::numeric as n_upto
              from rev_targets v) v
  ),
  allocated as (
    select a.key, a.account_id, a.amount from vat_alloc a
    union all
    select a.key, a.account_id, a.amount from rev_alloc a
  ),
  charged as (
    -- B: everything charged, per line key and account.
    select a.key, a.account_id, sum(a.amount) as amount from allocated a group by a.key, a.account_id
    union all
    -- What the price lines could not take (the penalty, taxes by amount, any other account).
    select case when rc.purpose = 'cancellation_revenue' then 'penalty'
                when rc.purpose = 'tax_payable' then 'tax:' || rc.tax_id
                else 'account:' || rc.account_id end,
           rc.account_id, rc.amount - coalesce((select sum(a.amount) from allocated a where a.account_id = rc.account_id), 0)
      from res_charged rc
    union all
    select 'entry:' || c.entry_id, c.account_id, sum(c.amount)
      from charges c
     where not (c.cause_type = 'reservation' and c.cause_id is not distinct from v_res.id)
     group by c.entry_id, c.account_id
  ),
  invoiced as (
    -- I: what the folio's documents hold, per line key and account.
    select coalesce(l ->> 'key', 'legacy') as key, coalesce(pp ->> 'account_id', l ->> 'account_id')::uuid as account_id,
           sum(coalesce((pp ->> 'amount')::bigint, (l ->> 'amount')::bigint)) as amount
      from app_public.invoices i
      cross join pg_catalog.jsonb_array_elements(i.lines) l
      left join lateral pg_catalog.jsonb_array_elements(case when l ? 'postings' then l -> 'postings' else '[null]' end) pp on true
     where i.property_id = folio.property_id and i.folio_id = folio.id
     group by 1, 2
  ),
  delta as (
    select coalesce(c.key, i.key) as key, coalesce(c.account_id, i.account_id) as account_id,
           coalesce(c.amount, 0) - coalesce(i.amount, 0) as amount
      from (select c.key, c.account_id, sum(c.amount) as amount from charged c group by c.key, c.account_id) c
      full join invoiced i on i.key = c.key and i.account_id = c.account_id
  ),
  delta_accounts as (
    select d.key, d.account_id, d.amount, a.kind as account_kind, a.name as account_name, a.purpose,
           t.id as tax_id, t.basis as tax_basis, t.percent
      from delta d
      join app_public.ledger_accounts a on a.property_id = folio.property_id and a.id = d.account_id
      left join app_public.taxes t on t.property_id = a.property_id and t.id = a.tax_id
     where d.amount <> 0
  ),
  lines as (
    select d.key,
           sum(d.amount) filter (where d.account_kind = 'revenue') as net,
           sum(d.amount) filter (where d.purpose = 'tax_payable' and (d.tax_basis = 'percent_of_room' or d.key like 'entry:%')) as vat,
           sum(d.amount) filter (where d.purpose = 'tax_payable' and d.tax_basis is distinct from 'percent_of_room' and d.key not like 'entry:%') as other_tax,
           sum(distinct d.percent) filter (where d.purpose = 'tax_payable' and d.tax_basis = 'percent_of_room') as vat_rate,
           sum(d.amount) as amount,
           pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('account_id', d.account_id, 'amount', d.amount) order by d.account_id) as postings,
           min(d.account_name) as account_name,
           bool_or(d.purpose = 'allowances') as is_allowance,
           bool_or(d.purpose = 'extras_revenue') as is_extra
      from delta_accounts d
     group by d.key
  ),
  described as (
    select l.*,
           case when l.key like 'night:%' then 'night' when l.key = 'discount' then 'discount' when l.key like 'fee:%' then 'fee'
                when l.key like 'tax:%' then 'city_tax' when l.key = 'penalty' then 'cancellation' when l.key = 'legacy' then 'adjustment'
                when l.key like 'entry:%' then case when l.is_allowance then 'allowance' when l.is_extra then 'extra' else 'charge' end
                else 'charge' end as type,
           k.ord, k.date as key_date, k.description as key_description, k.quantity as key_quantity,
           e.occurred_at, e.description as entry_description,
           tp.description as tax_description, tp.quantity as tax_quantity
      from lines l
      left join keys k on k.key = l.key
      left join app_public.journal_entries e
        on l.key like 'entry:%' and e.property_id = folio.property_id and e.id = pg_catalog.substr(l.key, 7)::uuid
      left join lateral (select p.description, p.quantity from price p
                          where l.key like 'tax:%' and p.kind = 'tax' and p.tax_id::text = pg_catalog.substr(l.key, 5) limit 1) tp on true
  )
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
           'key', d.key,
           'type', d.type,
           'kind', case when d.type = 'city_tax' then 'tax' else 'revenue' end,
           'date', coalesce(d.key_date, (d.occurred_at at time zone v_property.time_zone)::date),
           'description', case d.type
                            when 'night' then coalesce(v_room_type || ' · ', '') || d.key_description
                            when 'discount' then d.key_description
                            when 'fee' then d.key_description
                            when 'city_tax' then coalesce(d.tax_description, d.account_name)
                            when 'cancellation' then case when v_res.status = 'no_show' then 'No-show fee' else 'Cancellation fee' end
                            when 'adjustment' then 'Invoiced earlier'
                            else coalesce(d.entry_description, d.account_name) end,
           'quantity', case when d.type in ('fee', 'city_tax') then coalesce(d.key_quantity, d.tax_quantity) end,
           'net', case when d.type = 'city_tax' then 0 else coalesce(d.net, 0) end,
           'vat_rate', case when d.type = 'city_tax' then null else coalesce(d.vat_rate, 0) end,
           'vat', case when d.type = 'city_tax' then 0 else coalesce(d.vat, 0) + coalesce(d.other_tax, 0) end,
           'amount', d.amount,
           'postings', d.postings))
         order by case d.type when 'night' then 1 when 'discount' then 2 when 'fee' then 3 when 'city_tax' then 4
                              when 'cancellation' then 5 when 'adjustment' then 7 else 6 end,
                  d.ord, d.occurred_at, d.key)
    into v_lines
    from described d;
  return v_lines;
end;
$$;
comment on function app_private.invoice_lines(app_public.folios) is
  E'The not yet invoiced charges of a folio as invoice lines (one per night, discount, fee, city tax, penalty, extra, allowance, correction; net, VAT rate, VAT, amount and the ledger postings each stands for); per account they add up to the ledger.';
--! EndIncluded app_private.invoice_lines.sql
--! Included app_private.invoice_payments.sql
-- What a folio has received, as an invoice lists it: every journal entry
-- that moved money on the folio without charging it (a card capture, cash,
-- a bank transfer, a refund, a move to the city ledger or another folio),
-- with its date at the property, how it was paid (from the account on the
-- other side), the entry's description and the amount (+ received,
-- − paid back).
create or replace function app_private.invoice_payments(folio app_public.folios) returns jsonb
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'date', (x.occurred_at at time zone p.time_zone)::date, 'method', x.method, 'description', x.description,
           'amount', x.amount) order by x.occurred_at, x.id), '[]')
    from (
      select e.id, e.occurred_at, e.description, -sum(po.amount) as amount,
             (select pg_catalog.string_agg(distinct case a.purpose
                                             when 'payment_clearing' then 'Card'
                                             when 'refunds' then 'Refund'
                                             when 'cash_drawer' then 'Cash'
                                             when 'bank' then 'Bank transfer'
                                             when 'city_ledger' then 'City ledger'
                                             when 'guest_receivable' then 'Another folio'
                                             else a.name end, ', ')
                from app_public.postings o
                join app_public.ledger_accounts a on a.property_id = o.property_id and a.id = o.account_id
               where o.property_id = e.property_id and o.entry_id = e.id and o.folio_id is distinct from folio.id) as method
        from app_public.postings po
        join app_public.journal_entries e on e.property_id = po.property_id and e.id = po.entry_id
       where po.property_id = folio.property_id and po.folio_id = folio.id
         and not exists (select 1 from app_public.postings o
                           join app_public.ledger_accounts a on a.property_id = o.property_id and a.id = o.account_id
                          where o.property_id = e.property_id and o.entry_id = e.id
                            and (a.kind = 'revenue' or a.purpose = 'tax_payable'))
       group by e.id, e.property_id, e.occurred_at, e.description
      having sum(po.amount) <> 0
    ) x
    join app_public.properties p on p.id = folio.property_id;
$$;
comment on function app_private.invoice_payments(app_public.folios) is
  E'Payments, refunds and transfers of a folio for its invoice: [{date, method, description, amount}], + received.';
--! EndIncluded app_private.invoice_payments.sql
--! Included app_private.insert_invoice.sql
-- Writes an invoice or credit note with the next number of its kind at the
-- property (the counter row is locked until commit: no gaps, no doubles),
-- its totals, and the snapshot a legal document needs, frozen at issue:
-- the seller (the property's legal details; LEGAL_DETAILS_MISSING while
-- incomplete), the bill-to (the folio's; a credit note repeats its
-- invoice's), the VAT summary per rate and, on an invoice, the payments
-- received so far and the amount still due on the folio.
-- Totals: net = the lines' net; total = the lines' amounts; tax = total −
-- net (VAT and taxes such as city tax). Lines written before the
-- breakdown by night ({account_id, description, kind, amount}) count as
-- net when their kind is revenue.
create or replace function app_private.insert_invoice(
  folio app_public.folios,
  reservation app_public.reservations,
  kind app_public.invoice_kind,
  lines jsonb,
  credits_invoice_id uuid,
  reason text
) returns app_public.invoices
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_seller jsonb;
  v_bill_to jsonb;
  v_number integer;
  v_invoice app_public.invoices;
begin
  v_seller := app_private.invoice_seller(folio.property_id);
  if insert_invoice.kind = 'credit_note' then
    select i.bill_to into v_bill_to from app_public.invoices i
     where i.property_id = folio.property_id and i.id = insert_invoice.credits_invoice_id;
  else
    v_bill_to := app_private.bill_to_of(folio);
  end if;

  insert into app_private.invoice_counters as c (property_id, kind, last_number)
  values (folio.property_id, insert_invoice.kind, 1)
  on conflict (property_id, kind) do update set last_number = c.last_number + 1
  returning c.last_number into v_number;

  with l as (
    select coalesce((l ->> 'net')::bigint, case when l ->> 'kind' = 'revenue' then (l ->> 'amount')::bigint else 0 end) as net,
           (l ->> 'amount')::bigint as amount, l ->> 'kind' as kind, (l ->> 'vat_rate')::numeric as vat_rate,
           coalesce((l ->> 'vat')::bigint, 0) as vat
      from pg_catalog.jsonb_array_elements(insert_invoice.lines) l
  )
  insert into app_public.invoices (property_id, folio_id, reservation_id, kind, number, document_number, credits_invoice_id, reason,
                                   currency, lines, net_amount, tax_amount, total_amount, bill_to, issued_by,
                                   seller, vat_summary, payments, amount_due)
  select folio.property_id, folio.id, reservation.id, insert_invoice.kind, v_number,
         case insert_invoice.kind when 'invoice' then 'INV-' else 'CN-' end || pg_catalog.lpad(v_number::text, 6, '0'),
         insert_invoice.credits_invoice_id, insert_invoice.reason, reservation.currency, insert_invoice.lines,
         (select coalesce(sum(l.net), 0) from l),
         (select coalesce(sum(l.amount), 0) - coalesce(sum(l.net), 0) from l),
         (select coalesce(sum(l.amount), 0) from l),
         v_bill_to, app_hidden.current_user_id(),
         v_seller,
         (select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('rate', s.rate, 'net', s.net, 'vat', s.vat, 'gross', s.net + s.vat)
                                               order by s.rate desc), '[]')
            from (select coalesce(l.vat_rate, 0) as rate, sum(l.net) as net, sum(l.vat) as vat
                    from l where l.kind = 'revenue' group by 1) s),
         case when insert_invoice.kind = 'invoice' then app_private.invoice_payments(folio) end,
         case when insert_invoice.kind = 'invoice' then
           coalesce((select b.balance from app_public.folio_balances b
                      where b.property_id = folio.property_id and b.folio_id = folio.id and b.currency = reservation.currency), 0) end
  returning * into v_invoice;
  return v_invoice;
end;
$$;
comment on function app_private.insert_invoice(app_public.folios, app_public.reservations, app_public.invoice_kind, jsonb, uuid, text) is
  E'Inserts an invoice or credit note under the next gapless number of its kind at the property, with its seller, bill-to, VAT summary, payments and amount due frozen.';
--! EndIncluded app_private.insert_invoice.sql
--! Included app_public.issue_invoice.sql
-- Issues the invoice of a folio: what it was charged (from the ledger) and
-- not yet invoiced, as lines per night, fee, city tax, extra, allowance
-- (app_private.invoice_lines) with their VAT, and the seller, bill-to,
-- payments received and amount due frozen into it (insert_invoice). The
-- property's legal details must be complete (LEGAL_DETAILS_MISSING). Numbers
-- come from a counter row per property and document kind, incremented in
-- this transaction: a rollback gives the number back, so numbers have no
-- gaps, and concurrent issuers wait on the row. An invoice is immutable
-- once issued; a charge that went down is corrected by a credit note, then
-- a new invoice.
create or replace function app_public.issue_invoice(folio_id uuid, idempotency_key text) returns app_public.invoices
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_res app_public.reservations;
  v_lines jsonb;
  v_invoice app_public.invoices;
begin
  v_replay := app_private.idempotency_begin('issue_invoice', idempotency_key, pg_catalog.jsonb_build_object('folio_id', folio_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.invoices, v_replay);
  end if;
  select * into v_folio from app_public.folios f where f.id = issue_invoice.folio_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such folio, or you cannot see it.';
  end if;
  if pg_catalog.to_jsonb(v_folio) ->> 'reservation_id' is null then
    perform app_private.require_staff(v_folio.property_id, app_hidden.staff_group_roles('cashiers'), 'issue invoices');
    raise exception using errcode = 'INVLD', message = 'Invoices are issued from a reservation''s folio; this folio has no reservation.';
  end if;
  v_res := app_private.lock_reservation(v_folio.reservation_id, app_hidden.staff_group_roles('cashiers'), 'issue invoices');
  perform app_private.invoice_seller(v_folio.property_id);

  v_lines := app_private.invoice_lines(v_folio);
  if v_lines is null then
    raise exception using errcode = 'INVLD', message = 'Everything charged on this folio is invoiced already.';
  end if;
  if (select sum((l ->> 'amount')::bigint) from pg_catalog.jsonb_array_elements(v_lines) l) < 0 then
    raise exception using errcode = 'TRANS',
      message = 'The charges went down since the last invoice: issue a credit note for it first, then a new invoice.';
  end if;
  v_invoice := app_private.insert_invoice(v_folio, v_res, 'invoice', v_lines, null, null);
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_invoice));
  return v_invoice;
end;
$$;
comment on function app_public.issue_invoice(uuid, text) is
  E'Issues an invoice (numbered per property without gaps) for what a folio was charged and not yet invoiced: a line per night with its VAT, fees, city tax, extras, allowances; payments received and the amount due. Errors: NTFND, DNIED, LEGAL_DETAILS_MISSING, INVALID_INPUT (nothing to invoice), INVALID_TRANSITION (credit the last invoice first), IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.issue_invoice.sql
--! Included app_public.issue_credit_note.sql
-- Cancels an issued invoice with a credit note: the same lines (nights,
-- VAT, postings), negated, addressed to the invoice's bill-to, under the
-- next credit-note number. An invoice is credited at most once;
-- the invoice itself never changes.
create or replace function app_public.issue_credit_note(invoice_id uuid, reason text, idempotency_key text) returns app_public.invoices
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_invoice app_public.invoices;
  v_folio app_public.folios;
  v_res app_public.reservations;
  v_note app_public.invoices;
begin
  v_replay := app_private.idempotency_begin('issue_credit_note', idempotency_key,
                pg_catalog.jsonb_build_object('invoice_id', invoice_id, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.invoices, v_replay);
  end if;
  select * into v_invoice from app_public.invoices i where i.id = issue_credit_note.invoice_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such invoice, or you cannot see it.';
  end if;
  select * into v_folio from app_public.folios f where f.property_id = v_invoice.property_id and f.id = v_invoice.folio_id;
  v_res := app_private.lock_reservation(v_folio.reservation_id, app_hidden.staff_group_roles('back_office'), 'issue credit notes');
  if v_invoice.kind <> 'invoice' then
    raise exception using errcode = 'TRANS', message = 'Only an invoice can be credited, not a credit note.';
  end if;
  if exists (select 1 from app_public.invoices i where i.property_id = v_invoice.property_id and i.credits_invoice_id = v_invoice.id) then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('Invoice %s is credited already.', v_invoice.document_number);
  end if;
  if reason is null or pg_catalog.length(pg_catalog.btrim(reason)) not between 1 and 500 then
    raise exception using errcode = 'INVLD', message = 'A credit note needs a reason (1 to 500 characters).';
  end if;
  v_note := app_private.insert_invoice(v_folio, v_res, 'credit_note',
              (select pg_catalog.jsonb_agg(l || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                        'amount', -(l ->> 'amount')::bigint, 'net', -(l ->> 'net')::bigint, 'vat', -(l ->> 'vat')::bigint,
                        'postings', (select pg_catalog.jsonb_agg(pp || pg_catalog.jsonb_build_object('amount', -(pp ->> 'amount')::bigint))
                                       from pg_catalog.jsonb_array_elements(l -> 'postings') pp))) order by o)
                 from pg_catalog.jsonb_array_elements(v_invoice.lines) with ordinality x(l, o)),
              v_invoice.id, pg_catalog.btrim(reason));
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_note));
  return v_note;
end;
$$;
comment on function app_public.issue_credit_note(uuid, text, text) is
  E'Credits an issued invoice in full with a credit note (its own gapless numbers). Errors: NTFND, DNIED, LEGAL_DETAILS_MISSING, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.issue_credit_note.sql
--! Included app_public.set_property_legal_details.sql
-- Saves the legal details a property's invoices show (the seller): legal
-- name, address, VAT id, company registration, contact and the footer
-- (bank details, terms). Back office (owner, manager, accountant). Every
-- text is trimmed and an empty one is stored as missing; documents already
-- issued keep the details they were issued with.
create or replace function app_public.set_property_legal_details(
  property_id uuid,
  legal_name text,
  address_line1 text,
  address_line2 text,
  postal_code text,
  city text,
  country_code text,
  vat_id text,
  registration text,
  invoice_footer text,
  email text,
  phone text,
  idempotency_key text
) returns app_public.property_legal_details
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_row app_public.property_legal_details;
  v_clean text[];
begin
  v_replay := app_private.idempotency_begin('set_property_legal_details', idempotency_key, pg_catalog.jsonb_build_object(
    'property_id', property_id, 'legal_name', legal_name, 'address_line1', address_line1, 'address_line2', address_line2,
    'postal_code', postal_code, 'city', city, 'country_code', country_code, 'vat_id', vat_id, 'registration', registration,
    'invoice_footer', invoice_footer, 'email', email, 'phone', phone));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.property_legal_details, v_replay);
  end if;
  perform app_private.require_staff(set_property_legal_details.property_id, app_hidden.staff_group_roles('back_office'), 'edit the property''s legal details');
  select pg_catalog.array_agg(nullif(pg_catalog.btrim(v), '') order by o) into v_clean
    from pg_catalog.unnest(array[legal_name, address_line1, address_line2, postal_code, city, pg_catalog.upper(country_code),
                                 vat_id, registration, invoice_footer, email, phone]) with ordinality x(v, o);
  if exists (select 1 from pg_catalog.unnest(v_clean[1:8] || v_clean[10:11]) v where pg_catalog.length(v) > 200) then
    raise exception using errcode = 'INVLD', message = 'Each legal detail is at most 200 characters (the footer 1000).';
  end if;
  if pg_catalog.length(v_clean[9]) > 1000 then
    raise exception using errcode = 'INVLD', message = 'The invoice footer is at most 1000 characters.';
  end if;
  if v_clean[6] is not null and v_clean[6] !~ '^[A-Z]{2}$' then
    raise exception using errcode = 'INVLD', message = 'The country is a two-letter ISO code, such as PT or DE.';
  end if;
  if v_clean[10] is not null and v_clean[10] !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    raise exception using errcode = 'INVEM', message = 'That email address does not look right.';
  end if;
  insert into app_public.property_legal_details as l (property_id, legal_name, address_line1, address_line2, postal_code, city,
                                                     country_code, vat_id, registration, invoice_footer, email, phone, updated_by)
  values (set_property_legal_details.property_id, v_clean[1], v_clean[2], v_clean[3], v_clean[4], v_clean[5], v_clean[6], v_clean[7],
          v_clean[8], v_clean[9], v_clean[10], v_clean[11], app_hidden.current_user_id())
  on conflict on constraint property_legal_details_pkey do update
     set legal_name = excluded.legal_name, address_line1 = excluded.address_line1, address_line2 = excluded.address_line2,
         postal_code = excluded.postal_code, city = excluded.city, country_code = excluded.country_code, vat_id = excluded.vat_id,
         registration = excluded.registration, invoice_footer = excluded.invoice_footer, email = excluded.email,
         phone = excluded.phone, updated_by = excluded.updated_by
  returning * into v_row;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_row));
  return v_row;
end;
$$;
comment on function app_public.set_property_legal_details(uuid, text, text, text, text, text, text, text, text, text, text, text, text) is
  E'Saves the legal details the property''s invoices show (legal name, address, VAT id, registration, footer with bank details). Owner, manager, accountant. Errors: NTFND, DNIED, INVALID_INPUT, INVEM, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.set_property_legal_details.sql
--! Included app_public.set_folio_bill_to.sql
-- Sets whom a folio's next invoices are addressed to (a guest's billing
-- address, their employer with its tax id, ...). Cashiers (owner, manager,
-- front desk, accountant). A null or blank name goes back to the default
-- (the folio's company, else the guest). Documents already issued keep the
-- bill-to they were issued with; a credit note repeats its invoice's.
create or replace function app_public.set_folio_bill_to(
  folio_id uuid,
  name text,
  address_line1 text,
  address_line2 text,
  postal_code text,
  city text,
  country_code text,
  tax_id text,
  email text,
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_clean text[];
begin
  v_replay := app_private.idempotency_begin('set_folio_bill_to', idempotency_key, pg_catalog.jsonb_build_object(
    'folio_id', folio_id, 'name', name, 'address_line1', address_line1, 'address_line2', address_line2,
    'postal_code', postal_code, 'city', city, 'country_code', country_code, 'tax_id', tax_id, 'email', email));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  select * into v_folio from app_public.folios f where f.id = set_folio_bill_to.folio_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such folio, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_folio.property_id, app_hidden.staff_group_roles('cashiers'), 'change whom invoices are addressed to');
  perform 1 from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id for update;
  select pg_catalog.array_agg(nullif(pg_catalog.btrim(v), '') order by o) into v_clean
    from pg_catalog.unnest(array[name, address_line1, address_line2, postal_code, city, pg_catalog.upper(country_code), tax_id, email])
         with ordinality x(v, o);
  if v_clean[1] is null then
    if pg_catalog.array_to_string(v_clean, '') <> '' then
      raise exception using errcode = 'INVLD', message = 'A bill-to needs a name (a person or a company).';
    end if;
    delete from app_public.folio_bill_to b where b.property_id = v_folio.property_id and b.folio_id = v_folio.id;
  else
    if exists (select 1 from pg_catalog.unnest(v_clean) v where pg_catalog.length(v) > 200) then
      raise exception using errcode = 'INVLD', message = 'Each part of the bill-to is at most 200 characters.';
    end if;
    if v_clean[6] is not null and v_clean[6] !~ '^[A-Z]{2}$' then
      raise exception using errcode = 'INVLD', message = 'The country is a two-letter ISO code, such as PT or DE.';
    end if;
    if v_clean[8] is not null and v_clean[8] !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
      raise exception using errcode = 'INVEM', message = 'That email address does not look right.';
    end if;
    insert into app_public.folio_bill_to as b (property_id, folio_id, name, address_line1, address_line2, postal_code, city,
                                               country_code, tax_id, email, updated_by)
    values (v_folio.property_id, v_folio.id, v_clean[1], v_clean[2], v_clean[3], v_clean[4], v_clean[5], v_clean[6], v_clean[7],
            v_clean[8], app_hidden.current_user_id())
    on conflict on constraint folio_bill_to_pkey do update
       set name = excluded.name, address_line1 = excluded.address_line1, address_line2 = excluded.address_line2,
           postal_code = excluded.postal_code, city = excluded.city, country_code = excluded.country_code,
           tax_id = excluded.tax_id, email = excluded.email, updated_by = excluded.updated_by;
  end if;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$$;
comment on function app_public.set_folio_bill_to(uuid, text, text, text, text, text, text, text, text, text) is
  E'Sets whom the folio''s next invoices are addressed to (name, address, tax id, email); a blank name goes back to the company or guest. Cashiers. Errors: NTFND, DNIED, INVALID_INPUT, INVEM, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.set_folio_bill_to.sql
--! Included app_public.folios_bill_to.sql
-- The folio's bill-to as its next invoice will show it (GraphQL: Folio.billTo).
-- Readable by whoever may issue the folio's invoices: cashiers of the property
-- (security definer: it reads the saved bill-to, the company or the guest).
create or replace function app_public.folios_bill_to(folio app_public.folios) returns jsonb
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select app_private.bill_to_of(folio)
   where folio.property_id in (select app_hidden.current_property_ids_for('cashiers'));
$$;
comment on function app_public.folios_bill_to(app_public.folios) is
  E'Whom the folio''s next invoice is addressed to: {source: folio|company|guest, name, address_line1, address_line2, postal_code, city, country_code, tax_id, email} and the stay; null for callers other than the property''s cashiers.';
--! EndIncluded app_public.folios_bill_to.sql
--! Included app_public.send_invoice.sql
-- Sends an issued invoice or credit note by email with its PDF attached:
-- records the delivery and adds the send_invoice job in this transaction
-- (the worker renders the PDF from the frozen document and sends it through
-- the mail provider, once per delivery however often the job runs).
-- Cashiers. The address defaults to the document's bill-to email.
create or replace function app_public.send_invoice(invoice_id uuid, email text, idempotency_key text) returns app_public.invoice_deliveries
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_invoice app_public.invoices;
  v_email text;
  v_delivery app_public.invoice_deliveries;
begin
  v_replay := app_private.idempotency_begin('send_invoice', idempotency_key,
                pg_catalog.jsonb_build_object('invoice_id', invoice_id, 'email', email));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.invoice_deliveries, v_replay);
  end if;
  select * into v_invoice from app_public.invoices i where i.id = send_invoice.invoice_id;
  if not found or v_invoice.property_id not in (select app_hidden.current_property_ids()) then
    raise exception using errcode = 'NTFND', message = 'No such invoice, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_invoice.property_id, app_hidden.staff_group_roles('cashiers'), 'send invoices');
  v_email := coalesce(nullif(pg_catalog.btrim(email), ''), v_invoice.bill_to ->> 'email');
  if v_email is null then
    raise exception using errcode = 'INVEM', message = 'This document''s bill-to has no email address: give one to send it to.';
  end if;
  if v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(v_email) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look right.';
  end if;
  insert into app_public.invoice_deliveries (property_id, invoice_id, recipient, requested_by)
  values (v_invoice.property_id, v_invoice.id, v_email, app_hidden.current_user_id())
  returning * into v_delivery;
  perform graphile_worker.add_job('send_invoice', pg_catalog.json_build_object('id', v_delivery.id),
                                  job_key := 'invoice_delivery:' || v_delivery.id, max_attempts := 10);
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_delivery));
  return v_delivery;
end;
$$;
comment on function app_public.send_invoice(uuid, text, text) is
  E'Emails an issued invoice or credit note with its PDF attached (to the given address, else the bill-to''s email) through a job added in the same transaction. Cashiers. Errors: NTFND, DNIED, INVEM, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.send_invoice.sql
--! Included app_private.invoice_delivery.sql
-- What the send_invoice job needs, read in one call as the worker: the
-- delivery, and the document as the PDF shows it (the frozen invoice with
-- its property's name and time zone and the number it credits).
create or replace function app_private.invoice_delivery(id uuid) returns jsonb
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.jsonb_build_object(
           'id', d.id, 'recipient', d.recipient, 'status', d.status,
           'document', pg_catalog.to_jsonb(i) || pg_catalog.jsonb_build_object(
             'credited_number', c.document_number, 'property_name', p.name, 'property_city', p.city, 'time_zone', p.time_zone))
    from app_public.invoice_deliveries d
    join app_public.invoices i on i.property_id = d.property_id and i.id = d.invoice_id
    join app_public.properties p on p.id = i.property_id
    left join app_public.invoices c on c.property_id = i.property_id and c.id = i.credits_invoice_id
   where d.id = invoice_delivery.id;
$$;
comment on function app_private.invoice_delivery(uuid) is
  E'The send_invoice job''s input: the delivery and its frozen document; null when it is gone.';
--! EndIncluded app_private.invoice_delivery.sql
--! Included app_private.record_invoice_delivery.sql
-- Records the outcome of one try of the send_invoice job; a sent delivery
-- stays sent.
create or replace function app_private.record_invoice_delivery(id uuid, status text, message_id text, error text) returns void
  language sql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  update app_public.invoice_deliveries d
     set status = record_invoice_delivery.status::app_public.invoice_delivery_status,
         attempts = d.attempts + 1,
         provider_message_id = coalesce(record_invoice_delivery.message_id, d.provider_message_id),
         last_error = pg_catalog.left(record_invoice_delivery.error, 1000),
         sent_at = case when record_invoice_delivery.status = 'sent' then pg_catalog.now() end
   where d.id = record_invoice_delivery.id and d.status <> 'sent';
$$;
comment on function app_private.record_invoice_delivery(uuid, text, text, text) is
  E'Records a try of sending an invoice by email: sent, failed, or pending with the error; never un-sends.';
--! EndIncluded app_private.record_invoice_delivery.sql

revoke all on function app_private.invoice_seller(uuid), app_private.bill_to_of(app_public.folios),
  app_private.invoice_lines(app_public.folios), app_private.invoice_payments(app_public.folios) from public;
revoke all on function app_public.set_property_legal_details(uuid, text, text, text, text, text, text, text, text, text, text, text, text),
  app_public.set_folio_bill_to(uuid, text, text, text, text, text, text, text, text, text),
  app_public.folios_bill_to(app_public.folios), app_public.send_invoice(uuid, text, text) from public;
grant execute on function app_public.set_property_legal_details(uuid, text, text, text, text, text, text, text, text, text, text, text, text),
  app_public.set_folio_bill_to(uuid, text, text, text, text, text, text, text, text, text),
  app_public.folios_bill_to(app_public.folios), app_public.send_invoice(uuid, text, text) to keepr_staff;
revoke all on function app_private.invoice_delivery(uuid), app_private.record_invoice_delivery(uuid, text, text, text) from public;
grant execute on function app_private.invoice_delivery(uuid), app_private.record_invoice_delivery(uuid, text, text, text) to keepr_worker;
