--! Previous: sha1:dcac5a1cfb43ca2759cc5c31bcb8b6e2958b69dc
--! Hash: sha1:2f26ca4bdfdc6cff4111dcb5577d15bb69a13e77
--! Message: Notifications, channels, operations

-- Async work (issue 5).
-- Guest notifications: a reservation's changes and its payments queue
-- notifications (email, and SMS for the essentials) in the transaction that
-- makes them; each (cause, template, channel, recipient) exists once, and
-- its job delivers it once. See docs/notifications.md.
-- OTA channels over iCal: a secret export URL per unit, feeds polled into
-- ota_block claims, overlaps recorded as conflicts. See docs/channels.md.
-- Safe to run again and again.

drop function if exists app_public.unit_calendar(text);
drop function if exists app_public.resolve_channel_conflict(uuid, text);
drop function if exists app_public.sync_channel_feed_now(uuid);
drop function if exists app_private.schedule_channel_polls();
drop function if exists app_private.record_channel_feed_error(uuid, text);
drop function if exists app_private.sync_channel_feed(uuid, jsonb, text);
drop table if exists app_public.channel_feed_events;
drop table if exists app_public.channel_conflicts;
drop table if exists app_public.channel_feeds;
drop type if exists app_public.channel_source;
drop type if exists app_public.channel_conflict_status;
alter table app_public.units drop column if exists ical_token;

drop trigger if exists _600_notify on app_public.reservations;
drop trigger if exists _600_notify on app_public.payment_attempts;
drop function if exists app_private.tg_reservations__notify();
drop function if exists app_private.tg_payment_attempts__notify();
drop function if exists app_private.notify(app_public.reservations, app_public.notification_kind, text, timestamptz);
drop function if exists app_private.record_notification(uuid, app_public.notification_status, text, text, text, text);
drop function if exists app_private.pre_arrival_at(app_public.reservations);
drop table if exists app_public.notification_templates;
drop table if exists app_public.notifications;
drop type if exists app_public.notification_status;
drop type if exists app_public.notification_channel;
drop type if exists app_public.notification_kind;
alter table app_public.properties drop column if exists language;
alter table app_public.properties drop column if exists pre_arrival_days;

alter table app_public.properties
  add column language text not null default 'en' check (language in ('en', 'pt', 'de', 'fr', 'es')),
  add column pre_arrival_days integer not null default 2 check (pre_arrival_days between 0 and 30);
comment on column app_public.properties.language is E'The language guests are written to in (en, pt, de, fr, es; templates exist for en and pt, others fall back to en).';
comment on column app_public.properties.pre_arrival_days is E'How many days before arrival the pre-arrival message goes out (at 10:00 local time).';
grant update (language, pre_arrival_days) on app_public.properties to keepr_staff;

create type app_public.notification_kind as enum (
  'confirmation', 'modification', 'cancellation', 'pre_arrival', 'payment_receipt', 'payment_failed', 'checkout_thanks');
create type app_public.notification_channel as enum ('email', 'sms');
create type app_public.notification_status as enum ('pending', 'sent', 'failed', 'skipped');
comment on type app_public.notification_status is E'pending (queued or retrying), sent, failed (for good, with last_error), skipped (no longer relevant: a pre-arrival message for a stay that moved or was cancelled).';

create table app_public.notifications (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  reservation_id uuid not null,
  template app_public.notification_kind not null,
  channel app_public.notification_channel not null,
  recipient text not null check (pg_catalog.length(recipient) between 3 and 254),
  cause text not null check (pg_catalog.length(cause) between 1 and 200),
  status app_public.notification_status not null default 'pending',
  send_after timestamptz not null default pg_catalog.now(),
  attempts integer not null default 0,
  last_error text,
  subject text,
  body_text text,
  provider_message_id text,
  sent_at timestamptz,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (cause, template, channel, recipient),
  check ((status = 'sent') = (sent_at is not null)),
  foreign key (property_id, reservation_id) references app_public.reservations (property_id, id) on delete cascade
);
comment on table app_public.notifications is E'Every message to a guest: queued with its cause, delivered once by a job, kept with what was sent (the outbox staff browse).';
comment on column app_public.notifications.cause is E'What caused it (reservation:<id>:confirmed, payment:<attempt id>, ...): one notification per cause, template, channel and recipient.';
comment on constraint notifications_property_id_reservation_id_fkey on app_public.notifications is E'@fieldName reservation\n@foreignFieldName notifications';
create index notifications_reservation_idx on app_public.notifications (property_id, reservation_id);
create index notifications_failed_idx on app_public.notifications (property_id, created_at desc) where status = 'failed';
alter table app_public.notifications enable row level security;
create trigger _100_timestamps before insert or update on app_public.notifications for each row execute function app_private.tg__timestamps();

create table app_public.notification_templates (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete cascade,
  template app_public.notification_kind not null,
  channel app_public.notification_channel not null,
  language text not null check (language in ('en', 'pt', 'de', 'fr', 'es')),
  subject text check (pg_catalog.length(subject) <= 300),
  body_text text not null check (pg_catalog.length(body_text) <= 20000),
  body_html text check (pg_catalog.length(body_html) <= 100000),
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, template, channel, language),
  check ((channel = 'email') = (subject is not null))
);
comment on table app_public.notification_templates is E'A property''s own wording of a message (Handlebars), used instead of Keepr''s built-in template of that language.';
alter table app_public.notification_templates enable row level security;
create trigger _100_timestamps before insert or update on app_public.notification_templates for each row execute function app_private.tg__timestamps();
create trigger _500_audit after insert or update or delete on app_public.notification_templates for each row execute function audit.tg__record();

--! Included app_private.pre_arrival_at.sql
-- When a stay's pre-arrival message goes out: pre_arrival_days before the
-- arrival date at 10:00 in the property's time zone.
create or replace function app_private.pre_arrival_at(reservation app_public.reservations) returns timestamptz
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select ((pg_catalog.lower(reservation.stay) - p.pre_arrival_days)::timestamp + time '10:00') at time zone p.time_zone
    from app_public.properties p where p.id = reservation.property_id;
$$;
comment on function app_private.pre_arrival_at(app_public.reservations) is E'The moment a stay''s pre-arrival message is due.';
--! EndIncluded app_private.pre_arrival_at.sql
--! Included app_private.notify.sql
-- Queues a message about a reservation to its guest: by email always, by
-- SMS too for the essentials (confirmation, pre-arrival, cancellation) when
-- the guest gave a phone number. One row per (cause, template, channel,
-- recipient): queuing the same cause again changes nothing. The job that
-- delivers it is added in this transaction, to run at send_after.
create or replace function app_private.notify(
  reservation app_public.reservations,
  template app_public.notification_kind,
  cause text,
  send_after timestamptz default pg_catalog.now()
) returns integer
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_id uuid;
  v_count integer := 0;
begin
  for v_id in
    insert into app_public.notifications (property_id, reservation_id, template, channel, recipient, cause, send_after)
    select reservation.property_id, reservation.id, notify.template, x.channel, x.recipient, notify.cause, notify.send_after
      from app_public.guests g
      cross join lateral (
        values ('email'::app_public.notification_channel, g.email::text),
               ('sms'::app_public.notification_channel,
                case when notify.template in ('confirmation', 'pre_arrival', 'cancellation') then g.phone end)
      ) x(channel, recipient)
     where g.property_id = reservation.property_id and g.id = reservation.guest_id and x.recipient is not null
    on conflict (cause, template, channel, recipient) do nothing
    returning id
  loop
    perform graphile_worker.add_job('send_notification', pg_catalog.json_build_object('id', v_id),
                                    run_at := notify.send_after, job_key := 'notification:' || v_id, max_attempts := 10);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.notify(app_public.reservations, app_public.notification_kind, text, timestamptz) is
  E'Queues a notification (email, and SMS for the essentials) once per cause, with its delivery job; returns how many were queued.';
--! EndIncluded app_private.notify.sql
--! Included app_private.record_notification.sql
-- The delivery job's result: sent (with what was sent and the provider's
-- message id), failed for good (with the error, for staff), skipped (no
-- longer relevant), or pending with the error of a try that will be
-- retried. A sent notification stays sent.
create or replace function app_private.record_notification(
  id uuid,
  status app_public.notification_status,
  subject text,
  body_text text,
  provider_message_id text,
  error text
) returns void
  language sql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  update app_public.notifications n
     set status = record_notification.status,
         attempts = n.attempts + 1,
         subject = coalesce(record_notification.subject, n.subject),
         body_text = coalesce(record_notification.body_text, n.body_text),
         provider_message_id = coalesce(record_notification.provider_message_id, n.provider_message_id),
         last_error = pg_catalog.left(record_notification.error, 1000),
         sent_at = case when record_notification.status = 'sent' then pg_catalog.now() end
   where n.id = record_notification.id and n.status <> 'sent';
$$;
comment on function app_private.record_notification(uuid, app_public.notification_status, text, text, text, text) is
  E'Records a delivery attempt''s outcome (sent, failed, skipped, or pending with the error); never un-sends.';
--! EndIncluded app_private.record_notification.sql
--! Included app_private.tg_reservations__notify.sql
-- What a reservation's change tells its guest: a confirmation (and the
-- pre-arrival message, scheduled), a modification of dates, guests or
-- price (a new pre-arrival message when the arrival moved; the old one is
-- skipped when its time comes), a cancellation, a thank-you on check-out.
-- Each in the transaction of the change.
create or replace function app_private.tg_reservations__notify() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_pre_arrival timestamptz;
begin
  if new.guest_id is null then
    return null;
  end if;
  if old.status = 'held' and new.status = 'confirmed' then
    v_pre_arrival := app_private.pre_arrival_at(new);
    perform app_private.notify(new, 'confirmation', 'reservation:' || new.id || ':confirmed');
    if v_pre_arrival > pg_catalog.now() then
      perform app_private.notify(new, 'pre_arrival', 'reservation:' || new.id || ':pre_arrival:' || pg_catalog.lower(new.stay), v_pre_arrival);
    end if;
  elsif old.status = new.status and new.status in ('confirmed', 'checked_in')
        and (old.stay, old.adults, old.children, old.rate_plan_id, old.total_amount)
            is distinct from (new.stay, new.adults, new.children, new.rate_plan_id, new.total_amount) then
    perform app_private.notify(new, 'modification', 'reservation:' || new.id || ':modified:' || pg_catalog.txid_current());
    if new.status = 'confirmed' and pg_catalog.lower(old.stay) <> pg_catalog.lower(new.stay) then
      v_pre_arrival := app_private.pre_arrival_at(new);
    end if;
    if v_pre_arrival > pg_catalog.now() then
      perform app_private.notify(new, 'pre_arrival', 'reservation:' || new.id || ':pre_arrival:' || pg_catalog.lower(new.stay), v_pre_arrival);
    end if;
  elsif old.status <> 'cancelled' and new.status = 'cancelled' and old.status <> 'held' then
    perform app_private.notify(new, 'cancellation', 'reservation:' || new.id || ':cancelled');
  elsif old.status = 'checked_in' and new.status = 'checked_out' then
    perform app_private.notify(new, 'checkout_thanks', 'reservation:' || new.id || ':checked_out');
  end if;
  return null;
end;
$$;
comment on function app_private.tg_reservations__notify() is
  E'Trigger: queues the guest''s confirmation, pre-arrival, modification, cancellation and check-out messages.';
--! EndIncluded app_private.tg_reservations__notify.sql
--! Included app_private.tg_payment_attempts__notify.sql
-- A captured payment sends the guest a receipt; a failed one asks them to
-- pay again (with the reason).
create or replace function app_private.tg_payment_attempts__notify() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  perform app_private.notify(r,
                             case new.status when 'captured' then 'payment_receipt' else 'payment_failed' end::app_public.notification_kind,
                             'payment:' || new.id || ':' || new.status)
     from app_public.payment_intents i
     join app_public.reservations r on r.property_id = i.property_id and r.id = i.reservation_id
    where i.property_id = new.property_id and i.id = new.intent_id and r.guest_id is not null;
  return null;
end;
$$;
comment on function app_private.tg_payment_attempts__notify() is E'Trigger: queues a payment receipt or a payment-failed message.';
--! EndIncluded app_private.tg_payment_attempts__notify.sql
create trigger _600_notify after update on app_public.reservations
  for each row when (new.guest_id is not null
                     and (old.status, old.stay, old.adults, old.children, old.rate_plan_id, old.total_amount)
                         is distinct from (new.status, new.stay, new.adults, new.children, new.rate_plan_id, new.total_amount))
  execute function app_private.tg_reservations__notify();
create trigger _600_notify after update of status on app_public.payment_attempts
  for each row when (new.status is distinct from old.status and new.status in ('captured', 'failed'))
  execute function app_private.tg_payment_attempts__notify();

grant select on app_public.notifications to keepr_staff, keepr_worker;
create policy select_staff on app_public.notifications for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,front_desk}')));
create policy worker_all on app_public.notifications for select to keepr_worker using (true);
grant select, insert (property_id, template, channel, language, subject, body_text, body_html),
  update (subject, body_text, body_html), delete on app_public.notification_templates to keepr_staff;
grant select on app_public.notification_templates to keepr_worker;
create policy manage_manager on app_public.notification_templates for all to keepr_staff
  using (property_id in (select app_hidden.current_property_ids('{owner,manager}')))
  with check (property_id in (select app_hidden.current_property_ids('{owner,manager}')));
create policy worker_all on app_public.notification_templates for select to keepr_worker using (true);
grant execute on function app_private.record_notification(uuid, app_public.notification_status, text, text, text, text) to keepr_worker;

-- Jobs that write to guests read the property, room type and rate plan too.
grant select on app_public.properties, app_public.room_types, app_public.rate_plans to keepr_worker;
drop policy if exists worker_all on app_public.properties;
drop policy if exists worker_all on app_public.room_types;
drop policy if exists worker_all on app_public.rate_plans;
create policy worker_all on app_public.properties for select to keepr_worker using (true);
create policy worker_all on app_public.room_types for select to keepr_worker using (true);
create policy worker_all on app_public.rate_plans for select to keepr_worker using (true);

------------------------------------------------------------------------------
-- OTA channels over iCal
------------------------------------------------------------------------------
alter table app_public.units add column ical_token text not null unique
  default pg_catalog.encode(public.gen_random_bytes(16), 'hex') check (ical_token ~ '^[0-9a-f]{32}$');
comment on column app_public.units.ical_token is E'The secret of the unit''s iCal export URL (/ical/<token>.ics), what OTAs import. Staff may rotate it.';
grant update (ical_token) on app_public.units to keepr_staff;

create type app_public.channel_source as enum ('airbnb', 'vrbo', 'booking_com', 'other');
create type app_public.channel_conflict_status as enum ('open', 'resolved');

create table app_public.channel_feeds (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  unit_id uuid not null,
  source app_public.channel_source not null,
  name text not null check (pg_catalog.length(name) between 1 and 100),
  url text not null check (url ~ '^https?://' and pg_catalog.length(url) <= 2000),
  is_active boolean not null default true,
  poll_interval_minutes integer not null default 15 check (poll_interval_minutes between 1 and 1440),
  next_poll_at timestamptz not null default pg_catalog.now(),
  last_polled_at timestamptz,
  last_success_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  consecutive_failures integer not null default 0,
  events_seen integer,
  content_hash text,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  unique (property_id, id),
  unique (unit_id, url),
  foreign key (property_id, unit_id) references app_public.units (property_id, id) on delete cascade
);
comment on table app_public.channel_feeds is E'An iCal feed of a unit''s bookings elsewhere (Airbnb, Vrbo, Booking.com, another PMS), polled on a schedule with jitter.';
comment on constraint channel_feeds_property_id_unit_id_fkey on app_public.channel_feeds is E'@fieldName unit\n@foreignFieldName channelFeeds';
comment on constraint channel_feeds_property_id_id_key on app_public.channel_feeds is E'@behavior -*';
create index channel_feeds_due_idx on app_public.channel_feeds (next_poll_at) where is_active;
alter table app_public.channel_feeds enable row level security;
create trigger _100_timestamps before insert or update on app_public.channel_feeds for each row execute function app_private.tg__timestamps();
create trigger _500_audit after insert or delete on app_public.channel_feeds for each row execute function audit.tg__record();

create table app_public.channel_conflicts (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  unit_id uuid not null,
  feed_id uuid not null,
  uid text not null,
  start_date date not null,
  end_date date not null,
  summary text,
  conflicting_claim_id uuid not null,
  conflicting_reservation_id uuid,
  status app_public.channel_conflict_status not null default 'open',
  detected_at timestamptz not null default pg_catalog.now(),
  resolved_at timestamptz,
  resolved_by uuid references app_public.users on delete set null,
  resolution text check (pg_catalog.length(resolution) <= 500),
  unique (property_id, id),
  check ((status = 'resolved') = (resolved_at is not null)),
  foreign key (property_id, feed_id) references app_public.channel_feeds (property_id, id) on delete cascade,
  foreign key (property_id, conflicting_claim_id) references app_public.inventory_claims (property_id, id) on delete cascade,
  foreign key (property_id, conflicting_reservation_id) references app_public.reservations (property_id, id) on delete cascade
);
comment on table app_public.channel_conflicts is E'A channel''s booking that overlaps a stay or block Keepr already has: both sides, until staff resolve it. Never deleted silently: resolved with a reason.';
comment on constraint channel_conflicts_property_id_feed_id_fkey on app_public.channel_conflicts is E'@fieldName feed\n@foreignFieldName conflicts';
comment on constraint channel_conflicts_property_id_conflicting_claim_id_fkey on app_public.channel_conflicts is E'@fieldName conflictingClaim\n@foreignFieldName channelConflicts';
comment on constraint channel_conflicts_property_id_conflicting_reservation_id_fkey on app_public.channel_conflicts is E'@fieldName conflictingReservation\n@foreignFieldName channelConflicts';
comment on constraint channel_conflicts_property_id_id_key on app_public.channel_conflicts is E'@behavior -*';
create index channel_conflicts_open_idx on app_public.channel_conflicts (property_id, detected_at desc) where status = 'open';
alter table app_public.channel_conflicts enable row level security;
create trigger _500_audit after insert or update on app_public.channel_conflicts for each row execute function audit.tg__record();

create table app_public.channel_feed_events (
  feed_id uuid not null,
  property_id uuid not null,
  uid text not null,
  start_date date not null,
  end_date date not null,
  summary text,
  claim_id uuid,
  conflict_id uuid,
  seen_at timestamptz not null default pg_catalog.now(),
  primary key (feed_id, uid),
  check ((claim_id is null) <> (conflict_id is null)),
  foreign key (property_id, feed_id) references app_public.channel_feeds (property_id, id) on delete cascade,
  foreign key (property_id, claim_id) references app_public.inventory_claims (property_id, id) on delete cascade,
  foreign key (property_id, conflict_id) references app_public.channel_conflicts (property_id, id) on delete cascade
);
comment on table app_public.channel_feed_events is E'What each feed said at its last good sync, per event: its claim, or its open conflict.';
comment on constraint channel_feed_events_property_id_feed_id_fkey on app_public.channel_feed_events is E'@fieldName feed\n@foreignFieldName events';
comment on constraint channel_feed_events_property_id_claim_id_fkey on app_public.channel_feed_events is E'@fieldName claim\n@foreignFieldName channelFeedEvents';
comment on constraint channel_feed_events_property_id_conflict_id_fkey on app_public.channel_feed_events is E'@fieldName conflict\n@foreignFieldName feedEvents';
create index channel_feed_events_claim_idx on app_public.channel_feed_events (property_id, claim_id) where claim_id is not null;
alter table app_public.channel_feed_events enable row level security;

--! Included app_private.sync_channel_feed.sql
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
  insert into pg_temp.feed_now
  select distinct on (e.uid) e.uid, e.start::date, e."end"::date, pg_catalog.left(coalesce(e.summary, ''), 200)
    from pg_catalog.jsonb_to_recordset(events) as e(uid text, start text, "end" text, summary text, cancelled boolean)
   where not coalesce(e.cancelled, false) and e."end"::date > e.start::date and e."end"::date > v_today
   order by e.uid;

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
--! EndIncluded app_private.sync_channel_feed.sql
--! Included app_private.record_channel_feed_error.sql
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
--! EndIncluded app_private.record_channel_feed_error.sql
--! Included app_private.schedule_channel_polls.sql
-- Cron: queues a sync job for every active feed that is due, and sets its
-- next poll one interval later, plus up to a fifth of it at random (jitter:
-- feeds added together do not poll together). A feed already queued is not
-- queued twice (job key). Returns how many were queued.
create or replace function app_private.schedule_channel_polls() returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_feed record;
  v_count integer := 0;
begin
  for v_feed in
    select f.id, f.poll_interval_minutes from app_public.channel_feeds f
     where f.is_active and f.next_poll_at <= pg_catalog.now()
     order by f.next_poll_at
       for update skip locked
  loop
    perform graphile_worker.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_feed.id),
                                    job_key := 'channel_feed:' || v_feed.id, max_attempts := 3);
    update app_public.channel_feeds f
       set next_poll_at = pg_catalog.now() + pg_catalog.make_interval(secs => v_feed.poll_interval_minutes * 60 * (1 + pg_catalog.random() / 5))
     where f.id = v_feed.id;
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.schedule_channel_polls() is E'Cron: queues the sync of every due feed (once), with jitter on the next poll.';
--! EndIncluded app_private.schedule_channel_polls.sql
--! Included app_public.sync_channel_feed_now.sql
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
  perform app_private.require_staff(v_feed.property_id, '{owner,manager,front_desk}', 'sync channels');
  perform graphile_worker.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_feed.id),
                                  job_key := 'channel_feed:' || v_feed.id, max_attempts := 3);
  return v_feed;
end;
$$;
comment on function app_public.sync_channel_feed_now(uuid) is E'Queues a sync of the feed now. Errors: NTFND, DNIED.';
--! EndIncluded app_public.sync_channel_feed_now.sql
--! Included app_public.resolve_channel_conflict.sql
-- Staff close a channel conflict once they have dealt with it (cancelled
-- or moved one side, or told the channel), with a note. The feed's next
-- sync claims the nights if they are free, or records a new conflict if
-- they still are not.
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
  perform app_private.require_staff(v_conflict.property_id, '{owner,manager,front_desk}', 'resolve channel conflicts');
  if v_conflict.status <> 'open' then
    raise exception using errcode = 'TRANS', message = 'This conflict is resolved already.';
  end if;
  if resolution is null or pg_catalog.length(pg_catalog.btrim(resolution)) not between 1 and 500 then
    raise exception using errcode = 'INVLD', message = 'Say how the conflict was resolved (1 to 500 characters).';
  end if;
  update app_public.channel_conflicts k
     set status = 'resolved', resolved_at = pg_catalog.now(), resolved_by = app_hidden.current_user_id(), resolution = pg_catalog.btrim(resolve_channel_conflict.resolution)
   where k.id = v_conflict.id
  returning * into v_conflict;
  perform graphile_worker.add_job('sync_channel_feed', pg_catalog.json_build_object('feed_id', v_conflict.feed_id),
                                  job_key := 'channel_feed:' || v_conflict.feed_id, max_attempts := 3);
  return v_conflict;
end;
$$;
comment on function app_public.resolve_channel_conflict(uuid, text) is E'Closes a channel conflict with a note and re-syncs its feed. Errors: NTFND, DNIED, INVALID_TRANSITION, INVALID_INPUT.';
--! EndIncluded app_public.resolve_channel_conflict.sql
--! Included app_public.unit_calendar.sql
-- The iCal export of a unit, found by its secret token: every live claim
-- but holds (they last minutes), as all-day events. Anyone with the URL
-- may read it (that is what OTAs fetch); no one can list tokens but staff.
create or replace function app_public.unit_calendar(token text)
  returns table (uid text, start_date date, end_date date, summary text, updated_at timestamptz, unit_name text, property_name text)
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select c.id::text || '@keepr', pg_catalog.lower(c.stay), pg_catalog.upper(c.stay),
         case c.kind when 'reservation' then 'Reserved' when 'ota_block' then 'Not available (channel)' else 'Not available' end,
         c.updated_at, u.name, p.name
    from app_public.units u
    join app_public.properties p on p.id = u.property_id
    left join app_public.inventory_claims c
      on c.property_id = u.property_id and c.unit_id = u.id and c.released_at is null and c.kind <> 'hold'
         and pg_catalog.upper(c.stay) >= current_date - 1
   where u.ical_token = unit_calendar.token and pg_catalog.length(unit_calendar.token) = 32
   order by pg_catalog.lower(c.stay);
$$;
comment on function app_public.unit_calendar(text) is E'@omit\nThe claims of the unit with this iCal token (served as text/calendar at /ical/<token>.ics).';
--! EndIncluded app_public.unit_calendar.sql

grant select on app_public.channel_feeds, app_public.channel_conflicts, app_public.channel_feed_events to keepr_staff, keepr_worker;
grant insert (property_id, unit_id, source, name, url, is_active, poll_interval_minutes),
  update (name, url, is_active, poll_interval_minutes), delete on app_public.channel_feeds to keepr_staff;
create policy select_staff on app_public.channel_feeds for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,front_desk}')));
create policy manage_manager on app_public.channel_feeds for all to keepr_staff
  using (property_id in (select app_hidden.current_property_ids('{owner,manager}')))
  with check (property_id in (select app_hidden.current_property_ids('{owner,manager}')));
create policy select_staff on app_public.channel_conflicts for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,front_desk}')));
create policy select_staff on app_public.channel_feed_events for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,front_desk}')));
create policy worker_all on app_public.channel_feeds for select to keepr_worker using (true);
create policy worker_all on app_public.channel_conflicts for select to keepr_worker using (true);
create policy worker_all on app_public.channel_feed_events for select to keepr_worker using (true);
grant execute on function app_public.sync_channel_feed_now(uuid), app_public.resolve_channel_conflict(uuid, text) to keepr_staff;
grant execute on function app_public.unit_calendar(text) to keepr_anonymous;
grant execute on function app_private.sync_channel_feed(uuid, jsonb, text), app_private.record_channel_feed_error(uuid, text),
  app_private.schedule_channel_polls() to keepr_worker;
-- The conflict job writes to the property's owners and managers.
grant select on app_public.property_memberships to keepr_worker;
drop policy if exists worker_all on app_public.property_memberships;
create policy worker_all on app_public.property_memberships for select to keepr_worker using (true);

------------------------------------------------------------------------------
-- Job health: per task and minute, how many jobs ran, failed, and how long
-- they waited to be picked up (recorded by the worker processes), and the
-- live queue (graphile_worker.jobs).
------------------------------------------------------------------------------
drop view if exists reporting.job_health;
drop function if exists reporting.job_queue();
drop function if exists app_private.record_job_runs(jsonb);
drop table if exists app_private.job_minutes;
create table app_private.job_minutes (
  task text not null,
  minute timestamptz not null,
  runs integer not null default 0,
  failures integer not null default 0,
  pickup_ms_sum bigint not null default 0,
  pickup_ms_max integer not null default 0,
  run_ms_sum bigint not null default 0,
  primary key (task, minute)
);
comment on table app_private.job_minutes is E'Job outcomes per task and minute, as the worker processes report them (kept 7 days).';

create function app_private.record_job_runs(runs jsonb) returns void
  language sql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
  insert into app_private.job_minutes as m (task, minute, runs, failures, pickup_ms_sum, pickup_ms_max, run_ms_sum)
  select r.task, pg_catalog.date_trunc('minute', r.at), count(*), count(*) filter (where not r.ok),
         sum(r.pickup_ms), max(r.pickup_ms), sum(r.run_ms)
    from pg_catalog.jsonb_to_recordset(runs) r(task text, at timestamptz, ok boolean, pickup_ms integer, run_ms integer)
   group by 1, 2
  on conflict (task, minute) do update
    set runs = m.runs + excluded.runs, failures = m.failures + excluded.failures, pickup_ms_sum = m.pickup_ms_sum + excluded.pickup_ms_sum,
        pickup_ms_max = greatest(m.pickup_ms_max, excluded.pickup_ms_max), run_ms_sum = m.run_ms_sum + excluded.run_ms_sum;
  delete from app_private.job_minutes m where m.minute < pg_catalog.now() - interval '7 days';
$$;
comment on function app_private.record_job_runs(jsonb) is E'Adds a batch of job outcomes [{task, at, ok, pickup_ms, run_ms}] to the per-minute counts.';

-- The live queue, read when asked (graphile-worker installs its schema after
-- the migrations, so a view cannot name its tables).
create function reporting.job_queue()
  returns table (task text, waiting integer, running integer, scheduled integer, retrying integer, oldest_waiting_ms bigint, given_up integer)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return query
    select j.task_identifier::text,
           (count(*) filter (where j.run_at <= pg_catalog.now() and j.locked_at is null))::integer,
           (count(*) filter (where j.locked_at is not null))::integer,
           (count(*) filter (where j.run_at > pg_catalog.now()))::integer,
           (count(*) filter (where j.attempts > 0 and j.locked_at is null))::integer,
           (extract(epoch from pg_catalog.now() - min(j.run_at) filter (where j.run_at <= pg_catalog.now() and j.locked_at is null)) * 1000)::bigint,
           (count(*) filter (where j.attempts >= j.max_attempts))::integer
      from graphile_worker.jobs j
     group by j.task_identifier;
end;
$$;
comment on function reporting.job_queue() is E'The live job queue per task: waiting, running, scheduled, retrying, oldest waiting (ms), given up.';
grant execute on function reporting.job_queue() to keepr_analyst;

create view reporting.job_health with (security_barrier) as
  with recent as (
    select m.task, sum(m.runs)::integer as runs_last_hour, sum(m.failures)::integer as failures_last_hour,
           round(sum(m.failures)::numeric / nullif(sum(m.runs), 0), 4) as failure_rate_last_hour,
           (sum(m.pickup_ms_sum) / nullif(sum(m.runs), 0))::integer as avg_pickup_ms_last_hour,
           max(m.pickup_ms_max) as max_pickup_ms_last_hour,
           (sum(m.run_ms_sum) / nullif(sum(m.runs), 0))::integer as avg_run_ms_last_hour
      from app_private.job_minutes m
     where m.minute >= pg_catalog.now() - interval '1 hour'
     group by m.task
  ),
  queue as (select * from reporting.job_queue())
  select coalesce(r.task, q.task) as task, coalesce(q.waiting, 0) as waiting, coalesce(q.running, 0) as running,
         coalesce(q.scheduled, 0) as scheduled, coalesce(q.retrying, 0) as retrying, coalesce(q.given_up, 0) as given_up,
         q.oldest_waiting_ms, coalesce(r.runs_last_hour, 0) as runs_last_hour, coalesce(r.failures_last_hour, 0) as failures_last_hour,
         r.failure_rate_last_hour, r.avg_pickup_ms_last_hour, r.max_pickup_ms_last_hour, r.avg_run_ms_last_hour
    from recent r full join queue q on q.task = r.task;
comment on view reporting.job_health is E'Per job task: the live queue (waiting, running, scheduled, retrying, given up, oldest waiting) and the last hour (runs, failures, failure rate, pickup and run times).';
grant select on reporting.job_health to keepr_analyst;

------------------------------------------------------------------------------
-- Housekeeping: tasks per unit (on check-out, stay-overs by the property's
-- rule, inspections, maintenance) and unit status changes by staff.
------------------------------------------------------------------------------
drop trigger if exists _610_housekeeping on app_public.reservations;
drop function if exists app_private.tg_reservations__housekeeping();
drop function if exists app_private.schedule_stayover_cleaning();
drop function if exists app_public.update_housekeeping_task(uuid, app_public.housekeeping_task_status, text);
drop function if exists app_public.set_unit_status(uuid, app_public.housekeeping_status, text);
drop table if exists app_public.housekeeping_tasks;
drop type if exists app_public.housekeeping_task_status;
drop type if exists app_public.housekeeping_task_kind;
alter table app_public.properties drop column if exists stayover_clean_nights;

alter table app_public.properties add column stayover_clean_nights integer not null default 0 check (stayover_clean_nights between 0 and 30);
comment on column app_public.properties.stayover_clean_nights is E'Clean an occupied unit every this many nights of a stay (0: only on check-out).';
grant update (stayover_clean_nights) on app_public.properties to keepr_staff;

create type app_public.housekeeping_task_kind as enum ('checkout_clean', 'stayover_clean', 'inspection', 'maintenance');
create type app_public.housekeeping_task_status as enum ('open', 'in_progress', 'done', 'cancelled');
create table app_public.housekeeping_tasks (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null,
  unit_id uuid not null,
  kind app_public.housekeeping_task_kind not null,
  due_date date not null,
  status app_public.housekeeping_task_status not null default 'open',
  reservation_id uuid,
  assigned_to uuid references app_public.users on delete set null,
  notes text check (pg_catalog.length(notes) <= 1000),
  created_by uuid references app_public.users on delete set null,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now(),
  completed_at timestamptz,
  completed_by uuid references app_public.users on delete set null,
  check ((status in ('done', 'cancelled')) = (completed_at is not null)),
  foreign key (property_id, unit_id) references app_public.units (property_id, id) on delete cascade,
  foreign key (property_id, reservation_id) references app_public.reservations (property_id, id) on delete cascade
);
comment on table app_public.housekeeping_tasks is E'Work on a unit: cleaning after check-out or during a stay, inspection, maintenance.';
comment on constraint housekeeping_tasks_property_id_unit_id_fkey on app_public.housekeeping_tasks is E'@fieldName unit\n@foreignFieldName housekeepingTasks';
comment on constraint housekeeping_tasks_property_id_reservation_id_fkey on app_public.housekeeping_tasks is E'@fieldName reservation\n@foreignFieldName housekeepingTasks';
-- One task of a kind per unit and day.
create unique index housekeeping_tasks_once_idx on app_public.housekeeping_tasks (unit_id, kind, due_date) where status <> 'cancelled';
create index housekeeping_tasks_board_idx on app_public.housekeeping_tasks (property_id, due_date) where status in ('open', 'in_progress');
alter table app_public.housekeeping_tasks enable row level security;
create trigger _100_timestamps before insert or update on app_public.housekeeping_tasks for each row execute function app_private.tg__timestamps();
create trigger _500_audit after insert or update on app_public.housekeeping_tasks for each row execute function audit.tg__record();

--! Included app_public.set_unit_status.sql
-- Housekeeping, front desk and managers set a unit's status: dirty, clean,
-- inspected or out of order. Out of order needs a note (why); a unit with a
-- guest in it cannot be put out of order (move the guest first). Open
-- cleaning tasks of the unit are done when it is marked clean or inspected.
create or replace function app_public.set_unit_status(unit_id uuid, status app_public.housekeeping_status, note text default null)
  returns app_public.units
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_unit app_public.units;
begin
  select * into v_unit from app_public.units u where u.id = set_unit_status.unit_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such unit, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_unit.property_id, '{owner,manager,front_desk,housekeeping}', 'change unit status');
  if status is null then
    raise exception using errcode = 'INVLD', message = 'A status is required.';
  end if;
  if status = 'out_of_order' then
    if note is null or pg_catalog.length(pg_catalog.btrim(note)) not between 1 and 500 then
      raise exception using errcode = 'INVLD', message = 'Say why the unit is out of order (1 to 500 characters).';
    end if;
    if exists (select 1 from app_public.reservations r
                where r.property_id = v_unit.property_id and r.unit_id = v_unit.id and r.status = 'checked_in') then
      raise exception using errcode = 'UNAVL', message = 'A guest is in this unit: move them before putting it out of order.';
    end if;
  end if;
  update app_public.units u set housekeeping_status = set_unit_status.status where u.id = v_unit.id returning * into v_unit;
  if status in ('clean', 'inspected') then
    update app_public.housekeeping_tasks t
       set status = 'done', completed_at = pg_catalog.now(), completed_by = app_hidden.current_user_id()
     where t.property_id = v_unit.property_id and t.unit_id = v_unit.id and t.status in ('open', 'in_progress')
       and (t.kind in ('checkout_clean', 'stayover_clean') or (t.kind = 'inspection' and set_unit_status.status = 'inspected'));
  end if;
  if status = 'out_of_order' then
    insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date, notes, created_by)
    values (v_unit.property_id, v_unit.id, 'maintenance', app_private.local_today(v_unit.property_id), pg_catalog.btrim(note), app_hidden.current_user_id())
    on conflict do nothing;
  end if;
  return v_unit;
end;
$$;
comment on function app_public.set_unit_status(uuid, app_public.housekeeping_status, text) is
  E'Sets a unit''s housekeeping status (out of order needs a note and an empty unit); marking it clean completes its cleaning tasks. Errors: NTFND, DNIED, INVALID_INPUT, UNIT_UNAVAILABLE.';
--! EndIncluded app_public.set_unit_status.sql
--! Included app_public.update_housekeeping_task.sql
-- Housekeeping staff take a task, finish it or note something on it;
-- managers may cancel it. Finishing a cleaning task makes the unit clean
-- (an inspection: inspected; maintenance: clean, back in order).
create or replace function app_public.update_housekeeping_task(
  task_id uuid,
  status app_public.housekeeping_task_status,
  notes text default null
) returns app_public.housekeeping_tasks
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_task app_public.housekeeping_tasks;
begin
  select * into v_task from app_public.housekeeping_tasks t where t.id = update_housekeeping_task.task_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such task, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_task.property_id,
    case when status = 'cancelled' then '{owner,manager}' else '{owner,manager,front_desk,housekeeping}' end::app_public.staff_role[],
    'update housekeeping tasks');
  if v_task.status in ('done', 'cancelled') then
    raise exception using errcode = 'TRANS', message = pg_catalog.format('This task is %s already.', v_task.status);
  end if;
  if pg_catalog.length(notes) > 1000 then
    raise exception using errcode = 'INVLD', message = 'Notes can be at most 1000 characters.';
  end if;
  update app_public.housekeeping_tasks t
     set status = update_housekeeping_task.status, notes = coalesce(update_housekeeping_task.notes, t.notes),
         assigned_to = case when update_housekeeping_task.status = 'in_progress' then app_hidden.current_user_id() else t.assigned_to end,
         completed_at = case when update_housekeeping_task.status in ('done', 'cancelled') then pg_catalog.now() end,
         completed_by = case when update_housekeeping_task.status in ('done', 'cancelled') then app_hidden.current_user_id() end
   where t.id = v_task.id
  returning * into v_task;
  if status = 'done' then
    update app_public.units u
       set housekeeping_status = case v_task.kind when 'inspection' then 'inspected' else 'clean' end::app_public.housekeeping_status
     where u.property_id = v_task.property_id and u.id = v_task.unit_id
       and (u.housekeeping_status <> 'out_of_order' or v_task.kind = 'maintenance');
  end if;
  return v_task;
end;
$$;
comment on function app_public.update_housekeeping_task(uuid, app_public.housekeeping_task_status, text) is
  E'Takes (in_progress), finishes (done: the unit becomes clean, or inspected) or cancels (managers) a housekeeping task. Errors: NTFND, DNIED, INVALID_TRANSITION, INVALID_INPUT.';
--! EndIncluded app_public.update_housekeeping_task.sql
--! Included app_private.schedule_stayover_cleaning.sql
-- Daily (night audit): a stay-over cleaning task for every unit whose
-- in-house guest reaches another stayover_clean_nights night today, per the
-- property's rule (0: none). Never twice for a unit and day. Returns how
-- many were created.
create or replace function app_private.schedule_stayover_cleaning() returns integer
  language sql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  with created as (
    insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date, reservation_id)
    select r.property_id, r.unit_id, 'stayover_clean', app_private.local_today(r.property_id), r.id
      from app_public.reservations r
      join app_public.properties p on p.id = r.property_id
     where r.status = 'checked_in' and p.stayover_clean_nights > 0
       and app_private.local_today(r.property_id) > pg_catalog.lower(r.stay)
       and app_private.local_today(r.property_id) < pg_catalog.upper(r.stay)
       and (app_private.local_today(r.property_id) - pg_catalog.lower(r.stay)) % p.stayover_clean_nights = 0
    on conflict do nothing
    returning 1
  )
  select count(*)::integer from created;
$$;
comment on function app_private.schedule_stayover_cleaning() is E'Creates today''s stay-over cleaning tasks per each property''s rule; returns how many.';
--! EndIncluded app_private.schedule_stayover_cleaning.sql
--! Included app_private.tg_reservations__housekeeping.sql
-- A check-out leaves a cleaning task for the unit, due today.
create or replace function app_private.tg_reservations__housekeeping() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date, reservation_id)
  values (new.property_id, new.unit_id, 'checkout_clean', app_private.local_today(new.property_id), new.id)
  on conflict do nothing;
  return null;
end;
$$;
comment on function app_private.tg_reservations__housekeeping() is E'Trigger: a check-out creates the unit''s cleaning task.';
--! EndIncluded app_private.tg_reservations__housekeeping.sql
create trigger _610_housekeeping after update of status on app_public.reservations
  for each row when (old.status = 'checked_in' and new.status = 'checked_out' and new.unit_id is not null)
  execute function app_private.tg_reservations__housekeeping();

grant select on app_public.housekeeping_tasks to keepr_staff, keepr_worker;
grant insert (property_id, unit_id, kind, due_date, notes) on app_public.housekeeping_tasks to keepr_staff;
create policy select_staff on app_public.housekeeping_tasks for select using (
  property_id in (select app_hidden.current_property_ids('{owner,manager,front_desk,housekeeping}')));
create policy insert_staff on app_public.housekeeping_tasks for insert to keepr_staff with check (
  property_id in (select app_hidden.current_property_ids('{owner,manager,front_desk,housekeeping}')) and kind in ('inspection', 'maintenance'));
create policy worker_all on app_public.housekeeping_tasks for select to keepr_worker using (true);
grant execute on function app_public.set_unit_status(uuid, app_public.housekeeping_status, text),
  app_public.update_housekeeping_task(uuid, app_public.housekeeping_task_status, text) to keepr_staff;
grant execute on function app_private.schedule_stayover_cleaning() to keepr_worker;

------------------------------------------------------------------------------
-- Reports: occupancy, ADR, RevPAR, pickup and revenue by channel. One
-- definition each, as reporting views (analysts read them directly); staff
-- read their property's through app_public functions.
------------------------------------------------------------------------------
drop function if exists app_public.occupancy_report(uuid, date, date);
drop function if exists app_public.pickup_report(uuid, date, date);
drop function if exists app_public.channel_revenue_report(uuid, date, date);
drop view if exists reporting.revenue_by_channel;
drop view if exists reporting.pickup;
drop view if exists reporting.occupancy;
drop view if exists reporting.room_nights;
drop trigger if exists _050_channel on app_public.reservations;
drop function if exists app_private.tg_reservations__channel();
alter table app_public.reservations drop column if exists channel;

alter table app_public.reservations add column channel text not null default 'web' check (channel in ('web', 'front_desk'));
comment on column app_public.reservations.channel is E'Where the booking was made: web (a guest) or front_desk (staff of the property, e.g. by phone). OTA bookings arrive as blocks, not reservations.';
create function app_private.tg_reservations__channel() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  new.channel := case when new.property_id in (select app_hidden.current_property_ids()) then 'front_desk' else 'web' end;
  return new;
end;
$$;
comment on function app_private.tg_reservations__channel() is E'Trigger: records whether a reservation was made by a guest (web) or by staff of the property (front_desk).';
create trigger _050_channel before insert on app_public.reservations for each row execute function app_private.tg_reservations__channel();

-- One row per sold room night: a confirmed, in-house or departed stay's
-- nights, each with an equal share of its room revenue (the locked price
-- after discounts, inclusive taxes included, as in the quote).
create view reporting.room_nights with (security_barrier) as
  select r.property_id, r.id as reservation_id, r.channel, d::date as date, r.currency,
         (r.room_amount / (upper(r.stay) - lower(r.stay))
          + case when d::date - lower(r.stay) < r.room_amount % (upper(r.stay) - lower(r.stay)) then 1 else 0 end)::bigint as room_revenue
    from app_public.reservations r
   cross join lateral pg_catalog.generate_series(lower(r.stay), upper(r.stay) - 1, interval '1 day') d
   where r.status in ('confirmed', 'checked_in', 'checked_out');
comment on view reporting.room_nights is E'Every sold room night with its share of the room revenue (minor units; the shares of a stay add up to its room amount).';

create view reporting.occupancy with (security_barrier) as
  select n.property_id, n.date, n.currency,
         (select count(*) from app_public.units u where u.property_id = n.property_id and u.is_active)::integer as units_available,
         count(*)::integer as units_sold,
         sum(n.room_revenue)::bigint as room_revenue
    from reporting.room_nights n
   group by n.property_id, n.date, n.currency;
comment on view reporting.occupancy is E'Per property and night: units available (active units), units sold and room revenue; occupancy = sold / available, ADR = revenue / sold, RevPAR = revenue / available.';

create view reporting.pickup with (security_barrier) as
  select r.property_id, (r.confirmed_at at time zone p.time_zone)::date as booked_on, r.channel, r.currency,
         count(*)::integer as bookings, sum(upper(r.stay) - lower(r.stay))::integer as room_nights,
         sum(r.room_amount)::bigint as room_revenue, min(lower(r.stay)) as first_arrival, max(lower(r.stay)) as last_arrival
    from app_public.reservations r
    join app_public.properties p on p.id = r.property_id
   where r.confirmed_at is not null
   group by r.property_id, (r.confirmed_at at time zone p.time_zone)::date, r.channel, r.currency;
comment on view reporting.pickup is E'Bookings made per day (in the property''s calendar) and channel, with their room nights and revenue, whatever happened to them since.';

create view reporting.revenue_by_channel with (security_barrier) as
  select n.property_id, pg_catalog.date_trunc('month', n.date)::date as month, n.channel, n.currency,
         count(*)::integer as room_nights, count(distinct n.reservation_id)::integer as bookings, sum(n.room_revenue)::bigint as room_revenue
    from reporting.room_nights n
   group by n.property_id, pg_catalog.date_trunc('month', n.date), n.channel, n.currency;
comment on view reporting.revenue_by_channel is E'Room nights and room revenue per month of stay and channel.';
grant select on reporting.room_nights, reporting.occupancy, reporting.pickup, reporting.revenue_by_channel to keepr_analyst;

--! Included app_public.occupancy_report.sql
-- Staff reports (owner, manager, accountant) of one property over a date
-- range, read from the reporting views analysts share. At most 400 days.

-- Who may read a property's reports, and over what range.
create or replace function app_private.check_report(property_id uuid, from_date date, to_date date) returns void
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  perform app_private.require_staff(check_report.property_id, '{owner,manager,accountant}', 'read reports');
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 400 then
    raise exception using errcode = 'DATES', message = 'A report covers 1 to 400 days (from_date to to_date, inclusive).';
  end if;
end;
$$;
comment on function app_private.check_report(uuid, date, date) is E'Raises NTFND or DNIED unless the caller may read the property''s reports, DATES unless the range is 1 to 400 days.';

-- Occupancy, ADR and RevPAR per night, every night of the range (empty
-- nights included).
create or replace function app_public.occupancy_report(property_id uuid, from_date date, to_date date)
  returns table (date date, units_available integer, units_sold integer, occupancy numeric, room_revenue bigint, adr bigint, revpar bigint)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.check_report(occupancy_report.property_id, from_date, to_date);
  return query
    select d::date,
           (select count(*) from app_public.units u where u.property_id = occupancy_report.property_id and u.is_active)::integer,
           coalesce(o.units_sold, 0),
           round(coalesce(o.units_sold, 0)::numeric
                 / nullif((select count(*) from app_public.units u where u.property_id = occupancy_report.property_id and u.is_active), 0), 4),
           coalesce(o.room_revenue, 0)::bigint,
           (o.room_revenue / nullif(o.units_sold, 0))::bigint,
           (coalesce(o.room_revenue, 0)
            / nullif((select count(*) from app_public.units u where u.property_id = occupancy_report.property_id and u.is_active), 0))::bigint
      from pg_catalog.generate_series(from_date, to_date, interval '1 day') d
      left join reporting.occupancy o on o.property_id = occupancy_report.property_id and o.date = d::date
     order by 1;
end;
$$;
comment on function app_public.occupancy_report(uuid, date, date) is
  E'Occupancy (0–1), ADR and RevPAR (minor units) per night of a property. Errors: NTFND, DNIED, INVALID_DATES.';

-- Bookings made per day of the range (pickup), per channel.
create or replace function app_public.pickup_report(property_id uuid, from_date date, to_date date)
  returns table (booked_on date, channel text, bookings integer, room_nights integer, room_revenue bigint)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.check_report(pickup_report.property_id, from_date, to_date);
  return query
    select p.booked_on, p.channel, p.bookings, p.room_nights, p.room_revenue
      from reporting.pickup p
     where p.property_id = pickup_report.property_id and p.booked_on between from_date and to_date
     order by 1, 2;
end;
$$;
comment on function app_public.pickup_report(uuid, date, date) is E'Bookings made per day and channel. Errors: NTFND, DNIED, INVALID_DATES.';

-- Room nights and revenue per channel for stays in the range.
create or replace function app_public.channel_revenue_report(property_id uuid, from_date date, to_date date)
  returns table (channel text, bookings integer, room_nights integer, room_revenue bigint)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.check_report(channel_revenue_report.property_id, from_date, to_date);
  return query
    select n.channel, count(distinct n.reservation_id)::integer, count(*)::integer, sum(n.room_revenue)::bigint
      from reporting.room_nights n
     where n.property_id = channel_revenue_report.property_id and n.date between from_date and to_date
     group by n.channel
     order by 1;
end;
$$;
comment on function app_public.channel_revenue_report(uuid, date, date) is E'Room nights and revenue per channel for the nights in a range. Errors: NTFND, DNIED, INVALID_DATES.';
--! EndIncluded app_public.occupancy_report.sql
grant execute on function app_public.occupancy_report(uuid, date, date), app_public.pickup_report(uuid, date, date),
  app_public.channel_revenue_report(uuid, date, date) to keepr_staff;

------------------------------------------------------------------------------
-- Night audit: no-shows recorded once the arrival day is over.
------------------------------------------------------------------------------
drop function if exists app_private.mark_overdue_no_shows();
--! Included app_private.record_no_show.sql
-- What a no-show does to a locked, confirmed reservation, whoever records
-- it (the front desk, or the night audit): the late-cancellation terms
-- apply, the unit is freed, the folio keeps only the penalty, open payments
-- are cancelled and what was paid beyond the penalty is refunded.
create or replace function app_private.record_no_show(reservation app_public.reservations, ledger_key text)
  returns app_public.reservations
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_penalty bigint := app_private.cancellation_penalty(reservation, pg_catalog.now());
begin
  perform app_private.release_claims(reservation);
  update app_public.reservations r
     set status = 'no_show', no_show_at = pg_catalog.now(), penalty_amount = v_penalty, refund_amount = r.total_amount - v_penalty
   where r.id = reservation.id
  returning * into v_res;
  perform app_private.post_reservation_charges(v_res, ledger_key, 'Booking ' || v_res.confirmation_code || ' no-show');
  perform app_private.schedule_payments(v_res);
  perform app_private.refund_overpayment(v_res, 'No-show');
  return v_res;
end;
$$;
comment on function app_private.record_no_show(app_public.reservations, text) is
  E'Applies a no-show to a locked confirmed reservation: penalty, unit freed, folio, payments and refunds.';
--! EndIncluded app_private.record_no_show.sql
--! Included app_public.mark_no_show.sql
-- Records that a confirmed guest did not arrive (from the arrival date on):
-- the late-cancellation terms apply (penalty_amount) and the unit is freed;
-- the folio keeps only the penalty, as on cancellation (record_no_show, which
-- the night audit uses too).
create or replace function app_public.mark_no_show(
  reservation_id uuid,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
begin
  v_replay := app_private.idempotency_begin('mark_no_show', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(mark_no_show.reservation_id, '{owner,manager,front_desk}', 'record no-shows');
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'marked as a no-show');
  end if;
  if app_private.local_today(v_res.property_id) < pg_catalog.lower(v_res.stay) then
    raise exception using errcode = 'TRANS',
      message = pg_catalog.format('A no-show can be recorded from the arrival date, %s.', pg_catalog.lower(v_res.stay));
  end if;
  v_res := app_private.record_no_show(v_res,
    'reservation:' || v_res.id || ':no_show:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key));
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.mark_no_show(uuid, text) is
  E'Marks a confirmed reservation as a no-show on or after its arrival date: the penalty applies and the unit is freed. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded app_public.mark_no_show.sql
--! Included app_private.mark_overdue_no_shows.sql
-- Night audit, hourly: a confirmed reservation whose arrival day is over
-- at its property (the guest never checked in) is a no-show. Rows another
-- transaction holds are left for the next run. Returns how many.
create or replace function app_private.mark_overdue_no_shows() returns integer
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_res app_public.reservations;
  v_count integer := 0;
begin
  for v_res in
    select r.* from app_public.reservations r
     where r.status = 'confirmed' and pg_catalog.lower(r.stay) < app_private.local_today(r.property_id)
     order by pg_catalog.lower(r.stay)
       for update skip locked
  loop
    perform app_private.record_no_show(v_res, 'reservation:' || v_res.id || ':no_show:night_audit');
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.mark_overdue_no_shows() is E'Night audit: records as no-shows the confirmed stays whose arrival day is over; returns how many.';
--! EndIncluded app_private.mark_overdue_no_shows.sql
grant execute on function app_private.mark_overdue_no_shows() to keepr_worker;

-- Channels against Keepr, per property.
drop function if exists app_public.channel_reconciliation(uuid);
--! Included app_public.channel_reconciliation.sql
-- A property's channels against Keepr, per feed, from its latest good sync:
--   conflict               the channel has a booking Keepr could not block
--                          (an open conflict);
--   not_blocked_on_channel Keepr has a stay or block on the unit (not from
--                          this feed) on nights the channel's feed does not
--                          show as taken: the channel has not imported
--                          Keepr's calendar yet, or at all — it could sell
--                          those nights;
--   feed_failing           the last poll failed (the error);
--   feed_stale             no good sync for three poll intervals.
-- Future nights only. Staff of the property (owner, manager, front desk).
create or replace function app_public.channel_reconciliation(property_id uuid)
  returns table (feed_id uuid, feed_name text, unit_name text, kind text, start_date date, end_date date, detail text)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.require_staff(channel_reconciliation.property_id, '{owner,manager,front_desk}', 'read channel reports');
  return query
    with feeds as (
      select f.*, u.name as unit_name, app_private.local_today(f.property_id) as today
        from app_public.channel_feeds f
        join app_public.units u on u.property_id = f.property_id and u.id = f.unit_id
       where f.property_id = channel_reconciliation.property_id and f.is_active
    )
    select f.id, f.name, f.unit_name, 'conflict', k.start_date, k.end_date,
           'The channel''s booking "' || coalesce(k.summary, '') || '" overlaps ' ||
           coalesce('reservation ' || r.confirmation_code, 'a block') || ' in Keepr.'
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
       and not exists (select 1 from app_public.channel_feed_events e where e.feed_id = f.id and e.claim_id = c.id)
      left join app_public.reservations r on r.property_id = c.property_id and r.id = c.reservation_id
      cross join lateral pg_catalog.unnest(
        pg_catalog.datemultirange(c.stay * pg_catalog.daterange(f.today, null))
        - coalesce((select pg_catalog.range_agg(pg_catalog.daterange(e.start_date, e.end_date))
                      from app_public.channel_feed_events e where e.feed_id = f.id), '{}'::datemultirange)
      ) gap
     where f.last_success_at is not null
    union all
    select f.id, f.name, f.unit_name, 'feed_failing', null, null, f.last_error
      from feeds f where f.last_error is not null
    union all
    select f.id, f.name, f.unit_name, 'feed_stale', null, null,
           coalesce('Last good sync ' || pg_catalog.to_char(f.last_success_at, 'YYYY-MM-DD HH24:MI TZ') || '.', 'Never synced.')
      from feeds f
     where coalesce(f.last_success_at, '-infinity') < pg_catalog.now() - pg_catalog.make_interval(mins => 3 * f.poll_interval_minutes)
     order by 2, 4, 5;
end;
$$;
comment on function app_public.channel_reconciliation(uuid) is
  E'Per feed of a property: open conflicts, Keepr stays the channel does not show as taken, failing or stale feeds. Errors: NTFND, DNIED.';
--! EndIncluded app_public.channel_reconciliation.sql
grant execute on function app_public.channel_reconciliation(uuid) to keepr_staff;

------------------------------------------------------------------------------
-- Exports: CSV files made by a job (streamed, never all rows in memory),
-- stored in the export store, downloaded through an expiring link.
------------------------------------------------------------------------------
drop function if exists app_public.request_export(uuid, app_public.export_kind, date, date);
drop function if exists app_private.finish_export(uuid, text, bigint, bigint, text);
drop table if exists app_public.exports;
drop type if exists app_public.export_kind;
drop type if exists app_public.export_status;
create type app_public.export_kind as enum ('reservations', 'guests', 'ledger', 'occupancy');
create type app_public.export_status as enum ('pending', 'done', 'failed');
create table app_public.exports (
  id uuid primary key default gen_random_uuid(),
  property_id uuid not null references app_public.properties on delete cascade,
  kind app_public.export_kind not null,
  from_date date not null,
  to_date date not null,
  status app_public.export_status not null default 'pending',
  requested_by uuid references app_public.users on delete set null,
  file_key text,
  row_count bigint,
  byte_count bigint,
  error text,
  download_token text unique,
  expires_at timestamptz,
  created_at timestamptz not null default pg_catalog.now(),
  finished_at timestamptz,
  check (to_date >= from_date),
  check ((status = 'done') = (file_key is not null and download_token is not null and expires_at is not null))
);
comment on table app_public.exports is E'A CSV export of a property''s data, made by a job; download it at /exports/<download_token> until expires_at.';
comment on column app_public.exports.download_token is E'The secret of the download link (/exports/<token>), valid until expires_at.';
create index exports_property_idx on app_public.exports (property_id, created_at desc);
alter table app_public.exports enable row level security;
create trigger _500_audit after insert on app_public.exports for each row execute function audit.tg__record();

--! Included app_public.request_export.sql
-- Staff ask for a CSV export of their property over a date range: who may
-- export what follows their role (reservations: owner, manager, front
-- desk, accountant; guests, with their contact details: owner and manager;
-- the ledger: owner, manager, accountant; occupancy: owner, manager,
-- accountant). The job that writes it is queued in the same transaction.
create or replace function app_public.request_export(property_id uuid, kind app_public.export_kind, from_date date, to_date date)
  returns app_public.exports
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_export app_public.exports;
begin
  perform app_private.require_staff(request_export.property_id,
    case kind
      when 'reservations' then '{owner,manager,front_desk,accountant}'
      when 'guests' then '{owner,manager}'
      else '{owner,manager,accountant}'
    end::app_public.staff_role[], 'export ' || kind::text);
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 3660 then
    raise exception using errcode = 'DATES', message = 'An export covers 1 day to 10 years (from_date to to_date, inclusive).';
  end if;
  insert into app_public.exports (property_id, kind, from_date, to_date, requested_by)
  values (request_export.property_id, request_export.kind, from_date, to_date, app_hidden.current_user_id())
  returning * into v_export;
  perform graphile_worker.add_job('run_export', pg_catalog.json_build_object('id', v_export.id),
                                  job_key := 'export:' || v_export.id, max_attempts := 5);
  return v_export;
end;
$$;
comment on function app_public.request_export(uuid, app_public.export_kind, date, date) is
  E'Queues a CSV export (reservations, guests, ledger, occupancy) of a property over a date range. Errors: NTFND, DNIED, INVALID_DATES.';
--! EndIncluded app_public.request_export.sql
create function app_private.finish_export(id uuid, file_key text, row_count bigint, byte_count bigint, error text) returns app_public.exports
  language sql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  update app_public.exports e
     set status = case when finish_export.error is null then 'done' else 'failed' end::app_public.export_status,
         file_key = finish_export.file_key, row_count = finish_export.row_count, byte_count = finish_export.byte_count,
         error = pg_catalog.left(finish_export.error, 1000), finished_at = pg_catalog.now(),
         download_token = case when finish_export.error is null then pg_catalog.encode(public.gen_random_bytes(24), 'hex') end,
         expires_at = case when finish_export.error is null then pg_catalog.now() + interval '24 hours' end
   where e.id = finish_export.id and e.status = 'pending'
  returning e.*;
$$;
comment on function app_private.finish_export(uuid, text, bigint, bigint, text) is E'Records an export''s file (and a download link valid 24 hours) or its error.';

grant select on app_public.exports to keepr_staff, keepr_worker;
create policy select_requester_or_manager on app_public.exports for select using (
  requested_by = (select app_hidden.current_user_id())
  or property_id in (select app_hidden.current_property_ids('{owner,manager}')));
create policy worker_all on app_public.exports for select to keepr_worker using (true);
grant execute on function app_public.request_export(uuid, app_public.export_kind, date, date) to keepr_staff;
grant execute on function app_private.finish_export(uuid, text, bigint, bigint, text) to keepr_worker;
-- The export job reads, as the worker, what the requester was allowed to ask for.
grant select on app_public.journal_entries, app_public.postings, app_public.ledger_accounts to keepr_worker;
drop policy if exists worker_all on app_public.journal_entries;
drop policy if exists worker_all on app_public.postings;
drop policy if exists worker_all on app_public.ledger_accounts;
create policy worker_all on app_public.journal_entries for select to keepr_worker using (true);
create policy worker_all on app_public.postings for select to keepr_worker using (true);
create policy worker_all on app_public.ledger_accounts for select to keepr_worker using (true);
