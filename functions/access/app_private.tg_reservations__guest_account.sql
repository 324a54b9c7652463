-- A reservation made while a guest account is signed in belongs to it: the
-- hold (and so the booking it becomes) records the account of the request's
-- live guest session. Anonymous, booking-token and staff requests leave it
-- empty (app_hidden.current_guest_account_id() is null for them).
create or replace function app_private.tg_reservations__guest_account() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if new.guest_account_id is null and pg_catalog.current_setting('jwt.claims.session_id', true) <> '' then
    new.guest_account_id := app_hidden.current_guest_account_id();
  end if;
  return new;
end;
$$;
comment on function app_private.tg_reservations__guest_account() is
  E'Trigger: a reservation inserted by a signed-in guest account''s request belongs to that account.';
