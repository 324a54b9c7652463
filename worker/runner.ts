// graphile-worker inside Keepr: the task list, its logger, start and stop.
// The queue lives in the same database; jobs are added by the same
// transaction as the change that causes them.
import { Logger as WorkerLogger, parseCrontab, run, type Runner, type TaskList } from "graphile-worker";
import pg from "pg";
import type { Config } from "../server/config.ts";
import type { Logger } from "../server/logger.ts";
import { createMailer } from "./mailer.ts";
import { purgeIdempotencyKeys } from "./tasks/purge_idempotency_keys.ts";
import { releaseExpiredHolds } from "./tasks/release_expired_holds.ts";
import { makeSendWelcomeEmail } from "./tasks/send_welcome_email.ts";

export function makeTaskList(config: Config): TaskList {
  const mailer = createMailer({ smtpUrl: config.SMTP_URL, outboxDir: config.outboxDir, from: config.MAIL_FROM });
  return {
    send_welcome_email: makeSendWelcomeEmail({ mailer, publicUrl: config.publicUrl }),
    release_expired_holds: releaseExpiredHolds,
    purge_idempotency_keys: purgeIdempotencyKeys,
  };
}

/**
 * Recurring jobs. Each line names its task and has an explicit id, so a
 * renamed or moved line keeps its schedule history; none backfills missed
 * runs (catching up on cleanup is pointless).
 */
export const crontab = [
  "* * * * * release_expired_holds ?id=release_expired_holds&max=3",
  "17 * * * * purge_idempotency_keys ?id=purge_idempotency_keys&max=3",
].join("\n");

export interface Worker {
  stop(): Promise<void>;
}

export async function startWorker(options: { config: Config; ownerUrl: string; logger: Logger }): Promise<Worker> {
  const { config, ownerUrl, logger } = options;
  const log = logger.child({ component: "worker" });
  const workerLogger = new WorkerLogger((scope) => (level, message, meta) => {
    const method = level === "warning" ? "warn" : level === "error" ? "error" : level === "debug" ? "debug" : "info";
    log[method]({ scope, ...meta }, message);
  });
  // Our own pool, so its errors are handled and it is closed before
  // Postgres stops.
  const pool = new pg.Pool({ connectionString: ownerUrl, max: config.WORKER_CONCURRENCY + 2, application_name: "keepr-worker" });
  const onError = (err: Error) => log.warn({ err }, "worker connection failed");
  pool.on("error", onError);
  pool.on("connect", (client) => client.on("error", onError));
  const runner: Runner = await run({
    pgPool: pool,
    concurrency: config.WORKER_CONCURRENCY,
    noHandleSignals: true,
    pollInterval: 2_000,
    logger: workerLogger,
    taskList: makeTaskList(config),
    parsedCronItems: parseCrontab(crontab),
  });
  return {
    stop: async () => {
      await runner.stop();
      await pool.end();
    },
  };
}
