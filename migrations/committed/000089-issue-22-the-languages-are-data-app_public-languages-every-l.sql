--! Previous: sha1:6a1fc0aa1819797c26bedb6e560db1b20791c413
--! Hash: sha1:d7d303158cca8b290e5e67d7404939d89a9a8b53
--! Message: Issue 22: the languages are data (app_public.languages); every language column references it; adding one is an insert

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

--! Included common/app_hidden.is_guest_language.sql
-- Whether a code is a language Keepr writes to guests in (issue 22): a row
-- of app_public.languages with guest_facing. The one test every function
-- that takes a guest language makes (translations, a reservation's and a
-- guest account's language, the sign-in email, the Keepr-Language header
-- through the reservations' trigger); the columns themselves only reference
-- app_public.languages (a foreign key), so a language later withdrawn from
-- guests keeps the rows written in it. Adding a language is an INSERT.
create or replace function app_hidden.is_guest_language(code text) returns boolean
  language sql stable strict parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select exists (select from app_public.languages l where l.code = is_guest_language.code and l.guest_facing);
$$;
comment on function app_hidden.is_guest_language(text) is
  E'Whether the code is a guest-facing language of app_public.languages.';
--! EndIncluded common/app_hidden.is_guest_language.sql
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
--! Included booking/app_private.tg_reservations__language.sql
-- The language the guest booked in (issues 21 and 22): the guest app's
-- chosen language, which the API passes as the transaction setting
-- keepr.language (server/graphql.ts, from the Keepr-Language header), taken
-- when the reservation is made (create_hold, create_group_hold,
-- create_desk_hold stay unaware of it). A value that is not a guest-facing
-- language of app_public.languages is ignored (the API passes any
-- well-formed code and this is where it is judged), as is a language the insert gave itself. Messages are
-- written in coalesce(reservations.language, properties.language).
create or replace function app_private.tg_reservations__language() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_language text := pg_catalog.current_setting('keepr.language', true);
begin
  if new.language is null and app_hidden.is_guest_language(v_language) then
    new.language := v_language;
  end if;
  return new;
end;
$$;
comment on function app_private.tg_reservations__language() is
  E'Trigger: records the guest app language of the request that makes the reservation (setting keepr.language), when it is one.';
--! EndIncluded booking/app_private.tg_reservations__language.sql
--! Included booking/app_private.check_translation.sql
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
--! EndIncluded booking/app_private.check_translation.sql
--! Included booking/app_public.set_reservation_language.sql
-- The language the guest is written to in (issues 21 and 22), set or
-- changed by the front desk (the guest's language, told at the desk or on
-- the phone); null clears it, and the property's language is used again.
-- Owners, managers and the front desk of the reservation's property
-- (NOT_FOUND for anyone else of no role there or an unknown id,
-- ACCESS_DENIED for housekeeping and accountants); INVALID_INPUT with
-- reason LANGUAGE for anything but a guest-facing language
-- (app_public.languages).
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
  if set_reservation_language.language is not null and not app_hidden.is_guest_language(set_reservation_language.language) then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE',
      message = pg_catalog.format('Language: one Keepr writes to guests in (%s), or none for the property''s.', (select pg_catalog.string_agg(l.code, ', ' order by l.code) from app_public.languages l where l.guest_facing));
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
  E'Sets the language the guest is written to in (a guest-facing language; null: the property''s). Owners, managers, front desk. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason LANGUAGE).';
--! EndIncluded booking/app_public.set_reservation_language.sql
--! Included booking/app_public.update_property_content.sql
-- Saves a property's guest-facing content in one step (issue 21, the
-- console's Property › Content): description, photos, amenities, check-in
-- and check-out times, contact email and phone, arrival instructions and
-- the language guests are written to in; and (issue 22) where it is
-- (latitude and longitude, both or neither) and its policies as codes the
-- apps translate: children (allowed, from what age), pets (no, yes,
-- on_request; a fee per night or stay), parking (none, free, paid with a
-- price per night or stay; on_site or nearby; reservation needed) and
-- smoking (no, designated_areas); null policies are "not stated". Owners and managers (the
-- properties' update_manager policy; NOT_FOUND for others of no
-- property role there, ACCESS_DENIED for other staff). Each field is
-- checked as the table's constraints check it, and a refusal names the
-- field: INVALID_INPUT with reason DESCRIPTION, PHOTO_URLS, AMENITIES,
-- CHECK_IN_TIME, CHECK_OUT_TIME, CONTACT_EMAIL, CONTACT_PHONE,
-- ARRIVAL_INSTRUCTIONS, LANGUAGE, LATITUDE, LONGITUDE, CHILDREN_MIN_AGE,
-- PETS, PET_FEE, PARKING, PARKING_PRICE, PARKING_LOCATION,
-- PARKING_RESERVATION or SMOKING. Blank texts are saved as none.
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
  language text,
  latitude double precision,
  longitude double precision,
  children_allowed boolean,
  children_min_age smallint,
  pets_policy text,
  pet_fee_amount bigint,
  pet_fee_per text,
  parking_policy text,
  parking_price_amount bigint,
  parking_price_per text,
  parking_location text,
  parking_reservation_required boolean,
  smoking_policy text
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
  if update_property_content.language is null or not exists (select from app_public.languages l where l.code = update_property_content.language) then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE',
      message = pg_catalog.format('Language: one of %s.', (select pg_catalog.string_agg(l.code, ', ' order by l.code) from app_public.languages l));
  end if;
  -- Where it is: both or neither; NaN and ±Infinity fail the ranges.
  if (update_property_content.latitude is null) <> (update_property_content.longitude is null) then
    raise exception using errcode = 'INVLD', hint = case when update_property_content.latitude is null then 'LATITUDE' else 'LONGITUDE' end,
      message = 'Location: give both latitude and longitude, or neither.';
  end if;
  if not coalesce(update_property_content.latitude between -90 and 90, true) then
    raise exception using errcode = 'INVLD', hint = 'LATITUDE', message = 'Latitude: degrees from -90 to 90, such as 38.7223.';
  end if;
  if not coalesce(update_property_content.longitude between -180 and 180, true) then
    raise exception using errcode = 'INVLD', hint = 'LONGITUDE', message = 'Longitude: degrees from -180 to 180, such as -9.1393.';
  end if;
  if update_property_content.children_min_age is not null
     and (update_property_content.children_allowed is not true or update_property_content.children_min_age not between 1 and 17) then
    raise exception using errcode = 'INVLD', hint = 'CHILDREN_MIN_AGE',
      message = 'Children''s minimum age: 1 to 17, and only when children are allowed (leave it empty for any age).';
  end if;
  if update_property_content.pets_policy not in ('no', 'yes', 'on_request') then
    raise exception using errcode = 'INVLD', hint = 'PETS', message = 'Pets: no, yes or on request.';
  end if;
  if update_property_content.pet_fee_amount is not null
     and (coalesce(update_property_content.pets_policy, 'no') = 'no' or update_property_content.pet_fee_amount not between 1 and 100000000
          or update_property_content.pet_fee_per is null or update_property_content.pet_fee_per not in ('night', 'stay'))
     or update_property_content.pet_fee_amount is null and update_property_content.pet_fee_per is not null then
    raise exception using errcode = 'INVLD', hint = 'PET_FEE',
      message = 'Pet fee: an amount above zero per night or per stay, only when pets are allowed (leave it empty when they stay free).';
  end if;
  if update_property_content.parking_policy not in ('none', 'free', 'paid')
     or update_property_content.parking_policy is null
        and (update_property_content.parking_price_amount is not null or update_property_content.parking_location is not null
             or update_property_content.parking_reservation_required is not null) then
    raise exception using errcode = 'INVLD', hint = 'PARKING', message = 'Parking: none, free or paid (say which before its details).';
  end if;
  if (update_property_content.parking_policy = 'paid') is distinct from (update_property_content.parking_price_amount is not null)
       and update_property_content.parking_policy is not null
     or update_property_content.parking_price_amount is not null
        and (update_property_content.parking_price_amount not between 1 and 100000000
             or update_property_content.parking_price_per is null or update_property_content.parking_price_per not in ('night', 'stay'))
     or update_property_content.parking_price_amount is null and update_property_content.parking_price_per is not null then
    raise exception using errcode = 'INVLD', hint = 'PARKING_PRICE',
      message = 'Parking price: an amount above zero per night or per stay when parking is paid, and none otherwise.';
  end if;
  if update_property_content.parking_policy in ('free', 'paid') and coalesce(update_property_content.parking_location not in ('on_site', 'nearby'), true)
     or update_property_content.parking_policy = 'none' and update_property_content.parking_location is not null then
    raise exception using errcode = 'INVLD', hint = 'PARKING_LOCATION', message = 'Parking place: on site or nearby, when there is parking.';
  end if;
  if (update_property_content.parking_policy in ('free', 'paid')) is distinct from (update_property_content.parking_reservation_required is not null)
     and update_property_content.parking_policy is not null then
    raise exception using errcode = 'INVLD', hint = 'PARKING_RESERVATION',
      message = 'Parking reservation: say whether a space must be reserved, when there is parking.';
  end if;
  if update_property_content.smoking_policy not in ('no', 'designated_areas') then
    raise exception using errcode = 'INVLD', hint = 'SMOKING', message = 'Smoking: no, or in designated areas.';
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
         language = update_property_content.language,
         latitude = update_property_content.latitude, longitude = update_property_content.longitude,
         children_allowed = update_property_content.children_allowed, children_min_age = update_property_content.children_min_age,
         pets_policy = update_property_content.pets_policy, pet_fee_amount = update_property_content.pet_fee_amount,
         pet_fee_per = update_property_content.pet_fee_per, parking_policy = update_property_content.parking_policy,
         parking_price_amount = update_property_content.parking_price_amount, parking_price_per = update_property_content.parking_price_per,
         parking_location = update_property_content.parking_location,
         parking_reservation_required = update_property_content.parking_reservation_required,
         smoking_policy = update_property_content.smoking_policy
   where p.id = update_property_content.property_id
  returning * into v_property;
  return v_property;
end;
$$;
comment on function app_public.update_property_content(uuid, timestamptz, text, text[], text[], time, time, text, text, text, text,
  double precision, double precision, boolean, smallint, text, bigint, text, text, bigint, text, text, boolean, text) is
  E'Saves the property''s guest-facing content in one step (description, photos, amenities, check-in and check-out times, contact email and phone, arrival instructions, language, latitude and longitude (both or neither), and the policies as codes: childrenAllowed and childrenMinAge (1-17), petsPolicy (no, yes, on_request) with petFeeAmount and petFeePer (night, stay), parkingPolicy (none, free, paid) with parkingPriceAmount and parkingPricePer (paid only), parkingLocation (on_site, nearby) and parkingReservationRequired (when there is parking), smokingPolicy (no, designated_areas); a null policy is not stated); blank texts are saved as none. `expectedUpdatedAt`: the property''s updatedAt as the editor read it (null: no check). Owners and managers. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason the field: DESCRIPTION, PHOTO_URLS, AMENITIES, CHECK_IN_TIME, CHECK_OUT_TIME, CONTACT_EMAIL, CONTACT_PHONE, ARRIVAL_INSTRUCTIONS, LANGUAGE, LATITUDE, LONGITUDE, CHILDREN_MIN_AGE, PETS, PET_FEE, PARKING, PARKING_PRICE, PARKING_LOCATION, PARKING_RESERVATION, SMOKING), INVALID_TRANSITION (reason CHANGED: saved by someone else since it was read).';
--! EndIncluded booking/app_public.update_property_content.sql
--! Included access/app_public.request_guest_sign_in.sql
-- Passwordless sign-in, step 1: emails a single-use link, valid 15 minutes,
-- to the address. The answer is the same (true) whether or not an account
-- exists for it, and nothing differs in what this does for one or the
-- other: the account is made when the link is used (signing up is the first
-- sign-in). The link's secret is derived from the request's id
-- (guest_sign_in_token); only its hash is stored. The email job is queued
-- in this transaction.
-- Throttled in Node per email and per client address (server/throttle.ts);
-- here, on top, at most 5 links per email in 15 minutes are sent (further
-- requests answer true and send nothing), so no one can flood a mailbox.
create or replace function app_public.request_guest_sign_in(email text, language text default null) returns boolean
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_email public.citext := pg_catalog.btrim(request_guest_sign_in.email)::public.citext;
  v_language text := coalesce(request_guest_sign_in.language, 'en');
  v_id uuid := gen_random_uuid();
begin
  if v_email is null or v_email::text !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(v_email::text) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  if not app_hidden.is_guest_language(v_language) then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE',
      message = pg_catalog.format('Language: one of %s.', (select pg_catalog.string_agg(l.code, ', ' order by l.code) from app_public.languages l where l.guest_facing));
  end if;
  -- One request at a time per email, so the count below and the new row are atomic.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('guest_sign_in:' || pg_catalog.lower(v_email::text), 0));
  delete from app_private.guest_sign_in_requests r
   where r.email = v_email and r.created_at < pg_catalog.now() - interval '1 day';
  if (select count(*) from app_private.guest_sign_in_requests r
       where r.email = v_email and r.created_at > pg_catalog.now() - interval '15 minutes') >= 5 then
    return true;
  end if;
  insert into app_private.guest_sign_in_requests (id, email, language, token_hash)
  values (v_id, v_email, v_language, public.digest(app_private.guest_sign_in_token(v_id), 'sha256'));
  perform app_private.add_job(
    'send_guest_sign_in_email',
    pg_catalog.json_build_object('id', v_id),
    job_key := 'send_guest_sign_in_email:' || v_id,
    max_attempts := 5
  );
  return true;
end;
$$;
comment on function app_public.request_guest_sign_in(text, text) is
  E'Emails a single-use sign-in link, valid 15 minutes, to a guest (the email''s language: a guest-facing one, en by default). Always answers true, whether or not the email has an account. Errors: INVALID_EMAIL, INVALID_INPUT (LANGUAGE); TOO_MANY_ATTEMPTS from the throttle.';
--! EndIncluded access/app_public.request_guest_sign_in.sql
--! Included access/app_public.update_guest_account.sql
-- The signed-in guest saves the details the booking form fills in for them.
-- Empty or blank texts clear a detail.
create or replace function app_public.update_guest_account(
  full_name text default null,
  phone text default null,
  country text default null,
  language text default null
) returns app_public.guest_accounts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_id uuid := app_hidden.current_guest_account_id();
  v_name text := nullif(pg_catalog.btrim(update_guest_account.full_name), '');
  v_phone text := nullif(pg_catalog.btrim(update_guest_account.phone), '');
  v_country text := pg_catalog.upper(nullif(pg_catalog.btrim(update_guest_account.country), ''));
  v_language text := nullif(pg_catalog.btrim(update_guest_account.language), '');
  v_account app_public.guest_accounts;
begin
  if v_id is null then
    raise exception using errcode = 'LOGIN', message = 'Sign in to your guest account first.';
  end if;
  if pg_catalog.length(v_name) > 200 then
    raise exception using errcode = 'INVNM', message = 'A name can be at most 200 characters long.';
  end if;
  if v_phone !~ '^\+?[0-9 ()./-]{5,30}$' then
    raise exception using errcode = 'INVPH', message = 'That phone number does not look valid.';
  end if;
  if not app_hidden.is_country_code(v_country) then
    raise exception using errcode = 'INVLD', hint = 'COUNTRY', message = 'The country is a two-letter ISO code, such as PT or DE.';
  end if;
  if v_language is not null and not app_hidden.is_guest_language(v_language) then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE',
      message = pg_catalog.format('Language: one of %s.', (select pg_catalog.string_agg(l.code, ', ' order by l.code) from app_public.languages l where l.guest_facing));
  end if;
  update app_public.guest_accounts a
     set full_name = v_name, phone = v_phone, country = v_country, language = coalesce(v_language, a.language)
   where a.id = v_id
  returning * into v_account;
  return v_account;
end;
$$;
comment on function app_public.update_guest_account(text, text, text, text) is
  E'Saves the signed-in guest''s details (name, phone, country, language en/pt/es); a blank text clears one. Errors: LOGIN_REQUIRED, INVALID_NAME, INVALID_PHONE, INVALID_INPUT (COUNTRY, LANGUAGE).';
--! EndIncluded access/app_public.update_guest_account.sql
