// The search cache's store (issue 23): answers kept by key, each tagged with
// what it depends on (core/search-feed.ts names the tags) and the days it
// read (null: any), least recently used dropped first, an entry dropped
// when one of its tags is invalidated, for all days or for days it read.
// Who puts and takes answers: server/graphql-search-cache.ts; who
// invalidates: server/search-cache-feed.ts.
//
// The generation guard. Every invalidation (and reset) advances a
// generation counter and remembers, per tag, the generation that last
// invalidated it for all days, and the generations and days of its recent
// dated invalidations (at most rangesRemembered a tag: beyond, the two
// oldest become one covering both, with the later generation, so the
// memory only ever says "changed" more often). A request notes the
// generation before it reads Postgres (`generation()`) and hands it to
// store(): an answer one of whose tags was invalidated since, for all days
// or for a day it read, or computed across a reset, is not kept. So an
// answer is either read after every commit whose invalidation had arrived
// when it started (it saw them), or dropped later by the invalidation of a
// commit it did not see; never kept stale. (An answer tagged "*", a search
// with no filter, depends on every property: "*" is invalidated, with the
// same days, by every invalidation.)
//
// A hand-written LRU over a Map (insertion order), not a library: the tag
// index must drop an entry from every tag's set when the LRU evicts it, and
// that is the whole of it (docs/dependencies.md). A hit moves its entry to
// the newest end only when more than half the capacity was stored or moved
// after it (each entry remembers the tick of its last move): an entry in the
// newer half is not next to go, and a hit then costs one map lookup instead
// of a delete and a re-insert under its key. So an entry read is evicted only
// after at least maxEntries / 2 answers were stored or moved since (LRU
// within half the capacity).
import { searchCacheEntries, searchCacheNotStored } from "../core/metrics.ts";
import { mergeRanges, overlaps, type DayRange } from "../core/search-feed.ts";

export interface CachedAnswer {
  buffer: Buffer;
  headers: Record<string, string>;
}

interface Entry {
  answer: CachedAnswer;
  tags: readonly string[];
  /** The days the answer read (null: it may depend on any). */
  days: DayRange | null;
  expiresAt: number;
  /** The store's tick when it was last put at the newest end. */
  tick: number;
}

/** A dated invalidation remembered for the guard. */
interface DatedMark {
  generation: number;
  days: DayRange;
}

export const anyProperty = "*";

/** Dated invalidations remembered per tag for the guard (older ones merged: see above). */
export const rangesRemembered = 16;

/** An invalidation: tags dropped for all days, and tags dropped for some days only. */
export interface Invalidation {
  tags: readonly string[];
  /** tag → its days; a tag here and in `tags` counts for all days. */
  dated?: ReadonlyMap<string, readonly DayRange[]>;
}

const touches = (days: DayRange | null, ranges: readonly DayRange[]) => days === null || ranges.some((r) => overlaps(days, r));

export class SearchCache {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  /** Counts entries put at the newest end (stored or moved by a hit). */
  #tick = 0;
  /** A hit moves its entry only when more ticks than this passed since its last move (see above). */
  readonly #moveAfter: number;
  readonly #byTag = new Map<string, Set<string>>();
  #generation = 0;
  /** tag → the generation of its last invalidation for all days */
  readonly #invalidatedAt = new Map<string, number>();
  /** tag → its recent dated invalidations, oldest first */
  readonly #datedAt = new Map<string, DatedMark[]>();
  /** The generation of the last reset (everything dropped). */
  #resetAt = 0;

  constructor(options: { maxEntries: number; ttlMs: number; now?: () => number }) {
    this.maxEntries = options.maxEntries;
    this.ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
    this.#moveAfter = Math.floor(options.maxEntries / 2);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Note it before reading Postgres; hand it to store(). */
  generation(): number {
    return this.#generation;
  }

  /**
   * Whether any of these tags (or everything) was invalidated after
   * generation `since` for all days or for one of `days` (null: any day).
   */
  changedSince(tags: readonly string[], since: number, days: DayRange | null = null): boolean {
    if (this.#resetAt > since) return true;
    for (const tag of tags) {
      if ((this.#invalidatedAt.get(tag) ?? 0) > since) return true;
      const marks = this.#datedAt.get(tag);
      if (marks?.some((m) => m.generation > since && touches(days, [m.days]))) return true;
    }
    return false;
  }

  get(key: string): CachedAnswer | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#delete(key, entry);
      return undefined;
    }
    // Most recently used last, when it is not already in the newer half (see above).
    if (this.#tick - entry.tick > this.#moveAfter) {
      this.#entries.delete(key);
      entry.tick = ++this.#tick;
      this.#entries.set(key, entry);
    }
    return entry.answer;
  }

  /**
   * Keeps an answer read after generation `since`, for at most ttlMs (or
   * until `expiresAt`, when sooner), that read `days` (null: any). False
   * when the guard refuses it.
   */
  store(key: string, tags: readonly string[], answer: CachedAnswer, since: number, expiresAt = Infinity, days: DayRange | null = null): boolean {
    if (this.changedSince(tags, since, days)) {
      searchCacheNotStored.inc();
      return false;
    }
    const until = Math.min(this.#now() + this.ttlMs, expiresAt);
    if (until <= this.#now()) return false;
    const old = this.#entries.get(key);
    if (old) this.#delete(key, old);
    this.#entries.set(key, { answer, tags, days, expiresAt: until, tick: ++this.#tick });
    for (const tag of tags) {
      let keys = this.#byTag.get(tag);
      if (!keys) this.#byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    while (this.#entries.size > this.maxEntries) {
      const [oldestKey, oldest] = this.#entries.entries().next().value!;
      this.#delete(oldestKey, oldest);
    }
    searchCacheEntries.set(this.#entries.size);
    return true;
  }

  /**
   * Drops every entry with one of `tags`, and every entry with a tag of
   * `dated` that read one of its days (and the "*" entries likewise);
   * returns how many.
   */
  invalidate({ tags, dated }: Invalidation): number {
    const generation = ++this.#generation;
    const whole = new Set(tags);
    const ranged = new Map<string, readonly DayRange[]>();
    for (const [tag, ranges] of dated ?? []) if (!whole.has(tag) && ranges.length > 0) ranged.set(tag, ranges);
    // "*" (every property) follows every tag: for all days if any tag is, else for all their days.
    if (whole.size > 0) whole.add(anyProperty);
    else if (ranged.size > 0) ranged.set(anyProperty, mergeRanges([...ranged.values()].flat(), rangesRemembered));
    let dropped = 0;
    const drop = (tag: string, ranges: readonly DayRange[] | null) => {
      const keys = this.#byTag.get(tag);
      if (!keys) return;
      for (const key of [...keys]) {
        const entry = this.#entries.get(key);
        if (entry && (ranges === null || touches(entry.days, ranges))) {
          this.#delete(key, entry);
          dropped++;
        }
      }
    };
    for (const tag of whole) {
      this.#invalidatedAt.set(tag, generation);
      this.#datedAt.delete(tag); // older than this whole invalidation: the guard no longer needs them
      drop(tag, null);
    }
    for (const [tag, ranges] of ranged) {
      let marks = this.#datedAt.get(tag);
      if (!marks) this.#datedAt.set(tag, (marks = []));
      for (const days of ranges) marks.push({ generation, days });
      while (marks.length > rangesRemembered) {
        const [a, b] = [marks[0]!, marks[1]!];
        marks.splice(0, 2, { generation: b.generation, days: [a.days[0] < b.days[0] ? a.days[0] : b.days[0], a.days[1] > b.days[1] ? a.days[1] : b.days[1]] });
      }
      drop(tag, ranges);
    }
    searchCacheEntries.set(this.#entries.size);
    return dropped;
  }

  /** Drops everything; answers being computed across it are not kept. */
  reset(): void {
    this.#resetAt = ++this.#generation;
    this.#entries.clear();
    this.#byTag.clear();
    // Every answer computed before now is refused anyway: the per-tag memory can go.
    this.#invalidatedAt.clear();
    this.#datedAt.clear();
    searchCacheEntries.set(0);
  }

  #delete(key: string, entry: Entry): void {
    this.#entries.delete(key);
    for (const tag of entry.tags) {
      const keys = this.#byTag.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.#byTag.delete(tag);
    }
    searchCacheEntries.set(this.#entries.size);
  }
}
