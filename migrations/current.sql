-- Issue 20, ready to distribute by property (after 000048 and 000049): the
-- audit log follows the rows it records, so every tenant table's
-- property_id is not null and its primary key carries it; no foreign key
-- holding property_id sets anything null on delete
-- (tests/db/distribution.test.ts: its notYet list is empty after this).

-- The audit log by property: audit.events keeps the changes of a
-- property's rows (property_id not null, key (id, property_id)), distributed
-- with them; the changes of rows shared by every property (organisations,
-- users, properties: reference tables) go to audit.shared_events, kept on
-- the coordinator. Existing shared events move there (append-only is
-- lifted for the move alone), in their order and with their times.
create table if not exists audit.shared_events (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null default clock_timestamp(),
  transaction_id bigint not null default txid_current(),
  table_schema text not null,
  table_name text not null,
  operation text not null check (operation in ('INSERT', 'UPDATE', 'DELETE')),
  row_id text,
  actor_user_id uuid,
  actor_role text,
  request_id text,
  old_values jsonb,
  new_values jsonb
);
create index if not exists audit_shared_events_row_idx on audit.shared_events (table_name, row_id, occurred_at);
create index if not exists audit_shared_events_request_idx on audit.shared_events (request_id) where request_id is not null;
drop trigger if exists _100_append_only on audit.shared_events;
create trigger _100_append_only before update or delete on audit.shared_events
  for each row execute function audit.tg__append_only();
drop trigger if exists _100_append_only_truncate on audit.shared_events;
create trigger _100_append_only_truncate before truncate on audit.shared_events
  for each statement execute function audit.tg__append_only();
comment on table audit.shared_events is
  E'Every insert, update and delete on the rows shared by every property (organisations, users, properties): who, when, from which request, old and new values. Append-only. A property''s rows: audit.events.';

alter table audit.events disable trigger _100_append_only;
insert into audit.shared_events (occurred_at, transaction_id, table_schema, table_name, operation, row_id,
                                 actor_user_id, actor_role, request_id, old_values, new_values)
select occurred_at, transaction_id, table_schema, table_name, operation, row_id,
       actor_user_id, actor_role, request_id, old_values, new_values
  from audit.events where property_id is null order by id;
delete from audit.events where property_id is null;
alter table audit.events enable trigger _100_append_only;
alter table audit.events alter column property_id set not null;
alter table audit.events drop constraint if exists events_pkey, add constraint events_pkey primary key (id, property_id);
comment on table audit.events is
  E'Every insert, update and delete on a property''s rows: who, when, from which request, old and new values. Append-only. Organisations, users and properties: audit.shared_events.';
--! include common/audit.tg__record.sql

-- A foreign key holding property_id clears nothing on delete (a distribution
-- by property refuses ON DELETE SET NULL / SET DEFAULT on such a key, even
-- with a column list): the two that did now do it in a trigger before the
-- delete, with the same effect.
alter table app_public.inventory_claims drop constraint if exists inventory_claims_property_id_feed_id_fkey;
alter table app_public.inventory_claims add constraint inventory_claims_property_id_feed_id_fkey
  foreign key (property_id, feed_id) references app_public.channel_feeds (property_id, id);
comment on constraint inventory_claims_property_id_feed_id_fkey on app_public.inventory_claims is E'@fieldName feed\n@foreignFieldName blocks';
--! include channels/app_private.tg_channel_feeds__release_blocks.sql

alter table app_public.allocation_moves drop constraint if exists allocation_moves_property_id_caused_by_reservation_id_fkey;
alter table app_public.allocation_moves add constraint allocation_moves_property_id_caused_by_reservation_id_fkey
  foreign key (property_id, caused_by_reservation_id) references app_public.reservations (property_id, id) deferrable initially deferred;
comment on constraint allocation_moves_property_id_caused_by_reservation_id_fkey on app_public.allocation_moves is E'@fieldName causedBy\n@foreignFieldName allocationMovesCaused';
--! include booking/app_private.tg_reservations__unlink_allocation_moves.sql
drop trigger if exists _300_unlink_allocation_moves on app_public.reservations;
create trigger _300_unlink_allocation_moves before delete on app_public.reservations
  for each row execute function app_private.tg_reservations__unlink_allocation_moves();
