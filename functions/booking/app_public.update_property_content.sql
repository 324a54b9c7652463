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
