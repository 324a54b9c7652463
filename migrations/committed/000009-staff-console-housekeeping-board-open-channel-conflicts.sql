--! Previous: sha1:42fec29f9fbd8e3bffda665297a685e67ad1e2fd
--! Hash: sha1:95ce49f25865976d10fe00f1ea85df59400fdeed
--! Message: Staff console: housekeeping board, open channel conflicts

------------------------------------------------------------------------------
-- Staff console, operations: the housekeeping board of a day in one indexed
-- call, and a property's open channel conflicts.
------------------------------------------------------------------------------
-- Tasks of a day whatever their status (housekeeping_tasks_board_idx holds
-- the open and in-progress ones only).
drop index if exists app_public.housekeeping_tasks_day_idx;
create index housekeeping_tasks_day_idx on app_public.housekeeping_tasks (property_id, due_date);

--! Included app_public.housekeeping_board.sql
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
--! EndIncluded app_public.housekeeping_board.sql
grant execute on function app_public.housekeeping_board(uuid, date) to keepr_staff;

--! Included app_public.open_channel_conflicts.sql
-- The channel conflicts of a property that staff still have to resolve,
-- newest first (channel_conflicts_open_idx). Resolved conflicts are kept
-- for ever (the history), so a list of all of them grows; this is the
-- to-do list. Security invoker: row-level security decides (owner,
-- manager, front desk).
create or replace function app_public.open_channel_conflicts(property_id uuid)
  returns setof app_public.channel_conflicts
  language sql stable rows 20
  set search_path to pg_catalog, public, pg_temp
as $$
  select k.*
    from app_public.channel_conflicts k
   where k.property_id = open_channel_conflicts.property_id
     and k.status = 'open'
   order by k.detected_at desc, k.id;
$$;
comment on function app_public.open_channel_conflicts(uuid) is
  E'The open channel conflicts of a property, newest first: what staff still have to resolve. Staff see their properties only; any other property gives nothing.';
--! EndIncluded app_public.open_channel_conflicts.sql
grant execute on function app_public.open_channel_conflicts(uuid) to keepr_staff;
