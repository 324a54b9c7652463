// The search cache's tests (tests/api/search_cache*.test.ts): a test server
// with realtime (the feed) and the cache trusted throughout, and the
// invalidations its cache applies, counted per tag, for tests to wait on.
import type pg from "pg";
import type { TestDatabase } from "./db.ts";
import { startTestServer, type TestServer } from "./server.ts";
import { waitUntil } from "./wait.ts";

export interface SearchCacheServer {
  server: TestServer;
  /** Invalidations applied so far naming `tag` (for all days or some). */
  applied(tag: string): number;
  /** Waits until an invalidation of `tag` is applied after `before` (what `applied(tag)` was). */
  invalidated(tag: string, before: number): Promise<void>;
}

export async function startSearchCacheServer(db: TestDatabase): Promise<SearchCacheServer> {
  // A window and a lag bound far above what a loaded test machine's heartbeats and decoding take (the
  // lag guard has its own test), so the cache is trusted throughout unless a test makes it not.
  const server = await startTestServer(db, { SEARCH_CACHE_HEARTBEAT_MS: "200", SEARCH_CACHE_FEED_WINDOW_MS: "6000", SEARCH_CACHE_MAX_LAG_MS: "60000" }, { realtime: true });
  // The feed is heard once realtime's replication reader runs and its first heartbeat arrived: on a loaded
  // machine (both cores busy) that once took longer than waitUntil's default 15 s.
  await waitUntil(async () => server.searchCache!.feed.alive(), "the search cache's feed heard", 60_000);
  const counts = new Map<string, number>();
  const applied = (tag: string) => counts.get(tag) ?? 0;
  const cache = server.searchCache!.cache;
  const invalidate = cache.invalidate.bind(cache);
  cache.invalidate = (invalidation) => {
    for (const tag of new Set([...invalidation.tags, ...(invalidation.dated?.keys() ?? [])])) counts.set(tag, applied(tag) + 1);
    return invalidate(invalidation);
  };
  return {
    server,
    applied,
    invalidated: (tag, before) => waitUntil(async () => applied(tag) > before, `an invalidation of ${tag} applied`),
  };
}

/**
 * A change a search reads that leaves the property as it was: its rate
 * plans written again as they are, in the caller's transaction. (A unit's
 * name or housekeeping status is read by no search, and names nothing:
 * realtime/search-feed.ts; room_types is what some tests lock.)
 */
export async function touchRatePlans(c: pg.PoolClient, propertyId: string): Promise<void> {
  await c.query("update app_public.rate_plans set name = name where property_id = $1", [propertyId]);
}
