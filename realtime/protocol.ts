// The wire format of the Phoenix protocol as @supabase/realtime-js 2.119
// speaks it (checked against its lib/serializer.js and @supabase/phoenix):
//   vsn 1.0.0: JSON objects {topic, event, payload, ref, join_ref};
//   vsn 2.0.0: JSON arrays [join_ref, ref, topic, event, payload], plus
//   binary frames for user broadcasts: the client pushes kind 3 and decodes
//   kind 4, which is what broadcasts go out as.
// Every inbound frame is checked here. A bad one becomes a FrameError (with
// the header to answer, when it could be read), never a crash.
import { Buffer } from "node:buffer";

export type Vsn = "1.0.0" | "2.0.0";

/** Phoenix's default when the client names no version. */
export const defaultVsn: Vsn = "1.0.0";

/** Topic, event and metadata of a binary frame are prefixed by a one-byte length. */
export const maxBinaryFieldBytes = 255;

const userBroadcastPushKind = 3;
const userBroadcastKind = 4;
const binaryEncoding = 0;
const jsonEncoding = 1;

export interface MessageHeader {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
}

export interface Message extends MessageHeader {
  payload: Record<string, unknown>;
}

/** A user broadcast's payload: JSON text (validated) or raw bytes. */
export type BroadcastBody = { encoding: "json"; json: string } | { encoding: "binary"; bytes: Uint8Array };

/** A kind-3 binary frame: a broadcast pushed by a vsn 2.0.0 client. */
export interface BroadcastPush {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  userEvent: string;
  body: BroadcastBody;
  /** The client asked the server to store the message for replay. */
  persist: boolean;
}

export type Inbound = { kind: "message"; message: Message } | { kind: "broadcast"; push: BroadcastPush };

export class FrameError extends Error {
  /** Where to send the error reply; null when the frame was too broken to tell. */
  readonly replyTo: MessageHeader | null;
  constructor(message: string, replyTo: MessageHeader | null = null) {
    super(message);
    this.replyTo = replyTo;
  }
}

export function parseVsn(value: string | null): Vsn | null {
  if (value === null) return defaultVsn;
  return value === "1.0.0" || value === "2.0.0" ? value : null;
}

/** Decodes one WebSocket frame; throws FrameError when it breaks the protocol. */
export function decodeInbound(data: Buffer, isBinary: boolean, vsn: Vsn): Inbound {
  if (isBinary) {
    if (vsn !== "2.0.0") throw new FrameError("binary frames need protocol version 2.0.0");
    return { kind: "broadcast", push: decodeUserBroadcastPush(data) };
  }
  const text = decodeUtf8(data, "the frame");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FrameError("the frame is not valid JSON");
  }
  return { kind: "message", message: vsn === "2.0.0" ? decodeArrayMessage(value) : decodeObjectMessage(value) };
}

export function encodeMessage(vsn: Vsn, message: MessageHeader & { payload: unknown }): string {
  return encodeMessageJson(vsn, message, JSON.stringify(message.payload));
}

/** Frames a payload that is already JSON text (serialized once, sent to many). */
export function encodeMessageJson(vsn: Vsn, header: MessageHeader, payloadJson: string): string {
  const joinRef = JSON.stringify(header.joinRef);
  const ref = JSON.stringify(header.ref);
  const topic = JSON.stringify(header.topic);
  const event = JSON.stringify(header.event);
  return vsn === "2.0.0"
    ? `[${joinRef},${ref},${topic},${event},${payloadJson}]`
    : `{"topic":${topic},"event":${event},"payload":${payloadJson},"ref":${ref},"join_ref":${joinRef}}`;
}

export function encodeReply(
  vsn: Vsn,
  to: Pick<MessageHeader, "joinRef" | "ref" | "topic">,
  status: "ok" | "error",
  response: Record<string, unknown>,
): string {
  return encodeMessage(vsn, { joinRef: to.joinRef, ref: to.ref, topic: to.topic, event: "phx_reply", payload: { status, response } });
}

/**
 * A user broadcast as the client decodes it: a kind-4 binary frame for vsn
 * 2.0.0, a JSON message for 1.0.0. Null when the client cannot receive it (a
 * binary payload on vsn 1.0.0). Topic and event must fit a binary field.
 */
export function encodeBroadcast(vsn: Vsn, topic: string, userEvent: string, body: BroadcastBody): string | Buffer | null {
  if (vsn === "2.0.0") return encodeUserBroadcast(topic, userEvent, body);
  if (body.encoding === "binary") return null;
  const payloadJson = `{"type":"broadcast","event":${JSON.stringify(userEvent)},"payload":${body.json}}`;
  return encodeMessageJson(vsn, { joinRef: null, ref: null, topic, event: "broadcast" }, payloadJson);
}

function encodeUserBroadcast(topic: string, userEvent: string, body: BroadcastBody): Buffer {
  const topicBytes = Buffer.from(topic, "utf8");
  const eventBytes = Buffer.from(userEvent, "utf8");
  if (topicBytes.length > maxBinaryFieldBytes || eventBytes.length > maxBinaryFieldBytes) {
    throw new Error(`broadcast topic and event must be at most ${maxBinaryFieldBytes} bytes`);
  }
  const payload = body.encoding === "json" ? Buffer.from(body.json, "utf8") : body.bytes;
  const encoding = body.encoding === "json" ? jsonEncoding : binaryEncoding;
  const header = Buffer.from([userBroadcastKind, topicBytes.length, eventBytes.length, 0, encoding]);
  return Buffer.concat([header, topicBytes, eventBytes, payload]);
}

function decodeArrayMessage(value: unknown): Message {
  if (!Array.isArray(value) || value.length !== 5) {
    throw new FrameError("a frame must be a JSON array [join_ref, ref, topic, event, payload]");
  }
  const [joinRef, ref, topic, event, payload] = value as unknown[];
  return checkMessage(joinRef, ref, topic, event, payload);
}

function decodeObjectMessage(value: unknown): Message {
  if (!isPlainObject(value)) {
    throw new FrameError("a frame must be a JSON object {topic, event, payload, ref, join_ref}");
  }
  return checkMessage(value.join_ref ?? null, value.ref ?? null, value.topic, value.event, value.payload);
}

function checkMessage(joinRef: unknown, ref: unknown, topic: unknown, event: unknown, payload: unknown): Message {
  if (!isRef(joinRef) || !isRef(ref)) throw new FrameError("join_ref and ref must be strings or null");
  if (typeof topic !== "string" || topic === "" || typeof event !== "string" || event === "") {
    throw new FrameError("topic and event must be non-empty strings");
  }
  const header = { joinRef, ref, topic, event };
  if (!isPlainObject(payload)) throw new FrameError("payload must be a JSON object", header);
  return { ...header, payload };
}

/** Kind 3: kind, join_ref, ref, topic, event and metadata lengths, encoding; the fields; the payload. */
function decodeUserBroadcastPush(frame: Buffer): BroadcastPush {
  const headerLength = 7;
  if (frame.length < headerLength) throw new FrameError("the binary frame is shorter than its header");
  const kind = frame.readUInt8(0);
  if (kind !== userBroadcastPushKind) {
    throw new FrameError(`binary frames of kind ${kind} are not accepted; clients send user broadcasts as kind ${userBroadcastPushKind}`);
  }
  const encoding = frame.readUInt8(6);
  let offset = headerLength;
  const field = (lengthAt: number, name: string): string => {
    const length = frame.readUInt8(lengthAt);
    if (offset + length > frame.length) throw new FrameError(`the binary frame ends inside its ${name}`);
    const text = decodeUtf8(frame.subarray(offset, offset + length), `the ${name}`);
    offset += length;
    return text;
  };
  const joinRef = field(1, "join_ref");
  const ref = field(2, "ref");
  const topic = field(3, "topic");
  const userEvent = field(4, "event");
  const metadata = field(5, "metadata");
  const replyTo = { joinRef: joinRef || null, ref: ref || null, topic, event: "broadcast" };
  if (topic === "" || userEvent === "") throw new FrameError("a broadcast needs a topic and an event", topic ? replyTo : null);
  const body = decodeBody(encoding, frame.subarray(offset), replyTo);
  return { joinRef: replyTo.joinRef, ref: replyTo.ref, topic, userEvent, body, persist: readPersist(metadata, replyTo) };
}

function decodeBody(encoding: number, payload: Buffer, replyTo: MessageHeader): BroadcastBody {
  if (encoding === binaryEncoding) return { encoding: "binary", bytes: payload };
  if (encoding !== jsonEncoding) throw new FrameError(`unknown payload encoding ${encoding}`, replyTo);
  const json = decodeUtf8(payload, "the payload");
  try {
    JSON.parse(json);
  } catch {
    throw new FrameError("the broadcast payload is not valid JSON", replyTo);
  }
  return { encoding: "json", json };
}

function readPersist(metadata: string, replyTo: MessageHeader): boolean {
  if (metadata === "") return false;
  let value: unknown;
  try {
    value = JSON.parse(metadata);
  } catch {
    throw new FrameError("the broadcast metadata is not valid JSON", replyTo);
  }
  if (!isPlainObject(value)) throw new FrameError("the broadcast metadata must be a JSON object", replyTo);
  return Boolean(value.persist);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new FrameError(`${what} is not valid UTF-8`);
  }
}

function isRef(value: unknown): value is string | null {
  return value === null || typeof value === "string";
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
