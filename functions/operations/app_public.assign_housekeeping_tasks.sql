-- A supervisor gives several housekeeping tasks to one attendant at once
-- (issue 21, housekeeping), all or nothing: each task as
-- app_public.assign_housekeeping_task gives it (the same checks, the same
-- errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION for a task done or
-- cancelled, INVALID_INPUT ASSIGNEE), in the order of their ids so that two
-- supervisors assigning overlapping sets never deadlock; one refusal and
-- none is assigned. 1 to 100 distinct tasks (INVALID_INPUT, reason TASKS).
-- Null: unassigned. Returns the tasks as they are now.
create or replace function app_public.assign_housekeeping_tasks(task_ids uuid[], assignee uuid)
  returns setof app_public.housekeeping_tasks
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_id uuid;
  v_ids uuid[] := array(select distinct t from pg_catalog.unnest(assign_housekeeping_tasks.task_ids) t where t is not null order by t);
begin
  if pg_catalog.cardinality(v_ids) not between 1 and 100 then
    raise exception using errcode = 'INVLD', hint = 'TASKS', message = 'Choose 1 to 100 tasks.';
  end if;
  foreach v_id in array v_ids loop
    return next app_public.assign_housekeeping_task(v_id, assign_housekeeping_tasks.assignee);
  end loop;
end;
$$;
comment on function app_public.assign_housekeeping_tasks(uuid[], uuid) is
  E'Gives 1 to 100 housekeeping tasks to one of the property''s housekeepers (null: unassigned), all or none, each as assignHousekeepingTask does. Housekeeping supervisors, owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (a task done or cancelled), INVALID_INPUT (reason ASSIGNEE; TASKS: not 1 to 100 tasks).';
