-- A feed's fetch that would open most of its blocked nights at once and is
-- kept aside until a later fetch agrees or staff accept it; null when none.
-- Staff who can see the feed's channels (owner, manager, front desk).
create or replace function app_public.channel_feeds_pending_change(f app_public.channel_feeds) returns app_public.channel_feed_pending_change
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select row(p.first_seen_at, p.confirm_after, p.reason, p.nights_released, p.nights_blocked)::app_public.channel_feed_pending_change
    from app_private.channel_feed_pending_changes p
   where p.feed_id = f.id
     and p.property_id in (select app_hidden.current_property_ids_for('front_office'));
$$;
comment on function app_public.channel_feeds_pending_change(app_public.channel_feeds) is
  E'The fetch of this feed waiting to be confirmed (it would open most of its blocked nights at once), or null.';
