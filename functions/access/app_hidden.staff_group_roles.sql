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
