-- Issue 21: a housekeeping supervisor of its own, and attendants.
-- The role housekeeping_supervisor (between housekeeping and accountant):
-- reads the whole housekeeping board as housekeeping does (no guest names,
-- no money), assigns tasks to the property's housekeepers, sets a task's
-- priority, and marks clean units inspected (dirty -> clean -> inspected;
-- now only supervisors, owners and managers inspect). Attendants
-- (housekeeping) may no longer take over a task assigned to someone else.
--
-- ALTER TYPE ... ADD VALUE runs inside this migration's transaction
-- (Postgres 12 and later allow it), but the new value may not be used as a
-- constant before that transaction commits ("unsafe use of new value"):
-- nothing below names it as an enum constant. staff_group_roles lists its
-- roles as text and casts them when it is called; the policies and
-- functions reach the role only through it.
alter type app_public.staff_role add value if not exists 'housekeeping_supervisor' after 'housekeeping';
comment on type app_public.staff_role is
  E'What a staff member may do at a property: owner, manager, front_desk, housekeeping (an attendant), housekeeping_supervisor (assigns, prioritises and inspects housekeeping work), accountant.';

do $$
begin
  create type app_public.housekeeping_priority as enum ('normal', 'high', 'urgent');
exception when duplicate_object then null;
end;
$$;
comment on type app_public.housekeeping_priority is
  E'How soon a housekeeping task must be done: normal, high (e.g. an arrival today) or urgent (e.g. an early check-in waiting).';

alter table app_public.housekeeping_tasks
  add column if not exists priority app_public.housekeeping_priority not null default 'normal';
comment on column app_public.housekeeping_tasks.priority is
  E'normal, high or urgent; set by housekeeping supervisors, owners and managers (setHousekeepingTaskPriority).';

--! include access/app_hidden.staff_group_roles.sql
--! include operations/app_private.lock_housekeeping_task.sql
--! include operations/app_public.assign_housekeeping_task.sql
--! include operations/app_public.assign_housekeeping_tasks.sql
--! include operations/app_public.update_housekeeping_task.sql
--! include operations/app_public.set_unit_status.sql
--! include operations/app_public.set_housekeeping_task_priority.sql
grant execute on function app_public.set_housekeeping_task_priority(uuid, app_public.housekeeping_priority) to keepr_staff;
