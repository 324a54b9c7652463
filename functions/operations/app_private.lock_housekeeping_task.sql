-- Locks an open or in-progress housekeeping task for a change by the
-- caller (issue 21: the one preamble of assign_housekeeping_task,
-- set_housekeeping_task_priority and update_housekeeping_task). NTFND when
-- the caller cannot see it, DNIED when their role is not one of `roles`
-- (app_private.require_staff), TRANS (reason: its status) when it is done
-- or cancelled already.
create or replace function app_private.lock_housekeeping_task(task_id uuid, roles app_public.staff_role[], what text)
  returns app_public.housekeeping_tasks
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_task app_public.housekeeping_tasks;
begin
  select * into v_task from app_public.housekeeping_tasks t where t.id = lock_housekeeping_task.task_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such task, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_task.property_id, roles, what);
  if v_task.status in ('done', 'cancelled') then
    raise exception using errcode = 'TRANS', hint = v_task.status::text, message = pg_catalog.format('This task is %s already.', v_task.status);
  end if;
  return v_task;
end;
$$;
comment on function app_private.lock_housekeeping_task(uuid, app_public.staff_role[], text) is
  E'Locks an open or in-progress housekeeping task FOR UPDATE after checking the caller may change it (NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION).';
