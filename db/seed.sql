-- Demo data for development: two organizations, three properties (one not
-- yet published), room types, units, staff and a guest. Runs as the owner
-- on first start only (when there is no organization yet).
-- Every demo account's password is the setting keepr.demo_password, which
-- db/seed.ts sets for the transaction (the published 'keepr-demo-password'
-- outside production, DEMO_PASSWORD in production).
do $$
declare
  v_password text := current_setting('keepr.demo_password', true);
  v_harbour uuid; v_alpine uuid;
  v_hotel uuid; v_annex uuid; v_chalet uuid;
  v_double uuid; v_suite uuid; v_whole uuid; v_annex_type uuid;
  v_flex uuid; v_nonref uuid; v_suite_flex uuid; v_studio_flex uuid; v_chalet_week uuid;
  v_owner uuid; v_desk uuid; v_housekeeping uuid; v_supervisor uuid; v_attendant uuid; v_accountant uuid; v_host uuid; v_guest uuid;
begin
  if exists (select 1 from app_public.organizations) then
    raise notice 'seed: data present, nothing to do';
    return;
  end if;
  if coalesce(v_password, '') = '' then
    raise exception 'seed: set keepr.demo_password first (db/seed.ts does)';
  end if;

  insert into app_public.organizations (name, slug) values ('Harbour Hotels', 'harbour-hotels') returning id into v_harbour;
  insert into app_public.organizations (name, slug) values ('Alpine Cabins', 'alpine-cabins') returning id into v_alpine;

  insert into app_public.properties (organization_id, name, slug, kind, time_zone, currency, country_code, city, address, description, is_published)
  values (v_harbour, 'Harbour View Hotel', 'harbour-view-hotel', 'hotel', 'Europe/Lisbon', 'EUR', 'PT', 'Lisbon',
          'Rua do Cais 12, 1100-001 Lisboa', 'A 30-room hotel on the river front.', true)
  returning id into v_hotel;
  insert into app_public.properties (organization_id, name, slug, kind, time_zone, currency, country_code, city, description, is_published)
  values (v_harbour, 'Harbour Annex', 'harbour-annex', 'hotel', 'Europe/Lisbon', 'EUR', 'PT', 'Lisbon',
          'Opening soon.', false)
  returning id into v_annex;
  insert into app_public.properties (organization_id, name, slug, kind, time_zone, currency, country_code, city, address, description, is_published)
  values (v_alpine, 'Chalet Edelweiss', 'chalet-edelweiss', 'vacation_rental', 'Europe/Zurich', 'CHF', 'CH', 'Zermatt',
          'Wiestistrasse 4, 3920 Zermatt', 'A wooden chalet for eight with a view of the Matterhorn.', true)
  returning id into v_chalet;

  -- What their invoices show as the seller (issue 18).
  insert into app_public.property_legal_details (property_id, legal_name, address_line1, postal_code, city, country_code, vat_id,
                                                 registration, invoice_footer, email, phone)
  values (v_hotel, 'Harbour Hotels Lda', 'Rua do Cais 12', '1100-001', 'Lisboa', 'PT', 'PT509999990',
          'Conservatória do Registo Comercial de Lisboa 509999990',
          'Payable to Harbour Hotels Lda · IBAN PT50 0002 0123 1234 5678 9015 4 · BIC BPIPPTPL · Thank you for staying with us.',
          'accounts@harbour.example', '+351 210 000 000'),
         (v_chalet, 'Alpine Cabins AG', 'Wiestistrasse 4', '3920', 'Zermatt', 'CH', 'CHE-123.456.789 MWST',
          'Handelsregister des Kantons Wallis CHE-123.456.789',
          'Payable to Alpine Cabins AG · IBAN CH93 0076 2011 6238 5295 7 · Payment within 30 days.',
          'host@alpine.example', null);

  insert into app_public.room_types (property_id, name, description, max_occupancy)
  values (v_hotel, 'Double Room', 'Queen bed, river view.', 2) returning id into v_double;
  insert into app_public.room_types (property_id, name, description, max_occupancy)
  values (v_hotel, 'Family Suite', 'Two bedrooms, sleeps four.', 4) returning id into v_suite;
  insert into app_public.room_types (property_id, name, description, max_occupancy)
  values (v_annex, 'Studio', 'Kitchenette and queen bed.', 2) returning id into v_annex_type;
  insert into app_public.room_types (property_id, name, description, max_occupancy)
  values (v_chalet, 'Whole Chalet', 'Four bedrooms, sauna, ski room.', 8) returning id into v_whole;

  insert into app_public.units (property_id, room_type_id, name)
  select v_hotel, v_double, n::text from unnest(array[101, 102, 103, 104, 201, 202, 203, 204]) n;
  insert into app_public.units (property_id, room_type_id, name)
  select v_hotel, v_suite, n::text from unnest(array[301, 302]) n;
  insert into app_public.units (property_id, room_type_id, name) values (v_annex, v_annex_type, 'A1');
  insert into app_public.units (property_id, room_type_id, name) values (v_chalet, v_whole, 'Chalet Edelweiss');

  -- Photos (illustrations the guest app serves from web/public/photos) and
  -- amenities (codes the apps translate).
  update app_public.properties set photo_urls = '{/photos/harbour-view-hotel.svg}',
         amenities = '{wifi,restaurant,bar,elevator,airport_shuttle}' where id = v_hotel;
  update app_public.properties set photo_urls = '{/photos/chalet-edelweiss.svg}',
         amenities = '{wifi,parking,sauna,ski_storage,pets_allowed}' where id = v_chalet;
  -- Where they are and their policies (issue 22): codes the guest app words in each language.
  update app_public.properties set latitude = 38.7077, longitude = -9.1365, children_allowed = true,
         pets_policy = 'no', parking_policy = 'paid', parking_price_amount = 1800, parking_price_per = 'night',
         parking_location = 'nearby', parking_reservation_required = true, smoking_policy = 'no' where id = v_hotel;
  update app_public.properties set latitude = 46.0207, longitude = 7.7491, children_allowed = true, children_min_age = 6,
         pets_policy = 'yes', pet_fee_amount = 2500, pet_fee_per = 'stay', parking_policy = 'free',
         parking_location = 'on_site', parking_reservation_required = false, smoking_policy = 'designated_areas' where id = v_chalet;
  update app_public.room_types set photo_urls = '{/photos/double-room.svg,/photos/double-room-bath.svg}',
         amenities = '{wifi,air_conditioning,tv,minibar,river_view}' where id = v_double;
  update app_public.room_types set photo_urls = '{/photos/family-suite.svg,/photos/family-suite-lounge.svg}',
         amenities = '{wifi,air_conditioning,tv,bathtub,crib,workspace}' where id = v_suite;
  update app_public.room_types set photo_urls = '{/photos/studio.svg}', amenities = '{wifi,kitchenette,workspace}' where id = v_annex_type;
  update app_public.room_types set photo_urls = '{/photos/chalet-edelweiss.svg,/photos/chalet-living.svg}',
         amenities = '{wifi,kitchen,heating,mountain_view,balcony,tv}' where id = v_whole;

  insert into app_public.users (email, display_name) values ('owner@harbour.example', 'Olivia Owner') returning id into v_owner;
  insert into app_public.users (email, display_name) values ('desk@harbour.example', 'Diego Desk') returning id into v_desk;
  insert into app_public.users (email, display_name) values ('housekeeping@harbour.example', 'Hana Housekeeping') returning id into v_housekeeping;
  insert into app_public.users (email, display_name) values ('supervisor@harbour.example', 'Sofia Supervisor') returning id into v_supervisor;
  insert into app_public.users (email, display_name) values ('attendant@harbour.example', 'Ari Attendant') returning id into v_attendant;
  insert into app_public.users (email, display_name) values ('accounts@harbour.example', 'Aaron Accounts') returning id into v_accountant;
  insert into app_public.users (email, display_name) values ('host@alpine.example', 'Heidi Host') returning id into v_host;
  insert into app_public.users (email, display_name) values ('guest@example.com', 'Gwen Guest') returning id into v_guest;
  insert into app_private.user_secrets (user_id, password_hash)
  select id, public.crypt(v_password, public.gen_salt('bf', 10))
    from app_public.users where id in (v_owner, v_desk, v_housekeeping, v_supervisor, v_attendant, v_accountant, v_host, v_guest);

  insert into app_public.property_memberships (property_id, user_id, role) values
    (v_hotel, v_owner, 'owner'), (v_annex, v_owner, 'owner'),
    (v_hotel, v_desk, 'front_desk'),
    (v_hotel, v_housekeeping, 'housekeeping'),
    (v_hotel, v_supervisor, 'housekeeping_supervisor'),
    (v_hotel, v_attendant, 'housekeeping'),
    (v_hotel, v_accountant, 'accountant'),
    (v_chalet, v_host, 'owner');

  -- Rates: a flexible and a non-refundable plan at the hotel, weekend
  -- prices for a year, length-of-stay discounts, VAT (inclusive) and a
  -- city tax per person-night; the chalet with a minimum stay, a cleaning
  -- fee and a tourist tax.
  insert into app_public.rate_plans (property_id, room_type_id, name, description, currency, base_price, included_guests,
                                     extra_adult_fee, free_cancellation_days, cancellation_penalty_kind, cancellation_penalty_value)
  values (v_hotel, v_double, 'Flexible', 'Free cancellation until 2 days before arrival.', 'EUR', 12000, 2, 2500, 2, 'nights', 1)
  returning id into v_flex;
  insert into app_public.rate_plans (property_id, room_type_id, name, description, currency, base_price, included_guests, is_refundable)
  values (v_hotel, v_double, 'Non-refundable', 'Pay less, no changes.', 'EUR', 10200, 2, false)
  returning id into v_nonref;
  insert into app_public.rate_plans (property_id, room_type_id, name, description, currency, base_price, included_guests,
                                     extra_adult_fee, extra_child_fee, meal_plan, free_cancellation_days)
  values (v_hotel, v_suite, 'Family Flexible', 'Breakfast included.', 'EUR', 22000, 2, 3000, 1500, 'breakfast', 2)
  returning id into v_suite_flex;
  insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests, is_published)
  values (v_annex, v_annex_type, 'Flexible', 'EUR', 9000, 2, true)
  returning id into v_studio_flex;
  insert into app_public.rate_plans (property_id, room_type_id, name, description, currency, base_price, included_guests,
                                     extra_adult_fee, min_stay, free_cancellation_days, cancellation_penalty_kind, cancellation_penalty_value)
  values (v_chalet, v_whole, 'Chalet Week', 'Minimum three nights.', 'CHF', 45000, 6, 5000, 3, 30, 'percent', 50)
  returning id into v_chalet_week;

  -- Payment schedules: non-refundable is paid in full at booking; the chalet
  -- takes 30% at booking and the rest 30 days before arrival; the other
  -- plans are paid at check-in.
  update app_public.rate_plans set deposit_percent = 100 where id = v_nonref;
  update app_public.rate_plans set deposit_percent = 30, balance_due_days = 30 where id = v_chalet_week;
  -- The family plan prices children by age (issue 22): under 3 free, 3 to
  -- 11 €15 a night each, 12 and over as adults.
  update app_public.rate_plans
     set child_free_below_age = 3, child_adult_from_age = 12, child_supplement_amount = 1500
   where id = v_suite_flex;
  -- The chalet belongs to an owner; the host keeps 20% of its rental revenue.
  with o as (
    insert into app_public.owners (property_id, name, email, commission_percent)
    values (v_chalet, 'Familie Perren', 'perren@example.com', 20) returning id
  )
  update app_public.units u set owner_id = o.id from o where u.property_id = v_chalet;

  insert into app_public.rate_plan_los_discounts (property_id, rate_plan_id, min_nights, percent_off) values
    (v_hotel, v_flex, 7, 10), (v_hotel, v_flex, 28, 20), (v_chalet, v_chalet_week, 7, 15);

  insert into app_public.rate_calendar (property_id, rate_plan_id, date, price)
  select v_hotel, plan.id, d::date, round(plan.base_price * 1.2)::bigint
    from (values (v_flex, 12000), (v_nonref, 10200), (v_suite_flex, 22000)) plan(id, base_price)
    cross join generate_series(current_date, current_date + 365, interval '1 day') d
   where extract(isodow from d) in (5, 6);

  insert into app_public.fees (property_id, name, basis, amount, currency) values
    (v_chalet, 'Final cleaning', 'per_stay', 25000, 'CHF');
  insert into app_public.taxes (property_id, name, basis, percent, amount, currency, is_inclusive) values
    (v_hotel, 'VAT', 'percent_of_room', 6, null, 'EUR', true),
    (v_hotel, 'Lisbon city tax', 'per_person_night', null, 200, 'EUR', false),
    (v_chalet, 'VAT', 'percent_of_room', 3.8, null, 'CHF', true),
    (v_chalet, 'Tourist tax', 'per_person_night', null, 350, 'CHF', false);

  -- What the desk posts to folios (prices include VAT), and companies the
  -- hotel bills on account (each gets its city-ledger folio).
  insert into app_public.folio_extras (property_id, name, unit_price, currency, tax_id, sort_order)
  select v_hotel, x.name, x.price, 'EUR', (select t.id from app_public.taxes t where t.property_id = v_hotel and t.name = 'VAT'), x.sort_order
    from (values ('Minibar', 450, 1), ('Parking', 1800, 2), ('Breakfast', 1400, 3), ('Late check-out', 3000, 4)) x(name, price, sort_order);
  -- Guests may add three of them when they book (issue 22): breakfast per
  -- guest a night, parking a night (8 spaces), late check-out once.
  update app_public.folio_extras e
     set is_bookable = true, booking_basis = x.basis, max_quantity = x.max_quantity, daily_limit = x.daily_limit
    from (values ('Breakfast', 'per_guest_night', 1, null), ('Parking', 'per_night', 2, 8), ('Late check-out', 'per_stay', 1, null))
         x(name, basis, max_quantity, daily_limit)
   where e.property_id = v_hotel and e.name = x.name;
  insert into app_public.folio_extras (property_id, name, unit_price, currency, tax_id, sort_order)
  select v_chalet, x.name, x.price, 'CHF', (select t.id from app_public.taxes t where t.property_id = v_chalet and t.name = 'VAT'), x.sort_order
    from (values ('Firewood', 2500, 1), ('Late check-out', 8000, 2)) x(name, price, sort_order);
  -- A promo code to try on the guest app's Book step (issue 22): 10 % off the room.
  insert into app_public.promo_codes (property_id, code, percent_off, currency) values (v_hotel, 'WELCOME10', 10, 'EUR');
  insert into app_public.companies (property_id, name, legal_name, address_line1, postal_code, city, country, tax_id, email, payment_terms_days)
  values
    (v_hotel, 'Atlantic Travel', 'Atlantic Travel GmbH', 'Hafenstraße 3', '20457', 'Hamburg', 'DE', 'DE123456789', 'billing@atlantic-travel.example', 30),
    (v_hotel, 'Tejo Consulting', 'Tejo Consulting, Lda.', 'Avenida da Liberdade 110', '1250-146', 'Lisboa', 'PT', 'PT501234567', 'contas@tejo.example', 14);
end;
$$;
