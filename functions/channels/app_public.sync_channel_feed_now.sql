-- Staff (owner, manager, front desk) ask for a feed to be read now rather
-- than at its next poll. Returns the feed.
create or replace function app_public.sync_channel_feed_now(feed_id uuid) returns app_public.channel_feeds
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_feed app_public.channel_feeds;
begin
  select * into v_feed from app_public.channel_feeds f where f.id = sync_channel_feed_now.feed_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such channel feed, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_feed.property_id, app_hidden.staff_group_roles('front_office'), 'sync channels');
  perform app_private.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_feed.id),
                                  job_key := 'channel_feed:' || v_feed.id, max_attempts := 3);
  return v_feed;
end;
$$;
comment on function app_public.sync_channel_feed_now(uuid) is E'Queues a sync of the feed now. Errors: NOT_FOUND, ACCESS_DENIED.';
