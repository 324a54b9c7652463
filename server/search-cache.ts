// The search cache's store (issue 23): answers kept by key, each tagged with
// what it depends on (core/search-feed.ts names the tags), least recently
// used dropped first, every entry with a tag dropped when the tag is
// invalidated. Who puts and takes answers: server/graphql-search-cache.ts;
// who invalidates: server/search-cache-feed.ts.
//
// The generation guard. Every invalidation (and reset) advances a
// generation counter and remembers, per tag, the generation that last
// invalidated it. A request notes the generation before it reads Postgres
// (`generation()`) and hands it to store(): an answer one of whose tags was
// invalidated since, or computed across a reset, is not kept. So an answer
// is either read after every commit whose invalidation had arrived when it
// started (it saw them), or dropped later by the invalidation of a commit it
// did not see; never kept stale. (An answer tagged "*", a search with no
// filter, depends on every property: any invalidation counts.)
//
// A hand-written LRU over a Map (insertion order), not a library: the tag
// index must drop an entry from every tag's set when the LRU evicts it, and
// that is the whole of it (docs/dependencies.md).
import { searchCacheEntries, searchCacheNotStored } from "../core/metrics.ts";

export interface CachedAnswer {
  buffer: Buffer;
  headers: Record<string, string>;
}

interface Entry {
  answer: CachedAnswer;
  tags: readonly string[];
  expiresAt: number;
}

export const anyProperty = "*";

export class SearchCache {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #byTag = new Map<string, Set<string>>();
  #generation = 0;
  /** tag → the generation of its last invalidation */
  readonly #invalidatedAt = new Map<string, number>();
  /** The generation of the last reset (everything dropped). */
  #resetAt = 0;

  constructor(options: { maxEntries: number; ttlMs: number; now?: () => number }) {
    this.maxEntries = options.maxEntries;
    this.ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Note it before reading Postgres; hand it to store(). */
  generation(): number {
    return this.#generation;
  }

  /** Whether any of these tags (or everything) was invalidated after generation `since`. */
  changedSince(tags: readonly string[], since: number): boolean {
    if (this.#resetAt > since) return true;
    for (const tag of tags) {
      if (tag === anyProperty ? this.#generation > since : (this.#invalidatedAt.get(tag) ?? 0) > since) return true;
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
    // Most recently used last.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.answer;
  }

  /**
   * Keeps an answer read after generation `since`, for at most ttlMs (or
   * until `expiresAt`, when sooner). False when the guard refuses it.
   */
  store(key: string, tags: readonly string[], answer: CachedAnswer, since: number, expiresAt = Infinity): boolean {
    if (this.changedSince(tags, since)) {
      searchCacheNotStored.inc();
      return false;
    }
    const until = Math.min(this.#now() + this.ttlMs, expiresAt);
    if (until <= this.#now()) return false;
    const old = this.#entries.get(key);
    if (old) this.#delete(key, old);
    this.#entries.set(key, { answer, tags, expiresAt: until });
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

  /** Drops every entry with one of these tags (and every "*" entry); returns how many. */
  invalidate(tags: readonly string[]): number {
    const generation = ++this.#generation;
    let dropped = 0;
    for (const tag of [...tags, anyProperty]) {
      if (tag !== anyProperty) this.#invalidatedAt.set(tag, generation);
      const keys = this.#byTag.get(tag);
      if (!keys) continue;
      for (const key of [...keys]) {
        const entry = this.#entries.get(key);
        if (entry) {
          this.#delete(key, entry);
          dropped++;
        }
      }
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
