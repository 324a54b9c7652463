-- Saves a property's guest-facing content in one step (issue 21, the
-- console's Property › Content): description, photos, amenities, check-in
-- and check-out times, contact email and phone, arrival instructions and
-- the language guests are written to in. Owners and managers (the
-- properties' update_manager policy; NOT_FOUND for others of no
-- property role there, ACCESS_DENIED for other staff). Each field is
-- checked as the table's constraints check it, and a refusal names the
-- field: INVALID_INPUT with reason DESCRIPTION, PHOTO_URLS, AMENITIES,
-- CHECK_IN_TIME, CHECK_OUT_TIME, CONTACT_EMAIL, CONTACT_PHONE,
-- ARRIVAL_INSTRUCTIONS or LANGUAGE. Blank texts are saved as none.
-- expected_updated_at: the updatedAt the editor read; when the property
-- was saved since (by another manager, or another tab),
-- INVALID_TRANSITION with reason CHANGED and nothing is written, so a save
-- never silently undoes another's. Null skips that check.
create or replace function app_public.update_property_content(
  property_id uuid,
  expected_updated_at timestamptz,
  description text,
  photo_urls text[],
  amenities text[],
  check_in_time time,
  check_out_time time,
  contact_email text,
  contact_phone text,
  arrival_instructions text,
  language text
) returns app_public.properties
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_property app_public.properties;
  v_description text := nullif(pg_catalog.btrim(update_property_content.description), '');
  v_instructions text := nullif(pg_catalog.btrim(update_property_content.arrival_instructions), '');
  v_email text := nullif(pg_catalog.btrim(update_property_content.contact_email), '');
  v_phone text := nullif(pg_catalog.btrim(update_property_content.contact_phone), '');
  v_photos text[] := coalesce(update_property_content.photo_urls, '{}');
  v_amenities text[] := coalesce(update_property_content.amenities, '{}');
begin
  perform app_private.require_staff(update_property_content.property_id, app_hidden.staff_group_roles('managers'), 'change the property''s content');
  if pg_catalog.length(v_description) > 5000 then
    raise exception using errcode = 'INVLD', hint = 'DESCRIPTION', message = 'Description: at most 5000 characters.';
  end if;
  if pg_catalog.array_position(v_photos, null) is not null or not app_hidden.valid_photo_urls(v_photos) then
    raise exception using errcode = 'INVLD', hint = 'PHOTO_URLS',
      message = 'Photos: at most 20, each a path on this server (/photos/…) or an https:// address of at most 500 characters, without spaces or quotes.';
  end if;
  if pg_catalog.array_position(v_amenities, null) is not null or not app_hidden.valid_amenities(v_amenities) then
    raise exception using errcode = 'INVLD', hint = 'AMENITIES', message = 'Amenities: only the listed amenities, each once.';
  end if;
  if update_property_content.check_in_time is null then
    raise exception using errcode = 'INVLD', hint = 'CHECK_IN_TIME', message = 'Check-in time: say from when guests may check in.';
  end if;
  if update_property_content.check_out_time is null then
    raise exception using errcode = 'INVLD', hint = 'CHECK_OUT_TIME', message = 'Check-out time: say until when guests may stay.';
  end if;
  if v_email is not null and (pg_catalog.length(v_email) > 254 or v_email !~ '^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$') then
    raise exception using errcode = 'INVLD', hint = 'CONTACT_EMAIL', message = 'Contact email: an address such as desk@example.com.';
  end if;
  if v_phone is not null and v_phone !~ '^\+?[0-9][0-9 ()./-]{3,39}$' then
    raise exception using errcode = 'INVLD', hint = 'CONTACT_PHONE',
      message = 'Contact phone: digits, spaces and + ( ) . / -, 4 to 40 characters, such as +351 21 000 0000.';
  end if;
  if pg_catalog.length(v_instructions) > 2000 then
    raise exception using errcode = 'INVLD', hint = 'ARRIVAL_INSTRUCTIONS', message = 'Arrival instructions: at most 2000 characters.';
  end if;
  if update_property_content.language is null or update_property_content.language not in ('en', 'pt', 'de', 'fr', 'es') then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE', message = 'Language: one of en, pt, de, fr, es.';
  end if;
  select * into v_property from app_public.properties p where p.id = update_property_content.property_id for update;
  if update_property_content.expected_updated_at is not null
     and v_property.updated_at is distinct from update_property_content.expected_updated_at then
    raise exception using errcode = 'TRANS', hint = 'CHANGED',
      message = 'Someone saved this property''s content since you opened it: reload to see their changes, then make yours again.';
  end if;
  update app_public.properties p
     set description = v_description, photo_urls = v_photos, amenities = v_amenities,
         check_in_time = update_property_content.check_in_time, check_out_time = update_property_content.check_out_time,
         contact_email = v_email, contact_phone = v_phone, arrival_instructions = v_instructions,
         language = update_property_content.language
   where p.id = update_property_content.property_id
  returning * into v_property;
  return v_property;
end;
$$;
comment on function app_public.update_property_content(uuid, timestamptz, text, text[], text[], time, time, text, text, text, text) is
  E'Saves the property''s guest-facing content in one step (description, photos, amenities, check-in and check-out times, contact email and phone, arrival instructions, language); blank texts are saved as none. `expectedUpdatedAt`: the property''s updatedAt as the editor read it (null: no check). Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason the field: DESCRIPTION, PHOTO_URLS, AMENITIES, CHECK_IN_TIME, CHECK_OUT_TIME, CONTACT_EMAIL, CONTACT_PHONE, ARRIVAL_INSTRUCTIONS, LANGUAGE), INVALID_TRANSITION (reason CHANGED: saved by someone else since it was read).';
