// npm run bench -- notifications [--count 2000] [--concurrency 4]
//
// What delivering a guest message costs, against an embedded Postgres of
// its own (throwaway data directory): --count notifications (half email,
// half SMS, for one booking) are queued in one transaction, then Keepr's
// worker (worker/runner.ts, in this process, outboxes in the data
// directory) delivers them. Prints the time to deliver them all, jobs/s,
// and the CPU spent per job by the worker (this process, after its start)
// and by Postgres (every process of the cluster, from /proc).
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { openDatabase } from "../../core/database.ts";
import { migrateDatabase } from "../../core/migrate.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { startWorker } from "../../worker/runner.ts";
import { addDays, book, createHotel, localDate } from "../helpers/booking.ts";
import { postgresCpuSeconds } from "../helpers/cpu.ts";
import { freePort, makeDataDir, postmasterPid } from "../helpers/keepr-process.ts";

const { values: args } = parseArgs({
  options: { count: { type: "string", default: "2000" }, concurrency: { type: "string", default: "4" } },
});
const count = Number(args.count);
const concurrency = Number(args.concurrency);

const dataDir = makeDataDir();
const config = loadConfig({
  NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()),
  WORKER_CONCURRENCY: String(concurrency),
});
const db = await openDatabase(config, () => {});
try {
  await migrateDatabase(db, () => {});
  const pool = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
  pool.on("error", (err) => console.error("idle connection failed:", err.message));
  const client = await pool.connect();
  try {
    await client.query("begin");
    const hotel = await createHotel(client);
    const arrival = localDate(hotel.timeZone, 5);
    const booking = await book(client, hotel.ratePlanId, arrival, addDays(arrival, 2));
    await client.query("update app_public.guests set phone = '+351912345678'");
    // Each cause queues an email and an SMS (confirmations go by both).
    await client.query(
      "select app_private.notify(r, 'confirmation', 'bench:' || i) from app_public.reservations r, generate_series(1, $2) i where r.id = $1",
      [booking.reservation_id, count / 2],
    );
    await client.query("commit");
  } finally {
    client.release();
  }
  const postmaster = postmasterPid(dataDir)!;
  const pending = "select count(*) filter (where status <> 'sent')::int as n from app_public.notifications where cause like 'bench:%'";
  const workerCpuBefore = process.cpuUsage();
  const worker = await startWorker({ config, ownerUrl: db.ownerUrl, jwtSecret: db.jwtSecret, logger: createLogger("silent") });
  const started = performance.now();
  const pgBefore = postgresCpuSeconds(postmaster);
  const cpuAfterStart = process.cpuUsage(workerCpuBefore);
  while ((await pool.query(pending)).rows[0].n > 0) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - started) / 1000;
  const pgMs = (postgresCpuSeconds(postmaster) - pgBefore) * 1000;
  const workerUsage = process.cpuUsage(workerCpuBefore);
  const workerMs = (workerUsage.user + workerUsage.system - cpuAfterStart.user - cpuAfterStart.system) / 1000;
  await worker.stop();
  await pool.end();
  console.log(`notifications bench: ${count} messages (${count / 2} email, ${count / 2} SMS), worker concurrency ${concurrency}, 2 cores`);
  console.log(`  delivered in ${seconds.toFixed(2)} s → ${(count / seconds).toFixed(0)} jobs/s`);
  console.log(`  CPU per job: worker ${(workerMs / count).toFixed(2)} ms, Postgres ${(pgMs / count).toFixed(2)} ms (this bench's polling included)`);
} finally {
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
