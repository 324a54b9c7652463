// Staff first on Keepr's thread (issue 23, server/admission.ts StaffFirst):
// while a staff request is in flight, other requests are held at the HTTP
// door, before any work is done for them, until no staff request is in
// flight or they waited API_STAFF_FIRST_MS; never refused for it. A staff
// change is kept in flight by a row lock another transaction holds on its
// unit (set_unit_status locks the unit FOR UPDATE; searches read units
// without a lock), so everything waits for states, not for time. By
// default the door holds only when API_STAFF_FIRST_BUSY (8) other requests
// are already running: a guest on a quiet day is never held.
import jwt from "jsonwebtoken";
import pg from "pg";
import { randomUUID } from "node:crypto";
import { register } from "prom-client";
import { addDays, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { waitUntil } from "../helpers/wait.ts";
import { fileDatabase, testPool } from "../helpers/db.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const db = fileDatabase();
let h: Hotel;
let superuser: pg.Pool;
let email: string;

beforeAll(async () => {
  superuser = testPool({ connectionString: db.superuserUrl, max: 1 });
  h = await createHotel(db.ownerPool, { units: 2 });
  email = (await db.ownerPool.query("select email from app_public.users where id = $1", [h.housekeeper])).rows[0].email;
  await db.ownerPool.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, crypt($2, gen_salt('bf', 4)))", [h.housekeeper, fixturePassword]);
});
afterAll(async () => {
  await superuser?.end();
});

const search = `query($a: Date!, $d: Date!, $p: UUID!) { searchAvailability(arrival: $a, departure: $d, propertyId: $p) { nodes { roomTypeId unitsLeft } } }`;
const setUnitStatus = `mutation($u: UUID!, $s: HousekeepingStatus!) { setUnitStatus(input: { unitId: $u, status: $s }) { result { housekeepingStatus } } }`;

async function login(server: TestServer): Promise<string> {
  const answer = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword });
  return answer.body.data!.login.result as string;
}

/** The door's gauge, by state. */
async function door(): Promise<{ staff: number; held: number }> {
  const values = (await register.getSingleMetric("keepr_api_staff_first")!.get()).values;
  const of = (state: string) => values.find((v) => v.labels.state === state)?.value ?? 0;
  return { staff: of("staff_in_flight"), held: of("held") };
}

/** Requests let go from the door so far, by why. */
async function released(why: "staff_done" | "waited"): Promise<number> {
  const values = (await register.getSingleMetric("keepr_api_held_requests_total")!.get()).values;
  return values.find((v) => v.labels.released === why)?.value ?? 0;
}

/** The API's backends waiting for a lock right now. */
async function waitingOnLocks(): Promise<number> {
  const { rows } = await superuser.query<{ n: number }>(
    "select count(*)::int as n from pg_stat_activity where application_name in ('keepr-test-api', 'keepr-test-api-guest') and wait_event_type = 'Lock'",
  );
  return rows[0]!.n;
}

/** Runs `body` while the unit's row is locked by another transaction (a staff change of it waits in Postgres). */
async function withUnitLocked(unitId: string, body: (unlock: () => Promise<void>) => Promise<void>): Promise<void> {
  const locker: pg.PoolClient = await db.ownerPool.connect();
  try {
    await locker.query("begin");
    await locker.query("select 1 from app_public.units where id = $1 for update", [unitId]);
    await body(async () => {
      await locker.query("commit");
    });
  } finally {
    await locker.query("rollback").catch(() => {});
    locker.release();
  }
}

describe("with a long wait (API_STAFF_FIRST_MS=5000), holding whenever staff are in flight (API_STAFF_FIRST_BUSY=0)", () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(db, { API_STAFF_FIRST_MS: "5000", API_STAFF_FIRST_BUSY: "0" });
    token = await login(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  test("a staff change in flight holds a guest's search at the door; the search is answered after the change, not refused", async () => {
    const today = localDate(h.timeZone);
    const before = await released("staff_done");
    await withUnitLocked(h.unitIds[0]!, async (unlock) => {
      const order: string[] = [];
      const change = server.graphql(setUnitStatus, { u: h.unitIds[0], s: "dirty" }, { token }).then((r) => (order.push("staff"), r));
      await waitUntil(async () => (await waitingOnLocks()) === 1 && (await door()).staff === 1, "the staff change waits for the row lock, in flight");
      const searched = server.graphql(search, { a: addDays(today, 5), d: addDays(today, 7), p: h.propertyId }).then((r) => (order.push("guest"), r));
      await waitUntil(async () => (await door()).held === 1, "the guest's search is held at the door");
      // Held before any work: it never reached Postgres (only the staff change waits there) and is not answered.
      expect(await waitingOnLocks()).toBe(1);
      expect(order).toEqual([]);
      await unlock();
      const [changed, guest] = await Promise.all([change, searched]);
      expect(changed.body.errors).toBeUndefined();
      expect(changed.body.data!.setUnitStatus.result.housekeepingStatus).toBe("dirty");
      expect(guest.status).toBe(200);
      expect(guest.body.errors).toBeUndefined();
      expect(guest.body.data!.searchAvailability.nodes.length).toBeGreaterThan(0);
      expect(order).toEqual(["staff", "guest"]);
    });
    expect(await released("staff_done")).toBe(before + 1);
    expect(await door()).toEqual({ staff: 0, held: 0 });
  });

  test("a forged staff token gets no priority: it is held like a guest and then refused with INVALID_TOKEN", async () => {
    const forged = jwt.sign(
      { role: "keepr_staff", session_id: randomUUID(), sub: h.housekeeper, exp: Math.floor(Date.now() / 1000) + 600 },
      "not-the-secret-not-the-secret-not-the-secret",
      { algorithm: "HS256", audience: "keepr", issuer: "keepr" },
    );
    await withUnitLocked(h.unitIds[1]!, async (unlock) => {
      const change = server.graphql(setUnitStatus, { u: h.unitIds[1], s: "dirty" }, { token });
      await waitUntil(async () => (await door()).staff === 1 && (await waitingOnLocks()) === 1, "the staff change is in flight");
      let answered = false;
      const refused = server.graphql(setUnitStatus, { u: h.unitIds[0], s: "clean" }, { token: forged }).then((r) => ((answered = true), r));
      await waitUntil(async () => (await door()).held === 1, "the forged request is held at the door");
      // Not counted as staff, not answered while the real staff change is in flight.
      expect(await door()).toEqual({ staff: 1, held: 1 });
      expect(answered).toBe(false);
      await unlock();
      const [changed, forgedAnswer] = await Promise.all([change, refused]);
      expect(changed.body.errors).toBeUndefined();
      expect(forgedAnswer.status).toBe(401);
      expect(forgedAnswer.body.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    });
    // The unit the forged request named is untouched.
    const { rows } = await db.ownerPool.query("select housekeeping_status from app_public.units where id = $1", [h.unitIds[0]]);
    expect(rows[0].housekeeping_status).toBe("dirty");
  });

  test("the health probes are never held", async () => {
    await withUnitLocked(h.unitIds[0]!, async (unlock) => {
      const change = server.graphql(setUnitStatus, { u: h.unitIds[0], s: "clean" }, { token });
      await waitUntil(async () => (await door()).staff === 1, "the staff change is in flight");
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await door()).toEqual({ staff: 1, held: 0 });
      await unlock();
      expect((await change).body.errors).toBeUndefined();
    });
  });
});

describe("with a short wait (API_STAFF_FIRST_MS=50, API_STAFF_FIRST_BUSY=0)", () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(db, { API_STAFF_FIRST_MS: "50", API_STAFF_FIRST_BUSY: "0" });
    token = await login(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  test("a guest held behind a staff change that takes long is served after its bounded wait, while the change still waits", async () => {
    const today = localDate(h.timeZone);
    const before = await released("waited");
    await withUnitLocked(h.unitIds[1]!, async (unlock) => {
      const change = server.graphql(setUnitStatus, { u: h.unitIds[1], s: "clean" }, { token });
      await waitUntil(async () => (await door()).staff === 1 && (await waitingOnLocks()) === 1, "the staff change is in flight");
      const searches = [5, 6, 7].map((offset) => server.graphql(search, { a: addDays(today, offset), d: addDays(today, offset + 2), p: h.propertyId }));
      const answers = await Promise.all(searches);
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.body.errors).toBeUndefined();
        expect(answer.body.data!.searchAvailability.nodes.length).toBeGreaterThan(0);
      }
      // All three were served while the staff change was still in flight: they were let go because their wait was up.
      expect(await door()).toEqual({ staff: 1, held: 0 });
      expect(await released("waited")).toBe(before + 3);
      await unlock();
      expect((await change).body.errors).toBeUndefined();
    });
    await waitUntil(async () => (await door()).staff === 0, "the staff change's response closed");
  });
});

describe("by default (API_STAFF_FIRST_MS=30, API_STAFF_FIRST_BUSY=8)", () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(db);
    token = await login(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  test("a guest asking while one staff change is in flight on a quiet server is not held", async () => {
    const today = localDate(h.timeZone);
    const before = (await released("staff_done")) + (await released("waited"));
    await withUnitLocked(h.unitIds[0]!, async (unlock) => {
      const change = server.graphql(setUnitStatus, { u: h.unitIds[0], s: "clean" }, { token });
      await waitUntil(async () => (await door()).staff === 1 && (await waitingOnLocks()) === 1, "the staff change is in flight");
      // Answered while the change still waits on the lock: nobody else was running, so nothing to hold it for.
      const answer = await server.graphql(search, { a: addDays(today, 5), d: addDays(today, 7), p: h.propertyId });
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(await door()).toEqual({ staff: 1, held: 0 });
      await unlock();
      expect((await change).body.errors).toBeUndefined();
    });
    expect((await released("staff_done")) + (await released("waited"))).toBe(before);
  });
});

describe("the guest lane gives way too (API_PUBLIC_READ_CONCURRENCY=1, API_STAFF_FIRST_MS=5000, API_STAFF_FIRST_BUSY=0)", () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(db, { API_PUBLIC_READ_CONCURRENCY: "1", API_STAFF_FIRST_MS: "5000", API_STAFF_FIRST_BUSY: "0" });
    token = await login(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** The guest lane's gauge, by state. */
  async function lane(): Promise<{ running: number; waiting: number }> {
    const values = (await register.getSingleMetric("keepr_api_guest_reads")!.get()).values;
    const of = (state: string) => values.find((v) => v.labels.state === state)?.value ?? 0;
    return { running: of("running"), waiting: of("waiting") };
  }

  test("a guest read let through the door before a staff change came starts no statement while the change runs; it does after", async () => {
    const today = localDate(h.timeZone);
    const stay = { a: addDays(today, 5), d: addDays(today, 7), p: h.propertyId };
    const rates: pg.PoolClient = await db.ownerPool.connect();
    try {
      await rates.query("begin");
      await rates.query("lock table app_public.rate_plans in access exclusive mode");
      const order: string[] = [];
      const first = server.graphql(search, stay);
      await waitUntil(async () => (await waitingOnLocks()) === 1, "the first search waits for the lock in Postgres");
      const second = server.graphql(search, stay).then((r) => (order.push("second search"), r));
      await waitUntil(async () => (await lane()).waiting === 1, "the second search waits in the lane (past the door: no staff in flight then)");
      await withUnitLocked(h.unitIds[0]!, async (unlock) => {
        const change = server.graphql(setUnitStatus, { u: h.unitIds[0], s: "dirty" }, { token }).then((r) => (order.push("staff"), r));
        await waitUntil(async () => (await waitingOnLocks()) === 2 && (await door()).staff === 1, "the staff change waits for its row lock, in flight");
        await rates.query("commit");
        expect((await first).body.errors).toBeUndefined();
        // The first search gave its place back while the staff change runs: the place is kept from the second.
        expect(await lane()).toEqual({ running: 0, waiting: 1 });
        expect(await waitingOnLocks()).toBe(1);
        expect(order).toEqual([]);
        await unlock();
        const [changed, guest] = await Promise.all([change, second]);
        expect(changed.body.errors).toBeUndefined();
        expect(guest.body.errors).toBeUndefined();
        expect(guest.body.data!.searchAvailability.nodes.length).toBeGreaterThan(0);
        expect(order).toEqual(["staff", "second search"]);
      });
      expect(await lane()).toEqual({ running: 0, waiting: 0 });
    } finally {
      await rates.query("rollback").catch(() => {});
      rates.release();
    }
  });
});
