// app_public.room_type_held_until (issue 22, item 3): after a SOLD_OUT, when
// the room type comes back if the guests who only hold it do not book; null
// when it is booked (or blocked). A hotel counts night by night, a vacation
// rental unit by unit; anonymous callers get it (like search); an
// unpublished property gives nothing.
import type pg from "pg";
import { actAs, fileDatabase, inCommit } from "../helpers/db.ts";
import { addDays, confirm, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();
const committed = <T>(fn: (c: pg.PoolClient) => Promise<T>) => inCommit(db.ownerPool, fn);

/** A hold of `minutes` on the stay; its expiry. */
async function holdFor(h: Hotel, arrival: string, departure: string, minutes: number): Promise<string> {
  return committed(async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    const held = await hold(c, (await quote(c, h.ratePlanId, arrival, departure)).quote_token, newKey(), minutes);
    return new Date(held.expires_at).toISOString();
  });
}

async function book(h: Hotel, arrival: string, departure: string): Promise<void> {
  await committed(async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    await confirm(c, await hold(c, (await quote(c, h.ratePlanId, arrival, departure)).quote_token), undefined, `g-${newKey().slice(0, 8)}@example.com`);
  });
}

async function heldUntil(h: Hotel, arrival: string, departure: string): Promise<string | null> {
  return committed(async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    const { rows } = await c.query<{ t: Date | null }>("select app_public.room_type_held_until($1, $2, $3) as t", [h.ratePlanId, arrival, departure]);
    return rows[0]!.t ? rows[0]!.t.toISOString() : null;
  });
}

it("a hotel: held by one guest and booked by another is held until that hold ends; booked out is null; two holds, the first to end", async () => {
  const h = await createHotel(db.ownerPool, { units: 2 });
  const a = localDate(h.timeZone, 20);
  const t1 = await holdFor(h, a, addDays(a, 2), 10);
  await book(h, a, addDays(a, 2));
  expect(await heldUntil(h, a, addDays(a, 2))).toBe(t1);

  const b = localDate(h.timeZone, 30);
  await book(h, b, addDays(b, 1));
  await book(h, b, addDays(b, 1));
  expect(await heldUntil(h, b, addDays(b, 1))).toBeNull();

  const c = localDate(h.timeZone, 40);
  const late = await holdFor(h, c, addDays(c, 1), 20);
  const early = await holdFor(h, c, addDays(c, 1), 5);
  expect(early < late).toBe(true);
  expect(await heldUntil(h, c, addDays(c, 1))).toBe(early);
});

it("a hotel over several nights: the latest of what each full night needs", async () => {
  const h = await createHotel(db.ownerPool, { units: 2 });
  const d = localDate(h.timeZone, 50);
  // Night 1: a booking and a hold (ends t1). Night 2: two holds (t2 < t3): one of them ending is enough.
  await book(h, d, addDays(d, 1));
  const t1 = await holdFor(h, d, addDays(d, 1), 25);
  const t2 = await holdFor(h, addDays(d, 1), addDays(d, 2), 8);
  await holdFor(h, addDays(d, 1), addDays(d, 2), 28);
  expect(await heldUntil(h, d, addDays(d, 2))).toBe(t1 > t2 ? t1 : t2);
  // A night with no hold and every unit booked: nothing comes back.
  await book(h, addDays(d, 2), addDays(d, 3));
  await book(h, addDays(d, 2), addDays(d, 3));
  expect(await heldUntil(h, d, addDays(d, 3))).toBeNull();
});

it("a vacation rental: its one unit held is held until the hold ends, booked is null; an unpublished property gives nothing", async () => {
  const h = await createHotel(db.ownerPool, { units: 1, kind: "vacation_rental", maxOccupancy: 6 });
  const a = localDate(h.timeZone, 20);
  const t = await holdFor(h, a, addDays(a, 3), 12);
  expect(await heldUntil(h, a, addDays(a, 3))).toBe(t);
  expect(await heldUntil(h, addDays(a, 1), addDays(a, 2))).toBe(t);
  const b = localDate(h.timeZone, 40);
  await book(h, b, addDays(b, 3));
  expect(await heldUntil(h, b, addDays(b, 3))).toBeNull();
  await db.ownerPool.query("update app_public.properties set is_published = false where id = $1", [h.propertyId]);
  expect(await heldUntil(h, a, addDays(a, 3))).toBeNull();
});
