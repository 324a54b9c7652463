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
//   leaves told to the channels, and a clean stop says bye. One judged dead
//   that speaks again (it was only stalled) is asked for its presence (a
//   hello, which every instance answers), and an instance whose own thread
//   was held up judges no one until it has heard what arrived meanwhile.
// - Broadcast is at most once across instances, like the protocol's: one
//   sent while this instance's connection is down reaches only its own
//   sockets.
// - Any login of the database may LISTEN and NOTIFY on the channel (neither
//   needs a grant), so nothing on it is in clear or taken on trust: every
//   NOTIFY is sealed with AES-256-GCM under a key derived (HKDF) from the
//   deployment's secret, which only Keepr's processes hold, and carries its
//   origin, a per-origin sequence number and the time it was sent. What
//   does not open, repeats a sequence already seen, or is stamped too far
//   from this instance's clock is dropped, counted, and warned about at
//   most once a minute.
import { Buffer } from "node:buffer";
import { randomUUID } from "node:crypto";
import { FrameSealer, maxFrameData } from "../core/sealed-frames.ts";
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
  /** A login of the database that may call pg_notify() (Keepr uses the API's authenticator); LISTEN needs no grant. */
  connectionString: string;
  /**
   * The secret every instance of the deployment holds and no database login can read (Keepr passes its
   * JWT secret). The bus's keys are derived from it, so instances with another secret (another
   * deployment on the same database) neither read these nor are read by them.
   */
  secret: string;
  logger: RealtimeLogger;
  /** The NOTIFY channel every instance of one deployment shares. */
  channel?: string;
  /** How often an instance says it is alive (default 5 s). */
  aliveIntervalMs?: number;
  /** An instance silent this long has its presence dropped (default 15 s). */
  deadAfterMs?: number;
  /** Waits before reconnecting after consecutive failures; the last one repeats (default 0.5, 1, 2, 5 s). */
  reconnectDelaysMs?: readonly number[];
  /** A message stamped further than this from this instance's clock, either way, is dropped (default 30 s). */
  clockToleranceMs?: number;
  /** The clock messages are stamped and judged with (default Date.now; tests set one wrong on purpose). */
  now?: () => number;
}

/** Messages from the channel that were dropped, by reason, since the bus started. */
export interface BusDrops {
  /** Not a sealed frame at all: the old plaintext format, arbitrary text. */
  malformed: number;
  /** Did not authenticate: forged, garbled, or sealed with another deployment's secret. */
  forged: number;
  /** Authentic, but its sequence number is not above the last one received from its origin: a replay. */
  replayed: number;
  /** Authentic, but stamped more than clockToleranceMs from this instance's clock: an old capture, or a clock that is off. */
  stale: number;
}

/** What instances say to each other, as JSON, sealed. */
type WireMessage =
  | { k: "broadcast"; topic: BusTopic; sender: string; event: string; json?: string; base64?: string }
  | { k: "presence_diff"; topic: BusTopic; diff: PresenceDiff }
  | { k: "hello"; presence: PresenceSnapshot }
  | { k: "state"; presence: PresenceSnapshot }
  | { k: "alive" }
  | { k: "bye" };

// Frames (one NOTIFY each, sealed; a message too long for one goes in
// several): core/sealed-frames.ts.
/** Notifications sent in one statement. */
const maxBatch = 200;
/** Drops are warned about at most this often (each warning counts those since the last). */
const dropWarningIntervalMs = 60_000;

export function createPostgresTopicBus(options: PostgresBusOptions): PostgresTopicBus {
  return new PostgresTopicBus(options);
}

export class PostgresTopicBus extends LocalTopicBus {
  private readonly channel: string;
  private readonly logger: RealtimeLogger;
  private readonly aliveIntervalMs: number;
  private readonly deadAfterMs: number;
  private readonly reconnectDelaysMs: readonly number[];
  private readonly clockToleranceMs: number;
  private readonly now: () => number;
  private readonly sealer: FrameSealer;
  private client: pg.Client | null = null;
  private readonly outbox: string[] = [];
  private flushing: Promise<void> | null = null;
  /** The sequence number of this instance's next frame. */
  private sequence = 0;
  /** origin → when it was last heard from */
  private readonly lastSeen = new Map<string, number>();
  /** Origins heard from while not in lastSeen (new, or judged dead for silence), until their first whole message. */
  private readonly strangers = new Set<string>();
  /** When this instance last said hello (asked every instance for its presence). */
  private lastHelloAt = -Infinity;
  /** When tick() last ran: a tick much later than its interval means this instance's own thread was held up. */
  private lastTickAt = Date.now();
  /** origin → the last sequence number accepted from it, and when (kept 2 × clockToleranceMs past its last frame) */
  private readonly received = new Map<string, { sequence: number; at: number }>();
  /** origin → the message it is sending in parts: their count, the chunks so far, the sequence of the next */
  private readonly assembling = new Map<string, { parts: number; chunks: Buffer[]; next: number }>();
  private readonly drops: BusDrops = { malformed: 0, forged: 0, replayed: 0, stale: 0 };
  private dropsUnreported = 0;
  private lastDropWarning = -Infinity;
  private readonly aliveTimer: NodeJS.Timeout;
  private closed = false;
  private readonly running: Promise<void>;
  private wakeUp: () => void = () => {};

  private readonly options: PostgresBusOptions;

  constructor(options: PostgresBusOptions) {
    super();
    if (!options.secret) throw new Error("The realtime bus needs the deployment's secret (the JWT secret) to seal its messages.");
    this.options = options;
    this.channel = options.channel ?? "keepr_realtime_bus";
    this.logger = options.logger.child({ component: "realtime-bus", instance: this.instanceId });
    this.aliveIntervalMs = options.aliveIntervalMs ?? 5_000;
    this.deadAfterMs = options.deadAfterMs ?? 15_000;
    this.reconnectDelaysMs = options.reconnectDelaysMs ?? [500, 1_000, 2_000, 5_000];
    this.clockToleranceMs = options.clockToleranceMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.sealer = new FrameSealer(options.secret, this.channel, this.instanceId);
    this.aliveTimer = setInterval(() => this.tick(), this.aliveIntervalMs);
    this.aliveTimer.unref();
    this.running = this.run();
  }

  /** Whether the LISTEN connection is up. */
  get connected(): boolean {
    return this.client !== null;
  }

  /** What was dropped from the channel since the start, by reason. */
  get dropped(): Readonly<BusDrops> {
    return { ...this.drops };
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
      this.excuseSilence(Date.now());
      this.sayHello();
      this.logger.debug({}, "realtime bus listening");
      await lost;
      this.client = null;
      this.assembling.clear();
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

  /** Counts every instance's silence from now: this instance could not hear them until now. */
  private excuseSilence(now: number): void {
    for (const origin of this.lastSeen.keys()) this.lastSeen.set(origin, now);
  }

  /** Tells the others everything this instance's channels track; each answers with its own (state). */
  private sayHello(): void {
    this.lastHelloAt = Date.now();
    this.send({ k: "hello", presence: this.presence.snapshot(this.instanceId) });
  }

  /** Seals a message for the other instances and queues it (dropped while the connection is down; hello heals presence). */
  private send(message: WireMessage): void {
    if (!this.client) return;
    const data = Buffer.from(JSON.stringify(message));
    const parts = Math.max(1, Math.ceil(data.length / maxFrameData));
    const sentAt = this.now();
    for (let part = 0; part < parts; part++) {
      this.outbox.push(this.sealer.seal(this.sequence++, sentAt, part, parts, data.subarray(part * maxFrameData, (part + 1) * maxFrameData)));
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
      // A message queued after the loop saw an empty outbox, before this
      // ran, would wait for the next send: flush it now.
      if (this.outbox.length > 0 && this.client) void this.flush();
    });
    return this.flushing;
  }

  /** Opens a frame and, once its message is whole, handles it; anything not to be trusted is dropped. */
  private receive(payload: string): void {
    const frame = this.sealer.open(payload);
    if (frame === "own") return;
    if (typeof frame === "string") return this.drop(frame);
    const { origin, sequence } = frame;
    const last = this.received.get(origin);
    if (last && sequence <= last.sequence) return this.drop("replayed", origin);
    if (!(Math.abs(this.now() - frame.sentAt) <= this.clockToleranceMs)) return this.drop("stale", origin);
    const now = Date.now();
    if (!this.lastSeen.has(origin)) this.strangers.add(origin);
    this.received.set(origin, { sequence, at: now });
    this.lastSeen.set(origin, now);

    let data: Buffer;
    if (frame.parts === 1) {
      data = frame.data;
    } else {
      // The parts of a message are consecutive frames of its origin, which arrive in order.
      let pending = this.assembling.get(origin);
      if (frame.part === 0) {
        pending = { parts: frame.parts, chunks: [frame.data], next: sequence + 1 };
        this.assembling.set(origin, pending);
      } else if (pending && pending.parts === frame.parts && pending.chunks.length === frame.part && pending.next === sequence) {
        pending.chunks.push(frame.data);
        pending.next = sequence + 1;
      } else {
        this.assembling.delete(origin);
        this.logger.warn({ origin }, "realtime bus missed part of a message; it is dropped");
        return;
      }
      if (pending.chunks.length < pending.parts) return;
      this.assembling.delete(origin);
      data = Buffer.concat(pending.chunks);
    }
    try {
      this.handle(origin, JSON.parse(data.toString("utf8")) as WireMessage);
    } catch (error) {
      this.logger.error({ err: error, origin }, "realtime bus message not handled");
    }
  }

  /** Counts a dropped frame; warns at once, then at most once per interval with the count since. */
  private drop(reason: keyof BusDrops, origin?: string): void {
    this.drops[reason]++;
    this.dropsUnreported++;
    this.warnOfDrops(reason, origin);
  }

  private warnOfDrops(reason?: keyof BusDrops, origin?: string): void {
    const now = Date.now();
    if (this.dropsUnreported === 0 || now - this.lastDropWarning < dropWarningIntervalMs) return;
    this.logger.warn(
      { reason, origin, dropped: this.dropsUnreported, totals: { ...this.drops } },
      "realtime bus dropped messages it could not trust (another database login notifying on its channel, another deployment's secret, a replay, or a clock that is off)",
    );
    this.lastDropWarning = now;
    this.dropsUnreported = 0;
  }

  private handle(origin: string, message: WireMessage): void {
    if (this.strangers.delete(origin) && message.k !== "hello" && message.k !== "state" && message.k !== "bye") {
      // An instance not known here, or judged dead for its silence and
      // speaking again (a stalled process, a held-up connection): what it
      // tracks is not here. Ask (a hello, which every instance answers with
      // its presence), unless a hello is already out.
      this.logger.info({ origin }, "realtime bus heard from an instance it did not know or had judged dead; asking for presence");
      if (Date.now() - this.lastHelloAt > this.aliveIntervalMs) this.sayHello();
    }
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

  /** Says alive, drops the presence of instances not heard from for deadAfterMs, and forgets long-gone origins. */
  private tick(): void {
    this.warnOfDrops();
    const now = Date.now();
    const heldUp = now - this.lastTickAt > 2 * this.aliveIntervalMs;
    this.lastTickAt = now;
    if (!this.client) return;
    this.send({ k: "alive" });
    if (heldUp) {
      // This instance's thread was held up (a long synchronous task, a
      // starved process): what the others said meanwhile is still unread
      // in the connection, so their silence is ours. Judge from now on.
      this.excuseSilence(now);
      return;
    }
    for (const origin of this.presence.origins()) {
      if (origin !== this.instanceId && !this.lastSeen.has(origin)) this.lastSeen.set(origin, now);
    }
    for (const [origin, seen] of this.lastSeen) {
      if (now - seen < this.deadAfterMs) continue;
      this.logger.warn({ origin, silentMs: now - seen }, "realtime instance silent; dropping its presence");
      this.lastSeen.delete(origin);
      this.assembling.delete(origin);
      this.replace(origin, {});
    }
    // An origin's last sequence number is kept until a replay of anything it sent would be stale anyway.
    for (const [origin, { at }] of this.received) {
      if (this.lastSeen.has(origin) || now - at <= 2 * this.clockToleranceMs) continue;
      this.received.delete(origin);
      this.strangers.delete(origin);
      this.sealer.forget(origin);
    }
  }
}
