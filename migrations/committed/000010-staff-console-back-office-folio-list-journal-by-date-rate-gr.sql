--! Previous: sha1:95ce49f25865976d10fe00f1ea85df59400fdeed
--! Hash: sha1:476dfe144445728ef784810c7bd65d2f549fefd6
--! Message: Staff console: back office (folio list, journal by date, rate grid, time-ordered money lists)

------------------------------------------------------------------------------
-- Staff console: back office. Accounting lists in time order (journal by
-- date, payments, refunds, payouts, invoices), folios filtered by status and
-- balance, and the rate calendar as a grid of plans × dates.
------------------------------------------------------------------------------
drop function if exists app_public.rate_grid(uuid, date, date);
drop type if exists app_public.rate_grid_day;
drop function if exists app_public.journal_entries_between(uuid, date, date, uuid);
drop function if exists app_public.folio_list(uuid, app_public.folio_status, boolean);

-- Newest first, per property (these also make the columns orderable in the API).
create index if not exists journal_entries_occurred_idx on app_public.journal_entries (property_id, occurred_at desc);
create index if not exists folios_created_idx on app_public.folios (property_id, created_at desc);
create index if not exists folio_balances_unsettled_idx on app_public.folio_balances (property_id, folio_id) where balance <> 0;
create index if not exists payment_attempts_created_idx on app_public.payment_attempts (property_id, created_at desc);
create index if not exists refunds_created_idx on app_public.refunds (property_id, created_at desc);
create index if not exists payouts_created_idx on app_public.payouts (property_id, created_at desc);
create index if not exists invoices_issued_idx on app_public.invoices (property_id, issued_at desc);

--! Included app_public.folio_list.sql
-- The folios of a property for the accounting screens, newest first:
-- optionally only open or closed ones, optionally only those whose balance
-- is not zero in some currency (unsettled: the guest owes, or is owed, money).
-- Security invoker: row-level security decides (staff who take payments and
-- those who keep the books; a property the caller is not staff of gives
-- nothing). Reads folios_created_idx, and folio_balances_unsettled_idx for
-- the unsettled ones.
create or replace function app_public.folio_list(
  property_id uuid,
  status app_public.folio_status default null,
  unsettled boolean default false
) returns setof app_public.folios
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select f.*
    from app_public.folios f
   where f.property_id = folio_list.property_id
     and (folio_list.status is null or f.status = folio_list.status)
     and (not coalesce(folio_list.unsettled, false)
          or f.id in (select b.folio_id
                        from app_public.folio_balances b
                       where b.property_id = folio_list.property_id and b.balance <> 0))
   order by f.created_at desc, f.id desc;
$$;
comment on function app_public.folio_list(uuid, app_public.folio_status, boolean) is
  E'The folios of a property, newest first: optionally only `open` or `closed` ones, and with `unsettled` only those whose balance is not zero. Staff of the property (owner, manager, accountant, front desk) see them; any other property gives nothing.';
--! EndIncluded app_public.folio_list.sql
grant execute on function app_public.folio_list(uuid, app_public.folio_status, boolean) to keepr_staff;

--! Included app_public.journal_entries_between.sql
-- The journal of a property between two dates of its calendar (inclusive;
-- null leaves that end open), newest first, optionally only the entries with
-- a posting on one account. Security invoker: row-level security decides
-- (owner, manager, accountant). Reads journal_entries_occurred_idx.
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
grant execute on function app_public.journal_entries_between(uuid, date, date, uuid) to keepr_staff;

create type app_public.rate_grid_day as (
  rate_plan_id uuid,
  date date,
  price bigint,
  price_is_override boolean,
  min_stay integer,
  max_stay integer,
  closed_to_arrival boolean,
  closed_to_departure boolean,
  stop_sell boolean,
  is_override boolean
);
comment on type app_public.rate_grid_day is E'One rate plan on one date: what applies (the calendar''s override, else the plan''s defaults).';
comment on column app_public.rate_grid_day.price is E'The nightly price on the date (minor units, the plan''s currency): the override, else the plan''s base price.';
comment on column app_public.rate_grid_day.price_is_override is E'Whether the price comes from the calendar rather than the plan.';
comment on column app_public.rate_grid_day.min_stay is E'Minimum nights for a stay arriving on the date: the override, else the plan''s.';
comment on column app_public.rate_grid_day.max_stay is E'Maximum nights for a stay arriving on the date: the override, else the plan''s (null: no limit).';
comment on column app_public.rate_grid_day.is_override is E'Whether the calendar has a row for the date (any override).';
--! Included app_public.rate_grid.sql
-- The rate calendar as staff edit it: every rate plan of a property × every
-- date of a range, with what applies on the date (the calendar's override,
-- else the plan's own price and stay limits) and whether the date has an
-- override. At most 366 days. Staff of the property but housekeeping
-- (security definer, like the reports: it checks the caller's role with
-- require_staff, then reads that one property).
create or replace function app_public.rate_grid(property_id uuid, from_date date, to_date date)
  returns setof app_public.rate_grid_day
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.require_staff(rate_grid.property_id, '{owner,manager,front_desk,accountant}', 'read the rate calendar');
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 365 then
    raise exception using errcode = 'DATES', message = 'The rate calendar shows 1 to 366 days (from_date to to_date, inclusive).';
  end if;
  return query
    select rp.id,
           d::date,
           coalesce(c.price, rp.base_price),
           c.price is not null,
           coalesce(c.min_stay, rp.min_stay),
           coalesce(c.max_stay, rp.max_stay),
           coalesce(c.closed_to_arrival, false),
           coalesce(c.closed_to_departure, false),
           coalesce(c.stop_sell, false),
           c.date is not null
      from app_public.rate_plans rp
     cross join pg_catalog.generate_series(from_date::timestamp, to_date::timestamp, interval '1 day') d
      left join app_public.rate_calendar c
        on c.property_id = rp.property_id and c.rate_plan_id = rp.id and c.date = d::date
     where rp.property_id = rate_grid.property_id
     order by rp.id, d;
end;
$$;
comment on function app_public.rate_grid(uuid, date, date) is
  E'Every rate plan of a property on every date from `fromDate` to `toDate` (inclusive, at most 366 days): the price and restrictions that apply (the calendar''s override, else the plan''s), and whether the date is overridden. Staff of the property but housekeeping. Errors: NTFND, DNIED, INVALID_DATES.';
--! EndIncluded app_public.rate_grid.sql
grant execute on function app_public.rate_grid(uuid, date, date) to keepr_staff;
