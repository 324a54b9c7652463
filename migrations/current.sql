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

--! include booking/app_public.set_property_translation.sql
grant execute on function app_public.set_property_translation(uuid, text, text, text) to keepr_staff;
--! include booking/app_public.properties_description_in.sql
grant execute on function app_public.properties_description_in(app_public.properties, text) to keepr_anonymous, keepr_worker;
--! include booking/app_public.properties_arrival_instructions_in.sql
grant execute on function app_public.properties_arrival_instructions_in(app_public.properties, text) to keepr_anonymous, keepr_worker;
