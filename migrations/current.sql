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

--! include booking/app_private.check_translation.sql
--! include booking/app_public.set_property_translation.sql
--! include booking/app_public.set_room_type_translation.sql
grant execute on function app_public.set_room_type_translation(uuid, text, text, text) to keepr_staff;
--! include booking/app_public.set_rate_plan_translation.sql
grant execute on function app_public.set_rate_plan_translation(uuid, text, text, text) to keepr_staff;
--! include booking/app_public.set_fee_translation.sql
grant execute on function app_public.set_fee_translation(uuid, text, text) to keepr_staff;
--! include booking/app_hidden.property_translation.sql
--! include booking/app_hidden.room_type_translation.sql
--! include booking/app_hidden.rate_plan_translation.sql
--! include booking/app_hidden.fee_translation.sql
grant execute on function app_hidden.property_translation(uuid, text), app_hidden.room_type_translation(uuid, uuid, text),
  app_hidden.rate_plan_translation(uuid, uuid, text) to keepr_anonymous, keepr_worker;
-- The worker reads no fees (messages name none).
grant execute on function app_hidden.fee_translation(uuid, uuid, text) to keepr_anonymous;
--! include booking/app_public.properties_description_in.sql
--! include booking/app_public.properties_arrival_instructions_in.sql
--! include booking/app_public.room_types_name_in.sql
--! include booking/app_public.room_types_description_in.sql
--! include booking/app_public.rate_plans_name_in.sql
--! include booking/app_public.rate_plans_description_in.sql
--! include booking/app_public.fees_name_in.sql
--! include booking/app_public.availability_room_type_name_in.sql
--! include booking/app_public.availability_rate_plan_name_in.sql
grant execute on function app_public.room_types_name_in(app_public.room_types, text), app_public.room_types_description_in(app_public.room_types, text),
  app_public.rate_plans_name_in(app_public.rate_plans, text), app_public.rate_plans_description_in(app_public.rate_plans, text),
  app_public.availability_room_type_name_in(app_public.availability, text),
  app_public.availability_rate_plan_name_in(app_public.availability, text) to keepr_anonymous, keepr_worker;
grant execute on function app_public.fees_name_in(app_public.fees, text) to keepr_anonymous;

--! include booking/app_private.tg_reservations__language.sql
drop trigger if exists _060_language on app_public.reservations;
create trigger _060_language before insert on app_public.reservations for each row execute function app_private.tg_reservations__language();
--! include booking/app_public.set_reservation_language.sql
grant execute on function app_public.set_reservation_language(uuid, text) to keepr_staff;
