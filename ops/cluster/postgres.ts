// Debian's Postgres 15 (package postgresql-15) as a primary and streaming hot
// standbys, for `npm run cluster` and the tests that need a real replica.
//
// API (kept small and stable; helper code imports it):
//
//   const dir = makeClusterDir();                          // a keepr-run-* temp dir (CI checks none outlives a run)
//   const primary = await startPrimary({ dir, port, superuserPassword, synchronousStandbyNames: "standby1" });
//   const standby = await startStandby(primary, { dir, port: port2, applicationName: "standby1" });
//   primary.superuserUrl("keepr")                           // postgres://postgres:…@127.0.0.1:<port>/keepr
//   await standby.waitForReplay(await primary.currentLsn()) // the standby has replayed up to that LSN
//   await primary.kill()                                    // SIGKILL to the whole postmaster process group (a crash)
//   await standby.promote()                                 // pg_promote(), then synchronous_standby_names = ''
//   await standby.stop(); await primary.stop()              // fast shutdown (SIGINT), idempotent
//   rmSync(dir, { recursive: true, force: true })
//
// Every node runs as the `postgres` OS user when we are root (Postgres
// refuses root), in its own process group (a Ctrl-C in the terminal reaches
// the cluster command only, which stops nodes in order). Logs go to
// <dataDir>.log. Authentication is scram-sha-256 everywhere, replication
// included (initdb's pg_hba.conf allows replication from 127.0.0.1).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { postgresUser } from "../../core/embedded-postgres.ts";

/** Where Debian puts Postgres 15's programs. */
export const defaultBinDir = "/usr/lib/postgresql/15/bin";

export interface PostgresNode {
  /** "primary", or the standby's application_name. */
  name: string;
  port: number;
  dataDir: string;
  /** The postmaster's pid (its process group is the same number). */
  pid: number;
  superuserPassword: string;
  /** postgres://postgres:<password>@127.0.0.1:<port>/<database> */
  superuserUrl(database?: string): string;
  /** pg_current_wal_lsn() on a primary, pg_last_wal_replay_lsn() on a standby. */
  currentLsn(): Promise<string>;
  /** Resolves once this (standby) node has replayed `lsn`; rejects after timeoutMs (default 30 s). */
  waitForReplay(lsn: string, timeoutMs?: number): Promise<void>;
  /** Whether the node is in recovery (a standby). */
  inRecovery(): Promise<boolean>;
  /** Promotes a standby to primary (waits for it) and clears synchronous_standby_names on it. */
  promote(): Promise<void>;
  /** Fast shutdown (SIGINT), SIGQUIT after 15 s. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL to the postmaster and every backend at once, as when its machine dies. */
  kill(): Promise<void>;
  /** Whether the postmaster still runs. */
  running(): boolean;
}

export interface NodeOptions {
  /** A directory (from makeClusterDir) that holds the node's data dir `<dir>/<name>`. */
  dir: string;
  port: number;
  /** Extra `postgres -c` settings. */
  settings?: Record<string, string>;
  binDir?: string;
  /** Messages about the node (started, promoted); Postgres' own log is <dataDir>.log. */
  log?: (message: string) => void;
}

export interface PrimaryOptions extends NodeOptions {
  superuserPassword: string;
  /** e.g. "standby1" or "FIRST 1 (standby1, standby2)"; empty or unset: asynchronous replication. */
  synchronousStandbyNames?: string;
}

export interface StandbyOptions extends NodeOptions {
  /** The standby's application_name (what synchronous_standby_names names). */
  applicationName: string;
}

/** Settings of every node: logical decoding for realtime, room for WAL senders and slots, hot standby. */
const baseSettings: Record<string, string> = {
  listen_addresses: "127.0.0.1",
  unix_socket_directories: "",
  wal_level: "logical",
  max_wal_senders: "20",
  max_replication_slots: "20",
  max_slot_wal_keep_size: "1GB",
  wal_keep_size: "256MB",
  max_connections: "200",
  hot_standby: "on",
  hot_standby_feedback: "on",
  // A standby that lags stops cancelling long reads quickly; replicas serve searches.
  max_standby_streaming_delay: "30s",
  wal_receiver_status_interval: "1s",
  wal_sender_timeout: "10s",
  wal_receiver_timeout: "10s",
  logging_collector: "off",
};

/** A fresh `keepr-run-*` temporary directory the postgres OS user can reach. */
export function makeClusterDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "keepr-run-"));
  chmodSync(dir, 0o755);
  return dir;
}

export { postgresUser };

/** Makes path owned by the postgres OS user (when we are root). */
export function giveToPostgres(file: string): void {
  const user = postgresUser();
  if (user) chownSync(file, user.uid, user.gid);
}

function run(binDir: string, program: string, args: string[], env: Record<string, string> = {}): void {
  try {
    execFileSync(path.join(binDir, program), args, {
      ...postgresUser(),
      env: { PATH: process.env.PATH, LANG: "C.UTF-8", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const e = error as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(`${program} failed: ${e.stderr?.toString() || e.stdout?.toString() || e.message}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

function urlOf(port: number, password: string, database = "postgres"): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** Starts the postmaster on dataDir and resolves once it accepts connections (read-only ones for a standby). */
async function startNode(name: string, dataDir: string, superuserPassword: string, options: NodeOptions): Promise<PostgresNode> {
  const binDir = options.binDir ?? defaultBinDir;
  const settings = { ...baseSettings, ...options.settings };
  const logFile = `${dataDir}.log`;
  const logFd = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(path.join(binDir, "postgres"), ["-D", dataDir, "-p", String(options.port), ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])], {
      detached: true,
      stdio: ["ignore", logFd, logFd],
      env: { LANG: "C.UTF-8", PATH: process.env.PATH },
      ...postgresUser(),
    });
  } finally {
    closeSync(logFd);
  }
  const pid = child.pid!;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const url = (database = "postgres") => urlOf(options.port, superuserPassword, database);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (gone) throw new Error(`Postgres ${name} did not start on port ${options.port}:\n${readFileSync(logFile, "utf8").slice(-2000)}`);
    const ok = await query(url(), "select 1").then(() => true, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      process.kill(-pid, "SIGKILL");
      throw new Error(`Postgres ${name} was not ready within 60 s:\n${readFileSync(logFile, "utf8").slice(-2000)}`);
    }
    await sleep(100);
  }
  options.log?.(`postgres ${name} running (pid ${pid}, port ${options.port}, data ${dataDir})`);

  let stopping: Promise<void> | null = null;
  const stop = async () => {
    if (gone) return;
    try {
      process.kill(pid, "SIGINT");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, "SIGQUIT");
      } catch {}
    }, 15_000);
    await exited;
    clearTimeout(timer);
    // Backends of a postmaster that died may linger a moment; wait for the group.
    await waitGroupGone(pid);
  };
  const node: PostgresNode = {
    name,
    port: options.port,
    dataDir,
    pid,
    superuserPassword,
    superuserUrl: url,
    async currentLsn() {
      const [row] = await query<{ lsn: string }>(
        url(),
        "select (case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end)::text as lsn",
      );
      return row!.lsn;
    },
    async waitForReplay(lsn, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await query<{ done: boolean }>(url(), "select coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) as done", [lsn]);
        if (row!.done) return;
        if (Date.now() > until) throw new Error(`standby ${name} did not replay ${lsn} within ${timeoutMs} ms`);
        await sleep(50);
      }
    },
    async inRecovery() {
      const [row] = await query<{ r: boolean }>(url(), "select pg_is_in_recovery() as r");
      return row!.r;
    },
    async promote() {
      const [row] = await query<{ ok: boolean }>(url(), "select pg_promote(true, 60) as ok");
      if (!row!.ok) throw new Error(`standby ${name} did not promote within 60 s`);
      // It has no standby of its own: a synchronous setting copied from the old primary would block every commit.
      await query(url(), "alter system set synchronous_standby_names = ''");
      await query(url(), "select pg_reload_conf()");
      options.log?.(`postgres ${name} promoted to primary`);
    },
    stop: () => (stopping ??= stop()),
    async kill() {
      if (gone) return;
      try {
        process.kill(-pid, "SIGKILL");
      } catch {}
      await exited;
      await waitGroupGone(pid);
    },
    running: () => !gone && isAlive(pid),
  };
  return node;
}

/** Waits until no process of the group remains (backends exit right after their postmaster). */
async function waitGroupGone(pgid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await sleep(50);
  }
}

/** initdb (scram-sha-256, UTF-8) and start a primary in `<dir>/primary`. */
export async function startPrimary(options: PrimaryOptions): Promise<PostgresNode> {
  const binDir = options.binDir ?? defaultBinDir;
  const dataDir = path.join(options.dir, "primary");
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    mkdirSync(dataDir, { mode: 0o700 });
    giveToPostgres(dataDir);
    const pwfile = path.join(options.dir, "primary.pw");
    writeFileSync(pwfile, options.superuserPassword + "\n", { mode: 0o600 });
    giveToPostgres(pwfile);
    run(binDir, "initdb", ["-D", dataDir, "-U", "postgres", "--pwfile", pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"]);
    writeFileSync(pwfile, "");
  }
  return startNode("primary", dataDir, options.superuserPassword, {
    ...options,
    settings: { synchronous_standby_names: options.synchronousStandbyNames ?? "", ...options.settings },
  });
}

/**
 * pg_basebackup from `from` (-R writes standby.signal and primary_conninfo,
 * with this application_name, into postgresql.auto.conf) into `<dir>/<applicationName>`, and start it as a
 * streaming hot standby. Resolves once it accepts read-only connections and
 * streams from the primary.
 */
export async function startStandby(from: PostgresNode, options: StandbyOptions): Promise<PostgresNode> {
  const binDir = options.binDir ?? defaultBinDir;
  const dataDir = path.join(options.dir, options.applicationName);
  const conninfo = `host=127.0.0.1 port=${from.port} user=postgres password=${from.superuserPassword} application_name=${options.applicationName}`;
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    mkdirSync(dataDir, { mode: 0o700 });
    giveToPostgres(dataDir);
    run(binDir, "pg_basebackup", ["-d", conninfo, "-D", dataDir, "-R", "-X", "stream", "-c", "fast"]);
  }
  const node = await startNode(options.applicationName, dataDir, from.superuserPassword, {
    ...options,
    // A standby is never synchronous to anyone until promoted.
    settings: { synchronous_standby_names: "", ...options.settings },
  });
  // Streaming, not just restored: the primary sees its walsender.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = await query<{ n: number }>(
      from.superuserUrl(),
      "select count(*)::int as n from pg_stat_replication where application_name = $1 and state = 'streaming'",
      [options.applicationName],
    ).catch(() => [{ n: 0 }]);
    if (rows[0]!.n > 0) break;
    if (Date.now() > deadline) {
      await node.stop();
      throw new Error(`standby ${options.applicationName} did not start streaming within 30 s`);
    }
    await sleep(100);
  }
  return node;
}
