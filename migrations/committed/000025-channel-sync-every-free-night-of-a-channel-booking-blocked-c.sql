--! Previous: sha1:eff13edf36f982e5c9f53bf65b37d27f216a8467
--! Hash: sha1:410564477ea128e43b2b6d32933c977a3a743335
--! Message: Channel sync: every free night of a channel booking blocked, conflicts name the nights sold twice, staff resolutions stick, a fetch that opens most nights waits for confirmation

-- Channel sync (issue 16): every free night of a channel's booking is
-- blocked, a conflict names only the nights sold twice, staff resolutions
-- stick, and a fetch that would suddenly open most of a feed's nights waits
-- for a second fetch (or staff) to confirm it.
--
-- A feed's blocks now say which feed they mirror (inventory_claims.feed_id):
-- one event may need several blocks around a Keepr stay, so an event no
-- longer points at one claim. channel_feed_events is what the feed said at
-- its last applied sync; app_private.apply_channel_feed makes the unit's
-- claims and the conflicts agree with it.

drop function if exists app_private.sync_channel_feed(uuid, jsonb, text);
drop function if exists app_private.sync_channel_feed(uuid, jsonb, text, boolean);
drop function if exists app_private.apply_channel_feed(uuid);
drop function if exists app_public.accept_channel_feed_change(uuid);
drop function if exists app_public.channel_feeds_pending_change(app_public.channel_feeds);
drop trigger if exists _900_reapply_channel_feeds on app_public.inventory_claims;
drop function if exists app_private.tg_inventory_claims__reapply_channel_feeds();
drop table if exists app_private.channel_feed_pending_changes;
drop type if exists app_public.channel_feed_pending_change;

-- Which feed an ota_block mirrors.
alter table app_public.inventory_claims add column if not exists feed_id uuid;
comment on column app_public.inventory_claims.feed_id is
  E'For a block made by channel sync: the feed whose booking it mirrors. One booking may need several blocks (around a stay Keepr already had).';
alter table app_public.inventory_claims drop constraint if exists inventory_claims_feed_id_kind;
alter table app_public.inventory_claims add constraint inventory_claims_feed_id_kind check (feed_id is null or kind = 'ota_block');
alter table app_public.inventory_claims drop constraint if exists inventory_claims_property_id_feed_id_fkey;
alter table app_public.inventory_claims add constraint inventory_claims_property_id_feed_id_fkey
  foreign key (property_id, feed_id) references app_public.channel_feeds (property_id, id) on delete set null (feed_id);
comment on constraint inventory_claims_property_id_feed_id_fkey on app_public.inventory_claims is E'@fieldName feed\n@foreignFieldName blocks';
create index if not exists inventory_claims_feed_idx on app_public.inventory_claims (property_id, feed_id) where feed_id is not null and released_at is null;

-- The feeds' current blocks were known through their events.
do $$
begin
  if exists (select 1 from information_schema.columns
              where table_schema = 'app_public' and table_name = 'channel_feed_events' and column_name = 'claim_id') then
    update app_public.inventory_claims c set feed_id = e.feed_id
      from app_public.channel_feed_events e
     where e.property_id = c.property_id and e.claim_id = c.id and c.kind = 'ota_block';
  end if;
end;
$$;
alter table app_public.channel_feed_events drop column if exists claim_id;
alter table app_public.channel_feed_events drop column if exists conflict_id;
comment on table app_public.channel_feed_events is
  E'What each feed said at its last applied sync: its bookings (a feed''s overlapping and touching events merged into one), from today on.';

-- A conflict is one channel booking against one Keepr stay or block: the
-- nights both hold (start_date..end_date), and the channel booking's own dates.
alter table app_public.channel_conflicts add column if not exists event_start_date date;
alter table app_public.channel_conflicts add column if not exists event_end_date date;
update app_public.channel_conflicts set event_start_date = start_date, event_end_date = end_date where event_start_date is null;
alter table app_public.channel_conflicts alter column event_start_date set not null, alter column event_end_date set not null;
alter table app_public.channel_conflicts drop constraint if exists channel_conflicts_nights_in_event;
alter table app_public.channel_conflicts add constraint channel_conflicts_nights_in_event
  check (start_date < end_date and event_start_date <= start_date and end_date <= event_end_date);
comment on column app_public.channel_conflicts.start_date is E'The first night sold twice: held by the channel''s booking and by Keepr''s side.';
comment on column app_public.channel_conflicts.end_date is E'The day after the last night sold twice.';
comment on column app_public.channel_conflicts.event_start_date is E'The channel booking''s first night. Its nights outside the conflict are blocked in Keepr.';
comment on column app_public.channel_conflicts.event_end_date is E'The channel booking''s checkout day.';

do $$
begin
  if not exists (select 1 from pg_type where typname = 'channel_conflict_closer' and typnamespace = 'app_public'::regnamespace) then
    create type app_public.channel_conflict_closer as enum ('staff', 'sync');
  end if;
end;
$$;
comment on type app_public.channel_conflict_closer is E'Who closed a channel conflict: staff (with their note; it stays closed while the same booking and the same Keepr side stand) or the sync (the nights are no longer sold twice).';
alter table app_public.channel_conflicts add column if not exists closed_by app_public.channel_conflict_closer;
update app_public.channel_conflicts set closed_by = case when resolved_by is not null then 'staff' else 'sync' end::app_public.channel_conflict_closer
 where status = 'resolved' and closed_by is null;
alter table app_public.channel_conflicts drop constraint if exists channel_conflicts_closed_by;
alter table app_public.channel_conflicts add constraint channel_conflicts_closed_by check ((status = 'resolved') = (closed_by is not null));
-- One open conflict per booking, Keepr side and nights.
drop index if exists app_public.channel_conflicts_open_key;
create unique index channel_conflicts_open_key on app_public.channel_conflicts
  (feed_id, uid, start_date, end_date, coalesce(conflicting_reservation_id, conflicting_claim_id)) where status = 'open';
create index if not exists channel_conflicts_feed_uid_idx on app_public.channel_conflicts (feed_id, uid);
create index if not exists channel_conflicts_open_claim_idx on app_public.channel_conflicts (conflicting_claim_id) where status = 'open';

-- A fetch that would open most of a feed's nights at once, waiting for a
-- second fetch to agree (or for staff to accept it).
create table app_private.channel_feed_pending_changes (
  feed_id uuid primary key,
  property_id uuid not null,
  events jsonb not null,
  content_hash text,
  fingerprint text not null,
  reason text not null,
  nights_released integer not null check (nights_released > 0),
  nights_blocked integer not null check (nights_blocked >= nights_released),
  first_seen_at timestamptz not null default pg_catalog.now(),
  last_seen_at timestamptz not null default pg_catalog.now(),
  confirm_after timestamptz not null,
  foreign key (property_id, feed_id) references app_public.channel_feeds (property_id, id) on delete cascade
);
comment on table app_private.channel_feed_pending_changes is
  E'A feed''s fetch that would release most of its future blocks at once (an empty calendar, a sudden drop): kept, not applied, until a fetch after confirm_after says the same or staff accept it.';

create type app_public.channel_feed_pending_change as (
  first_seen_at timestamptz,
  confirm_after timestamptz,
  reason text,
  nights_released integer,
  nights_blocked integer
);
comment on type app_public.channel_feed_pending_change is
  E'A fetch of the feed that would open most of its blocked nights at once, kept until confirmed: since when, when a fetch that agrees applies it, why, and how many of the blocked nights it would open.';

--! Included app_private.apply_channel_feed.sql
-- Makes a unit's claims and conflicts agree with what its feed said at the
-- last applied sync (app_public.channel_feed_events), with the feed's row
-- locked:
--   blocks: every night of the feed's bookings that no other stay, hold or
--     block of the unit holds is blocked for the feed, as few blocks as
--     possible (one per free stretch). A block that still fits keeps its
--     id; one that changed is shrunk or grown in place; what no booking
--     covers any more is released. Expired holds are released first: they
--     never block anyone.
--   conflicts: each booking night that another claim holds is sold twice.
--     One conflict per booking, Keepr side (the reservation, else the
--     claim) and nights. An open one is kept; one that staff closed stays
--     closed while the same booking and the same Keepr side stand; any
--     other overlap opens a conflict and staff are told. An open conflict
--     whose overlap is gone is closed by the sync, saying why.
-- Nights before today at the property are history: blocks wholly in the
-- past are left alone and past overlaps are no conflict. Safe to run any
-- number of times. Returns counts.
create or replace function app_private.apply_channel_feed(feed_id uuid) returns jsonb
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_feed app_public.channel_feeds;
  v_today date;
  v_row record;
  v_retry boolean;
  v_created integer := 0;
  v_moved integer := 0;
  v_released integer := 0;
  v_unchanged integer := 0;
  v_new_conflicts integer := 0;
  v_open integer;
begin
  select * into v_feed from app_public.channel_feeds f where f.id = apply_channel_feed.feed_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such channel feed.';
  end if;
  v_today := app_private.local_today(v_feed.property_id);

  create temporary table if not exists pg_temp.feed_want (uid text, summary text, nights daterange) on commit drop;
  create temporary table if not exists pg_temp.feed_match (claim_id uuid, stay daterange, nights daterange, summary text) on commit drop;

  -- A concurrent booking may take a night between reading and claiming it:
  -- then read again (at most three times; the next sync finishes the rest).
  for attempt in 1..3 loop
    v_retry := false;
    update app_public.inventory_claims c set released_at = pg_catalog.now()
      from app_public.channel_feed_events e
     where e.feed_id = v_feed.id and c.property_id = v_feed.property_id and c.unit_id = v_feed.unit_id
       and c.kind = 'hold' and c.released_at is null and c.expires_at <= pg_catalog.now()
       and c.stay && pg_catalog.daterange(e.start_date, e.end_date);

    -- What the feed should hold: each booking's nights less every other
    -- live claim of the unit, stretches that end before today left out.
    truncate pg_temp.feed_want;
    insert into pg_temp.feed_want
    select e.uid, e.summary, w.nights
      from app_public.channel_feed_events e
     cross join lateral pg_catalog.unnest(
             pg_catalog.datemultirange(pg_catalog.daterange(e.start_date, e.end_date))
             - coalesce((select pg_catalog.range_agg(c.stay) from app_public.inventory_claims c
                          where c.property_id = v_feed.property_id and c.unit_id = v_feed.unit_id and c.released_at is null
                            and c.feed_id is distinct from v_feed.id
                            and c.stay && pg_catalog.daterange(e.start_date, e.end_date)), '{}'::datemultirange)) as w(nights)
     where e.feed_id = v_feed.id and pg_catalog.upper(w.nights) > v_today;

    -- Each of the feed's blocks keeps the stretch it overlaps most, if that
    -- stretch overlaps it most of all the feed's blocks too.
    truncate pg_temp.feed_match;
    insert into pg_temp.feed_match
    with pairs as (
      select c.id as claim_id, c.stay, w.nights, w.summary,
             pg_catalog.upper(c.stay * w.nights) - pg_catalog.lower(c.stay * w.nights) as overlap
        from app_public.inventory_claims c
        join pg_temp.feed_want w on w.nights && c.stay
       where c.property_id = v_feed.property_id and c.feed_id = v_feed.id and c.released_at is null
         and pg_catalog.upper(c.stay) > v_today
    ), claim_best as (
      select distinct on (p.claim_id) p.claim_id, p.nights from pairs p order by p.claim_id, p.overlap desc, pg_catalog.lower(p.nights)
    ), want_best as (
      select distinct on (p.nights) p.nights, p.claim_id from pairs p order by p.nights, p.overlap desc, pg_catalog.lower(p.stay)
    )
    select p.claim_id, p.stay, p.nights, p.summary
      from pairs p
      join claim_best cb on cb.claim_id = p.claim_id and cb.nights = p.nights
      join want_best wb on wb.nights = p.nights and wb.claim_id = p.claim_id;

    with gone as (
      update app_public.inventory_claims c set released_at = pg_catalog.now()
       where c.property_id = v_feed.property_id and c.feed_id = v_feed.id and c.released_at is null
         and pg_catalog.upper(c.stay) > v_today
         and not exists (select 1 from pg_temp.feed_match m where m.claim_id = c.id)
      returning 1
    )
    select v_released + count(*) into v_released from gone;

    -- Shrink first, then grow: blocks of one feed never overlap on the way.
    update app_public.inventory_claims c set stay = c.stay * m.nights
      from pg_temp.feed_match m
     where c.id = m.claim_id and c.stay <> m.nights and not (c.stay <@ m.nights);
    for v_row in select m.* from pg_temp.feed_match m loop
      if v_row.stay = v_row.nights then
        if attempt = 1 then v_unchanged := v_unchanged + 1; end if;
        continue;
      end if;
      begin
        update app_public.inventory_claims c
           set stay = v_row.nights, note = pg_catalog.left(v_feed.name || ': ' || coalesce(v_row.summary, ''), 500)
         where c.id = v_row.claim_id;
        v_moved := v_moved + 1;
      exception when exclusion_violation then
        v_retry := true;
      end;
    end loop;

    for v_row in
      select w.* from pg_temp.feed_want w
       where not exists (select 1 from pg_temp.feed_match m where m.nights = w.nights)
       order by pg_catalog.lower(w.nights)
    loop
      begin
        insert into app_public.inventory_claims (property_id, unit_id, stay, kind, feed_id, note)
        values (v_feed.property_id, v_feed.unit_id, v_row.nights, 'ota_block', v_feed.id,
                pg_catalog.left(v_feed.name || ': ' || coalesce(v_row.summary, ''), 500));
        v_created := v_created + 1;
      exception when exclusion_violation then
        v_retry := true;
      end;
    end loop;
    exit when not v_retry;
  end loop;

  -- The nights sold twice: each booking against each other live claim.
  create temporary table if not exists pg_temp.feed_overlap
    (uid text, event daterange, summary text, claim_id uuid, reservation_id uuid, nights daterange) on commit drop;
  truncate pg_temp.feed_overlap;
  insert into pg_temp.feed_overlap
  select e.uid, pg_catalog.daterange(e.start_date, e.end_date), e.summary, c.id, c.reservation_id,
         c.stay * pg_catalog.daterange(e.start_date, e.end_date)
    from app_public.channel_feed_events e
    join app_public.inventory_claims c
      on c.property_id = v_feed.property_id and c.unit_id = v_feed.unit_id and c.released_at is null
     and c.feed_id is distinct from v_feed.id and c.stay && pg_catalog.daterange(e.start_date, e.end_date)
   where e.feed_id = v_feed.id
     and pg_catalog.upper(c.stay * pg_catalog.daterange(e.start_date, e.end_date)) > v_today;

  -- Open conflicts that still stand follow their Keepr side (a changed
  -- reservation has a new claim) and the booking's dates.
  update app_public.channel_conflicts k
     set conflicting_claim_id = o.claim_id, summary = o.summary,
         event_start_date = pg_catalog.lower(o.event), event_end_date = pg_catalog.upper(o.event)
    from pg_temp.feed_overlap o
   where k.feed_id = v_feed.id and k.status = 'open' and k.uid = o.uid
     and k.start_date = pg_catalog.lower(o.nights) and k.end_date = pg_catalog.upper(o.nights)
     and coalesce(k.conflicting_reservation_id, k.conflicting_claim_id) = coalesce(o.reservation_id, o.claim_id)
     and (k.conflicting_claim_id, k.summary, k.event_start_date, k.event_end_date)
         is distinct from (o.claim_id, o.summary, pg_catalog.lower(o.event), pg_catalog.upper(o.event));

  update app_public.channel_conflicts k
     set status = 'resolved', resolved_at = pg_catalog.now(), closed_by = 'sync',
         resolution = case
           when not exists (select 1 from app_public.channel_feed_events e where e.feed_id = k.feed_id and e.uid = k.uid)
             then 'The channel''s booking left its feed; its nights are no longer sold twice.'
           when not exists (select 1 from pg_temp.feed_overlap o where o.uid = k.uid)
             then 'Keepr''s side was moved, shortened or cancelled: the nights are no longer sold twice, and they are blocked for the channel now.'
           else 'The nights sold twice changed; a newer conflict lists them.' end
   where k.feed_id = v_feed.id and k.status = 'open'
     and not exists (
       select 1 from pg_temp.feed_overlap o
        where o.uid = k.uid and pg_catalog.lower(o.nights) = k.start_date and pg_catalog.upper(o.nights) = k.end_date
          and coalesce(o.reservation_id, o.claim_id) = coalesce(k.conflicting_reservation_id, k.conflicting_claim_id));

  with opened as (
    insert into app_public.channel_conflicts (property_id, unit_id, feed_id, uid, start_date, end_date, event_start_date, event_end_date,
                                              summary, conflicting_claim_id, conflicting_reservation_id)
    select v_feed.property_id, v_feed.unit_id, v_feed.id, o.uid, pg_catalog.lower(o.nights), pg_catalog.upper(o.nights),
           pg_catalog.lower(o.event), pg_catalog.upper(o.event), o.summary, o.claim_id, o.reservation_id
      from pg_temp.feed_overlap o
     where not exists (
       select 1 from app_public.channel_conflicts k
        where k.feed_id = v_feed.id and k.uid = o.uid
          and k.start_date = pg_catalog.lower(o.nights) and k.end_date = pg_catalog.upper(o.nights)
          and coalesce(k.conflicting_reservation_id, k.conflicting_claim_id) = coalesce(o.reservation_id, o.claim_id)
          and (k.status = 'open' or k.closed_by = 'staff'))
    returning id
  ), told as (
    select graphile_worker.add_job('notify_channel_conflict', pg_catalog.json_build_object('id', opened.id),
                                   job_key := 'channel_conflict:' || opened.id, max_attempts := 10)
      from opened
  )
  select count(*) into v_new_conflicts from told;

  select count(*) into v_open from app_public.channel_conflicts k where k.feed_id = v_feed.id and k.status = 'open';
  return pg_catalog.jsonb_build_object('created', v_created, 'moved', v_moved, 'released', v_released, 'unchanged', v_unchanged,
                                       'conflicts', v_open, 'new_conflicts', v_new_conflicts);
end;
$$;
comment on function app_private.apply_channel_feed(uuid) is
  E'Makes a unit''s blocks and conflicts agree with its feed''s last applied sync: every free night of its bookings blocked, nights sold twice as conflicts. Returns counts.';
--! EndIncluded app_private.apply_channel_feed.sql
--! Included app_private.sync_channel_feed.sql
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
      on conflict (feed_id) do update
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
  on conflict (feed_id, uid) do update
    set start_date = excluded.start_date, end_date = excluded.end_date, summary = excluded.summary, seen_at = pg_catalog.now();

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
--! EndIncluded app_private.sync_channel_feed.sql
--! Included app_public.accept_channel_feed_change.sql
-- Staff (owner, manager, front desk) accept a feed's fetch that is waiting
-- to be confirmed (it would open most of the feed's blocked nights at once;
-- see app_private.sync_channel_feed): it is applied now, as the feed said
-- it then. Returns the feed.
create or replace function app_public.accept_channel_feed_change(feed_id uuid) returns app_public.channel_feeds
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
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
  E'Applies the feed''s fetch that is waiting to be confirmed (it opens most of the feed''s blocked nights). Errors: NTFND, DNIED, INVALID_TRANSITION.';
--! EndIncluded app_public.accept_channel_feed_change.sql
--! Included app_public.channel_feeds_pending_change.sql
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
--! EndIncluded app_public.channel_feeds_pending_change.sql
--! Included app_private.tg_inventory_claims__reapply_channel_feeds.sql
-- When a claim that a channel's booking is in conflict with is released or
-- shortened (the stay cancelled, moved to another unit, shortened; the block
-- released), the channel's booking gets those nights at once, in the same
-- transaction: otherwise they would be on sale in Keepr until the feed's
-- next poll. Deferred to commit, so that a change that releases a stay and
-- claims it again (a change of dates, a room move) is seen whole. A feed
-- that another transaction is syncing right now is queued instead (its
-- sync, or this job, sees the release).
create or replace function app_private.tg_inventory_claims__reapply_channel_feeds() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_feed_id uuid;
begin
  for v_feed_id in
    select distinct k.feed_id from app_public.channel_conflicts k
     where k.conflicting_claim_id = new.id and k.status = 'open'
  loop
    perform 1 from app_public.channel_feeds f where f.id = v_feed_id for update skip locked;
    if found then
      perform app_private.apply_channel_feed(v_feed_id);
    else
      perform graphile_worker.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_feed_id),
                                      job_key := 'channel_feed:' || v_feed_id, max_attempts := 3);
    end if;
  end loop;
  return null;
end;
$$;
comment on function app_private.tg_inventory_claims__reapply_channel_feeds() is
  E'Trigger (deferred): a released or shortened claim that a channel booking conflicts with gives the booking its nights at once.';
--! EndIncluded app_private.tg_inventory_claims__reapply_channel_feeds.sql
--! Included app_private.tg_channel_feeds__release_blocks.sql
-- Removing a channel feed stops the import: the blocks it made are
-- released, as if the channel had said the bookings were gone, so those
-- nights are sellable in Keepr again. Without this, its ota_block claims
-- would outlive the feed (nothing else releases them) and keep the unit
-- unavailable for good. Runs before the delete, while the blocks still
-- name their feed.
create or replace function app_private.tg_channel_feeds__release_blocks() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  update app_public.inventory_claims c set released_at = pg_catalog.now()
   where c.property_id = old.property_id and c.feed_id = old.id and c.released_at is null;
  return old;
end;
$$;
comment on function app_private.tg_channel_feeds__release_blocks() is E'Trigger: a removed channel feed releases the blocks it made.';
--! EndIncluded app_private.tg_channel_feeds__release_blocks.sql
--! Included app_public.resolve_channel_conflict.sql
-- Staff close a channel conflict with a note once they have dealt with it
-- (asked the channel to cancel, or accept both bookings: the guest was
-- rebooked elsewhere, the owner stays elsewhere). It stays closed while the
-- same channel booking and the same Keepr side hold the same nights; a new
-- overlap opens a new conflict. (Moving or cancelling Keepr's side closes
-- the conflict by itself: the channel's booking gets the nights.)
create or replace function app_public.resolve_channel_conflict(conflict_id uuid, resolution text) returns app_public.channel_conflicts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
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
comment on function app_public.resolve_channel_conflict(uuid, text) is E'Closes a channel conflict with a note; it stays closed while the same booking and Keepr side hold the same nights. Errors: NTFND, DNIED, INVALID_TRANSITION, INVALID_INPUT.';
--! EndIncluded app_public.resolve_channel_conflict.sql
--! Included app_public.channel_reconciliation.sql
-- A property's channels against Keepr, per feed, from its latest good sync:
--   conflict               nights the channel has sold that Keepr has sold
--                          too (an open conflict): which nights, and to whom;
--   not_blocked_on_channel Keepr has a stay or block on the unit (not from
--                          this feed) on nights the channel's feed does not
--                          show as taken: the channel has not imported
--                          Keepr's calendar yet, or at all — it could sell
--                          those nights;
--   feed_waiting           the last fetch would open most of the feed's
--                          blocked nights at once: kept aside until a later
--                          fetch agrees or staff accept it;
--   feed_failing           the last poll failed (the error);
--   feed_stale             no good sync for three poll intervals, and no
--                          error to say why (a failing feed is listed once).
-- Future nights only. Staff of the property (owner, manager, front desk).
create or replace function app_public.channel_reconciliation(property_id uuid)
  returns table (feed_id uuid, feed_name text, unit_name text, kind text, start_date date, end_date date, detail text)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.require_staff(channel_reconciliation.property_id, app_hidden.staff_group_roles('front_office'), 'read channel reports');
  return query
    with feeds as (
      select f.*, u.name as unit_name, app_private.local_today(f.property_id) as today
        from app_public.channel_feeds f
        join app_public.units u on u.property_id = f.property_id and u.id = f.unit_id
       where f.property_id = channel_reconciliation.property_id and f.is_active
    )
    select f.id, f.name, f.unit_name, 'conflict', k.start_date, k.end_date,
           'Sold twice: the channel''s booking "' || coalesce(k.summary, '') || '" (' || k.event_start_date || ' to ' || k.event_end_date ||
           ') and ' || coalesce('reservation ' || r.confirmation_code, 'a block') || ' in Keepr both hold ' ||
           case when k.end_date - k.start_date = 1 then 'this night.' else 'these ' || (k.end_date - k.start_date) || ' nights.' end
      from feeds f
      join app_public.channel_conflicts k on k.property_id = f.property_id and k.feed_id = f.id and k.status = 'open'
      left join app_public.reservations r on r.property_id = k.property_id and r.id = k.conflicting_reservation_id
    union all
    select f.id, f.name, f.unit_name, 'not_blocked_on_channel', pg_catalog.lower(gap), pg_catalog.upper(gap),
           'Keepr has ' || coalesce('reservation ' || r.confirmation_code, c.kind::text) || ' on these nights; the channel''s feed does not show them taken.'
      from feeds f
      join app_public.inventory_claims c
        on c.property_id = f.property_id and c.unit_id = f.unit_id and c.released_at is null and c.kind <> 'hold'
       and pg_catalog.upper(c.stay) > f.today
       and c.feed_id is distinct from f.id
      left join app_public.reservations r on r.property_id = c.property_id and r.id = c.reservation_id
      cross join lateral pg_catalog.unnest(
        pg_catalog.datemultirange(c.stay * pg_catalog.daterange(f.today, null))
        - coalesce((select pg_catalog.range_agg(pg_catalog.daterange(e.start_date, e.end_date))
                      from app_public.channel_feed_events e where e.feed_id = f.id), '{}'::datemultirange)
      ) gap
     where f.last_success_at is not null
    union all
    select f.id, f.name, f.unit_name, 'feed_waiting', null, null,
           p.reason || ' Kept aside until a fetch after ' || pg_catalog.to_char(p.confirm_after, 'YYYY-MM-DD HH24:MI TZ') || ' agrees, or staff accept it.'
      from feeds f join app_private.channel_feed_pending_changes p on p.feed_id = f.id
    union all
    select f.id, f.name, f.unit_name, 'feed_failing', null, null, f.last_error
      from feeds f where f.last_error is not null
    union all
    select f.id, f.name, f.unit_name, 'feed_stale', null, null,
           coalesce('Last good sync ' || pg_catalog.to_char(f.last_success_at, 'YYYY-MM-DD HH24:MI TZ') || '.', 'Never synced.')
      from feeds f
     where f.last_error is null
       and coalesce(f.last_success_at, '-infinity') < pg_catalog.now() - pg_catalog.make_interval(mins => 3 * f.poll_interval_minutes)
       and not exists (select 1 from app_private.channel_feed_pending_changes p where p.feed_id = f.id)
     order by 2, 4, 5;
end;
$$;
comment on function app_public.channel_reconciliation(uuid) is
  E'Per feed of a property: nights sold twice (open conflicts), Keepr stays the channel does not show as taken, fetches waiting to be confirmed, failing or stale feeds. Errors: NTFND, DNIED.';
--! EndIncluded app_public.channel_reconciliation.sql

create constraint trigger _900_reapply_channel_feeds
  after update of released_at, stay on app_public.inventory_claims
  deferrable initially deferred
  for each row
  when (old.released_at is null and (new.released_at is not null or new.stay <> old.stay))
  execute function app_private.tg_inventory_claims__reapply_channel_feeds();

grant execute on function app_private.sync_channel_feed(uuid, jsonb, text, boolean) to keepr_worker;
grant execute on function app_public.accept_channel_feed_change(uuid) to keepr_staff;
grant execute on function app_public.channel_feeds_pending_change(app_public.channel_feeds) to keepr_staff;
