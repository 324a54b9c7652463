// Broadcast over HTTP (realtime/rest.ts) as the official client uses it:
// httpSend() to /realtime/v1/api/broadcast/<topic>/events/<event>, and the
// batch endpoint send() falls back to before a channel is joined. Private
// topics take the same check as a join; every refusal is a typed JSON error.
import { Buffer } from "node:buffer";
import { jest } from "@jest/globals";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { disconnect, EventQueue, startRealtimeHarness, subscribed, userToken, type RealtimeHarness } from "./harness.ts";

let db: TestDatabase;
let h: RealtimeHarness;
type Broadcast = { event: string; payload: unknown };

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startRealtimeHarness(db, {
    authorize: async () => new Map(),
    // Staff may use private channels named staff:*; nobody else may use any.
    authorizeChannel: async (identity, channel) => identity.kind === "user" && identity.role === "keepr_staff" && channel.startsWith("staff:"),
    limits: { maxPayloadBytes: 64 * 1024 },
  }, {
    // No test here waits for a timeout: the client's joins and httpSend calls get 60 s (the harness's 5 s was
    // exceeded by an httpSend on a machine with both cores loaded, and the test failed on a DOMException abort).
    timeout: 60_000,
  });
});
afterAll(async () => {
  await h.close();
  await db.drop();
});

async function listener(topic: string, options: { private?: boolean; token?: string } = {}) {
  const client = h.client();
  if (options.token) await client.setAuth(options.token);
  const channel = client.channel(topic, { config: { private: options.private ?? false } });
  const heard = new EventQueue<Broadcast>();
  channel.on("broadcast", { event: "*" }, (message: Broadcast) => heard.push(message));
  await subscribed(channel);
  return { client, heard };
}

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(`${h.url}/realtime/v1/api${path}`, {
    method: "POST",
    headers: { apikey: h.anonKey, "content-type": "application/json", ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, string>) : null };
}

describe("httpSend", () => {
  it("delivers JSON and binary payloads to the channel's subscribers without joining", async () => {
    const { client: receiver, heard } = await listener("lobby");
    const sender = h.client();
    const channel = sender.channel("lobby");
    await expect(channel.httpSend("hello", { n: 1 })).resolves.toEqual({ success: true });
    expect(await heard.next()).toMatchObject({ event: "hello", payload: { n: 1 } });
    await expect(channel.httpSend("blob", new Uint8Array([9, 8, 7]))).resolves.toEqual({ success: true });
    const blob = await heard.next();
    expect([...new Uint8Array(blob.payload as ArrayBuffer)]).toEqual([9, 8, 7]);
    await Promise.all([receiver, sender].map(disconnect));
  });

  it("sends to a private topic only for an identity that may join it", async () => {
    const staffToken = userToken(h.jwtSecret, "keepr_staff");
    const { client: receiver, heard } = await listener("staff:ops", { private: true, token: staffToken });
    const staff = h.client();
    await staff.setAuth(staffToken);
    await expect(staff.channel("staff:ops", { config: { private: true } }).httpSend("shift", { who: "ana" })).resolves.toEqual({ success: true });
    expect(await heard.next()).toMatchObject({ event: "shift", payload: { who: "ana" } });

    const guest = h.client();
    await guest.setAuth(userToken(h.jwtSecret, "keepr_guest"));
    await expect(guest.channel("staff:ops", { config: { private: true } }).httpSend("spoof", {})).rejects.toThrow("You may not broadcast to the private channel staff:ops.");
    const anonymous = h.client();
    await expect(anonymous.channel("staff:ops", { config: { private: true } }).httpSend("spoof", {})).rejects.toThrow("You may not broadcast");
    // A public topic of the same name is another topic (a new client: one channel per topic name and client).
    const outsider = h.client();
    await expect(outsider.channel("staff:ops").httpSend("public", {})).resolves.toEqual({ success: true });
    await staff.channel("staff:ops", { config: { private: true } }).httpSend("marker", {});
    await heard.next((m) => m.event === "marker");
    expect(heard.seen.map((m) => m.event)).toEqual(["shift", "marker"]);
    await Promise.all([receiver, staff, guest, anonymous, outsider].map(disconnect));
  });

  it("refuses persisted messages: Keepr does not store broadcasts", async () => {
    const staff = h.client();
    await staff.setAuth(userToken(h.jwtSecret, "keepr_staff"));
    await expect(staff.channel("staff:ops", { config: { private: true } }).httpSend("keep", {}, { persist: true })).rejects.toThrow("Keepr does not store broadcast messages");
    await disconnect(staff);
  });
});

describe("the batch endpoint", () => {
  it("is where send() goes before the channel is joined", async () => {
    const { client: receiver, heard } = await listener("front-desk");
    const sender = h.client();
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await expect(sender.channel("front-desk").send({ type: "broadcast", event: "walk-in", payload: { party: 2 } })).resolves.toBe("ok");
    } finally {
      warn.mockRestore();
    }
    expect(await heard.next()).toMatchObject({ event: "walk-in", payload: { party: 2 } });
    await Promise.all([receiver, sender].map(disconnect));
  });

  it("sends several messages in order, and none when one is refused", async () => {
    const { client: receiver, heard } = await listener("batch");
    const messages = [1, 2, 3].map((n) => ({ topic: "batch", event: "n", payload: { n } }));
    expect(await post("/broadcast", JSON.stringify({ messages }))).toEqual({ status: 202, body: null });
    for (const n of [1, 2, 3]) expect((await heard.next()).payload).toEqual({ n });

    const refused = await post("/broadcast", JSON.stringify({ messages: [...messages, { topic: "staff:ops", event: "x", payload: {}, private: true }] }));
    expect(refused).toEqual({ status: 403, body: { code: "FORBIDDEN", message: "You may not broadcast to the private channel staff:ops.", error: expect.any(String) } });
    expect((await post("/broadcast", JSON.stringify({ messages: [{ topic: "batch", event: "end", payload: {} }] }))).status).toBe(202);
    await heard.next((m) => m.event === "end");
    expect(heard.seen).toHaveLength(4);
    await disconnect(receiver);
  });
});

describe("errors", () => {
  it("answers bad requests with a status and a typed JSON body", async () => {
    const cases: Array<[string, Promise<{ status: number; body: Record<string, string> | null }>, number, string]> = [
      ["no apikey", post("/broadcast", "{}", { apikey: "" }), 401, "MISSING_API_KEY"],
      ["forged apikey", post("/broadcast", "{}", { apikey: "not-a-token" }), 401, "INVALID_TOKEN"],
      ["forged bearer", post("/broadcast", "{}", { authorization: "Bearer nope" }), 401, "INVALID_TOKEN"],
      ["not JSON", post("/broadcast", "{", {}), 400, "INVALID_JSON"],
      ["no messages", post("/broadcast", JSON.stringify({ messages: [] }), {}), 400, "INVALID_BROADCAST"],
      ["no event", post("/broadcast", JSON.stringify({ messages: [{ topic: "t" }] }), {}), 400, "INVALID_BROADCAST"],
      ["too large", post("/broadcast/big/events/e", Buffer.alloc(200 * 1024, 0x61), { "content-type": "application/octet-stream" }), 413, "PAYLOAD_TOO_LARGE"],
      ["unknown endpoint", post("/tenants", "{}"), 404, "NOT_FOUND"],
    ];
    for (const [what, response, status, code] of cases) {
      const { status: got, body } = await response;
      expect({ what, status: got, code: body?.code }).toEqual({ what, status, code });
      expect(body?.message).toEqual(expect.any(String));
    }
    const get = await fetch(`${h.url}/realtime/v1/api/broadcast`, { headers: { apikey: h.anonKey } });
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ code: "METHOD_NOT_ALLOWED" });
  });

  it("leaves every other path to the server's own routes", async () => {
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    const graphql = await fetch(`${h.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(await graphql.json()).toEqual({ data: { __typename: "Query" } });
  });
});

