--! Previous: sha1:2d7103c4dc5112a062c5c05df0da85d3d6b3f6ac
--! Hash: sha1:023bd0e75e0ca377430e5c1115f198c2a2d35c33
--! Message: Issue 21: a housekeeping supervisor role; task priority; inspected only after clean, by supervisors or managers; attendants keep to their own tasks

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

--! Included access/app_hidden.staff_group_roles.sql
-- The staff role groups: which staff roles do which job at a property. The
-- one declaration every policy, guard and the console's menus follow
-- (docs/security.md prints it as a table).
--   all_staff         everyone on the staff of the property
--   owners            owner: the owners, memberships of owners
--   managers          owner, manager: rates, rooms, channels, staff
--   front_office      owner, manager, front_desk: bookings, check-in/out, guests' changes
--   cashiers          owner, manager, front_desk, accountant: reservations, guest profiles, folios, payments, night audit
--   back_office       owner, manager, accountant: the ledger, payouts, refunds, fees and taxes
--   housekeeping_ops  owner, manager, front_desk, housekeeping, housekeeping_supervisor: the housekeeping board, tasks, unit statuses
--   housekeeping_supervisors  owner, manager, housekeeping_supervisor: assign tasks, set their priority, inspect clean units
--   housekeepers      housekeeping, housekeeping_supervisor: who can be given housekeeping tasks (attendants)
--
-- The roles are listed as text and cast when the function runs (not when
-- it is created): the migration that adds a role to app_public.staff_role
-- (ALTER TYPE ... ADD VALUE) may then redefine this function in the same
-- transaction, where Postgres refuses any use of the new value as a
-- constant ("unsafe use of new value").
create or replace function app_hidden.staff_group_roles(staff_group text) returns app_public.staff_role[]
  language sql immutable strict parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select (case staff_group
    when 'all_staff' then '{owner,manager,front_desk,housekeeping,housekeeping_supervisor,accountant}'
    when 'owners' then '{owner}'
    when 'managers' then '{owner,manager}'
    when 'front_office' then '{owner,manager,front_desk}'
    when 'cashiers' then '{owner,manager,front_desk,accountant}'
    when 'back_office' then '{owner,manager,accountant}'
    when 'housekeeping_ops' then '{owner,manager,front_desk,housekeeping,housekeeping_supervisor}'
    when 'housekeeping_supervisors' then '{owner,manager,housekeeping_supervisor}'
    when 'housekeepers' then '{housekeeping,housekeeping_supervisor}'
  end)::text[]::app_public.staff_role[];
$$;
comment on function app_hidden.staff_group_roles(text) is
  E'The staff roles of a staff role group (all_staff, owners, managers, front_office, cashiers, back_office, housekeeping_ops, housekeeping_supervisors, housekeepers); null for an unknown group, which admits no one.';
--! EndIncluded access/app_hidden.staff_group_roles.sql
--! Included operations/app_private.lock_housekeeping_task.sql
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
--! EndIncluded operations/app_private.lock_housekeeping_task.sql
--! Included operations/app_public.assign_housekeeping_task.sql
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
--! EndIncluded operations/app_public.assign_housekeeping_task.sql
--! Included operations/app_public.assign_housekeeping_tasks.sql
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
--! EndIncluded operations/app_public.assign_housekeeping_tasks.sql
--! Included operations/app_public.update_housekeeping_task.sql
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
--! EndIncluded operations/app_public.update_housekeeping_task.sql
--! Included operations/app_public.set_unit_status.sql
-- Housekeeping, front desk and managers set a unit's status: dirty, clean,
-- inspected or out of order. Out of order needs a note (why); a unit with a
-- guest in it cannot be put out of order (move the guest first). Open
-- cleaning tasks of the unit are done when it is marked clean or inspected.
-- Issue 21: inspected follows clean (dirty -> clean -> inspected): only a
-- clean unit is inspected (INVALID_TRANSITION, reason the unit's status,
-- otherwise), and only by the housekeeping supervisors (group
-- housekeeping_supervisors: owner, manager, housekeeping supervisor;
-- ACCESS_DENIED, reason INSPECTION, for the front desk and attendants).
-- Marking a unit clean or inspected finishes its open cleaning tasks: when
-- one of them is assigned to someone else, that is theirs, as in
-- update_housekeeping_task (ACCESS_DENIED, reason ASSIGNED, but for the
-- housekeeping supervisors).
create or replace function app_public.set_unit_status(unit_id uuid, status app_public.housekeeping_status, note text default null)
  returns app_public.units
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_unit app_public.units;
begin
  select * into v_unit from app_public.units u where u.id = set_unit_status.unit_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such unit, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_unit.property_id, app_hidden.staff_group_roles('housekeeping_ops'), 'change unit status');
  if status is null then
    raise exception using errcode = 'INVLD', message = 'A status is required.';
  end if;
  if status = 'inspected' and v_unit.housekeeping_status <> 'inspected' then
    if v_unit.property_id not in (select app_hidden.current_property_ids_for('housekeeping_supervisors')) then
      raise exception using errcode = 'DNIED', hint = 'INSPECTION',
        message = 'Only a housekeeping supervisor or a manager marks a unit inspected.';
    end if;
    if v_unit.housekeeping_status <> 'clean' then
      raise exception using errcode = 'TRANS', hint = v_unit.housekeeping_status::text,
        message = pg_catalog.format('Only a clean unit can be inspected; this one is %s.', pg_catalog.replace(v_unit.housekeeping_status::text, '_', ' '));
    end if;
  end if;
  if status in ('clean', 'inspected')
     and v_unit.property_id not in (select app_hidden.current_property_ids_for('housekeeping_supervisors'))
     and exists (select 1 from app_public.housekeeping_tasks t
                  where t.property_id = v_unit.property_id and t.unit_id = v_unit.id and t.status in ('open', 'in_progress')
                    and t.kind in ('checkout_clean', 'stayover_clean')
                    and t.assigned_to is not null and t.assigned_to <> app_hidden.current_user_id()) then
    raise exception using errcode = 'DNIED', hint = 'ASSIGNED',
      message = 'This unit''s cleaning is assigned to someone else: ask a housekeeping supervisor to give it to you.';
  end if;
  if status = 'out_of_order' then
    if note is null or pg_catalog.length(pg_catalog.btrim(note)) not between 1 and 500 then
      raise exception using errcode = 'INVLD', message = 'Say why the unit is out of order (1 to 500 characters).';
    end if;
    if exists (select 1 from app_public.reservations r
                where r.property_id = v_unit.property_id and r.unit_id = v_unit.id and r.status = 'checked_in') then
      raise exception using errcode = 'UNAVL', message = 'A guest is in this unit: move them before putting it out of order.';
    end if;
  end if;
  update app_public.units u set housekeeping_status = set_unit_status.status where u.id = v_unit.id returning * into v_unit;
  if status in ('clean', 'inspected') then
    update app_public.housekeeping_tasks t
       set status = 'done', completed_at = pg_catalog.now(), completed_by = app_hidden.current_user_id()
     where t.property_id = v_unit.property_id and t.unit_id = v_unit.id and t.status in ('open', 'in_progress')
       and (t.kind in ('checkout_clean', 'stayover_clean') or (t.kind = 'inspection' and set_unit_status.status = 'inspected'));
  end if;
  if status = 'out_of_order' then
    insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date, notes, created_by)
    values (v_unit.property_id, v_unit.id, 'maintenance', app_private.local_today(v_unit.property_id), pg_catalog.btrim(note), app_hidden.current_user_id())
    on conflict do nothing;
  end if;
  return v_unit;
end;
$$;
comment on function app_public.set_unit_status(uuid, app_public.housekeeping_status, text) is
  E'Sets a unit''s housekeeping status (out of order needs a note and an empty unit); marking it clean completes its cleaning tasks. Inspected only after clean, by housekeeping supervisors, owners and managers. A unit whose cleaning is assigned to someone else is theirs (or a supervisor''s) to mark clean. Errors: NOT_FOUND, ACCESS_DENIED (reason INSPECTION, ASSIGNED), INVALID_INPUT, INVALID_TRANSITION (inspecting a unit that is not clean), UNIT_UNAVAILABLE.';
--! EndIncluded operations/app_public.set_unit_status.sql
--! Included operations/app_public.set_housekeeping_task_priority.sql
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
--! EndIncluded operations/app_public.set_housekeeping_task_priority.sql
grant execute on function app_public.set_housekeeping_task_priority(uuid, app_public.housekeeping_priority) to keepr_staff;
