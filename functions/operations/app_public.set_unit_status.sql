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
