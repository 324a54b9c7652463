// How long Keepr's pools keep an idle connection (DATABASE_POOL_IDLE_MS,
// issue 23): a new connection plans every statement and function again
// (bookings one every 12 s cost Postgres 259 ms each with node-postgres's
// 10 s, 28 ms with the connections kept), so the pools keep theirs for 10 minutes by default,
// not node-postgres's 10 s; 0 keeps them open. PostGraphile's introspection,
// used once at the start, lets its connection go as before.
import pg from "pg";
import { loadConfig } from "../../core/config.ts";
import { apiPoolConfig, guestPoolConfig, introspectionPoolConfig } from "../../core/pool-mode.ts";
import { fileDatabase, testPool } from "../helpers/db.ts";
import { waitUntil } from "../helpers/wait.ts";

const db = fileDatabase();
const pools: pg.Pool[] = [];
afterAll(() => Promise.all(pools.map((p) => p.end())));

const mode = { DATABASE_POOL_MODE: "session", STATEMENT_TIMEOUT_MS: 5000 } as const;

test("the pools keep an idle connection for 10 minutes by default, DATABASE_POOL_IDLE_MS's when it is set; introspection's goes after 10 s", () => {
  const config = loadConfig({ NODE_ENV: "test" });
  expect(config.DATABASE_POOL_IDLE_MS).toBe(600_000);
  const options = { connectionString: "postgres://x@localhost/x", max: 2, applicationName: "x" };
  expect(apiPoolConfig(config, options).idleTimeoutMillis).toBe(600_000);
  expect(apiPoolConfig(mode, options).idleTimeoutMillis).toBe(600_000);
  expect(guestPoolConfig({ ...mode, DATABASE_POOL_IDLE_MS: 0 }, options).idleTimeoutMillis).toBe(0);
  expect(apiPoolConfig(loadConfig({ NODE_ENV: "test", DATABASE_POOL_IDLE_MS: "30000" }), options).idleTimeoutMillis).toBe(30_000);
  expect(introspectionPoolConfig(config, options).idleTimeoutMillis).toBe(10_000);
  expect(() => loadConfig({ NODE_ENV: "test", DATABASE_POOL_IDLE_MS: "-1" })).toThrow(/DATABASE_POOL_IDLE_MS/);
  // Beyond setTimeout's longest delay Node would close idle connections after 1 ms: refused, as are words.
  expect(() => loadConfig({ NODE_ENV: "test", DATABASE_POOL_IDLE_MS: "3000000000" })).toThrow(/DATABASE_POOL_IDLE_MS/);
  expect(() => loadConfig({ NODE_ENV: "test", DATABASE_POOL_IDLE_MS: "ten minutes" })).toThrow(/DATABASE_POOL_IDLE_MS/);
});

test("an idle connection closes after DATABASE_POOL_IDLE_MS, and stays with 0", async () => {
  const brief = testPool(apiPoolConfig({ ...mode, DATABASE_POOL_IDLE_MS: 300 }, { connectionString: db.authenticatorUrl, max: 1, applicationName: "keepr-test-idle-brief" }));
  const kept = testPool(apiPoolConfig({ ...mode, DATABASE_POOL_IDLE_MS: 0 }, { connectionString: db.authenticatorUrl, max: 1, applicationName: "keepr-test-idle-kept" }));
  pools.push(brief, kept);
  // The kept pool's connection goes idle first, so it has been idle longer than the brief one's when that one closes.
  const keptPid = (await kept.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid;
  const briefPid = (await brief.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid;
  const alive = async (pid: number) =>
    (await db.ownerPool.query("select 1 from pg_catalog.pg_stat_activity where pid = $1", [pid])).rowCount === 1;
  await waitUntil(async () => !(await alive(briefPid)), "the brief pool's idle connection to close");
  expect(brief.totalCount).toBe(0);
  expect(await alive(keptPid)).toBe(true);
  expect(kept.totalCount).toBe(1);
  // The kept connection still serves, as the same backend.
  expect((await kept.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid).toBe(keptPid);
});
