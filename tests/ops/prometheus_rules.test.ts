// The Prometheus rules Keepr ships (ops/prometheus/): the SLO recording and
// burn-rate alerting rules are generated from shared/slos.ts (the
// definitions the System page and the CI budget run use too) and must equal
// the committed file; `promtool check rules` accepts every rule file,
// `promtool check config` the example prometheus.yml, and `promtool test
// rules` runs the unit tests beside the rules (series that burn the budget
// fast page, a slow burn opens a ticket, a healthy service fires nothing).
//
// KEEPR_WRITE_PROMETHEUS_RULES=1 rewrites ops/prometheus/keepr-slos.rules.yml.
// promtool comes with Debian's `prometheus` package (.ci/run installs it).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { register } from "prom-client";
import { errorBudget, errorRatioPromQL, internalErrorBudget, slos, sloWindowDays, type Slo } from "../../shared/slos.ts";
// The metrics Keepr defines (the contract): core/metrics.ts, and the notification providers' in worker/delivery.ts.
import "../../core/metrics.ts";
import "../../worker/delivery.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dir = path.join(root, "ops/prometheus");
const sloRulesFile = path.join(dir, "keepr-slos.rules.yml");
const sloTestsFile = path.join(dir, "keepr-slos.test.yml");

/** promtool's path, or a failure that says how to get it. */
function promtool(): string {
  const found = (process.env.PATH ?? "").split(path.delimiter).map((d) => path.join(d, "promtool")).find((file) => existsSync(file));
  if (!found) {
    throw new Error("promtool is missing: install Debian's prometheus package (apt-get install -y prometheus; .ci/run does it) to test the Prometheus rules");
  }
  return found;
}

function run(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(promtool(), args, { cwd: dir, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

// ---------------------------------------------------------------------------
// The SLO rules, generated
// ---------------------------------------------------------------------------

/** The ranges each SLO's error ratio is recorded over: the burn-rate windows and the SLO's own window. */
const ranges = ["5m", "30m", "1h", "2h", "6h", "1d", "3d", `${sloWindowDays}d`] as const;

/**
 * Multi-window, multi-burn-rate alerts (Google SRE workbook, "Alerting on
 * SLOs", table 5-8): the long window says the budget is really burning, the
 * short one (1/12 of it) that it still is, so the alert resets soon after
 * the burn stops. 14.4× for an hour spends 2 % of a 30-day budget; 6× for
 * 6 h, 5 %: pages. 3× for a day, 10 %, and 1× for 3 days: tickets.
 */
const burnRates = [
  { severity: "page", long: "1h", short: "5m", factor: 14.4 },
  { severity: "page", long: "6h", short: "30m", factor: 6 },
  { severity: "ticket", long: "1d", short: "2h", factor: 3 },
  { severity: "ticket", long: "3d", short: "6h", factor: 1 },
] as const;

/** The alert of each SLO (page and ticket share it; their severity label tells them apart). */
export const sloAlertNames: Record<Slo["id"], string> = {
  guest_search: "KeeprGuestSearchLatencyBudgetBurn",
  reservation_mutations: "KeeprReservationLatencyBudgetBurn",
  payment_capture: "KeeprPaymentCaptureBudgetBurn",
  availability: "KeeprAvailabilityBudgetBurn",
  job_failures: "KeeprJobFailureBudgetBurn",
};

const record = (range: string) => `keepr:slo_error_ratio:rate${range}`;
/** A number as PromQL and YAML print it (no float noise: 14.4 × 0.05 = 0.72). */
const num = (x: number) => String(Math.round(x * 1e9) / 1e9);

function sloRulesYaml(): string {
  const lines: string[] = [
    "# Keepr's SLOs (docs/observability-slos.md): the error ratio of each SLO over the",
    "# burn-rate windows and its 30-day window, and multi-window multi-burn-rate alerts.",
    "# GENERATED from shared/slos.ts by tests/ops/prometheus_rules.test.ts",
    "# (KEEPR_WRITE_PROMETHEUS_RULES=1); do not edit by hand.",
    "groups:",
  ];
  for (const slo of slos) {
    lines.push(`  - name: keepr-slo-${slo.id.replaceAll("_", "-")}`, "    rules:");
    for (const range of ranges) {
      lines.push(`      - record: ${record(range)}`, `        expr: ${errorRatioPromQL(slo, range)}`, "        labels:", `          slo: ${slo.id}`);
    }
    lines.push(
      "      - record: keepr:slo_internal_error_ratio:rate1d",
      `        expr: ${errorRatioPromQL(slo, "1d", true)}`,
      "        labels:",
      `          slo: ${slo.id}`,
    );
    const budget = errorBudget(slo);
    for (const severity of ["page", "ticket"] as const) {
      const conditions = burnRates
        .filter((b) => b.severity === severity)
        .map((b) => `(${record(b.long)}{slo="${slo.id}"} > ${num(b.factor * budget)} and ${record(b.short)}{slo="${slo.id}"} > ${num(b.factor * budget)})`);
      const how = burnRates
        .filter((b) => b.severity === severity)
        .map((b) => `${b.factor}x over ${b.long} and ${b.short}`)
        .join(", or ");
      lines.push(
        `      - alert: ${sloAlertNames[slo.id]}`,
        "        expr: |-",
        `          ${conditions.join("\n          or\n          ")}`,
        "        labels:",
        `          severity: ${severity}`,
        `          slo: ${slo.id}`,
        "        annotations:",
        `          summary: "${slo.title}: the error budget burns ${severity === "page" ? "fast" : "slowly"} (SLO ${slo.promise})"`,
        `          description: "Burn rate above ${how} (budget: ${num(budget * 100)} % of events over ${sloWindowDays} days). The console's System page shows the figures."`,
        `          runbook: "docs/observability-slos.md#${sloAlertNames[slo.id].toLowerCase()}"`,
      );
    }
    lines.push(
      `      - alert: KeeprInternalTargetMissed`,
      `        expr: keepr:slo_internal_error_ratio:rate1d{slo="${slo.id}"} > ${num(internalErrorBudget(slo))}`,
      "        for: 1h",
      "        labels:",
      "          severity: info",
      `          slo: ${slo.id}`,
      "        annotations:",
      `          summary: "${slo.title}: Keepr's internal target (${slo.internal}) missed over the last day"`,
      `          description: "Still within the SLO (${slo.promise}); the margin Keepr keeps for itself is being used."`,
      `          runbook: "docs/observability-slos.md#keeprinternaltargetmissed"`,
    );
  }
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------
// The SLO rules' unit tests, generated per SLO from series of its own metrics
// ---------------------------------------------------------------------------

/** Events per minute in the scenarios. */
const perMinute = 1000;

/** A counter's values (one per minute) growing by `steps[i].rate` per minute for `steps[i].minutes`, as promtool's expanding notation. */
function counter(steps: Array<{ rate: number; minutes: number }>): string {
  const parts: string[] = [];
  let value = 0;
  for (const [i, step] of steps.entries()) {
    const start = i === 0 ? 0 : value + step.rate;
    const repeats = i === 0 ? step.minutes : step.minutes - 1;
    parts.push(`${num(start)}+${num(step.rate)}x${repeats}`);
    value = start + step.rate * repeats;
  }
  return parts.join(" ");
}

type Phase = { minutes: number; bad: number; badInternal?: number };

/** The input series of an SLO whose share of bad events is `bad` per phase (and `badInternal` against the internal target). */
function seriesOf(slo: Slo, phases: Phase[]): Array<{ series: string; values: string }> {
  const c = (f: (p: Phase) => number) => counter(phases.map((p) => ({ rate: f(p), minutes: p.minutes })));
  switch (slo.kind === "latency" ? "latency" : slo.id) {
    case "latency": {
      const s = slo as Extract<Slo, { kind: "latency" }>;
      // Two operations of the SLO share the events; one operation outside it is always slow, and must not count.
      const type = slo.id === "guest_search" ? "query" : "mutation";
      const ops = [s.operations[0]!, s.operations[2]!];
      const h = "keepr_graphql_operation_duration_seconds";
      return [
        ...ops.flatMap((op) => [
          { series: `${h}_bucket{operation="${op}",type="${type}",outcome="ok",le="${s.internalThreshold}"}`, values: c((p) => (perMinute / 2) * (1 - (p.badInternal ?? p.bad))) },
          { series: `${h}_bucket{operation="${op}",type="${type}",outcome="ok",le="${s.threshold}"}`, values: c((p) => (perMinute / 2) * (1 - p.bad)) },
          { series: `${h}_bucket{operation="${op}",type="${type}",outcome="ok",le="+Inf"}`, values: c(() => perMinute / 2) },
          { series: `${h}_count{operation="${op}",type="${type}",outcome="ok"}`, values: c(() => perMinute / 2) },
        ]),
        { series: `${h}_bucket{operation="runNightAudit",type="mutation",outcome="ok",le="${s.threshold}"}`, values: c(() => 0) },
        { series: `${h}_count{operation="runNightAudit",type="mutation",outcome="ok"}`, values: c(() => perMinute) },
      ];
    }
    case "payment_capture": {
      const a = "keepr_payment_attempts_total";
      // Half the failures at authorize, half at capture; as many declines
      // as captures (the card's answer, not the service's failure), and
      // failing refunds, which are no capture.
      return [
        { series: `${a}{kind="authorize",outcome="succeeded"}`, values: c((p) => perMinute * (1 - p.bad / 2)) },
        { series: `${a}{kind="authorize",outcome="failed"}`, values: c((p) => (perMinute * p.bad) / 2) },
        { series: `${a}{kind="authorize",outcome="declined"}`, values: c(() => perMinute) },
        { series: `${a}{kind="capture",outcome="succeeded"}`, values: c((p) => perMinute * (1 - p.bad)) },
        { series: `${a}{kind="capture",outcome="failed"}`, values: c((p) => (perMinute * p.bad) / 2) },
        { series: `${a}{kind="refund",outcome="failed"}`, values: c(() => perMinute) },
      ];
    }
    case "availability": {
      const h = "keepr_http_request_duration_seconds_count";
      // Half the bad events are 503s, half INTERNAL errors answered with a 200; 404s are the clients' errors.
      return [
        { series: `${h}{method="POST",route="graphql",status="200"}`, values: c((p) => (perMinute * (1 - p.bad)) / 2) },
        { series: `${h}{method="GET",route="static",status="404"}`, values: c(() => perMinute / 2) },
        // The simulated payment provider (outside production) failing: not Keepr's availability.
        { series: `${h}{method="POST",route="simulated_provider",status="503"}`, values: c(() => perMinute) },
        { series: `${h}{method="POST",route="graphql",status="503"}`, values: c((p) => (perMinute * p.bad) / 2) },
        { series: `keepr_api_errors_total{code="INTERNAL"}`, values: c((p) => (perMinute * p.bad) / 2) },
        { series: `keepr_api_errors_total{code="SOLD_OUT"}`, values: c(() => perMinute) },
      ];
    }
    case "job_failures": {
      const j = "keepr_job_runs_total";
      return [
        { series: `${j}{task="send_notification",outcome="success"}`, values: c((p) => perMinute * (1 - p.bad)) },
        { series: `${j}{task="send_notification",outcome="failure"}`, values: c((p) => perMinute * p.bad) },
      ];
    }
    default:
      throw new Error(`no series for ${slo.id}`);
  }
}

/** The alerts of an SLO as promtool expects them (labels and annotations, exactly as the rules write them). */
function expectedAlerts(slo: Slo, severities: Array<"page" | "ticket">): string[] {
  const rules = sloRulesYaml();
  const group = rules.slice(rules.indexOf(`  - name: keepr-slo-${slo.id.replaceAll("_", "-")}\n`));
  const annotationsOf = (severity: string) => {
    const alert = group.slice(group.indexOf(`          severity: ${severity}\n`));
    const summary = /summary: (".*")/.exec(alert)![1];
    const description = /description: (".*")/.exec(alert)![1];
    const runbook = /runbook: (".*")/.exec(alert)![1];
    return [`                summary: ${summary}`, `                description: ${description}`, `                runbook: ${runbook}`];
  };
  return severities.flatMap((severity) => [
    "          - exp_labels:",
    `              severity: ${severity}`,
    `              slo: ${slo.id}`,
    "            exp_annotations:",
    ...annotationsOf(severity),
  ]);
}

function sloTestsYaml(): string {
  const lines = [
    "# Unit tests of keepr-slos.rules.yml (promtool test rules), one scenario per SLO and kind of burn:",
    "# 1. a fast burn (20x the budget for 70 min) pages, and opens a ticket;",
    "# 2. once it stops, the page resets within its short window while the ticket stays;",
    "# 3. a slow burn (4x the budget) opens a ticket and does not page;",
    "# 4. within the SLO but not the internal target: only KeeprInternalTargetMissed (info);",
    "# 5. a healthy service (half the internal budget) fires nothing;",
    "# 6. a service that never failed (no failure series at all) records an error ratio of 0.",
    "# GENERATED from shared/slos.ts by tests/ops/prometheus_rules.test.ts",
    "# (KEEPR_WRITE_PROMETHEUS_RULES=1); do not edit by hand.",
    "rule_files:",
    "  - keepr-slos.rules.yml",
    "evaluation_interval: 1m",
    "tests:",
  ];
  const scenario = (comment: string, slo: Slo, phases: Phase[], evalTime: string, fire: Array<"page" | "ticket">, internal: boolean) => {
    const alert = sloAlertNames[slo.id];
    lines.push(`  # ${slo.id}: ${comment}`, "  - interval: 1m", "    input_series:");
    for (const s of seriesOf(slo, phases)) lines.push(`      - series: '${s.series}'`, `        values: '${s.values}'`);
    lines.push("    alert_rule_test:", `      - eval_time: ${evalTime}`, `        alertname: ${alert}`);
    lines.push(...(fire.length ? ["        exp_alerts:", ...expectedAlerts(slo, fire)] : ["        exp_alerts: []"]));
    lines.push(`      - eval_time: ${evalTime}`, "        alertname: KeeprInternalTargetMissed");
    if (internal) {
      const rules = sloRulesYaml();
      const block = rules.slice(rules.indexOf("      - alert: KeeprInternalTargetMissed", rules.indexOf(`  - name: keepr-slo-${slo.id.replaceAll("_", "-")}\n`)));
      const field = (name: string) => new RegExp(`${name}: (".*")`).exec(block)![1];
      lines.push(
        "        exp_alerts:",
        "          - exp_labels:",
        "              severity: info",
        `              slo: ${slo.id}`,
        "            exp_annotations:",
        `                summary: ${field("summary")}`,
        `                description: ${field("description")}`,
        `                runbook: ${field("runbook")}`,
      );
    } else {
      lines.push("        exp_alerts: []");
    }
  };
  for (const slo of slos) {
    const budget = errorBudget(slo);
    const internalBudget = internalErrorBudget(slo);
    const fast = Math.min(1, 20 * budget);
    const slow = 4 * budget;
    const healthy = internalBudget / 2;
    // Latency: the internal target is a smaller bound, with the same share.
    const within = slo.kind === "latency" ? { bad: healthy, badInternal: 2 * budget } : { bad: (budget + internalBudget) / 2 };
    scenario("a fast burn pages (and opens a ticket)", slo, [{ minutes: 70, bad: fast }], "65m", ["page", "ticket"], true);
    scenario("the page resets once the burn stops (the 30m window clears); the ticket stays", slo, [{ minutes: 60, bad: fast }, { minutes: 30, bad: healthy }], "85m", ["ticket"], true);
    scenario("a slow burn opens a ticket, no page", slo, [{ minutes: 80, bad: slow }], "75m", ["ticket"], true);
    scenario("within the SLO, above the internal target: info only", slo, [{ minutes: 80, ...within }], "75m", [], true);
    scenario("healthy: nothing fires", slo, [{ minutes: 80, bad: healthy }], "75m", [], false);
  }
  // A counter that never moved has no series: a perfect service's error ratio is 0, not missing.
  const perfect: Record<string, string[]> = {
    payment_capture: ['keepr_payment_attempts_total{kind="authorize",outcome="succeeded"}', 'keepr_payment_attempts_total{kind="capture",outcome="succeeded"}'],
    availability: ['keepr_http_request_duration_seconds_count{method="POST",route="graphql",status="200"}'],
    job_failures: ['keepr_job_runs_total{task="send_notification",outcome="success"}'],
  };
  for (const [slo, series] of Object.entries(perfect)) {
    lines.push(`  # ${slo}: no failure was ever counted (no failure series at all): the error ratio is 0`, "  - interval: 1m", "    input_series:");
    for (const name of series) lines.push(`      - series: '${name}'`, `        values: '0+${perMinute}x30'`);
    lines.push(
      "    promql_expr_test:",
      "      - expr: keepr:slo_error_ratio:rate5m",
      "        eval_time: 20m",
      "        exp_samples:",
      "          - labels: 'keepr:slo_error_ratio:rate5m{slo=\"" + slo + "\"}'",
      "            value: 0",
    );
  }
  return `${lines.join("\n")}\n`;
}

test("the SLO rules and their unit tests are the files generated from shared/slos.ts", () => {
  const files = { [sloRulesFile]: sloRulesYaml(), [sloTestsFile]: sloTestsYaml() };
  for (const [file, generated] of Object.entries(files)) {
    if (process.env.KEEPR_WRITE_PROMETHEUS_RULES === "1") writeFileSync(file, generated);
    expect({ file: path.relative(root, file), same: readFileSync(file, "utf8") === generated }).toEqual({ file: path.relative(root, file), same: true });
  }
});

/** Every alert the rule files define. */
function alertNames(): Set<string> {
  const alerts = new Set<string>();
  for (const file of ruleFiles()) for (const m of readFileSync(path.join(dir, file), "utf8").matchAll(/^\s*- alert: (\w+)/gm)) alerts.add(m[1]!);
  return alerts;
}

test("docs/observability-slos.md gives each SLO's 30-day PromQL as the rules compute it", () => {
  const doc = readFileSync(path.join(root, "docs/observability-slos.md"), "utf8");
  for (const slo of slos) expect({ slo: slo.id, documented: doc.includes(errorRatioPromQL(slo, `${sloWindowDays}d`)) }).toEqual({ slo: slo.id, documented: true });
});

test("docs/observability-slos.md says what to do for every alert the rules define, and the operations guide has a line for each", () => {
  const doc = readFileSync(path.join(root, "docs/observability-slos.md"), "utf8");
  expect([...alertNames()].filter((name) => !doc.includes(`\n### ${name}\n`))).toEqual([]);
  // The "Alerts" section of docs/operations.md: a line for each.
  const operations = readFileSync(path.join(root, "docs/operations.md"), "utf8");
  const guide = operations.slice(operations.indexOf("\n## Alerts\n"));
  expect(operations).toContain("\n## Alerts\n");
  expect([...alertNames()].filter((name) => !guide.includes(`\n| ${name} |`))).toEqual([]);
});

// ---------------------------------------------------------------------------
// promtool
// ---------------------------------------------------------------------------

const ruleFiles = () => readdirSync(dir).filter((f) => f.endsWith(".rules.yml")).sort();
const testFiles = () => readdirSync(dir).filter((f) => f.endsWith(".test.yml")).sort();

test("promtool check rules accepts every rule file", () => {
  expect(ruleFiles()).toEqual(expect.arrayContaining(["keepr-slos.rules.yml", "keepr-alerts.rules.yml"]));
  const result = run(["check", "rules", ...ruleFiles()]);
  expect({ status: result.status, output: result.output }).toEqual({ status: 0, output: expect.stringContaining("SUCCESS") });
});

test("promtool check config accepts the example prometheus.yml (with its rule files)", () => {
  const result = run(["check", "config", "prometheus.yml"]);
  expect({ status: result.status, output: result.output }).toEqual({ status: 0, output: expect.stringContaining("SUCCESS") });
  for (const file of ruleFiles()) expect(result.output).toContain(file);
});

test("promtool test rules: fast burns page, slow burns open tickets, a healthy service fires nothing", () => {
  expect(testFiles().length).toBeGreaterThan(0);
  const result = run(["test", "rules", ...testFiles()]);
  expect({ status: result.status, output: result.output }).toEqual({ status: 0, output: expect.not.stringContaining("FAILED") });
});

test("the unit tests cover every alert the rules define", () => {
  const alerts = alertNames();
  const tested = testFiles().map((f) => readFileSync(path.join(dir, f), "utf8")).join("\n");
  const untested = [...alerts].filter((name) => !new RegExp(`alertname: ${name}\\b`).test(tested));
  expect(untested).toEqual([]);
});

test("every metric the rules read is one Keepr defines, of the type and with the labels the rules use", () => {
  const problems: string[] = [];
  const read = new Set<string>();
  for (const file of ruleFiles()) {
    const text = readFileSync(path.join(dir, file), "utf8");
    for (const m of text.matchAll(/\b(keepr_[a-z_]+?)(_bucket|_count|_sum)?(?:\{([^}]*)\})?(?=[\s)\[]|$)/gm)) {
      const [, base, suffix, selector] = m;
      read.add(base!);
      const metric = register.getSingleMetric(base!) as unknown as { type: string; labelNames: string[] } | undefined;
      if (!metric) {
        problems.push(`${file}: ${base} is not defined`);
        continue;
      }
      if (suffix && metric.type !== "histogram") problems.push(`${file}: ${base}${suffix} but ${base} is a ${metric.type}`);
      if (!suffix && metric.type === "histogram") problems.push(`${file}: ${base} is a histogram, read without _bucket/_count/_sum`);
      for (const label of (selector ?? "").matchAll(/([a-z_]+)\s*(?:=~|!=|!~|=)/g)) {
        const allowed = [...metric.labelNames, ...(suffix === "_bucket" ? ["le"] : []), "job", "instance"];
        if (!allowed.includes(label[1]!)) problems.push(`${file}: ${base} has no label ${label[1]}`);
      }
    }
  }
  expect(problems).toEqual([]);
  // The check saw the metrics the rules are about.
  expect([...read].sort()).toEqual([
    "keepr_api_errors_total", "keepr_channel_feeds", "keepr_db_pool_connections", "keepr_graphql_operation_duration_seconds",
    "keepr_http_request_duration_seconds", "keepr_job_queue_oldest_age_seconds", "keepr_job_runs_total", "keepr_jobs_queued",
    "keepr_payment_attempts_total", "keepr_provider_circuit_open", "keepr_realtime_commit_to_send_seconds", "keepr_replica_in_rotation",
    "keepr_replication_slot_lag_bytes",
  ]);
});

