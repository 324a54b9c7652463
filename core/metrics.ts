// Prometheus metrics (prom-client's default registry): Node's own
// (collectDefaultMetrics, prefix keepr_) and Keepr's, named by the metric
// contract of issue 19 (docs/operations.md, "Metrics"). Each process defines
// them once here and moves them where things happen (server/, worker/,
// realtime/); state that lives in Postgres (the job queue, channel feeds,
// replication slots) is read when Prometheus scrapes, cached for a few
// seconds, through a small pool with a short statement timeout: a collector
// that fails keeps its last values and counts the failure, and never fails
// the scrape.
//
// Exposure, safe by default: METRICS_PORT serves /metrics on a listener of
// its own (METRICS_HOST, default 127.0.0.1; no auth: keep that port
// private); METRICS_TOKEN serves /metrics on the main port behind
// `Authorization: Bearer <token>`; with neither, /metrics is 404.
//
// Labels are bounded: routes are patterns or fixed names, operations the
// root fields of the schema, codes the error-code registry, tasks the task
// list. No ids, emails, URLs or names of properties.
import { timingSafeEqual, createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type pg from "pg";
import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from "prom-client";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";

export { register };

/** Latency buckets (seconds) of every histogram: the SLO thresholds (0.6 s, 0.8 s) are bucket bounds. */
export const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.6, 0.8, 1, 2.5, 5, 10];

// Once per registry (a second call would register the same names twice).
if (register.getSingleMetric("keepr_process_cpu_seconds_total") === undefined) {
  collectDefaultMetrics({ prefix: "keepr_" });
  // Gauges named like counters, which `promtool check metrics` refuses; the
  // same figures are the sums of keepr_nodejs_active_{handles,requests,resources} by type.
  for (const name of ["keepr_nodejs_active_handles_total", "keepr_nodejs_active_requests_total", "keepr_nodejs_active_resources_total"]) {
    register.removeSingleMetric(name);
  }
}

// ---- HTTP and GraphQL (server/) --------------------------------------------

export const httpRequestDuration = new Histogram({
  name: "keepr_http_request_duration_seconds",
  help: "HTTP requests served by Keepr's express app, by method, route (a pattern or a fixed name, never a URL) and status.",
  labelNames: ["method", "route", "status"] as const,
  buckets: latencyBuckets,
});

export const graphqlOperationDuration = new Histogram({
  name: "keepr_graphql_operation_duration_seconds",
  help: "GraphQL requests that ran an operation, once each (retries included), by root field (several joined by +), type (query|mutation) and outcome (ok|error).",
  labelNames: ["operation", "type", "outcome"] as const,
  buckets: latencyBuckets,
});

export const apiErrors = new Counter({
  name: "keepr_api_errors_total",
  help: "Errors answered to clients, by client code (shared/error-codes.ts; INTERNAL for unexpected ones).",
  labelNames: ["code"] as const,
});

// ---- Business signals -----------------------------------------------------

export const bookingsConfirmed = new Counter({
  name: "keepr_bookings_total",
  help: "Bookings confirmed (confirmBooking answered a booking), by source: web (a guest) or staff.",
  labelNames: ["source"] as const,
});

export const soldOutAnswers = new Counter({
  name: "keepr_sold_out_total",
  help: "SOLD_OUT answers, by the operation (root field) that gave them.",
  labelNames: ["operation"] as const,
});

export const paymentAttempts = new Counter({
  name: "keepr_payment_attempts_total",
  help: "Calls to the payment provider, by kind (capture|authorize|refund) and outcome (succeeded|declined|failed).",
  labelNames: ["kind", "outcome"] as const,
});

/** The provider's webhook event types Keepr applies; any other type is counted as "other". */
export const paymentWebhookTypes = ["charge.authorized", "charge.captured", "charge.failed", "refund.succeeded", "refund.failed"] as const;

export const paymentWebhookEvents = new Counter({
  name: "keepr_payment_webhook_events_total",
  help: "Payment provider webhook deliveries, by event type and result (applied|duplicate|ignored|rejected|error).",
  labelNames: ["type", "result"] as const,
});

// ---- Jobs (worker/) ---------------------------------------------------------

export const jobRuns = new Counter({
  name: "keepr_job_runs_total",
  help: "Job runs by task and outcome (success|failure; a failure is retried until its attempts run out).",
  labelNames: ["task", "outcome"] as const,
});

export const runnerRestarts = new Counter({
  name: "keepr_worker_runner_restarts_total",
  help: "Job runners started again after stopping by themselves (graphile-worker's pool stops when it cannot record a job's outcome: Postgres restarting, a failover).",
});

export const silentResets = new Counter({
  name: "keepr_worker_silent_resets_total",
  help: "Times a worker process closed all its connections because Postgres did not answer its heartbeat within WORKER_DEAD_AFTER_SECONDS (a host gone silent).",
});

export const jobDuration = new Histogram({
  name: "keepr_job_duration_seconds",
  help: "How long a job run took, by task.",
  labelNames: ["task"] as const,
  buckets: latencyBuckets,
});

// ---- Realtime (realtime/) ---------------------------------------------------

// Read at scrape from the realtime servers of this process (added together).
const realtimeSources = new Set<() => { sockets: number; channels: number }>();
const realtimeTotal = (key: "sockets" | "channels") => [...realtimeSources].reduce((sum, read) => sum + read()[key], 0);

export const realtimeSockets = new Gauge({
  name: "keepr_realtime_sockets",
  help: "Websocket connections open on this realtime server.",
  collect() {
    this.set(realtimeTotal("sockets"));
  },
});

export const realtimeChannels = new Gauge({
  name: "keepr_realtime_channels",
  help: "Channels joined on this realtime server (one per socket and topic).",
  collect() {
    this.set(realtimeTotal("channels"));
  },
});

/** A realtime server reports its open sockets and joined channels; returns how to stop. */
export function observeRealtime(read: () => { sockets: number; channels: number }): () => void {
  realtimeSources.add(read);
  return () => {
    realtimeSources.delete(read);
  };
}

export const realtimeCommitToSend = new Histogram({
  name: "keepr_realtime_commit_to_send_seconds",
  help: "From a transaction's commit in Postgres to its change being sent on a websocket.",
  buckets: latencyBuckets,
});

// ---- The search cache (server/search-cache.ts) --------------------------------

export const searchCacheRequests = new Counter({
  name: "keepr_search_cache_requests_total",
  help: "Anonymous searchAvailability and quote requests the search cache saw, by outcome: hit (answered from it), coalesced (waited for the same answer being computed for another request), miss (computed, kept if no invalidation raced it), bypass (computed, the cache not trusted: feed silent, a read-your-writes LSN, a replica's answer).",
  labelNames: ["outcome"] as const,
});

export const searchCacheEntries = new Gauge({
  name: "keepr_search_cache_entries",
  help: "Answers the search cache holds.",
});

export const searchCacheInvalidations = new Counter({
  name: "keepr_search_cache_invalidations_total",
  help: "Messages of the feed applied, by kind: inv (tags of a transaction), reset (everything dropped: a new replication slot, a TRUNCATE, a feed that went silent or reconnected).",
  labelNames: ["kind"] as const,
});

export const searchCacheNotStored = new Counter({
  name: "keepr_search_cache_not_stored_total",
  help: "Computed answers the search cache refused to keep because an invalidation of what they read arrived while they were computed (the generation guard).",
});

export const searchCacheStaleness = new Histogram({
  name: "keepr_search_cache_staleness_seconds",
  help: "From a transaction's commit (its commit timestamp in the WAL) to its invalidation applied in this API process's search cache: how long a cached answer may be older than the data.",
  buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
});

export const searchCacheFeedUp = new Gauge({
  name: "keepr_search_cache_feed_up",
  help: "1 while the search cache's feed is heard (a heartbeat within SEARCH_CACHE_FEED_WINDOW_MS) and the cache is used; 0 while it is bypassed.",
});

export const searchCacheFeedDrops = new Counter({
  name: "keepr_search_cache_feed_dropped_total",
  help: "Messages on the search cache's NOTIFY channel that were dropped, by reason (malformed, forged, replayed, stale, invalid): another login notifying on it, another deployment, a replay.",
  labelNames: ["reason"] as const,
});

// ---- Collectors of state held in Postgres ------------------------------------

export const collectorErrors = new Counter({
  name: "keepr_metrics_collector_errors_total",
  help: "Scrape-time collectors that failed (their metrics keep their last values), by collector.",
  labelNames: ["collector"] as const,
});

/**
 * A scrape-time reading, shared by the gauges it fills: run at most once per
 * ttl, one run at a time, bounded by a timeout; on failure the gauges keep
 * their last values and keepr_metrics_collector_errors_total counts it.
 */
export class ScrapeCollector<T> {
  readonly name: string;
  #read: (() => Promise<T>) | null = null;
  readonly #apply: (value: T) => void;
  #readAt = 0;
  #running: Promise<void> | null = null;
  readonly #ttlMs: number;
  readonly #timeoutMs: number;

  constructor(name: string, apply: (value: T) => void, options: { ttlMs?: number; timeoutMs?: number } = {}) {
    this.name = name;
    this.#apply = apply;
    this.#ttlMs = options.ttlMs ?? 5_000;
    this.#timeoutMs = options.timeoutMs ?? 2_000;
  }

  /** Gives the collector its source (a process that has one); returns how to take it away again. */
  source(read: () => Promise<T>): () => void {
    this.#read = read;
    this.#readAt = 0;
    return () => {
      if (this.#read === read) this.#read = null;
    };
  }

  /** Forgets the cached reading: the next scrape reads again (tests). */
  invalidate(): void {
    this.#readAt = 0;
  }

  /** Called by the gauges' collect(): never rejects. */
  refresh(): Promise<void> {
    const read = this.#read;
    if (!read) return Promise.resolve();
    if (this.#running) return this.#running;
    if (performance.now() - this.#readAt < this.#ttlMs && this.#readAt > 0) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`collector ${this.name} took more than ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    this.#running = Promise.race([read(), timeout])
      .then((value) => {
        this.#apply(value);
        this.#readAt = performance.now();
      })
      .catch(() => {
        collectorErrors.inc({ collector: this.name });
        // Try again at the next scrape, not at once.
        this.#readAt = performance.now();
      })
      .finally(() => {
        clearTimeout(timer);
        this.#running = null;
      });
    return this.#running;
  }
}

// Pools: read at scrape from the pools this process registered (pools
// registered under one name are added together).
const pools = new Set<{ name: string; pool: pg.Pool }>();

/** The API's guest lane (server/admission.ts): anonymous read-only operations running in Postgres, and waiting their turn. */
export const guestLaneOperations = new Gauge({
  name: "keepr_api_guest_reads",
  help: "Anonymous read-only GraphQL operations of the guest lane (API_PUBLIC_READ_CONCURRENCY): running (on a connection) and waiting (their turn, holding none).",
  labelNames: ["state"] as const,
});

/** Staff first on Keepr's thread (server/admission.ts StaffFirst): staff requests in flight, and other requests held at the door meanwhile. */
export const staffFirstGauge = new Gauge({
  name: "keepr_api_staff_first",
  help: "Staff first (API_STAFF_FIRST_MS): staff requests in flight (staff_in_flight), and other requests held at the HTTP door until none is or they waited API_STAFF_FIRST_MS (held).",
  labelNames: ["state"] as const,
});

/** Requests held at the door and let go, by why: no staff request in flight any more (staff_done), or their wait was up (waited). */
export const guestsHeld = new Counter({
  name: "keepr_api_held_requests_total",
  help: "Requests held at the HTTP door while staff requests were in flight (API_STAFF_FIRST_MS), by why they were let go: staff_done or waited.",
  labelNames: ["released"] as const,
});

export const dbPoolConnections = new Gauge({
  name: "keepr_db_pool_connections",
  help: "Connections of each of Keepr's Postgres pools: in_use, idle, and waiting (requests queued for a connection).",
  labelNames: ["pool", "state"] as const,
  collect() {
    this.reset();
    const totals = new Map<string, { in_use: number; idle: number; waiting: number }>();
    for (const { name, pool } of pools) {
      const total = totals.get(name) ?? { in_use: 0, idle: 0, waiting: 0 };
      totals.set(name, total);
      if (pool.ended) continue;
      total.in_use += pool.totalCount - pool.idleCount;
      total.idle += pool.idleCount;
      total.waiting += pool.waitingCount;
    }
    for (const [name, total] of totals) {
      for (const state of ["in_use", "idle", "waiting"] as const) this.set({ pool: name, state }, total[state]);
    }
  },
});

/** Reports a pool's connections under a fixed name (api, owner, worker, realtime…); returns how to stop. */
export function observePool(name: string, pool: pg.Pool): () => void {
  const entry = { name, pool };
  pools.add(entry);
  return () => {
    pools.delete(entry);
  };
}

/** The job queue, by task, from graphile_worker's jobs view. */
export interface JobQueueRow {
  task: string;
  runnable: number;
  locked: number;
  scheduled: number;
  failed_permanently: number;
  oldest_runnable_seconds: number;
}

export const jobQueueOldestAge = new Gauge({
  name: "keepr_job_queue_oldest_age_seconds",
  help: "How long the oldest runnable job of each task has been due (0 when none is waiting).",
  labelNames: ["task"] as const,
  async collect() {
    await jobQueueCollector.refresh();
  },
});

export const jobsQueued = new Gauge({
  name: "keepr_jobs_queued",
  help: "Jobs in the queue by task and state: runnable (due, waiting for a worker), locked (running), scheduled (due later, retries included), failed_permanently (out of attempts).",
  labelNames: ["task", "state"] as const,
  async collect() {
    await jobQueueCollector.refresh();
  },
});

let knownTasks: readonly string[] = [];

export const jobQueueCollector = new ScrapeCollector<JobQueueRow[]>("job_queue", (rows) => {
  jobQueueOldestAge.reset();
  jobsQueued.reset();
  const byTask = new Map(rows.map((row) => [row.task, row]));
  for (const task of new Set([...knownTasks, ...byTask.keys()])) {
    const row = byTask.get(task);
    jobQueueOldestAge.set({ task }, row?.oldest_runnable_seconds ?? 0);
    for (const state of ["runnable", "locked", "scheduled", "failed_permanently"] as const) {
      jobsQueued.set({ task, state }, row?.[state] ?? 0);
    }
  }
});

/** The query the job queue collector runs (graphile_worker.jobs: the view its docs offer for reading the queue). */
export const jobQueueQuery = `
  select task_identifier as task,
         count(*) filter (where locked_at is null and attempts < max_attempts and run_at <= now())::int as runnable,
         count(*) filter (where locked_at is not null and attempts < max_attempts)::int as locked,
         count(*) filter (where locked_at is null and attempts < max_attempts and run_at > now())::int as scheduled,
         count(*) filter (where attempts >= max_attempts)::int as failed_permanently,
         coalesce(extract(epoch from now() - min(run_at) filter (where locked_at is null and attempts < max_attempts and run_at <= now())), 0)::float8
           as oldest_runnable_seconds
    from graphile_worker.jobs
   group by task_identifier`;

/** The worker reads the queue at scrape through `pool` and reports every task of its list (0 when none is queued). */
export function observeJobQueue(pool: pg.Pool, tasks: readonly string[]): () => void {
  knownTasks = tasks;
  return jobQueueCollector.source(async () => (await pool.query<JobQueueRow>(jobQueueQuery)).rows);
}

export const channelFeedStates = ["ok", "failing", "stale", "waiting_to_confirm", "paused"] as const;

export const channelFeeds = new Gauge({
  name: "keepr_channel_feeds",
  help: "Channel (iCal) feeds by state: ok, failing (last poll failed), stale (no good sync for 3 poll intervals), waiting_to_confirm (a fetch kept aside), paused (inactive).",
  labelNames: ["state"] as const,
  async collect() {
    await channelFeedCollector.refresh();
  },
});

export const channelFeedCollector = new ScrapeCollector<Array<{ state: string; feeds: number }>>("channel_feeds", (rows) => {
  channelFeeds.reset();
  for (const state of channelFeedStates) channelFeeds.set({ state }, rows.find((row) => row.state === state)?.feeds ?? 0);
});

/**
 * Each feed in one state, as app_public.channel_reconciliation reports
 * them (paused first, then waiting, failing, stale), except that a new
 * feed's grace period runs from its creation rather than being stale at once.
 */
export const channelFeedQuery = `
  select state, count(*)::int as feeds
    from (select case
                   when not f.is_active then 'paused'
                   when exists (select 1 from app_private.channel_feed_pending_changes p where p.feed_id = f.id) then 'waiting_to_confirm'
                   when f.last_error is not null then 'failing'
                   when coalesce(f.last_success_at, f.created_at) < now() - make_interval(mins => 3 * f.poll_interval_minutes) then 'stale'
                   else 'ok'
                 end as state
            from app_public.channel_feeds f) s
   group by state`;

export function observeChannelFeeds(pool: pg.Pool): () => void {
  return channelFeedCollector.source(async () => (await pool.query<{ state: string; feeds: number }>(channelFeedQuery)).rows);
}

export const replicationSlotLag = new Gauge({
  name: "keepr_replication_slot_lag_bytes",
  help: "WAL written since each replication slot of this database confirmed (pg_current_wal_lsn() - confirmed_flush_lsn), read at scrape.",
  labelNames: ["slot"] as const,
  async collect() {
    await replicationSlotCollector.refresh();
  },
});

export const replicationSlotCollector = new ScrapeCollector<Array<{ slot: string; lag: number }>>("replication_slots", (rows) => {
  replicationSlotLag.reset();
  for (const row of rows) replicationSlotLag.set({ slot: row.slot }, row.lag);
});

export const replicationSlotQuery = `
  select slot_name::text as slot,
         greatest(coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), coalesce(confirmed_flush_lsn, restart_lsn)), 0), 0)::float8 as lag
    from pg_replication_slots
   where database = current_database()`;

export function observeReplicationSlots(pool: pg.Pool): () => void {
  return replicationSlotCollector.source(async () => (await pool.query<{ slot: string; lag: number }>(replicationSlotQuery)).rows);
}

// ---- Read replicas (core/replicas.ts) ----------------------------------------

export const replicaLagSeconds = new Gauge({
  name: "keepr_replica_lag_seconds",
  help: "How far each read replica (host:port of REPLICA_DATABASE_URLS) is behind the primary, in seconds, as the API's replica monitor measures it (0 when it has replayed all the primary wrote; absent while unreachable).",
  labelNames: ["replica"] as const,
});

export const replicaLagBytes = new Gauge({
  name: "keepr_replica_lag_bytes",
  help: "WAL the primary has written that each read replica has not replayed (pg_current_wal_lsn() on the primary - pg_last_wal_replay_lsn() on the replica); absent while unreachable.",
  labelNames: ["replica"] as const,
});

export const replicaInRotation = new Gauge({
  name: "keepr_replica_in_rotation",
  help: "1 while the API reads from a replica, 0 while it is out of the rotation (lagging beyond REPLICA_MAX_LAG_SECONDS, unreachable, or not a standby).",
  labelNames: ["replica"] as const,
});

// ---- Exposure ---------------------------------------------------------------

/** The registry in Prometheus's text format. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: register.contentType, body: await register.metrics() };
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Whether an Authorization header carries the metrics token (compared in constant time, whatever its length). */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer +(\S+)$/i.exec(authorization ?? "");
  if (!match) return false;
  return timingSafeEqual(digest(match[1]!), digest(token));
}

/** Writes the metrics on a node:http response. */
export async function sendMetrics(res: ServerResponse): Promise<void> {
  const { contentType, body } = await metricsText();
  res.writeHead(200, { "content-type": contentType, "cache-control": "no-store", "x-content-type-options": "nosniff" });
  res.end(body);
}

/**
 * METRICS_PORT: /metrics on a listener of its own, no auth (the port is
 * meant for the scraper's network only; METRICS_HOST default 127.0.0.1).
 * Null when METRICS_PORT is unset.
 */
export async function startMetricsServer(config: Pick<Config, "METRICS_PORT" | "METRICS_HOST">, logger: Logger): Promise<{ server: Server; url: string; close(): Promise<void> } | null> {
  if (config.METRICS_PORT === undefined) return null;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/metrics" && (req.method === "GET" || req.method === "HEAD")) {
      sendMetrics(res).catch((err: unknown) => {
        logger.error({ err }, "metrics could not be rendered");
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end();
      });
      return;
    }
    res.writeHead(404, { "content-type": "text/plain", "x-content-type-options": "nosniff" });
    res.end("Not found: metrics are at /metrics\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.METRICS_PORT, config.METRICS_HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.METRICS_PORT;
  const host = config.METRICS_HOST.includes(":") ? `[${config.METRICS_HOST}]` : config.METRICS_HOST;
  const url = `http://${host}:${port}/metrics`;
  logger.info({ url }, "metrics served");
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
