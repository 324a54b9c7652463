// Issue 17: a hotel sells room types. A stay of a room type is refused only
// when it does not fit by count (or what may not move leaves no way to lay
// it out); otherwise stays that may move are moved to other units of the
// type in the booking's transaction, recorded with the booking that caused
// the move. Pinned, checked-in and today's prepared arrivals, blocks and
// vacation rentals never move.
import type pg from "pg";
import { actAs, fileDatabase, inCommit, sqlstateOf } from "../helpers/db.ts";
import { addDays, book, confirm, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();

interface World {
  h: Hotel;
  day: (n: number) => string;
  staff: <T>(fn: (c: pg.PoolClient) => Promise<T>) => Promise<T>;
  /** A confirmed stay placed on a unit, not pinned (as the allocator would have placed it). */
  stay: (unit: number, from: number, to: number) => Promise<{ reservation_id: string; confirmation_code: string }>;
  /** unit index → its live claims as "from..to kind" (days from today). */
  layout: () => Promise<string[][]>;
}

async function world(units: number, kind: "hotel" | "vacation_rental" = "hotel"): Promise<World> {
  const h = await createHotel(db.ownerPool, { units, kind });
  const day = (n: number) => addDays(localDate(h.timeZone), n);
  const staff = <T>(fn: (c: pg.PoolClient) => Promise<T>) =>
    inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
      return fn(c);
    });
  const index = (date: string) => Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${day(0)}T00:00:00Z`)) / 86_400_000);
  return {
    h,
    day,
    staff,
    stay: (unit, from, to) =>
      staff(async (c) => {
        const b = await book(c, h.ratePlanId, day(from), day(to));
        const res = (await c.query<{ unit_id: string }>("select unit_id from app_public.reservations where id = $1", [b.reservation_id])).rows[0]!;
        if (res.unit_id !== h.unitIds[unit]) await c.query("select app_public.move_unit($1, $2, $3)", [b.reservation_id, h.unitIds[unit], newKey()]);
        await c.query("select app_public.pin_reservation_unit($1, false)", [b.reservation_id]);
        return b;
      }),
    layout: async () => {
      const { rows } = await db.ownerPool.query<{ unit_id: string; s: string; e: string; kind: string }>(
        "select unit_id, lower(stay)::text as s, upper(stay)::text as e, kind from app_public.inventory_claims where property_id = $1 and released_at is null order by lower(stay)",
        [h.propertyId],
      );
      return h.unitIds.map((u) => rows.filter((r) => r.unit_id === u).map((r) => `${index(r.s)}..${index(r.e)} ${r.kind}`));
    },
  };
}

const unitOf = async (reservationId: string) =>
  (await db.ownerPool.query<{ unit_id: string; pinned: boolean }>("select unit_id, unit_pinned as pinned from app_public.reservations where id = $1", [reservationId])).rows[0]!;

it("a stay that fits by count but on no one unit is booked by moving another stay, recorded with its cause", async () => {
  const w = await world(2);
  const x = await w.stay(0, 10, 12);
  const y = await w.stay(1, 12, 14);
  const price = async (id: string) => (await db.ownerPool.query("select stay::text, total_amount, room_type_id from app_public.reservations where id = $1", [id])).rows[0];
  const before = { x: await price(x.reservation_id), y: await price(y.reservation_id) };
  expect(await w.layout()).toEqual([["10..12 reservation"], ["12..14 reservation"]]);
  // Search and quote offer the type (one unit left on every night, by count).
  const offered = await w.staff(async (c) => (await quote(c, w.h.ratePlanId, w.day(10), w.day(14))).units_left);
  expect(offered).toBe(1);

  const z = await w.staff((c) => book(c, w.h.ratePlanId, w.day(10), w.day(14)));
  const layout = await w.layout();
  expect(layout.flat().sort()).toEqual(["10..12 reservation", "10..14 reservation", "12..14 reservation"]);
  expect(layout.map((u) => u.length).sort()).toEqual([1, 2]);
  // The moved stay keeps its dates, type and price; one move, with its cause.
  expect({ x: await price(x.reservation_id), y: await price(y.reservation_id) }).toEqual(before);
  const moves = (await db.ownerPool.query("select reservation_id, caused_by_reservation_id, arrival::text, departure::text from app_public.allocation_moves where property_id = $1", [w.h.propertyId])).rows;
  expect(moves).toHaveLength(1);
  expect(moves[0].caused_by_reservation_id).toBe(z.reservation_id);
  expect([x.reservation_id, y.reservation_id]).toContain(moves[0].reservation_id);
  // The reservation's unit follows its claim.
  for (const r of [x, y, z]) {
    const claimUnit = (await db.ownerPool.query("select unit_id from app_public.inventory_claims where reservation_id = $1 and released_at is null", [r.reservation_id])).rows[0].unit_id;
    expect((await unitOf(r.reservation_id)).unit_id).toBe(claimUnit);
  }
  // The desk reads the move; another property's staff do not.
  expect(await w.staff(async (c) => (await c.query("select count(*)::int as n from app_public.allocation_moves")).rows[0].n)).toBe(1);
  const other = await createHotel(db.ownerPool);
  expect(await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: other.frontDesk });
    return (await c.query("select count(*)::int as n from app_public.allocation_moves")).rows[0].n;
  })).toBe(0);
});

it("a hold that moved stays, sent again with its idempotency key, answers the same hold and moves nothing more", async () => {
  const w = await world(2);
  await w.stay(0, 10, 12);
  await w.stay(1, 12, 14);
  const key = newKey();
  const q = await w.staff((c) => quote(c, w.h.ratePlanId, w.day(10), w.day(14)));
  const first = await w.staff((c) => hold(c, q.quote_token, key));
  const after = await w.layout();
  const moves = async () => (await db.ownerPool.query("select count(*)::int as n from app_public.allocation_moves where property_id = $1", [w.h.propertyId])).rows[0].n;
  expect(await moves()).toBe(1);
  // The client did not hear the answer and sends the same request again.
  const again = await w.staff((c) => hold(c, q.quote_token, key));
  expect(again.reservation_id).toBe(first.reservation_id);
  expect(await moves()).toBe(1);
  expect(await w.layout()).toEqual(after);
  // Confirming it turns the hold into a reservation where it stands.
  await w.staff((c) => confirm(c, again));
  expect(await w.layout()).toEqual(after.map((unit) => unit.map((claim) => claim.replace(" hold", " reservation"))));
});

it("pinned stays never move: with both pinned the stay is SOLD_OUT; unpinning one makes room", async () => {
  const w = await world(2);
  const x = await w.stay(0, 10, 12);
  const y = await w.stay(1, 12, 14);
  await w.staff(async (c) => {
    await c.query("select app_public.pin_reservation_unit($1, true)", [x.reservation_id]);
    await c.query("select app_public.pin_reservation_unit($1, true)", [y.reservation_id]);
  });
  expect(await w.staff((c) => sqlstateOf(c, "select app_public.create_hold((select quote_token from app_public.quote($1, $2, $3, 2, 0)), $4, 10)",
    [w.h.ratePlanId, w.day(10), w.day(14), newKey()]))).toBe("SOLDO");
  expect(await w.layout()).toEqual([["10..12 reservation"], ["12..14 reservation"]]);
  await w.staff((c) => c.query("select app_public.pin_reservation_unit($1, false)", [y.reservation_id]));
  await w.staff((c) => book(c, w.h.ratePlanId, w.day(10), w.day(14)));
  expect((await unitOf(x.reservation_id)).unit_id).toBe(w.h.unitIds[0]);
  expect((await unitOf(y.reservation_id)).unit_id).toBe(w.h.unitIds[0]);
  // Housekeeping may not pin.
  expect(await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: w.h.housekeeper });
    return sqlstateOf(c, "select app_public.pin_reservation_unit($1, true)", [x.reservation_id]);
  })).toBe("DNIED");
});

it("blocks never move, but stays move around them; blocks that leave no layout make a SOLD_OUT", async () => {
  const w = await world(2);
  await w.staff((c) => c.query("select app_public.create_block($1, $2, $3, 'owner_block', $4)", [w.h.unitIds[0], w.day(12), w.day(14), newKey()]));
  const y = await w.stay(1, 10, 12);
  await w.staff((c) => book(c, w.h.ratePlanId, w.day(10), w.day(14)));
  expect((await unitOf(y.reservation_id)).unit_id).toBe(w.h.unitIds[0]);
  expect(await w.layout()).toEqual([["10..12 reservation", "12..14 owner_block"], ["10..14 reservation"]]);

  const v = await world(2);
  await v.staff(async (c) => {
    await c.query("select app_public.create_block($1, $2, $3, 'owner_block', $4)", [v.h.unitIds[0], v.day(10), v.day(12), newKey()]);
    await c.query("select app_public.create_block($1, $2, $3, 'maintenance_block', $4)", [v.h.unitIds[1], v.day(12), v.day(14), newKey()]);
  });
  expect(await v.staff((c) => sqlstateOf(c, "select app_public.create_hold((select quote_token from app_public.quote($1, $2, $3, 2, 0)), $4, 10)",
    [v.h.ratePlanId, v.day(10), v.day(14), newKey()]))).toBe("SOLDO");
});

it("a checked-in stay never moves; a later arrival does", async () => {
  const w = await world(2);
  const inHouse = await w.stay(0, 0, 2);
  await w.staff((c) => c.query("select app_public.check_in($1, $2, force => true)", [inHouse.reservation_id, newKey()]));
  const later = await w.stay(1, 2, 4);
  // 1..3 fits by count; the only layout moves the later arrival to unit 0.
  await w.staff((c) => book(c, w.h.ratePlanId, w.day(1), w.day(3)));
  expect((await unitOf(inHouse.reservation_id)).unit_id).toBe(w.h.unitIds[0]);
  expect((await unitOf(later.reservation_id)).unit_id).toBe(w.h.unitIds[0]);
  expect(await w.layout()).toEqual([["0..2 reservation", "2..4 reservation"], ["1..3 reservation"]]);

  // Pinned, the later arrival stays: the only other layout would move the stay in house.
  const v = await world(2);
  const house = await v.stay(0, 0, 2);
  await v.staff((c) => c.query("select app_public.check_in($1, $2, force => true)", [house.reservation_id, newKey()]));
  const pinned = await v.stay(1, 2, 4);
  await v.staff((c) => c.query("select app_public.pin_reservation_unit($1, true)", [pinned.reservation_id]));
  expect(await v.staff((c) => sqlstateOf(c, "select app_public.create_hold((select quote_token from app_public.quote($1, $2, $3, 2, 0)), $4, 10)",
    [v.h.ratePlanId, v.day(1), v.day(3), newKey()]))).toBe("SOLDO");
});

it("today's arrival moves only while its room is not prepared, and the desk sees the move", async () => {
  const w = await world(2);
  const arriving = await w.stay(0, 0, 2);
  const pinned = await w.stay(1, 2, 4);
  await w.staff((c) => c.query("select app_public.pin_reservation_unit($1, true)", [pinned.reservation_id]));
  await db.ownerPool.query("update app_public.units set housekeeping_status = 'inspected' where id = $1", [w.h.unitIds[0]]);
  const attempt = () => w.staff((c) => sqlstateOf(c, "select app_public.create_hold((select quote_token from app_public.quote($1, $2, $3, 2, 0)), $4, 10)",
    [w.h.ratePlanId, w.day(1), w.day(3), newKey()]));
  expect(await attempt()).toBe("SOLDO");
  await db.ownerPool.query("update app_public.units set housekeeping_status = 'dirty' where id = $1", [w.h.unitIds[0]]);
  expect(await attempt()).toBeNull();
  expect((await unitOf(arriving.reservation_id)).unit_id).toBe(w.h.unitIds[1]);
  const moves = await w.staff(async (c) => (await c.query("select arrival::text from app_public.allocation_moves where reservation_id = $1", [arriving.reservation_id])).rows);
  expect(moves).toEqual([{ arrival: w.day(0) }]);
});

it("a vacation rental's units are sold as themselves: nothing moves", async () => {
  const w = await world(2, "vacation_rental");
  await w.stay(0, 10, 12);
  await w.stay(1, 12, 14);
  // No unit is free for the whole stay: the quote says so, and nothing moved.
  expect(await w.staff((c) => sqlstateOf(c, "select * from app_public.quote($1, $2, $3, 2, 0)", [w.h.ratePlanId, w.day(10), w.day(14)]))).toBe("SOLDO");
  expect(await w.layout()).toEqual([["10..12 reservation"], ["12..14 reservation"]]);
  expect((await db.ownerPool.query("select count(*)::int as n from app_public.allocation_moves where property_id = $1", [w.h.propertyId])).rows[0].n).toBe(0);
});

it("a change of dates waiting for the allocator never deadlocks with a booking that would move the stay being changed", async () => {
  // Unit 0: x 10..12, v 15..17 (pinned); unit 1: w 12..14, y 17..19.
  const w = await world(2);
  await w.stay(0, 10, 12);
  await w.stay(1, 12, 14);
  const v = await w.stay(0, 15, 17);
  await w.staff((c) => c.query("select app_public.pin_reservation_unit($1, true)", [v.reservation_id]));
  const y = await w.stay(1, 17, 19);
  const lockKey = `keepr.allocate:${w.h.roomTypeId}`;
  const booker = await db.ownerPool.connect();
  const changer = await db.ownerPool.connect();
  try {
    // The booker is the allocator of the type (its advisory lock) ...
    await booker.query("begin");
    await booker.query("select pg_advisory_xact_lock(hashtextextended($1, 0))", [lockKey]);
    await actAs(booker, { role: "keepr_staff", userId: w.h.frontDesk });
    // ... when a change of y to 10..14 releases y's claim and waits for it (no unit is free for 10..14).
    await changer.query("begin");
    await actAs(changer, { role: "keepr_staff", userId: w.h.frontDesk });
    const change = changer.query("select app_public.modify_reservation($1, $2, $3, $4)", [y.reservation_id, newKey(), w.day(10), w.day(14)])
      .then(() => null, (error: { code?: string }) => error.code ?? "error");
    for (let i = 0; i < 100; i++) {
      const waiting = await db.ownerPool.query("select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted");
      if (waiting.rows[0].n > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    // 16..19 fits only by moving y to unit 0; y is being changed: it is held still, and the stay is refused, without a deadlock.
    const booked = await sqlstateOf(booker, "select app_public.create_hold((select quote_token from app_public.quote($1, $2, $3, 2, 0)), $4, 10)",
      [w.h.ratePlanId, w.day(16), w.day(19), newKey()]);
    expect(booked).toBe("SOLDO");
    await booker.query("commit");
    expect(await change).toBeNull();
    await changer.query("commit");
  } finally {
    booker.release();
    changer.release();
  }
  // The change went through, by moving what could move (v, pinned, kept its unit).
  const layout = await w.layout();
  expect(layout.flat().sort()).toEqual(["10..12 reservation", "10..14 reservation", "12..14 reservation", "15..17 reservation"]);
  expect(layout[0]).toContain("15..17 reservation");
  expect((await unitOf(v.reservation_id)).unit_id).toBe(w.h.unitIds[0]);
});
