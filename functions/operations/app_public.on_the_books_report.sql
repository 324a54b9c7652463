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
