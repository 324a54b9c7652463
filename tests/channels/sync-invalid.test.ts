// Issue 16: a feed that is not a valid RFC 5545 calendar — a failed export
// that is BEGIN:VCALENDAR, junk, END:VCALENDAR; the bare pair; a page of
// HTML — is refused by the real sync job: the unit's blocks stay, and the
// feed's last_error says which line is wrong and how. The next valid
// calendar applies again and clears the error.
import type pg from "pg";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { startFeedServer, type FeedServer } from "../helpers/feeds.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { fixtureDate, loadFixture, type IcalFixtureName } from "../fixtures/ical/index.ts";

let db: TestDatabase;
let feeds: FeedServer;
let h: Hotel;
let today: string;
let outbox: string;
let serving: IcalFixtureName = "booking";

beforeAll(async () => {
  db = await createTestDatabase();
  h = await createHotel(db.ownerPool, { units: 1, kind: "vacation_rental", timeZone: "Europe/Lisbon" });
  today = localDate(h.timeZone, 0);
  outbox = newOutbox();
  feeds = await startFeedServer(() => loadFixture(serving, today));
});
afterAll(async () => {
  await feeds.close();
  await db.drop();
});

const committed = <T>(fn: (c: pg.PoolClient) => Promise<T>) => inCommit(db.ownerPool, fn);

async function syncNow(feedId: string): Promise<void> {
  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    await c.query("select app_public.sync_channel_feed_now($1)", [feedId]);
  });
  await runDueJobs(db, { OUTBOX_DIR: outbox });
}

const blocks = async () =>
  (
    await db.ownerPool.query(
      "select lower(stay)::text || '..' || upper(stay)::text as b from app_public.inventory_claims where unit_id = $1 and kind = 'ota_block' and released_at is null order by lower(stay)",
      [h.unitIds[0]],
    )
  ).rows.map((r) => r.b);

const feedState = async (feedId: string) =>
  (await db.ownerPool.query("select last_error, consecutive_failures from app_public.channel_feeds where id = $1", [feedId])).rows[0];

it("keeps the unit's blocks and records the line and reason for each invalid feed, then applies the next valid one", async () => {
  const feed = await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.manager });
    const { rows } = await c.query(
      "insert into app_public.channel_feeds (property_id, unit_id, source, name, url) values ($1, $2, 'booking_com', 'Booking.com', $3) returning id",
      [h.propertyId, h.unitIds[0], `${feeds.url}/booking.ics`],
    );
    return rows[0].id as string;
  });
  const d = (n: number) => fixtureDate(today, n);
  await syncNow(feed);
  // Touching events of one feed are one block (d(2)..d(4) and d(4)..d(7)).
  const kept = [`${d(2)}..${d(7)}`, `${d(40)}..${d(41)}`];
  expect(await blocks()).toEqual(kept);

  const refusals: Array<[IcalFixtureName, RegExp]> = [
    ["invalid-junk-between", /^the feed is not a valid iCalendar: line 2: VEVENT is a component's name/],
    ["invalid-bare", /^the feed is not a valid iCalendar: line 2: the VCALENDAR begun on line 1 ends without VERSION:2\.0$/],
    ["invalid-no-dtstart", /^the feed is not a valid iCalendar: line 17: the VEVENT begun on line 12 ends without DTSTART$/],
    ["invalid-html", /^the feed is not a valid iCalendar: line 1: the feed does not begin with BEGIN:VCALENDAR \(it looks like an HTML page\)/],
  ];
  for (const [index, [fixture, error]] of refusals.entries()) {
    serving = fixture;
    await syncNow(feed);
    expect(await blocks()).toEqual(kept);
    expect(await feedState(feed)).toEqual({ last_error: expect.stringMatching(error), consecutive_failures: index + 1 });
  }

  serving = "booking";
  await syncNow(feed);
  expect(await blocks()).toEqual(kept);
  expect(await feedState(feed)).toEqual({ last_error: null, consecutive_failures: 0 });
});

it("a new feed whose first fetch is refused is listed once in reconciliation, as failing (not also as never synced)", async () => {
  serving = "invalid-html";
  const feed = await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.manager });
    const { rows } = await c.query(
      "insert into app_public.channel_feeds (property_id, unit_id, source, name, url) values ($1, $2, 'other', 'Other PMS', $3) returning id",
      [h.propertyId, h.unitIds[0], `${feeds.url}/other.ics`],
    );
    return rows[0].id as string;
  });
  await syncNow(feed);
  const report = await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    return (await c.query("select kind, detail from app_public.channel_reconciliation($1) where feed_id = $2", [h.propertyId, feed])).rows;
  });
  expect(report).toEqual([{ kind: "feed_failing", detail: expect.stringMatching(/^the feed is not a valid iCalendar: line 1: .*HTML page/) }]);
});
