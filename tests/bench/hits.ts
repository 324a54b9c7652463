// npm run bench -- hits [--data-dir dir] [--clients 32] [--seconds 10] [--warmup 2] [--rounds 2] [--keys 8]
//                       [--search-cache true] [--baseline dir] [--keepr-node-args="--cpu-prof --cpu-prof-dir=dir"]
//                       [--autogroup-nice=-10] [--log-level warn]
//
// What Keepr's own process costs per public search (issue 23): the guest
// app's Search document (web/src/documents.ts) sent as GET /graphql, as the
// guest app sends it, by --clients keep-alive clients, on --keys distinct
// searches (a city, an arrival 30+ days ahead, 2 nights, 2 adults), so that
// with the search cache on (the default) nearly every request is a cache hit
// (`x-keepr-cache: hit`; each key is computed once per SEARCH_CACHE_TTL_SECONDS);
// with --search-cache false every one is computed.
// Prints per phase: requests per second, p50/p95/p99, the outcomes
// (x-keepr-cache), the CPU of the API process per request (from /proc), and
// its JavaScript thread's time on a core and waiting for one.
//
// The API runs as a process of its own (WORKER=false REALTIME=false, as
// --api-processes does in the booking bench) beside a first Keepr process
// that owns the embedded Postgres, the worker and realtime (whose WAL feed
// keeps the search cache trusted): only the measured process's CPU is read.
// --baseline <dir>: a second checkout (e.g. `git worktree add /tmp/base
// <commit>` with node_modules linked) runs as a second API process, and the
// phases alternate ABBA (--rounds 2: A B B A), each warmed up first, so a
// change is measured against what it changes on the same machine minutes
// apart. --data-dir: as in the booking bench (the scale data is generated
// there when it holds none; reused afterwards).
// --keepr-node-args: Node options of the API processes (e.g. a CPU profile).
// --log-level: LOG_LEVEL of the API processes (warn, as every bench runs
// Keepr; info writes a line per request, as production does by default).
import "../../core/env.ts";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { openDatabase } from "../../core/database.ts";
import { isRunning } from "../../core/embedded-postgres.ts";
import { loadConfig } from "../../core/config.ts";
import { defaultScaleOptions, formatScaleResult, generateScaleData, scaleSlugPrefix } from "../../db/seed-scale.ts";
import { search as searchDocument } from "../../web/src/documents.ts";
import { autogroupEnabled, autogroupWeigher, processCpuSeconds, threadSchedSeconds } from "../helpers/cpu.ts";
import { benchDataDir, freePort, postmasterPid, startKeepr, stopKeepr, type KeeprProcess } from "../helpers/keepr-process.ts";
import { day, formatCodes, makeApi, measurePhase, ms, onInterrupt, Stats, stopBenchKeepr } from "./load.ts";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "32" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    rounds: { type: "string", default: "2" },
    keys: { type: "string", default: "8" },
    "search-cache": { type: "string", default: "true" },
    baseline: { type: "string" },
    "data-dir": { type: "string" },
    "keepr-node-args": { type: "string", default: "" },
    "autogroup-nice": { type: "string" },
    "log-level": { type: "string", default: "warn" },
  },
  strict: true,
});
const clients = Number(args.clients);
const seconds = Number(args.seconds);
const warmup = Number(args.warmup);
const rounds = Number(args.rounds);
const keyCount = Number(args.keys);
for (const [name, v] of Object.entries({ clients, seconds, rounds, keys: keyCount })) {
  if (!Number.isInteger(v) || v < 1) {
    console.error(`--${name}: a whole number ≥ 1`);
    process.exit(2);
  }
}
for (const name of ["DATABASE_URL", "AUTH_DATABASE_URL", "ROOT_DATABASE_URL", "SHADOW_DATABASE_URL"]) delete process.env[name];

const { dataDir, keepDataDir } = benchDataDir(args["data-dir"]);
const nodeArgs = args["keepr-node-args"]!.split(" ").filter(Boolean);
const { nice, weigh, restore } = autogroupWeigher(args["autogroup-nice"]);
let owner: KeeprProcess | null = null;
let pgPid: number | null = null;
const apis: Array<{ name: string; keepr: KeeprProcess }> = [];
const pools: pg.Pool[] = [];
onInterrupt(() => {});

try {
  const running = postmasterPid(dataDir);
  if (running !== null && isRunning(running)) throw new Error(`a Postgres (pid ${running}) already runs on ${dataDir}: another bench is using it`);
  const pgPort = await freePort();
  const common = { SEED: "false", ADMIN_BUILD: "false", API_POOL_SIZE: String(clients), SEARCH_CACHE: args["search-cache"]! };
  owner = await startKeepr({ dataDir, port: await freePort(), pgPort, env: { ...common, LOG_LEVEL: "warn" } });
  pgPid = postmasterPid(dataDir);
  const db = await openDatabase(loadConfig({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) }), () => {});
  const ownerPool = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
  ownerPool.on("error", () => {});
  pools.push(ownerPool);
  const generated = (await ownerPool.query<{ n: number }>("select count(*)::int as n from app_public.organizations where slug like $1", [`${scaleSlugPrefix}%`])).rows[0]!.n;
  if (generated === 0) console.log(formatScaleResult(await generateScaleData(db, defaultScaleOptions), defaultScaleOptions));
  const cities = (await ownerPool.query<{ city: string }>("select distinct city from app_public.properties where is_published order by 1")).rows.map((r) => r.city);

  const apiEnv = { ...common, WORKER: "false", REALTIME: "false", LOG_LEVEL: args["log-level"]! };
  const roots = args.baseline ? [["A (baseline)", path.resolve(args.baseline)], ["B (this checkout)", undefined]] as const : [["this checkout", undefined]] as const;
  for (const [name, root] of roots) {
    const keepr = await startKeepr({ dataDir, port: await freePort(), pgPort, env: apiEnv, nodeArgs, ...(root ? { root } : {}) });
    weigh(keepr.child.pid!, `API ${name}`);
    apis.push({ name, keepr });
  }
  weigh(owner.child.pid!, "Keepr (worker, realtime)");
  weigh(process.pid, "the bench");

  const keys = Array.from({ length: keyCount }, (_, i) => ({
    arrival: day(30 + i), departure: day(32 + i), adults: 2, children: 0, city: cities[i % cities.length]!,
  }));
  console.log(
    `${apis.map((a) => `${a.name}: pid ${a.keepr.child.pid}`).join("; ")}; search cache ${args["search-cache"]}; LOG_LEVEL ${args["log-level"]}; ` +
      `${keyCount} keys (${[...new Set(keys.map((k) => k.city))].join(", ")}); ${clients} clients; ` +
      `autogroup ${autogroupEnabled() ? "on" : "off"}${nice === null ? "" : ` (Keepr's and the bench's at nice ${nice})`}` +
      `${nodeArgs.length ? `; node options ${nodeArgs.join(" ")}` : ""}`,
  );

  const order = Array.from({ length: rounds }, (_, r) => (r % 2 === 0 ? apis : [...apis].reverse())).flat();
  const results = new Map<string, Array<{ rps: number; p50: number; p95: number; p99: number; cpuMs: number; onCpu: number; waiting: number; rows: number }>>();
  for (const { name, keepr } of order) {
    const api = makeApi(keepr.url, clients);
    const paths = keys.map((k) => api.getPath(searchDocument.source, searchDocument.name, k));
    /** x-keepr-cache of the answers, by the phase's stats (the warm-up's are not counted). */
    const outcomesOf = new Map<Stats, Map<string, number>>();
    let next = 0;
    let rows = 0;
    const pid = keepr.child.pid!;
    const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    const threadBefore = threadSchedSeconds(pid);
    const measured = await measurePhase({
      clients, seconds, warmup,
      cpu: () => ({ keepr: processCpuSeconds(pid) }),
      op: async (stats: Stats) => {
        const out = await api.get(paths[next++ % paths.length]!, (d: { searchAvailability: { nodes: unknown[] } }) => d.searchAvailability.nodes.length);
        if (out.data !== undefined) {
          stats.ok(out.ms);
          rows = out.data;
        } else stats.fail(out.code ?? "UNKNOWN");
        const outcome = String(out.headers?.["x-keepr-cache"] ?? "none");
        const outcomes = outcomesOf.get(stats) ?? outcomesOf.set(stats, new Map()).get(stats)!;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        return true;
      },
    });
    const threadAfter = threadSchedSeconds(pid);
    api.agent.destroy();
    const s = measured.stats;
    const outcomes = outcomesOf.get(s) ?? new Map<string, number>();
    const wall = measured.wall;
    const r = {
      rps: s.okThroughput, p50: s.percentile(50), p95: s.percentile(95), p99: s.percentile(99),
      cpuMs: (measured.cpu.keepr! * 1000) / Math.max(1, s.requests),
      // The warm-up's thread time is in the difference too: shares of the whole phase.
      onCpu: (threadAfter.onCpu - threadBefore.onCpu) / (wall + warmup), waiting: (threadAfter.waiting - threadBefore.waiting) / (wall + warmup),
      rows,
    };
    results.set(name, [...(results.get(name) ?? []), r]);
    console.log(
      `${name.padEnd(18)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${ms(r.p50)}  p95 ${ms(r.p95)}  p99 ${ms(r.p99)} ms  ` +
        `Keepr CPU ${r.cpuMs.toFixed(3)} ms/request  thread on a core ${(r.onCpu * 100).toFixed(0)} % waiting ${(r.waiting * 100).toFixed(0)} %  ` +
        `(${rows} rows; outcomes ${formatCodes(outcomes)}; errors ${formatCodes(s.errors)}; load ${load})`,
    );
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log("\nmeans over the rounds:");
  for (const [name, rs] of results) {
    console.log(
      `${name.padEnd(18)} ${mean(rs.map((r) => r.rps)).toFixed(0).padStart(6)} req/s  p95 ${ms(mean(rs.map((r) => r.p95)))} ms  ` +
        `Keepr CPU ${mean(rs.map((r) => r.cpuMs)).toFixed(3)} ms/request (${rs.map((r) => r.cpuMs.toFixed(3)).join(", ")})`,
    );
  }
} finally {
  for (const { keepr } of apis.splice(0)) {
    const code = await stopKeepr(keepr, "SIGINT");
    if (code !== 0) console.error(`an API process exited with ${code}:\n${keepr.output().slice(-2000)}`);
  }
  await stopBenchKeepr({ running: owner, pgPid, pools, dataDir, keepDataDir });
  restore();
}
