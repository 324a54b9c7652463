// The tape chart's read (app_public.tape_chart_claims): the live claims of
// one property over a window of nights, under row-level security. Each test
// runs in a transaction that is rolled back.
import type pg from "pg";
import { anonymous, fileDatabase, inRollback, sqlstateOf, staff } from "../helpers/db.ts";
import { addDays, book, createHotel, hold, localDate, newKey, quote } from "../helpers/booking.ts";

const db = fileDatabase();

interface Claim {
  kind: string;
  unit_id: string;
  reservation_id: string | null;
  start: string;
  end: string;
}

async function chart(c: pg.PoolClient, propertyId: string, first: string, end: string): Promise<Claim[]> {
  const { rows } = await c.query<Claim>(
    `select kind, unit_id, reservation_id, to_char(lower(stay), 'YYYY-MM-DD') as start, to_char(upper(stay), 'YYYY-MM-DD') as end
       from app_public.tape_chart_claims($1, $2, $3)`,
    [propertyId, first, end],
  );
  return rows;
}

it("returns the live stays, holds and blocks of the property that take a night of the window, nothing else", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 3 });
    const other = await createHotel(c);
    const today = localDate(h.timeZone);
    await anonymous(c);
    const inside = await book(c, h.ratePlanId, addDays(today, 2), addDays(today, 4));
    const straddling = await book(c, h.ratePlanId, addDays(today, 6), addDays(today, 9)); // starts in the window, ends after it
    const after = await book(c, h.ratePlanId, addDays(today, 7), addDays(today, 8)); // the window's end is exclusive
    const cancelled = await book(c, h.ratePlanId, addDays(today, 3), addDays(today, 5));
    const held = await hold(c, (await quote(c, h.ratePlanId, addDays(today, 1), addDays(today, 2))).quote_token);
    const expired = await hold(c, (await quote(c, h.ratePlanId, addDays(today, 1), addDays(today, 3))).quote_token);
    await book(c, other.ratePlanId, addDays(today, 2), addDays(today, 4)); // another property
    await staff(c, h.frontDesk);
    await c.query("select app_public.cancel_reservation($1, $2)", [cancelled.reservation_id, newKey()]);
    const { rows: [block] } = await c.query<{ id: string }>(
      "select id from app_public.create_block($1, $2, $3, 'maintenance_block', $4, 'New carpet')",
      [h.unitIds[2], addDays(today, 4), addDays(today, 6), newKey()],
    );
    await c.query("reset role");
    await c.query("update app_public.inventory_claims set expires_at = now() - interval '1 minute' where reservation_id = $1", [expired.reservation_id]);
    await staff(c, h.frontDesk);

    const claims = await chart(c, h.propertyId, today, addDays(today, 7));
    const byReservation = new Map(claims.map((k) => [k.reservation_id, k]));
    expect(claims).toHaveLength(4);
    expect(byReservation.get(inside.reservation_id)).toMatchObject({ kind: "reservation", start: addDays(today, 2), end: addDays(today, 4) });
    expect(byReservation.get(straddling.reservation_id)).toMatchObject({ kind: "reservation", start: addDays(today, 6), end: addDays(today, 9) });
    expect(byReservation.get(held.reservation_id)).toMatchObject({ kind: "hold" });
    expect(claims.find((k) => k.kind === "maintenance_block")).toMatchObject({ unit_id: h.unitIds[2], start: addDays(today, 4), end: addDays(today, 6) });
    // Not: the stay after the window, the cancelled stay, the expired hold.
    for (const gone of [after, cancelled]) expect(byReservation.has(gone.reservation_id)).toBe(false);
    expect(byReservation.has(expired.reservation_id)).toBe(false);
    expect(block).toBeDefined();

    // Staff of another property see nothing of this one.
    await staff(c, other.frontDesk);
    expect(await chart(c, h.propertyId, today, addDays(today, 7))).toEqual([]);
    await anonymous(c);
    expect(await sqlstateOf(c, "select * from app_public.tape_chart_claims($1, $2, $3)", [h.propertyId, today, addDays(today, 7)])).toBe("42501");
  }));

it("refuses a window that ends before it starts or spans more than 400 nights (DATES)", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const today = localDate(h.timeZone);
    await staff(c, h.frontDesk);
    expect(await sqlstateOf(c, "select * from app_public.tape_chart_claims($1, $2, $3)", [h.propertyId, today, today])).toBe("DATES");
    expect(await sqlstateOf(c, "select * from app_public.tape_chart_claims($1, $2, $3)", [h.propertyId, today, addDays(today, 401)])).toBe("DATES");
    expect(await sqlstateOf(c, "select * from app_public.tape_chart_claims($1, $2, $3)", [h.propertyId, today, addDays(today, 400)])).toBeNull();
  }));
