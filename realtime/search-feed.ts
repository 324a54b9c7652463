// The sending half of the search cache's feed (issue 23): for each committed
// transaction the replication stream delivers, the properties (and cities,
// countries) whose public searches and quotes it may have changed, sent at
// once to the API processes over the sealed NOTIFY channel
// keepr_search_cache (core/search-feed.ts says what travels; the API's half
// is server/search-cache-feed.ts).
//
// What a search or quote reads (app_public.search_availability, quote and
// what they call: room_type_units_left, price_lines, stay_restrictions,
// check_stay): properties, room_types, rate_plans, units, inventory_claims,
// rate_calendar, rate_plan_los_discounts, fees, taxes, and the search's
// translated names (room_type_translations, rate_plan_translations). Each carries
// property_id (properties: id), so one change names one property.
//
// Heartbeats: every heartbeatMs, while the replication stream is up and has
// handled everything it received (and only if the publication carries every
// table above), an `hb`. An API process that hears none
// for its window bypasses (and empties) its cache. After the stream starts
// on a new slot (a reconnect: what committed meanwhile was never decoded),
// a TRUNCATE of a table above, or a transaction naming more tags than
// maxTags, a `reset` empties every cache.
import { searchFeedChannel, cityTag, countryTag, propertyTag, type SearchFeedMessage } from "../core/search-feed.ts";
import { SealedChannel } from "../core/sealed-channel.ts";
import type { Change, RealtimeLogger, Transaction } from "./types.ts";

/** The tables a public search or quote reads, and the column naming each row's property. */
export const searchTables: ReadonlyMap<string, string> = new Map([
  ["properties", "id"],
  ["room_types", "property_id"],
  ["rate_plans", "property_id"],
  ["units", "property_id"],
  ["inventory_claims", "property_id"],
  ["rate_calendar", "property_id"],
  ["rate_plan_los_discounts", "property_id"],
  ["fees", "property_id"],
  ["taxes", "property_id"],
  ["room_type_translations", "property_id"],
  ["rate_plan_translations", "property_id"],
]);

/** Tags in one message (each at most ~45 bytes: a frame holds 5,938). */
const tagsPerMessage = 100;
/** A transaction naming more tags than this empties every cache instead (a bulk load, a migration). */
const maxTags = 2_000;

/** The tags a transaction's changes touch (empty when none matters to searches). */
export function tagsOf(changes: readonly Change[]): Set<string> {
  const tags = new Set<string>();
  for (const change of changes) {
    if (change.schema !== "app_public") continue;
    const column = searchTables.get(change.table);
    if (!column) continue;
    for (const row of [change.record, change.oldRecord]) {
      if (!row) continue;
      const property = row[column];
      if (property) tags.add(propertyTag(property));
      if (change.table === "properties") {
        if (row.city) tags.add(cityTag(row.city));
        if (row.country_code) tags.add(countryTag(row.country_code));
      }
    }
  }
  return tags;
}

export interface SearchFeed {
  /** A committed transaction (or a chunk of one): its tags go out at once. */
  publish(transaction: Transaction): void;
  /** Changes may have been missed (a new slot, a TRUNCATE): every cache empties. */
  reset(reason: string): void;
  readonly connected: boolean;
  stop(): Promise<void>;
}

export function startSearchFeed(options: {
  /** A login that may call pg_notify() (the API's authenticator). */
  connectionString: string;
  /** The deployment's secret (the JWT secret). */
  secret: string;
  logger: RealtimeLogger;
  /** Whether the replication stream is up and has handled all it received. */
  caughtUp(): boolean;
  /** The lsn of the last transaction delivered, or null. */
  lastLsn(): string | null;
  /**
   * The tables of searchTables the publication does not carry (its changes
   * would never reach the feed). While any is missing no heartbeat goes out:
   * the API processes bypass their caches rather than trust a feed blind to
   * rate or restriction changes.
   */
  unpublished(): Promise<string[]>;
  /** How often a heartbeat goes out (API processes wait SEARCH_CACHE_FEED_WINDOW_MS for one). Default 1 s. */
  heartbeatMs?: number;
  reconnectDelaysMs?: readonly number[];
}): SearchFeed {
  const logger = options.logger.child({ component: "search-feed" });
  const channel = new SealedChannel({
    connectionString: options.connectionString,
    secret: options.secret,
    channel: searchFeedChannel,
    applicationName: "keepr-search-feed",
    logger,
    listen: false,
    ...(options.reconnectDelaysMs ? { reconnectDelaysMs: options.reconnectDelaysMs } : {}),
    // A message sent while the connection was down is lost; the API processes
    // heard no heartbeat meanwhile either, so they bypassed. Still, say so.
    onConnected: () => void channel.send({ k: "reset", reason: "feed reconnected" } satisfies SearchFeedMessage),
  });
  const send = (message: SearchFeedMessage) => channel.send(message);
  // The publication is checked at start and, while it lacks a table, every
  // 10 s (a migration that adds it turns the feed on without a restart).
  let complete = false;
  let warned = false;
  const checkPublication = () =>
    options.unpublished().then(
      (missing) => {
        complete = missing.length === 0;
        if (complete) {
          clearInterval(rechecks);
          if (warned) logger.info({}, "search feed on: the publication now carries every table searches read");
        } else if (!warned) {
          warned = true;
          logger.error({ missing }, "search feed silent: the publication keepr_realtime lacks tables searches read, so API processes bypass their search caches (a migration adds them)");
        }
      },
      (error: unknown) => logger.warn({ err: error }, "search feed: the publication's tables could not be read; checking again"),
    );
  const rechecks = setInterval(() => void checkPublication(), 10_000);
  rechecks.unref();
  void checkPublication();
  const heartbeat = setInterval(() => {
    if (complete && options.caughtUp()) send({ k: "hb", lsn: options.lastLsn() });
  }, options.heartbeatMs ?? 1_000);
  heartbeat.unref();
  return {
    publish(transaction) {
      const tags = tagsOf(transaction.changes);
      if (tags.size === 0) return;
      if (tags.size > maxTags) {
        send({ k: "reset", reason: `a transaction touched ${tags.size} properties, cities or countries` });
        return;
      }
      const at = Date.parse(transaction.commitTimestamp);
      const all = [...tags];
      for (let i = 0; i < all.length; i += tagsPerMessage) {
        if (!send({ k: "inv", lsn: transaction.lsn, at, tags: all.slice(i, i + tagsPerMessage) })) {
          logger.debug({ lsn: transaction.lsn }, "search feed not connected: invalidation not sent (the API processes bypass their caches meanwhile)");
          return;
        }
      }
    },
    reset(reason) {
      send({ k: "reset", reason });
    },
    get connected() {
      return channel.connected;
    },
    async stop() {
      clearInterval(heartbeat);
      clearInterval(rechecks);
      await channel.close();
    },
  };
}
