// Housekeeping: a check-out leaves a cleaning task; marking the unit clean
// (or finishing the task) completes it; out of order needs a reason and an
// empty unit, and nobody is checked in to it; stay-overs are cleaned by the
// property's rule, once a day.
import type pg from "pg";
import { fileDatabase, inRollback, sqlstateOf, staff } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate, newKey } from "../helpers/booking.ts";
import { settleFolios } from "../helpers/ledger.ts";

const db = fileDatabase();

const tasksOf = async (c: pg.PoolClient, unitId: string) =>
  (await c.query("select kind, status from app_public.housekeeping_tasks where unit_id = $1 order by created_at", [unitId])).rows;

it("check-out leaves a cleaning task that housekeeping finishes; the unit is clean again", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 1 });
    const today = localDate(h.timeZone, 0);
    await staff(c, h.frontDesk);
    const b = await book(c, h.ratePlanId, today, addDays(today, 1));
    await c.query("select app_public.check_in($1, $2)", [b.reservation_id, newKey()]);
    await settleFolios(c, b.reservation_id);
    await c.query("select app_public.check_out($1, $2)", [b.reservation_id, newKey()]);
    expect(await tasksOf(c, h.unitIds[0]!)).toEqual([{ kind: "checkout_clean", status: "open" }]);
    await staff(c, h.housekeeper);
    const task = (await c.query("select id from app_public.housekeeping_tasks where unit_id = $1", [h.unitIds[0]])).rows[0].id;
    expect((await c.query("select status from app_public.update_housekeeping_task($1, 'in_progress')", [task])).rows[0].status).toBe("in_progress");
    await c.query("select app_public.update_housekeeping_task($1, 'done', 'Towels replaced')", [task]);
    expect((await c.query("select housekeeping_status from app_public.units where id = $1", [h.unitIds[0]])).rows[0].housekeeping_status).toBe("clean");
    expect(await sqlstateOf(c, "select app_public.update_housekeeping_task($1, 'done')", [task])).toBe("TRANS");
    expect(await sqlstateOf(c, "select app_public.update_housekeeping_task($1, 'cancelled')", [task])).toBe("DNIED");
  }));

it("out of order needs a reason and an empty unit, opens a maintenance task, and blocks check-in", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 1 });
    const today = localDate(h.timeZone, 0);
    await staff(c, h.housekeeper);
    expect(await sqlstateOf(c, "select app_public.set_unit_status($1, 'out_of_order')", [h.unitIds[0]])).toBe("INVLD");
    await c.query("select app_public.set_unit_status($1, 'out_of_order', 'Leaking tap')", [h.unitIds[0]]);
    expect(await tasksOf(c, h.unitIds[0]!)).toEqual([{ kind: "maintenance", status: "open" }]);
    await staff(c, h.frontDesk);
    const b = await book(c, h.ratePlanId, today, addDays(today, 1));
    expect(await sqlstateOf(c, "select app_public.check_in($1, $2, true)", [b.reservation_id, newKey()])).toBe("UNRDY");
    await staff(c, h.housekeeper);
    await c.query("select app_public.set_unit_status($1, 'clean')", [h.unitIds[0]]);
    await staff(c, h.frontDesk);
    await c.query("select app_public.check_in($1, $2)", [b.reservation_id, newKey()]);
    await staff(c, h.housekeeper);
    expect(await sqlstateOf(c, "select app_public.set_unit_status($1, 'out_of_order', 'Broken window')", [h.unitIds[0]])).toBe("UNAVL");
    // Another property's staff cannot touch it.
    await c.query("reset role");
    const other = await createHotel(c);
    await staff(c, other.housekeeper);
    expect(await sqlstateOf(c, "select app_public.set_unit_status($1, 'dirty')", [h.unitIds[0]])).toBe("NTFND");
  }));

it("stay-overs are cleaned every N nights by the property's rule, once a day", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 1 });
    const today = localDate(h.timeZone, 0);
    await c.query("update app_public.properties set stayover_clean_nights = 2 where id = $1", [h.propertyId]);
    await staff(c, h.frontDesk);
    const b = await book(c, h.ratePlanId, today, addDays(today, 3));
    await c.query("select app_public.check_in($1, $2)", [b.reservation_id, newKey()]);
    await c.query("reset role");
    // As if the guest had arrived two days ago.
    await c.query("update app_public.reservations set stay = daterange($2::date, $3::date) where id = $1", [b.reservation_id, addDays(today, -2), addDays(today, 3)]);
    expect((await c.query("select app_private.schedule_stayover_cleaning() as n")).rows[0].n).toBe(1);
    expect((await c.query("select app_private.schedule_stayover_cleaning() as n")).rows[0].n).toBe(0);
    expect(await tasksOf(c, h.unitIds[0]!)).toEqual([{ kind: "stayover_clean", status: "open" }]);
    await c.query("update app_public.reservations set stay = daterange($2::date, $3::date) where id = $1", [b.reservation_id, addDays(today, -1), addDays(today, 3)]);
    await c.query("delete from app_public.housekeeping_tasks where unit_id = $1", [h.unitIds[0]]);
    expect((await c.query("select app_private.schedule_stayover_cleaning() as n")).rows[0].n).toBe(0);
  }));

it("a manager gives a task to an attendant, takes it back or gives it to another; not to outsiders or the desk; only supervisors and managers; not a closed task", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 1 });
    const other = await createHotel(c);
    await c.query("insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date) values ($1, $2, 'maintenance', $3)",
      [h.propertyId, h.unitIds[0], localDate(h.timeZone, 0)]);
    const task = (await c.query("select id from app_public.housekeeping_tasks where unit_id = $1", [h.unitIds[0]])).rows[0].id as string;
    const assign = (who: string | null) => c.query("select assigned_to from app_public.assign_housekeeping_task($1, $2)", [task, who]);
    await staff(c, h.manager);
    expect((await assign(h.housekeeper)).rows[0].assigned_to).toBe(h.housekeeper);
    expect((await assign(h.housekeeper)).rows[0].assigned_to).toBe(h.housekeeper); // a retry
    expect((await assign(null)).rows[0].assigned_to).toBeNull();
    // Not a housekeeper of this property: the front desk, a manager, another property's housekeeper, a made-up user.
    expect(await sqlstateOf(c, "select app_public.assign_housekeeping_task($1, $2)", [task, h.frontDesk])).toBe("INVLD");
    expect(await sqlstateOf(c, "select app_public.assign_housekeeping_task($1, $2)", [task, h.manager])).toBe("INVLD");
    expect(await sqlstateOf(c, "select app_public.assign_housekeeping_task($1, $2)", [task, other.housekeeper])).toBe("INVLD");
    expect(await sqlstateOf(c, "select app_public.assign_housekeeping_task($1, gen_random_uuid())", [task])).toBe("INVLD");
    // Only supervisors and managers assign; another property's manager finds nothing.
    await staff(c, h.housekeeper);
    expect(await sqlstateOf(c, "select app_public.assign_housekeeping_task($1, $2)", [task, h.housekeeper])).toBe("DNIED");
    await staff(c, h.frontDesk);
    expect(await sqlstateOf(c, "select app_public.assign_housekeeping_task($1, $2)", [task, h.housekeeper])).toBe("DNIED");
    await staff(c, other.manager);
    expect(await sqlstateOf(c, "select app_public.assign_housekeeping_task($1, $2)", [task, h.housekeeper])).toBe("NTFND");
    // The attendant it was given to takes and finishes it; then it cannot be given again.
    await staff(c, h.manager);
    await assign(h.housekeeper);
    await staff(c, h.housekeeper);
    await c.query("select app_public.update_housekeeping_task($1, 'done')", [task]);
    await staff(c, h.manager);
    expect(await sqlstateOf(c, "select app_public.assign_housekeeping_task($1, $2)", [task, null])).toBe("TRANS");
    expect((await c.query("select assigned_to, completed_by from app_public.housekeeping_tasks where id = $1", [task])).rows[0])
      .toEqual({ assigned_to: h.housekeeper, completed_by: h.housekeeper });
  }));
