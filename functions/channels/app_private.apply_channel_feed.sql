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
  set lock_timeout to '2s'
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

  -- Conflicts that still stand (open, or closed by staff) follow their
  -- Keepr side (a changed reservation has a new claim) and the booking's dates.
  update app_public.channel_conflicts k
     set conflicting_claim_id = o.claim_id, summary = o.summary,
         event_start_date = pg_catalog.lower(o.event), event_end_date = pg_catalog.upper(o.event)
    from pg_temp.feed_overlap o
   where k.feed_id = v_feed.id and (k.status = 'open' or k.closed_by = 'staff') and k.uid = o.uid
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
    select app_private.add_job('notify_channel_conflict', pg_catalog.json_build_object('id', opened.id),
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
