// npm run bench -- realtime [--subscribers 1,100,1000] [--users 20] [--rate 20] [--seconds 10] [--burst 500]
//
// Commit-to-client latency of realtime postgres_changes, as `npm start`
// serves them (replication reader → RLS authorizer → websocket), with the
// official @supabase/realtime-js client, against an embedded Postgres of
// its own (throwaway data directory). For each subscriber count:
//   1. N clients (staff of property A, spread over --users distinct
//      sessions, the way desks share rights) subscribe to changes of
//      app_public.housekeeping_tasks;
//   2. changes are committed one by one at --rate per second for
//      --seconds, alternating between property A and property B; each A
//      change is timed from its commit to its arrival at every subscriber:
//      p50, p95, p99, max;
//   3. a burst of --burst single-row transactions at A, committed as fast
//      as one connection can: changes/s until every subscriber has them all;
//   4. any B row received by an A subscriber is counted as a leak.
// Beside them, a bare Postgres LISTEN/NOTIFY round trip measured the same
// way, so the latency reads as a ratio to what Postgres alone costs.
import "../../core/env.ts";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { RealtimeClient, type RealtimePostgresChangesPayload } from "@supabase/realtime-js";
import { openDatabase } from "../../core/database.ts";
import { migrateDatabase } from "../../core/migrate.ts";
import { loadConfig } from "../../core/config.ts";
import { startHttpServer } from "../../server/http.ts";
import { createLogger } from "../../core/logger.ts";
import { makeReadiness } from "../../server/readiness.ts";
import { startRealtimeService } from "../../realtime/service.ts";
import { anonKey } from "../../realtime/tokens.ts";
import { createHotel } from "../helpers/booking.ts";
import { freePort, makeDataDir } from "../helpers/keepr-process.ts";
import { latencySummary, notifyRoundTrips, percentile } from "./latency.ts";
import { disconnect, userToken } from "../realtime/harness.ts";

const { values: args } = parseArgs({
  options: {
    subscribers: { type: "string", default: "1,100,1000" },
    users: { type: "string", default: "20" },
    rate: { type: "string", default: "20" },
    seconds: { type: "string", default: "10" },
    burst: { type: "string", default: "500" },
  },
});
const counts = args.subscribers.split(",").map(Number);
const users = Number(args.users);
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const burst = Number(args.burst);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const dataDir = makeDataDir();
const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", HOST: "127.0.0.1", PORT: "0", DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) });
const db = await openDatabase(config, () => {});
try {
  await migrateDatabase(db, () => {});
  const logger = createLogger("silent");
  const ownerPool = new pg.Pool({ connectionString: db.ownerUrl, max: 4 });
  const apiPool = new pg.Pool({ connectionString: db.authenticatorUrl, max: 10 });
  for (const pool of [ownerPool, apiPool]) pool.on("error", () => undefined);
  const http = await startHttpServer({ config, logger, apiPool, ownerPool, jwtSecret: db.jwtSecret, readiness: makeReadiness(apiPool, ownerPool) });
  const realtime = startRealtimeService({ server: http.server, apiPool, databaseUrl: db.authenticatorUrl, replicationUrl: db.replicationUrl, jwtSecret: db.jwtSecret, logger });
  while (realtime.replicationConnected() !== true) await sleep(20);

  const [a, b] = [await createHotel(ownerPool), await createHotel(ownerPool)];
  // Staff of A: `users` people, each with a live session.
  const tokens: string[] = [];
  for (let i = 0; i < users; i++) {
    const user = (await ownerPool.query("insert into app_public.users (email, display_name) values ($1, 'Desk') returning id", [`desk-${i}-${randomUUID()}@bench.example`])).rows[0].id;
    await ownerPool.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'front_desk')", [a.propertyId, user]);
    const session = (await ownerPool.query("insert into app_private.sessions (user_id) values ($1) returning id", [user])).rows[0].id;
    tokens.push(userToken(db.jwtSecret, "keepr_staff", { sub: user, sessionId: session, expiresInSeconds: 3600 }));
  }
  // One task per property, updated again and again; its notes carry the change's sequence number.
  const taskOf = async (propertyId: string, unitId: string) =>
    (await ownerPool.query("insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date) values ($1, $2, 'inspection', current_date) returning id", [propertyId, unitId])).rows[0].id as string;
  const tasks = { a: await taskOf(a.propertyId, a.unitIds[0]!), b: await taskOf(b.propertyId, b.unitIds[0]!) };
  const commitChange = async (side: "a" | "b", seq: number) => {
    await ownerPool.query("update app_public.housekeeping_tasks set notes = $2 where id = $1", [tasks[side], String(seq)]);
    return performance.now();
  };

  // Baseline: LISTEN/NOTIFY round trip.
  const notifyTimes = await notifyRoundTrips(ownerPool, db.ownerUrl);
  console.log(`realtime bench: 2 cores, ${users} distinct staff sessions, changes to housekeeping_tasks alternating between two properties`);
  console.log(`  LISTEN/NOTIFY round trip            ${latencySummary(notifyTimes)}`);

  let seq = 0;
  for (const n of counts) {
    // arrivals[seq] = times the change reached each subscriber
    const arrivals = new Map<number, number[]>();
    let leaks = 0;
    const clients: RealtimeClient[] = [];
    const subscribedAll: Array<Promise<void>> = [];
    for (let i = 0; i < n; i++) {
      const client = new RealtimeClient(`${http.url}/realtime/v1`, { params: { apikey: anonKey(db.jwtSecret) }, timeout: 30_000 });
      client.setAuth(tokens[i % tokens.length]!);
      clients.push(client);
      const channel = client.channel(`bench-${i}`).on(
        "postgres_changes",
        { event: "UPDATE", schema: "app_public", table: "housekeeping_tasks" },
        (payload: RealtimePostgresChangesPayload<Record<string, unknown>>) => {
          const row = payload.new as { property_id?: string; notes?: string };
          if (row.property_id !== a.propertyId) leaks++;
          const at = performance.now();
          const list = arrivals.get(Number(row.notes)) ?? [];
          list.push(at);
          arrivals.set(Number(row.notes), list);
        },
      );
      subscribedAll.push(new Promise((resolve, reject) => channel.subscribe((status) => (status === "SUBSCRIBED" ? resolve() : status !== "CLOSED" && reject(new Error(status))))));
      if (i % 50 === 49) await sleep(20); // do not open a thousand sockets in one tick
    }
    await Promise.all(subscribedAll);

    // 1. Latency at a steady rate.
    const committed = new Map<number, number>();
    const total = rate * seconds;
    const begin = performance.now();
    for (let k = 0; k < total; k++) {
      const due = begin + (k * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const side = k % 2 === 0 ? "a" : "b";
      const s = ++seq;
      const at = await commitChange(side, s);
      if (side === "a") committed.set(s, at);
    }
    const deadline = performance.now() + 30_000;
    while ([...committed.keys()].some((s) => (arrivals.get(s)?.length ?? 0) < n) && performance.now() < deadline) await sleep(20);
    const latencies: number[] = [];
    let missing = 0;
    for (const [s, at] of committed) {
      const got = arrivals.get(s) ?? [];
      missing += n - got.length;
      for (const t of got) latencies.push(t - at);
    }

    // 2. A burst of single-row transactions.
    const first = seq + 1;
    const burstStart = performance.now();
    for (let k = 0; k < burst; k++) await commitChange("a", ++seq);
    const burstCommitted = performance.now();
    const burstDeadline = performance.now() + 60_000;
    const delivered = () => { let c = 0; for (let s = first; s <= seq; s++) c += arrivals.get(s)?.length ?? 0; return c; };
    while (delivered() < burst * n && performance.now() < burstDeadline) await sleep(20);
    const lastArrival = Math.max(...Array.from({ length: burst }, (_, k) => Math.max(...(arrivals.get(first + k) ?? [NaN]))));
    const burstSeconds = (lastArrival - burstStart) / 1000;

    console.log(`  ${String(n).padStart(4)} subscriber(s), ${rate} changes/s (half of them visible): commit → client ${latencySummary(latencies)}; ratio p50 to NOTIFY ${(percentile(latencies, 50) / percentile(notifyTimes, 50)).toFixed(1)}x; missing ${missing}; leaked ${leaks}`);
    console.log(`       burst of ${burst} transactions: committed in ${((burstCommitted - burstStart) / 1000).toFixed(2)} s, all delivered to all in ${burstSeconds.toFixed(2)} s → ${(burst / burstSeconds).toFixed(0)} changes/s, ${((burst * n) / burstSeconds).toFixed(0)} messages/s; delivered ${delivered()} of ${burst * n}`);
    await Promise.all(clients.map(disconnect));
  }

  await realtime.stop();
  await http.close();
  await apiPool.end();
  await ownerPool.end();
} finally {
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
