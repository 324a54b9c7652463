--! Previous: sha1:11067c3ee26429f07315edc64d375d115cfe513d
--! Hash: sha1:f786352731e8f5683e69f076c6517e711db5298c
--! Message: Money in people's words: app_hidden.format_money, tax accounts 2101… named after their tax, city tax not carried by penalties, the city-tax report, exports in major units, deposit schedule editable

-- Issue 18 (helper D): money in people's words, readable tax account codes,
-- taxes a cancellation or no-show penalty does not carry (city tax), the
-- city-tax report, exports in major units, and the deposit schedule
-- editable by those who set up rate plans.

--! Included app_hidden.currency_digits.sql
-- The minor-unit digits of an ISO 4217 currency: 0 for JPY, KRW, ISK, …,
-- 3 for BHD, KWD, OMR, …, 4 for CLF, 2 for every other. Amounts are kept in
-- minor units; this is what turns them into the currency's major units.
create or replace function app_hidden.currency_digits(currency text) returns integer
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case pg_catalog.upper(currency_digits.currency)
    when 'BIF' then 0 when 'CLP' then 0 when 'DJF' then 0 when 'GNF' then 0 when 'ISK' then 0
    when 'JPY' then 0 when 'KMF' then 0 when 'KRW' then 0 when 'PYG' then 0 when 'RWF' then 0
    when 'UGX' then 0 when 'UYI' then 0 when 'VND' then 0 when 'VUV' then 0 when 'XAF' then 0
    when 'XOF' then 0 when 'XPF' then 0
    when 'BHD' then 3 when 'IQD' then 3 when 'JOD' then 3 when 'KWD' then 3 when 'LYD' then 3
    when 'OMR' then 3 when 'TND' then 3
    when 'CLF' then 4 when 'UYW' then 4
    else 2
  end;
$$;
comment on function app_hidden.currency_digits(text) is
  E'Minor-unit digits of an ISO 4217 currency (ISO 4217 exponent): JPY 0, EUR 2, BHD 3.';
--! EndIncluded app_hidden.currency_digits.sql
--! Included app_hidden.major_units.sql
-- An amount in minor units as the exact decimal of its currency's major
-- units, with exactly the currency's digits: 14400 EUR → 144.00, 1200 JPY
-- → 1200, 1250 BHD → 1.250. Exports and reports print this, never the
-- minor units.
create or replace function app_hidden.major_units(amount bigint, currency text) returns numeric
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.round(major_units.amount::numeric / (10::numeric ^ app_hidden.currency_digits(major_units.currency)),
                          app_hidden.currency_digits(major_units.currency));
$$;
comment on function app_hidden.major_units(bigint, text) is
  E'An amount in minor units as an exact decimal in major units with the currency''s digits (14400 EUR → 144.00, 1200 JPY → 1200).';
--! EndIncluded app_hidden.major_units.sql
--! Included app_hidden.format_money.sql
-- Money for people, in every text Keepr writes (ledger descriptions,
-- messages, anomalies): €1,234.50, $12.00, £3.00, ¥1,200, CHF 45.00,
-- BHD 1.250, -€50.00. Exact (numeric, never a float), thousands grouped
-- with commas, the currency's own minor-unit digits. The console and the
-- guest app format the same amounts in the reader's locale (formatMoney).
create or replace function app_hidden.format_money(amount bigint, currency text) returns text
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case when format_money.amount is null then null else
         case when format_money.amount < 0 then '-' else '' end
         || case pg_catalog.upper(format_money.currency)
              when 'EUR' then '€' when 'USD' then '$' when 'GBP' then '£' when 'JPY' then '¥'
              else pg_catalog.upper(format_money.currency) || ' ' end
         || pg_catalog.to_char(app_hidden.major_units(pg_catalog.abs(format_money.amount), format_money.currency),
                               'FM9,999,999,999,999,999,990'
                               || case when app_hidden.currency_digits(format_money.currency) > 0
                                       then '.' || pg_catalog.repeat('0', app_hidden.currency_digits(format_money.currency)) else '' end)
         end;
$$;
comment on function app_hidden.format_money(bigint, text) is
  E'Money for people: minor units in their currency as text (5000 EUR → €50.00, 1200 JPY → ¥1,200, 1250 BHD → BHD 1.250).';
--! EndIncluded app_hidden.format_money.sql
grant execute on function app_hidden.currency_digits(text), app_hidden.major_units(bigint, text), app_hidden.format_money(bigint, text)
  to keepr_anonymous, keepr_worker;

-- Which taxes a penalty carries. Nullable for the API (null: the basis
-- decides, in the trigger), never null in a row (the check).
alter table app_public.taxes add column if not exists applies_to_penalty boolean;
comment on column app_public.taxes.applies_to_penalty is
  E'Whether a cancellation or no-show penalty carries this tax: a percent tax such as VAT does (its share of the penalty stays on the tax account), a tax per night or per person-night such as a city tax is owed only for nights stayed and does not (the penalty is a share of the total without it). Left out, the basis decides: percent yes, per night / per person-night no.';
--! Included app_private.tg_taxes__penalty_default.sql
-- Whether a cancellation or no-show penalty carries a tax, when staff do
-- not say: a percent tax (VAT) does, a tax per night or per person-night
-- (a city tax, owed only for nights stayed) does not.
create or replace function app_private.tg_taxes__penalty_default() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  new.applies_to_penalty := coalesce(new.applies_to_penalty, new.basis = 'percent_of_room');
  return new;
end;
$$;
comment on function app_private.tg_taxes__penalty_default() is
  E'Trigger: taxes.applies_to_penalty defaults by basis (percent taxes yes, per-night and per-person-night taxes no).';
--! EndIncluded app_private.tg_taxes__penalty_default.sql
drop trigger if exists _200_penalty_default on app_public.taxes;
create trigger _200_penalty_default before insert or update on app_public.taxes
  for each row execute function app_private.tg_taxes__penalty_default();
update app_public.taxes t set applies_to_penalty = (t.basis = 'percent_of_room') where t.applies_to_penalty is null;
do $$
begin
  if not exists (select 1 from pg_catalog.pg_constraint where conname = 'taxes_applies_to_penalty_set' and conrelid = 'app_public.taxes'::regclass) then
    alter table app_public.taxes add constraint taxes_applies_to_penalty_set check (applies_to_penalty is not null);
  end if;
end;
$$;
grant insert (applies_to_penalty), update (applies_to_penalty) on app_public.taxes to keepr_staff;

--! Included app_private.penalty_base.sql
-- What a cancellation or no-show penalty is a share of: the reservation's
-- total less the taxes a penalty does not carry (taxes.applies_to_penalty:
-- a tax per night or per person-night, such as a city tax, is owed only for
-- nights stayed). A tax line of a tax that no longer exists counts as
-- carried, as before the rule existed.
create or replace function app_private.penalty_base(reservation app_public.reservations) returns bigint
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select penalty_base.reservation.total_amount
         - coalesce((select sum(l.amount)
                       from pg_catalog.jsonb_to_recordset(coalesce(penalty_base.reservation.price_lines, '[]'))
                            as l(kind text, amount bigint, tax_id uuid)
                       join app_public.taxes t on t.property_id = penalty_base.reservation.property_id and t.id = l.tax_id
                      where l.kind = 'tax' and not t.applies_to_penalty), 0)::bigint;
$$;
comment on function app_private.penalty_base(app_public.reservations) is
  E'A reservation''s total less the taxes that a cancellation or no-show penalty does not carry (taxes.applies_to_penalty false, e.g. a city tax per person-night).';
--! EndIncluded app_private.penalty_base.sql
--! Included app_private.cancellation_penalty.sql
-- What cancelling (or not showing up for) a reservation costs at a moment,
-- by the terms locked when it was priced: nothing for a hold or before the
-- free-cancellation deadline, the late penalty after it, everything on a
-- non-refundable rate; never the taxes a penalty does not carry (a city
-- tax per person-night is not owed for nights not stayed: penalty_base).
create or replace function app_private.cancellation_penalty(reservation app_public.reservations, at timestamptz) returns bigint
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case
    when reservation.status = 'held' then 0
    when not (reservation.cancellation_policy ->> 'is_refundable')::boolean then app_private.penalty_base(reservation)
    when at < (reservation.cancellation_policy ->> 'free_cancellation_until')::timestamptz then 0
    else least((reservation.cancellation_policy ->> 'late_cancellation_penalty')::bigint, app_private.penalty_base(reservation))
  end;
$$;
comment on function app_private.cancellation_penalty(app_public.reservations, timestamptz) is
  E'The cancellation penalty of a reservation at a moment, by its locked cancellation terms, never more than its penalty base (the total less the taxes a penalty does not carry).';
--! EndIncluded app_private.cancellation_penalty.sql
--! Included app_private.quote_for.sql
-- The priced stay on one rate plan, with totals, cancellation terms and
-- units left; no restriction checks, no token (callers add what they need).
-- Cancellation: free until free_cancellation_days before the arrival date at
-- the property's check-in time (local); after that the penalty is
-- round(base × nights charged / nights) or round(base × percent / 100);
-- non-refundable rates charge the base. The base is the total less the
-- taxes a penalty does not carry (taxes.applies_to_penalty: a city tax per
-- person-night is owed only for nights stayed), as
-- app_private.penalty_base says for a reservation.
create or replace function app_private.quote_for(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer,
  children integer
) returns app_public.quote
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return (
      with lines as (
        select l.*, tx.name as tax_name, coalesce(tx.applies_to_penalty, true) as carried_by_penalty
          from app_private.price_lines(array[quote_for.rate_plan_id], quote_for.arrival, quote_for.departure,
                                       quote_for.adults, quote_for.children) l
          left join app_public.taxes tx on l.kind = 'tax' and tx.id = l.tax_id
      ),
      totals as (
        select coalesce(sum(l.amount) filter (where l.kind in ('night', 'discount')), 0)::bigint as room_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'fee'), 0)::bigint as fees_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and not l.is_inclusive), 0)::bigint as taxes_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and l.is_inclusive), 0)::bigint as included_taxes_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and not l.carried_by_penalty), 0)::bigint as penalty_free_amount,
               pg_catalog.string_agg(l.tax_name, ' and ' order by l.line_no) filter (where l.kind = 'tax' and not l.carried_by_penalty) as penalty_free_taxes,
               pg_catalog.array_agg((l.kind, l.date, l.description, l.quantity, l.amount, l.is_inclusive, l.tax_id)::app_public.price_line
                                    order by l.line_no) as lines
          from lines l
      ),
      terms as (
        select rp.*, p.time_zone, p.check_in_time,
               t.room_amount + t.fees_amount + t.taxes_amount as total_amount,
               t.room_amount + t.fees_amount + t.taxes_amount - t.penalty_free_amount as penalty_base,
               quote_for.departure - quote_for.arrival as nights,
               case when rp.is_refundable
                    then ((quote_for.arrival - rp.free_cancellation_days)::timestamp + p.check_in_time) at time zone p.time_zone
               end as free_until
          from app_public.rate_plans rp
          join app_public.properties p on p.id = rp.property_id
          cross join totals t
         where rp.id = quote_for.rate_plan_id
      )
      select (
        x.property_id, x.room_type_id, x.id,
        quote_for.arrival, quote_for.departure, x.nights, quote_for.adults, quote_for.children,
        x.currency, t.room_amount, t.fees_amount, t.taxes_amount, t.included_taxes_amount, x.total_amount, t.lines,
        x.is_refundable, x.free_until,
        case
          when not x.is_refundable then x.penalty_base
          when x.cancellation_penalty_kind = 'nights'
            then round(x.penalty_base::numeric * least(x.cancellation_penalty_value, x.nights) / x.nights)::bigint
          else round(x.penalty_base::numeric * x.cancellation_penalty_value / 100)::bigint
        end,
        case
          when not x.is_refundable and t.penalty_free_taxes is not null
            then pg_catalog.format('Non-refundable: cancelling costs the full amount but the %s, which is due only for nights stayed.', t.penalty_free_taxes)
          when not x.is_refundable then 'Non-refundable: cancelling costs the full amount.'
          else pg_catalog.format('Free cancellation until %s (%s). After that, cancelling costs %s.',
                 pg_catalog.to_char(x.free_until at time zone x.time_zone, 'YYYY-MM-DD HH24:MI'), x.time_zone,
                 case when x.cancellation_penalty_kind = 'nights'
                      then pg_catalog.format('%s night%s', least(x.cancellation_penalty_value, x.nights),
                                             case when least(x.cancellation_penalty_value, x.nights) = 1 then '' else 's' end)
                      else x.cancellation_penalty_value || '% of the total' end)
               || case when t.penalty_free_taxes is not null
                       then pg_catalog.format(' The %s is due only for nights stayed.', t.penalty_free_taxes) else '' end
        end,
        coalesce((select l.units_left from app_private.room_type_units_left(array[x.property_id], pg_catalog.daterange(quote_for.arrival, quote_for.departure),
                                                                              x.room_type_id) l), 0),
        null, null
      )::app_public.quote
        from terms x cross join totals t
  );
end;
$$;
comment on function app_private.quote_for(uuid, date, date, integer, integer) is
  E'Prices a stay on one rate plan: lines, totals, cancellation terms and units left (no restriction checks).';
--! EndIncluded app_private.quote_for.sql
--! Included app_private.post_reservation_charges.sql
-- Brings a reservation's charges in the ledger to what the reservation now
-- says, in one journal entry of differences: the first call (confirmation)
-- posts everything, a modification posts the difference, a cancellation or
-- no-show leaves only the penalty (on cancellation revenue) and reverses the
-- rest. What is due, per account, credits:
--   room revenue          nights and discount, less inclusive taxes;
--   fee revenue           fees, less the share of inclusive taxes on fees;
--   tax payable (per tax) every tax line, inclusive or not;
--   cancellation revenue  the penalty, once cancelled or a no-show, less
--                         the share of the taxes it carries, which stays on
--                         their tax payable accounts (VAT on a penalty; never
--                         a city tax, which app_private.penalty_base leaves
--                         out of the penalty);
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
  penalty_taxes as (
    -- A penalty carries its share of the taxes that apply to penalties
    -- (taxes.applies_to_penalty, e.g. VAT): round(penalty × tax / base),
    -- where the base is what the penalty is a share of (penalty_base).
    -- Taxes a penalty does not carry (a city tax per person-night) are not
    -- in the base, so nothing of them is kept.
    select p.tax_id,
           round(reservation.penalty_amount::numeric * sum(p.amount)
                 / nullif(app_private.penalty_base(reservation), 0))::bigint as amount
      from price p join app_public.taxes t on t.property_id = reservation.property_id and t.id = p.tax_id
     where p.kind = 'tax' and t.applies_to_penalty and reservation.status in ('cancelled', 'no_show')
       and coalesce(reservation.penalty_amount, 0) > 0
     group by p.tax_id
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
    select 'tax_payable', s.tax_id, -s.amount
      from penalty_taxes s
    union all
    select 'cancellation_revenue', null,
           -(coalesce(reservation.penalty_amount, 0) - (select coalesce(sum(s.amount), 0) from penalty_taxes s))
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
  E'Posts the difference between what a reservation is due (room, fees, each tax, or the penalty once cancelled, less the share of the taxes it carries; on nightly-posting plans only the audited nights until check-out) and what its folio was charged; creates the folio.';
--! EndIncluded app_private.post_reservation_charges.sql

-- Tax accounts: 2101, 2102, … named after the tax (postings reference
-- accounts by id, so renumbering changes no posting).
--! Included app_private.create_ledger_accounts.sql
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
--! EndIncluded app_private.create_ledger_accounts.sql
--! Included app_private.tg_taxes__name_ledger_account.sql
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
--! EndIncluded app_private.tg_taxes__name_ledger_account.sql
drop trigger if exists _310_ledger_account_name on app_public.taxes;
create trigger _310_ledger_account_name after update of name on app_public.taxes
  for each row when (old.name is distinct from new.name) execute function app_private.tg_taxes__name_ledger_account();
--! Included app_private.renumber_tax_accounts.sql
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
--! EndIncluded app_private.renumber_tax_accounts.sql
select app_private.renumber_tax_accounts();

-- Texts with money in them.
--! Included app_private.start_refund.sql
-- Starts a refund of part of a captured payment intent: the refund row, the
-- entry that gives the money back to the folio (Dr guest receivable, Cr
-- refunds due) and, in the same transaction, the job that asks the
-- provider. The caller has locked the intent and checked the amount; the
-- last refund row is returned.
create or replace function app_private.start_refund(intent app_public.payment_intents, amount bigint, reason text)
  returns app_public.refunds
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_left bigint := start_refund.amount;
  v_attempt record;
  v_refund app_public.refunds;
begin
  -- An intent can hold more than one captured charge (a capture that came
  -- in after Keepr gave up on it): refund them newest first, each up to
  -- what is left on it.
  for v_attempt in
    select a.id, a.amount - coalesce((select sum(f.amount) from app_public.refunds f
                                        where f.property_id = a.property_id and f.attempt_id = a.id and f.status <> 'failed'), 0) as refundable
      from app_public.payment_attempts a
     where a.property_id = intent.property_id and a.intent_id = intent.id and a.status = 'captured'
     order by a.captured_at desc, a.id
  loop
    exit when v_left <= 0;
    continue when v_attempt.refundable <= 0;
    insert into app_public.refunds (property_id, intent_id, attempt_id, amount, currency, reason, created_by)
    values (intent.property_id, intent.id, v_attempt.id, least(v_left, v_attempt.refundable), intent.currency, start_refund.reason,
            app_hidden.current_user_id())
    returning * into v_refund;
    v_left := v_left - v_refund.amount;
    perform app_private.post_entry(intent.property_id, 'refund', v_refund.id, 'refund:' || v_refund.id || ':requested',
      'Refund of ' || app_hidden.format_money(v_refund.amount, intent.currency) || ' requested'
        || coalesce(': ' || nullif(pg_catalog.btrim(start_refund.reason), ''), ''),
      pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', intent.folio_id, 'amount', v_refund.amount, 'currency', intent.currency),
        pg_catalog.jsonb_build_object('purpose', 'refunds', 'amount', -v_refund.amount, 'currency', intent.currency)));
    perform graphile_worker.add_job('process_refund', pg_catalog.json_build_object('refund_id', v_refund.id),
                                    job_key := 'refund:' || v_refund.id, max_attempts := 15);
  end loop;
  if v_refund.id is null or v_left > 0 then
    raise exception using errcode = 'TRANS', message = 'Only what was captured, less refunds made or under way, can be refunded.';
  end if;
  return v_refund;
end;
$$;
comment on function app_private.start_refund(app_public.payment_intents, bigint, text) is
  E'Refunds an amount of a captured intent (across its captured charges, newest first), posts it to the folio and queues the provider jobs (same transaction).';
--! EndIncluded app_private.start_refund.sql
--! Included app_private.record_refund_failure.sql
-- A refund failed for good: the money goes back on the folio as owed to
-- the guest is undone (Dr refunds due, Cr guest receivable), and staff see
-- the reason.
create or replace function app_private.record_refund_failure(refund_id uuid, code text, message text) returns void
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_refund app_public.refunds;
  v_folio_id uuid;
begin
  update app_public.refunds f
     set status = 'failed', failure_code = coalesce(record_refund_failure.code, 'failed'),
         failure_message = pg_catalog.left(record_refund_failure.message, 500)
   where f.id = record_refund_failure.refund_id and f.status = 'pending'
  returning * into v_refund;
  if not found then
    return;
  end if;
  select i.folio_id into v_folio_id from app_public.payment_intents i where i.property_id = v_refund.property_id and i.id = v_refund.intent_id;
  perform app_private.post_entry(v_refund.property_id, 'refund', v_refund.id, 'refund:' || v_refund.id || ':failed',
    'Refund of ' || app_hidden.format_money(v_refund.amount, v_refund.currency) || ' failed ('
      || pg_catalog.replace(v_refund.failure_code, '_', ' ') || '): back on the folio',
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'refunds', 'amount', v_refund.amount, 'currency', v_refund.currency),
      pg_catalog.jsonb_build_object('purpose', 'guest_receivable', 'folio_id', v_folio_id, 'amount', -v_refund.amount, 'currency', v_refund.currency)),
    reverses_entry_id => (select e.id from app_public.journal_entries e
                           where e.property_id = v_refund.property_id and e.idempotency_key = 'refund:' || v_refund.id || ':requested'));
end;
$$;
comment on function app_private.record_refund_failure(uuid, text, text) is E'Records a failed refund and reverses its folio entry (idempotent).';
--! EndIncluded app_private.record_refund_failure.sql
--! Included app_public.refund_payment.sql
-- Refunds part or all of a captured payment (owner, manager, accountant):
-- the folio is credited back at once and a job asks the provider.
create or replace function app_public.refund_payment(
  intent_id uuid,
  amount bigint,
  reason text,
  idempotency_key text
) returns app_public.refunds
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_intent app_public.payment_intents;
  v_refundable bigint;
  v_refund app_public.refunds;
begin
  v_replay := app_private.idempotency_begin('refund_payment', idempotency_key,
                pg_catalog.jsonb_build_object('intent_id', intent_id, 'amount', amount, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.refunds, v_replay);
  end if;
  select * into v_intent from app_public.payment_intents i where i.id = refund_payment.intent_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such payment, or you cannot see it.';
  end if;
  perform app_private.lock_reservation(v_intent.reservation_id, app_hidden.staff_group_roles('back_office'), 'refund payments');
  select * into v_intent from app_public.payment_intents i where i.id = refund_payment.intent_id for update;
  if pg_catalog.length(reason) > 500 then
    raise exception using errcode = 'INVLD', message = 'A refund reason can be at most 500 characters.';
  end if;
  v_refundable := v_intent.amount_captured - v_intent.amount_refunded
                  - coalesce((select sum(f.amount) from app_public.refunds f
                               where f.property_id = v_intent.property_id and f.intent_id = v_intent.id and f.status = 'pending'), 0);
  if amount is null or amount <= 0 or amount > v_refundable then
    raise exception using errcode = 'INVLD',
      message = pg_catalog.format('A refund must be more than %s and at most %s (captured, less refunds made or under way).',
                                  app_hidden.format_money(0, v_intent.currency), app_hidden.format_money(v_refundable, v_intent.currency));
  end if;
  v_refund := app_private.start_refund(v_intent, amount, reason);
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_refund));
  return v_refund;
end;
$$;
comment on function app_public.refund_payment(uuid, bigint, text, text) is
  E'Refunds part or all of a captured payment: the folio is credited at once, the provider pays by a job. Errors: NTFND, DNIED, INVALID_INPUT, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.refund_payment.sql
--! Included app_private.close_business_day.sql
-- The night audit of one property and one business date: closes the day
-- and rolls the property's business date to the next one. In one
-- transaction, with the property row locked:
--   1. confirmed stays that were due to arrive by that day become no-shows;
--   2. each in-house stay on a rate plan that posts nightly is charged its
--      audited nights (post_reservation_charges posts the difference, so a
--      night is never charged twice);
--   3. anomalies are recorded for staff: guests still in house after their
--      departure day, folios of that day's departures that are not
--      settled, payments stuck with the provider for more than an hour,
--      guests in an out-of-order unit, channel conflicts still open;
--   4. the business date moves on, and the audit row keeps the counts.
-- Returns the audit, or null when the day is not over yet at the property.
create or replace function app_private.close_business_day(property_id uuid) returns app_public.night_audits
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_property app_public.properties;
  v_day date;
  v_audit app_public.night_audits;
  v_res app_public.reservations;
  v_no_shows integer := 0;
  v_posted integer := 0;
begin
  select * into v_property from app_public.properties p where p.id = close_business_day.property_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  v_day := v_property.business_date;
  if v_day >= (pg_catalog.now() at time zone v_property.time_zone)::date then
    return null;
  end if;

  insert into app_public.night_audits (property_id, business_date)
  values (v_property.id, v_day)
  on conflict (property_id, business_date) do update set started_at = pg_catalog.clock_timestamp(), error = null
  returning * into v_audit;

  for v_res in
    select r.* from app_public.reservations r
     where r.property_id = v_property.id and r.status = 'confirmed' and pg_catalog.lower(r.stay) <= v_day
     order by pg_catalog.lower(r.stay), r.id
       for update
  loop
    perform app_private.record_no_show(v_res, 'reservation:' || v_res.id || ':no_show:night_audit');
    v_no_shows := v_no_shows + 1;
  end loop;

  -- The business date moves first: nights before the new date are audited.
  update app_public.properties p set business_date = v_day + 1 where p.id = v_property.id;

  for v_res in
    select r.* from app_public.reservations r
      join app_public.rate_plans rp on rp.property_id = r.property_id and rp.id = r.rate_plan_id
     where r.property_id = v_property.id and r.status = 'checked_in' and rp.charge_posting = 'nightly'
       and pg_catalog.lower(r.stay) <= v_day
     order by r.id
       for update of r
  loop
    if app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':night:' || v_day,
                                            'Booking ' || v_res.confirmation_code || ', night of ' || v_day) is not null then
      v_posted := v_posted + 1;
    end if;
  end loop;

  insert into app_public.night_audit_anomalies (property_id, audit_id, kind, reservation_id, detail)
  select v_property.id, v_audit.id, 'overstay'::app_public.night_audit_anomaly_kind, r.id,
         pg_catalog.format('%s is still checked in; departure was %s.', r.confirmation_code, pg_catalog.upper(r.stay))
    from app_public.reservations r
   where r.property_id = v_property.id and r.status = 'checked_in' and pg_catalog.upper(r.stay) <= v_day
  union all
  select v_property.id, v_audit.id, 'folio_not_settled', r.id,
         pg_catalog.format('%s left on %s with %s %s.', r.confirmation_code, pg_catalog.upper(r.stay),
                           case when b.balance > 0 then 'an unpaid balance of' else 'a credit of' end,
                           app_hidden.format_money(pg_catalog.abs(b.balance), b.currency))
    from app_public.reservations r
    join app_public.folios f on f.property_id = r.property_id and f.reservation_id = r.id
    join app_public.folio_balances b on b.property_id = f.property_id and b.folio_id = f.id
   where r.property_id = v_property.id and r.status = 'checked_out' and b.balance <> 0
     and (r.checked_out_at at time zone v_property.time_zone)::date = v_day
  union all
  select v_property.id, v_audit.id, 'payment_stuck', i.reservation_id,
         pg_catalog.format('A payment of %s has been %s since %s.', app_hidden.format_money(a.amount, a.currency), a.status,
                           pg_catalog.to_char(a.created_at at time zone v_property.time_zone, 'YYYY-MM-DD HH24:MI'))
    from app_public.payment_attempts a
    join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
   where a.property_id = v_property.id and a.status in ('pending', 'authorized') and a.created_at < pg_catalog.now() - interval '1 hour'
  union all
  select v_property.id, v_audit.id, 'occupied_out_of_order', r.id,
         pg_catalog.format('%s is in house in unit %s, which is out of order.', r.confirmation_code, u.name)
    from app_public.reservations r
    join app_public.units u on u.property_id = r.property_id and u.id = r.unit_id
   where r.property_id = v_property.id and r.status = 'checked_in' and u.housekeeping_status = 'out_of_order'
  union all
  select v_property.id, v_audit.id, 'channel_conflict_open', c.conflicting_reservation_id,
         pg_catalog.format('A channel booking (%s to %s) overlaps a stay here and is not resolved.', c.start_date, c.end_date)
    from app_public.channel_conflicts c
   where c.property_id = v_property.id and c.status = 'open';

  update app_public.night_audits a
     set no_shows = v_no_shows,
         nights_posted = v_posted,
         anomaly_count = (select pg_catalog.count(*) from app_public.night_audit_anomalies x where x.audit_id = a.id),
         finished_at = pg_catalog.clock_timestamp()
   where a.id = v_audit.id
  returning * into v_audit;
  return v_audit;
end;
$$;
comment on function app_private.close_business_day(uuid) is
  E'Night audit of a property''s business date once it is over locally: no-shows, nightly charges, anomalies; rolls the business date. Null when the day is not over.';
--! EndIncluded app_private.close_business_day.sql
--! Included app_public.mark_payout_paid.sql
-- Records that a payout was transferred to its owner (or, when negative,
-- repaid by them): Dr owner payable, Cr payouts (the account the transfers
-- leave from).
create or replace function app_public.mark_payout_paid(payout_id uuid, idempotency_key text) returns app_public.payouts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_payout app_public.payouts;
begin
  v_replay := app_private.idempotency_begin('mark_payout_paid', idempotency_key, pg_catalog.jsonb_build_object('payout_id', payout_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.payouts, v_replay);
  end if;
  select * into v_payout from app_public.payouts p where p.id = mark_payout_paid.payout_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such payout, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_payout.property_id, app_hidden.staff_group_roles('back_office'), 'pay owners');
  if v_payout.paid_at is not null then
    raise exception using errcode = 'TRANS', message = 'This payout is recorded as paid already.';
  end if;
  -- A negative payout (revenue taken back after it was paid out) is money
  -- the owner returns: the same entry with the signs turned.
  if v_payout.owner_share <> 0 then
    perform app_private.post_entry(v_payout.property_id, 'payout', v_payout.id, 'payout:' || v_payout.id || ':paid',
      case when v_payout.owner_share > 0
           then 'Payout of ' || app_hidden.format_money(v_payout.owner_share, v_payout.currency) || ' transferred to '
           else 'Repayment of ' || app_hidden.format_money(-v_payout.owner_share, v_payout.currency) || ' received from ' end
        || coalesce((select o.name from app_public.owners o where o.property_id = v_payout.property_id and o.id = v_payout.owner_id), 'the owner'),
      pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('purpose', 'owner_payable', 'amount', v_payout.owner_share, 'currency', v_payout.currency),
        pg_catalog.jsonb_build_object('purpose', 'payouts', 'amount', -v_payout.owner_share, 'currency', v_payout.currency)));
  end if;
  update app_public.payouts p set paid_at = pg_catalog.now() where p.id = v_payout.id returning * into v_payout;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_payout));
  return v_payout;
end;
$$;
comment on function app_public.mark_payout_paid(uuid, text) is
  E'Records a payout as transferred: Dr owner payable / Cr payouts. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.mark_payout_paid.sql
--! Included app_public.cancel_reservation.sql
-- Cancels a hold or a confirmed reservation: applies the cancellation terms
-- locked at booking (penalty_amount, refund_amount = total - penalty) and
-- releases the unit. The folio keeps only the penalty (the rest of the
-- charges are reversed), open payments are cancelled and what was paid
-- beyond the penalty is refunded. Staff (owner, manager, front
-- desk) and the guest themself (signed in, or with the booking token) may.
create or replace function app_public.cancel_reservation(
  reservation_id uuid,
  idempotency_key text,
  reason text default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_penalty bigint;
begin
  v_replay := app_private.idempotency_begin('cancel_reservation', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(cancel_reservation.reservation_id, app_hidden.staff_group_roles('front_office'), 'cancel reservations', true);
  if v_res.status not in ('held', 'confirmed') then
    perform app_private.invalid_transition(v_res, 'cancelled');
  end if;
  if pg_catalog.length(reason) > 500 then
    raise exception using errcode = 'INVLD', message = 'A cancellation reason can be at most 500 characters.';
  end if;
  v_penalty := app_private.cancellation_penalty(v_res, pg_catalog.now());

  perform app_private.release_claims(v_res);
  update app_public.reservations r
     set status = 'cancelled', cancelled_at = pg_catalog.now(), hold_expires_at = null,
         penalty_amount = v_penalty, refund_amount = r.total_amount - v_penalty,
         cancellation_reason = cancel_reservation.reason
   where r.id = v_res.id
  returning * into v_res;
  if v_res.confirmed_at is not null then
    perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':cancel:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                                 'Booking ' || v_res.confirmation_code || ' cancelled'
                                                   || case when v_res.penalty_amount > 0
                                                           then ', cancellation fee ' || app_hidden.format_money(v_res.penalty_amount, v_res.currency)
                                                           else '' end);
    perform app_private.schedule_payments(v_res);
    perform app_private.refund_overpayment(v_res, 'Reservation cancelled');
  end if;

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.cancel_reservation(uuid, text, text) is
  E'Cancels a held or confirmed reservation, applying its cancellation terms (penalty_amount, refund_amount), and frees its unit. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.cancel_reservation.sql
--! Included app_private.record_no_show.sql
-- What a no-show does to a locked, confirmed reservation, whoever records
-- it (the front desk, or the night audit): the late-cancellation terms
-- apply, the unit is freed, the folio keeps only the penalty, open payments
-- are cancelled and what was paid beyond the penalty is refunded.
create or replace function app_private.record_no_show(reservation app_public.reservations, ledger_key text)
  returns app_public.reservations
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_penalty bigint := app_private.cancellation_penalty(reservation, pg_catalog.now());
begin
  perform app_private.release_claims(reservation);
  update app_public.reservations r
     set status = 'no_show', no_show_at = pg_catalog.now(), penalty_amount = v_penalty, refund_amount = r.total_amount - v_penalty
   where r.id = reservation.id
  returning * into v_res;
  perform app_private.post_reservation_charges(v_res, ledger_key, 'Booking ' || v_res.confirmation_code || ' no-show'
    || case when v_res.penalty_amount > 0 then ', no-show fee ' || app_hidden.format_money(v_res.penalty_amount, v_res.currency) else '' end);
  perform app_private.schedule_payments(v_res);
  perform app_private.refund_overpayment(v_res, 'No-show');
  return v_res;
end;
$$;
comment on function app_private.record_no_show(app_public.reservations, text) is
  E'Applies a no-show to a locked confirmed reservation: penalty, unit freed, folio, payments and refunds.';
--! EndIncluded app_private.record_no_show.sql
--! Included app_private.tg_postings__check_balanced.sql
-- Deferred constraint trigger (fires at commit): the journal entry of the
-- inserted posting sums to zero in every currency and has at least two
-- postings. Raises UNBAL otherwise, which aborts the whole transaction: an
-- unbalanced entry can never be committed, whoever writes it. Security
-- definer: at commit it runs as the session's role (a guest's, say), not as
-- the function that posted.
create or replace function app_private.tg_postings__check_balanced() returns trigger
  language plpgsql volatile security definer
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
      message = pg_catalog.format('Journal entry %s does not balance in %s (off by %s).', new.entry_id, v_bad.currency,
                                  app_hidden.format_money(v_bad.total::bigint, v_bad.currency::text));
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


--! Included app_private.city_tax_figures.sql
-- The city-tax figures of a property per month of stay and tax, for the
-- nights from from_date to to_date (inclusive), every month of the range
-- and every tax charged per night or per person-night (a city or tourist
-- tax), months without stays included as zeros:
--   stays, nights, person_nights  of the stays that are charged (confirmed,
--                                 in house, checked out): nights of the
--                                 month, × guests;
--   tax_charged                   the tax those nights are charged, from the
--                                 stay's priced lines (amount × the month's
--                                 nights / the stay's nights: exact for a
--                                 per-night tax), what the ledger holds on
--                                 the tax's account for them once posted;
--   cancelled_stays,              cancelled and no-show stays with nights in
--   tax_on_cancelled              the month, and what the ledger still holds
--                                 of the tax for them (their net credit on
--                                 the tax's account, shared out by nights):
--                                 0 unless the tax is set to be carried by
--                                 penalties (taxes.applies_to_penalty).
-- No access check: app_public.city_tax_report and the city_tax export
-- (the worker, which reads no taxes or postings of its own: SECURITY
-- DEFINER, executable by the worker only) call it after theirs.
create or replace function app_private.city_tax_figures(property_id uuid, from_date date, to_date date)
  returns table (month date, tax_id uuid, tax_name text, basis app_public.tax_basis, currency char(3),
                 stays integer, nights integer, person_nights integer, tax_charged bigint,
                 cancelled_stays integer, tax_on_cancelled bigint)
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  with taxes as (
    select t.id, t.name, t.basis, t.currency, t.created_at
      from app_public.taxes t
     where t.property_id = city_tax_figures.property_id and t.basis in ('per_night', 'per_person_night')
  ),
  stays as (
    select r.id, r.status, r.stay, r.adults + r.children as guests, pg_catalog.upper(r.stay) - pg_catalog.lower(r.stay) as stay_nights,
           l.tax_id, sum(l.amount) as amount
      from app_public.reservations r
      cross join lateral pg_catalog.jsonb_to_recordset(r.price_lines) as l(kind text, amount bigint, tax_id uuid)
     where r.property_id = city_tax_figures.property_id and r.confirmed_at is not null
       and r.stay && pg_catalog.daterange(city_tax_figures.from_date, city_tax_figures.to_date, '[]')
       and l.kind = 'tax' and l.tax_id in (select x.id from taxes x)
     group by r.id, r.status, r.stay, r.adults, r.children, l.tax_id
  ),
  held as (
    -- What the ledger holds on each tax's account for a cancelled or no-show stay (a credit, as a positive amount).
    select s.id, s.tax_id, -coalesce(sum(po.amount), 0) as amount
      from stays s
      join app_public.journal_entries e on e.property_id = city_tax_figures.property_id and e.cause_type = 'reservation' and e.cause_id = s.id
      join app_public.postings po on po.property_id = e.property_id and po.entry_id = e.id
      join app_public.ledger_accounts a on a.property_id = po.property_id and a.id = po.account_id
     where s.status in ('cancelled', 'no_show') and a.purpose = 'tax_payable' and a.tax_id = s.tax_id
     group by s.id, s.tax_id
  ),
  months as (
    select s.id, s.tax_id, s.status in ('cancelled', 'no_show') as cancelled, s.guests, s.stay_nights,
           s.amount, coalesce(h.amount, 0) as held,
           pg_catalog.date_trunc('month', n.night)::date as month, count(*)::integer as month_nights
      from stays s
      left join held h on h.id = s.id and h.tax_id = s.tax_id
      cross join lateral pg_catalog.generate_series(greatest(pg_catalog.lower(s.stay), city_tax_figures.from_date)::timestamp,
                                                     least(pg_catalog.upper(s.stay) - 1, city_tax_figures.to_date)::timestamp,
                                                     interval '1 day') as n(night)
     group by s.id, s.tax_id, s.status, s.guests, s.stay_nights, s.amount, h.amount, pg_catalog.date_trunc('month', n.night)
  )
  select m.month::date, t.id, t.name, t.basis, t.currency,
         (count(x.id) filter (where not x.cancelled))::integer,
         coalesce(sum(x.month_nights) filter (where not x.cancelled), 0)::integer,
         coalesce(sum(x.month_nights * x.guests) filter (where not x.cancelled), 0)::integer,
         coalesce(sum(pg_catalog.round(x.amount::numeric * x.month_nights / x.stay_nights)) filter (where not x.cancelled), 0)::bigint,
         (count(x.id) filter (where x.cancelled))::integer,
         coalesce(sum(pg_catalog.round(x.held::numeric * x.month_nights / x.stay_nights)) filter (where x.cancelled), 0)::bigint
    from pg_catalog.generate_series(pg_catalog.date_trunc('month', city_tax_figures.from_date::timestamp),
                                    city_tax_figures.to_date::timestamp, interval '1 month') as m(month)
    cross join taxes t
    left join months x on x.month = m.month::date and x.tax_id = t.id
   group by m.month, t.id, t.name, t.basis, t.currency, t.created_at
   order by m.month, t.created_at, t.name;
$$;
comment on function app_private.city_tax_figures(uuid, date, date) is
  E'City-tax figures per month and per-night / per-person-night tax of a property over a range of nights (no access check: its callers check).';
--! EndIncluded app_private.city_tax_figures.sql
--! Included app_public.city_tax_report.sql
-- The city-tax report of a property (owner, manager, accountant): per month
-- of stay and per tax charged per night or per person-night, the stays,
-- nights and person-nights charged, the tax charged on them, and the
-- cancelled and no-show stays with what the ledger still holds of the tax
-- for them (0: a city tax is not owed for nights not stayed). Every month of
-- the range, empty ones included. At most 400 days.
create or replace function app_public.city_tax_report(property_id uuid, from_date date, to_date date)
  returns table (month date, tax_id uuid, tax_name text, basis app_public.tax_basis, currency char(3),
                 stays integer, nights integer, person_nights integer, tax_charged bigint,
                 cancelled_stays integer, tax_on_cancelled bigint)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.check_report(city_tax_report.property_id, from_date, to_date);
  return query select * from app_private.city_tax_figures(city_tax_report.property_id, from_date, to_date);
end;
$$;
comment on function app_public.city_tax_report(uuid, date, date) is
  E'City tax per month of stay and per-night / per-person-night tax: stays, nights, person-nights, tax charged (minor units), and cancelled or no-show stays with the tax the ledger still holds for them. Errors: NTFND, DNIED, INVALID_DATES.';
--! EndIncluded app_public.city_tax_report.sql
grant execute on function app_public.city_tax_report(uuid, date, date) to keepr_staff;
grant execute on function app_private.city_tax_figures(uuid, date, date) to keepr_worker;

alter type app_public.export_kind add value if not exists 'city_tax';
--! Included app_public.request_export.sql
-- Staff ask for a CSV export of their property over a date range: who may
-- export what follows their role (reservations: owner, manager, front
-- desk, accountant; guests, with their contact details: owner and manager;
-- the ledger: owner, manager, accountant; occupancy: owner, manager,
-- accountant; the city tax: owner, manager, accountant). Amounts leave in
-- major units beside their currency (run_export.ts). The job that writes it
-- is queued in the same transaction.
create or replace function app_public.request_export(property_id uuid, kind app_public.export_kind, from_date date, to_date date)
  returns app_public.exports
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_export app_public.exports;
begin
  perform app_private.require_staff(request_export.property_id,
    case kind
      when 'reservations' then app_hidden.staff_group_roles('cashiers')
      when 'guests' then app_hidden.staff_group_roles('managers')
      else app_hidden.staff_group_roles('back_office')
    end::app_public.staff_role[], 'export ' || kind::text);
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 3660 then
    raise exception using errcode = 'DATES', message = 'An export covers 1 day to 10 years (from_date to to_date, inclusive).';
  end if;
  insert into app_public.exports (property_id, kind, from_date, to_date, requested_by)
  values (request_export.property_id, request_export.kind, from_date, to_date, app_hidden.current_user_id())
  returning * into v_export;
  perform graphile_worker.add_job('run_export', pg_catalog.json_build_object('id', v_export.id),
                                  job_key := 'export:' || v_export.id, max_attempts := 5);
  return v_export;
end;
$$;
comment on function app_public.request_export(uuid, app_public.export_kind, date, date) is
  E'Queues a CSV export (reservations, guests, ledger, occupancy, city_tax) of a property over a date range. Errors: NTFND, DNIED, INVALID_DATES.';
--! EndIncluded app_public.request_export.sql

-- The payment schedule of a rate plan: managers set it in the console.
grant insert (deposit_percent, balance_due_days), update (deposit_percent, balance_due_days) on app_public.rate_plans to keepr_staff;
comment on column app_public.rate_plans.deposit_percent is
  E'The share of the total charged at booking (0–100). 0 with balance_due_days 0: pay at check-in.';
comment on column app_public.rate_plans.balance_due_days is
  E'How many days before arrival the rest falls due, at the check-in time (0: at check-in).';
-- Invoices (helper C's lines): once cancelled, the VAT a fee carries is the fee's line.
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
--     its own line, not VAT), the cancellation or no-show fee (with the VAT
--     it carries: once cancelled, percent taxes left on the reservation
--     are the fee's, taxes.applies_to_penalty);
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
     where v_res.status not in ('cancelled', 'no_show')
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
                -- Once cancelled, the VAT left on the reservation is the fee's.
                when rc.purpose = 'tax_payable' and v_res.status in ('cancelled', 'no_show')
                     and exists (select 1 from app_public.taxes t
                                  where t.property_id = v_res.property_id and t.id = rc.tax_id and t.basis = 'percent_of_room') then 'penalty'
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
