create or replace function app_public.login(email text, password text) returns app_public.jwt_token
  language plpgsql volatile strict security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_user_id uuid;
  v_hash text;
begin
  select u.id, s.password_hash into v_user_id, v_hash
    from app_public.users u
    join app_private.user_secrets s on s.user_id = u.id
   where u.email = login.email::public.citext;

  -- Hash even when the user is unknown, so timing does not reveal accounts.
  if v_hash is null then
    perform public.crypt(login.password, public.gen_salt('bf', 10));
  end if;
  if v_hash is null or public.crypt(login.password, v_hash) <> v_hash then
    raise exception using errcode = 'CREDS', message = 'Incorrect email or password.';
  end if;

  return app_private.create_session(v_user_id);
end;
$$;
comment on function app_public.login(text, text) is
  E'Signs in with email and password and returns a signed JWT for a new session. Errors: INVALID_CREDENTIALS.';
