// A real PgBouncer (Debian's, 1.18 here: no protocol-level prepared
// statements) in front of a test database, in transaction mode by default,
// for tests of Keepr behind a transaction pooler, configured as npm run
// cluster configures its own (ops/cluster/pgbouncer.ts pgbouncerConfig). It runs as the `postgres`
// OS user when the tests run as root (PgBouncer refuses root), in a
// keepr-test-* temp dir, and listens on the first free port from 55200.
// Logins: the users given, with their passwords in plain text in its
// auth_file (so it can log in to Postgres with SCRAM on their behalf).
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { postgresUser } from "../../core/embedded-postgres.ts";
import { pgbouncerConfig } from "../../ops/cluster/pgbouncer.ts";

export const pgbouncerBinary = "/usr/sbin/pgbouncer";

export interface PgBouncer {
  port: number;
  /** Its process id (for CPU readings). */
  pid: number;
  /** url with its host and port replaced by PgBouncer's (same user, password and database). */
  urlFor(url: string): string;
  /** PgBouncer's log so far. */
  log(): string;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /** A URL of the database to pool (its host, port and database name are used). */
  databaseUrl: string;
  /** The logins clients may use, as URLs (user and password are used). */
  logins: string[];
  poolMode?: "session" | "transaction";
  /** Server connections per user and database. */
  poolSize?: number;
}

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });

export async function freePortFrom(first: number, last: number): Promise<number> {
  // Start at a random place so two test files rarely race for the same port.
  const span = last - first + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = first + ((start + i) % span);
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port in ${first}-${last}`);
}

const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;

export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncer> {
  const target = new URL(options.databaseUrl);
  const database = decodeURIComponent(target.pathname.slice(1));
  const dir = mkdtempSync(path.join(tmpdir(), "keepr-test-pgbouncer-"));
  chmodSync(dir, 0o755);
  const port = await freePortFrom(55200, 55299);
  const users = options.logins.map((url) => new URL(url)).map((u) => [decodeURIComponent(u.username), decodeURIComponent(u.password)] as const);
  const files = {
    ini: path.join(dir, "pgbouncer.ini"),
    users: path.join(dir, "userlist.txt"),
    log: path.join(dir, "pgbouncer.log"),
  };
  writeFileSync(files.users, users.map(([user, password]) => `${quote(user)} ${quote(password)}\n`).join(""), { mode: 0o600 });
  writeFileSync(
    files.ini,
    pgbouncerConfig({
      port,
      upstream: { host: target.hostname, port: Number(target.port || 5432) },
      database,
      authFile: files.users,
      poolMode: options.poolMode ?? "transaction",
      poolSize: options.poolSize ?? 2,
      maxClientConnections: 500,
      logFile: files.log,
      unixSocketDir: dir,
      // Only what PgBouncer 1.18 would refuse and node-postgres always sends: Keepr's pools send no other startup parameter in transaction mode.
      ignoreStartupParameters: ["extra_float_digits"],
    }),
  );
  const owner = postgresUser();
  if (owner) for (const file of [dir, files.ini, files.users]) chownSync(file, owner.uid, owner.gid);
  const child: ChildProcess = spawn(pgbouncerBinary, [files.ini], { stdio: ["ignore", "pipe", "pipe"], ...(owner ?? {}) });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const log = () => {
    try {
      return output + readFileSync(files.log, "utf8");
    } catch {
      return output;
    }
  };
  // Ready once it accepts connections.
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited with ${child.exitCode}:\n${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`pgbouncer did not listen within 15 s:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    port,
    pid: child.pid!,
    urlFor(url: string) {
      const u = new URL(url);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
