// A feed never conflicts with itself (issue 16): a feed that merges several
// listings, or splits a stay, has overlapping and touching events; they are
// one block of the unit, and only a stay or block of someone else makes a
// conflict. Called as the sync job calls it, with the parsed events.
import type pg from "pg";
import { fileDatabase, inRollback } from "../helpers/db.ts";
import { addDays, createHotel, localDate } from "../helpers/booking.ts";

const db = fileDatabase();

type Event = { uid: string; start: string; end: string; summary?: string; cancelled?: boolean };

async function setUp(c: pg.PoolClient) {
  const h = await createHotel(c, { units: 1, kind: "vacation_rental" });
  const { rows } = await c.query<{ id: string }>(
    "insert into app_public.channel_feeds (property_id, unit_id, source, name, url) values ($1, $2, 'airbnb', 'Airbnb', 'https://www.airbnb.com/calendar/ical/1.ics') returning id",
    [h.propertyId, h.unitIds[0]],
  );
  const day = (n: number) => addDays(localDate(h.timeZone), n);
  const sync = async (events: Event[]) =>
    (await c.query("select app_private.sync_channel_feed($1, $2::jsonb, 'hash') as counts", [rows[0]!.id, JSON.stringify(events)])).rows[0].counts;
  const blocks = async () =>
    (await c.query<{ b: string }>(
      "select lower(stay)::text || '..' || upper(stay)::text as b from app_public.inventory_claims where unit_id = $1 and kind = 'ota_block' and released_at is null order by lower(stay)",
      [h.unitIds[0]],
    )).rows.map((r) => r.b);
  const conflicts = async () => (await c.query("select count(*)::int as n from app_public.channel_conflicts where status = 'open'")).rows[0].n;
  return { day, sync, blocks, conflicts };
}

it("overlapping and touching events of one feed become one block, with no conflict", () =>
  inRollback(db.ownerPool, async (c) => {
    const { day, sync, blocks, conflicts } = await setUp(c);
    const counts = await sync([
      { uid: "a@airbnb", start: day(5), end: day(10), summary: "Reserved" },
      { uid: "b@airbnb", start: day(8), end: day(12), summary: "Reserved" }, // overlaps a
      { uid: "c@airbnb", start: day(12), end: day(14), summary: "Airbnb (Not available)" }, // touches b
      { uid: "d@airbnb", start: day(20), end: day(22), summary: "Reserved" }, // alone
      { uid: "e@airbnb", start: day(20), end: day(21), summary: "Reserved" }, // inside d
    ]);
    expect(await blocks()).toEqual([`${day(5)}..${day(14)}`, `${day(20)}..${day(22)}`]);
    expect(await conflicts()).toBe(0);
    expect(counts).toMatchObject({ created: 2, conflicts: 0 });
    // The same feed again changes nothing; one of the merged events leaving shrinks the block.
    expect(await sync([
      { uid: "a@airbnb", start: day(5), end: day(10) }, { uid: "b@airbnb", start: day(8), end: day(12) },
      { uid: "c@airbnb", start: day(12), end: day(14) }, { uid: "d@airbnb", start: day(20), end: day(22) }, { uid: "e@airbnb", start: day(20), end: day(21) },
    ])).toMatchObject({ unchanged: 2, created: 0, released: 0 });
    await sync([{ uid: "a@airbnb", start: day(5), end: day(10) }, { uid: "d@airbnb", start: day(20), end: day(22) }]);
    expect(await blocks()).toEqual([`${day(5)}..${day(10)}`, `${day(20)}..${day(22)}`]);
    expect(await conflicts()).toBe(0);
  }));
