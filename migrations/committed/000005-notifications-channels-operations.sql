--! Previous: sha1:dcac5a1cfb43ca2759cc5c31bcb8b6e2958b69dc
--! Hash: sha1:fc634a354d5cc7d9dacf4e01005b2f18aa166a43
--! Message: Notifications, channels, operations

-- Async work (issue 5), part 1: guest notifications. A reservation's
-- changes and its payments queue notifications (email, and SMS for the
-- essentials) in the transaction that makes them; each (cause, template,
-- channel, recipient) exists once, and its job delivers it once. See
-- docs/notifications.md. Safe to run again and again.

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
  v_pre_arrival := app_private.pre_arrival_at(new);
  if old.status = 'held' and new.status = 'confirmed' then
    perform app_private.notify(new, 'confirmation', 'reservation:' || new.id || ':confirmed');
    if v_pre_arrival > pg_catalog.now() then
      perform app_private.notify(new, 'pre_arrival', 'reservation:' || new.id || ':pre_arrival:' || pg_catalog.lower(new.stay), v_pre_arrival);
    end if;
  elsif old.status = new.status and new.status in ('confirmed', 'checked_in')
        and (old.stay, old.adults, old.children, old.rate_plan_id, old.total_amount)
            is distinct from (new.stay, new.adults, new.children, new.rate_plan_id, new.total_amount) then
    perform app_private.notify(new, 'modification', 'reservation:' || new.id || ':modified:' || pg_catalog.txid_current());
    if new.status = 'confirmed' and pg_catalog.lower(old.stay) <> pg_catalog.lower(new.stay) and v_pre_arrival > pg_catalog.now() then
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
  for each row execute function app_private.tg_reservations__notify();
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
