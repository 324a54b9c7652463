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

--! include booking/app_public.update_property_content.sql
grant execute on function app_public.update_property_content(uuid, timestamptz, text, text[], text[], time, time, text, text, text, text,
  double precision, double precision, boolean, smallint, text, bigint, text, text, bigint, text, text, boolean, text) to keepr_staff;
