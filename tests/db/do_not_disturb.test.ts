// Do-not-disturb for today (issue 21, housekeeping): setDoNotDisturb marks
// an in-house stay; today's unstarted stay-over cleaning is cancelled with
// the note, the daily scheduler makes none for it today, and the history
// says so in words. The housekeeping board's staff only; a stay not in
// house is INVALID_TRANSITION.
import type pg from "pg";
import { asOwner, fileDatabase, inRollback, sqlstateOf, staff } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();

/** A guest in house since yesterday at a property that cleans stay-overs every night. */
async function inHouse(c: pg.PoolClient, h: Hotel): Promise<string> {
  const today = localDate(h.timeZone);
  await asOwner(c);
  await c.query("update app_public.properties set stayover_clean_nights = 1 where id = $1", [h.propertyId]);
  await staff(c, h.frontDesk);
  const b = await book(c, h.ratePlanId, today, addDays(today, 3));
  await c.query("select app_public.check_in($1, $2, force => true)", [b.reservation_id, newKey()]);
  await asOwner(c);
  await c.query("update app_public.reservations set stay = daterange($2::date, $3::date) where id = $1", [b.reservation_id, addDays(today, -1), addDays(today, 3)]);
  return b.reservation_id;
}

const tasks = async (c: pg.PoolClient, reservationId: string) =>
  (await c.query("select status, notes from app_public.housekeeping_tasks where reservation_id = $1 and kind = 'stayover_clean' order by created_at", [reservationId])).rows;

it("a housekeeper marks the guest do-not-disturb: today's unstarted cleaning is cancelled and none is scheduled today", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 2 });
    const id = await inHouse(c, h);
    expect((await c.query("select app_private.schedule_stayover_cleaning() as n")).rows[0].n).toBe(1);
    await staff(c, h.housekeeper);
    const marked = (await c.query("select do_not_disturb_on::text as day from app_public.set_do_not_disturb($1, true)", [id])).rows[0];
    expect(marked.day).toBe(localDate(h.timeZone));
    // The board's stays say so to housekeeping (who reads no reservations), for today and not tomorrow.
    const board = async (day: string) =>
      (await c.query("select do_not_disturb from app_public.housekeeping_stays($1, $2) where reservation_id = $3", [h.propertyId, day, id])).rows[0]?.do_not_disturb;
    expect(await board(localDate(h.timeZone))).toBe(true);
    expect(await board(addDays(localDate(h.timeZone), 1))).toBe(false);
    await asOwner(c);
    expect(await tasks(c, id)).toEqual([{ status: "cancelled", notes: "Do not disturb" }]);
    // The scheduler runs again (a retry, or tomorrow's run started early): nothing for this stay today.
    await c.query("delete from app_public.housekeeping_tasks where reservation_id = $1", [id]);
    expect((await c.query("select app_private.schedule_stayover_cleaning() as n")).rows[0].n).toBe(0);
    // Taken off: the next run cleans it again; marking twice changes nothing.
    await staff(c, h.frontDesk);
    await c.query("select app_public.set_do_not_disturb($1, true)", [id]);
    await c.query("select app_public.set_do_not_disturb($1, false)", [id]);
    await asOwner(c);
    expect((await c.query("select app_private.schedule_stayover_cleaning() as n")).rows[0].n).toBe(1);
    // In the history, in words.
    await staff(c, h.manager);
    const words = (await c.query("select summary from app_public.reservation_timeline($1) where summary like 'Do%'", [id])).rows.map((r) => r.summary);
    expect(words).toEqual(["Do not disturb today: no stay-over cleaning", "Do-not-disturb removed"]);
  }));

it("a cleaning already started is left alone", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const id = await inHouse(c, h);
    await c.query("select app_private.schedule_stayover_cleaning()");
    await c.query("update app_public.housekeeping_tasks set status = 'in_progress' where reservation_id = $1", [id]);
    await staff(c, h.housekeeper);
    await c.query("select app_public.set_do_not_disturb($1, true)", [id]);
    await asOwner(c);
    expect(await tasks(c, id)).toEqual([{ status: "in_progress", notes: null }]);
  }));

it("only the board's staff of the property, and only for a guest in house", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const other = await createHotel(c);
    const id = await inHouse(c, h);
    await asOwner(c);
    const accountant = (await c.query("insert into app_public.users (email, display_name) values ($1, 'Accounts') returning id", [`acc-${newKey()}@test.example`])).rows[0].id;
    await c.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'accountant')", [h.propertyId, accountant]);
    await staff(c, accountant);
    expect(await sqlstateOf(c, "select app_public.set_do_not_disturb($1, true)", [id])).toBe("DNIED");
    await staff(c, other.housekeeper);
    expect(await sqlstateOf(c, "select app_public.set_do_not_disturb($1, true)", [id])).toBe("NTFND");
    await staff(c, h.housekeeper);
    expect(await sqlstateOf(c, "select app_public.set_do_not_disturb($1, null)", [id])).toBe("INVLD");
    await staff(c, h.frontDesk);
    const later = await book(c, h.ratePlanId, addDays(localDate(h.timeZone), 5), addDays(localDate(h.timeZone), 6));
    expect(await sqlstateOf(c, "select app_public.set_do_not_disturb($1, true)", [later.reservation_id])).toBe("TRANS");
  }));
