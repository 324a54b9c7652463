-- Housekeeping staff take a task, finish it or note something on it;
-- managers may cancel it. Finishing a cleaning task makes the unit clean
-- (an inspection: inspected; maintenance: clean, back in order).
create or replace function app_public.update_housekeeping_task(
  task_id uuid,
  status app_public.housekeeping_task_status,
  notes text default null
) returns app_public.housekeeping_tasks
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_task app_public.housekeeping_tasks;
begin
  select * into v_task from app_public.housekeeping_tasks t where t.id = update_housekeeping_task.task_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such task, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_task.property_id,
    case when status = 'cancelled' then app_hidden.staff_group_roles('managers') else app_hidden.staff_group_roles('housekeeping_ops') end::app_public.staff_role[],
    'update housekeeping tasks');
  if v_task.status in ('done', 'cancelled') then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('This task is %s already.', v_task.status);
  end if;
  if pg_catalog.length(notes) > 1000 then
    raise exception using errcode = 'INVLD', message = 'Notes can be at most 1000 characters.';
  end if;
  update app_public.housekeeping_tasks t
     set status = update_housekeeping_task.status, notes = coalesce(update_housekeeping_task.notes, t.notes),
         assigned_to = case when update_housekeeping_task.status = 'in_progress' then app_hidden.current_user_id() else t.assigned_to end,
         completed_at = case when update_housekeeping_task.status in ('done', 'cancelled') then pg_catalog.now() end,
         completed_by = case when update_housekeeping_task.status in ('done', 'cancelled') then app_hidden.current_user_id() end
   where t.id = v_task.id
  returning * into v_task;
  if status = 'done' then
    update app_public.units u
       set housekeeping_status = case v_task.kind when 'inspection' then 'inspected' else 'clean' end::app_public.housekeeping_status
     where u.property_id = v_task.property_id and u.id = v_task.unit_id
       and (u.housekeeping_status <> 'out_of_order' or v_task.kind = 'maintenance');
  end if;
  return v_task;
end;
$$;
comment on function app_public.update_housekeeping_task(uuid, app_public.housekeeping_task_status, text) is
  E'Takes (in_progress), finishes (done: the unit becomes clean, or inspected) or cancels (managers) a housekeeping task. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';
