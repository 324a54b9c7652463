// Test harness for realtime: Keepr's real HTTP server (express +
// PostGraphile, started the way tests/helpers/server.ts starts it, but
// keeping the node:http server so realtime can be attached to it), the
// official @supabase/realtime-js client pointed at it, tokens signed like
// Keepr signs them, and a queue to wait for events without sleeping.
import "../../core/env.ts";
import { randomUUID } from "node:crypto";
import jwt from "jsonwebtoken";
import WebSocket from "ws";
import { RealtimeClient, type RealtimeChannel, type RealtimeClientOptions } from "@supabase/realtime-js";
import { createLogger } from "../../core/logger.ts";
import { attachRealtime, type RealtimeOptions, type RealtimeServer } from "../../realtime/server.ts";
import { anonKey } from "../../realtime/tokens.ts";
import type { TestDatabase } from "../helpers/db.ts";
import { startTestServer } from "../helpers/server.ts";

export interface RealtimeHarness {
  url: string;
  jwtSecret: string;
  anonKey: string;
  realtime: RealtimeServer;
  /** A client of the official library, not yet connected; closed by close(). */
  client(options?: Partial<RealtimeClientOptions> & { apikey?: string }): RealtimeClient;
  close(): Promise<void>;
}

export async function startRealtimeHarness(
  db: TestDatabase,
  options: Omit<RealtimeOptions, "jwtSecret" | "logger">,
  clientDefaults: Partial<RealtimeClientOptions> = {},
): Promise<RealtimeHarness> {
  const http = await startTestServer(db);
  const realtime = attachRealtime(http.server, { jwtSecret: db.jwtSecret, logger: createLogger("silent"), ...options });
  const clients: RealtimeClient[] = [];
  const key = anonKey(db.jwtSecret);
  return {
    url: http.url,
    jwtSecret: db.jwtSecret,
    anonKey: key,
    realtime,
    client({ apikey = key, ...clientOptions } = {}) {
      const client = new RealtimeClient(`${http.url}/realtime/v1`, {
        params: { apikey },
        timeout: 5_000,
        reconnectAfterMs: () => 200,
        ...clientDefaults,
        ...clientOptions,
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map(disconnect));
      await realtime.close();
      await http.close();
    },
  };
}

/**
 * Leaves every channel (which stops their rejoin timers) and disconnects,
 * minus the 10 s timer realtime-js 2.119 starts in SocketAdapter.disconnect
 * and never clears (it would keep jest from exiting): timers started during
 * that call are unref'd.
 */
export async function disconnect(client: RealtimeClient): Promise<void> {
  for (const channel of client.getChannels()) {
    await channel.unsubscribe();
    channel.teardown();
  }
  const setTimeoutOfTheClient = globalThis.setTimeout;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => setTimeoutOfTheClient(...args).unref()) as typeof setTimeout;
  let disconnected: Promise<unknown>;
  try {
    disconnected = client.disconnect();
  } finally {
    globalThis.setTimeout = setTimeoutOfTheClient;
  }
  await disconnected;
}

/**
 * Resolves on SUBSCRIBED; rejects with the client's error on CHANNEL_ERROR or
 * CLOSED. TIMED_OUT is not an answer: on a loaded machine the join reply can
 * come after the client's push timeout, and realtime-js then joins again by
 * itself; the state waited for is SUBSCRIBED (jest's timeout bounds the wait).
 */
export function subscribed(channel: RealtimeChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === "SUBSCRIBED") resolve();
      else if (status !== "TIMED_OUT") reject(error ?? new Error(status));
    });
  });
}

export type TokenRole = "keepr_staff" | "keepr_guest";

/** A session token as Keepr's login signs it. */
export function userToken(secret: string, role: TokenRole, options: { sub?: string; sessionId?: string; expiresInSeconds?: number } = {}): string {
  return jwt.sign({ role, sub: options.sub ?? randomUUID(), session_id: options.sessionId ?? randomUUID() }, secret, {
    algorithm: "HS256", audience: "keepr", issuer: "keepr", expiresIn: options.expiresInSeconds ?? 3600,
  });
}

/** Values pushed by callbacks, awaited one by one with a timeout instead of sleeps. */
export class EventQueue<T> {
  readonly seen: T[] = [];
  private readonly waiting: Array<{ accept: (item: T) => boolean; resolve: (item: T) => void }> = [];
  private consumed = 0;

  push = (item: T): void => {
    this.seen.push(item);
    this.drain();
  };

  /**
   * The next item not yet taken that satisfies accept (items skipped over
   * stay in `seen`). timeoutMs only bounds a failure: it is generous so a
   * loaded machine (the suite under `npm run test:loaded`) is not one.
   */
  next(accept: (item: T) => boolean = () => true, timeoutMs = 15_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; seen: ${JSON.stringify(this.seen)}`)), timeoutMs);
      this.waiting.push({ accept, resolve: (item) => (clearTimeout(timer), resolve(item)) });
      this.drain();
    });
  }

  private drain(): void {
    while (this.waiting.length > 0 && this.consumed < this.seen.length) {
      const item = this.seen[this.consumed++]!;
      const index = this.waiting.findIndex((waiter) => waiter.accept(item));
      if (index >= 0) this.waiting.splice(index, 1)[0]!.resolve(item);
    }
  }
}

export type RawFrame = unknown[] | { binary: Buffer };

/** A bare `ws` client speaking the protocol by hand, to check the wire format and misbehave on purpose. */
export interface RawClient {
  socket: WebSocket;
  frames: EventQueue<RawFrame>;
  closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown[] | string | Buffer): void;
}

export async function rawClient(baseUrl: string, apikey: string, vsn = "2.0.0"): Promise<RawClient> {
  const url = `${baseUrl.replace(/^http/, "ws")}/realtime/v1/websocket?apikey=${encodeURIComponent(apikey)}&vsn=${vsn}`;
  const socket = new WebSocket(url);
  const frames = new EventQueue<RawFrame>();
  socket.on("message", (data: Buffer, isBinary: boolean) => frames.push(isBinary ? { binary: data } : (JSON.parse(data.toString()) as unknown[])));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return {
    socket,
    frames,
    closed,
    send: (frame) => socket.send(Array.isArray(frame) ? JSON.stringify(frame) : frame),
  };
}

/** The status and JSON body with which an upgrade is refused. */
export function refusedUpgrade(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on("open", () => reject(new Error("the upgrade was accepted")));
    socket.on("error", () => undefined);
    socket.on("unexpected-response", (_request, response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
  });
}

export type Presences = Record<string, Array<Record<string, unknown>>>;
export type BroadcastMessage = { event: string; payload: unknown };

/** What a channel receives, as queues: its broadcasts, and its presence state at each sync. */
export function listen(channel: RealtimeChannel): { broadcasts: EventQueue<BroadcastMessage>; syncs: EventQueue<Presences> } {
  const broadcasts = new EventQueue<BroadcastMessage>();
  const syncs = new EventQueue<Presences>();
  channel
    .on("broadcast", { event: "*" }, (message: BroadcastMessage) => broadcasts.push(message))
    .on("presence", { event: "sync" }, () => syncs.push(channel.presenceState() as Presences));
  return { broadcasts, syncs };
}
