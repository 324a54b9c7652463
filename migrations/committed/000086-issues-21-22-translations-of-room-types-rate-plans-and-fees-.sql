--! Previous: sha1:0cb32413ac21b5ff50e459c2194039b29608d32d
--! Hash: sha1:357a1c8c69e3189c6b59a4638d24c36210cd501e
--! Message: Issues 21, 22: translations of room types, rate plans and fees; the reservation's language; messages in it

-- Issues 21 and 22: translations of room types, rate plans and fees (the
-- property's were added by 000080), the one rule for which translation a
-- guest reads (app_hidden.*_translation, inlined into the readers and the
-- notification load), and the reservation's language: the guest app's
-- language when a guest books (keepr.language, read by a BEFORE INSERT
-- trigger), or the desk's choice (set_reservation_language). Messages are
-- written in coalesce(reservations.language, properties.language).
drop function if exists app_public.set_reservation_language(uuid, text);
drop function if exists app_public.availability_rate_plan_name_in(app_public.availability, text);
drop function if exists app_public.availability_room_type_name_in(app_public.availability, text);
drop function if exists app_public.fees_name_in(app_public.fees, text);
drop function if exists app_public.rate_plans_description_in(app_public.rate_plans, text);
drop function if exists app_public.rate_plans_name_in(app_public.rate_plans, text);
drop function if exists app_public.room_types_description_in(app_public.room_types, text);
drop function if exists app_public.room_types_name_in(app_public.room_types, text);
drop function if exists app_public.set_fee_translation(uuid, text, text);
drop function if exists app_public.set_rate_plan_translation(uuid, text, text, text);
drop function if exists app_public.set_room_type_translation(uuid, text, text, text);
drop function if exists app_hidden.fee_translation(uuid, uuid, text);
drop function if exists app_hidden.rate_plan_translation(uuid, uuid, text);
drop function if exists app_hidden.room_type_translation(uuid, uuid, text);
drop function if exists app_hidden.property_translation(uuid, text);
drop function if exists app_private.check_translation(uuid, text);

create table if not exists app_public.room_type_translations (
  property_id uuid not null,
  room_type_id uuid not null,
  language text not null constraint room_type_translations_language_check check (language in ('en', 'pt', 'es')),
  name text constraint room_type_translations_name_check check (pg_catalog.length(name) between 1 and 200),
  description text constraint room_type_translations_description_check check (pg_catalog.length(description) between 1 and 5000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint room_type_translations_pkey primary key (property_id, room_type_id, language),
  constraint room_type_translations_room_type_id_fkey foreign key (property_id, room_type_id) references app_public.room_types (property_id, id) on delete cascade,
  constraint room_type_translations_some_text_check check (name is not null or description is not null)
);
comment on table app_public.room_type_translations is
  E'A room type''s name and description in another language the guest app speaks; what a translation lacks is the room type''s own (app_hidden.room_type_translation, room_types.name_in and description_in). Written by set_room_type_translation; visible to whoever sees the room type.';
comment on column app_public.room_type_translations.language is E'en, pt or es: a language of the guest app other than the property''s own.';
comment on column app_public.room_type_translations.name is E'The name in this language (at most 200 characters); none: the room type''s own.';
comment on column app_public.room_type_translations.description is E'The description in this language (at most 5,000 characters); none: the room type''s own.';
comment on constraint room_type_translations_room_type_id_fkey on app_public.room_type_translations is E'@fieldName roomType\n@foreignFieldName translations';
alter table app_public.room_type_translations enable row level security;
drop trigger if exists _100_timestamps on app_public.room_type_translations;
create trigger _100_timestamps before insert or update on app_public.room_type_translations for each row execute function app_private.tg__timestamps();
drop trigger if exists _500_audit on app_public.room_type_translations;
create trigger _500_audit after insert or update or delete on app_public.room_type_translations for each row execute function audit.tg__record();
grant select on app_public.room_type_translations to keepr_anonymous;
grant select on app_public.room_type_translations to keepr_worker;
-- Visible exactly when its room type is (the room_types policies apply inside): a
-- guest never reads the translation of an unpublished one.
drop policy if exists select_with_room_types on app_public.room_type_translations;
create policy select_with_room_types on app_public.room_type_translations for select using (
  exists (select 1 from app_public.room_types x where x.property_id = room_type_translations.property_id and x.id = room_type_translations.room_type_id)
);

create table if not exists app_public.rate_plan_translations (
  property_id uuid not null,
  rate_plan_id uuid not null,
  language text not null constraint rate_plan_translations_language_check check (language in ('en', 'pt', 'es')),
  name text constraint rate_plan_translations_name_check check (pg_catalog.length(name) between 1 and 200),
  description text constraint rate_plan_translations_description_check check (pg_catalog.length(description) between 1 and 5000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint rate_plan_translations_pkey primary key (property_id, rate_plan_id, language),
  constraint rate_plan_translations_rate_plan_id_fkey foreign key (property_id, rate_plan_id) references app_public.rate_plans (property_id, id) on delete cascade,
  constraint rate_plan_translations_some_text_check check (name is not null or description is not null)
);
comment on table app_public.rate_plan_translations is
  E'A rate plan''s name and description in another language the guest app speaks; what a translation lacks is the rate plan''s own (app_hidden.rate_plan_translation, rate_plans.name_in and description_in). Written by set_rate_plan_translation; visible to whoever sees the rate plan.';
comment on column app_public.rate_plan_translations.language is E'en, pt or es: a language of the guest app other than the property''s own.';
comment on column app_public.rate_plan_translations.name is E'The name in this language (at most 200 characters); none: the rate plan''s own.';
comment on column app_public.rate_plan_translations.description is E'The guest-facing description in this language (at most 5,000 characters); none: the rate plan''s own.';
comment on constraint rate_plan_translations_rate_plan_id_fkey on app_public.rate_plan_translations is E'@fieldName ratePlan\n@foreignFieldName translations';
alter table app_public.rate_plan_translations enable row level security;
drop trigger if exists _100_timestamps on app_public.rate_plan_translations;
create trigger _100_timestamps before insert or update on app_public.rate_plan_translations for each row execute function app_private.tg__timestamps();
drop trigger if exists _500_audit on app_public.rate_plan_translations;
create trigger _500_audit after insert or update or delete on app_public.rate_plan_translations for each row execute function audit.tg__record();
grant select on app_public.rate_plan_translations to keepr_anonymous;
grant select on app_public.rate_plan_translations to keepr_worker;
-- Visible exactly when its rate plan is (the rate_plans policies apply inside): a
-- guest never reads the translation of an unpublished one.
drop policy if exists select_with_rate_plans on app_public.rate_plan_translations;
create policy select_with_rate_plans on app_public.rate_plan_translations for select using (
  exists (select 1 from app_public.rate_plans x where x.property_id = rate_plan_translations.property_id and x.id = rate_plan_translations.rate_plan_id)
);

create table if not exists app_public.fee_translations (
  property_id uuid not null,
  fee_id uuid not null,
  language text not null constraint fee_translations_language_check check (language in ('en', 'pt', 'es')),
  name text constraint fee_translations_name_check check (pg_catalog.length(name) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint fee_translations_pkey primary key (property_id, fee_id, language),
  constraint fee_translations_fee_id_fkey foreign key (property_id, fee_id) references app_public.fees (property_id, id) on delete cascade
);
comment on table app_public.fee_translations is
  E'A fee''s name in another language the guest app speaks; what a translation lacks is the fee''s own (app_hidden.fee_translation, fees.name_in). Written by set_fee_translation; visible to whoever sees the fee.';
comment on column app_public.fee_translations.language is E'en, pt or es: a language of the guest app other than the property''s own.';
comment on column app_public.fee_translations.name is E'The name in this language (at most 200 characters).';
comment on constraint fee_translations_fee_id_fkey on app_public.fee_translations is E'@fieldName fee\n@foreignFieldName translations';
alter table app_public.fee_translations enable row level security;
drop trigger if exists _100_timestamps on app_public.fee_translations;
create trigger _100_timestamps before insert or update on app_public.fee_translations for each row execute function app_private.tg__timestamps();
drop trigger if exists _500_audit on app_public.fee_translations;
create trigger _500_audit after insert or update or delete on app_public.fee_translations for each row execute function audit.tg__record();
grant select on app_public.fee_translations to keepr_anonymous;
-- Visible exactly when its fee is (the fees policies apply inside): a
-- guest never reads the translation of an unpublished one.
drop policy if exists select_with_fees on app_public.fee_translations;
create policy select_with_fees on app_public.fee_translations for select using (
  exists (select 1 from app_public.fees x where x.property_id = fee_translations.property_id and x.id = fee_translations.fee_id)
);

alter table app_public.reservations add column if not exists language text
  constraint reservations_language_check check (language in ('en', 'pt', 'es'));
comment on column app_public.reservations.language is
  E'The language the guest is written to in (en, pt, es): the guest app''s when a guest booked, the front desk''s choice (setReservationLanguage); none: the property''s language.';

--! Included booking/app_private.check_translation.sql
-- The guard every translation setter starts with (issues 21 and 22): the
-- caller is an owner or manager of the property (NOT_FOUND for anyone of no
-- role there, a forged id or a null one; ACCESS_DENIED for other staff:
-- nothing about the property, not even its language, is told to an
-- outsider), the property's row is locked so its language cannot change
-- under the check, and `language` is one the guest app speaks other than the
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
  if check_translation.language is null or check_translation.language not in ('en', 'pt', 'es') then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE', message = 'Language: one the guest app speaks (en, pt, es).';
  end if;
  if check_translation.language = v_own then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE',
      message = 'Language: this is the property''s own language; its texts are edited where they are written, not translated.';
  end if;
end;
$$;
comment on function app_private.check_translation(uuid, text) is
  E'Raises NOT_FOUND or ACCESS_DENIED unless the caller is an owner or manager of the property, and INVALID_INPUT (LANGUAGE) unless the language is a guest app language other than the property''s own; locks the property''s row.';
--! EndIncluded booking/app_private.check_translation.sql
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
--! EndIncluded booking/app_public.set_property_translation.sql
--! Included booking/app_public.set_room_type_translation.sql
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
--! EndIncluded booking/app_public.set_room_type_translation.sql
grant execute on function app_public.set_room_type_translation(uuid, text, text, text) to keepr_staff;
--! Included booking/app_public.set_rate_plan_translation.sql
-- Saves a rate plan's name and description in another language the guest
-- app speaks (issues 21 and 22), as set_property_translation does for the
-- property: owners and managers of its property (NOT_FOUND for anyone else
-- of no role there and for an id that is no rate plan; ACCESS_DENIED for
-- other staff), blank saved as none, both blank removes the language's
-- translation (null returned), what is missing reads the rate plan's own.
-- INVALID_INPUT with reason LANGUAGE, NAME (over 200 characters) or
-- DESCRIPTION (over 5,000).
create or replace function app_public.set_rate_plan_translation(
  rate_plan_id uuid,
  language text,
  name text,
  description text
) returns app_public.rate_plan_translations
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_row app_public.rate_plan_translations;
  v_property uuid := (select rt.property_id from app_public.rate_plans rt where rt.id = set_rate_plan_translation.rate_plan_id);
  v_name text := nullif(pg_catalog.btrim(set_rate_plan_translation.name), '');
  v_description text := nullif(pg_catalog.btrim(set_rate_plan_translation.description), '');
begin
  perform app_private.check_translation(v_property, set_rate_plan_translation.language);
  if pg_catalog.length(v_name) > 200 then
    raise exception using errcode = 'INVLD', hint = 'NAME', message = 'Name: at most 200 characters.';
  end if;
  if pg_catalog.length(v_description) > 5000 then
    raise exception using errcode = 'INVLD', hint = 'DESCRIPTION', message = 'Description: at most 5000 characters.';
  end if;
  if v_name is null and v_description is null then
    delete from app_public.rate_plan_translations t
     where t.property_id = v_property and t.rate_plan_id = set_rate_plan_translation.rate_plan_id and t.language = set_rate_plan_translation.language;
    return null;
  end if;
  insert into app_public.rate_plan_translations as t (property_id, rate_plan_id, language, name, description)
  values (v_property, set_rate_plan_translation.rate_plan_id, set_rate_plan_translation.language, v_name, v_description)
  on conflict on constraint rate_plan_translations_pkey do update
     set name = excluded.name, description = excluded.description
   where (t.name, t.description) is distinct from (excluded.name, excluded.description)
  returning * into v_row;
  if v_row is null then
    select * into v_row from app_public.rate_plan_translations t
     where t.property_id = v_property and t.rate_plan_id = set_rate_plan_translation.rate_plan_id and t.language = set_rate_plan_translation.language;
  end if;
  return v_row;
end;
$$;
comment on function app_public.set_rate_plan_translation(uuid, text, text, text) is
  E'Saves a rate plan''s name and description in another language the guest app speaks (en, pt, es); guests reading in it see them instead of the rate plan''s own (`nameIn`, `descriptionIn`). Blank texts are saved as none, both blank removes the translation (null returned). Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason LANGUAGE, NAME, DESCRIPTION).';
--! EndIncluded booking/app_public.set_rate_plan_translation.sql
grant execute on function app_public.set_rate_plan_translation(uuid, text, text, text) to keepr_staff;
--! Included booking/app_public.set_fee_translation.sql
-- Saves a fee's name in another language the guest app speaks (issues 21
-- and 22), as set_property_translation does for the property: owners and
-- managers of its property (NOT_FOUND for anyone else of no role there and
-- for an id that is no fee; ACCESS_DENIED for other staff), a blank name
-- removes the language's translation (null returned) and the fee's own name
-- is read. INVALID_INPUT with reason LANGUAGE or NAME (over 200 characters).
create or replace function app_public.set_fee_translation(
  fee_id uuid,
  language text,
  name text
) returns app_public.fee_translations
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_row app_public.fee_translations;
  v_property uuid := (select f.property_id from app_public.fees f where f.id = set_fee_translation.fee_id);
  v_name text := nullif(pg_catalog.btrim(set_fee_translation.name), '');
begin
  perform app_private.check_translation(v_property, set_fee_translation.language);
  if pg_catalog.length(v_name) > 200 then
    raise exception using errcode = 'INVLD', hint = 'NAME', message = 'Name: at most 200 characters.';
  end if;
  if v_name is null then
    delete from app_public.fee_translations t
     where t.property_id = v_property and t.fee_id = set_fee_translation.fee_id and t.language = set_fee_translation.language;
    return null;
  end if;
  insert into app_public.fee_translations as t (property_id, fee_id, language, name)
  values (v_property, set_fee_translation.fee_id, set_fee_translation.language, v_name)
  on conflict on constraint fee_translations_pkey do update
     set name = excluded.name
   where t.name is distinct from excluded.name
  returning * into v_row;
  if v_row is null then
    select * into v_row from app_public.fee_translations t
     where t.property_id = v_property and t.fee_id = set_fee_translation.fee_id and t.language = set_fee_translation.language;
  end if;
  return v_row;
end;
$$;
comment on function app_public.set_fee_translation(uuid, text, text) is
  E'Saves a fee''s name in another language the guest app speaks (en, pt, es); guests reading in it see it instead of the fee''s own (`nameIn`). A blank name removes the translation (null returned). Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason LANGUAGE, NAME).';
--! EndIncluded booking/app_public.set_fee_translation.sql
grant execute on function app_public.set_fee_translation(uuid, text, text) to keepr_staff;
--! Included booking/app_hidden.property_translation.sql
-- The translation of the property's description and arrival instructions
-- the guest reads in `language` (issues 21 and 22): that language's row
-- of app_public.property_translations, unless the language is the property's own (its own
-- text is the base: a translation left from before the property changed its
-- language is kept but unused). For this table the one place the rule is; the
-- readers (`…_in` computed columns) and the notification load take their
-- texts through it. A set-returning SQL function with no SET clause and no
-- security definer, so Postgres inlines it into its caller's query (one
-- index probe; the property's language looked up only when a row matched).
-- Security invoker: the translation is read as the caller may read it.
create or replace function app_hidden.property_translation(property_id uuid, language text)
  returns setof app_public.property_translations
  language sql stable rows 1
as $$
  select t.* from app_public.property_translations t
   where t.property_id = property_translation.property_id
     and t.language = property_translation.language
     and t.language <> (select p.language from app_public.properties p where p.id = t.property_id);
$$;
comment on function app_hidden.property_translation(uuid, text) is
  E'The translation of app_public.property_translations that applies to a guest reading in `language`: none for the property''s own language.';
--! EndIncluded booking/app_hidden.property_translation.sql
--! Included booking/app_hidden.room_type_translation.sql
-- The translation of a room type's name and description
-- the guest reads in `language` (issues 21 and 22): that language's row
-- of app_public.room_type_translations, unless the language is the property's own (its own
-- text is the base: a translation left from before the property changed its
-- language is kept but unused). For this table the one place the rule is; the
-- readers (`…_in` computed columns) and the notification load take their
-- texts through it. A set-returning SQL function with no SET clause and no
-- security definer, so Postgres inlines it into its caller's query (one
-- index probe; the property's language looked up only when a row matched).
-- Security invoker: the translation is read as the caller may read it.
create or replace function app_hidden.room_type_translation(property_id uuid, room_type_id uuid, language text)
  returns setof app_public.room_type_translations
  language sql stable rows 1
as $$
  select t.* from app_public.room_type_translations t
   where t.property_id = room_type_translation.property_id and t.room_type_id = room_type_translation.room_type_id
     and t.language = room_type_translation.language
     and t.language <> (select p.language from app_public.properties p where p.id = t.property_id);
$$;
comment on function app_hidden.room_type_translation(uuid, uuid, text) is
  E'The translation of app_public.room_type_translations that applies to a guest reading in `language`: none for the property''s own language.';
--! EndIncluded booking/app_hidden.room_type_translation.sql
--! Included booking/app_hidden.rate_plan_translation.sql
-- The translation of a rate plan's name and description
-- the guest reads in `language` (issues 21 and 22): that language's row
-- of app_public.rate_plan_translations, unless the language is the property's own (its own
-- text is the base: a translation left from before the property changed its
-- language is kept but unused). For this table the one place the rule is; the
-- readers (`…_in` computed columns) and the notification load take their
-- texts through it. A set-returning SQL function with no SET clause and no
-- security definer, so Postgres inlines it into its caller's query (one
-- index probe; the property's language looked up only when a row matched).
-- Security invoker: the translation is read as the caller may read it.
create or replace function app_hidden.rate_plan_translation(property_id uuid, rate_plan_id uuid, language text)
  returns setof app_public.rate_plan_translations
  language sql stable rows 1
as $$
  select t.* from app_public.rate_plan_translations t
   where t.property_id = rate_plan_translation.property_id and t.rate_plan_id = rate_plan_translation.rate_plan_id
     and t.language = rate_plan_translation.language
     and t.language <> (select p.language from app_public.properties p where p.id = t.property_id);
$$;
comment on function app_hidden.rate_plan_translation(uuid, uuid, text) is
  E'The translation of app_public.rate_plan_translations that applies to a guest reading in `language`: none for the property''s own language.';
--! EndIncluded booking/app_hidden.rate_plan_translation.sql
--! Included booking/app_hidden.fee_translation.sql
-- The translation of a fee's name
-- the guest reads in `language` (issues 21 and 22): that language's row
-- of app_public.fee_translations, unless the language is the property's own (its own
-- text is the base: a translation left from before the property changed its
-- language is kept but unused). For this table the one place the rule is; the
-- readers (`…_in` computed columns) and the notification load take their
-- texts through it. A set-returning SQL function with no SET clause and no
-- security definer, so Postgres inlines it into its caller's query (one
-- index probe; the property's language looked up only when a row matched).
-- Security invoker: the translation is read as the caller may read it.
create or replace function app_hidden.fee_translation(property_id uuid, fee_id uuid, language text)
  returns setof app_public.fee_translations
  language sql stable rows 1
as $$
  select t.* from app_public.fee_translations t
   where t.property_id = fee_translation.property_id and t.fee_id = fee_translation.fee_id
     and t.language = fee_translation.language
     and t.language <> (select p.language from app_public.properties p where p.id = t.property_id);
$$;
comment on function app_hidden.fee_translation(uuid, uuid, text) is
  E'The translation of app_public.fee_translations that applies to a guest reading in `language`: none for the property''s own language.';
--! EndIncluded booking/app_hidden.fee_translation.sql
grant execute on function app_hidden.property_translation(uuid, text), app_hidden.room_type_translation(uuid, uuid, text),
  app_hidden.rate_plan_translation(uuid, uuid, text) to keepr_anonymous, keepr_worker;
-- The worker reads no fees (messages name none).
grant execute on function app_hidden.fee_translation(uuid, uuid, text) to keepr_anonymous;
--! Included booking/app_public.properties_description_in.sql
-- The property's description for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one (which one:
-- app_hidden.property_translation) and the caller may see its property, else the
-- property's own.
--
-- Cheap per row (a search calls it once per result): security definer, so
-- the translation is read without the translation table's policies, whose
-- sub-selects (the caller's properties) Postgres would set up again on every
-- call (150-600 µs a call as the caller; docs/benchmarks.md); the visibility
-- is checked here instead, and only when a translation was found: the
-- property published (with what it belongs to), or the caller's property. A
-- row value made up by the caller therefore reads nothing it could not
-- read otherwise.
create or replace function app_public.properties_description_in(property app_public.properties, language text) returns text
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return coalesce((select t.description from app_hidden.property_translation(property.id, properties_description_in.language) t
                    where exists (select 1 from app_public.properties p where p.id = property.id and p.is_published)
                   or property.id in (select app_hidden.current_property_ids())),
                  property.description);
end;
$$;
comment on function app_public.properties_description_in(app_public.properties, text) is
  E'The description in `language` (en, pt, es) when translated, else the property''s own.';
--! EndIncluded booking/app_public.properties_description_in.sql
--! Included booking/app_public.properties_arrival_instructions_in.sql
-- The property's arrival instructions for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one (which one:
-- app_hidden.property_translation) and the caller may see its property, else the
-- property's own.
--
-- Cheap per row (a search calls it once per result): security definer, so
-- the translation is read without the translation table's policies, whose
-- sub-selects (the caller's properties) Postgres would set up again on every
-- call (150-600 µs a call as the caller; docs/benchmarks.md); the visibility
-- is checked here instead, and only when a translation was found: the
-- property published (with what it belongs to), or the caller's property. A
-- row value made up by the caller therefore reads nothing it could not
-- read otherwise.
create or replace function app_public.properties_arrival_instructions_in(property app_public.properties, language text) returns text
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return coalesce((select t.arrival_instructions from app_hidden.property_translation(property.id, properties_arrival_instructions_in.language) t
                    where exists (select 1 from app_public.properties p where p.id = property.id and p.is_published)
                   or property.id in (select app_hidden.current_property_ids())),
                  property.arrival_instructions);
end;
$$;
comment on function app_public.properties_arrival_instructions_in(app_public.properties, text) is
  E'The arrival instructions in `language` (en, pt, es) when translated, else the property''s own.';
--! EndIncluded booking/app_public.properties_arrival_instructions_in.sql
--! Included booking/app_public.room_types_name_in.sql
-- A room type's name for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one (which one:
-- app_hidden.room_type_translation) and the caller may see its room type, else the
-- room type's own.
--
-- Cheap per row (a search calls it once per result): security definer, so
-- the translation is read without the translation table's policies, whose
-- sub-selects (the caller's properties) Postgres would set up again on every
-- call (150-600 µs a call as the caller; docs/benchmarks.md); the visibility
-- is checked here instead, and only when a translation was found: the
-- room type published (with what it belongs to), or the caller's property. A
-- row value made up by the caller therefore reads nothing it could not
-- read otherwise.
create or replace function app_public.room_types_name_in(room_type app_public.room_types, language text) returns text
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return coalesce((select t.name from app_hidden.room_type_translation(room_type.property_id, room_type.id, room_types_name_in.language) t
                    where exists (select 1 from app_public.room_types x join app_public.properties p on p.id = x.property_id
                            where x.property_id = room_type.property_id and x.id = room_type.id and x.is_published and p.is_published)
                   or room_type.property_id in (select app_hidden.current_property_ids())),
                  room_type.name);
end;
$$;
comment on function app_public.room_types_name_in(app_public.room_types, text) is
  E'The name in `language` (en, pt, es) when translated, else the room type''s own.';
--! EndIncluded booking/app_public.room_types_name_in.sql
--! Included booking/app_public.room_types_description_in.sql
-- A room type's description for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one (which one:
-- app_hidden.room_type_translation) and the caller may see its room type, else the
-- room type's own.
--
-- Cheap per row (a search calls it once per result): security definer, so
-- the translation is read without the translation table's policies, whose
-- sub-selects (the caller's properties) Postgres would set up again on every
-- call (150-600 µs a call as the caller; docs/benchmarks.md); the visibility
-- is checked here instead, and only when a translation was found: the
-- room type published (with what it belongs to), or the caller's property. A
-- row value made up by the caller therefore reads nothing it could not
-- read otherwise.
create or replace function app_public.room_types_description_in(room_type app_public.room_types, language text) returns text
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return coalesce((select t.description from app_hidden.room_type_translation(room_type.property_id, room_type.id, room_types_description_in.language) t
                    where exists (select 1 from app_public.room_types x join app_public.properties p on p.id = x.property_id
                            where x.property_id = room_type.property_id and x.id = room_type.id and x.is_published and p.is_published)
                   or room_type.property_id in (select app_hidden.current_property_ids())),
                  room_type.description);
end;
$$;
comment on function app_public.room_types_description_in(app_public.room_types, text) is
  E'The description in `language` (en, pt, es) when translated, else the room type''s own.';
--! EndIncluded booking/app_public.room_types_description_in.sql
--! Included booking/app_public.rate_plans_name_in.sql
-- A rate plan's name for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one (which one:
-- app_hidden.rate_plan_translation) and the caller may see its rate plan, else the
-- rate plan's own.
--
-- Cheap per row (a search calls it once per result): security definer, so
-- the translation is read without the translation table's policies, whose
-- sub-selects (the caller's properties) Postgres would set up again on every
-- call (150-600 µs a call as the caller; docs/benchmarks.md); the visibility
-- is checked here instead, and only when a translation was found: the
-- rate plan published (with what it belongs to), or the caller's property. A
-- row value made up by the caller therefore reads nothing it could not
-- read otherwise.
create or replace function app_public.rate_plans_name_in(rate_plan app_public.rate_plans, language text) returns text
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return coalesce((select t.name from app_hidden.rate_plan_translation(rate_plan.property_id, rate_plan.id, rate_plans_name_in.language) t
                    where exists (select 1 from app_public.rate_plans x
                              join app_public.room_types r on r.property_id = x.property_id and r.id = x.room_type_id
                              join app_public.properties p on p.id = x.property_id
                            where x.property_id = rate_plan.property_id and x.id = rate_plan.id and x.is_published and r.is_published and p.is_published)
                   or rate_plan.property_id in (select app_hidden.current_property_ids_for('cashiers'))),
                  rate_plan.name);
end;
$$;
comment on function app_public.rate_plans_name_in(app_public.rate_plans, text) is
  E'The name in `language` (en, pt, es) when translated, else the rate plan''s own.';
--! EndIncluded booking/app_public.rate_plans_name_in.sql
--! Included booking/app_public.rate_plans_description_in.sql
-- A rate plan's description for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one (which one:
-- app_hidden.rate_plan_translation) and the caller may see its rate plan, else the
-- rate plan's own.
--
-- Cheap per row (a search calls it once per result): security definer, so
-- the translation is read without the translation table's policies, whose
-- sub-selects (the caller's properties) Postgres would set up again on every
-- call (150-600 µs a call as the caller; docs/benchmarks.md); the visibility
-- is checked here instead, and only when a translation was found: the
-- rate plan published (with what it belongs to), or the caller's property. A
-- row value made up by the caller therefore reads nothing it could not
-- read otherwise.
create or replace function app_public.rate_plans_description_in(rate_plan app_public.rate_plans, language text) returns text
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return coalesce((select t.description from app_hidden.rate_plan_translation(rate_plan.property_id, rate_plan.id, rate_plans_description_in.language) t
                    where exists (select 1 from app_public.rate_plans x
                              join app_public.room_types r on r.property_id = x.property_id and r.id = x.room_type_id
                              join app_public.properties p on p.id = x.property_id
                            where x.property_id = rate_plan.property_id and x.id = rate_plan.id and x.is_published and r.is_published and p.is_published)
                   or rate_plan.property_id in (select app_hidden.current_property_ids_for('cashiers'))),
                  rate_plan.description);
end;
$$;
comment on function app_public.rate_plans_description_in(app_public.rate_plans, text) is
  E'The description in `language` (en, pt, es) when translated, else the rate plan''s own.';
--! EndIncluded booking/app_public.rate_plans_description_in.sql
--! Included booking/app_public.fees_name_in.sql
-- A fee's name for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one (which one:
-- app_hidden.fee_translation) and the caller may see its fee, else the
-- fee's own.
--
-- Cheap per row (a search calls it once per result): security definer, so
-- the translation is read without the translation table's policies, whose
-- sub-selects (the caller's properties) Postgres would set up again on every
-- call (150-600 µs a call as the caller; docs/benchmarks.md); the visibility
-- is checked here instead, and only when a translation was found: the
-- fee published (with what it belongs to), or the caller's property. A
-- row value made up by the caller therefore reads nothing it could not
-- read otherwise.
create or replace function app_public.fees_name_in(fee app_public.fees, language text) returns text
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return coalesce((select t.name from app_hidden.fee_translation(fee.property_id, fee.id, fees_name_in.language) t
                    where exists (select 1 from app_public.properties p where p.id = fee.property_id and p.is_published)
                   or fee.property_id in (select app_hidden.current_property_ids())),
                  fee.name);
end;
$$;
comment on function app_public.fees_name_in(app_public.fees, text) is
  E'The name in `language` (en, pt, es) when translated, else the fee''s own.';
--! EndIncluded booking/app_public.fees_name_in.sql
--! Included booking/app_public.availability_room_type_name_in.sql
-- A search result's room type name for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one (which one:
-- app_hidden.room_type_translation) and the caller may see its room type, else the
-- room type's own.
--
-- Cheap per row (a search calls it once per result): security definer, so
-- the translation is read without the translation table's policies, whose
-- sub-selects (the caller's properties) Postgres would set up again on every
-- call (150-600 µs a call as the caller; docs/benchmarks.md); the visibility
-- is checked here instead, and only when a translation was found: the
-- room type published (with what it belongs to), or the caller's property. A
-- row value made up by the caller therefore reads nothing it could not
-- read otherwise.
create or replace function app_public.availability_room_type_name_in(availability app_public.availability, language text) returns text
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return coalesce((select t.name from app_hidden.room_type_translation(availability.property_id, availability.room_type_id, availability_room_type_name_in.language) t
                    where exists (select 1 from app_public.room_types x join app_public.properties p on p.id = x.property_id
                            where x.property_id = availability.property_id and x.id = availability.room_type_id and x.is_published and p.is_published)
                   or availability.property_id in (select app_hidden.current_property_ids())),
                  availability.room_type_name);
end;
$$;
comment on function app_public.availability_room_type_name_in(app_public.availability, text) is
  E'@behavior -queryField\nThe room type''s name in `language` (en, pt, es) when translated, else the room type''s own.';
--! EndIncluded booking/app_public.availability_room_type_name_in.sql
--! Included booking/app_public.availability_rate_plan_name_in.sql
-- A search result's rate plan name for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one (which one:
-- app_hidden.rate_plan_translation) and the caller may see its rate plan, else the
-- rate plan's own.
--
-- Cheap per row (a search calls it once per result): security definer, so
-- the translation is read without the translation table's policies, whose
-- sub-selects (the caller's properties) Postgres would set up again on every
-- call (150-600 µs a call as the caller; docs/benchmarks.md); the visibility
-- is checked here instead, and only when a translation was found: the
-- rate plan published (with what it belongs to), or the caller's property. A
-- row value made up by the caller therefore reads nothing it could not
-- read otherwise.
create or replace function app_public.availability_rate_plan_name_in(availability app_public.availability, language text) returns text
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return coalesce((select t.name from app_hidden.rate_plan_translation(availability.property_id, availability.rate_plan_id, availability_rate_plan_name_in.language) t
                    where exists (select 1 from app_public.rate_plans x
                              join app_public.room_types r on r.property_id = x.property_id and r.id = x.room_type_id
                              join app_public.properties p on p.id = x.property_id
                            where x.property_id = availability.property_id and x.id = availability.rate_plan_id and x.is_published and r.is_published and p.is_published)
                   or availability.property_id in (select app_hidden.current_property_ids_for('cashiers'))),
                  availability.rate_plan_name);
end;
$$;
comment on function app_public.availability_rate_plan_name_in(app_public.availability, text) is
  E'@behavior -queryField\nThe rate plan''s name in `language` (en, pt, es) when translated, else the rate plan''s own.';
--! EndIncluded booking/app_public.availability_rate_plan_name_in.sql
grant execute on function app_public.room_types_name_in(app_public.room_types, text), app_public.room_types_description_in(app_public.room_types, text),
  app_public.rate_plans_name_in(app_public.rate_plans, text), app_public.rate_plans_description_in(app_public.rate_plans, text),
  app_public.availability_room_type_name_in(app_public.availability, text),
  app_public.availability_rate_plan_name_in(app_public.availability, text) to keepr_anonymous, keepr_worker;
grant execute on function app_public.fees_name_in(app_public.fees, text) to keepr_anonymous;

--! Included booking/app_private.tg_reservations__language.sql
-- The language the guest booked in (issues 21 and 22): the guest app's
-- chosen language, which the API passes as the transaction setting
-- keepr.language (server/graphql.ts, from the Keepr-Language header), taken
-- when the reservation is made (create_hold, create_group_hold,
-- create_desk_hold stay unaware of it). A value that is not a guest app
-- language is ignored, as is a language the insert gave itself. Messages are
-- written in coalesce(reservations.language, properties.language).
create or replace function app_private.tg_reservations__language() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_language text := pg_catalog.current_setting('keepr.language', true);
begin
  if new.language is null and v_language in ('en', 'pt', 'es') then
    new.language := v_language;
  end if;
  return new;
end;
$$;
comment on function app_private.tg_reservations__language() is
  E'Trigger: records the guest app language of the request that makes the reservation (setting keepr.language), when it is one.';
--! EndIncluded booking/app_private.tg_reservations__language.sql
drop trigger if exists _060_language on app_public.reservations;
create trigger _060_language before insert on app_public.reservations for each row execute function app_private.tg_reservations__language();
--! Included booking/app_public.set_reservation_language.sql
-- The language the guest is written to in (issues 21 and 22), set or
-- changed by the front desk (the guest's language, told at the desk or on
-- the phone); null clears it, and the property's language is used again.
-- Owners, managers and the front desk of the reservation's property
-- (NOT_FOUND for anyone else of no role there or an unknown id,
-- ACCESS_DENIED for housekeeping and accountants); INVALID_INPUT with
-- reason LANGUAGE for anything but a guest app language (en, pt, es).
-- Setting the same language again changes nothing: no key is needed.
create or replace function app_public.set_reservation_language(reservation_id uuid, language text) returns app_public.reservations
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
begin
  v_res := app_private.lock_reservation(set_reservation_language.reservation_id, app_hidden.staff_group_roles('front_office'), 'change the guest''s language');
  if set_reservation_language.language is not null and set_reservation_language.language not in ('en', 'pt', 'es') then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE', message = 'Language: one Keepr writes to guests in (en, pt, es), or none for the property''s.';
  end if;
  if v_res.language is distinct from set_reservation_language.language then
    update app_public.reservations r set language = set_reservation_language.language
     where r.property_id = v_res.property_id and r.id = v_res.id
    returning * into v_res;
  end if;
  return v_res;
end;
$$;
comment on function app_public.set_reservation_language(uuid, text) is
  E'Sets the language the guest is written to in (en, pt, es; null: the property''s). Owners, managers, front desk. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason LANGUAGE).';
--! EndIncluded booking/app_public.set_reservation_language.sql
grant execute on function app_public.set_reservation_language(uuid, text) to keepr_staff;
