-- A supervisor gives a housekeeping task to an attendant (issue 21,
-- housekeeping): the property's housekeepers (staff role group
-- housekeepers: housekeeping attendants and housekeeping supervisors) can
-- be given a task; null takes it back (unassigned). The property's
-- housekeeping supervisors, owners and managers assign (group
-- housekeeping_supervisors; ACCESS_DENIED for other staff, NOT_FOUND for
-- anyone else or a task that does not exist). A task done or cancelled is
-- INVALID_TRANSITION; anyone who is not a housekeeper of the task's
-- property (the front desk, a manager, another property's attendant, an
-- unknown id) is INVALID_INPUT (reason ASSIGNEE).
-- A task in progress can be given to another (they take over). Assigning
-- it to whom it is assigned already changes nothing (a retry).
create or replace function app_public.assign_housekeeping_task(task_id uuid, assignee uuid)
  returns app_public.housekeeping_tasks
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_task app_public.housekeeping_tasks;
begin
  v_task := app_private.lock_housekeeping_task(assign_housekeeping_task.task_id,
    app_hidden.staff_group_roles('housekeeping_supervisors'), 'assign housekeeping tasks');
  if assign_housekeeping_task.assignee is not null and not exists (
    select 1 from app_public.property_memberships m
     where m.property_id = v_task.property_id and m.user_id = assign_housekeeping_task.assignee
       and m.role = any (app_hidden.staff_group_roles('housekeepers'))) then
    raise exception using errcode = 'INVLD', hint = 'ASSIGNEE',
      message = 'Tasks go to this property''s housekeepers (attendants and housekeeping supervisors).';
  end if;
  if v_task.assigned_to is not distinct from assign_housekeeping_task.assignee then
    return v_task;
  end if;
  update app_public.housekeeping_tasks t
     set assigned_to = assign_housekeeping_task.assignee
   where t.property_id = v_task.property_id and t.id = v_task.id
  returning * into v_task;
  return v_task;
end;
$$;
comment on function app_public.assign_housekeeping_task(uuid, uuid) is
  E'Gives a housekeeping task to one of the property''s housekeepers, an attendant or a housekeeping supervisor (null: unassigned). Housekeeping supervisors, owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (done or cancelled), INVALID_INPUT (reason ASSIGNEE: not a housekeeper of the property).';
