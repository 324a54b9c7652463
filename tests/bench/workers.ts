// npm run bench -- workers [--jobs 1000] [--processes 1,2,4] [--concurrency 4] [--smtp-ms 50] [--sms-ms 150]
//
// Job throughput with 1, 2, 4, … worker processes (`node worker/main.ts`,
// as `npm run worker` runs them) sharing one queue, against an embedded
// Postgres of its own (throwaway data directory). The jobs are what
// bookings cause: each booking's confirmation, by email (SMTP, to a local
// relay — a real SMTP server, smtp-server — answering after --smtp-ms) and
// by SMS (Keepr's gateway protocol, to a local HTTP gateway answering after
// --sms-ms): real send_notification jobs that render, deliver and record.
// For each process count: the workers are started and have said they are
// alive (their heartbeat) before --jobs jobs are queued in one transaction;
// the clock runs from that commit to the last notification recorded sent.
// Prints jobs/s, the ratio to one process, and the CPU each side used per
// job and as a share of the machine's cores: Postgres (every process of the
// cluster, from /proc), the worker processes, and this process (the relay
// and the gateway; its polling).
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { openDatabase } from "../../core/database.ts";
import { migrateDatabase } from "../../core/migrate.ts";
import { loadConfig } from "../../core/config.ts";
import { addDays, book, createHotel, localDate } from "../helpers/booking.ts";
import { postgresCpuSeconds, processCpuSeconds } from "../helpers/cpu.ts";
import { freePort, makeDataDir, postmasterPid } from "../helpers/keepr-process.ts";
import { startSmtpRelay } from "../helpers/smtp-relay.ts";

const { values: args } = parseArgs({
  options: {
    jobs: { type: "string", default: "1000" },
    processes: { type: "string", default: "1,2,4" },
    concurrency: { type: "string", default: "4" },
    "smtp-ms": { type: "string", default: "50" },
    "sms-ms": { type: "string", default: "150" },
  },
});
const jobs = 2 * Math.ceil(Number(args.jobs) / 2);
const processCounts = args.processes.split(",").map(Number);
const concurrency = Number(args.concurrency);
const smtpMs = Number(args["smtp-ms"]);
const smsMs = Number(args["sms-ms"]);
const root = path.resolve(import.meta.dirname, "../..");

/** An SMS gateway speaking Keepr's protocol, answering 200 after `latencyMs`. */
async function startSmsGateway(latencyMs: number): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ messageId: `gw-${String(req.headers["idempotency-key"])}` })), latencyMs));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { url: `http://keepr:gateway-key@127.0.0.1:${(server.address() as AddressInfo).port}/v1/messages`, server };
}

const dataDir = makeDataDir();
const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) });
const db = await openDatabase(config, () => {});
const children: ChildProcess[] = [];
const workerDirs: string[] = [];
const relay = await startSmtpRelay({ latencyMs: smtpMs });
const gateway = await startSmsGateway(smsMs);
const pool = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
let closing = false;
pool.on("error", (err) => {
  if (!closing) console.error("idle connection failed:", err.message);
});

function spawnWorker(): ChildProcess {
  const child = spawn(process.execPath, ["worker/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      DATA_DIR: workerDirs[workerDirs.push(mkdtempSync(path.join(tmpdir(), "keepr-run-worker-"))) - 1],
      DATABASE_URL: db.ownerUrl,
      AUTH_DATABASE_URL: db.authenticatorUrl,
      JWT_SECRET: db.jwtSecret,
      WORKER_CONCURRENCY: String(concurrency),
      SMTP_URL: relay.url,
      SMS_URL: gateway.url,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Result {
  processes: number;
  seconds: number;
  postgresCpu: number;
  workersCpu: number;
  benchCpu: number;
}

async function runWith(processes: number, reservationId: string): Promise<Result> {
  const liveWorkers = "select count(*)::int as n from app_private.worker_heartbeats where seen_at > now() - interval '10 seconds'";
  await pool.query("delete from app_private.worker_heartbeats");
  const workers = Array.from({ length: processes }, spawnWorker);
  for (const started = Date.now(); (await pool.query(liveWorkers)).rows[0].n < processes; await sleep(50)) {
    if (workers.some((w) => w.exitCode !== null)) throw new Error("a worker process exited at start");
    if (Date.now() - started > 60_000) throw new Error(`${processes} worker processes did not start in 60 s`);
  }
  const tag = `bench-workers-${processes}:`;
  const postmaster = postmasterPid(dataDir)!;
  const pgBefore = postgresCpuSeconds(postmaster);
  const workersBefore = workers.reduce((sum, w) => sum + processCpuSeconds(w.pid!), 0);
  const benchBefore = process.cpuUsage();
  // Each booking's confirmation: an email and an SMS, two jobs.
  await pool.query(
    "select app_private.notify(r, 'confirmation', $3 || i) from app_public.reservations r, generate_series(1, $2) i where r.id = $1",
    [reservationId, jobs / 2, tag],
  );
  const started = performance.now();
  const pending = "select count(*)::int as n from app_public.notifications where cause like $1 and status <> 'sent'";
  while ((await pool.query(pending, [`${tag}%`])).rows[0].n > 0) await sleep(50);
  const seconds = (performance.now() - started) / 1000;
  const postgresCpu = postgresCpuSeconds(postmaster) - pgBefore;
  const workersCpu = workers.reduce((sum, w) => sum + processCpuSeconds(w.pid!), 0) - workersBefore;
  const bench = process.cpuUsage(benchBefore);
  await Promise.all(workers.map(stopWorker));
  const failed = await pool.query("select count(*)::int as n from app_public.notifications where cause like $1 and status = 'failed'", [`${tag}%`]);
  if (failed.rows[0].n > 0) throw new Error(`${failed.rows[0].n} notifications failed`);
  return { processes, seconds, postgresCpu, workersCpu, benchCpu: (bench.user + bench.system) / 1e6 };
}

try {
  await migrateDatabase(db, () => {});
  const client = await pool.connect();
  let reservationId: string;
  try {
    await client.query("begin");
    const hotel = await createHotel(client);
    const arrival = localDate(hotel.timeZone, 5);
    reservationId = (await book(client, hotel.ratePlanId, arrival, addDays(arrival, 2))).reservation_id as string;
    await client.query("reset role");
    await client.query("update app_public.guests set phone = '+351912345678'");
    await client.query("commit");
  } finally {
    client.release();
  }
  const results: Result[] = [];
  for (const processes of processCounts) results.push(await runWith(processes, reservationId));

  const cores = availableParallelism();
  const one = results.find((r) => r.processes === 1) ?? results[0]!;
  console.log(`workers bench: ${jobs} jobs (${jobs / 2} confirmation emails via SMTP at ${smtpMs} ms, ${jobs / 2} SMS via a gateway at ${smsMs} ms), WORKER_CONCURRENCY ${concurrency}, ${cores} cores`);
  console.log("  processes  seconds  jobs/s  vs 1   CPU ms/job: Postgres  workers  bench   cores busy: Postgres  workers  bench");
  for (const r of results) {
    const share = (cpu: number) => (cpu / r.seconds).toFixed(2).padStart(8);
    const perJob = (cpu: number) => ((cpu * 1000) / jobs).toFixed(2).padStart(7);
    console.log(
      `  ${String(r.processes).padStart(9)}  ${r.seconds.toFixed(2).padStart(7)}  ${(jobs / r.seconds).toFixed(0).padStart(6)}  ${(one.seconds / r.seconds).toFixed(2).padStart(4)}x` +
        `              ${perJob(r.postgresCpu)}  ${perJob(r.workersCpu)}  ${perJob(r.benchCpu)}            ${share(r.postgresCpu)} ${share(r.workersCpu)} ${share(r.benchCpu)}`,
    );
  }
} finally {
  await Promise.all(children.map(stopWorker));
  closing = true;
  await pool.end();
  await relay.close();
  gateway.server.closeAllConnections();
  await new Promise<void>((resolve) => gateway.server.close(() => resolve()));
  await db.stop();
  for (const dir of [dataDir, ...workerDirs]) rmSync(dir, { recursive: true, force: true });
}
