-- The staff role groups: which staff roles do which job at a property. The
-- one declaration every policy, guard and the console's menus follow
-- (docs/security.md prints it as a table).
--   all_staff         everyone on the staff of the property
--   owners            owner: the owners, memberships of owners
--   managers          owner, manager: rates, rooms, channels, staff
--   front_office      owner, manager, front_desk: bookings, check-in/out, guests' changes
--   cashiers          owner, manager, front_desk, accountant: reservations, guest profiles, folios, payments, night audit
--   back_office       owner, manager, accountant: the ledger, payouts, refunds, fees and taxes
--   housekeeping_ops  owner, manager, front_desk, housekeeping: the housekeeping board, tasks, unit statuses
create or replace function app_hidden.staff_group_roles(staff_group text) returns app_public.staff_role[]
  language sql immutable strict parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case staff_group
    when 'all_staff' then '{owner,manager,front_desk,housekeeping,accountant}'::app_public.staff_role[]
    when 'owners' then '{owner}'
    when 'managers' then '{owner,manager}'
    when 'front_office' then '{owner,manager,front_desk}'
    when 'cashiers' then '{owner,manager,front_desk,accountant}'
    when 'back_office' then '{owner,manager,accountant}'
    when 'housekeeping_ops' then '{owner,manager,front_desk,housekeeping}'
  end;
$$;
comment on function app_hidden.staff_group_roles(text) is
  E'The staff roles of a staff role group (all_staff, owners, managers, front_office, cashiers, back_office, housekeeping_ops); null for an unknown group, which admits no one.';
