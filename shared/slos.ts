// Keepr's service level objectives, in one place, and the arithmetic that
// reads them from the metrics (the metric contract of docs/operations.md):
// the Prometheus rules (ops/prometheus/keepr-slos.rules.yml, generated from
// this file by tests/ops/prometheus_rules.test.ts), the CI budget run
// (tests/ops/slo_budget.test.ts) and the console's System page (through
// server/system.ts) all use these definitions, so the promise, the alert and
// the figure on the page cannot drift apart. docs/observability-slos.md says
// why each one is what it is. Runs in browsers and in Node (no DOM, no Node
// API, no prom-client: it reads the JSON shape prom-client's
// `register.getMetricsAsJSON()` returns).

/** The histogram buckets (seconds) of every latency metric; the SLO thresholds (0.6, 0.8) and internal targets are bucket bounds, so "within the threshold" is counted exactly. */
export const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.6, 0.8, 1, 2.5, 5, 10] as const;

/** The window every SLO is measured over. */
export const sloWindowDays = 30;

/** The GraphQL root fields a guest searches and prices with. */
export const searchOperations = ["searchAvailability", "nearestStays", "quote", "quoteChange"] as const;

/** The GraphQL mutations that create or change a reservation (guests and the desk). */
export const reservationMutations = [
  "createHold", "confirmBooking", "modifyReservation", "cancelReservation", "checkIn", "checkOut", "markNoShow", "moveUnit", "pinReservationUnit",
] as const;

export type SloId = "guest_search" | "reservation_mutations" | "payment_capture" | "availability" | "job_failures";

interface SloBase {
  id: SloId;
  /** What the page and the alerts call it. */
  title: string;
  /** The promise, in words. */
  promise: string;
  /** Keepr's own tighter target, in words. */
  internal: string;
}

/**
 * A latency SLO: `share` of the operations answer within `threshold`
 * seconds (a p95 ≤ threshold is the same statement with share 0.95). Its
 * error budget is the 1 − share of operations allowed to be slower.
 */
export interface LatencySlo extends SloBase {
  kind: "latency";
  operations: readonly string[];
  share: number;
  threshold: number;
  /** The internal target: the same share within this (smaller) bound. */
  internalThreshold: number;
}

/** A ratio SLO: good events / all events ≥ objective; the error budget is 1 − objective. */
export interface RatioSlo extends SloBase {
  kind: "ratio";
  objective: number;
  internalObjective: number;
}

export type Slo = LatencySlo | RatioSlo;

export const slos: readonly Slo[] = [
  {
    id: "guest_search",
    kind: "latency",
    title: "Guest search and quote",
    promise: "p95 ≤ 600 ms",
    internal: "p95 ≤ 250 ms",
    operations: searchOperations,
    share: 0.95,
    threshold: 0.6,
    internalThreshold: 0.25,
  },
  {
    id: "reservation_mutations",
    kind: "latency",
    title: "Reservation changes",
    promise: "p95 ≤ 800 ms",
    internal: "p95 ≤ 500 ms",
    operations: reservationMutations,
    share: 0.95,
    threshold: 0.8,
    internalThreshold: 0.5,
  },
  {
    id: "payment_capture",
    kind: "ratio",
    title: "Card payment capture",
    promise: "≥ 99.5 % of captures succeed (card declines excluded)",
    internal: "≥ 99.9 %",
    objective: 0.995,
    internalObjective: 0.999,
  },
  {
    id: "availability",
    kind: "ratio",
    title: "Staff console and API availability",
    promise: "≥ 99.9 % of requests answered without a server error",
    internal: "≥ 99.95 %",
    objective: 0.999,
    internalObjective: 0.9995,
  },
  {
    id: "job_failures",
    kind: "ratio",
    title: "Background job failure rate",
    promise: "≤ 2 % of job runs fail",
    internal: "≤ 0.5 %",
    objective: 0.98,
    internalObjective: 0.995,
  },
];

/** The share of events an SLO may spend (its error budget), e.g. 0.05 for a p95, 0.001 for 99.9 %. */
export const errorBudget = (slo: Slo): number => roundRatio(1 - (slo.kind === "latency" ? slo.share : slo.objective));
/** The same for the internal target. */
export const internalErrorBudget = (slo: Slo): number => roundRatio(1 - (slo.kind === "latency" ? slo.share : slo.internalObjective));
const roundRatio = (x: number) => Math.round(x * 1e6) / 1e6;

// ---------------------------------------------------------------------------
// Reading prom-client's JSON (register.getMetricsAsJSON())
// ---------------------------------------------------------------------------

export type Labels = Readonly<Record<string, string | number | undefined>>;
export interface MetricValue {
  labels: Labels;
  value: number;
  /** For histograms: name_bucket, name_sum, name_count. */
  metricName?: string;
}
export interface MetricJson {
  name: string;
  type: string;
  help?: string;
  values: readonly MetricValue[];
}

/** The metrics by name. */
export const metricsByName = (metrics: readonly MetricJson[]): Map<string, MetricJson> => new Map(metrics.map((m) => [m.name, m]));

export type LabelFilter = (labels: Labels) => boolean;

/** The sum of a counter's or gauge's values whose labels pass the filter (0 when the metric is absent). */
export function sumOf(metrics: Map<string, MetricJson>, name: string, filter: LabelFilter = () => true): number {
  const metric = metrics.get(name);
  if (!metric) return 0;
  return metric.values.filter((v) => v.metricName === undefined || v.metricName === name).reduce((sum, v) => (filter(v.labels) ? sum + v.value : sum), 0);
}

/** A histogram summed over the series the filter passes: cumulative counts per upper bound (ascending, +Inf last), and the total. */
export interface Histogram {
  buckets: Array<{ le: number; count: number }>;
  count: number;
}

export function histogramOf(metrics: Map<string, MetricJson>, name: string, filter: LabelFilter = () => true): Histogram {
  const metric = metrics.get(name);
  const byBound = new Map<number, number>();
  let count = 0;
  for (const v of metric?.values ?? []) {
    const { le, ...rest } = v.labels;
    if (!filter(rest)) continue;
    if (v.metricName === `${name}_bucket` && le !== undefined) {
      const bound = le === "+Inf" ? Infinity : Number(le);
      byBound.set(bound, (byBound.get(bound) ?? 0) + v.value);
    } else if (v.metricName === `${name}_count`) {
      count += v.value;
    }
  }
  const buckets = [...byBound].map(([le, c]) => ({ le, count: c })).sort((a, b) => a.le - b.le);
  return { buckets, count };
}

/** How many observations were ≤ bound (a bucket bound; otherwise the nearest bound below it). */
export function countWithin(histogram: Histogram, bound: number): number {
  let within = 0;
  for (const b of histogram.buckets) if (b.le <= bound) within = b.count;
  return within;
}

/**
 * The q-quantile (0.95 for p95) of a histogram, interpolated linearly inside
 * its bucket as Prometheus' histogram_quantile does: NaN without
 * observations; the highest finite bound when it falls in +Inf.
 */
export function quantile(histogram: Histogram, q: number): number {
  const { buckets } = histogram;
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lowerBound;
      if (b.count === lowerCount) return b.le;
      return lowerBound + ((b.le - lowerBound) * (rank - lowerCount)) / (b.count - lowerCount);
    }
    lowerBound = b.le;
    lowerCount = b.count;
  }
  return lowerBound;
}

/** An SLO's state from cumulative counters: events, the bad ones, the SLI, whether it meets the SLO and the internal target. */
export interface SloStatus {
  id: SloId;
  title: string;
  promise: string;
  internal: string;
  /** Events measured (operations, captures, requests, job runs). */
  events: number;
  /** Events that spent budget (slow operations, failed captures, server errors, failed runs). */
  bad: number;
  /** good / events (NaN without events). */
  sli: number;
  /** The SLO's objective as a ratio (0.95 for a p95). */
  objective: number;
  internalObjective: number;
  /** For latency SLOs: the p95 (seconds), its threshold and internal threshold. */
  p95?: number;
  threshold?: number;
  internalThreshold?: number;
  /** Budget spent so far: bad / (budget × events); 1 = all of it (NaN without events). */
  budgetSpent: number;
  /** met / missed, or no_data. */
  state: "met" | "missed" | "no_data";
  /** Whether the internal target is met (null without events). */
  internalMet: boolean | null;
}

const inList = (list: readonly string[]) => (labels: Labels) => list.includes(String(labels.operation));

/** The metric each SLO is read from; the Prometheus rules say the same in PromQL. */
export const sloMetrics = {
  graphqlDuration: "keepr_graphql_operation_duration_seconds",
  httpDuration: "keepr_http_request_duration_seconds",
  apiErrors: "keepr_api_errors_total",
  paymentAttempts: "keepr_payment_attempts_total",
  jobRuns: "keepr_job_runs_total",
} as const;

/** The events and bad events of a ratio SLO, from cumulative counters. */
function ratioEvents(metrics: Map<string, MetricJson>, id: SloId): { events: number; bad: number } {
  switch (id) {
    case "payment_capture": {
      // Good: a capture the provider made. Bad: a call to authorize or
      // capture that failed (the provider down or refusing; each failed try
      // counts, though the job retries). A decline is the card's answer,
      // not the service failing: not counted.
      const good = sumOf(metrics, sloMetrics.paymentAttempts, (l) => l.kind === "capture" && l.outcome === "succeeded");
      const bad = sumOf(metrics, sloMetrics.paymentAttempts, (l) => (l.kind === "authorize" || l.kind === "capture") && l.outcome === "failed");
      return { events: good + bad, bad };
    }
    case "availability": {
      // Every answer of the HTTP server but the simulated payment provider's
      // (a stand-in for a third party, outside production); bad: a 5xx
      // status, or an INTERNAL error inside a GraphQL answer (which grafserv
      // sends with status 200).
      const keepr = (l: Labels) => l.route !== "simulated_provider";
      const all = histogramOf(metrics, sloMetrics.httpDuration, keepr).count;
      const serverErrors = histogramOf(metrics, sloMetrics.httpDuration, (l) => keepr(l) && String(l.status).startsWith("5")).count;
      const internal = sumOf(metrics, sloMetrics.apiErrors, (l) => l.code === "INTERNAL");
      return { events: all, bad: Math.min(all, serverErrors + internal) };
    }
    case "job_failures": {
      const all = sumOf(metrics, sloMetrics.jobRuns);
      return { events: all, bad: sumOf(metrics, sloMetrics.jobRuns, (l) => l.outcome === "failure") };
    }
    default:
      throw new Error(`${id} is not a ratio SLO`);
  }
}

/** Each SLO's status from a process's metrics (cumulative since the process started). */
export function sloStatuses(metricsJson: readonly MetricJson[]): SloStatus[] {
  const metrics = metricsByName(metricsJson);
  return slos.map((slo) => {
    const budget = errorBudget(slo);
    if (slo.kind === "latency") {
      const histogram = histogramOf(metrics, sloMetrics.graphqlDuration, inList(slo.operations));
      const events = histogram.count;
      const within = countWithin(histogram, slo.threshold);
      const withinInternal = countWithin(histogram, slo.internalThreshold);
      const bad = events - within;
      return {
        id: slo.id, title: slo.title, promise: slo.promise, internal: slo.internal,
        events, bad, sli: events ? within / events : NaN, objective: slo.share, internalObjective: slo.share,
        p95: quantile(histogram, 0.95), threshold: slo.threshold, internalThreshold: slo.internalThreshold,
        budgetSpent: events ? bad / (budget * events) : NaN,
        state: events === 0 ? "no_data" : within / events >= slo.share ? "met" : "missed",
        internalMet: events === 0 ? null : withinInternal / events >= slo.share,
      };
    }
    const { events, bad } = ratioEvents(metrics, slo.id);
    const sli = events ? (events - bad) / events : NaN;
    return {
      id: slo.id, title: slo.title, promise: slo.promise, internal: slo.internal,
      events, bad, sli, objective: slo.objective, internalObjective: slo.internalObjective,
      budgetSpent: events ? bad / (budget * events) : NaN,
      state: events === 0 ? "no_data" : sli >= slo.objective ? "met" : "missed",
      internalMet: events === 0 ? null : sli >= slo.internalObjective,
    };
  });
}

/** The p95 and count of one GraphQL operation (a path of the budget run, a row of the System page). */
export function operationLatency(metricsJson: readonly MetricJson[], operation: string): { count: number; p95: number; p50: number } {
  const histogram = histogramOf(metricsByName(metricsJson), sloMetrics.graphqlDuration, (l) => l.operation === operation);
  return { count: histogram.count, p95: quantile(histogram, 0.95), p50: quantile(histogram, 0.5) };
}

// ---------------------------------------------------------------------------
// The same in PromQL (the recording rules, docs/observability-slos.md)
// ---------------------------------------------------------------------------

const regexOf = (names: readonly string[]) => names.join("|");

/**
 * The share of an SLO's events that were bad over a range (5m, 1h, 30d…):
 * the error ratio the burn-rate alerts compare with budget × burn rate.
 * NaN (no sample, so no alert) when nothing happened in the range.
 */
export function errorRatioPromQL(slo: Slo, range: string, internal = false): string {
  const r = `[${range}]`;
  if (slo.kind === "latency") {
    const ops = `operation=~"${regexOf(slo.operations)}"`;
    const le = internal ? slo.internalThreshold : slo.threshold;
    return `1 - sum(rate(${sloMetrics.graphqlDuration}_bucket{${ops},le="${le}"}${r})) / sum(rate(${sloMetrics.graphqlDuration}_count{${ops}}${r}))`;
  }
  switch (slo.id) {
    case "payment_capture": {
      // A counter that never moved has no series: "or vector(0)" makes a healthy ratio 0, not nothing.
      const failed = `(sum(rate(${sloMetrics.paymentAttempts}{kind=~"authorize|capture",outcome="failed"}${r})) or vector(0))`;
      return `${failed} / (sum(rate(${sloMetrics.paymentAttempts}{kind="capture",outcome="succeeded"}${r})) + ${failed})`;
    }
    case "availability":
      // 5xx answers (but the simulated provider's) plus INTERNAL errors
      // (grafserv answers those inside a 200); an INTERNAL error sent with a
      // 5xx counts twice, hence the clamp.
      return `clamp_max(((sum(rate(${sloMetrics.httpDuration}_count{route!="simulated_provider",status=~"5.."}${r})) or vector(0)) + (sum(rate(${sloMetrics.apiErrors}{code="INTERNAL"}${r})) or vector(0))) / sum(rate(${sloMetrics.httpDuration}_count{route!="simulated_provider"}${r})), 1)`;
    case "job_failures":
      return `(sum(rate(${sloMetrics.jobRuns}{outcome="failure"}${r})) or vector(0)) / sum(rate(${sloMetrics.jobRuns}${r}))`;
    default:
      throw new Error(`no PromQL for ${slo.id}`);
  }
}

/**
 * The counters and histograms of `now` less those of `before` (the same
 * series, matched by name and labels): what happened between two readings
 * of a process's metrics. Gauges are left out (a difference of gauges
 * means nothing); a series absent before counts from zero, one that went
 * down (a restarted process) counts from zero again.
 */
export function metricsBetween(now: readonly MetricJson[], before: readonly MetricJson[]): MetricJson[] {
  const key = (name: string, v: MetricValue) =>
    `${v.metricName ?? name}{${Object.entries(v.labels).filter(([, x]) => x !== undefined).map(([k, x]) => `${k}=${String(x)}`).sort().join(",")}}`;
  const earlier = new Map<string, number>();
  for (const m of before) for (const v of m.values) earlier.set(key(m.name, v), v.value);
  return now
    .filter((m) => m.type === "counter" || m.type === "histogram")
    .map((m) => ({
      ...m,
      values: m.values.map((v) => {
        const was = earlier.get(key(m.name, v)) ?? 0;
        return { ...v, value: v.value >= was ? v.value - was : v.value };
      }),
    }));
}
