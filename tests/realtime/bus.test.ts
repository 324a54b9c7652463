// Several realtime instances on one database: broadcast and presence cross
// between them over the Postgres bus (realtime/bus.ts), with the official
// client on each side. Two instances run in this process; a third is
// `npm run realtime` in its own process, killed with SIGKILL to show that a
// dead instance's presence is dropped by the others.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RealtimeClient } from "@supabase/realtime-js";
import pg from "pg";
import { createPostgresTopicBus, type PostgresTopicBus } from "../../realtime/bus.ts";
import { authorizeChangesWith, authorizeChannelsWith, createRowAuthorizer } from "../../realtime/authorize.ts";
import { createLogger } from "../../core/logger.ts";
import { createTestDatabase, inCommit, testPool, type TestDatabase } from "../helpers/db.ts";
import { createHotel, type Hotel } from "../helpers/booking.ts";
import { freePort } from "../helpers/keepr-process.ts";
import { disconnect, listen, type RealtimeHarness, startRealtimeHarness, subscribed, userToken } from "./harness.ts";
import { waitUntil } from "../helpers/wait.ts";

type Broadcast = { event: string; payload: unknown };

let db: TestDatabase;
let pool: pg.Pool;
let hotel: Hotel;
const buses: PostgresTopicBus[] = [];
const instances: RealtimeHarness[] = [];
const root = path.resolve(import.meta.dirname, "../..");

/** An instance as the service builds one, with a bus that says alive every 0.5 s and judges others dead after 3 s of silence. */
async function startInstance(timing: { aliveIntervalMs?: number; deadAfterMs?: number } = {}): Promise<RealtimeHarness> {
  const bus = createPostgresTopicBus({ connectionString: db.authenticatorUrl, secret: db.jwtSecret, logger: createLogger("silent"), aliveIntervalMs: 500, deadAfterMs: 3_000, reconnectDelaysMs: [100], ...timing });
  buses.push(bus);
  await waitUntil(() => bus.connected, "bus connected", 10_000);
  const instance = await startRealtimeHarness(db, {
    bus,
    authorize: authorizeChangesWith(createRowAuthorizer({ pool })),
    authorizeChannel: authorizeChannelsWith(pool),
  });
  instances.push(instance);
  return instance;
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = testPool({ connectionString: db.authenticatorUrl, max: 4 });
  hotel = await inCommit(db.ownerPool, (c) => createHotel(c));
});
afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.close()));
  await Promise.all(buses.map((bus) => bus.close()));
  await pool.end();
  await db.drop();
});

describe("two instances on one database", () => {
  let one: RealtimeHarness;
  let two: RealtimeHarness;
  beforeAll(async () => {
    [one, two] = [await startInstance(), await startInstance()];
  });

  it("carry broadcasts both ways, JSON and binary, large ones in parts, and never back to the sender", async () => {
    const alice = one.client();
    const bob = two.client();
    const aliceChannel = alice.channel("desk-chat");
    const bobChannel = bob.channel("desk-chat");
    const heardByAlice = listen(aliceChannel).broadcasts;
    const heardByBob = listen(bobChannel).broadcasts;
    await Promise.all([subscribed(aliceChannel), subscribed(bobChannel)]);

    await aliceChannel.send({ type: "broadcast", event: "hello", payload: { from: "alice", text: "olá ✓" } });
    expect(await heardByBob.next()).toMatchObject({ event: "hello", payload: { from: "alice", text: "olá ✓" } });
    await bobChannel.send({ type: "broadcast", event: "blob", payload: new Uint8Array([0, 1, 254, 255]).buffer });
    const blob = await heardByAlice.next();
    expect([...new Uint8Array(blob.payload as ArrayBuffer)]).toEqual([0, 1, 254, 255]);

    // 200 kB: 27 NOTIFY parts, in order.
    const note = "é".repeat(100_000);
    await aliceChannel.send({ type: "broadcast", event: "long", payload: { note } });
    expect((await heardByBob.next((m) => m.event === "long")).payload).toEqual({ note });

    for (let n = 0; n < 50; n++) await aliceChannel.send({ type: "broadcast", event: "seq", payload: { n } });
    const order: number[] = [];
    for (let n = 0; n < 50; n++) order.push(((await heardByBob.next((m) => m.event === "seq")).payload as { n: number }).n);
    expect(order).toEqual([...Array(50).keys()]);
    // Broadcast over HTTP to instance one reaches instance two's sockets as well.
    await expect(one.client().channel("desk-chat").httpSend("by-http", { via: "rest" })).resolves.toEqual({ success: true });
    expect(await heardByBob.next((m) => m.event === "by-http")).toMatchObject({ payload: { via: "rest" } });
    expect(heardByAlice.seen.map((m) => m.event)).toEqual(["blob", "by-http"]);
    await Promise.all([alice, bob].map(disconnect));
  });

  it("keep private and public topics of the same name apart across instances", async () => {
    const staff = await inCommit(db.ownerPool, async (c) =>
      (await c.query("insert into app_private.sessions (user_id) values ($1) returning id", [hotel.frontDesk])).rows[0].id as string);
    const token = userToken(db.jwtSecret, "keepr_staff", { sub: hotel.frontDesk, sessionId: staff });
    const a = one.client();
    const b = two.client();
    await a.setAuth(token);
    await b.setAuth(token);
    const topic = `property:${hotel.propertyId}`;
    const privateA = a.channel(topic, { config: { private: true } });
    const privateB = b.channel(topic, { config: { private: true } });
    // A second client: realtime-js gives one client one channel per topic name.
    const outsider = two.client();
    const publicB = outsider.channel(topic);
    const heardPrivately = listen(privateB).broadcasts;
    const heardPublicly = listen(publicB).broadcasts;
    await Promise.all([subscribed(privateA), subscribed(privateB), subscribed(publicB)]);
    await privateA.send({ type: "broadcast", event: "room-moved", payload: { unit: "101" } });
    expect(await heardPrivately.next()).toMatchObject({ event: "room-moved" });
    await publicB.send({ type: "broadcast", event: "sync-marker", payload: {} });
    await privateA.send({ type: "broadcast", event: "after-marker", payload: {} });
    await heardPrivately.next((m) => m.event === "after-marker");
    expect(heardPrivately.seen.map((m) => m.event)).toEqual(["room-moved", "after-marker"]);
    expect(heardPublicly.seen).toEqual([]);
    await Promise.all([a, b, outsider].map(disconnect));
  });

  it("share presence: joins, updates and leaves on one instance are seen on the other", async () => {
    const alice = one.client();
    const watcher = two.client();
    const aliceChannel = alice.channel("reservation-42", { config: { presence: { key: "alice" } } });
    const watcherChannel = watcher.channel("reservation-42", { config: { presence: { enabled: true } } });
    const { syncs } = listen(watcherChannel);
    await Promise.all([subscribed(aliceChannel), subscribed(watcherChannel)]);
    await aliceChannel.track({ desk: "front" });
    await syncs.next((state) => state.alice?.[0]?.desk === "front");
    await aliceChannel.track({ desk: "back office" });
    await syncs.next((state) => state.alice?.length === 1 && state.alice[0]?.desk === "back office");
    await disconnect(alice);
    await syncs.next((state) => state.alice === undefined);
    await disconnect(watcher);
  });

  it("tell an instance that starts later who is already present", async () => {
    const alice = one.client();
    const aliceChannel = alice.channel("tape-chart", { config: { presence: { key: "alice" } } });
    await subscribed(aliceChannel);
    await aliceChannel.track({ viewing: "March" });
    const three = await startInstance();
    const late = three.client();
    const lateChannel = late.channel("tape-chart", { config: { presence: { enabled: true } } });
    const { syncs } = listen(lateChannel);
    await subscribed(lateChannel);
    await syncs.next((state) => state.alice?.[0]?.viewing === "March");
    await Promise.all([alice, late].map(disconnect));
  });

  it("judge no one for a silence that was their own thread's (a blocked event loop)", async () => {
    const alice = one.client();
    const watcher = two.client();
    const aliceChannel = alice.channel("front-desk", { config: { presence: { key: "alice" } } });
    const watcherChannel = watcher.channel("front-desk", { config: { presence: { enabled: true } } });
    const { syncs } = listen(watcherChannel);
    await Promise.all([subscribed(aliceChannel), subscribed(watcherChannel)]);
    await aliceChannel.track({ shift: 1 });
    await syncs.next((state) => state.alice?.[0]?.shift === 1);
    const seenBefore = syncs.seen.length;
    // This process (both instances) does nothing for longer than deadAfterMs: what each
    // said meanwhile waits unread in its connection, so no one was silent but the reader.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4_000);
    await aliceChannel.track({ shift: 2 });
    await syncs.next((state) => state.alice?.[0]?.shift === 2);
    expect(syncs.seen.slice(seenBefore).filter((state) => state.alice === undefined)).toEqual([]);
    await Promise.all([alice, watcher].map(disconnect));
  });

  it("ask an instance judged dead that speaks again for its presence", async () => {
    // An instance that says alive only once a minute: the others judge it dead after 3 s.
    const quiet = await startInstance({ aliveIntervalMs: 60_000, deadAfterMs: 120_000 });
    const alice = quiet.client();
    const watcher = two.client();
    const aliceChannel = alice.channel("night-audit", { config: { presence: { key: "alice" } } });
    const watcherChannel = watcher.channel("night-audit", { config: { presence: { enabled: true } } });
    const { syncs } = listen(watcherChannel);
    await Promise.all([subscribed(aliceChannel), subscribed(watcherChannel)]);
    await aliceChannel.track({ desk: "audit" });
    await syncs.next((state) => state.alice?.[0]?.desk === "audit");
    await syncs.next((state) => state.alice === undefined);
    // It speaks again (a broadcast, which carries no presence): instance two asks for its presence, and has alice back.
    await aliceChannel.send({ type: "broadcast", event: "still-here", payload: {} });
    await syncs.next((state) => state.alice?.[0]?.desk === "audit");
    await Promise.all([alice, watcher].map(disconnect));
  });

  it("heal presence after a bus connection is cut: what was missed meanwhile is resent", async () => {
    const alice = one.client();
    const watcher = two.client();
    const aliceChannel = alice.channel("housekeeping", { config: { presence: { key: "alice" } } });
    const watcherChannel = watcher.channel("housekeeping", { config: { presence: { enabled: true } } });
    const { syncs } = listen(watcherChannel);
    await Promise.all([subscribed(aliceChannel), subscribed(watcherChannel)]);
    await aliceChannel.track({ floor: 1 });
    await syncs.next((state) => state.alice?.[0]?.floor === 1);

    // Cut instance two's bus and track while it cannot hear; it reconnects, says hello, and hears the state.
    await pool.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'keepr-realtime-bus' and pid <> pg_backend_pid()");
    await aliceChannel.track({ floor: 3 });
    await syncs.next((state) => state.alice?.length === 1 && state.alice[0]?.floor === 3, 10_000);
    await waitUntil(() => buses.every((bus) => bus.connected), "buses reconnected", 5_000);
    await Promise.all([alice, watcher].map(disconnect));
  });
});

describe("an instance that dies", () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill("SIGKILL");
  });

  it("has its presence dropped by the others once it is silent (npm run realtime, SIGKILL)", async () => {
    const survivor = await startInstance();
    const port = await freePort();
    child = spawn(process.execPath, ["realtime/main.ts"], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: "development",
        LOG_LEVEL: "warn",
        DATA_DIR: mkdtempSync(path.join(tmpdir(), "keepr-realtime-")),
        DATABASE_URL: db.ownerUrl,
        AUTH_DATABASE_URL: db.authenticatorUrl,
        REALTIME_DATABASE_URL: db.replicationUrl,
        JWT_SECRET: db.jwtSecret,
        REALTIME_PORT: String(port),
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while (!(await fetch(`${url}/healthz`).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error("npm run realtime did not start");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const { RealtimeClient } = await import("@supabase/realtime-js");
    const doomed: RealtimeClient = new RealtimeClient(`${url}/realtime/v1`, { params: { apikey: survivor.anonKey }, timeout: 5_000, reconnectAfterMs: () => 60_000 });
    const doomedChannel = doomed.channel("night-shift", { config: { presence: { key: "carol" } } });
    const watcher = survivor.client();
    const watcherChannel = watcher.channel("night-shift", { config: { presence: { enabled: true } } });
    const { syncs } = listen(watcherChannel);
    await Promise.all([subscribed(doomedChannel), subscribed(watcherChannel)]);
    await doomedChannel.track({ on: "duty" });
    await syncs.next((state) => state.carol?.[0]?.on === "duty", 10_000);

    child.kill("SIGKILL");
    const killedAt = Date.now();
    await syncs.next((state) => state.carol === undefined, 10_000);
    const droppedAfterMs = Date.now() - killedAt;
    // Judged dead after 3 s of silence (deadAfterMs), checked every 0.5 s.
    expect(droppedAfterMs).toBeGreaterThanOrEqual(2_000);
    await Promise.all([doomed, watcher].map(disconnect));
  }, 60_000);
});
