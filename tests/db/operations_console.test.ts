// What the staff console's operations screens read and do in the database
// (migrations 000009 and 000014): the housekeeping board of a day (the
// day's tasks whatever their status, and earlier ones still to do, never
// another property's), a property's open channel conflicts, and a removed
// channel feed releasing the blocks it made.
import { fileDatabase, inRollback, staff } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate } from "../helpers/booking.ts";

const db = fileDatabase();

it("the housekeeping board shows the day's tasks whatever their status and earlier ones still to do, at the caller's properties only", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 3 });
    const other = await createHotel(c, { units: 1 });
    const today = localDate(h.timeZone, 0);
    const [u1, u2, u3] = h.unitIds as [string, string, string];
    const task = async (propertyId: string, unitId: string, kind: string, due: string, status = "open") =>
      (await c.query<{ id: string }>(
        `insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date, status, completed_at)
         values ($1, $2, $3, $4, $5::app_public.housekeeping_task_status, case when $5::text in ('done', 'cancelled') then now() end) returning id`,
        [propertyId, unitId, kind, due, status],
      )).rows[0]!.id;
    const dueToday = await task(h.propertyId, u1, "checkout_clean", today);
    const doneToday = await task(h.propertyId, u2, "checkout_clean", today, "done");
    const overdue = await task(h.propertyId, u3, "maintenance", addDays(today, -3), "in_progress");
    await task(h.propertyId, u1, "inspection", addDays(today, -1), "done"); // finished yesterday: not on today's board
    await task(h.propertyId, u2, "stayover_clean", addDays(today, 1)); // tomorrow's
    await task(other.propertyId, other.unitIds[0]!, "checkout_clean", today); // another property's

    await staff(c, h.housekeeper);
    const board = async (day: string | null) =>
      (await c.query<{ id: string }>("select id from app_public.housekeeping_board($1, $2)", [h.propertyId, day])).rows.map((r) => r.id);
    // Today by default (in the property's time zone); the overdue task first (by due date), then today's.
    const todays = await board(today);
    expect(await board(null)).toEqual(todays);
    expect(todays).toHaveLength(3);
    expect(todays[0]).toBe(overdue);
    expect(new Set(todays)).toEqual(new Set([overdue, dueToday, doneToday]));
    // Tomorrow: tomorrow's task, and what is still open from before (today's open one, the overdue one).
    expect(new Set(await board(addDays(today, 1)))).toEqual(new Set([overdue, dueToday, (await c.query("select id from app_public.housekeeping_tasks where kind = 'stayover_clean' and unit_id = $1", [u2])).rows[0].id]));
    // Another property's staff see nothing of it.
    await staff(c, other.housekeeper);
    expect(await board(today)).toEqual([]);
  }));

it("open channel conflicts: a property's unresolved ones, newest first, for its owners, managers and front desk only", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 1 });
    const today = localDate(h.timeZone, 0);
    await staff(c, h.frontDesk);
    const stay = await book(c, h.ratePlanId, addDays(today, 10), addDays(today, 14));
    await c.query("reset role");
    const feed = (await c.query<{ id: string }>(
      "insert into app_public.channel_feeds (property_id, unit_id, source, name, url) values ($1, $2, 'airbnb', 'Airbnb', 'https://example.com/a.ics') returning id",
      [h.propertyId, h.unitIds[0]],
    )).rows[0]!.id;
    await c.query("set local role keepr_worker");
    const events = [
      { uid: "a", start: addDays(today, 11), end: addDays(today, 12), summary: "Reserved" },
      { uid: "b", start: addDays(today, 13), end: addDays(today, 15), summary: "Reserved" },
    ];
    await c.query("select app_private.sync_channel_feed($1, $2, 'h1')", [feed, JSON.stringify(events)]);
    await c.query("reset role");
    const ids = (await c.query<{ id: string; uid: string }>("select id, uid from app_public.channel_conflicts where feed_id = $1", [feed])).rows;
    expect(ids).toHaveLength(2);
    const [a, b] = [ids.find((k) => k.uid === "a")!.id, ids.find((k) => k.uid === "b")!.id];
    await c.query("update app_public.channel_conflicts set detected_at = now() - interval '1 hour' where id = $1", [a]);

    await staff(c, h.manager);
    const open = async () => (await c.query<{ id: string; conflicting_reservation_id: string }>("select id, conflicting_reservation_id from app_public.open_channel_conflicts($1)", [h.propertyId])).rows;
    expect((await open()).map((k) => k.id)).toEqual([b, a]);
    expect((await open())[0]!.conflicting_reservation_id).toBe(stay.reservation_id);
    await c.query("select app_public.resolve_channel_conflict($1, 'Guest moved to another unit')", [b]);
    expect((await open()).map((k) => k.id)).toEqual([a]);
    // Housekeeping may not read conflicts (RLS): nothing, no error.
    await staff(c, h.housekeeper);
    expect(await open()).toEqual([]);
  }));

it("removing a channel feed releases the blocks it made, and only those", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 1 });
    const today = localDate(h.timeZone, 0);
    const feed = (await c.query<{ id: string }>(
      "insert into app_public.channel_feeds (property_id, unit_id, source, name, url) values ($1, $2, 'vrbo', 'Vrbo', 'https://example.com/v.ics') returning id",
      [h.propertyId, h.unitIds[0]],
    )).rows[0]!.id;
    await c.query("set local role keepr_worker");
    await c.query("select app_private.sync_channel_feed($1, $2, 'h1')", [feed, JSON.stringify([{ uid: "x", start: addDays(today, 5), end: addDays(today, 8), summary: "Reserved" }])]);
    await staff(c, h.frontDesk);
    await book(c, h.ratePlanId, addDays(today, 20), addDays(today, 22));
    await c.query("reset role");
    const live = async () =>
      (await c.query<{ kind: string }>("select kind from app_public.inventory_claims where unit_id = $1 and released_at is null order by lower(stay)", [h.unitIds[0]])).rows.map((r) => r.kind);
    expect(await live()).toEqual(["ota_block", "reservation"]);

    await staff(c, h.manager);
    expect((await c.query("delete from app_public.channel_feeds where id = $1", [feed])).rowCount).toBe(1);
    await c.query("reset role");
    expect(await live()).toEqual(["reservation"]);
    // The nights are sellable again: the unit can be booked over them.
    await staff(c, h.frontDesk);
    await book(c, h.ratePlanId, addDays(today, 5), addDays(today, 8));
  }));
