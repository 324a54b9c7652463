--! Previous: sha1:02568e5f2450ee6c014b27a70b09bc951ee71fbd
--! Hash: sha1:11067c3ee26429f07315edc64d375d115cfe513d
--! Message: Invoices in the property's language, and of a company's folio

-- Invoices in the property's language (issue 18): the seller block frozen
-- into each document names the language it is written in (the property's,
-- properties.language, at issue), and the send_invoice job reads it, so
-- the PDF a guest downloads and the one they are sent say the same (en, pt;
-- the other languages read English until their words exist).
--! Included app_private.invoice_seller.sql
-- The seller block of an invoice: the property's legal details as they are
-- now (frozen into each document when it is issued). Refuses with
-- LEGAL_DETAILS_MISSING, naming every missing field, while the property has
-- not given what a legal invoice must show: legal name, street address,
-- postal code, city, country and VAT id. 'language' is the language the
-- document is written in: the property's (properties.language) at issue.
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
    'email', v_legal.email, 'phone', v_legal.phone,
    'language', (select p.language from app_public.properties p where p.id = invoice_seller.property_id)));
end;
$$;
comment on function app_private.invoice_seller(uuid) is
  E'The property''s legal details (and the language its documents are written in) as an invoice''s seller block; LEGAL_DETAILS_MISSING (naming the fields) while incomplete.';
--! EndIncluded app_private.invoice_seller.sql
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
             'credited_number', c.document_number, 'property_name', p.name, 'property_city', p.city, 'time_zone', p.time_zone,
             'language', coalesce(i.seller ->> 'language', p.language)))
    from app_public.invoice_deliveries d
    join app_public.invoices i on i.property_id = d.property_id and i.id = d.invoice_id
    join app_public.properties p on p.id = i.property_id
    left join app_public.invoices c on c.property_id = i.property_id and c.id = i.credits_invoice_id
   where d.id = invoice_delivery.id;
$$;
comment on function app_private.invoice_delivery(uuid) is
  E'The send_invoice job''s input: the delivery and its frozen document; null when it is gone.';
--! EndIncluded app_private.invoice_delivery.sql

-- A company's (city-ledger) folio can be invoiced too: the charges routed
-- to it, entry by entry (the stay of a reservation as one line with its
-- VAT, city tax beside it). Its documents name no reservation.
alter table app_public.invoices alter column reservation_id drop not null;
comment on column app_public.invoices.reservation_id is E'The stay, for documents of a reservation''s folio; null for a company''s (city-ledger) folio.';
--! Included app_private.invoice_lines.sql
-- The lines a folio's next invoice holds: what the folio was charged and
-- not yet invoiced, broken down as a guest reads a hotel bill.
--
-- What is charged comes from the ledger only: the revenue and tax postings
-- of the journal entries whose charge sits on the folio, routes between
-- folios followed (app_private.folio_charges). Its breakdown:
--   * the reservation's own charges (cause = the reservation) are laid over
--     its price lines: one line per night (room revenue and each percent
--     tax, i.e. VAT, shared out by the nights' prices), the length-of-stay
--     discount as a negative line, one line per fee (fee revenue and the
--     VAT that covers fees), one line per tax charged by amount (city tax:
--     its own line, not VAT), the cancellation or no-show fee;
--   * every other entry that charged the folio (an extra, an allowance, a
--     correction, a charge routed here, the stay of another reservation
--     routed to a company's folio) is one line with its own VAT, and a tax
--     on it that is not VAT (city tax) a line of its own beside it.
-- Each account's amount is shared out by cumulative rounding (a key gets
-- round(T × w_1..k / W) − round(T × w_1..k-1 / W)), so the lines of every
-- account add up to the ledger's amount exactly, whatever the rounding. A
-- nightly-posting stay still in house shares out only over the nights the
-- night audit has closed, as the ledger was charged (the discount and the
-- fees weigh the same share of theirs, so the VAT covering fees is shared
-- as the ledger's was).
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
  charges as (
    -- What the folio was charged (its share of each entry, routes followed), credit = +.
    select e.id as entry_id, e.cause_type, e.cause_id, e.description as entry_description, e.occurred_at,
           a.id as account_id, a.name as account_name, a.kind as account_kind, a.purpose, a.tax_id, fc.amount
      from app_private.folio_charges(folio) fc
      join app_public.journal_entries e on e.property_id = folio.property_id and e.id = fc.entry_id
      join app_public.ledger_accounts a on a.property_id = folio.property_id and a.id = fc.account_id
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
    select p.ord, 'fee:' || p.description, 'fee', 'fee', null, p.description, p.quantity, p.amount * v_share
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
    -- Any other entry: a line of its own; a tax on it that is not VAT (city tax) a line of its own beside it.
    select 'entry:' || c.entry_id
             || case when c.purpose = 'tax_payable'
                      and (select t.basis from app_public.taxes t where t.property_id = folio.property_id and t.id = c.tax_id) <> 'percent_of_room'
                     then ':tax:' || c.tax_id else '' end,
           c.account_id, sum(c.amount)
      from charges c
     where not (c.cause_type = 'reservation' and c.cause_id is not distinct from v_res.id)
     group by c.entry_id, c.account_id, c.purpose, c.tax_id
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
           t.id as tax_id, t.basis as tax_basis, t.percent, t.name as tax_name
      from delta d
      join app_public.ledger_accounts a on a.property_id = folio.property_id and a.id = d.account_id
      left join app_public.taxes t on t.property_id = a.property_id and t.id = a.tax_id
     where d.amount <> 0
  ),
  lines as (
    select d.key,
           sum(d.amount) filter (where d.account_kind = 'revenue') as net,
           sum(d.amount) filter (where d.purpose = 'tax_payable' and d.tax_basis = 'percent_of_room') as vat,
           sum(d.amount) filter (where d.purpose = 'tax_payable' and d.tax_basis is distinct from 'percent_of_room') as other_tax,
           min(d.tax_name) filter (where d.purpose = 'tax_payable' and d.tax_basis is distinct from 'percent_of_room') as tax_name,
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
                when l.key like 'tax:%' or l.key like 'entry:%:tax:%' then 'city_tax' when l.key = 'penalty' then 'cancellation'
                when l.key = 'legacy' then 'adjustment'
                when l.key like 'entry:%' then case when l.is_allowance then 'allowance' when l.is_extra then 'extra' else 'charge' end
                else 'charge' end as type,
           k.ord, k.date as key_date, k.description as key_description, k.quantity as key_quantity,
           e.occurred_at, e.description as entry_description,
           (select min(po.id) from app_public.postings po where po.property_id = e.property_id and po.entry_id = e.id) as entry_seq,
           tp.description as tax_description, tp.quantity as tax_quantity
      from lines l
      left join keys k on k.key = l.key
      left join app_public.journal_entries e
        on l.key like 'entry:%' and e.property_id = folio.property_id and e.id = pg_catalog.substr(l.key, 7, 36)::uuid
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
                            when 'city_tax' then coalesce(d.tax_description, d.tax_name || coalesce(' · ' || d.entry_description, ''), d.account_name)
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
                  d.ord, d.occurred_at, d.entry_seq, d.key)
    into v_lines
    from described d;
  return v_lines;
end;
$$;
comment on function app_private.invoice_lines(app_public.folios) is
  E'The not yet invoiced charges of a folio as invoice lines (one per night, discount, fee, city tax, penalty, extra, allowance, correction; net, VAT rate, VAT, amount and the ledger postings each stands for); per account they add up to the ledger.';
--! EndIncluded app_private.invoice_lines.sql
--! Included app_private.insert_invoice.sql
-- Writes an invoice or credit note with the next number of its kind at the
-- property (the counter row is locked until commit: no gaps, no doubles),
-- its totals (in the reservation's currency, or the folio's for a company's
-- folio), and the snapshot a legal document needs, frozen at issue:
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
  select folio.property_id, folio.id, (reservation).id, insert_invoice.kind, v_number,
         case insert_invoice.kind when 'invoice' then 'INV-' else 'CN-' end || pg_catalog.lpad(v_number::text, 6, '0'),
         insert_invoice.credits_invoice_id, insert_invoice.reason, coalesce((reservation).currency, folio.currency), insert_invoice.lines,
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
                      where b.property_id = folio.property_id and b.folio_id = folio.id
                        and b.currency = coalesce((reservation).currency, folio.currency)), 0) end
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
-- property's legal details must be complete (LEGAL_DETAILS_MISSING). A
-- company's folio (no reservation) is invoiced too: what was routed to it. Numbers
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
  if v_folio.reservation_id is not null then
    v_res := app_private.lock_reservation(v_folio.reservation_id, app_hidden.staff_group_roles('cashiers'), 'issue invoices');
  else
    -- A company's (city-ledger) folio: the charges routed to it, entry by entry.
    v_folio := app_private.lock_folio(v_folio.id, app_hidden.staff_group_roles('cashiers'), 'issue invoices');
  end if;
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
  if v_folio.reservation_id is not null then
    v_res := app_private.lock_reservation(v_folio.reservation_id, app_hidden.staff_group_roles('back_office'), 'issue credit notes');
  else
    v_folio := app_private.lock_folio(v_folio.id, app_hidden.staff_group_roles('back_office'), 'issue credit notes');
  end if;
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
