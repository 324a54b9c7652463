// Which properties a search looks at, and the units left it counts across
// them (app_public.search_availability): published properties for everyone,
// the caller's own unpublished ones for their staff, by city (any case),
// country code (any case) or property; none whose local date is already past
// the arrival. The search reads the matching ids first and counts the units
// left of all of them in one inlined pass (issue 23): these tests hold its
// answers to what they were.
import type pg from "pg";
import { anonymous, asOwner, fileDatabase, inRollback, staff } from "../helpers/db.ts";
import { addDays, createHotel, hold, localDate, quote, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();

// Pago Pago (UTC-11) is the last place on Earth to reach a date: an arrival
// on its date is never in the past there, and always in the past at
// Kiritimati (UTC+14), 25 hours ahead.
const behind = "Pacific/Pago_Pago";
const ahead = "Pacific/Kiritimati";

interface Found {
  property_id: string;
  rate_plan_id: string;
  units_left: number;
}

async function search(c: pg.PoolClient, arrival: string, departure: string, filter: { city?: string; country?: string; property?: string }) {
  const { rows } = await c.query<Found>(
    `select property_id, rate_plan_id, units_left
       from app_public.search_availability($1, $2, 2, 0, property_id => $3, city => $4, country_code => $5)`,
    [arrival, departure, filter.property ?? null, filter.city ?? null, filter.country ?? null],
  );
  return rows;
}

/** Three hotels of one new city: open (published, Pago Pago), hidden (unpublished, Pago Pago), tomorrow (published, Kiritimati). */
async function city(c: pg.PoolClient) {
  const open = await createHotel(c, { timeZone: behind });
  const hidden = await createHotel(c, { timeZone: behind });
  const tomorrow = await createHotel(c, { timeZone: ahead });
  const name = `Search City ${open.propertyId.slice(0, 8)}`;
  await c.query("update app_public.properties set city = $1, country_code = 'WS' where id = any ($2)", [
    name,
    [open.propertyId, hidden.propertyId, tomorrow.propertyId],
  ]);
  await c.query("update app_public.properties set is_published = false where id = $1", [hidden.propertyId]);
  return { name, open, hidden, tomorrow };
}

const ids = (rows: Found[]) => rows.map((r) => r.property_id).sort();
const sorted = (...hotels: Hotel[]) => hotels.map((h) => h.propertyId).sort();

describe("the properties a search looks at", () => {
  it("a guest finds the published ones by city or country in any case, not the unpublished, not those past the arrival", () =>
    inRollback(db.ownerPool, async (c) => {
      const { name, open, hidden, tomorrow } = await city(c);
      const arrival = localDate(behind);
      const departure = addDays(arrival, 2);
      await anonymous(c);
      expect(ids(await search(c, arrival, departure, { city: name }))).toEqual(sorted(open));
      expect(ids(await search(c, arrival, departure, { city: name.toUpperCase() }))).toEqual(sorted(open));
      expect(ids(await search(c, arrival, departure, { country: "ws", city: name }))).toEqual(sorted(open));
      expect(ids(await search(c, arrival, departure, { property: hidden.propertyId }))).toEqual([]);
      expect(ids(await search(c, arrival, departure, { property: tomorrow.propertyId }))).toEqual([]);
      // Two days on, the arrival is no longer past at Kiritimati.
      const later = addDays(arrival, 2);
      expect(ids(await search(c, later, addDays(later, 2), { city: name }))).toEqual(sorted(open, tomorrow));
    }));

  it("staff also find their own unpublished property, not another's", () =>
    inRollback(db.ownerPool, async (c) => {
      const { name, open, hidden } = await city(c);
      const other = await createHotel(c, { timeZone: behind });
      await c.query("update app_public.properties set city = $1, is_published = false where id = $2", [name, other.propertyId]);
      const arrival = localDate(behind);
      await staff(c, hidden.frontDesk);
      expect(ids(await search(c, arrival, addDays(arrival, 2), { city: name }))).toEqual(sorted(open, hidden));
      await staff(c, open.manager);
      expect(ids(await search(c, arrival, addDays(arrival, 2), { city: name }))).toEqual(sorted(open));
    }));

  it("counts each property's units left from its own claims, on the stay's busiest night", () =>
    inRollback(db.ownerPool, async (c) => {
      const { name, open, tomorrow } = await city(c);
      const arrival = addDays(localDate(behind), 5);
      await anonymous(c);
      // Two holds at `open` on the stay's second night, one at `tomorrow` on its first.
      for (const [h, from] of [[open, 1], [open, 1], [tomorrow, 0]] as const) {
        await hold(c, (await quote(c, h.ratePlanId, addDays(arrival, from), addDays(arrival, from + 1))).quote_token);
      }
      await asOwner(c);
      await anonymous(c);
      const left = async (from: number, nights: number) =>
        Object.fromEntries(
          (await search(c, addDays(arrival, from), addDays(arrival, from + nights), { city: name })).map((r) => [r.property_id, r.units_left]),
        );
      expect(await left(0, 3)).toEqual({ [open.propertyId]: 1, [tomorrow.propertyId]: 2 });
      expect(await left(0, 1)).toEqual({ [open.propertyId]: 3, [tomorrow.propertyId]: 2 });
      expect(await left(1, 1)).toEqual({ [open.propertyId]: 1, [tomorrow.propertyId]: 3 });
      expect(await left(2, 2)).toEqual({ [open.propertyId]: 3, [tomorrow.propertyId]: 3 });
    }));
});
