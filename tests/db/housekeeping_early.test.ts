// Housekeeping (issue 21): the board reads an arrival's expected time and
// puts early check-ins (before the property's check-in time) first; a
// supervisor gives several tasks to one attendant at once, all or nothing.
import type pg from "pg";
import { fileDatabase, inRollback, sqlstateOf, staff } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate } from "../helpers/booking.ts";

const db = fileDatabase();

describe("early check-ins on the housekeeping board", () => {
  it("the desk sets an arrival's expected time; housekeeping reads it, early ones (before 15:00) marked and first; a housekeeper cannot set it", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 3 });
      const today = localDate(h.timeZone, 0);
      await staff(c, h.frontDesk);
      const late = (await book(c, h.ratePlanId, today, addDays(today, 1))).reservation_id;
      const early = (await book(c, h.ratePlanId, today, addDays(today, 2))).reservation_id;
      const unknown = (await book(c, h.ratePlanId, today, addDays(today, 1))).reservation_id;
      const tomorrow = (await book(c, h.ratePlanId, addDays(today, 1), addDays(today, 2))).reservation_id;
      const setEta = (id: string, time: string | null) => c.query("update app_public.reservations set expected_arrival_time = $2 where id = $1", [id, time]);
      await setEta(late, "18:30");
      await setEta(early, "11:00");
      await setEta(tomorrow, "09:00");
      await staff(c, h.housekeeper);
      const board = async () => (await c.query<{ reservation_id: string; expected_arrival_time: string | null; early_check_in: boolean }>(
        "select reservation_id, expected_arrival_time, early_check_in from app_public.housekeeping_stays($1)", [h.propertyId])).rows;
      expect(await board()).toEqual([
        { reservation_id: early, expected_arrival_time: "11:00:00", early_check_in: true },
        { reservation_id: late, expected_arrival_time: "18:30:00", early_check_in: false },
        { reservation_id: unknown, expected_arrival_time: null, early_check_in: false },
      ]);
      // Tomorrow's early arrival is tomorrow's priority.
      const next = (await c.query("select reservation_id, early_check_in from app_public.housekeeping_stays($1, $2)", [h.propertyId, addDays(today, 1)])).rows;
      expect(next.find((r) => r.reservation_id === tomorrow)).toEqual({ reservation_id: tomorrow, early_check_in: true });
      // Housekeeping reads no reservations and writes none.
      expect((await setEta(late, "08:00")).rowCount).toBe(0);
      await c.query("reset role");
      expect((await c.query("select expected_arrival_time from app_public.reservations where id = $1", [late])).rows[0].expected_arrival_time).toBe("18:30:00");
      // A check-in time earlier than the ETA: not early.
      await c.query("update app_public.properties set check_in_time = '10:00' where id = $1", [h.propertyId]);
      await staff(c, h.housekeeper);
      expect((await board()).every((r) => !r.early_check_in)).toBe(true);
      expect(await sqlstateOf(c, "update app_public.reservations set expected_arrival_time = '25:00' where id = $1", [late])).toBe("22008");
    }));
});

describe("the arrival's expected time in the reservation's history", () => {
  it("says when it is given, changed and removed, and who did it", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      const today = localDate(h.timeZone, 0);
      await staff(c, h.frontDesk);
      const id = (await book(c, h.ratePlanId, addDays(today, 3), addDays(today, 5))).reservation_id;
      for (const time of ["14:30", "11:00", null]) {
        await c.query("update app_public.reservations set expected_arrival_time = $2 where id = $1", [id, time]);
      }
      const lines = (await c.query("select summary, actor_role from app_public.reservation_timeline($1) where summary like 'Expected%'", [id])).rows;
      expect(lines).toEqual([
        { summary: "Expected at 14:30", actor_role: "desk" },
        { summary: "Expected arrival changed from 14:30 to 11:00", actor_role: "desk" },
        { summary: "Expected arrival time removed", actor_role: "desk" },
      ]);
    }));
});

describe("assign_housekeeping_tasks", () => {
  async function tasks(c: pg.PoolClient, propertyId: string, unitIds: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const unitId of unitIds) {
      ids.push((await c.query<{ id: string }>("insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date) values ($1, $2, 'inspection', current_date) returning id", [propertyId, unitId])).rows[0]!.id);
    }
    return ids;
  }
  const assignedTo = async (c: pg.PoolClient, ids: string[]) =>
    (await c.query("select assigned_to from app_public.housekeeping_tasks where id = any ($1) order by id", [ids])).rows.map((r) => r.assigned_to);

  it("gives several tasks to one attendant at once, and takes them back", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 3 });
      const ids = await tasks(c, h.propertyId, h.unitIds);
      await staff(c, h.manager);
      const given = await c.query("select id, assigned_to from app_public.assign_housekeeping_tasks($1, $2)", [[...ids, ids[0]], h.housekeeper]);
      expect(given.rows).toHaveLength(3);
      expect(await assignedTo(c, ids)).toEqual([h.housekeeper, h.housekeeper, h.housekeeper]);
      await c.query("select app_public.assign_housekeeping_tasks($1, null)", [ids.slice(0, 2)]);
      expect((await assignedTo(c, ids)).filter((a) => a === null)).toHaveLength(2);
    }));

  it("is all or nothing: one closed task, an outsider, another property's task refuse the whole set; only managers; 1 to 100 tasks", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 3 });
      const other = await createHotel(c, { units: 1 });
      const ids = await tasks(c, h.propertyId, h.unitIds);
      const theirs = await tasks(c, other.propertyId, other.unitIds);
      await c.query("update app_public.housekeeping_tasks set status = 'done', completed_at = now() where id = $1", [ids[2]]);
      await staff(c, h.manager);
      const assign = (set: string[], who: string | null) => sqlstateOf(c, "select app_public.assign_housekeeping_tasks($1, $2)", [set, who]);
      expect(await assign(ids, h.housekeeper)).toBe("TRANS");
      expect(await assign(ids.slice(0, 2), other.housekeeper)).toBe("INVLD");
      expect(await assign([...ids.slice(0, 2), ...theirs], h.housekeeper)).toBe("NTFND");
      expect(await assignedTo(c, ids.slice(0, 2))).toEqual([null, null]);
      expect(await assign([], h.housekeeper)).toBe("INVLD");
      expect(await assign(Array.from({ length: 101 }, () => crypto.randomUUID()), h.housekeeper)).toBe("INVLD");
      for (const weaker of [h.frontDesk, h.housekeeper]) {
        await staff(c, weaker);
        expect(await assign(ids.slice(0, 2), h.housekeeper)).toBe("DNIED");
      }
      await c.query("reset role");
      expect(await assignedTo(c, ids)).toEqual([null, null, null]);
    }));
});
