// npm run bench -- jobs [--rate 100] [--seconds 10] [--burst 5000] [--concurrency 4]
//
// How fast graphile-worker, as Keepr runs it (same settings as worker/runner.ts:
// LISTEN/NOTIFY, 2 s poll, WORKER_CONCURRENCY, batched fetch and completion), picks up and runs jobs on this
// machine, against an embedded Postgres of its own (throwaway data directory):
//   1. pickup latency: jobs added one by one at --rate per second for
//      --seconds (each in its own transaction, as the API adds them), each
//      recording the time from its add_job's commit to its start: p50, p95,
//      p99, max;
//   2. throughput: --burst jobs added in one transaction; jobs/s from the
//      commit to the last job's end.
// Beside them, a bare Postgres LISTEN/NOTIFY round trip measured the same
// way, so the pickup latency reads as a ratio to what Postgres alone costs.
// The jobs do nothing (no I/O): this measures the queue, not the tasks.
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { Logger, run, type Task } from "graphile-worker";
import pg from "pg";
import { openDatabase } from "../../core/database.ts";
import { migrateDatabase } from "../../core/migrate.ts";
import { loadConfig } from "../../core/config.ts";
import { workerPreset } from "../../worker/runner.ts";
import { freePort, makeDataDir } from "../helpers/keepr-process.ts";
import { latencySummary, notifyRoundTrips, percentile } from "./latency.ts";

const { values: args } = parseArgs({
  options: {
    rate: { type: "string", default: "100" },
    seconds: { type: "string", default: "10" },
    burst: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "4" },
  },
});
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const burst = Number(args.burst);
const concurrency = Number(args.concurrency);

const dataDir = makeDataDir();
const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) });
const db = await openDatabase(config, () => {});
try {
  await migrateDatabase(db, () => {});
  const pool = new pg.Pool({ connectionString: db.ownerUrl, max: concurrency + 4 });
  pool.on("error", (err) => console.error("idle connection failed:", err.message));

  // Baseline: LISTEN/NOTIFY round trip.
  const notifyTimes = await notifyRoundTrips(pool, db.ownerUrl);

  const started = new Map<number, number>();
  const ended: number[] = [];
  const noop: Task = async (payload) => {
    started.set((payload as { n: number }).n, performance.now());
    ended.push(performance.now());
  };
  const runner = await run({
    pgPool: pool,
    concurrency,
    preset: workerPreset(concurrency),
    noHandleSignals: true,
    pollInterval: 2_000,
    logger: new Logger(() => () => {}),
    taskList: { bench_noop: noop },
  });

  // 1. Pickup latency at a steady rate.
  const committedAt = new Map<number, number>();
  const total = rate * seconds;
  const begin = performance.now();
  for (let n = 0; n < total; n++) {
    const due = begin + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await pool.query("select graphile_worker.add_job('bench_noop', json_build_object('n', $1::int))", [n]);
    committedAt.set(n, performance.now());
  }
  while (started.size < total) await new Promise((r) => setTimeout(r, 20));
  const pickup = [...committedAt].map(([n, at]) => Math.max(0, started.get(n)! - at));

  // 2. Throughput of a burst.
  started.clear();
  ended.length = 0;
  const burstStart = performance.now();
  await pool.query("select graphile_worker.add_job('bench_noop', json_build_object('n', 1000000 + i)) from generate_series(1, $1) i", [burst]);
  const burstCommitted = performance.now();
  while (ended.length < burst) await new Promise((r) => setTimeout(r, 20));
  const burstSeconds = (Math.max(...ended) - burstCommitted) / 1000;

  await runner.stop();
  await pool.end();

  console.log(`jobs bench: concurrency ${concurrency}, 2 cores`);
  console.log(`  LISTEN/NOTIFY round trip   ${latencySummary(notifyTimes)}`);
  console.log(`  pickup at ${rate} jobs/s (${total} jobs)   ${latencySummary(pickup)}`);
  console.log(`  pickup p50 / NOTIFY p50    ${(percentile(pickup, 50) / percentile(notifyTimes, 50)).toFixed(1)}x`);
  console.log(`  burst of ${burst}: added in ${((burstCommitted - burstStart) / 1000).toFixed(2)} s, run in ${burstSeconds.toFixed(2)} s → ${(burst / burstSeconds).toFixed(0)} jobs/s`);
} finally {
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
