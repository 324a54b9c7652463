// Issue 16: a channel booking that overlaps part of a Keepr stay or block
// blocks every one of its free nights (as several blocks if need be), and
// its conflict names only the nights sold twice. Staff resolutions stick
// while the same booking and the same Keepr side stand; moving or
// cancelling Keepr's side gives the channel its nights at once, in the same
// transaction. Called as the sync job calls it, with parsed events; each
// test commits (the hand-over happens at commit) on its own hotel.
import type pg from "pg";
import { actAs, fileDatabase, inCommit, sqlstateOf } from "../helpers/db.ts";
import { addDays, book, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();

type Event = { uid: string; start: string; end: string; summary?: string; cancelled?: boolean };

interface World {
  h: Hotel;
  day: (n: number) => string;
  addFeed: (unit: number, name: string) => Promise<string>;
  sync: (feedId: string, events: Event[]) => Promise<Record<string, unknown>>;
  staff: <T>(fn: (c: pg.PoolClient) => Promise<T>) => Promise<T>;
  /** The unit's live claims as "start..end kind[ feed name]". */
  claims: (unit: number) => Promise<string[]>;
  conflicts: (feedId: string) => Promise<Array<Record<string, unknown>>>;
}

async function world(units = 2): Promise<World> {
  const h = await createHotel(db.ownerPool, { units, kind: "vacation_rental", timeZone: "Europe/Lisbon" });
  const day = (n: number) => addDays(localDate(h.timeZone), n);
  return {
    h,
    day,
    addFeed: async (unit, name) =>
      (await db.ownerPool.query<{ id: string }>(
        "insert into app_public.channel_feeds (property_id, unit_id, source, name, url) values ($1, $2, 'airbnb', $3, $4) returning id",
        [h.propertyId, h.unitIds[unit], name, `https://www.airbnb.com/calendar/ical/${newKey()}.ics`],
      )).rows[0]!.id,
    sync: (feedId, events) =>
      inCommit(db.ownerPool, async (c) =>
        (await c.query("select app_private.sync_channel_feed($1, $2::jsonb, 'hash') as counts", [feedId, JSON.stringify(events)])).rows[0].counts),
    staff: (fn) =>
      inCommit(db.ownerPool, async (c) => {
        await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
        return fn(c);
      }),
    claims: async (unit) =>
      (await db.ownerPool.query<{ c: string }>(
        `select lower(c.stay)::text || '..' || upper(c.stay)::text || ' ' || c.kind || coalesce(' ' || f.name, '') as c
           from app_public.inventory_claims c left join app_public.channel_feeds f on f.id = c.feed_id
          where c.unit_id = $1 and c.released_at is null order by lower(c.stay)`,
        [h.unitIds[unit]],
      )).rows.map((r) => r.c),
    conflicts: async (feedId) =>
      (await db.ownerPool.query(
        `select status, closed_by, start_date::text as nights_from, end_date::text as nights_to,
                event_start_date::text as event_from, event_end_date::text as event_to, conflicting_reservation_id is not null as with_reservation, resolution
           from app_public.channel_conflicts where feed_id = $1 order by detected_at, start_date`,
        [feedId],
      )).rows,
  };
}

/** A confirmed stay in a given unit. */
async function stayIn(w: World, unit: number, from: number, to: number) {
  return w.staff(async (c) => {
    const b = await book(c, w.h.ratePlanId, w.day(from), w.day(to));
    await c.query("select app_public.modify_reservation($1, $2, unit_id => $3)", [b.reservation_id, newKey(), w.h.unitIds[unit]]);
    return b;
  });
}

const jobsFor = async (conflictTask = "notify_channel_conflict") =>
  (await db.ownerPool.query<{ n: number }>("select count(*)::int as n from graphile_worker.jobs where task_identifier = $1", [conflictTask])).rows[0]!.n;

it("a channel booking over part of a Keepr stay blocks its free nights and names only the nights sold twice", async () => {
  const w = await world();
  const stay = await stayIn(w, 0, 20, 24);
  const feed = await w.addFeed(0, "Airbnb");
  const before = await jobsFor();
  const counts = await w.sync(feed, [{ uid: "r1@airbnb.com", start: w.day(18), end: w.day(22), summary: "Reserved" }]);
  expect(counts).toMatchObject({ created: 1, conflicts: 1, new_conflicts: 1 });
  expect(await w.claims(0)).toEqual([`${w.day(18)}..${w.day(20)} ota_block Airbnb`, `${w.day(20)}..${w.day(24)} reservation`]);
  expect(await w.conflicts(feed)).toEqual([
    { status: "open", closed_by: null, nights_from: w.day(20), nights_to: w.day(22), event_from: w.day(18), event_to: w.day(22), with_reservation: true, resolution: null },
  ]);
  expect(await jobsFor()).toBe(before + 1);
  // The nights the channel sold before the stay are not for sale in Keepr any more.
  expect(await w.staff((c) =>
    sqlstateOf(c, "select app_public.create_block($1, $2, $3, 'owner_block', $4)", [w.h.unitIds[0], w.day(18), w.day(20), newKey()]),
  )).toBe("UNAVL");
  // The reconciliation says which nights are sold twice, and to whom.
  const report = await w.staff(async (c) =>
    (await c.query("select kind, start_date::text, end_date::text, detail from app_public.channel_reconciliation($1) where kind = 'conflict'", [w.h.propertyId])).rows,
  );
  expect(report).toEqual([{
    kind: "conflict", start_date: w.day(20), end_date: w.day(22),
    detail: `Sold twice: the channel's booking "Reserved" (${w.day(18)} to ${w.day(22)}) and reservation ${stay.confirmation_code} in Keepr both hold these 2 nights.`,
  }]);
  // Syncing the same again changes nothing and tells no one again.
  expect(await w.sync(feed, [{ uid: "r1@airbnb.com", start: w.day(18), end: w.day(22), summary: "Reserved" }]))
    .toMatchObject({ created: 0, moved: 0, released: 0, unchanged: 1, conflicts: 1, new_conflicts: 0 });
  expect(await jobsFor()).toBe(before + 1);
});

it("a channel block around an owner block is blocked on both sides of it", async () => {
  const w = await world();
  await w.staff((c) => c.query("select app_public.create_block($1, $2, $3, 'owner_block', $4, 'Owner')", [w.h.unitIds[0], w.day(12), w.day(14), newKey()]));
  const feed = await w.addFeed(0, "Airbnb");
  await w.sync(feed, [{ uid: "b1@airbnb.com", start: w.day(9), end: w.day(23), summary: "Airbnb (Not available)" }]);
  expect(await w.claims(0)).toEqual([
    `${w.day(9)}..${w.day(12)} ota_block Airbnb`, `${w.day(12)}..${w.day(14)} owner_block`, `${w.day(14)}..${w.day(23)} ota_block Airbnb`,
  ]);
  expect((await w.conflicts(feed)).map((k) => [k.nights_from, k.nights_to, k.with_reservation])).toEqual([[w.day(12), w.day(14), false]]);
  expect(await w.staff(async (c) => (await c.query("select kind, detail from app_public.channel_reconciliation($1)", [w.h.propertyId])).rows)).toEqual([{
    kind: "conflict",
    detail: `Sold twice: the channel's booking "Airbnb (Not available)" (${w.day(9)} to ${w.day(23)}) and an owner block in Keepr both hold these 2 nights.`,
  }]);

  // The owner releases the block: the channel's booking gets those nights at
  // once, one block again, and the conflict closes itself.
  const blockId = (await db.ownerPool.query("select id from app_public.inventory_claims where unit_id = $1 and kind = 'owner_block' and released_at is null", [w.h.unitIds[0]])).rows[0].id;
  await w.staff((c) => c.query("select app_public.release_block($1, $2)", [blockId, newKey()]));
  expect(await w.claims(0)).toEqual([`${w.day(9)}..${w.day(23)} ota_block Airbnb`]);
  expect(await w.conflicts(feed)).toEqual([expect.objectContaining({ status: "resolved", closed_by: "sync", resolution: expect.stringMatching(/no longer sold twice/) })]);
});

it("another feed's block is a conflict too, and the first feed giving the nights back hands them over", async () => {
  const w = await world();
  const vrbo = await w.addFeed(0, "Vrbo");
  const airbnb = await w.addFeed(0, "Airbnb");
  await w.sync(vrbo, [{ uid: "v1@vrbo", start: w.day(5), end: w.day(8), summary: "Reserved" }]);
  await w.sync(airbnb, [{ uid: "a1@airbnb", start: w.day(7), end: w.day(10), summary: "Reserved" }]);
  expect(await w.claims(0)).toEqual([`${w.day(5)}..${w.day(8)} ota_block Vrbo`, `${w.day(8)}..${w.day(10)} ota_block Airbnb`]);
  expect((await w.conflicts(airbnb)).map((k) => [k.status, k.nights_from, k.nights_to])).toEqual([["open", w.day(7), w.day(8)]]);
  // Vrbo's guest cancels: the night goes to Airbnb's booking in the same commit.
  await w.sync(vrbo, [{ uid: "v1@vrbo", start: w.day(5), end: w.day(7), summary: "Reserved" }]);
  expect(await w.claims(0)).toEqual([`${w.day(5)}..${w.day(7)} ota_block Vrbo`, `${w.day(7)}..${w.day(10)} ota_block Airbnb`]);
  expect((await w.conflicts(airbnb)).map((k) => [k.status, k.closed_by])).toEqual([["resolved", "sync"]]);
});

it("a staff resolution sticks while the same booking and stay stand; a new overlap opens a new conflict", async () => {
  const w = await world();
  const stay = await stayIn(w, 0, 10, 13);
  const feed = await w.addFeed(0, "Airbnb");
  const event = (start: number, end: number) => [{ uid: "x@airbnb", start: w.day(start), end: w.day(end), summary: "Reserved" }];
  await w.sync(feed, event(8, 12));
  const [open] = await w.conflicts(feed);
  expect(open).toMatchObject({ status: "open", nights_from: w.day(10), nights_to: w.day(12) });
  const id = (await db.ownerPool.query("select id from app_public.channel_conflicts where feed_id = $1", [feed])).rows[0].id;
  await w.staff((c) => c.query("select app_public.resolve_channel_conflict($1, 'Airbnb guest moved to our other chalet by phone')", [id]));
  const told = await jobsFor();

  // The same booking again: still resolved, nobody told again.
  expect(await w.sync(feed, event(8, 12))).toMatchObject({ conflicts: 0, new_conflicts: 0 });
  // The booking grows away from the stay: the same nights are sold twice; still resolved.
  await w.sync(feed, event(7, 12));
  // A guest count change re-claims Keepr's stay: the same stay, still resolved.
  await w.staff((c) => c.query("select app_public.modify_reservation($1, $2, adults => 1)", [stay.reservation_id, newKey()]));
  await w.sync(feed, event(7, 12));
  expect((await w.conflicts(feed)).map((k) => k.status)).toEqual(["resolved"]);
  expect(await jobsFor()).toBe(told);

  // The booking now covers one more night of the stay: a new overlap, a new conflict.
  await w.sync(feed, event(7, 13));
  expect((await w.conflicts(feed)).map((k) => [k.status, k.closed_by, k.nights_from, k.nights_to])).toEqual([
    ["resolved", "staff", w.day(10), w.day(12)],
    ["open", null, w.day(10), w.day(13)],
  ]);
  expect(await jobsFor()).toBe(told + 1);
  expect(await w.claims(0)).toEqual([`${w.day(7)}..${w.day(10)} ota_block Airbnb`, `${w.day(10)}..${w.day(13)} reservation`]);
});

it("moving or cancelling Keepr's side gives the channel its nights at once, and the open conflict closes itself", async () => {
  const w = await world();
  const moved = await stayIn(w, 0, 20, 24);
  const cancelled = await stayIn(w, 0, 30, 32);
  const feed = await w.addFeed(0, "Airbnb");
  await w.sync(feed, [
    { uid: "m@airbnb", start: w.day(18), end: w.day(22), summary: "Reserved" },
    { uid: "c@airbnb", start: w.day(31), end: w.day(33), summary: "Reserved" },
  ]);
  expect((await w.conflicts(feed)).filter((k) => k.status === "open")).toHaveLength(2);

  await w.staff((c) => c.query("select app_public.move_unit($1, $2, $3)", [moved.reservation_id, w.h.unitIds[1], newKey()]));
  await w.staff((c) => c.query("select app_public.cancel_reservation($1, $2, 'Guest cancelled')", [cancelled.reservation_id, newKey()]));
  expect(await w.claims(0)).toEqual([`${w.day(18)}..${w.day(22)} ota_block Airbnb`, `${w.day(31)}..${w.day(33)} ota_block Airbnb`]);
  expect(await w.claims(1)).toEqual([`${w.day(20)}..${w.day(24)} reservation`]);
  expect((await w.conflicts(feed)).map((k) => [k.status, k.closed_by])).toEqual([["resolved", "sync"], ["resolved", "sync"]]);
});

it("the booking leaving the feed closes its conflict and releases its blocks", async () => {
  const w = await world();
  await stayIn(w, 0, 3, 5);
  const feed = await w.addFeed(0, "Airbnb");
  const kept = { uid: "k@airbnb", start: w.day(50), end: w.day(60), summary: "Reserved" };
  await w.sync(feed, [{ uid: "g@airbnb", start: w.day(1), end: w.day(4), summary: "Reserved" }, kept]);
  expect(await w.claims(0)).toEqual([`${w.day(1)}..${w.day(3)} ota_block Airbnb`, `${w.day(3)}..${w.day(5)} reservation`, `${w.day(50)}..${w.day(60)} ota_block Airbnb`]);
  // 3 of its 13 blocked nights given back: applied at once.
  expect(await w.sync(feed, [kept])).toMatchObject({ released: 1, unchanged: 1, conflicts: 0 });
  expect(await w.claims(0)).toEqual([`${w.day(3)}..${w.day(5)} reservation`, `${w.day(50)}..${w.day(60)} ota_block Airbnb`]);
  expect((await w.conflicts(feed)).map((k) => [k.status, k.resolution])).toEqual([["resolved", "The channel's booking left its feed; its nights are no longer sold twice."]]);
});

it("an expired hold's nights go to the channel's booking before another guest can take them", async () => {
  const w = await world(1);
  const held = await w.staff(async (c) => hold(c, (await quote(c, w.h.ratePlanId, w.day(10), w.day(12))).quote_token));
  const feed = await w.addFeed(0, "Airbnb");
  await w.sync(feed, [{ uid: "h@airbnb", start: w.day(9), end: w.day(12), summary: "Reserved" }]);
  expect(await w.claims(0)).toEqual([`${w.day(9)}..${w.day(10)} ota_block Airbnb`, `${w.day(10)}..${w.day(12)} hold`]);
  // The hold runs out; a guest asks for those nights.
  await db.ownerPool.query("update app_public.inventory_claims set expires_at = now() - interval '2 minutes' where reservation_id = $1", [held.reservation_id]);
  const refused = await w.staff((c) =>
    sqlstateOf(c, "select app_public.create_hold((select quote_token from app_public.quote($1, $2, $3, 2, 0)), $4, 10)", [w.h.ratePlanId, w.day(10), w.day(12), newKey()]));
  expect(refused).toBe("SOLDO");
  // The cleanup job releases the expired hold: the channel's booking gets its nights.
  await db.ownerPool.query("select app_private.release_stale_claims()");
  expect(await w.claims(0)).toEqual([`${w.day(9)}..${w.day(12)} ota_block Airbnb`]);
  expect((await w.conflicts(feed)).map((k) => [k.status, k.closed_by])).toEqual([["resolved", "sync"]]);
});
