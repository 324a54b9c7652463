// Read replicas against a real streaming hot standby (Debian's Postgres 15,
// ops/cluster/postgres.ts): searches and quotes read the replica, a guest
// reads their own booking right after it (read-your-writes by the commit
// LSN), a replica whose replay is paused leaves the rotation by itself and
// comes back once resumed, and a replica killed under load is skipped
// without an error. Waits for states (the monitor looks every half second
// here, the limit is 2 s), never for times.
import { rmSync } from "node:fs";
import pg from "pg";
import { register } from "prom-client";
import { roleUrl } from "../../core/database.ts";
import { migrateDatabase } from "../../core/migrate.ts";
import { formatLsn, parseLsn } from "../../core/replicas.ts";
import { ensureDatabase, ensureRoles, roles } from "../../core/roles.ts";
import { generateSecrets } from "../../core/secrets.ts";
import { makeClusterDir, startPrimary, startStandby, type PostgresNode } from "../../ops/cluster/postgres.ts";
import { commitLsnHeader, minLsnHeader, readFromHeader } from "../../server/read-routing.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { testPool, type TestDatabase } from "../helpers/db.ts";
import { freePortFrom } from "../helpers/pgbouncer.ts";
import { startTestServer, type GraphQLResponse, type TestServer } from "../helpers/server.ts";
import { waitUntil as waitFor } from "../helpers/wait.ts";

/** Waits until condition holds (it may also assert), up to 30 s: a replica's catch-up takes longer than most waits. */
const waitUntil = (condition: () => boolean | Promise<boolean>, what: string) => waitFor(condition, what, 30_000);

const secrets = generateSecrets();
let dir: string;
let primary: PostgresNode | undefined;
let standby: PostgresNode | undefined;
let ownerPool: pg.Pool | undefined;
let server: TestServer | undefined;
let h: Hotel;
let replicaName: string;

beforeAll(async () => {
  dir = makeClusterDir();
  primary = await startPrimary({ dir, port: await freePortFrom(55200, 55299), superuserPassword: secrets.superuserPassword });
  const superuserUrl = primary.superuserUrl("postgres");
  await ensureRoles(superuserUrl, { owner: secrets.ownerPassword, authenticator: secrets.authenticatorPassword });
  await ensureDatabase(superuserUrl, "keepr");
  const ownerUrl = roleUrl(superuserUrl, roles.owner, secrets.ownerPassword, "keepr");
  await migrateDatabase({ ownerUrl, superuserUrl }, () => {});
  ownerPool = testPool({ connectionString: ownerUrl, max: 3 });
  h = await createHotel(ownerPool, { units: 3 });
  const standbyPort = await freePortFrom(55200, 55299);
  standby = await startStandby(primary, { dir, port: standbyPort, applicationName: "replica1" });
  replicaName = `127.0.0.1:${standbyPort}`;
  const authenticatorUrl = roleUrl(superuserUrl, roles.authenticator, secrets.authenticatorPassword, "keepr");
  const replicaUrl = roleUrl(standby.superuserUrl("postgres"), roles.authenticator, secrets.authenticatorPassword, "keepr");
  const db = { authenticatorUrl, ownerPool, jwtSecret: secrets.jwtSecret } as TestDatabase;
  // A second replica that never answers: skipped, never in the way.
  const deadUrl = new URL(replicaUrl);
  deadUrl.port = String(await freePortFrom(55200, 55299));
  server = await startTestServer(db, { REPLICA_DATABASE_URLS: `${replicaUrl},${deadUrl}`, REPLICA_MAX_LAG_SECONDS: "2" });
}, 120_000);

afterAll(async () => {
  try {
    await server?.close();
    await ownerPool?.end();
  } finally {
    await standby?.stop();
    await primary?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

const search = `query Search($a: Date!, $d: Date!, $p: UUID!) { searchAvailability(arrival: $a, departure: $d, adults: 2, propertyId: $p) { nodes { unitsLeft } } }`;
const quote = `query Quote($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`;
const createHold = `mutation CreateHold($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId holdToken } } }`;
const confirmBooking = `mutation ConfirmBooking($id: UUID!, $k: String!, $h: String) { confirmBooking(input: {reservationId: $id, idempotencyKey: $k, fullName: "Ada Lovelace", email: "ada@example.com", holdToken: $h}) { result { status } } }`;

const errorsOf = (res: GraphQLResponse) => res.body.errors?.map((e) => `${e.extensions?.code}: ${e.message}`) ?? [];
const arrival = () => localDate(h.timeZone, 30);
const unitsLeft = (res: GraphQLResponse) => {
  expect(errorsOf(res)).toEqual([]);
  return res.body.data!.searchAvailability.nodes[0]?.unitsLeft as number;
};
const searchNow = (lsn?: string) => server!.graphql(search, { a: arrival(), d: addDays(arrival(), 1), p: h.propertyId }, lsn ? { headers: { [minLsnHeader]: lsn } } : {});
const state = () => server!.replicas!.states()[0]!;
const gauge = async (name: string) => (await register.getSingleMetric(name)!.get()).values.find((v) => v.labels.replica === replicaName)?.value;

/** Books one night at arrival() through the API; the commit LSN of the confirmation. */
async function book(): Promise<string> {
  const q = await server!.graphql(quote, { p: h.ratePlanId, a: arrival(), d: addDays(arrival(), 1) });
  expect(errorsOf(q)).toEqual([]);
  expect(q.headers.get(commitLsnHeader)).toBeNull(); // a read commits nothing
  const held = await server!.graphql(createHold, { t: q.body.data!.quote.quoteToken, k: newKey() });
  expect(errorsOf(held)).toEqual([]);
  expect(held.headers.get(readFromHeader)).toBe("primary");
  const { reservationId, holdToken } = held.body.data!.createHold.result;
  const confirmed = await server!.graphql(confirmBooking, { id: reservationId, k: newKey(), h: holdToken });
  expect(errorsOf(confirmed)).toEqual([]);
  const lsn = confirmed.headers.get(commitLsnHeader);
  expect(parseLsn(lsn)).not.toBeNull();
  return lsn!;
}

it("searches read the replica; after a booking, the guest's next search sees it, from the replica once it has replayed the commit", async () => {
  expect(server!.replicas!.states()[1]!.status).toBe("down");
  await waitUntil(async () => {
    const first = await searchNow();
    expect(unitsLeft(first)).toBe(3);
    return first.headers.get(readFromHeader) === "replica";
  }, "a search answered by the replica");

  const lsn = await book();
  // Whoever answers, a read after the commit sees it.
  expect(unitsLeft(await searchNow(lsn))).toBe(2);
  // Once the monitor has seen the replica replay it, the replica answers it.
  await waitUntil(async () => {
    const res = await searchNow(lsn);
    expect(unitsLeft(res)).toBe(2);
    return res.headers.get(readFromHeader) === "replica";
  }, "the replica to answer the read after the booking");
  // Its connections are counted as the "replica" pool.
  const pools = (await register.getSingleMetric("keepr_db_pool_connections")!.get()).values;
  expect(pools.some((v) => v.labels.pool === "replica" && v.labels.state === "idle" && v.value > 0)).toBe(true);
});

it("a forged or malformed LSN only sends the reads to the primary", async () => {
  for (const lsn of ["FFFFFFFF/FFFFFFFF", "not-an-lsn", "1/2/3"]) {
    const res = await searchNow(lsn);
    expect(errorsOf(res)).toEqual([]);
    expect(res.headers.get(readFromHeader)).toBe("primary");
  }
  expect(formatLsn(parseLsn("16/B374D848")!)).toBe("16/B374D848");
});

it("a replica whose replay is paused leaves the rotation by itself, reads go to the primary, and it returns once replay resumes", async () => {
  await waitUntil(() => state().inRotation, "the replica in the rotation");
  const standbyAdmin = new pg.Client({ connectionString: standby!.superuserUrl("keepr") });
  await standbyAdmin.connect();
  try {
    await standbyAdmin.query("select pg_wal_replay_pause()");
    const lsn = await book(); // the primary moves on; the replica does not
    const fresh = await searchNow(lsn);
    expect(fresh.headers.get(readFromHeader)).toBe("primary");
    expect(unitsLeft(fresh)).toBe(1);
    await waitUntil(() => !state().inRotation, "the paused replica out of the rotation");
    expect(state().status).toBe("lagging");
    expect(state().lagSeconds).toBeGreaterThan(2); // out once past the limit of 2 s
    expect(await gauge("keepr_replica_in_rotation")).toBe(0);
    expect(await gauge("keepr_replica_lag_bytes")).toBeGreaterThan(0);
    // Out of the rotation: even a read without an LSN goes to the primary, and is fresh.
    const plain = await searchNow();
    expect(plain.headers.get(readFromHeader)).toBe("primary");
    expect(unitsLeft(plain)).toBe(1);

    await standbyAdmin.query("select pg_wal_replay_resume()");
    await waitUntil(async () => state().inRotation && (await gauge("keepr_replica_in_rotation")) === 1, "the replica back in the rotation");
    await waitUntil(async () => (await searchNow()).headers.get(readFromHeader) === "replica", "a search from the replica again");
    expect(unitsLeft(await searchNow())).toBe(1);
  } finally {
    await standbyAdmin.query("select pg_wal_replay_resume()").catch(() => undefined);
    await standbyAdmin.end();
  }
});

it("a replica killed under search load is skipped: no search fails, the reads move to the primary, and it leaves the rotation", async () => {
  await waitUntil(() => state().inRotation, "the replica in the rotation");
  const answers: GraphQLResponse[] = [];
  let killed = false;
  let afterKill = 0;
  // Eight guests searching all along; the replica dies (SIGKILL, as when its machine does) in the middle.
  const guests = Array.from({ length: 8 }, async () => {
    while (!killed || afterKill < 40 || state().status !== "down") {
      const res = await searchNow();
      answers.push(res);
      if (killed) afterKill++;
    }
  });
  await waitUntil(() => answers.filter((a) => a.headers.get(readFromHeader) === "replica").length >= 20, "searches on the replica");
  await standby!.kill();
  killed = true;
  await Promise.all(guests);
  expect(answers.flatMap(errorsOf)).toEqual([]);
  expect(answers.every((a) => a.status === 200)).toBe(true);
  expect(state().status).toBe("down");
  expect(await gauge("keepr_replica_in_rotation")).toBe(0);
  expect(await gauge("keepr_replica_lag_seconds")).toBeUndefined();
  // Once it is known down, the primary answers at once.
  const after = await searchNow();
  expect(after.headers.get(readFromHeader)).toBe("primary");
  expect(errorsOf(after)).toEqual([]);
});
