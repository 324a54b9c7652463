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
