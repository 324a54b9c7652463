// Postgres changes of one table at one property, shared by every screen
// that shows them: one realtime channel per (table, property) however many
// components listen, kept a few seconds after the last one leaves so that
// moving between pages does not rejoin. Listeners hear each change, and a
// "resync" whenever the channel (re)joins after they started listening: a
// change committed while the channel was not joined is not replayed
// (docs/realtime.md, "Recovery": CHANNEL_ERROR then SUBSCRIBED after a
// stream restart), so whoever shows that table refetches it.
import type { RealtimeChannel, RealtimeClient, RealtimePostgresChangesPayload } from "@supabase/realtime-js";
import { liveClient } from "./client.ts";

/** app_public tables of the realtime publication that have a property_id (migration 000007). */
export const liveTables = [
  "room_types", "units", "rate_plans", "guests", "reservations", "inventory_claims", "folios", "folio_balances",
  "payment_intents", "payment_attempts", "refunds", "invoices", "notifications", "housekeeping_tasks", "channel_feeds",
  "channel_conflicts", "night_audits", "night_audit_anomalies", "exports",
  // A booking group's own fields (its name, booker, confirmation): the group page.
  "booking_groups",
  // Keys only (migration 000066): a change says which plan and date moved; the screen refetches them.
  "rate_calendar",
] as const;
export type LiveTable = (typeof liveTables)[number];

export type LiveChange = RealtimePostgresChangesPayload<Record<string, unknown>>;

export interface TableListener {
  /** A committed change of a row the user may see. */
  changed(change: LiveChange): void;
  /** The channel (re)joined after this listener started: changes may have been missed; refetch. */
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
  table: LiveTable;
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
    void entry.client?.removeChannel(channel);
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
  // A topic of its own for every channel instance: realtime-js keys channels
  // by topic, and an old one may still be leaving.
  const channel = client.channel(`live:${entry.propertyId}:${entry.table}:${++sequence}`);
  entry.channel = channel;
  channel
    .on(
      "postgres_changes",
      { event: "*", schema: "app_public", table: entry.table, filter: `property_id=eq.${entry.propertyId}` },
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
  if (entry.channel) void entry.client?.removeChannel(entry.channel);
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
  const key = `${propertyId}:${table}`;
  let entry = channels.get(key);
  if (!entry) {
    entry = {
      key, table, propertyId, client: null, channel: null, listeners: new Set(), waiting: new Set(),
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
