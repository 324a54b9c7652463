// Issue 21: a housekeeping supervisor of its own. The supervisor reads the
// whole board (no guest names, no money), gives tasks to the property's
// housekeepers only, sets a task's priority, and marks clean units
// inspected (dirty -> clean -> inspected, inspected only by a supervisor or
// a manager); attendants keep to their own tasks.
import type pg from "pg";
import { actAs, fileDatabase, inRollback, refusalOf, sqlstateOf, staff } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();

/** A user with a staff role at the hotel (as the owner, before acting as anyone). */
type Queryable = Pick<pg.ClientBase, "query">;

async function member(c: Queryable, h: Pick<Hotel, "propertyId">, name: string, role: string): Promise<string> {
  const id = (await c.query<{ id: string }>("insert into app_public.users (email, display_name) values ($1, $2) returning id",
    [`${name}-${crypto.randomUUID()}@test.example`, name])).rows[0]!.id;
  await c.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, $3)", [h.propertyId, id, role]);
  return id;
}

async function task(c: Queryable, h: Hotel, unit: number, kind = "checkout_clean"): Promise<string> {
  return (await c.query<{ id: string }>(
    "insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date) values ($1, $2, $3, $4) returning id",
    [h.propertyId, h.unitIds[unit], kind, localDate(h.timeZone, 0)],
  )).rows[0]!.id;
}

const unitStatus = async (c: pg.PoolClient, unitId: string) =>
  (await c.query("select housekeeping_status from app_public.units where id = $1", [unitId])).rows[0]?.housekeeping_status;

it("a manager invites a supervisor, who reads the whole board and the day's stays but no guest's name or money", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 3 });
    const supervisorId = (await c.query<{ id: string }>("insert into app_public.users (email, display_name) values ('sam-sup@test.example', 'Sam') returning id")).rows[0]!.id;
    await task(c, h, 0);
    await task(c, h, 1, "inspection");
    await staff(c, h.frontDesk);
    await book(c, h.ratePlanId, localDate(h.timeZone, 0), addDays(localDate(h.timeZone, 0), 2));
    // The invitation: a membership in the new role, by a manager (the desk may not).
    expect(await refusalOf(c, "insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'housekeeping_supervisor')",
      [h.propertyId, supervisorId])).toBe("42501");
    await staff(c, h.manager);
    await c.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'housekeeping_supervisor')", [h.propertyId, supervisorId]);
    await staff(c, supervisorId);
    expect((await c.query("select kind from app_public.housekeeping_board($1) order by kind", [h.propertyId])).rows.map((r) => r.kind))
      .toEqual(["checkout_clean", "inspection"]);
    expect((await c.query("select * from app_public.housekeeping_stays($1)", [h.propertyId])).rowCount).toBe(1);
    expect((await c.query("select id from app_public.units")).rowCount).toBe(3);
    expect((await c.query("select total_amount from app_public.reservations")).rows).toEqual([]);
    expect((await c.query("select full_name, email from app_public.guests")).rows).toEqual([]);
    expect((await c.query("select * from app_public.front_desk_day($1)", [h.propertyId])).rows).toEqual([]);
    expect((await c.query("select id from app_public.journal_entries")).rows).toEqual([]);
    // Not a manager: invites nobody and cannot promote themself.
    expect(await refusalOf(c, "insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'housekeeping')",
      [h.propertyId, supervisorId])).toBe("42501");
    expect((await c.query("update app_public.property_memberships set role = 'manager' where user_id = $1 returning id", [supervisorId])).rowCount).toBe(0);
    await c.query("reset role");
    expect((await c.query("select role from app_public.property_memberships where user_id = $1", [supervisorId])).rows).toEqual([{ role: "housekeeping_supervisor" }]);
  }));

it("a supervisor gives tasks to the property's housekeepers only, sets their priority; attendants and the desk may not", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 3 });
    const other = await createHotel(c, { units: 1 });
    const supervisor = await member(c, h, "sup", "housekeeping_supervisor");
    const secondSupervisor = await member(c, h, "sup2", "housekeeping_supervisor");
    const theirSupervisor = await member(c, other, "their-sup", "housekeeping_supervisor");
    const ids = [await task(c, h, 0), await task(c, h, 1), await task(c, h, 2)];
    await staff(c, supervisor);
    const given = await c.query("select assigned_to from app_public.assign_housekeeping_tasks($1, $2)", [ids.slice(0, 2), h.housekeeper]);
    expect(given.rows.map((r) => r.assigned_to)).toEqual([h.housekeeper, h.housekeeper]);
    expect((await c.query("select assigned_to from app_public.assign_housekeeping_task($1, $2)", [ids[2], secondSupervisor])).rows[0].assigned_to)
      .toBe(secondSupervisor);
    // Not a housekeeper of this property: the desk, a manager, another property's attendant or supervisor, nobody.
    for (const outsider of [h.frontDesk, h.manager, other.housekeeper, theirSupervisor, crypto.randomUUID()]) {
      expect(await refusalOf(c, "select app_public.assign_housekeeping_task($1, $2)", [ids[0], outsider])).toBe("INVLD ASSIGNEE");
    }
    // Another property's supervisor finds nothing; attendants and the desk are refused.
    await staff(c, theirSupervisor);
    expect(await refusalOf(c, "select app_public.assign_housekeeping_task($1, $2)", [ids[0], theirSupervisor])).toBe("NTFND");
    expect(await refusalOf(c, "select app_public.set_housekeeping_task_priority($1, 'urgent')", [ids[0]])).toBe("NTFND");
    for (const weaker of [h.housekeeper, h.frontDesk]) {
      await staff(c, weaker);
      expect(await refusalOf(c, "select app_public.assign_housekeeping_tasks($1, $2)", [ids, weaker])).toBe("DNIED");
      expect(await refusalOf(c, "select app_public.set_housekeeping_task_priority($1, 'urgent')", [ids[0]])).toBe("DNIED");
    }
    // Priority: normal by default; set, retried, refused on a closed task or without a value.
    await staff(c, supervisor);
    expect((await c.query("select priority from app_public.housekeeping_tasks where id = $1", [ids[0]])).rows[0].priority).toBe("normal");
    expect((await c.query("select priority from app_public.set_housekeeping_task_priority($1, 'urgent')", [ids[0]])).rows[0].priority).toBe("urgent");
    expect((await c.query("select priority from app_public.set_housekeeping_task_priority($1, 'urgent')", [ids[0]])).rows[0].priority).toBe("urgent");
    expect(await refusalOf(c, "select app_public.set_housekeeping_task_priority($1, null)", [ids[0]])).toBe("INVLD PRIORITY");
    expect(await refusalOf(c, "select app_public.set_housekeeping_task_priority($1, 'soon')", [ids[0]])).toBe("22P02");
    await staff(c, h.housekeeper);
    await c.query("select app_public.update_housekeeping_task($1, 'done')", [ids[0]]);
    await staff(c, supervisor);
    expect(await refusalOf(c, "select app_public.set_housekeeping_task_priority($1, 'normal')", [ids[0]])).toBe("TRANS done");
    // Managers keep what they had.
    await staff(c, h.manager);
    expect(await refusalOf(c, "select app_public.set_housekeeping_task_priority($1, 'high')", [ids[1]])).toBe("ok");
    expect(await refusalOf(c, "select app_public.assign_housekeeping_task($1, $2)", [ids[1], supervisor])).toBe("ok");
  }));

it("an attendant works their own and unassigned tasks, not another's; a supervisor takes any over", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 3 });
    const supervisor = await member(c, h, "sup", "housekeeping_supervisor");
    const second = await member(c, h, "ana", "housekeeping");
    const [mine, theirs, free] = [await task(c, h, 0), await task(c, h, 1), await task(c, h, 2)];
    await staff(c, supervisor);
    await c.query("select app_public.assign_housekeeping_task($1, $2)", [mine, h.housekeeper]);
    await c.query("select app_public.assign_housekeeping_task($1, $2)", [theirs, second]);
    await staff(c, h.housekeeper);
    expect(await refusalOf(c, "select app_public.update_housekeeping_task($1, 'in_progress')", [theirs])).toBe("DNIED ASSIGNED");
    expect(await refusalOf(c, "select app_public.update_housekeeping_task($1, 'done')", [theirs])).toBe("DNIED ASSIGNED");
    // Nor finish it by marking its unit clean; her own unit she may.
    expect(await refusalOf(c, "select app_public.set_unit_status($1, 'clean')", [h.unitIds[1]])).toBe("DNIED ASSIGNED");
    expect((await c.query("select status from app_public.housekeeping_tasks where id = $1", [theirs])).rows[0].status).toBe("open");
    expect(await refusalOf(c, "select app_public.update_housekeeping_task($1, 'in_progress')", [mine])).toBe("ok");
    expect(await refusalOf(c, "select app_public.update_housekeeping_task($1, 'in_progress')", [free])).toBe("ok");
    // The desk cannot take an attendant's task either.
    await staff(c, h.frontDesk);
    expect(await refusalOf(c, "select app_public.update_housekeeping_task($1, 'in_progress')", [theirs])).toBe("DNIED ASSIGNED");
    await staff(c, supervisor);
    const taken = await c.query("select status, assigned_to from app_public.update_housekeeping_task($1, 'in_progress')", [theirs]);
    expect(taken.rows[0]).toEqual({ status: "in_progress", assigned_to: supervisor });
    await staff(c, h.housekeeper);
    expect(await refusalOf(c, "select app_public.set_unit_status($1, 'clean')", [h.unitIds[0]])).toBe("ok");
    expect((await c.query("select status from app_public.housekeeping_tasks where id = $1", [mine])).rows[0].status).toBe("done");
  }));

it("inspected follows clean, and only a supervisor or a manager inspects; a supervisor sets out of order and do-not-disturb", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 4 });
    const supervisor = await member(c, h, "sup", "housekeeping_supervisor");
    await c.query("update app_public.units set housekeeping_status = 'dirty' where property_id = $1", [h.propertyId]);
    const [u0, u1, u2, u3] = h.unitIds as [string, string, string, string];
    await staff(c, supervisor);
    expect(await refusalOf(c, "select app_public.set_unit_status($1, 'inspected')", [u0])).toBe("TRANS dirty");
    await staff(c, h.housekeeper);
    await c.query("select app_public.set_unit_status($1, 'clean')", [u0]);
    for (const weaker of [h.housekeeper, h.frontDesk]) {
      await staff(c, weaker);
      expect(await refusalOf(c, "select app_public.set_unit_status($1, 'inspected')", [u0])).toBe("DNIED INSPECTION");
    }
    expect(await unitStatus(c, u0)).toBe("clean");
    await staff(c, supervisor);
    expect(await refusalOf(c, "select app_public.set_unit_status($1, 'inspected')", [u0])).toBe("ok");
    expect(await refusalOf(c, "select app_public.set_unit_status($1, 'inspected')", [u0])).toBe("ok"); // a retry
    expect(await unitStatus(c, u0)).toBe("inspected");
    // An inspection task: the attendant it is given to may not sign it off; the supervisor does.
    await c.query("reset role");
    const inspection = await task(c, h, 1, "inspection");
    await c.query("update app_public.units set housekeeping_status = 'clean' where id = $1", [u1]);
    await staff(c, supervisor);
    await c.query("select app_public.assign_housekeeping_task($1, $2)", [inspection, h.housekeeper]);
    await staff(c, h.housekeeper);
    expect(await refusalOf(c, "select app_public.update_housekeeping_task($1, 'done')", [inspection])).toBe("DNIED INSPECTION");
    await staff(c, supervisor);
    await c.query("select app_public.update_housekeeping_task($1, 'done')", [inspection]);
    expect(await unitStatus(c, u1)).toBe("inspected");
    // An inspection of a unit that is not clean is done, and the unit keeps its status (no skipping clean).
    await c.query("reset role");
    const early = await task(c, h, 3, "inspection");
    await staff(c, supervisor);
    await c.query("select app_public.update_housekeeping_task($1, 'done')", [early]);
    expect(await unitStatus(c, u3)).toBe("dirty");
    // Do-not-disturb and out of order (with a reason; not the guest's unit), as housekeeping may.
    await staff(c, h.frontDesk);
    const today = localDate(h.timeZone, 0);
    const b = await book(c, h.ratePlanId, today, addDays(today, 2));
    await c.query("select app_public.check_in($1, $2, true)", [b.reservation_id, newKey()]);
    const taken = (await c.query("select unit_id from app_public.reservations where id = $1", [b.reservation_id])).rows[0].unit_id as string;
    await staff(c, supervisor);
    expect(await refusalOf(c, "select app_public.set_do_not_disturb($1, true)", [b.reservation_id])).toBe("ok");
    expect(await refusalOf(c, "select app_public.set_unit_status($1, 'out_of_order', 'Broken heater')", [[u2, u3].find((u) => u !== taken)])).toBe("ok");
    expect(await refusalOf(c, "select app_public.set_unit_status($1, 'out_of_order', 'Broken heater')", [taken])).toBe("UNAVL");
  }));

describe("at the same time", () => {
  it("two supervisors giving overlapping rooms in opposite orders never deadlock, the later wins; an attendant starting a task given away meanwhile is refused", async () => {
    const h = await createHotel(db.ownerPool, { units: 4 });
    const one = await member(db.ownerPool, h, "sup-a", "housekeeping_supervisor");
    const two = await member(db.ownerPool, h, "sup-b", "housekeeping_supervisor");
    const ana = await member(db.ownerPool, h, "ana", "housekeeping");
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await task(db.ownerPool, h, i));
    const a = await db.ownerPool.connect();
    const b = await db.ownerPool.connect();
    const waiting = async () => {
      for (let i = 0; i < 200; i++) {
        const { rows } = await db.ownerPool.query("select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
        if (rows[0].n > 0) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error("the second transaction never waited");
    };
    try {
      await a.query("begin");
      await actAs(a, { role: "keepr_staff", userId: one });
      await a.query("select app_public.assign_housekeeping_tasks($1, $2)", [ids.slice(0, 3), h.housekeeper]);
      await b.query("begin");
      await actAs(b, { role: "keepr_staff", userId: two });
      const second = sqlstateOf(b, "select app_public.assign_housekeeping_tasks($1, $2)", [[ids[3], ids[2], ids[1]], ana]);
      await waiting();
      await a.query("commit");
      expect(await second).toBeNull();
      await b.query("commit");
      const { rows } = await db.ownerPool.query("select id, assigned_to from app_public.housekeeping_tasks where id = any ($1)", [ids]);
      const to = new Map(rows.map((r) => [r.id as string, r.assigned_to as string]));
      expect(ids.map((id) => to.get(id))).toEqual([h.housekeeper, ana, ana, ana]);

      // The supervisor gives Ana's task 1 to Hugo while Ana starts it: she waits, then is refused (it is his now).
      await a.query("begin");
      await actAs(a, { role: "keepr_staff", userId: one });
      await a.query("select app_public.assign_housekeeping_task($1, $2)", [ids[1], h.housekeeper]);
      await b.query("begin");
      await actAs(b, { role: "keepr_staff", userId: ana });
      const start = refusalOf(b, "select app_public.update_housekeeping_task($1, 'in_progress')", [ids[1]]);
      await waiting();
      await a.query("commit");
      expect(await start).toBe("DNIED ASSIGNED");
      await b.query("commit");
      expect((await db.ownerPool.query("select status, assigned_to from app_public.housekeeping_tasks where id = $1", [ids[1]])).rows[0])
        .toEqual({ status: "open", assigned_to: h.housekeeper });
    } finally {
      await a.query("rollback").catch(() => undefined);
      await b.query("rollback").catch(() => undefined);
      a.release();
      b.release();
    }
  });
});
