-- Cleanup (cron): forgets sign-in links a day after they were asked for
-- (used or not: they work 15 minutes) and guest sessions 30 days after they
-- ended (expired or signed out).
create or replace function app_private.purge_guest_sign_ins() returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_links integer;
  v_sessions integer;
begin
  delete from app_private.guest_sign_in_requests r where r.created_at < pg_catalog.now() - interval '1 day';
  get diagnostics v_links = row_count;
  delete from app_private.guest_sessions s
   where coalesce(s.revoked_at, s.expires_at) < pg_catalog.now() - interval '30 days';
  get diagnostics v_sessions = row_count;
  return v_links + v_sessions;
end;
$$;
comment on function app_private.purge_guest_sign_ins() is
  E'Deletes sign-in links asked for over a day ago and guest sessions ended over 30 days ago; returns how many.';
