// Issue 22: children's ages where the rate depends on them. A rate plan's
// age bands (free below an age, priced as adults from an age, a supplement
// per night between: an amount or a percent of the night) price a stay with
// the children's ages; the supplement is its own line per night, part of the
// room price; the ages are required when a plan prices by age, checked
// (one per child, 0-17, not below the property's minimum age), kept on the
// quote token and the reservation, and a change of ages from Manage is
// re-priced and posted.
import type pg from "pg";
import { actAs, anonymous, asOwner, fileDatabase, inRollback, refusalOf, staff } from "../helpers/db.ts";
import { addDays, confirm, confirmGroup, createHotel, hold, holdGroup, localDate, newKey, quoteGroup, type Hotel, type HotelOptions } from "../helpers/booking.ts";
import { ledgerOf, trialBalanceIsZero } from "../helpers/ledger.ts";
import { between, pick, seededRandom, testSeed } from "../helpers/random.ts";

const db = fileDatabase();

interface Line { kind: string; date: string | null; description: string; quantity: number; amount: number }
interface AgedQuote { room_amount: string; total_amount: string; quote_token: string; child_ages: number[] | null; lines: Line[] }

const agedQuote = async (c: pg.PoolClient, ratePlanId: string, arrival: string, nights: number, adults: number, ages: number[] | null, children = ages?.length ?? 0) =>
  (await c.query<AgedQuote>(
    `select q.room_amount::text, q.total_amount::text, q.quote_token, q.child_ages,
            (select jsonb_agg(to_jsonb(l)) from unnest(q.lines) l) as lines
       from app_public.quote($1, $2, $3, $4, $5, child_ages => $6) q`,
    [ratePlanId, arrival, addDays(arrival, nights), adults, children, ages],
  )).rows[0]!;

const quoteRefusal = (c: pg.PoolClient, ratePlanId: string, arrival: string, adults: number, children: number, ages: unknown) =>
  refusalOf(c, "select * from app_public.quote($1, $2, $3, $4, $5, child_ages => $6)", [ratePlanId, arrival, addDays(arrival, 1), adults, children, ages]);

/** A hotel whose Flexible plan prices children by age: under 3 free, 12 and over as adults, between a supplement. */
const bandedHotel = (c: pg.PoolClient, ratePlan: HotelOptions["ratePlan"] = {}, maxOccupancy = 8): Promise<Hotel> =>
  createHotel(c, {
    maxOccupancy,
    ratePlan: { included_guests: 2, extra_adult_fee: 3000, extra_child_fee: 1000, child_free_below_age: 3, child_adult_from_age: 12,
                child_supplement_amount: 2500, ...ratePlan },
  });

test("children under 3 stay free, 3-11 pay the supplement on its own line per night, 12+ are priced as adults", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await bandedHotel(c);
    await anonymous(c);
    const arrival = localDate(h.timeZone, 10);
    const q = await agedQuote(c, h.ratePlanId, arrival, 2, 2, [1, 5, 8, 14]);
    // Per night: 10000 + one extra adult (the 14-year-old) 3000; two children of 3-11 at 2500.
    expect(q.room_amount).toBe(String(2 * (10000 + 3000 + 2 * 2500)));
    expect(q.total_amount).toBe(q.room_amount);
    expect(q.child_ages).toEqual([1, 5, 8, 14]);
    expect(q.lines.map((l) => [l.kind, l.date, l.quantity, l.amount])).toEqual([
      ["night", arrival, 1, 13000],
      ["child", arrival, 2, 5000],
      ["night", addDays(arrival, 1), 1, 13000],
      ["child", addDays(arrival, 1), 2, 5000],
    ]);
    expect(q.lines[1]!.description).toMatch(/^Night of .*: children's supplement \(2 children aged 3-11\)$/);

    // Babies only: no supplement line, and no extra-child fee on a plan priced by age.
    const babies = await agedQuote(c, h.ratePlanId, arrival, 1, 2, [0, 2]);
    expect(babies.room_amount).toBe("10000");
    expect(babies.lines.map((l) => l.kind)).toEqual(["night"]);
  }));

test("a percent supplement is of each night's own price, rounded once per line, and taxes and discounts apply to it", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await bandedHotel(c, { child_supplement_amount: null, child_supplement_percent: 33.5 });
    const arrival = localDate(h.timeZone, 10);
    await c.query("insert into app_public.rate_calendar (property_id, rate_plan_id, date, price) values ($1, $2, $3, 12345)",
                  [h.propertyId, h.ratePlanId, addDays(arrival, 1)]);
    await c.query("insert into app_public.taxes (property_id, name, basis, percent, currency) values ($1, 'VAT', 'percent_of_room', 10, 'EUR')", [h.propertyId]);
    await c.query("insert into app_public.rate_plan_los_discounts (property_id, rate_plan_id, min_nights, percent_off) values ($1, $2, 2, 10)",
                  [h.propertyId, h.ratePlanId]);
    await anonymous(c);
    const q = await agedQuote(c, h.ratePlanId, arrival, 2, 2, [4, 7, 11]);
    const child = q.lines.filter((l) => l.kind === "child").map((l) => l.amount);
    expect(child).toEqual([Math.round((3 * 10000 * 33.5) / 100), Math.round((3 * 12345 * 33.5) / 100)]);
    const nights = 10000 + 12345 + child[0]! + child[1]!;
    const room = nights - Math.round(nights * 0.1);
    expect(q.room_amount).toBe(String(room));
    expect(q.total_amount).toBe(String(room + Math.round(room * 0.1)));
  }));

// The reference: what a guest reads in docs/booking.md ("Children by age").
function reference(plan: { base: number; prices: number[]; included: number; adultFee: number; freeBelow: number | null; adultFrom: number | null;
                            amount: number | null; percent: number | null }, adults: number, ages: number[]) {
  const adultAged = plan.adultFrom === null ? 0 : ages.filter((a) => a >= plan.adultFrom!).length;
  const supplemented = ages.filter((a) => a >= (plan.freeBelow ?? 0) && a < (plan.adultFrom ?? 18)).length;
  const extraAdults = Math.max(adults + adultAged - plan.included, 0);
  let room = 0;
  const childLines: number[] = [];
  for (const price of plan.prices) {
    room += price + extraAdults * plan.adultFee;
    if (supplemented > 0) {
      const line = plan.amount !== null ? supplemented * plan.amount : Math.round((supplemented * price * plan.percent!) / 100);
      childLines.push(line);
      room += line;
    }
  }
  return { room, childLines };
}

test("pricing by age matches the reference over random plans, calendars and ages (seeded)", () =>
  inRollback(db.ownerPool, async (c) => {
    const seed = testSeed("child ages pricing");
    const next = seededRandom(seed);
    const h = await createHotel(c, { maxOccupancy: 12 });
    const arrival = localDate(h.timeZone, 20);
    for (let round = 0; round < 40; round++) {
      // Every plan here prices by age (a free band, an adult band or both); the supplement band may be empty.
      const adultFrom = next() < 0.8 ? between(next, 1, 17) : null;
      const freeBelow = adultFrom === null || next() < 0.7 ? between(next, 1, Math.min(adultFrom ?? 6, 6)) : null;
      const priced = (freeBelow ?? 0) < (adultFrom ?? 18);
      const usePercent = next() < 0.5;
      const plan = {
        base: between(next, 1000, 30000), included: between(next, 1, 4), adultFee: between(next, 0, 5000),
        freeBelow, adultFrom,
        amount: priced && !usePercent ? between(next, 0, 9000) : null,
        percent: priced && usePercent ? between(next, 0, 10000) / 100 : null,
        prices: [] as number[],
      };
      const nights = between(next, 1, 4);
      const ratePlanId = (await c.query<{ id: string }>(
        `insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests, extra_adult_fee, extra_child_fee,
                                            child_free_below_age, child_adult_from_age, child_supplement_amount, child_supplement_percent)
         values ($1, $2, $3, 'EUR', $4, $5, $6, 777, $7, $8, $9, $10) returning id`,
        [h.propertyId, h.roomTypeId, `Random ${round}`, plan.base, plan.included, plan.adultFee, plan.freeBelow, plan.adultFrom, plan.amount, plan.percent],
      )).rows[0]!.id;
      for (let n = 0; n < nights; n++) {
        const price = next() < 0.5 ? between(next, 500, 40000) : null;
        if (price !== null) {
          await c.query("insert into app_public.rate_calendar (property_id, rate_plan_id, date, price) values ($1, $2, $3, $4)",
                        [h.propertyId, ratePlanId, addDays(arrival, n), price]);
        }
        plan.prices.push(price ?? plan.base);
      }
      const adults = between(next, 1, 4);
      const ages = Array.from({ length: between(next, 0, 12 - adults) }, () => pick(next, [0, 1, 2, 3, 5, 8, 11, 12, 13, 15, 17]));
      const q = await agedQuote(c, ratePlanId, arrival, nights, adults, ages);
      const want = reference(plan, adults, ages);
      const context = JSON.stringify({ seed, round, plan, adults, ages });
      expect([context, Number(q.room_amount)]).toEqual([context, want.room]);
      expect([context, q.lines.filter((l) => l.kind === "child").map((l) => l.amount)]).toEqual([context, want.childLines]);
    }
  }));

test("hostile ages: more ages than children, negative, 200, a null, none where the plan prices by age, another property's plan", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await bandedHotel(c);
    const other = await createHotel(c);
    await c.query("update app_public.properties set is_published = false where id = $1", [other.propertyId]);
    const arrival = localDate(h.timeZone, 10);
    await anonymous(c);
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 1, [4, 6])).toBe("INVLD CHILD_AGES");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 2, [4])).toBe("INVLD CHILD_AGES");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 1, [-1])).toBe("INVLD CHILD_AGES");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 1, [200])).toBe("INVLD CHILD_AGES");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 1, [18])).toBe("INVLD CHILD_AGES");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 1, [null])).toBe("INVLD CHILD_AGES");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 2, [[4, 5]])).toBe("INVLD CHILD_AGES");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 1, null)).toBe("INVLD CHILD_AGES");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 0, null)).toBe("ok");
    // A plan that does not price by age takes ages (checked) or none.
    expect(await quoteRefusal(c, other.ratePlanId, arrival, 2, 1, [5])).toBe("NTFND");
    await staff(c, other.manager);
    expect(await quoteRefusal(c, other.ratePlanId, arrival, 2, 1, null)).toBe("ok");
    expect(await quoteRefusal(c, other.ratePlanId, arrival, 2, 1, [30])).toBe("INVLD CHILD_AGES");
    // Search checks the ages' shape too, and another property's manager cannot change this plan's bands.
    expect(await refusalOf(c, "select * from app_public.search_availability($1, $2, 2, 1, child_ages => $3)", [arrival, addDays(arrival, 1), [3, 4]]))
      .toBe("INVLD CHILD_AGES");
    const changed = await c.query("update app_public.rate_plans set child_supplement_amount = 0 where id = $1", [h.ratePlanId]);
    expect(changed.rowCount).toBe(0);
    // The bands' own rules, in the table.
    await asOwner(c);
    for (const bad of [
      "child_free_below_age = 13",
      "child_adult_from_age = 18",
      "child_supplement_amount = 10, child_supplement_percent = 10",
      "child_supplement_amount = null",
      "child_supplement_percent = 150, child_supplement_amount = null",
    ]) {
      expect([bad, await refusalOf(c, `update app_public.rate_plans set ${bad} where id = $1`, [h.ratePlanId])]).toEqual([bad, "INVLD CHILD_BANDS"]);
    }
  }));

test("a child younger than the property welcomes is refused with a clear message, in quote and in search", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await bandedHotel(c);
    await c.query("update app_public.properties set children_allowed = true, children_min_age = 6 where id = $1", [h.propertyId]);
    const arrival = localDate(h.timeZone, 10);
    await anonymous(c);
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 2, [9, 4])).toBe("RSTRC CHILD_MIN_AGE");
    await c.query("savepoint s");
    await expect(c.query("select * from app_public.quote($1, $2, $3, 2, 1, child_ages => $4)", [h.ratePlanId, arrival, addDays(arrival, 1), [4]]))
      .rejects.toThrow("This property welcomes children from the age of 6; a child of 4 cannot stay.");
    await c.query("rollback to savepoint s");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 1, [6])).toBe("ok");
    const search = (ages: number[] | null, children: number) =>
      c.query<{ rate_plan_id: string; is_bookable: boolean; restriction: string | null; total_amount: string }>(
        "select * from app_public.search_availability($1, $2, 2, $3, property_id => $4, include_unavailable => true, child_ages => $5)",
        [arrival, addDays(arrival, 1), children, h.propertyId, ages],
      ).then((r) => r.rows.map((x) => [x.is_bookable, x.restriction, x.total_amount]));
    expect(await search([4], 1)).toEqual([[false, "CHILD_MIN_AGE", "12500"]]);
    expect(await search([7], 1)).toEqual([[true, null, "12500"]]);
    expect(await search(null, 1)).toEqual([[false, "CHILD_AGES", "12500"]]);
    expect(await search(null, 0)).toEqual([[true, null, "10000"]]);
  }));

test("a property whose policy takes no children refuses a stay with children, in quote and in search; adults alone book as before", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await bandedHotel(c);
    await c.query("update app_public.properties set children_allowed = false where id = $1", [h.propertyId]);
    const arrival = localDate(h.timeZone, 10);
    await anonymous(c);
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 1, [7])).toBe("RSTRC CHILDREN_NOT_ALLOWED");
    await c.query("savepoint s");
    await expect(c.query("select * from app_public.quote($1, $2, $3, 2, 1, child_ages => $4)", [h.ratePlanId, arrival, addDays(arrival, 1), [7]]))
      .rejects.toThrow("This property does not take children.");
    await c.query("rollback to savepoint s");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 0, [])).toBe("ok");
    const search = (ages: number[] | null, children: number) =>
      c.query<{ is_bookable: boolean; restriction: string | null }>(
        "select * from app_public.search_availability($1, $2, 2, $3, property_id => $4, include_unavailable => true, child_ages => $5)",
        [arrival, addDays(arrival, 1), children, h.propertyId, ages],
      ).then((r) => r.rows.map((x) => [x.is_bookable, x.restriction]));
    expect(await search([7], 1)).toEqual([[false, "CHILDREN_NOT_ALLOWED"]]);
    expect(await search(null, 0)).toEqual([[true, null]]);
    // Not stated (null): children are taken, as before the policy existed.
    await asOwner(c);
    await c.query("update app_public.properties set children_allowed = null where id = $1", [h.propertyId]);
    await anonymous(c);
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 1, [7])).toBe("ok");
  }));

test("babies below the room type's cot age do not count toward its occupancy, in quote, search and a change", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await bandedHotel(c, {}, 3);
    const arrival = localDate(h.timeZone, 10);
    await anonymous(c);
    // Two adults and two babies in a room for three: refused while every guest counts.
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 2, [0, 1])).toBe("RSTRC MAX_OCCUPANCY");
    await staff(c, h.manager);
    await c.query("update app_public.room_types set cot_below_age = 2 where id = $1", [h.roomTypeId]);
    await anonymous(c);
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 2, [0, 1])).toBe("ok");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 2, [0, 2])).toBe("ok");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, 2, [2, 5])).toBe("RSTRC MAX_OCCUPANCY");
    const found = await c.query("select restriction from app_public.search_availability($1, $2, 2, 2, property_id => $3, include_unavailable => true, child_ages => $4)",
                                [arrival, addDays(arrival, 1), h.propertyId, [1, 1]]);
    expect(found.rows).toEqual([{ restriction: null }]);
    const booked = await confirm(c, await hold(c, (await agedQuote(c, h.ratePlanId, arrival, 1, 2, [0, 1])).quote_token));
    await staff(c, h.frontDesk);
    // Two years on the ages (the booking was made long before): neither fits a cot any more.
    expect(await refusalOf(c, "select * from app_public.modify_reservation($1, $2, child_ages => $3)", [booked.reservation_id, newKey(), [2, 3]]))
      .toBe("RSTRC MAX_OCCUPANCY");
    expect(await refusalOf(c, "select * from app_public.quote_change($1, child_ages => $2)", [booked.reservation_id, [2, 3]])).toBe("RSTRC MAX_OCCUPANCY");
    expect(await refusalOf(c, "select * from app_public.quote_change($1, child_ages => $2)", [booked.reservation_id, [1, 3]])).toBe("ok");
    await asOwner(c);
    expect(await refusalOf(c, "update app_public.room_types set cot_below_age = 9 where id = $1", [h.roomTypeId])).toBe("23514");
  }));

test("the hold keeps the quoted ages; Manage changes them re-priced, and the ledger posts the supplement", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await bandedHotel(c);
    await anonymous(c);
    const arrival = localDate(h.timeZone, 12);
    const q = await agedQuote(c, h.ratePlanId, arrival, 2, 2, [1]);
    expect(q.total_amount).toBe("20000");
    const booked = await confirm(c, await hold(c, q.quote_token));
    await asOwner(c);
    expect((await c.query("select child_ages from app_public.reservations where id = $1", [booked.reservation_id])).rows[0].child_ages).toEqual([1]);
    // The table refuses ages that do not match the children.
    expect(await refusalOf(c, "update app_public.reservations set child_ages = '{4,5}' where id = $1", [booked.reservation_id])).toBe("23514");
    expect(await refusalOf(c, "update app_public.reservations set child_ages = '{40}' where id = $1", [booked.reservation_id])).toBe("23514");

    // The guest, from Manage: the baby is 3 by the stay: re-priced with the supplement.
    await anonymous(c);
    await c.query("select set_config('jwt.claims.reservation_id', $1, true)", [booked.reservation_id]);
    const change = (await c.query("select room_amount::text, child_ages from app_public.quote_change($1, child_ages => $2)", [booked.reservation_id, [3]])).rows[0];
    expect(change).toEqual({ room_amount: String(2 * (10000 + 2500)), child_ages: [3] });
    // Another child without an age is refused; the same number keeps the booking's ages.
    expect(await refusalOf(c, "select * from app_public.quote_change($1, children => 2)", [booked.reservation_id])).toBe("INVLD CHILD_AGES");
    expect((await c.query("select room_amount::text from app_public.quote_change($1, departure => $2)", [booked.reservation_id, addDays(arrival, 3)])).rows[0].room_amount)
      .toBe("30000");
    const changed = (await c.query("select total_amount::text from app_public.modify_reservation($1, $2, child_ages => $3)", [booked.reservation_id, newKey(), [3]])).rows[0];
    expect(changed.total_amount).toBe("25000");
    await asOwner(c);
    const row = (await c.query("select child_ages, price_lines from app_public.reservations where id = $1", [booked.reservation_id])).rows[0];
    expect(row.child_ages).toEqual([3]);
    expect((row.price_lines as Line[]).filter((l) => l.kind === "child").map((l) => l.amount)).toEqual([2500, 2500]);
    const ledger = await ledgerOf(c, booked.reservation_id);
    expect(ledger.guest_receivable).toBe(25000);
    expect(ledger.room_revenue).toBe(-25000);
    expect(await trialBalanceIsZero(c)).toBe(true);

    // Staff move the booking to another property's plan: refused as unknown.
    const other = await createHotel(c);
    await c.query("select set_config('jwt.claims.reservation_id', '', true)");
    await staff(c, h.frontDesk);
    expect(await refusalOf(c, "select * from app_public.modify_reservation($1, $2, rate_plan_id => $3, child_ages => $4)",
                           [booked.reservation_id, newKey(), other.ratePlanId, [3]])).toBe("NTFND");
    await actAs(c, { role: "keepr_staff", userId: other.manager });
    expect(await refusalOf(c, "select * from app_public.modify_reservation($1, $2, child_ages => $3)", [booked.reservation_id, newKey(), [5]]))
      .toBe("NTFND");
  }));

test("ages, an extra and a promo code on one stay: each priced once, the total their sum, kept by the hold, posted balanced; a change keeps all three", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await bandedHotel(c);
    const extraId = (await c.query<{ id: string }>(
      `insert into app_public.folio_extras (property_id, name, unit_price, currency, is_bookable, booking_basis, max_quantity)
       values ($1, 'Parking', 1500, 'EUR', true, 'per_night', 2) returning id`, [h.propertyId])).rows[0]!.id;
    await c.query("insert into app_public.promo_codes (property_id, code, percent_off, currency) values ($1, 'FAMILY20', 20, 'EUR')", [h.propertyId]);
    await anonymous(c);
    const arrival = localDate(h.timeZone, 14);
    // Two nights, two adults, children of 1 (free) and 5 (€25 a night): room 2 × (100 + 25) = 250, less 20 % = 200;
    // parking 2 nights × €15 = 30: €230.
    const q = (await c.query(
      "select total_amount::text, room_amount::text, extras_amount::text, child_ages, promo_code, quote_token, to_jsonb(lines) as lines from app_public.quote($1, $2, $3, 2, 2, 'family20', $4::jsonb, $5)",
      [h.ratePlanId, arrival, addDays(arrival, 2), JSON.stringify([{ extraId, quantity: 1 }]), [1, 5]],
    )).rows[0];
    expect([q.room_amount, q.extras_amount, q.total_amount, q.child_ages, q.promo_code]).toEqual(["20000", "3000", "23000", [1, 5], "FAMILY20"]);
    const kinds = (q.lines as Line[]).map((l) => l.kind);
    expect(kinds.filter((k) => k === "child")).toHaveLength(2);
    expect(kinds.filter((k) => k === "extra")).toHaveLength(1);
    expect(kinds.filter((k) => k === "discount")).toHaveLength(1);
    const booked = await confirm(c, await hold(c, q.quote_token));
    await asOwner(c);
    const r = (await c.query("select total_amount::text, extras_amount::text, child_ages from app_public.reservations where id = $1", [booked.reservation_id])).rows[0];
    expect(r).toEqual({ total_amount: "23000", extras_amount: "3000", child_ages: [1, 5] });
    expect((await ledgerOf(c, booked.reservation_id)).guest_receivable).toBe(23000);
    expect(await trialBalanceIsZero(c)).toBe(true);
    // One more night: every part follows (the ages kept, the promo and the parking night re-priced).
    await anonymous(c);
    await c.query("select set_config('jwt.claims.reservation_id', $1, true)", [booked.reservation_id]);
    const changed = (await c.query("select total_amount::text from app_public.modify_reservation($1, $2, departure => $3)", [booked.reservation_id, newKey(), addDays(arrival, 3)])).rows[0];
    expect(changed.total_amount).toBe(String(3 * 12500 * 0.8 + 3 * 1500));
    await asOwner(c);
    expect(await trialBalanceIsZero(c)).toBe(true);
  }));

test("room combinations spread the children's ages over the rooms in order and price each room with its own", () =>
  inRollback(db.ownerPool, async (c) => {
    // Doubles for 3 on the banded plan: under 3 free, 3-11 +25.00, 12+ as adults (+30.00 beyond 2).
    const h = await bandedHotel(c, {}, 3);
    const arrival = localDate(h.timeZone, 10);
    await anonymous(c);
    const combos = (ages: number[] | null) =>
      c.query<{ rooms: Array<{ adults: number; children: number; child_ages: number[] | null }>; total_amount: string }>(
        "select to_jsonb(rooms) as rooms, total_amount::text from app_public.room_combinations($1, $2, $3, 2, 4, child_ages => $4)",
        [h.propertyId, arrival, addDays(arrival, 1), ages],
      ).then((r) => r.rows);
    // Two rooms: 1 adult + 2 children each (each room filled before the next), ages given in order.
    const [best] = await combos([1, 5, 8, 14]);
    expect(best!.rooms.map((r) => [r.adults, r.children, r.child_ages])).toEqual([[1, 2, [1, 5]], [1, 2, [8, 14]]]);
    // Room 1: 100 + 25 (the 5-year-old); room 2: 100 + 25 (the 8-year-old) + the 14-year-old as a second adult, included.
    expect(best!.total_amount).toBe(String(12500 + 12500));
    // Without ages, the banded plan cannot price a room with children: no combination.
    expect(await combos(null)).toEqual([]);
    expect(await refusalOf(c, "select * from app_public.room_combinations($1, $2, $3, 2, 4, child_ages => $4)",
                           [h.propertyId, arrival, addDays(arrival, 1), [1, 5, 8]])).toBe("INVLD CHILD_AGES");
  }));

test("the front desk books children's ages: deskQuote asks for them where the plan prices by age, prices them, and createDeskHold keeps them", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await bandedHotel(c);
    const arrival = localDate(h.timeZone, 14);
    await staff(c, h.frontDesk);
    const deskQuote = "select q.room_amount::text, q.child_ages, q.quote_token from app_public.desk_quote($1, $2, $3, 2, $4, child_ages => $5) q";
    // Children and no ages, on a plan priced by age: refused, as quote refuses it.
    expect(await refusalOf(c, deskQuote, [h.ratePlanId, arrival, addDays(arrival, 2), 2, null])).toBe("INVLD CHILD_AGES");
    expect(await refusalOf(c, deskQuote, [h.ratePlanId, arrival, addDays(arrival, 2), 2, [5]])).toBe("INVLD CHILD_AGES");
    expect(await refusalOf(c, deskQuote, [h.ratePlanId, arrival, addDays(arrival, 2), 1, [30]])).toBe("INVLD CHILD_AGES");
    const q = (await c.query(deskQuote, [h.ratePlanId, arrival, addDays(arrival, 2), 2, [1, 7]])).rows[0];
    // Two nights of 10000, the 7-year-old's supplement of 2500 each night, the baby free.
    expect(q).toMatchObject({ room_amount: String(2 * (10000 + 2500)), child_ages: [1, 7] });
    // With a rate override: the desk's price replaces the room's, the ages stay on the token.
    const overridden = (await c.query(
      "select q.room_amount::text, q.child_ages from app_public.desk_quote($1, $2, $3, 2, 2, discount_percent => 10, override_reason => 'Regulars', child_ages => $4) q",
      [h.ratePlanId, arrival, addDays(arrival, 2), [1, 7]],
    )).rows[0];
    expect(overridden).toEqual({ room_amount: String(Math.round(2 * (10000 + 2500) * 0.9)), child_ages: [1, 7] });
    const held = (await c.query("select reservation_id from app_public.create_desk_hold($1, $2)", [q.quote_token, newKey()])).rows[0];
    await asOwner(c);
    expect((await c.query("select child_ages, children, room_amount::text from app_public.reservations where id = $1", [held.reservation_id])).rows[0])
      .toEqual({ child_ages: [1, 7], children: 2, room_amount: "25000" });
  }));

test("a room added to a group takes its children's ages: quoteGroupRoom prices them as addGroupRoom charges, and the room keeps them", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await bandedHotel(c);
    const arrival = localDate(h.timeZone, 16);
    await anonymous(c);
    const q = await quoteGroup(c, [{ ratePlanId: h.ratePlanId }, { ratePlanId: h.ratePlanId }], arrival, addDays(arrival, 2));
    const held = await holdGroup(c, q.quote_token);
    await confirmGroup(c, held);
    await staff(c, h.frontDesk);
    const price = "select room_amount::text, child_ages from app_public.quote_group_room($1, $2, 2, $3, child_ages => $4)";
    expect(await refusalOf(c, price, [held.booking_group_id, h.ratePlanId, 1, null])).toBe("INVLD CHILD_AGES");
    expect(await refusalOf(c, price, [held.booking_group_id, h.ratePlanId, 1, [200]])).toBe("INVLD CHILD_AGES");
    const priced = (await c.query(price, [held.booking_group_id, h.ratePlanId, 2, [4, 13]])).rows[0];
    // The 13-year-old is priced as an adult (3000 a night), the 4-year-old pays the supplement (2500).
    expect(priced).toEqual({ room_amount: String(2 * (10000 + 3000 + 2500)), child_ages: [4, 13] });
    const add = "select reservation_id, total_amount::text from app_public.add_group_room($1, $2, $3, 2, $4, child_ages => $5)";
    expect(await refusalOf(c, add, [held.booking_group_id, newKey(), h.ratePlanId, 2, null])).toBe("INVLD CHILD_AGES");
    const key = newKey();
    const added = (await c.query(add, [held.booking_group_id, key, h.ratePlanId, 2, [4, 13]])).rows[0];
    expect(added.total_amount).toBe(priced.room_amount);
    // The same key again replays; with other ages it is another request.
    expect((await c.query(add, [held.booking_group_id, key, h.ratePlanId, 2, [4, 13]])).rows[0].reservation_id).toBe(added.reservation_id);
    expect(await refusalOf(c, add, [held.booking_group_id, key, h.ratePlanId, 2, [4, 12]])).toBe("IDKEY");
    await asOwner(c);
    expect((await c.query("select child_ages, room_no, group_id from app_public.reservations where id = $1", [added.reservation_id])).rows[0])
      .toEqual({ child_ages: [4, 13], room_no: 3, group_id: held.booking_group_id });
  }));
