// Where broadcast and presence events of a topic travel between channels.
// The local bus delivers to this instance's sockets only (a server on its
// own, and the unit tests). The Postgres bus also carries every event to
// the other Keepr instances on the same database, over LISTEN/NOTIFY on one
// connection per instance, so two desks connected to different instances
// see each other's broadcasts and presence:
// - Events from this instance's channels are delivered here at once and
//   sent to the others in order (one connection, one statement per batch).
//   A payload too big for one NOTIFY (8000 bytes) goes in numbered parts.
// - Presence is reconciled per instance (its origin): an instance that
//   (re)connects says hello with everything its channels track and the
//   others answer with theirs, which heals diffs missed while it was away.
//   Instances send `alive` every few seconds; one not heard from for
//   deadAfterMs (crashed, cut off) has its presence dropped, with the
//   leaves told to the channels, and a clean stop says bye.
// - Broadcast is at most once across instances, like the protocol's: one
//   sent while this instance's connection is down reaches only its own
//   sockets.
import { Buffer } from "node:buffer";
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { BroadcastBody } from "./protocol.ts";
import { PresenceRegistry, type PresenceDiff, type PresenceSnapshot } from "./presence.ts";
import type { RealtimeLogger } from "./types.ts";

/** Topics are per privacy: a public and a private channel of the same name never share events. */
export type BusTopic = string;

export type TopicEvent =
  | { kind: "broadcast"; topic: BusTopic; senderChannelId: string; userEvent: string; body: BroadcastBody }
  | { kind: "presence_diff"; topic: BusTopic; diff: PresenceDiff };

export interface TopicBus {
  /** The presence of every topic, this instance's and (on a shared bus) the others'. */
  readonly presence: PresenceRegistry;
  /** An event from one of this instance's channels: delivered here at once, and to the other instances. */
  publish(event: TopicEvent): void;
  /** Registers the function that delivers events to this instance's channels. */
  onDeliver(deliver: (event: TopicEvent) => void): void;
  close(): Promise<void>;
}

export function busTopic(channelName: string, isPrivate: boolean): BusTopic {
  return `${isPrivate ? "private" : "public"}:${channelName}`;
}

/** Delivers every event synchronously to this instance only. */
export function createLocalTopicBus(): TopicBus {
  return new LocalTopicBus();
}

class LocalTopicBus implements TopicBus {
  readonly presence = new PresenceRegistry();
  readonly instanceId = randomUUID();
  private readonly receivers: Array<(event: TopicEvent) => void> = [];

  publish(event: TopicEvent): void {
    if (event.kind === "presence_diff") this.presence.apply(event.topic, event.diff, this.instanceId);
    this.deliver(event);
  }

  onDeliver(deliver: (event: TopicEvent) => void): void {
    this.receivers.push(deliver);
  }

  protected deliver(event: TopicEvent): void {
    for (const deliver of this.receivers) deliver(event);
  }

  async close(): Promise<void> {}
}

export interface PostgresBusOptions {
  /** Any login of the database (Keepr uses the API's authenticator); LISTEN and NOTIFY need no grant. */
  connectionString: string;
  logger: RealtimeLogger;
  /** The NOTIFY channel every instance of one deployment shares. */
  channel?: string;
  /** How often an instance says it is alive (default 5 s). */
  aliveIntervalMs?: number;
  /** An instance silent this long has its presence dropped (default 15 s). */
  deadAfterMs?: number;
  /** Waits before reconnecting after consecutive failures; the last one repeats (default 0.5, 1, 2, 5 s). */
  reconnectDelaysMs?: readonly number[];
}

/** What instances say to each other, as JSON. */
type WireMessage =
  | { k: "broadcast"; topic: BusTopic; sender: string; event: string; json?: string; base64?: string }
  | { k: "presence_diff"; topic: BusTopic; diff: PresenceDiff }
  | { k: "hello"; presence: PresenceSnapshot }
  | { k: "state"; presence: PresenceSnapshot }
  | { k: "alive" }
  | { k: "bye" };

/** NOTIFY payloads must be shorter than 8000 bytes; the header takes under 100. */
const maxNotifyData = 7_800;
const partChars = 7_000;
/** Notifications sent in one statement. */
const maxBatch = 200;

export function createPostgresTopicBus(options: PostgresBusOptions): PostgresTopicBus {
  return new PostgresTopicBus(options);
}

export class PostgresTopicBus extends LocalTopicBus {
  private readonly channel: string;
  private readonly logger: RealtimeLogger;
  private readonly aliveIntervalMs: number;
  private readonly deadAfterMs: number;
  private readonly reconnectDelaysMs: readonly number[];
  private client: pg.Client | null = null;
  private readonly outbox: string[] = [];
  private flushing: Promise<void> | null = null;
  private sequence = 0;
  /** origin → when it was last heard from */
  private readonly lastSeen = new Map<string, number>();
  /** `${origin} ${sequence}` → the parts of a message received so far */
  private readonly partial = new Map<string, string[]>();
  private readonly aliveTimer: NodeJS.Timeout;
  private closed = false;
  private readonly running: Promise<void>;
  private wakeUp: () => void = () => {};

  private readonly options: PostgresBusOptions;

  constructor(options: PostgresBusOptions) {
    super();
    this.options = options;
    this.channel = options.channel ?? "keepr_realtime_bus";
    this.logger = options.logger.child({ component: "realtime-bus", instance: this.instanceId });
    this.aliveIntervalMs = options.aliveIntervalMs ?? 5_000;
    this.deadAfterMs = options.deadAfterMs ?? 15_000;
    this.reconnectDelaysMs = options.reconnectDelaysMs ?? [500, 1_000, 2_000, 5_000];
    this.aliveTimer = setInterval(() => this.tick(), this.aliveIntervalMs);
    this.aliveTimer.unref();
    this.running = this.run();
  }

  /** Whether the LISTEN connection is up. */
  get connected(): boolean {
    return this.client !== null;
  }

  override publish(event: TopicEvent): void {
    super.publish(event);
    if (event.kind === "broadcast") {
      const { body } = event;
      this.send({
        k: "broadcast", topic: event.topic, sender: event.senderChannelId, event: event.userEvent,
        ...(body.encoding === "json" ? { json: body.json } : { base64: Buffer.from(body.bytes).toString("base64") }),
      });
    } else {
      this.send({ k: "presence_diff", topic: event.topic, diff: event.diff });
    }
  }

  override async close(): Promise<void> {
    if (this.closed) return this.running;
    this.closed = true;
    clearInterval(this.aliveTimer);
    this.send({ k: "bye" });
    await this.flush();
    this.client?.end().catch(() => undefined);
    this.wakeUp();
    await this.running;
  }

  /** Connects, listens and says hello; again, with backoff, whenever the connection is lost. */
  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      const client = new pg.Client({ connectionString: this.options.connectionString, application_name: "keepr-realtime-bus" });
      const lost = new Promise<void>((resolve) => {
        client.on("error", (error) => {
          if (!this.closed) this.logger.warn({ err: error }, "realtime bus connection failed");
          resolve();
        });
        client.on("end", () => resolve());
      });
      client.on("notification", (notification) => {
        if (notification.channel === this.channel && notification.payload) this.receive(notification.payload);
      });
      try {
        await client.connect();
        await client.query(`listen ${pg.escapeIdentifier(this.channel)}`);
      } catch (error) {
        client.end().catch(() => undefined);
        if (this.closed) return;
        this.logger.warn({ err: error }, "realtime bus could not connect; retrying");
        await this.pause(this.reconnectDelaysMs[Math.min(failures++, this.reconnectDelaysMs.length - 1)]!);
        continue;
      }
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      failures = 0;
      this.client = client;
      // Others may have spoken while we could not hear: a grace period before judging them, and a hello.
      const now = Date.now();
      for (const origin of this.lastSeen.keys()) this.lastSeen.set(origin, now);
      this.send({ k: "hello", presence: this.presence.snapshot(this.instanceId) });
      this.logger.debug({}, "realtime bus listening");
      await lost;
      this.client = null;
      this.partial.clear();
      if (this.closed) return;
      this.logger.warn({}, "realtime bus connection lost; reconnecting");
      await this.pause(this.reconnectDelaysMs[0]!);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Queues a message for the other instances (dropped while the connection is down; hello heals presence). */
  private send(message: WireMessage): void {
    if (!this.client) return;
    const json = JSON.stringify(message);
    const sequence = this.sequence++;
    if (Buffer.byteLength(json) <= maxNotifyData) {
      this.outbox.push(`${this.instanceId} ${sequence} 0 1 ${json}`);
    } else {
      const data = Buffer.from(json).toString("base64");
      const parts = Math.ceil(data.length / partChars);
      for (let part = 0; part < parts; part++) {
        this.outbox.push(`${this.instanceId} ${sequence} ${part} ${parts} ${data.slice(part * partChars, (part + 1) * partChars)}`);
      }
    }
    void this.flush();
  }

  /** Sends the outbox in order, a batch per statement, one statement at a time. */
  private flush(): Promise<void> {
    this.flushing ??= (async () => {
      while (this.outbox.length > 0 && this.client) {
        const client = this.client;
        const batch = this.outbox.splice(0, maxBatch);
        try {
          await client.query("select pg_notify($1, payload) from unnest($2::text[]) as payload", [this.channel, batch]);
        } catch (error) {
          if (!this.closed) this.logger.warn({ err: error, dropped: batch.length }, "realtime bus could not send; the messages reach this instance only");
        }
      }
      if (!this.client) this.outbox.length = 0;
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private receive(payload: string): void {
    const [origin, sequence, part, parts] = payload.split(" ", 4) as [string, string, string, string];
    if (origin === this.instanceId) return;
    this.lastSeen.set(origin, Date.now());
    const data = payload.slice(origin.length + sequence.length + part.length + parts.length + 4);
    let json: string;
    if (parts === "1") {
      json = data;
    } else {
      const id = `${origin} ${sequence}`;
      const received = this.partial.get(id) ?? [];
      received[Number(part)] = data;
      if (received.filter((chunk) => chunk !== undefined).length < Number(parts)) {
        this.partial.set(id, received);
        return;
      }
      this.partial.delete(id);
      json = Buffer.from(received.join(""), "base64").toString("utf8");
    }
    try {
      this.handle(origin, JSON.parse(json) as WireMessage);
    } catch (error) {
      this.logger.error({ err: error, origin }, "realtime bus message not handled");
    }
  }

  private handle(origin: string, message: WireMessage): void {
    switch (message.k) {
      case "broadcast": {
        const body: BroadcastBody = message.base64 !== undefined
          ? { encoding: "binary", bytes: new Uint8Array(Buffer.from(message.base64, "base64")) }
          : { encoding: "json", json: message.json ?? "{}" };
        return this.deliver({ kind: "broadcast", topic: message.topic, senderChannelId: message.sender, userEvent: message.event, body });
      }
      case "presence_diff":
        this.presence.apply(message.topic, message.diff, origin);
        return this.deliver({ kind: "presence_diff", topic: message.topic, diff: message.diff });
      case "hello":
        this.replace(origin, message.presence);
        return this.send({ k: "state", presence: this.presence.snapshot(this.instanceId) });
      case "state":
        return this.replace(origin, message.presence);
      case "bye":
        this.lastSeen.delete(origin);
        return this.replace(origin, {});
      case "alive":
        return;
    }
  }

  private replace(origin: string, snapshot: PresenceSnapshot): void {
    for (const { topic, diff } of this.presence.replaceOrigin(origin, snapshot)) this.deliver({ kind: "presence_diff", topic, diff });
  }

  /** Says alive, and drops the presence of instances not heard from for deadAfterMs. */
  private tick(): void {
    if (!this.client) return;
    this.send({ k: "alive" });
    const now = Date.now();
    for (const origin of this.presence.origins()) {
      if (origin !== this.instanceId && !this.lastSeen.has(origin)) this.lastSeen.set(origin, now);
    }
    for (const [origin, seen] of this.lastSeen) {
      if (now - seen < this.deadAfterMs) continue;
      this.logger.warn({ origin, silentMs: now - seen }, "realtime instance silent; dropping its presence");
      this.lastSeen.delete(origin);
      for (const id of this.partial.keys()) if (id.startsWith(`${origin} `)) this.partial.delete(id);
      this.replace(origin, {});
    }
  }
}
