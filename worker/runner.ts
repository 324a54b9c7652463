// graphile-worker inside Keepr: the task list, its logger, start and stop.
// The queue lives in the same database; jobs are added by the same
// transaction as the change that causes them.
import { EventEmitter } from "node:events";
import { Logger as WorkerLogger, parseCrontab, run, type Runner, type Task, type TaskList, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import { createSimulatedProviderClient, fetchSettlementCsv } from "../payments/simulated/client.ts";
import { paymentSecretsOf } from "../payments/secrets.ts";
import type { Config } from "../core/config.ts";
import { hearConnectionErrors } from "../core/database.ts";
import type { Logger } from "../core/logger.ts";
import { jobDuration, jobRuns, observeChannelFeeds, observeJobQueue, observePool, runnerRestarts, silentResets } from "../core/metrics.ts";
import { inSpan, SpanKind, tracingEnabled } from "../core/tracing.ts";
import { createMailer } from "./mailer.ts";
import { makeProcessPaymentAttempt } from "./tasks/process_payment_attempt.ts";
import { enforcePaymentDeadline } from "./tasks/enforce_payment_deadline.ts";
import { makeProcessRefund } from "./tasks/process_refund.ts";
import { makeReconcileSettlement } from "./tasks/reconcile_settlement.ts";
import { makeSendWelcomeEmail } from "./tasks/send_welcome_email.ts";
import { makeSendGuestSignInEmail } from "./tasks/send_guest_sign_in_email.ts";
import { makeNotifyChannelConflict } from "./tasks/notify_channel_conflict.ts";
import { createExportStore } from "../storage/export-store.ts";
import { makePurgeExpiredExports, makeRunExport } from "./tasks/run_export.ts";
import { makeSendNotification } from "./tasks/send_notification.ts";
import { makeSendInvoice } from "./tasks/send_invoice.ts";
import { makeSyncChannelFeed } from "./tasks/sync_channel_feed.ts";
import { sqlCronTasks } from "./tasks/sql_cron.ts";
import { createSmsSender } from "./sms.ts";
import { circuitChanges, MessageRefused, ProvidersUnavailable } from "./delivery.ts";
import { PaymentTransientError } from "../payments/provider.ts";
import { reportError } from "../core/error-reporting.ts";

/**
 * With tracing on, each job runs in its span ("job <task>"), a child of the
 * span that queued it: the traceparent app_private.add_job put in its
 * payload (`_trace`) from the transaction's keepr.traceparent. A job without
 * one (a crontab line, a job queued untraced) starts its own trace.
 */
export function tracedTasks(tasks: TaskList): TaskList {
  if (!tracingEnabled()) return tasks;
  return Object.fromEntries(
    Object.entries(tasks).flatMap(([name, task]) => !task ? [] : [[
      name,
      ((payload, helpers) => {
        const carried = (payload as { _trace?: unknown } | null)?._trace;
        return inSpan(
          `job ${name}`,
          {
            kind: SpanKind.CONSUMER,
            parent: typeof carried === "string" ? carried : undefined,
            attributes: {
              "messaging.system": "graphile_worker",
              "messaging.operation.type": "process",
              "keepr.job.task": name,
              "keepr.job.id": String(helpers.job.id),
              "keepr.job.attempt": helpers.job.attempts,
            },
          },
          async () => task(payload, helpers),
        );
      }) satisfies Task,
    ]]),
  );
}

export function makeTaskList(config: Config, jwtSecret: string): TaskList {
  return tracedTasks(makeTasks(config, jwtSecret));
}

/** With tracing on, each send of a mailer or SMS sender is a span of the job that sends it ("send email", "send sms"). */
function tracedSender<T extends { readonly kind: string; send(...args: never[]): Promise<unknown> }>(channel: "email" | "sms", sender: T): T {
  if (!tracingEnabled()) return sender;
  const send = (...args: never[]) =>
    inSpan(`send ${channel}`, { kind: SpanKind.CLIENT, attributes: { "keepr.notification.channel": channel, "keepr.notification.provider": sender.kind } }, () => sender.send(...args));
  return Object.assign(Object.create(sender) as T, { send });
}

function makeTasks(config: Config, jwtSecret: string): TaskList {
  const breaker = { failures: config.PROVIDER_BREAKER_FAILURES, resetMs: config.PROVIDER_BREAKER_RESET_MS };
  const mailer = tracedSender("email", createMailer({
    smtpUrl: config.SMTP_URL, smtpFallbackUrl: config.SMTP_FALLBACK_URL, timeoutMs: config.SMTP_TIMEOUT_MS,
    outboxDir: config.outboxDir, from: config.MAIL_FROM, breaker,
  }));
  const sms = tracedSender("sms", createSmsSender({
    smsUrl: config.SMS_URL, smsFallbackUrl: config.SMS_FALLBACK_URL, timeoutMs: config.SMS_TIMEOUT_MS,
    outboxDir: `${config.outboxDir}/sms`, breaker,
  }));
  const { apiKey } = paymentSecretsOf(config, jwtSecret);
  const exportStore = createExportStore(config);
  const provider = createSimulatedProviderClient({ baseUrl: config.paymentProviderUrl, apiKey, timeoutMs: config.PAYMENT_PROVIDER_TIMEOUT_MS });
  return {
    ...sqlCronTasks,
    send_welcome_email: makeSendWelcomeEmail({ mailer, publicUrl: config.publicUrl }),
    send_guest_sign_in_email: makeSendGuestSignInEmail({ mailer, publicUrl: config.publicUrl }),
    send_notification: makeSendNotification({ mailer, sms, publicUrl: config.publicUrl, mailFrom: config.MAIL_FROM }),
    sync_channel_feed: makeSyncChannelFeed({ allowInternalUrls: config.channelAllowInternalUrls }),
    run_export: makeRunExport({ store: exportStore }),
    purge_expired_exports: makePurgeExpiredExports({ store: exportStore }),
    notify_channel_conflict: makeNotifyChannelConflict({ mailer, publicUrl: config.publicUrl }),
    send_invoice: makeSendInvoice({ mailer }),
    process_payment_attempt: makeProcessPaymentAttempt({ provider }),
    enforce_payment_deadline: enforcePaymentDeadline,
    process_refund: makeProcessRefund({ provider }),
    reconcile_settlement: makeReconcileSettlement({
      provider: provider.name,
      fetchReport: (date) => fetchSettlementCsv(config.paymentProviderUrl, date, { apiKey }),
    }),
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
  "23 * * * * purge_guest_sign_ins ?id=purge_guest_sign_ins&max=3",
  "*/5 * * * * start_due_payments ?id=start_due_payments&max=3",
  "30 2 * * * reconcile_settlement ?id=reconcile_settlement&max=10",
  "* * * * * poll_channel_feeds ?id=poll_channel_feeds&max=3",
  "0 5 * * * schedule_housekeeping ?id=schedule_housekeeping&max=3",
  "5 * * * * night_audit ?id=night_audit&max=3",
  "*/15 * * * * record_due_no_shows ?id=record_due_no_shows&max=3",
  "*/10 * * * * queue_due_notifications ?id=queue_due_notifications&max=3",
  "40 * * * * purge_expired_exports ?id=purge_expired_exports&max=3",
].join("\n");

/**
 * Fetch due jobs in batches and record completions in batches: fewer
 * statements per job when the queue is busy (guest messages after a burst
 * of bookings). A killed process's batch is unlocked by the heartbeat, and
 * every task is safe to run twice.
 *
 * Completions are recorded at once and fetches are not delayed: batching
 * them (50 ms, measured in issue 23) took the worker's WAL waits from a
 * quarter to a sixth of its samples but changed no booking's p95, and with
 * it a failover of the primary made graphile-worker's local queue fail to
 * hand its jobs back and end the process (tests/cluster/topology.test.ts).
 */
export const workerPreset = (concurrency: number) => ({
  worker: {
    localQueue: { size: concurrency + 1 },
    completeJobBatchDelay: 0,
    failJobBatchDelay: 0,
  },
});

/** Backoff of a job runner that stopped by itself: 0.5 s, 1 s, 2 s, … up to 15 s between starts. */
const RUNNER_RESTART_FIRST_DELAY_MS = 500;
const RUNNER_RESTART_MAX_DELAY_MS = 15_000;
/**
 * How long a job pool may take to shut down before it is shut down
 * forcefully (its running jobs failed, to run again): one that shuts itself
 * down has lost Postgres and its jobs are failing anyway; one we stop gets
 * the time to finish what it runs, within the process's 20 s stop deadline.
 * A runner whose pool is not gone twice its grace later is abandoned.
 */
const FAILED_POOL_GRACE_MS = 3_000;
const STOPPED_POOL_GRACE_MS = 10_000;

export interface Worker {
  stop(): Promise<void>;
}

export async function startWorker(options: { config: Config; ownerUrl: string; jwtSecret: string; logger: Logger }): Promise<Worker> {
  const { config, ownerUrl, jwtSecret, logger } = options;
  const log = logger.child({ component: "worker" });
  const workerLogger = new WorkerLogger((scope) => (level, message, meta) => {
    const method = level === "warning" ? "warn" : level === "error" ? "error" : level === "debug" ? "debug" : "info";
    log[method]({ scope, ...meta }, message);
  });
  // Our own pool, so its errors are handled and it is closed before
  // Postgres stops.
  const pool = new pg.Pool({ connectionString: ownerUrl, max: config.WORKER_CONCURRENCY + 2, application_name: "keepr-worker", idleTimeoutMillis: config.DATABASE_POOL_IDLE_MS });
  const onError = (err: Error) => log.warn({ err }, "worker connection failed");
  hearConnectionErrors(pool, onError);
  // Liveness: every few seconds this process says which graphile-worker
  // pools are its own (a pool's id is what jobs.locked_by holds), and
  // unlocks the jobs of pools nobody has vouched for in
  // WORKER_DEAD_AFTER_SECONDS (a process that was killed), so their jobs run
  // again soon rather than after graphile-worker's 4 hours. A job that runs
  // long in a live process stays locked.
  const workerIds = new Set<string>();
  const events: WorkerEvents = new EventEmitter();
  events.on("pool:create", ({ workerPool }) => workerIds.add(workerPool.id));
  events.on("pool:release", ({ workerPool }) => workerIds.delete(workerPool.id));
  // Silent connections: a host that dies without closing its sockets (a
  // failover, a network partition) leaves every open connection waiting for
  // an answer that never comes, and graphile-worker waits with them
  // (node-postgres has no client-side timeout that frees a connection). When
  // a heartbeat has not been answered in WORKER_DEAD_AFTER_SECONDS —
  // by then the other worker processes treat this one as dead and run its
  // jobs — every connection of this process is closed: what waited on them
  // fails, graphile-worker's pool stops and is started again (below) on new
  // connections, and its LISTEN connects again.
  const clients = new Set<pg.PoolClient>();
  pool.on("connect", (client) => clients.add(client));
  pool.on("remove", (client) => clients.delete(client));
  const closeSilentConnections = () => {
    log.error({ seconds: config.WORKER_DEAD_AFTER_SECONDS, connections: clients.size }, "Postgres has not answered the worker's heartbeat: closing its connections and starting over");
    silentResets.inc();
    for (const client of clients) (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  };
  let beating = false;
  const heartbeat = async () => {
    if (beating) return;
    beating = true;
    // From before a connection is taken: a pool whose every connection
    // waits on a silent host has none to give.
    const watchdog = setTimeout(closeSilentConnections, config.WORKER_DEAD_AFTER_SECONDS * 1_000);
    try {
      const client = await pool.connect();
      let failure: Error | undefined;
      try {
        const { rows } = await client.query<{ unlocked: number }>("select app_private.worker_heartbeat($1, make_interval(secs => $2)) as unlocked", [
          [...workerIds],
          config.WORKER_DEAD_AFTER_SECONDS,
        ]);
        if (rows[0]!.unlocked > 0) log.warn({ workers: rows[0]!.unlocked }, "unlocked the jobs of workers that stopped without releasing them");
      } catch (err) {
        failure = err as Error;
        throw err;
      } finally {
        client.release(failure);
      }
    } catch (err) {
      log.warn({ err }, "worker heartbeat failed");
    } finally {
      clearTimeout(watchdog);
      beating = false;
    }
  };
  // Job health: each job's outcome, pickup delay (due → started) and run
  // time, counted per task and minute in app_private.job_minutes, flushed
  // every 2 s (reporting.job_health reads them).
  const started = new Map<string, number>();
  let outcomes: Array<{ task: string; at: string; ok: boolean; pickup_ms: number; run_ms: number }> = [];
  events.on("job:start", ({ job }) => started.set(job.id, Date.now()));
  events.on("job:complete", ({ job, error }) => {
    const now = Date.now();
    const start = started.get(job.id) ?? now;
    started.delete(job.id);
    jobRuns.inc({ task: job.task_identifier, outcome: error == null ? "success" : "failure" });
    jobDuration.observe({ task: job.task_identifier }, (now - start) / 1000);
    outcomes.push({
      task: job.task_identifier,
      at: new Date(now).toISOString(),
      ok: error == null,
      pickup_ms: Math.max(0, start - new Date(job.run_at).getTime()),
      run_ms: now - start,
    });
  });
  // A job that threw is an incident to report unless it is a provider's
  // outage or a provider refusing a message (an unknown mailbox), which are
  // retried or recorded and counted (keepr_notification_deliveries_total,
  // the payment attempts), not errors in Keepr.
  events.on("job:error", ({ job, error }) => {
    if (error instanceof PaymentTransientError || error instanceof ProvidersUnavailable || error instanceof MessageRefused) return;
    reportError(error, { where: "job", tags: { job_task: job.task_identifier, job_id: job.id, job_attempt: job.attempts } });
  });
  // A provider's circuit opening or closing is said in the log, once per change.
  const onCircuit = ({ channel, provider, state }: { channel: string; provider: string; state: string }) => {
    if (state === "open") log.warn({ channel, provider }, `the ${channel} provider ${provider} is failing: its circuit is open, messages go to the next provider`);
    else if (state === "closed") log.info({ channel, provider }, `the ${channel} provider ${provider} is back: its circuit is closed`);
    else log.info({ channel, provider }, `the ${channel} provider ${provider} gets the next message as a probe (half-open)`);
  };
  circuitChanges.on("change", onCircuit);
  const flushOutcomes = async () => {
    if (outcomes.length === 0) return;
    const batch = outcomes;
    outcomes = [];
    await pool.query("select app_private.record_job_runs($1)", [JSON.stringify(batch)]).catch((err) => log.warn({ err }, "job health not recorded"));
  };
  // Metrics: this pool's connections; the queue and the channel feeds read
  // when the registry is read (a scrape), through a pool of one connection
  // with a short statement timeout, which connects only then.
  const taskList = makeTaskList(config, jwtSecret);
  const metricsPool = new pg.Pool({
    connectionString: ownerUrl, max: 1, application_name: "keepr-metrics",
    statement_timeout: 2_000, connectionTimeoutMillis: 2_000, idleTimeoutMillis: 60_000,
  });
  hearConnectionErrors(metricsPool, onError);
  const forgetMetrics = [observePool("worker", pool), observeJobQueue(metricsPool, Object.keys(taskList)), observeChannelFeeds(metricsPool)];
  // The runner, kept running. graphile-worker's pool shuts itself down when
  // it cannot record a job's outcome (Postgres restarting, a failover): it
  // does not retry that ("queue is in an inconsistent state"; in 0.18.0 the
  // batch's retry loop leaves after the first failure,
  // https://github.com/graphile/worker/issues/636), and expects the process
  // to be restarted. Here a new runner is started in the same
  // process instead, with backoff while Postgres is unreachable, and the
  // jobs the stopped pool still held are unlocked at once (they are ours:
  // nothing of that pool runs any more); the heartbeat would unlock them
  // after WORKER_DEAD_AFTER_SECONDS otherwise. Tasks are safe to run again.
  //
  // graphile-worker 0.18.0 can also wait forever to shut a pool down: the
  // batcher of job outcomes counts what is pending wrongly once two batches
  // have failed (each later batch releases the first failure's backpressure
  // again, and the count goes below zero), and the pool's last step waits
  // for that count to be zero. Two batches fail together whenever Postgres
  // goes away under load (a failover: tests/worker/runner_failover.test.ts).
  // A pool still shutting down after its grace is shut down forcefully,
  // which settles it; a runner still not stopped after twice the grace is
  // treated as stopped.
  let stopping = false;
  let runner: Runner | undefined;
  events.on("pool:gracefulShutdown", ({ workerPool }) => {
    const graceMs = stopping ? STOPPED_POOL_GRACE_MS : FAILED_POOL_GRACE_MS;
    const shutdownOf = runner;
    const forceful = setTimeout(() => {
      log.warn({ pool: workerPool.id, graceMs }, "job pool still shutting down after its grace: shutting it down forcefully");
      Promise.resolve(workerPool.forcefulShutdown(`still shutting down after ${graceMs} ms`)).catch((err) => log.warn({ err }, "forceful shutdown of the job pool failed"));
    }, graceMs);
    const abandon = setTimeout(() => {
      if (stopping || !shutdownOf) return;
      void shutdownOf.stop().catch(() => undefined); // its cron, if still running
      runnerStopped(shutdownOf, ", and its pool never finished shutting down");
    }, 2 * graceMs);
    void workerPool.promise.catch(() => undefined).finally(() => {
      clearTimeout(forceful);
      clearTimeout(abandon);
    });
  });
  const runOptions = {
    events,
    pgPool: pool,
    concurrency: config.WORKER_CONCURRENCY,
    preset: workerPreset(config.WORKER_CONCURRENCY),
    noHandleSignals: true,
    pollInterval: 2_000,
    logger: workerLogger,
    taskList,
    parsedCronItems: parseCrontab(crontab),
  };
  const ownPools = new Set<string>();
  events.on("pool:create", ({ workerPool }) => ownPools.add(workerPool.id));
  runner = await run(runOptions);
  let restarting: Promise<void> | undefined;
  let wakeRestart: (() => void) | undefined;
  const restart = async (): Promise<void> => {
    const abandoned = [...ownPools];
    for (let attempt = 0; !stopping; attempt++) {
      const delayMs = Math.min(RUNNER_RESTART_MAX_DELAY_MS, RUNNER_RESTART_FIRST_DELAY_MS * 2 ** attempt);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        wakeRestart = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (stopping) return;
      try {
        const next = await run(runOptions);
        if (stopping) {
          await next.stop();
          return;
        }
        runner = next;
        supervise(next);
        log.info({ attempt: attempt + 1 }, "job runner started again");
        await pool
          .query("select graphile_worker.force_unlock_workers($1)", [abandoned])
          .then(() => abandoned.forEach((id) => ownPools.delete(id)))
          .catch((err) => log.warn({ err }, "the stopped runner's jobs were not unlocked: the heartbeat will"));
        return;
      } catch (err) {
        log.warn({ err, attempt: attempt + 1, retryInMs: Math.min(RUNNER_RESTART_MAX_DELAY_MS, RUNNER_RESTART_FIRST_DELAY_MS * 2 ** (attempt + 1)) }, "job runner could not start");
      }
    }
  };
  const runnerStopped = (current: Runner, how = "") => {
    if (stopping || current !== runner || restarting) return;
    runnerRestarts.inc();
    log.error(`job runner stopped by itself (its connection to Postgres failed)${how}: starting a new one`);
    restarting = restart().finally(() => (restarting = undefined));
  };
  // Settles (resolves, even after a failure) only when the runner stopped.
  const supervise = (current: Runner) => void current.promise.catch(() => undefined).then(() => runnerStopped(current));
  supervise(runner);
  await heartbeat();
  const heartbeatTimer = setInterval(heartbeat, Math.max(1_000, (config.WORKER_DEAD_AFTER_SECONDS * 1_000) / 3));
  const outcomesTimer = setInterval(flushOutcomes, 2_000);
  return {
    stop: async () => {
      clearInterval(heartbeatTimer);
      clearInterval(outcomesTimer);
      circuitChanges.off("change", onCircuit);
      stopping = true;
      wakeRestart?.();
      await restarting;
      await runner?.stop().catch((err) => log.debug({ err }, "job runner was already stopped"));
      await flushOutcomes();
      for (const forget of forgetMetrics) forget();
      await metricsPool.end();
      await pool.end();
    },
  };
}
