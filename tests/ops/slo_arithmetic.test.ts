// The SLO figures the System page and the CI budget run compute in
// TypeScript (shared/slos.ts, from prom-client's JSON) are the ones
// Prometheus computes from the same counters with the recording rules
// (ops/prometheus/keepr-slos.rules.yml) and histogram_quantile: one set of
// metrics, read both ways, through promtool's own PromQL engine. Random
// metrics (the seed is printed), each counter growing linearly from 0 over
// an hour, so a rate ratio over the window is the ratio of the final values.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  histogramOf, latencyBuckets, metricsBetween, metricsByName, operationLatency, quantile, reservationMutations, searchOperations, sloStatuses,
  type MetricJson, type MetricValue,
} from "../../shared/slos.ts";
import { between, pick, seededRandom, testSeed, type Random } from "../helpers/random.ts";

const rules = path.resolve(import.meta.dirname, "../../ops/prometheus/keepr-slos.rules.yml");

function promtool(): string {
  const found = (process.env.PATH ?? "").split(path.delimiter).map((d) => path.join(d, "promtool")).find((file) => existsSync(file));
  if (!found) throw new Error("promtool is missing: install Debian's prometheus package (apt-get install -y prometheus; .ci/run does it)");
  return found;
}

/** A histogram family as prom-client's JSON gives it: per label set, cumulative buckets, +Inf, sum and count. */
function histogram(name: string, series: Array<{ labels: Record<string, string>; observations: number[] }>): MetricJson {
  const values: MetricValue[] = [];
  for (const { labels, observations } of series) {
    for (const le of latencyBuckets) values.push({ labels: { ...labels, le }, value: observations.filter((o) => o <= le).length, metricName: `${name}_bucket` });
    values.push({ labels: { ...labels, le: "+Inf" }, value: observations.length, metricName: `${name}_bucket` });
    values.push({ labels, value: observations.reduce((a, b) => a + b, 0), metricName: `${name}_sum` });
    values.push({ labels, value: observations.length, metricName: `${name}_count` });
  }
  return { name, type: "histogram", values };
}

const counter = (name: string, series: Array<{ labels: Record<string, string>; value: number }>): MetricJson => ({
  name, type: "counter", values: series.map((s) => ({ labels: s.labels, value: s.value })),
});

/** Latencies: mostly fast, a tail of slow ones, some beyond every bound. */
const latencies = (next: Random, n: number, slowShare: number) =>
  Array.from({ length: n }, () => (next() < slowShare ? 0.3 + next() * 3 : next() * 0.4));

function randomMetrics(next: Random): MetricJson[] {
  const ops = [...searchOperations, ...reservationMutations, "runNightAudit", "searchAvailability+quote"];
  const graphqlSeries = ops.map((operation) => ({
    labels: { operation, type: operation.startsWith("search") || operation.startsWith("quote") || operation === "nearestStays" ? "query" : "mutation", outcome: pick(next, ["ok", "error"]) },
    observations: latencies(next, between(next, 0, 400), next() * 0.3),
  }));
  const http = ["graphql", "admin", "static", "webhook", "simulated_provider"].flatMap((route) =>
    ["200", "404", "500", "503"].map((status) => ({ labels: { method: "POST", route, status }, observations: latencies(next, status.startsWith("5") ? between(next, 0, 5) : between(next, 0, 300), 0.1) })),
  );
  return [
    histogram("keepr_graphql_operation_duration_seconds", graphqlSeries),
    histogram("keepr_http_request_duration_seconds", http),
    counter("keepr_api_errors_total", [{ labels: { code: "INTERNAL" }, value: between(next, 0, 4) }, { labels: { code: "SOLD_OUT" }, value: between(next, 0, 50) }]),
    counter("keepr_payment_attempts_total", ["authorize", "capture", "refund"].flatMap((kind) =>
      ["succeeded", "declined", "failed"].map((outcome) => ({ labels: { kind, outcome }, value: outcome === "succeeded" ? between(next, 1, 500) : between(next, 0, 8) })),
    )),
    counter("keepr_job_runs_total", ["send_notification", "process_payment_attempt", "sync_channel_feed"].flatMap((task) =>
      ["success", "failure"].map((outcome) => ({ labels: { task, outcome }, value: outcome === "success" ? between(next, 1, 300) : between(next, 0, 10) })),
    )),
  ];
}

/** The series of promtool's input: each sample of the JSON grows linearly from 0 to its value over 60 minutes. */
function inputSeries(metrics: MetricJson[]): string[] {
  const lines: string[] = [];
  for (const m of metrics) {
    for (const v of m.values) {
      const labels = Object.entries(v.labels).map(([k, x]) => `${k}="${String(x)}"`).join(",");
      lines.push(`      - series: '${v.metricName ?? m.name}{${labels}}'`, `        values: '0+${v.value / 60}x60'`);
    }
  }
  return lines;
}

/** A promtool expression test: PromQL's value equals ours within 1e-9 (the two sum floats in different orders). */
const agrees = (promql: string, ours: number, labels: string) => [
  `      - expr: 'abs((${promql}) - ${ours}) < bool 1e-9'`,
  "        eval_time: 60m",
  "        exp_samples:",
  `          - labels: '${labels}'`,
  "            value: 1",
];

test("Prometheus's rules and histogram_quantile agree with shared/slos.ts on the same metrics", () => {
  const next = seededRandom(testSeed("SLO arithmetic"));
  const metrics = randomMetrics(next);
  const statuses = sloStatuses(metrics);
  const expressions: string[] = [];
  for (const s of statuses) {
    if (s.events === 0) continue;
    expressions.push(...agrees(`keepr:slo_error_ratio:rate30d{slo="${s.id}"}`, s.bad / s.events, `{slo="${s.id}"}`));
  }
  // p95 and p50 of some operations, interpolated as histogram_quantile does.
  for (const operation of ["searchAvailability", "quote", "createHold", "confirmBooking"]) {
    const { count, p50, p95 } = operationLatency(metrics, operation);
    if (count === 0) continue;
    for (const [q, value] of [[0.95, p95], [0.5, p50]] as const) {
      expressions.push(...agrees(`histogram_quantile(${q}, sum by (le) (rate(keepr_graphql_operation_duration_seconds_bucket{operation="${operation}"}[30d])))`, value, "{}"));
    }
  }
  expect(expressions.length).toBeGreaterThan(10);
  const dir = mkdtempSync(path.join(tmpdir(), "keepr-slo-arithmetic-"));
  try {
    const file = path.join(dir, "arithmetic.test.yml");
    writeFileSync(file, [`rule_files:`, `  - ${rules}`, "evaluation_interval: 1m", "tests:", "  - interval: 1m", "    input_series:", ...inputSeries(metrics), "    promql_expr_test:", ...expressions, ""].join("\n"));
    const result = spawnSync(promtool(), ["test", "rules", file], { encoding: "utf8" });
    expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({ status: 0, output: expect.not.stringContaining("FAILED") });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("quantile interpolates inside the bucket, as Prometheus does, and says where the +Inf bucket starts", () => {
  const h = histogramOf(metricsByName([histogram("x", [{ labels: {}, observations: [0.05, 0.07, 0.2, 0.3, 0.55, 0.55, 0.7, 3, 20, 30] }])]), "x");
  // 10 observations, 4 of them ≤ 0.5 and 6 ≤ 0.6: the p50 (rank 5) is halfway through (0.5, 0.6]; the p95 (rank 9.5) is
  // in +Inf: the highest finite bound.
  expect(quantile(h, 0.5)).toBeCloseTo(0.55, 10);
  expect(quantile(h, 0.95)).toBe(10);
  expect(quantile(histogramOf(new Map(), "x"), 0.95)).toBeNaN();
});

test("metricsBetween gives what counters and histograms moved between two readings, gauges left out", () => {
  const before: MetricJson[] = [counter("c", [{ labels: { a: "1" }, value: 5 }]), { name: "g", type: "gauge", values: [{ labels: {}, value: 3 }] }];
  const now: MetricJson[] = [counter("c", [{ labels: { a: "1" }, value: 12 }, { labels: { a: "2" }, value: 4 }]), { name: "g", type: "gauge", values: [{ labels: {}, value: 9 }] }];
  expect(metricsBetween(now, before)).toEqual([counter("c", [{ labels: { a: "1" }, value: 7 }, { labels: { a: "2" }, value: 4 }])]);
  // A counter that went down (the process restarted) counts from zero again.
  expect(metricsBetween(before, now)).toEqual([counter("c", [{ labels: { a: "1" }, value: 5 }])]);
});
