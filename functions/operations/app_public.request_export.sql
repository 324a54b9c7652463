-- Staff ask for a CSV export of their property over a date range: who may
-- export what follows their role (reservations: owner, manager, front
-- desk, accountant; guests, with their contact details: owner and manager;
-- the ledger: owner, manager, accountant; occupancy: owner, manager,
-- accountant; the city tax: owner, manager, accountant). Amounts leave in
-- major units beside their currency (run_export.ts). The job that writes it
-- is queued in the same transaction.
create or replace function app_public.request_export(property_id uuid, kind app_public.export_kind, from_date date, to_date date)
  returns app_public.exports
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_export app_public.exports;
begin
  perform app_private.require_staff(request_export.property_id,
    case kind
      when 'reservations' then app_hidden.staff_group_roles('cashiers')
      when 'guests' then app_hidden.staff_group_roles('managers')
      else app_hidden.staff_group_roles('back_office')
    end::app_public.staff_role[], 'export ' || kind::text);
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 3660 then
    raise exception using errcode = 'DATES', message = 'An export covers 1 day to 10 years (from_date to to_date, inclusive).';
  end if;
  insert into app_public.exports (property_id, kind, from_date, to_date, requested_by)
  values (request_export.property_id, request_export.kind, from_date, to_date, app_hidden.current_user_id())
  returning * into v_export;
  perform app_private.add_job('run_export', pg_catalog.json_build_object('id', v_export.id),
                                  job_key := 'export:' || v_export.id, max_attempts := 5);
  return v_export;
end;
$$;
comment on function app_public.request_export(uuid, app_public.export_kind, date, date) is
  E'Queues a CSV export (reservations, guests, ledger, occupancy, city_tax) of a property over a date range. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';
