// The child processes of `npm run cluster` (Keepr's processes, PgBouncer,
// HAProxy): each in its own process group (a Ctrl-C in the terminal reaches
// the cluster command only, which stops them in order), its output in a log
// file of the cluster's directory, stopped by its pid.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer, connect } from "node:net";

export interface ChildProcessHandle {
  name: string;
  pid: number;
  logFile: string;
  /** The exit code (null when killed by a signal) once it has exited. */
  exited: Promise<number | null>;
  running(): boolean;
  /** Sends `signal` (default SIGTERM), SIGKILL to its group after timeoutMs; resolves once it has exited. Idempotent. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
  /** The last `chars` characters of its log. */
  tail(chars?: number): string;
}

export interface SpawnOptions {
  env: Record<string, string>;
  cwd?: string;
  logFile: string;
  /** Run as this uid/gid (the postgres OS user for pgbouncer when we are root). */
  user?: { uid: number; gid: number };
}

export function startChild(name: string, command: string, args: string[], options: SpawnOptions): ChildProcessHandle {
  const fd = openSync(options.logFile, "a");
  const child = (() => {
    try {
      return spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", fd, fd], ...options.user });
    } finally {
      closeSync(fd);
    }
  })();
  let done = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      done = true;
      resolve(code);
    });
    child.once("error", () => {
      done = true;
      resolve(null);
    });
  });
  let stopping: Promise<void> | null = null;
  const tail = (chars = 3000) => {
    try {
      return readFileSync(options.logFile, "utf8").slice(-chars);
    } catch {
      return "";
    }
  };
  return {
    name,
    pid: child.pid ?? -1,
    logFile: options.logFile,
    exited,
    running: () => !done,
    tail,
    stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 15_000) {
      return (stopping ??= (async () => {
        if (done) return;
        try {
          process.kill(child.pid!, signal);
        } catch {
          return;
        }
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, "SIGKILL");
          } catch {}
        }, timeoutMs);
        await exited;
        clearTimeout(timer);
      })());
    },
  };
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Polls `check` every 100 ms until it returns true; rejects after timeoutMs,
 * or at once when `child` has exited (with the end of its log).
 */
export async function waitFor(what: string, check: () => Promise<boolean>, options: { timeoutMs?: number; child?: ChildProcessHandle } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (options.child && !options.child.running()) throw new Error(`${what}: ${options.child.name} exited:\n${options.child.tail()}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${options.timeoutMs ?? 60_000} ms${options.child ? `:\n${options.child.tail()}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
