--! Previous: sha1:6d5ff2ac7317b77f1a60b819c68beafa75612304
--! Hash: sha1:574b22dd94c23adc8fc700c15ae9c5c4d074baee
--! Message: Safe by default: staff role groups, owners kept, createProperty, holds confirmed by their maker, booking contacts, housekeeping reads no money or PII, passwords, rate limits table, rates from today

-- Safe by default (issue 15), part 1: staff role groups named once, and the
-- holes a hostile user found in access (owners, createProperty, holds, guest
-- profiles, what housekeeping reads, past rate dates, slug conflicts).

------------------------------------------------------------------------------
-- Staff role groups: which staff roles do which job, declared once. Policies
-- and guards name a group; admin/src/providers/access.ts is checked against
-- the same declaration (tests/db/access_matrix.test.ts).
------------------------------------------------------------------------------
--! Included app_hidden.staff_group_roles.sql
-- The staff role groups: which staff roles do which job at a property. The
-- one declaration every policy, guard and the console's menus follow
-- (docs/security.md prints it as a table).
--   all_staff         everyone on the staff of the property
--   owners            owner: the owners, memberships of owners
--   managers          owner, manager: rates, rooms, channels, staff
--   front_office      owner, manager, front_desk: bookings, check-in/out, guests' changes
--   cashiers          owner, manager, front_desk, accountant: reservations, guest profiles, folios, payments, night audit
--   back_office       owner, manager, accountant: the ledger, payouts, refunds, fees and taxes
--   housekeeping_ops  owner, manager, front_desk, housekeeping: the housekeeping board, tasks, unit statuses
create or replace function app_hidden.staff_group_roles(staff_group text) returns app_public.staff_role[]
  language sql immutable strict parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case staff_group
    when 'all_staff' then '{owner,manager,front_desk,housekeeping,accountant}'::app_public.staff_role[]
    when 'owners' then '{owner}'
    when 'managers' then '{owner,manager}'
    when 'front_office' then '{owner,manager,front_desk}'
    when 'cashiers' then '{owner,manager,front_desk,accountant}'
    when 'back_office' then '{owner,manager,accountant}'
    when 'housekeeping_ops' then '{owner,manager,front_desk,housekeeping}'
  end;
$$;
comment on function app_hidden.staff_group_roles(text) is
  E'The staff roles of a staff role group (all_staff, owners, managers, front_office, cashiers, back_office, housekeeping_ops); null for an unknown group, which admits no one.';
--! EndIncluded app_hidden.staff_group_roles.sql
--! Included app_hidden.current_property_ids_for.sql
-- Properties where the current user's staff role is in a staff role group:
-- what policies and guards use, as
-- `property_id in (select app_hidden.current_property_ids_for('front_office'))`.
create or replace function app_hidden.current_property_ids_for(staff_group text) returns setof uuid
  language sql stable security definer parallel safe rows 10
  set search_path to pg_catalog, public, pg_temp
as $$
  select m.property_id
    from app_public.property_memberships m
   where m.user_id = app_hidden.current_user_id()
     and m.role = any (app_hidden.staff_group_roles(staff_group));
$$;
comment on function app_hidden.current_property_ids_for(text) is
  E'Ids of the properties where the current user is staff with a role of the given staff role group.';
--! EndIncluded app_hidden.current_property_ids_for.sql
--! Included app_hidden.current_organization_ids.sql
-- Organizations where the current user is staff of some property with one of
-- the roles. SECURITY DEFINER so policies on properties can use it without
-- reading properties under their own policies (infinite recursion).
create or replace function app_hidden.current_organization_ids(roles app_public.staff_role[]) returns setof uuid
  language sql stable security definer parallel safe rows 5
  set search_path to pg_catalog, public, pg_temp
as $$
  select distinct p.organization_id
    from app_public.property_memberships m
    join app_public.properties p on p.id = m.property_id
   where m.user_id = app_hidden.current_user_id()
     and m.role = any (roles);
$$;
comment on function app_hidden.current_organization_ids(app_public.staff_role[]) is
  E'Ids of the organizations where the current user is staff of some property with one of the given roles.';
--! EndIncluded app_hidden.current_organization_ids.sql
grant execute on function app_hidden.staff_group_roles(text), app_hidden.current_property_ids_for(text),
  app_hidden.current_organization_ids(app_public.staff_role[]) to keepr_anonymous, keepr_worker;

------------------------------------------------------------------------------
-- createProperty: the insert policy read properties inside a policy on
-- properties (infinite recursion, INTERNAL for every caller). An owner of a
-- property of the organization may add properties to it.
------------------------------------------------------------------------------
drop policy if exists insert_organization_owner on app_public.properties;
create policy insert_organization_owner on app_public.properties for insert to keepr_staff with check (
  organization_id in (select app_hidden.current_organization_ids(app_hidden.staff_group_roles('owners')))
);
-- The creator becomes the owner in an AFTER trigger, which is too late for
-- INSERT … RETURNING's check against the SELECT policy: owners of the
-- organization also see its unpublished properties.
drop policy if exists select_published_or_member on app_public.properties;
create policy select_published_or_member on app_public.properties for select using (
  is_published
  or id in (select app_hidden.current_property_ids())
  or organization_id in (select app_hidden.current_organization_ids(app_hidden.staff_group_roles('owners')))
);

-- Slugs are unique within an organization: a conflict never reveals another
-- tenant's (unpublished) property. Guests address properties by id.
alter table app_public.properties drop constraint if exists properties_slug_key;
alter table app_public.properties drop constraint if exists properties_organization_id_slug_key;
alter table app_public.properties add constraint properties_organization_id_slug_key unique (organization_id, slug);

------------------------------------------------------------------------------
-- Owners: only owners make, change or remove owners, and a property always
-- keeps at least one owner.
------------------------------------------------------------------------------
drop policy if exists update_manager on app_public.property_memberships;
create policy update_manager on app_public.property_memberships for update using (
  property_id in (select app_hidden.current_property_ids_for('managers'))
  and (role <> 'owner' or property_id in (select app_hidden.current_property_ids_for('owners')))
) with check (
  role <> 'owner' or property_id in (select app_hidden.current_property_ids_for('owners'))
);
drop policy if exists insert_manager on app_public.property_memberships;
create policy insert_manager on app_public.property_memberships for insert with check (
  property_id in (select app_hidden.current_property_ids_for('managers'))
  and (role <> 'owner' or property_id in (select app_hidden.current_property_ids_for('owners')))
);
drop policy if exists delete_manager on app_public.property_memberships;
create policy delete_manager on app_public.property_memberships for delete using (
  property_id in (select app_hidden.current_property_ids_for('managers'))
  and (role <> 'owner' or property_id in (select app_hidden.current_property_ids_for('owners')))
);

--! Included app_private.tg_property_memberships__keep_an_owner.sql
-- Deferred to the end of the transaction, so an owner can hand a property to
-- a new owner (add the new one, then step down) in any order; a property
-- being deleted takes its memberships with it and needs no owner.
create or replace function app_private.tg_property_memberships__keep_an_owner() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if exists (select 1 from app_public.properties p where p.id = old.property_id)
     and not exists (select 1 from app_public.property_memberships m
                      where m.property_id = old.property_id and m.role = 'owner') then
    raise exception using errcode = 'OWNER',
      message = 'A property must keep at least one owner: make someone else owner first.';
  end if;
  return null;
end;
$$;
comment on function app_private.tg_property_memberships__keep_an_owner() is
  E'Constraint trigger: refuses (OWNER) a change that leaves a property with no owner.';
--! EndIncluded app_private.tg_property_memberships__keep_an_owner.sql
drop trigger if exists _200_keep_an_owner on app_public.property_memberships;
create constraint trigger _200_keep_an_owner after update of role or delete on app_public.property_memberships
  deferrable initially deferred
  for each row when (old.role = 'owner')
  execute function app_private.tg_property_memberships__keep_an_owner();

------------------------------------------------------------------------------
-- What each staff role reads: reservations (money, special requests) and
-- guest profiles (personal data) are for the roles that work with them, not
-- for housekeeping, whose board, tasks and unit statuses carry what it needs.
------------------------------------------------------------------------------
drop policy if exists select_member_self_or_booking on app_public.reservations;
create policy select_member_self_or_booking on app_public.reservations for select using (
  property_id in (select app_hidden.current_property_ids_for('cashiers'))
  or user_id = (select app_hidden.current_user_id())
  or id = (select app_hidden.current_booking_id())
);

-- A guest profile is read by the staff who serve guests and by the signed-in
-- guest it is linked to; a booking token reads the contact given for its own
-- booking (reservations.contact_*), never the shared profile.
drop policy if exists select_member_self_or_booking on app_public.guests;
create policy select_member_self_or_booking on app_public.guests for select using (
  property_id in (select app_hidden.current_property_ids_for('cashiers'))
  or user_id = (select app_hidden.current_user_id())
);

------------------------------------------------------------------------------
-- A booking's contact as given for it. Unverified input (an anonymous
-- booking, a guest signed in with another email) never changes or reveals a
-- shared guest profile.
------------------------------------------------------------------------------
alter table app_public.reservations add column if not exists contact_name text
  check (pg_catalog.length(contact_name) between 1 and 200);
alter table app_public.reservations add column if not exists contact_email public.citext
  check (contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' and pg_catalog.length(contact_email) <= 254);
alter table app_public.reservations add column if not exists contact_phone text
  check (contact_phone ~ '^\+?[0-9 ()./-]{5,30}$');
comment on column app_public.reservations.contact_name is E'The guest''s name as given for this booking.';
comment on column app_public.reservations.contact_email is E'The email given for this booking (lookup with the confirmation code uses it).';
comment on column app_public.reservations.contact_phone is E'The phone number given for this booking, if any.';
update app_public.reservations r
   set contact_name = g.full_name, contact_email = g.email, contact_phone = g.phone
  from app_public.guests g
 where g.property_id = r.property_id and g.id = r.guest_id and r.contact_email is null;

------------------------------------------------------------------------------
-- Holds: confirmed only by whoever made them. create_hold returns a hold
-- token (an HMAC of the hold's id) that confirm_booking requires unless the
-- caller is the signed-in guest the hold belongs to or front-office staff of
-- the property.
------------------------------------------------------------------------------
do $$
begin
  if not exists (select 1 from pg_catalog.pg_attribute
                  where attrelid = 'app_public.hold'::regclass and attname = 'hold_token' and not attisdropped) then
    alter type app_public.hold add attribute hold_token text;
  end if;
end;
$$;
comment on column app_public.hold.hold_token is
  E'Proof of having made this hold: give it to confirmBooking. Keep it secret; it is shown once.';
--! Included app_public.create_hold.sql
-- Holds a unit for a quoted stay, for `minutes` (default 10, at most 30),
-- at the quoted price. The quote token is verified (QUOTE) and must still be
-- valid (QTEXP). A free unit of the room type is claimed (SOLD_OUT when none
-- is left); the claim and the held reservation are one transaction.
create or replace function app_public.create_hold(
  quote_token text,
  idempotency_key text,
  minutes integer default 10
) returns app_public.hold
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_parts text[] := pg_catalog.string_to_array(quote_token, '.');
  v_quote app_public.quote;
  v_id uuid := gen_random_uuid();
  v_claim app_public.inventory_claims;
  v_hold app_public.hold;
begin
  if pg_catalog.array_length(v_parts, 1) is distinct from 2 or app_private.sign(v_parts[1]) is distinct from v_parts[2] then
    raise exception using errcode = 'QUOTE', message = 'This quote token is not valid; get a new quote.';
  end if;
  v_replay := app_private.idempotency_begin('create_hold', idempotency_key,
                pg_catalog.jsonb_build_object('quote_token', quote_token, 'minutes', minutes));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.hold, v_replay);
  end if;

  v_quote := pg_catalog.jsonb_populate_record(null::app_public.quote,
    pg_catalog.convert_from(pg_catalog.decode(
      pg_catalog.rpad(pg_catalog.translate(v_parts[1], '-_', '+/'), ((pg_catalog.length(v_parts[1]) + 3) / 4) * 4, '='),
      'base64'), 'UTF8')::jsonb);
  if minutes is null or minutes not between 1 and 30 then
    raise exception using errcode = 'INVLD', message = 'A hold lasts 1 to 30 minutes.';
  end if;
  if v_quote.valid_until < pg_catalog.now() then
    raise exception using errcode = 'QTEXP',
      message = pg_catalog.format('This quote expired at %s; get a new quote.', v_quote.valid_until);
  end if;
  perform app_private.check_stay(v_quote.property_id, v_quote.arrival, v_quote.departure, v_quote.adults, v_quote.children);

  -- The claim first (its reservation key is checked at commit), so the
  -- reservation is written once, with its unit.
  v_claim := app_private.claim_unit(v_quote.property_id, v_quote.room_type_id,
                                    pg_catalog.daterange(v_quote.arrival, v_quote.departure), 'hold',
                                    reservation_id => v_id,
                                    expires_at => pg_catalog.now() + pg_catalog.make_interval(mins => minutes));
  if v_claim.id is null then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates any more.';
  end if;

  insert into app_public.reservations (
    id, property_id, room_type_id, rate_plan_id, unit_id, user_id, status, stay, adults, children, currency,
    room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, hold_expires_at
  ) values (
    v_id, v_quote.property_id, v_quote.room_type_id, v_quote.rate_plan_id, v_claim.unit_id, app_private.booking_user_id(v_quote.property_id),
    'held', pg_catalog.daterange(v_quote.arrival, v_quote.departure), v_quote.adults, v_quote.children, v_quote.currency,
    v_quote.room_amount, v_quote.fees_amount, v_quote.taxes_amount, v_quote.total_amount,
    pg_catalog.to_jsonb(v_quote.lines),
    pg_catalog.jsonb_build_object(
      'is_refundable', v_quote.is_refundable,
      'free_cancellation_until', v_quote.free_cancellation_until,
      'late_cancellation_penalty', v_quote.late_cancellation_penalty,
      'terms', v_quote.cancellation_terms),
    v_claim.expires_at
  );

  v_hold := (v_id, v_quote.property_id, v_claim.expires_at, v_quote.currency, v_quote.total_amount,
             app_private.sign('hold:' || v_id))::app_public.hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_hold));
  return v_hold;
end;
$$;
comment on function app_public.create_hold(text, text, integer) is
  E'Holds a free unit for a quoted stay at the quoted price for `minutes` (default 10, 1 to 30). Errors: QUOTE_INVALID, QUOTE_EXPIRED, DATES, SOLD_OUT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.create_hold.sql
drop function if exists app_public.confirm_booking(uuid, text, text, text, text, text);
--! Included app_public.confirm_booking.sql
-- Turns a hold into a confirmed reservation with a confirmation code and a
-- guest profile (found by email at the property, or created). A hold that
-- expired still confirms when its unit is free: its claim is kept if no one
-- took its nights, and otherwise the same unit (or another of the type) is
-- claimed again. HOLD_EXPIRED when none is free. The folio is charged and
-- the payment intents are created.
--
-- Only whoever made the hold confirms it: the caller gives the hold token
-- createHold returned, or is the signed-in guest the hold belongs to, or is
-- front-office staff of the property; anyone else gets NTFND, as if the
-- hold did not exist. The contact given is kept on the reservation; it
-- updates the property's shared guest profile only when the caller is that
-- guest, signed in, or the property's staff: unverified input never changes
-- or reveals another person's data.
create or replace function app_public.confirm_booking(
  reservation_id uuid,
  idempotency_key text,
  full_name text,
  email text,
  phone text default null,
  special_requests text default null,
  hold_token text default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_claim app_public.inventory_claims;
  v_guest_id uuid;
  v_email public.citext;
  v_staff boolean;
  v_verified boolean;
  v_user_id uuid;
begin
  v_replay := app_private.idempotency_begin('confirm_booking', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'full_name', full_name, 'email', email, 'phone', phone,
    'special_requests', special_requests));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;

  select * into v_res from app_public.reservations r where r.id = confirm_booking.reservation_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such hold.';
  end if;
  v_staff := v_res.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if not (v_staff
          or (v_res.user_id is not null and v_res.user_id = app_hidden.current_user_id())
          or (confirm_booking.hold_token is not null and confirm_booking.hold_token = app_private.sign('hold:' || v_res.id))) then
    raise exception using errcode = 'NTFND', message = 'No such hold.';
  end if;
  if v_res.status <> 'held' then
    perform app_private.invalid_transition(v_res, 'confirmed');
  end if;
  if email is null or email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(email) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  if full_name is null or pg_catalog.length(pg_catalog.btrim(full_name)) not between 1 and 200 then
    raise exception using errcode = 'INVNM', message = 'The guest''s full name (1 to 200 characters) is required.';
  end if;
  if phone is not null and phone !~ '^\+?[0-9 ()./-]{5,30}$' then
    raise exception using errcode = 'INVPH', message = 'That phone number does not look valid.';
  end if;
  if pg_catalog.length(special_requests) > 2000 then
    raise exception using errcode = 'INVLD', message = 'Special requests can be at most 2000 characters.';
  end if;

  -- The hold's claim becomes the reservation's, expired or not, unless
  -- someone released it to take its nights (then it has no live claim).
  select * into v_claim from app_public.inventory_claims c
   where c.property_id = v_res.property_id and c.reservation_id = v_res.id and c.released_at is null
   for update;
  if found then
    update app_public.inventory_claims c set kind = 'reservation', expires_at = null
     where c.id = v_claim.id
    returning * into v_claim;
  else
    v_claim := app_private.claim_unit(v_res.property_id, v_res.room_type_id, v_res.stay, 'reservation',
                                      reservation_id => v_res.id, preferred_unit_id => v_res.unit_id);
    if v_claim.id is null then
      raise exception using errcode = 'HLDEX',
        message = 'This hold expired and its room was taken meanwhile; please search again.';
    end if;
  end if;

  -- The profile is linked to a signed-in guest only when the email given is
  -- their account's; it is updated only by that guest or the staff.
  v_email := pg_catalog.btrim(email)::public.citext;
  select u.id into v_user_id from app_public.users u
   where u.id = app_private.booking_user_id(v_res.property_id) and u.email = v_email;
  insert into app_public.guests (property_id, email, full_name, phone, user_id)
  values (v_res.property_id, v_email, pg_catalog.btrim(full_name), phone, v_user_id)
  on conflict (property_id, email) do nothing
  returning id into v_guest_id;
  if v_guest_id is null then
    select g.id, (v_staff or (g.user_id is not null and g.user_id = v_user_id)) into v_guest_id, v_verified
      from app_public.guests g
     where g.property_id = v_res.property_id and g.email = v_email;
    if v_verified then
      update app_public.guests g
         set full_name = pg_catalog.btrim(confirm_booking.full_name),
             phone = coalesce(confirm_booking.phone, g.phone)
       where g.id = v_guest_id;
    elsif v_user_id is not null then
      update app_public.guests g set user_id = v_user_id where g.id = v_guest_id and g.user_id is null;
    end if;
  end if;

  loop
    begin
      update app_public.reservations r
         set status = 'confirmed', confirmation_code = app_private.new_confirmation_code(), confirmed_at = pg_catalog.now(),
             hold_expires_at = null, guest_id = v_guest_id, unit_id = v_claim.unit_id,
             user_id = coalesce(r.user_id, app_private.booking_user_id(v_res.property_id)),
             special_requests = confirm_booking.special_requests,
             contact_name = pg_catalog.btrim(confirm_booking.full_name), contact_email = v_email,
             contact_phone = confirm_booking.phone
       where r.id = v_res.id
      returning * into v_res;
      exit;
    exception when unique_violation then
      -- The code is taken at this property; draw another.
    end;
  end loop;

  -- The folio is charged the locked price, and payments are scheduled by
  -- the rate plan (deposit now, balance before arrival).
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':confirm:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                               'Booking ' || v_res.confirmation_code || ' confirmed');
  perform app_private.schedule_payments(v_res);

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.confirm_booking(uuid, text, text, text, text, text, text) is
  E'Confirms a hold as a reservation for the guest (name, email, optional phone): returns the confirmation code. Give the hold token createHold returned (not needed by the signed-in guest who made the hold or by the property''s front office). Errors: NTFND (no such hold, or not yours), INVALID_TRANSITION, HOLD_EXPIRED, INVEM, INVNM, INVPH, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.confirm_booking.sql
grant execute on function app_public.confirm_booking(uuid, text, text, text, text, text, text) to keepr_anonymous;
--! Included app_public.lookup_booking.sql
-- A guest without an account finds their booking by confirmation code and
-- email, and gets a booking-scoped token (2 hours) to view or cancel it.
-- Guessing is throttled: a miss returns null and is recorded (it commits,
-- which an error would not), and after 10 misses in 15 minutes for an
-- email or for a code, lookups for it are refused (TOO_MANY_ATTEMPTS).
create or replace function app_public.lookup_booking(confirmation_code text, email text) returns app_public.jwt_token
  language plpgsql volatile strict security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_code text := pg_catalog.upper(pg_catalog.btrim(lookup_booking.confirmation_code));
  v_email public.citext := pg_catalog.btrim(lookup_booking.email)::public.citext;
  v_id uuid;
begin
  -- One lookup at a time per email and per code (in a fixed order), so the
  -- count of recent failures and the new failure are atomic under
  -- concurrency: the 11th concurrent guess waits for the 10th and sees it.
  perform pg_catalog.pg_advisory_xact_lock(k)
     from pg_catalog.unnest(array[pg_catalog.hashtextextended('lookup_booking:email:' || v_email::text, 0),
                                  pg_catalog.hashtextextended('lookup_booking:code:' || v_code, 0)]) k
    order by k;
  if (select count(*) from app_private.lookup_failures f
       where (f.email = v_email or f.confirmation_code = v_code)
         and f.failed_at > pg_catalog.now() - interval '15 minutes') >= 10 then
    raise exception using errcode = 'LIMIT', message = 'Too many failed lookups; try again in 15 minutes.';
  end if;
  -- The email given for the booking, not the shared guest profile's.
  select r.id into v_id
    from app_public.reservations r
   where r.confirmation_code = v_code
     and r.contact_email = v_email;
  if v_id is null then
    delete from app_private.lookup_failures f where f.failed_at < pg_catalog.now() - interval '1 day';
    insert into app_private.lookup_failures (email, confirmation_code) values (v_email, pg_catalog.left(v_code, 50));
    return null;
  end if;
  return ('keepr_anonymous', null, null,
          extract(epoch from pg_catalog.now() + interval '2 hours')::bigint, v_id)::app_public.jwt_token;
end;
$$;
comment on function app_public.lookup_booking(text, text) is
  E'Finds a booking by confirmation code and email and returns a token, valid 2 hours, that can read and cancel that booking only; null when nothing matches. After 10 misses in 15 minutes for an email or a code: TOO_MANY_ATTEMPTS.';
--! EndIncluded app_public.lookup_booking.sql

------------------------------------------------------------------------------
-- Passwords: not the email, not a common password, at most 72 bytes (what
-- bcrypt reads).
------------------------------------------------------------------------------
--! Included app_private.password_refusal.sql
-- Why a new password is refused, or null when it is acceptable: 10 to 72
-- bytes (bcrypt reads only the first 72, so a longer one would be silently
-- cut), not the email address or its name part, not one character or a
-- keyboard run repeated, and not a commonly used password (the 10+ character
-- entries of the most common leaked-password lists, e.g. SecLists'
-- 10-million-password-list-top-10000, and Keepr's published demo password).
create or replace function app_private.password_refusal(password text, email text) returns text
  language plpgsql immutable
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_lower text := pg_catalog.lower(password);
  v_local text := pg_catalog.lower(pg_catalog.split_part(email, '@', 1));
begin
  if password is null or pg_catalog.length(password) < 10 then
    return 'Passwords must be at least 10 characters long.';
  end if;
  if pg_catalog.octet_length(password) > 72 then
    return 'Passwords can be at most 72 bytes long (72 plain letters or digits, fewer with accents or emoji).';
  end if;
  if v_lower = pg_catalog.lower(email) or (pg_catalog.length(v_local) >= 4 and pg_catalog.strpos(v_lower, v_local) > 0) then
    return 'Your password cannot contain your email address.';
  end if;
  if v_lower ~ '^(.)\1*$' or v_lower ~ '^(.{2,4})\1+.{0,3}$' then
    return 'That password is a repeated pattern; choose one that is harder to guess.';
  end if;
  if pg_catalog.regexp_replace(v_lower, '[^a-z0-9]', '', 'g') = any (array[
       '1234567890', '12345678910', '123456789a', '1234567890a', '0123456789', '0987654321', '9876543210',
       '12345678900', '123456789123', '1234512345', '1122334455', '1029384756', '1234554321',
       'qwertyuiop', 'qwertyuiop123', 'qwerty123456', 'qwerty12345', 'qwerty1234', 'qwertyuiopasdfghjkl',
       'asdfghjkl1', 'asdfghjkl123', 'asdfghjkl12', 'zxcvbnm123', 'zxcvbnm1234', 'qazwsxedcrfv', '1qaz2wsx3edc',
       '1qaz2wsx3edc4rfv', 'zaq12wsxcde3', 'zaq1xsw2cde3', '1q2w3e4r5t', '1q2w3e4r5t6y', 'q1w2e3r4t5', 'q1w2e3r4t5y6',
       'a1b2c3d4e5', 'abc1234567', 'abcdefghij', 'abcd123456', 'aaaaa11111', '1234qwerasdf', '1234qwer', 'qweasdzxc123',
       'password12', 'password123', 'password1234', 'password12345', 'password123456', 'passw0rd123', 'passwordpassword',
       'mypassword1', 'mypassword123', 'newpassword', 'newpassword1', 'changeme123', 'letmein123', 'welcome123',
       'welcome1234', 'administrator', 'admin12345', 'admin123456', 'iloveyou12', 'iloveyou123', 'iloveyou1234',
       'football123', 'baseball123', 'basketball', 'basketball1', 'princess123', 'sunshine123', 'superman123',
       'starwars123', 'trustno1234', 'monkey1234', 'michael123', 'jennifer123', 'charlie123', 'liverpool1',
       'manchester', 'chocolate1', 'butterfly1', 'pokemon123', 'playstation', 'playstation2', 'minecraft1',
       'minecraft123', 'computer123', 'internet123', 'whatever123', 'qwertyqwerty', 'asdfasdfasdf', 'zxcvzxcvzxcv',
       'keeprdemopassword', 'keepr12345', 'hotel12345', 'booking123', 'welcomehome'
     ]) then
    return 'That password is one of the most commonly used; choose another.';
  end if;
  return null;
end;
$$;
comment on function app_private.password_refusal(text, text) is
  E'Why a new password is refused (length, 72-byte bcrypt limit, the email, a repeated pattern, a common password), or null.';
--! EndIncluded app_private.password_refusal.sql
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
  v_refusal text;
begin
  if register.email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(register.email) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  v_refusal := app_private.password_refusal(register.password, register.email);
  if v_refusal is not null then
    raise exception using errcode = 'WEAKP', message = v_refusal;
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
  E'Creates a guest account (email, password of 10 to 72 bytes that is not the email or a common password, display name), signs it in and queues a welcome email. Errors: INVEM, WEAKP, INVNM, EMTKN.';
--! EndIncluded app_public.register.sql

------------------------------------------------------------------------------
-- Login and lookup throttling: rate-limiter-flexible's Postgres store
-- (server/throttle.ts), one row per key, updated atomically.
------------------------------------------------------------------------------
create table if not exists app_private.rate_limits (
  key varchar(255) primary key,
  points integer not null default 0,
  expire bigint
);
comment on table app_private.rate_limits is
  E'Attempt counters of rate-limiter-flexible (login, booking lookup, register), per account and per client address; expire in ms since the epoch.';

------------------------------------------------------------------------------
-- Rates are set for today and later, in the property's calendar.
------------------------------------------------------------------------------
--! Included app_public.set_rates.sql
-- Bulk edit of a rate plan's calendar over first_date … last_date
-- (inclusive), optionally only on some ISO weekdays (1 = Monday … 7 =
-- Sunday). Null arguments leave a field as it is; reset => true first
-- clears every override on those dates. Returns the number of dates written.
create or replace function app_public.set_rates(
  rate_plan_id uuid,
  first_date date,
  last_date date,
  idempotency_key text,
  price bigint default null,
  min_stay integer default null,
  max_stay integer default null,
  closed_to_arrival boolean default null,
  closed_to_departure boolean default null,
  stop_sell boolean default null,
  days_of_week integer[] default null,
  reset boolean default false
) returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_property_id uuid;
  v_count integer;
begin
  v_replay := app_private.idempotency_begin('set_rates', idempotency_key, pg_catalog.jsonb_build_object(
    'rate_plan_id', rate_plan_id, 'first_date', first_date, 'last_date', last_date, 'price', price,
    'min_stay', min_stay, 'max_stay', max_stay, 'closed_to_arrival', closed_to_arrival,
    'closed_to_departure', closed_to_departure, 'stop_sell', stop_sell, 'days_of_week', days_of_week, 'reset', reset));
  if v_replay is not null then
    return (v_replay ->> 'dates')::integer;
  end if;
  select rp.property_id into v_property_id from app_public.rate_plans rp where rp.id = set_rates.rate_plan_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_property_id, '{owner,manager}', 'edit rates');
  if first_date is null or last_date is null or first_date > last_date or last_date - first_date > 730 then
    raise exception using errcode = 'DATES', message = 'Give a first and last date, at most 731 days apart.';
  end if;
  if first_date < app_private.local_today(v_property_id) then
    raise exception using errcode = 'DATES',
      message = pg_catalog.format('Rates can be set from today (%s at the property) on.', app_private.local_today(v_property_id));
  end if;
  if days_of_week is not null and (pg_catalog.cardinality(days_of_week) = 0 or exists (
       select 1 from pg_catalog.unnest(days_of_week) d where d is null or d not between 1 and 7)) then
    raise exception using errcode = 'INVLD', message = 'Days of the week are 1 (Monday) to 7 (Sunday).';
  end if;
  if price < 0 then
    raise exception using errcode = 'INVLD', message = 'A price cannot be negative.';
  end if;
  if min_stay not between 1 and 365 or max_stay not between 1 and 365 or max_stay < min_stay then
    raise exception using errcode = 'INVLD', message = 'Stay limits are 1 to 365 nights, max stay at least min stay.';
  end if;

  if reset then
    delete from app_public.rate_calendar c
     where c.property_id = v_property_id and c.rate_plan_id = set_rates.rate_plan_id
       and c.date between first_date and last_date
       and (days_of_week is null or extract(isodow from c.date)::integer = any (days_of_week));
  end if;
  insert into app_public.rate_calendar as c (property_id, rate_plan_id, date, price, min_stay, max_stay,
                                             closed_to_arrival, closed_to_departure, stop_sell)
  select v_property_id, set_rates.rate_plan_id, d::date, set_rates.price, set_rates.min_stay, set_rates.max_stay,
         coalesce(set_rates.closed_to_arrival, false), coalesce(set_rates.closed_to_departure, false),
         coalesce(set_rates.stop_sell, false)
    from pg_catalog.generate_series(first_date::timestamp, last_date::timestamp, interval '1 day') d
   where days_of_week is null or extract(isodow from d)::integer = any (days_of_week)
  on conflict (property_id, rate_plan_id, date) do update
     set price = coalesce(set_rates.price, c.price),
         min_stay = coalesce(set_rates.min_stay, c.min_stay),
         max_stay = coalesce(set_rates.max_stay, c.max_stay),
         closed_to_arrival = coalesce(set_rates.closed_to_arrival, c.closed_to_arrival),
         closed_to_departure = coalesce(set_rates.closed_to_departure, c.closed_to_departure),
         stop_sell = coalesce(set_rates.stop_sell, c.stop_sell);
  get diagnostics v_count = row_count;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.jsonb_build_object('dates', v_count));
  return v_count;
end;
$$;
comment on function app_public.set_rates(uuid, date, date, text, bigint, integer, integer, boolean, boolean, boolean, integer[], boolean) is
  E'Sets price and restrictions of a rate plan on a range of dates (optionally some weekdays) in one call; null leaves a field unchanged, reset clears overrides first. Returns the number of dates written. Owners and managers. Errors: NTFND, DNIED, DATES, INVLD, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.set_rates.sql
