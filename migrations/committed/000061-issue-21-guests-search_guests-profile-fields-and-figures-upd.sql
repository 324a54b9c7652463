--! Previous: sha1:4d47c039b521e7ab061f3f9dbd4794db1409c681
--! Hash: sha1:2a58271473045208678c394e15dd1c0c1e3bfece
--! Message: Issue 21: Guests: search_guests, profile fields and figures, update_guest, merge_guests and guest_merges

-- Issue 21, Guests: search, profile (VIP, preferences, notes, who changed it
-- last, stays, nights, spend, likely duplicates), edit, merge.

drop function if exists app_public.merge_guests(uuid, uuid);
drop function if exists app_public.update_guest(uuid, text, text, text, boolean, text, text);
drop function if exists app_public.guests_merges(app_public.guests);
drop function if exists app_public.guests_duplicates(app_public.guests);
drop function if exists app_public.guests_total_spend(app_public.guests);
drop function if exists app_public.guests_nights_count(app_public.guests);
drop function if exists app_public.guests_stays_count(app_public.guests);
drop function if exists app_public.search_guests(uuid, text);
drop function if exists app_hidden.guests_matching(uuid, text);
drop table if exists app_public.guest_merges;
drop trigger if exists _200_updated_by on app_public.guests;
drop function if exists app_private.tg_guests__updated_by();
drop index if exists app_public.guests_property_name_idx;
alter table app_public.guests
  drop column if exists is_vip,
  drop column if exists preferences,
  drop column if exists notes,
  drop column if exists updated_by;

alter table app_public.guests
  add column is_vip boolean not null default false,
  add column preferences text constraint guests_preferences_check check (pg_catalog.length(preferences) between 1 and 1000),
  add column notes text constraint guests_notes_check check (pg_catalog.length(notes) between 1 and 4000),
  add column updated_by uuid constraint guests_updated_by_fkey references app_public.users (id) on delete set null;
create index guests_updated_by_idx on app_public.guests (updated_by) where updated_by is not null;
create index guests_property_name_idx on app_public.guests (property_id, full_name, id);
comment on column app_public.guests.is_vip is E'A VIP: the desk gives them its attention (shown on the profile and the Guests list).';
comment on column app_public.guests.preferences is E'What the guest likes (a quiet room, a high floor, no feathers), free text, at most 1000 characters.';
comment on column app_public.guests.notes is E'The desk''s notes about the guest, free text, at most 4000 characters; staff only.';
comment on column app_public.guests.updated_by is E'Who last changed the profile (null: the system, e.g. a booking''s confirmation).';
comment on constraint guests_updated_by_fkey on app_public.guests is E'@fieldName updatedByUser';
comment on table app_public.guests is E'@behavior -update\nA guest profile at a property, found or created by email when a booking is confirmed. Staff change it with updateGuest (validated, audited) and mergeGuests, not with a raw patch.';

--! Included operations/app_private.tg_guests__updated_by.sql
-- Who last changed a guest profile: the signed-in user of the transaction
-- (null for the system: a booking's confirmation, a job). Read with
-- updated_at as the profile's "last changed … by …".
create or replace function app_private.tg_guests__updated_by() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  new.updated_by := app_hidden.current_user_id();
  return new;
end;
$$;
comment on function app_private.tg_guests__updated_by() is
  E'Trigger: sets guests.updated_by to the user making the change (null for the system).';
--! EndIncluded operations/app_private.tg_guests__updated_by.sql
create trigger _200_updated_by before insert or update on app_public.guests
  for each row execute function app_private.tg_guests__updated_by();

create table app_public.guest_merges (
  id uuid not null default gen_random_uuid(),
  property_id uuid not null,
  kept_guest_id uuid not null,
  merged_guest_id uuid not null,
  merged_guest jsonb not null,
  reservation_ids uuid[] not null default '{}',
  merged_by uuid default app_hidden.current_user_id(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint guest_merges_pkey primary key (id, property_id),
  constraint guest_merges_property_id_merged_guest_id_key unique (property_id, merged_guest_id),
  constraint guest_merges_property_id_fkey foreign key (property_id) references app_public.properties (id) on delete cascade,
  constraint guest_merges_merged_by_fkey foreign key (merged_by) references app_public.users (id) on delete set null,
  constraint guest_merges_check check (kept_guest_id <> merged_guest_id)
);
create index guest_merges_kept_guest_idx on app_public.guest_merges (property_id, kept_guest_id, created_at);
create index guest_merges_merged_by_idx on app_public.guest_merges (merged_by) where merged_by is not null;
comment on table app_public.guest_merges is E'Guest profiles merged into another (mergeGuests): who merged which profile into which, when, the merged profile''s values and the bookings that moved. Append-only.';
comment on constraint guest_merges_pkey on app_public.guest_merges is E'@rowIdentity id';
comment on constraint guest_merges_property_id_merged_guest_id_key on app_public.guest_merges is E'@behavior -*';
comment on constraint guest_merges_merged_by_fkey on app_public.guest_merges is E'@fieldName mergedByUser\n@foreignFieldName -';
comment on column app_public.guest_merges.kept_guest_id is E'The profile that was kept (no foreign key: it may itself be merged into another later, and this record stays).';
comment on column app_public.guest_merges.merged_guest_id is E'The id of the profile merged into it (deleted; its history is in the audit log under this id).';
comment on column app_public.guest_merges.merged_guest is E'The merged profile as it was (name, email, phone, notes, ...).';
comment on column app_public.guest_merges.reservation_ids is E'The bookings that moved to the kept profile.';
comment on column app_public.guest_merges.merged_by is E'Who merged them.';
create trigger _100_timestamps before insert or update on app_public.guest_merges
  for each row execute function app_private.tg__timestamps();
create trigger _100_append_only before update or delete on app_public.guest_merges
  for each row execute function audit.tg__append_only();
create trigger _500_audit after insert or update or delete on app_public.guest_merges
  for each row execute function audit.tg__record();
alter table app_public.guest_merges enable row level security;
create policy select_cashiers on app_public.guest_merges for select
  using (property_id in (select app_hidden.current_property_ids_for('cashiers')));
create policy worker_all on app_public.guest_merges for select to keepr_worker using (true);
grant select on app_public.guest_merges to keepr_staff, keepr_worker;

--! Included operations/app_hidden.guests_matching.sql
-- The ids of a property's guest profiles that a staff search finds: by the
-- profile's name, email or phone digits, by the contact details a booking
-- of theirs was made with, or by the exact confirmation code of one of
-- their bookings. As app_hidden.reservations_matching: the LIKE pattern goes
-- into the statement as a literal (EXECUTE … %L), so each call is planned
-- with it and the trigram indexes (guests_search_idx,
-- reservations_contact_search_idx) are chosen from their statistics.
-- Security invoker: the caller's row-level security applies.
create or replace function app_hidden.guests_matching(property_id uuid, search text) returns setof uuid
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_pattern text := app_hidden.search_pattern(search);
begin
  if v_pattern is null then
    return;
  end if;
  return query execute pg_catalog.format($q$
    select s.id
      from app_public.guests s
     where s.property_id = %1$L
       and app_hidden.guest_search_text(s.full_name, s.email::text, s.phone) like %3$L
    union
    select c.guest_id
      from app_public.reservations c
     where c.property_id = %1$L and c.confirmation_code = %2$L and c.guest_id is not null
    union
    select t.guest_id
      from app_public.reservations t
     where t.property_id = %1$L
       and (t.contact_name is not null or t.contact_email is not null or t.contact_phone is not null)
       and app_hidden.guest_search_text(t.contact_name, t.contact_email::text, t.contact_phone) like %3$L
       and t.guest_id is not null
    $q$, guests_matching.property_id, pg_catalog.upper(pg_catalog.btrim(search)), v_pattern);
end;
$$;
comment on function app_hidden.guests_matching(uuid, text) is
  E'Ids of a property''s guest profiles matching a staff search (name, email, phone digits, a booking''s contact details, or the exact code of one of their bookings), planned with the pattern as a literal so the trigram indexes are used. Security invoker. INVALID_INPUT (reason SEARCH) over 200 characters.';
--! EndIncluded operations/app_hidden.guests_matching.sql
grant execute on function app_hidden.guests_matching(uuid, text) to keepr_staff;
--! Included operations/app_public.search_guests.sql
-- The Guests list of the staff console (issue 21): a property's guest
-- profiles, optionally searched by name, email, phone (its digits), the
-- contact details of one of their bookings or a booking's confirmation code,
-- in the database (app_hidden.guests_matching, called once per query).
-- language sql without SET clauses on purpose, as search_reservations: it is
-- inlined into PostGraphile's query, so the API's order and page reach the
-- (property_id, full_name) index. Security invoker: row-level security
-- decides who reads profiles (the cashiers group); another property's id
-- gives nothing.
create or replace function app_public.search_guests(property_id uuid, search text default null)
  returns setof app_public.guests
  language sql stable
as $$
  select g.*
    from app_public.guests g
   where g.property_id = search_guests.property_id
     and (coalesce(pg_catalog.btrim(search_guests.search), '') = ''
          or g.id in (select app_hidden.guests_matching(search_guests.property_id, search_guests.search)));
$$;
comment on function app_public.search_guests(uuid, text) is
  E'@behavior +order +filter\nA property''s guest profiles for the staff Guests list: `search` matches the name, email or phone (any part; a phone by its digits), the contact details of one of their bookings, or the exact confirmation code of one. Staff who read guest profiles; another property gives nothing. Errors: INVALID_INPUT (reason SEARCH) for a search over 200 characters.';
--! EndIncluded operations/app_public.search_guests.sql
grant execute on function app_public.search_guests(uuid, text) to keepr_staff;
--! Included operations/app_public.guests_stays_count.sql
-- How many stays a guest has had at the property: bookings of theirs that
-- were checked in (in house now or checked out). Upcoming, cancelled and
-- no-show bookings are not stays (the profile lists them apart).
create or replace function app_public.guests_stays_count(guest app_public.guests) returns integer
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.count(*)::integer
    from app_public.reservations r
   where r.property_id = guest.property_id and r.guest_id = guest.id
     and r.status in ('checked_in', 'checked_out');
$$;
comment on function app_public.guests_stays_count(app_public.guests) is
  E'Stays the guest has had here: their bookings checked in (in house now or checked out).';
--! EndIncluded operations/app_public.guests_stays_count.sql
grant execute on function app_public.guests_stays_count(app_public.guests) to keepr_staff;
--! Included operations/app_public.guests_nights_count.sql
-- The nights of a guest's stays (app_public.guests_stays_count): each
-- stay's nights as booked, [arrive, depart); an early check-out counts the
-- nights its stay was shortened to.
create or replace function app_public.guests_nights_count(guest app_public.guests) returns integer
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(pg_catalog.sum(pg_catalog.upper(r.stay) - pg_catalog.lower(r.stay)), 0)::integer
    from app_public.reservations r
   where r.property_id = guest.property_id and r.guest_id = guest.id
     and r.status in ('checked_in', 'checked_out');
$$;
comment on function app_public.guests_nights_count(app_public.guests) is
  E'Nights of the guest''s stays here (checked in or checked out), as their stays read now.';
--! EndIncluded operations/app_public.guests_nights_count.sql
grant execute on function app_public.guests_nights_count(app_public.guests) to keepr_staff;
--! Included money/app_public.guests_total_spend.sql
-- What a guest has spent at the property, in minor units of the property's
-- currency: the revenue and tax charged on the guest folios of their
-- bookings that began (in house, checked out) or ended without a stay
-- (cancelled, no-show: their penalties), by app_private.folio_charges:
-- rooms, fees, extras, penalties and taxes, less allowances and
-- corrections. Upcoming bookings are left out: confirmation posts a stay's
-- charges to its folio at once (docs/ledger.md), but they are not spent
-- yet. A charge
-- routed to a company's folio is the company's spend, not the guest's; a
-- folio in another currency than the property's is left out. Payments do
-- not count: spend is what was charged, paid or not. Security definer
-- (folio_charges reads the ledger) for the cashiers of the guest's property
-- only (owner, manager, front desk, accountant): anyone else gets null.
create or replace function app_public.guests_total_spend(guest app_public.guests) returns bigint
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(pg_catalog.sum(c.amount), 0)::bigint
    from app_public.reservations r
    join app_public.properties p on p.id = r.property_id
    join app_public.folios f on f.property_id = r.property_id and f.reservation_id = r.id
                            and f.kind = 'guest' and f.currency = p.currency
    cross join lateral app_private.folio_charges(f) c
   where r.property_id = guest.property_id and r.guest_id = guest.id
     and r.status in ('checked_in', 'checked_out', 'cancelled', 'no_show')
  having guest.property_id in (select app_hidden.current_property_ids_for('cashiers'));
$$;
comment on function app_public.guests_total_spend(app_public.guests) is
  E'What the guest has been charged here (revenue and tax on the guest folios of their stays in house or checked out, and of cancelled and no-show bookings; upcoming ones are left out; routed charges follow their folio), in minor units of the property''s currency; payments do not count. Null for anyone but the property''s cashiers.';
--! EndIncluded money/app_public.guests_total_spend.sql
grant execute on function app_public.guests_total_spend(app_public.guests) to keepr_staff;
--! Included operations/app_public.guests_duplicates.sql
-- Profiles at the same property that are likely the same person as this
-- guest, for the profile's "Possible duplicates": the same email ignoring
-- case and a "+tag" in its local part (ada+spa@x.org is ada@x.org), or the
-- same name ignoring case and spaces with the same phone digits. Emails are
-- unique per property ignoring case (citext), so an exact match is
-- impossible; the +tag is what tells two profiles of one mailbox apart.
create or replace function app_public.guests_duplicates(guest app_public.guests) returns setof app_public.guests
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select d.*
    from app_public.guests d
   where d.property_id = guest.property_id and d.id <> guest.id
     and (pg_catalog.regexp_replace(pg_catalog.lower(d.email::text), '\+[^@]*@', '@')
            = pg_catalog.regexp_replace(pg_catalog.lower(guest.email::text), '\+[^@]*@', '@')
          or (pg_catalog.lower(pg_catalog.regexp_replace(d.full_name, '\s+', ' ', 'g'))
                = pg_catalog.lower(pg_catalog.regexp_replace(guest.full_name, '\s+', ' ', 'g'))
              and pg_catalog.length(pg_catalog.regexp_replace(guest.phone, '[^0-9]', '', 'g')) >= 5
              and pg_catalog.regexp_replace(d.phone, '[^0-9]', '', 'g')
                    = pg_catalog.regexp_replace(guest.phone, '[^0-9]', '', 'g')))
   order by d.created_at, d.id
   limit 20;
$$;
comment on function app_public.guests_duplicates(app_public.guests) is
  E'@behavior -connection +list\nLikely duplicates of this guest at the property (at most 20): the same email ignoring case and a +tag, or the same name and phone digits. Merge one with mergeGuests.';
--! EndIncluded operations/app_public.guests_duplicates.sql
grant execute on function app_public.guests_duplicates(app_public.guests) to keepr_staff;
--! Included operations/app_public.guests_merges.sql
-- The profiles merged into this guest (app_public.merge_guests), newest
-- first: who merged which profile when, with its values as they were.
create or replace function app_public.guests_merges(guest app_public.guests) returns setof app_public.guest_merges
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select m.*
    from app_public.guest_merges m
   where m.property_id = guest.property_id and m.kept_guest_id = guest.id
   order by m.created_at desc, m.id;
$$;
comment on function app_public.guests_merges(app_public.guests) is
  E'@behavior -connection +list\nThe profiles merged into this guest, newest first.';
--! EndIncluded operations/app_public.guests_merges.sql
grant execute on function app_public.guests_merges(app_public.guests) to keepr_staff;
--! Included operations/app_public.update_guest.sql
-- The desk edits a guest profile from the Guests screens (issue 21): name,
-- email, phone, VIP, preferences and notes, in one statement, audited
-- (audit.events holds the old and new values; updated_at and updated_by say
-- when and by whom). Front office only (owner, manager, front desk):
-- ACCESS_DENIED for other staff of the property (housekeeping, accountant),
-- NOT_FOUND for anyone else and for an id that is no profile. Bad input gets
-- its own code: INVALID_NAME, INVALID_EMAIL, INVALID_PHONE, INVALID_INPUT
-- (reason PREFERENCES over 1000 characters, NOTES over 4000), and
-- GUEST_EMAIL_IN_USE when another profile of the property has the email
-- (merge the two instead). Blank preferences or notes clear them. Writing
-- the same values again changes nothing, so a retry needs no key.
create or replace function app_public.update_guest(guest_id uuid, full_name text, email text, phone text default null,
                                                   is_vip boolean default false, preferences text default null, notes text default null)
  returns app_public.guests
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_guest app_public.guests;
  v_name text := pg_catalog.btrim(full_name);
  v_email text := pg_catalog.lower(pg_catalog.btrim(email));
  v_phone text := nullif(pg_catalog.btrim(phone), '');
  v_vip boolean := coalesce(is_vip, false);
  v_preferences text := nullif(pg_catalog.btrim(preferences), '');
  v_notes text := nullif(pg_catalog.btrim(notes), '');
begin
  select * into v_guest from app_public.guests g where g.id = update_guest.guest_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such guest, or you cannot see them.';
  end if;
  perform app_private.require_staff(v_guest.property_id, app_hidden.staff_group_roles('front_office'), 'change guest profiles');
  if v_name is null or pg_catalog.length(v_name) < 1 or pg_catalog.length(v_name) > 200 then
    raise exception using errcode = 'INVNM', message = 'The guest''s full name (1 to 200 characters) is required.';
  end if;
  if v_email is null or pg_catalog.length(v_email) > 254 or v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  if v_phone is not null and v_phone !~ '^\+?[0-9 ()./-]{5,30}$' then
    raise exception using errcode = 'INVPH', message = 'That phone number does not look valid: digits, spaces and + ( ) . / - only, 5 to 30 of them.';
  end if;
  if pg_catalog.length(v_preferences) > 1000 then
    raise exception using errcode = 'INVLD', hint = 'PREFERENCES', message = 'Preferences are at most 1000 characters.';
  end if;
  if pg_catalog.length(v_notes) > 4000 then
    raise exception using errcode = 'INVLD', hint = 'NOTES', message = 'Notes are at most 4000 characters.';
  end if;
  if exists (select 1 from app_public.guests g
              where g.property_id = v_guest.property_id and g.email = v_email::citext and g.id <> v_guest.id) then
    raise exception using errcode = 'GSTEM',
      message = 'Another guest profile at this property already has this email. Keep this one''s email, or merge the two profiles.';
  end if;
  update app_public.guests g
     set full_name = v_name, email = v_email, phone = v_phone, is_vip = v_vip, preferences = v_preferences, notes = v_notes
   where g.property_id = v_guest.property_id and g.id = v_guest.id
     and (g.full_name, g.email::text, g.phone, g.is_vip, g.preferences, g.notes)
         is distinct from (v_name, v_email, v_phone, v_vip, v_preferences, v_notes)
  returning * into v_guest;
  if not found then
    select * into v_guest from app_public.guests g where g.property_id = v_guest.property_id and g.id = v_guest.id;
  end if;
  return v_guest;
end;
$$;
comment on function app_public.update_guest(uuid, text, text, text, boolean, text, text) is
  E'Edits a guest profile: name, email, phone, VIP, preferences (at most 1000 characters) and notes (at most 4000); audited. Front office staff. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_NAME, INVALID_EMAIL, INVALID_PHONE, INVALID_INPUT (reason PREFERENCES or NOTES), GUEST_EMAIL_IN_USE.';
--! EndIncluded operations/app_public.update_guest.sql
grant execute on function app_public.update_guest(uuid, text, text, text, boolean, text, text) to keepr_staff;
--! Included operations/app_public.merge_guests.sql
-- Merges two profiles of one person at a property (issue 21): the kept
-- profile takes the other's bookings, its notes and preferences (appended),
-- its VIP flag, its phone and its signed-in user when it has none; the other
-- profile is deleted and app_public.guest_merges records who merged which
-- ids when, with the merged profile's values and the bookings moved (its
-- own history stays in audit.events under its id, which the kept profile's
-- merges name). One transaction; both profiles locked in id order, so two
-- desks merging the same pair at once do it once. Idempotent: merging a
-- profile again into the profile it was merged into returns that profile
-- and changes nothing; into another is INVALID_TRANSITION (reason MERGED).
-- Front office only (ACCESS_DENIED for other staff, NOT_FOUND for anyone
-- else and for ids that are no profile); two profiles of different
-- properties are GUEST_OTHER_PROPERTY (staff of both) or NOT_FOUND; a
-- profile with itself is INVALID_INPUT (reason SAME_GUEST); notes or
-- preferences that would grow past their limits are INVALID_INPUT (reason
-- NOTES or PREFERENCES: shorten them first).
create or replace function app_public.merge_guests(keep_guest_id uuid, merge_guest_id uuid)
  returns app_public.guests
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_keep app_public.guests;
  v_merge app_public.guests;
  v_done app_public.guest_merges;
  v_moved uuid[];
  v_notes text;
  v_preferences text;
begin
  select * into v_keep from app_public.guests g where g.id = merge_guests.keep_guest_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such guest, or you cannot see them.';
  end if;
  perform app_private.require_staff(v_keep.property_id, app_hidden.staff_group_roles('front_office'), 'merge guest profiles');
  if keep_guest_id = merge_guest_id then
    raise exception using errcode = 'INVLD', hint = 'SAME_GUEST', message = 'Choose two different guest profiles to merge.';
  end if;
  select * into v_merge from app_public.guests g where g.id = merge_guests.merge_guest_id;
  if not found then
    select * into v_done from app_public.guest_merges m
     where m.property_id = v_keep.property_id and m.merged_guest_id = merge_guests.merge_guest_id;
    if found and v_done.kept_guest_id = v_keep.id then
      return v_keep; -- a retry of a merge that is done
    elsif found then
      raise exception using errcode = 'TRANS', hint = 'MERGED',
        message = 'That profile was already merged into another guest.';
    end if;
    raise exception using errcode = 'NTFND', message = 'No such guest, or you cannot see them.';
  end if;
  perform app_private.require_staff(v_merge.property_id, app_hidden.staff_group_roles('front_office'), 'merge guest profiles');
  if v_merge.property_id <> v_keep.property_id then
    raise exception using errcode = 'GSTXP',
      message = 'These two guests are profiles of different properties; only profiles of one property can be merged.';
  end if;
  -- Lock both in id order (two desks merging the pair either way round wait, then find it done).
  perform 1 from app_public.guests g
   where g.property_id = v_keep.property_id and g.id in (v_keep.id, v_merge.id)
   order by g.id for update;
  select * into v_keep from app_public.guests g where g.property_id = v_keep.property_id and g.id = v_keep.id;
  select * into v_merge from app_public.guests g where g.property_id = v_keep.property_id and g.id = v_merge.id;
  if v_keep.id is null then
    raise exception using errcode = 'TRANS', hint = 'MERGED', message = 'The profile to keep was just merged into another guest.';
  end if;
  if v_merge.id is null then
    return app_public.merge_guests(keep_guest_id, merge_guest_id); -- merged meanwhile: answer as a retry
  end if;
  v_notes := nullif(pg_catalog.concat_ws(E'\n\n', v_keep.notes, v_merge.notes), '');
  v_preferences := nullif(pg_catalog.concat_ws(E'\n', v_keep.preferences, v_merge.preferences), '');
  if pg_catalog.length(v_notes) > 4000 then
    raise exception using errcode = 'INVLD', hint = 'NOTES',
      message = 'The two profiles'' notes together are over 4000 characters: shorten one, then merge.';
  end if;
  if pg_catalog.length(v_preferences) > 1000 then
    raise exception using errcode = 'INVLD', hint = 'PREFERENCES',
      message = 'The two profiles'' preferences together are over 1000 characters: shorten one, then merge.';
  end if;
  with moved as (
    update app_public.reservations r
       set guest_id = v_keep.id
     where r.property_id = v_keep.property_id and r.guest_id = v_merge.id
    returning r.id
  )
  select coalesce(pg_catalog.array_agg(moved.id order by moved.id), '{}') into v_moved from moved;
  insert into app_public.guest_merges (property_id, kept_guest_id, merged_guest_id, merged_guest, reservation_ids)
  values (v_keep.property_id, v_keep.id, v_merge.id, pg_catalog.to_jsonb(v_merge), v_moved);
  delete from app_public.guests g where g.property_id = v_merge.property_id and g.id = v_merge.id;
  update app_public.guests g
     set notes = v_notes, preferences = v_preferences,
         is_vip = v_keep.is_vip or v_merge.is_vip,
         phone = coalesce(v_keep.phone, v_merge.phone),
         user_id = coalesce(v_keep.user_id, v_merge.user_id)
   where g.property_id = v_keep.property_id and g.id = v_keep.id
  returning * into v_keep;
  return v_keep;
end;
$$;
comment on function app_public.merge_guests(uuid, uuid) is
  E'Merges a duplicate guest profile (mergeGuestId) into the one to keep: its bookings, notes, preferences, VIP flag (and phone and user when the kept one has none) move, it is deleted, and the merge is recorded in guestMerges; one transaction, idempotent on retry. Front office staff. Errors: NOT_FOUND, ACCESS_DENIED, GUEST_OTHER_PROPERTY, INVALID_INPUT (reason SAME_GUEST, NOTES or PREFERENCES), INVALID_TRANSITION (reason MERGED: merged into another guest already).';
--! EndIncluded operations/app_public.merge_guests.sql
grant execute on function app_public.merge_guests(uuid, uuid) to keepr_staff;
