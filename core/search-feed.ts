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
//
// Dates (issue 23). A change to a property's claims or rate calendar names
// the days it touches as well (`dated`: a few half-open day ranges per
// property tag, [from, to) as YYYY-MM-DD); it drops only the answers whose
// own days (server/graphql-search-cache.ts: arrival to the day after
// departure) overlap one of them. A tag of `tags` without ranges in `dated`
// drops every answer it tags. An API process that does not know `dated`
// (zod drops the key) drops the whole property: conservative, so the two
// halves may be deployed in either order.
import { z } from "zod";

export const searchFeedChannel = "keepr_search_cache";

export const propertyTag = (id: string) => `p:${id.toLowerCase()}`;
export const cityTag = (city: string) => `city:${city.toLowerCase()}`;
export const countryTag = (code: string) => `country:${code.toUpperCase()}`;

/** A tag as it travels: bounded, so a message never carries an unbounded string. */
const tag = z.string().min(3).max(300);
/** A day as it travels. */
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Days [from, to), from < to, as YYYY-MM-DD (they compare as strings). */
export type DayRange = readonly [from: string, to: string];

/** The ranges one tag names in one transaction at most: more are merged into covering ones. */
export const maxRangesPerTag = 4;

/** The day after an ISO day (YYYY-MM-DD). */
export function nextDay(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Whether two day ranges share a day. */
export function overlaps(a: DayRange, b: DayRange): boolean {
  return a[0] < b[1] && b[0] < a[1];
}

/**
 * The union of ranges, sorted, touching ones joined, at most `max`: while
 * there are more, the two neighbours with the smallest gap between them
 * become one range covering both (and the gap: never fewer days).
 */
export function mergeRanges(ranges: readonly DayRange[], max = maxRangesPerTag): DayRange[] {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const merged: [string, string][] = [];
  for (const [from, to] of sorted) {
    const last = merged.at(-1);
    if (last && from <= last[1]) {
      if (to > last[1]) last[1] = to;
    } else {
      merged.push([from, to]);
    }
  }
  const gap = (i: number) => Date.parse(merged[i + 1]![0]) - Date.parse(merged[i]![1]);
  while (merged.length > Math.max(1, max)) {
    let best = 0;
    for (let i = 1; i < merged.length - 1; i++) if (gap(i) < gap(best)) best = i;
    merged[best]![1] = merged[best + 1]![1];
    merged.splice(best + 1, 1);
  }
  return merged;
}

export const searchFeedMessage = z.discriminatedUnion("k", [
  /**
   * A committed transaction touched these tags: drop what depends on them;
   * for a tag that `dated` names, only what depends on one of its day ranges.
   */
  z.object({
    k: z.literal("inv"),
    lsn: z.string().max(20),
    at: z.number(),
    tags: z.array(tag).max(500),
    dated: z.array(z.tuple([tag, day, day])).max(500).optional(),
  }),
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
