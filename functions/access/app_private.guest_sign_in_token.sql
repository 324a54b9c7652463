-- The secret of a sign-in link: HMAC-SHA256 of the request's id with the
-- guest_sign_in key, unpadded base64url (43 characters, 256 bits). The
-- database stores only its SHA-256 (guest_sign_in_requests.token_hash); the
-- worker derives it again to write the email, so no token sits in a job's
-- payload either.
create or replace function app_private.guest_sign_in_token(request_id uuid) returns text
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.translate(pg_catalog.encode(public.hmac(pg_catalog.convert_to('guest_sign_in:' || request_id::text, 'UTF8'), k.secret, 'sha256'), 'base64'), E'+/=\n', '-_')
    from app_private.signing_keys k
   where k.name = 'guest_sign_in';
$$;
comment on function app_private.guest_sign_in_token(uuid) is
  E'The sign-in link''s secret for a request: unpadded base64url HMAC-SHA256 of its id with the guest_sign_in key.';
