create or replace function app_public.current_user() returns app_public.users
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select u.* from app_public.users u where u.id = app_hidden.current_user_id();
$$;
comment on function app_public.current_user() is
  E'The signed-in user, or null.';
