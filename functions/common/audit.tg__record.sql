-- Writes one audit row per inserted, updated or deleted row: who (user id
-- from the session), from which request (keepr.request_id set by the API per
-- request) and the values: the whole row of an insert (new_values) or a
-- delete (old_values); of an update, the changed columns only, their old
-- values in old_values and their new ones in new_values (an update that
-- changes nothing writes no row). A row's state at any event is its insert
-- with the later updates' new_values applied in order. A row of a property (one with a
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
  v_row jsonb := coalesce(v_new, v_old);
begin
  if tg_op = 'UPDATE' then
    -- The changed columns only: their old values, then their new ones.
    select pg_catalog.jsonb_object_agg(o.key, o.value), pg_catalog.jsonb_object_agg(o.key, n.value)
      into v_old, v_new
      from pg_catalog.jsonb_each(v_old) o join pg_catalog.jsonb_each(v_row) n on n.key = o.key
     where n.value is distinct from o.value;
    if v_new is null then
      return null;
    end if;
  end if;
  -- A traced transaction (keepr.traceparent, core/tracing.ts) writes its
  -- traceparent into the WAL once, as a transactional logical message that
  -- realtime receives with the transaction's changes (its delivery span
  -- continues the trace). Without the privilege (an administrator who has
  -- not granted it to the owner) the trace just stops there. The privilege
  -- is looked up, not caught: an exception block would open a
  -- subtransaction (and give it an xid) in every traced transaction.
  v_trace := pg_catalog.current_setting('keepr.traceparent', true);
  if v_trace <> '' and v_trace is distinct from pg_catalog.current_setting('keepr.trace_emitted', true) then
    if exists (select from pg_catalog.pg_proc p
                where p.proname = 'pg_logical_emit_message' and p.pronamespace = 'pg_catalog'::regnamespace
                  and p.proargtypes[2] = 'text'::regtype and pg_catalog.has_function_privilege(p.oid, 'EXECUTE')) then
      perform pg_catalog.pg_logical_emit_message(true, 'keepr.trace', v_trace);
    end if;
    perform pg_catalog.set_config('keepr.trace_emitted', v_trace, true);
  end if;
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
  E'Trigger (AFTER, per row): appends the change to audit.events (a row of a property) or audit.shared_events (organisations, users, properties) with actor, role, request id and the values: the whole row of an insert or a delete, the changed columns only (old and new) of an update.';
