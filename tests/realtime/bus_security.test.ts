// The Postgres bus between realtime instances (realtime/bus.ts) against
// another login of the same database. LISTEN and NOTIFY need no grant, so
// the read-only analyst login can listen to keepr_realtime_bus and notify on
// it. What it sends must never reach a channel (a plaintext message in the
// bus's old format, garbled or random ciphertext, a replay of a captured
// genuine message), nor what an instance of another deployment (another
// secret) or one with a stale clock sends; and what it hears must not carry
// the event, topic, payload or presence it is the traffic of.
// Absence is proven without sleeping: a genuine marker is sent after the
// forgeries, and Postgres delivers notifications in commit order, so once
// the marker has arrived, so would have anything sent before it.
import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { createPostgresTopicBus, type PostgresBusOptions, type PostgresTopicBus } from "../../realtime/bus.ts";
import { authorizeChangesWith, authorizeChannelsWith, createRowAuthorizer } from "../../realtime/authorize.ts";
import type { RealtimeLogger } from "../../realtime/types.ts";
import { createLogger } from "../../core/logger.ts";
import { createTestDatabase, inCommit, testPool, type TestDatabase } from "../helpers/db.ts";
import { createHotel, type Hotel } from "../helpers/booking.ts";
import { disconnect, EventQueue, listen, type RealtimeHarness, startRealtimeHarness, subscribed, userToken } from "./harness.ts";
import { waitUntil } from "../helpers/wait.ts";


const busChannel = "keepr_realtime_bus";
const probeChannel = "keepr_test_probe";

let db: TestDatabase;
let pool: pg.Pool;
let hotel: Hotel;
let staffToken: string;
let one: RealtimeHarness;
let two: RealtimeHarness;
const buses: PostgresTopicBus[] = [];
const instances: RealtimeHarness[] = [];
const sideClients: pg.Client[] = [];

async function startBus(options: Partial<PostgresBusOptions> = {}): Promise<PostgresTopicBus> {
  const bus = createPostgresTopicBus({
    connectionString: db.authenticatorUrl, secret: db.jwtSecret, logger: createLogger("silent"),
    aliveIntervalMs: 1_000, deadAfterMs: 10_000, reconnectDelaysMs: [100], ...options,
  });
  buses.push(bus);
  await waitUntil(() => bus.connected, "bus connected", 10_000);
  return bus;
}

async function startInstance(options: Partial<PostgresBusOptions> = {}): Promise<{ instance: RealtimeHarness; bus: PostgresTopicBus }> {
  const bus = await startBus(options);
  const instance = await startRealtimeHarness(db, {
    bus,
    authorize: authorizeChangesWith(createRowAuthorizer({ pool })),
    authorizeChannel: authorizeChannelsWith(pool),
  });
  instances.push(instance);
  return { instance, bus };
}

/** What instance two's bus logs. */
const logged: Array<{ level: string; details: Record<string, unknown>; message: string }> = [];
function recordingLogger(): RealtimeLogger {
  const record = (level: string) => (details: Record<string, unknown>, message: string) => void logged.push({ level, details, message });
  const logger: RealtimeLogger = { child: () => logger, debug: () => undefined, info: record("info"), warn: record("warn"), error: record("error") };
  return logger;
}

/** A connection of the read-only analyst login. */
async function analyst(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.analystUrl });
  client.on("error", () => undefined);
  await client.connect();
  sideClients.push(client);
  return client;
}

/** The analyst listening to the bus: every payload it hears, and a way to know it has heard all committed so far. */
async function eavesdropper() {
  const client = await analyst();
  const heard: string[] = [];
  const probes = new EventQueue<string>();
  client.on("notification", (n) => {
    if (n.channel === busChannel) heard.push(n.payload ?? "");
    else if (n.channel === probeChannel) probes.push(n.payload ?? "");
  });
  await client.query(`listen ${busChannel}`);
  await client.query(`listen ${probeChannel}`);
  return {
    client,
    heard,
    /** Resolves once everything committed before this call has been heard (one queue, in commit order). */
    async caughtUp(): Promise<void> {
      const token = randomUUID();
      await pool.query(`notify ${probeChannel}, ${pg.escapeLiteral(token)}`);
      await probes.next((p) => p === token, 10_000);
    },
  };
}

/**
 * The analyst's NOTIFY statements, in one transaction. Read-only by default, but `begin read write` is all
 * it takes, and the statement needs no privilege (pg_notify() may be revoked; NOTIFY cannot be).
 */
async function notifyAsAnalyst(client: pg.Client, payloads: string[]): Promise<void> {
  const statements = payloads.map((payload) => `notify ${busChannel}, ${pg.escapeLiteral(payload)};`).join(" ");
  await client.query(`begin read write; ${statements} commit;`);
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = testPool({ connectionString: db.authenticatorUrl, max: 4 });
  hotel = await inCommit(db.ownerPool, (c) => createHotel(c));
  const session = await inCommit(db.ownerPool, async (c) =>
    (await c.query("insert into app_private.sessions (user_id) values ($1) returning id", [hotel.frontDesk])).rows[0].id as string);
  staffToken = userToken(db.jwtSecret, "keepr_staff", { sub: hotel.frontDesk, sessionId: session });
  ({ instance: one } = await startInstance());
  ({ instance: two } = await startInstance({ logger: recordingLogger() }));
});
afterAll(async () => {
  await Promise.all(sideClients.map((client) => client.end().catch(() => undefined)));
  await Promise.all(instances.map((instance) => instance.close()));
  await Promise.all(buses.map((bus) => bus.close()));
  await pool.end();
  await db.drop();
});

/** The front desk on a private property channel of each instance. */
async function frontDeskOnBothInstances(presenceKey: string) {
  const topic = `property:${hotel.propertyId}`;
  const a = one.client();
  const b = two.client();
  await Promise.all([a.setAuth(staffToken), b.setAuth(staffToken)]);
  const channelA = a.channel(topic, { config: { private: true, broadcast: { ack: true }, presence: { key: presenceKey } } });
  const channelB = b.channel(topic, { config: { private: true, broadcast: { ack: true }, presence: { enabled: true } } });
  const heardByA = listen(channelA);
  const heardByB = listen(channelB);
  await Promise.all([subscribed(channelA), subscribed(channelB)]);
  return { topic, clients: [a, b], channelA, channelB, heardByA, heardByB };
}

describe("the bus against another database login", () => {
  it("delivers nothing the analyst notifies (plaintext, garbled, replayed) nor what another secret or a stale clock sends; genuine messages still arrive", async () => {
    const { topic, clients, channelA, channelB, heardByA, heardByB } = await frontDeskOnBothInstances("front-desk");
    const ears = await eavesdropper();

    const privateTopic = `private:${topic}`;
    // Genuine broadcasts each way, and one from a third instance that then stops (says bye), captured by the
    // analyst on their way.
    const departed = await startBus();
    const capturedFrom = ears.heard.length;
    await channelA.send({ type: "broadcast", event: "captured", payload: { unit: "101" } });
    expect(await heardByB.broadcasts.next()).toMatchObject({ event: "captured", payload: { unit: "101" } });
    await channelB.send({ type: "broadcast", event: "captured-back", payload: { unit: "102" } });
    expect(await heardByA.broadcasts.next()).toMatchObject({ event: "captured-back", payload: { unit: "102" } });
    departed.publish({ kind: "broadcast", topic: privateTopic, senderChannelId: "departed", userEvent: "departed", body: { encoding: "json", json: '{"unit":"103"}' } });
    await Promise.all([heardByA, heardByB].map(({ broadcasts }) => broadcasts.next((m) => m.event === "departed")));
    await departed.close();
    await ears.caughtUp();
    const captured = ears.heard.slice(capturedFrom);
    expect(captured.length).toBeGreaterThan(0);

    const forger = await analyst();
    // 1. The bus's old plaintext format, from made-up instances: a broadcast, and a presence join.
    const plainBroadcast = { k: "broadcast", topic: privateTopic, sender: "forged", event: "forged-plain", json: JSON.stringify({ unit: "666" }) };
    const plainPresence = { k: "presence_diff", topic: privateTopic, diff: { joins: { mallory: { metas: [{ phx_ref: "forged", desk: "fake" }] } }, leaves: {} } };
    await notifyAsAnalyst(forger, [`${randomUUID()} 0 0 1 ${JSON.stringify(plainBroadcast)}`, `${randomUUID()} 0 0 1 ${JSON.stringify(plainPresence)}`]);
    // 2. Garbled copies of the captured traffic (a character changed near the end), and random bytes
    //    dressed like it.
    const garbled = captured.map((payload) => {
      const at = payload.length - 5;
      return payload.slice(0, at) + (payload[at] === "A" ? "B" : "A") + payload.slice(at + 1);
    });
    const noise = captured.map((payload) => payload.replace(/[A-Za-z0-9+/]{20,}/g, (run) => randomBytes(run.length).toString("base64").slice(0, run.length)));
    await notifyAsAnalyst(forger, [...garbled, ...noise]);
    // 3. The captured traffic itself, replayed.
    await notifyAsAnalyst(forger, captured);
    // 4. An instance of another deployment (its own secret) on the same channel, and one with the right
    //    secret whose clock is ten minutes behind: both send into the private topic.
    const otherDeployment = await startBus({ secret: randomBytes(32).toString("hex") });
    const staleClock = await startBus({ now: () => Date.now() - 10 * 60_000 });
    for (const [bus, event] of [[otherDeployment, "other-secret"], [staleClock, "stale-clock"]] as const) {
      bus.publish({ kind: "broadcast", topic: privateTopic, senderChannelId: "forged", userEvent: event, body: { encoding: "json", json: "{}" } });
      bus.publish({ kind: "presence_diff", topic: privateTopic, diff: { joins: { [event]: { metas: [{ phx_ref: randomUUID() }] } }, leaves: {} } });
      await bus.close(); // flushes what it published
    }

    // Genuine markers through each instance, committed after all of that.
    await channelA.send({ type: "broadcast", event: "marker-from-one", payload: {} });
    await heardByB.broadcasts.next((m) => m.event === "marker-from-one");
    await channelB.send({ type: "broadcast", event: "marker-from-two", payload: {} });
    await heardByA.broadcasts.next((m) => m.event === "marker-from-two");

    expect(heardByB.broadcasts.seen.map((m) => m.event)).toEqual(["captured", "departed", "marker-from-one"]);
    expect(heardByA.broadcasts.seen.map((m) => m.event)).toEqual(["captured-back", "departed", "marker-from-two"]);
    // Nobody tracked anything: the forged joins (mallory, other-secret, stale-clock) never showed.
    for (const { syncs } of [heardByA, heardByB]) expect(syncs.seen.flatMap((state) => Object.keys(state))).toEqual([]);
    expect([channelA.presenceState(), channelB.presenceState()]).toEqual([{}, {}]);

    // Each kind was dropped and counted, on both instances (an instance's own frames played back to it are
    // ignored without counting, so each counts the replays of the other's).
    for (const bus of buses.slice(0, 2)) {
      expect(bus.dropped).toEqual({
        malformed: 2,
        forged: expect.any(Number),
        replayed: expect.any(Number),
        stale: expect.any(Number),
      });
      // At least: the other deployment's broadcast, presence and bye; garbled and random copies.
      expect(bus.dropped.forged).toBeGreaterThanOrEqual(3);
      // At least: the other instance's broadcast, and the departed one's broadcast and bye.
      expect(bus.dropped.replayed).toBeGreaterThanOrEqual(3);
      // At least: the stale clock's broadcast, presence and bye.
      expect(bus.dropped.stale).toBeGreaterThanOrEqual(3);
    }
    // Instance two warned of the drops once (at most once a minute), with counts and none of their content.
    // (Which drop comes first is the analyst's plaintext as a rule, but a genuine frame that waited past the
    // clock tolerance on a starved machine is dropped as stale before it: the reason is any of the four.)
    const warnings = logged.filter(({ level, message }) => level === "warn" && message.includes("dropped"));
    expect(warnings).toEqual([expect.objectContaining({
      details: expect.objectContaining({ reason: expect.stringMatching(/^(malformed|forged|replayed|stale)$/), dropped: 1, totals: expect.any(Object) }),
    })]);
    expect(JSON.stringify(logged)).not.toMatch(/forged-plain|mallory|666|other-secret|stale-clock/);
    expect(logged.filter(({ level }) => level === "error")).toEqual([]);
    await Promise.all(clients.map(disconnect));
  });

  it("lets the analyst LISTEN to the traffic but not read it: no event, topic, payload or presence in what it hears", async () => {
    const { topic, clients, channelA, heardByB } = await frontDeskOnBothInstances("guest-ada-8841");
    const ears = await eavesdropper();
    const from = ears.heard.length;
    const secrets = ["passport-scan-4417", "DX-55821-do-not-leak", "late checkout for Mrs Lovelace", "guest-ada-8841", "Ada at desk 7", topic, hotel.propertyId];

    await channelA.track({ desk: "Ada at desk 7" });
    await heardByB.syncs.next((state) => state["guest-ada-8841"]?.[0]?.desk === "Ada at desk 7");
    await channelA.send({ type: "broadcast", event: "passport-scan-4417", payload: { document: "DX-55821-do-not-leak" } });
    // Large enough to go in several NOTIFYs.
    const long = `late checkout for Mrs Lovelace ${"é".repeat(20_000)}`;
    await channelA.send({ type: "broadcast", event: "passport-scan-4417", payload: { note: long } });
    expect(await heardByB.broadcasts.next()).toMatchObject({ payload: { document: "DX-55821-do-not-leak" } });
    expect(await heardByB.broadcasts.next()).toMatchObject({ payload: { note: long } });
    await ears.caughtUp();

    const heard = ears.heard.slice(from);
    expect(heard.length).toBeGreaterThanOrEqual(4);
    const readings = heard.flatMap((payload) => [
      payload,
      ...payload.split(/[^A-Za-z0-9+/=_-]+/).flatMap((token) => [Buffer.from(token, "base64").toString("utf8"), Buffer.from(token, "base64").toString("latin1")]),
    ]);
    for (const secret of secrets) {
      expect(readings.filter((text) => text.includes(secret)).map((text) => text.slice(0, 300))).toEqual([]);
    }
    for (const payload of heard) expect(Buffer.byteLength(payload)).toBeLessThan(8_000);
    await Promise.all(clients.map(disconnect));
  });
});
