-- The signed-in guest account: only while its guest session is live (not
-- expired, not revoked by logout). A guest account's token carries the
-- session id of app_private.guest_sessions; a staff user's session id is in
-- app_private.sessions, which this never reads (and current_user_id never
-- reads guest_sessions), so neither identity can pass as the other.
create or replace function app_hidden.current_guest_account_id() returns uuid
  language plpgsql stable security definer parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_session_id uuid := app_hidden.current_session_id();
begin
  if v_session_id is null then
    return null;
  end if;
  return (
    select s.guest_account_id
      from app_private.guest_sessions s
     where s.id = v_session_id
       and s.revoked_at is null
       and s.expires_at > pg_catalog.now()
  );
end;
$$;
comment on function app_hidden.current_guest_account_id() is
  E'The id of the guest account whose live guest session made this request, or null. Policies call it as (select app_hidden.current_guest_account_id()).';
