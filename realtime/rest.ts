// Broadcast over HTTP, for senders without a joined channel: realtime-js's
// httpSend() and the fallback of send() before a channel is joined.
//   POST /realtime/v1/api/broadcast
//        {"messages":[{"topic","event","payload","private"}]}        (JSON)
//   POST /realtime/v1/api/broadcast/<topic>/events/<event>[?private=true]
//        body: the payload, JSON or application/octet-stream (binary)
// Both answer 202 once the messages are on the bus (this instance's sockets
// have them; the other instances get them through Postgres). The `apikey`
// header is a Keepr token; `Authorization: Bearer <token>` acts instead of
// it. A private topic is sent to only when that identity may join it, the
// same check as a channel join. Errors are JSON {code, message, error}
// (realtime-js shows `error`).
import { Buffer } from "node:buffer";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { apiErrors } from "../core/metrics.ts";
import { busTopic, type TopicBus } from "./bus.ts";
import { describeIssues } from "./payloads.ts";
import { maxBinaryFieldBytes, type BroadcastBody } from "./protocol.ts";
import { RealtimeTokenError, verifyRealtimeToken } from "./tokens.ts";
import type { AuthorizeChannel, RealtimeLogger, SubscriberIdentity } from "./types.ts";
import { reportError } from "../core/error-reporting.ts";

export const realtimeApiPrefix = "/realtime/v1/api/";

/** Messages one batch may carry. */
const maxMessages = 100;

const name = z.string().min(1).refine((value) => Buffer.byteLength(value) <= maxBinaryFieldBytes, `must be at most ${maxBinaryFieldBytes} bytes`);
const batchSchema = z.object({
  messages: z.array(z.object({
    topic: name,
    event: name,
    payload: z.unknown().optional(),
    private: z.boolean().optional(),
  })).min(1).max(maxMessages),
});

interface Outgoing {
  topic: string;
  event: string;
  body: BroadcastBody;
  isPrivate: boolean;
}

class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface BroadcastApiOptions {
  jwtSecret: string;
  bus: TopicBus;
  authorizeChannel: AuthorizeChannel;
  logger: RealtimeLogger;
  /** Largest request body (default 1 MiB, as a websocket frame). */
  maxBodyBytes: number;
}

/** Handles a request under /realtime/v1/api/; answers every one of them. */
export function createBroadcastApi(options: BroadcastApiOptions): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handle(options, request).then(
      () => respond(response, 202, null),
      (error: unknown) => {
        if (error instanceof ApiError) return respond(response, error.status, { code: error.code, message: error.message, error: error.message });
        options.logger.error({ err: error }, "realtime broadcast request failed");
        reportError(error, { where: "realtime", tags: { realtime: "broadcast" } });
        respond(response, 500, { code: "INTERNAL", message: "An unexpected error occurred. It has been logged.", error: "An unexpected error occurred." });
      },
    );
  };
}

async function handle(options: BroadcastApiOptions, request: IncomingMessage): Promise<void> {
  const url = new URL(request.url ?? "/", "http://realtime.invalid");
  const path = url.pathname.slice(realtimeApiPrefix.length - 1);
  const single = /^\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(path);
  if (path !== "/broadcast" && !single) throw new ApiError(404, "NOT_FOUND", "No such realtime endpoint.");
  if (request.method !== "POST") throw new ApiError(405, "METHOD_NOT_ALLOWED", "Broadcast endpoints take POST.");
  const identity = authenticate(request, options.jwtSecret);
  const body = await readBody(request, options.maxBodyBytes);

  let messages: Outgoing[];
  if (single) {
    if ([...url.searchParams.keys()].some((key) => key.startsWith("persist"))) {
      throw new ApiError(400, "PERSIST_NOT_SUPPORTED", "Keepr does not store broadcast messages; send without persist.");
    }
    const topic = decodeURIComponent(single[1]!);
    const event = decodeURIComponent(single[2]!);
    const checked = batchSchema.shape.messages.element.pick({ topic: true, event: true }).safeParse({ topic, event });
    if (!checked.success) throw new ApiError(400, "INVALID_BROADCAST", describeIssues(checked.error));
    const binary = (request.headers["content-type"] ?? "").startsWith("application/octet-stream");
    messages = [{
      topic, event, isPrivate: url.searchParams.get("private") === "true",
      body: binary ? { encoding: "binary", bytes: new Uint8Array(body) } : { encoding: "json", json: JSON.stringify(parseJson(body)) },
    }];
  } else {
    const parsed = batchSchema.safeParse(parseJson(body));
    if (!parsed.success) throw new ApiError(400, "INVALID_BROADCAST", describeIssues(parsed.error));
    messages = parsed.data.messages.map((message) => ({
      topic: message.topic, event: message.event, isPrivate: message.private ?? false,
      body: { encoding: "json", json: JSON.stringify(message.payload ?? {}) },
    }));
  }

  // All or nothing: every private topic is checked before anything is sent.
  const privateTopics = [...new Set(messages.filter((message) => message.isPrivate).map((message) => message.topic))];
  const allowed = await Promise.all(privateTopics.map((topic) => options.authorizeChannel(identity, topic)));
  const refused = privateTopics.filter((_, index) => !allowed[index]);
  if (refused.length > 0) {
    throw new ApiError(403, "FORBIDDEN", `You may not broadcast to the private channel${refused.length > 1 ? "s" : ""} ${refused.join(", ")}.`);
  }
  for (const message of messages) {
    options.bus.publish({ kind: "broadcast", topic: busTopic(message.topic, message.isPrivate), senderChannelId: "rest", userEvent: message.event, body: message.body });
  }
}

function authenticate(request: IncomingMessage, jwtSecret: string): SubscriberIdentity {
  const apikey = request.headers.apikey;
  if (typeof apikey !== "string" || apikey === "") throw new ApiError(401, "MISSING_API_KEY", "The apikey header is required.");
  const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? "")?.[1];
  try {
    verifyRealtimeToken(apikey, jwtSecret);
    return verifyRealtimeToken(bearer ?? apikey, jwtSecret).identity;
  } catch (error) {
    if (error instanceof RealtimeTokenError) throw new ApiError(401, error.code, `The token was refused: ${error.message}.`);
    throw error;
  }
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // Past the limit the rest is read and dropped; the answer closes the connection.
      chunks.length = 0;
      reject(new ApiError(413, "PAYLOAD_TOO_LARGE", `The body must be at most ${maxBytes} bytes.`));
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new ApiError(400, "INVALID_JSON", "The body is not valid JSON.");
  }
}

function respond(response: ServerResponse, status: number, body: Record<string, string> | null): void {
  if (response.headersSent) return;
  if (body?.code) apiErrors.inc({ code: body.code });
  if (body === null) {
    response.writeHead(status, { "content-length": "0", "x-content-type-options": "nosniff" }).end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-content-type-options": "nosniff",
    ...(status === 413 ? { connection: "close" } : {}),
  }).end(text);
}
