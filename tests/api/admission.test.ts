// Staff keep working during a guest spike (issue 23, server/admission.ts):
// anonymous read-only operations take turns in a lane of
// API_PUBLIC_READ_CONCURRENCY; staff requests and mutations do not wait for
// them. Guest reads are held in Postgres by a lock another transaction
// takes on the rate plans they read, so the lane stays full for as long as
// the test needs, and everything waits for states, not for time.
import pg from "pg";
import { register } from "prom-client";
import { addDays, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { waitUntil } from "../helpers/wait.ts";
import { fileDatabase, testPool } from "../helpers/db.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { Lane, LaneWaitTimeout } from "../../server/admission.ts";
import { makeMaskError } from "../../server/errors.ts";
import { createLogger } from "../../core/logger.ts";
import { GraphQLError } from "postgraphile/graphql";
import { withPgClientOf } from "../../server/read-routing.ts";

const db = fileDatabase();
let server: TestServer;
let h: Hotel;
let token: string;
/** The superuser sees other roles' wait events in pg_stat_activity. */
let superuser: pg.Pool;

beforeAll(async () => {
  superuser = testPool({ connectionString: db.superuserUrl, max: 1 });
  h = await createHotel(db.ownerPool, { units: 2 });
  server = await startTestServer(db, { API_PUBLIC_READ_CONCURRENCY: "1" });
  const email = (await db.ownerPool.query("select email from app_public.users where id = $1", [h.housekeeper])).rows[0].email;
  await db.ownerPool.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, crypt($2, gen_salt('bf', 4)))", [h.housekeeper, fixturePassword]);
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword });
  token = login.body.data!.login.result as string;
});
afterAll(async () => {
  await server?.close();
  await superuser?.end();
});

const search = `query($a: Date!, $d: Date!, $p: UUID!) { searchAvailability(arrival: $a, departure: $d, propertyId: $p) { nodes { roomTypeId unitsLeft } } }`;
const setUnitStatus = `mutation($u: UUID!, $s: HousekeepingStatus!) { setUnitStatus(input: { unitId: $u, status: $s }) { result { housekeepingStatus } } }`;

/** The guest lane's gauge, by state. */
async function lane(): Promise<{ running: number; waiting: number }> {
  const values = (await register.getSingleMetric("keepr_api_guest_reads")!.get()).values;
  const of = (state: string) => values.find((v) => v.labels.state === state)?.value ?? 0;
  return { running: of("running"), waiting: of("waiting") };
}

/** The API's backends waiting for a lock right now. */
async function waitingOnLocks(): Promise<number> {
  const { rows } = await superuser.query<{ n: number }>(
    "select count(*)::int as n from pg_stat_activity where application_name in ('keepr-test-api', 'keepr-test-api-guest') and wait_event_type = 'Lock'",
  );
  return rows[0]!.n;
}

test("with the guest lane full, a second guest search waits its turn outside Postgres, and a housekeeper's change goes through at once", async () => {
  const today = localDate(h.timeZone);
  const stay = { a: addDays(today, 5), d: addDays(today, 7), p: h.propertyId };
  const locker: pg.PoolClient = await db.ownerPool.connect();
  try {
    await locker.query("begin");
    await locker.query("lock table app_public.rate_plans in access exclusive mode");
    const first = server.graphql(search, stay);
    await waitUntil(async () => (await waitingOnLocks()) === 1, "the first search waits for the lock in Postgres");
    const second = server.graphql(search, stay);
    await waitUntil(async () => (await lane()).waiting === 1, "the second search waits in the lane");
    expect(await lane()).toEqual({ running: 1, waiting: 1 });

    // Staff do not wait for the lane: the change is made while both searches wait.
    const changed = await server.graphql(setUnitStatus, { u: h.unitIds[0], s: "dirty" }, { token });
    expect(changed.body.errors).toBeUndefined();
    expect(changed.body.data!.setUnitStatus.result.housekeepingStatus).toBe("dirty");
    // …and the second search never reached Postgres meanwhile.
    expect(await waitingOnLocks()).toBe(1);
    expect(await lane()).toEqual({ running: 1, waiting: 1 });

    await locker.query("commit");
    const answers = await Promise.all([first, second]);
    for (const answer of answers) {
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data!.searchAvailability.nodes.length).toBeGreaterThan(0);
    }
    expect(await lane()).toEqual({ running: 0, waiting: 0 });
  } finally {
    await locker.query("rollback").catch(() => {});
    locker.release();
  }
});

test("a guest's hold is not a guest read: it reaches Postgres while the lane is full", async () => {
  const today = localDate(h.timeZone);
  const quoted = await server.graphql(
    `query($r: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $r, arrival: $a, departure: $d, adults: 2) { quoteToken } }`,
    { r: h.ratePlanId, a: addDays(today, 9), d: addDays(today, 11) },
  );
  expect(quoted.body.errors).toBeUndefined();
  const locker: pg.PoolClient = await db.ownerPool.connect();
  try {
    await locker.query("begin");
    await locker.query("lock table app_public.rate_plans in access exclusive mode");
    const blocked = server.graphql(search, { a: addDays(today, 5), d: addDays(today, 7), p: h.propertyId });
    await waitUntil(async () => (await waitingOnLocks()) === 1 && (await lane()).running === 1, "a search holds the lane's one place");
    // A hold is a mutation: it takes no turn. It reads the rate plans too, so it waits for the lock, in Postgres, not in the lane.
    const held = server.graphql(
      `mutation($t: String!, $k: String!) { createHold(input: { quoteToken: $t, idempotencyKey: $k }) { result { reservationId } } }`,
      { t: quoted.body.data!.quote.quoteToken, k: `admission-${Date.now()}` },
    );
    await waitUntil(async () => (await waitingOnLocks()) === 2, "the hold reached Postgres while the lane was full");
    expect(await lane()).toEqual({ running: 1, waiting: 0 });
    await locker.query("commit");
    const [searched, hold] = await Promise.all([blocked, held]);
    expect(searched.body.errors).toBeUndefined();
    expect(hold.body.errors).toBeUndefined();
    expect(hold.body.data!.createHold.result.reservationId).toEqual(expect.any(String));
  } finally {
    await locker.query("rollback").catch(() => {});
    locker.release();
  }
});

test("a guest read's place in the lane is given back when its statements are done, before its commit's round trip, and on every failure", async () => {
  const lane = new Lane(1);
  const pool = testPool({ connectionString: db.authenticatorUrl, max: 2 });
  // The lane's occupancy at the moment each transaction end is sent.
  const seen: Array<{ statement: string; running: number }> = [];
  const connect = pool.connect.bind(pool);
  (pool as unknown as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
    const client = await connect();
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      if (args[0] === "commit" || args[0] === "rollback") seen.push({ statement: args[0], running: lane.running });
      return query(...args);
    };
    return client;
  };
  try {
    const withPgClient = withPgClientOf(pool, lane);
    const value = await withPgClient({ role: "keepr_anonymous" }, async (client) => (await client.query<{ n: number }>({ text: "select 1 as n" })).rows[0]!.n);
    expect(value).toBe(1);
    await expect(withPgClient({ role: "keepr_anonymous" }, async (client) => client.query({ text: "select 1/0" }))).rejects.toThrow(/division by zero/);
    // (The adaptor may roll back on its own too: every end of a transaction found the place given back.)
    expect(seen.map((s) => s.statement)).toEqual(expect.arrayContaining(["commit", "rollback"]));
    expect(seen.every((s) => s.running === 0)).toBe(true);
    expect(lane.running).toBe(0);
    // A connection that cannot be had gives the place back too.
    const down = testPool({ connectionString: "postgres://nobody@127.0.0.1:1/none", max: 1 });
    await expect(withPgClientOf(down, lane)({}, async () => 1)).rejects.toThrow();
    await down.end();
    expect(lane.running).toBe(0);
    // Giving a place back twice frees one place, not two.
    const leave = await lane.enter();
    leave();
    leave();
    const [a, b] = [await lane.enter(), lane.enter()];
    let second = false;
    void b.then(() => (second = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect({ running: lane.running, queued: lane.queued, second }).toEqual({ running: 1, queued: 1, second: false });
    a();
    (await b)();
    expect({ running: lane.running, queued: lane.queued }).toEqual({ running: 0, queued: 0 });
  } finally {
    await pool.end();
  }
});

test("a guest read that waits longer than the lane's waitMs is refused as UNAVAILABLE (retry shortly), and leaves the line", async () => {
  const lane = new Lane(1, { waitMs: 50 });
  const first = await lane.enter();
  const refused = lane.enter();
  const third = lane.enter();
  await expect(refused).rejects.toBeInstanceOf(LaneWaitTimeout);
  // The third waited as long behind the same place and was refused too; both left the line, and
  // the place still held is one, handed to whoever waits when it is given back (not to a refused one).
  await expect(third).rejects.toBeInstanceOf(LaneWaitTimeout);
  expect({ running: lane.running, queued: lane.queued }).toEqual({ running: 1, queued: 0 });
  const fourth = lane.enter();
  first();
  (await fourth)();
  expect({ running: lane.running, queued: lane.queued }).toEqual({ running: 0, queued: 0 });
  // As the API answers it: a typed, retryable error, not INTERNAL.
  const masked = makeMaskError(createLogger("silent"))(new GraphQLError("lane", { originalError: new LaneWaitTimeout(50) }));
  expect(masked.extensions).toEqual({ code: "UNAVAILABLE" });
  expect(masked.message).toBe("The service is busy; please retry shortly.");
});

/** A priority the test turns on and off (as StaffFirst's staff in flight during a flood). */
function testPriority(maxWaitMs: number) {
  const listeners: Array<() => void> = [];
  const priority = {
    on: true,
    maxWaitMs,
    givingWay: () => priority.on,
    onDone: (listener: () => void) => void listeners.push(listener),
    done() {
      priority.on = false;
      for (const listener of listeners) listener();
    },
  };
  return priority;
}

test("a lane with a priority keeps a free place from guests while the priority gives way, and hands it over, in order, once it is done", async () => {
  const priority = testPriority(60_000);
  const lane = new Lane(2, { priority });
  const order: number[] = [];
  const entries = [1, 2, 3].map((n) => lane.enter().then((leave) => (order.push(n), leave)));
  await waitUntil(() => lane.queued === 3, "the three wait in line");
  expect(lane.running).toBe(0);
  expect(order).toEqual([]);
  priority.done();
  const [leave1, leave2] = await Promise.all(entries.slice(0, 2));
  expect(order).toEqual([1, 2]);
  expect({ running: lane.running, queued: lane.queued }).toEqual({ running: 2, queued: 1 });
  // The priority comes again: the place given back is kept from the third.
  priority.on = true;
  leave1!();
  expect({ running: lane.running, queued: lane.queued }).toEqual({ running: 1, queued: 1 });
  priority.done();
  (await entries[2]!)();
  leave2!();
  expect(order).toEqual([1, 2, 3]);
  expect({ running: lane.running, queued: lane.queued }).toEqual({ running: 0, queued: 0 });
  // Not giving way: a free place is taken at once.
  const leave = await lane.enter();
  expect(lane.running).toBe(1);
  leave();
});

test("a lane gives way for at most the priority's maxWaitMs: then the line goes on while the priority still gives way", async () => {
  const priority = testPriority(30);
  const lane = new Lane(1, { priority });
  let entered = false;
  const entry = lane.enter().then((leave) => ((entered = true), leave));
  expect(lane.queued).toBe(1);
  const leave = await entry;
  expect(entered).toBe(true);
  expect(priority.on).toBe(true);
  expect({ running: lane.running, queued: lane.queued }).toEqual({ running: 1, queued: 0 });
  leave();
  // The same giving way is over: the next one is not kept waiting until the priority is done and comes again.
  const again = await lane.enter();
  expect(lane.running).toBe(1);
  again();
  priority.done();
});
