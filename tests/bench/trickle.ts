// npm run bench -- trickle [--data-dir DIR] [--bookings 6] [--pause 12] [--rounds 2] [--idle 10000,600000] [--warm 10]
//                          [--keepr-node-args="--no-flush-bytecode|..."]
//
// Bookings at a quiet hour's pace: one booking through the API (quote,
// createHold, confirmBooking) every --pause seconds, the worker delivering
// its messages meanwhile, and what each costs the whole Postgres cluster.
// Each --idle value is a DATABASE_POOL_IDLE_MS (how long Keepr's pools keep
// an idle connection; 10000 is node-postgres's own default), run in
// alternating rounds, each round on a Keepr started for it: a pause longer
// than the idle time makes every booking open new connections, and a new
// connection plans every statement and function it runs again. Before the
// windows, --warm bookings back to back (not measured) warm the pools and
// Keepr's code, as a Keepr that has run a while has them.
// Per booking: the cluster's CPU in its --pause window (autovacuum apart)
// less the same window idle (measured before the round's first booking); mean
// and median (a window that a background job fell in moves the mean), the Keepr
// process's CPU, and how many sessions (connections) the window started.
// Without --data-dir: a new data directory with the demo data.
// --keepr-node-args: Node options for Keepr's process (split on spaces;
// with "=", as for the booking bench), e.g. V8's flags: each --idle value
// is run with "" (none) and with them, alternating, so 2 × the rounds.
import "../../core/env.ts";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { loadConfig } from "../../core/config.ts";
import { openDatabase } from "../../core/database.ts";
import { postgresCpuByKind, postgresCpuSeconds, processCpuSeconds } from "../helpers/cpu.ts";
import { benchDataDir, freePort, postmasterPid, startKeepr, stopKeepr, type KeeprProcess } from "../helpers/keepr-process.ts";
import { apiOps, makeApi } from "./load.ts";

const { values: args } = parseArgs({
  options: {
    "data-dir": { type: "string" },
    bookings: { type: "string", default: "6" },
    pause: { type: "string", default: "12" },
    rounds: { type: "string", default: "2" },
    idle: { type: "string", default: "10000,600000" },
    warm: { type: "string", default: "10" },
    "keepr-node-args": { type: "string", default: "" },
  },
  strict: true,
});
const bookings = Number(args.bookings);
const pauseMs = Number(args.pause) * 1000;
const rounds = Number(args.rounds);
const warm = Number(args.warm);
const nodeArgVariants = args["keepr-node-args"] ? ["", args["keepr-node-args"]] : [""];
const idles = args.idle!.split(",").map(Number);
const { dataDir, keepDataDir } = benchDataDir(args["data-dir"]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

interface Booked { clusterMs: number; autovacuumMs: number; keeprMs: number; newSessions: number }
const variants = idles.flatMap((idle) => nodeArgVariants.map((nodeArgs) => ({ idle, nodeArgs, label: `DATABASE_POOL_IDLE_MS=${idle}${nodeArgs ? ` ${nodeArgs}` : ""}` })));
const results = new Map<string, Booked[]>(variants.map((v) => [v.label, []]));
let running: KeeprProcess | null = null;
let exitCode = 0;
const pgPort = await freePort();
try {
  for (let round = 1; round <= rounds; round++) {
    for (const { idle, nodeArgs, label } of round % 2 ? variants : [...variants].reverse()) {
      running = await startKeepr({
        dataDir, port: await freePort(), pgPort, nodeArgs: nodeArgs.split(" ").filter(Boolean),
        env: { DATABASE_POOL_IDLE_MS: String(idle), ADMIN_BUILD: "false", SEARCH_CACHE: "false", ...(keepDataDir ? { SEED: "false" } : {}) },
      });
      const postmaster = postmasterPid(dataDir)!;
      const db = await openDatabase(loadConfig({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) }), () => {});
      // Its one connection kept (idle 0), so the bench's own reads start no session in the windows.
      const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 1, idleTimeoutMillis: 0 });
      owner.on("error", () => {});
      const plans = (await owner.query<{ id: string }>(
        `select rp.id from app_public.rate_plans rp join app_public.properties p on p.id = rp.property_id
          where p.is_published and rp.is_published order by rp.id`)).rows.map((r) => r.id);
      const ops = apiOps(makeApi(running.url, 2));
      const backends = async () => Number((await owner.query("select count(*) from pg_catalog.pg_stat_activity where backend_type = 'client backend'")).rows[0].count);
      const sessions = async () => Number((await owner.query("select sum(sessions) as n from pg_catalog.pg_stat_database")).rows[0].n);
      const window = async (work: () => Promise<void>) => {
        const began = performance.now();
        // The statistics reach pg_stat_database within a second or so: the window's sleep outlasts that.
        const sessions0 = await sessions();
        const pg0 = postgresCpuSeconds(postmaster), keepr0 = processCpuSeconds(running!.child.pid!);
        const autovacuum0 = postgresCpuByKind(postmaster).autovacuum ?? 0;
        await work();
        await sleep(Math.max(0, pauseMs - (performance.now() - began)));
        // Sessions the window started (the cluster's count, those that also ended in it included).
        const started = (await sessions()) - sessions0;
        // Autovacuum apart, as the booking bench reports it (its workers' time while they run; one that ends in a window
        // leaves its last part in the cluster's figure).
        const autovacuumMs = Math.max(0, (postgresCpuByKind(postmaster).autovacuum ?? 0) - autovacuum0) * 1000;
        return { clusterMs: (postgresCpuSeconds(postmaster) - pg0) * 1000 - autovacuumMs, autovacuumMs, keeprMs: (processCpuSeconds(running!.child.pid!) - keepr0) * 1000, started };
      };
      // Warm: --warm bookings back to back (not measured), so the windows
      // see the pools' connections and Keepr's code as a running Keepr has
      // them, then the start's and the warm-up's own work settles.
      const book = async (made: string[]) => {
        for (let tries = 0; tries < 50; tries++) {
          const ahead = 1 + Math.floor(Math.random() * 60);
          const q = await ops.quote(plans[Math.floor(Math.random() * plans.length)]!, day(ahead), day(ahead + 2 + Math.floor(Math.random() * 5)), 1);
          if (!q.data) continue;
          const h = await ops.hold(q.data);
          if (!h.data) continue;
          const c = await ops.confirm(h.data.id, h.data.token, { name: "Trickle Guest", email: `trickle-${randomUUID()}@example.com`, phone: "+351 912 345 678" });
          if (c.code) throw new Error(`confirmBooking failed: ${c.code}`);
          made.push(h.data.id);
          return;
        }
        throw new Error("no bookable stay in 50 quotes");
      };
      const made: string[] = [];
      for (let i = 0; i < warm; i++) await book(made);
      await sleep(pauseMs);
      const idleWindow = await window(async () => {});
      const mine = results.get(label)!;
      for (let i = 0; i < bookings; i++) {
        const w = await window(() => book(made));
        mine.push({ clusterMs: w.clusterMs - idleWindow.clusterMs, autovacuumMs: w.autovacuumMs, keeprMs: w.keeprMs - idleWindow.keeprMs, newSessions: w.started });
      }
      console.log(`round ${round}, ${label}: ${made.length} bookings, ${args.pause} s apart; idle window ${idleWindow.clusterMs.toFixed(0)} ms of Postgres; ` +
        `${warm} warm-up bookings first; per booking ${mine.slice(-bookings).map((b) => `${b.clusterMs.toFixed(0)} ms (${b.newSessions} new sessions)`).join(", ")}; ${await backends()} client backends at the end`);
      // What was booked is cancelled and its nights released, for the next round.
      await owner.query(`update app_public.reservations set status = 'cancelled', cancelled_at = now(), hold_expires_at = null, cancellation_reason = 'bench' where id = any($1::uuid[])`, [made]);
      await owner.query("update app_public.inventory_claims set released_at = now() where reservation_id = any($1::uuid[]) and released_at is null", [made]);
      await owner.end();
      await stopKeepr(running, "SIGINT");
      running = null;
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`\nper booking (quote, hold, confirmation and its messages), ${args.pause} s apart, ${rounds} alternating rounds of ${bookings}:`);
  const first = results.get(variants[0]!.label)!;
  for (const { label } of variants) {
    const booked = results.get(label)!;
    const r = { booked };
    const cluster = r.booked.reduce((a, b) => a + b.clusterMs, 0) / r.booked.length;
    const keepr = r.booked.reduce((a, b) => a + b.keeprMs, 0) / r.booked.length;
    const fresh = r.booked.reduce((a, b) => a + b.newSessions, 0) / r.booked.length;
    const base = median(first.map((b) => b.clusterMs));
    const autovacuum = r.booked.reduce((a, b) => a + b.autovacuumMs, 0) / r.booked.length;
    console.log(`  ${label.padEnd(28)} Postgres ${cluster.toFixed(1)} ms a booking autovacuum apart (median ${median(r.booked.map((b) => b.clusterMs)).toFixed(1)}; autovacuum ${autovacuum.toFixed(1)} ms a window), ` +
      `Keepr's process ${keepr.toFixed(1)} ms, ${fresh.toFixed(1)} new sessions a booking; medians ${(base / median(r.booked.map((b) => b.clusterMs))).toFixed(2)}x less than the first's`);
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  if (running) await stopKeepr(running, "SIGINT").catch(() => {});
  if (!keepDataDir) rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
