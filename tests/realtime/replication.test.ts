// The replication reader against a real Postgres: the publication of
// migration 000007 in a test database, read over a temporary slot as
// keepr_realtime, the replication login Keepr makes. Every test starts its own reader after the publication
// exists and waits for events with deadlines, never fixed sleeps.
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { startReplication, type Replication, type ReplicationOptions } from "../../realtime/replication.ts";
import type { Change, RealtimeLogger, Transaction } from "../../realtime/types.ts";
import { addDays, book, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, testPool, type TestDatabase } from "../helpers/db.ts";
import { waitForValue, waitUntil } from "../helpers/wait.ts";

let db: TestDatabase;
let superuser: pg.Pool;
let hotel: Hotel;
const readers: Replication[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  superuser = testPool({ connectionString: db.superuserUrl, max: 3 });
  hotel = await inCommit(db.ownerPool, (c) => createHotel(c));
});

afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.stop()));
});

afterAll(async () => {
  await superuser.end();
  await db.drop();
});

interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  details: Record<string, unknown>;
}

function recordingLogger(entries: LogEntry[], bindings: Record<string, unknown> = {}): RealtimeLogger {
  const at = (level: LogEntry["level"]) => (details: Record<string, unknown>, message: string) =>
    entries.push({ level, message, details: { ...bindings, ...details } });
  return {
    child: (more) => recordingLogger(entries, { ...bindings, ...more }),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
}

/** Starts a reader (stopped after the test) and waits until it streams. */
async function startReader(options: Partial<ReplicationOptions> = {}) {
  const transactions: Transaction[] = [];
  const logs: LogEntry[] = [];
  const reader = startReplication({
    connectionString: db.replicationUrl,
    logger: recordingLogger(logs),
    statusIntervalMs: 200,
    onTransaction: async (transaction) => void transactions.push(transaction),
    ...options,
  });
  readers.push(reader);
  await waitUntil(() => reader.status().connected, "the reader to stream");
  return { reader, transactions, logs };
}

const changesOf = (transactions: Transaction[], table: string): Change[] =>
  transactions.flatMap((t) => t.changes).filter((c) => c.table === table);

const typesOf = (change: Change) => Object.fromEntries(change.columns.map((c) => [c.name, c.type]));

/** Commits a guest of the test hotel whose full name is `marker`. */
async function commitGuest(marker: string): Promise<void> {
  await db.ownerPool.query("insert into app_public.guests (property_id, email, full_name) values ($1, $2, $3)", [
    hotel.propertyId,
    `${marker}@test.example`,
    marker,
  ]);
}

const guestNamed = (marker: string) => (transaction: Transaction) =>
  transaction.changes.some((c) => c.table === "guests" && c.record?.full_name === marker);

async function slotRow(slot: string) {
  const { rows } = await superuser.query<{ active_pid: number | null; temporary: boolean; confirmed_flush_lsn: string }>(
    "select active_pid, temporary, confirmed_flush_lsn::text from pg_replication_slots where slot_name = $1",
    [slot],
  );
  return rows[0];
}

/** a <= b as pg_lsn. */
async function lsnAtMost(a: string, b: string): Promise<boolean> {
  const { rows } = await superuser.query<{ ok: boolean }>("select $1::pg_lsn <= $2::pg_lsn as ok", [a, b]);
  return rows[0]!.ok;
}

it("the publication covers the staff tables, leaves secret columns out, and every column list covers its replica identity", async () => {
  const { rows: published } = await superuser.query<{ tablename: string; attnames: string[] }>(
    "select tablename, attnames::text[] from pg_publication_tables where pubname = 'keepr_realtime' and schemaname = 'app_public'",
  );
  const tables = published.map((p) => p.tablename);
  expect(tables).toEqual(
    expect.arrayContaining([
      "properties", "units", "room_types", "rate_plans", "reservations", "guests", "inventory_claims", "folios",
      "folio_balances", "payment_intents", "payment_attempts", "refunds", "invoices", "notifications",
      "housekeeping_tasks", "channel_feeds", "channel_conflicts", "night_audits", "night_audit_anomalies", "exports",
    ]),
  );
  const columns = Object.fromEntries(published.map((p) => [p.tablename, p.attnames]));
  expect(columns.payment_intents).not.toContain("payment_token");
  expect(columns.payment_attempts).not.toContain("payment_token");
  expect(columns.units).not.toContain("ical_token");
  expect(columns.exports).not.toContain("download_token");
  expect(columns.channel_feeds).not.toContain("url");
  expect(columns.reservations).toEqual(expect.arrayContaining(["id", "status", "stay", "unit_id"]));

  // An UPDATE or DELETE of a table whose column list misses a replica
  // identity column fails; FULL makes every column part of the identity.
  const { rows: uncovered } = await superuser.query<{ table: string; column: string }>(`
    select c.relname as table, a.attname as column
      from pg_publication_tables p
      join pg_class c on c.relname = p.tablename and c.relnamespace = p.schemaname::text::regnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where p.pubname = 'keepr_realtime'
       and a.attname <> all (p.attnames)
       and (c.relreplident = 'f'
            or exists (select 1 from pg_index i
                        where i.indrelid = c.oid and a.attnum = any (i.indkey)
                          and ((c.relreplident = 'd' and i.indisprimary) or (c.relreplident = 'i' and i.indisreplident))))`);
  expect(uncovered).toEqual([]);
  const { rows: full } = await superuser.query<{ relname: string }>(
    "select relname from pg_class where relreplident = 'f' and relname = any ($1) and relnamespace = 'app_public'::regnamespace",
    [["reservations", "inventory_claims", "housekeeping_tasks", "guests", "properties"]],
  );
  expect(full).toHaveLength(5);
});

it("INSERTs arrive in a committed transaction with pg_type names and values as Postgres prints them", async () => {
  const { transactions } = await startReader();
  const before = Date.now();
  const h = await inCommit(db.ownerPool, (c) => createHotel(c));
  const arrival = addDays(localDate(h.timeZone, 0), 3);
  const booking = await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    return book(c, h.ratePlanId, arrival, addDays(arrival, 2));
  });
  await waitUntil(() => changesOf(transactions, "reservations").some((c) => c.record?.status === "confirmed"), "the booking");

  expect(transactions.length).toBeGreaterThanOrEqual(2);
  for (const t of transactions) {
    expect(t.commitTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(new Date(t.commitTimestamp).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(t.commitTimestamp).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  }

  const property = changesOf(transactions, "properties").find((c) => c.record?.id === h.propertyId)!;
  expect(property).toMatchObject({ schema: "app_public", type: "INSERT", oldRecord: null });
  expect(typesOf(property)).toMatchObject({
    id: "uuid", name: "text", kind: "property_kind", currency: "bpchar", is_published: "bool", created_at: "timestamptz",
    check_in_time: "time", pre_arrival_days: "int4", business_date: "date",
  });
  const { rows: [printed] } = await superuser.query(
    "select id::text, kind::text, created_at::text, business_date::text, description from app_public.properties where id = $1",
    [h.propertyId],
  );
  expect(property.record).toMatchObject({ ...printed, is_published: "t", pre_arrival_days: "2", description: null });

  const reservation = changesOf(transactions, "reservations").find((c) => c.type === "INSERT" && c.record?.id === booking.reservation_id)!;
  expect(typesOf(reservation)).toMatchObject({
    stay: "daterange", price_lines: "jsonb", total_amount: "int8", adults: "int4", status: "reservation_status", hold_expires_at: "timestamptz",
  });
  const { rows: [stored] } = await superuser.query("select price_lines::text from app_public.reservations where id = $1", [booking.reservation_id]);
  expect(reservation.record).toMatchObject({ stay: `[${arrival},${addDays(arrival, 2)})`, price_lines: stored.price_lines, adults: "2" });
  const guest = changesOf(transactions, "guests").find((c) => c.record?.property_id === h.propertyId)!;
  expect(typesOf(guest)).toMatchObject({ email: "citext" });
});

it("under REPLICA IDENTITY FULL an UPDATE and a DELETE carry the whole old row", async () => {
  const { transactions } = await startReader();
  const arrival = addDays(localDate(hotel.timeZone, 0), 10);
  const booking = await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
    return book(c, hotel.ratePlanId, arrival, addDays(arrival, 1));
  });
  await db.ownerPool.query("update app_public.reservations set special_requests = 'late arrival' where id = $1", [booking.reservation_id]);
  await commitGuest("gone");
  await db.ownerPool.query("delete from app_public.guests where property_id = $1 and full_name = 'gone'", [hotel.propertyId]);
  await waitUntil(() => changesOf(transactions, "guests").some((c) => c.type === "DELETE"), "the guest's deletion");

  const requested = changesOf(transactions, "reservations").find((c) => c.type === "UPDATE" && c.record?.special_requests === "late arrival")!;
  const { rows: [now] } = await superuser.query("select stay::text, status::text, total_amount::text from app_public.reservations where id = $1", [booking.reservation_id]);
  expect(requested.record).toMatchObject({ id: booking.reservation_id, ...now });
  expect(requested.oldRecord).toMatchObject({ id: booking.reservation_id, special_requests: null, ...now });
  expect(Object.keys(requested.oldRecord!)).toEqual(requested.columns.map((c) => c.name));

  const gone = changesOf(transactions, "guests").find((c) => c.type === "DELETE")!;
  expect(gone).toMatchObject({ record: null, oldRecord: { property_id: hotel.propertyId, email: "gone@test.example", full_name: "gone", phone: null } });
});

it("a table published with a column list streams without its secret, and its key identity gives the old key on DELETE and on an UPDATE of the key's columns only", async () => {
  const { transactions } = await startReader();
  const h = await inCommit(db.ownerPool, (c) => createHotel(c, { units: 1 }));
  const unitId = h.unitIds[0]!;
  await db.ownerPool.query("update app_public.units set housekeeping_status = 'dirty' where id = $1", [unitId]);
  await db.ownerPool.query("update app_public.units set ical_token = encode(gen_random_bytes(16), 'hex') where id = $1", [unitId]);
  // The identity (units_search_identity_key) is what searches read of a unit: property, id, room type, active.
  await db.ownerPool.query("update app_public.units set is_active = false where id = $1", [unitId]);
  await db.ownerPool.query("delete from app_public.units where id = $1", [unitId]);
  await waitUntil(() => changesOf(transactions, "units").some((c) => c.type === "DELETE"), "the unit's deletion");

  const changes = changesOf(transactions, "units");
  expect(changes.map((c) => c.type)).toEqual(["INSERT", "UPDATE", "UPDATE", "UPDATE", "DELETE"]);
  expect(changes[0]!.columns.map((c) => c.name)).not.toContain("ical_token");
  for (const change of changes) expect(JSON.stringify(change)).not.toContain("ical_token");
  expect(changes[1]).toMatchObject({ oldRecord: null, record: { id: unitId, housekeeping_status: "dirty" } });
  expect(typesOf(changes[1]!)).toMatchObject({ housekeeping_status: "housekeeping_status" });
  expect(changes[2]).toMatchObject({ oldRecord: null });
  expect(changes[3]).toMatchObject({ oldRecord: { id: unitId, property_id: h.propertyId, room_type_id: h.roomTypeId, is_active: "t" }, record: { is_active: "f" } });
  expect(changes[4]).toMatchObject({ record: null, oldRecord: { id: unitId, property_id: h.propertyId, is_active: "f" } });
  expect(Object.keys(changes[4]!.oldRecord!).sort()).toEqual(["id", "is_active", "property_id", "room_type_id"]);
});

it("transactions arrive in commit order, and a rolled-back one never arrives", async () => {
  const { transactions } = await startReader();
  const first = await db.ownerPool.connect();
  const second = await db.ownerPool.connect();
  try {
    await first.query("begin");
    await first.query("insert into app_public.guests (property_id, email, full_name) values ($1, 'order-a@test.example', 'order-a')", [hotel.propertyId]);
    await second.query("begin");
    await second.query("insert into app_public.guests (property_id, email, full_name) values ($1, 'order-b@test.example', 'order-b')", [hotel.propertyId]);
    await second.query("commit"); // started last, committed first
    await first.query("commit");
    await first.query("begin");
    await first.query("insert into app_public.guests (property_id, email, full_name) values ($1, 'order-x@test.example', 'order-x')", [hotel.propertyId]);
    await first.query("rollback");
  } finally {
    first.release();
    second.release();
  }
  await commitGuest("order-c");

  await waitUntil(() => transactions.some(guestNamed("order-c")), "the last commit");
  const names = changesOf(transactions, "guests").map((c) => c.record!.full_name);
  expect(names).toEqual(["order-b", "order-a", "order-c"]);
  expect(await lsnAtMost(transactions[0]!.lsn, transactions[1]!.lsn)).toBe(true);
  expect(await lsnAtMost(transactions[1]!.lsn, transactions[2]!.lsn)).toBe(true);
});

it("a transaction of 25,000 changes arrives complete and in order, in chunks of 10,000 with one lsn and commit time", async () => {
  const { transactions } = await startReader();
  await db.ownerPool.query(
    `insert into app_public.guests (property_id, email, full_name)
     select $1, 'bulk-' || i || '@test.example', 'bulk-' || lpad(i::text, 5, '0') from generate_series(1, 25000) i`,
    [hotel.propertyId],
  );
  await waitUntil(() => changesOf(transactions, "guests").length >= 25_000, "25,000 changes", 60_000);
  expect(transactions.map((t) => t.changes.length)).toEqual([10_000, 10_000, 5_000]);
  expect(new Set(transactions.map((t) => t.lsn)).size).toBe(1);
  expect(new Set(transactions.map((t) => t.commitTimestamp)).size).toBe(1);
  const names = changesOf(transactions, "guests").map((c) => c.record!.full_name);
  expect(names).toEqual(Array.from({ length: 25_000 }, (_, i) => `bulk-${String(i + 1).padStart(5, "0")}`));
});

it("an unchanged TOASTed value comes from the old row under FULL and is left out of record without one", async () => {
  const { transactions } = await startReader();
  const big = "select string_agg(md5(i::text || random()::text), '') from generate_series(1, 3000) i";
  // A description is at most 5,000 characters: random base64 does not
  // compress, so 4,800 of them are still stored out of line (TOASTed).
  const incompressible = "select string_agg(translate(encode(public.gen_random_bytes(900), 'base64'), E'\\n', ''), '') from generate_series(1, 4)";
  await db.ownerPool.query(`update app_public.properties set description = (${incompressible}) where id = $1`, [hotel.propertyId]);
  await db.ownerPool.query("update app_public.properties set city = 'Porto' where id = $1", [hotel.propertyId]);
  const { rows: [exported] } = await db.ownerPool.query<{ id: string }>(
    `insert into app_public.exports (property_id, kind, from_date, to_date, error) values ($1, 'guests', current_date, current_date, (${big})) returning id`,
    [hotel.propertyId],
  );
  await db.ownerPool.query("update app_public.exports set row_count = 7 where id = $1", [exported!.id]);

  await waitUntil(() => changesOf(transactions, "exports").some((c) => c.type === "UPDATE"), "the export's update");
  const { rows: [stored] } = await superuser.query<{ description: string }>(
    "select description from app_public.properties where id = $1",
    [hotel.propertyId],
  );
  const moved = changesOf(transactions, "properties").find((c) => c.record?.city === "Porto")!;
  expect(moved.record!.description).toBe(stored!.description);
  expect(moved.oldRecord!.city).not.toBe("Porto");
  const counted = changesOf(transactions, "exports").find((c) => c.type === "UPDATE")!;
  expect(counted.record).toMatchObject({ id: exported!.id, row_count: "7" });
  expect(counted.record).not.toHaveProperty("error");
  expect(counted.oldRecord).toBeNull();
});

it("nothing is acknowledged before onTransaction resolves: a slow consumer holds the slot back", async () => {
  const seen: Transaction[] = [];
  const delivered: Transaction[] = [];
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { reader } = await startReader({
    onTransaction: async (transaction) => {
      seen.push(transaction);
      if (guestNamed("slow-x")(transaction)) await gate;
      delivered.push(transaction);
    },
  });
  const slot = reader.status().slot;
  await commitGuest("slow-x");
  const x = await waitForValue("the slow transaction to reach onTransaction", () => seen.find(guestNamed("slow-x")), 15_000);
  await commitGuest("slow-y");
  const { rows: [{ lsn: afterY }] } = await superuser.query("select pg_current_wal_insert_lsn()::text as lsn");

  // Once Postgres has sent Y and then heard two more status updates from the
  // reader, the slot must still be at or before X.
  const walsender = `select sent_lsn::text, reply_time::text from pg_stat_replication
                      where pid = (select active_pid from pg_replication_slots where slot_name = $1)`;
  const sent = await waitForValue("Postgres to send Y", async () => {
    const { rows: [row] } = await superuser.query(walsender, [slot]);
    return row && (await lsnAtMost(afterY, row.sent_lsn)) ? row : undefined;
  }, 15_000);
  let replyTime = sent.reply_time;
  for (let update = 0; update < 2; update++) {
    replyTime = await waitForValue("a status update from the reader", async () => {
      const { rows: [row] } = await superuser.query(walsender, [slot]);
      return row.reply_time !== replyTime ? row.reply_time : undefined;
    }, 15_000);
  }
  expect(await lsnAtMost((await slotRow(slot))!.confirmed_flush_lsn, x.lsn)).toBe(true);
  expect(delivered.some(guestNamed("slow-y"))).toBe(false);
  expect(reader.status().lastLsn).toBeNull();

  release();
  const y = await waitForValue("Y after X resolves", () => delivered.find(guestNamed("slow-y")), 15_000);
  expect(delivered.filter((t) => guestNamed("slow-x")(t) || guestNamed("slow-y")(t))).toEqual([x, y]);
  await waitUntil(async () => !(await lsnAtMost((await slotRow(slot))!.confirmed_flush_lsn, y.lsn)), "the slot to pass Y");
  expect(reader.status().lastLsn).toBe(y.lsn);
});

it("a rejected onTransaction is never acknowledged: the reader reconnects on a new slot and goes on", async () => {
  const failing: Transaction[] = [];
  const delivered: Transaction[] = [];
  const { reader, logs } = await startReader({
    onTransaction: async (transaction) => {
      if (guestNamed("fail-z")(transaction)) {
        failing.push(transaction);
        throw new Error("consumer failed");
      }
      delivered.push(transaction);
    },
  });
  const firstSlot = reader.status().slot;
  await commitGuest("fail-v");
  const v = await waitForValue("V", () => delivered.find(guestNamed("fail-v")), 15_000);
  await commitGuest("fail-z");
  await waitUntil(() => reader.status().slot !== firstSlot && reader.status().connected, "a new slot");

  expect(failing).toHaveLength(1);
  expect(reader.status().lastLsn).toBe(v.lsn);
  expect(await lsnAtMost(reader.status().lastLsn!, failing[0]!.lsn)).toBe(true);
  expect(logs.find((l) => l.level === "error")?.details.err).toEqual(new Error("consumer failed"));
  expect(await slotRow(firstSlot)).toBeUndefined();
  await commitGuest("fail-w");
  const w = await waitForValue("W on the new slot", () => delivered.find(guestNamed("fail-w")), 15_000);
  expect(reader.status().lastLsn).toBe(w.lsn);
});

it("an idle reader confirms what Postgres sent, so the slot keeps no WAL of unpublished tables", async () => {
  const { reader } = await startReader();
  await db.ownerPool.query("insert into app_public.organizations (name, slug) values ('Unpublished', 'unpublished-' || md5(random()::text))");
  const { rows: [{ lsn: written }] } = await superuser.query("select pg_current_wal_insert_lsn()::text as lsn");
  await waitUntil(async () => lsnAtMost(written, (await slotRow(reader.status().slot))!.confirmed_flush_lsn), "the slot to pass the unpublished write");
  await waitUntil(() => reader.status().lagBytes !== undefined, "a lag measurement");
  expect(reader.status().lagBytes).toBeGreaterThanOrEqual(0);
  expect(reader.status().lagBytes).toBeLessThan(1024 * 1024);
});

it("stop() ends the connection and the temporary slot disappears", async () => {
  const { reader } = await startReader();
  const { slot } = reader.status();
  expect(await slotRow(slot)).toMatchObject({ temporary: true, active_pid: expect.any(Number) });
  await reader.stop();
  expect(reader.status().connected).toBe(false);
  await waitUntil(async () => (await slotRow(slot)) === undefined, "the slot to be dropped", 5_000);
});

it("a terminated walsender is replaced: the reader reconnects on a new slot by itself and later commits arrive", async () => {
  const { reader, transactions, logs } = await startReader();
  const firstSlot = reader.status().slot;
  await superuser.query("select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = $1", [firstSlot]);
  await waitUntil(() => reader.status().slot !== firstSlot && reader.status().connected, "a new slot");
  expect(logs.some((l) => l.level === "warn" && l.details.slot === firstSlot)).toBe(true);
  expect(await slotRow(firstSlot)).toBeUndefined();
  await commitGuest("after-terminate");
  await waitUntil(() => transactions.some(guestNamed("after-terminate")), "a commit after the reconnection");
});

it("a silent connection is taken for dead and replaced", async () => {
  const { reader, transactions } = await startReader({ silenceTimeoutMs: 1_000 });
  const firstSlot = reader.status().slot;
  const pid = (await slotRow(firstSlot))!.active_pid!;
  process.kill(pid, "SIGSTOP"); // the walsender stops answering, its socket stays open
  try {
    await waitUntil(() => reader.status().slot !== firstSlot && reader.status().connected, "a new slot");
    await commitGuest("after-silence");
    await waitUntil(() => transactions.some(guestNamed("after-silence")), "a commit after the reconnection");
  } finally {
    process.kill(pid, "SIGCONT");
  }
  await waitUntil(async () => (await slotRow(firstSlot)) === undefined, "the silent walsender's slot to be dropped", 5_000);
});
