-- SECURITY DEFINER: anonymous callers may not read users, and the answer
-- for them is null; it reads only the row of the caller's own session.
create or replace function app_public.current_user() returns app_public.users
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select u.* from app_public.users u where u.id = app_hidden.current_user_id();
$$;
comment on function app_public.current_user() is
  E'The signed-in user, or null.';
