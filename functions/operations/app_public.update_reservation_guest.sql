-- The desk corrects a booking's guest details from the reservation page
-- (issue 21): the name, email and phone of the guest's profile and of the
-- booking's contact, in one statement each, audited (the reservation's
-- contact change is in its history; the profile's in audit.events).
-- Front office only (owner, manager, front desk): ACCESS_DENIED for other
-- staff of the property, NOT_FOUND for anyone else. Bad input gets its own
-- code: INVALID_NAME, INVALID_EMAIL, INVALID_PHONE, and GUEST_EMAIL_IN_USE
-- when another guest profile of the property has that email (the two
-- profiles are one person to merge, not to overwrite). A hold (no guest
-- yet) is INVALID_TRANSITION. Writing the same values again changes
-- nothing, so a retry needs no idempotency key.
create or replace function app_public.update_reservation_guest(reservation_id uuid, full_name text, email text, phone text default null)
  returns app_public.reservations
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_name text := pg_catalog.btrim(full_name);
  v_email text := pg_catalog.lower(pg_catalog.btrim(email));
  v_phone text := nullif(pg_catalog.btrim(phone), '');
begin
  v_res := app_private.lock_reservation(update_reservation_guest.reservation_id, app_hidden.staff_group_roles('front_office'),
                                        'change guests'' details');
  if v_res.guest_id is null then
    perform app_private.invalid_transition(v_res, 'given guest details here (it is a hold: the details come with its confirmation)');
  end if;
  if v_name is null or pg_catalog.length(v_name) < 1 or pg_catalog.length(v_name) > 200 then
    raise exception using errcode = 'INVNM', message = 'The guest''s full name (1 to 200 characters) is required.';
  end if;
  if v_email is null or pg_catalog.length(v_email) > 254 or v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  if v_phone is not null and v_phone !~ '^\+?[0-9 ()./-]{5,30}$' then
    raise exception using errcode = 'INVPH', message = 'That phone number does not look valid: digits, spaces and + ( ) . / - only, 5 to 30 of them.';
  end if;
  if exists (select 1 from app_public.guests g
              where g.property_id = v_res.property_id and g.email = v_email::citext and g.id <> v_res.guest_id) then
    raise exception using errcode = 'GSTEM',
      message = 'Another guest profile at this property already has this email. Keep this one''s email, or merge the two profiles.';
  end if;
  update app_public.guests g
     set full_name = v_name, email = v_email, phone = v_phone
   where g.property_id = v_res.property_id and g.id = v_res.guest_id
     and (g.full_name, g.email::text, g.phone) is distinct from (v_name, v_email, v_phone);
  update app_public.reservations r
     set contact_name = v_name, contact_email = v_email, contact_phone = v_phone
   where r.property_id = v_res.property_id and r.id = v_res.id
     and (r.contact_name, r.contact_email::text, r.contact_phone) is distinct from (v_name, v_email, v_phone);
  return (select r from app_public.reservations r where r.property_id = v_res.property_id and r.id = v_res.id);
end;
$$;
comment on function app_public.update_reservation_guest(uuid, text, text, text) is
  E'Corrects the name, email and phone of a booking''s guest (their profile at the property and the booking''s contact); audited. Front office staff. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (a hold), INVALID_NAME, INVALID_EMAIL, INVALID_PHONE, GUEST_EMAIL_IN_USE.';
