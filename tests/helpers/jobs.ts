// Runs every job that is due, once, with Keepr's own task list, over the
// test database's owner pool (which the test file ends before it drops the
// database, so no connection of graphile-worker's is left for the drop to
// cut). env is the configuration the tasks see (outbox, export store, …).
//
// Resolves once every job it ran is recorded: completed jobs deleted, failed
// ones with their last_error and new run_at. Unbatched (graphile-worker's
// default), a worker does not await the statement that records a job's
// outcome, and runOnce can resolve while it is still in flight; batched (as
// worker/runner.ts runs jobs), the pool's shutdown waits for the batches.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Logger, runOnce } from "graphile-worker";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { makeTaskList, startWorker, type Worker } from "../../worker/runner.ts";
import type { TestDatabase } from "./db.ts";

const silent = new Logger(() => () => {});

export function runDueJobs(db: TestDatabase, env: Record<string, string> = {}): Promise<void> {
  return runOnce({
    pgPool: db.ownerPool,
    logger: silent,
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    taskList: makeTaskList(loadConfig({ NODE_ENV: "test", PUBLIC_URL: "http://keepr.test", ...env }), db.jwtSecret),
  });
}

/** A new, empty dev outbox (OUTBOX_DIR): the mail the jobs send lands there as files. */
export const newOutbox = (): string => mkdtempSync(path.join(tmpdir(), "keepr-outbox-"));

/**
 * Keepr's worker, as npm start runs it, in this process against the test
 * database: its mail in outbox, payments through the test server's
 * simulated provider, two jobs at a time. Stop it before the database is
 * dropped.
 */
export function startTestWorker(db: TestDatabase, serverUrl: string, outbox: string): Promise<Worker> {
  return startWorker({
    config: loadConfig({
      NODE_ENV: "test", LOG_LEVEL: "silent", OUTBOX_DIR: outbox, PUBLIC_URL: serverUrl,
      PAYMENT_PROVIDER_URL: `${serverUrl}/simulated-provider`, WORKER_CONCURRENCY: "2", DATA_DIR: mkdtempSync(path.join(tmpdir(), "keepr-worker-")),
    }),
    ownerUrl: db.ownerUrl,
    jwtSecret: db.jwtSecret,
    logger: createLogger("silent"),
  });
}

/**
 * Makes every guest message due now, as if its day had come: the ones
 * waiting outside the job queue (a pre-arrival message days ahead:
 * app_public.notifications.awaiting_job) are brought forward and queued by
 * the cron's own function, and every queued send_notification job (a later
 * message, a retry) is rescheduled to now (graphile-worker's admin function).
 */
export async function makeMessagesDue(db: TestDatabase): Promise<void> {
  await db.ownerPool.query("update app_public.notifications set send_after = now() where awaiting_job");
  await db.ownerPool.query("select app_private.queue_due_notifications()");
  await db.ownerPool.query(
    "select graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs where task_identifier = 'send_notification' and run_at > now()), run_at => now())",
  );
}
