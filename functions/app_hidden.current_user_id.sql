-- The signed-in user: only while the session is live (not expired, not
-- revoked by logout), so a stolen token stops working at logout.
create or replace function app_hidden.current_user_id() returns uuid
  language sql stable security definer parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select s.user_id
    from app_private.sessions s
   where s.id = app_hidden.current_session_id()
     and s.revoked_at is null
     and s.expires_at > pg_catalog.now();
$$;
comment on function app_hidden.current_user_id() is
  E'The id of the user whose live session made this request, or null. Policies call it as (select app_hidden.current_user_id()).';
