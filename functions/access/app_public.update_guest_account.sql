-- The signed-in guest saves the details the booking form fills in for them.
-- Empty or blank texts clear a detail.
create or replace function app_public.update_guest_account(
  full_name text default null,
  phone text default null,
  country text default null,
  language text default null
) returns app_public.guest_accounts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_id uuid := app_hidden.current_guest_account_id();
  v_name text := nullif(pg_catalog.btrim(update_guest_account.full_name), '');
  v_phone text := nullif(pg_catalog.btrim(update_guest_account.phone), '');
  v_country text := pg_catalog.upper(nullif(pg_catalog.btrim(update_guest_account.country), ''));
  v_language text := nullif(pg_catalog.btrim(update_guest_account.language), '');
  v_account app_public.guest_accounts;
begin
  if v_id is null then
    raise exception using errcode = 'LOGIN', message = 'Sign in to your guest account first.';
  end if;
  if pg_catalog.length(v_name) > 200 then
    raise exception using errcode = 'INVNM', message = 'A name can be at most 200 characters long.';
  end if;
  if v_phone !~ '^\+?[0-9 ()./-]{5,30}$' then
    raise exception using errcode = 'INVPH', message = 'That phone number does not look valid.';
  end if;
  if not app_hidden.is_country_code(v_country) then
    raise exception using errcode = 'INVLD', hint = 'COUNTRY', message = 'The country is a two-letter ISO code, such as PT or DE.';
  end if;
  if v_language is not null and not app_hidden.is_guest_language(v_language) then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE',
      message = pg_catalog.format('Language: one of %s.', (select pg_catalog.string_agg(l.code, ', ' order by l.code) from app_public.languages l where l.guest_facing));
  end if;
  update app_public.guest_accounts a
     set full_name = v_name, phone = v_phone, country = v_country, language = coalesce(v_language, a.language)
   where a.id = v_id
  returning * into v_account;
  return v_account;
end;
$$;
comment on function app_public.update_guest_account(text, text, text, text) is
  E'Saves the signed-in guest''s details (name, phone, country, language en/pt/es); a blank text clears one. Errors: LOGIN_REQUIRED, INVALID_NAME, INVALID_PHONE, INVALID_INPUT (COUNTRY, LANGUAGE).';
