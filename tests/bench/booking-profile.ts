// npm run bench -- booking-profile [--data-dir DIR --pg-port PORT] [--clients 4] [--bookings 2000] [--sql file]
//                                  [--variants before.sql,after.sql --rounds 4] [--compare-tracing]
//                                  [--properties 50] [--units 5000] [--seed 42] [--top 40]
//
// Where a booking's Postgres CPU goes, statement by statement.
//  1. Either attaches to a running Keepr's embedded Postgres (--data-dir,
//     --pg-port: it must have been started with pg_stat_statements preloaded,
//     see below, and hold scale data), or starts its own throwaway Postgres
//     with pg_stat_statements (track = all), migrates it
//     and generates the scale data (as `npm run bench -- booking` does);
//  2. makes quote tokens (not measured), then runs --bookings createHold +
//     confirmBooking on --clients connections, each call in a transaction as
//     keepr_anonymous (as the booking bench's direct path does);
//  3. prints the CPU per booking of every Postgres process by kind (client
//     backends, WAL sender, background writer, ...) from /proc, and the
//     statements (nested ones included: pg_stat_statements.track = all) by
//     total execution time per booking, with calls per booking.
// --variants a.sql,b.sql: first alternating rounds: each file is applied as
// the owner (create or replace function …) before its round, and the CPU
// per booking of each variant is summed over the rounds, with the ratio to
// the first (a before/after that load coming and going on a shared machine
// touches alike; the order turns every round, as bookings cost more as the
// inventory fills); then 3. for the last file.
// --compare-tracing: the same alternating rounds, without and with a trace
// carried into each transaction (keepr.traceparent, a new one per
// transaction, as the API sets it with tracing on): what tracing costs
// Postgres (the traceparent in each job's payload, the audit trigger's WAL
// message and what the WAL sender does with it); then 3. traced.
// Keepr runs without its worker (WORKER=false), so the figures are the
// booking transaction's own and what it costs the realtime WAL sender; the
// messages a booking queues are delivered by no one.
import "../../core/env.ts";
import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { openDatabase } from "../../core/database.ts";
import { loadConfig } from "../../core/config.ts";
import { defaultScaleOptions, formatScaleResult, generateScaleData } from "../../db/seed-scale.ts";
import { freePort, makeDataDir, postmasterPid, startKeepr, stillRunningAfter, stopKeepr, type KeeprProcess } from "../helpers/keepr-process.ts";

const { values: args } = parseArgs({
  options: {
    "data-dir": { type: "string" },
    "pg-port": { type: "string" },
    clients: { type: "string", default: "4" },
    bookings: { type: "string", default: "2000" },
    sql: { type: "string" },
    variants: { type: "string" },
    rounds: { type: "string", default: "4" },
    properties: { type: "string", default: String(defaultScaleOptions.properties) },
    units: { type: "string", default: String(defaultScaleOptions.units) },
    seed: { type: "string", default: String(defaultScaleOptions.seed) },
    top: { type: "string", default: "40" },
    "compare-tracing": { type: "boolean", default: false },
  },
  strict: true,
});
const clients = Number(args.clients);
const bookings = Number(args.bookings);
const rounds = Number(args.rounds);
/** SQL files applied as the owner before measuring: one (--sql), or several measured in alternating rounds (--variants a.sql,b.sql). */
const files = args.variants ? args.variants.split(",") : args.sql ? [args.sql] : [];
/** What is compared: SQL files applied as the owner, or tracing off and on (--compare-tracing). */
const variants: Array<{ name: string; file?: string; traced?: boolean }> = args["compare-tracing"]
  ? [{ name: "tracing off", traced: false }, { name: "tracing on", traced: true }]
  : files.map((file) => ({ name: file, file }));
/** Whether the transactions now carry a trace (keepr.traceparent). */
let traced = false;
const newTraceparent = () => `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`;
const loadavg = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");

for (const name of ["DATABASE_URL", "AUTH_DATABASE_URL", "ROOT_DATABASE_URL", "SHADOW_DATABASE_URL"]) delete process.env[name];

// ---------------------------------------------------------------------------
// CPU of each Postgres process, by kind, from /proc
// ---------------------------------------------------------------------------

function stat(pid: number): { ppid: number; ticks: number; childTicks: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}
function kindOf(pid: number): string {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
    const m = /^postgres: (.*)$/.exec(cmd);
    if (!m) return "other";
    const title = m[1]!;
    if (/walsender/.test(title)) return "WAL sender (logical decoding)";
    if (/^(keepr_\w+|postgres) \w+ /.test(title)) {
      const role = title.split(" ")[0]!;
      return `backend ${role}`;
    }
    return title.replace(/\s+.*$/, "").replace(/:$/, "");
  } catch {
    return "gone";
  }
}
/** Ticks per process of the cluster, the postmaster's reaped children under "exited". */
function clusterTicks(postmaster: number): Map<number, { kind: string; ticks: number }> {
  const out = new Map<number, { kind: string; ticks: number }>();
  const root = stat(postmaster);
  if (root) out.set(postmaster, { kind: "postmaster + exited children", ticks: root.ticks + root.childTicks });
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    const s = stat(Number(e));
    if (s && s.ppid === postmaster) out.set(Number(e), { kind: kindOf(Number(e)), ticks: s.ticks });
  }
  return out;
}
function cpuByKind(before: Map<number, { kind: string; ticks: number }>, after: Map<number, { kind: string; ticks: number }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [pid, a] of after) {
    const d = a.ticks - (before.get(pid)?.ticks ?? 0);
    out.set(a.kind, (out.get(a.kind) ?? 0) + d / 100);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------

let running: KeeprProcess | null = null;
let ownDir: string | null = null;
const pools: pg.Pool[] = [];
let exitCode = 0;
let pgPid: number | null = null;
try {
  let dataDir = args["data-dir"];
  let pgPort = Number(args["pg-port"] ?? 0);
  if (!dataDir) {
    ownDir = dataDir = makeDataDir();
    pgPort = await freePort();
    const env = { SEED: "false", LOG_LEVEL: "warn", WORKER: "false" };
    running = await startKeepr({ dataDir, port: await freePort(), pgPort, env });
    const db = await openDatabase(loadConfig({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) }), () => {});
    const scale = { ...defaultScaleOptions, properties: Number(args.properties), units: Number(args.units), seed: Number(args.seed) };
    console.log("generating scale data…");
    console.log(formatScaleResult(await generateScaleData(db, scale), scale));
    // pg_stat_statements must be preloaded: set it, and start again.
    const su = new pg.Client({ connectionString: db.superuserUrl });
    await su.connect();
    await su.query("alter system set shared_preload_libraries = 'pg_stat_statements'");
    await su.query("alter system set pg_stat_statements.track = 'all'");
    await su.query("alter system set pg_stat_statements.track_planning = on");
    await su.end();
    const oldPid = postmasterPid(dataDir)!;
    await stopKeepr(running, "SIGINT");
    if (await stillRunningAfter(oldPid, 20_000)) throw new Error("Postgres did not stop");
    running = await startKeepr({ dataDir, port: await freePort(), pgPort, env });
  }
  pgPid = postmasterPid(dataDir)!;
  const db = await openDatabase(loadConfig({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) }), () => {});
  const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
  const direct = new pg.Pool({ connectionString: db.authenticatorUrl, max: clients, application_name: "keepr-bench-profile" });
  pools.push(owner, direct);
  for (const p of pools) p.on("error", () => {});
  const superuser = new pg.Pool({ connectionString: db.superuserUrl ?? db.ownerUrl, max: 1 });
  pools.push(superuser);
  // Idle connections fail when Postgres stops at the end: expected.
  superuser.on("error", () => {});
  await superuser.query("create extension if not exists pg_stat_statements");

  async function asAnonymous<T extends pg.QueryResultRow>(name: string, text: string, values: unknown[]): Promise<pg.QueryResult<T>> {
    const client = await direct.connect();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const trace = traced ? `; set local keepr.traceparent = '${newTraceparent()}'` : "";
          await client.query(`begin; set local role keepr_anonymous; set local keepr.request_id = '${randomUUID()}'${trace}`);
          const r = await client.query<T>({ name, text, values });
          await client.query("commit");
          return r;
        } catch (error) {
          await client.query("rollback").catch(() => {});
          if (["40001", "40P01"].includes((error as { code?: string }).code ?? "") && attempt < 3) continue;
          throw error;
        }
      }
    } finally {
      client.release();
    }
  }

  const startedAt = (await owner.query<{ now: Date }>("select now()")).rows[0]!.now;
  // Quote tokens: rate plans of published properties, stays 1–60 days ahead.
  const plans = (await owner.query<{ id: string }>(
    `select rp.id from app_public.rate_plans rp join app_public.properties p on p.id = rp.property_id
      where p.is_published and rp.is_published order by rp.id`)).rows.map((r) => r.id);
  const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  const tokens: string[] = [];
  const wanted = bookings * (variants.length > 1 ? variants.length * rounds + 1 : 1) + clients * 10 * (variants.length > 1 ? variants.length * rounds + 2 : 2);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    let misses = 0;
    while (tokens.length < wanted && misses < wanted * 20) {
      const ahead = 1 + Math.floor(Math.random() * 60);
      const nights = 2 + Math.floor(Math.random() * 6);
      const plan = plans[Math.floor(Math.random() * plans.length)]!;
      try {
        const r = await asAnonymous<{ quote_token: string | null; units_left: number }>("quote",
          "select quote_token, units_left from app_public.quote($1::uuid, $2::date, $3::date, 1, 0)", [plan, day(ahead), day(ahead + nights)]);
        if (r.rows[0]?.quote_token && r.rows[0].units_left > 1) tokens.push(r.rows[0].quote_token);
        else misses++;
      } catch {
        misses++;
      }
    }
  }));
  console.log(`${tokens.length} quote tokens in ${((performance.now() - t0) / 1000).toFixed(1)} s (not measured)`);

  const hold = "select reservation_id, hold_token from app_public.create_hold($1::text, $2::text)";
  const confirm = "select confirmation_code from app_public.confirm_booking($1::uuid, $2::text, $3::text, $4::text, $5::text, hold_token => $6::text)";
  const book = async (token: string): Promise<string | null> => {
    try {
      const h = await asAnonymous<{ reservation_id: string; hold_token: string }>("hold", hold, [token, randomUUID()]);
      const c = await asAnonymous<{ confirmation_code: string }>("confirm", confirm,
        [h.rows[0]!.reservation_id, randomUUID(), "Bench Guest", `bench-${randomUUID()}@example.com`, "+351 912 345 678", h.rows[0]!.hold_token]);
      return c.rows[0]!.confirmation_code ? null : "NO_CODE";
    } catch (error) {
      return (error as { code?: string }).code ?? "ERROR";
    }
  };
  /** Books `count` of the tokens on `clients` connections; Postgres CPU by process kind. */
  async function measure(count: number) {
    const mine = tokens.splice(0, count);
    const errors = new Map<string, number>();
    let ok = 0;
    const before = clusterTicks(pgPid!);
    const began = performance.now();
    await Promise.all(Array.from({ length: clients }, async () => {
      for (let t = mine.pop(); t; t = mine.pop()) {
        const e = await book(t);
        if (e) errors.set(e, (errors.get(e) ?? 0) + 1);
        else ok++;
      }
    }));
    const wall = (performance.now() - began) / 1000;
    const byKind = cpuByKind(before, clusterTicks(pgPid!));
    return { ok, errors, wall, byKind, total: [...byKind.values()].reduce((a, b) => a + b, 0) };
  }
  const applyVariant = async (variant: (typeof variants)[number]) => {
    if (variant.file) await owner.query(readFileSync(variant.file, "utf8"));
    traced = variant.traced ?? false;
  };

  if (variants.length > 1) {
    // Alternating rounds: each variant's SQL applied, a few bookings to
    // warm the connections' plans, then --bookings measured; CPU summed per
    // variant over the rounds, so load that comes and goes falls on all.
    const sums = variants.map(() => ({ ok: 0, cpu: 0, backend: 0, wall: 0, errors: 0 }));
    console.log(`\n${rounds} rounds of ${variants.map((v) => v.name).join(" / ")}, ${bookings} bookings each on ${clients} connections (load ${loadavg()})`);
    for (let round = 1; round <= rounds; round++) {
      const line: string[] = [];
      // ABBA: the order turns every round, so what drifts as the rounds
      // fill the inventory (each booking costs more) falls on both alike.
      const order = [...variants.entries()];
      if (round % 2 === 0) order.reverse();
      for (const [i, variant] of order) {
        await applyVariant(variant);
        await measure(clients * 2);
        const m = await measure(bookings);
        const backend = [...m.byKind].filter(([k]) => k.startsWith("backend")).reduce((a, [, v]) => a + v, 0);
        Object.assign(sums[i]!, {
          ok: sums[i]!.ok + m.ok, cpu: sums[i]!.cpu + m.total, backend: sums[i]!.backend + backend,
          wall: sums[i]!.wall + m.wall, errors: sums[i]!.errors + [...m.errors.values()].reduce((a, b) => a + b, 0),
        });
        line.push(`${variant.name}: ${((m.total / m.ok) * 1000).toFixed(2)} ms (backends ${((backend / m.ok) * 1000).toFixed(2)}), ${(m.ok / m.wall).toFixed(1)}/s`);
      }
      console.log(`  round ${round}: ${line.join("; ")}`);
    }
    console.log(`Postgres CPU per booking, all rounds (load ${loadavg()}):`);
    for (const [i, variant] of variants.entries()) {
      const v = sums[i]!;
      console.log(`  ${variant.name}: ${((v.cpu / v.ok) * 1000).toFixed(2)} ms (client backends ${((v.backend / v.ok) * 1000).toFixed(2)} ms), ` +
        `${(v.ok / v.wall).toFixed(1)} bookings/s, ${v.ok} bookings, ${v.errors} failed` +
        (i > 0 ? `; ratio to the first ${((sums[0]!.cpu / sums[0]!.ok) / (v.cpu / v.ok)).toFixed(2)}x` : ""));
    }
  }
  // The statements of one variant (the only one, or the last of the
  // alternating rounds): CPU by process kind, then statements by time.
  {
    if (variants.length) await applyVariant(variants[variants.length - 1]!);
    await measure(Math.min(clients * 10, Math.floor(tokens.length / 5)));
    await superuser.query("select pg_stat_statements_reset()");
    const m = await measure(bookings);
    const byKind = [...m.byKind].sort((a, b) => b[1] - a[1]);
    if (variants.length) console.log(`\n${variants[variants.length - 1]!.name}, statement by statement:`);
    console.log(`\n${m.ok} bookings in ${m.wall.toFixed(1)} s (${(m.ok / m.wall).toFixed(1)}/s) on ${clients} connections; errors: ${[...m.errors].map(([k, v]) => `${k} ${v}`).join(", ") || "none"} (load ${loadavg()})`);
    console.log(`Postgres CPU per booking: ${((m.total / m.ok) * 1000).toFixed(2)} ms (${((m.total / m.wall) * 100).toFixed(0)} % of a core)`);
    for (const [kind, sec] of byKind) if (sec > 0) console.log(`  ${kind.padEnd(40)} ${((sec / m.ok) * 1000).toFixed(2)} ms`);

    const top = await superuser.query<{ toplevel: boolean; calls: string; total: number; plan: number; query: string }>(
      `select toplevel, calls, total_exec_time + total_plan_time as total, total_plan_time as plan, regexp_replace(query, '\\s+', ' ', 'g') as query
         from pg_stat_statements where query not like $$%pg_stat_statements%$$
        order by total_exec_time + total_plan_time desc limit $1`, [Number(args.top)]);
    console.log(`\nstatements by time per booking (ms of wall time, planning included; nested statements count inside their callers too):`);
    console.log("   ms/booking  (planning)  calls/booking  level   statement");
    for (const r of top.rows) {
      console.log(`   ${(r.total / m.ok).toFixed(3).padStart(9)}  ${(r.plan / m.ok).toFixed(3).padStart(10)}  ${(Number(r.calls) / m.ok).toFixed(2).padStart(13)}  ${r.toplevel ? "top   " : "nested"}  ${r.query.slice(0, 150)}`);
    }
  }
  // What was booked is cancelled and its nights released, so the next run
  // finds the same inventory (as the booking bench does after each phase).
  const restored = await owner.query(
    `with r as (update app_public.reservations set status = 'cancelled', cancelled_at = now(), hold_expires_at = null, cancellation_reason = 'bench'
                 where created_at >= $1 and status in ('held', 'confirmed') returning id)
     select count(*) as n from r`, [startedAt]);
  await owner.query("update app_public.inventory_claims set released_at = now() where created_at >= $1 and released_at is null and kind in ('hold', 'reservation')", [startedAt]);
  console.log(`(${restored.rows[0].n} bench reservations cancelled and their nights released)`);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await Promise.all(pools.map((p) => p.end().catch(() => {})));
  if (running) {
    await stopKeepr(running, "SIGINT");
    if (pgPid && (await stillRunningAfter(pgPid, 20_000))) process.kill(pgPid, "SIGQUIT");
  }
  if (ownDir) rmSync(ownDir, { recursive: true, force: true });
}
process.exit(exitCode);
