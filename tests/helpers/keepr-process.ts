// Runs Keepr as a user does (`node main.ts`, what `npm start` runs)
// in its own process, on a data directory and ports of the caller's choosing.
// Used by the end-to-end tests and by `npm run bench -- start`.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isRunning } from "../../core/embedded-postgres.ts";

const root = path.resolve(import.meta.dirname, "../..");

export interface KeeprProcess {
  child: ChildProcess;
  url: string;
  readyMs: number;
  output(): string;
}

export function makeDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "keepr-run-"));
  chmodSync(dir, 0o755); // the postgres OS user (when we run as root) must reach it
  return dir;
}

/** A bench's data directory: --data-dir's (created if missing, kept afterwards), else a throwaway one. */
export function benchDataDir(option: string | undefined): { dataDir: string; keepDataDir: boolean } {
  if (option === undefined) return { dataDir: makeDataDir(), keepDataDir: false };
  const dataDir = path.resolve(option);
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o755); // the postgres OS user (when we run as root) must reach it
  return { dataDir, keepDataDir: true };
}

export { freePort } from "../../ops/cluster/processes.ts";

/** Starts Keepr and resolves once /readyz answers 200 (readyMs: from spawn to ready). */
export async function startKeepr(options: {
  dataDir: string; port: number; pgPort: number; env?: Record<string, string>;
  /** Node's own options before main.ts (a bench's --keepr-node-args, e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Another checkout of Keepr to run (a bench's baseline, e.g. a git worktree of an earlier commit); default this one. */
  root?: string;
}): Promise<KeeprProcess> {
  const began = performance.now();
  let output = "";
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "main.ts"], {
    cwd: options.root ?? root,
    env: {
      ...process.env,
      NODE_ENV: "development",
      DATA_DIR: options.dataDir,
      PORT: String(options.port),
      EMBEDDED_PG_PORT: String(options.pgPort),
      LOG_LEVEL: "warn",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, like a program started in a terminal.
    detached: true,
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${options.port}`;
  while (performance.now() - began < 60_000) {
    if (child.exitCode !== null) throw new Error(`Keepr exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    if (ready) return { child, url, readyMs: Math.round(performance.now() - began), output: () => output };
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGKILL");
  throw new Error(`Keepr was not ready within 60 s:\n${output}`);
}

/** The pid in the embedded cluster's postmaster.pid, or null when none is running. */
export function postmasterPid(dataDir: string): number | null {
  const file = path.join(dataDir, "pg", "postmaster.pid");
  return existsSync(file) ? Number(readFileSync(file, "utf8").split("\n")[0]) : null;
}

/** Gives the OS a moment to reap an exiting process, then says whether it still runs. */
export async function stillRunningAfter(pid: number, ms = 3_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isRunning(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return isRunning(pid);
}

/**
 * Sends the signal (to the whole process group when `group`, as Ctrl-C in a
 * terminal does) and resolves with the exit code once the process is gone.
 */
export async function stopKeepr(running: KeeprProcess, signal: NodeJS.Signals, options: { group?: boolean } = {}): Promise<number | null> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return running.child.exitCode;
  const exited = new Promise<number | null>((resolve) => running.child.once("exit", (code) => resolve(code)));
  if (options.group) process.kill(-running.child.pid!, signal);
  else running.child.kill(signal);
  return exited;
}
