-- Applies what an OTA feed says now to the unit's claims, in one
-- transaction with the feed's row locked (one sync of a feed at a time):
--   an event seen before with the same dates: untouched;
--   a new event, or one whose dates changed: an ota_block claim (the old
--     one released); when the exclusion constraint refuses it (a stay or
--     block already holds some of those nights) the event becomes an open
--     conflict with both sides, and staff are told;
--   an event gone from the feed, or cancelled in it: its claim released,
--     its open conflict resolved as gone;
--   an event in conflict whose other side has been freed meanwhile: claimed,
--     and the conflict resolved.
-- A feed's overlapping or touching events are merged into one block first.
-- Events that ended before today at the property are ignored. events is a
-- JSON array of {uid, start, end, summary, cancelled}. Returns counts.
create or replace function app_private.sync_channel_feed(feed_id uuid, events jsonb, content_hash text) returns jsonb
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_feed app_public.channel_feeds;
  v_today date;
  v_event record;
  v_claim_id uuid;
  v_other app_public.inventory_claims;
  v_conflict_id uuid;
  v_counts jsonb := '{"created": 0, "moved": 0, "released": 0, "unchanged": 0, "conflicts": 0}';
begin
  select * into v_feed from app_public.channel_feeds f where f.id = sync_channel_feed.feed_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such channel feed.';
  end if;
  v_today := app_private.local_today(v_feed.property_id);

  create temporary table if not exists pg_temp.feed_now (uid text primary key, start_date date, end_date date, summary text) on commit drop;
  truncate pg_temp.feed_now;
  -- A feed never conflicts with itself: its overlapping and touching events
  -- (a feed that merges several listings, a stay split in two) are one block.
  -- An event alone keeps its uid; a merged one is known by its members', and
  -- its summary is its first event's.
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

  -- Gone or cancelled: release, and close what was open about it.
  for v_event in
    select fe.* from app_public.channel_feed_events fe
     where fe.feed_id = v_feed.id and not exists (select 1 from pg_temp.feed_now n where n.uid = fe.uid)
  loop
    update app_public.inventory_claims c set released_at = pg_catalog.now()
     where c.property_id = v_feed.property_id and c.id = v_event.claim_id and c.released_at is null;
    update app_public.channel_conflicts k set status = 'resolved', resolved_at = pg_catalog.now(), resolution = 'The event left the feed.'
     where k.property_id = v_feed.property_id and k.id = v_event.conflict_id and k.status = 'open';
    delete from app_public.channel_feed_events fe where fe.feed_id = v_feed.id and fe.uid = v_event.uid;
    v_counts := pg_catalog.jsonb_set(v_counts, '{released}', pg_catalog.to_jsonb((v_counts ->> 'released')::int + 1));
  end loop;

  for v_event in
    select n.*, fe.start_date as old_start, fe.end_date as old_end, fe.claim_id as old_claim_id, fe.conflict_id as old_conflict_id,
           (fe.uid is not null) as known
      from pg_temp.feed_now n
      left join app_public.channel_feed_events fe on fe.feed_id = v_feed.id and fe.uid = n.uid
     order by n.start_date, n.uid
  loop
    if v_event.known and v_event.old_start = v_event.start_date and v_event.old_end = v_event.end_date
       and v_event.old_claim_id is not null
       and exists (select 1 from app_public.inventory_claims c
                    where c.property_id = v_feed.property_id and c.id = v_event.old_claim_id and c.released_at is null) then
      update app_public.channel_feed_events fe set summary = v_event.summary, seen_at = pg_catalog.now()
       where fe.feed_id = v_feed.id and fe.uid = v_event.uid;
      v_counts := pg_catalog.jsonb_set(v_counts, '{unchanged}', pg_catalog.to_jsonb((v_counts ->> 'unchanged')::int + 1));
      continue;
    end if;

    -- New, moved, or waiting in conflict: (re)claim its nights.
    update app_public.inventory_claims c set released_at = pg_catalog.now()
     where c.property_id = v_feed.property_id and c.id = v_event.old_claim_id and c.released_at is null;
    perform app_private.release_expired_holds(v_feed.property_id, v_feed.unit_id, pg_catalog.daterange(v_event.start_date, v_event.end_date));
    v_claim_id := null;
    v_conflict_id := null;
    begin
      insert into app_public.inventory_claims (property_id, unit_id, stay, kind, note)
      values (v_feed.property_id, v_feed.unit_id, pg_catalog.daterange(v_event.start_date, v_event.end_date), 'ota_block',
              pg_catalog.left(v_feed.name || ': ' || v_event.summary, 500))
      returning id into v_claim_id;
    exception when exclusion_violation then
      select * into v_other from app_public.inventory_claims c
       where c.property_id = v_feed.property_id and c.unit_id = v_feed.unit_id and c.released_at is null
         and c.stay && pg_catalog.daterange(v_event.start_date, v_event.end_date)
       order by pg_catalog.lower(c.stay) limit 1;
    end;

    if v_claim_id is not null then
      update app_public.channel_conflicts k set status = 'resolved', resolved_at = pg_catalog.now(),
             resolution = 'Claimed once the other side was freed.'
       where k.property_id = v_feed.property_id and k.id = v_event.old_conflict_id and k.status = 'open';
      v_counts := pg_catalog.jsonb_set(v_counts, case when v_event.known then '{moved}' else '{created}' end::text[],
                                       pg_catalog.to_jsonb((v_counts ->> case when v_event.known then 'moved' else 'created' end)::int + 1));
    else
      -- Still the same conflict (same dates, same other side): keep it.
      select k.id into v_conflict_id from app_public.channel_conflicts k
       where k.property_id = v_feed.property_id and k.id = v_event.old_conflict_id and k.status = 'open'
         and k.start_date = v_event.start_date and k.end_date = v_event.end_date and k.conflicting_claim_id = v_other.id;
      if v_conflict_id is null then
        update app_public.channel_conflicts k set status = 'resolved', resolved_at = pg_catalog.now(), resolution = 'Superseded by a newer conflict.'
         where k.property_id = v_feed.property_id and k.id = v_event.old_conflict_id and k.status = 'open';
        insert into app_public.channel_conflicts (property_id, unit_id, feed_id, uid, start_date, end_date, summary,
                                                  conflicting_claim_id, conflicting_reservation_id)
        values (v_feed.property_id, v_feed.unit_id, v_feed.id, v_event.uid, v_event.start_date, v_event.end_date, v_event.summary,
                v_other.id, v_other.reservation_id)
        returning id into v_conflict_id;
        perform graphile_worker.add_job('notify_channel_conflict', pg_catalog.json_build_object('id', v_conflict_id),
                                        job_key := 'channel_conflict:' || v_conflict_id, max_attempts := 10);
      end if;
      v_counts := pg_catalog.jsonb_set(v_counts, '{conflicts}', pg_catalog.to_jsonb((v_counts ->> 'conflicts')::int + 1));
    end if;

    insert into app_public.channel_feed_events as fe (feed_id, property_id, uid, start_date, end_date, summary, claim_id, conflict_id)
    values (v_feed.id, v_feed.property_id, v_event.uid, v_event.start_date, v_event.end_date, v_event.summary, v_claim_id, v_conflict_id)
    on conflict (feed_id, uid) do update
      set start_date = excluded.start_date, end_date = excluded.end_date, summary = excluded.summary,
          claim_id = excluded.claim_id, conflict_id = excluded.conflict_id, seen_at = pg_catalog.now();
  end loop;

  update app_public.channel_feeds f
     set last_polled_at = pg_catalog.now(), last_success_at = pg_catalog.now(), last_error = null, last_error_at = null,
         consecutive_failures = 0, events_seen = (select count(*) from pg_temp.feed_now), content_hash = sync_channel_feed.content_hash
   where f.id = v_feed.id;
  return v_counts;
end;
$$;
comment on function app_private.sync_channel_feed(uuid, jsonb, text) is
  E'Applies an OTA feed''s events to its unit: blocks created, moved, released or untouched; overlaps recorded as conflicts. Returns counts.';
