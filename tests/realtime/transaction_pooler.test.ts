// `npm run realtime` behind PgBouncer in transaction mode: its API pool
// (authorizing channels and changes) goes through the pooler, and its bus's
// LISTEN, which needs a session, goes to DATABASE_URL directly. A broadcast
// sent on that process reaches a client of another instance on the same
// database, and back, so the bus really listens.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { createLogger } from "../../core/logger.ts";
import { authorizeChangesWith, authorizeChannelsWith, createRowAuthorizer } from "../../realtime/authorize.ts";
import { createPostgresTopicBus, type PostgresTopicBus } from "../../realtime/bus.ts";
import { fileDatabase, testPool } from "../helpers/db.ts";
import { freePort } from "../helpers/keepr-process.ts";
import { startPgBouncer, type PgBouncer } from "../helpers/pgbouncer.ts";
import { disconnect, listen, startRealtimeHarness, subscribed, type RealtimeHarness } from "./harness.ts";
import { waitUntil } from "../helpers/wait.ts";

const root = path.resolve(import.meta.dirname, "../..");
let bouncer: PgBouncer | undefined;
let child: ChildProcess | undefined;
let output = "";
let dataDir: string | undefined;
let bus: PostgresTopicBus | undefined;
let pool: pg.Pool | undefined;
let other: RealtimeHarness | undefined;
const db = fileDatabase({
  beforeDrop: async () => {
    await other?.close();
    await bus?.close();
    await pool?.end();
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await bouncer?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  },
});

it("npm run realtime with DATABASE_POOL_MODE=transaction carries broadcasts to and from another instance over its direct LISTEN", async () => {
  bouncer = await startPgBouncer({ databaseUrl: db.authenticatorUrl, logins: [db.authenticatorUrl], poolMode: "transaction", poolSize: 2 });
  const port = await freePort();
  dataDir = mkdtempSync(path.join(tmpdir(), "keepr-test-realtime-"));
  child = spawn(process.execPath, ["realtime/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "development",
      LOG_LEVEL: "debug",
      DATA_DIR: dataDir,
      DATABASE_URL: db.ownerUrl,
      AUTH_DATABASE_URL: bouncer.urlFor(db.authenticatorUrl),
      DATABASE_POOL_MODE: "transaction",
      JWT_SECRET: db.jwtSecret,
      REALTIME_PORT: String(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(() => output.includes("realtime bus listening") || child!.exitCode !== null, "the realtime process's bus listening", 30_000);
  expect(child.exitCode).toBeNull();

  // Another instance on the same database, in this process.
  pool = testPool({ connectionString: db.authenticatorUrl, max: 2 });
  bus = createPostgresTopicBus({ connectionString: db.authenticatorUrl, secret: db.jwtSecret, logger: createLogger("silent") });
  await waitUntil(() => bus!.connected, "bus connected", 10_000);
  other = await startRealtimeHarness(db, { bus, authorize: authorizeChangesWith(createRowAuthorizer({ pool })), authorizeChannel: authorizeChannelsWith(pool) });

  const { RealtimeClient } = await import("@supabase/realtime-js");
  const pooled = new RealtimeClient(`${url}/realtime/v1`, { params: { apikey: other.anonKey }, timeout: 5_000, reconnectAfterMs: () => 200 });
  const direct = other.client();
  try {
    const pooledChannel = pooled.channel("front-desk");
    const directChannel = direct.channel("front-desk");
    const heardOnPooled = listen(pooledChannel).broadcasts;
    const heardOnDirect = listen(directChannel).broadcasts;
    // Joining authorizes the channel through the pooler.
    await Promise.all([subscribed(pooledChannel), subscribed(directChannel)]);
    await pooledChannel.send({ type: "broadcast", event: "hello", payload: { from: "pooled" } });
    expect(await heardOnDirect.next()).toMatchObject({ event: "hello", payload: { from: "pooled" } });
    await directChannel.send({ type: "broadcast", event: "hi", payload: { from: "direct" } });
    expect(await heardOnPooled.next()).toMatchObject({ event: "hi", payload: { from: "direct" } });
  } finally {
    await disconnect(pooled);
  }
  // The bus's session is the owner's, directly on Postgres; nothing of it went through PgBouncer.
  const { rows } = await db.ownerPool.query<{ usename: string }>(
    "select usename from pg_stat_activity where datname = current_database() and application_name = 'keepr-realtime-bus' and pid <> pg_backend_pid()",
  );
  expect(rows.map((r) => r.usename)).toContain("keepr_owner");
  expect(output).not.toMatch(/SessionStateError|unsupported startup parameter/);
});
