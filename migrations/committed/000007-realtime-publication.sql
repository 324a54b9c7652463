--! Previous: sha1:ee82c966d354b93e1199950275143d51d3a9bbbe
--! Hash: sha1:a9fa6fa5a92d35ee9ec98f0bf60c4847842a717f
--! Message: Realtime publication

------------------------------------------------------------------------------
-- Realtime: the publication the realtime server reads (realtime/replication.ts).
------------------------------------------------------------------------------
-- The logical-replication publication that Keepr's realtime server reads
-- (realtime/replication.ts): the domain tables staff screens show live, and
-- per table the replica identity that decides what a change carries of the
-- old row. Safe to run again and again (graphile-migrate `current`): the
-- publication is created once, then its table list is set in full.
--
-- Replica identity, the rule used below:
-- - FULL where a row can move out of a subscriber's sight or filter (status,
--   unit, dates, assignee, is_published change) or be deleted: UPDATE and
--   DELETE then carry the whole old row, so the authorizer judges them
--   against the old values. Costs one old-row copy in WAL per update.
-- - USING INDEX <table>_property_id_id_key (the existing unique
--   (property_id, id)) where only the property decides visibility and it
--   never changes: a DELETE still says which property the row belonged to,
--   an UPDATE logs no old row. Used for the tables published with a column
--   list, which cannot be FULL (see below).
-- - DEFAULT (the primary key) where the key already holds property_id, or
--   where no (property_id, id) key exists and rows are not deleted.
--
-- Secrets: columns holding bearer secrets are left out with a column list
-- (Postgres 15+), so they never leave Postgres in the stream (nor reach the
-- realtime server's memory or logs), whatever the authorizer later strips:
-- - payment_intents.payment_token, payment_attempts.payment_token (card
--   tokens, `@behavior -*`, selectable by the worker only);
-- - units.ical_token (the secret of the unit's iCal export URL);
-- - exports.download_token (the secret of the download link);
-- - channel_feeds.url (an OTA's private iCal export URL, itself a secret).
-- A column list must cover the replica identity, and with FULL that is every
-- column: an UPDATE of a FULL table whose column list leaves a column out
-- fails ("Column list used by the publication does not cover the replica
-- identity"). So these tables use a key replica identity instead.
-- When adding columns later: a column of a table with a column list is not
-- published until it is added to the list below; a column of any other
-- table here is published at once, so a new secret column means a column
-- list (and a key replica identity) for its table.
--
-- The replication login (roles are made by db/roles.ts, not migrations):
--   create role keepr_realtime with login replication password '...';
--   grant connect on database <keepr database> to keepr_realtime;
-- It streams every published row whatever the RLS policies and grants say;
-- the realtime server authorizes each change per subscriber.

do $$
begin
  if not exists (select 1 from pg_catalog.pg_publication where pubname = 'keepr_realtime') then
    create publication keepr_realtime with (publish = 'insert, update, delete, truncate');
  end if;
end
$$;

alter publication keepr_realtime set table
  app_public.properties,
  app_public.room_types,
  app_public.units (id, property_id, room_type_id, name, housekeeping_status, is_active, owner_id, created_at, updated_at),
  app_public.rate_plans,
  app_public.guests,
  app_public.reservations,
  app_public.inventory_claims,
  app_public.folios,
  app_public.folio_balances,
  app_public.payment_intents (id, property_id, reservation_id, folio_id, kind, amount, currency, status, due_at, provider,
                              amount_captured, amount_refunded, failure_code, failure_message, created_at, updated_at),
  app_public.payment_attempts (id, property_id, intent_id, amount, currency, status, provider_charge_id, captured_at,
                               failure_code, failure_message, created_at, updated_at),
  app_public.refunds,
  app_public.invoices,
  app_public.notifications,
  app_public.housekeeping_tasks,
  app_public.channel_feeds (id, property_id, unit_id, source, name, is_active, poll_interval_minutes, next_poll_at,
                            last_polled_at, last_success_at, last_error, last_error_at, consecutive_failures, events_seen,
                            content_hash, created_at, updated_at),
  app_public.channel_conflicts,
  app_public.night_audits,
  app_public.night_audit_anomalies,
  app_public.exports (id, property_id, kind, from_date, to_date, status, requested_by, file_key, row_count, byte_count,
                      error, expires_at, created_at, finished_at, purged_at);

-- Shown to anonymous visitors while is_published; unpublishing must be
-- judged against the old row.
alter table app_public.properties replica identity full;
-- is_published and max_occupancy decide what guests see.
alter table app_public.room_types replica identity full;
-- Column list (ical_token left out); the property never changes.
alter table app_public.units replica identity using index units_property_id_id_key;
-- is_published, prices and terms: a plan can leave a guest's listing.
alter table app_public.rate_plans replica identity full;
-- A guest's name, email and user link change; the desk list filters on them.
alter table app_public.guests replica identity full;
-- The heart of the live screens: status, unit, stay and guest change and
-- move a booking between lists (arrivals, a unit's calendar, a guest's own).
alter table app_public.reservations replica identity full;
-- The availability grid: a claim moves between units and dates, or is
-- released or deleted; the old unit and stay say which cells to clear.
alter table app_public.inventory_claims replica identity full;
-- Open/closed status moves a folio between lists.
alter table app_public.folios replica identity full;
-- Updated by every posting; the primary key (property_id, folio_id,
-- currency) already names the property, and only the new balance matters.
alter table app_public.folio_balances replica identity default;
-- Column list (payment_token left out); the property never changes.
alter table app_public.payment_intents replica identity using index payment_intents_property_id_id_key;
-- Column list (payment_token left out); the property never changes.
alter table app_public.payment_attempts replica identity using index payment_attempts_property_id_id_key;
-- Status moves a refund between pending and done lists.
alter table app_public.refunds replica identity full;
-- Issued once and never changed: the key with its property is enough.
alter table app_public.invoices replica identity using index invoices_property_id_id_key;
-- The outbox: status changes move a message between pending, sent and
-- failed lists; no (property_id, id) key to use instead.
alter table app_public.notifications replica identity full;
-- Assignee, unit, due date and status move a task between housekeepers'
-- lists.
alter table app_public.housekeeping_tasks replica identity full;
-- Column list (url left out); the property never changes.
alter table app_public.channel_feeds replica identity using index channel_feeds_property_id_id_key;
-- Open/resolved status moves a conflict between lists.
alter table app_public.channel_conflicts replica identity full;
-- Written at start and finish of an audit; the property never changes.
alter table app_public.night_audits replica identity using index night_audits_property_id_id_key;
-- Written once per audit; no (property_id, id) key, rows are small.
alter table app_public.night_audit_anomalies replica identity full;
-- Column list (download_token left out), so not FULL; no (property_id, id)
-- key, and exports are never deleted but with their property: the primary
-- key is enough.
alter table app_public.exports replica identity default;
