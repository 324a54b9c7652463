-- Whether a cancellation or no-show penalty carries a tax, when staff do
-- not say: a percent tax (VAT) does, a tax per night or per person-night
-- (a city tax, owed only for nights stayed) does not.
create or replace function app_private.tg_taxes__penalty_default() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  new.applies_to_penalty := coalesce(new.applies_to_penalty, new.basis = 'percent_of_room');
  return new;
end;
$$;
comment on function app_private.tg_taxes__penalty_default() is
  E'Trigger: taxes.applies_to_penalty defaults by basis (percent taxes yes, per-night and per-person-night taxes no).';
