// graphile-worker inside Keepr: the task list, its logger, start and stop.
// The queue lives in the same database; jobs are added by the same
// transaction as the change that causes them.
import { Logger as WorkerLogger, run, type Runner, type TaskList } from "graphile-worker";
import type { Config } from "../server/config.ts";
import type { Logger } from "../server/logger.ts";
import { createMailer } from "./mailer.ts";
import { makeSendWelcomeEmail } from "./tasks/send_welcome_email.ts";

export function makeTaskList(config: Config): TaskList {
  const mailer = createMailer({ smtpUrl: config.SMTP_URL, outboxDir: config.outboxDir, from: config.MAIL_FROM });
  return {
    send_welcome_email: makeSendWelcomeEmail({ mailer, publicUrl: config.publicUrl }),
  };
}

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
  const runner: Runner = await run({
    connectionString: ownerUrl,
    concurrency: config.WORKER_CONCURRENCY,
    noHandleSignals: true,
    pollInterval: 2_000,
    logger: workerLogger,
    taskList: makeTaskList(config),
    crontab: "",
  });
  return { stop: () => runner.stop() };
}
