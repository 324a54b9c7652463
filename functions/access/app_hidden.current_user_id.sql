-- The signed-in user: only while the session is live (not expired, not
-- revoked by logout), so a stolen token stops working at logout. plpgsql so
-- that anonymous requests (no session claim) return at once and the
-- session lookup's plan is cached: this runs in every policy, audit row and
-- idempotency check.
create or replace function app_hidden.current_user_id() returns uuid
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
    select s.user_id
      from app_private.sessions s
     where s.id = v_session_id
       and s.revoked_at is null
       and s.expires_at > pg_catalog.now()
  );
end;
$$;
comment on function app_hidden.current_user_id() is
  E'The id of the user whose live session made this request, or null. Policies call it as (select app_hidden.current_user_id()).';
