// The realtime protocol as the official @supabase/realtime-js client sees
// it, over real WebSockets against Keepr's HTTP server: connecting with the
// anon key, joining, heartbeats, broadcast (JSON and binary, vsn 1 and 2),
// presence, private channels, token refresh and expiry, and frames that
// break the protocol. postgres_changes delivery is in changes.test.ts.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { jest } from "@jest/globals";
import jwt from "jsonwebtoken";
import type { RealtimeChannel, RealtimePresenceJoinPayload, RealtimePresenceLeavePayload } from "@supabase/realtime-js";
import { attachRealtime, defaultRealtimeLimits } from "../../realtime/server.ts";
import { anonKey } from "../../realtime/tokens.ts";
import type { SubscriberIdentity } from "../../realtime/types.ts";
import { createLogger } from "../../core/logger.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import {
  disconnect,
  EventQueue,
  rawClient,
  refusedUpgrade,
  startRealtimeHarness,
  subscribed,
  userToken,
  type RealtimeHarness,
} from "./harness.ts";

// The server's idle timeout and realtime-js's heartbeats are left at their
// defaults (60 s, 25 s): the connecting tests below run them on jest's
// clock. Short ones here would close any test's socket whenever this
// process's event loop pauses for longer (a loaded machine, a cold path).
const { idleTimeoutMs } = defaultRealtimeLimits;
const channelAuthorizations: Array<{ identity: SubscriberIdentity; channel: string }> = [];

let db: TestDatabase;
let h: RealtimeHarness;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startRealtimeHarness(
    db,
    {
      authorize: async () => new Map(),
      // Staff may join private channels named staff:*; nobody else may join any.
      authorizeChannel: async (identity, channel) => {
        channelAuthorizations.push({ identity, channel });
        return identity.kind === "user" && identity.role === "keepr_staff" && channel.startsWith("staff:");
      },
    },
  );
});

afterAll(async () => {
  await h.close();
  await db.drop();
});

type SystemPayload = { extension: string; status: string; message: string; channel: string };
type Broadcast = { type: string; event: string; payload: unknown };

/** Subscribe with every status recorded (the promise form stops at the first). */
function statusesOf(channel: RealtimeChannel): EventQueue<string> {
  const statuses = new EventQueue<string>();
  channel.subscribe((status, error) => statuses.push(error ? `${status}: ${error.message}` : status));
  return statuses;
}

function systemMessagesOf(channel: RealtimeChannel): EventQueue<SystemPayload> {
  const messages = new EventQueue<SystemPayload>();
  channel.on("system", {}, (payload: SystemPayload) => messages.push(payload));
  return messages;
}

/**
 * Runs fn on jest's clock (setTimeout and setInterval only), which moves
 * when the test advances it. The idle timeout and the heartbeats are times,
 * and the server and its clients share this process's event loop: a pause of
 * it (a loaded machine, the cold first seconds of a test file) longer than a
 * heartbeat interval or the idle timeout closes a healthy socket on the real
 * clock. Frames still travel over real sockets; wait for them with within().
 * Assert inside fn: on the way out, the timers still pending run (those of
 * the sockets under test too), since once the real clock is back they never
 * would, and some were started meanwhile by the rest of the server (a pool's
 * idle client left open until the database is dropped, the simulated
 * provider's delivery loop asleep).
 */
async function onJestClock<T>(fn: () => Promise<T>): Promise<T> {
  jest.useFakeTimers({ doNotFake: ["Date", "hrtime", "nextTick", "performance", "queueMicrotask", "setImmediate", "clearImmediate"] });
  try {
    return await fn();
  } finally {
    jest.runOnlyPendingTimers();
    jest.useRealTimers();
  }
}

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
/** Never, on jest's clock (EventQueue.next's own timeout would be on it). */
const forever = 2 ** 31 - 1;

/** The promise, or an error after timeoutMs of real time, whoever's clock the code under test is on. */
function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = realSetTimeout(() => reject(new Error(`${what}: nothing within ${timeoutMs} ms`)), timeoutMs);
    promise.then(
      (value) => (realClearTimeout(timer), resolve(value)),
      (error: unknown) => (realClearTimeout(timer), reject(error)),
    );
  });
}

const websocketUrl = (query: string) => `${h.url.replace(/^http/, "ws")}/realtime/v1/websocket?${query}`;

describe("connecting", () => {
  it("a client with the anon key connects and its heartbeats are answered, keeping the socket alive past the idle timeout", async () => {
    const heartbeats = new EventQueue<string>();
    const transport = new EventQueue<string>();
    const client = h.client({
      heartbeatCallback: (status) => heartbeats.push(status),
      logger: (kind, message) => kind === "transport" && transport.push(message),
    });
    const { heartbeatIntervalMs } = client;
    expect(heartbeatIntervalMs).toBeLessThan(idleTimeoutMs);
    await onJestClock(async () => {
      client.connect();
      // realtime-js starts its heartbeat timer when the socket opens (and logs "connected to <url>").
      await within(transport.next((message) => message.startsWith("connected to"), forever), 10_000, "the socket to open");
      // One heartbeat interval at a time, until past the idle timeout: the
      // client's timer sends a heartbeat, and its answer (or the socket's
      // close) is awaited before the clock moves on.
      const answerOrClose = () =>
        Promise.race([heartbeats.next((status) => status !== "sent", forever), transport.next((message) => message === "close", forever)]);
      for (let elapsed = 0; elapsed <= idleTimeoutMs * 1.5; elapsed += heartbeatIntervalMs) {
        const answer = answerOrClose();
        await jest.advanceTimersByTimeAsync(heartbeatIntervalMs);
        expect(await within(answer, 10_000, `the answer to the heartbeat at ${elapsed + heartbeatIntervalMs} ms`)).toBe("ok");
      }
      expect(client.isConnected()).toBe(true);
      expect(heartbeats.seen.filter((status) => status !== "sent" && status !== "ok")).toEqual([]);
      expect(transport.seen.filter((message) => message === "close")).toEqual([]);
    });
    await disconnect(client);
    // Four heartbeats on jest's clock, each answered over a real socket: 10-45 s of real time with both
    // cores kept busy by other processes, too close to the default 60 s.
  }, 180_000);

  it("a socket that sends nothing is closed after the idle timeout", async () => {
    await onJestClock(async () => {
      const raw = await rawClient(h.url, h.anonKey);
      // The server's timer started when it accepted the socket, and the clock has not moved since.
      let elapsed = 0;
      let closedAfter: number | null = null;
      void raw.closed.then(() => (closedAfter = elapsed));
      while (elapsed < idleTimeoutMs && closedAfter === null) {
        await jest.advanceTimersByTimeAsync(idleTimeoutMs / 100);
        elapsed += idleTimeoutMs / 100;
      }
      const { code, reason } = await within(raw.closed, 10_000, "the server to close the idle socket");
      expect(closedAfter).toBeGreaterThanOrEqual(idleTimeoutMs);
      expect(code).toBe(1000);
      expect(reason).toBe(`no message for ${idleTimeoutMs / 1000} s`);
    });
  });

  it.each([
    ["no apikey", "vsn=2.0.0", "MISSING_API_KEY"],
    ["a forged apikey", `apikey=${anonKey("not-the-secret-but-long-enough-to-sign-with")}&vsn=2.0.0`, "INVALID_TOKEN"],
    ["a malformed apikey", "apikey=not.a.jwt&vsn=2.0.0", "INVALID_TOKEN"],
  ])("an upgrade with %s is refused with 401 and a JSON reason", async (_case, query, code) => {
    const { status, body } = await refusedUpgrade(websocketUrl(query));
    expect(status).toBe(401);
    expect(body).toEqual({ code, message: expect.any(String) });
  });

  it("an expired apikey is refused as TOKEN_EXPIRED", async () => {
    const expired = userToken(h.jwtSecret, "keepr_staff", { expiresInSeconds: -10 });
    const { status, body } = await refusedUpgrade(websocketUrl(`apikey=${expired}&vsn=2.0.0`));
    expect(status).toBe(401);
    expect(body).toEqual({ code: "TOKEN_EXPIRED", message: expect.stringMatching(/Token has expired \d+ seconds ago/) });
  });

  it("an unknown protocol version and another path are refused too", async () => {
    expect(await refusedUpgrade(websocketUrl(`apikey=${h.anonKey}&vsn=3.0.0`))).toEqual({
      status: 400, body: { code: "UNSUPPORTED_VSN", message: expect.any(String) },
    });
    expect(await refusedUpgrade(`${h.url.replace(/^http/, "ws")}/graphql`)).toEqual({
      status: 404, body: { code: "NOT_FOUND", message: expect.any(String) },
    });
  });

  it("the official client with a bad apikey reports CHANNEL_ERROR instead of joining", async () => {
    const client = h.client({ apikey: "not.a.jwt" });
    const statuses = statusesOf(client.channel("never"));
    expect(await statuses.next()).toMatch(/^CHANNEL_ERROR/);
    await disconnect(client);
  });

  it("a user token is accepted as the apikey, and the rest of Keepr keeps answering on the same server", async () => {
    const client = h.client({ apikey: userToken(h.jwtSecret, "keepr_guest") });
    await subscribed(client.channel("as-a-guest"));
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    await disconnect(client);
  });
});

describe("joining", () => {
  it("echoes the postgres_changes bindings in order with ids, reports SUBSCRIBED, then 'Subscribed to PostgreSQL'", async () => {
    const client = h.client();
    const channel = client
      .channel("bookings-42")
      .on("postgres_changes", { event: "*", schema: "app_public", table: "reservations", filter: "property_id=eq.42" }, () => undefined)
      .on("postgres_changes", { event: "INSERT", schema: "app_public", table: "units" }, () => undefined);
    const system = systemMessagesOf(channel);
    await subscribed(channel);
    const ids = (channel.bindings.postgres_changes ?? []).map((binding) => binding.id);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(Number.isInteger(id) && Number(id) > 0).toBe(true);
    expect(new Set(ids).size).toBe(2);
    expect(await system.next()).toEqual({ extension: "postgres_changes", status: "ok", message: "Subscribed to PostgreSQL", channel: "bookings-42" });
    await disconnect(client);
  });

  it("a reply on the wire has the exact shape realtime-js matches on", async () => {
    const raw = await rawClient(h.url, h.anonKey);
    const change = { event: "UPDATE", schema: "app_public", table: "units", filter: "id=in.(1,2)" };
    raw.send(["1", "1", "realtime:wire", "phx_join", { config: { postgres_changes: [change] } }]);
    const reply = (await raw.frames.next()) as unknown[];
    expect(reply).toEqual(["1", "1", "realtime:wire", "phx_reply", { status: "ok", response: { postgres_changes: [{ ...change, id: expect.any(Number) }] } }]);
    expect(await raw.frames.next()).toEqual(["1", null, "realtime:wire", "system", {
      extension: "postgres_changes", status: "ok", message: "Subscribed to PostgreSQL", channel: "wire",
    }]);
    raw.send(["1", "2", "realtime:wire", "phx_leave", {}]);
    expect(await raw.frames.next()).toEqual(["1", "2", "realtime:wire", "phx_reply", { status: "ok", response: {} }]);
    raw.socket.close();
  });

  it("without postgres_changes the reply still lists them (empty) and no system message follows", async () => {
    const raw = await rawClient(h.url, h.anonKey);
    raw.send(["3", "3", "realtime:plain", "phx_join", {}]);
    expect(await raw.frames.next()).toEqual(["3", "3", "realtime:plain", "phx_reply", { status: "ok", response: { postgres_changes: [] } }]);
    raw.send([null, "4", "phoenix", "heartbeat", {}]);
    expect(await raw.frames.next()).toEqual([null, "4", "phoenix", "phx_reply", { status: "ok", response: {} }]);
    raw.socket.close();
  });

  it.each([
    ["an unknown operator", { filter: "property_id=foo.42" }, /^Error parsing `filter` params: unknown operator "foo"/],
    ["a value outside parentheses for in", { filter: "property_id=in.42" }, /^Error parsing `filter` params: an `in` filter value must be wrapped in parentheses/],
    ["an operator Keepr does not evaluate", { filter: "name=like.a%" }, /not supported by Keepr/],
    ["a schema other than app_public", { schema: "public" }, /app_public/],
  ])("%s still joins and comes back as a postgres_changes system error", async (_case, override, message) => {
    const client = h.client();
    const channel = client
      .channel("bad-binding")
      .on("postgres_changes", { event: "*", schema: "app_public", table: "reservations", ...override }, () => undefined);
    const system = systemMessagesOf(channel);
    await subscribed(channel);
    const payload = await system.next();
    expect(payload).toMatchObject({ extension: "postgres_changes", status: "error", channel: "bad-binding" });
    expect(payload.message).toMatch(message);
    await disconnect(client);
  });

  it("with postgres_changes_options.wait a bad filter refuses the join instead", async () => {
    const client = h.client();
    const channel = client
      .channel("waiting", { config: { postgres_changes_options: { wait: true } } })
      .on("postgres_changes", { event: "*", schema: "app_public", table: "reservations", filter: "id=zz.1" }, () => undefined);
    await expect(subscribed(channel)).rejects.toThrow(/RealtimeDisabledForConfiguration: Error parsing `filter` params/);
    await disconnect(client);
  });

  it("an expired access token is refused at join with the reason", async () => {
    const client = h.client();
    await client.setAuth(userToken(h.jwtSecret, "keepr_staff", { expiresInSeconds: -5 }));
    await expect(subscribed(client.channel("late"))).rejects.toThrow(/^InvalidJWTToken: Token has expired \d+ seconds ago$/);
    await disconnect(client);
  });

  it("a private channel is joined only when authorizeChannel allows the identity", async () => {
    const anonymous = h.client();
    await expect(subscribed(anonymous.channel("staff:desk", { config: { private: true } }))).rejects.toThrow(
      "Unauthorized: You do not have permissions to read from this Channel topic: staff:desk",
    );
    const staff = h.client();
    const sub = randomUUID();
    await staff.setAuth(userToken(h.jwtSecret, "keepr_staff", { sub }));
    await subscribed(staff.channel("staff:desk", { config: { private: true } }));
    expect(channelAuthorizations.at(-1)).toMatchObject({ channel: "staff:desk", identity: { kind: "user", role: "keepr_staff", claims: { sub } } });
    await Promise.all([anonymous, staff].map(disconnect));
  });

  it("a socket may join only so many channels", async () => {
    const server = createServer();
    const realtime = attachRealtime(server, {
      jwtSecret: h.jwtSecret, logger: createLogger("silent"),
      authorize: async () => new Map(), authorizeChannel: async () => true, limits: { maxChannelsPerSocket: 2 },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const raw = await rawClient(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`, h.anonKey);
    for (const [ref, name] of [["1", "a"], ["2", "b"], ["3", "c"]]) raw.send([ref, ref, `realtime:${name}`, "phx_join", {}]);
    const replies = [await raw.frames.next(), await raw.frames.next(), await raw.frames.next()] as unknown[][];
    expect(replies.map((reply) => (reply[4] as { status: string }).status)).toEqual(["ok", "ok", "error"]);
    expect(replies[2]![4]).toEqual({ status: "error", response: { reason: "ChannelRateLimitReached: Too many channels" } });
    await realtime.close();
    expect((await raw.closed).code).toBe(1001);
    await new Promise((resolve) => server.close(resolve));
  });
});

describe("malformed frames", () => {
  it("are answered with an error when they carry a ref, dropped otherwise, and never end the socket", async () => {
    const raw = await rawClient(h.url, h.anonKey);
    raw.send("this is not json");
    raw.send(JSON.stringify({ not: "an array" }));
    raw.send(["1", "5", "realtime:x", "phx_join", "not an object"]);
    expect(await raw.frames.next()).toEqual(["1", "5", "realtime:x", "phx_reply", {
      status: "error", response: { reason: "MalformedMessage: payload must be a JSON object" },
    }]);
    raw.send(Buffer.from([9, 0, 0, 0, 0, 0, 1]));
    raw.send(Buffer.from([3, 1, 1, 200]));
    raw.send(["1", "6", "realtime:not-joined", "broadcast", { type: "broadcast", event: "e", payload: {} }]);
    expect(await raw.frames.next()).toEqual(["1", "6", "realtime:not-joined", "phx_reply", { status: "error", response: { reason: "unmatched topic" } }]);
    raw.send(["1", "7", "realtime:bad", "phx_join", { config: { postgres_changes: [{ event: 1 }] } }]);
    const reply = (await raw.frames.next()) as [null, string, string, string, { status: string; response: { reason: string } }];
    expect(reply[4].status).toBe("error");
    expect(reply[4].response.reason).toMatch(/^InvalidJoinPayload: config\.postgres_changes\.0\.event/);
    raw.send([null, "8", "phoenix", "heartbeat", {}]);
    expect(await raw.frames.next()).toEqual([null, "8", "phoenix", "phx_reply", { status: "ok", response: {} }]);
    raw.socket.close();
  });
});

describe("broadcast", () => {
  async function pair(name: string, configA: Record<string, unknown> = {}) {
    const a = h.client();
    const b = h.client();
    const channelA = a.channel(name, { config: configA });
    const channelB = b.channel(name);
    const receivedA = new EventQueue<Broadcast>();
    const receivedB = new EventQueue<Broadcast>();
    channelA.on("broadcast", { event: "*" }, receivedA.push);
    channelB.on("broadcast", { event: "*" }, receivedB.push);
    await Promise.all([subscribed(channelA), subscribed(channelB)]);
    return { a, b, channelA, channelB, receivedA, receivedB };
  }

  it("reaches the other client but not the sender by default, and an ack is answered", async () => {
    const { a, b, channelA, channelB, receivedA, receivedB } = await pair("room-1", { broadcast: { ack: true } });
    expect(await channelA.send({ type: "broadcast", event: "cursor", payload: { x: 1, y: [2, 3] } }, { timeout: 2_000 })).toBe("ok");
    expect(await receivedB.next()).toEqual({ type: "broadcast", event: "cursor", payload: { x: 1, y: [2, 3] } });
    await channelB.send({ type: "broadcast", event: "reply", payload: { ok: true } });
    // A's first broadcast is B's reply: its own cursor never came back.
    expect(await receivedA.next()).toEqual({ type: "broadcast", event: "reply", payload: { ok: true } });
    expect(receivedA.seen).toHaveLength(1);
    await Promise.all([a, b].map(disconnect));
  });

  it("comes back to the sender with self: true", async () => {
    const { a, b, channelA, receivedA, receivedB } = await pair("room-2", { broadcast: { self: true } });
    await channelA.send({ type: "broadcast", event: "echo", payload: { n: 1 } });
    expect(await receivedA.next()).toEqual({ type: "broadcast", event: "echo", payload: { n: 1 } });
    expect(await receivedB.next()).toEqual({ type: "broadcast", event: "echo", payload: { n: 1 } });
    await Promise.all([a, b].map(disconnect));
  });

  it("carries binary payloads as bytes", async () => {
    const { a, b, channelA, receivedB } = await pair("room-3");
    await channelA.send({ type: "broadcast", event: "blob", payload: new Uint8Array([0, 1, 254, 255]).buffer });
    const received = await receivedB.next();
    expect(received.event).toBe("blob");
    expect([...new Uint8Array(received.payload as ArrayBuffer)]).toEqual([0, 1, 254, 255]);
    await Promise.all([a, b].map(disconnect));
  });

  it("crosses protocol versions: a vsn 1.0.0 client and a vsn 2.0.0 client hear each other", async () => {
    const old = h.client({ vsn: "1.0.0" });
    const current = h.client();
    const oldChannel = old.channel("mixed");
    const currentChannel = current.channel("mixed");
    const heardByOld = new EventQueue<Broadcast>();
    const heardByCurrent = new EventQueue<Broadcast>();
    oldChannel.on("broadcast", { event: "hello" }, heardByOld.push);
    currentChannel.on("broadcast", { event: "hello" }, heardByCurrent.push);
    await Promise.all([subscribed(oldChannel), subscribed(currentChannel)]);
    await oldChannel.send({ type: "broadcast", event: "hello", payload: { from: "v1" } });
    await currentChannel.send({ type: "broadcast", event: "hello", payload: { from: "v2" } });
    expect(await heardByCurrent.next()).toEqual({ type: "broadcast", event: "hello", payload: { from: "v1" } });
    expect(await heardByOld.next()).toEqual({ type: "broadcast", event: "hello", payload: { from: "v2" } });
    await Promise.all([old, current].map(disconnect));
  });

  it("goes out to vsn 2.0.0 sockets as a kind-4 binary frame", async () => {
    const raw = await rawClient(h.url, h.anonKey);
    raw.send(["1", "1", "realtime:frames", "phx_join", { config: { broadcast: { self: true } } }]);
    await raw.frames.next();
    raw.send(["1", "2", "realtime:frames", "broadcast", { type: "broadcast", event: "ping", payload: { a: 1 } }]);
    const frame = (await raw.frames.next()) as { binary: Buffer };
    const topic = "realtime:frames";
    expect([...frame.binary.subarray(0, 5)]).toEqual([4, topic.length, 4, 0, 1]);
    expect(frame.binary.subarray(5).toString()).toBe(`${topic}ping{"a":1}`);
    raw.socket.close();
  });

  it("a public and a private channel of the same name do not share broadcasts", async () => {
    const staff = h.client();
    await staff.setAuth(userToken(h.jwtSecret, "keepr_staff"));
    const privateChannel = staff.channel("staff:ops", { config: { private: true } });
    const heardInPrivate = new EventQueue<Broadcast>();
    privateChannel.on("broadcast", { event: "*" }, heardInPrivate.push);
    const outsider = h.client();
    const publicChannel = outsider.channel("staff:ops");
    await Promise.all([subscribed(privateChannel), subscribed(publicChannel)]);
    await publicChannel.send({ type: "broadcast", event: "spoof", payload: {} });
    const insider = h.client();
    await insider.setAuth(userToken(h.jwtSecret, "keepr_staff"));
    const insiderChannel = insider.channel("staff:ops", { config: { private: true } });
    await subscribed(insiderChannel);
    await insiderChannel.send({ type: "broadcast", event: "real", payload: {} });
    expect((await heardInPrivate.next()).event).toBe("real");
    expect(heardInPrivate.seen.map((message) => message.event)).toEqual(["real"]);
    await Promise.all([staff, outsider, insider].map(disconnect));
  });
});

describe("presence", () => {
  type Presences = Record<string, Array<Record<string, unknown>>>;

  it("track, update and untrack are seen by another client as joins, leaves and state", async () => {
    const alice = h.client();
    const watcher = h.client();
    const aliceChannel = alice.channel("lobby", { config: { presence: { key: "alice" } } });
    const watcherChannel = watcher.channel("lobby");
    const syncs = new EventQueue<Presences>();
    const joins = new EventQueue<RealtimePresenceJoinPayload<Record<string, unknown>>>();
    const leaves = new EventQueue<RealtimePresenceLeavePayload<Record<string, unknown>>>();
    watcherChannel
      .on("presence", { event: "sync" }, () => syncs.push(watcherChannel.presenceState() as Presences))
      .on("presence", { event: "join" }, joins.push)
      .on("presence", { event: "leave" }, leaves.push);
    await Promise.all([subscribed(aliceChannel), subscribed(watcherChannel)]);
    expect(await syncs.next()).toEqual({});

    expect(await aliceChannel.track({ status: "online" })).toBe("ok");
    const joined = await joins.next();
    expect(joined.key).toBe("alice");
    expect(joined.newPresences).toEqual([{ status: "online", presence_ref: expect.any(String) }]);
    expect(watcherChannel.presenceState()).toEqual({ alice: [{ status: "online", presence_ref: expect.any(String) }] });

    expect(await aliceChannel.track({ status: "away" })).toBe("ok");
    await syncs.next((state) => state.alice?.[0]?.status === "away");
    expect(watcherChannel.presenceState()).toEqual({ alice: [{ status: "away", presence_ref: expect.any(String) }] });

    expect(await aliceChannel.untrack()).toBe("ok");
    const left = await leaves.next((leave) => leave.leftPresences[0]?.status === "away");
    expect(left.key).toBe("alice");
    expect(watcherChannel.presenceState()).toEqual({});
    await Promise.all([alice, watcher].map(disconnect));
  });

  it("a late joiner gets the current state, and a client that disconnects leaves", async () => {
    const bob = h.client();
    const bobChannel = bob.channel("hall", { config: { presence: { key: "bob" } } });
    await subscribed(bobChannel);
    await bobChannel.track({ desk: 7 });
    const late = h.client();
    const lateChannel = late.channel("hall", { config: { presence: { enabled: true } } });
    const syncs = new EventQueue<Presences>();
    lateChannel.on("presence", { event: "sync" }, () => syncs.push(lateChannel.presenceState() as Presences));
    await subscribed(lateChannel);
    expect(await syncs.next()).toEqual({ bob: [{ desk: 7, presence_ref: expect.any(String) }] });
    await disconnect(bob);
    expect(await syncs.next()).toEqual({});
    await disconnect(late);
  });

  it("on the wire: presence_state follows the join and diffs go out only where presence is enabled", async () => {
    const quiet = await rawClient(h.url, h.anonKey);
    const listening = await rawClient(h.url, h.anonKey);
    quiet.send(["1", "1", "realtime:wire-presence", "phx_join", { config: { presence: { key: "quiet", enabled: false } } }]);
    expect(await quiet.frames.next()).toMatchObject(["1", "1", "realtime:wire-presence", "phx_reply", { status: "ok" }]);
    listening.send(["7", "7", "realtime:wire-presence", "phx_join", { config: { presence: { key: "", enabled: true } } }]);
    expect(await listening.frames.next()).toMatchObject(["7", "7", "realtime:wire-presence", "phx_reply", { status: "ok" }]);
    expect(await listening.frames.next()).toEqual(["7", null, "realtime:wire-presence", "presence_state", {}]);
    quiet.send(["1", "2", "realtime:wire-presence", "presence", { type: "presence", event: "track", payload: { mood: "calm" } }]);
    expect(await quiet.frames.next()).toEqual(["1", "2", "realtime:wire-presence", "phx_reply", { status: "ok", response: {} }]);
    expect(await listening.frames.next()).toEqual([null, null, "realtime:wire-presence", "presence_diff", {
      joins: { quiet: { metas: [{ mood: "calm", phx_ref: expect.any(String) }] } }, leaves: {},
    }]);
    quiet.socket.close();
    expect(await listening.frames.next()).toEqual([null, null, "realtime:wire-presence", "presence_diff", {
      joins: {}, leaves: { quiet: { metas: [{ mood: "calm", phx_ref: expect.any(String) }] } },
    }]);
    expect(quiet.frames.seen).toHaveLength(2);
    listening.socket.close();
  });

  it("a track payload that is not an object is refused", async () => {
    const raw = await rawClient(h.url, h.anonKey);
    raw.send(["1", "1", "realtime:shapes", "phx_join", {}]);
    await raw.frames.next();
    raw.send(["1", "2", "realtime:shapes", "presence", { type: "presence", event: "track", payload: [1, 2] }]);
    expect(await raw.frames.next()).toEqual(["1", "2", "realtime:shapes", "phx_reply", {
      status: "error", response: { reason: "Presence track payload must be a map" },
    }]);
    raw.socket.close();
  });
});

describe("tokens", () => {
  it("an access token that expires closes the channel with a system error, then CLOSED", async () => {
    const client = h.client();
    await client.setAuth(userToken(h.jwtSecret, "keepr_staff", { expiresInSeconds: 2 }));
    const channel = client.channel("expiring");
    const system = systemMessagesOf(channel);
    const statuses = statusesOf(channel);
    expect(await statuses.next()).toBe("SUBSCRIBED");
    expect(await system.next(() => true, 4_000)).toEqual({
      extension: "system", status: "error", message: expect.stringMatching(/^Token has expired \d+ seconds ago$/), channel: "expiring",
    });
    expect(await statuses.next()).toBe("CLOSED");
    expect(client.getChannels()).not.toContain(channel);
    await disconnect(client);
  });

  it("a refreshed token keeps the channel past the first token's expiry; one the authorizer refuses closes it", async () => {
    const client = h.client();
    const shortLived = userToken(h.jwtSecret, "keepr_staff", { expiresInSeconds: 2 });
    await client.setAuth(shortLived);
    const channel = client.channel("staff:refresh", { config: { private: true } });
    const system = systemMessagesOf(channel);
    const statuses = statusesOf(channel);
    expect(await statuses.next()).toBe("SUBSCRIBED");
    const refreshedSub = randomUUID();
    await client.setAuth(userToken(h.jwtSecret, "keepr_staff", { sub: refreshedSub }));
    // A socket's pushes are handled in order: once this track is answered, the refresh has been.
    expect(await channel.track({})).toBe("ok");
    expect(channelAuthorizations.at(-1)).toMatchObject({ channel: "staff:refresh", identity: { claims: { sub: refreshedSub } } });
    const { exp } = jwt.decode(shortLived) as { exp: number };
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 300));
    expect(system.seen).toEqual([]);
    await client.setAuth(userToken(h.jwtSecret, "keepr_guest"));
    expect(await system.next()).toEqual({
      extension: "system", status: "error", message: "You no longer have permission to read from this Channel topic: staff:refresh", channel: "staff:refresh",
    });
    expect(await statuses.next()).toBe("CLOSED");
    await disconnect(client);
  });

  it("a refresh with a token that is not valid closes the channel", async () => {
    const client = h.client();
    const channel = client.channel("refresh-garbage");
    const system = systemMessagesOf(channel);
    const statuses = statusesOf(channel);
    expect(await statuses.next()).toBe("SUBSCRIBED");
    await client.setAuth(anonKey("some-other-secret-that-is-long-enough"));
    expect((await system.next()).message).toBe("The token is not a valid Keepr token");
    expect(await statuses.next()).toBe("CLOSED");
    await disconnect(client);
  });
});
