--! Previous: sha1:6e1fc187082548984446115415da52594a9e5bcf
--! Hash: sha1:b68130b0317e52533676f4aac7e125c08cb97d28
--! Message: Issue 20, ready to distribute by property: the audit of a property's rows in audit.events (property_id not null), of organisations, users and properties in audit.shared_events; no key holding property_id sets null on delete

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
--! Included common/audit.tg__record.sql
-- Writes one audit row per inserted, updated or deleted row: who (user id
-- from the session), from which request (keepr.request_id set by the API per
-- request) and the old and new values. A row of a property (one with a
-- property_id) goes to audit.events, which is distributed by property with
-- the property's rows; a row shared by every property (organisations,
-- users, properties themselves) goes to audit.shared_events. Rows of a
-- reservation (the reservation itself, its claims) carry its id, so its
-- history is one indexed lookup. A traced transaction also writes its traceparent into the
-- WAL once (for realtime). Fires as _500_audit.
create or replace function audit.tg__record() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_old jsonb := case when tg_op in ('UPDATE', 'DELETE') then pg_catalog.to_jsonb(old) end;
  v_new jsonb := case when tg_op in ('INSERT', 'UPDATE') then pg_catalog.to_jsonb(new) end;
  v_trace text;
  v_row jsonb;
begin
  if tg_op = 'UPDATE' and v_old = v_new then
    return null;
  end if;
  -- A traced transaction (keepr.traceparent, core/tracing.ts) writes its
  -- traceparent into the WAL once, as a transactional logical message that
  -- realtime receives with the transaction's changes (its delivery span
  -- continues the trace). Without the privilege (an administrator who has
  -- not granted it to the owner) the trace just stops there.
  v_trace := pg_catalog.current_setting('keepr.traceparent', true);
  if v_trace <> '' and v_trace is distinct from pg_catalog.current_setting('keepr.trace_emitted', true) then
    begin
      perform pg_catalog.pg_logical_emit_message(true, 'keepr.trace', v_trace);
    exception when insufficient_privilege then
      null;
    end;
    perform pg_catalog.set_config('keepr.trace_emitted', v_trace, true);
  end if;
  v_row := coalesce(v_new, v_old);
  if v_row ? 'property_id' then
    insert into audit.events (
      table_schema, table_name, operation, row_id, property_id, reservation_id,
      actor_user_id, actor_role, request_id, old_values, new_values
    ) values (
      tg_table_schema, tg_table_name, tg_op,
      v_row ->> 'id',
      (v_row ->> 'property_id')::uuid,
      case when tg_table_name = 'reservations' then (v_row ->> 'id')::uuid
           else (v_row ->> 'reservation_id')::uuid end,
      app_hidden.current_user_id(),
      pg_catalog.current_setting('role', true),
      nullif(pg_catalog.current_setting('keepr.request_id', true), ''),
      v_old, v_new
    );
  else
    insert into audit.shared_events (
      table_schema, table_name, operation, row_id, actor_user_id, actor_role, request_id, old_values, new_values
    ) values (
      tg_table_schema, tg_table_name, tg_op,
      v_row ->> 'id',
      app_hidden.current_user_id(),
      pg_catalog.current_setting('role', true),
      nullif(pg_catalog.current_setting('keepr.request_id', true), ''),
      v_old, v_new
    );
  end if;
  return null;
end;
$$;
comment on function audit.tg__record() is
  E'Trigger (AFTER, per row): appends the change to audit.events (a row of a property) or audit.shared_events (organisations, users, properties) with actor, role, request id and old/new values.';
--! EndIncluded common/audit.tg__record.sql

-- A foreign key holding property_id clears nothing on delete (a distribution
-- by property refuses ON DELETE SET NULL / SET DEFAULT on such a key, even
-- with a column list): the two that did now do it in a trigger before the
-- delete, with the same effect.
alter table app_public.inventory_claims drop constraint if exists inventory_claims_property_id_feed_id_fkey;
alter table app_public.inventory_claims add constraint inventory_claims_property_id_feed_id_fkey
  foreign key (property_id, feed_id) references app_public.channel_feeds (property_id, id);
comment on constraint inventory_claims_property_id_feed_id_fkey on app_public.inventory_claims is E'@fieldName feed\n@foreignFieldName blocks';
--! Included channels/app_private.tg_channel_feeds__release_blocks.sql
-- Removing a channel feed stops the import: the blocks it made are
-- released, as if the channel had said the bookings were gone, so those
-- nights are sellable in Keepr again. Without this, its ota_block claims
-- would outlive the feed (nothing else releases them) and keep the unit
-- unavailable for good. Runs before the delete, while the blocks still
-- name their feed; then the blocks stop naming it (the foreign key does not
-- clear feed_id itself: ON DELETE SET NULL on a key holding property_id is
-- refused by a distribution by property).
create or replace function app_private.tg_channel_feeds__release_blocks() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  update app_public.inventory_claims c set released_at = pg_catalog.now()
   where c.property_id = old.property_id and c.feed_id = old.id and c.released_at is null;
  update app_public.inventory_claims c set feed_id = null
   where c.property_id = old.property_id and c.feed_id = old.id;
  return old;
end;
$$;
comment on function app_private.tg_channel_feeds__release_blocks() is E'Trigger: a removed channel feed releases the blocks it made, which then name no feed.';
--! EndIncluded channels/app_private.tg_channel_feeds__release_blocks.sql

alter table app_public.allocation_moves drop constraint if exists allocation_moves_property_id_caused_by_reservation_id_fkey;
alter table app_public.allocation_moves add constraint allocation_moves_property_id_caused_by_reservation_id_fkey
  foreign key (property_id, caused_by_reservation_id) references app_public.reservations (property_id, id) deferrable initially deferred;
comment on constraint allocation_moves_property_id_caused_by_reservation_id_fkey on app_public.allocation_moves is E'@fieldName causedBy\n@foreignFieldName allocationMovesCaused';
--! Included booking/app_private.tg_reservations__unlink_allocation_moves.sql
-- A reservation removed is no longer the cause of the allocator's moves it
-- caused: they stay in the log with no cause. (The foreign key does not
-- clear caused_by_reservation_id itself: ON DELETE SET NULL on a key holding
-- property_id is refused by a distribution by property.) Fires as
-- _300_unlink_allocation_moves, before the delete.
create or replace function app_private.tg_reservations__unlink_allocation_moves() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  update app_public.allocation_moves m set caused_by_reservation_id = null
   where m.property_id = old.property_id and m.caused_by_reservation_id = old.id;
  return old;
end;
$$;
comment on function app_private.tg_reservations__unlink_allocation_moves() is
  E'Trigger: a removed reservation is no longer the cause of the allocation moves it caused.';
--! EndIncluded booking/app_private.tg_reservations__unlink_allocation_moves.sql
drop trigger if exists _300_unlink_allocation_moves on app_public.reservations;
create trigger _300_unlink_allocation_moves before delete on app_public.reservations
  for each row execute function app_private.tg_reservations__unlink_allocation_moves();
