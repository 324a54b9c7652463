// The search cache's feed: what the realtime process (realtime/search-feed.ts)
// tells the API processes (server/search-cache-feed.ts) over a sealed NOTIFY
// channel (core/sealed-channel.ts), and the tags both sides name the data a
// public search or quote depends on by.
//
// Tags: `p:<property id>` for everything of one property (its claims, units,
// room types, rate plans, calendar, discounts, fees, taxes and the property
// row itself); `city:<lower-case city>` and `country:<upper-case code>` for
// the set of properties a search by city or country looks at (a property
// row that changes says its old and new city and country, so a property that
// moves into a city, or is published there, drops that city's searches).
import { z } from "zod";

export const searchFeedChannel = "keepr_search_cache";

export const propertyTag = (id: string) => `p:${id.toLowerCase()}`;
export const cityTag = (city: string) => `city:${city.toLowerCase()}`;
export const countryTag = (code: string) => `country:${code.toUpperCase()}`;

/** A tag as it travels: bounded, so a message never carries an unbounded string. */
const tag = z.string().min(3).max(300);

export const searchFeedMessage = z.discriminatedUnion("k", [
  /** A committed transaction touched these tags: drop what depends on them. */
  z.object({ k: z.literal("inv"), lsn: z.string().max(20), at: z.number(), tags: z.array(tag).max(500) }),
  /** The feed is alive and caught up with what Postgres sent it, up to lsn (null: nothing delivered yet). */
  z.object({ k: z.literal("hb"), lsn: z.string().max(20).nullable() }),
  /** Changes may have been missed (the replication stream restarted, a TRUNCATE, a transaction too big to list): drop everything. */
  z.object({ k: z.literal("reset"), reason: z.string().max(200) }),
]);

export type SearchFeedMessage = z.infer<typeof searchFeedMessage>;

/**
 * The feed's heartbeat for a process's settings (realtime/service.ts's
 * searchFeedHeartbeatMs): 0, no feed, with SEARCH_CACHE=false, since no
 * cache listens. Each of the feed's messages is a pg_notify, and a notifying
 * commit holds the notification queue's lock through its WAL flush, so an
 * unheard feed still queued the API's own notifying commits (the
 * confirmation's graphile_worker.add_jobs) behind its own (docs/benchmarks.md
 * "Notifications nobody listens to").
 */
export function searchFeedHeartbeatMs(config: { SEARCH_CACHE: boolean; SEARCH_CACHE_HEARTBEAT_MS: number }): number {
  return config.SEARCH_CACHE ? config.SEARCH_CACHE_HEARTBEAT_MS : 0;
}
