-- The city-tax report of a property (owner, manager, accountant): per month
-- of stay and per tax charged per night or per person-night, the stays,
-- nights and person-nights charged, the tax charged on them, and the
-- cancelled and no-show stays with what the ledger still holds of the tax
-- for them (0: a city tax is not owed for nights not stayed). Every month of
-- the range, empty ones included. At most 400 days.
create or replace function app_public.city_tax_report(property_id uuid, from_date date, to_date date)
  returns table (month date, tax_id uuid, tax_name text, basis app_public.tax_basis, currency char(3),
                 stays integer, nights integer, person_nights integer, tax_charged bigint,
                 cancelled_stays integer, tax_on_cancelled bigint)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.check_report(city_tax_report.property_id, from_date, to_date);
  return query select * from app_private.city_tax_figures(city_tax_report.property_id, from_date, to_date);
end;
$$;
comment on function app_public.city_tax_report(uuid, date, date) is
  E'City tax per month of stay and per-night / per-person-night tax: stays, nights, person-nights, tax charged (minor units), and cancelled or no-show stays with the tax the ledger still holds for them. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_DATES.';
