// Presence in the shape Phoenix.Presence gives it, which is what
// @supabase/phoenix's Presence syncs: per key a list of metas, each the
// tracked payload plus a unique phx_ref (and phx_ref_prev after an update).
// A channel tracks at most one meta under its presence key; changes travel
// as diffs {joins, leaves}. The registry holds the state of every topic as
// the diffs it has seen build it, so a joining channel gets presence_state;
// with several instances it also knows which instance tracked each meta.
import { randomUUID } from "node:crypto";

export interface PresenceMeta {
  phx_ref: string;
  phx_ref_prev?: string;
  [field: string]: unknown;
}

export type PresenceEntries = Record<string, { metas: PresenceMeta[] }>;

export interface PresenceDiff {
  joins: PresenceEntries;
  leaves: PresenceEntries;
}

/** The meta a track() stores and the diff that announces it (replacing the channel's previous meta, if any). */
export function trackDiff(key: string, payload: Record<string, unknown>, previous: PresenceMeta | null): { meta: PresenceMeta; diff: PresenceDiff } {
  const meta: PresenceMeta = previous
    ? { ...payload, phx_ref: randomUUID(), phx_ref_prev: previous.phx_ref }
    : { ...payload, phx_ref: randomUUID() };
  return { meta, diff: { joins: entries(key, meta), leaves: previous ? entries(key, previous) : {} } };
}

export function untrackDiff(key: string, previous: PresenceMeta): PresenceDiff {
  return { joins: {}, leaves: entries(key, previous) };
}

/** Presence of every topic, grouped by topic, as the instance that tracked each meta (its origin) last told it. */
export type PresenceSnapshot = Record<string, PresenceEntries>;

/** A topic's change, as the diff that brings a channel's view from the old state to the new. */
export interface TopicDiff {
  topic: string;
  diff: PresenceDiff;
}

interface StoredMeta {
  key: string;
  meta: PresenceMeta;
  origin: string;
}

/**
 * The presence of every topic this instance knows about, its own channels'
 * and, with a shared bus, other instances'. Each meta remembers its origin
 * (the instance whose channel tracked it), so that everything an instance
 * tracked can be replaced by what it says it has now (after a reconnection,
 * when diffs may have been missed) or dropped when it is gone.
 */
export class PresenceRegistry {
  /** topic → phx_ref → meta */
  private readonly topics = new Map<string, Map<string, StoredMeta>>();

  apply(topic: string, diff: PresenceDiff, origin: string): void {
    const metas = this.topics.get(topic) ?? new Map<string, StoredMeta>();
    for (const [key, { metas: leaving }] of Object.entries(diff.leaves)) {
      for (const meta of leaving) if (metas.get(meta.phx_ref)?.key === key) metas.delete(meta.phx_ref);
    }
    for (const [key, { metas: joining }] of Object.entries(diff.joins)) {
      for (const meta of joining) metas.set(meta.phx_ref, { key, meta, origin });
    }
    if (metas.size > 0) this.topics.set(topic, metas);
    else this.topics.delete(topic);
  }

  state(topic: string): PresenceEntries {
    const state: PresenceEntries = {};
    for (const { key, meta } of this.topics.get(topic)?.values() ?? []) addMeta(state, key, meta);
    return state;
  }

  /** What one instance tracked, per topic. */
  snapshot(origin: string): PresenceSnapshot {
    const snapshot: PresenceSnapshot = {};
    for (const [topic, metas] of this.topics) {
      for (const stored of metas.values()) {
        if (stored.origin === origin) addMeta((snapshot[topic] ??= {}), stored.key, stored.meta);
      }
    }
    return snapshot;
  }

  /** Every origin with at least one meta. */
  origins(): Set<string> {
    const origins = new Set<string>();
    for (const metas of this.topics.values()) for (const { origin } of metas.values()) origins.add(origin);
    return origins;
  }

  /**
   * Makes what an origin tracked exactly `snapshot` (an empty one drops it),
   * and returns, per topic that changed, the diff to tell its channels.
   */
  replaceOrigin(origin: string, snapshot: PresenceSnapshot): TopicDiff[] {
    const changed: TopicDiff[] = [];
    const topics = new Set([...Object.keys(snapshot), ...[...this.topics].filter(([, metas]) => [...metas.values()].some((m) => m.origin === origin)).map(([topic]) => topic)]);
    for (const topic of topics) {
      const current = this.topics.get(topic);
      const wanted = new Map<string, { key: string; meta: PresenceMeta }>();
      for (const [key, { metas }] of Object.entries(snapshot[topic] ?? {})) for (const meta of metas) wanted.set(meta.phx_ref, { key, meta });
      const diff: PresenceDiff = { joins: {}, leaves: {} };
      for (const stored of current?.values() ?? []) {
        if (stored.origin === origin && !wanted.has(stored.meta.phx_ref)) addMeta(diff.leaves, stored.key, stored.meta);
      }
      for (const [ref, { key, meta }] of wanted) if (!current?.has(ref)) addMeta(diff.joins, key, meta);
      if (Object.keys(diff.joins).length === 0 && Object.keys(diff.leaves).length === 0) continue;
      this.apply(topic, diff, origin);
      changed.push({ topic, diff });
    }
    return changed;
  }
}

function addMeta(entries: PresenceEntries, key: string, meta: PresenceMeta): void {
  if (Object.hasOwn(entries, key)) entries[key]!.metas.push(meta);
  else Object.defineProperty(entries, key, { value: { metas: [meta] }, enumerable: true, writable: true, configurable: true });
}

/** Object.fromEntries defines own properties, so a key like "__proto__" stays a plain key. */
function entries(key: string, meta: PresenceMeta): PresenceEntries {
  return Object.fromEntries([[key, { metas: [meta] }]]);
}
