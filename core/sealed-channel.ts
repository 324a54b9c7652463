// One NOTIFY channel between Keepr's processes, sealed (core/sealed-frames.ts):
// a LISTEN connection kept up with backoff, messages (JSON, one frame each)
// sent in order a batch per statement, and what arrives opened and judged
// before anyone sees it. The search cache's feed uses it (realtime sends,
// the API listens); the realtime bus (realtime/bus.ts) has its own, with
// messages in several parts and presence on top.
//
// What a receiver drops, counts and warns about (at most once a minute):
// frames that are not sealed frames (malformed), do not open (forged, or
// another deployment's secret), repeat or go back on a sequence number
// already accepted from their origin (replayed), or are stamped further than
// clockToleranceMs from this process's clock (stale). Anyone who may log in
// to the database can NOTIFY on the channel: none of that reaches onMessage.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { FrameSealer, maxFrameData } from "./sealed-frames.ts";

/** The logger a channel writes to (pino's, or realtime's). */
export interface ChannelLogger {
  warn(details: Record<string, unknown>, message: string): void;
  debug(details: Record<string, unknown>, message: string): void;
}

export interface SealedChannelOptions {
  /** A login that may call pg_notify() (Keepr uses the API's authenticator); LISTEN needs no grant. */
  connectionString: string;
  /** The deployment's secret (Keepr passes its JWT secret): keys are derived from it. */
  secret: string;
  channel: string;
  /** application_name of the connection. */
  applicationName: string;
  logger: ChannelLogger;
  /** Listen (and hear others) or only send. Default true. */
  listen?: boolean;
  /** An authentic, fresh message from another process, with the time its sender stamped it. */
  onMessage?(message: unknown, meta: { origin: string; sentAt: number }): void;
  /** The LISTEN connection is up (again): messages sent meanwhile were not heard. */
  onConnected?(): void;
  /** The connection was lost: nothing is heard until onConnected. */
  onLost?(): void;
  /** A frame was dropped (counted in `dropped` too). */
  onDrop?(reason: keyof ChannelDrops): void;
  /** Waits before reconnecting after consecutive failures; the last one repeats. Default 0.5, 1, 2, 5 s. */
  reconnectDelaysMs?: readonly number[];
  /** A message stamped further than this from this process's clock, either way, is dropped. Default 30 s. */
  clockToleranceMs?: number;
  now?: () => number;
}

/** Messages dropped since the start, by reason. */
export interface ChannelDrops {
  malformed: number;
  forged: number;
  replayed: number;
  stale: number;
}

/** Notifications sent in one statement. */
const maxBatch = 200;
const dropWarningIntervalMs = 60_000;

export class SealedChannel {
  readonly origin = randomUUID();
  readonly #options: SealedChannelOptions;
  readonly #sealer: FrameSealer;
  readonly #reconnectDelaysMs: readonly number[];
  readonly #clockToleranceMs: number;
  readonly #now: () => number;
  #client: pg.Client | null = null;
  #closed = false;
  #sequence = 0;
  readonly #outbox: string[] = [];
  #flushing: Promise<void> | null = null;
  /** origin → the last sequence accepted from it and when (forgotten 2 × clockToleranceMs after). */
  readonly #received = new Map<string, { sequence: number; at: number }>();
  readonly #drops: ChannelDrops = { malformed: 0, forged: 0, replayed: 0, stale: 0 };
  #dropsUnreported = 0;
  #lastDropWarning = -Infinity;
  readonly #running: Promise<void>;
  #wakeUp: () => void = () => {};

  constructor(options: SealedChannelOptions) {
    if (!options.secret) throw new Error(`The sealed channel ${options.channel} needs the deployment's secret.`);
    this.#options = options;
    this.#sealer = new FrameSealer(options.secret, options.channel, this.origin);
    this.#reconnectDelaysMs = options.reconnectDelaysMs ?? [500, 1_000, 2_000, 5_000];
    this.#clockToleranceMs = options.clockToleranceMs ?? 30_000;
    this.#now = options.now ?? Date.now;
    this.#running = this.#run();
  }

  /** Whether the connection is up (and listening, when it listens). */
  get connected(): boolean {
    return this.#client !== null;
  }

  get dropped(): Readonly<ChannelDrops> {
    return { ...this.#drops };
  }

  /** The most bytes of JSON one message may have. */
  static readonly maxMessageBytes = maxFrameData;

  /**
   * Seals a message and queues it; false (nothing sent) while the connection
   * is down. Throws when the message does not fit one frame (the caller splits).
   */
  send(message: unknown): boolean {
    const data = Buffer.from(JSON.stringify(message));
    if (data.length > maxFrameData) throw new Error(`a message on ${this.#options.channel} has ${data.length} bytes; at most ${maxFrameData} fit`);
    if (!this.#client) return false;
    this.#outbox.push(this.#sealer.seal(this.#sequence++, this.#now(), 0, 1, data));
    void this.#flush();
    return true;
  }

  async close(): Promise<void> {
    if (this.#closed) return this.#running;
    await this.#flush();
    this.#closed = true;
    await this.#client?.end().catch(() => undefined);
    this.#wakeUp();
    await this.#running;
  }

  async #run(): Promise<void> {
    const { connectionString, applicationName, channel, logger } = this.#options;
    let failures = 0;
    while (!this.#closed) {
      const client = new pg.Client({ connectionString, application_name: applicationName });
      const lost = new Promise<void>((resolve) => {
        client.on("error", (error) => {
          if (!this.#closed) logger.warn({ err: error, channel }, "sealed channel connection failed");
          resolve();
        });
        client.on("end", () => resolve());
      });
      client.on("notification", (n) => {
        if (n.channel === channel && n.payload) this.#receive(n.payload);
      });
      try {
        await client.connect();
        if (this.#options.listen !== false) await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      } catch (error) {
        client.end().catch(() => undefined);
        if (this.#closed) return;
        logger.warn({ err: error, channel }, "sealed channel could not connect; retrying");
        await this.#pause(this.#reconnectDelaysMs[Math.min(failures++, this.#reconnectDelaysMs.length - 1)]!);
        continue;
      }
      if (this.#closed) {
        await client.end().catch(() => undefined);
        return;
      }
      failures = 0;
      this.#client = client;
      this.#options.onConnected?.();
      await lost;
      this.#client = null;
      this.#outbox.length = 0;
      if (this.#closed) return;
      this.#options.onLost?.();
      logger.warn({ channel }, "sealed channel connection lost; reconnecting");
      await this.#pause(this.#reconnectDelaysMs[0]!);
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  #flush(): Promise<void> {
    this.#flushing ??= (async () => {
      while (this.#outbox.length > 0 && this.#client) {
        const client = this.#client;
        const batch = this.#outbox.splice(0, maxBatch);
        try {
          await client.query("select pg_notify($1, payload) from unnest($2::text[]) as payload", [this.#options.channel, batch]);
        } catch (error) {
          if (!this.#closed) this.#options.logger.warn({ err: error, dropped: batch.length, channel: this.#options.channel }, "sealed channel could not send");
        }
      }
      if (!this.#client) this.#outbox.length = 0;
    })().finally(() => {
      this.#flushing = null;
      if (this.#outbox.length > 0 && this.#client) void this.#flush();
    });
    return this.#flushing;
  }

  #receive(payload: string): void {
    const frame = this.#sealer.open(payload);
    if (frame === "own") return;
    if (typeof frame === "string") return this.#drop(frame);
    if (frame.parts !== 1) return this.#drop("malformed", frame.origin);
    const last = this.#received.get(frame.origin);
    if (last && frame.sequence <= last.sequence) return this.#drop("replayed", frame.origin);
    const now = this.#now();
    if (!(Math.abs(now - frame.sentAt) <= this.#clockToleranceMs)) return this.#drop("stale", frame.origin);
    this.#received.set(frame.origin, { sequence: frame.sequence, at: now });
    this.#forgetOldOrigins(now);
    let message: unknown;
    try {
      message = JSON.parse(frame.data.toString("utf8"));
    } catch {
      return this.#drop("malformed", frame.origin);
    }
    this.#options.onMessage?.(message, { origin: frame.origin, sentAt: frame.sentAt });
  }

  /** An origin's last sequence is kept until a replay of anything it sent would be stale anyway. */
  #forgetOldOrigins(now: number): void {
    if (this.#received.size < 64) return;
    for (const [origin, { at }] of this.#received) {
      if (now - at > 2 * this.#clockToleranceMs) {
        this.#received.delete(origin);
        this.#sealer.forget(origin);
      }
    }
  }

  #drop(reason: keyof ChannelDrops, origin?: string): void {
    this.#drops[reason]++;
    this.#dropsUnreported++;
    this.#options.onDrop?.(reason);
    const now = Date.now();
    if (now - this.#lastDropWarning < dropWarningIntervalMs) return;
    this.#options.logger.warn(
      { reason, origin, dropped: this.#dropsUnreported, totals: { ...this.#drops }, channel: this.#options.channel },
      "sealed channel dropped messages it could not trust (another database login notifying on it, another deployment's secret, a replay, or a clock that is off)",
    );
    this.#lastDropWarning = now;
    this.#dropsUnreported = 0;
  }
}
