// One client WebSocket: its protocol version, the identity of its apikey,
// the channels it has joined, and the rules that keep one client from
// hurting the server: its frames are handled one at a time in arrival
// order, a socket silent for too long is closed, and a socket that does not
// read fast enough is dropped rather than buffered without bound.
import { randomUUID } from "node:crypto";
import type { Buffer } from "node:buffer";
import WebSocket from "ws";
import type { Vsn } from "./protocol.ts";
import type { VerifiedToken } from "./tokens.ts";
import type { RealtimeLogger } from "./types.ts";
import { reportError } from "../core/error-reporting.ts";

export interface ConnectionLimits {
  /** Above this many bytes waiting to be written (or, from the client, to be handled), the socket is closed. */
  maxBufferedBytes: number;
  /** A socket that sends nothing (not even a heartbeat) for this long is closed. */
  idleTimeoutMs: number;
}

/** Close codes: realtime-js reconnects after any close it did not ask for. */
export const closeCodes = { idle: 1000, shutdown: 1001, tooSlow: 1008 } as const;

/** A client socket; Channel is what it joins (channels.ts's JoinedChannel), kept generic so this module needs nothing of channels.ts. */
export class Connection<Channel = unknown> {
  readonly id = randomUUID();
  readonly vsn: Vsn;
  /** The identity of the socket's apikey: channels joined without an access_token act as it. */
  readonly apikey: VerifiedToken;
  readonly logger: RealtimeLogger;
  /** Joined channels by topic ("realtime:<name>"). */
  readonly channels = new Map<string, Channel>();
  private readonly socket: WebSocket;
  private readonly limits: ConnectionLimits;
  private readonly idleTimer: NodeJS.Timeout;
  private readonly closedListeners: Array<() => void> = [];
  private inbox: Promise<void> = Promise.resolve();
  private queuedBytes = 0;
  private open = true;

  constructor(socket: WebSocket, vsn: Vsn, apikey: VerifiedToken, logger: RealtimeLogger, limits: ConnectionLimits) {
    this.socket = socket;
    this.vsn = vsn;
    this.apikey = apikey;
    this.logger = logger.child({ connectionId: this.id });
    this.limits = limits;
    this.idleTimer = setTimeout(() => this.close(closeCodes.idle, `no message for ${limits.idleTimeoutMs / 1000} s`), limits.idleTimeoutMs);
    this.idleTimer.unref();
    socket.once("close", () => this.markClosed());
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Any frame from the client proves it alive. */
  touch(): void {
    this.idleTimer.refresh();
  }

  /**
   * Runs the task after every earlier one has finished, so a client's frames
   * take effect in order. A client whose waiting frames (sizeBytes each)
   * exceed the buffer limit is dropped like a slow reader.
   */
  enqueue(sizeBytes: number, task: () => Promise<void>): void {
    if (this.queuedBytes + sizeBytes > this.limits.maxBufferedBytes) {
      this.logger.warn({ queuedBytes: this.queuedBytes }, "realtime client sends faster than it is served, closing");
      this.close(closeCodes.tooSlow, `too many messages waiting: ${this.queuedBytes} bytes`);
      return;
    }
    this.queuedBytes += sizeBytes;
    this.inbox = this.inbox
      .then(() => (this.open ? task() : undefined))
      .catch((error: unknown) => {
        this.logger.error({ err: error }, "a realtime frame handler failed");
        reportError(error, { where: "realtime", tags: { realtime: "frame" } });
      })
      .finally(() => {
        this.queuedBytes -= sizeBytes;
      });
  }

  /** Sends a frame, or drops the client when what it has not read yet exceeds the limit. */
  send(frame: string | Buffer): void {
    if (!this.open) return;
    const buffered = this.socket.bufferedAmount;
    if (buffered > this.limits.maxBufferedBytes) {
      this.logger.warn({ bufferedBytes: buffered }, "realtime client too slow, closing");
      this.close(closeCodes.tooSlow, `too slow: ${buffered} bytes buffered`);
      return;
    }
    this.socket.send(frame);
  }

  /** Starts the closing handshake; ws destroys the socket if the client never answers it. */
  close(code: number, reason: string): void {
    if (!this.open) return;
    this.socket.close(code, reason);
    this.markClosed();
  }

  /** Resolves once the socket is closed, destroying it if the client has not answered within graceMs. */
  async closeWithin(code: number, reason: string, graceMs: number): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.socket.once("close", () => resolve()));
    this.close(code, reason);
    const timer = setTimeout(() => this.socket.terminate(), graceMs);
    await closed;
    clearTimeout(timer);
  }

  onClosed(listener: () => void): void {
    this.closedListeners.push(listener);
  }

  private markClosed(): void {
    if (!this.open) return;
    this.open = false;
    clearTimeout(this.idleTimer);
    for (const listener of this.closedListeners) listener();
  }
}
