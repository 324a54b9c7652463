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
