// Issue 22: promo codes. Owners and managers create and deactivate them;
// quote(promoCode) applies one as a discount line of the room price (the
// signed token carries it); createHold checks it again; confirmBooking
// counts the use, so two guests racing for the last use cannot both have it.
import type pg from "pg";
import { actAs, anonymous, asOwner, fileDatabase, inCommit, inRollback, refusalOf, staff } from "../helpers/db.ts";
import { addDays, confirm, createHotel, hold, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { hotelWithTaxes, ledgerOf, trialBalanceIsZero } from "../helpers/ledger.ts";
import { waitUntil } from "../helpers/wait.ts";

const db = fileDatabase();

interface PromoQuote {
  room_amount: string;
  taxes_amount: string;
  total_amount: string;
  promo_code: string | null;
  quote_token: string;
  lines: string;
}

const createPromo = (c: pg.PoolClient, h: Hotel, code: string, options: Record<string, unknown> = {}) =>
  c.query<{ id: string; code: string }>(
    `select * from app_public.create_promo_code($1, $2, percent_off => $3, amount_off => $4, rate_plan_ids => $5,
       stays_from => $6, stays_until => $7, bookable_from => $8, bookable_until => $9, max_uses => $10)`,
    [h.propertyId, code, options.percent_off ?? null, options.amount_off ?? null, options.rate_plan_ids ?? null,
     options.stays_from ?? null, options.stays_until ?? null, options.bookable_from ?? null, options.bookable_until ?? null,
     options.max_uses ?? null],
  ).then((r) => r.rows[0]!);

const promoQuote = async (c: pg.PoolClient, ratePlanId: string, arrival: string, nights: number, code: string | null) =>
  (await c.query<PromoQuote>(
    "select q.*, q.lines::text as lines from app_public.quote($1, $2, $3, 2, 0, $4) q",
    [ratePlanId, arrival, addDays(arrival, nights), code],
  )).rows[0]!;

const quoteRefusal = (c: pg.PoolClient, ratePlanId: string, arrival: string, nights: number, code: string) =>
  refusalOf(c, "select * from app_public.quote($1, $2, $3, 2, 0, $4)", [ratePlanId, arrival, addDays(arrival, nights), code]);

test("a percent code is a discount line of the room price, taxes after it, and the quote names the code", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await c.query(
      "insert into app_public.taxes (property_id, name, basis, percent, currency) values ($1, 'VAT', 'percent_of_room', 10, 'EUR')",
      [h.propertyId],
    );
    await staff(c, h.manager);
    await createPromo(c, h, "summer15", { percent_off: 15 });
    await anonymous(c);
    const arrival = localDate(h.timeZone, 10);
    const plain = await promoQuote(c, h.ratePlanId, arrival, 2, null);
    const promo = await promoQuote(c, h.ratePlanId, arrival, 2, "  Summer15 ");
    expect([plain.room_amount, plain.taxes_amount, plain.total_amount, plain.promo_code]).toEqual(["20000", "2000", "22000", null]);
    expect([promo.room_amount, promo.taxes_amount, promo.total_amount, promo.promo_code]).toEqual(["17000", "1700", "18700", "SUMMER15"]);
    expect(promo.lines).toContain('"(discount,,\\"Promo code SUMMER15 (15% off)\\",1,-3000,f,,,)"');
  }));

test("an amount off never takes the room price below zero", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await staff(c, h.manager);
    await createPromo(c, h, "TENEUROS", { amount_off: 1000 });
    await createPromo(c, h, "ALLOFIT", { amount_off: 999_999_99 });
    await anonymous(c);
    const arrival = localDate(h.timeZone, 10);
    expect((await promoQuote(c, h.ratePlanId, arrival, 3, "teneuros")).room_amount).toBe("29000");
    expect((await promoQuote(c, h.ratePlanId, arrival, 3, "ALLOFIT")).room_amount).toBe("0");
  }));

test("unknown and another property's codes get the same refusal; expired, future, stay dates, rate plan and inactive say why", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const other = await createHotel(c);
    const otherPlan = (await c.query<{ id: string }>(
      "insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price) values ($1, $2, 'Saver', 'EUR', 8000) returning id",
      [h.propertyId, h.roomTypeId],
    )).rows[0]!.id;
    const today = localDate(h.timeZone);
    const arrival = localDate(h.timeZone, 10);
    await staff(c, other.manager);
    await createPromo(c, other, "THEIRS", { percent_off: 50 });
    await staff(c, h.manager);
    await createPromo(c, h, "OLD", { percent_off: 10, bookable_until: addDays(today, -1) });
    await createPromo(c, h, "SOON", { percent_off: 10, bookable_from: addDays(today, 1) });
    await createPromo(c, h, "AUTUMN", { percent_off: 10, stays_from: arrival, stays_until: addDays(arrival, 1) });
    await createPromo(c, h, "SAVERONLY", { percent_off: 10, rate_plan_ids: [otherPlan] });
    const off = await createPromo(c, h, "WITHDRAWN", { percent_off: 10 });
    await c.query("select app_public.set_promo_code_active($1, false)", [off.id]);
    await anonymous(c);
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, "NOSUCH")).toBe("PROMO UNKNOWN");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, "THEIRS")).toBe("PROMO UNKNOWN");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, "x".repeat(100_000))).toBe("PROMO UNKNOWN");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, "OLD")).toBe("PROMO EXPIRED");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, "SOON")).toBe("PROMO NOT_YET");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, "AUTUMN")).toBe("ok");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 3, "AUTUMN")).toBe("PROMO STAY_DATES");
    expect(await quoteRefusal(c, h.ratePlanId, addDays(arrival, -1), 2, "AUTUMN")).toBe("PROMO STAY_DATES");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, "SAVERONLY")).toBe("PROMO RATE_PLAN");
    expect(await quoteRefusal(c, otherPlan, arrival, 2, "saveronly")).toBe("ok");
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 2, "WITHDRAWN")).toBe("PROMO INACTIVE");
    // A blank code is no code.
    expect((await promoQuote(c, h.ratePlanId, arrival, 2, "  ")).promo_code).toBeNull();
  }));

test("only owners and managers manage codes, with typed reasons for bad input", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const other = await createHotel(c);
    await staff(c, h.frontDesk);
    expect(await refusalOf(c, "select app_public.create_promo_code($1, 'DESK', 10)", [h.propertyId])).toBe("DNIED");
    await staff(c, other.manager);
    expect(await refusalOf(c, "select app_public.create_promo_code($1, 'ELSEWHERE', 10)", [h.propertyId])).toBe("NTFND");
    await anonymous(c);
    expect(await refusalOf(c, "select app_public.create_promo_code($1, 'ANON', 10)", [h.propertyId])).not.toBe("ok");
    await staff(c, h.manager);
    const made = await createPromo(c, h, "good-code_1", { percent_off: 12.5, max_uses: 3 });
    expect(made.code).toBe("GOOD-CODE_1");
    const bad: Array<[string, unknown[], string]> = [
      ["select app_public.create_promo_code($1, 'ab', 10)", [h.propertyId], "INVLD CODE"],
      ["select app_public.create_promo_code($1, 'has space', 10)", [h.propertyId], "INVLD CODE"],
      ["select app_public.create_promo_code($1, $2, 10)", [h.propertyId, "A".repeat(100_000)], "INVLD CODE"],
      ["select app_public.create_promo_code($1, 'GOOD-code_1', 5)", [h.propertyId], "INVLD CODE_TAKEN"],
      ["select app_public.create_promo_code($1, 'NEITHER')", [h.propertyId], "INVLD DISCOUNT"],
      ["select app_public.create_promo_code($1, 'BOTH', 10, 100)", [h.propertyId], "INVLD DISCOUNT"],
      ["select app_public.create_promo_code($1, 'NEGATIVE', -5)", [h.propertyId], "INVLD DISCOUNT"],
      ["select app_public.create_promo_code($1, 'TOOMUCH', 100.01)", [h.propertyId], "INVLD DISCOUNT"],
      ["select app_public.create_promo_code($1, 'NEGAMOUNT', amount_off => -100)", [h.propertyId], "INVLD DISCOUNT"],
      ["select app_public.create_promo_code($1, 'THEIRPLAN', 10, rate_plan_ids => array[$2::uuid])", [h.propertyId, other.ratePlanId], "INVLD RATE_PLAN"],
      ["select app_public.create_promo_code($1, 'EMPTYPLANS', 10, rate_plan_ids => '{}')", [h.propertyId], "INVLD RATE_PLAN"],
      ["select app_public.create_promo_code($1, 'BACKWARDS', 10, stays_from => '2027-05-02', stays_until => '2027-05-01')", [h.propertyId], "INVLD STAY_DATES"],
      ["select app_public.create_promo_code($1, 'BACKWARDS', 10, bookable_from => '2027-05-02', bookable_until => '2027-05-01')", [h.propertyId], "INVLD BOOKING_DATES"],
      ["select app_public.create_promo_code($1, 'ZEROUSES', 10, max_uses => 0)", [h.propertyId], "INVLD MAX_USES"],
    ];
    for (const [sql, params, refusal] of bad) expect([sql, await refusalOf(c, sql, params)]).toEqual([sql, refusal]);
    // Another property's manager neither sees nor deactivates the code.
    await staff(c, other.manager);
    expect((await c.query("select * from app_public.promo_codes")).rowCount).toBe(0);
    expect(await refusalOf(c, "select app_public.set_promo_code_active($1, false)", [made.id])).toBe("NTFND");
    await staff(c, h.frontDesk);
    expect(await refusalOf(c, "select app_public.set_promo_code_active($1, false)", [made.id])).toBe("DNIED");
    await staff(c, h.manager);
    expect((await c.query("select (app_public.set_promo_code_active($1, false)).is_active", [made.id])).rows[0].is_active).toBe(false);
    expect((await c.query("select (app_public.set_promo_code_active($1, false)).is_active", [made.id])).rows[0].is_active).toBe(false);
  }));

test("a token whose discount was forged is refused; a hold re-checks the code and confirmation counts it on the folio as room revenue", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await hotelWithTaxes(c);
    await staff(c, h.manager);
    const promo = await createPromo(c, h, "HALF", { percent_off: 50, max_uses: 5 });
    await anonymous(c);
    const arrival = localDate(h.timeZone, 10);
    const q = await promoQuote(c, h.ratePlanId, arrival, 2, "half");
    // The payload says a larger discount; the signature no longer matches.
    const [payload, signature] = q.quote_token.split(".");
    const json = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8"));
    json.total_amount = 1;
    const forged = `${Buffer.from(JSON.stringify(json)).toString("base64url")}.${signature}`;
    expect(await refusalOf(c, "select * from app_public.create_hold($1, $2)", [forged, newKey()])).toBe("QUOTE");

    // Deactivated between quote and hold: the hold is refused.
    await staff(c, h.manager);
    await c.query("select app_public.set_promo_code_active($1, false)", [promo.id]);
    await anonymous(c);
    expect(await refusalOf(c, "select * from app_public.create_hold($1, $2)", [q.quote_token, newKey()])).toBe("PROMO INACTIVE");
    await staff(c, h.manager);
    await c.query("select app_public.set_promo_code_active($1, true)", [promo.id]);
    await anonymous(c);

    const held = await hold(c, q.quote_token);
    expect(held.total_amount).toBe(q.total_amount);
    const booked = await confirm(c, held);
    await asOwner(c);
    const row = (await c.query("select promo_code_id, room_amount::text from app_public.reservations where id = $1", [booked.reservation_id])).rows[0];
    expect(row).toEqual({ promo_code_id: promo.id, room_amount: q.room_amount });
    expect((await c.query("select uses from app_public.promo_codes where id = $1", [promo.id])).rows[0].uses).toBe(1);
    // Nights 20000, less 50% = 10000 room; VAT 6% included (on room and fees); cleaning 3000; city tax 2 × 2 × 200.
    const ledger = await ledgerOf(c, booked.reservation_id);
    expect(ledger.guest_receivable).toBe(Number(q.total_amount));
    expect(ledger.guest_receivable).toBe(10000 + 3000 + 800);
    expect(Object.values(ledger).reduce((a, b) => a + b, 0)).toBe(0);
    expect(await trialBalanceIsZero(c)).toBe(true);
  }));

test("two guests racing for a code's last use: the second confirmation waits for the first, then is refused USED_UP", async () => {
  const setup = await inCommit(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await staff(c, h.manager);
    const promo = await createPromo(c, h, "LASTONE", { percent_off: 20, max_uses: 1 });
    await anonymous(c);
    const arrival = localDate(h.timeZone, 20);
    const holds = [];
    for (const nights of [1, 2]) {
      holds.push(await hold(c, (await promoQuote(c, h.ratePlanId, arrival, nights, "LASTONE")).quote_token));
    }
    return { h, promo, holds };
  });
  const [first, second] = [await db.ownerPool.connect(), await db.ownerPool.connect()];
  try {
    await first.query("begin");
    await actAs(first, { role: "keepr_anonymous" });
    await confirm(first, setup.holds[0]!);
    await second.query("begin");
    await actAs(second, { role: "keepr_anonymous" });
    const pid = (await second.query("select pg_backend_pid() as pid")).rows[0].pid;
    const racing = confirm(second, setup.holds[1]!).then(
      () => "ok",
      (error: { code?: string; hint?: string }) => `${error.code} ${error.hint}`,
    );
    await waitUntil(
      async () => (await db.ownerPool.query("select wait_event_type from pg_stat_activity where pid = $1", [pid])).rows[0]?.wait_event_type === "Lock",
      "the second confirmation to wait for the code's row",
    );
    await first.query("commit");
    expect(await racing).toBe("PROMO USED_UP");
    await second.query("rollback");
  } finally {
    first.release();
    second.release();
  }
  const state = await inRollback(db.ownerPool, async (c) => ({
    uses: (await c.query("select uses from app_public.promo_codes where id = $1", [setup.promo.id])).rows[0].uses,
    statuses: (await c.query("select status from app_public.reservations where id = any($1) order by status::text", [setup.holds.map((x) => x.reservation_id)])).rows.map((r) => r.status),
  }));
  expect(state).toEqual({ uses: 1, statuses: ["confirmed", "held"] });
});

test("a used-up code is refused by quote and by a hold of an older quote", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await staff(c, h.manager);
    await createPromo(c, h, "ONCE", { amount_off: 500, max_uses: 1 });
    await anonymous(c);
    const arrival = localDate(h.timeZone, 15);
    const early = await promoQuote(c, h.ratePlanId, arrival, 1, "ONCE");
    const late = await promoQuote(c, h.ratePlanId, arrival, 2, "ONCE");
    await confirm(c, await hold(c, early.quote_token));
    expect(await quoteRefusal(c, h.ratePlanId, arrival, 1, "ONCE")).toBe("PROMO USED_UP");
    expect(await refusalOf(c, "select * from app_public.create_hold($1, $2)", [late.quote_token, newKey()])).toBe("PROMO USED_UP");
  }));

test("a booking keeps its code's discount when its dates change, on the quote of the change and on the folio", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await staff(c, h.manager);
    await createPromo(c, h, "QUARTER", { percent_off: 25, max_uses: 1 });
    await anonymous(c);
    const arrival = localDate(h.timeZone, 12);
    const booked = await confirm(c, await hold(c, (await promoQuote(c, h.ratePlanId, arrival, 2, "QUARTER")).quote_token));
    expect(booked.total_amount).toBe("15000");
    await staff(c, h.frontDesk);
    const change = (await c.query("select room_amount::text, promo_code from app_public.quote_change($1, departure => $2)", [booked.reservation_id, addDays(arrival, 3)])).rows[0];
    expect(change).toEqual({ room_amount: "22500", promo_code: "QUARTER" });
    const changed = (await c.query("select total_amount::text from app_public.modify_reservation($1, $2, departure => $3)", [booked.reservation_id, newKey(), addDays(arrival, 3)])).rows[0];
    expect(changed.total_amount).toBe("22500");
    await asOwner(c);
    const ledger = await ledgerOf(c, booked.reservation_id);
    expect(ledger.guest_receivable).toBe(22500);
    expect(ledger.room_revenue).toBe(-22500);
    expect(await trialBalanceIsZero(c)).toBe(true);
  }));
