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
