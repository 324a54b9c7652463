// Channels: what a client can do on a `realtime:<name>` topic once its
// socket is open. Join (with its broadcast, presence and postgres_changes
// config, its token and, for private channels, the authorizer's consent),
// leave, broadcast, track and untrack presence, and refresh its token. A
// token that expires, or a refresh that is refused, closes the channel the
// way the reference server does: a `system` error message, then phx_close
// (realtime-js then reports CLOSED and does not rejoin by itself).
// Replies follow supabase/realtime so the unmodified client reacts to them
// as it would against Supabase: reasons read "Code: message".
import { Buffer } from "node:buffer";
import { randomUUID } from "node:crypto";
import { busTopic, type BusTopic, type TopicBus, type TopicEvent } from "./bus.ts";
import { planBindings, type ChangeFeed, type ChangeSubscriber, type PostgresBinding } from "./changes.ts";
import type { Connection as Socket } from "./connection.ts";
import {
  accessTokenPayloadSchema,
  broadcastPayloadSchema,
  describeIssues,
  joinPayloadSchema,
  presencePayloadSchema,
  type JoinPayload,
} from "./payloads.ts";
import { trackDiff, untrackDiff, type PresenceMeta, type PresenceRegistry } from "./presence.ts";
import {
  encodeBroadcast,
  encodeMessage,
  encodeMessageJson,
  encodeReply,
  isPlainObject,
  maxBinaryFieldBytes,
  type BroadcastBody,
  type BroadcastPush,
  type Message,
  type Vsn,
} from "./protocol.ts";
import { expiredMessage, RealtimeTokenError, verifyRealtimeToken, type VerifiedToken } from "./tokens.ts";
import type { AuthorizeChannel, RealtimeLogger, SubscriberIdentity } from "./types.ts";
import { reportError } from "../core/error-reporting.ts";

const topicPrefix = "realtime:";
/** setTimeout fires at once for delays above 2^31-1 ms; longer waits are re-armed. */
const maxTimerDelayMs = 2 ** 31 - 1;

/** What every channel of this server shares. */
/** A client socket whose channels are JoinedChannels. */
export type Connection = Socket<JoinedChannel>;

export interface ChannelContext {
  jwtSecret: string;
  logger: RealtimeLogger;
  authorizeChannel: AuthorizeChannel;
  maxChannelsPerSocket: number;
  bus: TopicBus;
  presence: PresenceRegistry;
  feed: ChangeFeed;
  /** The channels of this instance joined to each bus topic. */
  members: Map<BusTopic, Set<JoinedChannel>>;
}

interface ChannelInit {
  connection: Connection;
  topic: string;
  name: string;
  isPrivate: boolean;
  joinRef: string | null;
  payload: JoinPayload;
  token: VerifiedToken;
  accessToken: string | null;
}

/** One topic joined on one socket. */
export class JoinedChannel implements ChangeSubscriber {
  readonly id = randomUUID();
  readonly connection: Connection;
  readonly topic: string;
  readonly name: string;
  readonly isPrivate: boolean;
  readonly busTopic: BusTopic;
  readonly joinRef: string | null;
  readonly broadcastSelf: boolean;
  readonly broadcastAck: boolean;
  readonly presenceKey: string;
  readonly presenceEnabled: boolean;
  identity: SubscriberIdentity;
  /** The raw access_token the channel acts with (null: the socket's apikey). */
  accessToken: string | null;
  bindings: PostgresBinding[] = [];
  trackedMeta: PresenceMeta | null = null;
  private active = true;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(init: ChannelInit) {
    const config = init.payload.config ?? {};
    this.connection = init.connection;
    this.topic = init.topic;
    this.name = init.name;
    this.isPrivate = init.isPrivate;
    this.busTopic = busTopic(init.name, init.isPrivate);
    this.joinRef = init.joinRef;
    this.broadcastSelf = config.broadcast?.self ?? false;
    this.broadcastAck = config.broadcast?.ack ?? false;
    this.presenceKey = config.presence?.key || randomUUID();
    this.presenceEnabled = config.presence?.enabled ?? false;
    this.identity = init.token.identity;
    this.accessToken = init.accessToken;
  }

  get isActive(): boolean {
    return this.active;
  }

  get vsn(): Vsn {
    return this.connection.vsn;
  }

  push(event: string, payload: unknown): void {
    this.connection.send(encodeMessage(this.vsn, { joinRef: this.joinRef, ref: null, topic: this.topic, event, payload }));
  }

  reply(ref: string | null, status: "ok" | "error", response: Record<string, unknown>): void {
    this.connection.send(encodeReply(this.vsn, { joinRef: this.joinRef, ref, topic: this.topic }, status, response));
  }

  pushSystem(extension: string, status: "ok" | "error", message: string): void {
    this.push("system", { extension, status, message, channel: this.name });
  }

  pushChange(ids: readonly number[], dataJson: string): void {
    const header = { joinRef: null, ref: null, topic: this.topic, event: "postgres_changes" };
    this.connection.send(encodeMessageJson(this.vsn, header, `{"ids":${JSON.stringify(ids)},"data":${dataJson}}`));
  }

  /** Tells the client the server closed the channel (the reply ref is the join ref, as Phoenix sends it). */
  pushClose(): void {
    this.connection.send(encodeMessage(this.vsn, { joinRef: this.joinRef, ref: this.joinRef, topic: this.topic, event: "phx_close", payload: {} }));
  }

  /** Acts with a new token from now on; calls onExpired when it expires. */
  useToken(token: VerifiedToken, accessToken: string | null, onExpired: (expiresAt: number) => void): void {
    this.identity = token.identity;
    this.accessToken = accessToken;
    clearTimeout(this.expiryTimer);
    const expiresAt = token.expiresAt;
    if (expiresAt === null) return;
    const arm = (): void => {
      const remainingMs = expiresAt * 1000 - Date.now();
      if (remainingMs <= 0) return onExpired(expiresAt);
      this.expiryTimer = setTimeout(arm, Math.min(remainingMs, maxTimerDelayMs));
      this.expiryTimer.unref();
    };
    arm();
  }

  /** Stops the channel's timers; false when it was already stopped. */
  deactivate(): boolean {
    if (!this.active) return false;
    this.active = false;
    clearTimeout(this.expiryTimer);
    return true;
  }
}

/** Handles a JSON message from the client (heartbeats are answered before they get here). */
export async function handleMessage(context: ChannelContext, connection: Connection, message: Message): Promise<void> {
  if (message.event === "phx_join") return join(context, connection, message);
  const channel = connection.channels.get(message.topic);
  if (!channel) {
    // A leave for a channel already gone has nothing left to do.
    const status = message.event === "phx_leave" ? "ok" : "error";
    connection.send(encodeReply(connection.vsn, message, status, status === "ok" ? {} : { reason: "unmatched topic" }));
    return;
  }
  switch (message.event) {
    case "phx_leave":
      channel.reply(message.ref, "ok", {});
      return dispose(context, channel);
    case "broadcast":
      return broadcastJson(context, channel, message);
    case "presence":
      return handlePresence(context, channel, message);
    case "access_token":
      return refreshToken(context, channel, message);
    default:
      connection.logger.debug({ topic: message.topic, event: message.event }, "ignored an unknown realtime event");
  }
}

/** Handles a kind-3 binary broadcast push. */
export function handleBroadcastPush(context: ChannelContext, connection: Connection, push: BroadcastPush): void {
  const channel = connection.channels.get(push.topic);
  const replyTo = { joinRef: push.joinRef, ref: push.ref, topic: push.topic };
  if (!channel) {
    if (push.ref) connection.send(encodeReply(connection.vsn, replyTo, "error", { reason: "unmatched topic" }));
    return;
  }
  if (push.persist) {
    const reason = "Keepr does not store broadcast messages; send without persist";
    if (push.ref) channel.reply(push.ref, "error", { reason, error: reason });
    return;
  }
  if (Buffer.byteLength(push.userEvent) > maxBinaryFieldBytes) {
    if (push.ref) channel.reply(push.ref, "error", { reason: `the event name must be at most ${maxBinaryFieldBytes} bytes` });
    return;
  }
  fanOutBroadcast(context, channel, push.userEvent, push.body, push.ref);
}

/** Delivers a bus event to this instance's channels of its topic (the bus has already applied presence diffs). */
export function deliverTopicEvent(context: ChannelContext, event: TopicEvent): void {
  const members = context.members.get(event.topic);
  if (!members) return;
  const frames = new Map<Vsn, string | Buffer | null>();
  const frameFor = (channel: JoinedChannel): string | Buffer | null => {
    if (!frames.has(channel.vsn)) frames.set(channel.vsn, encodeTopicEvent(channel, event));
    return frames.get(channel.vsn) ?? null;
  };
  for (const channel of members) {
    if (event.kind === "broadcast" && event.senderChannelId === channel.id && !channel.broadcastSelf) continue;
    if (event.kind === "presence_diff" && !channel.presenceEnabled) continue;
    const frame = frameFor(channel);
    if (frame !== null) channel.connection.send(frame);
  }
}

/**
 * Crashes every channel of the socket that subscribes to postgres_changes:
 * a `system` error saying why, then phx_error, on which realtime-js rejoins
 * by itself (the app sees CHANNEL_ERROR, then SUBSCRIBED, where it
 * refetches). Used when the change stream restarts, since what committed
 * while it was down is not replayed.
 */
export function crashChangeChannels(context: ChannelContext, connection: Connection, message: string): number {
  let crashed = 0;
  for (const channel of [...connection.channels.values()]) {
    if (channel.bindings.length === 0) continue;
    channel.pushSystem("postgres_changes", "error", message);
    channel.push("phx_error", { reason: message });
    dispose(context, channel);
    crashed++;
  }
  return crashed;
}

/** Leaves every channel of a socket that has closed. */
export function leaveAll(context: ChannelContext, connection: Connection): void {
  for (const channel of [...connection.channels.values()]) dispose(context, channel);
}

async function join(context: ChannelContext, connection: Connection, message: Message): Promise<void> {
  const refuse = (reason: string): void => connection.send(encodeReply(connection.vsn, message, "error", { reason }));
  if (!message.topic.startsWith(topicPrefix)) return refuse("unmatched topic");
  const name = message.topic.slice(topicPrefix.length);
  if (name === "") return refuse("TopicNameRequired: You must provide a topic name");
  if (Buffer.byteLength(message.topic) > maxBinaryFieldBytes) {
    return refuse(`TopicNameTooLong: the topic must be at most ${maxBinaryFieldBytes} bytes`);
  }
  const parsed = joinPayloadSchema.safeParse(message.payload);
  if (!parsed.success) return refuse(`InvalidJoinPayload: ${describeIssues(parsed.error)}`);
  const payload = parsed.data;
  const config = payload.config ?? {};
  if (!connection.channels.has(message.topic) && connection.channels.size >= context.maxChannelsPerSocket) {
    return refuse("ChannelRateLimitReached: Too many channels");
  }
  if (config.broadcast?.replay !== undefined) return refuse("UnableToReplayMessages: Keepr does not store broadcast messages for replay");
  const accessToken = payload.access_token || payload.user_token || null;
  let token: VerifiedToken;
  try {
    token = accessToken ? verifyRealtimeToken(accessToken, context.jwtSecret) : connection.apikey;
  } catch (error) {
    if (error instanceof RealtimeTokenError) return refuse(`InvalidJWTToken: ${error.message}`);
    throw error;
  }
  const isPrivate = config.private === true;
  if (isPrivate) {
    const allowed = await mayJoin(context, token.identity, name);
    if (allowed === null) return refuse("UnableToSetPolicies: Keepr could not check access to this channel");
    if (!allowed) return refuse(`Unauthorized: You do not have permissions to read from this Channel topic: ${name}`);
  }
  const plan = planBindings(config.postgres_changes ?? [], context.feed.nextBindingId);
  if (plan.error && config.postgres_changes_options?.wait) return refuse(`RealtimeDisabledForConfiguration: ${plan.error}`);
  if (!connection.isOpen) return;

  const previous = connection.channels.get(message.topic);
  if (previous) close(context, previous);
  const channel = new JoinedChannel({ connection, topic: message.topic, name, isPrivate, joinRef: message.joinRef, payload, token, accessToken });
  channel.reply(message.ref, "ok", { postgres_changes: plan.echo });
  register(context, channel, plan.specs.map((spec) => ({ ...spec, subscriber: channel })));
  channel.useToken(token, accessToken, (expiresAt) => shutdown(context, channel, expiredMessage(expiresAt)));
  if (channel.presenceEnabled) channel.push("presence_state", context.presence.state(channel.busTopic));
  if (plan.echo.length > 0) {
    channel.pushSystem("postgres_changes", plan.error ? "error" : "ok", plan.error ?? "Subscribed to PostgreSQL");
  }
}

/** The authorizer's answer; null when it failed (logged). */
async function mayJoin(context: ChannelContext, identity: SubscriberIdentity, name: string): Promise<boolean | null> {
  try {
    return (await context.authorizeChannel(identity, name)) === true;
  } catch (error) {
    context.logger.error({ err: error, channel: name }, "realtime channel authorization failed");
    reportError(error, { where: "realtime", tags: { realtime: "authorize_channel" } });
    return null;
  }
}

function register(context: ChannelContext, channel: JoinedChannel, bindings: PostgresBinding[]): void {
  channel.connection.channels.set(channel.topic, channel);
  let members = context.members.get(channel.busTopic);
  if (!members) context.members.set(channel.busTopic, (members = new Set()));
  members.add(channel);
  channel.bindings = bindings;
  context.feed.add(bindings);
}

/** Forgets the channel: bindings, membership, presence. Safe to call twice. */
function dispose(context: ChannelContext, channel: JoinedChannel): void {
  if (!channel.deactivate()) return;
  context.feed.remove(channel.bindings);
  const members = context.members.get(channel.busTopic);
  members?.delete(channel);
  if (members?.size === 0) context.members.delete(channel.busTopic);
  if (channel.connection.channels.get(channel.topic) === channel) channel.connection.channels.delete(channel.topic);
  if (channel.trackedMeta) {
    context.bus.publish({ kind: "presence_diff", topic: channel.busTopic, diff: untrackDiff(channel.presenceKey, channel.trackedMeta) });
    channel.trackedMeta = null;
  }
}

/** Server-side close: phx_close, then forget. */
function close(context: ChannelContext, channel: JoinedChannel): void {
  channel.pushClose();
  dispose(context, channel);
}

/** Closes the channel with a reason the client's `system` listeners see first. */
function shutdown(context: ChannelContext, channel: JoinedChannel, reason: string): void {
  if (!channel.isActive) return;
  channel.connection.logger.info({ channel: channel.name, reason }, "realtime channel shut down");
  channel.pushSystem("system", "error", reason);
  close(context, channel);
}

function broadcastJson(context: ChannelContext, channel: JoinedChannel, message: Message): void {
  const parsed = broadcastPayloadSchema.safeParse(message.payload);
  if (!parsed.success) {
    if (message.ref) channel.reply(message.ref, "error", { reason: `InvalidBroadcast: ${describeIssues(parsed.error)}` });
    return;
  }
  const { event, payload } = parsed.data;
  if (Buffer.byteLength(event) > maxBinaryFieldBytes) {
    if (message.ref) channel.reply(message.ref, "error", { reason: `InvalidBroadcast: the event name must be at most ${maxBinaryFieldBytes} bytes` });
    return;
  }
  fanOutBroadcast(context, channel, event, { encoding: "json", json: JSON.stringify(payload ?? {}) }, message.ref);
}

function fanOutBroadcast(context: ChannelContext, channel: JoinedChannel, userEvent: string, body: BroadcastBody, ref: string | null): void {
  context.bus.publish({ kind: "broadcast", topic: channel.busTopic, senderChannelId: channel.id, userEvent, body });
  if (channel.broadcastAck && ref) channel.reply(ref, "ok", {});
}

function handlePresence(context: ChannelContext, channel: JoinedChannel, message: Message): void {
  const parsed = presencePayloadSchema.safeParse(message.payload);
  const fail = (reason: string): void => channel.reply(message.ref, "error", { reason });
  if (!parsed.success) return fail(`InvalidPresence: ${describeIssues(parsed.error)}`);
  if (parsed.data.event === "untrack") {
    if (channel.trackedMeta) {
      context.bus.publish({ kind: "presence_diff", topic: channel.busTopic, diff: untrackDiff(channel.presenceKey, channel.trackedMeta) });
      channel.trackedMeta = null;
    }
    return channel.reply(message.ref, "ok", {});
  }
  const payload = parsed.data.payload ?? {};
  if (!isPlainObject(payload)) return fail("Presence track payload must be a map");
  if (!sameTrackedPayload(channel.trackedMeta, payload)) {
    const { meta, diff } = trackDiff(channel.presenceKey, payload, channel.trackedMeta);
    channel.trackedMeta = meta;
    context.bus.publish({ kind: "presence_diff", topic: channel.busTopic, diff });
  }
  channel.reply(message.ref, "ok", {});
}

function sameTrackedPayload(meta: PresenceMeta | null, payload: Record<string, unknown>): boolean {
  if (!meta) return false;
  const { phx_ref: _ref, phx_ref_prev: _previous, ...tracked } = meta;
  return JSON.stringify(tracked) === JSON.stringify(payload);
}

/**
 * access_token: the channel acts with the new token from now on; a refused
 * one closes the channel. The reference server never replies to this push;
 * Keepr does (ok, or error before closing), which realtime-js ignores apart
 * from clearing the push's timeout timer.
 */
async function refreshToken(context: ChannelContext, channel: JoinedChannel, message: Message): Promise<void> {
  const parsed = accessTokenPayloadSchema.safeParse(message.payload);
  if (!parsed.success) return channel.reply(message.ref, "error", { reason: `InvalidJWTToken: ${describeIssues(parsed.error)}` });
  const accessToken = parsed.data.access_token;
  if (!accessToken || accessToken === channel.accessToken) return channel.reply(message.ref, "ok", {});
  const outcome = await checkRefresh(context, channel, accessToken);
  if (!channel.isActive) return;
  if ("refused" in outcome) {
    channel.reply(message.ref, "error", { reason: outcome.refused });
    return shutdown(context, channel, outcome.refused);
  }
  channel.useToken(outcome.token, accessToken, (expiresAt) => shutdown(context, channel, expiredMessage(expiresAt)));
  channel.reply(message.ref, "ok", {});
}

/** The verified token, or why the channel may not go on with it. */
async function checkRefresh(context: ChannelContext, channel: JoinedChannel, accessToken: string): Promise<{ token: VerifiedToken } | { refused: string }> {
  let token: VerifiedToken;
  try {
    token = verifyRealtimeToken(accessToken, context.jwtSecret);
  } catch (error) {
    if (error instanceof RealtimeTokenError) return { refused: error.message };
    throw error;
  }
  const changedIdentity = token.identity.key !== channel.identity.key;
  if (channel.isPrivate && changedIdentity && (await mayJoin(context, token.identity, channel.name)) !== true) {
    return { refused: `You no longer have permission to read from this Channel topic: ${channel.name}` };
  }
  return { token };
}

function encodeTopicEvent(channel: JoinedChannel, event: TopicEvent): string | Buffer | null {
  if (event.kind === "broadcast") return encodeBroadcast(channel.vsn, channel.topic, event.userEvent, event.body);
  return encodeMessage(channel.vsn, { joinRef: null, ref: null, topic: channel.topic, event: "presence_diff", payload: event.diff });
}
