--! Previous: sha1:36192eca1e110336ff783486856d36d5d440c881
--! Hash: sha1:fd4ec6fdb69a4750535c5ae79fde504271421524
--! Message: Issue 23: money reads on the scale data with money (reservations and guests policies as index conditions, the city-tax ledger lookup per stay, the journal between dates)

-- Issue 23, money reads on the scale data with money (helper D's
-- measurements, docs/benchmarks.md): three reads that grew with far more
-- than what they show.
--
-- 1. The reservations and guests select policies OR a membership test
--    with other conditions; as `property_id in (subquery)` under an OR it
--    is a hashed subplan filter, so a lookup by id list (the folio list's
--    batched reservation lookup) scanned every reservation. As
--    `= any (array(subquery))` it is an index condition (a BitmapOr).
alter policy select_member_self_or_booking on app_public.reservations
  using (property_id = any (array(select app_hidden.current_property_ids_for('cashiers')))
         or user_id = (select app_hidden.current_user_id())
         or id = (select app_hidden.current_booking_id())
         or group_id = (select app_hidden.current_booking_group_id()));
alter policy select_member_self_or_booking on app_public.guests
  using (property_id = any (array(select app_hidden.current_property_ids_for('cashiers')))
         or user_id = (select app_hidden.current_user_id()));
-- 2. The city-tax report's ledger lookup per cancelled stay.
--! Included money/app_private.city_tax_figures.sql
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
  months as (
    select s.id, s.tax_id, s.status in ('cancelled', 'no_show') as cancelled, s.guests, s.stay_nights,
           s.amount, coalesce(h.amount, 0) as held,
           pg_catalog.date_trunc('month', n.night)::date as month, count(*)::integer as month_nights
      from stays s
      -- What the ledger holds on the tax's account for a cancelled or
      -- no-show stay (a credit, as a positive amount), looked up per stay:
      -- as a CTE joined back, a generic plan recomputed it for every stay
      -- (over 25 s on a property of 20,000 bookings; 0.4 s this way).
      left join lateral (
        select -coalesce(sum(po.amount), 0) as amount
          from app_public.journal_entries e
          join app_public.postings po on po.property_id = e.property_id and po.entry_id = e.id
          join app_public.ledger_accounts a on a.property_id = po.property_id and a.id = po.account_id
         where s.status in ('cancelled', 'no_show')
           and e.property_id = city_tax_figures.property_id and e.cause_type = 'reservation' and e.cause_id = s.id
           and a.purpose = 'tax_payable' and a.tax_id = s.tax_id
      ) h on true
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
--! EndIncluded money/app_private.city_tax_figures.sql
-- 3. The journal between two dates reads the date index, as security definer.
--! Included money/app_public.journal_entries_between.sql
-- The journal of a property between two dates of its calendar (inclusive;
-- null leaves that end open), newest first, optionally only the entries with
-- a posting on one account. For the back office only (owner, manager,
-- accountant): the desk reads the entries of folios (row-level security
-- lets it) through the folios. Security definer with that check of its
-- own: as security invoker every entry of the property went through two
-- row-level-security checks, and the dates were not an index condition
-- (208,000 buffers for a week of a 20,000-booking property; 547 this way,
-- docs/benchmarks.md). The dates' bounds are computed once, then
-- journal_entries_occurred_idx is read between them.
create or replace function app_public.journal_entries_between(
  property_id uuid,
  from_date date default null,
  to_date date default null,
  account_id uuid default null
) returns setof app_public.journal_entries
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select e.*
    from app_public.properties p
    cross join lateral (
      select coalesce((journal_entries_between.from_date::timestamp at time zone p.time_zone), '-infinity') as from_at,
             coalesce(((journal_entries_between.to_date + 1)::timestamp at time zone p.time_zone), 'infinity') as to_at
    ) b
    join app_public.journal_entries e on e.property_id = p.id and e.occurred_at >= b.from_at and e.occurred_at < b.to_at
   where p.id = journal_entries_between.property_id
     -- The journal is the back office's; the desk reads folios' entries through the folios.
     and p.id in (select app_hidden.current_property_ids_for('back_office'))
     and (journal_entries_between.account_id is null
          or exists (select 1
                       from app_public.postings x
                      where x.property_id = e.property_id and x.entry_id = e.id
                        and x.account_id = journal_entries_between.account_id))
   order by e.occurred_at desc, e.id desc;
$$;
comment on function app_public.journal_entries_between(uuid, date, date, uuid) is
  E'The journal entries of a property dated from `fromDate` to `toDate` (inclusive, in the property''s calendar; null leaves an end open), newest first; with `accountId` only those posting to that account. Owners, managers and accountants of the property.';
--! EndIncluded money/app_public.journal_entries_between.sql
