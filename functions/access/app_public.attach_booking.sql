-- A signed-in guest attaches a booking made without their account: the
-- confirmation code and the email given for the booking must match. No
-- such booking, a wrong email and a booking already attached to another
-- account all get the same NOT_FOUND, so nothing is revealed. Guessing is
-- throttled in Node per email, per code and per client address
-- (server/throttle.ts), as lookupBooking is. Attaching again is a no-op.
create or replace function app_public.attach_booking(confirmation_code text, email text) returns app_public.reservations
  language plpgsql volatile strict security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_account_id uuid := app_hidden.current_guest_account_id();
  v_code text := pg_catalog.upper(pg_catalog.btrim(attach_booking.confirmation_code));
  v_email public.citext := pg_catalog.btrim(attach_booking.email)::public.citext;
  v_reservation app_public.reservations;
begin
  if v_account_id is null then
    raise exception using errcode = 'LOGIN', message = 'Sign in to your guest account first.';
  end if;
  update app_public.reservations r
     set guest_account_id = v_account_id
   where r.confirmation_code = v_code
     and r.contact_email = v_email
     and (r.guest_account_id is null or r.guest_account_id = v_account_id)
  returning * into v_reservation;
  if v_reservation.id is null then
    raise exception using errcode = 'NTFND', message = 'No booking matches that confirmation code and email.';
  end if;
  return v_reservation;
end;
$$;
comment on function app_public.attach_booking(text, text) is
  E'Attaches a booking to the signed-in guest account, given its confirmation code and the email it was booked with. Errors: LOGIN_REQUIRED, NOT_FOUND (the same for a wrong code, a wrong email or a booking of another account); TOO_MANY_ATTEMPTS from the throttle.';
