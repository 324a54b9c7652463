// Database helpers for tests. Each test file gets its own database cloned
// from the migrated template (cheap: a file copy), so tests that must commit
// (jobs, HTTP) never see each other. Tests that need no commit run inside
// inRollback() and leave nothing behind.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { roleUrl } from "../../core/database.ts";
import { ensureDatabase, roles } from "../../core/roles.ts";
import { becomeStatement, inTransaction } from "../../core/sql.ts";
import { waitUntil } from "./wait.ts";

/** The migrated database every test database is cloned from (made once by tests/setup/globalSetup.ts). */
export const templateName = "keepr_test_template";

export interface TestDatabase {
  name: string;
  superuserUrl: string;
  ownerUrl: string;
  authenticatorUrl: string;
  analystUrl: string;
  /** The realtime server's replication login (keepr_realtime). */
  replicationUrl: string;
  jwtSecret: string;
  /** Pool logged in as the owner (who may SET ROLE to every Keepr role). */
  ownerPool: pg.Pool;
  drop(): Promise<void>;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests through jest (tests/setup/globalSetup.ts)`);
  return value;
}

/**
 * A pool for tests. An idle connection ended by the server because the
 * file's database is dropped (57P01) is not a test failure; any other error
 * is. pg-pool's end() resolves once it has asked its connections to close,
 * not once they have: under load the drop's terminate can reach one first,
 * and the pool would emit it as an unhandled error.
 */
export function testPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  // 57P01: the test's own Postgres stopping; ETIMEDOUT: a connection the
  // API's pools closed because its Postgres went silent (core/pool-mode.ts).
  // The pool recovers from both; anything else fails the test.
  const onError = (error: Error & { code?: string }) => {
    if (error.code !== "57P01" && error.code !== "ETIMEDOUT") throw error;
  };
  pool.on("error", onError);
  // The same for a connection while it is checked out (graphile-worker asks for both).
  pool.on("connect", (client) => client.on("error", onError));
  return pool;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const superuserUrl = env("KEEPR_TEST_SUPERUSER_URL");
  const name = `keepr_test_${randomBytes(5).toString("hex")}`;
  await ensureDatabase(superuserUrl, name, templateName);
  const ownerUrl = roleUrl(superuserUrl, roles.owner, env("KEEPR_TEST_OWNER_PASSWORD"), name);
  const ownerPool = testPool({ connectionString: ownerUrl, max: 5 });
  return {
    name,
    superuserUrl: roleUrl(superuserUrl, new URL(superuserUrl).username, decodeURIComponent(new URL(superuserUrl).password), name),
    ownerUrl,
    authenticatorUrl: roleUrl(superuserUrl, roles.authenticator, env("KEEPR_TEST_AUTHENTICATOR_PASSWORD"), name),
    analystUrl: roleUrl(superuserUrl, roles.analyst, env("KEEPR_TEST_ANALYST_PASSWORD"), name),
    replicationUrl: roleUrl(superuserUrl, roles.realtime, env("KEEPR_TEST_REALTIME_PASSWORD"), name),
    jwtSecret: env("KEEPR_TEST_JWT_SECRET"),
    ownerPool,
    drop: async () => {
      await ownerPool.end();
      await dropDatabase(superuserUrl, name);
    },
  };
}

/**
 * Drops a test database. DROP DATABASE ... WITH (FORCE) ends the sessions
 * on it, but refuses while a replication slot of the database exists, and a
 * realtime reader's temporary slot outlives its client by as long as its
 * walsender takes to exit (under load, long enough to be seen). So the
 * walsenders still there are ended and the drop waits for their slots to go.
 * The admin connection is closed whatever happens: one left open would die
 * unheard when the cluster stops, and take the test run with it.
 */
async function dropDatabase(superuserUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: superuserUrl });
  admin.on("error", () => {}); // a failure reaches the query that was running
  await admin.connect();
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      await admin.query("select pg_terminate_backend(active_pid) from pg_replication_slots where database = $1 and active_pid is not null", [name]);
      await admin.query("select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = $1 and not active and not temporary", [name]);
      try {
        await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
        return;
      } catch (error) {
        // 55006 object_in_use: a slot is still there (its walsender is exiting).
        if ((error as { code?: string }).code !== "55006" || Date.now() > deadline) throw error;
        await admin.query("select pg_sleep(0.05)");
      }
    }
  } finally {
    await admin.end();
  }
}

/**
 * The database of the calling test file: created before its first test,
 * dropped after its last. Call it once, at the top of the file, before any
 * hook that uses the database: the object it returns is filled in by the
 * time later beforeAll hooks and the tests run. Jest runs afterAll hooks in
 * the order they are declared, so what must end before the drop (a worker
 * process, a server holding connections) is ended by beforeDrop.
 */
export function fileDatabase(options: { beforeDrop?: () => Promise<unknown> } = {}): TestDatabase {
  const db = {} as TestDatabase;
  beforeAll(async () => {
    Object.assign(db, await createTestDatabase());
  });
  afterAll(async () => {
    try {
      await options.beforeDrop?.();
    } finally {
      await db.drop?.();
    }
  });
  return db;
}

/** Runs fn in a transaction that is always rolled back. */
export const inRollback = <T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => inTransaction(pool, { rollback: true }, fn);

/** Runs fn in its own transaction, committed when it returns (rolled back if it throws). */
export const inCommit = <T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => inTransaction(pool, {}, fn);

export type Actor = { role: "keepr_anonymous" } | { role: "keepr_guest" | "keepr_staff"; userId: string };

/**
 * Inside a transaction opened by the owner: opens a session for the user (if
 * any) and becomes them, with the same role and claims the API would set.
 */
export async function actAs(client: pg.PoolClient, actor: Actor, requestId = "test-request"): Promise<void> {
  await client.query("reset role");
  let sessionId = "";
  if ("userId" in actor) {
    const { rows } = await client.query<{ id: string }>(
      "insert into app_private.sessions (user_id) values ($1) returning id",
      [actor.userId],
    );
    sessionId = rows[0]!.id;
  }
  await client.query(becomeStatement({ role: actor.role, settings: { "jwt.claims.session_id": sessionId, "keepr.request_id": requestId } })!);
}

/** Becomes an anonymous visitor (inside a transaction opened by the owner). */
export const anonymous = (client: pg.PoolClient): Promise<void> => actAs(client, { role: "keepr_anonymous" });
/** Becomes the staff user userId, in a session of their own. */
export const staff = (client: pg.PoolClient, userId: string): Promise<void> => actAs(client, { role: "keepr_staff", userId });
/** Back to the owner (the connection's own role), who sees every row. */
export const asOwner = async (client: pg.PoolClient): Promise<void> => {
  await client.query("reset role");
};

/** Runs a statement inside a savepoint: the error it fails with (rolled back to the savepoint), or null when it succeeds. */
async function probe(client: pg.PoolClient, sql: string, params: unknown[]): Promise<{ code?: string; hint?: string } | null> {
  await client.query("savepoint sqlstate_probe");
  try {
    await client.query(sql, params);
    await client.query("release savepoint sqlstate_probe");
    return null;
  } catch (error) {
    await client.query("rollback to savepoint sqlstate_probe");
    return error as { code?: string; hint?: string };
  }
}

/** The SQLSTATE a statement fails with, or null when it succeeds. */
export async function sqlstateOf(client: pg.PoolClient, sql: string, params: unknown[] = []): Promise<string | null> {
  const error = await probe(client, sql, params);
  return error ? (error.code ?? "unknown") : null;
}

/** The SQLSTATE and reason (the hint, extensions.reason in the API) a statement fails with, "INVLD DESCRIPTION", or "ok" when it succeeds. */
export async function refusalOf(client: pg.PoolClient, sql: string, params: unknown[] = []): Promise<string> {
  const error = await probe(client, sql, params);
  return error ? `${error.code ?? "unknown"} ${error.hint ?? ""}`.trim() : "ok";
}

/** The backend pid of a connection, to watch it from another. */
export async function backendPid(client: pg.PoolClient): Promise<number> {
  return (await client.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid;
}

/**
 * Waits until the backend pid waits for a lock (a row or a table another
 * transaction holds): a race's second party is then really queued behind
 * the first, whatever the machine's load.
 */
export async function waitUntilBlocked(pool: pg.Pool, pid: number, what: string): Promise<void> {
  await waitUntil(async () => (await pool.query("select wait_event_type from pg_stat_activity where pid = $1", [pid])).rows[0]?.wait_event_type === "Lock", what);
}
