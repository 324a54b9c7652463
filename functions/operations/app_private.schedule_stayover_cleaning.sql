-- Daily (night audit): a stay-over cleaning task for every unit whose
-- in-house guest reaches another stayover_clean_nights night today, per the
-- property's rule (0: none), but not for a stay marked do-not-disturb
-- today. Never twice for a unit and day. Returns how many were created.
create or replace function app_private.schedule_stayover_cleaning() returns integer
  language sql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  with created as (
    insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date, reservation_id)
    select r.property_id, r.unit_id, 'stayover_clean', app_private.local_today(r.property_id), r.id
      from app_public.reservations r
      join app_public.properties p on p.id = r.property_id
     where r.status = 'checked_in' and p.stayover_clean_nights > 0
       and app_private.local_today(r.property_id) > pg_catalog.lower(r.stay)
       and app_private.local_today(r.property_id) < pg_catalog.upper(r.stay)
       and (app_private.local_today(r.property_id) - pg_catalog.lower(r.stay)) % p.stayover_clean_nights = 0
       -- The guest hung do-not-disturb today (app_public.set_do_not_disturb).
       and r.do_not_disturb_on is distinct from app_private.local_today(r.property_id)
    on conflict do nothing
    returning 1
  )
  select count(*)::integer from created;
$$;
comment on function app_private.schedule_stayover_cleaning() is E'Creates today''s stay-over cleaning tasks per each property''s rule; returns how many.';
