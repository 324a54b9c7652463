-- A feed that could not be fetched or read keeps every block it made (a
-- channel being down never frees inventory); the error is recorded for
-- staff, and the next poll backs off (doubling, at most 6 hours).
create or replace function app_private.record_channel_feed_error(feed_id uuid, error text) returns void
  language sql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  update app_public.channel_feeds f
     set last_polled_at = pg_catalog.now(), last_error = pg_catalog.left(record_channel_feed_error.error, 1000), last_error_at = pg_catalog.now(),
         consecutive_failures = f.consecutive_failures + 1,
         next_poll_at = pg_catalog.now() + least(pg_catalog.make_interval(mins => f.poll_interval_minutes) * (2 ^ least(f.consecutive_failures, 8)),
                                                interval '6 hours')
   where f.id = record_channel_feed_error.feed_id;
$$;
comment on function app_private.record_channel_feed_error(uuid, text) is E'Records a failed poll (blocks kept) and backs the next one off.';
