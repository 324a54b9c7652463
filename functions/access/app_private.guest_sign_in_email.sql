-- What the worker needs to email a sign-in link: the address, the link's
-- secret, when it expires and the language. Nothing once the link has been
-- used or has expired (the job then sends nothing).
create or replace function app_private.guest_sign_in_email(request_id uuid)
  returns table (email text, token text, expires_at timestamptz, language text)
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select r.email::text, app_private.guest_sign_in_token(r.id), r.expires_at, r.language
    from app_private.guest_sign_in_requests r
   where r.id = request_id
     and r.used_at is null
     and r.expires_at > pg_catalog.now();
$$;
comment on function app_private.guest_sign_in_email(uuid) is
  E'The worker''s view of an unused, unexpired sign-in request: email, link secret, expiry and language.';
