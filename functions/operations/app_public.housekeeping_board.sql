-- The housekeeping board of a property on `day` (default: today in the
-- property's time zone): every task due that day, whatever its status (so
-- the board shows what is done as well as what is left), and the tasks due
-- earlier that nobody has finished yet (carried over, e.g. a maintenance
-- job that takes days). Each part reads an index: housekeeping_tasks_day_idx
-- for the day, housekeeping_tasks_board_idx (open and in progress only) for
-- what is carried over. Security invoker: row-level security decides, so a
-- property the caller is not staff of gives nothing.
create or replace function app_public.housekeeping_board(property_id uuid, day date default null)
  returns setof app_public.housekeeping_tasks
  language sql stable rows 50
  set search_path to pg_catalog, public, pg_temp
as $$
  with d as (
    select coalesce(housekeeping_board.day, (pg_catalog.now() at time zone p.time_zone)::date) as day
      from app_public.properties p
     where p.id = housekeeping_board.property_id
  )
  select t.*
    from (
      select t.*
        from app_public.housekeeping_tasks t, d
       where t.property_id = housekeeping_board.property_id
         and t.due_date = d.day
      union all
      select t.*
        from app_public.housekeeping_tasks t, d
       where t.property_id = housekeeping_board.property_id
         and t.due_date < d.day
         and t.status in ('open', 'in_progress')
    ) t
   order by t.due_date, t.kind, t.created_at, t.id;
$$;
comment on function app_public.housekeeping_board(uuid, date) is
  E'The housekeeping board of a property: the tasks due on `day` (default: today in the property''s time zone), whatever their status, and the earlier ones still open or in progress. Staff see their properties only; any other property gives nothing.';
