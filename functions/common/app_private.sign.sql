-- HMAC-SHA256 of a text with the named key in app_private.signing_keys,
-- as unpadded base64url.
-- PL/pgSQL, so that its query is planned once per connection: as a SQL
-- function with a search_path setting (never inlined: it reads a table) it
-- was planned on every call, three times a booking (docs/benchmarks.md).
create or replace function app_private.sign(payload text) returns text
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return (select pg_catalog.translate(pg_catalog.encode(public.hmac(pg_catalog.convert_to(sign.payload, 'UTF8'), k.secret, 'sha256'), 'base64'), E'+/=\n', '-_')
            from app_private.signing_keys k
           where k.name = 'quote');
end;
$$;
comment on function app_private.sign(text) is
  E'Signs a text with the quote key: unpadded base64url HMAC-SHA256.';
