--! Previous: sha1:6cf6b74eebdaae4000916d9ae7fa5d37b0d3fc69
--! Hash: sha1:1b08766cedee7279c4a9be4f2fd2f1700b40efea
--! Message: Issue 21: a supervisor gives housekeeping tasks to attendants

-- Issue 21, housekeeping: a supervisor (owner or manager) gives tasks to attendants.
--! Included operations/app_public.assign_housekeeping_task.sql
-- A supervisor gives a housekeeping task to an attendant (issue 21,
-- housekeeping): the board's staff of the property (owner, manager, front
-- desk, housekeeping) can be given a task; null takes it back
-- (unassigned). The property's owners and managers assign (the
-- housekeeping supervisors of Keepr's roles; ACCESS_DENIED for other
-- staff, NOT_FOUND for anyone else or a task that does not exist). A task
-- done or cancelled is INVALID_TRANSITION; someone who is not on the
-- board's staff of the task's property is INVALID_INPUT (reason ASSIGNEE).
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
  select * into v_task from app_public.housekeeping_tasks t where t.id = assign_housekeeping_task.task_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such task, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_task.property_id, app_hidden.staff_group_roles('managers'), 'assign housekeeping tasks');
  if v_task.status in ('done', 'cancelled') then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('This task is %s already.', v_task.status);
  end if;
  if assign_housekeeping_task.assignee is not null and not exists (
    select 1 from app_public.property_memberships m
     where m.property_id = v_task.property_id and m.user_id = assign_housekeeping_task.assignee
       and m.role = any (app_hidden.staff_group_roles('housekeeping_ops'))) then
    raise exception using errcode = 'INVLD', hint = 'ASSIGNEE',
      message = 'Tasks go to the staff of this property''s housekeeping board (housekeeping, front desk, managers).';
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
  E'Gives a housekeeping task to one of the board''s staff of the property (null: unassigned). Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (done or cancelled), INVALID_INPUT (reason ASSIGNEE: not on the property''s housekeeping staff).';
--! EndIncluded operations/app_public.assign_housekeeping_task.sql
grant execute on function app_public.assign_housekeeping_task(uuid, uuid) to keepr_staff;
