-- A housekeeping supervisor sets a task's priority (issue 21: arrivals and
-- early check-ins first): normal, high or urgent. The board lists urgent,
-- then high, then normal. Housekeeping supervisors, owners and managers
-- (group housekeeping_supervisors; ACCESS_DENIED for other staff,
-- NOT_FOUND for anyone else or a task that does not exist); a task done or
-- cancelled is INVALID_TRANSITION; setting the priority it has changes
-- nothing (a retry).
create or replace function app_public.set_housekeeping_task_priority(task_id uuid, priority app_public.housekeeping_priority)
  returns app_public.housekeeping_tasks
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_task app_public.housekeeping_tasks;
begin
  v_task := app_private.lock_housekeeping_task(set_housekeeping_task_priority.task_id,
    app_hidden.staff_group_roles('housekeeping_supervisors'), 'set the priority of housekeeping tasks');
  if set_housekeeping_task_priority.priority is null then
    raise exception using errcode = 'INVLD', hint = 'PRIORITY', message = 'Choose a priority: normal, high or urgent.';
  end if;
  if v_task.priority = set_housekeeping_task_priority.priority then
    return v_task;
  end if;
  update app_public.housekeeping_tasks t
     set priority = set_housekeeping_task_priority.priority
   where t.property_id = v_task.property_id and t.id = v_task.id
  returning * into v_task;
  return v_task;
end;
$$;
comment on function app_public.set_housekeeping_task_priority(uuid, app_public.housekeeping_priority) is
  E'Sets a housekeeping task''s priority (normal, high, urgent). Housekeeping supervisors, owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (done or cancelled), INVALID_INPUT (reason PRIORITY).';
