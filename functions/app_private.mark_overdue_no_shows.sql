-- Night audit, hourly: a confirmed reservation whose arrival day is over
-- at its property (the guest never checked in) is a no-show. Rows another
-- transaction holds are left for the next run. Returns how many.
create or replace function app_private.mark_overdue_no_shows() returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_res app_public.reservations;
  v_count integer := 0;
begin
  for v_res in
    select r.* from app_public.reservations r
     where r.status = 'confirmed' and pg_catalog.lower(r.stay) < app_private.local_today(r.property_id)
     order by pg_catalog.lower(r.stay)
       for update skip locked
  loop
    perform app_private.record_no_show(v_res, 'reservation:' || v_res.id || ':no_show:night_audit');
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.mark_overdue_no_shows() is E'Night audit: records as no-shows the confirmed stays whose arrival day is over; returns how many.';
