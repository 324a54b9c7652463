-- SECURITY DEFINER is not needed: guest_accounts' policy lets an account read its own row.
create or replace function app_public.current_guest_account() returns app_public.guest_accounts
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select a.* from app_public.guest_accounts a where a.id = app_hidden.current_guest_account_id();
$$;
comment on function app_public.current_guest_account() is
  E'The signed-in guest account, or null (anonymous, a booking token, staff).';
