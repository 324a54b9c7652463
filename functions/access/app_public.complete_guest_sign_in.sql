-- Passwordless sign-in, step 2: the secret from the emailed link, once,
-- within 15 minutes, opens a guest session. The first sign-in of an email
-- creates its guest account. A forged, expired or already used secret gets
-- the same SIGN_IN_LINK_INVALID. The link is used up by one UPDATE ... WHERE
-- used_at IS NULL, so two concurrent uses cannot both succeed.
-- The token's role is keepr_guest and its session a guest session
-- (app_private.guest_sessions): guest accounts are not users, never hold a
-- property membership, and app_hidden.current_user_id() is null for them.
create or replace function app_public.complete_guest_sign_in(token text) returns app_public.jwt_token
  language plpgsql volatile strict security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_request app_private.guest_sign_in_requests;
  v_account_id uuid;
  v_session app_private.guest_sessions;
begin
  if pg_catalog.length(complete_guest_sign_in.token) > 100 then
    raise exception using errcode = 'LINKX', message = 'This sign-in link is not valid or has expired; ask for a new one.';
  end if;
  update app_private.guest_sign_in_requests r
     set used_at = pg_catalog.now()
   where r.token_hash = public.digest(complete_guest_sign_in.token, 'sha256')
     and r.used_at is null
     and r.expires_at > pg_catalog.now()
  returning * into v_request;
  if v_request.id is null then
    raise exception using errcode = 'LINKX', message = 'This sign-in link is not valid or has expired; ask for a new one.';
  end if;

  insert into app_public.guest_accounts (email, language)
  values (v_request.email, v_request.language)
  on conflict (email) do nothing
  returning id into v_account_id;
  if v_account_id is null then
    select a.id into v_account_id from app_public.guest_accounts a where a.email = v_request.email;
  end if;
  update app_public.guest_accounts a set last_sign_in_at = pg_catalog.now() where a.id = v_account_id;

  insert into app_private.guest_sessions (guest_account_id)
  values (v_account_id)
  returning * into v_session;
  return ('keepr_guest', v_session.id, v_account_id,
          extract(epoch from v_session.expires_at)::bigint, null, null)::app_public.jwt_token;
end;
$$;
comment on function app_public.complete_guest_sign_in(text) is
  E'Signs a guest in with the secret of an emailed link (single use, 15 minutes) and returns a guest token for a new 30-day session; the first sign-in of an email creates its guest account. Errors: SIGN_IN_LINK_INVALID (forged, expired or used).';
