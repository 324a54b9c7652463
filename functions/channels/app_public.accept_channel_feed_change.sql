-- Staff (owner, manager, front desk) accept a feed's fetch that is waiting
-- to be confirmed (it would open most of the feed's blocked nights at once;
-- see app_private.sync_channel_feed): it is applied now, as the feed said
-- it then. Returns the feed.
create or replace function app_public.accept_channel_feed_change(feed_id uuid) returns app_public.channel_feeds
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_feed app_public.channel_feeds;
  v_pending app_private.channel_feed_pending_changes;
begin
  select * into v_feed from app_public.channel_feeds f where f.id = accept_channel_feed_change.feed_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such channel feed, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_feed.property_id, app_hidden.staff_group_roles('front_office'), 'accept channel changes');
  select * into v_pending from app_private.channel_feed_pending_changes p where p.feed_id = v_feed.id;
  if not found then
    raise exception using errcode = 'TRANS', message = 'This feed has no change waiting to be confirmed.';
  end if;
  perform app_private.sync_channel_feed(v_feed.id, v_pending.events, v_pending.content_hash, confirmed => true);
  select * into v_feed from app_public.channel_feeds f where f.id = v_feed.id;
  return v_feed;
end;
$$;
comment on function app_public.accept_channel_feed_change(uuid) is
  E'Applies the feed''s fetch that is waiting to be confirmed (it opens most of the feed''s blocked nights). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION.';
