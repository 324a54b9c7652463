// The front desk's day (app_public.front_desk_day), what the staff
// console's dashboard reads: every stay the desk accounts for at one
// property on one day — arrivals whatever became of them, guests in house,
// stays over the night, departures and early check-outs, no-shows and
// cancellations made on the day (issue 21) — under row-level security. Each test runs in a
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

    // Today: the check-in, and the booking cancelled today (for tomorrow).
    expect(await day(c, h.propertyId, today)).toEqual([
      { code: inHouse.confirmation_code, status: "checked_in" },
      { code: cancelled.confirmation_code, status: "cancelled" },
    ]);
    expect(await day(c, h.propertyId, tomorrow)).toEqual([
      { code: inHouse.confirmation_code, status: "checked_in" },
      { code: arriving.confirmation_code, status: "confirmed" },
    ]);
    // Departing, and the stay that has the night (the board counts it as
    // expected in house that night: splitFrontDeskDay).
    expect(await day(c, h.propertyId, addDays(today, 2))).toEqual([
      { code: inHouse.confirmation_code, status: "checked_in" },
      { code: arriving.confirmation_code, status: "confirmed" },
    ]);
    // Without a day: today in the property's time zone.
    expect(await day(c, h.propertyId, null)).toEqual(await day(c, h.propertyId, today));
    // Another day: who arrives and who stays that night (the guest in house now will have left).
    const codes = (await day(c, h.propertyId, addDays(today, 5))).map((r) => r.code);
    expect(codes).toEqual([later.confirmation_code]);
    expect(codes).not.toContain(elsewhere.confirmation_code);
    // Staff of another property see nothing of this one, and this desk nothing of theirs.
    expect(await day(c, other.propertyId, tomorrow)).toEqual([]);
    await staff(c, other.frontDesk);
    expect(await day(c, h.propertyId, tomorrow)).toEqual([]);
    expect(await day(c, other.propertyId, tomorrow)).toEqual([{ code: elsewhere.confirmation_code, status: "confirmed" }]);
  }));

it("a stay checked out on its departure date stays on that day's departures, and a same-day check-out on its day", () =>
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
    // Checked out today, the day it arrived: today's arrival and today's (early) departure.
    expect(await day(c, h.propertyId, today)).toEqual([{ code: stay.confirmation_code, status: "checked_out" }]);
  }));

it("a no-show stays on its arrival day and on the day it is recorded; a released hold is never a cancellation", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 3 });
    const today = localDate(h.timeZone);
    await anonymous(c);
    const alan = await book(c, h.ratePlanId, today, addDays(today, 1));
    await c.query("reset role");
    await c.query("update app_public.properties set no_show_day_offset = 0, no_show_time = '00:00' where id = $1", [h.propertyId]);
    await c.query("update app_public.reservations set stay = daterange(lower(stay) - 1, upper(stay) - 1) where id = $1", [alan.reservation_id]);
    await c.query("update app_public.inventory_claims set stay = daterange(lower(stay) - 1, upper(stay) - 1) where reservation_id = $1", [alan.reservation_id]);
    await staff(c, h.frontDesk);
    await c.query("select app_public.mark_no_show($1, $2)", [alan.reservation_id, newKey()]);
    const q = (await c.query<{ quote_token: string }>("select quote_token from app_public.quote($1, $2, $3)", [h.ratePlanId, addDays(today, 3), addDays(today, 4)])).rows[0]!;
    const held = (await c.query<{ reservation_id: string }>("select reservation_id from app_public.create_hold($1, $2)", [q.quote_token, newKey()])).rows[0]!;
    await c.query("select app_public.cancel_reservation($1, $2)", [held.reservation_id, newKey()]);
    expect(await day(c, h.propertyId, addDays(today, -1))).toEqual([{ code: alan.confirmation_code, status: "no_show" }]);
    expect(await day(c, h.propertyId, today)).toEqual([{ code: alan.confirmation_code, status: "no_show" }]);
  }));

it("anonymous callers may not call it", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await anonymous(c);
    await expect(day(c, h.propertyId, null)).rejects.toMatchObject({ code: "42501" });
  }));
