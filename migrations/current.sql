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

--! include access/app_hidden.current_guest_account_id.sql

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

--! include access/app_private.guest_sign_in_token.sql
--! include access/app_public.request_guest_sign_in.sql
--! include access/app_private.guest_sign_in_email.sql
--! include access/app_public.complete_guest_sign_in.sql
--! include access/app_public.current_guest_account.sql
--! include access/app_public.update_guest_account.sql
--! include access/app_public.attach_booking.sql
--! include access/app_public.my_bookings.sql
--! include access/app_public.guest_booking_token.sql
--! include access/app_private.tg_reservations__guest_account.sql
--! include access/app_public.logout.sql
--! include access/app_private.purge_guest_sign_ins.sql

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
