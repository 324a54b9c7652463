-- The payload of a signed quote token (`<base64url JSON>.<signature>`, as
-- app_public.quote, app_public.quote_group and app_public.desk_quote make
-- them), after checking its signature: QUOTE when the token is not one the
-- database signed. `signed_as` is the prefix the token was signed with
-- ('desk:' for a desk quote, whose token no other hold accepts). The one
-- decoder of quote tokens: create_hold, create_group_hold and
-- create_desk_hold call it. PL/pgSQL, so that its statements are planned
-- once per session, not on every booking (docs/benchmarks.md).
create or replace function app_private.quote_payload(token text, signed_as text default '') returns jsonb
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_parts text[] := pg_catalog.string_to_array(token, '.');
begin
  if pg_catalog.array_length(v_parts, 1) is distinct from 2
     or app_private.sign(signed_as || v_parts[1]) is distinct from v_parts[2] then
    raise exception using errcode = 'QUOTE',
      message = case when signed_as = 'desk:' then 'This quote token is not valid for a desk hold; get a new quote.'
                     else 'This quote token is not valid; get a new quote.' end;
  end if;
  return pg_catalog.convert_from(pg_catalog.decode(
      pg_catalog.rpad(pg_catalog.translate(v_parts[1], '-_', '+/'), ((pg_catalog.length(v_parts[1]) + 3) / 4) * 4, '='),
      'base64'), 'UTF8')::jsonb;
end;
$$;
comment on function app_private.quote_payload(text, text) is
  E'The JSON payload of a signed quote token, its signature checked (QUOTE when not valid); `signed_as` is the prefix it was signed with (''desk:'' for desk quotes).';
