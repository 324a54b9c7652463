// The front desk's day (app_public.front_desk_day), what the staff
// console's dashboard reads: arrivals, departures and guests in house of one
// property on one day, under row-level security. Each test runs in a
// transaction that is rolled back; "tomorrow" is asked for explicitly, since
// time cannot move inside one.
import type pg from "pg";
import { anonymous, fileDatabase, inRollback, staff } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate, newKey } from "../helpers/booking.ts";

const db = fileDatabase();

async function day(c: pg.PoolClient, propertyId: string, date: string | null): Promise<Array<{ code: string; status: string }>> {
  const { rows } = await c.query<{ code: string; status: string }>(
    "select confirmation_code as code, status from app_public.front_desk_day($1, $2)",
    [propertyId, date],
  );
  return rows;
}

it("lists the day's arrivals, departures and guests in house of the property, nothing else", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 5 });
    const other = await createHotel(c);
    const today = localDate(h.timeZone);
    const tomorrow = addDays(today, 1);
    await anonymous(c);
    const inHouse = await book(c, h.ratePlanId, today, addDays(today, 2)); // checked in today: in house tomorrow, departs the day after
    const arriving = await book(c, h.ratePlanId, tomorrow, addDays(tomorrow, 3)); // arrives tomorrow
    const later = await book(c, h.ratePlanId, addDays(today, 5), addDays(today, 6)); // not this week's business
    const cancelled = await book(c, h.ratePlanId, tomorrow, addDays(tomorrow, 1));
    const elsewhere = await book(c, other.ratePlanId, tomorrow, addDays(tomorrow, 1)); // another property
    await staff(c, h.frontDesk);
    await c.query("select app_public.check_in($1, $2)", [inHouse.reservation_id, newKey()]);
    await c.query("select app_public.cancel_reservation($1, $2)", [cancelled.reservation_id, newKey()]);

    expect(await day(c, h.propertyId, today)).toEqual([{ code: inHouse.confirmation_code, status: "checked_in" }]);
    expect(await day(c, h.propertyId, tomorrow)).toEqual([
      { code: inHouse.confirmation_code, status: "checked_in" },
      { code: arriving.confirmation_code, status: "confirmed" },
    ]);
    // Departing (and in house until checked out); the arrival of yesterday
    // that never checked in is not in house.
    expect(await day(c, h.propertyId, addDays(today, 2))).toEqual([{ code: inHouse.confirmation_code, status: "checked_in" }]);
    // Without a day: today in the property's time zone.
    expect(await day(c, h.propertyId, null)).toEqual(await day(c, h.propertyId, today));
    const codes = (await day(c, h.propertyId, addDays(today, 5))).map((r) => r.code);
    expect(codes).toEqual([inHouse.confirmation_code, later.confirmation_code]);
    expect(codes).not.toContain(elsewhere.confirmation_code);
    // Staff of another property see nothing of this one, and this desk nothing of theirs.
    expect(await day(c, other.propertyId, tomorrow)).toEqual([]);
    await staff(c, other.frontDesk);
    expect(await day(c, h.propertyId, tomorrow)).toEqual([]);
    expect(await day(c, other.propertyId, tomorrow)).toEqual([{ code: elsewhere.confirmation_code, status: "confirmed" }]);
  }));

it("a stay checked out on its departure date stays on that day's departures", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const today = localDate(h.timeZone);
    await anonymous(c);
    const stay = await book(c, h.ratePlanId, today, addDays(today, 1));
    await staff(c, h.frontDesk);
    await c.query("select app_public.check_in($1, $2)", [stay.reservation_id, newKey()]);
    // Departure day is tomorrow; time cannot move, so the stay is made to have ended today.
    await c.query("reset role");
    await c.query("update app_public.reservations set status = 'checked_out', checked_out_at = now() where id = $1", [stay.reservation_id]);
    await staff(c, h.frontDesk);
    expect(await day(c, h.propertyId, addDays(today, 1))).toEqual([{ code: stay.confirmation_code, status: "checked_out" }]);
    expect(await day(c, h.propertyId, today)).toEqual([]);
  }));

it("anonymous callers may not call it", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await anonymous(c);
    await expect(day(c, h.propertyId, null)).rejects.toMatchObject({ code: "42501" });
  }));
