// Keepr's realtime server, mounted on an existing HTTP server: it takes the
// WebSocket upgrades of /realtime/v1/websocket, where @supabase/realtime-js
// connects (`${url}/realtime/v1` + "/websocket"), and the requests under
// /realtime/v1/api/ (broadcast over HTTP, realtime/rest.ts); every other
// upgrade and request stays with the server's own handlers. The socket's `apikey` must be a Keepr token (anonKey() for
// web apps); a missing or bad one is refused before the upgrade with 401 and
// a JSON body {code, message} (browsers hide it from realtime-js, which just
// sees the socket fail and retries with backoff; curl and logs see it).
// publish() is the replication reader's way in; close() is for shutdown.
import { Buffer } from "node:buffer";
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { apiErrors, observeRealtime } from "../core/metrics.ts";
import { createLocalTopicBus, type TopicBus } from "./bus.ts";
import { ChangeFeed } from "./changes.ts";
import { crashChangeChannels, deliverTopicEvent, handleBroadcastPush, handleMessage, leaveAll, type ChannelContext, type Connection, type JoinedChannel } from "./channels.ts";
import { closeCodes, Connection as Socket } from "./connection.ts";
import { createBroadcastApi, realtimeApiPrefix } from "./rest.ts";
import { decodeInbound, encodeReply, FrameError, parseVsn, type Inbound, type Message, type Vsn } from "./protocol.ts";
import { RealtimeTokenError, verifyRealtimeToken, type VerifiedToken } from "./tokens.ts";
import type { AuthorizeChange, AuthorizeChannel, RealtimeLogger, Transaction } from "./types.ts";
import { reportError } from "../core/error-reporting.ts";

export const realtimeWebSocketPath = "/realtime/v1/websocket";

export interface RealtimeLimits {
  /** Bytes a client may leave unread, or have waiting to be handled, before it is dropped (default 8 MiB). */
  maxBufferedBytes: number;
  /** Channels one socket may join (default 100). */
  maxChannelsPerSocket: number;
  /** Largest frame a client may send (default 1 MiB); ws closes the socket with 1009 above it. */
  maxPayloadBytes: number;
  /** Largest postgres_changes data; above it long values are cut, as in the reference server (default 1 MiB). */
  maxChangeBytes: number;
  /** A socket silent this long is closed (default 60 s; clients send a heartbeat every 25 s). */
  idleTimeoutMs: number;
  /** How long close() waits for clients to answer the closing handshake (default 5 s). */
  closeGraceMs: number;
}

export const defaultRealtimeLimits: RealtimeLimits = {
  maxBufferedBytes: 8 * 1024 * 1024,
  maxChannelsPerSocket: 100,
  maxPayloadBytes: 1024 * 1024,
  maxChangeBytes: 1024 * 1024,
  idleTimeoutMs: 60_000,
  closeGraceMs: 5_000,
};

export interface RealtimeOptions {
  jwtSecret: string;
  logger: RealtimeLogger;
  authorize: AuthorizeChange;
  authorizeChannel: AuthorizeChannel;
  limits?: Partial<RealtimeLimits>;
  /** How broadcast and presence travel between channels; default: this instance only. */
  bus?: TopicBus;
}

export interface RealtimeServer {
  /** Sends a committed transaction's changes to their subscribers; resolves once every socket has them. */
  publish(transaction: Transaction): Promise<void>;
  /**
   * Tells every channel with postgres_changes bindings that the change
   * stream restarted (changes may be missing) and makes it rejoin; returns
   * how many channels were told.
   */
  changeStreamRestarted(): number;
  /** Stops taking sockets and closes every open one with 1001; resolves when they are closed. */
  close(): Promise<void>;
}

export function attachRealtime(server: Server, options: RealtimeOptions): RealtimeServer {
  const limits = { ...defaultRealtimeLimits, ...options.limits };
  const logger = options.logger.child({ component: "realtime" });
  const bus = options.bus ?? createLocalTopicBus();
  const feed = new ChangeFeed({ authorize: options.authorize, logger, maxChangeBytes: limits.maxChangeBytes });
  const context: ChannelContext = {
    jwtSecret: options.jwtSecret,
    logger,
    authorizeChannel: options.authorizeChannel,
    maxChannelsPerSocket: limits.maxChannelsPerSocket,
    bus,
    presence: bus.presence,
    feed,
    members: new Map(),
  };
  bus.onDeliver((event) => deliverTopicEvent(context, event));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes, perMessageDeflate: false });
  const connections = new Set<Connection>();
  let closing: Promise<void> | null = null;
  const forgetMetrics = observeRealtime(() => {
    let channels = 0;
    for (const connection of connections) channels += connection.channels.size;
    return { sockets: connections.size, channels };
  });

  const accept = (socket: WebSocket, vsn: Vsn, apikey: VerifiedToken): void => {
    const connection = new Socket<JoinedChannel>(socket, vsn, apikey, logger, limits);
    connections.add(connection);
    connection.onClosed(() => {
      connections.delete(connection);
      leaveAll(context, connection);
    });
    socket.on("error", (error) => connection.logger.debug({ err: error }, "realtime socket error"));
    socket.on("message", (data, isBinary) => receive(context, connection, asBuffer(data), isBinary));
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? "/", "http://realtime.invalid");
    if (url.pathname !== realtimeWebSocketPath) {
      // Another upgrade handler may own this path; with none, Node would have destroyed the socket.
      if (server.listenerCount("upgrade") === 1) refuseUpgrade(socket, 404, "NOT_FOUND", "No WebSocket endpoint at this path.");
      return;
    }
    if (closing) return refuseUpgrade(socket, 503, "SHUTTING_DOWN", "The server is shutting down; reconnect shortly.");
    const vsn = parseVsn(url.searchParams.get("vsn"));
    if (!vsn) return refuseUpgrade(socket, 400, "UNSUPPORTED_VSN", "The protocol version (vsn) must be 1.0.0 or 2.0.0.");
    const apikey = url.searchParams.get("apikey");
    if (!apikey) return refuseUpgrade(socket, 401, "MISSING_API_KEY", "The apikey query parameter is required.");
    let token: VerifiedToken;
    try {
      token = verifyRealtimeToken(apikey, options.jwtSecret);
    } catch (error) {
      if (error instanceof RealtimeTokenError) return refuseUpgrade(socket, 401, error.code, `The apikey was refused: ${error.message}.`);
      logger.error({ err: error }, "realtime apikey check failed");
      reportError(error, { where: "realtime", tags: { realtime: "apikey" } });
      return refuseUpgrade(socket, 500, "INTERNAL", "An unexpected error occurred. It has been logged.");
    }
    sockets.handleUpgrade(request, socket, head, (webSocket) => accept(webSocket, vsn, token));
  };
  server.on("upgrade", onUpgrade);

  // Requests under /realtime/v1/api/ are realtime's; the server's own handlers (express) get the rest.
  const broadcastApi = createBroadcastApi({ jwtSecret: options.jwtSecret, bus, authorizeChannel: options.authorizeChannel, logger, maxBodyBytes: limits.maxPayloadBytes });
  const otherHandlers = server.listeners("request") as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    if (request.url?.startsWith(realtimeApiPrefix)) return broadcastApi(request, response);
    for (const handler of otherHandlers) handler.call(server, request, response);
  };
  server.removeAllListeners("request");
  server.on("request", onRequest);

  return {
    publish: (transaction) => feed.publish(transaction),
    changeStreamRestarted() {
      const message = "Keepr's change stream restarted and changes made meanwhile are not replayed; the channel rejoins: refetch once it is subscribed";
      let told = 0;
      for (const connection of connections) told += crashChangeChannels(context, connection, message);
      if (told > 0) logger.warn({ channels: told }, "change stream restarted; channels with postgres_changes told to rejoin");
      return told;
    },
    close() {
      closing ??= (async () => {
        server.off("upgrade", onUpgrade);
        server.off("request", onRequest);
        for (const handler of otherHandlers) server.on("request", handler);
        const open = [...connections];
        await Promise.all(open.map((connection) => connection.closeWithin(closeCodes.shutdown, "server shutting down", limits.closeGraceMs)));
        await new Promise<void>((resolve) => sockets.close(() => resolve()));
        forgetMetrics();
      })();
      return closing;
    },
  };
}

/** Handles one frame: heartbeats at once, everything else in the socket's order. */
function receive(context: ChannelContext, connection: Connection, data: Buffer, isBinary: boolean): void {
  connection.touch();
  let inbound: Inbound;
  try {
    inbound = decodeInbound(data, isBinary, connection.vsn);
  } catch (error) {
    if (error instanceof FrameError) return rejectFrame(connection, error);
    connection.logger.error({ err: error }, "realtime frame decoding failed");
    reportError(error, { where: "realtime", tags: { realtime: "decode" } });
    return;
  }
  if (inbound.kind === "message" && isHeartbeat(inbound.message)) {
    connection.send(encodeReply(connection.vsn, inbound.message, "ok", {}));
    return;
  }
  connection.enqueue(data.length, async () => {
    if (inbound.kind === "broadcast") handleBroadcastPush(context, connection, inbound.push);
    else await handleMessage(context, connection, inbound.message);
  });
}

/** A frame that breaks the protocol: answered when it named a ref to answer, dropped otherwise. */
function rejectFrame(connection: Connection, error: FrameError): void {
  connection.logger.warn({ problem: error.message }, "malformed realtime frame");
  if (error.replyTo?.ref) connection.send(encodeReply(connection.vsn, error.replyTo, "error", { reason: `MalformedMessage: ${error.message}` }));
}

function isHeartbeat(message: Message): boolean {
  return message.topic === "phoenix" && message.event === "heartbeat";
}

/** ws hands text and binary frames over as one Buffer unless told otherwise. */
function asBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? Buffer.from(data) : data;
}

function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  apiErrors.inc({ code });
  const body = JSON.stringify({ code, message });
  socket.on("error", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      "Content-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
}
