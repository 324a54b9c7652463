// The search cache's invalidation by dates (issue 23): a booking,
// cancellation, unit move or rate change drops the cached searches and
// quotes of its property whose days it touches, and leaves the others.
// Real Postgres, the real realtime service reading logical replication and
// sending the feed, the real HTTP API; every wait is for a state (an
// invalidation applied, a backend waiting on a lock), never a time. The
// range logic alone: search_cache_ranges.test.ts.
import pg from "pg";
import { asOwner, anonymous, inCommit, staff, type TestDatabase } from "../helpers/db.ts";
import { fileDatabase } from "../helpers/db.ts";
import { addDays, book, confirm, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import type { TestServer } from "../helpers/server.ts";
import { startSearchCacheServer, touchRatePlans, type SearchCacheServer } from "../helpers/search-cache.ts";
import { waitUntil } from "../helpers/wait.ts";


let server: TestServer;
const db: TestDatabase = fileDatabase({ beforeDrop: async () => server?.close() });

const searchDocument = `query Search($arrival: Date!, $departure: Date!, $propertyId: UUID, $city: String) {
  searchAvailability(arrival: $arrival, departure: $departure, propertyId: $propertyId, city: $city, includeUnavailable: true) {
    nodes { propertyId ratePlanId unitsLeft totalAmount isBookable restriction }
  }
}`;
const quoteDocument = `query Quote($ratePlanId: UUID!, $arrival: Date!, $departure: Date!, $promoCode: String) {
  quote(ratePlanId: $ratePlanId, arrival: $arrival, departure: $departure, promoCode: $promoCode) { totalAmount unitsLeft }
}`;

interface Answer {
  cache: string | null;
  nodes: Array<{ unitsLeft: number; totalAmount: string; isBookable: boolean; restriction: string | null }>;
}

async function search(variables: Record<string, unknown>): Promise<Answer> {
  const url = `${server.url}/graphql?${new URLSearchParams({ query: searchDocument, variables: JSON.stringify(variables) })}`;
  const res = await fetch(url, { headers: { accept: "application/graphql-response+json, application/json" } });
  const body = (await res.json()) as { data?: { searchAvailability?: { nodes: Answer["nodes"] } } };
  return { cache: res.headers.get("x-keepr-cache"), nodes: body.data?.searchAvailability?.nodes ?? [] };
}

async function quoteCache(variables: Record<string, unknown>): Promise<string | null> {
  return (await server.graphql(quoteDocument, variables)).headers.get("x-keepr-cache");
}

const asOwnerCommit = <T>(fn: (c: pg.PoolClient) => Promise<T>) => inCommit(db.ownerPool, async (c) => {
  await asOwner(c);
  return fn(c);
});

/** Invalidations applied per tag (for all days or some), counted as the cache receives them (tests/helpers/search-cache.ts). */
let applied: SearchCacheServer["applied"];

/**
 * Waits until every change committed so far has reached the cache: a change
 * at the marker hotel (which no search here looks at) commits last, and the
 * feed applies invalidations in commit order. The marker's invalidations are
 * counted from its creation on (`markerCommits`: one a transaction), so the
 * wait is for this change's own, not for an earlier marker change that had
 * not arrived yet when it began (on a loaded machine the feed lags, and
 * waiting for "one more than now" then returned before the change under test
 * had reached the cache).
 */
let marker: Hotel;
let markerCommits = 0;
async function settled(): Promise<void> {
  const tag = `p:${marker.propertyId}`;
  await asOwnerCommit((c) => touchRatePlans(c, marker.propertyId));
  const expected = ++markerCommits;
  await waitUntil(async () => applied(tag) >= expected, `the marker's invalidation ${expected} applied`);
}

/** Runs a committed change and waits until its invalidations (and all before) have reached the cache. */
async function changed(fn: (c: pg.PoolClient) => Promise<unknown>): Promise<void> {
  await inCommit(db.ownerPool, fn);
  await settled();
}

/** Whether the answer is cached now: asked twice, the second is a hit. */
async function cached(variables: Record<string, unknown>): Promise<void> {
  await search(variables);
  expect((await search(variables)).cache).toBe("hit");
}

/** Waits until `count` searches wait on a lock (another role's queries are visible to the superuser only). */
async function searchesWaiting(count: number): Promise<void> {
  const superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
  try {
    await waitUntil(
      async () => (await superuser.query("select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%search_availability%'")).rowCount! >= count,
      `${count} searches waiting on the lock`,
    );
  } finally {
    await superuser.end();
  }
}

let h: Hotel;
/** A day far from every other test file's dates, in the hotel's calendar. */
let day0: string;
const at = (offset: number) => addDays(day0, offset);

beforeAll(async () => {
  ({ server, applied } = await startSearchCacheServer(db));
  h = await asOwnerCommit((c) => createHotel(c, { units: 2 }));
  marker = await asOwnerCommit((c) => createHotel(c));
  markerCommits = 1; // its creation: one transaction, one invalidation naming it
  await settled(); // the hotels' creation reached the cache (it would drop what a test caches first)
  day0 = localDate(h.timeZone, 100);
});

it("a booking on other dates of the property leaves its cached searches and quotes; an overlapping one drops them", async () => {
  const early = { arrival: at(0), departure: at(3), propertyId: h.propertyId };
  const later = { arrival: at(10), departure: at(12), propertyId: h.propertyId };
  const laterQuote = { ratePlanId: h.ratePlanId, arrival: at(10), departure: at(12) };
  await cached(early);
  await cached(later);
  await quoteCache(laterQuote);
  expect(await quoteCache(laterQuote)).toBe("hit");

  // Elsewhere in the calendar, and the nights just before `early` (ending on its arrival day).
  for (const [arrival, departure] of [[at(20), at(22)], [at(-2), at(0)]] as const) {
    await changed(async (c) => {
      await anonymous(c);
      await book(c, h.ratePlanId, arrival, departure);
    });
  }
  expect((await search(early)).cache).toBe("hit");
  expect((await search(later)).cache).toBe("hit");
  expect(await quoteCache(laterQuote)).toBe("hit");

  // A night of `later`.
  await changed(async (c) => {
    await anonymous(c);
    await book(c, h.ratePlanId, at(11), at(13));
  });
  const dropped = await search(later);
  expect([dropped.cache, dropped.nodes[0]?.unitsLeft]).toEqual(["miss", 1]);
  expect(await quoteCache(laterQuote)).toBe("miss");
  expect((await search(early)).cache).toBe("hit");
});

it("a hold drops the searches of its nights; its confirmation, which leaves them as the hold did, drops nothing", async () => {
  const stay = { arrival: at(14), departure: at(16), propertyId: h.propertyId };
  await cached(stay);
  const held = await inCommit(db.ownerPool, async (c) => {
    await anonymous(c);
    const q = await quote(c, h.ratePlanId, at(14), at(15));
    return hold(c, q.quote_token);
  });
  await settled();
  const afterHold = await search(stay);
  expect([afterHold.cache, afterHold.nodes[0]?.unitsLeft]).toEqual(["miss", 1]);
  expect((await search(stay)).cache).toBe("hit");
  const before = applied(`p:${h.propertyId}`);
  await changed(async (c) => {
    await anonymous(c);
    await confirm(c, held);
  });
  expect(applied(`p:${h.propertyId}`)).toBe(before);
  const afterConfirm = await search(stay);
  expect([afterConfirm.cache, afterConfirm.nodes]).toEqual(["hit", afterHold.nodes]);
  // Cancelled, its nights are free again: dropped.
  await changed(async (c) => {
    await staff(c, h.frontDesk);
    await c.query("select app_public.cancel_reservation($1, $2)", [held.reservation_id, newKey()]);
  });
  const afterCancel = await search(stay);
  expect([afterCancel.cache, afterCancel.nodes[0]?.unitsLeft]).toEqual(["miss", 2]);
});

it("a restriction on the departure day drops the searches departing then; rates on days a search does not read leave it", async () => {
  const stay = { arrival: at(30), departure: at(32), propertyId: h.propertyId };
  await cached(stay);
  const setRates = (first: string, last: string, settings: string) => (c: pg.PoolClient) =>
    staff(c, h.manager).then(() => c.query(`select app_public.set_rates($1, $2, $3, $4, ${settings})`, [h.ratePlanId, first, last, newKey()]));

  await changed(setRates(at(33), at(40), "price => 20000")); // after the departure day
  await changed(setRates(at(25), at(29), "price => 20000")); // before the arrival
  expect((await search(stay)).cache).toBe("hit");

  await changed(setRates(at(32), at(32), "closed_to_departure => true"));
  const closed = await search(stay);
  expect([closed.cache, closed.nodes[0]?.restriction]).toEqual(["miss", "CLOSED_TO_DEPARTURE"]);
  expect((await search(stay)).cache).toBe("hit");
});

it("a stay moved to another unit and a cancellation drop the searches of its nights, not the others", async () => {
  const booked = await inCommit(db.ownerPool, async (c) => {
    await staff(c, h.frontDesk);
    return book(c, h.ratePlanId, at(50), at(52));
  });
  await settled();
  const own = { arrival: at(51), departure: at(52), propertyId: h.propertyId };
  const other = { arrival: at(55), departure: at(56), propertyId: h.propertyId };
  await cached(own);
  expect((await search(own)).nodes[0]?.unitsLeft).toBe(1);
  await cached(other);

  const unit = (await db.ownerPool.query<{ unit_id: string }>("select unit_id from app_public.inventory_claims where reservation_id = $1 and released_at is null", [booked.reservation_id])).rows[0]!.unit_id;
  const target = h.unitIds.find((u) => u !== unit)!;
  await changed((c) => staff(c, h.frontDesk).then(() => c.query("select app_public.move_unit($1, $2, $3)", [booked.reservation_id, target, newKey()])));
  const moved = await search(own);
  expect([moved.cache, moved.nodes[0]?.unitsLeft]).toEqual(["miss", 1]);
  expect((await search(other)).cache).toBe("hit");
  expect((await search(own)).cache).toBe("hit");

  await changed((c) => staff(c, h.frontDesk).then(() => c.query("select app_public.cancel_reservation($1, $2, 'test')", [booked.reservation_id, newKey()])));
  const freed = await search(own);
  expect([freed.cache, freed.nodes[0]?.unitsLeft]).toEqual(["miss", 2]);
  expect((await search(other)).cache).toBe("hit");
});

it("the generation guard: an answer computed while a change on other days arrived is kept; one on its days is not, nor coalesced into", async () => {
  const calendarRow = (date: string) => (c: pg.PoolClient) =>
    asOwner(c).then(() => c.query("insert into app_public.rate_calendar (property_id, rate_plan_id, date, price) values ($1, $2, $3, 12345)", [h.propertyId, h.ratePlanId, date]));
  const lockRoomTypes = async (run: (locker: pg.PoolClient) => Promise<void>) => {
    const locker = await db.ownerPool.connect();
    try {
      await locker.query("begin");
      await locker.query("lock table app_public.room_types in access exclusive mode");
      await run(locker);
    } finally {
      await locker.query("rollback").catch(() => undefined);
      locker.release();
    }
  };

  // Another day's change arrives while the search waits: its answer is still kept, and a guest asking meanwhile shares it.
  const kept = { arrival: at(60), departure: at(61), propertyId: h.propertyId };
  let answers: Answer[] = [];
  await lockRoomTypes(async (locker) => {
    const first = search(kept);
    await searchesWaiting(1);
    await changed(calendarRow(at(70)));
    const second = search(kept);
    await locker.query("rollback");
    answers = await Promise.all([first, second]);
  });
  expect(answers[0]!.cache).toBe("miss");
  expect(["coalesced", "hit"]).toContain(answers[1]!.cache);
  expect((await search(kept)).cache).toBe("hit");

  // A change of its own arrival day: not kept, and a guest asking after it arrived computes afresh.
  const refused = { arrival: at(62), departure: at(63), propertyId: h.propertyId };
  await lockRoomTypes(async (locker) => {
    const first = search(refused);
    await searchesWaiting(1);
    await changed(calendarRow(at(62)));
    const second = search(refused);
    await searchesWaiting(2);
    await locker.query("rollback");
    answers = await Promise.all([first, second]);
  });
  expect(answers.map((a) => a.cache)).toEqual(["miss", "miss"]);
  // The first read before the change committed (its snapshot is older than its wait): stale, so not kept.
  expect(answers.map((a) => a.nodes[0]?.totalAmount)).toEqual(["10000", "12345"]);
  // The second began after the change arrived: it was kept.
  expect((await search(refused)).cache).toBe("hit");
});

it("a bulk change of many dates drops the searches on them and leaves those outside its span", async () => {
  const inside = { arrival: at(84), departure: at(85), propertyId: h.propertyId }; // a date of the change
  const before = { arrival: at(75), departure: at(77), propertyId: h.propertyId };
  const after = { arrival: at(130), departure: at(131), propertyId: h.propertyId };
  for (const stay of [inside, before, after]) await cached(stay);
  // Every 7th day from at(77) to at(126): 8 scattered dates, one transaction.
  await changed((c) => asOwner(c).then(() => c.query(
    `insert into app_public.rate_calendar (property_id, rate_plan_id, date, price)
     select $1, $2, d::date, 11111 from pg_catalog.generate_series($3::date, $4::date, interval '7 days') d`,
    [h.propertyId, h.ratePlanId, at(77), at(126)],
  )));
  const repriced = await search(inside);
  expect([repriced.cache, repriced.nodes[0]?.totalAmount]).toEqual(["miss", "11111"]);
  // `before` departs on at(77), a date of the change (its closed-to-departure day): dropped too.
  expect((await search(before)).cache).toBe("miss");
  expect((await search(after)).cache).toBe("hit");
});

it("does not cache a quote with a promo code (promo codes' uses are not in the feed)", async () => {
  const variables = { ratePlanId: h.ratePlanId, arrival: at(140), departure: at(141), promoCode: "NOSUCHCODE" };
  expect(await quoteCache(variables)).toBe("bypass");
  expect(await quoteCache({ ...variables, promoCode: null })).toBe("miss");
  expect(await quoteCache({ ...variables, promoCode: null })).toBe("hit");
});
