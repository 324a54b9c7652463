--! Previous: sha1:33ae88b250abf818fd99801dd4c2f53f2adb405a
--! Hash: sha1:6e1fc187082548984446115415da52594a9e5bcf
--! Message: Issue 20, ready to distribute by property: primary keys of tenant tables carry property_id (the API keeps naming rows by id); reconciliation differences only of a property

-- Issue 20, ready to distribute by property (second slice, after 000048's
-- unique keys and indexes): the primary keys of the tenant tables carry
-- property_id, so a Citus-style distribution by property_id can enforce
-- them shard by shard (tests/db/distribution.test.ts; what is left is its
-- notYet list). The API does not change (server/schema.graphql).

-- A settlement report's line whose reference is no payment or refund Keepr
-- knows belongs to no property: it was an "extra" difference with a null
-- property_id, which no staff member could see. It is now marked on
-- settlement_lines (kept on the coordinator), and reconciliation_differences
-- (distributed) holds the differences of a property only.
alter table app_public.settlement_lines add column if not exists unmatched boolean not null default false;
comment on column app_public.settlement_lines.unmatched is
  E'The line''s reference is no payment or refund Keepr knows: a difference of no property (counted in its report''s difference_count; analysts see it in reporting.reconciliation_differences).';
update app_public.settlement_lines s set unmatched = true
  from app_public.reconciliation_differences d
 where d.property_id is null and d.report_id = s.report_id
   and d.reference is not distinct from s.reference and d.provider_object_id is not distinct from s.provider_object_id;
delete from app_public.reconciliation_differences where property_id is null;
alter table app_public.reconciliation_differences alter column property_id set not null;
--! Included money/app_private.import_settlement.sql
-- Imports a provider's settlement report of one UTC day and reconciles it
-- with the ledger: every capture (by the provider's capture time) and every
-- paid refund (by its refund time) of that day that moved money through the
-- provider's clearing account, against every line of the report, matched
-- by reference (Keepr's attempt or refund id). Records each difference:
-- missing (in the ledger, not in the report), extra (in the report, not in
-- the ledger) and amount_mismatch. A difference belongs to the property of
-- its payment or refund; a report line whose reference is no payment or
-- refund Keepr knows belongs to no property: it is marked unmatched on
-- settlement_lines instead (the report's difference_count counts both).
-- Importing the same day again returns the first import and records nothing new.
create or replace function app_private.import_settlement(provider text, report_date date, lines jsonb) returns uuid
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_report_id uuid;
begin
  insert into app_public.settlement_reports (provider, report_date, line_count)
  values (import_settlement.provider, import_settlement.report_date, pg_catalog.jsonb_array_length(lines))
  on conflict (provider, report_date) do nothing
  returning id into v_report_id;
  if v_report_id is null then
    return (select r.id from app_public.settlement_reports r where r.provider = import_settlement.provider and r.report_date = import_settlement.report_date);
  end if;

  insert into app_public.settlement_lines (report_id, line_no, provider_object_id, type, occurred_at, currency, amount, fee, net, charge_id, reference)
  select v_report_id, l.o::integer, l.v ->> 'id', l.v ->> 'type', (l.v ->> 'created')::timestamptz, l.v ->> 'currency',
         (l.v ->> 'amount')::bigint, (l.v ->> 'fee')::bigint, (l.v ->> 'net')::bigint, l.v ->> 'charge', l.v ->> 'reference'
    from pg_catalog.jsonb_array_elements(lines) with ordinality l(v, o);

  with ledger as (
    select a.property_id, a.id::text as reference, a.provider_charge_id as object_id, a.amount, a.currency
      from app_public.payment_attempts a
      join app_public.payment_intents i on i.property_id = a.property_id and i.id = a.intent_id
     where a.status = 'captured' and i.provider = import_settlement.provider
       and (a.captured_at at time zone 'UTC')::date = import_settlement.report_date
    union all
    select f.property_id, f.id::text, f.provider_refund_id, -f.amount, f.currency
      from app_public.refunds f
      join app_public.payment_intents i on i.property_id = f.property_id and i.id = f.intent_id
     where f.status = 'succeeded' and i.provider = import_settlement.provider
       and (f.refunded_at at time zone 'UTC')::date = import_settlement.report_date
  ),
  report as (
    select s.line_no, s.reference, s.provider_object_id as object_id, s.amount, s.currency
      from app_public.settlement_lines s where s.report_id = v_report_id
  ),
  differences as (
    select coalesce(l.property_id,
                    (select a.property_id from app_public.payment_attempts a where a.id::text = r.reference),
                    (select f.property_id from app_public.refunds f where f.id::text = r.reference)) as property_id,
           (case when r.reference is null then 'missing' when l.reference is null then 'extra' else 'amount_mismatch' end)::app_public.reconciliation_difference_kind as kind,
           coalesce(l.reference, r.reference) as reference, coalesce(r.object_id, l.object_id) as object_id,
           coalesce(l.currency, r.currency) as currency, l.amount as ledger_amount, r.amount as report_amount, r.line_no
      from ledger l
      full join report r on r.reference = l.reference
     where l.reference is null or r.reference is null or l.amount <> r.amount or l.currency <> r.currency
  ),
  unmatched as (
    update app_public.settlement_lines s set unmatched = true
      from differences d
     where d.property_id is null and s.report_id = v_report_id and s.line_no = d.line_no
  )
  insert into app_public.reconciliation_differences (report_id, property_id, kind, reference, provider_object_id, currency, ledger_amount, report_amount)
  select v_report_id, d.property_id, d.kind, d.reference, d.object_id, d.currency, d.ledger_amount, d.report_amount
    from differences d
   where d.property_id is not null;

  update app_public.settlement_reports r
     set difference_count = (select count(*) from app_public.reconciliation_differences d where d.report_id = v_report_id)
                          + (select count(*) from app_public.settlement_lines s where s.report_id = v_report_id and s.unmatched)
   where r.id = v_report_id;
  return v_report_id;
end;
$$;
comment on function app_private.import_settlement(text, date, jsonb) is
  E'Imports a provider settlement report of a UTC day and records every difference with the ledger (missing, extra, amount_mismatch; a line of no known payment is marked unmatched); idempotent per day.';
--! EndIncluded money/app_private.import_settlement.sql
create or replace view reporting.reconciliation_differences with (security_barrier) as
  select d.id, d.report_id, r.provider, r.report_date, d.property_id, d.kind, d.reference, d.provider_object_id, d.currency,
         d.ledger_amount, d.report_amount, d.created_at, d.resolved_at
    from app_public.reconciliation_differences d join app_public.settlement_reports r on r.id = d.report_id
  union all
  select pg_catalog.md5(s.report_id::text || ':' || s.line_no)::uuid, s.report_id, r.provider, r.report_date, null, 'extra',
         s.reference, s.provider_object_id, s.currency, null, s.amount, r.imported_at, null
    from app_public.settlement_lines s join app_public.settlement_reports r on r.id = s.report_id
   where s.unmatched;
comment on view reporting.reconciliation_differences is
  E'Every difference between the ledger and the provider''s settlement reports; a line of no known payment (settlement_lines.unmatched) as an extra of no property.';

-- The primary keys of the tenant tables the API shows: (id, property_id),
-- id first so a lookup by id keeps its index (the composite foreign keys use
-- the tables' separate unique (property_id, id)). The API keeps naming a
-- row by id (node ids, …ByRowId, mutations by rowId): the key's
-- @rowIdentity tag, read by server/graphql-row-identity.ts.
do $$
declare
  t record;
begin
  for t in
    select * from (values
      ('allocation_moves', 'id'), ('cash_movements', 'id'), ('cash_shifts', 'id'), ('channel_conflicts', 'id'),
      ('channel_feeds', 'id'), ('companies', 'id'), ('exports', 'id'), ('fees', 'id'), ('folio_extras', 'id'),
      ('folios', 'id'), ('guests', 'id'), ('housekeeping_tasks', 'id'), ('inventory_claims', 'id'),
      ('invoice_deliveries', 'id'), ('invoices', 'id'), ('journal_entries', 'id'), ('ledger_accounts', 'id'),
      ('night_audit_anomalies', 'id'), ('night_audits', 'id'), ('notification_templates', 'id'),
      ('notifications', 'id'), ('owners', 'id'), ('payment_attempts', 'id'), ('payment_intents', 'id'),
      ('payouts', 'id'), ('postings', 'id'), ('property_memberships', 'id'), ('rate_plan_los_discounts', 'id'),
      ('rate_plans', 'id'), ('reconciliation_differences', 'id'), ('refunds', 'id'), ('reservations', 'id'),
      ('room_types', 'id'), ('taxes', 'id'), ('units', 'id'),
      ('channel_feed_events', 'feed_id,uid'), ('payout_lines', 'payout_id,reservation_id')
    ) as x(name, identity)
  loop
    if not exists (
      select 1 from pg_catalog.pg_constraint k
        join pg_catalog.pg_attribute a on a.attrelid = k.conrelid and a.attnum = any(k.conkey)
       where k.conrelid = pg_catalog.format('app_public.%I', t.name)::regclass and k.contype = 'p' and a.attname = 'property_id'
    ) then
      execute pg_catalog.format('alter table app_public.%I drop constraint %I, add constraint %I primary key (%s, property_id)',
                                t.name, t.name || '_pkey', t.name || '_pkey', t.identity);
    end if;
    execute pg_catalog.format('comment on constraint %I on app_public.%I is %L', t.name || '_pkey', t.name, '@rowIdentity ' || t.identity);
  end loop;
end
$$;
-- The new keys of channel_feed_events and payout_lines index their foreign
-- key's columns, so PostGraphile would now show ChannelFeed.events,
-- Payout.lines and filtering and ordering of feed events by property: the API
-- stays as it was.
comment on constraint channel_feed_events_property_id_feed_id_fkey on app_public.channel_feed_events is
  E'@fieldName feed\n@foreignFieldName events\n@behavior -list -connection';
comment on constraint payout_lines_property_id_payout_id_fkey on app_public.payout_lines is
  E'@fieldName payout\n@foreignFieldName lines\n@behavior -list -connection';
comment on column app_public.channel_feed_events.property_id is E'@behavior -filterBy -orderBy';

-- channel_feed_events' upsert names its new key.
--! Included channels/app_private.sync_channel_feed.sql
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
--! EndIncluded channels/app_private.sync_channel_feed.sql
