-- "shift of Ana": whose drawer a cash movement went through.
create or replace function app_private.shift_label(shift app_public.cash_shifts) returns text
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select 'shift of ' || coalesce((select u.display_name from app_public.users u where u.id = shift.opened_by), 'a former colleague');
$$;
comment on function app_private.shift_label(app_public.cash_shifts) is E'"shift of <name>", for ledger descriptions.';
