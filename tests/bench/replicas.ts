// npm run bench -- replicas [--clients 16] [--seconds 15] [--warmup 3] [--pool 16] [--bouncer-pool 8]
//                           [--properties 20] [--units 2000] [--days 180] [--occupancy 0.6] [--seed 42]
//
// What a read replica takes off the primary: guest searches
// (searchAvailability, random city, arrival 1–60 days ahead, 2–7 nights)
// through the API, first with every read on the primary, then with
// the API's connections through PgBouncer in transaction mode
// (DATABASE_POOL_MODE=transaction: no prepared statements, --bouncer-pool
// server connections), then with REPLICA_DATABASE_URLS naming a streaming
// hot standby (directly):
//  1. starts Debian's Postgres 15 as a primary (ops/cluster/postgres.ts),
//     migrates it, generates the scale data (db/seed-scale.ts), then a hot
//     standby from it (pg_basebackup), caught up;
//  2. for each setup, starts Keepr's API (`node main.ts`, WORKER=false, no
//     demo data) against the primary, and runs --clients concurrent
//     searches for --seconds after --warmup seconds not measured;
//  3. prints searches per second, p50/p95/p99 latency, which database
//     answered (X-Keepr-Read-From), and the CPU per search of the primary,
//     the replica, the Keepr process and PgBouncer (/proc), and the primary's ratio;
//     then stops everything and deletes the temp dirs.
import "../../core/env.ts";
import { rmSync } from "node:fs";
import http from "node:http";
import { parseArgs } from "node:util";
import pg from "pg";
import { roleUrl } from "../../core/database.ts";
import { migrateDatabase } from "../../core/migrate.ts";
import { ensureDatabase, ensureRoles, roles } from "../../core/roles.ts";
import { generateSecrets } from "../../core/secrets.ts";
import { defaultScaleOptions, formatScaleResult, generateScaleData } from "../../db/seed-scale.ts";
import { makeClusterDir, startPrimary, startStandby, type PostgresNode } from "../../ops/cluster/postgres.ts";
import { addDays } from "../helpers/booking.ts";
import { postgresCpuSeconds, processCpuSeconds } from "../helpers/cpu.ts";
import { freePort, makeDataDir, startKeepr, stopKeepr, type KeeprProcess } from "../helpers/keepr-process.ts";
import { startPgBouncer, type PgBouncer } from "../helpers/pgbouncer.ts";
import { seededRandom } from "../helpers/random.ts";
import { percentile } from "./latency.ts";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "16" },
    seconds: { type: "string", default: "15" },
    warmup: { type: "string", default: "3" },
    pool: { type: "string" },
    properties: { type: "string", default: "20" },
    units: { type: "string", default: "2000" },
    days: { type: "string", default: "180" },
    occupancy: { type: "string", default: String(defaultScaleOptions.occupancy) },
    seed: { type: "string", default: String(defaultScaleOptions.seed) },
    "bouncer-pool": { type: "string", default: "8" },
  },
  strict: true,
});
const clients = Number(args.clients);
const seconds = Number(args.seconds);
const warmup = Number(args.warmup);
const poolSize = Number(args.pool ?? args.clients);
const scale = { ...defaultScaleOptions, properties: Number(args.properties), units: Number(args.units), days: Number(args.days), occupancy: Number(args.occupancy), seed: Number(args.seed) };

const search = `query Search($a: Date!, $d: Date!, $n: Int!, $c: String) { searchAvailability(arrival: $a, departure: $d, adults: $n, city: $c) { nodes { ratePlanId unitsLeft totalAmount isBookable } } }`;

interface Run {
  setup: string;
  searches: number;
  errors: number;
  ms: number;
  latencies: number[];
  from: Record<string, number>;
  cpu: { primary: number; replica: number; keepr: number; bouncer: number };
}

const secrets = generateSecrets();
const dir = makeClusterDir();
let primary: PostgresNode | undefined;
let standby: PostgresNode | undefined;
let running: KeeprProcess | undefined;
let bouncer: PgBouncer | undefined;
const dataDirs: string[] = [];

async function measure(setup: string, env: Record<string, string>, cities: string[], ownerUrl: string, authUrl: string): Promise<Run> {
  const dataDir = makeDataDir();
  dataDirs.push(dataDir);
  running = await startKeepr({
    dataDir,
    port: await freePort(),
    pgPort: await freePort(),
    env: {
      DATABASE_URL: ownerUrl, AUTH_DATABASE_URL: authUrl, SEED: "false", WORKER: "false", ADMIN_BUILD: "false",
      API_POOL_SIZE: String(poolSize), LOG_LEVEL: "warn", JWT_SECRET: secrets.jwtSecret, ...env,
    },
  });
  const { hostname, port } = new URL(running.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const random = seededRandom(scale.seed);
  const call = (body: string) =>
    new Promise<{ ok: boolean; from: string }>((resolve) => {
      const req = http.request(
        { agent, host: hostname, port, path: "/graphql", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { errors?: unknown[] };
            resolve({ ok: res.statusCode === 200 && !parsed.errors, from: String(res.headers["x-keepr-read-from"] ?? "primary") });
          });
        },
      );
      req.on("error", () => resolve({ ok: false, from: "error" }));
      req.end(body);
    });
  const today = new Date().toISOString().slice(0, 10);
  const one = () => {
    const arrival = addDays(today, 1 + Math.floor(random() * 60));
    return JSON.stringify({
      query: search,
      variables: { a: arrival, d: addDays(arrival, 2 + Math.floor(random() * 6)), n: 1 + Math.floor(random() * 2), c: cities[Math.floor(random() * cities.length)] },
    });
  };
  const loop = async (until: number, run?: Run) => {
    while (performance.now() < until) {
      const t = performance.now();
      const answer = await call(one());
      if (!run) continue;
      run.searches++;
      if (answer.ok) run.latencies.push(performance.now() - t);
      else run.errors++;
      run.from[answer.from] = (run.from[answer.from] ?? 0) + 1;
    }
  };
  const warmEnd = performance.now() + warmup * 1000;
  await Promise.all(Array.from({ length: clients }, () => loop(warmEnd)));
  const cpu = () => ({
    primary: postgresCpuSeconds(primary!.pid), replica: postgresCpuSeconds(standby!.pid), keepr: processCpuSeconds(running!.child.pid!),
    bouncer: bouncer ? processCpuSeconds(bouncer.pid) : 0,
  });
  const run: Run = { setup, searches: 0, errors: 0, ms: 0, latencies: [], from: {}, cpu: { primary: 0, replica: 0, keepr: 0, bouncer: 0 } };
  const before = cpu();
  const began = performance.now();
  await Promise.all(Array.from({ length: clients }, () => loop(began + seconds * 1000, run)));
  run.ms = performance.now() - began;
  const after = cpu();
  run.cpu = { primary: after.primary - before.primary, replica: after.replica - before.replica, keepr: after.keepr - before.keepr, bouncer: after.bouncer - before.bouncer };
  agent.destroy();
  await stopKeepr(running, "SIGTERM");
  running = undefined;
  return run;
}

let exitCode = 0;
try {
  primary = await startPrimary({ dir, port: await freePort(), superuserPassword: secrets.superuserPassword });
  const superuserUrl = primary.superuserUrl("postgres");
  await ensureRoles(superuserUrl, { owner: secrets.ownerPassword, authenticator: secrets.authenticatorPassword });
  await ensureDatabase(superuserUrl, "keepr");
  const ownerUrl = roleUrl(superuserUrl, roles.owner, secrets.ownerPassword, "keepr");
  const authUrl = roleUrl(superuserUrl, roles.authenticator, secrets.authenticatorPassword, "keepr");
  await migrateDatabase({ ownerUrl, superuserUrl }, () => {});
  console.log(`Postgres 15 primary on port ${primary.port}, migrated; generating scale data (seed ${scale.seed})…`);
  console.log(formatScaleResult(await generateScaleData({ ownerUrl, superuserUrl }, scale), scale));
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  await owner.query("analyze");
  const cities = (await owner.query<{ city: string }>("select distinct city from app_public.properties where is_published order by 1")).rows.map((r) => r.city);
  await owner.end();
  standby = await startStandby(primary, { dir, port: await freePort(), applicationName: "replica1" });
  await standby.waitForReplay(await primary.currentLsn());
  const replicaUrl = roleUrl(standby.superuserUrl("postgres"), roles.authenticator, secrets.authenticatorPassword, "keepr");
  console.log(`hot standby on port ${standby.port}, caught up; ${clients} clients, ${seconds} s per setup after ${warmup} s warm-up, API pool ${poolSize}\n`);

  const alone = await measure("primary only", {}, cities, ownerUrl, authUrl);
  bouncer = await startPgBouncer({ databaseUrl: authUrl, logins: [authUrl], poolMode: "transaction", poolSize: Number(args["bouncer-pool"]) });
  const pooled = await measure("PgBouncer (tx)", { DATABASE_POOL_MODE: "transaction" }, cities, ownerUrl, bouncer.urlFor(authUrl));
  await bouncer.stop();
  bouncer = undefined;
  const replicated = await measure("with the replica", { REPLICA_DATABASE_URLS: replicaUrl }, cities, ownerUrl, authUrl);
  const runs = [alone, pooled, replicated];
  const ms = (cpu: number, n: number) => (n ? ((cpu * 1000) / n).toFixed(2) : "-");
  console.log("setup             searches  /s      p50 ms  p95 ms  p99 ms  errors  answered by              CPU ms per search: primary  replica  keepr  pgbouncer");
  for (const r of runs) {
    const l = { p50: percentile(r.latencies, 50), p95: percentile(r.latencies, 95), p99: percentile(r.latencies, 99) };
    const from = Object.entries(r.from).map(([k, v]) => `${k} ${v}`).join(", ");
    console.log(
      `${r.setup.padEnd(17)} ${String(r.searches).padStart(8)}  ${(r.searches / (r.ms / 1000)).toFixed(1).padStart(6)}  ${l.p50.toFixed(1).padStart(6)}  ${l.p95.toFixed(1).padStart(6)}  ${l.p99.toFixed(1).padStart(6)}  ${String(r.errors).padStart(6)}  ${from.padEnd(24)} ${ms(r.cpu.primary, r.searches).padStart(26)}  ${ms(r.cpu.replica, r.searches).padStart(7)}  ${ms(r.cpu.keepr, r.searches).padStart(5)}  ${ms(r.cpu.bouncer, r.searches).padStart(9)}`,
    );
  }
  const perSearch = (r: Run) => r.cpu.primary / Math.max(1, r.searches);
  console.log(`\nthe primary's CPU per search through PgBouncer in transaction mode (no prepared statements): ${((perSearch(pooled) / perSearch(alone)) * 100).toFixed(1)}% of direct`);
  console.log(`the primary's CPU per search with the replica: ${((perSearch(replicated) / perSearch(alone)) * 100).toFixed(1)}% of what it is alone`);
  if (runs.some((r) => r.errors > 0)) exitCode = 1;
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  if (running) await stopKeepr(running, "SIGTERM").catch(() => undefined);
  await bouncer?.stop().catch(() => undefined);
  await standby?.stop().catch(() => undefined);
  await primary?.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
}
process.exit(exitCode);
