// Keepr's scaled-out topology on one machine, from Debian's packages
// (docs/scaling.md): `npm run cluster` (ops/cluster/main.ts) and the
// topology test (tests/cluster/topology.test.ts) both start it with
// startCluster().
//
//   clients ──HTTP/ws──▶ HAProxy :http ──▶ API 1, API 2   (node main.ts, WORKER=false)
//                                 └─/realtime/─▶ realtime  (node realtime/main.ts)
//   API pools ──▶ PgBouncer (transaction mode) ──▶ HAProxy :pg_primary ──▶ primary
//   worker, realtime, migrations, LISTEN ────────▶ HAProxy :pg_primary ──▶ primary
//   replica reads (REPLICA_DATABASE_URLS) ─────────────────────────────▶ standby1
//   primary ══ synchronous streaming replication ══▶ standby1 (hot standby)
//
// Failover (`cluster.failover()`, "the documented promote"): HAProxy puts the
// old primary in maintenance and cuts its sessions, the standby is promoted
// (pg_promote) and its synchronous_standby_names cleared, and HAProxy enables
// it: every client reconnects to the same address and finds the new primary.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { roleUrl } from "../../core/database.ts";
import { ensureDatabase, ensureRoles, roles } from "../../core/roles.ts";
import { haproxyCommand, haproxyConfig, haproxyStats } from "./haproxy.ts";
import { pgbouncerAuthFile, pgbouncerConfig } from "./pgbouncer.ts";
import { giveToPostgres, makeClusterDir, postgresUser, startPrimary, startStandby, type PostgresNode } from "./postgres.ts";
import { freePort, portOpen, startChild, waitFor, type ChildProcessHandle } from "./processes.ts";

const root = path.resolve(import.meta.dirname, "../..");
const database = "keepr";

export interface ClusterOptions {
  /** Progress messages (what started where). */
  log?: (message: string) => void;
  /** Synchronous replication to standby1 (default true): no acknowledged commit is lost on failover. */
  synchronous?: boolean;
  /** How many API processes behind HAProxy (default 2). */
  apiProcesses?: number;
  /** Load the demo data (default true). */
  seed?: boolean;
  /** LOG_LEVEL of Keepr's processes (default info; the worker's is info at least). */
  logLevel?: string;
  /**
   * Build the browser apps when out of date (default false): api1 builds them
   * as `npm start` does, after it is ready; every API process serves them
   * from admin/dist and web/dist once they are there.
   */
  buildApps?: boolean;
  /** Extra environment for every Keepr process. */
  env?: Record<string, string>;
}

export interface Cluster {
  /** The temporary directory holding data, configuration and logs (logs/<process>.log); removed by stop(). */
  dir: string;
  primary: PostgresNode;
  standby: PostgresNode;
  /** The node HAProxy's pg_primary frontend sends to now (the standby after failover()). */
  current(): PostgresNode;
  /** Where clients go: http://127.0.0.1:<port> (API through HAProxy; /realtime/v1/websocket too). */
  url: string;
  /** HAProxy's status page. */
  statsUrl: string;
  /** Each API process directly, by the name HAProxy gives it (x-keepr-backend). */
  apiUrls: Record<string, string>;
  /** The realtime process directly (/healthz). */
  realtimeUrl: string;
  /** Connection strings: the superuser, owner and authenticator through HAProxy (direct sessions), the authenticator through PgBouncer, and on the replica. */
  urls: { superuser: string; owner: string; authenticatorDirect: string; authenticatorPooled: string; authenticatorReplica: string; pgbouncerAdmin: string };
  jwtSecret: string;
  processes: ChildProcessHandle[];
  /** One command to HAProxy's runtime API. */
  haproxy(command: string): Promise<string>;
  /** HAProxy's `show stat` rows. */
  stats(): Promise<Array<Record<string, string>>>;
  /** The documented promote: see the top of this file. Resolves once the promoted node takes connections through HAProxy. */
  failover(): Promise<void>;
  /**
   * Stops the API processes and starts them again on the same ports, their
   * environment the cluster's with `env` on top (e.g. REPLICA_DATABASE_URLS:
   * "" to read the primary only, {} for the cluster's own); resolves once
   * HAProxy sends to every one again. For benches comparing settings on the
   * same data.
   */
  restartApis(env?: Record<string, string>): Promise<void>;
  /** Stops everything (Keepr's processes first, Postgres last) and removes dir. Idempotent. */
  stop(): Promise<void>;
}

const secret = () => randomBytes(24).toString("hex");

/** The environment Keepr's processes get: nothing of ours (the tests' DATABASE_URL…) leaks in. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "LANG", "TZ", "TMPDIR"]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const log = options.log ?? (() => {});
  const dir = makeClusterDir();
  const logs = path.join(dir, "logs");
  mkdirSync(logs);
  const processes: ChildProcessHandle[] = [];
  const nodes: PostgresNode[] = [];
  let currentNode = 0;
  let stopping: Promise<void> | null = null;

  const stop = async () => {
    // Keepr's processes first (they may still write), then the proxies, then Postgres.
    const keepr = processes.filter((p) => p.name.startsWith("api") || p.name === "worker" || p.name === "realtime" || p.name === "migrate");
    await Promise.all(keepr.map((p) => p.stop("SIGTERM")));
    await Promise.all(processes.filter((p) => !keepr.includes(p)).map((p) => p.stop("SIGTERM", 5_000)));
    await Promise.all(nodes.slice(1).map((n) => n.stop()));
    await Promise.all(nodes.slice(0, 1).map((n) => n.stop()));
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const passwords = { superuser: secret(), owner: secret(), authenticator: secret(), realtime: secret() };
    const jwtSecret = secret();
    const [primaryPort, standbyPort, pgFrontPort, bouncerPort, httpPort, statsPort, realtimePort, ...apiPorts] = await Promise.all(
      Array.from({ length: 7 + (options.apiProcesses ?? 2) }, () => freePort()),
    );

    // Postgres: the primary, then its synchronous hot standby.
    const primary = await startPrimary({
      dir,
      port: primaryPort!,
      superuserPassword: passwords.superuser,
      synchronousStandbyNames: options.synchronous === false ? "" : "standby1",
      log,
    });
    nodes.push(primary);
    const standby = await startStandby(primary, { dir, port: standbyPort!, applicationName: "standby1", log });
    nodes.push(standby);

    // HAProxy: the primary's frontend first (everything else connects through it).
    const haproxyDir = path.join(dir, "haproxy");
    mkdirSync(haproxyDir);
    const socket = path.join(haproxyDir, "admin.sock");
    const apiServers = apiPorts.map((port, i) => ({ name: `api${i + 1}`, port: port! }));
    const haproxyFile = path.join(haproxyDir, "haproxy.cfg");
    writeFileSync(
      haproxyFile,
      haproxyConfig({
        socket,
        primaryPort: pgFrontPort!,
        postgres: [{ name: "primary", port: primaryPort! }, { name: "standby1", port: standbyPort! }],
        httpPort: httpPort!,
        api: apiServers,
        realtimePort: realtimePort!,
        statsPort: statsPort!,
      }),
    );
    const haproxy = startChild("haproxy", "haproxy", ["-f", haproxyFile, "-db"], { env: baseEnv(), logFile: path.join(logs, "haproxy.log") });
    processes.push(haproxy);
    await waitFor("HAProxy listening", () => portOpen(pgFrontPort!), { child: haproxy, timeoutMs: 15_000 });
    log(`haproxy running (pid ${haproxy.pid}): postgres primary frontend 127.0.0.1:${pgFrontPort}, http 127.0.0.1:${httpPort}`);

    const via = (port: number, user: string, password: string, db = database) =>
      roleUrl(`postgres://127.0.0.1:${port}/${db}`, user, password, db);
    const superuserUrl = via(pgFrontPort!, "postgres", passwords.superuser, "postgres");
    const urls = {
      superuser: superuserUrl,
      owner: via(pgFrontPort!, roles.owner, passwords.owner),
      authenticatorDirect: via(pgFrontPort!, roles.authenticator, passwords.authenticator),
      authenticatorPooled: via(bouncerPort!, roles.authenticator, passwords.authenticator),
      authenticatorReplica: via(standbyPort!, roles.authenticator, passwords.authenticator),
      pgbouncerAdmin: via(bouncerPort!, "postgres", passwords.superuser, "pgbouncer"),
    };
    const realtimeUrl = via(pgFrontPort!, roles.realtime, passwords.realtime);

    // Roles and database (the realtime login's password too), then the migrations, once.
    await ensureRoles(superuserUrl, passwords);
    await ensureDatabase(superuserUrl, database);
    const env = {
      ...baseEnv(),
      NODE_ENV: "development",
      LOG_LEVEL: options.logLevel ?? "info",
      JWT_SECRET: jwtSecret,
      DATABASE_URL: urls.owner,
      AUTH_DATABASE_URL: urls.authenticatorPooled,
      ADMIN_BUILD: "false",
      SEED: "false",
      // Mail and SMS the worker sends, as files (no SMTP server here).
      OUTBOX_DIR: path.join(dir, "outbox"),
      // AUTH_DATABASE_URL is PgBouncer in transaction mode: no named prepared
      // statement, nothing of a session through it (LISTEN goes to DATABASE_URL).
      DATABASE_POOL_MODE: "transaction",
      // Searches, quotes and reports read the standby while it keeps up (core/replicas.ts).
      REPLICA_DATABASE_URLS: urls.authenticatorReplica,
      REPLICA_MAX_LAG_SECONDS: "5",
      ...options.env,
    };
    const chore = async (name: string, args: string[]) => {
      const child = startChild(name, process.execPath, args, {
        cwd: root,
        env: { ...env, DATA_DIR: path.join(dir, name), ROOT_DATABASE_URL: superuserUrl },
        logFile: path.join(logs, `${name}.log`),
      });
      const code = await child.exited;
      if (code !== 0) throw new Error(`${name} failed (exit ${code}):\n${child.tail()}`);
    };
    await chore("migrate", ["db/cli.ts", "migrate"]);
    if (options.seed !== false) await chore("seed", ["db/cli.ts", "seed"]);
    log("database migrated" + (options.seed !== false ? " and seeded" : ""));

    // PgBouncer, as the postgres OS user, with the roles' SCRAM secrets.
    const bouncerDir = path.join(dir, "pgbouncer");
    mkdirSync(bouncerDir, { mode: 0o700 });
    const authFile = path.join(bouncerDir, "userlist.txt");
    writeFileSync(authFile, await pgbouncerAuthFile(superuserUrl, [roles.authenticator, roles.owner, "postgres"]), { mode: 0o600 });
    const bouncerFile = path.join(bouncerDir, "pgbouncer.ini");
    writeFileSync(bouncerFile, pgbouncerConfig({ port: bouncerPort!, upstream: { host: "127.0.0.1", port: pgFrontPort! }, database, authFile, adminUsers: ["postgres"] }));
    for (const file of [bouncerDir, authFile, bouncerFile]) giveToPostgres(file);
    const bouncer = startChild("pgbouncer", "pgbouncer", [bouncerFile], { env: baseEnv(), logFile: path.join(logs, "pgbouncer.log"), user: postgresUser() });
    processes.push(bouncer);
    await waitFor("PgBouncer accepting the authenticator", () => canQuery(urls.authenticatorPooled), { child: bouncer, timeoutMs: 15_000 });
    log(`pgbouncer running (pid ${bouncer.pid}, port ${bouncerPort}, transaction mode)`);

    // Keepr's processes: the worker and realtime connect directly (sessions), the API through PgBouncer.
    const worker = startChild("worker", process.execPath, ["worker/main.ts"], {
      cwd: root,
      // At least info: the cluster waits for its "worker running".
      env: { ...env, DATA_DIR: path.join(dir, "worker"), LOG_LEVEL: ["debug", "trace"].includes(env.LOG_LEVEL) ? env.LOG_LEVEL : "info" },
      logFile: path.join(logs, "worker.log"),
    });
    processes.push(worker);
    const realtime = startChild("realtime", process.execPath, ["realtime/main.ts"], {
      cwd: root,
      env: {
        ...env,
        DATA_DIR: path.join(dir, "realtime"),
        // Its bus LISTENs and its replication login streams: both need a session.
        AUTH_DATABASE_URL: urls.authenticatorDirect,
        REALTIME_DATABASE_URL: realtimeUrl,
        REALTIME_PORT: String(realtimePort),
      },
      logFile: path.join(logs, "realtime.log"),
    });
    processes.push(realtime);
    const apiUrls = Object.fromEntries(apiServers.map((api) => [api.name, `http://127.0.0.1:${api.port}`]));
    const startApi = (i: number, extraEnv: Record<string, string>) => {
      const api = apiServers[i]!;
      return startChild(api.name, process.execPath, ["main.ts", "--no-seed"], {
        cwd: root,
        env: { ...env, DATA_DIR: path.join(dir, api.name), PORT: String(api.port), WORKER: "false", ADMIN_BUILD: String(!!options.buildApps && i === 0), ...extraEnv },
        logFile: path.join(logs, `${api.name}.log`),
      });
    };
    const apisReady = (apis: ChildProcessHandle[]) =>
      apis.map((child, i) => waitFor(`${child.name} ready`, () => httpOk(`${apiUrls[apiServers[i]!.name]}/readyz`), { child }));
    // HAProxy health-checks the API every second: wait until it sends to every process.
    const haproxySeesApis = () =>
      waitFor("HAProxy sees every API process up", async () => {
        const rows = await haproxyStats(socket);
        return apiServers.every((api) => rows.some((r) => r.pxname === "api" && r.svname === api.name && r.status === "UP"));
      }, { timeoutMs: 15_000 });
    const apis = apiServers.map((_, i) => startApi(i, {}));
    processes.push(...apis);
    await Promise.all([
      ...apisReady(apis),
      waitFor("realtime streaming", () => realtimeStreaming(`http://127.0.0.1:${realtimePort}`), { child: realtime }),
      waitFor("worker running", async () => worker.tail(100_000).includes('"msg":"worker running"'), { child: worker }),
    ]);
    const url = `http://127.0.0.1:${httpPort}`;
    await haproxySeesApis();
    log(`keepr running: ${apis.map((a) => `${a.name} pid ${a.pid}`).join(", ")}, worker pid ${worker.pid}, realtime pid ${realtime.pid}`);

    const cluster: Cluster = {
      dir,
      primary,
      standby,
      current: () => nodes[currentNode]!,
      url,
      statsUrl: `http://127.0.0.1:${statsPort}/`,
      apiUrls,
      realtimeUrl: `http://127.0.0.1:${realtimePort}`,
      urls,
      jwtSecret,
      processes,
      haproxy: (command) => haproxyCommand(socket, command),
      stats: () => haproxyStats(socket),
      async failover() {
        const from = nodes[currentNode]!;
        const to = nodes[currentNode === 0 ? 1 : 0]!;
        await haproxyCommand(socket, `set server pg_primary/${from.name} state maint`);
        await haproxyCommand(socket, `shutdown sessions server pg_primary/${from.name}`);
        await to.promote();
        await haproxyCommand(socket, `set server pg_primary/${to.name} state ready`);
        currentNode = nodes.indexOf(to);
        await waitFor("the promoted node answers through HAProxy", () => canQuery(urls.superuser), { timeoutMs: 30_000 });
        log(`failover: ${to.name} promoted; HAProxy's pg_primary now sends to it`);
      },
      async restartApis(extraEnv = {}) {
        const old = apiServers.map((api) => processes.find((p) => p.name === api.name)!);
        await Promise.all(old.map((p) => p.stop("SIGTERM")));
        const fresh = apiServers.map((_, i) => startApi(i, extraEnv));
        for (const [i, child] of fresh.entries()) processes[processes.indexOf(old[i]!)] = child;
        await Promise.all(apisReady(fresh));
        await haproxySeesApis();
        log(`restarted ${fresh.map((a) => `${a.name} (pid ${a.pid})`).join(", ")}${Object.keys(extraEnv).length ? ` with ${Object.keys(extraEnv).join(", ")} changed` : ""}`);
      },
      stop: () => (stopping ??= stop()),
    };
    return cluster;
  } catch (error) {
    await (stopping ??= stop()).catch(() => {});
    throw error;
  }
}

async function canQuery(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.arrayBuffer();
  return res.status === 200;
}

async function realtimeStreaming(url: string): Promise<boolean> {
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
  const body = (await res.json()) as { replication?: boolean };
  return res.status === 200 && body.replication === true;
}
