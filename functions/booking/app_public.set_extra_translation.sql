-- Saves an extra's name in another language the guest app speaks (issue
-- 22, the same way as set_fee_translation), as set_property_translation does for the property: owners and
-- managers of its property (NOT_FOUND for anyone else of no role there and
-- for an id that is no extra; ACCESS_DENIED for other staff), a blank name
-- removes the language's translation (null returned) and the extra's own name
-- is read. INVALID_INPUT with reason LANGUAGE or NAME (over 200 characters).
create or replace function app_public.set_extra_translation(
  extra_id uuid,
  language text,
  name text
) returns app_public.extra_translations
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_row app_public.extra_translations;
  v_property uuid := (select e.property_id from app_public.folio_extras e where e.id = set_extra_translation.extra_id);
  v_name text := nullif(pg_catalog.btrim(set_extra_translation.name), '');
begin
  perform app_private.check_translation(v_property, set_extra_translation.language);
  if pg_catalog.length(v_name) > 200 then
    raise exception using errcode = 'INVLD', hint = 'NAME', message = 'Name: at most 200 characters.';
  end if;
  if v_name is null then
    delete from app_public.extra_translations t
     where t.property_id = v_property and t.extra_id = set_extra_translation.extra_id and t.language = set_extra_translation.language;
    return null;
  end if;
  insert into app_public.extra_translations as t (property_id, extra_id, language, name)
  values (v_property, set_extra_translation.extra_id, set_extra_translation.language, v_name)
  on conflict on constraint extra_translations_pkey do update
     set name = excluded.name
   where t.name is distinct from excluded.name
  returning * into v_row;
  if v_row is null then
    select * into v_row from app_public.extra_translations t
     where t.property_id = v_property and t.extra_id = set_extra_translation.extra_id and t.language = set_extra_translation.language;
  end if;
  return v_row;
end;
$$;
comment on function app_public.set_extra_translation(uuid, text, text) is
  E'Saves an extra''s name in another language the guest app speaks (en, pt, es); guests reading in it see it instead of the extra''s own (bookableExtras, the booking''s emails). A blank name removes the translation (null returned). Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason LANGUAGE, NAME).';
