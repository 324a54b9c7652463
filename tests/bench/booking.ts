// npm run bench -- booking [--clients 32] [--seconds 20] [--warmup 2] [--pool N] [--sql file] [--worker false]
//                          [--data-dir dir] [--search-cache true] [--keepr-node-args="--cpu-prof --cpu-prof-dir=dir"]
//                          [--api-processes 1] [--autogroup-nice=-10] [--floor true]
//                          [--properties 50] [--units 5000] [--days 365] [--occupancy 0.6] [--seed 42]
//                          [--phases search,quote,booking,allocation]
//                          [--lanes 0,2] [--staff-clients 2] [--flood 32] [--flood-keys random|zipf] [--zipf-s 1.1] [--mix-seed 1] [--staff-process] [--staff-pause 0]
//                          [--alloc-units 10,20,40] [--alloc-season 90] [--alloc-fill 0.95] [--alloc-lead 30]
//                          [--alloc-blocks 0] [--alloc-pinned 0] [--alloc-paths API,direct]
//
// The booking paths under load, over real HTTP and directly in SQL:
//  1. starts Keepr (`node main.ts`, no demo data) on a throwaway
//     data directory and free ports, and generates the scale data set into
//     its embedded Postgres (db/seed-scale.ts);
//  2. measures, with --clients concurrent clients for --seconds each (after
//     --warmup seconds not measured):
//       search   searchAvailability, random city, arrival 1–60 days ahead, 2–7 nights, 1–2 adults
//       quote    quote on random bookable rate plans (found by searches beforehand)
//       booking  createHold + confirmBooking (two requests per booking); the
//                quote tokens are made beforehand and not timed
//     first through the GraphQL API (keep-alive HTTP), then the same SQL
//     functions over `pg` from a pool of the same size, each call in a
//     transaction that does `set local role keepr_anonymous` as the API does
//     (logged in as the authenticator);
//  3. prints requests, throughput, p50/p95/p99 latency, errors by code
//     (SOLD_OUT is expected now and then: counted apart), the CPU used by
//     the bench client, the Keepr process and Postgres, and the API/direct
//     throughput ratio; then stops Keepr and its Postgres and deletes the
//     data directory.
// The bookings of each booking phase are cancelled (and their nights
// released) afterwards, so both phases start from the same inventory.
// With the worker on (the default), a booking phase also prints the whole
// Postgres cluster's CPU per booking (issue 23's measure): the window starts
// with no message due (the warm-up's are delivered first, not measured);
// every process of the cluster is sampled over the window and on until the
// worker has run every due job, so the window's own messages are delivered
// and counted (the pre-arrival ones, days ahead, are not); by kind of
// process (backends by application_name or login, realtime's WAL sender,
// background processes, `exited`: what ended between two samples),
// autovacuum apart; and, the issue's way, the cluster's CPU in the window
// alone per booking.
//
// allocation (issue 17): a season of random stays replayed, one booking at
// a time, onto hotel room types of --alloc-units units each (one new hotel
// per room type, all room types at once, one client each): arrivals on the
// --alloc-season nights from tomorrow, 1–7 nights, booked in the order of
// their booking date (arrival less a lead time, exponential with a mean of
// --alloc-lead days), so that far-ahead and last-minute bookings
// interleave and the units fragment as in a real hotel. A count model (per
// night, the stays and blocks of the type) says whether each stay fits by
// count; those that fit are quoted, held and confirmed, until the season
// is --alloc-fill full by count (or the stays run out); those that do not
// are quoted only (the quote must say SOLD_OUT). Optionally a share of the
// unit-nights is blocked (--alloc-blocks, owner blocks of 2–5 nights) and
// a share of the bookings pinned to their unit (--alloc-pinned): both may
// make a stay that fits by count impossible to lay out. It reports moves
// per booking (app_public.allocation_moves, caused by the booking), how
// many bookings needed moves, how many stays that fit by count were
// refused, and createHold's latency (as the API or SQL calls it) with and
// without moves, with ratios. Through the API, then direct
// (--alloc-paths), each on hotels of its own and the same stays (seeded),
// on top of the scale data (generated for this phase too, so that the
// allocator's queries run on tables of a real size).
// --phases allocation runs this phase alone (no searches for candidates).
// --sql <file> runs a SQL file as the owner after the data is generated, to
// measure a change to the SQL functions (create or replace function …)
// before it becomes a migration; the repository is not touched.
// --data-dir <dir>: Keepr's data directory is this one, kept afterwards; the
// scale data is generated into it only when it holds none yet (generating
// takes minutes; a later run with the same directory reuses it, and settles
// it again before measuring). Without it: a throwaway directory.
// --search-cache: SEARCH_CACHE for Keepr, false by default, so every search
// and quote through the API is computed, as direct SQL computes it (issue
// 23's ratios are uncached; `npm run bench -- mix` measures the cache).
// --keepr-node-args: Node options for Keepr's process, split on spaces, e.g.
// --keepr-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof" (with "=": the
// value starts with a dash) for a CPU profile of Keepr, written when the
// bench stops it.
// --api-processes N: N Keepr processes serve the API's search and quote
// phases (the first as always; the others `node main.ts` on the same data
// directory, so on the same embedded Postgres, WORKER=false, each
// with its own pool of --pool connections), the bench's clients sent to them
// in turn (request by request); the Keepr CPU printed is theirs together.
// Only with --phases search,quote.
// --flood-keys (the staff phase): random (the default) floods with a random
// city and dates each search, as the search phase (computed nearly every
// time); zipf draws them as `npm run bench -- mix` does (--zipf-s, --mix-seed)
// and sends the guest app's Search document as GET, so with --search-cache
// true the cache answers the repeats (tests/bench/spike-flood.ts).
// --staff-process (the staff phase): the staff clients talk to an API
// process of their own (`node main.ts` on the same data directory and
// Postgres, WORKER=false, its own pool and guest lane), the flood to the
// first: staff then share Postgres's cores with the guests, not Keepr's
// JavaScript thread.
// The staff phase's staff clients run on a thread of their own
// (tests/bench/staff-loop.ts), as staff work from their own browsers: on the
// flood's thread a staff answer waited to be timed behind the flood's
// answers (since session 38; before, staff p95 under the flood included
// that wait: 2.16-2.36x with a lane of 2 against 2.01x on their own thread).
// --staff-pause MS (the staff phase): each staff client waits MS between its
// changes (a housekeeper does not send the next at once), so staff are not in
// flight all the time; 0 (the default): back to back.
// --autogroup-nice N: with Linux's autogroup on (kernel.sched_autogroup_enabled),
// the scheduler first shares the cores between sessions, and Postgres makes
// every backend a session of its own (setsid), so 32 busy backends weigh 32
// times the Keepr process, whatever its threads' nice. This writes N to
// /proc/<pid>/autogroup of every Keepr process and of this bench (the client
// of both paths, so both are weighed alike); below 0 needs CAP_SYS_NICE.
// The bench's autogroup is its whole session's (the shell it was started
// from): its nice is put back at the end. Run it with `setsid` to measure
// in a session of its own.
// --floor (true by default): before the booking phases, the machine's two
// floors (tests/bench/machine-floor.ts: a claim insert in a PL/pgSQL loop,
// the CPU's gauge, and one a transaction), to read the day's figures by.
// Each search and quote phase also prints how long the Keepr process's
// JavaScript thread (and the bench's) was on a core and how long it waited
// in a run queue for one (/proc/<pid>/task/<pid>/schedstat).
import "../../core/env.ts";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import pg from "pg";
import { openDatabase } from "../../core/database.ts";
import { defaultScaleOptions, formatScaleResult, generateScaleData, scaleSlugPrefix, type ScaleOptions } from "../../db/seed-scale.ts";
import { loadConfig } from "../../core/config.ts";
import { addDays, createHotel, localDate } from "../helpers/booking.ts";
import { autogroupEnabled, autogroupNice, autogroupWeigher, postgresCpuSeconds, postgresProcesses, processCpuSeconds, threadSchedSeconds } from "../helpers/cpu.ts";
import { seededRandom } from "../helpers/random.ts";
import {
  directOps, findCandidates, formatCodes, gql, makeApi, makeDirect, ms, pick, QuoteTokens, randomStay, ratio, restoreInventory,
  runLoops, settle, sql, Stats, cpuSnapshot, onInterrupt, stopBenchKeepr, backendsCpu, backendsCpuSince,
} from "./load.ts";
import { floodSearches } from "./spike-flood.ts";
import { formatFloor, measureFloor } from "./machine-floor.ts";
import type { StaffLoopInput, StaffLoopOutput } from "./staff-loop.ts";
import { benchDataDir, freePort, postmasterPid, startKeepr, stopKeepr, type KeeprProcess } from "../helpers/keepr-process.ts";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "32" },
    seconds: { type: "string", default: "20" },
    warmup: { type: "string", default: "2" },
    pool: { type: "string" },
    properties: { type: "string", default: String(defaultScaleOptions.properties) },
    units: { type: "string", default: String(defaultScaleOptions.units) },
    days: { type: "string", default: String(defaultScaleOptions.days) },
    occupancy: { type: "string", default: String(defaultScaleOptions.occupancy) },
    seed: { type: "string", default: String(defaultScaleOptions.seed) },
    sql: { type: "string" },
    worker: { type: "string", default: "true" },
    phases: { type: "string", default: "search,quote,booking,allocation" },
    rounds: { type: "string", default: "2" },
    "staff-clients": { type: "string", default: "2" },
    flood: { type: "string", default: "32" },
    lanes: { type: "string" },
    "flood-keys": { type: "string", default: "random" },
    "zipf-s": { type: "string", default: "1.1" },
    "mix-seed": { type: "string", default: "1" },
    "staff-process": { type: "boolean", default: false },
    "staff-pause": { type: "string", default: "0" },
    "alloc-units": { type: "string", default: "10,20,40" },
    "alloc-season": { type: "string", default: "90" },
    "alloc-fill": { type: "string", default: "0.95" },
    "alloc-lead": { type: "string", default: "30" },
    "alloc-blocks": { type: "string", default: "0" },
    "alloc-pinned": { type: "string", default: "0" },
    "alloc-paths": { type: "string", default: "API,direct" },
    "data-dir": { type: "string" },
    "search-cache": { type: "string", default: "false" },
    "keepr-node-args": { type: "string", default: "" },
    "api-processes": { type: "string", default: "1" },
    "autogroup-nice": { type: "string" },
    floor: { type: "string", default: "true" },
  },
  strict: true,
});
const clients = Number(args.clients);
/** Search and quote: rounds of API and direct, alternating which goes first (ABBA), so neither path always runs on a warmer or quieter machine. */
const rounds = Number(args.rounds);
const seconds = Number(args.seconds);
const warmup = Number(args.warmup);
/** The API's pool (API_POOL_SIZE) and the direct pool: the same size, by default one connection per client. */
const poolSize = Number(args.pool ?? args.clients);
const scale: ScaleOptions = {
  ...defaultScaleOptions,
  properties: Number(args.properties),
  units: Number(args.units),
  days: Number(args.days),
  occupancy: Number(args.occupancy),
  seed: Number(args.seed),
};
const phases = new Set(args.phases!.split(",").map((p) => p.trim()).filter(Boolean));
for (const p of phases) {
  if (!["search", "quote", "booking", "staff", "allocation"].includes(p)) {
    console.error(`--phases: unknown phase ${p} (search, quote, booking, staff, allocation)`);
    process.exit(2);
  }
}
/**
 * The search, quote and booking phases need bookable stays found by searches
 * of the scale data; allocation makes hotels of its own, but on the scale
 * data too, so that its queries run on tables (and statistics) of a real
 * size, as the other phases do.
 */
const needsCandidates = phases.has("search") || phases.has("quote") || phases.has("booking");
/**
 * staff (issue 23): staff mutations alone and under a flood of guest
 * searches, in rounds (alone, flood, flood, alone, …), for each value of
 * API_PUBLIC_READ_CONCURRENCY in --lanes (Keepr restarted with it; the
 * first value is also the one the other phases run with; none: Keepr's
 * default).
 */
const staffClients = Number(args["staff-clients"]);
const staffPauseMs = Number(args["staff-pause"]);
if (!(staffPauseMs >= 0)) {
  console.error("--staff-pause: milliseconds ≥ 0");
  process.exit(2);
}
const floodClients = Number(args.flood);
const floodKeys = args["flood-keys"] as "random" | "zipf";
const zipfS = Number(args["zipf-s"]);
const mixSeed = Number(args["mix-seed"]);
if (!["random", "zipf"].includes(floodKeys) || !(zipfS >= 0) || !Number.isInteger(mixSeed)) {
  console.error("--flood-keys: random or zipf; --zipf-s: a number ≥ 0; --mix-seed: a whole number");
  process.exit(2);
}
const lanes = args.lanes === undefined ? [undefined] : args.lanes.split(",").map((v) => Number(v.trim()));
if (!Number.isInteger(staffClients) || staffClients < 1 || !Number.isInteger(floodClients) || floodClients < 1 || lanes.some((v) => v !== undefined && !(Number.isInteger(v) && v >= 0))) {
  console.error("--staff-clients and --flood: whole numbers ≥ 1; --lanes: whole numbers ≥ 0, comma-separated");
  process.exit(2);
}
const alloc = {
  units: args["alloc-units"]!.split(",").map(Number),
  season: Number(args["alloc-season"]),
  fill: Number(args["alloc-fill"]),
  lead: Number(args["alloc-lead"]),
  blocks: Number(args["alloc-blocks"]),
  pinned: Number(args["alloc-pinned"]),
  paths: args["alloc-paths"]!.split(",").map((p) => p.trim()) as Array<"API" | "direct">,
};
if (alloc.units.some((n) => !Number.isInteger(n) || n < 1) || !(alloc.season >= 1 && alloc.season <= 700) || !(alloc.fill > 0 && alloc.fill <= 1) ||
    !(alloc.lead >= 0) || !(alloc.blocks >= 0 && alloc.blocks < 1) || !(alloc.pinned >= 0 && alloc.pinned <= 1) ||
    !alloc.paths.length || alloc.paths.some((p) => p !== "API" && p !== "direct")) {
  console.error("--alloc-units: whole numbers ≥ 1; --alloc-season 1–700; --alloc-fill (0, 1]; --alloc-lead ≥ 0; --alloc-blocks [0, 1); --alloc-pinned [0, 1]; --alloc-paths API,direct in any order");
  process.exit(2);
}
for (const [name, v] of Object.entries({ clients, seconds, warmup, pool: poolSize, rounds })) {
  if (!Number.isFinite(v) || v < (name === "warmup" ? 0 : 1)) {
    console.error(`--${name} must be a positive number`);
    process.exit(2);
  }
}

// The bench always runs its own embedded Postgres.
for (const name of ["DATABASE_URL", "AUTH_DATABASE_URL", "ROOT_DATABASE_URL", "SHADOW_DATABASE_URL"]) delete process.env[name];

// ---------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------

interface PhaseResult {
  name: string;
  path: "API" | "direct";
  stats: Stats;
  /** Per-request stats inside a phase (booking: createHold, confirmBooking). */
  parts?: Record<string, Stats>;
  cpu: { client: number; keepr: number; postgres: number };
  /** CPU seconds over the measured phase: the path's own Postgres backends, the Keepr process, the bench client. */
  cpuSeconds: { backends: number; keepr: number; client: number };
  /** Seconds the JavaScript threads were on a core and waited in a run queue for one, over the measured phase: Keepr's (all its API processes) and this bench's. */
  threads: { keepr: { onCpu: number; waiting: number }; client: { onCpu: number; waiting: number } };
  round?: number;
  note?: string;
  /** A booking phase with the worker on: the whole cluster's CPU over the window and the delivery of its messages (ClusterCpu). */
  cluster?: ClusterCpuResult;
}

interface ClusterCpuResult {
  /** Seconds from the window's end until the worker had run every job due (the window's messages). */
  drainSeconds: number;
  /** The window's messages sent (notifications sent from the window's start until the drain's end). */
  messages: number;
  /** CPU seconds of the whole cluster over the window and the drain (the postmaster, every child, live or exited). */
  total: number;
  /** CPU seconds by kind of process: the backends by application_name, `walsender <user>`, `autovacuum`, `background`, and `exited` (what no sample saw: processes that ended between two samples, the postmaster). */
  byKind: Record<string, number>;
  /** The same cluster's CPU seconds in the window alone (the issue's "161 % of a core" way). */
  window: number;
}

/**
 * The whole Postgres cluster's CPU over a booking window and the delivery of
 * the messages its bookings queued: every live child of the postmaster is
 * sampled from /proc every 200 ms (a process first seen after the start
 * counts whole), backends are named by their application_name
 * (pg_stat_activity, looked up as they appear), and what no sample saw
 * (processes that ended between two samples, the postmaster itself) is the
 * cluster's total from /proc less what was seen. Autovacuum is told apart
 * (its workers come and go; one that ends between samples falls into
 * `exited`, at most 200 ms of its CPU).
 */
class ClusterCpu {
  private first = new Map<number, number>();
  private last = new Map<number, { kind: string; seconds: number }>();
  private names = new Map<number, string>();
  private timer: NodeJS.Timeout | undefined;
  private total0 = 0;
  private windowEnd = 0;
  private naming: Promise<void> = Promise.resolve();
  private postmaster: number;
  private owner: pg.Pool;
  constructor(postmaster: number, owner: pg.Pool) {
    this.postmaster = postmaster;
    this.owner = owner;
  }

  async start(): Promise<void> {
    await this.name();
    this.total0 = postgresCpuSeconds(this.postmaster);
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), 200);
  }

  /** The end of the bookings' window (the delivery goes on). */
  endWindow(): void {
    this.windowEnd = postgresCpuSeconds(this.postmaster);
  }

  async stop(): Promise<Omit<ClusterCpuResult, "drainSeconds" | "messages">> {
    clearInterval(this.timer);
    this.sample(false);
    await this.naming;
    const total = postgresCpuSeconds(this.postmaster) - this.total0;
    const byKind: Record<string, number> = {};
    let seen = 0;
    for (const [pid, p] of this.last) {
      const used = p.seconds - (this.first.get(pid) ?? 0);
      const kind = p.kind.startsWith("backend ") ? `backend ${this.names.get(pid) || p.kind.slice(8)}` : p.kind;
      byKind[kind] = (byKind[kind] ?? 0) + used;
      seen += used;
    }
    byKind.exited = total - seen;
    return { total, byKind, window: this.windowEnd - this.total0 };
  }

  private sample(atStart: boolean): void {
    let unnamed = false;
    for (const [pid, p] of postgresProcesses(this.postmaster)) {
      if (!this.first.has(pid)) {
        this.first.set(pid, atStart ? p.seconds : 0);
        if (p.kind.startsWith("backend ") && !this.names.has(pid)) unnamed = true;
      }
      this.last.set(pid, p);
    }
    if (unnamed) this.naming = this.naming.then(() => this.name()).catch(() => {});
  }

  private async name(): Promise<void> {
    // Not by backend_type: to a role that is not the session's (the owner looking at the API's sessions) only the pid and application_name show.
    const { rows } = await this.owner.query<{ pid: number; name: string | null }>("select pid, application_name as name from pg_catalog.pg_stat_activity");
    for (const r of rows) if (r.name && !this.names.has(r.pid)) this.names.set(r.pid, r.name);
  }
}

// The staff phase's housekeeper: a password of its own, and the mutation it makes.
const staffPassword = "bench-staff-password-1";
const setUnitStatus = `mutation SetUnitStatus($unitId: UUID!, $status: HousekeepingStatus!) {
  setUnitStatus(input: { unitId: $unitId, status: $status }) { result { housekeepingStatus } }
}`;


/** Waits until the worker has run every job that is due (not the ones scheduled for later, nor those out of attempts); says how long it took. */
async function drainDueJobs(owner: pg.Pool, timeoutMs = 600_000): Promise<void> {
  const t = performance.now();
  const due = async () => (await owner.query<{ n: number }>(
    "select count(*)::int as n from graphile_worker._private_jobs where run_at <= now() and attempts < max_attempts",
  )).rows[0]!.n;
  const first = await due();
  let left = first;
  while (left > 0) {
    if (performance.now() - t > timeoutMs) throw new Error(`the worker still has ${left} due jobs after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    left = await due();
  }
  console.log(`(${first} due jobs run by the worker first, in ${((performance.now() - t) / 1000).toFixed(1)} s, not timed)`);
}

// ---------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------

let stopping = false;
let running: KeeprProcess | null = null;
const { dataDir, keepDataDir } = benchDataDir(args["data-dir"]);
const keeprNodeArgs = args["keepr-node-args"]!.split(" ").filter(Boolean);
const apiProcesses = Number(args["api-processes"]);
if (!Number.isInteger(apiProcesses) || apiProcesses < 1 || apiProcesses > 8 || (apiProcesses > 1 && [...phases].some((p) => p !== "search" && p !== "quote"))) {
  console.error("--api-processes: a whole number from 1 to 8; above 1 only with --phases search,quote");
  process.exit(2);
}
/** --autogroup-nice for Keepr's processes and this bench's own. */
const { nice: sessionNice, weigh, restore: restoreAutogroup } = autogroupWeigher(args["autogroup-nice"]);
/** The API processes after the first (--api-processes). */
const extraApis: KeeprProcess[] = [];
const pools: pg.Pool[] = [];
let pgPid: number | null = null;

async function cleanUp(): Promise<void> {
  // The first process owns the embedded Postgres: the others stop first.
  for (const extra of extraApis.splice(0)) {
    const code = await stopKeepr(extra, "SIGINT");
    if (code !== 0) console.error(`an extra API process exited with ${code}:\n${extra.output().slice(-2000)}`);
  }
  await stopBenchKeepr({ running, pgPid, pools, dataDir, keepDataDir });
  running = null;
  restoreAutogroup();
}
onInterrupt(() => (stopping = true));

/** Keepr's environment: the pool the size of the bench's, and the guest lane's width when given. */
function keeprEnv(lane: number | undefined): Record<string, string> {
  return {
    // No browser app builds in the background while measuring.
    SEED: "false", ADMIN_BUILD: "false", API_POOL_SIZE: String(poolSize), LOG_LEVEL: "warn", WORKER: args.worker!,
    SEARCH_CACHE: args["search-cache"]!,
    ...(lane === undefined ? {} : { API_PUBLIC_READ_CONCURRENCY: String(lane) }),
  };
}

const results: PhaseResult[] = [];
const staffResults: StaffResult[] = [];
const allocResults: AllocResult[] = [];
let exitCode = 0;
try {
  const port = await freePort();
  const pgPort = await freePort();
  running = await startKeepr({
    dataDir, port, pgPort,
    // --worker false: the API alone, without the jobs its bookings cause
    // (confirmation emails) competing for the same cores.
    env: keeprEnv(lanes[0]),
    nodeArgs: keeprNodeArgs,
  });
  pgPid = postmasterPid(dataDir);
  weigh(running.child.pid!, "Keepr");
  weigh(process.pid, "the bench");
  console.log(`Keepr ready in ${running.readyMs} ms (${running.url}, Postgres pid ${pgPid} on port ${pgPort}, data ${dataDir})`);

  // The running Keepr's cluster: openDatabase attaches to it.
  const db = await openDatabase(loadConfig({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) }), () => {});
  const owned = new pg.Client({ connectionString: db.ownerUrl });
  await owned.connect();
  const existing = await owned.query<{ n: number }>("select count(*)::int as n from app_public.organizations where slug like $1", [`${scaleSlugPrefix}%`]).finally(() => owned.end());
  if (keepDataDir && existing.rows[0]!.n > 0) {
    console.log(`reusing the scale data in ${dataDir} (${existing.rows[0]!.n} generated organizations; generated with the options it was made with, not necessarily these)`);
  } else {
    console.log(`generating scale data (seed ${scale.seed})…`);
    const generated = await generateScaleData(db, scale);
    console.log(formatScaleResult(generated, scale));
  }
  const autogroup = autogroupEnabled();
  console.log(`scheduler: autogroup ${autogroup === null ? "unknown" : autogroup ? "on" : "off"}${sessionNice === null ? "" : `, Keepr's and the bench's autogroups at nice ${sessionNice}`}; the bench's autogroup: nice ${autogroupNice(process.pid) ?? "?"}; load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
  console.log(`search cache: ${args["search-cache"]} (SEARCH_CACHE for Keepr)${keeprNodeArgs.length ? `; Keepr's node options: ${keeprNodeArgs.join(" ")}` : ""}`);
  if (args.sql) {
    const client = new pg.Client({ connectionString: db.ownerUrl });
    await client.connect();
    try {
      await client.query(readFileSync(args.sql, "utf8"));
    } finally {
      await client.end();
    }
    console.log(`applied ${args.sql} as the owner`);
  }

  const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
  const direct = new pg.Pool({
    connectionString: db.authenticatorUrl,
    max: poolSize,
    application_name: "keepr-bench-direct",
    statement_timeout: 5000,
  });
  // Not measured: finding bookable stays and making quote tokens.
  const prep = new pg.Pool({ connectionString: db.authenticatorUrl, max: 4 });
  pools.push(owner, direct, prep);
  // Idle connections fail when Postgres stops at the end: expected.
  for (const pool of pools) pool.on("error", () => {});
  await settle(owner);
  const sqlClient = makeDirect(direct);
  const prepClient = makeDirect(prep);
  const api = makeApi(running.url, clients);
  for (let i = 1; i < apiProcesses; i++) {
    const extra = await startKeepr({ dataDir, port: await freePort(), pgPort, env: { ...keeprEnv(lanes[0]), WORKER: "false" }, nodeArgs: keeprNodeArgs });
    extraApis.push(extra);
    weigh(extra.child.pid!, `API process ${i + 1}`);
    console.log(`API process ${i + 1} ready in ${extra.readyMs} ms (${extra.url}, pid ${extra.child.pid})`);
  }
  /** Search and quote through every API process in turn. */
  const guestApis = [api, ...extraApis.map((extra) => makeApi(extra.url, clients))];
  let turn = 0;
  const guestApi = { call: ((...a: Parameters<typeof api.call>) => guestApis[turn++ % guestApis.length]!.call(...a)) as typeof api.call };
  const cities = (await owner.query<{ city: string }>("select distinct city from app_public.properties where is_published order by 1")).rows.map((r) => r.city);

  // Bookable stays, found by searches (not measured).
  const found = needsCandidates ? await findCandidates(directOps(prepClient), cities, Math.min(clients, 8)) : null;
  const candidates = found?.list ?? [];
  const capacity = found?.capacity ?? 0;
  if (needsCandidates) {
    console.log(`${candidates.length} bookable stays found (room for ${capacity} bookings); cities: ${cities.join(", ")}`);
    console.log(`measuring: ${clients} clients, ${seconds} s per phase after ${warmup} s warm-up, pools of ${poolSize} connections\n`);
  }

  const cpuNow = () => {
    const snapshot = cpuSnapshot(running!.child.pid!, pgPid!);
    for (const extra of extraApis) snapshot.keepr += processCpuSeconds(extra.child.pid!);
    return snapshot;
  };
  const threadsNow = () => {
    const keepr = threadSchedSeconds(running!.child.pid!);
    for (const extra of extraApis) {
      const t = threadSchedSeconds(extra.child.pid!);
      keepr.onCpu += t.onCpu;
      keepr.waiting += t.waiting;
    }
    return { keepr, client: threadSchedSeconds(process.pid) };
  };
  let currentRound: number | undefined;
  async function phase(
    name: string,
    path: PhaseResult["path"],
    op: (stats: Stats, parts: Record<string, Stats>) => Promise<boolean>,
    partNames: string[] = [],
    /** Called between the warm-up and the measurement with the warm-up's rate (operations per second). */
    afterWarmup?: (rate: number) => Promise<void>,
  ): Promise<PhaseResult> {
    const fresh = () => ({ stats: new Stats(), parts: Object.fromEntries(partNames.map((p) => [p, new Stats()])) });
    const scratch = fresh();
    if (warmup > 0 || afterWarmup) {
      const w = await runLoops(clients, Math.max(warmup, 1), () => op(scratch.stats, scratch.parts), false);
      await afterWarmup?.(scratch.stats.requests / (w.ms / 1000));
    }
    if (stopping) throw new Error("interrupted");
    // A booking phase with the worker on: the window starts with no message
    // due (the warm-up's delivered first, not measured) and its cluster CPU
    // is counted until the worker has delivered the window's messages.
    const cluster = name === "booking" && args.worker === "true" ? new ClusterCpu(pgPid!, owner) : undefined;
    if (cluster) await drainDueJobs(owner);
    const since = cluster ? (await owner.query<{ now: Date }>("select clock_timestamp() as now")).rows[0]!.now : undefined;
    await cluster?.start();
    const measured = fresh();
    const backendsOf = path === "API" ? "keepr-api" : "keepr-bench-direct";
    const backends0 = await backendsCpu(owner, backendsOf);
    const threads0 = threadsNow();
    const cpu0 = cpuNow();
    const { ms, exhausted } = await runLoops(clients, seconds, () => op(measured.stats, measured.parts), true);
    const cpu1 = cpuNow();
    cluster?.endWindow();
    const threads1 = threadsNow();
    const backends1 = await backendsCpu(owner, backendsOf);
    let clusterResult: ClusterCpuResult | undefined;
    if (cluster) {
      const t = performance.now();
      await drainDueJobs(owner);
      const drainSeconds = (performance.now() - t) / 1000;
      const parts = await cluster.stop();
      const messages = (await owner.query<{ n: number }>("select count(*)::int as n from app_public.notifications where sent_at >= $1", [since])).rows[0]!.n;
      clusterResult = { ...parts, drainSeconds, messages };
    }
    measured.stats.ms = ms;
    for (const p of Object.values(measured.parts)) p.ms = ms;
    const wall = ms / 1000;
    const result: PhaseResult = {
      name, path, stats: measured.stats, parts: partNames.length ? measured.parts : undefined,
      cpu: {
        client: (cpu1.client - cpu0.client) / wall,
        keepr: (cpu1.keepr - cpu0.keepr) / wall,
        postgres: (cpu1.postgres - cpu0.postgres) / wall,
      },
      cpuSeconds: { backends: backendsCpuSince(backends0, backends1), keepr: cpu1.keepr - cpu0.keepr, client: cpu1.client - cpu0.client },
      threads: {
        keepr: { onCpu: threads1.keepr.onCpu - threads0.keepr.onCpu, waiting: threads1.keepr.waiting - threads0.keepr.waiting },
        client: { onCpu: threads1.client.onCpu - threads0.client.onCpu, waiting: threads1.client.waiting - threads0.client.waiting },
      },
      round: currentRound,
      note: exhausted ? `quote tokens ran out after ${wall.toFixed(1)} s` : undefined,
      cluster: clusterResult,
    };
    results.push(result);
    console.log(formatRow(result));
    if (result.cluster) console.log(formatCluster(result));
    for (const [part, s] of Object.entries(result.parts ?? {})) console.log(formatRow({ ...result, name: `  ${part}`, stats: s, parts: undefined, note: undefined }, true));
    return result;
  }

  // (a) search
  const searchApi = () => async (stats: Stats) => {
    const s = randomStay(cities);
    const out = await guestApi.call(gql.search, s, (d) => d.searchAvailability.nodes.length);
    out.code ? stats.fail(out.code) : stats.ok(out.ms);
    return true;
  };
  const searchDirect = () => async (stats: Stats) => {
    const s = randomStay(cities);
    const out = await sqlClient.call("search", sql.search, [s.arrival, s.departure, s.adults, s.city], (rows) => rows.length);
    out.code ? stats.fail(out.code) : stats.ok(out.ms);
    return true;
  };
  /** API and direct in rounds, ABBA: round 1 API first, round 2 direct first, … */
  async function alternating(name: string, ops: Record<PhaseResult["path"], () => (stats: Stats) => Promise<boolean>>): Promise<void> {
    for (let round = 1; round <= rounds; round++) {
      currentRound = rounds > 1 ? round : undefined;
      for (const path of round % 2 === 1 ? (["API", "direct"] as const) : (["direct", "API"] as const)) await phase(name, path, ops[path]());
    }
    currentRound = undefined;
  }
  if (phases.has("search")) await alternating("search", { API: searchApi, direct: searchDirect });

  // (b) quote
  const quoteApi = () => async (stats: Stats) => {
    const c = pick(candidates);
    const out = await guestApi.call(gql.quote, { ...c }, (d) => d.quote.quoteToken as string);
    out.code ? stats.fail(out.code) : stats.ok(out.ms);
    return true;
  };
  const quoteDirect = () => async (stats: Stats) => {
    const c = pick(candidates);
    const out = await sqlClient.call("quote", sql.quote, [c.ratePlanId, c.arrival, c.departure, c.adults], (rows) => rows[0].quote_token as string);
    out.code ? stats.fail(out.code) : stats.ok(out.ms);
    return true;
  };
  if (phases.has("quote")) await alternating("quote", { API: quoteApi, direct: quoteDirect });

  // (c) booking: hold + confirm, on quote tokens made beforehand (not
  // timed): enough for the warm-up, then, from the warm-up's rate, enough
  // for the measured seconds.
  let tokens: QuoteTokens | undefined;
  const guest = () => ({ name: "Bench Guest", email: `bench-${randomUUID()}@example.com`, phone: "+351 912 345 678" });
  // The machine's floor next to the bookings' figures (tests/bench/machine-floor.ts).
  if (phases.has("booking") && args.floor === "true") {
    for (const perTransaction of [500, 1]) console.log(formatFloor(await measureFloor(db.ownerUrl, pgPid!, { perTransaction })));
  }

  for (const path of phases.has("booking") ? (["API", "direct"] as const) : []) {
    // With the worker on, each booking phase starts with no message due:
    // else it would be measured against the worker delivering the last
    // phase's cancellations (restoreInventory cancels every booking at
    // once) and any backlog the data directory holds, not the messages of
    // its own bookings (issue 23).
    if (args.worker === "true") await drainDueJobs(owner);
    tokens = new QuoteTokens(directOps(prepClient), found!, clients);
    await tokens.make(Math.ceil(Math.max(warmup, 1) * clients * 15));
    const since = (await owner.query<{ now: Date }>("select now()")).rows[0]!.now;
    await phase("booking", path, async (stats, parts) => {
      const quoteToken = tokens!.take();
      if (!quoteToken) return false;
      const g = guest();
      const hold = path === "API"
        ? await api.call(gql.hold, { quoteToken, key: randomUUID() }, (d) => ({ id: d.createHold.result.reservationId as string, token: d.createHold.result.holdToken as string }))
        : await sqlClient.call("hold", sql.hold, [quoteToken, randomUUID()], (rows) => ({ id: rows[0].reservation_id as string, token: rows[0].hold_token as string }));
      if (hold.code) {
        parts.createHold!.fail(hold.code);
        stats.fail(hold.code);
        return true;
      }
      parts.createHold!.ok(hold.ms);
      const confirm = path === "API"
        ? await api.call(gql.confirm, { id: hold.data!.id, key: randomUUID(), ...g, holdToken: hold.data!.token }, (d) => d.confirmBooking.result.confirmationCode as string)
        : await sqlClient.call("confirm", sql.confirm, [hold.data!.id, randomUUID(), g.name, g.email, g.phone, hold.data!.token], (rows) => rows[0].confirmation_code as string);
      if (confirm.code) {
        parts.confirmBooking!.fail(confirm.code);
        stats.fail(confirm.code);
        return true;
      }
      parts.confirmBooking!.ok(confirm.ms);
      stats.ok(hold.ms + confirm.ms);
      return true;
    }, ["createHold", "confirmBooking"], async (rate) => {
      tokens!.clear();
      await tokens!.make(Math.min(60_000, Math.ceil(rate * seconds * 2) + clients * 4));
    });
    await restoreInventory(owner, since);
  }

  // (d) staff: a staff mutation loop alone and under a flood of guest searches
  if (phases.has("staff")) {
    const staffSetup = await makeStaffUser(owner, staffClients);
    let currentLane = lanes[0];
    for (const lane of lanes) {
      // The staff's own API process of the last setting stops before the first process restarts (it owns Postgres).
      for (const extra of extraApis.splice(0)) await stopKeepr(extra, "SIGINT");
      if (lane !== currentLane) {
        // Keepr again, with the lane's width (the same data and ports).
        const code = await stopKeepr(running!, "SIGINT");
        if (code !== 0) throw new Error(`Keepr exited with ${code} while restarting:\n${running!.output().slice(-4000)}`);
        running = await startKeepr({ dataDir, port, pgPort, env: keeprEnv(lane), nodeArgs: keeprNodeArgs });
        pgPid = postmasterPid(dataDir);
        weigh(running.child.pid!, "Keepr");
        currentLane = lane;
        console.log(`(Keepr restarted with API_PUBLIC_READ_CONCURRENCY=${lane} in ${running.readyMs} ms)`);
      }
      let staffUrl = running!.url;
      if (args["staff-process"]) {
        const staffKeepr = await startKeepr({ dataDir, port: await freePort(), pgPort, env: { ...keeprEnv(lane), WORKER: "false" }, nodeArgs: keeprNodeArgs });
        extraApis.push(staffKeepr);
        weigh(staffKeepr.child.pid!, "the staff's API process");
        staffUrl = staffKeepr.url;
        console.log(`(the staff's API process ready in ${staffKeepr.readyMs} ms, ${staffUrl})`);
      }
      const staffToken = await staffLogin(staffUrl, staffSetup);
      const floodApi = makeApi(running!.url, floodClients);
      const label = lane === undefined ? "default lane" : `lane ${lane}`;
      const floodKeysText = floodKeys === "zipf" ? `Zipf s=${zipfS} keys (mix seed ${mixSeed}), the guest app's Search as GET` : "random cities and dates";
      console.log(`\nstaff: ${staffClients} staff clients (setUnitStatus, dirty ↔ clean, each on its own unit${staffPauseMs > 0 ? `, ${staffPauseMs} ms between changes` : ""}${args["staff-process"] ? ", through an API process of their own" : ""}), alone and under ${floodClients} clients searching ${floodKeysText}; ${label}; load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
      for (let round = 1; round <= rounds; round++) {
        for (const flood of round % 2 === 1 ? [false, true] : [true, false]) {
          const r = await staffPhase({ url: staffUrl, token: staffToken }, floodApi, staffSetup.unitIds, flood, cities);
          r.lane = lane;
          r.round = round;
          staffResults.push(r);
          console.log(formatStaff(r));
        }
      }
      floodApi.agent.destroy();
    }
  }

  // (e) allocation: a season replayed onto hotel room types
  if (phases.has("allocation")) {
    console.log(`\nallocation: room types of ${alloc.units.join(", ")} units, a ${alloc.season}-night season filled to ${(alloc.fill * 100).toFixed(0)} % by count, ` +
      `lead times with a mean of ${alloc.lead} days, blocks ${(alloc.blocks * 100).toFixed(1)} % of unit-nights, ${(alloc.pinned * 100).toFixed(0)} % of bookings pinned (seed ${scale.seed})`);
    for (const path of alloc.paths) {
      const t = performance.now();
      const rooms = await Promise.all(alloc.units.map((units, i) => replaySeason(path, units, scale.seed * 1000 + i, owner, api, sqlClient)));
      allocResults.push(...rooms);
      console.log(formatAlloc(path, rooms, (performance.now() - t) / 1000));
    }
  }
  for (const a of guestApis) a.agent.destroy();

  if (needsCandidates) console.log(`\n${summary()}`);
  if (staffResults.length) console.log(`\n${staffSummary()}`);
  if (allocResults.length) console.log(`\n${allocSummary()}`);
} catch (error) {
  if (stopping) {
    exitCode = 130;
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    if (running) console.error(`Keepr output (last lines):\n${running.output().slice(-4000)}`);
    exitCode = 1;
  }
} finally {
  await cleanUp();
  console.log(`stopped Keepr and Postgres${pgPid !== null ? ` (pid ${pgPid} gone)` : ""}; ${keepDataDir ? "kept" : "deleted"} ${dataDir}`);
}
process.exit(exitCode);

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------


function formatRow(r: PhaseResult, part = false): string {
  const s = r.stats;
  const f = (x: number) => (Number.isNaN(x) ? "-" : x.toFixed(1));
  const label = part ? r.name : `${r.name} ${r.path}${r.round ? ` #${r.round}` : ""}`;
  // A booking is a successful createHold + confirmBooking; attempts that
  // ended in SOLD_OUT are counted apart.
  const volume = !part && r.name === "booking"
    ? `${String(s.latencies.length).padStart(6)} booked ${s.okThroughput.toFixed(1).padStart(6)}/s (${s.requests} attempts, ` +
      `${Object.values(r.parts ?? {}).reduce((n, p) => n + p.requests, 0)} requests)`
    : `${String(s.requests).padStart(6)} req    ${s.throughput.toFixed(1).padStart(6)}/s`;
  // Per call (a booking: per booking attempt, its two requests): the path's own backends, the Keepr process, the client.
  const perCall = (x: number) => ((x * 1000) / Math.max(1, s.requests)).toFixed(2);
  const share = (seconds: number) => `${((seconds / (s.ms / 1000)) * 100).toFixed(0)}%`;
  const cpu = part
    ? ""
    : `  cpu: client ${(r.cpu.client * 100).toFixed(0)}%, keepr ${(r.cpu.keepr * 100).toFixed(0)}%, postgres ${(r.cpu.postgres * 100).toFixed(0)}%` +
      `; per call: backends ${perCall(r.cpuSeconds.backends)}, keepr ${perCall(r.cpuSeconds.keepr)}, client ${perCall(r.cpuSeconds.client)} ms` +
      `; JS threads on a core / waiting for one: ${r.path === "API" ? `keepr ${share(r.threads.keepr.onCpu)} / ${share(r.threads.keepr.waiting)}, ` : ""}` +
      `client ${share(r.threads.client.onCpu)} / ${share(r.threads.client.waiting)}`;
  return (
    `${label.padEnd(17)} ${volume}` +
    `  p50 ${f(s.percentile(50)).padStart(6)}  p95 ${f(s.percentile(95)).padStart(6)}  p99 ${f(s.percentile(99)).padStart(6)} ms` +
    `  errors ${formatCodes(s.errors)}; expected ${formatCodes(s.expected)}${cpu}${r.note ? `  (${r.note})` : ""}`
  );
}

/**
 * A booking phase's whole-cluster CPU per booking (issue 23's measure):
 * every Postgres process over the window and the delivery of its messages,
 * autovacuum apart, then by kind.
 */
function formatCluster(r: PhaseResult): string {
  const c = r.cluster!;
  const booked = Math.max(1, r.stats.latencies.length);
  const per = (x: number) => ((x * 1000) / booked).toFixed(2);
  const autovacuum = c.byKind.autovacuum ?? 0;
  const kinds = Object.entries(c.byKind).filter(([k]) => k !== "autovacuum").sort((a, b) => b[1] - a[1]);
  const wall = r.stats.ms / 1000;
  return `  cluster CPU per booking (worker on; the window and the ${c.messages} messages sent until the worker had none due, ${c.drainSeconds.toFixed(1)} s after it; ` +
    `${(c.messages / booked).toFixed(2)} a booking): **${per(c.total - autovacuum)} ms** autovacuum apart ` +
    `(${kinds.map(([k, v]) => `${k} ${per(v)}`).join(", ")}; autovacuum ${per(autovacuum)}); ` +
    `in the window alone ${per(c.window)} ms a booking, ${((c.window / wall) * 100).toFixed(0)} % of a core; load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`;
}

function summary(): string {
  const targets: Record<string, number> = { search: 50, quote: 20, booking: 60 };
  const lines = [
    `summary, ${clients} clients (latency of successful calls; booking = createHold + confirmBooking, its rate in completed bookings/s; quote tokens made beforehand, not timed):`,
  ];
  const ratioTarget: Record<string, number> = { search: 0.85, quote: 0.85, booking: 0.5 };
  for (const name of ["search", "quote", "booking"]) {
    const a = combined(results.filter((r) => r.name === name && r.path === "API"));
    const d = combined(results.filter((r) => r.name === name && r.path === "direct"));
    if (!a || !d) continue;
    const p95 = a.stats.percentile(95);
    // Bookings compare completed bookings per second; the others calls per second.
    const rate = (r: PhaseResult) => (name === "booking" ? r.stats.okThroughput : r.stats.throughput);
    const ratio = rate(a) / rate(d);
    const perCall = (r: PhaseResult, x: number) => ((x * 1000) / Math.max(1, r.stats.requests)).toFixed(2);
    const share = (r: PhaseResult, seconds: number) => `${((seconds / (r.stats.ms / 1000)) * 100).toFixed(0)}%`;
    const byRound = [...new Set(results.filter((r) => r.name === name && r.round).map((r) => r.round!))].map((round) => {
      const ra = results.find((r) => r.name === name && r.path === "API" && r.round === round)!;
      const rd = results.find((r) => r.name === name && r.path === "direct" && r.round === round)!;
      return (rate(ra) / rate(rd)).toFixed(2);
    });
    lines.push(
      `  ${name.padEnd(8)} API ${rate(a).toFixed(1)}/s p95 ${p95.toFixed(1)} ms (target ≤ ${targets[name]} ms: ${p95 <= targets[name]! ? "met" : "MISSED"}); ` +
        `direct ${rate(d).toFixed(1)}/s p95 ${d.stats.percentile(95).toFixed(1)} ms; ` +
        `API/direct throughput ${ratio.toFixed(2)}${byRound.length ? ` (rounds ${byRound.join(", ")})` : ""} (target ≥ ${ratioTarget[name]}: ${ratio >= ratioTarget[name]! ? "met" : "MISSED"})`,
      `           CPU per call, API: backends ${perCall(a, a.cpuSeconds.backends)}, keepr ${perCall(a, a.cpuSeconds.keepr)}, client ${perCall(a, a.cpuSeconds.client)} ms; ` +
        `direct: backends ${perCall(d, d.cpuSeconds.backends)}, client ${perCall(d, d.cpuSeconds.client)} ms`,
      `           JS threads on a core / waiting for one: API: keepr ${share(a, a.threads.keepr.onCpu)} / ${share(a, a.threads.keepr.waiting)}, ` +
        `client ${share(a, a.threads.client.onCpu)} / ${share(a, a.threads.client.waiting)}; direct: client ${share(d, d.threads.client.onCpu)} / ${share(d, d.threads.client.waiting)}`,
    );
  }
  return lines.join("\n");
}

/** The rounds of one phase and path as one result: their calls, time and CPU added up. */
function combined(list: PhaseResult[]): PhaseResult | undefined {
  if (list.length <= 1) return list[0];
  const stats = new Stats();
  const parts: Record<string, Stats> = {};
  for (const r of list) {
    for (const ms of r.stats.latencies) stats.ok(ms);
    stats.requests += r.stats.requests - r.stats.latencies.length;
    stats.ms += r.stats.ms;
    for (const [map, into] of [[r.stats.errors, stats.errors], [r.stats.expected, stats.expected]] as const) {
      for (const [code, n] of map) into.set(code, (into.get(code) ?? 0) + n);
    }
  }
  const sum = (f: (r: PhaseResult) => number) => list.reduce((n, r) => n + f(r), 0);
  const wall = stats.ms / 1000;
  return {
    name: list[0]!.name, path: list[0]!.path, stats, parts,
    cpu: { client: sum((r) => r.cpu.client * r.stats.ms / 1000) / wall, keepr: sum((r) => r.cpu.keepr * r.stats.ms / 1000) / wall, postgres: sum((r) => r.cpu.postgres * r.stats.ms / 1000) / wall },
    cpuSeconds: { backends: sum((r) => r.cpuSeconds.backends), keepr: sum((r) => r.cpuSeconds.keepr), client: sum((r) => r.cpuSeconds.client) },
    threads: {
      keepr: { onCpu: sum((r) => r.threads.keepr.onCpu), waiting: sum((r) => r.threads.keepr.waiting) },
      client: { onCpu: sum((r) => r.threads.client.onCpu), waiting: sum((r) => r.threads.client.waiting) },
    },
  };
}

// ---------------------------------------------------------------------------
// Allocation: a season of random stays replayed onto hotel room types
// ---------------------------------------------------------------------------

interface AllocResult {
  path: "API" | "direct";
  units: number;
  /** Stays that fit by count when their turn came. */
  fit: number;
  booked: number;
  /** Bookings whose hold moved other stays, and how many moves in all. */
  withMoves: number;
  moves: number;
  maxMoves: number;
  /** Stays that fit by count and were refused anyway: SOLD_OUT from the quote, from the hold. */
  refusedByQuote: number;
  refusedByHold: number;
  /** Stays that did not fit by count (quoted only), and of them the ones the quote offered anyway. */
  notFit: number;
  quoteOffered: number;
  /** Unit-nights of the season taken (stays and blocks) over all of them, at the end. */
  fill: number;
  blockedNights: number;
  pinned: number;
  holdPlain: Stats;
  holdMoved: Stats;
  /** Per hold that moved stays: how many, and its latency. */
  moved: Array<{ moves: number; ms: number }>;
  confirm: Stats;
  errors: Map<string, number>;
}

/**
 * Replays a season of random stays onto a new hotel's room type of `units`
 * units, one booking at a time, until the season is alloc.fill full by
 * count or the stays run out.
 */
async function replaySeason(
  path: "API" | "direct",
  units: number,
  seed: number,
  owner: pg.Pool,
  api: ReturnType<typeof makeApi>,
  direct: ReturnType<typeof makeDirect>,
): Promise<AllocResult> {
  const r: AllocResult = {
    path, units, fit: 0, booked: 0, withMoves: 0, moves: 0, maxMoves: 0, refusedByQuote: 0, refusedByHold: 0, notFit: 0, quoteOffered: 0,
    fill: 0, blockedNights: 0, pinned: 0, holdPlain: new Stats(), holdMoved: new Stats(), moved: [], confirm: new Stats(), errors: new Map(),
  };
  const error = (code: string) => r.errors.set(code, (r.errors.get(code) ?? 0) + 1);
  const h = await createHotel(owner, { units });
  const today = localDate(h.timeZone);
  const season = alloc.season;
  // Per night (days from today): stays and blocks of the type, the count model.
  const taken = new Array<number>(season + 10).fill(0);
  const capacity = units * season;
  let seasonTaken = 0;
  const take = (from: number, to: number) => {
    for (let d = from; d < to; d++) {
      taken[d]!++;
      if (d <= season) seasonTaken++;
    }
  };

  // Owner blocks of 2–5 nights, never overlapping on a unit.
  const rb = seededRandom(seed ^ 0x5bd1e995);
  const blocked: Array<Array<[number, number]>> = h.unitIds.map(() => []);
  for (let guard = 0; r.blockedNights < alloc.blocks * capacity && guard < capacity * 50; guard++) {
    const u = Math.floor(rb() * units);
    const from = 1 + Math.floor(rb() * season);
    const to = Math.min(season + 1, from + 2 + Math.floor(rb() * 4));
    if (blocked[u]!.some(([a, b]) => a < to && from < b)) continue;
    blocked[u]!.push([from, to]);
    await owner.query(
      "insert into app_public.inventory_claims (property_id, unit_id, stay, kind, note) values ($1, $2, daterange($3::date, $4::date), 'owner_block', 'bench')",
      [h.propertyId, h.unitIds[u], addDays(today, from), addDays(today, to)],
    );
    take(from, to);
    r.blockedNights += to - from;
  }

  // The season's demand: as many stays as the season has unit-nights, four
  // times what fits (stays of 4 nights on average), in the order they are
  // booked (arrival less the lead time).
  const rs = seededRandom(seed);
  const stays = Array.from({ length: Math.ceil(capacity) }, (_, i) => {
    const arrival = 1 + Math.floor(rs() * season);
    const nights = 1 + Math.floor(rs() * 7);
    const lead = Math.floor(-Math.log(1 - rs()) * alloc.lead);
    return { i, arrival, nights, bookedAt: arrival - lead };
  }).sort((a, b) => a.bookedAt - b.bookedAt || a.i - b.i);
  const rp = seededRandom(seed ^ 0x27d4eb2f);

  for (const s of stays) {
    if (stopping || seasonTaken >= alloc.fill * capacity) break;
    let fits = true;
    for (let d = s.arrival; d < s.arrival + s.nights; d++) if (taken[d]! >= units) fits = false;
    const arrival = addDays(today, s.arrival);
    const departure = addDays(today, s.arrival + s.nights);
    const q = path === "API"
      ? await api.call(gql.quote, { ratePlanId: h.ratePlanId, arrival, departure, adults: 2 }, (d) => d.quote.quoteToken as string)
      : await direct.call("quote", sql.quote, [h.ratePlanId, arrival, departure, 2], (rows) => rows[0].quote_token as string);
    if (!fits) {
      r.notFit++;
      if (q.data) r.quoteOffered++;
      else if (q.code !== "SOLD_OUT") error(`quote ${q.code}`);
      continue;
    }
    r.fit++;
    if (!q.data) {
      if (q.code === "SOLD_OUT") r.refusedByQuote++;
      else error(`quote ${q.code}`);
      continue;
    }
    const hold = path === "API"
      ? await api.call(gql.hold, { quoteToken: q.data, key: randomUUID() }, (d) => ({ id: d.createHold.result.reservationId as string, token: d.createHold.result.holdToken as string }))
      : await direct.call("hold", sql.hold, [q.data, randomUUID()], (rows) => ({ id: rows[0].reservation_id as string, token: rows[0].hold_token as string }));
    if (!hold.data) {
      if (hold.code === "SOLD_OUT") r.refusedByHold++;
      else error(`createHold ${hold.code}`);
      continue;
    }
    // Not timed: the moves this hold made.
    const moves = (await owner.query<{ n: number }>(
      "select count(*)::int as n from app_public.allocation_moves where property_id = $1 and caused_by_reservation_id = $2",
      [h.propertyId, hold.data.id],
    )).rows[0]!.n;
    (moves > 0 ? r.holdMoved : r.holdPlain).ok(hold.ms);
    if (moves > 0) r.moved.push({ moves, ms: hold.ms });
    r.booked++;
    r.moves += moves;
    if (moves > 0) r.withMoves++;
    r.maxMoves = Math.max(r.maxMoves, moves);
    take(s.arrival, s.arrival + s.nights);
    const g = { name: "Bench Guest", email: `bench-${randomUUID()}@example.com`, phone: "+351 912 345 678" };
    const confirm = path === "API"
      ? await api.call(gql.confirm, { id: hold.data.id, key: randomUUID(), ...g, holdToken: hold.data.token }, (d) => d.confirmBooking.result.confirmationCode as string)
      : await direct.call("confirm", sql.confirm, [hold.data.id, randomUUID(), g.name, g.email, g.phone, hold.data.token], (rows) => rows[0].confirmation_code as string);
    if (confirm.data) r.confirm.ok(confirm.ms);
    else error(`confirmBooking ${confirm.code}`);
    // A guest's request for this very room: the allocator may not move it.
    if (rp() < alloc.pinned && confirm.data) {
      await owner.query("update app_public.reservations set unit_pinned = true where id = $1", [hold.data.id]);
      r.pinned++;
    }
  }
  r.fill = seasonTaken / capacity;
  return r;
}

function mergeStats(list: Stats[]): Stats {
  const m = new Stats();
  for (const s of list) for (const ms of s.latencies) m.ok(ms);
  return m;
}

/** All room types of one path together. */
function allocTotal(rooms: AllocResult[]): AllocResult {
  const sum = (f: (r: AllocResult) => number) => rooms.reduce((n, r) => n + f(r), 0);
  const capacity = sum((r) => r.units);
  const errors = new Map<string, number>();
  for (const r of rooms) for (const [code, n] of r.errors) errors.set(code, (errors.get(code) ?? 0) + n);
  return {
    path: rooms[0]!.path, units: capacity, fit: sum((r) => r.fit), booked: sum((r) => r.booked), withMoves: sum((r) => r.withMoves),
    moves: sum((r) => r.moves), maxMoves: Math.max(...rooms.map((r) => r.maxMoves)), refusedByQuote: sum((r) => r.refusedByQuote),
    refusedByHold: sum((r) => r.refusedByHold), notFit: sum((r) => r.notFit), quoteOffered: sum((r) => r.quoteOffered),
    fill: sum((r) => r.fill * r.units) / capacity, blockedNights: sum((r) => r.blockedNights), pinned: sum((r) => r.pinned),
    holdPlain: mergeStats(rooms.map((r) => r.holdPlain)), holdMoved: mergeStats(rooms.map((r) => r.holdMoved)),
    moved: rooms.flatMap((r) => r.moved), confirm: mergeStats(rooms.map((r) => r.confirm)), errors,
  };
}

// ---------------------------------------------------------------------------
// Staff during a guest spike (issue 23)
// ---------------------------------------------------------------------------

interface StaffResult {
  flood: boolean;
  lane?: number;
  round?: number;
  staff: Stats;
  /** Per staff call, the staff loop's thread's wait for a core during it (tests/bench/staff-loop.ts). */
  staffThreadWaits: Stats;
  searches: Stats;
  /** Searches of the flood the search cache answered (X-Keepr-Cache hit or coalesced). */
  cacheAnswers: number;
  /** CPU seconds of the Postgres cluster and of Keepr over the phase. */
  postgres: number;
  keepr: number;
}


/** A housekeeper at the first published hotel of the scale data, and units of it to mark dirty and clean, one per staff client. */
async function makeStaffUser(owner: pg.Pool, count: number): Promise<{ email: string; unitIds: string[] }> {
  const property = (await owner.query<{ id: string }>("select id from app_public.properties where kind = 'hotel' and is_published order by id limit 1")).rows[0]!.id;
  const email = `bench-housekeeper-${randomUUID()}@example.com`;
  const userId = (await owner.query<{ id: string }>("insert into app_public.users (email, display_name) values ($1, 'Bench Housekeeper') returning id", [email])).rows[0]!.id;
  await owner.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, public.crypt($2, public.gen_salt('bf', 4)))", [userId, staffPassword]);
  await owner.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'housekeeping')", [property, userId]);
  const units = await owner.query<{ id: string }>("select id from app_public.units where property_id = $1 and is_active order by id limit $2", [property, count]);
  if (units.rows.length < count) throw new Error(`the hotel has ${units.rows.length} units, fewer than --staff-clients ${count}`);
  return { email, unitIds: units.rows.map((r) => r.id) };
}

async function staffLogin(url: string, who: { email: string }): Promise<string> {
  const api = makeApi(url, 1);
  const out = await api.call(
    "mutation Login($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { result } }",
    { email: who.email, password: staffPassword },
    (d) => d.login.result as string,
  );
  api.agent.destroy();
  if (!out.data) throw new Error(`the bench housekeeper could not log in: ${out.code}`);
  return out.data;
}


/** Staff clients marking their unit dirty and clean for --seconds (after --warmup), with or without the flood of searches at the same time. */
async function staffPhase(
  staffApi: { url: string; token: string },
  floodApi: ReturnType<typeof makeApi>,
  unitIds: string[],
  flood: boolean,
  cities: string[],
): Promise<StaffResult> {
  const keeprPid = running!.child.pid!;
  const postmaster = pgPid!;
  const run = async (durationS: number) => {
    const staff = new Stats();
    const searches = new Stats();
    let cacheAnswers = 0;
    let stop = false;
    const next = floodSearches(floodApi, cities, { keys: floodKeys, zipfS, seed: mixSeed });
    const floodDone = flood
      ? Promise.all(Array.from({ length: floodClients }, async () => {
          while (!stop && !stopping) {
            const out = await next();
            if (stop) break; // the flood outlasts the staff loop by one call at most: not counted
            if (out.code) searches.fail(out.code);
            else {
              searches.ok(out.ms);
              if (out.fromCache) cacheAnswers++;
            }
          }
        }))
      : Promise.resolve([]);
    const t = performance.now();
    // The staff clients on a thread of their own (tests/bench/staff-loop.ts): not timed by the flood's thread.
    const input: StaffLoopInput = { ...staffApi, unitIds, durationS, pauseMs: staffPauseMs, query: setUnitStatus };
    const loop = new Worker(new URL("./staff-loop.ts", import.meta.url), { workerData: input });
    const output = await new Promise<StaffLoopOutput>((resolve, reject) => {
      loop.once("message", resolve);
      loop.once("error", reject);
      loop.once("exit", (code) => reject(new Error(`the staff loop's thread exited with ${code} before answering`)));
    });
    for (const ms of output.latencies) staff.ok(ms);
    for (const code of output.failures) staff.fail(code);
    const staffThreadWaits = new Stats();
    for (const ms of output.threadWaits) staffThreadWaits.ok(ms);
    const ms = performance.now() - t;
    stop = true;
    await floodDone;
    staff.ms = ms;
    searches.ms = ms;
    return { staff, staffThreadWaits, searches, cacheAnswers };
  };
  await run(Math.max(warmup, 1)); // warm-up, not counted
  const k0 = processCpuSeconds(keeprPid);
  const p0 = postgresCpuSeconds(postmaster);
  const { staff, staffThreadWaits, searches, cacheAnswers } = await run(seconds);
  return { flood, staff, staffThreadWaits, searches, cacheAnswers, postgres: postgresCpuSeconds(postmaster) - p0, keepr: processCpuSeconds(keeprPid) - k0 };
}

function formatStaff(r: StaffResult): string {
  const s = r.staff;
  const f = (x: number) => (Number.isNaN(x) ? "-" : x.toFixed(1));
  const wall = s.ms / 1000;
  return (
    `  ${(r.flood ? "under flood" : "alone").padEnd(11)}${r.round ? ` #${r.round}` : ""}  staff ${String(s.latencies.length).padStart(5)} ok ${s.throughput.toFixed(1).padStart(6)}/s` +
    `  p50 ${f(s.percentile(50)).padStart(6)}  p95 ${f(s.percentile(95)).padStart(6)}  p99 ${f(s.percentile(99)).padStart(6)} ms  errors ${formatCodes(s.errors)}` +
    (r.flood ? `;  searches ${r.searches.latencies.length} ok ${r.searches.okThroughput.toFixed(1)}/s p50 ${f(r.searches.percentile(50))} p95 ${f(r.searches.percentile(95))} ms errors ${formatCodes(r.searches.errors)}, ${cacheShare(r.cacheAnswers, r.searches)} from the cache` : "") +
    `;  cpu postgres ${((r.postgres / wall) * 100).toFixed(0)}%, keepr ${((r.keepr / wall) * 100).toFixed(0)}%` +
    (r.staffThreadWaits.latencies.length ? `;  the staff loop's thread waited for a core p50 ${f(r.staffThreadWaits.percentile(50))} p95 ${f(r.staffThreadWaits.percentile(95))} ms a call` : "")
  );
}

/** The share of a flood's successful searches the search cache answered. */
function cacheShare(answers: number, searches: Stats): string {
  return searches.latencies.length ? `${((answers / searches.latencies.length) * 100).toFixed(0)} %` : "-";
}

function staffSummary(): string {
  const lines = [`staff summary (setUnitStatus p95 alone and under ${floodClients} clients searching; target: under flood ≤ 1.5× alone):`];
  for (const lane of lanes) {
    const of = (flood: boolean) => {
      const m = new Stats();
      const searches = new Stats();
      let cacheAnswers = 0;
      for (const r of staffResults.filter((x) => x.lane === lane && x.flood === flood)) {
        cacheAnswers += r.cacheAnswers;
        for (const ms of r.staff.latencies) m.ok(ms);
        for (const ms of r.searches.latencies) searches.ok(ms);
        m.ms += r.staff.ms;
        searches.ms += r.searches.ms;
      }
      return { m, searches, cacheAnswers };
    };
    const alone = of(false).m;
    const { m: flooded, searches, cacheAnswers } = of(true);
    const ratio95 = flooded.percentile(95) / alone.percentile(95);
    const byRound = [...new Set(staffResults.filter((x) => x.lane === lane).map((x) => x.round))].map((round) => {
      const a = staffResults.find((x) => x.lane === lane && x.round === round && !x.flood)!;
      const b = staffResults.find((x) => x.lane === lane && x.round === round && x.flood)!;
      return (b.staff.percentile(95) / a.staff.percentile(95)).toFixed(2);
    });
    lines.push(
      `  ${(lane === undefined ? "default lane" : `lane ${lane}`).padEnd(12)} staff p95 alone ${alone.percentile(95).toFixed(1)} ms, under flood ${flooded.percentile(95).toFixed(1)} ms: ` +
        `${ratio95.toFixed(2)}× (rounds ${byRound.join(", ")}; target ≤ 1.5: ${ratio95 <= 1.5 ? "met" : "MISSED"}); p50 ${alone.percentile(50).toFixed(1)} → ${flooded.percentile(50).toFixed(1)} ms; ` +
        `searches meanwhile ${searches.okThroughput.toFixed(1)}/s, p95 ${searches.percentile(95).toFixed(1)} ms, ${cacheShare(cacheAnswers, searches)} from the cache, ` +
        `computed ${((searches.okThroughput * (searches.latencies.length - cacheAnswers)) / Math.max(1, searches.latencies.length)).toFixed(1)}/s`,
    );
  }
  return lines.join("\n");
}

function formatAlloc(path: "API" | "direct", rooms: AllocResult[], seconds: number): string {
  const lines = [`allocation ${path} (${seconds.toFixed(1)} s):`];
  lines.push(
    "  room type   booked  fill    needed moves   moves  per booking  per booking that moved  max  fit by count but refused (quote/hold)  not fit by count (quote offered)  pinned  blocked nights",
  );
  for (const [i, r] of [...rooms, ...(rooms.length > 1 ? [allocTotal(rooms)] : [])].entries()) {
    const label = i < rooms.length ? `${r.units} units` : `all (${r.units})`;
    lines.push(
      `  ${label.padEnd(10)} ${String(r.booked).padStart(7)}  ${(r.fill * 100).toFixed(1).padStart(5)} %  ` +
        `${String(r.withMoves).padStart(5)} (${((r.withMoves / Math.max(1, r.booked)) * 100).toFixed(1).padStart(4)} %)  ${String(r.moves).padStart(6)}  ` +
        `${(r.moves / Math.max(1, r.booked)).toFixed(3).padStart(11)}  ${(r.withMoves ? (r.moves / r.withMoves).toFixed(2) : "-").padStart(22)}  ${String(r.maxMoves).padStart(3)}  ` +
        `${`${r.refusedByQuote + r.refusedByHold} (${r.refusedByQuote}/${r.refusedByHold})`.padStart(38)}  ${`${r.notFit} (${r.quoteOffered})`.padStart(32)}  ` +
        `${String(r.pinned).padStart(6)}  ${String(r.blockedNights).padStart(14)}` +
        (r.errors.size ? `  errors ${formatCodes(r.errors)}` : ""),
    );
  }
  const t = allocTotal(rooms);
  const row = (name: string, s: Stats) =>
    `  ${name.padEnd(26)} ${String(s.latencies.length).padStart(6)} calls  p50 ${ms(s.percentile(50)).padStart(6)}  p95 ${ms(s.percentile(95)).padStart(6)}  p99 ${ms(s.percentile(99)).padStart(6)} ms`;
  lines.push(row("createHold without moves", t.holdPlain));
  lines.push(
    row("createHold with moves", t.holdMoved) +
      `  (with/without: p50 ${ratio(t.holdMoved.percentile(50), t.holdPlain.percentile(50))}, p95 ${ratio(t.holdMoved.percentile(95), t.holdPlain.percentile(95))})`,
  );
  // How many moves a hold that moved made, and what that cost it.
  if (t.moved.length) {
    const counts = new Stats();
    for (const m of t.moved) counts.ok(m.moves);
    lines.push(`  moves per hold that moved: p50 ${counts.percentile(50)}, p95 ${counts.percentile(95)}, max ${counts.percentile(100)}`);
    for (const [lo, hi] of [[1, 2], [3, 10], [11, Infinity]] as const) {
      const s = new Stats();
      for (const m of t.moved) if (m.moves >= lo && m.moves <= hi) s.ok(m.ms);
      if (s.latencies.length) lines.push(row(`  with ${hi === Infinity ? `${lo}+` : `${lo}–${hi}`} moves`, s));
    }
  }
  lines.push(row("confirmBooking", t.confirm));
  return lines.join("\n");
}

function allocSummary(): string {
  const lines = [
    "allocation summary (createHold latency of successful holds, one client per room type; moves from app_public.allocation_moves, caused by the hold):",
  ];
  const totals: Partial<Record<"API" | "direct", AllocResult>> = {};
  for (const path of ["API", "direct"] as const) {
    const rooms = allocResults.filter((r) => r.path === path);
    if (!rooms.length) continue;
    const t = (totals[path] = allocTotal(rooms));
    lines.push(
      `  ${path.padEnd(6)} ${t.booked} booked, fill ${(t.fill * 100).toFixed(1)} %; moves per booking ${(t.moves / Math.max(1, t.booked)).toFixed(3)}; ` +
        `${t.withMoves} bookings needed moves (${((t.withMoves / Math.max(1, t.booked)) * 100).toFixed(1)} %, ${t.withMoves ? (t.moves / t.withMoves).toFixed(2) : "-"} moves each, at most ${t.maxMoves}); ` +
        `fit by count but refused ${t.refusedByQuote + t.refusedByHold} of ${t.fit}; ` +
        `createHold p95 without moves ${ms(t.holdPlain.percentile(95))} ms, with moves ${ms(t.holdMoved.percentile(95))} ms (ratio ${ratio(t.holdMoved.percentile(95), t.holdPlain.percentile(95))})` +
        (t.errors.size ? `; errors ${formatCodes(t.errors)}` : ""),
    );
  }
  if (totals.API && totals.direct) {
    const a = totals.API;
    const d = totals.direct;
    lines.push(
      `  API/direct createHold p95: without moves ${ratio(a.holdPlain.percentile(95), d.holdPlain.percentile(95))}, with moves ${ratio(a.holdMoved.percentile(95), d.holdMoved.percentile(95))}`,
    );
  }
  return lines.join("\n");
}
