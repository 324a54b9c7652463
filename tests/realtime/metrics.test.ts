// The realtime service's metrics, as `npm start` runs it (HTTP server with
// the realtime service, replication, the official client): open sockets and
// joined channels, the time from a commit to its change going out on a
// socket, and how far each replication slot of the database is behind.
import type { RealtimeClient, RealtimePostgresChangesPayload } from "@supabase/realtime-js";
import { RealtimeClient as Client } from "@supabase/realtime-js";
import pg from "pg";
import { createLogger } from "../../core/logger.ts";
import { metricsText, replicationSlotCollector } from "../../core/metrics.ts";
import { startRealtimeService, type RealtimeService } from "../../realtime/service.ts";
import { anonKey } from "../../realtime/tokens.ts";
import { actAs, fileDatabase, inCommit } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { addDays, book, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { parseMetrics, promtoolCheck, sampleOf } from "../helpers/metrics.ts";
import { disconnect, EventQueue, refusedUpgrade, subscribed, userToken } from "./harness.ts";
import { waitUntil } from "../helpers/wait.ts";

type Row = Record<string, unknown>;
let http: TestServer;
let service: RealtimeService;
let hotel: Hotel;
const clients: RealtimeClient[] = [];
const db = fileDatabase({
  beforeDrop: async () => {
    await Promise.all(clients.map(disconnect));
    await service?.stop();
    await http?.close();
  },
});

beforeAll(async () => {
  http = await startTestServer(db);
  service = startRealtimeService({ server: http.server, apiPool: http.apiPool, databaseUrl: db.authenticatorUrl, replicationUrl: db.replicationUrl, jwtSecret: db.jwtSecret, logger: createLogger("silent") });
  await waitUntil(() => service.replicationConnected() === true, "replication connected", 60_000);
  hotel = await inCommit(db.ownerPool, (c) => createHotel(c));
});

const scrape = async () => {
  replicationSlotCollector.invalidate();
  return parseMetrics((await metricsText()).body);
};

/** Scrapes until check() holds (the server sees a leave or a close a moment after the client). */
async function scrapeUntil(check: (m: Map<string, number>) => boolean, what: string): Promise<Map<string, number>> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const m = await scrape();
    if (check(m)) return m;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in 15 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function staffClient(): Promise<RealtimeClient> {
  const sessionId = (await db.ownerPool.query("insert into app_private.sessions (user_id) values ($1) returning id", [hotel.frontDesk])).rows[0].id;
  const client = new Client(`${http.url}/realtime/v1`, { params: { apikey: anonKey(db.jwtSecret) } });
  client.setAuth(userToken(db.jwtSecret, "keepr_staff", { sub: hotel.frontDesk, sessionId }));
  clients.push(client);
  return client;
}

it("sockets and channels are counted while open, and a committed change sent to a socket is timed from its commit", async () => {
  const before = await scrape();
  const client = await staffClient();
  const events = new EventQueue<RealtimePostgresChangesPayload<Row>>();
  const reservations = client.channel("metrics-reservations").on("postgres_changes", { event: "*", schema: "app_public", table: "reservations" }, (p: RealtimePostgresChangesPayload<Row>) => events.push(p));
  await subscribed(reservations);
  await subscribed(client.channel("metrics-other"));
  let m = await scrape();
  expect(sampleOf(m, "keepr_realtime_sockets") - sampleOf(before, "keepr_realtime_sockets")).toBe(1);
  expect(sampleOf(m, "keepr_realtime_channels") - sampleOf(before, "keepr_realtime_channels")).toBe(2);

  const sentBefore = sampleOf(m, "keepr_realtime_commit_to_send_seconds_count");
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
    const arrival = localDate(hotel.timeZone, 20);
    return book(c, hotel.ratePlanId, arrival, addDays(arrival, 2));
  });
  await events.next();
  await events.next();
  m = await scrape();
  // The hold and its confirmation: two changes sent.
  expect(sampleOf(m, "keepr_realtime_commit_to_send_seconds_count") - sentBefore).toBe(2);
  expect(sampleOf(m, "keepr_realtime_commit_to_send_seconds_bucket", { le: "+Inf" })).toBe(sampleOf(m, "keepr_realtime_commit_to_send_seconds_count"));

  await reservations.unsubscribe();
  const channels = (m: Map<string, number>) => sampleOf(m, "keepr_realtime_channels") - sampleOf(before, "keepr_realtime_channels");
  await scrapeUntil((m) => channels(m) === 1, "one channel left");
  await disconnect(client);
  clients.splice(clients.indexOf(client), 1);
  m = await scrapeUntil((m) => sampleOf(m, "keepr_realtime_sockets") === sampleOf(before, "keepr_realtime_sockets"), "the socket closed");
  expect(channels(m)).toBe(0);
});

it("refused websocket upgrades count in keepr_api_errors_total by their code", async () => {
  const before = await scrape();
  const refused = await refusedUpgrade(`${http.url.replace(/^http/, "ws")}/realtime/v1/websocket?vsn=1.0.0`);
  expect(refused.status).toBe(401);
  const after = await scrape();
  expect(sampleOf(after, "keepr_api_errors_total", { code: "MISSING_API_KEY" }) - sampleOf(before, "keepr_api_errors_total", { code: "MISSING_API_KEY" })).toBe(1);
});

it("replication slot lag: this reader's temporary slot is reported, and a slot nobody reads falls behind by the WAL written since", async () => {
  const own = await scrape();
  const slots = [...own.keys()].filter((k) => k.startsWith("keepr_replication_slot_lag_bytes{"));
  expect(slots.some((k) => /slot="keepr_realtime_[0-9a-f]{12}"/.test(k))).toBe(true);

  // A slot that no one consumes (a stuck replica): it holds WAL back, and the gauge grows as Keepr writes.
  const replication = new pg.Client({ connectionString: db.replicationUrl });
  await replication.connect();
  await replication.query("select pg_create_logical_replication_slot('metrics_test_stuck', 'pgoutput')");
  try {
    await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
      const arrival = localDate(hotel.timeZone, 30);
      return book(c, hotel.ratePlanId, arrival, addDays(arrival, 2));
    });
    // pg_current_wal_lsn() is where WAL has been written to: with synchronous_commit off (the tests' Postgres) a moment after the commit.
    const m = await scrapeUntil((s) => sampleOf(s, "keepr_replication_slot_lag_bytes", { slot: "metrics_test_stuck" }) > 1_000, "the stuck slot behind");
    expect([...m.keys()].filter((k) => k.startsWith("keepr_replication_slot_lag_bytes{")).length).toBe(2);
    expect(await promtoolCheck((await metricsText()).body)).toEqual({ code: 0, output: "" });
  } finally {
    await replication.query("select pg_drop_replication_slot('metrics_test_stuck')");
    await replication.end();
  }
});
