--! Previous: sha1:cbb6c6ca29e86898a687822ea008ca3a52608c67
--! Hash: sha1:1b3a93b9a6bfca5a7075a6f4ce74613b000cd17e
--! Message: Issue 22: a property's location and its policies (children, pets, parking, smoking) as codes, saved by update_property_content

-- Issue 22 (helper M): where the property is (latitude/longitude, both or
-- neither) and its structured policies (children, pets, parking, smoking)
-- as codes the apps translate; edited through update_property_content,
-- read by guests with the rest of a published property.
drop function if exists app_public.update_property_content(uuid, timestamptz, text, text[], text[], time, time, text, text, text, text);
drop function if exists app_public.update_property_content(uuid, timestamptz, text, text[], text[], time, time, text, text, text, text,
  double precision, double precision, boolean, smallint, text, bigint, text, text, bigint, text, text, boolean, text);

alter table app_public.properties
  add column if not exists latitude double precision,
  add column if not exists longitude double precision,
  add column if not exists children_allowed boolean,
  add column if not exists children_min_age smallint,
  add column if not exists pets_policy text,
  add column if not exists pet_fee_amount bigint,
  add column if not exists pet_fee_per text,
  add column if not exists parking_policy text,
  add column if not exists parking_price_amount bigint,
  add column if not exists parking_price_per text,
  add column if not exists parking_location text,
  add column if not exists parking_reservation_required boolean,
  add column if not exists smoking_policy text;

alter table app_public.properties
  drop constraint if exists properties_location_check,
  drop constraint if exists properties_children_check,
  drop constraint if exists properties_pets_check,
  drop constraint if exists properties_parking_check,
  drop constraint if exists properties_smoking_check;
alter table app_public.properties
  -- NaN and ±Infinity fail the ranges (NaN sorts above every number).
  add constraint properties_location_check check (
    (latitude is null) = (longitude is null)
    and latitude between -90 and 90 and longitude between -180 and 180),
  add constraint properties_children_check check (
    children_min_age is null or (children_allowed is true and children_min_age between 1 and 17)),
  add constraint properties_pets_check check (
    pets_policy in ('no', 'yes', 'on_request')
    and (pet_fee_amount is null) = (pet_fee_per is null)
    and (pet_fee_amount is null or (pets_policy in ('yes', 'on_request') and pet_fee_amount between 1 and 100000000 and pet_fee_per in ('night', 'stay')))),
  add constraint properties_parking_check check (
    parking_policy in ('none', 'free', 'paid')
    and (parking_policy = 'paid') = (parking_price_amount is not null)
    and (parking_price_amount is null) = (parking_price_per is null)
    and (parking_price_amount is null or (parking_price_amount between 1 and 100000000 and parking_price_per in ('night', 'stay')))
    and (parking_policy = 'none') = (parking_location is null)
    and (parking_policy = 'none') = (parking_reservation_required is null)
    and parking_location in ('on_site', 'nearby')
    and (parking_policy is not null or (parking_price_amount is null and parking_price_per is null
      and parking_location is null and parking_reservation_required is null))),
  add constraint properties_smoking_check check (smoking_policy in ('no', 'designated_areas'));

comment on column app_public.properties.latitude is 'Where the property is: latitude in degrees (WGS 84, -90 to 90), set together with longitude, or neither (the guest app then shows the address only).';
comment on column app_public.properties.longitude is 'Where the property is: longitude in degrees (WGS 84, -180 to 180), set together with latitude, or neither.';
comment on column app_public.properties.children_allowed is 'Whether children may stay (null: not stated, guests are told to ask).';
comment on column app_public.properties.children_min_age is 'The youngest age (1 to 17) of a child who may stay, when children are allowed from an age only; null: any age.';
comment on column app_public.properties.pets_policy is 'Pets: no, yes, on_request (null: not stated).';
comment on column app_public.properties.pet_fee_amount is 'What a pet costs, in minor units of the property''s currency, per pet_fee_per; null: free (or no pets).';
comment on column app_public.properties.pet_fee_per is 'What the pet fee is counted per: night or stay; set with pet_fee_amount.';
comment on column app_public.properties.parking_policy is 'Parking: none, free, paid (null: not stated).';
comment on column app_public.properties.parking_price_amount is 'What paid parking costs, in minor units of the property''s currency, per parking_price_per; set only when parking is paid.';
comment on column app_public.properties.parking_price_per is 'What the parking price is counted per: night or stay; set with parking_price_amount.';
comment on column app_public.properties.parking_location is 'Where guests park: on_site or nearby; set when there is parking.';
comment on column app_public.properties.parking_reservation_required is 'Whether a parking space must be reserved ahead; set when there is parking.';
comment on column app_public.properties.smoking_policy is 'Smoking: no (nowhere), designated_areas (null: not stated).';

-- No column grant: only update_property_content writes them, checking each with a reason.

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
  if update_property_content.language is null or update_property_content.language not in ('en', 'pt', 'de', 'fr', 'es') then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE', message = 'Language: one of en, pt, de, fr, es.';
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
grant execute on function app_public.update_property_content(uuid, timestamptz, text, text[], text[], time, time, text, text, text, text,
  double precision, double precision, boolean, smallint, text, bigint, text, text, bigint, text, text, boolean, text) to keepr_staff;
