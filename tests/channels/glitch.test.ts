// Issue 16: a glitch never opens nights. A fetch that would give back most
// of a feed's blocked nights at once — an empty body, an empty calendar, a
// sudden drop — is kept aside by the real sync job: the blocks stay and the
// feed waits to confirm, until a fetch after the wait says the same, or
// staff accept it. A later fetch that does not drop applies at once.
import type pg from "pg";
import { renderCalendar } from "../../channels/ical.ts";
import { actAs, createTestDatabase, inCommit, sqlstateOf, type TestDatabase } from "../helpers/db.ts";
import { startFeedServer, type FeedServer } from "../helpers/feeds.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { addDays, createHotel, localDate, type Hotel } from "../helpers/booking.ts";

let db: TestDatabase;
let feeds: FeedServer;
let h: Hotel;
let outbox: string;
/** What each feed path serves now. */
const serving = new Map<string, string>();

beforeAll(async () => {
  db = await createTestDatabase();
  h = await createHotel(db.ownerPool, { units: 3, kind: "vacation_rental", timeZone: "Europe/Lisbon" });
  outbox = newOutbox();
  feeds = await startFeedServer((path) => serving.get(path) ?? "");
});
afterAll(async () => {
  await feeds.close();
  await db.drop();
});

const day = (n: number) => addDays(localDate(h.timeZone), n);
const committed = <T>(fn: (c: pg.PoolClient) => Promise<T>) => inCommit(db.ownerPool, fn);
const as = <T>(userId: string, fn: (c: pg.PoolClient) => Promise<T>) =>
  committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId });
    return fn(c);
  });

/** A calendar of whole-night stays [from, to) in days from today. */
const calendar = (stays: Array<[number, number]>) =>
  renderCalendar({
    name: "Airbnb",
    events: stays.map(([from, to], i) => ({ uid: `stay-${from}-${i}@airbnb.com`, start: day(from), end: day(to), summary: "Reserved" })),
  });

async function addFeed(unit: number, feedPath: string): Promise<string> {
  return as(h.manager, async (c) =>
    (await c.query("insert into app_public.channel_feeds (property_id, unit_id, source, name, url) values ($1, $2, 'airbnb', 'Airbnb', $3) returning id",
      [h.propertyId, h.unitIds[unit], `${feeds.url}${feedPath}`])).rows[0].id);
}

async function syncNow(feedId: string): Promise<void> {
  await as(h.frontDesk, (c) => c.query("select app_public.sync_channel_feed_now($1)", [feedId]));
  await runDueJobs(db, { OUTBOX_DIR: outbox });
}

const blocks = async (unit: number) =>
  (await db.ownerPool.query("select lower(stay)::text || '..' || upper(stay)::text as b from app_public.inventory_claims where unit_id = $1 and kind = 'ota_block' and released_at is null order by lower(stay)",
    [h.unitIds[unit]])).rows.map((r) => r.b);

/** The feed's waiting change, as staff read it (null when none). */
const waiting = (feedId: string) =>
  as(h.frontDesk, async (c) =>
    (await c.query("select to_jsonb(app_public.channel_feeds_pending_change(f)) as p from app_public.channel_feeds f where f.id = $1", [feedId])).rows[0].p);

/** Let the confirmation wait pass (the state a later poll finds). */
const waitPasses = (feedId: string) =>
  db.ownerPool.query("update app_private.channel_feed_pending_changes set confirm_after = now() - interval '1 second' where feed_id = $1", [feedId]);

it("an empty body keeps the blocks until a second fetch after the wait agrees", async () => {
  serving.set("/a.ics", calendar([[3, 6], [10, 12]]));
  const feed = await addFeed(0, "/a.ics");
  await syncNow(feed);
  expect(await blocks(0)).toEqual([`${day(3)}..${day(6)}`, `${day(10)}..${day(12)}`]);

  serving.set("/a.ics", "");
  await syncNow(feed);
  expect(await blocks(0)).toHaveLength(2);
  const pending = await waiting(feed);
  expect(pending).toMatchObject({ reason: "The channel's calendar came back empty: it would open all 5 blocked nights.", nights_released: 5, nights_blocked: 5 });
  // The feed is polled again right after the wait, not a whole interval later; it is not an error.
  const state = (await db.ownerPool.query("select last_error, consecutive_failures, next_poll_at <= $2::timestamptz + interval '10 seconds' as soon from app_public.channel_feeds where id = $1",
    [feed, pending.confirm_after])).rows[0];
  expect(state).toEqual({ last_error: null, consecutive_failures: 0, soon: true });
  // Staff see it once in reconciliation: waiting, not failing or stale.
  const report = await as(h.frontDesk, async (c) => (await c.query("select kind, detail from app_public.channel_reconciliation($1) where feed_id = $2", [h.propertyId, feed])).rows);
  expect(report).toEqual([{ kind: "feed_waiting", detail: expect.stringMatching(/^The channel's calendar came back empty: it would open all 5 blocked nights\. Kept aside until a fetch after \d{4}-\d\d-\d\d \d\d:\d\d \(Europe\/Lisbon\) agrees, or staff accept it\.$/) }]);

  // Too soon: still waiting.
  await syncNow(feed);
  expect(await blocks(0)).toHaveLength(2);
  expect(await waiting(feed)).toMatchObject({ first_seen_at: pending.first_seen_at });

  // After the wait the same empty answer is believed.
  await waitPasses(feed);
  await syncNow(feed);
  expect(await blocks(0)).toEqual([]);
  expect(await waiting(feed)).toBeNull();
});

it("a glitch that ends on its own applies the good fetch at once and forgets the glitch", async () => {
  serving.set("/b.ics", calendar([[3, 6], [10, 12], [20, 22]]));
  const feed = await addFeed(1, "/b.ics");
  await syncNow(feed);
  serving.set("/b.ics", renderCalendar({ name: "Airbnb", events: [] }));
  await syncNow(feed);
  expect(await waiting(feed)).toMatchObject({ reason: expect.stringMatching(/came back empty/) });
  // The channel is back, with one new booking.
  serving.set("/b.ics", calendar([[3, 6], [10, 12], [20, 22], [30, 31]]));
  await syncNow(feed);
  expect(await blocks(1)).toEqual([`${day(3)}..${day(6)}`, `${day(10)}..${day(12)}`, `${day(20)}..${day(22)}`, `${day(30)}..${day(31)}`]);
  expect(await waiting(feed)).toBeNull();
  // A different glitch later starts its own wait.
  serving.set("/b.ics", calendar([[30, 31]]));
  await syncNow(feed);
  const first = await waiting(feed);
  expect(first).toMatchObject({ reason: "The channel's calendar would open 7 of 8 blocked nights at once.", nights_released: 7, nights_blocked: 8 });
  serving.set("/b.ics", calendar([[20, 22]]));
  await waitPasses(feed);
  await syncNow(feed);
  // Not the same answer as the one waiting: it waits anew, and nothing was opened.
  expect(await blocks(1)).toHaveLength(4);
  expect(await waiting(feed)).toMatchObject({ nights_released: 6, nights_blocked: 8 });
});

it("a sudden drop waits for staff, who may accept it; only the property's front office can", async () => {
  serving.set("/c.ics", calendar([[2, 4], [5, 9], [14, 16], [25, 28]]));
  const feed = await addFeed(2, "/c.ics");
  await syncNow(feed);
  serving.set("/c.ics", calendar([[25, 28]]));
  await syncNow(feed);
  expect(await blocks(2)).toHaveLength(4);
  expect(await waiting(feed)).toMatchObject({ nights_released: 8, nights_blocked: 11 });

  // Housekeeping cannot, and another property's staff do not see the feed.
  const other = await createHotel(db.ownerPool);
  const housekeeper = (await db.ownerPool.query(
    "insert into app_public.users (email, display_name) values ('hk-' || gen_random_uuid() || '@example.com', 'HK') returning id")).rows[0].id;
  await db.ownerPool.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'housekeeping')", [h.propertyId, housekeeper]);
  expect(await as(housekeeper, (c) => sqlstateOf(c, "select app_public.accept_channel_feed_change($1)", [feed]))).toBe("DNIED");
  expect(await as(other.manager, (c) => sqlstateOf(c, "select app_public.accept_channel_feed_change($1)", [feed]))).toBe("NTFND");
  expect(await as(other.manager, async (c) => (await c.query("select count(*)::int as n from app_public.channel_feeds f where app_public.channel_feeds_pending_change(f) is not null")).rows[0].n)).toBe(0);
  expect(await blocks(2)).toHaveLength(4);

  await as(h.frontDesk, (c) => c.query("select app_public.accept_channel_feed_change($1)", [feed]));
  expect(await blocks(2)).toEqual([`${day(25)}..${day(28)}`]);
  expect(await waiting(feed)).toBeNull();
  expect(await as(h.frontDesk, (c) => sqlstateOf(c, "select app_public.accept_channel_feed_change($1)", [feed]))).toBe("TRANS");
});

it("the first fetch of a feed, and a drop of half or less, apply at once", async () => {
  serving.set("/d.ics", calendar([[40, 42], [44, 46]]));
  const feed = await addFeed(0, "/d.ics");
  await syncNow(feed);
  serving.set("/d.ics", calendar([[44, 46]]));
  await syncNow(feed);
  expect(await blocks(0)).toEqual([`${day(44)}..${day(46)}`]);
  expect(await waiting(feed)).toBeNull();
});
