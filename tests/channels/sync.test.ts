// OTA channel sync end to end: a local HTTP server serves feeds shaped like
// Airbnb, Vrbo and Booking.com exports; graphile-worker runs the real sync
// job; the database holds the blocks and conflicts. And the export: a unit's
// secret calendar URL served by Keepr's HTTP server.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { parseFeed } from "../../channels/ical.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { startFeedServer, type FeedServer } from "../helpers/feeds.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { addDays, book, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { fixtureDate, loadFixture, type IcalFixtureName } from "../fixtures/ical/index.ts";

let db: TestDatabase;
let server: TestServer;
let feeds: FeedServer;
let h: Hotel;
let today: string;
let outbox: string;
/** What each feed path serves now: a fixture, or an HTTP status. */
const serving = new Map<string, IcalFixtureName | number>();

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool, { units: 3, kind: "vacation_rental", timeZone: "Europe/Lisbon" });
  today = localDate(h.timeZone, 0);
  outbox = newOutbox();
  feeds = await startFeedServer((path) => {
    const what = serving.get(path);
    return typeof what === "string" ? loadFixture(what, today) : (what ?? 404);
  });
});
afterAll(async () => {
  await feeds.close();
  await server.close();
  await db.drop();
});

const runJobs = () =>
  runDueJobs(db, { OUTBOX_DIR: outbox });

const committed = <T>(fn: (c: pg.PoolClient) => Promise<T>) => inCommit(db.ownerPool, fn);

async function addFeed(unit: number, source: string, name: string, feedPath: string): Promise<string> {
  return committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.manager });
    const { rows } = await c.query(
      "insert into app_public.channel_feeds (property_id, unit_id, source, name, url) values ($1, $2, $3, $4, $5) returning id",
      [h.propertyId, h.unitIds[unit], source, name, `${feeds.url}${feedPath}`],
    );
    return rows[0].id;
  });
}

async function syncNow(feedId: string): Promise<void> {
  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    await c.query("select app_public.sync_channel_feed_now($1)", [feedId]);
  });
  await runJobs();
}

/** The unit's live OTA blocks as "start..end note". */
async function blocksOf(unit: number): Promise<string[]> {
  const { rows } = await db.ownerPool.query(
    "select lower(stay)::text || '..' || upper(stay)::text || ' ' || note as b from app_public.inventory_claims where unit_id = $1 and kind = 'ota_block' and released_at is null order by lower(stay)",
    [h.unitIds[unit]],
  );
  return rows.map((r) => r.b);
}

const feedState = async (feedId: string) =>
  (await db.ownerPool.query("select last_error, consecutive_failures, events_seen, last_success_at is not null as synced from app_public.channel_feeds where id = $1", [feedId])).rows[0];

const d = (n: number) => fixtureDate(today, n);

it("an Airbnb feed becomes blocks; a later version moves, releases and adds them and leaves the rest untouched", async () => {
  serving.set("/airbnb.ics", "airbnb");
  const feed = await addFeed(0, "airbnb", "Airbnb", "/airbnb.ics");
  await syncNow(feed);
  expect(await blocksOf(0)).toEqual([
    `${d(5)}..${d(9)} Airbnb: Reserved`,
    `${d(12)}..${d(15)} Airbnb: Airbnb (Not available)`,
    `${d(20)}..${d(27)} Airbnb: Reserved`,
  ]);
  expect(await feedState(feed)).toEqual({ last_error: null, consecutive_failures: 0, events_seen: 3, synced: true });
  const untouched = (await db.ownerPool.query("select id from app_public.inventory_claims where unit_id = $1 and lower(stay) = $2 and released_at is null", [h.unitIds[0], d(12)])).rows[0].id;

  // The same feed again changes nothing.
  await syncNow(feed);
  expect(await blocksOf(0)).toHaveLength(3);

  // A later version gives back 8 of the 14 blocked nights at once: it is
  // applied once a fetch after the wait says the same.
  serving.set("/airbnb.ics", "airbnb-changed");
  await syncNow(feed);
  expect(await blocksOf(0)).toHaveLength(3);
  expect(await blocksOf(0)).toContain(`${d(20)}..${d(27)} Airbnb: Reserved`);
  await db.ownerPool.query("update app_private.channel_feed_pending_changes set confirm_after = now() where feed_id = $1", [feed]);
  await syncNow(feed);
  expect(await blocksOf(0)).toEqual([
    `${d(6)}..${d(10)} Airbnb: Reserved`,
    `${d(12)}..${d(15)} Airbnb: Airbnb (Not available)`,
    `${d(30)}..${d(33)} Airbnb: Reserved`,
  ]);
  expect((await db.ownerPool.query("select id from app_public.inventory_claims where unit_id = $1 and lower(stay) = $2 and released_at is null", [h.unitIds[0], d(12)])).rows[0].id).toBe(untouched);
});

it("a Vrbo stay over an existing reservation is a recorded conflict with both sides, staff are told, and it resolves once one side goes", async () => {
  const reservation = await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    const b = await book(c, h.ratePlanId, d(15), d(17));
    await c.query("select app_public.modify_reservation($1, $2, unit_id => $3)", [b.reservation_id, newKey(), h.unitIds[1]]);
    return b;
  });
  serving.set("/vrbo.ics", "vrbo");
  const feed = await addFeed(1, "vrbo", "Vrbo", "/vrbo.ics");
  await syncNow(feed);
  // Melanie's stay and the block after it touch: one block of the feed, named
  // after the first. Charlotte & Fred's nights around the reservation are
  // blocked too; only the two nights the reservation holds are sold twice.
  expect(await blocksOf(1)).toEqual([
    `${d(3)}..${d(10)} Vrbo: Reserved - Melanie`,
    `${d(14)}..${d(15)} Vrbo: Reserved - Charlotte & Fred`,
    `${d(17)}..${d(21)} Vrbo: Reserved - Charlotte & Fred`,
  ]);
  const conflicts = async () =>
    (await db.ownerPool.query(
      `select status, start_date::text, end_date::text, event_start_date::text, event_end_date::text, summary, conflicting_reservation_id, resolution
         from app_public.channel_conflicts where feed_id = $1 order by detected_at`, [feed])).rows;
  expect(await conflicts()).toEqual([
    { status: "open", start_date: d(15), end_date: d(17), event_start_date: d(14), event_end_date: d(21), summary: "Reserved - Charlotte & Fred",
      conflicting_reservation_id: reservation.reservation_id, resolution: null },
  ]);
  // Re-syncing keeps the one conflict; the reservation keeps its unit; staff got an email.
  await syncNow(feed);
  expect(await conflicts()).toHaveLength(1);
  const managerEmail = (await db.ownerPool.query("select email from app_public.users where id = $1", [h.manager])).rows[0].email;
  // The message as a mail client shows it (quoted-printable soft line breaks joined).
  const sent = readdirSync(outbox).filter((f) => f.startsWith("channel-conflict-") && f.endsWith(".eml"))
    .map((f) => readFileSync(path.join(outbox, f), "utf8").replace(/=\r?\n/g, "").replace(/\r?\n /g, " "));
  expect(sent).toHaveLength(1);
  expect(sent[0]).toContain(`To: ${managerEmail}`);
  // It says what is at stake: which nights are sold twice, that the others are blocked, and what staff can do.
  expect(sent[0]).toContain(`sold twice: ${d(15)} and ${d(16)}`);
  expect(sent[0]).toMatch(/other nights are blocked in Keepr/);
  expect(sent[0]).toMatch(/Move reservation \S+ to another unit/);
  expect(sent[0]).not.toMatch(/Nothing was double-booked/);

  // Staff visible; another property's staff see nothing.
  const other = await createHotel(db.ownerPool);
  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: other.manager });
    expect((await c.query("select count(*)::int as n from app_public.channel_conflicts")).rows[0].n).toBe(0);
  });

  // A cancelled event releases its nights (5 of 14: applied at once); the
  // conflict of the booking that is still there stays open.
  serving.set("/vrbo.ics", "vrbo-cancelled");
  await syncNow(feed);
  expect(await blocksOf(1)).toEqual([
    `${d(8)}..${d(10)} Vrbo: Blocked`,
    `${d(14)}..${d(15)} Vrbo: Reserved - Charlotte & Fred`,
    `${d(17)}..${d(21)} Vrbo: Reserved - Charlotte & Fred`,
  ]);
  expect((await conflicts()).map((k) => k.status)).toEqual(["open"]);

  // Staff cancel the Keepr side: the channel's stay is blocked whole in the
  // same commit, and the conflict closes itself, saying why.
  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    await c.query("select app_public.cancel_reservation($1, $2, 'Double booked with Vrbo')", [reservation.reservation_id, newKey()]);
  });
  expect(await blocksOf(1)).toEqual([`${d(8)}..${d(10)} Vrbo: Blocked`, `${d(14)}..${d(21)} Vrbo: Reserved - Charlotte & Fred`]);
  expect((await conflicts()).map((k) => [k.status, k.resolution])).toEqual([
    ["resolved", "Keepr's side was moved, shortened or cancelled: the nights are no longer sold twice, and they are blocked for the channel now."],
  ]);
});

it("a malformed or unreachable feed keeps its blocks and records the error; an empty calendar waits for a second fetch to agree", async () => {
  serving.set("/booking.ics", "booking");
  const feed = await addFeed(2, "booking_com", "Booking.com", "/booking.ics");
  await syncNow(feed);
  // Two touching closures are one block.
  const blocks = [`${d(2)}..${d(7)} Booking.com: CLOSED - Not available`, `${d(40)}..${d(41)} Booking.com: CLOSED - Not available`];
  expect(await blocksOf(2)).toEqual(blocks);

  serving.set("/booking.ics", "malformed");
  await syncNow(feed);
  expect(await blocksOf(2)).toEqual(blocks);
  expect(await feedState(feed)).toMatchObject({ consecutive_failures: 1, last_error: expect.stringMatching(/.+/) });

  serving.set("/booking.ics", 503);
  await syncNow(feed);
  expect(await blocksOf(2)).toEqual(blocks);
  expect(await feedState(feed)).toMatchObject({ consecutive_failures: 2, last_error: "The feed answered HTTP 503." });
  const backoff = (await db.ownerPool.query("select extract(epoch from next_poll_at - last_polled_at)::int as s, poll_interval_minutes from app_public.channel_feeds where id = $1", [feed])).rows[0];
  expect(backoff.s).toBe(backoff.poll_interval_minutes * 60 * 2);

  serving.set("/booking.ics", "empty-calendar");
  await syncNow(feed);
  expect(await blocksOf(2)).toEqual(blocks);
  expect(await feedState(feed)).toMatchObject({ consecutive_failures: 0, last_error: null, events_seen: 2 });
  await db.ownerPool.query("update app_private.channel_feed_pending_changes set confirm_after = now() where feed_id = $1", [feed]);
  await syncNow(feed);
  expect(await blocksOf(2)).toEqual([]);
  expect(await feedState(feed)).toMatchObject({ consecutive_failures: 0, last_error: null, events_seen: 0 });
});

it("feeds are polled when due, once, with jitter", async () => {
  const feed = await addFeed(2, "other", "Other PMS", "/other.ics");
  await db.ownerPool.query("update app_public.channel_feeds set next_poll_at = now() - interval '1 minute', is_active = (id = $1)", [feed]);
  const queued = await db.ownerPool.query("select app_private.schedule_channel_polls() as n");
  expect(queued.rows[0].n).toBe(1);
  expect((await db.ownerPool.query("select app_private.schedule_channel_polls() as n")).rows[0].n).toBe(0);
  const next = (await db.ownerPool.query("select extract(epoch from next_poll_at - now()) as s from app_public.channel_feeds where id = $1", [feed])).rows[0].s;
  expect(Number(next)).toBeGreaterThanOrEqual(15 * 60 - 5);
  expect(Number(next)).toBeLessThanOrEqual(18 * 60 + 5);
  await db.ownerPool.query("update app_public.channel_feeds set is_active = true");
  await db.ownerPool.query("delete from graphile_worker._private_jobs");
});

it("a unit's secret calendar URL serves every stay and block as valid iCal, with cache validators", async () => {
  const token = (await db.ownerPool.query("select ical_token from app_public.units where id = $1", [h.unitIds[1]])).rows[0].ical_token;
  const res = await fetch(`${server.url}/ical/${token}.ics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
  expect(res.headers.get("cache-control")).toBe("private, max-age=60");
  const body = await res.text();
  const events = parseFeed(body, { timeZone: h.timeZone });
  expect(events.map((e) => `${e.start}..${e.end}`)).toEqual([`${d(8)}..${d(10)}`, `${d(14)}..${d(21)}`]);
  const again = await fetch(`${server.url}/ical/${token}.ics`, { headers: { "if-none-match": res.headers.get("etag")! } });
  expect(again.status).toBe(304);
  expect((await fetch(`${server.url}/ical/${"0".repeat(32)}.ics`)).status).toBe(404);
  expect((await fetch(`${server.url}/ical/not-a-token.ics`)).status).toBe(404);
  expect(addDays(today, 0)).toBe(today);
});

it("the reconciliation report lists what a channel does not show taken, open conflicts, and stale or failing feeds", async () => {
  const reservation = await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    const b = await book(c, h.ratePlanId, d(40), d(42));
    await c.query("select app_public.modify_reservation($1, $2, unit_id => $3)", [b.reservation_id, newKey(), h.unitIds[0]]);
    return b;
  });
  const report = await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    return (await c.query("select feed_name, unit_name, kind, start_date::text, end_date::text, detail from app_public.channel_reconciliation($1)", [h.propertyId])).rows;
  });
  expect(report).toEqual([
    { feed_name: "Airbnb", unit_name: "101", kind: "not_blocked_on_channel", start_date: d(40), end_date: d(42),
      detail: `Keepr has reservation ${reservation.confirmation_code} on these nights; the channel's feed does not show them taken.` },
    { feed_name: "Other PMS", unit_name: "103", kind: "feed_stale", start_date: null, end_date: null, detail: "Never synced." },
  ]);
});
