// Presence in the shape Phoenix.Presence gives it, which is what
// @supabase/phoenix's Presence syncs: per key a list of metas, each the
// tracked payload plus a unique phx_ref (and phx_ref_prev after an update).
// A channel tracks at most one meta under its presence key; changes travel
// as diffs {joins, leaves}. The registry holds the state of every topic as
// the diffs it has seen build it, so a joining channel gets presence_state.
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

export class PresenceRegistry {
  /** topic → presence key → metas */
  private readonly topics = new Map<string, Map<string, PresenceMeta[]>>();

  apply(topic: string, diff: PresenceDiff): void {
    const keys = this.topics.get(topic) ?? new Map<string, PresenceMeta[]>();
    for (const [key, { metas }] of Object.entries(diff.joins)) {
      keys.set(key, [...(keys.get(key) ?? []), ...metas]);
    }
    for (const [key, { metas }] of Object.entries(diff.leaves)) {
      const leaving = new Set(metas.map((meta) => meta.phx_ref));
      const remaining = (keys.get(key) ?? []).filter((meta) => !leaving.has(meta.phx_ref));
      if (remaining.length > 0) keys.set(key, remaining);
      else keys.delete(key);
    }
    if (keys.size > 0) this.topics.set(topic, keys);
    else this.topics.delete(topic);
  }

  state(topic: string): PresenceEntries {
    const keys = this.topics.get(topic);
    return Object.fromEntries([...(keys ?? [])].map(([key, metas]) => [key, { metas }]));
  }
}

/** Object.fromEntries defines own properties, so a key like "__proto__" stays a plain key. */
function entries(key: string, meta: PresenceMeta): PresenceEntries {
  return Object.fromEntries([[key, { metas: [meta] }]]);
}
