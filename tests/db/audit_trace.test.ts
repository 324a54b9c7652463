// A traced transaction's audit trigger writes its traceparent into the WAL
// once, as a transactional logical message (realtime's delivery span
// continues the trace from it), and without opening a subtransaction. Where
// an administrator has not granted the owner the right to write such
// messages, traced transactions commit all the same, with no message.
import pg from "pg";
import { fileDatabase, inCommit } from "../helpers/db.ts";
import { createHotel } from "../helpers/booking.ts";

const slot = `keepr_test_trace_${process.pid}`;
let superuser!: pg.Client;
// The slot (temporary) goes with its session, before the database is dropped.
const db = fileDatabase({ beforeDrop: async () => superuser?.end() });

beforeAll(async () => {
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
  await superuser.query("select pg_create_logical_replication_slot($1, 'test_decoding', true)", [slot]);
});

/**
 * The logical messages of the transactions decoded from now until one that
 * changed `table` has been (the tests' Postgres commits asynchronously:
 * a commit is decoded once the WAL writer has flushed it).
 */
async function decodedUntil(table: string): Promise<string[]> {
  const rows: string[] = [];
  const deadline = Date.now() + 30_000;
  while (!rows.some((d) => d.startsWith(`table ${table}:`))) {
    if (Date.now() > deadline) throw new Error(`no change of ${table} decoded within 30 s: ${rows.join("\n")}`);
    rows.push(...(await superuser.query<{ data: string }>("select data from pg_logical_slot_get_changes($1, null, null)", [slot])).rows.map((r) => r.data));
    await new Promise((r) => setTimeout(r, 50));
  }
  return rows.filter((d) => d.startsWith("message:"));
}

const traceparent = (n: number) => `00-${String(n).padStart(32, "a")}-${"b".repeat(16)}-01`;

it("a traced transaction writes its traceparent into the WAL once, however many audited rows it changes", async () => {
  const hotel = await inCommit(db.ownerPool, (c) => createHotel(c));
  await decodedUntil("app_public.units");
  let subxacts: number | null = null;
  await inCommit(db.ownerPool, async (c) => {
    await c.query("select set_config('keepr.traceparent', $1, true)", [traceparent(1)]);
    await c.query("update app_public.properties set name = name || ' ' where id = $1", [hotel.propertyId]);
    await c.query("update app_public.units set name = name || ' ' where property_id = $1", [hotel.propertyId]);
    // The transaction's subtransactions that got an xid (Postgres 16+): an
    // exception block around the message would have made one.
    const { rows } = await c.query<{ subxacts: number | null }>(
      `select case when current_setting('server_version_num')::int >= 160000
                   then (select s.subxact_count from pg_stat_get_backend_idset() b(id), pg_stat_get_backend_subxact(b.id) s
                          where pg_stat_get_backend_pid(b.id) = pg_backend_pid()) end as subxacts`);
    subxacts = rows[0]!.subxacts;
  });
  expect(await decodedUntil("audit.shared_events")).toEqual([`message: transactional: 1 prefix: keepr.trace, sz: 55 content:${traceparent(1)}`]);
  if (subxacts !== null) expect(subxacts).toBe(0);
});

it("without the privilege, a traced transaction commits with no message", async () => {
  const hotel = await inCommit(db.ownerPool, (c) => createHotel(c));
  const signatures = (await superuser.query<{ sig: string }>(
    "select p.oid::regprocedure::text as sig from pg_proc p where p.proname = 'pg_logical_emit_message'")).rows.map((r) => r.sig);
  await superuser.query(`revoke execute on function ${signatures.join(", ")} from keepr_owner`);
  try {
    await decodedUntil("app_public.units");
    await inCommit(db.ownerPool, async (c) => {
      await c.query("select set_config('keepr.traceparent', $1, true)", [traceparent(3)]);
      await c.query("update app_public.properties set name = name || ' ' where id = $1", [hotel.propertyId]);
    });
    expect(await decodedUntil("audit.shared_events")).toEqual([]);
    const { rows } = await db.ownerPool.query("select count(*)::int as n from audit.shared_events where table_name = 'properties' and row_id = $1 and operation = 'UPDATE'", [hotel.propertyId]);
    expect(rows[0].n).toBeGreaterThan(0);
  } finally {
    await superuser.query(`grant execute on function ${signatures.join(", ")} to keepr_owner`);
  }
});
