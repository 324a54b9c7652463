// Issue 22: promo codes on group bookings and at the front desk. One code
// for the whole group: quoteGroup(promoCode) puts its discount on each
// room's lines, createGroupHold keeps it on the group, and confirmGroup
// counts one use for the group, atomically (two groups racing for the last
// use: exactly one wins). The desk applies a guest's code with deskQuote
// (not together with a rate override); createDeskHold keeps it and
// confirmBooking counts it. Refusals are typed as for a single booking.
import type pg from "pg";
import { ledgerOf, trialBalanceIsZero } from "../helpers/ledger.ts";
import { actAs, anonymous, asOwner, backendPid, fileDatabase, inCommit, inRollback, refusalOf, staff, waitUntilBlocked } from "../helpers/db.ts";
import {
  addDays, confirm, confirmGroup, createHotel, holdGroup, localDate, newKey, quoteGroup, quoteGroupSql, type GroupRoom, type Hotel,
} from "../helpers/booking.ts";

const db = fileDatabase();

const createPromo = (c: pg.PoolClient, h: Hotel, code: string, options: { percent_off?: number; amount_off?: number; rate_plan_ids?: string[]; max_uses?: number } = {}) =>
  c.query<{ id: string }>(
    "select * from app_public.create_promo_code($1, $2, percent_off => $3, amount_off => $4, rate_plan_ids => $5, max_uses => $6)",
    [h.propertyId, code, options.percent_off ?? null, options.amount_off ?? null, options.rate_plan_ids ?? null, options.max_uses ?? null],
  ).then((r) => r.rows[0]!);

const usesOf = async (c: pg.PoolClient, promoId: string) => {
  await asOwner(c);
  return (await c.query("select uses from app_public.promo_codes where id = $1", [promoId])).rows[0].uses as number;
};

/** A second rate plan on the hotel's room type (a code may leave it out). */
const secondPlan = async (c: pg.PoolClient, h: Hotel) => {
  await asOwner(c);
  return (await c.query(
    "insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests) values ($1, $2, 'Second plan', 'EUR', 12000, 2) returning id",
    [h.propertyId, h.roomTypeId],
  )).rows[0].id as string;
};

test("a group's code is a discount line of every room's price; held on the group, counted once at confirmation, then on each room", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 3 });
    await staff(c, h.manager);
    const promo = await createPromo(c, h, "GROUP10", { percent_off: 10, max_uses: 5 });
    await anonymous(c);
    const arrival = localDate(h.timeZone, 10);
    const rooms: GroupRoom[] = [{ ratePlanId: h.ratePlanId }, { ratePlanId: h.ratePlanId, adults: 1, guestName: "Second Guest" }];
    const plain = await quoteGroup(c, rooms, arrival, addDays(arrival, 2));
    const q = await quoteGroup(c, rooms, arrival, addDays(arrival, 2), " group10 ");
    expect(q.promo_code).toBe("GROUP10");
    expect(plain.promo_code).toBeNull();
    expect(Number(plain.total_amount) - Number(q.total_amount)).toBe(2 * 2000);
    for (const room of q.rooms) {
      expect(room.quote.lines.filter((l) => l.kind === "discount")).toEqual([
        expect.objectContaining({ kind: "discount", amount: -2000, description: "Promo code GROUP10 (10% off)" }),
      ]);
    }
    // A blank code is no code.
    expect((await quoteGroup(c, rooms, arrival, addDays(arrival, 2), "  ")).promo_code).toBeNull();

    const held = await holdGroup(c, q.quote_token);
    expect(held.total_amount).toBe(q.total_amount);
    await asOwner(c);
    expect((await c.query("select promo_code_id from app_public.booking_groups where id = $1", [held.booking_group_id])).rows[0].promo_code_id).toBe(promo.id);
    expect((await c.query("select count(*)::int as n from app_public.reservations where group_id = $1 and promo_code_id is not null", [held.booking_group_id])).rows[0].n).toBe(0);
    expect(await usesOf(c, promo.id)).toBe(0);

    await anonymous(c);
    const booked = await confirmGroup(c, held);
    expect(booked.map((b) => b.status)).toEqual(["confirmed", "confirmed"]);
    expect(await usesOf(c, promo.id)).toBe(1);
    expect((await c.query("select array_agg(promo_code_id::text) as ids from app_public.reservations where group_id = $1", [held.booking_group_id])).rows[0].ids)
      .toEqual([promo.id, promo.id]);
  }));

test("a group's code is refused with typed reasons naming the room, at quote, hold and confirmation; nothing is half done", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 3 });
    const other = await createHotel(c);
    const planB = await secondPlan(c, h);
    await staff(c, h.manager);
    await createPromo(c, h, "ONLYA", { percent_off: 10, rate_plan_ids: [h.ratePlanId] });
    const off = await createPromo(c, h, "SOON-OFF", { amount_off: 1000 });
    await staff(c, other.manager);
    await createPromo(c, other, "THEIRS", { percent_off: 50 });
    await anonymous(c);
    const arrival = localDate(h.timeZone, 12);
    const departure = addDays(arrival, 1);
    const mixed: GroupRoom[] = [{ ratePlanId: h.ratePlanId }, { ratePlanId: planB }];

    expect(await refusalOf(c, ...quoteGroupSql(mixed, arrival, departure, "ONLYA"))).toBe("PROMO RATE_PLAN");
    await c.query("savepoint s");
    await expect(c.query(...quoteGroupSql(mixed, arrival, departure, "ONLYA"))).rejects.toThrow("Room 2: This promo code is not for this rate.");
    await c.query("rollback to savepoint s");
    expect(await refusalOf(c, ...quoteGroupSql(mixed, arrival, departure, "THEIRS"))).toBe("PROMO UNKNOWN");
    expect(await refusalOf(c, ...quoteGroupSql(mixed, arrival, departure, "X".repeat(100_000)))).toBe("PROMO UNKNOWN");

    // Deactivated between the quote and the hold: nothing is held.
    const q = await quoteGroup(c, mixed, arrival, departure, "soon-off");
    await staff(c, h.manager);
    await c.query("select app_public.set_promo_code_active($1, false)", [off.id]);
    await anonymous(c);
    expect(await refusalOf(c, "select * from app_public.create_group_hold($1, $2)", [q.quote_token, newKey()])).toBe("PROMO INACTIVE");
    await asOwner(c);
    expect((await c.query("select count(*)::int as n from app_public.booking_groups where property_id = $1", [h.propertyId])).rows[0].n).toBe(0);

    // Deactivated between the hold and the confirmation: nothing is confirmed.
    await staff(c, h.manager);
    await c.query("select app_public.set_promo_code_active($1, true)", [off.id]);
    await anonymous(c);
    const held = await holdGroup(c, (await quoteGroup(c, mixed, arrival, departure, "SOON-OFF")).quote_token);
    await staff(c, h.manager);
    await c.query("select app_public.set_promo_code_active($1, false)", [off.id]);
    await anonymous(c);
    expect(await refusalOf(c, "select * from app_public.confirm_group($1, $2, 'Ada Lovelace', 'ada@example.com', hold_token => $3)",
                           [held.booking_group_id, newKey(), held.hold_token])).toBe("PROMO INACTIVE");
    await asOwner(c);
    expect((await c.query("select array_agg(status::text) as s from app_public.reservations where group_id = $1", [held.booking_group_id])).rows[0].s)
      .toEqual(["held", "held"]);
    expect(await usesOf(c, off.id)).toBe(0);
  }));

test("two groups racing for a code's last use: exactly one is confirmed, the other is refused USED_UP and stays held", async () => {
  const setup = await inCommit(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 4 });
    await staff(c, h.manager);
    const promo = await createPromo(c, h, "LASTGROUP", { percent_off: 20, max_uses: 1 });
    await anonymous(c);
    const arrival = localDate(h.timeZone, 20);
    const rooms: GroupRoom[] = [{ ratePlanId: h.ratePlanId }, { ratePlanId: h.ratePlanId }];
    const holds = [];
    for (let i = 0; i < 2; i++) holds.push(await holdGroup(c, (await quoteGroup(c, rooms, arrival, addDays(arrival, 2), "LASTGROUP")).quote_token));
    return { promo, holds };
  });
  const clients = [await db.ownerPool.connect(), await db.ownerPool.connect()];
  try {
    const outcomes = await Promise.all(clients.map(async (client, i) => {
      await client.query("begin");
      await actAs(client, { role: "keepr_anonymous" });
      try {
        await confirmGroup(client, setup.holds[i]!);
        await client.query("commit");
        return "confirmed";
      } catch (error) {
        await client.query("rollback");
        const e = error as { code?: string; hint?: string };
        return `${e.code} ${e.hint}`;
      }
    }));
    expect([...outcomes].sort()).toEqual(["PROMO USED_UP", "confirmed"]);
  } finally {
    for (const client of clients) client.release();
  }
  const state = await inRollback(db.ownerPool, async (c) => ({
    uses: await usesOf(c, setup.promo.id),
    statuses: (await c.query("select status::text from app_public.reservations where group_id = any($1) order by status::text",
                             [setup.holds.map((x) => x.booking_group_id)])).rows.map((r) => r.status),
  }));
  expect(state).toEqual({ uses: 1, statuses: ["confirmed", "confirmed", "held", "held"] });
});

test("a room added to a group takes the group's code: its discount on the new room's lines, no second use counted", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 4 });
    const planB = await secondPlan(c, h);
    await staff(c, h.manager);
    const promo = await createPromo(c, h, "ADDROOM", { percent_off: 10, max_uses: 1, rate_plan_ids: [h.ratePlanId] });
    await anonymous(c);
    const arrival = localDate(h.timeZone, 14);
    const q = await quoteGroup(c, [{ ratePlanId: h.ratePlanId }, { ratePlanId: h.ratePlanId }], arrival, addDays(arrival, 2), "ADDROOM");
    const held = await holdGroup(c, q.quote_token);
    await confirmGroup(c, held);
    expect(await usesOf(c, promo.id)).toBe(1);

    // The code's one use is taken (max_uses 1): the group's new room still has its discount, and no use is counted.
    // Priced first as it will be charged (quoteGroupRoom, the console's Add room): with the discount, no token.
    await staff(c, h.frontDesk);
    const priced = (await c.query("select total_amount, quote_token, promo_code from app_public.quote_group_room($1, $2, 2)", [held.booking_group_id, h.ratePlanId])).rows[0];
    expect({ ...priced, total_amount: String(priced.total_amount) }).toEqual({ total_amount: String(Number(q.rooms[0]!.quote.total_amount)), quote_token: null, promo_code: "ADDROOM" });
    expect(await refusalOf(c, "select * from app_public.quote_group_room($1, $2, 2)", [held.booking_group_id, planB])).toBe("PROMO RATE_PLAN");
    // Another property's staff: as if the group did not exist.
    await asOwner(c);
    const other = await createHotel(c);
    await staff(c, other.frontDesk);
    expect(await refusalOf(c, "select * from app_public.quote_group_room($1, $2, 2)", [held.booking_group_id, h.ratePlanId])).toBe("NTFND");
    await staff(c, h.frontDesk);
    const added = (await c.query("select * from app_public.add_group_room($1, $2, $3, 2)", [held.booking_group_id, newKey(), h.ratePlanId])).rows[0];
    await asOwner(c);
    const room = (await c.query("select room_no, total_amount, promo_code_id, price_lines from app_public.reservations where id = $1", [added.reservation_id])).rows[0];
    expect(room.room_no).toBe(3);
    expect(room.promo_code_id).toBe(promo.id);
    expect(room.price_lines.filter((l: { kind: string }) => l.kind === "discount")).toEqual([
      expect.objectContaining({ amount: -2000, description: "Promo code ADDROOM (10% off)" }),
    ]);
    expect(String(room.total_amount)).toBe(String(Number(q.rooms[0]!.quote.total_amount)));
    // Its folio is charged the discounted price.
    const ledger = await ledgerOf(c, added.reservation_id);
    expect(ledger.guest_receivable).toBe(Number(room.total_amount));
    expect(await trialBalanceIsZero(c)).toBe(true);
    expect(await usesOf(c, promo.id)).toBe(1);

    // A rate the code is not for: refused, typed, naming the room; nothing added.
    await staff(c, h.frontDesk);
    expect(await refusalOf(c, "select * from app_public.add_group_room($1, $2, $3, 2)", [held.booking_group_id, newKey(), planB])).toBe("PROMO RATE_PLAN");
    await asOwner(c);
    expect((await c.query("select count(*)::int as n from app_public.reservations where group_id = $1", [held.booking_group_id])).rows[0].n).toBe(3);
    expect(await usesOf(c, promo.id)).toBe(1);
  }));

test("a held room of a group confirmed alone counts the group's one use, once: its other rooms and confirmGroup count none", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 4 });
    await staff(c, h.manager);
    const promo = await createPromo(c, h, "ALONE", { percent_off: 10, max_uses: 5 });
    await anonymous(c);
    const arrival = localDate(h.timeZone, 16);
    const held = await holdGroup(c, (await quoteGroup(c, [{ ratePlanId: h.ratePlanId }, { ratePlanId: h.ratePlanId }, { ratePlanId: h.ratePlanId }],
                                                        arrival, addDays(arrival, 2), "ALONE")).quote_token);
    // The desk confirms two of its held rooms one by one with confirmBooking.
    await staff(c, h.frontDesk);
    for (const id of held.reservation_ids.slice(0, 2)) {
      await c.query("select * from app_public.confirm_booking($1, $2, 'Ada Lovelace', 'ada@example.com')", [id, newKey()]);
    }
    expect(await usesOf(c, promo.id)).toBe(1);
    await asOwner(c);
    expect((await c.query("select array_agg(promo_code_id::text order by room_no) as ids from app_public.reservations where group_id = $1", [held.booking_group_id])).rows[0].ids)
      .toEqual([promo.id, promo.id, null]);
    // A room confirmed alone keeps the discount through a change, as a single booking does.
    await staff(c, h.frontDesk);
    await c.query("select app_public.modify_reservation($1, $2, departure => $3)", [held.reservation_ids[0], newKey(), addDays(arrival, 3)]);
    await asOwner(c);
    expect((await c.query("select price_lines from app_public.reservations where id = $1", [held.reservation_ids[0]])).rows[0].price_lines
      .filter((l: { kind: string }) => l.kind === "discount")).toEqual([expect.objectContaining({ amount: -3000 })]);
    expect(await usesOf(c, promo.id)).toBe(1);
    // The group cannot then be confirmed whole (a room of it is no longer held); its last room is confirmed alone, uncounted.
    await staff(c, h.frontDesk);
    expect(await refusalOf(c, "select * from app_public.confirm_group($1, $2, 'Ada Lovelace', 'ada@example.com')", [held.booking_group_id, newKey()]))
      .toMatch(/^TRANS/);
    await c.query("select * from app_public.confirm_booking($1, $2, 'Ada Lovelace', 'ada@example.com')", [held.reservation_ids[2], newKey()]);
    expect(await usesOf(c, promo.id)).toBe(1);
  }));

test("two held rooms of one group confirmed alone at once, on two connections: the group's code is counted once", async () => {
  const setup = await inCommit(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 4 });
    await staff(c, h.manager);
    const promo = await createPromo(c, h, "TWOATONCE", { percent_off: 10, max_uses: 5 });
    await anonymous(c);
    const arrival = localDate(h.timeZone, 22);
    const held = await holdGroup(c, (await quoteGroup(c, [{ ratePlanId: h.ratePlanId }, { ratePlanId: h.ratePlanId }],
                                                        arrival, addDays(arrival, 2), "TWOATONCE")).quote_token);
    return { h, promo, held };
  });
  const [first, second] = [await db.ownerPool.connect(), await db.ownerPool.connect()];
  // Two guests (two emails: the guest profile's row is not what they wait for).
  const confirmSql = "select * from app_public.confirm_booking($1, $2, 'Ada Lovelace', $3)";
  try {
    for (const client of [first, second]) {
      await client.query("begin");
      await actAs(client, { role: "keepr_staff", userId: setup.h.frontDesk });
    }
    // The first room is confirmed (and the code counted), not yet committed; the second waits for it.
    const secondPid = await backendPid(second);
    await first.query(confirmSql, [setup.held.reservation_ids[0], newKey(), "ada@example.com"]);
    const later = second.query(confirmSql, [setup.held.reservation_ids[1], newKey(), "bob@example.com"]);
    await waitUntilBlocked(db.ownerPool, secondPid, "the second room's confirmation to wait for the first");
    await first.query("commit");
    await later;
    await second.query("commit");
  } finally {
    for (const client of [first, second]) client.release();
  }
  expect(await inRollback(db.ownerPool, (c) => usesOf(c, setup.promo.id))).toBe(1);
});

test("a plain group's confirmGroup still counts one use for all its rooms (the count moved into confirmBooking's first room)", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 4 });
    await staff(c, h.manager);
    const promo = await createPromo(c, h, "THREE", { amount_off: 500, max_uses: 1 });
    await anonymous(c);
    const arrival = localDate(h.timeZone, 18);
    const held = await holdGroup(c, (await quoteGroup(c, [{ ratePlanId: h.ratePlanId }, { ratePlanId: h.ratePlanId }, { ratePlanId: h.ratePlanId }],
                                                        arrival, addDays(arrival, 2), "THREE")).quote_token);
    expect((await confirmGroup(c, held)).map((b) => b.status)).toEqual(["confirmed", "confirmed", "confirmed"]);
    expect(await usesOf(c, promo.id)).toBe(1);
  }));

interface DeskQuote { room_amount: string; total_amount: string; promo_code: string | null; quote_token: string; lines: string }

const deskQuote = async (c: pg.PoolClient, h: Hotel, arrival: string, promoCode: string | null) =>
  (await c.query<DeskQuote>(
    "select room_amount, total_amount, promo_code, quote_token, lines::text from app_public.desk_quote($1, $2, $3, 2, 0, promo_code => $4)",
    [h.ratePlanId, arrival, addDays(arrival, 2), promoCode],
  )).rows[0]!;

test("the front desk applies a guest's code: its discount line, kept by the desk hold, counted at confirmation; typed refusals", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 2 });
    const other = await createHotel(c);
    await staff(c, h.manager);
    const promo = await createPromo(c, h, "DESK25", { percent_off: 25, max_uses: 1 });
    const later = await createPromo(c, h, "LATER", { amount_off: 500 });
    await staff(c, other.manager);
    await createPromo(c, other, "THEIRS", { percent_off: 50 });
    await staff(c, h.frontDesk);
    const arrival = localDate(h.timeZone, 3);
    const q = await deskQuote(c, h, arrival, "desk25");
    expect([q.room_amount, q.total_amount, q.promo_code]).toEqual(["15000", "15000", "DESK25"]);
    expect(q.lines).toContain("Promo code DESK25 (25% off)");
    const sql = "select * from app_public.desk_quote($1, $2, $3, 2, 0, discount_percent => 5, override_reason => 'Regular', promo_code => $4)";
    expect(await refusalOf(c, sql, [h.ratePlanId, arrival, addDays(arrival, 2), "DESK25"])).toBe("INVLD PROMO_WITH_OVERRIDE");
    const plainSql = "select * from app_public.desk_quote($1, $2, $3, 2, 0, promo_code => $4)";
    expect(await refusalOf(c, plainSql, [h.ratePlanId, arrival, addDays(arrival, 2), "THEIRS"])).toBe("PROMO UNKNOWN");
    expect(await refusalOf(c, plainSql, [h.ratePlanId, arrival, addDays(arrival, 2), "Z".repeat(100_000)])).toBe("PROMO UNKNOWN");

    // Deactivated between the quote and the desk hold: refused.
    const lateQuote = await deskQuote(c, h, addDays(arrival, 5), "LATER");
    await staff(c, h.manager);
    await c.query("select app_public.set_promo_code_active($1, false)", [later.id]);
    await staff(c, h.frontDesk);
    expect(await refusalOf(c, "select * from app_public.create_desk_hold($1, $2)", [lateQuote.quote_token, newKey()])).toBe("PROMO INACTIVE");

    const held = (await c.query("select * from app_public.create_desk_hold($1, $2)", [q.quote_token, newKey()])).rows[0];
    expect(held.total_amount).toBe("15000");
    await confirm(c, held.reservation_id);
    expect(await usesOf(c, promo.id)).toBe(1);
    expect((await c.query("select promo_code_id from app_public.reservations where id = $1", [held.reservation_id])).rows[0].promo_code_id).toBe(promo.id);
    // Its one use is taken: the desk's next quote with it is refused.
    await staff(c, h.frontDesk);
    expect(await refusalOf(c, plainSql, [h.ratePlanId, addDays(arrival, 8), addDays(arrival, 10), "DESK25"])).toBe("PROMO USED_UP");
  }));
