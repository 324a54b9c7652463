// The API behind a real PgBouncer in transaction mode (Debian's 1.18: no
// protocol-level prepared statements), two server connections for every
// client: with DATABASE_POOL_MODE=transaction the guest's whole path, a
// staff mutation and many concurrent requests succeed; the same PgBouncer
// with what session mode sends (statement names, startup parameters) fails,
// which is what the setting prevents.
import pg from "pg";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { apiPoolConfig, SessionStateError, sessionStateOf, TransactionPoolerClient } from "../../core/pool-mode.ts";
import { startHttpServer } from "../../server/http.ts";
import { makeReadiness } from "../../server/readiness.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { fileDatabase } from "../helpers/db.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startPgBouncer, type PgBouncer } from "../helpers/pgbouncer.ts";
import { startTestServer, type GraphQLResponse, type TestServer } from "../helpers/server.ts";
import { userToken } from "../realtime/harness.ts";

let bouncer: PgBouncer;
let server: TestServer;
let h: Hotel;
const db = fileDatabase({
  beforeDrop: async () => {
    await server?.close();
    await bouncer?.stop();
  },
});

beforeAll(async () => {
  bouncer = await startPgBouncer({ databaseUrl: db.authenticatorUrl, logins: [db.authenticatorUrl], poolMode: "transaction", poolSize: 2 });
  server = await startTestServer(db, { DATABASE_POOL_MODE: "transaction", AUTH_DATABASE_URL: bouncer.urlFor(db.authenticatorUrl) });
  h = await createHotel(db.ownerPool, { units: 3 });
});

const search = `query Search($a: Date!, $d: Date!, $p: UUID!) { searchAvailability(arrival: $a, departure: $d, adults: 2, propertyId: $p) { nodes { ratePlanName unitsLeft totalAmount } } }`;
const quote = `query Quote($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken totalAmount } }`;
const createHold = `mutation CreateHold($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId holdToken } } }`;
const confirmBooking = `mutation ConfirmBooking($id: UUID!, $k: String!, $h: String) { confirmBooking(input: {reservationId: $id, idempotencyKey: $k, fullName: "Ada Lovelace", email: "ada@example.com", holdToken: $h}) { result { status confirmationCode } } }`;

const errorsOf = (res: GraphQLResponse) => res.body.errors?.map((e) => `${e.extensions?.code}: ${e.message}`) ?? [];

it("through PgBouncer in transaction mode (2 server connections) a guest searches, quotes, holds and confirms, staff change rates, and 60 concurrent requests all succeed", async () => {
  const arrival = localDate(h.timeZone, 20);
  const departure = addDays(arrival, 2);
  const found = await server.graphql(search, { a: arrival, d: departure, p: h.propertyId });
  expect(errorsOf(found)).toEqual([]);
  expect(found.body.data!.searchAvailability.nodes).toEqual([{ ratePlanName: "Flexible", unitsLeft: 3, totalAmount: "20000" }]);

  const q = await server.graphql(quote, { p: h.ratePlanId, a: arrival, d: departure });
  expect(errorsOf(q)).toEqual([]);
  const held = await server.graphql(createHold, { t: q.body.data!.quote.quoteToken, k: newKey() });
  expect(errorsOf(held)).toEqual([]);
  const { reservationId, holdToken } = held.body.data!.createHold.result;
  const confirmed = await server.graphql(confirmBooking, { id: reservationId, k: newKey(), h: holdToken });
  expect(errorsOf(confirmed)).toEqual([]);
  expect(confirmed.body.data!.confirmBooking.result.status).toBe("confirmed");

  // A staff mutation, signed in through the pooler too.
  const email = (await db.ownerPool.query("select email from app_public.users where id = $1", [h.manager])).rows[0].email as string;
  await db.ownerPool.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, crypt($2, gen_salt('bf', 4)))", [h.manager, fixturePassword]);
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword });
  expect(errorsOf(login)).toEqual([]);
  const token = login.body.data!.login.result as string;
  const rated = await server.graphql(
    `mutation($p: UUID!, $f: Date!, $l: Date!, $k: String!) { setRates(input: {ratePlanId: $p, firstDate: $f, lastDate: $l, idempotencyKey: $k, price: "15000"}) { result } }`,
    { p: h.ratePlanId, f: arrival, l: departure, k: newKey() },
    { token },
  );
  expect(errorsOf(rated)).toEqual([]);
  const repriced = await server.graphql(quote, { p: h.ratePlanId, a: arrival, d: departure });
  expect(repriced.body.data!.quote.totalAmount).toBe("30000");

  // Many at once, on 5 client connections over 2 server connections.
  const later = localDate(h.timeZone, 40);
  const answers = await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      i % 2 === 0
        ? server.graphql(search, { a: later, d: addDays(later, 1 + (i % 3)), p: h.propertyId })
        : server.graphql(quote, { p: h.ratePlanId, a: later, d: addDays(later, 1 + (i % 3)) }, i % 4 === 1 ? { token } : {}),
    ),
  );
  expect(answers.flatMap(errorsOf)).toEqual([]);
  expect(answers.every((a) => a.status === 200)).toBe(true);

  // All of it went through PgBouncer's two server connections. (The search
  // cache's feed LISTENs on a connection of its own, straight to Postgres:
  // NOTIFY does not cross a transaction pooler. It carries no request.)
  const { rows } = await db.ownerPool.query<{ n: number }>(
    "select count(*)::int as n from pg_stat_activity where datname = current_database() and usename = 'keepr_authenticator' and application_name <> 'keepr-search-cache'",
  );
  expect(rows[0]!.n).toBeLessThanOrEqual(2);
});

it("session mode's named prepared statements fail through the same PgBouncer, and transaction mode's pools send them unnamed", async () => {
  const url = bouncer.urlFor(db.authenticatorUrl);
  const named = (i: number) => ({ name: `keepr_probe_${i % 3}`, text: `select $1::int + ${i % 3} as n`, values: [i] });
  const run = async (pool: pg.Pool) => {
    const codes: string[] = [];
    for (let round = 0; round < 20 && codes.length === 0; round++) {
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => pool.query(named(i))));
      for (const r of results) if (r.status === "rejected") codes.push((r.reason as { code?: string }).code ?? String(r.reason));
    }
    await pool.end();
    return codes;
  };
  // As session mode would: names kept. 26000: "prepared statement … does not exist"; 42P05: "… already exists".
  const failures = await run(new pg.Pool({ connectionString: url, max: 5 }));
  expect(failures.length).toBeGreaterThan(0);
  expect(new Set(failures.filter((c) => c !== "26000" && c !== "42P05"))).toEqual(new Set());
  // Transaction mode's client: the same queries, unnamed.
  expect(await run(new pg.Pool({ connectionString: url, max: 5, Client: TransactionPoolerClient }))).toEqual([]);
});

it("PostGraphile over a pool that keeps statement names fails through PgBouncer: the failure DATABASE_POOL_MODE=transaction prevents", async () => {
  // The guest lane off: 20 searches at once on 5 connections, as many as the pool holds (two at a time may keep
  // meeting the server connection they prepared on, and the failure this test shows would not show).
  // The config says transaction mode, as a deployment behind PgBouncer does (the schema's build reads the catalog through
  // it on a connection of its own, with transaction mode's client); the API's pool given here keeps statement names.
  // The searches are a staff member's: a guest's run on the guest pool, which the config makes (transaction mode's client).
  const config = loadConfig({
    NODE_ENV: "test", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "silent", DATA_DIR: "/tmp/keepr-test-unused", API_PUBLIC_READ_CONCURRENCY: "0",
    DATABASE_POOL_MODE: "transaction", AUTH_DATABASE_URL: bouncer.urlFor(db.authenticatorUrl),
  });
  const pool = new pg.Pool({ connectionString: bouncer.urlFor(db.authenticatorUrl), max: 5 });
  const codes: string[] = [];
  pool.on("connect", (client) => {
    const original = client.query as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = function (this: pg.PoolClient, ...args: unknown[]) {
      const result = original.apply(this, args);
      if (result instanceof Promise) result.catch((error: { code?: string }) => codes.push(error.code ?? "none"));
      return result;
    };
  });
  const http = await startHttpServer({
    config, logger: createLogger("silent"), apiPool: pool, ownerPool: db.ownerPool, jwtSecret: db.jwtSecret, readiness: makeReadiness(pool, db.ownerPool),
  });
  try {
    const sessionId = (await db.ownerPool.query<{ id: string }>("insert into app_private.sessions (user_id) values ($1) returning id", [h.manager])).rows[0]!.id;
    const token = userToken(db.jwtSecret, "keepr_staff", { sub: h.manager, sessionId });
    const later = localDate(h.timeZone, 50);
    const ask = (i: number) =>
      fetch(`${http.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: search, variables: { a: later, d: addDays(later, 1 + (i % 3)), p: h.propertyId } }),
      }).then((r) => r.json() as Promise<GraphQLResponse["body"]>);
    let failed = 0;
    for (let round = 0; round < 20 && failed === 0; round++) {
      const bodies = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(i)));
      failed = bodies.filter((b) => (b.errors?.length ?? 0) > 0).length;
    }
    expect(failed).toBeGreaterThan(0);
    expect(codes.some((c) => c === "26000" || c === "42P05")).toBe(true);
  } finally {
    await http.close();
    await pool.end();
  }
});

it("what session mode sends at connect (statement_timeout as a startup parameter) PgBouncer refuses; transaction mode's pool config does not send it", async () => {
  const url = bouncer.urlFor(db.authenticatorUrl);
  const session = new pg.Pool(apiPoolConfig({ DATABASE_POOL_MODE: "session", STATEMENT_TIMEOUT_MS: 5000 }, { connectionString: url, max: 1, applicationName: "probe" }));
  await expect(session.query("select 1")).rejects.toThrow(/unsupported startup parameter/);
  await session.end();
  const transaction = new pg.Pool(apiPoolConfig({ DATABASE_POOL_MODE: "transaction", STATEMENT_TIMEOUT_MS: 5000 }, { connectionString: url, max: 1, applicationName: "probe" }));
  expect((await transaction.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
  await transaction.end();
});

it("a statement that would leave session state on a pooled connection is refused before it is sent", async () => {
  const pool = new pg.Pool({ connectionString: bouncer.urlFor(db.authenticatorUrl), max: 1, Client: TransactionPoolerClient });
  try {
    for (const sql of ["listen keepr_bus", "set role keepr_staff", "SET statement_timeout = 0", "prepare p as select 1", "select pg_advisory_lock(1)", "discard all"]) {
      await expect(pool.query(sql)).rejects.toBeInstanceOf(SessionStateError);
    }
    // Transaction-local settings pass.
    const results = (await pool.query("begin; select pg_catalog.set_config('statement_timeout', '1000', true) as t; set local jit = off; commit")) as unknown as pg.QueryResult[];
    expect(results.map((r) => r.command)).toEqual(["BEGIN", "SELECT", "SET", "COMMIT"]);
  } finally {
    await pool.end();
  }
  expect(sessionStateOf("set local role keepr_staff")).toBeNull();
  expect(sessionStateOf("set transaction read only")).toBeNull();
  expect(sessionStateOf("select pg_advisory_xact_lock(1)")).toBeNull();
  expect(sessionStateOf("  Listen x")).toMatch(/LISTEN/);
});
