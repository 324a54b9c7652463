-- The guard every translation setter starts with (issues 21 and 22): the
-- caller is an owner or manager of the property (NOT_FOUND for anyone of no
-- role there, a forged id or a null one; ACCESS_DENIED for other staff:
-- nothing about the property, not even its language, is told to an
-- outsider), the property's row is locked so its language cannot change
-- under the check, and `language` is a guest-facing one (app_public.languages) other than the
-- property's own (INVALID_INPUT, reason LANGUAGE: the property's own
-- language is its base text, edited with the content itself).
create or replace function app_private.check_translation(property_id uuid, language text) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_own text;
begin
  perform app_private.require_staff(check_translation.property_id, app_hidden.staff_group_roles('managers'), 'translate the property''s content');
  select p.language into v_own from app_public.properties p where p.id = check_translation.property_id for share;
  if check_translation.language is null or not app_hidden.is_guest_language(check_translation.language) then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE',
      message = pg_catalog.format('Language: one the guest app speaks (%s).', (select pg_catalog.string_agg(l.code, ', ' order by l.code) from app_public.languages l where l.guest_facing));
  end if;
  if check_translation.language = v_own then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE',
      message = 'Language: this is the property''s own language; its texts are edited where they are written, not translated.';
  end if;
end;
$$;
comment on function app_private.check_translation(uuid, text) is
  E'Raises NOT_FOUND or ACCESS_DENIED unless the caller is an owner or manager of the property, and INVALID_INPUT (LANGUAGE) unless the language is a guest app language other than the property''s own; locks the property''s row.';
