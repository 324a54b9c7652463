-- Issue 22: adding a language is only data. The languages Keepr knows are the
-- rows of app_public.languages (reference data, written by migrations as the
-- owner); guest_facing ones are those it writes to guests in (the guest app,
-- translations, a reservation's and a guest account's language). Every
-- language column references it instead of a CHECK list, and the functions
-- that took a list ask app_hidden.is_guest_language (or the table) instead.
-- Where a column must hold a guest language, the foreign key says "a language
-- Keepr knows" and the writing function says "one guests are offered": a
-- composite key on (language, guest_facing) would refuse to withdraw a
-- language from guests while rows are written in it, and every write path of
-- those columns is a function that checks.
create table if not exists app_public.languages (
  code text primary key,
  english_name text not null,
  own_name text not null,
  guest_facing boolean not null default false,
  -- A BCP 47 primary language subtag as Keepr writes it: the ISO 639 code, lower case (en, pt, fil).
  constraint languages_code_check check (code ~ '^[a-z]{2,3}$'),
  constraint languages_english_name_check check (pg_catalog.length(english_name) between 1 and 60),
  constraint languages_own_name_check check (pg_catalog.length(own_name) between 1 and 60)
);
alter table app_public.languages enable row level security;
drop policy if exists select_all on app_public.languages;
create policy select_all on app_public.languages for select using (true);
grant select on app_public.languages to keepr_anonymous;
grant select on app_public.languages to keepr_worker;
comment on table app_public.languages is E'The languages Keepr knows (reference data, written by migrations). A property and its templates may be in any; guest_facing ones are offered to guests: the guest app, translations, a reservation''s and a guest account''s language. Adding one is an INSERT.';
comment on column app_public.languages.code is 'The BCP 47 primary language subtag, lower case (en, pt, es).';
comment on column app_public.languages.english_name is 'The language''s name in English.';
comment on column app_public.languages.own_name is 'The language''s name in itself (what a language picker shows).';
comment on column app_public.languages.guest_facing is 'Offered to guests: translations, a reservation''s and a guest account''s language, the guest app (which needs its catalogue too).';

insert into app_public.languages (code, english_name, own_name, guest_facing) values
  ('en', 'English', 'English', true),
  ('pt', 'Portuguese', 'Português', true),
  ('es', 'Spanish', 'Español', true),
  ('de', 'German', 'Deutsch', false),
  ('fr', 'French', 'Français', false)
on conflict (code) do nothing;

--! include common/app_hidden.is_guest_language.sql
grant execute on function app_hidden.is_guest_language(text) to keepr_anonymous;
grant execute on function app_hidden.is_guest_language(text) to keepr_worker;

-- The CHECK lists become foreign keys (hidden from the API: a language is a code).
do $$
declare
  t record;
begin
  for t in select * from (values
      ('app_public', 'properties'), ('app_public', 'notification_templates'), ('app_public', 'reservations'),
      ('app_public', 'guest_accounts'), ('app_private', 'guest_sign_in_requests'), ('app_public', 'property_translations'),
      ('app_public', 'room_type_translations'), ('app_public', 'rate_plan_translations'), ('app_public', 'fee_translations')
    ) as v(schema_name, table_name)
  loop
    execute pg_catalog.format('alter table %I.%I drop constraint if exists %I', t.schema_name, t.table_name, t.table_name || '_language_check');
    execute pg_catalog.format('alter table %I.%I drop constraint if exists %I', t.schema_name, t.table_name, t.table_name || '_language_fkey');
    execute pg_catalog.format('alter table %I.%I add constraint %I foreign key (language) references app_public.languages (code)',
      t.schema_name, t.table_name, t.table_name || '_language_fkey');
    if t.schema_name = 'app_public' then
      execute pg_catalog.format('comment on constraint %I on %I.%I is %L', t.table_name || '_language_fkey', t.schema_name, t.table_name, '@behavior -*');
    end if;
  end loop;
end;
$$;

comment on column app_public.properties.language is 'The language guests are written to in (a language of app_public.languages; templates exist for en and pt, others fall back to en).';
comment on column app_public.reservations.language is 'The language the guest is written to in (a guest-facing language): the guest app''s when a guest booked, the front desk''s choice (setReservationLanguage); none: the property''s language.';
comment on column app_public.guest_accounts.language is 'The guest app''s and the emails'' language: a guest-facing language.';
comment on column app_public.property_translations.language is 'A guest-facing language other than the property''s own.';
comment on column app_public.room_type_translations.language is 'A guest-facing language other than the property''s own.';
comment on column app_public.rate_plan_translations.language is 'A guest-facing language other than the property''s own.';
comment on column app_public.fee_translations.language is 'A guest-facing language other than the property''s own.';

-- The functions that listed languages now ask the table.
--! include booking/app_private.tg_reservations__language.sql
--! include booking/app_private.check_translation.sql
--! include booking/app_public.set_reservation_language.sql
--! include booking/app_public.update_property_content.sql
--! include access/app_public.request_guest_sign_in.sql
--! include access/app_public.update_guest_account.sql
