// Runs `npm run worker` (node worker/main.ts) as its own process against a
// test database, for tests that kill it (SIGKILL) in the middle of its jobs.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestDatabase } from "./db.ts";

const root = path.resolve(import.meta.dirname, "../..");

/** The worker, its log silent unless `output` is given (then it receives stdout and stderr). */
export function spawnWorker(db: TestDatabase, env: Record<string, string> = {}, output?: (text: string) => void): ChildProcess {
  const child = spawn(process.execPath, ["worker/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      DATA_DIR: mkdtempSync(path.join(tmpdir(), "keepr-worker-")),
      DATABASE_URL: db.ownerUrl,
      AUTH_DATABASE_URL: db.authenticatorUrl,
      JWT_SECRET: db.jwtSecret,
      WORKER_DEAD_AFTER_SECONDS: "2",
      WORKER_CONCURRENCY: "4",
      ...env,
    },
    stdio: output ? ["ignore", "pipe", "pipe"] : "ignore",
  });
  if (output) {
    child.stdout!.on("data", (data: Buffer) => output(data.toString("utf8")));
    child.stderr!.on("data", (data: Buffer) => output(data.toString("utf8")));
  }
  return child;
}

/** SIGKILL, and wait until the process is gone. */
export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

/** SIGTERM (a clean stop: jobs in hand finish, outcomes are flushed), and wait until the process is gone. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
