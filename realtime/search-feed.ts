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
// Dates. A change to inventory_claims (replica identity full: the old and
// new `stay`) or rate_calendar (`date`, in its primary key: an update that
// moves it carries the old key) names its property for the days it
// touches only: the union of the old and the new row's, a transaction's
// days merged per property into at most maxRangesPerTag ranges
// (core/search-feed.ts). What reads them (room_type_units_left: claims
// overlapping [arrival, departure); price_lines and stay_restrictions:
// calendar days arrival to departure, the departure day's
// closed_to_departure included) is dropped when they overlap the days the
// answer read (server/graphql-search-cache.ts). Any other table of
// searchTables, or a row whose days cannot be read, names the whole
// property.
//
// Units. A search reads of a unit only its property, room type and whether
// it is active (room_type_units_left), and those columns are the units'
// replica identity (units_search_identity_key, migration 000115).
// Postgres carries an UPDATE's old identity only when one of them changed,
// so a unit's UPDATE without an old row (a housekeeper's clean room, a
// check-in's is_occupied, a new name) names nothing: at a working hotel
// such changes come all day, and each dropped every cached search of the
// property.
//
// Claims. What a search reads of a claim (room_type_units_left) is its
// property, unit, stay, release and whether it is live (not a hold past its
// expires_at). An update that keeps the first four and leaves a claim live
// at its commit taken at least as long (a hold's confirmation: expires_at
// null) names nothing: every answer read since the claim's insert counted
// it taken, and still may. Once per booking, the confirmation dropped the
// searches of its nights a second time.
//
// Heartbeats: every heartbeatMs, while the replication stream is up and has
// handled everything it received (and only if the publication carries every
// table above), an `hb`. An API process that hears none
// for its window bypasses (and empties) its cache. After the stream starts
// on a new slot (a reconnect: what committed meanwhile was never decoded),
// a TRUNCATE of a table above, or a transaction naming more tags than
// maxTags, a `reset` empties every cache.
import { searchFeedChannel, cityTag, countryTag, mergeRanges, nextDay, propertyTag, type DayRange, type SearchFeedMessage } from "../core/search-feed.ts";
import { SealedChannel } from "../core/sealed-channel.ts";
import type { Change, RealtimeLogger, Transaction } from "./types.ts";

/**
 * Tables whose replica identity holds every column a search reads of them:
 * an UPDATE that carries no old row changed none of them.
 */
const identityTables: ReadonlySet<string> = new Set(["units"]);

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

/** A transaction naming more tags than this empties every cache instead (a bulk load, a migration). */
const maxTags = 2_000;

const isoDay = /^\d{4}-\d{2}-\d{2}$/;
/** A daterange's text output: [from,to) canonically; a missing bound (unbounded) is not read. */
const dateRangeText = /^([[(])(\d{4}-\d{2}-\d{2}),(\d{4}-\d{2}-\d{2})([\])])$/;

/**
 * The days a row of a dated table touches: a range, "none" (an empty
 * stay: no day), or null (cannot tell: the whole property).
 */
type RowDays = DayRange | "none" | null;

/** The tables whose changes name days, how a row's days are read, and whether an update must carry the old row to be dated. */
const datedTables: ReadonlyMap<string, { days: (row: Record<string, string | null>) => RowDays; oldRowOnUpdate: boolean }> = new Map([
  [
    "inventory_claims",
    {
      days: (row: Record<string, string | null>): RowDays => {
        const text = row.stay;
        if (text === "empty") return "none";
        const m = text ? dateRangeText.exec(text) : null;
        if (!m) return null;
        const from = m[1] === "(" ? nextDay(m[2]!) : m[2]!;
        const to = m[4] === "]" ? nextDay(m[3]!) : m[3]!;
        return from < to ? [from, to] : "none";
      },
      // Replica identity full: an update without its old row (the identity changed) may have moved the stay.
      oldRowOnUpdate: true,
    },
  ],
  [
    "rate_calendar",
    {
      days: (row: Record<string, string | null>): RowDays => (row.date && isoDay.test(row.date) ? [row.date, nextDay(row.date)] : null),
      // `date` is in the key: an update without the old key did not move it.
      oldRowOnUpdate: false,
    },
  ],
]);

/** A timestamptz as the replication stream writes it ("2026-12-07 23:15:02.123456+00"), in ms; null when it reads otherwise. */
const timestampText = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?([+-]\d{2})(?::?(\d{2}))?$/;
function timestampMs(text: string): number | null {
  const m = timestampText.exec(text);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}T${m[2]}.${(m[3] ?? "").padEnd(3, "0").slice(0, 3)}${m[4]}:${m[5] ?? "00"}`);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Whether a claim's update leaves what every search counts as it was (the
 * top of this file): the same property, unit, stay and release, and a claim
 * live at the commit stays taken at least as long. Anything unreadable
 * counts as a change.
 */
export function claimKeepsCounts(before: Record<string, string | null>, after: Record<string, string | null>, committedAtMs: number): boolean {
  for (const column of ["property_id", "unit_id", "stay", "released_at"]) {
    if (before[column] === undefined || before[column] !== after[column]) return false;
  }
  if (before.released_at !== null) return true; // released before and after: counted by no search
  if (before.expires_at === undefined || after.expires_at === undefined) return false;
  if (before.expires_at === null) return after.expires_at === null;
  const expired = timestampMs(before.expires_at);
  if (expired === null || expired <= committedAtMs) return false;
  if (after.expires_at === null) return true;
  const expires = timestampMs(after.expires_at);
  return expires !== null && expires >= expired;
}

/** What a transaction's changes drop: tags for all days, and tags for some days only. */
export interface Invalidations {
  /** Every tag touched (dated or not): what a receiver that ignores `dated` drops. */
  tags: Set<string>;
  /** The tags touched only on these days (merged, at most maxRangesPerTag each). */
  dated: Map<string, DayRange[]>;
}

/**
 * The tags (and days) a transaction's changes touch (no tags when none
 * matters to searches). `committedAtMs`: the transaction's commit time,
 * which tells whether a hold was live (without it every claim update names
 * its days).
 */
export function invalidationsOf(changes: readonly Change[], committedAtMs?: number): Invalidations {
  const tags = new Set<string>();
  const whole = new Set<string>();
  const days = new Map<string, DayRange[]>();
  for (const change of changes) {
    if (change.schema !== "app_public") continue;
    const column = searchTables.get(change.table);
    if (!column) continue;
    if (change.type === "UPDATE" && !change.oldRecord && identityTables.has(change.table)) continue;
    if (
      change.type === "UPDATE" && change.table === "inventory_claims" && change.oldRecord && change.record &&
      committedAtMs !== undefined && claimKeepsCounts(change.oldRecord, change.record, committedAtMs)
    ) continue;
    const dated = datedTables.get(change.table);
    const undated = !dated || (change.type === "UPDATE" && dated.oldRowOnUpdate && !change.oldRecord);
    for (const row of [change.record, change.oldRecord]) {
      if (!row) continue;
      const property = row[column];
      if (property) {
        const tag = propertyTag(property);
        tags.add(tag);
        const range = undated ? null : dated.days(row);
        if (range === null) whole.add(tag);
        else if (range !== "none") {
          let ranges = days.get(tag);
          if (!ranges) days.set(tag, (ranges = []));
          ranges.push(range);
        }
      }
      if (change.table === "properties") {
        if (row.city) tags.add(cityTag(row.city));
        if (row.country_code) tags.add(countryTag(row.country_code));
      }
    }
  }
  const dated = new Map<string, DayRange[]>();
  for (const [tag, ranges] of days) if (!whole.has(tag)) dated.set(tag, mergeRanges(ranges));
  // A tag whose rows all had empty stays touched no day: it still goes out (whole), rarely.
  return { tags, dated };
}

/** The tags a transaction's changes touch (empty when none matters to searches). */
export function tagsOf(changes: readonly Change[]): Set<string> {
  return invalidationsOf(changes).tags;
}

/**
 * The `inv` messages of one transaction: every tag once, each with its
 * days in the same message, as many tags as fit a frame
 * (SealedChannel.maxMessageBytes).
 */
export function invalidationMessages(lsn: string, at: number, { tags, dated }: Invalidations, maxBytes = SealedChannel.maxMessageBytes): SearchFeedMessage[] {
  const messages: SearchFeedMessage[] = [];
  const base = JSON.stringify({ k: "inv", lsn, at, tags: [], dated: [] }).length;
  let current: { tags: string[]; dated: [string, string, string][] } = { tags: [], dated: [] };
  let size = base;
  const flush = () => {
    if (current.tags.length === 0) return;
    messages.push({ k: "inv", lsn, at, tags: current.tags, ...(current.dated.length > 0 ? { dated: current.dated } : {}) });
    current = { tags: [], dated: [] };
    size = base;
  };
  for (const tag of tags) {
    const entries = (dated.get(tag) ?? []).map(([from, to]) => [tag, from, to] as [string, string, string]);
    const cost = JSON.stringify(tag).length + 1 + entries.reduce((n, e) => n + JSON.stringify(e).length + 1, 0);
    if (size + cost > maxBytes || current.tags.length >= 500 || current.dated.length + entries.length > 500) flush();
    current.tags.push(tag);
    current.dated.push(...entries);
    size += cost;
  }
  flush();
  return messages;
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
      const touched = invalidationsOf(transaction.changes, Date.parse(transaction.commitTimestamp));
      if (touched.tags.size === 0) return;
      if (touched.tags.size > maxTags) {
        send({ k: "reset", reason: `a transaction touched ${touched.tags.size} properties, cities or countries` });
        return;
      }
      for (const message of invalidationMessages(transaction.lsn, Date.parse(transaction.commitTimestamp), touched)) {
        if (!send(message)) {
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
