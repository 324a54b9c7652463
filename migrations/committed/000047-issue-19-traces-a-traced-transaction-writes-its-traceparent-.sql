--! Previous: sha1:46ffee1a341fa4ac7b8ae48149cf23a92ad7dcb7
--! Hash: sha1:122f978ea9a975be1ccf8a55abce933ddc142a49
--! Message: Issue 19, traces: a traced transaction writes its traceparent into the WAL once, for realtime's delivery span

-- Issue 19, traces: the audit trigger writes a traced transaction's
-- traceparent (keepr.traceparent) into the WAL once, as a transactional
-- logical message realtime receives with the transaction's changes, so
-- realtime's delivery of them is a span of the same trace.

--! Included common/audit.tg__record.sql
-- Writes one audit.events row per inserted, updated or deleted row: who
-- (user id from the session), from which request (keepr.request_id set by the
-- API per request) and the old and new values. Rows of a reservation (the
-- reservation itself, its claims) carry its id, so its history is one
-- indexed lookup. A traced transaction also writes its traceparent into the
-- WAL once (for realtime). Fires as _500_audit.
create or replace function audit.tg__record() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_old jsonb := case when tg_op in ('UPDATE', 'DELETE') then pg_catalog.to_jsonb(old) end;
  v_new jsonb := case when tg_op in ('INSERT', 'UPDATE') then pg_catalog.to_jsonb(new) end;
  v_trace text;
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
  insert into audit.events (
    table_schema, table_name, operation, row_id, property_id, reservation_id,
    actor_user_id, actor_role, request_id, old_values, new_values
  ) values (
    tg_table_schema, tg_table_name, tg_op,
    coalesce(v_new, v_old) ->> 'id',
    (coalesce(v_new, v_old) ->> 'property_id')::uuid,
    case when tg_table_name = 'reservations' then (coalesce(v_new, v_old) ->> 'id')::uuid
         else (coalesce(v_new, v_old) ->> 'reservation_id')::uuid end,
    app_hidden.current_user_id(),
    pg_catalog.current_setting('role', true),
    nullif(pg_catalog.current_setting('keepr.request_id', true), ''),
    v_old, v_new
  );
  return null;
end;
$$;
comment on function audit.tg__record() is
  E'Trigger (AFTER, per row): appends the change to audit.events with actor, role, request id and old/new values.';
--! EndIncluded common/audit.tg__record.sql
