// The analyst login changes nothing at all, even after `begin read write`
// (default_transaction_read_only is only a default): no table, temporary
// table, large object, sequence, advisory lock, pg_notify or function with
// a side effect. The NOTIFY statement needs no privilege in Postgres; the
// realtime bus ignores any NOTIFY it cannot authenticate
// (tests/realtime/bus_security.test.ts).
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";

let db: TestDatabase;
let analyst: pg.Client;
beforeAll(async () => {
  db = await createTestDatabase();
  analyst = new pg.Client({ connectionString: db.analystUrl });
  await analyst.connect();
});
afterAll(async () => {
  await analyst.end();
  await db.drop();
});

/** The SQLSTATE the statement fails with inside `begin read write`, or null when it succeeds (then rolled back). */
async function readWrite(sql: string): Promise<string | null> {
  await analyst.query("begin read write");
  try {
    await analyst.query(sql);
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? "unknown";
  } finally {
    await analyst.query("rollback");
  }
}

it("may open a read-write transaction, and change nothing in it", async () => {
  const attempts: Record<string, string> = {
    "temporary table": "create temp table scratch (id int)",
    "table in public": "create table public.scratch (id int)",
    "table in reporting": "create table reporting.scratch (id int)",
    "function": "create function public.f() returns int language sql as 'select 1'",
    "large object": "select lo_create(0)",
    "large object from bytes": "select lo_from_bytea(0, 'x')",
    "large object (old API)": "select lo_creat(-1)",
    "pg_notify": "select pg_notify('keepr_realtime_bus', 'forged')",
    "advisory lock": "select pg_advisory_lock(1)",
    "advisory transaction lock": "select pg_advisory_xact_lock(1)",
    "try advisory lock": "select pg_try_advisory_lock(1, 2)",
    "logical message": "select pg_logical_emit_message(true, 'keepr', 'forged')",
    "replication slot": "select pg_create_logical_replication_slot('analyst_slot', 'pgoutput')",
    "a reporting view": "delete from reporting.units",
    "an API table": "update app_public.properties set name = 'x'",
    "comment": "comment on view reporting.units is 'mine'",
    "prepared transaction": "prepare transaction 'analyst'",
  };
  const results: Record<string, string | null> = {};
  for (const [what, sql] of Object.entries(attempts)) results[what] = await readWrite(sql);
  for (const [what, code] of Object.entries(results)) expect([what, code]).toEqual([what, expect.stringMatching(/^(42501|0A000|55000|42P01|3F000)$/)]);
  // Temporary tables are refused by privilege, not by the read-only default.
  expect(results["temporary table"]).toBe("42501");
});

it("can use no sequence of the database", async () => {
  const { rows } = await db.ownerPool.query<{ seq: string }>(
    "select format('%I.%I', schemaname, sequencename) as seq from pg_sequences where schemaname not in ('pg_catalog', 'information_schema')",
  );
  expect(rows.length).toBeGreaterThan(0);
  for (const { seq } of rows) {
    expect([seq, await readWrite(`select nextval('${seq}')`)]).toEqual([seq, "42501"]);
    expect([seq, await readWrite(`select setval('${seq}', 1)`)]).toEqual([seq, "42501"]);
  }
});

it("may execute no function of Keepr's schemas but the reporting views' own", async () => {
  const { rows } = await analyst.query<{ fn: string }>(
    `select p.oid::regprocedure::text as fn
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('app_public', 'app_hidden', 'app_private', 'audit', 'graphile_worker', 'graphile_migrate')
        and has_function_privilege(current_user, p.oid, 'execute')
      order by 1`,
  );
  expect(rows).toEqual([]);
});

it("may execute no volatile built-in function with a lasting effect", async () => {
  // Every volatile pg_catalog function the analyst may still execute is on
  // this list of ones that change nothing another session sees (or check
  // their own, stronger privileges inside: replication, superuser, owner).
  const harmless = new Set([
    // randomness, clocks, sleeps, session settings, this session's own state
    "array_sample", "array_shuffle", "clock_timestamp", "gen_random_uuid", "random", "random_normal", "setseed", "timeofday",
    "pg_sleep", "pg_sleep_for", "pg_sleep_until", "set_config", "currval", "lastval", "pg_stat_clear_snapshot", "pg_stat_force_next_flush",
    "current_query", "pg_export_snapshot", "cursor_to_xml", "cursor_to_xmlschema", "query_to_xml", "query_to_xml_and_xmlschema",
    "query_to_xmlschema", "ts_rewrite", "ts_stat", "currtid2", "bernoulli", "system",
    // reads of server state
    "pg_available_wal_summaries", "pg_blocking_pids", "pg_collation_actual_version", "pg_control_checkpoint", "pg_control_init",
    "pg_control_recovery", "pg_control_system", "pg_current_wal_flush_lsn", "pg_current_wal_insert_lsn", "pg_current_wal_lsn",
    "pg_database_collation_actual_version", "pg_database_size", "pg_get_multixact_members", "pg_get_wait_events",
    "pg_get_wal_replay_pause_state", "pg_get_wal_resource_managers", "pg_get_wal_summarizer_state", "pg_indexes_size",
    "pg_is_in_recovery", "pg_is_wal_replay_paused", "pg_isolation_test_session_is_blocked", "pg_jit_available",
    "pg_last_committed_xact", "pg_last_wal_receive_lsn", "pg_last_wal_replay_lsn", "pg_last_xact_replay_timestamp",
    "pg_lock_status", "pg_notification_queue_usage", "pg_partition_ancestors", "pg_partition_tree", "pg_prepared_xact",
    "pg_relation_size", "pg_safe_snapshot_blocking_pids", "pg_sequence_last_value", "pg_table_size", "pg_tablespace_size",
    "pg_total_relation_size", "pg_wal_summary_contents", "pg_xact_commit_timestamp", "pg_xact_commit_timestamp_origin",
    "pg_xact_status", "txid_status", "pg_stat_get_io", "pg_stat_get_recovery_prefetch", "amvalidate",
    // sequences: need USAGE or UPDATE on the sequence (none granted; tested above)
    "nextval", "setval",
    // plpgsql's handlers: run only what the role could run anyway
    "plpgsql_inline_handler", "plpgsql_validator",
    // only this role's own backends (pg_signal_backend is not granted)
    "pg_cancel_backend", "pg_terminate_backend",
    // check their own privileges inside: replication role, superuser, binary upgrade mode, owner of the object
    "pg_copy_logical_replication_slot", "pg_copy_physical_replication_slot", "pg_create_logical_replication_slot",
    "pg_create_physical_replication_slot", "pg_drop_replication_slot", "pg_logical_emit_message", "pg_logical_slot_get_binary_changes",
    "pg_logical_slot_get_changes", "pg_logical_slot_peek_binary_changes", "pg_logical_slot_peek_changes", "pg_replication_slot_advance",
    "pg_sync_replication_slots", "pg_nextoid", "pg_stop_making_pinned_objects", "pg_extension_config_dump", "pg_import_system_collations",
    "brin_desummarize_range", "brin_summarize_new_values", "brin_summarize_range", "gin_clean_pending_list",
  ]);
  const { rows } = await analyst.query<{ proname: string }>(
    `select distinct p.proname
       from pg_proc p
      where p.pronamespace = 'pg_catalog'::regnamespace and p.provolatile = 'v' and p.prokind = 'f'
        and p.prorettype not in ('trigger'::regtype, 'internal'::regtype, 'event_trigger'::regtype, 'language_handler'::regtype,
                                 'index_am_handler'::regtype, 'table_am_handler'::regtype)
        and has_function_privilege(current_user, p.oid, 'execute')
        and p.proname not like 'binary\\_upgrade\\_%' and p.proname not like 'pg\\_stat\\_get\\_xact\\_%'
      order by 1`,
  );
  expect(rows.map((r) => r.proname).filter((name) => !harmless.has(name))).toEqual([]);
  // WAL messages are taken back; replication and binary-upgrade functions check for themselves.
  expect(await readWrite("select pg_logical_emit_message(true, 'x', 'y')")).toBe("42501");
  expect(await readWrite("select pg_create_logical_replication_slot('s', 'pgoutput')")).toBe("42501");
  expect(await readWrite("select binary_upgrade_set_next_pg_type_oid(1)")).toBe("55P02"); // only in binary upgrade mode
});

it("forgets an open transaction after a minute and stops a statement after a minute", async () => {
  const { rows } = await analyst.query("select current_setting('idle_in_transaction_session_timeout') as idle, current_setting('statement_timeout') as stmt");
  expect(rows[0]).toEqual({ idle: "1min", stmt: "1min" });
});
