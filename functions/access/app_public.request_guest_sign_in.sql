-- Passwordless sign-in, step 1: emails a single-use link, valid 15 minutes,
-- to the address. The answer is the same (true) whether or not an account
-- exists for it, and nothing differs in what this does for one or the
-- other: the account is made when the link is used (signing up is the first
-- sign-in). The link's secret is derived from the request's id
-- (guest_sign_in_token); only its hash is stored. The email job is queued
-- in this transaction.
-- Throttled in Node per email and per client address (server/throttle.ts);
-- here, on top, at most 5 links per email in 15 minutes are sent (further
-- requests answer true and send nothing), so no one can flood a mailbox.
create or replace function app_public.request_guest_sign_in(email text, language text default null) returns boolean
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_email public.citext := pg_catalog.btrim(request_guest_sign_in.email)::public.citext;
  v_language text := coalesce(request_guest_sign_in.language, 'en');
  v_id uuid := gen_random_uuid();
begin
  if v_email is null or v_email::text !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(v_email::text) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  if not app_hidden.is_guest_language(v_language) then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE',
      message = pg_catalog.format('Language: one of %s.', (select pg_catalog.string_agg(l.code, ', ' order by l.code) from app_public.languages l where l.guest_facing));
  end if;
  -- One request at a time per email, so the count below and the new row are atomic.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('guest_sign_in:' || pg_catalog.lower(v_email::text), 0));
  delete from app_private.guest_sign_in_requests r
   where r.email = v_email and r.created_at < pg_catalog.now() - interval '1 day';
  if (select count(*) from app_private.guest_sign_in_requests r
       where r.email = v_email and r.created_at > pg_catalog.now() - interval '15 minutes') >= 5 then
    return true;
  end if;
  insert into app_private.guest_sign_in_requests (id, email, language, token_hash)
  values (v_id, v_email, v_language, public.digest(app_private.guest_sign_in_token(v_id), 'sha256'));
  perform app_private.add_job(
    'send_guest_sign_in_email',
    pg_catalog.json_build_object('id', v_id),
    job_key := 'send_guest_sign_in_email:' || v_id,
    max_attempts := 5
  );
  return true;
end;
$$;
comment on function app_public.request_guest_sign_in(text, text) is
  E'Emails a single-use sign-in link, valid 15 minutes, to a guest (the email''s language: a guest-facing one, en by default). Always answers true, whether or not the email has an account. Errors: INVALID_EMAIL, INVALID_INPUT (LANGUAGE); TOO_MANY_ATTEMPTS from the throttle.';
