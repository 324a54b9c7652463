-- Hourly: closes every business day that is over at its property, oldest
-- first, one property at a time, each in its own subtransaction: a
-- property whose audit fails keeps its business date, the error is kept on
-- that day's audit row for staff (and raised as a warning), the others go
-- on, and the next run tries again. A property another transaction is
-- auditing is skipped. Returns how many days were closed.
create or replace function app_private.run_night_audits() returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_property_id uuid;
  v_count integer := 0;
begin
  for v_property_id in
    select p.id from app_public.properties p
     where p.business_date < (pg_catalog.now() at time zone p.time_zone)::date
     order by p.business_date, p.id
  loop
    begin
      perform 1 from app_public.properties p where p.id = v_property_id for update skip locked;
      continue when not found;
      while (app_private.close_business_day(v_property_id)).id is not null loop
        v_count := v_count + 1;
      end loop;
    exception when others then
      insert into app_public.night_audits (property_id, business_date, error)
      select p.id, p.business_date, pg_catalog.left(sqlerrm || ' (' || sqlstate || ')', 1000)
        from app_public.properties p where p.id = v_property_id
      on conflict (property_id, business_date) do update set error = excluded.error;
      raise warning 'night audit of property % failed: % (%)', v_property_id, sqlerrm, sqlstate;
    end;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.run_night_audits() is
  E'Closes every business day that is over, at every property; returns how many.';
