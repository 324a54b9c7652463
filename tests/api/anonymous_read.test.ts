// One predicate decides whether a GraphQL request is anonymous
// (core/auth.ts isAnonymous), and the three places that act on it agree:
// the public HTTP cache (server/graphql-cache.ts: Cache-Control public or
// private), the search cache (server/graphql-search-cache.ts: an
// x-keepr-cache answer or none) and the guest lane (server/admission.ts:
// the search takes the lane's one place or not). Asked of the callers Keepr
// has: no token, the public anonymous key, a booking token (lookupBooking)
// and a staff session; Keepr has no cookie sessions (every identity is a
// bearer token). The lane is watched as tests/api/admission.test.ts does:
// each search waits in Postgres for a lock on the rate plans, and the lane's
// gauge says whether it holds the lane meanwhile.
import pg from "pg";
import { register } from "prom-client";
import { anonKey, identify, isAnonymous, pgSettingsFor } from "../../core/auth.ts";
import { addDays, book, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { waitUntil } from "../helpers/wait.ts";
import { actAs, fileDatabase, inCommit, testPool } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { userToken } from "../realtime/harness.ts";

const db = fileDatabase();
let server: TestServer;
let h: Hotel;
let superuser: pg.Pool;
/** Each caller's Authorization header (none for the first). */
const callers: Record<string, string | undefined> = {};

beforeAll(async () => {
  superuser = testPool({ connectionString: db.superuserUrl, max: 1 });
  h = await createHotel(db.ownerPool, { units: 2 });
  server = await startTestServer(db, { API_PUBLIC_READ_CONCURRENCY: "1" });
  const booked = await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    return book(c, h.ratePlanId, addDays(localDate(h.timeZone), 40), addDays(localDate(h.timeZone), 41));
  });
  const lookup = await server.graphql(`mutation($c: String!, $e: String!) { lookupBooking(input: {confirmationCode: $c, email: $e}) { result } }`, { c: booked.confirmation_code, e: "ada@example.com" });
  const sessionId = (await db.ownerPool.query<{ id: string }>("insert into app_private.sessions (user_id) values ($1) returning id", [h.manager])).rows[0]!.id;
  callers["no token"] = undefined;
  callers["the anonymous key"] = `Bearer ${anonKey(db.jwtSecret)}`;
  callers["a booking token"] = `Bearer ${lookup.body.data!.lookupBooking.result as string}`;
  callers["a staff session"] = `Bearer ${userToken(db.jwtSecret, "keepr_staff", { sub: h.manager, sessionId })}`;
});
afterAll(async () => {
  await server?.close();
  await superuser?.end();
});

const anonymousCallers = ["no token", "the anonymous key"];

it("the predicate: no token and the anonymous key are anonymous; a booking token and a session are not", () => {
  const verdicts = Object.fromEntries(Object.entries(callers).map(([who, header]) => [who, isAnonymous(pgSettingsFor(identify(header, db.jwtSecret), "request"))]));
  expect(verdicts).toEqual(Object.fromEntries(Object.keys(callers).map((who) => [who, anonymousCallers.includes(who)])));
});

const search = `query Search($a: Date!, $d: Date!, $p: UUID) { searchAvailability(arrival: $a, departure: $d, propertyId: $p) { nodes { ratePlanId unitsLeft } } }`;

async function lane(): Promise<number> {
  const values = (await register.getSingleMetric("keepr_api_guest_reads")!.get()).values;
  return values.find((v) => v.labels.state === "running")?.value ?? 0;
}

const waitingOnLocks = async () =>
  (await superuser.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where application_name in ('keepr-test-api', 'keepr-test-api-guest') and wait_event_type = 'Lock'")).rows[0]!.n;

it("the HTTP cache, the search cache and the guest lane agree with it, caller by caller", async () => {
  const seen: Record<string, { cacheControl: string | null; searchCache: boolean; lane: boolean }> = {};
  let offset = 10;
  for (const [who, authorization] of Object.entries(callers)) {
    // Dates of its own: the search is computed (it reaches Postgres), not answered from the cache.
    const arrival = addDays(localDate(h.timeZone), offset++);
    const locker = await db.ownerPool.connect();
    try {
      await locker.query("begin");
      await locker.query("lock table app_public.rate_plans in access exclusive mode");
      const url = `${server.url}/graphql?${new URLSearchParams({ query: search, variables: JSON.stringify({ a: arrival, d: addDays(arrival, 1), p: h.propertyId }) })}`;
      const answer = fetch(url, { headers: { accept: "application/json", ...(authorization ? { authorization } : {}) } });
      await waitUntil(async () => (await waitingOnLocks()) === 1, `${who}: the search waits for the lock in Postgres`);
      const inLane = (await lane()) === 1;
      await locker.query("commit");
      const res = await answer;
      const body = (await res.json()) as { errors?: unknown; data?: { searchAvailability: { nodes: unknown[] } } };
      expect({ who, status: res.status, errors: body.errors }).toEqual({ who, status: 200, errors: undefined });
      seen[who] = { cacheControl: res.headers.get("cache-control"), searchCache: res.headers.get("x-keepr-cache") !== null, lane: inLane };
    } finally {
      await locker.query("rollback").catch(() => {});
      locker.release();
    }
  }
  const expected = (anonymous: boolean) => ({ cacheControl: anonymous ? "public, no-cache" : "private, no-store", searchCache: anonymous, lane: anonymous });
  expect(seen).toEqual(Object.fromEntries(Object.keys(callers).map((who) => [who, expected(anonymousCallers.includes(who))])));
});
