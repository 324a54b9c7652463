-- The desk edits a guest profile from the Guests screens (issue 21): name,
-- email, phone, VIP, preferences and notes, in one statement, audited
-- (audit.events holds the old and new values; updated_at and updated_by say
-- when and by whom). Front office only (owner, manager, front desk):
-- ACCESS_DENIED for other staff of the property (housekeeping, accountant),
-- NOT_FOUND for anyone else and for an id that is no profile. Bad input gets
-- its own code: INVALID_NAME, INVALID_EMAIL, INVALID_PHONE, INVALID_INPUT
-- (reason PREFERENCES over 1000 characters, NOTES over 4000), and
-- GUEST_EMAIL_IN_USE when another profile of the property has the email
-- (merge the two instead). Blank preferences or notes clear them. Writing
-- the same values again changes nothing, so a retry needs no key.
create or replace function app_public.update_guest(guest_id uuid, full_name text, email text, phone text default null,
                                                   is_vip boolean default false, preferences text default null, notes text default null)
  returns app_public.guests
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_guest app_public.guests;
  v_name text := pg_catalog.btrim(full_name);
  v_email text := pg_catalog.lower(pg_catalog.btrim(email));
  v_phone text := nullif(pg_catalog.btrim(phone), '');
  v_vip boolean := coalesce(is_vip, false);
  v_preferences text := nullif(pg_catalog.btrim(preferences), '');
  v_notes text := nullif(pg_catalog.btrim(notes), '');
begin
  select * into v_guest from app_public.guests g where g.id = update_guest.guest_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such guest, or you cannot see them.';
  end if;
  perform app_private.require_staff(v_guest.property_id, app_hidden.staff_group_roles('front_office'), 'change guest profiles');
  if v_name is null or pg_catalog.length(v_name) < 1 or pg_catalog.length(v_name) > 200 then
    raise exception using errcode = 'INVNM', message = 'The guest''s full name (1 to 200 characters) is required.';
  end if;
  if v_email is null or pg_catalog.length(v_email) > 254 or v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  if v_phone is not null and v_phone !~ '^\+?[0-9 ()./-]{5,30}$' then
    raise exception using errcode = 'INVPH', message = 'That phone number does not look valid: digits, spaces and + ( ) . / - only, 5 to 30 of them.';
  end if;
  if pg_catalog.length(v_preferences) > 1000 then
    raise exception using errcode = 'INVLD', hint = 'PREFERENCES', message = 'Preferences are at most 1000 characters.';
  end if;
  if pg_catalog.length(v_notes) > 4000 then
    raise exception using errcode = 'INVLD', hint = 'NOTES', message = 'Notes are at most 4000 characters.';
  end if;
  if exists (select 1 from app_public.guests g
              where g.property_id = v_guest.property_id and g.email = v_email::citext and g.id <> v_guest.id) then
    raise exception using errcode = 'GSTEM',
      message = 'Another guest profile at this property already has this email. Keep this one''s email, or merge the two profiles.';
  end if;
  update app_public.guests g
     set full_name = v_name, email = v_email, phone = v_phone, is_vip = v_vip, preferences = v_preferences, notes = v_notes
   where g.property_id = v_guest.property_id and g.id = v_guest.id
     and (g.full_name, g.email::text, g.phone, g.is_vip, g.preferences, g.notes)
         is distinct from (v_name, v_email, v_phone, v_vip, v_preferences, v_notes)
  returning * into v_guest;
  if not found then
    select * into v_guest from app_public.guests g where g.property_id = v_guest.property_id and g.id = v_guest.id;
  end if;
  return v_guest;
end;
$$;
comment on function app_public.update_guest(uuid, text, text, text, boolean, text, text) is
  E'Edits a guest profile: name, email, phone, VIP, preferences (at most 1000 characters) and notes (at most 4000); audited. Front office staff. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_NAME, INVALID_EMAIL, INVALID_PHONE, INVALID_INPUT (reason PREFERENCES or NOTES), GUEST_EMAIL_IN_USE.';
