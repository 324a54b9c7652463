// npm run bench -- metrics [--iterations 200000]
//
// What Keepr's metrics cost (core/metrics.ts), in process, no database:
//   1. per HTTP request: one observation of keepr_http_request_duration_seconds
//      with its three labels (what server/http.ts adds to every request);
//   2. per GraphQL operation: finding the root fields of a parsed guest
//      search document, its label, and one observation (what the execute
//      middleware of server/graphql-metrics.ts adds);
//   3. one scrape: rendering the registry as Prometheus text, with series
//      for every task, 60 operations, 13 routes and the process metrics.
// Each in microseconds per call (median of 5 rounds), to read against a
// request's own time (a search is about a millisecond at best).
import "../../core/env.ts";
import { parseArgs } from "node:util";
import { parse } from "postgraphile/graphql";
import { graphqlOperationDuration, httpRequestDuration, jobsQueued, register } from "../../core/metrics.ts";
import { operationLabel, operationOf } from "../../server/graphql-operation.ts";

const { values: args } = parseArgs({ options: { iterations: { type: "string", default: "200000" } } });
const iterations = Number(args.iterations);

function perCall(label: string, calls: number, fn: (i: number) => void): void {
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    for (let i = 0; i < calls; i++) fn(i);
    rounds.push(((performance.now() - started) * 1000) / calls);
  }
  rounds.sort((a, b) => a - b);
  console.log(`${label.padEnd(58)} ${rounds[2]!.toFixed(3).padStart(9)} µs  (rounds ${rounds.map((r) => r.toFixed(3)).join(", ")})`);
}

const routes = ["graphql", "static", "ical", "webhook", "invoice", "export", "admin", "healthz", "readyz", "metrics", "not_found", "graphiql", "simulated_provider"];
perCall("HTTP request: observe {method, route, status}", iterations, (i) => {
  httpRequestDuration.observe({ method: i % 3 ? "POST" : "GET", route: routes[i % routes.length]!, status: i % 50 ? "200" : "404" }, (i % 1000) / 1e4);
});

const search = parse(`query Search($a: Date!, $d: Date!, $p: UUID!) {
  searchAvailability(arrival: $a, departure: $d, adults: 2, propertyId: $p) {
    nodes { roomTypeName ratePlanName unitsLeft totalAmount isBookable ...Extra }
  }
}
fragment Extra on AvailabilityResult { currency }`);
perCall("GraphQL operation: root fields + label + observe", iterations, (i) => {
  const roots = operationOf(search, "Search")!;
  graphqlOperationDuration.observe({ operation: operationLabel(roots.fields.map((f) => f.name.value)), type: roots.type, outcome: "ok" }, (i % 1000) / 1e4);
});

// A registry as a busy server has it: 60 operations × 2 outcomes, every task's queue states.
for (let i = 0; i < 60; i++) for (const outcome of ["ok", "error"]) graphqlOperationDuration.observe({ operation: `operation${i}`, type: "query", outcome }, 0.01);
for (let i = 0; i < 20; i++) for (const state of ["runnable", "locked", "scheduled", "failed_permanently"]) jobsQueued.set({ task: `task${i}`, state }, i);
const text = await register.metrics();
const series = text.split("\n").filter((line) => line && !line.startsWith("#")).length;
const scrapes: number[] = [];
for (let i = 0; i < 50; i++) {
  const started = performance.now();
  await register.metrics();
  scrapes.push(performance.now() - started);
}
scrapes.sort((a, b) => a - b);
console.log(`${`one scrape: ${series} series, ${Math.round(text.length / 1024)} KiB`.padEnd(58)} ${(scrapes[25]! * 1000).toFixed(0).padStart(9)} µs  (p95 ${(scrapes[47]! * 1000).toFixed(0)} µs)`);
