// What GET /admin/api/system answers (server/system.ts) and the console's
// System page reads (admin/src/features/system/): the service's SLOs, job
// queue, failing jobs, channel feeds and realtime, as one JSON document.
// Service-wide figures are aggregates (counts, latencies); items that belong
// to a property (a failing job tied to one, a feed) are listed only for the
// properties the caller manages. Types only.
import type { SloId } from "./slos.ts";

/** A figure that may be missing: null when nothing was measured (no event, no such metric in this process). */
export type Figure = number | null;

export interface SystemSlo {
  id: SloId;
  title: string;
  promise: string;
  internal: string;
  kind: "latency" | "ratio";
  /** Events in the window, and those that spent budget. */
  events: number;
  bad: number;
  /** Share of good events. */
  sli: Figure;
  /** The SLO's objective and Keepr's internal one, as shares (0.95 for a p95). */
  objective: number;
  internalObjective: number;
  /** Latency SLOs: the p95 in seconds, and the SLO's and internal target's bounds. */
  p95?: Figure;
  threshold?: number;
  internalThreshold?: number;
  /** The error budget the window spent, as a share of the budget (1 = all of it). */
  budgetSpent: Figure;
  state: "met" | "missed" | "no_data";
  internalMet: boolean | null;
}

export interface SystemOperation {
  operation: string;
  slo: SloId;
  count: number;
  p50: Figure;
  p95: Figure;
  /** The SLO's bound (seconds). */
  threshold: number;
}

export interface SystemWindow {
  /** "last_hour": the figures of the last hour (`seconds` long); "since_start": since the process started, `seconds` ago. */
  kind: "last_hour" | "since_start";
  seconds: number;
  slos: SystemSlo[];
  operations: SystemOperation[];
}

export interface SystemJobTask {
  task: string;
  runnable: number;
  locked: number;
  scheduled: number;
  failedPermanently: number;
  /** How long the oldest runnable job has waited (seconds; 0 when none waits). */
  oldestRunnableSeconds: number;
  /** Runs in this process since it started (null when this process runs no worker). */
  runs: Figure;
  failures: Figure;
}

export interface SystemFailingJob {
  task: string;
  propertyName: string;
  /** retrying: it will run again at nextRunAt; failed: out of attempts, it will not run again by itself. */
  state: "retrying" | "failed";
  attempts: number;
  maxAttempts: number;
  /** An UPPER_SNAKE code or error name the error starts with, when it has one. */
  errorCode: string | null;
  /** The error, without email addresses, phone numbers, URLs' paths or long tokens, at most 300 characters. */
  error: string;
  nextRunAt: string;
  updatedAt: string;
}

export type SystemFeedState = "ok" | "failing" | "stale" | "waiting_to_confirm" | "paused";

export interface SystemFeed {
  propertyName: string;
  unitName: string;
  feedName: string;
  source: string;
  state: Exclude<SystemFeedState, "ok" | "paused">;
  consecutiveFailures: number;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  /** The feed's last error, cleaned as a job's. */
  lastError: string | null;
}

export interface SystemReport {
  generatedAt: string;
  /** When this process started (its counters count from then). */
  processStartedAt: string;
  /** The properties whose items are listed (the caller's, as owner or manager). */
  properties: Array<{ id: string; name: string }>;
  /** The last hour (or since the process started), and since the process started. */
  recent: SystemWindow;
  sinceStart: SystemWindow;
  jobs: {
    /** Whether this process runs the worker (job runs are counted where the worker runs). */
    workerHere: boolean;
    tasks: SystemJobTask[];
    /** Failing jobs (retrying or out of attempts) tied to the caller's properties, newest first (at most 50). */
    failing: SystemFailingJob[];
    /** Failing jobs not tied to the caller's properties (other properties', or the service's own), counted by task. */
    failingElsewhere: Array<{ task: string; count: number }>;
  };
  feeds: {
    /** Every feed of the service, by state. */
    counts: Record<SystemFeedState, number>;
    /** The caller's feeds that are not ok (failing, stale, waiting to confirm). */
    attention: SystemFeed[];
  };
  /** This process's realtime service (none when it runs apart: then 0 and null). */
  realtime: {
    sockets: Figure;
    channels: Figure;
    /** Commit-to-send lag of the recent window: p95 (seconds) and how many changes were sent. */
    lagP95: Figure;
    changesSent: number;
    /** WAL each replication slot of the database holds (bytes). */
    slots: Array<{ slot: string; lagBytes: number }>;
  };
  pools: Array<{ pool: string; inUse: number; idle: number; waiting: number }>;
}
