-- A manager runs the night audit by hand (the hourly cron does it after
-- local midnight otherwise): closes each business day of the property that
-- is over, and returns those audits, oldest first. Nothing to close
-- returns no rows.
create or replace function app_public.run_night_audit(property_id uuid) returns setof app_public.night_audits
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_audit app_public.night_audits;
begin
  perform app_private.require_staff(run_night_audit.property_id, app_hidden.staff_group_roles('managers'), 'run the night audit');
  loop
    v_audit := app_private.close_business_day(run_night_audit.property_id);
    exit when v_audit.id is null;
    return next v_audit;
  end loop;
end;
$$;
comment on function app_public.run_night_audit(uuid) is
  E'Runs the night audit of a property now: closes each business day that is over and returns the audits. Errors: NOT_FOUND, ACCESS_DENIED.';
