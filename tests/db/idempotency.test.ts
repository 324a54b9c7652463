// Every booking mutation is idempotent: the same key with the same
// parameters gives the first answer again and changes nothing more; the same
// key with other parameters is IDEMPOTENCY_KEY_REUSED; the same key sent by
// many connections at once has exactly one effect. These tests commit (the
// concurrency is real), so they run in their own database. An effect is
// counted as the audit rows it wrote: a replay writes none.
import pg from "pg";
import { actAs, createTestDatabase, inCommit, type Actor, testPool, type TestDatabase } from "../helpers/db.ts";
import { addDays, book, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { settleFolios } from "../helpers/ledger.ts";

let db: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  db = await createTestDatabase();
  pool = testPool({ connectionString: db.ownerUrl, max: 10 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

/** Runs fn in its own committed transaction, as the actor (or the owner). */
const committed = <T>(actor: Actor | null, fn: (c: pg.PoolClient) => Promise<T>) =>
  inCommit(pool, async (c) => {
    if (actor) await actAs(c, actor);
    return fn(c);
  });

const auditCount = async () =>
  Number((await pool.query("select (select count(*) from audit.events) + (select count(*) from audit.shared_events) as count")).rows[0].count);

interface Scenario {
  actor: Actor;
  /** The call, with $1 the idempotency key. */
  sql: string;
  params: unknown[];
  /** Other parameters under the same key. */
  otherParams: unknown[];
}

const anonymous: Actor = { role: "keepr_anonymous" };
const asStaff = (userId: string): Actor => ({ role: "keepr_staff", userId });

async function hotel(units = 3): Promise<Hotel> {
  return committed(null, (c) => createHotel(c, { units }));
}
const bookCommitted = (h: Hotel, from: number, nights: number) =>
  committed(anonymous, (c) => book(c, h.ratePlanId, localDate(h.timeZone, from), localDate(h.timeZone, from + nights)));

const scenarios: Record<string, () => Promise<Scenario>> = {
  async create_hold() {
    const h = await hotel();
    const q = await committed(anonymous, (c) => quote(c, h.ratePlanId, localDate(h.timeZone, 10), localDate(h.timeZone, 12)));
    return { actor: anonymous, sql: "select * from app_public.create_hold($2, $1, $3)", params: [q.quote_token, 10], otherParams: [q.quote_token, 15] };
  },
  async confirm_booking() {
    const h = await hotel();
    const q = await committed(anonymous, (c) => quote(c, h.ratePlanId, localDate(h.timeZone, 10), localDate(h.timeZone, 12)));
    const held = await committed(anonymous, (c) => hold(c, q.quote_token));
    const sql = "select * from app_public.confirm_booking($2, $1, $3, 'ada@example.com', hold_token => $4)";
    return { actor: anonymous, sql, params: [held.reservation_id, "Ada Lovelace", held.hold_token], otherParams: [held.reservation_id, "Ada King", held.hold_token] };
  },
  async modify_reservation() {
    const h = await hotel();
    const b = await bookCommitted(h, 10, 2);
    const sql = "select * from app_public.modify_reservation($2, $1, departure => $3)";
    return { actor: asStaff(h.frontDesk), sql, params: [b.reservation_id, localDate(h.timeZone, 13)], otherParams: [b.reservation_id, localDate(h.timeZone, 14)] };
  },
  async cancel_reservation() {
    const h = await hotel();
    const b = await bookCommitted(h, 10, 2);
    const sql = "select * from app_public.cancel_reservation($2, $1, $3)";
    return { actor: asStaff(h.frontDesk), sql, params: [b.reservation_id, "guest asked"], otherParams: [b.reservation_id, "duplicate"] };
  },
  async check_in() {
    const h = await hotel();
    const b = await bookCommitted(h, 0, 2);
    return { actor: asStaff(h.frontDesk), sql: "select * from app_public.check_in($2, $1, $3)", params: [b.reservation_id, false], otherParams: [b.reservation_id, true] };
  },
  async check_out() {
    const h = await hotel();
    const b = await bookCommitted(h, 0, 2);
    const other = await bookCommitted(h, 0, 2);
    await committed(asStaff(h.frontDesk), async (c) => {
      await c.query("select app_public.check_in($1, $2)", [b.reservation_id, newKey()]);
      await settleFolios(c, b.reservation_id);
    });
    return { actor: asStaff(h.frontDesk), sql: "select * from app_public.check_out($2, $1)", params: [b.reservation_id], otherParams: [other.reservation_id] };
  },
  async mark_no_show() {
    const h = await hotel();
    await committed(null, (c) => c.query("update app_public.properties set no_show_day_offset = 0, no_show_time = '00:00' where id = $1", [h.propertyId]));
    const b = await bookCommitted(h, 0, 2);
    const other = await bookCommitted(h, 0, 2);
    return { actor: asStaff(h.frontDesk), sql: "select * from app_public.mark_no_show($2, $1)", params: [b.reservation_id], otherParams: [other.reservation_id] };
  },
  async move_unit() {
    const h = await hotel();
    const b = await bookCommitted(h, 10, 2);
    const current = (await pool.query("select unit_id from app_public.reservations where id = $1", [b.reservation_id])).rows[0].unit_id;
    const [u1, u2] = h.unitIds.filter((u) => u !== current);
    return { actor: asStaff(h.frontDesk), sql: "select * from app_public.move_unit($2, $3, $1)", params: [b.reservation_id, u1], otherParams: [b.reservation_id, u2] };
  },
  async create_block() {
    const h = await hotel();
    const from = localDate(h.timeZone, 10);
    const sql = "select * from app_public.create_block($2, $3, $4, 'maintenance_block', $1)";
    return { actor: asStaff(h.frontDesk), sql, params: [h.unitIds[0], from, addDays(from, 3)], otherParams: [h.unitIds[0], from, addDays(from, 4)] };
  },
  async release_block() {
    const h = await hotel();
    const block = async (unit: string) =>
      (await committed(asStaff(h.frontDesk), (c) => c.query("select id from app_public.create_block($1, $2, $3, 'owner_block', $4)", [unit, localDate(h.timeZone, 10), localDate(h.timeZone, 12), newKey()]))).rows[0].id;
    const [a, b] = [await block(h.unitIds[0]!), await block(h.unitIds[1]!)];
    return { actor: asStaff(h.frontDesk), sql: "select * from app_public.release_block($2, $1)", params: [a], otherParams: [b] };
  },
  async set_rates() {
    const h = await hotel();
    const from = localDate(h.timeZone, 10);
    const sql = "select app_public.set_rates($2, $3, $4, $1, price => $5) as dates";
    return { actor: asStaff(h.manager), sql, params: [h.ratePlanId, from, addDays(from, 6), 12000], otherParams: [h.ratePlanId, from, addDays(from, 6), 13000] };
  },
};

const call = (s: Scenario, key: string, params = s.params) => committed(s.actor, async (c) => (await c.query(s.sql, [key, ...params])).rows);

describe.each(Object.keys(scenarios))("%s", (name) => {
  it("a replay with the same key gives the first answer and no second effect; other parameters are refused", async () => {
    const s = await scenarios[name]!();
    const key = newKey();
    const before = await auditCount();
    const first = await call(s, key);
    const effect = (await auditCount()) - before;
    expect(effect).toBeGreaterThan(0);
    expect(await call(s, key)).toEqual(first);
    expect(await call(s, key)).toEqual(first);
    expect((await auditCount()) - before).toBe(effect);
    await expect(call(s, key, s.otherParams)).rejects.toMatchObject({ code: "IDKEY" });
    // A new key is a new request (refused or not, by the operation's rules).
    const fresh = await call(s, newKey(), s.otherParams).catch((e: { code: string }) => e.code);
    expect(fresh).not.toBe("IDKEY");
  });

  it("the same key sent on eight connections at once has exactly one effect", async () => {
    const reference = await scenarios[name]!();
    const before0 = await auditCount();
    await call(reference, newKey());
    const effect = (await auditCount()) - before0;

    const s = await scenarios[name]!();
    const key = newKey();
    const before = await auditCount();
    const answers = await Promise.all(Array.from({ length: 8 }, () => call(s, key)));
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect((await auditCount()) - before).toBe(effect);
  });
});

it("keys are scoped to the caller: two guests may use the same key for different requests", async () => {
  const h = await hotel();
  const q = await committed(anonymous, (c) => quote(c, h.ratePlanId, localDate(h.timeZone, 10), localDate(h.timeZone, 12)));
  const a = await committed(anonymous, (c) => hold(c, q.quote_token));
  const b = await committed(anonymous, (c) => hold(c, q.quote_token));
  const key = newKey();
  const confirmAs = (actor: Actor, id: string) => committed(actor, async (c) => (await c.query("select * from app_public.confirm_booking($1, $2, 'G', 'g@example.com')", [id, key])).rows[0]);
  const first = await confirmAs(asStaff(h.frontDesk), a.reservation_id);
  const second = await confirmAs(asStaff(h.manager), b.reservation_id);
  expect(first.reservation_id).toBe(a.reservation_id);
  expect(second.reservation_id).toBe(b.reservation_id);
});

it("a short or missing key is IDEMPOTENCY_KEY_INVALID", async () => {
  const h = await hotel();
  const q = await committed(anonymous, (c) => quote(c, h.ratePlanId, localDate(h.timeZone, 10), localDate(h.timeZone, 12)));
  for (const key of [null, "short", "x".repeat(201), "has spaces in the key"]) {
    await expect(committed(anonymous, (c) => c.query("select app_public.create_hold($1, $2)", [q.quote_token, key]))).rejects.toMatchObject({ code: "IDKRQ" });
  }
});

it("keys are kept at least 24 hours and purged after 48", async () => {
  await pool.query("insert into app_private.idempotency_keys (scope, key, operation, request_hash, response, created_at) values ('anonymous', $1, 'x', '\\x00', '{}', now() - interval '25 hours'), ('anonymous', $2, 'x', '\\x00', '{}', now() - interval '49 hours')", [
    "kept-key-000000001", "old-key-0000000001",
  ]);
  const purged = await committed({ role: "keepr_anonymous" }, async (c) => {
    await c.query("reset role");
    await c.query("set local role keepr_worker");
    return (await c.query("select app_private.purge_idempotency_keys() as n")).rows[0].n;
  });
  expect(purged).toBeGreaterThanOrEqual(1);
  const left = await pool.query("select key from app_private.idempotency_keys where key in ('kept-key-000000001', 'old-key-0000000001')");
  expect(left.rows).toEqual([{ key: "kept-key-000000001" }]);
});
