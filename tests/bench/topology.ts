// npm run bench -- topology [--clients 16] [--seconds 10] [--warmup 2] [--rounds 1] [--pool 10]
//                           [--properties 20] [--units 2000] [--days 180] [--occupancy 0.6] [--seed 42]
//                           [--phases search,quote,booking] [--configs single,replica,primary]
//
// Keepr through its whole scaled-out topology beside one process on one
// Postgres (issue 20), on the same data, with the same clients and seconds:
//   single   one Keepr process (`node main.ts`: API, worker and realtime in
//            one) on one Postgres 15 (Debian's, as the topology: only the
//            topology differs; realtime streams from it as in the topology);
//   replica  the topology of `npm run cluster` (ops/cluster/cluster.ts:
//            HAProxy → 2 API processes → PgBouncer in transaction mode →
//            Postgres 15 primary with a synchronous hot standby; a worker and
//            a realtime process), the load sent to HAProxy's HTTP frontend,
//            searches and quotes read from the standby (REPLICA_DATABASE_URLS);
//   primary  the same cluster, its API processes restarted with
//            REPLICA_DATABASE_URLS empty: every read on the primary.
// 1. starts both (each: migrations, then the scale data, db/seed-scale.ts,
//    same seed; smaller than its defaults, as `npm run bench -- replicas`:
//    20 properties, 2,000 units, 180 days) and finds bookable stays by
//    searches (not measured; the standby's caches are warmed by as many),
//    and warms Keepr's processes with 10 s of searches and quotes through
//    the API (again after each restart of the topology's API processes);
// 2. per round (--rounds, the order of the configurations reversed every
//    other round so a busy machine's drift falls on all of them), per
//    configuration, per phase: --clients concurrent clients over keep-alive
//    HTTP for --seconds after --warmup seconds not measured:
//      search   searchAvailability, random city, arrival 1–60 days ahead, 2–7 nights
//      quote    quote on random bookable rate plans (found by searches beforehand)
//      booking  createHold + confirmBooking; quote tokens made beforehand, not timed
//    (the load driver is tests/bench/load.ts, shared with `npm run bench -- booking`);
// 3. after each booking phase checks that every booking the API acknowledged
//    is confirmed in the primary (and, in the topology, in the standby once
//    it has replayed the primary's position), that each holds its nights,
//    and that no unit's night is held by two confirmed bookings; then
//    cancels them, so every booking phase starts from the same inventory;
// 4. prints per configuration and phase: throughput, p50/p95/p99, errors by
//    code, which database answered (X-Keepr-Read-From), which API process
//    (x-keepr-backend), and the CPU per operation of the primary, the
//    replica, each API process, the worker, realtime, PgBouncer, HAProxy
//    and this client (/proc: each process with its descendants), and the
//    Postgres nodes' CPU by kind of process (their titles: the API's
//    backends, the worker's, the standby's and realtime's WAL senders,
//    autovacuum, background processes); then the
//    ratios (topology / single throughput, the primary's CPU per search with
//    and without the replica) as medians over the rounds.
// Both configurations stay up for the whole run: the one not measured idles
// (its CPU is printed, "idle other").
// Stops everything and removes its keepr-run-* directories at the end, on
// an error, and on Ctrl-C or SIGTERM (a second Ctrl-C leaves at once).
// Exits 1 when a check fails or a phase had errors other than SOLD_OUT.
import "../../core/env.ts";
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { roleUrl } from "../../core/database.ts";
import { migrateDatabase } from "../../core/migrate.ts";
import { ensureDatabase, ensureRoles, roles } from "../../core/roles.ts";
import { generateSecrets } from "../../core/secrets.ts";
import { defaultScaleOptions, formatScaleResult, generateScaleData, type ScaleOptions } from "../../db/seed-scale.ts";
import { startCluster, type Cluster } from "../../ops/cluster/cluster.ts";
import { makeClusterDir, startPrimary, type PostgresNode } from "../../ops/cluster/postgres.ts";
import { postgresCpuByKind, processTreesCpuSeconds } from "../helpers/cpu.ts";
import { freePort, makeDataDir, startKeepr, stopKeepr, type KeeprProcess } from "../helpers/keepr-process.ts";
import {
  apiOps, bookOnce, clientCpuSeconds, directOps, findCandidates, formatCodes, interruption, makeApi, makeDirect, measurePhase, median, ms, pick,
  QuoteTokens, randomStay, ratio, restoreInventory, runLoops, Stats, type ApiClient, type Candidates, type GuestOps, type Outcome,
} from "./load.ts";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "16" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    rounds: { type: "string", default: "1" },
    pool: { type: "string", default: "10" },
    properties: { type: "string", default: "20" },
    units: { type: "string", default: "2000" },
    days: { type: "string", default: "180" },
    occupancy: { type: "string", default: String(defaultScaleOptions.occupancy) },
    seed: { type: "string", default: String(defaultScaleOptions.seed) },
    phases: { type: "string", default: "search,quote,booking" },
    configs: { type: "string", default: "single,replica,primary" },
  },
  strict: true,
});
const clients = Number(args.clients);
const seconds = Number(args.seconds);
const warmup = Number(args.warmup);
const rounds = Number(args.rounds);
const poolSize = Number(args.pool);
const scale: ScaleOptions = {
  ...defaultScaleOptions,
  properties: Number(args.properties), units: Number(args.units), days: Number(args.days), occupancy: Number(args.occupancy), seed: Number(args.seed),
};
const phaseNames = ["search", "quote", "booking"] as const;
type PhaseName = (typeof phaseNames)[number];
const configNames = ["single", "replica", "primary"] as const;
type ConfigName = (typeof configNames)[number];
const configLabel: Record<ConfigName, string> = {
  single: "one process, one Postgres",
  replica: "topology, replica in rotation",
  primary: "topology, primary only",
};
const phases = args.phases!.split(",").map((p) => p.trim()).filter(Boolean) as PhaseName[];
const configs = args.configs!.split(",").map((p) => p.trim()).filter(Boolean) as ConfigName[];
if (!phases.length || phases.some((p) => !phaseNames.includes(p)) || !configs.length || configs.some((c) => !configNames.includes(c))) {
  console.error("--phases: search,quote,booking in any order; --configs: single,replica,primary in any order");
  process.exit(2);
}
for (const [name, v] of Object.entries({ clients, seconds, warmup, rounds, pool: poolSize })) {
  if (!Number.isFinite(v) || v < (name === "warmup" ? 0 : 1)) {
    console.error(`--${name} must be a positive number`);
    process.exit(2);
  }
}

// The bench runs Postgres of its own: nothing of the caller's environment reaches Keepr.
for (const name of ["DATABASE_URL", "AUTH_DATABASE_URL", "ROOT_DATABASE_URL", "SHADOW_DATABASE_URL", "REPLICA_DATABASE_URLS", "REALTIME_DATABASE_URL"]) {
  delete process.env[name];
}

// ---------------------------------------------------------------------------
// What runs, and stopping it whatever happens
// ---------------------------------------------------------------------------

let stopping = false;
const pools: pg.Pool[] = [];
const dirs: string[] = [];
let singlePrimary: PostgresNode | undefined;
let singleKeepr: KeeprProcess | undefined;
let cluster: Cluster | undefined;

/** Stops whatever is running now (and forgets it): safe to call again, and again after more has started. */
async function cleanUp(): Promise<void> {
  queues.splice(0);
  await Promise.all(pools.splice(0).map((p) => p.end().catch(() => {})));
  const keepr = singleKeepr;
  singleKeepr = undefined;
  if (keepr) await stopKeepr(keepr, "SIGTERM").catch(() => {});
  const node = singlePrimary;
  singlePrimary = undefined;
  const c = cluster;
  cluster = undefined;
  await Promise.all([node?.stop().catch(() => {}), c?.stop().catch(() => {})]);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
const interrupt = (signal: string) => {
  if (stopping) process.exit(130);
  stopping = true;
  interruption.requested = true;
  console.error(`\n${signal}: stopping Keepr, PgBouncer, HAProxy and Postgres (${signal} again to leave them running)`);
  void cleanUp();
};
process.on("SIGINT", () => interrupt("SIGINT"));
process.on("SIGTERM", () => interrupt("SIGTERM"));
const checkpoint = () => {
  if (stopping) throw new Error("interrupted");
};

// ---------------------------------------------------------------------------
// The configurations
// ---------------------------------------------------------------------------

interface Target {
  /** Where the guests' requests go (Keepr's own port, or HAProxy's HTTP frontend). */
  url: string;
  /** The superuser on the primary's keepr database: checks and inventory resets. */
  admin: pg.Pool;
  /** SQL as the authenticator on the primary: finding stays and making quote tokens (not measured). */
  prep: GuestOps;
  cities: string[];
  candidates: Candidates;
}

/** The pid of every process measured, by name, now (the topology's API processes change pid when restarted). */
function pids(): Record<string, number> {
  const p: Record<string, number> = {};
  if (singlePrimary) p["single:postgres"] = singlePrimary.pid;
  if (singleKeepr) p["single:keepr"] = singleKeepr.child.pid!;
  if (cluster) {
    p["topology:primary"] = cluster.primary.pid;
    p["topology:replica"] = cluster.standby.pid;
    for (const child of cluster.processes) if (child.running()) p[`topology:${child.name}`] = child.pid;
  }
  return p;
}
/** Postgres's CPU by kind of process too (`<node>/<kind>`: postgresCpuByKind), for where a primary's time goes. */
function postgresKinds(): Record<string, number> {
  const nodes: Record<string, number> = {};
  if (singlePrimary) nodes["single:postgres"] = singlePrimary.pid;
  if (cluster) Object.assign(nodes, { "topology:primary": cluster.primary.pid, "topology:replica": cluster.standby.pid });
  return Object.fromEntries(
    Object.entries(nodes).flatMap(([node, pid]) => Object.entries(postgresCpuByKind(pid)).map(([kind, s]) => [`${node}/${kind}`, s])),
  );
}
const cpuNow = () => ({ ...processTreesCpuSeconds(pids()), ...postgresKinds(), client: clientCpuSeconds() });

/** Each configuration's primary, as the superuser: its job queue is read before each phase. */
const queues: pg.Pool[] = [];

async function prepare(url: string, authenticatorUrl: string, superuserUrl: string): Promise<Target> {
  const admin = new pg.Pool({ connectionString: superuserUrl, max: 2 });
  queues.push(admin);
  const prepPool = new pg.Pool({ connectionString: authenticatorUrl, max: 4, application_name: "keepr-bench-prep" });
  pools.push(admin, prepPool);
  // Idle connections fail when Postgres stops at the end: expected.
  for (const pool of [admin, prepPool]) pool.on("error", () => {});
  const prep = directOps(makeDirect(prepPool));
  const cities = (await admin.query<{ city: string }>("select distinct city from app_public.properties where is_published order by 1")).rows.map((r) => r.city);
  const candidates = await findCandidates(prep, cities, 4, 20_000);
  console.log(`  ${candidates.list.length} bookable stays found (room for ${candidates.capacity} bookings)`);
  return { url, admin, prep, cities, candidates };
}

/** The generated rows vacuumed and analysed, as autovacuum would leave them in service (else the first phase pays for it). */
async function vacuum(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("vacuum (analyze)");
  } finally {
    await client.end();
  }
}

async function startSingle(secrets: ReturnType<typeof generateSecrets>): Promise<Target> {
  const dir = makeClusterDir();
  dirs.push(dir);
  singlePrimary = await startPrimary({ dir, port: await freePort(), superuserPassword: secrets.superuserPassword });
  const superuserUrl = singlePrimary.superuserUrl("postgres");
  await ensureRoles(superuserUrl, { owner: secrets.ownerPassword, authenticator: secrets.authenticatorPassword, realtime: secrets.realtimePassword });
  await ensureDatabase(superuserUrl, "keepr");
  const url = (role: string, password: string) => roleUrl(superuserUrl, role, password, "keepr");
  const ownerUrl = url(roles.owner, secrets.ownerPassword);
  const authUrl = url(roles.authenticator, secrets.authenticatorPassword);
  await migrateDatabase({ ownerUrl, superuserUrl }, () => {});
  checkpoint();
  console.log(`single: Postgres 15 on port ${singlePrimary.port} (pid ${singlePrimary.pid}), migrated; generating the scale data…`);
  console.log(indent(formatScaleResult(await generateScaleData({ ownerUrl, superuserUrl }, scale), scale)));
  await vacuum(singlePrimary.superuserUrl("keepr"));
  checkpoint();
  const dataDir = makeDataDir();
  dirs.push(dataDir);
  singleKeepr = await startKeepr({
    dataDir, port: await freePort(), pgPort: await freePort(),
    env: {
      DATABASE_URL: ownerUrl, AUTH_DATABASE_URL: authUrl, REALTIME_DATABASE_URL: url(roles.realtime, secrets.realtimePassword),
      SEED: "false", ADMIN_BUILD: "false", API_POOL_SIZE: String(poolSize), LOG_LEVEL: "warn", JWT_SECRET: secrets.jwtSecret,
    },
  });
  console.log(`single: Keepr (node main.ts: API, worker, realtime) pid ${singleKeepr.child.pid} at ${singleKeepr.url}`);
  return prepare(singleKeepr.url, authUrl, singlePrimary.superuserUrl("keepr"));
}

async function startTopology(): Promise<Target> {
  console.log("topology: starting the cluster (ops/cluster/cluster.ts)…");
  cluster = await startCluster({ seed: false, logLevel: "warn", env: { API_POOL_SIZE: String(poolSize) }, log: (m) => console.log(`  ${m}`) });
  checkpoint();
  const c = cluster;
  console.log("topology: generating the scale data on the primary (through HAProxy; the standby replays it)…");
  console.log(indent(formatScaleResult(await generateScaleData({ ownerUrl: c.urls.owner, superuserUrl: c.urls.superuser }, scale), scale)));
  await vacuum(c.primary.superuserUrl("keepr"));
  await c.standby.waitForReplay(await c.primary.currentLsn(), 300_000);
  checkpoint();
  const pid = (name: string) => c.processes.find((p) => p.name === name)?.pid;
  console.log(
    `topology: HAProxy ${c.url} (pid ${pid("haproxy")}) → ${Object.keys(c.apiUrls).map((n) => `${n} pid ${pid(n)}`).join(", ")} → PgBouncer pid ${pid("pgbouncer")} → ` +
      `primary pid ${c.primary.pid}, standby pid ${c.standby.pid} (caught up); worker pid ${pid("worker")}, realtime pid ${pid("realtime")}`,
  );
  const target = await prepare(c.url, c.urls.authenticatorDirect, c.primary.superuserUrl("keepr"));
  // The standby's caches warmed as the primary's were by those searches (else the first phase on it pays for reading the data in).
  const replicaPool = new pg.Pool({ connectionString: c.urls.authenticatorReplica, max: 4, application_name: "keepr-bench-prep" });
  pools.push(replicaPool);
  replicaPool.on("error", () => {});
  await findCandidates(directOps(makeDirect(replicaPool)), target.cities, 4, target.candidates.capacity);
  return target;
}

// ---------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------

interface Tally {
  readFrom: Map<string, number>;
  backend: Map<string, number>;
}
interface Result {
  round: number;
  config: ConfigName;
  phase: PhaseName;
  stats: Stats;
  parts: Record<string, Stats>;
  wall: number;
  /** CPU seconds used while measured, by process. */
  cpu: Record<string, number>;
  tally: Tally;
  exhausted: boolean;
  /** Booking phases: acknowledged bookings and what the checks found. */
  acknowledged?: number;
  problems?: string[];
}
const results: Result[] = [];

const count = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
/** The guest operations through `api`, counting which database and which API process answered each. */
function tallied(api: ApiClient, tally: Tally): GuestOps {
  const ops = apiOps(api);
  const note = <T>(o: Outcome<T>): Outcome<T> => {
    if (o.headers) {
      // Without a replica configured answers do not say: they read the primary.
      count(tally.readFrom, String(o.headers["x-keepr-read-from"] ?? "primary (no replica configured)"));
      count(tally.backend, String(o.headers["x-keepr-backend"] ?? "-"));
    }
    return o;
  };
  return {
    search: async (s) => note(await ops.search(s)),
    quote: async (...a) => note(await ops.quote(...a)),
    hold: async (t) => note(await ops.hold(t)),
    confirm: async (...a) => note(await ops.confirm(...a)),
  };
}

/** Every acknowledged booking confirmed and holding its nights on `admin`'s database; no unit-night held by two confirmed bookings. */
async function checkBookings(admin: pg.Pool, ids: string[], where: string): Promise<string[]> {
  const problems: string[] = [];
  const [{ confirmed }] = (await admin.query<{ confirmed: number }>(
    "select count(*)::int as confirmed from app_public.reservations where id = any($1::uuid[]) and status = 'confirmed'", [ids],
  )).rows as [{ confirmed: number }];
  if (confirmed !== ids.length) problems.push(`${where}: ${ids.length - confirmed} of ${ids.length} acknowledged bookings are not confirmed there`);
  const [{ holding }] = (await admin.query<{ holding: number }>(
    `select count(distinct reservation_id)::int as holding from app_public.inventory_claims
      where reservation_id = any($1::uuid[]) and kind = 'reservation' and released_at is null`, [ids],
  )).rows as [{ holding: number }];
  if (holding !== ids.length) problems.push(`${where}: ${ids.length - holding} of ${ids.length} acknowledged bookings hold no nights`);
  const [{ twice }] = (await admin.query<{ twice: number }>(
    `select count(*)::int as twice from app_public.reservations a join app_public.reservations b
        on a.property_id = b.property_id and a.unit_id = b.unit_id and a.id < b.id and a.stay && b.stay
      where a.status in ('confirmed', 'checked_in') and b.status in ('confirmed', 'checked_in')`,
  )).rows as [{ twice: number }];
  if (twice) problems.push(`${where}: ${twice} pairs of confirmed bookings share a unit's night`);
  return problems;
}

/**
 * Waits until every process measured, of both configurations, is quiet
 * (under 15 % of a core in all over a second), the standby has replayed
 * the primary, and no job is due (the emails of the last booking phase and
 * of its cancellations sent): at most 60 s in all.
 */
async function settle(): Promise<void> {
  const deadline = performance.now() + 60_000;
  if (cluster) await cluster.standby.waitForReplay(await cluster.primary.currentLsn(), 60_000);
  // The jobs due now (a booking's emails, a cancellation's) run before, not during, the next phase.
  for (const admin of queues) {
    for (;;) {
      const { rows } = await admin.query<{ due: number }>(
        "select count(*)::int as due from graphile_worker.jobs where attempts < max_attempts and run_at <= now()",
      );
      if (rows[0]!.due === 0 || stopping) break;
      if (performance.now() > deadline) {
        console.log(`  (${rows[0]!.due} jobs still due after 60 s; measuring anyway)`);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  for (;;) {
    const before = processTreesCpuSeconds(pids());
    const began = performance.now();
    await new Promise((r) => setTimeout(r, 1000));
    const after = processTreesCpuSeconds(pids());
    const busy = Object.entries(after).reduce((s, [name, v]) => s + v - (before[name] ?? v), 0) / ((performance.now() - began) / 1000);
    if (busy < 0.15 || stopping) return;
    if (performance.now() > deadline) {
      console.log(`  (Keepr's processes still use ${(busy * 100).toFixed(0)} % of a core after 60 s; measuring anyway)`);
      return;
    }
  }
}

/**
 * Keepr's processes (started or restarted just now) warmed before they are
 * measured: searches and quotes through the API for 10 s, not measured, so
 * that Node's compiler has optimized them as in a process that has served
 * for a while (a fresh process spent up to 1.7 times the CPU per search).
 */
async function warmApi(target: Target): Promise<void> {
  const api = makeApi(target.url, clients);
  const ops = apiOps(api);
  let n = 0;
  await runLoops(clients, 10, async () => {
    const c = pick(target.candidates.list);
    await (n++ % 2 ? ops.quote(c.ratePlanId, c.arrival, c.departure, c.adults) : ops.search(randomStay(target.cities)));
    return true;
  }, false);
  api.agent.destroy();
}

async function measure(round: number, config: ConfigName, phase: PhaseName, target: Target): Promise<Result> {
  await settle();
  const api = makeApi(target.url, clients);
  const tallies = new WeakMap<Stats, Tally>();
  const tallyOf = (stats: Stats) => {
    let t = tallies.get(stats);
    if (!t) tallies.set(stats, (t = { readFrom: new Map(), backend: new Map() }));
    return t;
  };
  const acknowledged: string[] = [];
  let tokens: QuoteTokens | undefined;
  let since: Date | undefined;
  let op: (stats: Stats, parts: Record<string, Stats>) => Promise<boolean>;
  let afterWarmup: ((rate: number) => Promise<void>) | undefined;
  if (phase === "search") {
    op = async (stats) => {
      const out = await tallied(api, tallyOf(stats)).search(randomStay(target.cities));
      out.code ? stats.fail(out.code) : stats.ok(out.ms);
      return true;
    };
  } else if (phase === "quote") {
    op = async (stats) => {
      const c = pick(target.candidates.list);
      const out = await tallied(api, tallyOf(stats)).quote(c.ratePlanId, c.arrival, c.departure, c.adults);
      out.code ? stats.fail(out.code) : stats.ok(out.ms);
      return true;
    };
  } else {
    // Quote tokens made beforehand, not timed: enough for the warm-up, then, from its rate, for the measured seconds.
    const t = (tokens = new QuoteTokens(target.prep, target.candidates, clients));
    await t.make(Math.ceil(Math.max(warmup, 1) * clients * 15), (line) => console.log(`  ${line}`));
    since = (await target.admin.query<{ now: Date }>("select now()")).rows[0]!.now;
    op = async (stats, parts) => {
      const quoteToken = t.take();
      if (!quoteToken) return false;
      const id = await bookOnce(tallied(api, tallyOf(stats)), quoteToken, stats, parts);
      if (id) acknowledged.push(id);
      return true;
    };
    afterWarmup = async (rate) => {
      t.clear();
      await t.make(Math.min(60_000, Math.ceil(rate * seconds * 2) + clients * 4), (line) => console.log(`  ${line}`));
    };
  }
  const m = await measurePhase({
    clients, seconds, warmup, op, afterWarmup, cpu: cpuNow,
    partNames: phase === "booking" ? ["createHold", "confirmBooking"] : [],
  });
  api.agent.destroy();
  const result: Result = { round, config, phase, stats: m.stats, parts: m.parts, wall: m.wall, cpu: m.cpu, tally: tallyOf(m.stats), exhausted: m.exhausted };
  if (phase === "booking") {
    // Not timed: what the API acknowledged is in the primary (and the standby), and nothing was sold twice.
    result.acknowledged = acknowledged.length;
    result.problems = await checkBookings(target.admin, acknowledged, "the primary");
    if (config !== "single" && cluster) {
      await cluster.standby.waitForReplay(await cluster.primary.currentLsn());
      const standby = new pg.Pool({ connectionString: cluster.standby.superuserUrl("keepr"), max: 1 });
      standby.on("error", () => {});
      try {
        result.problems.push(...(await checkBookings(standby, acknowledged, "the standby")));
      } finally {
        await standby.end();
      }
    }
    await restoreInventory(target.admin, since!, (line) => console.log(`  ${line}`));
    // The cancelled rows vacuumed as autovacuum would in service, before the next phase reads them (a
    // standby does not use the dead-row hints the primary's index scans leave, so without this every
    // search on it pays for each booking the bench made and cancelled).
    await target.admin.query("vacuum (analyze)");
  }
  results.push(result);
  console.log(formatResult(result));
  return result;
}

// ---------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------

const indent = (text: string) => text.split("\n").map((l) => `  ${l}`).join("\n");
const mapText = (m: Map<string, number>) => [...m].sort((a, b) => a[0].localeCompare(b[0])).map(([k, n]) => `${k} ${n}`).join(", ") || "-";

/** Operations a phase's CPU is divided by: calls (search, quote) or acknowledged bookings. */
const operations = (r: Result) => (r.phase === "booking" ? r.stats.latencies.length : r.stats.requests);
const rate = (r: Result) => operations(r) / r.wall;
/** CPU ms per operation of one process (by its name in cpuNow), NaN when it did not run. */
const cpuPer = (r: Result, name: string) => (name in r.cpu ? (r.cpu[name]! * 1000) / Math.max(1, operations(r)) : NaN);

/** The processes of a configuration, in the order printed: [label, cpu name]. */
function processesOf(config: ConfigName): Array<[string, string]> {
  if (config === "single") return [["postgres", "single:postgres"], ["keepr", "single:keepr"], ["client", "client"]];
  return [
    ["primary", "topology:primary"], ["replica", "topology:replica"], ["api1", "topology:api1"], ["api2", "topology:api2"],
    ["worker", "topology:worker"], ["realtime", "topology:realtime"], ["pgbouncer", "topology:pgbouncer"], ["haproxy", "topology:haproxy"],
    ["client", "client"],
  ];
}
/** CPU ms per operation of every process of the configuration, summed (client excluded). */
const serverCpu = (r: Result) => processesOf(r.config).filter(([l]) => l !== "client").reduce((s, [, n]) => s + (cpuPer(r, n) || 0), 0);
/** The other configuration's processes, idle meanwhile. */
const idleOther = (r: Result) => {
  const prefix = r.config === "single" ? "topology:" : "single:";
  return Object.entries(r.cpu).filter(([n]) => n.startsWith(prefix) && !n.includes("/")).reduce((s, [, v]) => s + v, 0) / r.wall;
};

function formatResult(r: Result): string {
  const s = r.stats;
  const volume = r.phase === "booking"
    ? `${s.latencies.length} booked ${rate(r).toFixed(1)}/s (${s.requests} attempts)`
    : `${s.requests} calls ${rate(r).toFixed(1)}/s`;
  const lines = [
    `${`round ${r.round}, ${r.phase}, ${configLabel[r.config]}:`.padEnd(52)} ${volume}  p50 ${ms(s.percentile(50))}  p95 ${ms(s.percentile(95))}  p99 ${ms(s.percentile(99))} ms` +
      `  errors ${formatCodes(s.errors)}; expected ${formatCodes(s.expected)}${r.exhausted ? "  (quote tokens ran out)" : ""}`,
    `    answered by ${mapText(r.tally.readFrom)}${r.config === "single" ? "" : `; API processes ${mapText(r.tally.backend)}`}`,
    `    CPU ms per ${r.phase === "booking" ? "booking" : r.phase}: ` +
      processesOf(r.config).map(([label, name]) => `${label} ${cpuPer(r, name).toFixed(2)}`).join(", ") +
      `; all server processes ${serverCpu(r).toFixed(2)}; idle other configuration ${(idleOther(r) * 100).toFixed(0)}% of a core`,
  ];
  for (const node of r.config === "single" ? ["single:postgres"] : ["topology:primary", "topology:replica"]) {
    const kinds = Object.keys(r.cpu)
      .filter((n) => n.startsWith(`${node}/`))
      .map((n) => [n.slice(node.length + 1), cpuPer(r, n)] as const)
      .filter(([, v]) => v >= 0.01)
      .sort((a, b) => b[1] - a[1]);
    if (kinds.length) lines.push(`    ${node.split(":")[1]} by process: ${kinds.map(([kind, v]) => `${kind} ${v.toFixed(2)}`).join(", ")}`);
  }
  for (const [part, p] of Object.entries(r.parts)) {
    lines.push(`    ${part.padEnd(15)} p50 ${ms(p.percentile(50))}  p95 ${ms(p.percentile(95))}  p99 ${ms(p.percentile(99))} ms  errors ${formatCodes(p.errors)}; expected ${formatCodes(p.expected)}`);
  }
  if (r.acknowledged !== undefined) {
    lines.push(`    check: ${r.acknowledged} acknowledged bookings; ${r.problems!.length ? `PROBLEMS: ${r.problems!.join("; ")}` : "all confirmed and holding their nights in the primary" + (r.config === "single" ? "" : " and the standby") + ", no unit-night sold twice"}`);
  }
  return lines.join("\n");
}

function summary(): string {
  const of = (config: ConfigName, phase: PhaseName) => results.filter((r) => r.config === config && r.phase === phase);
  const med = (config: ConfigName, phase: PhaseName, f: (r: Result) => number) => median(of(config, phase).map(f));
  const lines = [`summary: medians of ${rounds} round(s); ${clients} clients, ${seconds} s per phase after ${warmup} s; rates in calls/s (booking: acknowledged bookings/s)`];
  for (const phase of phases) {
    const parts = configs.map((c) =>
      `${c} ${med(c, phase, rate).toFixed(1)}/s p95 ${ms(med(c, phase, (r) => r.stats.percentile(95)))} ms, primary ${med(c, phase, (r) => cpuPer(r, c === "single" ? "single:postgres" : "topology:primary")).toFixed(2)} ms CPU, all servers ${med(c, phase, serverCpu).toFixed(2)} ms CPU`);
    lines.push(`  ${phase.padEnd(8)} ${parts.join("; ")}`);
    const single = med("single", phase, rate);
    const ratios = (["replica", "primary"] as const).filter((c) => configs.includes(c) && configs.includes("single")).map((c) => `${c}/single ${ratio(med(c, phase, rate), single)}`);
    if (ratios.length) lines.push(`  ${"".padEnd(8)} throughput topology/single: ${ratios.join(", ")}`);
  }
  if (configs.includes("replica") && configs.includes("primary")) {
    for (const phase of phases.filter((p) => p !== "booking")) {
      const withReplica = med("replica", phase, (r) => cpuPer(r, "topology:primary"));
      const without = med("primary", phase, (r) => cpuPer(r, "topology:primary"));
      lines.push(`  the primary's CPU per ${phase}: ${without.toFixed(2)} ms without the replica, ${withReplica.toFixed(2)} ms with it (with/without ${ratio(withReplica, without)}); the replica's with it: ${med("replica", phase, (r) => cpuPer(r, "topology:replica")).toFixed(2)} ms`);
    }
  }
  const checked = results.filter((r) => r.acknowledged !== undefined);
  if (checked.length) {
    const problems = checked.flatMap((r) => r.problems!);
    lines.push(`  bookings: ${checked.reduce((n, r) => n + r.acknowledged!, 0)} acknowledged in ${checked.length} phases; ${problems.length ? `${problems.length} PROBLEMS` : "every one confirmed where checked, no night sold twice"}`);
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------

let exitCode = 0;
try {
  const secrets = generateSecrets();
  const targets: Partial<Record<ConfigName, Target>> = {};
  if (configs.includes("single")) targets.single = await startSingle(secrets);
  checkpoint();
  if (configs.includes("replica") || configs.includes("primary")) {
    const t = await startTopology();
    targets.replica = t;
    targets.primary = t;
  }
  checkpoint();
  for (const target of new Set(Object.values(targets))) await warmApi(target);
  console.log(`\nmeasuring: ${clients} clients, ${seconds} s per phase after ${warmup} s warm-up, API_POOL_SIZE ${poolSize} per API process; ${rounds} round(s)\n`);
  /** What the cluster's API processes read now: the replica (as started) or the primary only. */
  let apisRead: "replica" | "primary" = "replica";
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 ? configs : [...configs].reverse();
    for (const config of order) {
      if (config !== "single" && config !== apisRead) {
        console.log(`  (restarting the API processes with ${config === "primary" ? "REPLICA_DATABASE_URLS empty" : "the replica"}…)`);
        await cluster!.restartApis(config === "primary" ? { REPLICA_DATABASE_URLS: "" } : {});
        apisRead = config;
        await warmApi(targets[config]!);
      }
      for (const phase of phases) {
        checkpoint();
        await measure(round, config, phase, targets[config]!);
      }
    }
  }
  console.log(`\n${summary()}`);
  if (results.some((r) => r.problems?.length || r.stats.errors.size)) exitCode = 1;
  const down = cluster?.processes.filter((p) => !p.running() && p.name !== "migrate" && p.name !== "seed") ?? [];
  if (down.length) {
    console.error(`processes that died during the run: ${down.map((p) => `${p.name} (${p.logFile})`).join(", ")}`);
    exitCode = 1;
  }
} catch (error) {
  if (stopping) {
    exitCode = 130;
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    if (singleKeepr) console.error(`single Keepr output (last lines):\n${singleKeepr.output().slice(-3000)}`);
    for (const child of cluster?.processes ?? []) if (!child.running() && child.name !== "migrate") console.error(`${child.name} exited; its log:\n${child.tail(2000)}`);
    exitCode = 1;
  }
} finally {
  await cleanUp();
  console.log("stopped Keepr, PgBouncer, HAProxy and Postgres; removed the temporary directories");
}
process.exit(exitCode);
