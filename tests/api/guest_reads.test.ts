// Guest reads run on connections of their own (issue 23): the guest pool
// (core/pool-mode.ts guestPoolConfig), each connection the guest's for its
// whole life (keepr_anonymous, read-only, the API's timeouts), so a guest
// read is its statements alone (server/read-routing.ts guestReadsOf): no
// begin, settings or commit round trips. Through a transaction pooler
// (DATABASE_POOL_MODE=transaction) nothing outlives a transaction, so there
// each read opens its own, as every other operation does
// (tests/api/transaction_pooler.test.ts runs guests through PgBouncer).
// With the embedded Postgres on this machine, guest reads' backends run at a
// lower CPU priority (API_PUBLIC_READ_NICE, core/backend-priority.ts), and
// no one else's do.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { NodePostgresPgClient } from "postgraphile/adaptors/pg";
import { guestPoolConfig } from "../../core/pool-mode.ts";
import { autogroupNiceOf, parentPidOf, reniceBackend } from "../../core/backend-priority.ts";
import { guestReadsOf } from "../../server/read-routing.ts";
import { addDays, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { fileDatabase, testPool } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { userToken } from "../realtime/harness.ts";

const db = fileDatabase();
let superuser: pg.Pool;
let postmasterPid: number;
let h: Hotel;
let server: TestServer;
const pools: pg.Pool[] = [];

beforeAll(async () => {
  superuser = testPool({ connectionString: db.superuserUrl, max: 1 });
  const dataDirectory = (await superuser.query<{ dir: string }>("select current_setting('data_directory') as dir")).rows[0]!.dir;
  postmasterPid = Number(readFileSync(path.join(dataDirectory, "postmaster.pid"), "utf8").split("\n")[0]);
  h = await createHotel(db.ownerPool, { units: 2 });
  server = await startTestServer(db, { API_PUBLIC_READ_CONCURRENCY: "2", API_PUBLIC_READ_NICE: "10" }, { postmasterPid });
});
afterAll(async () => {
  await server?.close();
  await Promise.all(pools.map((p) => p.end()));
  await superuser?.end();
});

const sessionMode = { DATABASE_POOL_MODE: "session", STATEMENT_TIMEOUT_MS: 1234 } as const;

function guestPool(mode: "session" | "transaction" = "session"): pg.Pool {
  const pool = testPool(guestPoolConfig({ ...sessionMode, DATABASE_POOL_MODE: mode }, { connectionString: db.authenticatorUrl, max: 1, applicationName: "keepr-test-guest-reads" }));
  pools.push(pool);
  return pool;
}

/** The statements a pool's connections send, in order (node-postgres's query, as every caller goes through it). */
function recordStatements(pool: pg.Pool): string[] {
  const sent: string[] = [];
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: unknown }).query = (config: unknown, ...rest: unknown[]) => {
      sent.push(typeof config === "string" ? config : String((config as { text?: unknown }).text));
      return query(config, ...rest);
    };
  });
  return sent;
}

/** A guest's settings as the API makes them (core/auth.ts pgSettingsFor, the transaction's timeouts). */
const guestSettings = { role: "keepr_anonymous", "keepr.request_id": "guest-request", statement_timeout: "1234", jit_optimize_above_cost: "-1" };

test("a guest connection is the guest's from the moment it opens: keepr_anonymous, read-only, the API's statement timeout, JIT's optimisation off", async () => {
  const pool = guestPool();
  const { rows } = await pool.query(
    `select current_user::text as role, session_user::text as login, current_setting('transaction_read_only') as read_only,
            current_setting('statement_timeout') as statement_timeout, current_setting('jit_optimize_above_cost') as jit`,
  );
  expect(rows[0]).toEqual({ role: "keepr_anonymous", login: "keepr_authenticator", read_only: "on", statement_timeout: "1234ms", jit: "-1" });
  await expect(pool.query("create temporary table guest_writes (id int)")).rejects.toMatchObject({ code: "25006" });
  // A transaction pooler keeps no session: the pool is the API's, and each read sets the role in its transaction.
  expect(guestPoolConfig({ ...sessionMode, DATABASE_POOL_MODE: "transaction" }, { connectionString: db.authenticatorUrl, max: 1, applicationName: "x" }).options).toBeUndefined();
});

test("a guest read is its statement alone in session mode; in transaction mode it opens a transaction with its settings", async () => {
  const read = async (client: NodePostgresPgClient) => (await client.query<{ role: string }>({ text: "select current_user::text as role", values: [] })).rows[0]!.role;

  const session = guestPool("session");
  const sentInSession = recordStatements(session);
  expect(await guestReadsOf(session, null, "session")(guestSettings, read)).toBe("keepr_anonymous");
  expect(sentInSession).toEqual(["select current_user::text as role"]);

  const transaction = guestPool("transaction");
  const sentInTransaction = recordStatements(transaction);
  expect(await guestReadsOf(transaction, null, "transaction")(guestSettings, read)).toBe("keepr_anonymous");
  expect(sentInTransaction).toHaveLength(3);
  expect(sentInTransaction[0]).toMatch(/^begin; select pg_catalog\.set_config\('role', 'keepr_anonymous', true\)/);
  expect(sentInTransaction.slice(1)).toEqual(["select current_user::text as role", "commit"]);
});

test("a guest connection serves guests only: a staff member's or a booking's settings are refused before a connection is taken", async () => {
  const pool = guestPool();
  const reads = guestReadsOf(pool, null, "session");
  let ran = 0;
  const never = async () => {
    ran++;
    return "ran";
  };
  await expect(reads({ role: "keepr_staff", "jwt.claims.sub": h.manager }, never)).rejects.toThrow(/guest reads only/);
  await expect(reads({ role: "keepr_anonymous", "jwt.claims.reservation_id": "00000000-0000-0000-0000-000000000000" }, never)).rejects.toThrow(/guest reads only/);
  await expect(reads(undefined as never, never)).rejects.toThrow(/guest reads only/);
  expect(ran).toBe(0);
  expect(pool.totalCount).toBe(0);
});

/** The nice value of a local process (/proc/<pid>/stat, field 19). */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

test("guest reads' backends run at API_PUBLIC_READ_NICE; a staff member's at the priority every other backend has", async () => {
  const today = localDate(h.timeZone);
  const search = `query($a: Date!, $d: Date!, $p: UUID!) { searchAvailability(arrival: $a, departure: $d, propertyId: $p) { nodes { roomTypeId unitsLeft } } }`;
  const guest = await server.graphql(search, { a: addDays(today, 3), d: addDays(today, 5), p: h.propertyId });
  expect(guest.body.errors).toBeUndefined();
  expect(guest.body.data!.searchAvailability.nodes.length).toBeGreaterThan(0);
  const sessionId = (await db.ownerPool.query<{ id: string }>("insert into app_private.sessions (user_id) values ($1) returning id", [h.manager])).rows[0]!.id;
  const staff = await server.graphql(search, { a: addDays(today, 3), d: addDays(today, 5), p: h.propertyId }, { token: userToken(db.jwtSecret, "keepr_staff", { sub: h.manager, sessionId }) });
  expect(staff.body.errors).toBeUndefined();

  const backends = async (name: string) =>
    (await superuser.query<{ pid: number }>("select pid from pg_stat_activity where datname = $1 and application_name = $2", [db.name, name])).rows.map((r) => r.pid);
  const guests = await backends("keepr-test-api-guest");
  const others = await backends("keepr-test-api");
  expect(guests.length).toBeGreaterThan(0);
  expect(others.length).toBeGreaterThan(0);
  expect(guests.map(niceOf)).toEqual(guests.map(() => 10));
  expect(others.map(niceOf)).toEqual(others.map(() => niceOf(postmasterPid)));
  // Each backend is a session of its own (Postgres calls setsid): with autogroups on, its autogroup's nice is what weighs.
  const autogroups = existsSync(`/proc/${process.pid}/autogroup`);
  expect(guests.map(autogroupNiceOf)).toEqual(guests.map(() => (autogroups ? 10 : null)));
  expect(others.map(autogroupNiceOf)).toEqual(others.map(() => (autogroups ? 0 : null)));
});

test("only a child of the given postmaster is reniced: any other pid is left alone", async () => {
  // This test process is no child of Postgres: a pid from another machine's Postgres could be any local process.
  const before = niceOf(process.pid);
  expect(parentPidOf(process.pid)).not.toBe(postmasterPid);
  expect(reniceBackend(process.pid, postmasterPid, 19)).toBe("not-local");
  expect(reniceBackend(0, postmasterPid, 19)).toBe("not-local");
  expect(reniceBackend(2 ** 22 + 1, postmasterPid, 19)).toBe("not-local");
  expect(niceOf(process.pid)).toBe(before);
});
