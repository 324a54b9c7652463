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
