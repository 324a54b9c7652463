--! Previous: -
--! Hash: sha1:42a832da6e726a22d4dd414cb0c29c4d7f138132
--! Message: foundation

-- Foundation: schemas, privileges, identity, the domain skeleton
-- (organizations → properties → room types → units), audit and reporting.
-- Roles are cluster-wide and created by db/ before migrations run
-- (see db/roles.ts); this migration only grants to them.

------------------------------------------------------------------------------
-- Extensions (before the default privileges below, so their functions keep
-- the EXECUTE grant to PUBLIC that they ship with).
------------------------------------------------------------------------------
create extension if not exists pgcrypto with schema public;
create extension if not exists citext with schema public;
create extension if not exists btree_gist with schema public;

------------------------------------------------------------------------------
-- Lock down: nothing is reachable unless granted below.
------------------------------------------------------------------------------
revoke all on schema public from public;
alter default privileges revoke all on sequences from public;
alter default privileges revoke all on functions from public;
grant usage on schema public to keepr_anonymous, keepr_worker, keepr_analyst;

create schema app_public;
create schema app_hidden;
create schema app_private;
create schema audit;
create schema reporting;

comment on schema app_public is E'Exposed as the GraphQL API. Every table has row level security.';
comment on schema app_hidden is E'Helpers the API roles may call, not exposed as GraphQL.';
comment on schema app_private is E'Secrets and internals. No API role has any grant here.';
comment on schema audit is E'The append-only audit log.';
comment on schema reporting is E'Read-only views for analysts, guest PII masked.';

grant usage on schema app_public, app_hidden to keepr_anonymous, keepr_worker;
grant usage on schema reporting to keepr_analyst;

------------------------------------------------------------------------------
-- Types
------------------------------------------------------------------------------
create type app_public.staff_role as enum ('owner', 'manager', 'front_desk', 'housekeeping', 'accountant');
comment on type app_public.staff_role is E'What a staff member may do at a property.';

create type app_public.property_kind as enum ('hotel', 'vacation_rental');
comment on type app_public.property_kind is E'A hotel sells room types (any free unit of the type); a vacation rental sells one unit.';

create type app_public.housekeeping_status as enum ('dirty', 'clean', 'inspected', 'out_of_order');
comment on type app_public.housekeeping_status is E'The housekeeping state of a unit.';

create type app_public.jwt_token as (
  role text,
  session_id uuid,
  sub uuid,
  exp bigint
);
comment on type app_public.jwt_token is E'Claims of a Keepr access token; the API returns it signed.';

--! Included app_hidden.current_session_id.sql
-- The session id carried by the request's verified JWT (claim session_id), or null.
-- PostGraphile puts claims into transaction-local settings through pgSettings;
-- an unset or empty setting means "no session".
create or replace function app_hidden.current_session_id() returns uuid
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select nullif(pg_catalog.current_setting('jwt.claims.session_id', true), '')::uuid;
$$;
comment on function app_hidden.current_session_id() is
  E'The session id from the request''s verified JWT claims, or null for anonymous requests.';
--! EndIncluded app_hidden.current_session_id.sql
--! Included app_private.tg__timestamps.sql
-- Keeps created_at fixed and updated_at current; fires as _100_timestamps.
create or replace function app_private.tg__timestamps() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  new.created_at := case when tg_op = 'INSERT' then pg_catalog.now() else old.created_at end;
  new.updated_at := case when tg_op = 'UPDATE' and old.updated_at >= pg_catalog.now()
                         then old.updated_at + interval '1 millisecond'
                         else pg_catalog.now() end;
  return new;
end;
$$;
comment on function app_private.tg__timestamps() is
  E'Trigger: sets created_at on insert and a strictly increasing updated_at on every write.';
--! EndIncluded app_private.tg__timestamps.sql

------------------------------------------------------------------------------
-- Audit log
------------------------------------------------------------------------------
create table audit.events (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null default pg_catalog.clock_timestamp(),
  transaction_id bigint not null default pg_catalog.txid_current(),
  table_schema text not null,
  table_name text not null,
  operation text not null check (operation in ('INSERT', 'UPDATE', 'DELETE')),
  row_id text,
  property_id uuid,
  actor_user_id uuid,
  actor_role text,
  request_id text,
  old_values jsonb,
  new_values jsonb
);
comment on table audit.events is E'Every insert, update and delete on domain tables: who, when, from which request, old and new values. Append-only.';
create index audit_events_row_idx on audit.events (table_name, row_id, occurred_at);
create index audit_events_property_idx on audit.events (property_id, occurred_at) where property_id is not null;
create index audit_events_request_idx on audit.events (request_id) where request_id is not null;

--! Included audit.tg__append_only.sql
-- Refuses UPDATE and DELETE (and TRUNCATE) on append-only tables, for every
-- role including the owner: corrections are new rows, never edits.
create or replace function audit.tg__append_only() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  raise exception using errcode = 'APPND',
    message = pg_catalog.format('%I.%I is append-only: %s is not allowed', tg_table_schema, tg_table_name, tg_op);
end;
$$;
comment on function audit.tg__append_only() is
  E'Trigger: raises APPND on any UPDATE, DELETE or TRUNCATE of an append-only table.';
--! EndIncluded audit.tg__append_only.sql
create trigger _100_append_only before update or delete on audit.events
  for each row execute function audit.tg__append_only();
create trigger _100_append_only_truncate before truncate on audit.events
  for each statement execute function audit.tg__append_only();

------------------------------------------------------------------------------
-- Identity
------------------------------------------------------------------------------
create table app_public.users (
  id uuid primary key default gen_random_uuid(),
  email public.citext not null unique check (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  display_name text not null check (pg_catalog.length(display_name) between 1 and 100),
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now()
);
comment on table app_public.users is E'A person who signs in: a guest, a staff member, or both.';
comment on column app_public.users.email is E'Sign-in email address; unique, case-insensitive.';
alter table app_public.users enable row level security;

create table app_private.user_secrets (
  user_id uuid primary key references app_public.users on delete cascade,
  password_hash text not null,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now()
);
comment on table app_private.user_secrets is E'Password hashes (bcrypt through pgcrypto). Never exposed.';

create table app_private.sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_public.users on delete cascade,
  created_at timestamptz not null default pg_catalog.now(),
  expires_at timestamptz not null default pg_catalog.now() + interval '7 days',
  revoked_at timestamptz
);
comment on table app_private.sessions is E'Sign-in sessions; a JWT is valid only while its session is live.';
create index sessions_user_id_idx on app_private.sessions (user_id);

create trigger _100_timestamps before insert or update on app_public.users
  for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_private.user_secrets
  for each row execute function app_private.tg__timestamps();

--! Included app_hidden.current_user_id.sql
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
--! EndIncluded app_hidden.current_user_id.sql

------------------------------------------------------------------------------
-- Organizations, properties, memberships
------------------------------------------------------------------------------
create table app_public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (pg_catalog.length(name) between 1 and 200),
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now()
);
comment on table app_public.organizations is E'A company operating one or more properties.';
alter table app_public.organizations enable row level security;

create table app_public.properties (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references app_public.organizations on delete restrict,
  name text not null check (pg_catalog.length(name) between 1 and 200),
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  kind app_public.property_kind not null,
  time_zone text not null,
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  country_code char(2) not null check (country_code ~ '^[A-Z]{2}$'),
  city text not null check (pg_catalog.length(city) between 1 and 200),
  address text,
  description text,
  is_published boolean not null default false,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now()
);
comment on table app_public.properties is E'A hotel or vacation rental. Guests see published properties; staff see the ones they belong to.';
comment on column app_public.properties.time_zone is E'IANA time zone; stay dates are calendar dates in this zone.';
comment on column app_public.properties.currency is E'ISO 4217 code; every price of the property is in this currency, in minor units.';
comment on column app_public.properties.is_published is E'Whether guests can find and book this property.';
create index properties_organization_id_idx on app_public.properties (organization_id);
create index properties_published_idx on app_public.properties (city) where is_published;
alter table app_public.properties enable row level security;

-- A time zone is valid when Postgres knows it; checked by trigger because
-- the zone list is not immutable.
create function app_private.tg_properties__check_time_zone() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if not exists (select 1 from pg_catalog.pg_timezone_names where name = new.time_zone) then
    raise exception using errcode = 'INVTZ', message = pg_catalog.format('Unknown time zone %L; use an IANA name such as Europe/Lisbon.', new.time_zone);
  end if;
  return new;
end;
$$;
comment on function app_private.tg_properties__check_time_zone() is E'Trigger: refuses an unknown IANA time zone with INVTZ.';

create table app_public.property_memberships (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete cascade,
  user_id uuid not null references app_public.users on delete cascade,
  role app_public.staff_role not null,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, user_id)
);
comment on table app_public.property_memberships is E'Staff of a property and their role there.';
create index property_memberships_user_id_idx on app_public.property_memberships (user_id, property_id);
alter table app_public.property_memberships enable row level security;

--! Included app_hidden.current_property_ids.sql
-- Properties the current user is a member of, optionally only with one of the
-- given staff roles. SECURITY DEFINER so policies on property_memberships can
-- use it without recursing into their own RLS. Policies use it as
-- `property_id in (select app_hidden.current_property_ids())`: a hashed
-- subplan evaluated once per statement, not once per row.
create or replace function app_hidden.current_property_ids(
  roles app_public.staff_role[] default null
) returns setof uuid
  language sql stable security definer parallel safe rows 10
  set search_path to pg_catalog, public, pg_temp
as $$
  select m.property_id
    from app_public.property_memberships m
   where m.user_id = app_hidden.current_user_id()
     and (roles is null or m.role = any (roles));
$$;
comment on function app_hidden.current_property_ids(app_public.staff_role[]) is
  E'Ids of the properties the current user belongs to as staff (optionally only with one of the given roles).';
--! EndIncluded app_hidden.current_property_ids.sql
--! Included app_hidden.current_colleague_ids.sql
-- Users who share a property with the current user (staff see their
-- colleagues' names). SECURITY DEFINER so a guest's policy check does not
-- need access to property_memberships.
create or replace function app_hidden.current_colleague_ids() returns setof uuid
  language sql stable security definer parallel safe rows 20
  set search_path to pg_catalog, public, pg_temp
as $$
  select distinct m.user_id
    from app_public.property_memberships m
   where m.property_id in (select app_hidden.current_property_ids());
$$;
comment on function app_hidden.current_colleague_ids() is
  E'Ids of users who are staff at any property the current user is staff at.';
--! EndIncluded app_hidden.current_colleague_ids.sql

-- Whoever creates a property becomes its owner, so they can see and run it.
create function app_private.tg_properties__add_creator() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if app_hidden.current_user_id() is not null then
    insert into app_public.property_memberships (property_id, user_id, role)
    values (new.id, app_hidden.current_user_id(), 'owner')
    on conflict (property_id, user_id) do nothing;
  end if;
  return null;
end;
$$;
comment on function app_private.tg_properties__add_creator() is E'Trigger: makes the user who created a property its owner.';

------------------------------------------------------------------------------
-- Room types and units
------------------------------------------------------------------------------
create table app_public.room_types (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete cascade,
  name text not null check (pg_catalog.length(name) between 1 and 200),
  description text,
  max_occupancy integer not null check (max_occupancy between 1 and 50),
  is_published boolean not null default true,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, name),
  unique (property_id, id)
);
comment on table app_public.room_types is E'A kind of room or rental that guests book; units of the type are interchangeable.';
comment on column app_public.room_types.max_occupancy is E'Most guests (adults and children) a unit of this type sleeps.';
alter table app_public.room_types enable row level security;

create table app_public.units (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete cascade,
  room_type_id uuid not null,
  name text not null check (pg_catalog.length(name) between 1 and 100),
  housekeeping_status app_public.housekeeping_status not null default 'clean',
  is_active boolean not null default true,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, name),
  unique (property_id, id),
  foreign key (property_id, room_type_id) references app_public.room_types (property_id, id) on delete restrict
);
comment on table app_public.units is E'A physical room or rental that a stay occupies. Staff only.';
comment on column app_public.units.is_active is E'Inactive units are never sold.';
create index units_room_type_idx on app_public.units (property_id, room_type_id);
alter table app_public.units enable row level security;

------------------------------------------------------------------------------
-- Triggers: timestamps (_100), checks (_200), audit (_500)
------------------------------------------------------------------------------
--! Included audit.tg__record.sql
-- Writes one audit.events row per inserted, updated or deleted row: who
-- (user id from the session), from which request (keepr.request_id set by the
-- API per request) and the old and new values. Fires as _500_audit.
create or replace function audit.tg__record() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_old jsonb := case when tg_op in ('UPDATE', 'DELETE') then pg_catalog.to_jsonb(old) end;
  v_new jsonb := case when tg_op in ('INSERT', 'UPDATE') then pg_catalog.to_jsonb(new) end;
begin
  if tg_op = 'UPDATE' and v_old = v_new then
    return null;
  end if;
  insert into audit.events (
    table_schema, table_name, operation, row_id, property_id,
    actor_user_id, actor_role, request_id, old_values, new_values
  ) values (
    tg_table_schema, tg_table_name, tg_op,
    coalesce(v_new, v_old) ->> 'id',
    (coalesce(v_new, v_old) ->> 'property_id')::uuid,
    app_hidden.current_user_id(),
    pg_catalog.current_setting('role', true),
    nullif(pg_catalog.current_setting('keepr.request_id', true), ''),
    v_old, v_new
  );
  return null;
end;
$$;
comment on function audit.tg__record() is
  E'Trigger (AFTER, per row): appends the change to audit.events with actor, role, request id and old/new values.';
--! EndIncluded audit.tg__record.sql

create trigger _100_timestamps before insert or update on app_public.organizations
  for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.properties
  for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.property_memberships
  for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.room_types
  for each row execute function app_private.tg__timestamps();
create trigger _100_timestamps before insert or update on app_public.units
  for each row execute function app_private.tg__timestamps();

create trigger _200_check_time_zone before insert or update of time_zone on app_public.properties
  for each row execute function app_private.tg_properties__check_time_zone();
create trigger _300_add_creator after insert on app_public.properties
  for each row execute function app_private.tg_properties__add_creator();

create trigger _500_audit after insert or update or delete on app_public.users
  for each row execute function audit.tg__record();
create trigger _500_audit after insert or update or delete on app_public.organizations
  for each row execute function audit.tg__record();
create trigger _500_audit after insert or update or delete on app_public.properties
  for each row execute function audit.tg__record();
create trigger _500_audit after insert or update or delete on app_public.property_memberships
  for each row execute function audit.tg__record();
create trigger _500_audit after insert or update or delete on app_public.room_types
  for each row execute function audit.tg__record();
create trigger _500_audit after insert or update or delete on app_public.units
  for each row execute function audit.tg__record();

------------------------------------------------------------------------------
-- Identity functions
------------------------------------------------------------------------------
--! Included app_private.create_session.sql
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
    extract(epoch from v_session.expires_at)::bigint
  )::app_public.jwt_token;
end;
$$;
comment on function app_private.create_session(uuid) is
  E'Creates a session row for the user and returns the JWT claims (role, session_id, sub, exp) for it.';
--! EndIncluded app_private.create_session.sql
--! Included app_public.register.sql
create or replace function app_public.register(
  email text,
  password text,
  display_name text
) returns app_public.jwt_token
  language plpgsql volatile strict security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_user app_public.users;
begin
  if register.email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(register.email) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  if pg_catalog.length(register.password) < 10 then
    raise exception using errcode = 'WEAKP', message = 'Passwords must be at least 10 characters long.';
  end if;
  if pg_catalog.length(pg_catalog.btrim(register.display_name)) not between 1 and 100 then
    raise exception using errcode = 'INVNM', message = 'A display name of 1 to 100 characters is required.';
  end if;

  insert into app_public.users (email, display_name)
  values (register.email, pg_catalog.btrim(register.display_name))
  on conflict do nothing
  returning * into v_user;
  if v_user.id is null then
    raise exception using errcode = 'EMTKN', message = 'An account with this email address already exists.';
  end if;

  insert into app_private.user_secrets (user_id, password_hash)
  values (v_user.id, public.crypt(register.password, public.gen_salt('bf', 10)));

  perform graphile_worker.add_job(
    'send_welcome_email',
    pg_catalog.json_build_object('id', v_user.id),
    job_key := 'send_welcome_email:' || v_user.id,
    max_attempts := 10
  );

  return app_private.create_session(v_user.id);
end;
$$;
comment on function app_public.register(text, text, text) is
  E'Creates a guest account (email, password of at least 10 characters, display name), signs it in and queues a welcome email. Errors: INVEM, WEAKP, INVNM, EMTKN.';
--! EndIncluded app_public.register.sql
--! Included app_public.login.sql
create or replace function app_public.login(email text, password text) returns app_public.jwt_token
  language plpgsql volatile strict security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_user_id uuid;
  v_hash text;
begin
  select u.id, s.password_hash into v_user_id, v_hash
    from app_public.users u
    join app_private.user_secrets s on s.user_id = u.id
   where u.email = login.email::public.citext;

  -- Hash even when the user is unknown, so timing does not reveal accounts.
  if v_hash is null then
    perform public.crypt(login.password, public.gen_salt('bf', 10));
  end if;
  if v_hash is null or public.crypt(login.password, v_hash) <> v_hash then
    raise exception using errcode = 'CREDS', message = 'Incorrect email or password.';
  end if;

  return app_private.create_session(v_user_id);
end;
$$;
comment on function app_public.login(text, text) is
  E'Signs in with email and password and returns a signed JWT for a new session. Errors: CREDS.';
--! EndIncluded app_public.login.sql
--! Included app_public.logout.sql
create or replace function app_public.logout() returns boolean
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  update app_private.sessions
     set revoked_at = pg_catalog.now()
   where id = app_hidden.current_session_id()
     and revoked_at is null;
  return found;
end;
$$;
comment on function app_public.logout() is
  E'Ends the current session: its JWT stops working at once. Returns false when there was no live session.';
--! EndIncluded app_public.logout.sql
--! Included app_public.current_user.sql
create or replace function app_public.current_user() returns app_public.users
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select u.* from app_public.users u where u.id = app_hidden.current_user_id();
$$;
comment on function app_public.current_user() is
  E'The signed-in user, or null.';
--! EndIncluded app_public.current_user.sql

------------------------------------------------------------------------------
-- Privileges and policies, one table at a time
------------------------------------------------------------------------------
grant execute on function app_hidden.current_session_id() to keepr_anonymous, keepr_worker;
grant execute on function app_hidden.current_user_id() to keepr_anonymous, keepr_worker;
grant execute on function app_hidden.current_property_ids(app_public.staff_role[]) to keepr_anonymous, keepr_worker;
grant execute on function app_hidden.current_colleague_ids() to keepr_anonymous, keepr_worker;
grant execute on function app_public.register(text, text, text) to keepr_anonymous;
grant execute on function app_public.login(text, text) to keepr_anonymous;
grant execute on function app_public.logout() to keepr_anonymous;
grant execute on function app_public.current_user() to keepr_anonymous;

-- users: you see yourself and the staff of your properties; you edit your name.
grant select on app_public.users to keepr_guest, keepr_worker;
grant update (display_name) on app_public.users to keepr_guest;
create policy select_self_and_colleagues on app_public.users for select using (
  id = (select app_hidden.current_user_id())
  or id in (select app_hidden.current_colleague_ids())
);
create policy update_self on app_public.users for update using (id = (select app_hidden.current_user_id()));
create policy worker_all on app_public.users for select to keepr_worker using (true);

-- organizations: anyone sees organizations with a published property; staff
-- see their own; property owners rename them.
grant select on app_public.organizations to keepr_anonymous;
grant update (name) on app_public.organizations to keepr_staff;
create policy select_public_or_member on app_public.organizations for select using (
  exists (select 1 from app_public.properties p
           where p.organization_id = organizations.id
             and (p.is_published or p.id in (select app_hidden.current_property_ids())))
);
create policy update_owner on app_public.organizations for update using (
  exists (select 1 from app_public.properties p
           where p.organization_id = organizations.id
             and p.id in (select app_hidden.current_property_ids('{owner}')))
);

-- properties: published ones are public; staff see theirs; owners and
-- managers edit; an owner of any property of an organization adds more.
grant select on app_public.properties to keepr_anonymous;
grant insert (organization_id, name, slug, kind, time_zone, currency, country_code, city, address, description, is_published)
  on app_public.properties to keepr_staff;
grant update (name, slug, time_zone, currency, country_code, city, address, description, is_published)
  on app_public.properties to keepr_staff;
create policy select_published_or_member on app_public.properties for select using (
  is_published or id in (select app_hidden.current_property_ids())
);
create policy insert_organization_owner on app_public.properties for insert to keepr_staff with check (
  organization_id in (select p.organization_id from app_public.properties p
                       where p.id in (select app_hidden.current_property_ids('{owner}')))
);
create policy update_manager on app_public.properties for update to keepr_staff using (
  id in (select app_hidden.current_property_ids('{owner,manager}'))
);

-- property_memberships: staff see their colleagues; owners and managers
-- manage staff, and only owners make owners.
grant select on app_public.property_memberships to keepr_staff;
grant insert (property_id, user_id, role), update (role), delete on app_public.property_memberships to keepr_staff;
create policy select_colleagues on app_public.property_memberships for select using (
  property_id in (select app_hidden.current_property_ids())
);
create policy insert_manager on app_public.property_memberships for insert with check (
  property_id in (select app_hidden.current_property_ids('{owner,manager}'))
  and (role <> 'owner' or property_id in (select app_hidden.current_property_ids('{owner}')))
);
create policy update_manager on app_public.property_memberships for update using (
  property_id in (select app_hidden.current_property_ids('{owner,manager}'))
) with check (
  role <> 'owner' or property_id in (select app_hidden.current_property_ids('{owner}'))
);
create policy delete_manager on app_public.property_memberships for delete using (
  property_id in (select app_hidden.current_property_ids('{owner,manager}'))
  and (role <> 'owner' or property_id in (select app_hidden.current_property_ids('{owner}')))
);

-- room_types: published types of published properties are public; owners and
-- managers manage them.
grant select on app_public.room_types to keepr_anonymous;
grant insert (property_id, name, description, max_occupancy, is_published),
      update (name, description, max_occupancy, is_published),
      delete on app_public.room_types to keepr_staff;
create policy select_published_or_member on app_public.room_types for select using (
  (is_published and exists (select 1 from app_public.properties p where p.id = room_types.property_id and p.is_published))
  or property_id in (select app_hidden.current_property_ids())
);
create policy manage_manager on app_public.room_types for all to keepr_staff using (
  property_id in (select app_hidden.current_property_ids('{owner,manager}'))
);

-- units: staff only; owners and managers manage them.
grant select on app_public.units to keepr_staff, keepr_worker;
grant insert (property_id, room_type_id, name, housekeeping_status, is_active),
      update (room_type_id, name, housekeeping_status, is_active),
      delete on app_public.units to keepr_staff;
create policy select_member on app_public.units for select using (
  property_id in (select app_hidden.current_property_ids())
);
create policy manage_manager on app_public.units for all to keepr_staff using (
  property_id in (select app_hidden.current_property_ids('{owner,manager}'))
);
create policy worker_all on app_public.units for select to keepr_worker using (true);

------------------------------------------------------------------------------
-- Reporting: views for analysts. They run with the owner's rights on
-- purpose (not security_invoker): the view is the boundary, PII is masked in
-- it, and analysts hold no grant on any base table. See docs/architecture.md.
------------------------------------------------------------------------------
create function reporting.mask_email(email text) returns text
  language sql immutable strict parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.left(email, 1) || '***@' || pg_catalog.split_part(email, '@', 2);
$$;
comment on function reporting.mask_email(text) is E'Masks an email address for analysts: a***@example.com.';

create view reporting.properties with (security_barrier) as
  select p.id, p.organization_id, o.name as organization_name, p.name, p.kind, p.time_zone,
         p.currency, p.country_code, p.city, p.is_published, p.created_at
    from app_public.properties p
    join app_public.organizations o on o.id = p.organization_id;
comment on view reporting.properties is E'Every property with its organization.';

create view reporting.room_types with (security_barrier) as
  select id, property_id, name, max_occupancy, is_published, created_at from app_public.room_types;
comment on view reporting.room_types is E'Every room type.';

create view reporting.units with (security_barrier) as
  select id, property_id, room_type_id, name, housekeeping_status, is_active, created_at from app_public.units;
comment on view reporting.units is E'Every unit and its housekeeping status.';

create view reporting.users with (security_barrier) as
  select id, reporting.mask_email(email::text) as email_masked, created_at from app_public.users;
comment on view reporting.users is E'Accounts with masked email addresses.';

grant select on reporting.properties, reporting.room_types, reporting.units, reporting.users to keepr_analyst;
-- Functions in a view run with the caller's EXECUTE privilege.
grant execute on function reporting.mask_email(text) to keepr_analyst;
