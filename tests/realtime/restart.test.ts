// Restarts, end to end, with the official @supabase/realtime-js client over
// real websockets and a real Postgres:
// - Keepr's server restarting (realtime service and HTTP server stopped,
//   new ones started on the same port): every client reconnects and rejoins
//   by itself, presence is rebuilt from what the clients track again, and a
//   change committed afterwards reaches each subscriber exactly once.
// - Postgres restarting (a cluster of this file's own, so the others' is
//   left alone): the sockets stay open and heartbeats and broadcast keep
//   working while it is down; then the replication reader and the API's
//   pools recover on a new slot, every channel with postgres_changes is told
//   that changes may have been missed (a system error, then phx_error) and
//   rejoins by itself, so the app refetches and misses nothing; a change
//   committed afterwards reaches each subscriber exactly once, and nothing
//   is stuck: one active temporary slot, one walsender, no leftover slot or
//   transaction.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { RealtimeClient, type RealtimeChannel, type RealtimePostgresChangesPayload, type WebSocketLikeConstructor } from "@supabase/realtime-js";
import { roleUrl } from "../../core/database.ts";
import { startEmbeddedCluster, type EmbeddedCluster, type EmbeddedClusterOptions } from "../../core/embedded-postgres.ts";
import { migrateDatabase } from "../../core/migrate.ts";
import { ensureDatabase, ensureRoles, roles } from "../../core/roles.ts";
import { generateSecrets } from "../../core/secrets.ts";
import { startRealtimeService, type RealtimeService } from "../../realtime/service.ts";
import { anonKey } from "../../realtime/tokens.ts";
import { createLogger } from "../../core/logger.ts";
import { addDays, book, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { freePort } from "../helpers/keepr-process.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { disconnect, EventQueue, userToken } from "./harness.ts";
import { waitUntil } from "../helpers/wait.ts";

type Row = Record<string, unknown>;
type Change = RealtimePostgresChangesPayload<Row>;

/** What a lost connection looks like while Postgres goes down or comes back: expected, never a failure. */
function isConnectionLoss(error: Error & { code?: string }): boolean {
  return (
    ["57P01", "57P02", "57P03", "08006", "08003", "ECONNRESET", "ECONNREFUSED", "EPIPE"].includes(error.code ?? "") ||
    /Connection terminated|terminating connection|the database system is (shutting down|starting up)/i.test(error.message)
  );
}

/** Every error a pool emitted; asserted to be connection losses (an 'error' without a listener would crash jest). */
const poolErrors: Error[] = [];
const recordPoolErrors = (pool: pg.Pool): pg.Pool => pool.on("error", (error) => void poolErrors.push(error));

interface Keepr {
  http: TestServer;
  service: RealtimeService;
}

/** Keepr's HTTP server and realtime service as `npm start` runs them; port 0 picks a free one. */
async function startKeepr(db: TestDatabase, port = 0): Promise<Keepr> {
  const http = await startTestServer(db, { PORT: String(port) });
  recordPoolErrors(http.apiPool);
  const service = startRealtimeService({
    server: http.server,
    apiPool: http.apiPool,
    databaseUrl: db.authenticatorUrl,
    replicationUrl: db.replicationUrl,
    jwtSecret: db.jwtSecret,
    logger: createLogger("silent"),
    bus: { reconnectDelaysMs: [200, 500, 1_000] },
    replication: { reconnectDelaysMs: [500, 1_000] },
  });
  await waitUntil(() => service.replicationConnected() === true && service.busConnected(), "replication and bus connected", 20_000);
  return { http, service };
}

async function stopKeepr(keepr: Keepr | undefined): Promise<void> {
  await keepr?.service.stop();
  await keepr?.http.close();
}

async function asSuperuser<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

interface SlotRow {
  slot_name: string;
  temporary: boolean;
  active: boolean;
}

/** The realtime slots of a database (other test files' databases share the global cluster). */
const realtimeSlots = (superuserUrl: string, database: string) =>
  asSuperuser<SlotRow>(
    superuserUrl,
    "select slot_name, temporary, active from pg_replication_slots where database = $1 and slot_name like 'keepr\\_realtime\\_%' order by slot_name",
    [database],
  );

/** Nothing stuck: exactly one realtime slot, temporary and in use. */
async function expectOneLiveSlot(superuserUrl: string, database: string): Promise<void> {
  // The slot of a reader that stopped goes once its walsender has exited: wait for that, not for a fixed time.
  await waitUntil(async () => (await realtimeSlots(superuserUrl, database)).length === 1, "a single realtime slot", 15_000);
  const [slot] = await realtimeSlots(superuserUrl, database);
  expect(slot).toEqual({ slot_name: expect.stringMatching(/^keepr_realtime_[0-9a-f]{12}$/), temporary: true, active: true });
}

// ---------------------------------------------------------------------------
// Official clients, instrumented: every socket they open, every subscribe
// status, every heartbeat outcome, every change and broadcast they receive.

interface Watcher {
  name: string;
  client: RealtimeClient;
  /** Every websocket the client opened (a new one per reconnection attempt). */
  sockets: WebSocket[];
  /** Close codes of the sockets that closed. */
  socketCloses: number[];
  heartbeats: string[];
  changes: EventQueue<Change>;
  /** System messages on the changes channel. */
  systems: EventQueue<Row>;
  changesChannel: RealtimeChannel;
  /** Every status the changes channel's subscribe callback reported, in order. */
  changeStatuses: EventQueue<string>;
  lobby?: RealtimeChannel;
  lobbyStatuses?: EventQueue<string>;
  broadcasts?: EventQueue<Row>;
}

interface WatchOptions {
  url: string;
  jwtSecret: string;
  token: string;
  name: string;
  /** Reservations of this property. */
  propertyId: string;
  /**
   * A presence + broadcast channel: "retrack" tracks on every SUBSCRIBED (the
   * documented pattern, so also after each rejoin), "once" tracks after the
   * first join only. Private channels are authorized against the database.
   */
  lobby?: { topic: string; private: boolean; presence: "retrack" | "once" | "none" };
  heartbeatIntervalMs?: number;
}

/** Every client made, disconnected by the afterAll of its describe. */
const openClients: RealtimeClient[] = [];
const disconnectAll = () => Promise.all(openClients.splice(0).map(disconnect));

async function watch(options: WatchOptions): Promise<Watcher> {
  const sockets: WebSocket[] = [];
  const socketCloses: number[] = [];
  const heartbeats: string[] = [];
  const counting = class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols);
      sockets.push(this);
      this.addEventListener("close", (event) => void socketCloses.push(event.code));
    }
  };
  const client = new RealtimeClient(`${options.url}/realtime/v1`, {
    params: { apikey: anonKey(options.jwtSecret) },
    reconnectAfterMs: () => 200,
    // Node's WebSocket, counted (its onerror is typed with ErrorEvent, the client's with Event).
    transport: counting as unknown as WebSocketLikeConstructor,
    heartbeatCallback: (status) => void heartbeats.push(status),
    ...(options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
  });
  openClients.push(client);
  client.setAuth(options.token);
  const changes = new EventQueue<Change>();
  const changeStatuses = new EventQueue<string>();
  const systems = new EventQueue<Row>();
  const changesChannel = client
    .channel(`reservations-${options.name}`)
    .on("system", {}, (payload: Row) => systems.push(payload))
    .on("postgres_changes", { event: "*", schema: "app_public", table: "reservations", filter: `property_id=eq.${options.propertyId}` }, (payload: Change) =>
      changes.push(payload),
    )
    .subscribe((status) => changeStatuses.push(status));
  const watcher: Watcher = { name: options.name, client, sockets, socketCloses, heartbeats, changes, systems, changesChannel, changeStatuses };
  expect(await changeStatuses.next(() => true, 15_000)).toBe("SUBSCRIBED");

  if (options.lobby) {
    const { topic, presence } = options.lobby;
    const lobbyStatuses = new EventQueue<string>();
    const broadcasts = new EventQueue<Row>();
    const lobby = client
      // ack: the server answers each broadcast push (without it realtime-js leaves a 10 s timer per send running).
      .channel(topic, { config: { private: options.lobby.private, presence: { key: options.name }, broadcast: { self: false, ack: true } } })
      .on("presence", { event: "sync" }, () => undefined) // a presence listener: the join asks for presence
      .on("broadcast", { event: "ping" }, ({ payload }) => broadcasts.push(payload as Row))
      .subscribe((status) => {
        lobbyStatuses.push(status);
        if (status === "SUBSCRIBED" && presence === "retrack") void lobby.track({ name: options.name });
      });
    expect(await lobbyStatuses.next(() => true, 15_000)).toBe("SUBSCRIBED");
    if (presence === "once") await lobby.track({ name: options.name });
    Object.assign(watcher, { lobby, lobbyStatuses, broadcasts });
  }
  return watcher;
}

const presenceKeys = (w: Watcher) => Object.keys(w.lobby!.presenceState()).sort();
/** Joined again after a first join: a second SUBSCRIBED, and the channel's state says so. */
const joinedAgain = (statuses: EventQueue<string> | undefined, channel: RealtimeChannel | undefined) =>
  !statuses || (statuses.seen.filter((s) => s === "SUBSCRIBED").length >= 2 && String(channel!.state) === "joined");
const rejoined = (w: Watcher) => joinedAgain(w.changeStatuses, w.changesChannel) && joinedAgain(w.lobbyStatuses, w.lobby);
const rowId = (e: Change) => ((e.new as Row).id ?? (e.old as Row).id) as string;
/** A reservation's events as one client received them: "INSERT held", "UPDATE confirmed". */
const eventsOf = (w: Watcher, reservationId: string) =>
  w.changes.seen.filter((e) => rowId(e) === reservationId).map((e) => `${e.eventType} ${(e.new as Row).status}`);
const confirmedOf = (reservationId: string) => (e: Change) => rowId(e) === reservationId && (e.new as Row).status === "confirmed";
const seconds = (ms: number) => (ms / 1000).toFixed(2);

/** A staff member's token, with the session row the policies check. */
async function staffToken(db: TestDatabase, userId: string): Promise<string> {
  const { rows } = await db.ownerPool.query<{ id: string }>("insert into app_private.sessions (user_id) values ($1) returning id", [userId]);
  return userToken(db.jwtSecret, "keepr_staff", { sub: userId, sessionId: rows[0]!.id });
}

// ---------------------------------------------------------------------------

describe("Keepr's server restarting", () => {
  let db: TestDatabase;
  let keepr: Keepr | undefined;
  let a: Hotel;
  let b: Hotel;
  const watchers: Watcher[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    keepr = await startKeepr(db);
    [a, b] = await inCommit(db.ownerPool, async (c) => [await createHotel(c), await createHotel(c)]);
  }, 120_000);
  afterAll(async () => {
    await disconnectAll();
    await stopKeepr(keepr);
    await db?.drop();
  }, 60_000);

  const bookAt = (hotel: Hotel, offset: number) =>
    inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
      const arrival = localDate(hotel.timeZone, offset);
      return (await book(c, hotel.ratePlanId, arrival, addDays(arrival, 2))).reservation_id;
    });

  it("every client reconnects and rejoins by itself, presence is rebuilt, and the next change reaches each exactly once", async () => {
    const url = keepr!.http.url;
    const port = Number(new URL(url).port);
    const lobby = { topic: `property:${a.propertyId}:lobby`, private: true };
    const staff = async (name: string, userId: string, presence: "retrack" | "once") =>
      watch({ url, jwtSecret: db.jwtSecret, token: await staffToken(db, userId), name, propertyId: a.propertyId, lobby: { ...lobby, presence } });
    const desk1 = await staff("desk-1", a.frontDesk, "retrack");
    const manager = await staff("manager", a.manager, "retrack");
    const desk2 = await staff("desk-2", a.frontDesk, "once");
    const ofA = [desk1, manager, desk2];
    // Staff of another property, watching A's reservations: RLS lets nothing through, before or after.
    const outsider = await watch({ url, jwtSecret: db.jwtSecret, token: await staffToken(db, b.frontDesk), name: "outsider", propertyId: a.propertyId });
    watchers.push(...ofA, outsider);
    await waitUntil(() => ofA.every((w) => presenceKeys(w).join() === "desk-1,desk-2,manager"), "everyone present", 15_000);

    const before = await bookAt(a, 20);
    for (const w of ofA) await w.changes.next(confirmedOf(before), 15_000);
    expect(await desk1.lobby!.send({ type: "broadcast", event: "ping", payload: { n: "before" } })).toBe("ok");
    for (const w of [manager, desk2]) await w.broadcasts!.next((p) => p.n === "before", 15_000);

    // Restart: the service closes every socket (1001), then the HTTP server goes; new ones take the same port.
    const started = Date.now();
    await stopKeepr(keepr);
    keepr = undefined;
    const down = Date.now();
    keepr = await startKeepr(db, port);
    const up = Date.now();
    await waitUntil(() => [...ofA, outsider].every(rejoined), "every channel joined again", 30_000);
    const rejoinedAt = Date.now();
    // The new server streams from a new temporary slot, which starts after its HTTP server: a channel that
    // rejoined before it is told to rejoin once more (changes may be missing), and on a loaded machine a
    // rejoin can also time out and go again. Settled means a change made now reaches every client: a probe
    // booking until one does (a client that was rejoining may miss one; it refetches on SUBSCRIBED).
    await waitUntil(() => keepr!.service.replicationConnected() === true, "the new server's change stream", 30_000);
    const probes: string[] = [];
    for (let settled = false; !settled; ) {
      if (probes.length === 5) throw new Error("the channels did not settle after 5 probe bookings");
      await waitUntil(() => [...ofA, outsider].every(rejoined), "every channel joined again", 30_000);
      const probe = await bookAt(a, 40 + 3 * probes.length);
      probes.push(probe);
      settled = await waitUntil(() => ofA.every((w) => w.changes.seen.some(confirmedOf(probe))), "the probe to reach every client", 10_000)
        .then(() => true, () => false);
    }
    const notProbe = (e: Change) => !probes.includes(rowId(e));

    // Each channel reported its rejoin as a new SUBSCRIBED after the socket error; none was closed. On a
    // loaded machine a rejoin may time out (realtime-js's 10 s) before the new server answers: the client
    // then joins again by itself, which is what is asserted, not the timing.
    // (A client back before the new server's stream started is also told to rejoin once more: see the Postgres case.)
    for (const w of watchers) {
      expect(w.changeStatuses.seen.join()).toMatch(/^SUBSCRIBED(,CHANNEL_ERROR(,TIMED_OUT)*,SUBSCRIBED)+$/);
      if (w.lobbyStatuses) expect(w.lobbyStatuses.seen.join()).toMatch(/^SUBSCRIBED,CHANNEL_ERROR(,TIMED_OUT)*,SUBSCRIBED$/);
      expect(w.sockets.length).toBeGreaterThanOrEqual(2);
      expect(w.sockets.filter((s) => s.readyState === WebSocket.OPEN)).toHaveLength(1);
    }
    // Presence starts empty on the new server and is what clients track again: realtime-js rejoins but does
    // not re-track by itself, so desk-2 (which tracked once) is gone until it tracks again, and no ghost stays.
    await waitUntil(() => ofA.every((w) => presenceKeys(w).join() === "desk-1,manager"), "presence rebuilt by the re-tracking clients", 15_000);
    await desk2.lobby!.track({ name: "desk-2" });
    await waitUntil(() => ofA.every((w) => presenceKeys(w).join() === "desk-1,desk-2,manager"), "desk-2 present again", 15_000);

    // After the restart: a change, a broadcast, and a marker of each so that a duplicate would have arrived before it.
    const after = await bookAt(a, 24);
    expect(await desk1.lobby!.send({ type: "broadcast", event: "ping", payload: { n: "after" } })).toBe("ok");
    const marker = await bookAt(a, 28);
    expect(await desk1.lobby!.send({ type: "broadcast", event: "ping", payload: { n: "marker" } })).toBe("ok");
    for (const w of ofA) await w.changes.next(confirmedOf(marker), 15_000);
    for (const w of [manager, desk2]) await w.broadcasts!.next((p) => p.n === "marker", 15_000);

    for (const w of ofA) {
      expect(eventsOf(w, after)).toEqual(["INSERT held", "UPDATE confirmed"]);
      // Nothing replayed from before the restart, nothing twice, in commit order.
      expect(w.changes.seen.filter(notProbe).map(rowId)).toEqual([before, before, after, after, marker, marker]);
    }
    for (const w of [manager, desk2]) expect(w.broadcasts!.seen.map((p) => p.n)).toEqual(["before", "after", "marker"]);
    expect(desk1.broadcasts!.seen).toEqual([]); // broadcast.self is off
    expect(outsider.changes.seen).toEqual([]);

    await expectOneLiveSlot(db.superuserUrl, db.name);
    expect(poolErrors.filter((error) => !isConnectionLoss(error))).toEqual([]);
    console.log(
      `[restart] server: stopped in ${seconds(down - started)} s, restarted in ${seconds(up - down)} s; ` +
        `clients rejoined ${seconds(rejoinedAt - up)} s after it was back (${seconds(rejoinedAt - started)} s in all), ` +
        `settled after ${probes.length} probe booking(s)`,
    );
  }, 180_000);
});

// ---------------------------------------------------------------------------

describe("Postgres restarting", () => {
  const secrets = generateSecrets();
  const database = "keepr_restart";
  let dir: string | undefined;
  let clusterOptions: EmbeddedClusterOptions;
  let cluster: EmbeddedCluster | undefined;
  let db: TestDatabase;
  let superuserUrl: string;
  let keepr: Keepr | undefined;
  let hotel: Hotel;
  const watchers: Watcher[] = [];

  beforeAll(async () => {
    // Like tests/setup/globalSetup.ts, but kept on stop (throwaway would delete the data between stop and start);
    // afterAll stops it and removes the directory.
    dir = await mkdtemp(path.join(tmpdir(), "keepr-test-"));
    await chmod(dir, 0o755); // the postgres OS user (when we run as root) must reach it
    clusterOptions = {
      dataDir: path.join(dir, "pg"),
      port: await freePort(),
      superuserPassword: secrets.superuserPassword,
      throwaway: false,
      // Durability is not what this measures; every stop here is a clean (fast) shutdown.
      settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off" },
    };
    cluster = await startEmbeddedCluster(clusterOptions);
    superuserUrl = cluster.superuserUrl();
    await ensureRoles(superuserUrl, {
      owner: secrets.ownerPassword,
      authenticator: secrets.authenticatorPassword,
      analyst: secrets.analystPassword,
      realtime: secrets.realtimePassword,
    });
    await ensureDatabase(superuserUrl, database);
    const ownerUrl = roleUrl(superuserUrl, roles.owner, secrets.ownerPassword, database);
    await migrateDatabase({ ownerUrl, superuserUrl }, () => {});
    const ownerPool = recordPoolErrors(new pg.Pool({ connectionString: ownerUrl, max: 5 }));
    db = {
      name: database,
      superuserUrl: cluster.superuserUrl(database),
      ownerUrl,
      authenticatorUrl: roleUrl(superuserUrl, roles.authenticator, secrets.authenticatorPassword, database),
      analystUrl: roleUrl(superuserUrl, roles.analyst, secrets.analystPassword, database),
      replicationUrl: roleUrl(superuserUrl, roles.realtime, secrets.realtimePassword, database),
      jwtSecret: secrets.jwtSecret,
      ownerPool,
      drop: async () => {},
    };
    keepr = await startKeepr(db);
    hotel = await inCommit(db.ownerPool, (c) => createHotel(c));
  }, 180_000);

  afterAll(async () => {
    try {
      await disconnectAll();
      await stopKeepr(keepr);
      await db?.ownerPool.end();
    } finally {
      await cluster?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  /** A guest books through the GraphQL API (the API's pool); returns the reservation id. */
  async function bookOverApi(offset: number): Promise<string> {
    const graphql = async (query: string, variables: Record<string, unknown>) => {
      const response = await keepr!.http.graphql(query, variables);
      expect(response.body.errors).toBeUndefined();
      return response.body.data!;
    };
    const arrival = localDate(hotel.timeZone, offset);
    const quote = await graphql(`query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`, {
      p: hotel.ratePlanId, a: arrival, d: addDays(arrival, 2),
    });
    const held = await graphql(`mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId holdToken } } }`, {
      t: quote.quote.quoteToken, k: newKey(),
    });
    const reservationId = held.createHold.result.reservationId as string;
    await graphql(
      `mutation($id: UUID!, $k: String!, $h: String!) { confirmBooking(input: {reservationId: $id, idempotencyKey: $k, fullName: "Grace Hopper", email: "grace@example.com", holdToken: $h}) { result { status } } }`,
      { id: reservationId, k: newKey(), h: held.createHold.result.holdToken },
    );
    return reservationId;
  }

  it("clients stay connected while it is down, and once it is back the next change reaches each exactly once with nothing stuck", async () => {
    const url = keepr!.http.url;
    const lobbyTopic = `lobby-${newKey()}`;
    for (const [name, userId] of [["desk", hotel.frontDesk], ["manager", hotel.manager], ["desk-2", hotel.frontDesk]] as const) {
      watchers.push(
        await watch({
          url, jwtSecret: db.jwtSecret, token: await staffToken(db, userId), name, propertyId: hotel.propertyId, heartbeatIntervalMs: 300,
          // A public channel: joining it needs no database.
          lobby: { topic: lobbyTopic, private: false, presence: "none" },
        }),
      );
    }
    const [first, ...others] = watchers as [Watcher, ...Watcher[]];
    const lateToken = await staffToken(db, hotel.manager); // sessions live in the database: made while it is up
    const before = await bookOverApi(20);
    for (const w of watchers) await w.changes.next(confirmedOf(before), 15_000);

    // Postgres goes down (fast shutdown: every backend and the walsender end).
    const started = Date.now();
    await cluster!.stop();
    const stopped = Date.now();
    await waitUntil(() => keepr!.service.replicationConnected() === false && !keepr!.service.busConnected(), "the reader and the bus to notice", 15_000);

    // While it is down the realtime server keeps its sockets: heartbeats are answered and broadcast flows.
    const okSoFar = watchers.map((w) => w.heartbeats.filter((s) => s === "ok").length);
    await waitUntil(
      () => watchers.every((w, i) => w.heartbeats.filter((s) => s === "ok").length >= okSoFar[i]! + 2), "two more heartbeats answered while Postgres is down", 15_000);
    expect(await first.lobby!.send({ type: "broadcast", event: "ping", payload: { n: "while down" } })).toBe("ok");
    for (const w of others) await w.broadcasts!.next((p) => p.n === "while down", 15_000);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    expect(keepr!.service.replicationConnected()).toBe(false);
    // A private channel joined now cannot be authorized: refused (not left hanging), and realtime-js retries it.
    const lateStatuses = new EventQueue<string>();
    const late = new RealtimeClient(`${url}/realtime/v1`, { params: { apikey: anonKey(db.jwtSecret) }, reconnectAfterMs: () => 200 });
    openClients.push(late);
    late.setAuth(lateToken);
    late
      .channel(`property:${hotel.propertyId}:desk`, { config: { private: true } })
      .subscribe((status, error) => lateStatuses.push(error ? `${status}: ${error.message}` : status));
    const refused = /^CHANNEL_ERROR: UnableToSetPolicies\b/;
    expect(await lateStatuses.next(() => true, 15_000)).toMatch(refused);

    // Back on the same data directory and port. A booking made at once may commit before the reader has its
    // new slot: it is not replayed, which is why the channels are told to rejoin (and the app refetches).
    cluster = await startEmbeddedCluster(clusterOptions);
    const back = Date.now();
    const gap = await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
      const arrival = localDate(hotel.timeZone, 22);
      return (await book(c, hotel.ratePlanId, arrival, addDays(arrival, 2))).reservation_id as string;
    });
    await waitUntil(() => keepr!.service.replicationConnected() === true, "the reader to stream again", 30_000);
    const streaming = Date.now();
    await waitUntil(() => keepr!.service.busConnected(), "the bus to listen again", 15_000);
    for (const w of watchers) {
      expect(await w.systems.next((m) => m.status === "error", 15_000)).toMatchObject({
        extension: "postgres_changes", message: expect.stringContaining("change stream restarted"),
      });
    }
    await waitUntil(() => watchers.every((w) => joinedAgain(w.changeStatuses, w.changesChannel)), "the changes channels to rejoin", 30_000);
    const rejoinedAt = Date.now();
    // What the app does on SUBSCRIBED: refetch. The booking of the gap is there, whether or not it was streamed.
    const refetched = await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: hotel.manager });
      return (await c.query<{ id: string }>("select id from app_public.reservations where property_id = $1", [hotel.propertyId])).rows.map((r) => r.id);
    });
    expect(refetched).toEqual(expect.arrayContaining([before, gap]));
    // The pools dropped their dead connections: the first requests after the restart succeed.
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const after = await bookOverApi(24);
    const marker = await bookOverApi(28);
    for (const w of watchers) await w.changes.next(confirmedOf(marker), 15_000);
    const delivered = Date.now();
    // realtime-js rejoins the refused channel by itself (after 1, 2, 5 then 10 s) and gets in.
    await lateStatuses.next((status) => status === "SUBSCRIBED", 30_000);
    const lateJoined = Date.now();
    expect(lateStatuses.seen.slice(0, -1).every((status) => refused.test(status))).toBe(true);

    for (const w of watchers) {
      expect(eventsOf(w, after)).toEqual(["INSERT held", "UPDATE confirmed"]);
      expect(w.changes.seen.map(rowId).filter((id) => id !== gap)).toEqual([before, before, after, after, marker, marker]);
      // The same socket throughout; the changes channel rejoined once, the lobby (no postgres_changes) never left.
      expect(w.sockets).toHaveLength(1);
      expect(w.socketCloses).toEqual([]);
      expect(w.changeStatuses.seen.join()).toMatch(/^SUBSCRIBED,CHANNEL_ERROR(,TIMED_OUT)*,SUBSCRIBED$/);
      expect(w.lobbyStatuses!.seen).toEqual(["SUBSCRIBED"]);
      expect(w.heartbeats.filter((s) => s !== "sent" && s !== "ok")).toEqual([]);
    }

    // Nothing stuck: one temporary slot in use, one walsender, no transaction left open.
    await expectOneLiveSlot(superuserUrl, database);
    const [activity] = await asSuperuser<{ walsenders: number; idle_in_transaction: number }>(
      superuserUrl,
      `select count(*) filter (where backend_type = 'walsender' and application_name = 'keepr_realtime')::int as walsenders,
              count(*) filter (where state like 'idle in transaction%')::int as idle_in_transaction
         from pg_stat_activity where datname = $1`,
      [database],
    );
    expect(activity).toEqual({ walsenders: 1, idle_in_transaction: 0 });
    expect(poolErrors.filter((error) => !isConnectionLoss(error))).toEqual([]);
    console.log(
      `[restart] Postgres: stopped in ${seconds(stopped - started)} s, started again in ${seconds(back - stopped)} s; ` +
        `replication streaming ${seconds(streaming - back)} s after it was back, channels rejoined ${seconds(rejoinedAt - back)} s after, ` +
        `next change delivered ${seconds(delivered - back)} s after, ` +
        `channel refused while down joined ${seconds(lateJoined - back)} s after`,
    );
  }, 180_000);
});
