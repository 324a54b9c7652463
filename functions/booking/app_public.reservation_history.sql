-- Every change to a reservation and its claims, oldest first, from the
-- audit log: who (user and role), when, from which request, old and new
-- values. The staff who read reservations (cashiers: owner, manager, front
-- desk, accountant), as the history holds money and guests' details.
create or replace function app_public.reservation_history(reservation_id uuid) returns setof app_public.reservation_event
  language plpgsql stable security definer rows 20
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_property_id uuid;
begin
  select r.property_id into v_property_id from app_public.reservations r where r.id = reservation_history.reservation_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such reservation, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_property_id, app_hidden.staff_group_roles('cashiers'), 'see reservation history');
  return query
    select e.occurred_at, e.table_name, e.operation, e.actor_user_id, u.display_name, e.actor_role, e.request_id,
           e.old_values, e.new_values
      from audit.events e
      left join app_public.users u on u.id = e.actor_user_id
     where e.reservation_id = reservation_history.reservation_id
     order by e.id;
end;
$$;
comment on function app_public.reservation_history(uuid) is
  E'The audit trail of a reservation and its claims: who changed what, when, from which request. Staff only. Errors: NOT_FOUND.';
