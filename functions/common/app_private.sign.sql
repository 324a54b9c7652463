-- HMAC-SHA256 of a text with the named key in app_private.signing_keys,
-- as unpadded base64url.
create or replace function app_private.sign(payload text) returns text
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.translate(pg_catalog.encode(public.hmac(pg_catalog.convert_to(payload, 'UTF8'), k.secret, 'sha256'), 'base64'), E'+/=\n', '-_')
    from app_private.signing_keys k
   where k.name = 'quote';
$$;
comment on function app_private.sign(text) is
  E'Signs a text with the quote key: unpadded base64url HMAC-SHA256.';
