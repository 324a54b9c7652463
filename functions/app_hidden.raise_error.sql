-- One way to raise Keepr's typed errors: a five-character SQLSTATE that the
-- API maps to extensions.code, plus a human message. See docs/error_codes.md.
create or replace function app_hidden.raise_error(code text, message text) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  raise exception using errcode = code, message = message;
end;
$$;
comment on function app_hidden.raise_error(text, text) is
  E'Raises a Keepr typed error (five-character SQLSTATE from docs/error_codes.md) with a human message.';
