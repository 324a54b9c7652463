// Postgres changes of one table at one property, shared by every screen
// that shows them: one realtime channel per (table, property) however many
// components listen, kept a few seconds after the last one leaves so that
// moving between pages does not rejoin. Listeners hear each change, and a
// "resync" whenever the channel (re)joins after they started listening: a
// change committed while the channel was not joined is not replayed
// (docs/realtime.md, "Recovery": CHANNEL_ERROR then SUBSCRIBED after a
// stream restart), so whoever shows that table refetches it.
//
// Besides tables, signals: content-free broadcasts on a private channel of
// the property, `property:<id>:<signal>`, that say "something you may not
// read changed: refetch". The console sends one after an action whose
// change some of the property's staff cannot see (announce), e.g. a
// check-in, which writes only the reservation that housekeeping may not
// read; their screens refetch what they may read (housekeepingStays).
import type { RealtimeChannel, RealtimeClient, RealtimePostgresChangesPayload } from "@supabase/realtime-js";
import { getToken } from "../providers/session.ts";
import { liveClient } from "./client.ts";

/** app_public tables of the realtime publication that have a property_id (migration 000007). */
export const liveTables = [
  "room_types", "units", "rate_plans", "guests", "reservations", "inventory_claims", "folios", "folio_balances",
  "payment_intents", "payment_attempts", "refunds", "invoices", "notifications", "housekeeping_tasks", "channel_feeds",
  "channel_conflicts", "night_audits", "night_audit_anomalies", "exports",
] as const;
export type LiveTable = (typeof liveTables)[number];

export type LiveChange = RealtimePostgresChangesPayload<Record<string, unknown>>;

/**
 * Signals (announce, watchSignal):
 * - `stays`: the day's stays at the property changed in a way the
 *   publication may not carry to every role (a check-in: housekeeping
 *   reads no reservations); the housekeeping board refetches its stays.
 */
export const liveSignals = ["stays"] as const;
export type LiveSignal = (typeof liveSignals)[number];

/** The private channel of a signal at a property (the server opens `property:<id>:…` to its staff). */
export const signalTopic = (propertyId: string, signal: LiveSignal) => `property:${propertyId}:${signal}`;

export interface TableListener {
  /** A committed change of a row the user may see. */
  changed(change: LiveChange): void;
  /**
   * Refetch: the channel (re)joined after this listener started (changes
   * may have been missed), or a signal came (it says nothing but that).
   */
  resync(): void;
}

/**
 * - `off`: this server has no realtime service;
 * - `connecting`: joining (first time);
 * - `live`: joined, changes arrive;
 * - `retrying`: the channel or the socket failed; realtime-js rejoins by itself.
 */
export type ChannelState = "off" | "connecting" | "live" | "retrying";

const lingerMs = 5_000;
const reopenAfterCloseMs = 1_000;

interface TableChannel {
  key: string;
  /** What the channel carries: a table's changes, or a signal's broadcasts. */
  source: { table: LiveTable } | { signal: LiveSignal };
  propertyId: string;
  client: RealtimeClient | null;
  channel: RealtimeChannel | null;
  listeners: Set<TableListener>;
  /** Listeners that came while the channel was not joined: they resync when it joins. */
  waiting: Set<TableListener>;
  state: ChannelState;
  joinedOnce: boolean;
  disposed: boolean;
  linger: ReturnType<typeof setTimeout> | undefined;
}

const channels = new Map<string, TableChannel>();
let sequence = 0;
/** Signals' topics are fixed: a new channel waits for the previous one of its topic to leave (realtime-js keys channels by topic). */
const leaving = new Map<string, Promise<unknown>>();

function removeChannel(client: RealtimeClient | null, channel: RealtimeChannel): void {
  if (!client) return;
  const done = client.removeChannel(channel).catch(() => undefined);
  const topic = channel.subTopic;
  leaving.set(topic, done);
  void done.finally(() => {
    if (leaving.get(topic) === done) leaving.delete(topic);
  });
}

// ---------------------------------------------------------------------------
// The state of all channels, for the app bar's indicator (useSyncExternalStore)
// ---------------------------------------------------------------------------

const stateListeners = new Set<() => void>();
let overallState: ChannelState | "idle" = "idle";

function computeOverall(): ChannelState | "idle" {
  const states = [...channels.values()].filter((c) => c.listeners.size > 0).map((c) => c.state);
  if (states.length === 0) return "idle";
  if (states.every((s) => s === "off")) return "off";
  if (states.includes("retrying")) return "retrying";
  if (states.includes("connecting")) return "connecting";
  return "live";
}

function publishState(): void {
  const next = computeOverall();
  if (next === overallState) return;
  overallState = next;
  for (const listener of stateListeners) listener();
}

/** Whether the screens' changes arrive: `idle` when no screen listens. */
export function liveState(): ChannelState | "idle" {
  return overallState;
}

export function subscribeLiveState(listener: () => void): () => void {
  stateListeners.add(listener);
  return () => {
    stateListeners.delete(listener);
  };
}

// ---------------------------------------------------------------------------
// Channels
// ---------------------------------------------------------------------------

function setState(entry: TableChannel, state: ChannelState): void {
  entry.state = state;
  publishState();
}

function onStatus(entry: TableChannel, channel: RealtimeChannel, status: string): void {
  if (entry.disposed || entry.channel !== channel) return;
  if (status === "SUBSCRIBED") {
    // A rejoin (after CHANNEL_ERROR, a dropped socket or a reopened channel)
    // may have missed changes: everyone refetches. A first join: those who
    // came before it.
    const resyncing = entry.joinedOnce ? [...entry.listeners] : [...entry.waiting];
    entry.joinedOnce = true;
    entry.waiting.clear();
    setState(entry, "live");
    for (const listener of resyncing) listener.resync();
  } else if (status === "CHANNEL_ERROR" || status === "TIMED_OUT") {
    // realtime-js rejoins errored and timed-out channels by itself.
    setState(entry, entry.joinedOnce ? "retrying" : "connecting");
  } else if (status === "CLOSED") {
    // Closed by the server (e.g. the session token expired): open a new one.
    setState(entry, "retrying");
    entry.channel = null;
    removeChannel(entry.client, channel);
    setTimeout(() => {
      if (!entry.disposed && !entry.channel) void open(entry);
    }, reopenAfterCloseMs);
  }
}

async function open(entry: TableChannel): Promise<void> {
  const client = entry.client;
  if (!client || entry.disposed) return;
  // The join carries the session token: read it now (a sign-in since the
  // socket opened would otherwise join with the previous one until the
  // next heartbeat refreshes it).
  await client.setAuth().catch(() => undefined);
  if (entry.disposed || entry.channel) return;
  if ("signal" in entry.source) {
    const topic = signalTopic(entry.propertyId, entry.source.signal);
    await leaving.get(topic);
    if (entry.disposed || entry.channel) return;
    // Private: the server lets only the property's staff join (and send).
    const channel = client.channel(topic, { config: { private: true } });
    entry.channel = channel;
    channel
      // The payload is ignored: a signal says only "refetch".
      .on("broadcast", { event: "changed" }, () => {
        for (const listener of entry.listeners) listener.resync();
      })
      .subscribe((status) => onStatus(entry, channel, status));
    return;
  }
  const { table } = entry.source;
  // A topic of its own for every channel instance: realtime-js keys channels
  // by topic, and an old one may still be leaving.
  const channel = client.channel(`live:${entry.propertyId}:${table}:${++sequence}`);
  entry.channel = channel;
  channel
    .on(
      "postgres_changes",
      { event: "*", schema: "app_public", table, filter: `property_id=eq.${entry.propertyId}` },
      (change: LiveChange) => {
        for (const listener of entry.listeners) listener.changed(change);
      },
    )
    .subscribe((status) => onStatus(entry, channel, status));
}

function start(entry: TableChannel): void {
  liveClient().then(
    (client) => {
      if (entry.disposed) return;
      if (!client) return setState(entry, "off");
      entry.client = client;
      void open(entry);
    },
    () => {
      // The configuration could not be read (server unreachable): try again later.
      if (entry.disposed) return;
      setState(entry, "retrying");
      setTimeout(() => {
        if (!entry.disposed && !entry.client) start(entry);
      }, 5_000);
    },
  );
}

function dispose(entry: TableChannel): void {
  entry.disposed = true;
  channels.delete(entry.key);
  if (entry.channel) removeChannel(entry.client, entry.channel);
  entry.channel = null;
  publishState();
}

/**
 * Listens to the changes of `table` at `propertyId` (the filter
 * `property_id=eq.<propertyId>`; the server sends only rows the user's role
 * may read, per the API's row-level security). Returns the function that
 * stops listening.
 */
export function watchTable(table: LiveTable, propertyId: string, listener: TableListener): () => void {
  return watch(`${propertyId}:${table}`, { table }, propertyId, listener);
}

/**
 * Listens to a signal at `propertyId`: each broadcast calls the listener's
 * resync (refetch), as a rejoin does. Returns the function that stops
 * listening.
 */
export function watchSignal(signal: LiveSignal, propertyId: string, listener: TableListener): () => void {
  return watch(`${propertyId}:signal:${signal}`, { signal }, propertyId, listener);
}

function watch(key: string, source: TableChannel["source"], propertyId: string, listener: TableListener): () => void {
  let entry = channels.get(key);
  if (!entry) {
    entry = {
      key, source, propertyId, client: null, channel: null, listeners: new Set(), waiting: new Set(),
      state: "connecting", joinedOnce: false, disposed: false, linger: undefined,
    };
    channels.set(key, entry);
    start(entry);
  }
  const current = entry;
  clearTimeout(current.linger);
  current.listeners.add(listener);
  if (current.state !== "live" && current.state !== "off") current.waiting.add(listener);
  publishState();
  return () => {
    current.listeners.delete(listener);
    current.waiting.delete(listener);
    if (current.listeners.size === 0 && !current.disposed) {
      current.linger = setTimeout(() => dispose(current), lingerMs);
    }
    publishState();
  };
}

/**
 * Tells the property's screens that watch `signal` to refetch: a broadcast
 * with no content on the signal's private channel, over HTTP (realtime's
 * broadcast API; no join). Best effort: without a realtime service, or if
 * the server is unreachable, nothing is sent (the screens' polling remains).
 */
export async function announce(signal: LiveSignal, propertyId: string): Promise<void> {
  try {
    const client = await liveClient();
    const token = getToken();
    if (!client || !token) return;
    const topic = encodeURIComponent(signalTopic(propertyId, signal));
    // httpEndpoint is realtime's broadcast API: <origin>/realtime/v1/api/broadcast.
    await fetch(`${client.httpEndpoint}/${topic}/events/changed?private=true`, {
      method: "POST",
      headers: { apikey: client.apiKey ?? "", authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
  } catch {
    // Nothing to undo: the action itself succeeded.
  }
}
