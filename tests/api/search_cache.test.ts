// The search cache (issue 23): anonymous searches and quotes answered from
// the API process's cache, which realtime's WAL feed invalidates per
// property. Real Postgres, the real realtime service reading logical
// replication, the real HTTP API; every wait is for a state (an invalidation
// applied, a backend waiting on a lock, the feed heard or not), never a time.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { register } from "prom-client";
import { anonymous, asOwner, inCommit, sqlstateOf, staff, type TestDatabase } from "../helpers/db.ts";
import { fileDatabase } from "../helpers/db.ts";
import { addDays, book, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { startSearchCacheServer, touchRatePlans, type SearchCacheServer } from "../helpers/search-cache.ts";
import { waitUntil } from "../helpers/wait.ts";
import { disconnect, EventQueue, subscribed, userToken } from "../realtime/harness.ts";
import { RealtimeClient, type RealtimePostgresChangesPayload } from "@supabase/realtime-js";
import { anonKey } from "../../realtime/tokens.ts";
import { searchFeedChannel } from "../../core/search-feed.ts";
import { SealedChannel } from "../../core/sealed-channel.ts";
import { createLogger } from "../../core/logger.ts";


let server: TestServer;
let silent: TestServer | undefined;
const db: TestDatabase = fileDatabase({ beforeDrop: async () => Promise.all([server?.close(), silent?.close()]) });

const searchDocument = `query Search($arrival: Date!, $departure: Date!, $city: String, $propertyId: UUID, $language: String) {
  searchAvailability(arrival: $arrival, departure: $departure, city: $city, propertyId: $propertyId, language: $language) {
    nodes { propertyId ratePlanId ratePlanName unitsLeft totalAmount isBookable }
  }
}`;
const quoteDocument = `query Quote($ratePlanId: UUID!, $arrival: Date!, $departure: Date!) {
  quote(ratePlanId: $ratePlanId, arrival: $arrival, departure: $departure) { totalAmount unitsLeft quoteToken }
}`;

interface Answer {
  status: number;
  cache: string | null;
  cacheControl: string | null;
  body: { data?: Record<string, any> | null; errors?: Array<{ extensions?: { code?: string } }> };
}

/** A search as the guest app sends it: GET, no token (or the given one). */
async function search(s: TestServer, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer & { nodes: any[] }> {
  const url = `${s.url}/graphql?${new URLSearchParams({ query: searchDocument, variables: JSON.stringify(variables) })}`;
  const res = await fetch(url, { headers: { accept: "application/graphql-response+json, application/json", ...headers } });
  const body = (await res.json()) as Answer["body"];
  return { status: res.status, cache: res.headers.get("x-keepr-cache"), cacheControl: res.headers.get("cache-control"), body, nodes: body.data?.searchAvailability?.nodes ?? [] };
}

async function quoteOverHttp(s: TestServer, variables: Record<string, unknown>): Promise<Answer> {
  const res = await s.graphql(quoteDocument, variables);
  return { status: res.status, cache: res.headers.get("x-keepr-cache"), cacheControl: res.headers.get("cache-control"), body: res.body };
}

async function counter(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((n, v) => n + v.value, 0);
}

/** Runs SQL as the owner, committed. */
const asOwnerCommit = <T>(fn: (c: pg.PoolClient) => Promise<T>) => inCommit(db.ownerPool, async (c) => {
  await asOwner(c);
  return fn(c);
});

/**
 * Invalidations applied so far, per tag, as the cache receives them
 * (tests/helpers/search-cache.ts). A wait names the tag it waits for: any
 * other invalidation (a cron releasing an expired hold elsewhere, another
 * test's change) may be applied first.
 */
let applied: SearchCacheServer["applied"];
let invalidated: SearchCacheServer["invalidated"];
const tagOf = (hotel: Hotel) => `p:${hotel.propertyId}`;

/**
 * Waits until every change committed so far has reached the cache: a change
 * at the marker hotel (which no search here looks at) commits last, and the
 * feed applies invalidations in commit order. The marker's invalidations are
 * counted from its creation on (one a transaction), so the wait is for this
 * change's own, not for an earlier marker change still on its way when it
 * began (the feed lags on a loaded machine).
 */
let marker: Hotel;
let markerCommits = 0;
async function settled(): Promise<void> {
  await asOwnerCommit((c) => touchRatePlans(c, marker.propertyId));
  const expected = ++markerCommits;
  await waitUntil(async () => applied(tagOf(marker)) >= expected, `the marker's invalidation ${expected} applied`);
}

let h: Hotel;
let city: string;
let arrival: string;
let departure: string;

beforeAll(async () => {
  ({ server, applied, invalidated } = await startSearchCacheServer(db));
  h = await asOwnerCommit((c) => createHotel(c, { units: 1 }));
  marker = await asOwnerCommit((c) => createHotel(c));
  markerCommits = 1; // its creation: one transaction, one invalidation naming it
  city = (await db.ownerPool.query<{ city: string }>("select city from app_public.properties where id = $1", [h.propertyId])).rows[0]!.city;
  arrival = localDate(h.timeZone, 30);
  departure = addDays(arrival, 2);
  await settled();
});

it("answers a repeated search from the cache until a booking takes the last unit; then the search no longer shows it, and the stale quote cannot book", async () => {
  const first = await search(server, { arrival, departure, city });
  expect([first.status, first.cache, first.nodes.length, first.nodes[0]?.unitsLeft]).toEqual([200, "miss", 1, 1]);
  // Revalidated every time by a shared cache in front: the WAL, not max-age, says when it is stale.
  expect(first.cacheControl).toBe("public, no-cache");
  const again = await search(server, { arrival, departure, city: city.toUpperCase() });
  expect(again.cache).toBe("miss"); // another key (the city as typed), same answer
  const third = await search(server, { arrival, departure, city });
  expect([third.cache, third.nodes]).toEqual(["hit", first.nodes]);

  const staleQuote = await inCommit(db.ownerPool, async (c) => {
    await anonymous(c);
    return quote(c, h.ratePlanId, arrival, departure);
  });
  const before = applied(tagOf(h));
  await inCommit(db.ownerPool, async (c) => {
    await anonymous(c);
    await book(c, h.ratePlanId, arrival, departure);
  });
  await invalidated(tagOf(h), before);
  const after = await search(server, { arrival, departure, city });
  expect([after.cache, after.nodes]).toEqual(["miss", []]);
  expect((await search(server, { arrival, departure, city })).cache).toBe("hit");

  // A read older than the booking can never sell the night again: the hold checks the claims.
  const refused = await inCommit(db.ownerPool, async (c) => {
    await anonymous(c);
    return sqlstateOf(c, "select * from app_public.create_hold($1, $2, 10)", [staleQuote.quote_token, newKey()]);
  });
  expect(refused).toBe("SOLDO");
});

it("a rate change and a restriction change drop the property's cached searches", async () => {
  const stay = { arrival: addDays(arrival, 7), departure: addDays(arrival, 9), city };
  const priced = await search(server, stay);
  expect((await search(server, stay)).cache).toBe("hit");
  const total = Number(priced.nodes[0].totalAmount);

  let before = applied(tagOf(h));
  await inCommit(db.ownerPool, async (c) => {
    await staff(c, h.manager);
    await c.query("select app_public.set_rates($1, $2, $3, $4, price => 15000)", [h.ratePlanId, stay.arrival, stay.arrival, newKey()]);
  });
  await invalidated(tagOf(h), before);
  const repriced = await search(server, stay);
  expect(repriced.cache).toBe("miss");
  expect(Number(repriced.nodes[0].totalAmount)).toBe(total + 5000);
  expect((await search(server, stay)).cache).toBe("hit");

  before = applied(tagOf(h));
  await inCommit(db.ownerPool, async (c) => {
    await staff(c, h.manager);
    await c.query("select app_public.set_rates($1, $2, $3, $4, stop_sell => true)", [h.ratePlanId, stay.arrival, stay.arrival, newKey()]);
  });
  await invalidated(tagOf(h), before);
  const stopped = await search(server, stay);
  expect([stopped.cache, stopped.nodes]).toEqual(["miss", []]);
});

it("keeps a search per language, and a translation's change drops the property's cached searches", async () => {
  const stay = { arrival: addDays(arrival, 11), departure: addDays(arrival, 12), propertyId: h.propertyId };
  const names = (a: { nodes: any[] }) => a.nodes.map((n) => n.ratePlanName);
  expect((await search(server, { ...stay, language: "es" })).cache).toBe("miss");
  expect((await search(server, { ...stay, language: "es" })).cache).toBe("hit");
  expect((await search(server, { ...stay, language: "pt" })).cache).toBe("miss"); // another language, another key

  let before = applied(tagOf(h));
  await inCommit(db.ownerPool, async (c) => {
    await staff(c, h.manager);
    await c.query("select app_public.set_rate_plan_translation($1, 'es', 'Flexible (es)', null)", [h.ratePlanId]);
  });
  await invalidated(tagOf(h), before);
  const spanish = await search(server, { ...stay, language: "es" });
  expect([spanish.cache, names(spanish)]).toEqual(["miss", ["Flexible (es)"]]);
  const portuguese = await search(server, { ...stay, language: "pt" });
  expect([portuguese.cache, names(portuguese)]).toEqual(["miss", ["Flexible"]]);
  expect((await search(server, { ...stay, language: "es" })).cache).toBe("hit");

  before = applied(tagOf(h));
  await inCommit(db.ownerPool, async (c) => {
    await staff(c, h.manager);
    await c.query("select app_public.set_rate_plan_translation($1, 'es', null, null)", [h.ratePlanId]);
  });
  await invalidated(tagOf(h), before);
  const removed = await search(server, { ...stay, language: "es" });
  expect([removed.cache, names(removed)]).toEqual(["miss", ["Flexible"]]);
});

it("caches quotes per rate plan and drops them when a unit of the property goes out of service", async () => {
  const stay = { ratePlanId: h.ratePlanId, arrival: addDays(arrival, 20), departure: addDays(arrival, 21) };
  const first = await quoteOverHttp(server, stay);
  expect([first.status, first.cache, first.body.data?.quote?.unitsLeft]).toEqual([200, "miss", 1]);
  const second = await quoteOverHttp(server, stay);
  expect([second.cache, second.body.data?.quote?.quoteToken]).toEqual(["hit", first.body.data?.quote?.quoteToken]);

  const before = applied(tagOf(h));
  await asOwnerCommit((c) => c.query("update app_public.units set is_active = false where id = $1", [h.unitIds[0]]));
  await invalidated(tagOf(h), before);
  const soldOut = await quoteOverHttp(server, stay);
  expect([soldOut.cache, soldOut.body.errors?.[0]?.extensions?.code]).toEqual(["miss", "SOLD_OUT"]);
  expect((await quoteOverHttp(server, stay)).cache).toBe("miss"); // an error is never kept
  await asOwnerCommit((c) => c.query("update app_public.units set is_active = true where id = $1", [h.unitIds[0]]));
  await settled();
});

it("keeps the property's cached searches through a housekeeper's change and a check-in's occupancy: a search reads none of it", async () => {
  // What realtime/search-feed.ts relies on: the units' replica identity is what a search reads of a unit.
  const identity = await db.ownerPool.query<{ columns: string[] }>(
    `select array_agg(a.attname::text order by k.ord) as columns
       from pg_index i cross join unnest(i.indkey) with ordinality k(attnum, ord)
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
      where i.indrelid = 'app_public.units'::regclass and i.indisreplident`,
  );
  expect(identity.rows[0]?.columns).toEqual(["property_id", "id", "room_type_id", "is_active"]);
  const stay = { arrival: addDays(arrival, 50), departure: addDays(arrival, 51), city };
  const first = await search(server, stay);
  expect([first.status, first.cache, first.nodes.length]).toEqual([200, "miss", 1]);
  expect((await search(server, stay)).cache).toBe("hit");
  const before = applied(tagOf(h));
  await asOwnerCommit((c) => c.query("update app_public.units set housekeeping_status = 'dirty', is_occupied = true, name = name where id = $1", [h.unitIds[0]]));
  await asOwnerCommit((c) => c.query("update app_public.units set housekeeping_status = 'clean', is_occupied = false where id = $1", [h.unitIds[0]]));
  // The marker's change commits after both: once its invalidation is applied, theirs would have been.
  await settled();
  expect(applied(tagOf(h))).toBe(before);
  const kept = await search(server, stay);
  expect([kept.cache, kept.nodes]).toEqual(["hit", first.nodes]);
});

it("does not keep an answer computed while an invalidation of its property arrived (the generation guard)", async () => {
  const stay = { arrival: addDays(arrival, 40), departure: addDays(arrival, 41), propertyId: h.propertyId };
  const notStored = await counter("keepr_search_cache_not_stored_total");
  // The search waits on a lock held by a transaction of the owner's…
  const locker = await db.ownerPool.connect();
  try {
    await locker.query("begin");
    await locker.query("lock table app_public.room_types in access exclusive mode");
    const pending = search(server, stay);
    // (Another role's queries are visible to the superuser only.)
    const superuser = new pg.Client({ connectionString: db.superuserUrl });
    await superuser.connect();
    try {
      await waitUntil(
        async () => (await superuser.query("select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%search_availability%'")).rowCount! > 0,
        "the search waiting on the lock",
      );
    } finally {
      await superuser.end();
    }
    // …while a change at its property commits and its invalidation arrives.
    const before = applied(tagOf(h));
    await asOwnerCommit((c) => touchRatePlans(c, h.propertyId));
    await invalidated(tagOf(h), before);
    await locker.query("rollback");
    const raced = await pending;
    expect([raced.status, raced.cache, raced.nodes.length]).toEqual([200, "miss", 1]);
  } finally {
    locker.release();
  }
  expect(await counter("keepr_search_cache_not_stored_total")).toBeGreaterThanOrEqual(notStored + 1);
  expect((await search(server, stay)).cache).toBe("miss"); // it was not kept…
  expect((await search(server, stay)).cache).toBe("hit"); // …the next one is
});

it("computes a search once for the guests asking for it while it is computed (coalescing)", async () => {
  const stay = { arrival: addDays(arrival, 45), departure: addDays(arrival, 46), propertyId: h.propertyId };
  const locker = await db.ownerPool.connect();
  let answers: Array<Awaited<ReturnType<typeof search>>>;
  try {
    await locker.query("begin");
    await locker.query("lock table app_public.room_types in access exclusive mode");
    const first = search(server, stay);
    const superuser = new pg.Client({ connectionString: db.superuserUrl });
    await superuser.connect();
    try {
      await waitUntil(
        async () => (await superuser.query("select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%search_availability%'")).rowCount! > 0,
        "the first search waiting on the lock",
      );
    } finally {
      await superuser.end();
    }
    const others = Array.from({ length: 4 }, () => search(server, stay));
    await locker.query("rollback");
    answers = await Promise.all([first, ...others]);
  } finally {
    locker.release();
  }
  // One computed it; the others waited for it (or, arriving after it was kept, found it).
  expect(answers.map((a) => a.cache)).toEqual(["miss", ...answers.slice(1).map((a) => (a.cache === "hit" ? "hit" : "coalesced"))]);
  expect(answers.slice(1).every((a) => a.cache === "coalesced" || a.cache === "hit")).toBe(true);
  expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
  expect(answers[0]!.nodes.length).toBe(1);
});

it("never serves or fills the cache for a request with a token, and a read-your-writes request bypasses it", async () => {
  const tag = randomBytes(3).toString("hex");
  // A rate plan the public cannot see, which its property's staff can.
  const hidden = await asOwnerCommit(async (c) => {
    const id = (await c.query<{ id: string }>(
      "insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, is_published) values ($1, $2, $3, 'EUR', 9000, false) returning id",
      [h.propertyId, h.roomTypeId, `Staff only ${tag}`],
    )).rows[0]!.id;
    return id;
  });
  await settled();
  const stay = { arrival: addDays(arrival, 50), departure: addDays(arrival, 51), city };
  const sessionId = (await db.ownerPool.query<{ id: string }>("insert into app_private.sessions (user_id) values ($1) returning id", [h.manager])).rows[0]!.id;
  const token = userToken(db.jwtSecret, "keepr_staff", { sub: h.manager, sessionId });
  const entries = server.searchCache!.cache.size;
  const asStaff = await search(server, stay, { authorization: `Bearer ${token}` });
  expect([asStaff.cache, asStaff.cacheControl, asStaff.nodes.some((n) => n.ratePlanId === hidden)]).toEqual([null, "private, no-store", true]);
  expect(server.searchCache!.cache.size).toBe(entries);
  const asGuest = await search(server, stay);
  expect(asGuest.cache).toBe("miss");
  expect(asGuest.nodes.some((n) => n.ratePlanId === hidden)).toBe(false);
  expect((await search(server, stay)).cache).toBe("hit");
  // A token's request is still not answered from the cache.
  const staffAgain = await search(server, stay, { authorization: `Bearer ${token}` });
  expect([staffAgain.cache, staffAgain.nodes.some((n) => n.ratePlanId === hidden)]).toEqual([null, true]);
  // The client that just wrote wants its write: computed, not served from the cache.
  expect((await search(server, stay, { "x-keepr-min-lsn": "0/1" })).cache).toBe("bypass");
});

it("a repeated URL is one key per Accept header: each answered in the content type it asked for", async () => {
  const url = `${server.url}/graphql?${new URLSearchParams({ query: searchDocument, variables: JSON.stringify({ arrival: addDays(arrival, 60), departure: addDays(arrival, 62), city }) })}`;
  const ask = async (accept: string) => {
    const res = await fetch(url, { headers: { accept } });
    await res.arrayBuffer();
    return [res.headers.get("x-keepr-cache"), res.headers.get("content-type")?.split(";")[0]];
  };
  expect(await ask("application/graphql-response+json")).toEqual(["miss", "application/graphql-response+json"]);
  expect(await ask("application/graphql-response+json")).toEqual(["hit", "application/graphql-response+json"]);
  expect(await ask("application/json")).toEqual(["miss", "application/json"]);
  expect(await ask("application/json")).toEqual(["hit", "application/json"]);
  expect(await ask("application/graphql-response+json")).toEqual(["hit", "application/graphql-response+json"]);
  // A change at the property: the same URL is computed again.
  await asOwnerCommit((c) => touchRatePlans(c, h.propertyId));
  await settled();
  expect(await ask("application/json")).toEqual(["miss", "application/json"]);
  expect(await ask("application/json")).toEqual(["hit", "application/json"]);
  expect(await ask("application/graphql-response+json")).toEqual(["miss", "application/graphql-response+json"]);
});

it("odd and hostile requests go their normal way: unreadable variables, a bad date, mixed root fields; two aliased searches depend on both properties", async () => {
  const entries = () => server.searchCache!.cache.size;
  const before = entries();
  const unreadable = await fetch(`${server.url}/graphql?${new URLSearchParams({ query: searchDocument, variables: "{not json" })}`, { headers: { accept: "application/json" } });
  expect([unreadable.status >= 400, unreadable.headers.get("x-keepr-cache")]).toEqual([true, null]);
  const badDate = await search(server, { arrival: "2026-13-45", departure, city });
  expect([badDate.cache, badDate.body.errors?.length ?? 0]).toEqual(["bypass", 1]);
  const mixed = await server.graphql(`query { allProperties(first: 1) { totalCount } searchAvailability(arrival: "${arrival}", departure: "${departure}", city: "${city}") { totalCount } }`);
  expect([mixed.status, mixed.headers.get("x-keepr-cache"), mixed.body.data?.allProperties?.totalCount > 0]).toEqual([200, null, true]);
  expect(entries()).toBe(before);

  const two = `query Two($a: Date!, $d: Date!, $p: UUID!, $q: UUID!) {
    first: searchAvailability(arrival: $a, departure: $d, propertyId: $p) { totalCount }
    second: searchAvailability(arrival: $a, departure: $d, propertyId: $q) { totalCount }
  }`;
  const variables = { a: addDays(arrival, 80), d: addDays(arrival, 81), p: h.propertyId, q: marker.propertyId };
  const ask = async () => (await server.graphql(two, variables)).headers.get("x-keepr-cache");
  expect(await ask()).toBe("miss");
  expect(await ask()).toBe("hit");
  await settled(); // a change at the second property (the marker's)
  expect(await ask()).toBe("miss");
});

it("ignores what another login sends on the feed's channel: garbage, plain JSON and a replayed genuine frame", async () => {
  const stay = { arrival: addDays(arrival, 60), departure: addDays(arrival, 61), propertyId: h.propertyId };
  await search(server, stay);
  expect((await search(server, stay)).cache).toBe("hit");
  const drops = await counter("keepr_search_cache_feed_dropped_total");

  // The read-only analyst login may LISTEN and NOTIFY: capture a genuine frame of an invalidation of this property.
  const analyst = new pg.Client({ connectionString: db.analystUrl });
  analyst.on("error", () => undefined);
  await analyst.connect();
  try {
    const heard: string[] = [];
    analyst.on("notification", (n) => n.channel === searchFeedChannel && n.payload && heard.push(n.payload));
    await analyst.query(`listen ${searchFeedChannel}`);
    const before = applied(tagOf(h));
    await asOwnerCommit((c) => touchRatePlans(c, h.propertyId));
    await invalidated(tagOf(h), before);
    await waitUntil(async () => heard.some((p) => p.startsWith("k1:")), "the analyst heard a frame");
    const captured = [...heard];
    await search(server, stay);
    expect((await search(server, stay)).cache).toBe("hit");

    const plain = JSON.stringify({ k: "inv", lsn: "0/0", at: Date.now(), tags: [`p:${h.propertyId}`] });
    const reset = JSON.stringify({ k: "reset", reason: "forged" });
    const garbage = `k1:${randomBytes(120).toString("base64")}`;
    // NOTIFY needs no privilege (pg_notify() may be revoked; the statement cannot be).
    for (const payload of [plain, reset, garbage, ...captured]) await analyst.query(`notify ${searchFeedChannel}, ${pg.escapeLiteral(payload)}`);
    // A genuine invalidation after them (the marker's): notifications arrive in commit order.
    await settled();
    expect((await search(server, stay)).cache).toBe("hit");
    expect(await counter("keepr_search_cache_feed_dropped_total")).toBeGreaterThanOrEqual(drops + 3 + captured.length);
    expect(await counter("keepr_search_cache_feed_dropped_total", { reason: "replayed" })).toBeGreaterThanOrEqual(captured.length);
  } finally {
    await analyst.end();
  }
});

it("does not trust a lagging feed: an invalidation that arrives long after its commit empties the cache, bypassed until the window passes without one", async () => {
  const stay = { arrival: addDays(arrival, 65), departure: addDays(arrival, 66), propertyId: h.propertyId };
  await search(server, stay);
  expect((await search(server, stay)).cache).toBe("hit");
  // What a realtime process whose decoding is 2 minutes behind sends (sealed with the deployment's secret),
  // for another property: nothing of this entry's, yet it says the stream this entry's invalidations travel is late.
  const feed = new SealedChannel({ connectionString: db.authenticatorUrl, secret: db.jwtSecret, channel: searchFeedChannel, applicationName: "test-lagging-feed", logger: createLogger("silent"), listen: false });
  try {
    await waitUntil(async () => feed.connected, "the lagging feed connected");
    const before = applied(tagOf(marker));
    feed.send({ k: "inv", lsn: "0/1", at: Date.now() - 120_000, tags: [tagOf(marker)] });
    await invalidated(tagOf(marker), before);
    markerCommits++; // an invalidation naming the marker: what settled() counts
    expect(server.searchCache!.cache.size).toBe(0);
    expect((await search(server, stay)).cache).toBe("bypass");
    // Heartbeats keep coming (realtime is up); once the window passes with no late invalidation, trusted again.
    await waitUntil(async () => (await search(server, stay)).cache === "miss", "the cache trusted again");
    expect((await search(server, stay)).cache).toBe("hit");
  } finally {
    await feed.close();
  }
});

it("a subscriber's change waiting for its authorization holds back neither the next transaction's invalidation nor its own; it is delivered once it can be", async () => {
  const sessionId = (await db.ownerPool.query<{ id: string }>("insert into app_private.sessions (user_id) values ($1) returning id", [h.frontDesk])).rows[0]!.id;
  const client = new RealtimeClient(`${server.url}/realtime/v1`, { params: { apikey: anonKey(db.jwtSecret) } });
  client.setAuth(userToken(db.jwtSecret, "keepr_staff", { sub: h.frontDesk, sessionId }));
  try {
    const changes = new EventQueue<RealtimePostgresChangesPayload<{ property_id?: string }>>();
    const channel = client.channel(`units-${h.propertyId}`).on(
      "postgres_changes",
      { event: "UPDATE", schema: "app_public", table: "units", filter: `property_id=eq.${h.propertyId}` },
      (payload: RealtimePostgresChangesPayload<{ property_id?: string }>) => changes.push(payload),
    );
    await subscribed(channel);
    // Every connection of the API's pool taken: realtime's authorization of the subscriber's change (a query on it) waits.
    const held = await Promise.all(Array.from({ length: server.apiPool.options.max }, () => server.apiPool.connect()));
    try {
      const before = applied(tagOf(h));
      // The units' change the subscriber waits for, and in the same transaction a change searches read (a unit's name is not one).
      await asOwnerCommit(async (c) => {
        await c.query("update app_public.units set name = name where property_id = $1", [h.propertyId]);
        await touchRatePlans(c, h.propertyId);
      });
      await invalidated(tagOf(h), before);
      // The marker's change commits after it, and is read and invalidated while the first waits for its authorization.
      await settled();
      expect(changes.seen).toEqual([]);
    } finally {
      for (const c of held) c.release();
    }
    const change = await changes.next();
    expect([change.eventType, (change.new as { property_id?: string }).property_id]).toEqual(["UPDATE", h.propertyId]);
  } finally {
    await disconnect(client);
  }
});

it("bypasses (and empties) the cache while the feed is silent: when realtime stops, and in an API process started without one", async () => {
  // Realtime stops: once its heartbeats have stopped for the window, the cache is emptied and bypassed.
  const stay = { arrival: addDays(arrival, 70), departure: addDays(arrival, 71), propertyId: h.propertyId };
  await search(server, stay);
  expect((await search(server, stay)).cache).toBe("hit");
  await server.realtime!.stop();
  await waitUntil(async () => !server.searchCache!.feed.alive(), "the feed taken for silent");
  expect(server.searchCache!.cache.size).toBe(0);
  const bypassed = await search(server, stay);
  expect([bypassed.cache, bypassed.cacheControl, bypassed.nodes.length]).toEqual(["bypass", "public, no-cache", 1]);
  expect((await search(server, stay)).cache).toBe("bypass");

  // Another API process on the same database, no realtime process anywhere: never trusted.
  silent = await startTestServer(db, { SEARCH_CACHE_FEED_WINDOW_MS: "3000" });
  expect([(await search(silent, stay)).cache, (await search(silent, stay)).cache]).toEqual(["bypass", "bypass"]);
  expect(silent.searchCache!.cache.size).toBe(0);
});
