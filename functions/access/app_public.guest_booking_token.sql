-- The Manage page's token for one of the signed-in guest's bookings: the
-- same booking-scoped token lookupBooking gives (2 hours), for a
-- reservation attached to the account. NOT_FOUND for any other.
create or replace function app_public.guest_booking_token(reservation_id uuid) returns app_public.jwt_token
  language plpgsql stable strict security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_account_id uuid := app_hidden.current_guest_account_id();
begin
  if v_account_id is null then
    raise exception using errcode = 'LOGIN', message = 'Sign in to your guest account first.';
  end if;
  if not exists (select 1 from app_public.reservations r
                  where r.id = guest_booking_token.reservation_id
                    and r.guest_account_id = v_account_id) then
    raise exception using errcode = 'NTFND', message = 'No such record, or you may not see it.';
  end if;
  return ('keepr_anonymous', null, null,
          extract(epoch from pg_catalog.now() + interval '2 hours')::bigint, guest_booking_token.reservation_id, null)::app_public.jwt_token;
end;
$$;
comment on function app_public.guest_booking_token(uuid) is
  E'A booking token (2 hours, as lookupBooking''s) for a reservation of the signed-in guest account, to open it in Manage. Errors: LOGIN_REQUIRED, NOT_FOUND.';
