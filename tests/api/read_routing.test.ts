// Which operations may read a replica, and what the API does with replicas
// that cannot serve: one that is not a standby (a promoted one, or the
// primary named by mistake) and one that does not answer stay out of the
// rotation, and every read is answered by the primary without an error.
// tests/api/read_replicas.test.ts runs the same against a real standby.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "postgraphile/graphql";
import { ConfigError, loadConfig } from "../../core/config.ts";
import { openDatabase } from "../../core/database.ts";
import { register } from "prom-client";
import { formatLsn, isRecoveryConflict, isUnavailable, parseLsn } from "../../core/replicas.ts";
import { commitLsnHeader, minLsnHeader, readFromHeader, readsFromReplica } from "../../server/read-routing.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { fileDatabase } from "../helpers/db.ts";
import { freePortFrom } from "../helpers/pgbouncer.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { callGraphQL, readAfterLsn } from "../../shared/graphql-http.ts";

it("only queries whose root fields are all searches, quotes or reports may read a replica", () => {
  const may = (source: string, name?: string) => readsFromReplica(parse(source), name);
  expect(may(`query { searchAvailability(arrival: "2030-01-01", departure: "2030-01-02") { nodes { unitsLeft } } }`)).toBe(true);
  expect(may(`query Q { quote(ratePlanId: "x", arrival: "a", departure: "b") { quoteToken } nearestStays(ratePlanIds: [], arrival: "a", departure: "b") { nodes { arrival } } }`)).toBe(true);
  expect(may(`query { ...F } fragment F on Query { occupancyReport { nodes { date } } __typename }`)).toBe(true);
  // Anything else, or anything mixed in, reads the primary.
  expect(may(`query { currentUser { id } }`)).toBe(false);
  expect(may(`query { searchAvailability(arrival: "a", departure: "b") { nodes { unitsLeft } } allReservations { nodes { id } } }`)).toBe(false);
  expect(may(`query { ... on Query { allReservations { nodes { id } } } }`)).toBe(false);
  expect(may(`mutation { createHold(input: {quoteToken: "x", idempotencyKey: "k"}) { clientMutationId } }`)).toBe(false);
  // The operation named runs; without a name, several operations are none.
  const two = `query A { quote(ratePlanId: "x", arrival: "a", departure: "b") { quoteToken } } query B { currentUser { id } }`;
  expect(may(two, "A")).toBe(true);
  expect(may(two, "B")).toBe(false);
  expect(may(two)).toBe(false);
});

it("LSNs are read strictly; only connection failures and recovery conflicts hand a read to the primary", () => {
  expect(parseLsn("0/0")).toBe(0n);
  expect(parseLsn("16/B374D848")).toBe((0x16n << 32n) | 0xb374d848n);
  expect(formatLsn(parseLsn("FFFFFFFF/FFFFFFFF")!)).toBe("FFFFFFFF/FFFFFFFF");
  for (const bad of ["", "16", "16/", "/1", "1/2/3", "G/1", "123456789/1", " 1/1", "1/1\n"]) expect(parseLsn(bad)).toBeNull();
  expect(isUnavailable(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }))).toBe(true);
  expect(isUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
  expect(isUnavailable(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }))).toBe(true);
  expect(isUnavailable(Object.assign(new Error("permission denied"), { code: "42501" }))).toBe(false);
  expect(isRecoveryConflict(Object.assign(new Error("canceling statement due to conflict with recovery"), { code: "40001" }))).toBe(true);
  expect(isRecoveryConflict(Object.assign(new Error("could not serialize access"), { code: "40001" }))).toBe(false);
});

it("the settings: replica URLs are checked one by one, transaction mode needs a pooler URL, and realtime's LISTEN then goes to DATABASE_URL", async () => {
  const base = { NODE_ENV: "test", DATA_DIR: mkdtempSync(path.join(tmpdir(), "keepr-test-config-")) };
  try {
    const urls = "postgres://a:b@r1:5432/keepr, postgres://a:b@r2:5433/keepr";
    expect(loadConfig({ ...base, REPLICA_DATABASE_URLS: urls }).REPLICA_DATABASE_URLS).toEqual(["postgres://a:b@r1:5432/keepr", "postgres://a:b@r2:5433/keepr"]);
    expect(loadConfig(base)).toMatchObject({ REPLICA_DATABASE_URLS: [], REPLICA_MAX_LAG_SECONDS: 5, DATABASE_POOL_MODE: "session" });
    expect(() => loadConfig({ ...base, REPLICA_DATABASE_URLS: "postgres://a@r1/keepr,http://r2/" })).toThrow(/REPLICA_DATABASE_URLS/);
    expect(() => loadConfig({ ...base, REPLICA_MAX_LAG_SECONDS: "0" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, DATABASE_POOL_MODE: "statement" })).toThrow(/DATABASE_POOL_MODE/);
    expect(() => loadConfig({ ...base, DATABASE_POOL_MODE: "transaction" })).toThrow(/DATABASE_POOL_MODE: transaction needs AUTH_DATABASE_URL/);
    const urlsOf = { DATABASE_URL: "postgres://owner:o@db:5432/keepr", AUTH_DATABASE_URL: "postgres://auth:a@bouncer:6432/keepr" };
    const pooled = await openDatabase(loadConfig({ ...base, ...urlsOf, DATABASE_POOL_MODE: "transaction" }), () => {});
    expect(pooled.listenUrl).toBe(urlsOf.DATABASE_URL);
    const direct = await openDatabase(loadConfig({ ...base, ...urlsOf }), () => {});
    expect(direct.listenUrl).toBe(urlsOf.AUTH_DATABASE_URL);
  } finally {
    rmSync(base.DATA_DIR, { recursive: true, force: true });
  }
});

it("the apps' client sends back the highest commit LSN it was given, and ignores a malformed or older one", async () => {
  readAfterLsn(null);
  const sent: Array<string | null> = [];
  const answers = ["0/16B3748", "0/1000000", "not/an-lsn", null, "1/0"];
  let i = 0;
  const fakeFetch = async (_input: string, init: RequestInit) => {
    sent.push(new Headers(init.headers).get("x-keepr-min-lsn"));
    const lsn = answers[i++];
    return new Response(JSON.stringify({ data: { ok: true } }), { status: 200, headers: lsn ? { "x-keepr-commit-lsn": lsn } : {} });
  };
  const call = () => callGraphQL({ endpoint: "/graphql", document: { name: "Q", source: "query Q { __typename }" }, variables: {}, fetch: fakeFetch }, () => new Error("failed"));
  for (let n = 0; n < answers.length + 1; n++) await call();
  expect(sent).toEqual([null, "0/16B3748", "0/16B3748", "0/16B3748", "0/16B3748", "1/0"]);
  expect(readAfterLsn()).toBe("1/0");
  readAfterLsn(null);
});

describe("replicas that cannot serve", () => {
  let server: TestServer;
  let h: Hotel;
  let deadPort: number;
  const db = fileDatabase({ beforeDrop: async () => server?.close() });

  beforeAll(async () => {
    deadPort = await freePortFrom(55200, 55299); // nothing listens there
    const deadUrl = new URL(db.authenticatorUrl);
    deadUrl.port = String(deadPort);
    // The primary named as a replica (not a standby), and one that does not answer.
    server = await startTestServer(db, { REPLICA_DATABASE_URLS: `${db.authenticatorUrl},${deadUrl}` });
    h = await createHotel(db.ownerPool, { units: 2 });
  });

  it("stay out of the rotation, reads and writes are answered by the primary, and a mutation's answer carries its commit LSN", async () => {
    const states = server.replicas!.states();
    expect(states.map((s) => [s.status, s.inRotation])).toEqual([["not_standby", false], ["down", false]]);
    const inRotation = (await register.getSingleMetric("keepr_replica_in_rotation")!.get()).values;
    expect(inRotation.filter((v) => v.labels.replica === `127.0.0.1:${deadPort}`).map((v) => v.value)).toEqual([0]);

    const arrival = localDate(h.timeZone, 10);
    const variables = { p: h.ratePlanId, a: arrival, d: addDays(arrival, 1) };
    const q = await server.graphql(`query Quote($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`, variables);
    expect(q.body.errors).toBeUndefined();
    expect(q.headers.get(readFromHeader)).toBe("primary");
    expect(q.headers.get(commitLsnHeader)).toBeNull();
    const held = await server.graphql(
      `mutation CreateHold($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId } } }`,
      { t: q.body.data!.quote.quoteToken, k: newKey() },
    );
    expect(held.body.errors).toBeUndefined();
    const lsn = held.headers.get(commitLsnHeader);
    expect(parseLsn(lsn)).not.toBeNull();
    // The hold's own commit is in the WAL up to that position.
    const { rows } = await db.ownerPool.query<{ behind: boolean }>("select pg_current_wal_insert_lsn() >= $1::pg_lsn as behind", [lsn]);
    expect(rows[0]!.behind).toBe(true);
    const again = await server.graphql(
      `query Quote($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`,
      variables,
      { headers: { [minLsnHeader]: lsn! } },
    );
    expect(again.body.errors).toBeUndefined();
    expect(again.headers.get(readFromHeader)).toBe("primary");
  });
});
