-- Opens a session for a user and returns the claims to sign as a JWT. The
-- token's role follows the user's standing: staff when they belong to any
-- property, guest otherwise. The token expires with the session.
create or replace function app_private.create_session(user_id uuid) returns app_public.jwt_token
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_session app_private.sessions;
begin
  insert into app_private.sessions (user_id)
  values (create_session.user_id)
  returning * into v_session;

  return (
    case when exists (select 1 from app_public.property_memberships m where m.user_id = create_session.user_id)
         then 'keepr_staff' else 'keepr_guest' end,
    v_session.id,
    create_session.user_id,
    extract(epoch from v_session.expires_at)::bigint,
    null,
    null
  )::app_public.jwt_token;
end;
$$;
comment on function app_private.create_session(uuid) is
  E'Creates a session row for the user and returns the JWT claims (role, session_id, sub, exp) for it.';
