create or replace function app_public.logout() returns boolean
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_ended boolean;
begin
  update app_private.sessions
     set revoked_at = pg_catalog.now()
   where id = app_hidden.current_session_id()
     and revoked_at is null;
  v_ended := found;
  -- A guest account's session (completeGuestSignIn) ends the same way.
  update app_private.guest_sessions
     set revoked_at = pg_catalog.now()
   where id = app_hidden.current_session_id()
     and revoked_at is null;
  return v_ended or found;
end;
$$;
comment on function app_public.logout() is
  E'Ends the current session (staff or guest account): its JWT stops working at once. Returns false when there was no live session.';
