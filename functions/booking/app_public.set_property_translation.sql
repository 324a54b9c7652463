-- Saves the property's content in one other language the guest app speaks
-- (issues 21 and 22): its description and arrival instructions, which guests
-- reading in that language see instead of the property's own (the base,
-- written in properties.language with updatePropertyContent). Owners and
-- managers (NOT_FOUND for others of no property role there, ACCESS_DENIED
-- for other staff). Blank texts are saved as none; both blank removes the
-- language's translation (then null is returned), and what is missing falls
-- back to the property's own text. INVALID_INPUT with reason LANGUAGE (not a
-- language of the guest app, or the property's own language: its content is
-- the base, edited with updatePropertyContent), DESCRIPTION (over 5,000
-- characters) or ARRIVAL_INSTRUCTIONS (over 2,000). Saving the same texts
-- again changes nothing: no key is needed. The room types, rate plans and
-- fees have the same setter (set_room_type_translation, ...), with the same
-- guard (app_private.check_translation).
create or replace function app_public.set_property_translation(
  property_id uuid,
  language text,
  description text,
  arrival_instructions text
) returns app_public.property_translations
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_row app_public.property_translations;
  v_description text := nullif(pg_catalog.btrim(set_property_translation.description), '');
  v_instructions text := nullif(pg_catalog.btrim(set_property_translation.arrival_instructions), '');
begin
  perform app_private.check_translation(set_property_translation.property_id, set_property_translation.language);
  if pg_catalog.length(v_description) > 5000 then
    raise exception using errcode = 'INVLD', hint = 'DESCRIPTION', message = 'Description: at most 5000 characters.';
  end if;
  if pg_catalog.length(v_instructions) > 2000 then
    raise exception using errcode = 'INVLD', hint = 'ARRIVAL_INSTRUCTIONS', message = 'Arrival instructions: at most 2000 characters.';
  end if;
  if v_description is null and v_instructions is null then
    delete from app_public.property_translations t
     where t.property_id = set_property_translation.property_id and t.language = set_property_translation.language;
    return null;
  end if;
  insert into app_public.property_translations as t (property_id, language, description, arrival_instructions)
  values (set_property_translation.property_id, set_property_translation.language, v_description, v_instructions)
  on conflict on constraint property_translations_pkey do update
     set description = excluded.description, arrival_instructions = excluded.arrival_instructions
   where (t.description, t.arrival_instructions) is distinct from (excluded.description, excluded.arrival_instructions)
  returning * into v_row;
  if v_row is null then
    select * into v_row from app_public.property_translations t
     where t.property_id = set_property_translation.property_id and t.language = set_property_translation.language;
  end if;
  return v_row;
end;
$$;
comment on function app_public.set_property_translation(uuid, text, text, text) is
  E'Saves the property''s description and arrival instructions in another language the guest app speaks (en, pt, es); guests reading in it see them instead of the property''s own (`descriptionIn`, `arrivalInstructionsIn`). Blank texts are saved as none, both blank removes the translation (null returned). Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason LANGUAGE: not a guest app language, or the property''s own; DESCRIPTION; ARRIVAL_INSTRUCTIONS).';
