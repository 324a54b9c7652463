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
