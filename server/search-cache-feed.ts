// The API's half of the search cache's feed (realtime/search-feed.ts sends):
// listens on the sealed NOTIFY channel keepr_search_cache, applies each
// invalidation to the cache (server/search-cache.ts) and decides whether the
// cache may be used at all.
//
// Trust. The cache is used only while the feed is heard: a heartbeat
// stamped and received within windowMs, on a LISTEN
// connection that has been up since; and not while it lags: an invalidation
// that arrives more than maxLagMs after its commit empties the cache, which
// is bypassed until none has for windowMs. Otherwise (realtime or its replication
// down, the feed's or this connection lost, a failover) every request
// bypasses the cache, and the moment that is noticed the cache is emptied:
// what it holds may have missed an invalidation. A heartbeat stamped longer
// ago than windowMs (a replay of a captured one) does not count. Frames that
// are not sealed with the deployment's secret, replays and stale frames are
// dropped by core/sealed-channel.ts before they get here; a sealed frame
// that is not a feed message is dropped here; all are counted in
// keepr_search_cache_feed_dropped_total.
import { searchFeedChannel, searchFeedMessage, type DayRange, type SearchFeedMessage } from "../core/search-feed.ts";
import { SealedChannel, type ChannelLogger } from "../core/sealed-channel.ts";
import { searchCacheFeedDrops, searchCacheFeedUp, searchCacheInvalidations, searchCacheStaleness } from "../core/metrics.ts";
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { SearchCache, type Invalidation } from "./search-cache.ts";

/**
 * An `inv` message as the cache applies it: its tags that `dated` names
 * drop only what read one of their days, the others everything they tag.
 */
export function invalidationOf(message: Extract<SearchFeedMessage, { k: "inv" }>): Invalidation {
  const dated = new Map<string, DayRange[]>();
  const broken = new Set<string>();
  for (const [tag, from, to] of message.dated ?? []) {
    if (from >= to) broken.add(tag); // not a range: the tag counts for all days
    let ranges = dated.get(tag);
    if (!ranges) dated.set(tag, (ranges = []));
    ranges.push([from, to]);
  }
  for (const tag of broken) dated.delete(tag);
  return { tags: [...new Set([...message.tags.filter((tag) => !dated.has(tag)), ...broken])], dated };
}

export interface SearchCacheFeed {
  /** Whether the cache may be used now (empties it when that just stopped being so). */
  alive(): boolean;
  /** Applied invalidations so far (tests wait on it). */
  readonly applied: number;
  stop(): Promise<void>;
}

export function listenToSearchFeed(options: {
  /** The API's login (the authenticator): LISTEN needs no grant. */
  connectionString: string;
  secret: string;
  cache: SearchCache;
  /** SEARCH_CACHE_FEED_WINDOW_MS */
  windowMs: number;
  /** SEARCH_CACHE_MAX_LAG_MS */
  maxLagMs: number;
  logger: ChannelLogger;
  now?: () => number;
}): SearchCacheFeed {
  const { cache, windowMs, logger } = options;
  const now = options.now ?? Date.now;
  /** When the feed was last heard (this process's clock), or null: not since the connection came up. */
  let heardAt: number | null = null;
  /** When an invalidation last arrived later than maxLagMs after its commit. */
  let lateAt = -Infinity;
  let wasAlive = false;
  let applied = 0;

  /** Empties the cache; `deaf`: nothing said meanwhile was heard, so wait for the feed again. */
  const forget = (why: string, deaf = true) => {
    if (deaf) heardAt = null;
    if (cache.size > 0) logger.warn({ why, entries: cache.size }, "search cache emptied");
    cache.reset();
    searchCacheInvalidations.inc({ kind: "reset" });
  };

  const channel = new SealedChannel({
    connectionString: options.connectionString,
    secret: options.secret,
    channel: searchFeedChannel,
    applicationName: "keepr-search-cache",
    logger,
    onConnected: () => forget("the feed's connection came up: what was sent before was not heard"),
    onLost: () => forget("the feed's connection was lost"),
    onDrop: (reason) => searchCacheFeedDrops.inc({ reason }),
    onMessage(raw, { sentAt }) {
      const parsed = searchFeedMessage.safeParse(raw);
      if (!parsed.success) {
        searchCacheFeedDrops.inc({ reason: "invalid" });
        return;
      }
      const message = parsed.data;
      const received = now();
      switch (message.k) {
        case "inv": {
          cache.invalidate(invalidationOf(message));
          applied++;
          searchCacheInvalidations.inc({ kind: "inv" });
          const lag = Math.max(0, received - message.at);
          searchCacheStaleness.observe(lag / 1000);
          if (lag > options.maxLagMs) {
            // What the cache holds may wait behind this in the same lagging stream.
            if (received - lateAt > windowMs) forget(`an invalidation arrived ${lag} ms after its commit (SEARCH_CACHE_MAX_LAG_MS ${options.maxLagMs})`, false);
            lateAt = received;
          }
          break;
        }
        case "reset":
          forget(`the feed said: ${message.reason}`, false);
          break;
        case "hb":
          break;
      }
      // Alive: a heartbeat stamped within the window (not a replayed old one). Only
      // heartbeats count: the feed sends them only while it sees every table searches read.
      if (message.k === "hb" && received - sentAt <= windowMs) heardAt = received;
    },
  });

  const alive = () => {
    const t = now();
    const up = channel.connected && heardAt !== null && t - heardAt <= windowMs && t - lateAt > windowMs;
    if (!up && wasAlive) forget("no heartbeat from the feed within SEARCH_CACHE_FEED_WINDOW_MS");
    if (up !== wasAlive) searchCacheFeedUp.set(up ? 1 : 0);
    wasAlive = up;
    return up;
  };
  searchCacheFeedUp.set(0);
  // Noticed without a request too: the cache empties and the gauge falls on time.
  const ticker = setInterval(alive, Math.max(50, Math.floor(windowMs / 2)));
  ticker.unref();

  return {
    alive,
    get applied() {
      return applied;
    },
    async stop() {
      clearInterval(ticker);
      await channel.close();
      searchCacheFeedUp.set(0);
    },
  };
}

export interface RunningSearchCache {
  cache: SearchCache;
  feed: SearchCacheFeed;
  stop(): Promise<void>;
}

/** The search cache and its feed's listener as the settings say (null with SEARCH_CACHE=false). */
export function startSearchCache(
  config: Pick<Config, "SEARCH_CACHE" | "SEARCH_CACHE_MAX_ENTRIES" | "SEARCH_CACHE_TTL_SECONDS" | "SEARCH_CACHE_FEED_WINDOW_MS" | "SEARCH_CACHE_MAX_LAG_MS">,
  options: { connectionString: string; secret: string; logger: Logger },
): RunningSearchCache | null {
  if (!config.SEARCH_CACHE) return null;
  const cache = new SearchCache({ maxEntries: config.SEARCH_CACHE_MAX_ENTRIES, ttlMs: config.SEARCH_CACHE_TTL_SECONDS * 1000 });
  const feed = listenToSearchFeed({
    connectionString: options.connectionString,
    secret: options.secret,
    cache,
    windowMs: config.SEARCH_CACHE_FEED_WINDOW_MS,
    maxLagMs: config.SEARCH_CACHE_MAX_LAG_MS,
    logger: options.logger.child({ component: "search-cache" }),
  });
  return {
    cache,
    feed,
    async stop() {
      await feed.stop();
      cache.reset();
    },
  };
}
