-- Issue 20, ready to distribute by property (first slice): every unique
-- constraint and unique index of a tenant table carries property_id, so a
-- Citus-style distribution by property_id can keep enforcing it shard by
-- shard (tests/db/distribution.test.ts, docs/scaling-distribution.md).
-- property_id goes last: the indexes serve the same lookups as before
-- (a feed by its iCal token, a download by its token, the open intent of a
-- reservation). The widened constraints are hidden from the API like the
-- other composite keys (@behavior -*); the apps used none of the fields
-- the old ones made (unitByIcalToken, exportByDownloadToken,
-- channelFeedByUnitIdAndUrl, notificationByCauseAndTemplateAndChannelAndRecipient
-- and their update/delete mutations).

-- A unit's iCal export token.
alter table app_public.units drop constraint if exists units_ical_token_key;
alter table app_public.units drop constraint if exists units_ical_token_property_id_key;
alter table app_public.units add constraint units_ical_token_property_id_key unique (ical_token, property_id);
comment on constraint units_ical_token_property_id_key on app_public.units is E'@behavior -*';

-- An export's download token.
alter table app_public.exports drop constraint if exists exports_download_token_key;
alter table app_public.exports drop constraint if exists exports_download_token_property_id_key;
alter table app_public.exports add constraint exports_download_token_property_id_key unique (download_token, property_id);
comment on constraint exports_download_token_property_id_key on app_public.exports is E'@behavior -*';

-- One feed per unit and URL.
alter table app_public.channel_feeds drop constraint if exists channel_feeds_unit_id_url_key;
alter table app_public.channel_feeds drop constraint if exists channel_feeds_unit_id_url_property_id_key;
alter table app_public.channel_feeds add constraint channel_feeds_unit_id_url_property_id_key unique (unit_id, url, property_id);
comment on constraint channel_feeds_unit_id_url_property_id_key on app_public.channel_feeds is E'@behavior -*';
-- With an index holding both property_id and unit_id, PostGraphile would
-- now show the unit's feeds as Unit.channelFeeds (it hides the backward
-- relation of an unindexed foreign key): the API stays as it was.
comment on constraint channel_feeds_property_id_unit_id_fkey on app_public.channel_feeds is
  E'@fieldName unit\n@foreignFieldName channelFeeds\n@behavior -list -connection';

-- One notification per cause, template, channel and recipient (app_private.notify's arbiter).
alter table app_public.notifications drop constraint if exists notifications_cause_template_channel_recipient_key;
alter table app_public.notifications drop constraint if exists notifications_cause_template_channel_recipient_property_id_key;
alter table app_public.notifications add constraint notifications_cause_template_channel_recipient_property_id_key
  unique (cause, template, channel, recipient, property_id);
comment on constraint notifications_cause_template_channel_recipient_property_id_key on app_public.notifications is E'@behavior -*';
--! include operations/app_private.notify.sql

-- The partial unique indexes: one open intent per reservation and kind, one
-- attempt in flight per intent, one open conflict per channel event and
-- stay, one housekeeping task per unit, kind and day.
drop index if exists app_public.payment_intents_open_idx;
create unique index payment_intents_open_idx on app_public.payment_intents (reservation_id, kind, property_id)
  where status in ('requires_payment', 'failed');
drop index if exists app_public.payment_attempts_in_flight_idx;
create unique index payment_attempts_in_flight_idx on app_public.payment_attempts (intent_id, property_id)
  where status in ('pending', 'authorized');
drop index if exists app_public.channel_conflicts_open_key;
create unique index channel_conflicts_open_key on app_public.channel_conflicts
  (feed_id, uid, start_date, end_date, coalesce(conflicting_reservation_id, conflicting_claim_id), property_id)
  where status = 'open';
drop index if exists app_public.housekeeping_tasks_once_idx;
create unique index housekeeping_tasks_once_idx on app_public.housekeeping_tasks (unit_id, kind, due_date, property_id)
  where status <> 'cancelled';

-- The primary keys of app_private's tenant tables (not in the API).
alter table app_private.cards_on_file drop constraint if exists cards_on_file_pkey;
alter table app_private.cards_on_file add constraint cards_on_file_pkey primary key (reservation_id, property_id);
alter table app_private.channel_feed_pending_changes drop constraint if exists channel_feed_pending_changes_pkey;
alter table app_private.channel_feed_pending_changes add constraint channel_feed_pending_changes_pkey primary key (feed_id, property_id);
--! include channels/app_private.sync_channel_feed.sql
