-- Applies what an OTA feed says now (events: a JSON array of {uid, start,
-- end, summary, cancelled}, as channels/ical.ts parses it), in one
-- transaction with the feed's row locked (one sync of a feed at a time):
--   1. the bookings: cancelled events and events that end before today at
--      the property dropped; a feed's overlapping and touching events
--      merged into one (a feed never conflicts with itself). An event alone
--      keeps its uid, a merged one is known by its members';
--   2. a glitch never opens nights: a fetch that would give back more than
--      half of the nights the feed blocks from today on (an empty calendar,
--      a sudden drop) is kept aside, not applied, until a fetch at least
--      five minutes later says the same (the feed is polled again then) or
--      staff accept it (confirmed => true). The feed keeps its blocks;
--      the console shows it waiting to confirm;
--   3. otherwise the bookings are stored as what the feed says and the
--      unit's blocks and conflicts made to agree (app_private.apply_channel_feed).
-- Returns the counts, or {"waiting": true, ...} when kept aside.
create or replace function app_private.sync_channel_feed(feed_id uuid, events jsonb, content_hash text, confirmed boolean default false)
  returns jsonb
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  c_confirm_wait constant interval := interval '5 minutes';
  v_feed app_public.channel_feeds;
  v_today date;
  v_fingerprint text;
  v_blocked integer;
  v_released integer;
  v_pending app_private.channel_feed_pending_changes;
  v_counts jsonb;
begin
  select * into v_feed from app_public.channel_feeds f where f.id = sync_channel_feed.feed_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such channel feed.';
  end if;
  v_today := app_private.local_today(v_feed.property_id);

  create temporary table if not exists pg_temp.feed_now (uid text primary key, start_date date, end_date date, summary text) on commit drop;
  truncate pg_temp.feed_now;
  with valid as (
    select distinct on (e.uid) e.uid, e.start::date as start_date, e."end"::date as end_date,
           pg_catalog.left(coalesce(e.summary, ''), 200) as summary
      from pg_catalog.jsonb_to_recordset(events) as e(uid text, start text, "end" text, summary text, cancelled boolean)
     where not coalesce(e.cancelled, false) and e."end"::date > e.start::date and e."end"::date > v_today
     order by e.uid
  ), merged as (
    select pg_catalog.unnest(pg_catalog.range_agg(pg_catalog.daterange(v.start_date, v.end_date))) as nights from valid v
  )
  insert into pg_temp.feed_now
  select case when count(*) = 1 then min(v.uid)
              else 'merged:' || pg_catalog.md5(pg_catalog.string_agg(v.uid, E'\n' order by v.uid)) end,
         pg_catalog.lower(m.nights), pg_catalog.upper(m.nights),
         (pg_catalog.array_agg(v.summary order by v.start_date, v.uid))[1]
    from merged m
    join valid v on pg_catalog.daterange(v.start_date, v.end_date) <@ m.nights
   group by m.nights;

  -- The nights from today on that the feed blocks, and those this fetch gives back.
  select coalesce(pg_catalog.md5(pg_catalog.string_agg(n.uid || ' ' || n.start_date || ' ' || n.end_date, E'\n' order by n.uid)), 'empty')
    into v_fingerprint from pg_temp.feed_now n;
  with before as (
    select coalesce(pg_catalog.range_agg(pg_catalog.daterange(greatest(e.start_date, v_today), e.end_date)), '{}'::datemultirange) as nights
      from app_public.channel_feed_events e where e.feed_id = v_feed.id and e.end_date > v_today
  ), after as (
    select coalesce(pg_catalog.range_agg(pg_catalog.daterange(n.start_date, n.end_date)), '{}'::datemultirange) as nights from pg_temp.feed_now n
  )
  select (select coalesce(sum(pg_catalog.upper(r) - pg_catalog.lower(r)), 0) from pg_catalog.unnest(b.nights) r),
         (select coalesce(sum(pg_catalog.upper(r) - pg_catalog.lower(r)), 0) from pg_catalog.unnest(b.nights - a.nights) r)
    into v_blocked, v_released
    from before b, after a;

  if not confirmed and v_released > 0 and v_released * 2 > v_blocked then
    select * into v_pending from app_private.channel_feed_pending_changes p where p.feed_id = v_feed.id;
    if not found or v_pending.fingerprint <> v_fingerprint then
      insert into app_private.channel_feed_pending_changes as p
             (feed_id, property_id, events, content_hash, fingerprint, reason, nights_released, nights_blocked, confirm_after)
      values (v_feed.id, v_feed.property_id, events, content_hash, v_fingerprint,
              case when not exists (select 1 from pg_temp.feed_now)
                   then 'The channel''s calendar came back empty: it would open all ' || v_blocked || ' blocked nights.'
                   else 'The channel''s calendar would open ' || v_released || ' of ' || v_blocked || ' blocked nights at once.' end,
              v_released, v_blocked, pg_catalog.now() + c_confirm_wait)
      on conflict (feed_id, property_id) do update
        set events = excluded.events, content_hash = excluded.content_hash, fingerprint = excluded.fingerprint, reason = excluded.reason,
            nights_released = excluded.nights_released, nights_blocked = excluded.nights_blocked,
            first_seen_at = pg_catalog.now(), last_seen_at = pg_catalog.now(), confirm_after = excluded.confirm_after
      returning * into v_pending;
    elsif v_pending.confirm_after > pg_catalog.now() then
      update app_private.channel_feed_pending_changes p set last_seen_at = pg_catalog.now()
       where p.feed_id = v_feed.id returning * into v_pending;
    else
      v_pending := null;  -- a later fetch agrees: apply it
    end if;
    if v_pending.feed_id is not null then
      update app_public.channel_feeds f
         set last_polled_at = pg_catalog.now(), last_error = null, last_error_at = null, consecutive_failures = 0,
             next_poll_at = least(f.next_poll_at, v_pending.confirm_after + interval '10 seconds')
       where f.id = v_feed.id;
      return pg_catalog.jsonb_build_object('waiting', true, 'nights_released', v_released, 'nights_blocked', v_blocked,
                                           'confirm_after', v_pending.confirm_after);
    end if;
  end if;
  delete from app_private.channel_feed_pending_changes p where p.feed_id = v_feed.id;

  delete from app_public.channel_feed_events e
   where e.feed_id = v_feed.id and not exists (select 1 from pg_temp.feed_now n where n.uid = e.uid);
  insert into app_public.channel_feed_events as e (feed_id, property_id, uid, start_date, end_date, summary)
  select v_feed.id, v_feed.property_id, n.uid, n.start_date, n.end_date, n.summary from pg_temp.feed_now n
  on conflict (feed_id, uid, property_id) do update
    set start_date = excluded.start_date, end_date = excluded.end_date, summary = excluded.summary, seen_at = pg_catalog.now()
    where (e.start_date, e.end_date, e.summary) is distinct from (excluded.start_date, excluded.end_date, excluded.summary);

  v_counts := app_private.apply_channel_feed(v_feed.id);

  update app_public.channel_feeds f
     set last_polled_at = pg_catalog.now(), last_success_at = pg_catalog.now(), last_error = null, last_error_at = null,
         consecutive_failures = 0, events_seen = (select count(*) from pg_temp.feed_now), content_hash = sync_channel_feed.content_hash
   where f.id = v_feed.id;
  return v_counts;
end;
$$;
comment on function app_private.sync_channel_feed(uuid, jsonb, text, boolean) is
  E'Applies an OTA feed''s events to its unit (blocks for every free night of its bookings, conflicts for nights sold twice), unless the fetch would suddenly open most of its nights: that waits for a second fetch or staff. Returns counts.';
