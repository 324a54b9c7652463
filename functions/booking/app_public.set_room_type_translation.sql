-- Saves a room type's name and description in another language the guest
-- app speaks (issues 21 and 22), as set_property_translation does for the
-- property: owners and managers of its property (NOT_FOUND for anyone else
-- of no role there and for an id that is no room type; ACCESS_DENIED for
-- other staff), blank saved as none, both blank removes the language's
-- translation (null returned), what is missing reads the room type's own.
-- INVALID_INPUT with reason LANGUAGE, NAME (over 200 characters) or
-- DESCRIPTION (over 5,000).
create or replace function app_public.set_room_type_translation(
  room_type_id uuid,
  language text,
  name text,
  description text
) returns app_public.room_type_translations
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_row app_public.room_type_translations;
  v_property uuid := (select rt.property_id from app_public.room_types rt where rt.id = set_room_type_translation.room_type_id);
  v_name text := nullif(pg_catalog.btrim(set_room_type_translation.name), '');
  v_description text := nullif(pg_catalog.btrim(set_room_type_translation.description), '');
begin
  perform app_private.check_translation(v_property, set_room_type_translation.language);
  if pg_catalog.length(v_name) > 200 then
    raise exception using errcode = 'INVLD', hint = 'NAME', message = 'Name: at most 200 characters.';
  end if;
  if pg_catalog.length(v_description) > 5000 then
    raise exception using errcode = 'INVLD', hint = 'DESCRIPTION', message = 'Description: at most 5000 characters.';
  end if;
  if v_name is null and v_description is null then
    delete from app_public.room_type_translations t
     where t.property_id = v_property and t.room_type_id = set_room_type_translation.room_type_id and t.language = set_room_type_translation.language;
    return null;
  end if;
  insert into app_public.room_type_translations as t (property_id, room_type_id, language, name, description)
  values (v_property, set_room_type_translation.room_type_id, set_room_type_translation.language, v_name, v_description)
  on conflict on constraint room_type_translations_pkey do update
     set name = excluded.name, description = excluded.description
   where (t.name, t.description) is distinct from (excluded.name, excluded.description)
  returning * into v_row;
  if v_row is null then
    select * into v_row from app_public.room_type_translations t
     where t.property_id = v_property and t.room_type_id = set_room_type_translation.room_type_id and t.language = set_room_type_translation.language;
  end if;
  return v_row;
end;
$$;
comment on function app_public.set_room_type_translation(uuid, text, text, text) is
  E'Saves a room type''s name and description in another language the guest app speaks (en, pt, es); guests reading in it see them instead of the room type''s own (`nameIn`, `descriptionIn`). Blank texts are saved as none, both blank removes the translation (null returned). Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason LANGUAGE, NAME, DESCRIPTION).';
