-- Housekeeping staff take a task, finish it or note something on it;
-- managers may cancel it. Finishing a cleaning task makes the unit clean
-- (an inspection: inspected; maintenance: clean, back in order).
-- Issue 21: a task assigned to someone else is theirs: only the
-- housekeeping supervisors (group housekeeping_supervisors: owner,
-- manager, housekeeping supervisor) may take it over, finish it or note on
-- it (ACCESS_DENIED, reason ASSIGNED, for an attendant or the front desk);
-- and finishing an inspection is theirs too (ACCESS_DENIED, reason
-- INSPECTION). As setUnitStatus, it makes a clean unit inspected (dirty ->
-- clean -> inspected); a unit that is not clean keeps its status (the
-- inspection found it so).
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
  v_task := app_private.lock_housekeeping_task(update_housekeeping_task.task_id,
    case when status = 'cancelled' then app_hidden.staff_group_roles('managers') else app_hidden.staff_group_roles('housekeeping_ops') end::app_public.staff_role[],
    'update housekeeping tasks');
  if (v_task.assigned_to is distinct from app_hidden.current_user_id() and v_task.assigned_to is not null
      or v_task.kind = 'inspection' and status = 'done')
     and v_task.property_id not in (select app_hidden.current_property_ids_for('housekeeping_supervisors')) then
    if v_task.kind = 'inspection' and status = 'done' then
      raise exception using errcode = 'DNIED', hint = 'INSPECTION',
        message = 'Only a housekeeping supervisor or a manager signs off an inspection.';
    end if;
    raise exception using errcode = 'DNIED', hint = 'ASSIGNED',
      message = 'This task is assigned to someone else: ask a housekeeping supervisor to give it to you.';
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
       and (u.housekeeping_status <> 'out_of_order' or v_task.kind = 'maintenance')
       and (v_task.kind <> 'inspection' or u.housekeeping_status = 'clean');
  end if;
  return v_task;
end;
$$;
comment on function app_public.update_housekeeping_task(uuid, app_public.housekeeping_task_status, text) is
  E'Takes (in_progress), finishes (done: the unit becomes clean, or a clean one inspected) or cancels (managers) a housekeeping task. A task assigned to someone else, and finishing an inspection, are for housekeeping supervisors, owners and managers. Errors: NOT_FOUND, ACCESS_DENIED (reason ASSIGNED, INSPECTION), INVALID_TRANSITION, INVALID_INPUT.';
