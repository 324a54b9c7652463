create or replace function app_public.register(
  email text,
  password text,
  display_name text
) returns app_public.jwt_token
  language plpgsql volatile strict security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users;
  v_refusal text;
begin
  if register.email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(register.email) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  v_refusal := app_private.password_refusal(register.password, register.email);
  if v_refusal is not null then
    raise exception using errcode = 'WEAKP', message = v_refusal;
  end if;
  if pg_catalog.length(pg_catalog.btrim(register.display_name)) not between 1 and 100 then
    raise exception using errcode = 'INVNM', message = 'A display name of 1 to 100 characters is required.';
  end if;

  insert into app_public.users (email, display_name)
  values (register.email, pg_catalog.btrim(register.display_name))
  on conflict do nothing
  returning * into v_user;
  if v_user.id is null then
    raise exception using errcode = 'EMTKN', message = 'An account with this email address already exists.';
  end if;

  insert into app_private.user_secrets (user_id, password_hash)
  values (v_user.id, public.crypt(register.password, public.gen_salt('bf', 10)));

  perform app_private.add_job(
    'send_welcome_email',
    pg_catalog.json_build_object('id', v_user.id),
    job_key := 'send_welcome_email:' || v_user.id,
    max_attempts := 10
  );

  return app_private.create_session(v_user.id);
end;
$$;
comment on function app_public.register(text, text, text) is
  E'Creates a guest account (email, password of 10 to 72 bytes that is not the email or a common password, display name), signs it in and queues a welcome email. Errors: INVALID_EMAIL, WEAK_PASSWORD, INVALID_NAME, EMAIL_TAKEN.';
