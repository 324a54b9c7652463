// GET /admin/api/system — the staff console's System page (owners and
// managers): the SLOs computed from this process's metrics (prom-client's
// registry, the figures /metrics exports; shared/slos.ts does the
// arithmetic, the same the Prometheus rules and the CI budget run use), the
// job queue and the channel feeds read with the same SQL as their metrics
// (core/metrics.ts), failing jobs, realtime and the database pools.
//
// Who may read it: a staff token whose user is owner or manager of at least
// one property (anonymous: 401; a guest or another role: 403). Nothing of
// another tenant leaks: service figures are aggregates (counts, latencies);
// what belongs to a property (a failing job tied to it through its job key,
// a channel feed) is listed only for the caller's properties, and errors
// are cleaned of addresses, numbers and tokens (cleanError).
import express, { type Request, type Response, type Router } from "express";
import type pg from "pg";
import { register } from "prom-client";
import { AuthError, identify, pgSettingsFor } from "../core/auth.ts";
import type { Logger } from "../core/logger.ts";
import { channelFeedQuery, jobQueueQuery, replicationSlotQuery, type JobQueueRow } from "../core/metrics.ts";
import { inTransaction } from "../core/sql.ts";
import {
  histogramOf, metricsBetween, metricsByName, operationLatency, quantile, sloMetrics, sloStatuses, slos, sumOf,
  type MetricJson, type SloStatus,
} from "../shared/slos.ts";
import type {
  Figure, SystemFailingJob, SystemFeed, SystemFeedState, SystemJobTask, SystemOperation, SystemReport, SystemSlo, SystemWindow,
} from "../shared/system.ts";
import { sendError } from "./errors.ts";

const metricNames = {
  realtimeLag: "keepr_realtime_commit_to_send_seconds",
  realtimeSockets: "keepr_realtime_sockets",
  realtimeChannels: "keepr_realtime_channels",
  pools: "keepr_db_pool_connections",
} as const;

/** The counters and histograms the windows are computed from. */
const windowed = [...Object.values(sloMetrics), metricNames.realtimeLag];

/** This process's current values of some metrics (each read alone: no scrape-time database query runs). */
async function readMetrics(names: readonly string[]): Promise<MetricJson[]> {
  const found = await Promise.all(names.map(async (name) => (await register.getSingleMetric(name)?.get()) as MetricJson | undefined));
  return found.filter((m): m is MetricJson => m !== undefined);
}

// ---------------------------------------------------------------------------
// The last hour: a reading of the windowed metrics every minute, an hour of them kept
// ---------------------------------------------------------------------------

const processStartedAt = Date.now() - process.uptime() * 1000;
const samples: Array<{ at: number; metrics: MetricJson[] }> = [];
let sampler: NodeJS.Timeout | undefined;

function startSampler(): void {
  if (sampler) return;
  const take = () => {
    readMetrics(windowed).then((metrics) => {
      const at = Date.now();
      samples.push({ at, metrics });
      while (samples.length && samples[0]!.at < at - 61 * 60_000) samples.shift();
    }, () => {});
  };
  take();
  sampler = setInterval(take, 60_000);
  sampler.unref();
}

/**
 * The reading the recent window starts from: the oldest of the last hour
 * (readings are a minute apart, so about an hour old). None while the
 * process is younger than an hour, or when no reading is that recent: the
 * window is then the process's whole life.
 */
export function hourAgo<T extends { at: number }>(readings: readonly T[], now: number, startedAt: number): T | undefined {
  if (now - startedAt < 60 * 60_000) return undefined;
  return readings.find((r) => r.at >= now - 60 * 60_000 - 30_000);
}

// ---------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------

const figure = (x: number | undefined): Figure => (x === undefined || !Number.isFinite(x) ? null : x);

function sloOf(status: SloStatus): SystemSlo {
  const slo = slos.find((s) => s.id === status.id)!;
  return {
    id: status.id, title: status.title, promise: status.promise, internal: status.internal, kind: slo.kind,
    events: status.events, bad: status.bad, sli: figure(status.sli),
    objective: status.objective, internalObjective: status.internalObjective,
    ...(slo.kind === "latency" ? { p95: figure(status.p95), threshold: slo.threshold, internalThreshold: slo.internalThreshold } : {}),
    budgetSpent: figure(status.budgetSpent), state: status.state, internalMet: status.internalMet,
  };
}

function windowOf(metrics: MetricJson[], kind: SystemWindow["kind"], seconds: number): SystemWindow {
  const operations: SystemOperation[] = [];
  for (const slo of slos) {
    if (slo.kind !== "latency") continue;
    for (const operation of slo.operations) {
      const latency = operationLatency(metrics, operation);
      if (latency.count > 0) operations.push({ operation, slo: slo.id, count: latency.count, p50: figure(latency.p50), p95: figure(latency.p95), threshold: slo.threshold });
    }
  }
  return { kind, seconds: Math.round(seconds), slos: sloStatuses(metrics).map(sloOf), operations };
}

/** An UPPER_SNAKE code, or an error's name ("TypeError"), the message starts with or names. */
export function errorCodeOf(message: string): string | null {
  return /\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/.exec(message)?.[1] ?? /^([A-Z][A-Za-z]*Error)\b/.exec(message)?.[1] ?? null;
}

/**
 * An error message fit to show staff of the property: no email address,
 * phone or card number, no URL's path or query (a feed's secret token),
 * no long token; one line of at most 300 characters.
 */
export function cleanError(message: string): string {
  const cleaned = message
    .split("\n")[0]!
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/([^/\s?#]+)[^\s]*/gi, (_m, host: string) => `${host.replace(/^[^@]*@/, "")}/…`)
    .replace(/[^\s@<>()"',;]+@[^\s@<>()"',;]+\.[a-z]{2,}/gi, "[email]")
    .replace(/\+?\d[\d .()-]{6,}\d/g, "[number]")
    .replace(/\b[A-Za-z0-9_-]{24,}\b/g, "[token]")
    .trim();
  return cleaned.length > 300 ? `${cleaned.slice(0, 299)}…` : cleaned;
}

/**
 * Failing jobs (an error recorded: retrying, or out of attempts) from
 * graphile-worker's jobs view, each tied to a property through its job key
 * (`payment_attempt:<id>`, `channel_feed:<id>`, …: the row it works on);
 * jobs without such a key (notifications, welcome emails, crons) belong to
 * no property here.
 */
const failingJobs = `
  with failing as (
    select j.task_identifier::text as task, j.attempts, j.max_attempts, j.last_error, j.run_at, j.updated_at,
           split_part(j.key, ':', 1) as kind,
           case when split_part(j.key, ':', 2) ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                then split_part(j.key, ':', 2)::uuid end as row_id
      from graphile_worker.jobs j
     where j.last_error is not null
  ), tied as (
    select f.*,
           case f.kind
             when 'payment_attempt' then (select a.property_id from app_public.payment_attempts a where a.id = f.row_id)
             when 'refund' then (select r.property_id from app_public.refunds r where r.id = f.row_id)
             when 'payment_deadline' then (select r.property_id from app_public.reservations r where r.id = f.row_id)
             when 'invoice_delivery' then (select d.property_id from app_public.invoice_deliveries d where d.id = f.row_id)
             when 'channel_feed' then (select c.property_id from app_public.channel_feeds c where c.id = f.row_id)
             when 'channel_conflict' then (select c.property_id from app_public.channel_conflicts c where c.id = f.row_id)
             when 'export' then (select e.property_id from app_public.exports e where e.id = f.row_id)
           end as property_id
      from failing f
  )`;

/** The caller's failing jobs ($1: their properties), newest first, at most 50. */
const myFailingJobsQuery = `${failingJobs}
  select t.task, t.attempts, t.max_attempts, t.last_error, t.run_at, t.updated_at, p.name as property_name
    from tied t
    join app_public.properties p on p.id = t.property_id
   where t.property_id = any($1::uuid[])
   order by t.updated_at desc
   limit 50`;

/** The other failing jobs (another property's, or no property's), counted by task. */
const otherFailingJobsQuery = `${failingJobs}
  select t.task, count(*)::int as count
    from tied t
   where t.property_id is null or not (t.property_id = any($1::uuid[]))
   group by t.task
   order by t.task`;

/** The caller's feeds that need attention, in the states the keepr_channel_feeds gauge counts (core/metrics.ts). */
const feedsQuery = `
  select p.name as property_name, u.name as unit_name, f.name as feed_name, f.source::text as source,
         f.consecutive_failures, f.last_success_at, f.last_error_at, f.last_error,
         case
           when exists (select 1 from app_private.channel_feed_pending_changes c where c.feed_id = f.id) then 'waiting_to_confirm'
           when f.last_error is not null then 'failing'
           when coalesce(f.last_success_at, f.created_at) < now() - make_interval(mins => 3 * f.poll_interval_minutes) then 'stale'
           else 'ok'
         end as state
    from app_public.channel_feeds f
    join app_public.properties p on p.id = f.property_id
    join app_public.units u on u.id = f.unit_id
   where f.property_id = any($1::uuid[]) and f.is_active
   order by p.name, u.name, f.name`;

interface Deps {
  apiPool: pg.Pool;
  ownerPool: pg.Pool;
  jwtSecret: string;
  logger: Logger;
}

const readOnly = { readOnly: true, settings: { statement_timeout: "3000" } } as const;

async function report(deps: Deps, properties: Array<{ id: string; name: string }>): Promise<SystemReport> {
  const now = Date.now();
  const current = await readMetrics(windowed);
  const before = hourAgo(samples, now, processStartedAt);
  const recent = before
    ? windowOf(metricsBetween(current, before.metrics), "last_hour", (now - before.at) / 1000)
    : windowOf(current, "since_start", (now - processStartedAt) / 1000);
  const sinceStart = windowOf(current, "since_start", (now - processStartedAt) / 1000);
  const byName = metricsByName(current);
  const propertyIds = properties.map((p) => p.id);

  const { queue, mine, elsewhere, feedCounts, feeds, slots } = await inTransaction(deps.ownerPool, readOnly, async (c) => ({
    queue: (await c.query<JobQueueRow>(jobQueueQuery)).rows,
    mine: (await c.query<{
      task: string; attempts: number; max_attempts: number; last_error: string; run_at: Date; updated_at: Date; property_name: string;
    }>(myFailingJobsQuery, [propertyIds])).rows,
    elsewhere: (await c.query<{ task: string; count: number }>(otherFailingJobsQuery, [propertyIds])).rows,
    feedCounts: (await c.query<{ state: SystemFeedState; feeds: number }>(channelFeedQuery)).rows,
    feeds: (await c.query<{
      property_name: string; unit_name: string; feed_name: string; source: string; consecutive_failures: number;
      last_success_at: Date | null; last_error_at: Date | null; last_error: string | null; state: SystemFeedState;
    }>(feedsQuery, [propertyIds])).rows,
    slots: (await c.query<{ slot: string; lag: number }>(replicationSlotQuery)).rows,
  }));

  // Job runs are counted where the worker runs: in this process under npm start.
  const workerHere = byName.has(sloMetrics.jobRuns) && (byName.get(sloMetrics.jobRuns)?.values.length ?? 0) > 0;
  const tasks: SystemJobTask[] = queue
    .map((row) => ({
      task: row.task, runnable: row.runnable, locked: row.locked, scheduled: row.scheduled, failedPermanently: row.failed_permanently,
      oldestRunnableSeconds: Math.round(row.oldest_runnable_seconds),
      runs: workerHere ? sumOf(byName, sloMetrics.jobRuns, (l) => l.task === row.task) : null,
      failures: workerHere ? sumOf(byName, sloMetrics.jobRuns, (l) => l.task === row.task && l.outcome === "failure") : null,
    }))
    .sort((a, b) => a.task.localeCompare(b.task));

  const failingJobs: SystemFailingJob[] = mine.map((j) => ({
    task: j.task, propertyName: j.property_name, state: j.attempts >= j.max_attempts ? "failed" : "retrying",
    attempts: j.attempts, maxAttempts: j.max_attempts, errorCode: errorCodeOf(j.last_error), error: cleanError(j.last_error),
    nextRunAt: j.run_at.toISOString(), updatedAt: j.updated_at.toISOString(),
  }));

  const counts = { ok: 0, failing: 0, stale: 0, waiting_to_confirm: 0, paused: 0 } as Record<SystemFeedState, number>;
  for (const row of feedCounts) if (row.state in counts) counts[row.state] = row.feeds;
  const attention: SystemFeed[] = feeds
    .filter((f): f is typeof f & { state: SystemFeed["state"] } => f.state === "failing" || f.state === "stale" || f.state === "waiting_to_confirm")
    .map((f) => ({
      propertyName: f.property_name, unitName: f.unit_name, feedName: f.feed_name, source: f.source, state: f.state,
      consecutiveFailures: f.consecutive_failures, lastSuccessAt: f.last_success_at?.toISOString() ?? null,
      lastErrorAt: f.last_error_at?.toISOString() ?? null, lastError: f.last_error === null ? null : cleanError(f.last_error),
    }));

  const gauges = metricsByName(await readMetrics([metricNames.realtimeSockets, metricNames.realtimeChannels, metricNames.pools]));
  const recentMetrics = before ? metricsBetween(current, before.metrics) : current;
  const lag = histogramOf(metricsByName(recentMetrics), metricNames.realtimeLag);
  const poolNames = [...new Set((gauges.get(metricNames.pools)?.values ?? []).map((v) => String(v.labels.pool)))].sort();

  return {
    generatedAt: new Date(now).toISOString(),
    processStartedAt: new Date(processStartedAt).toISOString(),
    properties,
    recent,
    sinceStart,
    jobs: {
      workerHere,
      tasks,
      failing: failingJobs,
      failingElsewhere: elsewhere,
    },
    feeds: { counts, attention },
    realtime: {
      sockets: gauges.has(metricNames.realtimeSockets) ? sumOf(gauges, metricNames.realtimeSockets) : null,
      channels: gauges.has(metricNames.realtimeChannels) ? sumOf(gauges, metricNames.realtimeChannels) : null,
      lagP95: figure(quantile(lag, 0.95)),
      changesSent: lag.count,
      slots: slots.map((s) => ({ slot: s.slot, lagBytes: s.lag })),
    },
    pools: poolNames.map((pool) => {
      const of = (state: string) => sumOf(gauges, metricNames.pools, (l) => l.pool === pool && l.state === state);
      return { pool, inUse: of("in_use"), idle: of("idle"), waiting: of("waiting") };
    }),
  };
}

export function systemRouter(deps: Deps): Router {
  startSampler();
  const router = express.Router();
  router.get("/", async (req: Request, res: Response) => {
    res.setHeader("cache-control", "private, no-store");
    let identity;
    try {
      identity = identify(req.header("authorization"), deps.jwtSecret);
    } catch (error) {
      if (error instanceof AuthError) return sendError(res, 401, error.code, error.message);
      throw error;
    }
    if (identity.kind !== "user") return sendError(res, 401, "LOGIN_REQUIRED", "Sign in as an owner or a manager to see the system's status.");
    if (identity.role !== "keepr_staff") return sendError(res, 403, "ACCESS_DENIED", "Only owners and managers see the system's status.");
    try {
      // The caller's properties as owner or manager, asked as the caller (their session must be live).
      const { userId, properties } = await inTransaction(deps.apiPool, { readOnly: true, settings: pgSettingsFor(identity, req.requestId!) }, async (c) => ({
        userId: (await c.query<{ id: string | null }>("select app_hidden.current_user_id() as id")).rows[0]!.id,
        properties: (await c.query<{ id: string; name: string }>(
          "select p.id, p.name from app_public.properties p where p.id in (select app_hidden.current_property_ids_for('managers')) order by p.name",
        )).rows,
      }));
      if (!userId) return sendError(res, 401, "LOGIN_REQUIRED", "Your session has ended; sign in again.");
      if (properties.length === 0) return sendError(res, 403, "ACCESS_DENIED", "Only owners and managers see the system's status.");
      res.json(await report(deps, properties));
    } catch (error) {
      req.log.error({ err: error }, "system status failed");
      sendError(res, 500, "INTERNAL", "An unexpected error occurred. It has been logged.");
    }
  });
  return router;
}
