-- Do-not-disturb for today (issue 21, housekeeping): the guest in house
-- hung the sign, or took it off. On: the stay is marked for today in the
-- property's calendar (reservations.do_not_disturb_on), today's stay-over
-- cleaning of it that nobody started is cancelled with the note "Do not
-- disturb", and the daily scheduler makes none for it today; tomorrow the
-- stay is cleaned by the property's rule again. Off: the mark is removed
-- (a cleaning cancelled today is not made again: the desk or housekeeping
-- adds one if the guest asks). The staff who work the housekeeping board
-- (owner, manager, front desk, housekeeping); a stay that is not in house:
-- INVALID_TRANSITION.
create or replace function app_public.set_do_not_disturb(reservation_id uuid, do_not_disturb boolean)
  returns app_public.reservations
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_today date;
begin
  v_res := app_private.lock_reservation(set_do_not_disturb.reservation_id, app_hidden.staff_group_roles('housekeeping_ops'), 'set do-not-disturb');
  if v_res.status <> 'checked_in' then
    perform app_private.invalid_transition(v_res, 'marked do-not-disturb');
  end if;
  if do_not_disturb is null then
    raise exception using errcode = 'INVLD', message = 'Say whether the guest does not want to be disturbed (true or false).';
  end if;
  v_today := app_private.local_today(v_res.property_id);
  update app_public.reservations r
     set do_not_disturb_on = case when set_do_not_disturb.do_not_disturb then v_today end
   where r.id = v_res.id and r.do_not_disturb_on is distinct from (case when set_do_not_disturb.do_not_disturb then v_today end)
  returning * into v_res;
  if not found then
    select * into v_res from app_public.reservations r where r.id = set_do_not_disturb.reservation_id;
  end if;
  if do_not_disturb then
    update app_public.housekeeping_tasks t
       set status = 'cancelled', completed_at = pg_catalog.now(),
           notes = pg_catalog.left(coalesce(t.notes || ' · ', '') || 'Do not disturb', 1000)
     where t.property_id = v_res.property_id and t.reservation_id = v_res.id and t.kind = 'stayover_clean'
       and t.due_date = v_today and t.status = 'open';
  end if;
  return v_res;
end;
$$;
comment on function app_public.set_do_not_disturb(uuid, boolean) is
  E'Marks an in-house stay do-not-disturb for today (true) or not (false): today''s unstarted stay-over cleaning is cancelled and none is scheduled today. Housekeeping board staff (owner, manager, front desk, housekeeping). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';
