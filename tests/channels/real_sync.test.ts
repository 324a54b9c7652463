// Issue 16: real exports (tests/fixtures/ical/real, sources in SOURCES.md)
// through the sync, not only the parser. Their stays are moved into the
// future by whole days (the files are history), a Keepr stay is put over
// part of one of them, and the unit must then hold every night the channel
// sold: blocked for the feed, or sold twice in a conflict that names
// exactly the Keepr stay's nights. Syncing the same file again changes nothing.
import { readFileSync } from "node:fs";
import type pg from "pg";
import { parseFeed } from "../../channels/ical.ts";
import { actAs, fileDatabase, inCommit } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate, newKey } from "../helpers/booking.ts";

const db = fileDatabase();

const real = (name: string) => readFileSync(new URL(`../fixtures/ical/real/${name}.ics`, import.meta.url), "utf8");
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

it.each([
  ["airbnb-2026-reservations", "airbnb"],
  ["airbnb-2022-reservations-and-blocks", "airbnb"],
  ["booking-closed", "booking_com"],
  ["vrbo-abritel", "vrbo"],
])("%s: every night it sells is blocked or sold twice in a conflict, and a second sync changes nothing", async (file, source) => {
  const h = await createHotel(db.ownerPool, { units: 1, kind: "vacation_rental", timeZone: "Europe/Paris" });
  const today = localDate(h.timeZone);
  const stays = parseFeed(real(file), { timeZone: h.timeZone, now: new Date("2026-12-05T12:00:00Z") }).filter((s) => !s.cancelled && s.end > s.start);
  expect(stays.length).toBeGreaterThan(0);
  // Move the file's first stay to tomorrow, and every other stay with it.
  const shift = daysBetween(stays.map((s) => s.start).sort()[0]!, addDays(today, 1));
  const events = stays.map((s) => ({ ...s, start: addDays(s.start, shift), end: addDays(s.end, shift) }));
  // A Keepr stay over the second half of the longest channel stay, and one night past it.
  const target = [...events].sort((a, b) => daysBetween(b.start, b.end) - daysBetween(a.start, a.end))[0]!;
  const keeprFrom = addDays(target.start, Math.floor(daysBetween(target.start, target.end) / 2));
  const keeprTo = addDays(target.end, 1);
  const keepr = await inCommit(db.ownerPool, async (c: pg.PoolClient) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    return book(c, h.ratePlanId, keeprFrom, keeprTo);
  });
  const feed = (await db.ownerPool.query<{ id: string }>(
    "insert into app_public.channel_feeds (property_id, unit_id, source, name, url) values ($1, $2, $3, 'Channel', 'https://ical.example/real.ics') returning id",
    [h.propertyId, h.unitIds[0], source],
  )).rows[0]!.id;
  const sync = () =>
    inCommit(db.ownerPool, async (c) =>
      (await c.query("select app_private.sync_channel_feed($1, $2::jsonb, 'hash') as counts", [feed, JSON.stringify(events)])).rows[0].counts);

  const first = await sync();
  const claims = (await db.ownerPool.query<{ s: string; e: string; feed_id: string | null; reservation_id: string | null }>(
    "select lower(stay)::text as s, upper(stay)::text as e, feed_id, reservation_id from app_public.inventory_claims where unit_id = $1 and released_at is null",
    [h.unitIds[0]],
  )).rows;
  const conflicts = (await db.ownerPool.query<{ s: string; e: string; reservation: string }>(
    "select start_date::text as s, end_date::text as e, conflicting_reservation_id as reservation from app_public.channel_conflicts where feed_id = $1 and status = 'open'",
    [feed],
  )).rows;
  for (const event of events) {
    for (let night = event.start; night < event.end; night = addDays(night, 1)) {
      const holder = claims.find((c) => c.s <= night && night < c.e);
      const state = !holder ? "on sale"
        : holder.feed_id === feed ? "blocked"
        : conflicts.some((k) => k.reservation === keepr.reservation_id && k.s <= night && night < k.e) ? "sold twice" : "held with no conflict";
      expect({ file, night, state: state === "blocked" || state === "sold twice" ? "ok" : state }).toEqual({ file, night, state: "ok" });
    }
  }
  // The conflicts are exactly the Keepr stay's nights that the channel sold too.
  const sold = new Set(events.flatMap((e) => Array.from({ length: daysBetween(e.start, e.end) }, (_, i) => addDays(e.start, i))));
  const twice = Array.from({ length: daysBetween(keeprFrom, keeprTo) }, (_, i) => addDays(keeprFrom, i)).filter((n) => sold.has(n));
  const listed = conflicts.flatMap((k) => Array.from({ length: daysBetween(k.s, k.e) }, (_, i) => addDays(k.s, i))).sort();
  expect(listed).toEqual(twice);
  expect(first).toMatchObject({ conflicts: conflicts.length, new_conflicts: conflicts.length });

  expect(await sync()).toMatchObject({ created: 0, moved: 0, released: 0, new_conflicts: 0, conflicts: conflicts.length });
  // The Keepr stay goes: the channel gets every one of its nights back, in the same commit.
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    await c.query("select app_public.cancel_reservation($1, $2, 'Sold on the channel')", [keepr.reservation_id, newKey()]);
  });
  const blocked = (await db.ownerPool.query<{ n: number }>(
    "select coalesce(sum(upper(stay) - lower(stay)), 0)::int as n from app_public.inventory_claims where feed_id = $1 and released_at is null", [feed],
  )).rows[0]!.n;
  expect(blocked).toBe(sold.size);
});
