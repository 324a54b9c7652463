-- Staff close a channel conflict with a note once they have dealt with it
-- (asked the channel to cancel, or accept both bookings: the guest was
-- rebooked elsewhere, the owner stays elsewhere). It stays closed while the
-- same channel booking and the same Keepr side hold the same nights; a new
-- overlap opens a new conflict. (Moving or cancelling Keepr's side closes
-- the conflict by itself: the channel's booking gets the nights.)
create or replace function app_public.resolve_channel_conflict(conflict_id uuid, resolution text) returns app_public.channel_conflicts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_conflict app_public.channel_conflicts;
begin
  select * into v_conflict from app_public.channel_conflicts k where k.id = resolve_channel_conflict.conflict_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such conflict, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_conflict.property_id, app_hidden.staff_group_roles('front_office'), 'resolve channel conflicts');
  if v_conflict.status <> 'open' then
    raise exception using errcode = 'TRANS', message = 'This conflict is resolved already.';
  end if;
  if resolution is null or pg_catalog.length(pg_catalog.btrim(resolution)) not between 1 and 500 then
    raise exception using errcode = 'INVLD', message = 'Say how the conflict was resolved (1 to 500 characters).';
  end if;
  update app_public.channel_conflicts k
     set status = 'resolved', closed_by = 'staff', resolved_at = pg_catalog.now(), resolved_by = app_hidden.current_user_id(), resolution = pg_catalog.btrim(resolve_channel_conflict.resolution)
   where k.id = v_conflict.id
  returning * into v_conflict;
  return v_conflict;
end;
$$;
comment on function app_public.resolve_channel_conflict(uuid, text) is E'Closes a channel conflict with a note; it stays closed while the same booking and Keepr side hold the same nights. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT.';
