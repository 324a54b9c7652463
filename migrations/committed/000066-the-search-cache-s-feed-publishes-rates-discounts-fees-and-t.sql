--! Previous: sha1:56dc6d3319be2a8bbe1c20f1a28d3c6ba321774e
--! Hash: sha1:b2372dd3a529b61fd4ba664a956918231fcf234f
--! Message: the search cache's feed publishes rates, discounts, fees and taxes; on-the-books report

-- The search and quote cache's feed (realtime process, issue 23) needs to
-- know which property a rate, restriction, length-of-stay discount, fee or
-- tax change touched. Only key columns are published: no prices or names
-- travel, and the WAL decoded per set_rates row stays small.
do $$
declare
  t record;
begin
  for t in select * from (values
      ('rate_calendar', 'property_id, rate_plan_id, date'),
      ('rate_plan_los_discounts', 'id, property_id'),
      ('fees', 'id, property_id'),
      ('taxes', 'id, property_id')) v(name, columns)
  loop
    if exists (select 1 from pg_catalog.pg_publication_tables
                where pubname = 'keepr_realtime' and schemaname = 'app_public' and tablename = t.name) then
      execute pg_catalog.format('alter publication keepr_realtime drop table app_public.%I', t.name);
    end if;
    execute pg_catalog.format('alter publication keepr_realtime add table app_public.%I (%s)', t.name, t.columns);
  end loop;
end
$$;

-- On the books at a moment, per night (the revenue screen's pace and STLY).
--! Included operations/app_public.on_the_books_report.sql
-- What was on the books at a moment, per night of a range: the room nights
-- and room revenue of the property's bookings confirmed by `as_of` and not
-- cancelled or marked no-show by then (their dates and amounts as they are
-- today). With `as_of` a year ago and the range a year back, the revenue
-- screen's "same time last year" (STLY) beside this year's on-the-books.
-- A stay's room amount is split over its nights as reporting.room_nights
-- splits it (the remainder on the first nights). The bookings that overlap
-- the range are read once and their nights in it expanded: the work is the
-- room nights of the range, not nights times bookings.
create or replace function app_public.on_the_books_report(property_id uuid, from_date date, to_date date, as_of timestamptz)
  returns table (date date, units_sold integer, room_revenue bigint)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.check_report(on_the_books_report.property_id, from_date, to_date);
  if as_of is null then
    raise exception using errcode = 'DATES', message = 'Say as of when (as_of).';
  end if;
  return query
    with booked as (
      select r.stay, r.room_amount, (pg_catalog.upper(r.stay) - pg_catalog.lower(r.stay)) as nights
        from app_public.reservations r
       where r.property_id = on_the_books_report.property_id
         and pg_catalog.lower(r.stay) <= to_date
         and pg_catalog.upper(r.stay) > from_date
         and r.confirmed_at <= as_of
         and (r.cancelled_at is null or r.cancelled_at > as_of)
         and (r.no_show_at is null or r.no_show_at > as_of)
    ), nights as (
      select n.d::date as date, b.room_amount / b.nights
               + case when (n.d::date - pg_catalog.lower(b.stay)) < b.room_amount % b.nights then 1 else 0 end as amount
        from booked b
        cross join lateral pg_catalog.generate_series(greatest(pg_catalog.lower(b.stay), from_date),
                                                      least(pg_catalog.upper(b.stay) - 1, to_date), interval '1 day') n(d)
    )
    select d::date, coalesce(count(n.date), 0)::integer, coalesce(sum(n.amount), 0)::bigint
      from pg_catalog.generate_series(from_date, to_date, interval '1 day') d
      left join nights n on n.date = d::date
     group by d
     order by 1;
end;
$$;
--! EndIncluded operations/app_public.on_the_books_report.sql
grant execute on function app_public.on_the_books_report(uuid, date, date, timestamptz) to keepr_staff;
comment on function app_public.on_the_books_report(uuid, date, date, timestamptz) is
  E'Room nights and room revenue per night of a property that were on the books at `as_of` (confirmed by then, not cancelled or marked no-show by then; today''s dates and amounts of those bookings). Owners, managers and accountants. Errors: NOT_FOUND, ACCESS_DENIED, DATES.';
