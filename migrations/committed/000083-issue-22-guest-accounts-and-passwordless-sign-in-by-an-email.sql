--! Previous: sha1:1b3a93b9a6bfca5a7075a6f4ce74613b000cd17e
--! Hash: sha1:2d7103c4dc5112a062c5c05df0da85d3d6b3f6ac
--! Message: Issue 22: guest accounts and passwordless sign-in by an emailed link; my bookings, attach by code and email, saved details

-- Issue 22: guest accounts and passwordless sign-in (docs/security.md#guest-accounts).
-- A guest account is its own table, not a user: staff rights come only from
-- property_memberships of app_public.users through app_private.sessions, and
-- a guest account has neither (its sessions are app_private.guest_sessions).
-- Sign-in is by an emailed single-use link (request_guest_sign_in,
-- complete_guest_sign_in); the first sign-in creates the account.
drop function if exists app_public.guest_booking_token(uuid);
drop function if exists app_public.my_bookings();
drop function if exists app_public.attach_booking(text, text);
drop function if exists app_public.update_guest_account(text, text, text, text);
drop function if exists app_public.current_guest_account();
drop function if exists app_public.complete_guest_sign_in(text);
drop function if exists app_private.guest_sign_in_email(uuid);
drop function if exists app_public.request_guest_sign_in(text, text);
drop trigger if exists _060_guest_account on app_public.reservations;
drop function if exists app_private.tg_reservations__guest_account();

--! Included access/app_hidden.current_guest_account_id.sql
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
--! EndIncluded access/app_hidden.current_guest_account_id.sql

create table if not exists app_public.guest_accounts (
  id uuid primary key default gen_random_uuid(),
  email public.citext not null constraint guest_accounts_email_key unique
    constraint guest_accounts_email_check check (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' and pg_catalog.length(email::text) <= 254),
  full_name text constraint guest_accounts_full_name_check check (pg_catalog.length(full_name) between 1 and 200),
  phone text constraint guest_accounts_phone_check check (phone ~ '^\+?[0-9 ()./-]{5,30}$'),
  country text constraint guest_accounts_country_check check (app_hidden.is_country_code(country)),
  language text not null default 'en' constraint guest_accounts_language_check check (language in ('en', 'pt', 'es')),
  last_sign_in_at timestamptz,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now()
);
comment on table app_public.guest_accounts is
  E'A guest''s account (issue 22): their saved details and, through reservations.guest_account_id, their bookings. Not a user: it never holds staff rights. Created by the first completeGuestSignIn of an email.';
comment on column app_public.guest_accounts.email is E'The address sign-in links go to; unique, case-insensitively.';
comment on column app_public.guest_accounts.full_name is E'The name the booking form fills in.';
comment on column app_public.guest_accounts.phone is E'The phone number the booking form fills in.';
comment on column app_public.guest_accounts.country is E'ISO 3166-1 alpha-2 country code.';
comment on column app_public.guest_accounts.language is E'The guest app''s and the emails'' language: en, pt or es.';
comment on column app_public.guest_accounts.last_sign_in_at is E'When the account last signed in.';
alter table app_public.guest_accounts enable row level security;
drop trigger if exists _100_timestamps on app_public.guest_accounts;
create trigger _100_timestamps before insert or update on app_public.guest_accounts
  for each row execute function app_private.tg__timestamps();
drop trigger if exists _500_audit on app_public.guest_accounts;
create trigger _500_audit after insert or update or delete on app_public.guest_accounts
  for each row execute function audit.tg__record();
drop policy if exists select_own on app_public.guest_accounts;
create policy select_own on app_public.guest_accounts for select to keepr_guest
  using (id = (select app_hidden.current_guest_account_id()));
drop policy if exists worker_all on app_public.guest_accounts;
create policy worker_all on app_public.guest_accounts for select to keepr_worker using (true);
grant select on app_public.guest_accounts to keepr_guest, keepr_worker;

create table if not exists app_private.guest_sessions (
  id uuid primary key default gen_random_uuid(),
  guest_account_id uuid not null references app_public.guest_accounts on delete cascade,
  created_at timestamptz not null default pg_catalog.now(),
  expires_at timestamptz not null default pg_catalog.now() + interval '30 days',
  revoked_at timestamptz
);
create index if not exists guest_sessions_guest_account_id_idx on app_private.guest_sessions (guest_account_id);
create index if not exists guest_sessions_ended_idx on app_private.guest_sessions ((coalesce(revoked_at, expires_at)));
comment on table app_private.guest_sessions is
  E'Guest accounts'' sign-in sessions; a guest token is valid only while its session is live (logout revokes it).';

create table if not exists app_private.guest_sign_in_requests (
  id uuid primary key,
  email public.citext not null,
  language text not null check (language in ('en', 'pt', 'es')),
  token_hash bytea not null constraint guest_sign_in_requests_token_hash_key unique,
  created_at timestamptz not null default pg_catalog.now(),
  expires_at timestamptz not null default pg_catalog.now() + interval '15 minutes',
  used_at timestamptz
);
create index if not exists guest_sign_in_requests_email_idx on app_private.guest_sign_in_requests (email, created_at);
create index if not exists guest_sign_in_requests_created_at_idx on app_private.guest_sign_in_requests (created_at);
comment on table app_private.guest_sign_in_requests is
  E'Emailed sign-in links: the SHA-256 of each link''s secret (never the secret), its expiry (15 minutes) and when it was used (once).';

insert into app_private.signing_keys (name) values ('guest_sign_in') on conflict (name) do nothing;

alter table app_public.reservations
  add column if not exists guest_account_id uuid references app_public.guest_accounts on delete set null;
comment on column app_public.reservations.guest_account_id is
  E'The guest account the booking belongs to: booked while signed in, or attached with attachBooking.';
create index if not exists reservations_guest_account_idx on app_public.reservations (guest_account_id, lower(stay)) where guest_account_id is not null;
drop policy if exists select_guest_account on app_public.reservations;
create policy select_guest_account on app_public.reservations for select to keepr_guest
  using (guest_account_id = (select app_hidden.current_guest_account_id()));
drop policy if exists select_guest_account on app_public.booking_groups;
create policy select_guest_account on app_public.booking_groups for select to keepr_guest
  using (id in (select r.group_id from app_public.reservations r
                 where r.guest_account_id = (select app_hidden.current_guest_account_id())));

--! Included access/app_private.guest_sign_in_token.sql
-- The secret of a sign-in link: HMAC-SHA256 of the request's id with the
-- guest_sign_in key, unpadded base64url (43 characters, 256 bits). The
-- database stores only its SHA-256 (guest_sign_in_requests.token_hash); the
-- worker derives it again to write the email, so no token sits in a job's
-- payload either.
create or replace function app_private.guest_sign_in_token(request_id uuid) returns text
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.translate(pg_catalog.encode(public.hmac(pg_catalog.convert_to('guest_sign_in:' || request_id::text, 'UTF8'), k.secret, 'sha256'), 'base64'), E'+/=\n', '-_')
    from app_private.signing_keys k
   where k.name = 'guest_sign_in';
$$;
comment on function app_private.guest_sign_in_token(uuid) is
  E'The sign-in link''s secret for a request: unpadded base64url HMAC-SHA256 of its id with the guest_sign_in key.';
--! EndIncluded access/app_private.guest_sign_in_token.sql
--! Included access/app_public.request_guest_sign_in.sql
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
  if v_language not in ('en', 'pt', 'es') then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE', message = 'Language: one of en, pt, es.';
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
  E'Emails a single-use sign-in link, valid 15 minutes, to a guest (the email''s language: en, pt or es). Always answers true, whether or not the email has an account. Errors: INVALID_EMAIL, INVALID_INPUT (LANGUAGE); TOO_MANY_ATTEMPTS from the throttle.';
--! EndIncluded access/app_public.request_guest_sign_in.sql
--! Included access/app_private.guest_sign_in_email.sql
-- What the worker needs to email a sign-in link: the address, the link's
-- secret, when it expires and the language. Nothing once the link has been
-- used or has expired (the job then sends nothing).
create or replace function app_private.guest_sign_in_email(request_id uuid)
  returns table (email text, token text, expires_at timestamptz, language text)
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select r.email::text, app_private.guest_sign_in_token(r.id), r.expires_at, r.language
    from app_private.guest_sign_in_requests r
   where r.id = request_id
     and r.used_at is null
     and r.expires_at > pg_catalog.now();
$$;
comment on function app_private.guest_sign_in_email(uuid) is
  E'The worker''s view of an unused, unexpired sign-in request: email, link secret, expiry and language.';
--! EndIncluded access/app_private.guest_sign_in_email.sql
--! Included access/app_public.complete_guest_sign_in.sql
-- Passwordless sign-in, step 2: the secret from the emailed link, once,
-- within 15 minutes, opens a guest session. The first sign-in of an email
-- creates its guest account. A forged, expired or already used secret gets
-- the same SIGN_IN_LINK_INVALID. The link is used up by one UPDATE ... WHERE
-- used_at IS NULL, so two concurrent uses cannot both succeed.
-- The token's role is keepr_guest and its session a guest session
-- (app_private.guest_sessions): guest accounts are not users, never hold a
-- property membership, and app_hidden.current_user_id() is null for them.
create or replace function app_public.complete_guest_sign_in(token text) returns app_public.jwt_token
  language plpgsql volatile strict security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_request app_private.guest_sign_in_requests;
  v_account_id uuid;
  v_session app_private.guest_sessions;
begin
  if pg_catalog.length(complete_guest_sign_in.token) > 100 then
    raise exception using errcode = 'LINKX', message = 'This sign-in link is not valid or has expired; ask for a new one.';
  end if;
  update app_private.guest_sign_in_requests r
     set used_at = pg_catalog.now()
   where r.token_hash = public.digest(complete_guest_sign_in.token, 'sha256')
     and r.used_at is null
     and r.expires_at > pg_catalog.now()
  returning * into v_request;
  if v_request.id is null then
    raise exception using errcode = 'LINKX', message = 'This sign-in link is not valid or has expired; ask for a new one.';
  end if;

  insert into app_public.guest_accounts (email, language)
  values (v_request.email, v_request.language)
  on conflict (email) do nothing
  returning id into v_account_id;
  if v_account_id is null then
    select a.id into v_account_id from app_public.guest_accounts a where a.email = v_request.email;
  end if;
  update app_public.guest_accounts a set last_sign_in_at = pg_catalog.now() where a.id = v_account_id;

  insert into app_private.guest_sessions (guest_account_id)
  values (v_account_id)
  returning * into v_session;
  return ('keepr_guest', v_session.id, v_account_id,
          extract(epoch from v_session.expires_at)::bigint, null, null)::app_public.jwt_token;
end;
$$;
comment on function app_public.complete_guest_sign_in(text) is
  E'Signs a guest in with the secret of an emailed link (single use, 15 minutes) and returns a guest token for a new 30-day session; the first sign-in of an email creates its guest account. Errors: SIGN_IN_LINK_INVALID (forged, expired or used).';
--! EndIncluded access/app_public.complete_guest_sign_in.sql
--! Included access/app_public.current_guest_account.sql
-- SECURITY DEFINER is not needed: guest_accounts' policy lets an account read its own row.
create or replace function app_public.current_guest_account() returns app_public.guest_accounts
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select a.* from app_public.guest_accounts a where a.id = app_hidden.current_guest_account_id();
$$;
comment on function app_public.current_guest_account() is
  E'The signed-in guest account, or null (anonymous, a booking token, staff).';
--! EndIncluded access/app_public.current_guest_account.sql
--! Included access/app_public.update_guest_account.sql
-- The signed-in guest saves the details the booking form fills in for them.
-- Empty or blank texts clear a detail.
create or replace function app_public.update_guest_account(
  full_name text default null,
  phone text default null,
  country text default null,
  language text default null
) returns app_public.guest_accounts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_id uuid := app_hidden.current_guest_account_id();
  v_name text := nullif(pg_catalog.btrim(update_guest_account.full_name), '');
  v_phone text := nullif(pg_catalog.btrim(update_guest_account.phone), '');
  v_country text := pg_catalog.upper(nullif(pg_catalog.btrim(update_guest_account.country), ''));
  v_language text := nullif(pg_catalog.btrim(update_guest_account.language), '');
  v_account app_public.guest_accounts;
begin
  if v_id is null then
    raise exception using errcode = 'LOGIN', message = 'Sign in to your guest account first.';
  end if;
  if pg_catalog.length(v_name) > 200 then
    raise exception using errcode = 'INVNM', message = 'A name can be at most 200 characters long.';
  end if;
  if v_phone !~ '^\+?[0-9 ()./-]{5,30}$' then
    raise exception using errcode = 'INVPH', message = 'That phone number does not look valid.';
  end if;
  if not app_hidden.is_country_code(v_country) then
    raise exception using errcode = 'INVLD', hint = 'COUNTRY', message = 'The country is a two-letter ISO code, such as PT or DE.';
  end if;
  if v_language not in ('en', 'pt', 'es') then
    raise exception using errcode = 'INVLD', hint = 'LANGUAGE', message = 'Language: one of en, pt, es.';
  end if;
  update app_public.guest_accounts a
     set full_name = v_name, phone = v_phone, country = v_country, language = coalesce(v_language, a.language)
   where a.id = v_id
  returning * into v_account;
  return v_account;
end;
$$;
comment on function app_public.update_guest_account(text, text, text, text) is
  E'Saves the signed-in guest''s details (name, phone, country, language en/pt/es); a blank text clears one. Errors: LOGIN_REQUIRED, INVALID_NAME, INVALID_PHONE, INVALID_INPUT (COUNTRY, LANGUAGE).';
--! EndIncluded access/app_public.update_guest_account.sql
--! Included access/app_public.attach_booking.sql
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
--! EndIncluded access/app_public.attach_booking.sql
--! Included access/app_public.my_bookings.sql
-- The signed-in guest's bookings (booked while signed in, or attached),
-- confirmed or later, newest stay first. Reads through reservations' policy
-- select_guest_account, with the account's own index.
create or replace function app_public.my_bookings() returns setof app_public.reservations
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select r.*
    from app_public.reservations r
   where r.guest_account_id = app_hidden.current_guest_account_id()
     and r.confirmed_at is not null
   order by pg_catalog.lower(r.stay) desc, r.id;
$$;
comment on function app_public.my_bookings() is
  E'The signed-in guest account''s confirmed bookings (and their later states), newest arrival first; none for anyone else.';
--! EndIncluded access/app_public.my_bookings.sql
--! Included access/app_public.guest_booking_token.sql
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
--! EndIncluded access/app_public.guest_booking_token.sql
--! Included access/app_private.tg_reservations__guest_account.sql
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
--! EndIncluded access/app_private.tg_reservations__guest_account.sql
--! Included access/app_public.logout.sql
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
--! EndIncluded access/app_public.logout.sql
--! Included access/app_private.purge_guest_sign_ins.sql
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
--! EndIncluded access/app_private.purge_guest_sign_ins.sql

create trigger _060_guest_account before insert on app_public.reservations
  for each row execute function app_private.tg_reservations__guest_account();

grant execute on function app_hidden.current_guest_account_id() to keepr_anonymous, keepr_worker;
grant execute on function app_public.request_guest_sign_in(text, text) to keepr_anonymous;
grant execute on function app_public.complete_guest_sign_in(text) to keepr_anonymous;
grant execute on function app_public.current_guest_account() to keepr_guest;
grant execute on function app_public.update_guest_account(text, text, text, text) to keepr_guest;
grant execute on function app_public.attach_booking(text, text) to keepr_guest;
grant execute on function app_public.my_bookings() to keepr_guest;
grant execute on function app_public.guest_booking_token(uuid) to keepr_guest;
grant execute on function app_private.guest_sign_in_email(uuid) to keepr_worker;
grant execute on function app_private.purge_guest_sign_ins() to keepr_worker;
