-- Whether a code is a language Keepr writes to guests in (issue 22): a row
-- of app_public.languages with guest_facing. The one test every function
-- that takes a guest language makes (translations, a reservation's and a
-- guest account's language, the sign-in email, the Keepr-Language header
-- through the reservations' trigger); the columns themselves only reference
-- app_public.languages (a foreign key), so a language later withdrawn from
-- guests keeps the rows written in it. Adding a language is an INSERT.
create or replace function app_hidden.is_guest_language(code text) returns boolean
  language sql stable strict parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select exists (select from app_public.languages l where l.code = is_guest_language.code and l.guest_facing);
$$;
comment on function app_hidden.is_guest_language(text) is
  E'Whether the code is a guest-facing language of app_public.languages.';
