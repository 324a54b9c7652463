--! Previous: sha1:e8fb5fa85936485438ff2041186ac0581f33912c
--! Hash: sha1:af957283723404458a79c127399b4565c1768228
--! Message: Issues 21 and 22: property content in the guest app's other languages (property_translations, setPropertyTranslation, descriptionIn and arrivalInstructionsIn with the property's own text as the fallback)

-- Issues 21 and 22: the property's content in the other languages the guest
-- app speaks. A translation holds the description and arrival instructions
-- of one language; guests read them through descriptionIn and
-- arrivalInstructionsIn, which fall back to the property's own text.
drop function if exists app_public.properties_arrival_instructions_in(app_public.properties, text);
drop function if exists app_public.properties_description_in(app_public.properties, text);
drop function if exists app_public.set_property_translation(uuid, text, text, text);

create table if not exists app_public.property_translations (
  property_id uuid not null references app_public.properties on delete cascade,
  language text not null constraint property_translations_language_check check (language in ('en', 'pt', 'es')),
  description text constraint property_translations_description_check check (pg_catalog.length(description) between 1 and 5000),
  arrival_instructions text constraint property_translations_arrival_instructions_check
    check (pg_catalog.length(arrival_instructions) between 1 and 2000),
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  constraint property_translations_pkey primary key (property_id, language),
  constraint property_translations_some_text_check check (description is not null or arrival_instructions is not null)
);
comment on table app_public.property_translations is
  E'The property''s description and arrival instructions in another language the guest app speaks; what a translation lacks is the property''s own (properties.description_in, arrival_instructions_in). Written by setPropertyTranslation.';
comment on column app_public.property_translations.language is E'en, pt or es: a language of the guest app other than the property''s own.';
comment on column app_public.property_translations.description is E'The description in this language (at most 5,000 characters); none: the property''s own.';
comment on column app_public.property_translations.arrival_instructions is E'The arrival instructions in this language (at most 2,000 characters); none: the property''s own.';
alter table app_public.property_translations enable row level security;
drop trigger if exists _100_timestamps on app_public.property_translations;
create trigger _100_timestamps before insert or update on app_public.property_translations for each row execute function app_private.tg__timestamps();
drop trigger if exists _500_audit on app_public.property_translations;
create trigger _500_audit after insert or update or delete on app_public.property_translations for each row execute function audit.tg__record();
grant select on app_public.property_translations to keepr_anonymous;
grant select on app_public.property_translations to keepr_worker;
drop policy if exists select_published_or_member on app_public.property_translations;
create policy select_published_or_member on app_public.property_translations for select using (
  exists (select 1 from app_public.properties p where p.id = property_translations.property_id and p.is_published)
  or property_id in (select app_hidden.current_property_ids())
);
drop policy if exists worker_all on app_public.property_translations;
create policy worker_all on app_public.property_translations for select to keepr_worker using (true);

--! Included booking/app_public.set_property_translation.sql
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
-- again changes nothing: no key is needed.
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
  v_own text;
  v_description text := nullif(pg_catalog.btrim(set_property_translation.description), '');
  v_instructions text := nullif(pg_catalog.btrim(set_property_translation.arrival_instructions), '');
begin
  perform app_private.require_staff(set_property_translation.property_id, app_hidden.staff_group_roles('managers'), 'translate the property''s content');
  -- The property's row locked: its language cannot change under the check below.
  select p.language into v_own from app_public.properties p where p.id = set_property_translation.property_id for share;
  if set_property_translation.language is null or set_property_translation.language not in ('en', 'pt', 'es') then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE', message = 'Language: one the guest app speaks (en, pt, es).';
  end if;
  if set_property_translation.language = v_own then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE',
      message = 'Language: this is the property''s own language; its description and arrival instructions are edited with the property''s content.';
  end if;
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
--! EndIncluded booking/app_public.set_property_translation.sql
grant execute on function app_public.set_property_translation(uuid, text, text, text) to keepr_staff;
--! Included booking/app_public.properties_description_in.sql
-- The property's description for a guest reading in `language` (issues 21
-- and 22): the translation of that language when it has a description, else
-- the property's own. The property's own language always reads the
-- property's own text (a translation left from before the property changed
-- its language is not used). Security invoker: a translation is read as the
-- caller may read it (guests: of published properties; staff: theirs).
create or replace function app_public.properties_description_in(property app_public.properties, language text) returns text
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(
    (select t.description from app_public.property_translations t
      where t.property_id = property.id and t.language = properties_description_in.language and t.language <> property.language),
    property.description);
$$;
comment on function app_public.properties_description_in(app_public.properties, text) is
  E'The description in `language` (en, pt, es) when the property has it translated, else the property''s own.';
--! EndIncluded booking/app_public.properties_description_in.sql
grant execute on function app_public.properties_description_in(app_public.properties, text) to keepr_anonymous, keepr_worker;
--! Included booking/app_public.properties_arrival_instructions_in.sql
-- The property's arrival instructions for a guest reading in `language`:
-- the translation of that language when it has them, else the property's
-- own (as properties_description_in does for the description).
create or replace function app_public.properties_arrival_instructions_in(property app_public.properties, language text) returns text
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(
    (select t.arrival_instructions from app_public.property_translations t
      where t.property_id = property.id and t.language = properties_arrival_instructions_in.language and t.language <> property.language),
    property.arrival_instructions);
$$;
comment on function app_public.properties_arrival_instructions_in(app_public.properties, text) is
  E'The arrival instructions in `language` (en, pt, es) when the property has them translated, else the property''s own.';
--! EndIncluded booking/app_public.properties_arrival_instructions_in.sql
grant execute on function app_public.properties_arrival_instructions_in(app_public.properties, text) to keepr_anonymous, keepr_worker;
