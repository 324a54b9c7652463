// npm run bench -- waits --data-dir DIR --pg-port PORT [--every 15] [--seconds 20] [--top 25]
//
// Samples what every backend of a running Keepr's Postgres is doing, every
// --every ms for --seconds (issue 23: where a booking's p95 goes at 4
// clients): pg_stat_activity's state, wait_event_type/wait_event and query
// per backend (by application_name: keepr-api, keepr-worker,
// keepr-bench-direct, …), and for each waiting backend the backends it waits
// for (pg_blocking_pids) and what they are doing. It prints, per
// application, the share of samples in each state/wait (a backend "active"
// with no wait event is on a core or waiting for one: Postgres cannot tell
// the two apart), the heaviest waits by statement, and the blocked-by pairs.
// Attach it while a bench runs (`npm run bench -- booking --data-dir DIR
// --phases booking …`: the bench prints the port). It reads with one
// connection as the superuser (the owner cannot see other roles' queries),
// one query a sample.
import "../../core/env.ts";
import { parseArgs } from "node:util";
import pg from "pg";
import { openDatabase } from "../../core/database.ts";
import { loadConfig } from "../../core/config.ts";

const { values: args } = parseArgs({
  options: {
    "data-dir": { type: "string" },
    "pg-port": { type: "string" },
    every: { type: "string", default: "15" },
    seconds: { type: "string", default: "20" },
    top: { type: "string", default: "25" },
    apps: { type: "string", default: "keepr-api,keepr-api-guest,keepr-worker,keepr-bench-direct" },
  },
  strict: true,
});
if (!args["data-dir"] || !args["pg-port"]) {
  console.error("usage: npm run bench -- waits --data-dir DIR --pg-port PORT [--every 15] [--seconds 20]");
  process.exit(2);
}
const every = Number(args.every);
const seconds = Number(args.seconds);
const top = Number(args.top);
const apps = new Set(args.apps!.split(","));

const db = await openDatabase(loadConfig({ DATA_DIR: args["data-dir"], EMBEDDED_PG_PORT: args["pg-port"] }), () => {});
const client = new pg.Client({ connectionString: db.superuserUrl!, application_name: "keepr-bench-waits" });
await client.connect();

interface Row {
  pid: number;
  app: string;
  state: string | null;
  wait: string | null;
  query: string;
  blockers: number[];
  xact_ms: number | null;
}
const sampleSql = `
  select a.pid, a.application_name as app, a.state,
         case when a.wait_event is null then null else a.wait_event_type || ':' || a.wait_event end as wait,
         left(regexp_replace(a.query, '\\s+', ' ', 'g'), 160) as query,
         pg_blocking_pids(a.pid) as blockers,
         extract(epoch from clock_timestamp() - a.xact_start) * 1000 as xact_ms
    from pg_stat_activity a
   where a.pid <> pg_backend_pid() and a.backend_type = 'client backend'`;

const byApp = new Map<string, Map<string, number>>();
const byQuery = new Map<string, number>();
const blockedBy = new Map<string, number>();
const backendsSeen = new Map<string, Set<number>>();
let samples = 0;
const started = performance.now();
const deadline = started + seconds * 1000;
const bump = <K>(m: Map<K, number>, k: K, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
while (performance.now() < deadline) {
  const t = performance.now();
  const { rows } = await client.query<Row>(sampleSql);
  samples++;
  const byPid = new Map(rows.map((r) => [r.pid, r]));
  for (const r of rows) {
    if (!apps.has(r.app)) continue;
    const seen = backendsSeen.get(r.app) ?? new Set();
    seen.add(r.pid);
    backendsSeen.set(r.app, seen);
    const what = r.state === "active" ? (r.wait ? `active, waiting ${r.wait}` : "active, on a core or runnable") : (r.state ?? "?");
    const m = byApp.get(r.app) ?? new Map<string, number>();
    bump(m, what);
    byApp.set(r.app, m);
    if (r.state === "active" || r.state === "idle in transaction") {
      bump(byQuery, `${r.app} | ${what} | ${r.query}`);
    }
    for (const b of r.blockers ?? []) {
      const o = byPid.get(b);
      bump(blockedBy, `${r.app} (${r.wait}: ${r.query.slice(0, 70)}) ← ${o?.app ?? "?"} [${o?.state ?? "?"}${o?.wait ? ", " + o.wait : ""}: ${o?.query.slice(0, 70) ?? "?"}]`);
    }
  }
  const left = every - (performance.now() - t);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
}
await client.end();
const wall = (performance.now() - started) / 1000;
console.log(`${samples} samples in ${wall.toFixed(1)} s (one every ${((wall * 1000) / samples).toFixed(1)} ms)`);
for (const [app, m] of byApp) {
  const total = [...m.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${app}: ${backendsSeen.get(app)!.size} backends, ${(total / samples).toFixed(2)} on average per sample`);
  for (const [what, n] of [...m].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${((n / total) * 100).toFixed(1).padStart(5)} %  ${(n / samples).toFixed(2)} backends  ${what}`);
  }
}
console.log(`\nby statement (samples in a transaction; share of all samples of its application's backends):`);
for (const [k, n] of [...byQuery].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`  ${String(n).padStart(6)}  ${k}`);
}
console.log(`\nblocked by (samples):`);
if (!blockedBy.size) console.log("  none");
for (const [k, n] of [...blockedBy].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`  ${String(n).padStart(6)}  ${k}`);
}
