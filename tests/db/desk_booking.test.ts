// Walk-in and phone bookings at the front desk (issue 21): a quote with a
// unit the desk chose and a rate override with its reason (deskQuote), its
// hold (createDeskHold) and the usual confirmation, where the front office
// may leave out the guest's email. Who may override by how much is decided
// in the database; the price lines, the folio's postings and the history
// follow the overridden price; the exclusion constraint on claims still
// refuses to sell a night of a unit twice.
import type pg from "pg";
import { anonymous, asOwner, fileDatabase, inCommit, inRollback, sqlstateOf, staff, testPool } from "../helpers/db.ts";
import { addDays, confirm, createHotel, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();

interface DeskQuote {
  room_amount: string;
  taxes_amount: string;
  total_amount: string;
  quote_token: string;
  lines: string;
}

async function deskQuote(
  c: pg.PoolClient,
  h: Hotel,
  arrival: string,
  nights: number,
  o: { unitId?: string | null; roomAmount?: number | null; discountPercent?: number | string | null; reason?: string | null } = {},
): Promise<DeskQuote> {
  const { rows } = await c.query<DeskQuote>(
    `select room_amount, taxes_amount, total_amount, quote_token, lines::text
       from app_public.desk_quote($1, $2, $3, 2, 0, unit_id => $4, room_amount => $5, discount_percent => $6, override_reason => $7)`,
    [h.ratePlanId, arrival, addDays(arrival, nights), o.unitId ?? null, o.roomAmount ?? null, o.discountPercent ?? null, o.reason ?? null],
  );
  return rows[0]!;
}

async function deskHold(c: pg.PoolClient, token: string): Promise<{ reservation_id: string; total_amount: string }> {
  const { rows } = await c.query<{ reservation_id: string; total_amount: string }>("select * from app_public.create_desk_hold($1, $2)", [token, newKey()]);
  return rows[0]!;
}

/** A 10 % VAT on the room, so the override's effect on taxes shows. */
async function withVat(c: pg.PoolClient, h: Hotel) {
  await asOwner(c);
  await c.query("insert into app_public.taxes (property_id, name, basis, percent, currency) values ($1, 'VAT', 'percent_of_room', 10, 'EUR')", [h.propertyId]);
}

it("the front desk books a walk-in at 10 % off with a reason and a unit it chose: lines, taxes, folio and history follow, and no email is sent", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 3 });
    await withVat(c, h);
    const today = localDate(h.timeZone);
    await staff(c, h.frontDesk);
    const plain = await quote(c, h.ratePlanId, today, addDays(today, 2));
    expect(plain.total_amount).toBe("22000"); // 2 × 100.00 + 10 % VAT
    const q = await deskQuote(c, h, today, 2, { unitId: h.unitIds[2], discountPercent: 10, reason: "Regular corporate guest" });
    expect([q.room_amount, q.taxes_amount, q.total_amount]).toEqual(["18000", "1800", "19800"]);
    expect(q.lines).toContain("Front desk discount 10%: Regular corporate guest");
    const held = await deskHold(c, q.quote_token);
    expect(held.total_amount).toBe("19800");
    const booked = (await c.query(
      "select * from app_public.confirm_booking($1, $2, 'Walk In', null, phone => null)", [held.reservation_id, newKey()],
    )).rows[0];
    expect(booked.status).toBe("confirmed");

    await asOwner(c);
    const res = (await c.query("select unit_id, unit_pinned, total_amount, channel, guest_id, contact_email from app_public.reservations where id = $1", [held.reservation_id])).rows[0];
    expect(res).toMatchObject({ unit_id: h.unitIds[2], unit_pinned: true, total_amount: "19800", channel: "front_desk", contact_email: null });
    expect((await c.query("select email from app_public.guests where id = $1", [res.guest_id])).rows[0].email).toBeNull();
    // No message to a guest without email (and without phone).
    expect((await c.query("select count(*)::int as n from app_public.notifications where reservation_id = $1", [held.reservation_id])).rows[0].n).toBe(0);
    // The folio is charged the overridden price, and the ledger balances.
    const folio = (await c.query(
      `select coalesce(sum(p.amount), 0)::bigint as charged from app_public.postings p
         join app_public.folios f on f.property_id = p.property_id and f.id = p.folio_id
        where f.reservation_id = $1`, [held.reservation_id])).rows[0];
    expect(folio.charged).toBe("19800");
    const override = (await c.query("select kind, quoted_room_amount, room_amount, discount_percent, reason, created_by, creator_role from app_public.rate_overrides where reservation_id = $1", [held.reservation_id])).rows[0];
    expect(override).toEqual({ kind: "discount_percent", quoted_room_amount: "20000", room_amount: "18000", discount_percent: "10.00", reason: "Regular corporate guest", created_by: h.frontDesk, creator_role: "front_desk" });
    // In the reservation's history, for the manager to read.
    await staff(c, h.manager);
    const history = (await c.query("select table_name, actor_user_id, new_values from app_public.reservation_history($1)", [held.reservation_id])).rows;
    expect(history.find((e) => e.table_name === "rate_overrides")).toMatchObject({ actor_user_id: h.frontDesk, new_values: expect.objectContaining({ reason: "Regular corporate guest" }) });
    // In words, on the History tab.
    const words = (await c.query("select summary, actor_name, actor_role from app_public.reservation_timeline($1)", [held.reservation_id])).rows;
    expect(words).toContainEqual({ summary: "Price set by the desk: room €180.00 instead of €200.00 (10% off): “Regular corporate guest”", actor_name: "desk", actor_role: "desk" });
    // And on the reservation, for the staff who read it.
    expect((await c.query("select (app_public.reservations_rate_override(r)).reason from app_public.reservations r where id = $1", [held.reservation_id])).rows[0].reason).toBe("Regular corporate guest");
    // The walk-in checks in at once.
    await staff(c, h.frontDesk);
    expect((await c.query("select status from app_public.check_in($1, $2)", [held.reservation_id, newKey()])).rows[0].status).toBe("checked_in");
  }));

it("a room price set by the desk replaces the nights' sum; raising it is not limited", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await withVat(c, h);
    const arrival = localDate(h.timeZone, 3);
    await staff(c, h.frontDesk);
    const q = await deskQuote(c, h, arrival, 3, { roomAmount: 27500, reason: "Rate matched to the phone offer" });
    expect([q.room_amount, q.taxes_amount, q.total_amount]).toEqual(["27500", "2750", "30250"]);
    const up = await deskQuote(c, h, arrival, 1, { roomAmount: 50000, reason: "Event night" });
    expect(up.room_amount).toBe("50000");
    const held = await deskHold(c, up.quote_token);
    await asOwner(c);
    expect((await c.query("select discount_percent from app_public.rate_overrides where reservation_id = $1", [held.reservation_id])).rows[0].discount_percent).toBe("-400.00");
  }));

it("the front desk's limit is the property's; managers and owners have none; a reason is required", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const arrival = localDate(h.timeZone, 1);
    const q = (o: NonNullable<Parameters<typeof deskQuote>[4]>) =>
      sqlstateOf(c, "select app_public.desk_quote($1, $2, $3, 2, 0, unit_id => $4, room_amount => $5, discount_percent => $6, override_reason => $7)",
        [h.ratePlanId, arrival, addDays(arrival, 2), o.unitId ?? null, o.roomAmount ?? null, o.discountPercent ?? null, o.reason ?? null]);
    await staff(c, h.frontDesk);
    expect(await q({ discountPercent: 10, reason: "Loyal guest" })).toBeNull();
    expect(await q({ discountPercent: 10.01, reason: "Loyal guest" })).toBe("OVLIM");
    expect(await q({ roomAmount: 17999, reason: "Loyal guest" })).toBe("OVLIM"); // 10.01 % off 200.00
    expect(await q({ discountPercent: 5 })).toBe("OVRSN");
    expect(await q({ discountPercent: 5, reason: "  " })).toBe("OVRSN");
    expect(await q({ discountPercent: 5, reason: "x".repeat(501) })).toBe("OVRSN");
    // Malformed and huge values are typed input errors, never INTERNAL.
    expect(await q({ discountPercent: 101, reason: "Loyal guest" })).toBe("INVLD");
    expect(await q({ discountPercent: 0, reason: "Loyal guest" })).toBe("INVLD");
    expect(await q({ discountPercent: "5.555", reason: "Loyal guest" })).toBe("INVLD");
    expect(await q({ roomAmount: -1, reason: "Loyal guest" })).toBe("INVLD");
    expect(await q({ roomAmount: 9_000_000_000_000_000, reason: "Loyal guest" })).toBe("INVLD");
    expect(await q({ roomAmount: 100, discountPercent: 5, reason: "Loyal guest" })).toBe("INVLD");
    // The manager may give any discount; the limit is the property's to set.
    await staff(c, h.manager);
    expect(await q({ discountPercent: 100, reason: "Compensation for the flood" })).toBeNull();
    await c.query("update app_public.properties set desk_max_discount_percent = 25 where id = $1", [h.propertyId]);
    await staff(c, h.frontDesk);
    expect(await q({ discountPercent: 25, reason: "Loyal guest" })).toBeNull();
    // The desk may not raise its own limit.
    await c.query("update app_public.properties set desk_max_discount_percent = 100 where id = $1", [h.propertyId]);
    await asOwner(c);
    expect((await c.query("select desk_max_discount_percent from app_public.properties where id = $1", [h.propertyId])).rows[0].desk_max_discount_percent).toBe("25.00");
  }));

it("housekeepers, guests, another property's desk and forged ids get nothing", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const other = await createHotel(c);
    const arrival = localDate(h.timeZone, 1);
    const call = (ratePlanId: string, unitId: string | null = null, reason: string | null = null) =>
      sqlstateOf(c, "select app_public.desk_quote($1, $2, $3, unit_id => $4, discount_percent => $5, override_reason => $6)",
        [ratePlanId, arrival, addDays(arrival, 1), unitId, reason ? 5 : null, reason]);
    await staff(c, h.housekeeper);
    expect(await call(h.ratePlanId)).toBe("DNIED");
    await anonymous(c);
    expect(await call(h.ratePlanId)).toBe("42501");
    await staff(c, other.frontDesk);
    expect(await call(h.ratePlanId)).toBe("NTFND");
    await staff(c, h.frontDesk);
    expect(await call(other.ratePlanId)).toBe("NTFND");
    expect(await call(h.ratePlanId, other.unitIds[0]!)).toBe("NTFND"); // a unit of another property
    expect(await call(h.ratePlanId, "00000000-0000-4000-8000-000000000000")).toBe("NTFND");
    // A token is for its own function: a desk token is no quote token, and back.
    const desk = await deskQuote(c, h, arrival, 1, { discountPercent: 5, reason: "Loyal guest" });
    expect(await sqlstateOf(c, "select app_public.create_hold($1, $2)", [desk.quote_token, newKey()])).toBe("QUOTE");
    const plain = await quote(c, h.ratePlanId, arrival, addDays(arrival, 1));
    expect(await sqlstateOf(c, "select app_public.create_desk_hold($1, $2)", [plain.quote_token, newKey()])).toBe("QUOTE");
    const [payload, signature] = desk.quote_token.split(".");
    const decoded = JSON.parse(Buffer.from(payload!, "base64url").toString()) as { room_amount: number; total_amount: number };
    expect(decoded.room_amount).toBe(9500);
    const forged = Buffer.from(JSON.stringify({ ...decoded, room_amount: 100, total_amount: 100 }), "utf8").toString("base64url");
    expect(await sqlstateOf(c, "select app_public.create_desk_hold($1, $2)", [`${forged}.${signature}`, newKey()])).toBe("QUOTE");
    // A housekeeper holding the desk's token still cannot use it.
    await staff(c, h.housekeeper);
    expect(await sqlstateOf(c, "select app_public.create_desk_hold($1, $2)", [desk.quote_token, newKey()])).toBe("DNIED");
    // Nor the desk once its limit went below the token's discount.
    await asOwner(c);
    await c.query("update app_public.properties set desk_max_discount_percent = 2 where id = $1", [h.propertyId]);
    await staff(c, h.frontDesk);
    expect(await sqlstateOf(c, "select app_public.create_desk_hold($1, $2)", [desk.quote_token, newKey()])).toBe("OVLIM");
    // Nor does an analyst-like reader see overrides: housekeeping reads none.
    await staff(c, h.housekeeper);
    expect((await c.query("select count(*)::int as n from app_public.rate_overrides")).rows[0].n).toBe(0);
  }));

it("a unit taken for one of the nights is refused with UNIT_UNAVAILABLE, at the quote and at the hold", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 2 });
    const arrival = localDate(h.timeZone, 2);
    await staff(c, h.frontDesk);
    const first = await deskQuote(c, h, arrival, 2, { unitId: h.unitIds[0] });
    const second = await deskQuote(c, h, addDays(arrival, 1), 2, { unitId: h.unitIds[0] });
    await deskHold(c, first.quote_token);
    expect(await sqlstateOf(c, "select app_public.desk_quote($1, $2, $3, unit_id => $4)", [h.ratePlanId, addDays(arrival, 1), addDays(arrival, 3), h.unitIds[0]])).toBe("UNAVL");
    expect(await sqlstateOf(c, "select app_public.create_desk_hold($1, $2)", [second.quote_token, newKey()])).toBe("UNAVL");
    // "Any unit" still finds the other one.
    const any = await deskQuote(c, h, addDays(arrival, 1), 2);
    const held = await deskHold(c, any.quote_token);
    await asOwner(c);
    expect((await c.query("select unit_id, unit_pinned from app_public.reservations where id = $1", [held.reservation_id])).rows[0]).toEqual({ unit_id: h.unitIds[1], unit_pinned: false });
  }));

it("a guest booking online still needs an email; the desk's empty email is refused, its missing one accepted", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const arrival = localDate(h.timeZone, 4);
    await anonymous(c);
    const q = await quote(c, h.ratePlanId, arrival, addDays(arrival, 1));
    const held = (await c.query("select * from app_public.create_hold($1, $2)", [q.quote_token, newKey()])).rows[0];
    expect(await sqlstateOf(c, "select app_public.confirm_booking($1, $2, 'Ada', null, hold_token => $3)", [held.reservation_id, newKey(), held.hold_token])).toBe("INVEM");
    await staff(c, h.frontDesk);
    expect(await sqlstateOf(c, "select app_public.confirm_booking($1, $2, 'Ada', '')", [held.reservation_id, newKey()])).toBe("INVEM");
    expect((await confirm(c, held.reservation_id)).status).toBe("confirmed");
  }));

describe("two desks override-booking the last unit at once", () => {
  it("one gets it, the other UNIT_UNAVAILABLE (its chosen unit) or SOLD_OUT (any unit); one claim, one reservation", async () => {
    const h = await inCommit(db.ownerPool, (c) => createHotel(c, { units: 1 }));
    const arrival = localDate(h.timeZone, 6);
    const pool = testPool({ connectionString: db.ownerUrl, max: 4 });
    try {
      for (const unitId of [h.unitIds[0]!, null]) {
        const start = unitId ? arrival : addDays(arrival, 10);
        const tokens = await inRollback(pool, async (c) => {
          await staff(c, h.frontDesk);
          const a = await deskQuote(c, h, start, 2, { unitId, discountPercent: 5, reason: "Desk A's regular" });
          await staff(c, h.manager);
          const b = await deskQuote(c, h, start, 2, { unitId, roomAmount: 1000, reason: "Desk B's friend" });
          return [a.quote_token, b.quote_token] as const;
        });
        const attempt = (userId: string, token: string) =>
          inCommit(pool, async (c) => {
            await staff(c, userId);
            return (await deskHold(c, token)).reservation_id;
          }).then((id) => ({ id }), (error: { code?: string }) => ({ code: error.code }));
        const results = await Promise.all([attempt(h.frontDesk, tokens[0]), attempt(h.manager, tokens[1])]);
        expect(results.filter((r) => "id" in r)).toHaveLength(1);
        expect(results.filter((r) => "code" in r).map((r) => (r as { code: string }).code)).toEqual([unitId ? "UNAVL" : "SOLDO"]);
        const claims = await inRollback(pool, async (c) =>
          (await c.query("select count(*)::int as n from app_public.inventory_claims where unit_id = $1 and stay && daterange($2::date, $3::date) and released_at is null",
            [h.unitIds[0], start, addDays(start, 2)])).rows[0].n);
        expect(claims).toBe(1);
      }
    } finally {
      await pool.end();
    }
  });
});
