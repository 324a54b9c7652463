-- A guest without an account finds their booking by confirmation code and
-- email, and gets a booking-scoped token (2 hours) to view or cancel it.
create or replace function app_public.lookup_booking(confirmation_code text, email text) returns app_public.jwt_token
  language plpgsql volatile strict security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_id uuid;
begin
  select r.id into v_id
    from app_public.reservations r
    join app_public.guests g on g.property_id = r.property_id and g.id = r.guest_id
   where r.confirmation_code = pg_catalog.upper(pg_catalog.btrim(lookup_booking.confirmation_code))
     and g.email = pg_catalog.btrim(lookup_booking.email)::public.citext;
  if v_id is null then
    raise exception using errcode = 'NTFND', message = 'No booking matches that confirmation code and email address.';
  end if;
  return ('keepr_anonymous', null, null,
          extract(epoch from pg_catalog.now() + interval '2 hours')::bigint, v_id)::app_public.jwt_token;
end;
$$;
comment on function app_public.lookup_booking(text, text) is
  E'Finds a booking by confirmation code and email and returns a token, valid 2 hours, that can read and cancel that booking only. Errors: NTFND.';
