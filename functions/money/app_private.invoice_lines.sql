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
--     VAT that covers fees), one line per extra booked with the stay (extras
--     revenue and its own VAT, the tax lines with its extra_id), one line
--     per tax charged by amount (city tax:
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
           coalesce((l ->> 'quantity')::integer, 1) as quantity, (l ->> 'amount')::bigint as amount, (l ->> 'extra_id')::uuid as extra_id,
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
    union all
    select p.ord, 'extra:' || p.extra_id, 'extra', 'extra', null, p.description, p.quantity, p.amount * v_share
      from price p where p.kind = 'extra'
  ),
  extra_vat as (
    -- An extra's own VAT (its tax line) is its line's, never shared out over the nights.
    select rc.account_id, 'extra:' || p.extra_id as key, round(p.amount * v_share)::bigint as amount
      from res_charged rc
      join price p on p.kind = 'tax' and p.extra_id is not null and p.tax_id = rc.tax_id
     where rc.purpose = 'tax_payable' and v_res.status not in ('cancelled', 'no_show')
  ),
  vat_targets as (
    select rc.account_id, rc.amount - coalesce((select sum(x.amount) from extra_vat x where x.account_id = rc.account_id), 0) as total,
           t.is_inclusive, k.key, k.ord, k.weight
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
           k.weight - coalesce((select sum(va.amount) from vat_alloc va where va.key = k.key and va.is_inclusive), 0)
                    - coalesce((select sum(x.amount) from extra_vat x where x.key = k.key), 0) as weight
      from res_charged rc
      join keys k on (rc.purpose = 'room_revenue' and k.grp = 'room') or (rc.purpose = 'fee_revenue' and k.grp = 'fee')
                  or (rc.purpose = 'extras_revenue' and k.grp = 'extra')
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
    union all
    select x.key, x.account_id, x.amount from extra_vat x
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
                when l.key = 'legacy' then 'adjustment' when l.key like 'extra:%' then 'extra'
                when l.key like 'entry:%' then case when l.is_allowance then 'allowance' when l.is_extra then 'extra' else 'charge' end
                else 'charge' end as type,
           k.ord, k.date as key_date, k.description as key_description, k.quantity as key_quantity,
           e.occurred_at, e.description as entry_description,
           (select min(po.id) from app_public.postings po where po.property_id = e.property_id and po.entry_id = e.id) as entry_seq,
           tp.description as tax_description, tp.quantity as tax_quantity
      from lines l
      left join keys k on k.key = l.key
      left join app_public.journal_entries e
        on l.key like 'entry:%' and e.property_id = folio.property_id
       and e.id = case when l.key like 'entry:%' then pg_catalog.substr(l.key, 7, 36)::uuid end
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
                            when 'extra' then coalesce(d.key_description, d.entry_description, d.account_name)
                            when 'city_tax' then coalesce(d.tax_description, d.tax_name || coalesce(' · ' || d.entry_description, ''), d.account_name)
                            when 'cancellation' then case when v_res.status = 'no_show' then 'No-show fee' else 'Cancellation fee' end
                            when 'adjustment' then 'Invoiced earlier'
                            else coalesce(d.entry_description, d.account_name) end,
           'quantity', case when d.type in ('fee', 'city_tax', 'extra') then coalesce(d.key_quantity, d.tax_quantity) end,
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
