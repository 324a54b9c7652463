--! Previous: sha1:2a75fc2c3e7298129ba3a8576ab25beec3ae6992
--! Hash: sha1:067d3c94ca27c9ed9c95a6824c99d894f5b04bf5
--! Message: Issue 21: a merge of guest profiles can be undone

-- Issue 21 (Guests): a merge of two guest profiles can be undone.
alter table app_public.guest_merges drop column if exists kept_guest;
alter table app_public.guest_merges drop column if exists kept_guest_merged;
drop function if exists app_public.undo_guest_merge(uuid);
drop table if exists app_public.guest_unmerges;

-- A profile can be merged, restored and merged again: one record per merge.
alter table app_public.guest_merges drop constraint if exists guest_merges_property_id_merged_guest_id_key;
drop index if exists app_public.guest_merges_merged_guest_idx;
create index guest_merges_merged_guest_idx on app_public.guest_merges (property_id, merged_guest_id, created_at);
alter table app_public.guest_merges add column kept_guest jsonb;
alter table app_public.guest_merges add column kept_guest_merged jsonb;
comment on column app_public.guest_merges.kept_guest is E'The kept profile as it was before the merge (null for merges before undo existed).';
comment on column app_public.guest_merges.kept_guest_merged is E'The kept profile as the merge left it: an undo restores only the fields that still hold these values.';

create table app_public.guest_unmerges (
  id uuid not null default gen_random_uuid(),
  property_id uuid not null,
  merge_id uuid not null,
  restored_guest_id uuid not null,
  reservation_ids uuid[] not null default '{}',
  undone_by uuid default app_hidden.current_user_id(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint guest_unmerges_pkey primary key (id, property_id),
  constraint guest_unmerges_merge_id_property_id_key unique (merge_id, property_id),
  constraint guest_unmerges_merge_id_fkey foreign key (merge_id, property_id) references app_public.guest_merges (id, property_id) on delete cascade,
  constraint guest_unmerges_property_id_fkey foreign key (property_id) references app_public.properties (id) on delete cascade,
  constraint guest_unmerges_undone_by_fkey foreign key (undone_by) references app_public.users (id) on delete set null
);
create index guest_unmerges_undone_by_idx on app_public.guest_unmerges (undone_by) where undone_by is not null;
create index guest_unmerges_property_id_idx on app_public.guest_unmerges (property_id, created_at);
comment on table app_public.guest_unmerges is E'Merges of guest profiles that were undone (undoGuestMerge): who undid which merge when, and the bookings that moved back. Append-only.';
comment on constraint guest_unmerges_pkey on app_public.guest_unmerges is E'@rowIdentity id';
comment on constraint guest_unmerges_merge_id_property_id_key on app_public.guest_unmerges is E'@behavior -*';
comment on constraint guest_unmerges_merge_id_fkey on app_public.guest_unmerges is E'@fieldName merge\n@foreignFieldName undo';
comment on constraint guest_unmerges_property_id_fkey on app_public.guest_unmerges is E'@behavior -*';
comment on constraint guest_unmerges_undone_by_fkey on app_public.guest_unmerges is E'@fieldName undoneByUser';
comment on column app_public.guest_unmerges.restored_guest_id is E'The profile brought back (the merged profile''s own id).';
comment on column app_public.guest_unmerges.reservation_ids is E'The bookings that moved back to the restored profile (those of the merge still on the kept profile).';
comment on column app_public.guest_unmerges.undone_by is E'Who undid the merge.';
create trigger _100_timestamps before insert or update on app_public.guest_unmerges
  for each row execute function app_private.tg__timestamps();
create trigger _100_append_only before update or delete on app_public.guest_unmerges
  for each row execute function audit.tg__append_only();
create trigger _500_audit after insert or update or delete on app_public.guest_unmerges
  for each row execute function audit.tg__record();
alter table app_public.guest_unmerges enable row level security;
create policy select_cashiers on app_public.guest_unmerges for select
  using (property_id in (select app_hidden.current_property_ids_for('cashiers')));
create policy worker_all on app_public.guest_unmerges for select to keepr_worker using (true);
grant select on app_public.guest_unmerges to keepr_staff, keepr_worker;

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
-- A merge can be undone (app_public.undo_guest_merge).
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
  v_kept app_public.guests;
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
    -- Its latest merge that was not undone (app_public.undo_guest_merge).
    select * into v_done from app_public.guest_merges m
     where m.property_id = v_keep.property_id and m.merged_guest_id = merge_guests.merge_guest_id
       and not exists (select 1 from app_public.guest_unmerges u where u.property_id = m.property_id and u.merge_id = m.id)
     order by m.created_at desc, m.id
     limit 1;
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
  delete from app_public.guests g where g.property_id = v_merge.property_id and g.id = v_merge.id;
  update app_public.guests g
     set notes = v_notes, preferences = v_preferences,
         is_vip = v_keep.is_vip or v_merge.is_vip,
         phone = coalesce(v_keep.phone, v_merge.phone),
         user_id = coalesce(v_keep.user_id, v_merge.user_id)
   where g.property_id = v_keep.property_id and g.id = v_keep.id
  returning * into v_kept;
  -- Both states of the kept profile, so an undo restores what the merge
  -- changed and nothing edited since.
  insert into app_public.guest_merges (property_id, kept_guest_id, merged_guest_id, merged_guest, reservation_ids, kept_guest, kept_guest_merged)
  values (v_keep.property_id, v_keep.id, v_merge.id, pg_catalog.to_jsonb(v_merge), v_moved, pg_catalog.to_jsonb(v_keep), pg_catalog.to_jsonb(v_kept));
  return v_kept;
end;
$$;
comment on function app_public.merge_guests(uuid, uuid) is
  E'Merges a duplicate guest profile (mergeGuestId) into the one to keep: its bookings, notes, preferences, VIP flag (and phone and user when the kept one has none) move, it is deleted, and the merge is recorded in guestMerges; one transaction, idempotent on retry. Front office staff. Errors: NOT_FOUND, ACCESS_DENIED, GUEST_OTHER_PROPERTY, INVALID_INPUT (reason SAME_GUEST, NOTES or PREFERENCES), INVALID_TRANSITION (reason MERGED: merged into another guest already). undoGuestMerge undoes it.';
--! EndIncluded operations/app_public.merge_guests.sql
--! Included operations/app_public.undo_guest_merge.sql
-- Undoes a merge of two guest profiles (issue 21): the merged profile comes
-- back as it was (same id, name, email, phone, notes, ...), the bookings
-- that moved and are still on the kept profile go back to it, and the kept
-- profile's notes, preferences, VIP flag, phone and signed-in user return
-- to their values before the merge, each only where it still holds what
-- the merge made (an edit since the merge is kept). Recorded in
-- app_public.guest_unmerges (who, when, the bookings moved back); the
-- merge record itself is append-only and stays. One transaction with the
-- kept profile locked, as merge_guests locks it. Idempotent: undoing an
-- undone merge returns the restored profile and changes nothing.
-- Front office only (ACCESS_DENIED for other staff, NOT_FOUND for anyone
-- else). INVALID_TRANSITION: the kept profile was itself merged into
-- another since (reason MERGED: undo that merge first), or another profile
-- of the property has the merged profile's email now (reason EMAIL_TAKEN).
create or replace function app_public.undo_guest_merge(merge_id uuid) returns app_public.guests
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_merge app_public.guest_merges;
  v_kept app_public.guests;
  v_restored app_public.guests;
  v_before app_public.guests;
  v_made app_public.guests;
  v_back uuid[];
begin
  select * into v_merge from app_public.guest_merges m where m.id = undo_guest_merge.merge_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such merge, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_merge.property_id, app_hidden.staff_group_roles('front_office'), 'undo guest merges');
  -- The kept profile's lock serialises this with merges into or of it.
  select * into v_kept from app_public.guests g
   where g.property_id = v_merge.property_id and g.id = v_merge.kept_guest_id
   for update;
  if exists (select 1 from app_public.guest_unmerges u where u.property_id = v_merge.property_id and u.merge_id = v_merge.id) then
    select * into v_restored from app_public.guests g where g.property_id = v_merge.property_id and g.id = v_merge.merged_guest_id;
    if found then
      return v_restored; -- a retry of an undo that is done
    end if;
    raise exception using errcode = 'TRANS', hint = 'MERGED',
      message = 'This merge was undone, and the profile was merged again since.';
  end if;
  if v_kept.id is null then
    raise exception using errcode = 'TRANS', hint = 'MERGED',
      message = 'The profile this one was merged into was itself merged into another since: undo that merge first.';
  end if;
  v_restored := pg_catalog.jsonb_populate_record(null::app_public.guests, v_merge.merged_guest);
  if v_restored.email is not null and exists (
    select 1 from app_public.guests g where g.property_id = v_merge.property_id and g.email = v_restored.email) then
    raise exception using errcode = 'TRANS', hint = 'EMAIL_TAKEN',
      message = pg_catalog.format('Another profile of the property has the email %s now: merge or change it first, then undo.', v_restored.email);
  end if;
  insert into app_public.guests (id, property_id, email, full_name, phone, user_id, created_at, is_vip, preferences, notes)
  values (v_restored.id, v_merge.property_id, v_restored.email, v_restored.full_name, v_restored.phone, v_restored.user_id,
          v_restored.created_at, v_restored.is_vip, v_restored.preferences, v_restored.notes)
  returning * into v_restored;
  with back as (
    update app_public.reservations r
       set guest_id = v_restored.id
     where r.property_id = v_merge.property_id and r.id = any (v_merge.reservation_ids) and r.guest_id = v_kept.id
    returning r.id
  )
  select coalesce(pg_catalog.array_agg(back.id order by back.id), '{}') into v_back from back;
  -- The kept profile's fields the merge changed and nobody edited since.
  -- (Merges recorded before migration 000071 kept no before state: their
  -- kept profile is left as it is.)
  if v_merge.kept_guest is not null then
    v_before := pg_catalog.jsonb_populate_record(null::app_public.guests, v_merge.kept_guest);
    v_made := pg_catalog.jsonb_populate_record(null::app_public.guests, v_merge.kept_guest_merged);
    update app_public.guests g
       set notes = case when g.notes is not distinct from v_made.notes then v_before.notes else g.notes end,
           preferences = case when g.preferences is not distinct from v_made.preferences then v_before.preferences else g.preferences end,
           is_vip = case when g.is_vip = v_made.is_vip then v_before.is_vip else g.is_vip end,
           phone = case when g.phone is not distinct from v_made.phone then v_before.phone else g.phone end,
           user_id = case when g.user_id is not distinct from v_made.user_id then v_before.user_id else g.user_id end
     where g.property_id = v_merge.property_id and g.id = v_kept.id
       and (g.notes, g.preferences, g.is_vip, g.phone, g.user_id)
           is distinct from (v_before.notes, v_before.preferences, v_before.is_vip, v_before.phone, v_before.user_id);
  end if;
  insert into app_public.guest_unmerges (property_id, merge_id, restored_guest_id, reservation_ids)
  values (v_merge.property_id, v_merge.id, v_restored.id, v_back);
  return v_restored;
end;
$$;
comment on function app_public.undo_guest_merge(uuid) is
  E'Undoes a merge of guest profiles (a guestMerges row): the merged profile comes back as it was, the bookings that moved and are still on the kept profile go back, and the kept profile''s notes, preferences, VIP flag, phone and user return to their values before the merge where nobody edited them since. Recorded in guestUnmerges; returns the restored profile; idempotent on retry. Front office staff. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION (reason MERGED: the kept profile was merged into another since; EMAIL_TAKEN: another profile has the email now).';
--! EndIncluded operations/app_public.undo_guest_merge.sql
grant execute on function app_public.undo_guest_merge(uuid) to keepr_staff;
