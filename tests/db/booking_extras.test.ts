// Issue 22: extras at booking. Staff mark catalogue extras bookable with a
// basis; quote(extras) prices the guest's choice as extra lines with their
// VAT (the signed token carries them); createHold checks them again and
// keeps them at the quoted prices; confirmation posts them to extras
// revenue; a change of dates re-prices them by the new nights; a
// cancellation refunds them (the penalty is on the room part).
import type pg from "pg";
import { actAs, anonymous, asOwner, fileDatabase, inCommit, inRollback, refusalOf, staff } from "../helpers/db.ts";
import { addDays, confirm, createHotel, hold, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { hotelWithTaxes, ledgerOf, trialBalanceIsZero } from "../helpers/ledger.ts";
import { waitUntil } from "../helpers/wait.ts";

const db = fileDatabase();

interface ExtrasQuote {
  room_amount: string;
  fees_amount: string;
  taxes_amount: string;
  extras_amount: string;
  total_amount: string;
  late_cancellation_penalty: string;
  cancellation_terms: string;
  quote_token: string;
  lines: { kind: string; description: string; quantity: number; amount: number; is_inclusive: boolean; tax_id: string | null; fee_id: string | null; extra_id: string | null }[];
}

interface Catalogue { breakfast: string; parking: string; lateCheckOut: string; minibar: string }

/** Breakfast 15.00 per guest-night (VAT), parking 20.00 per night, late check-out 30.00 per stay (VAT), a minibar the desk alone sells. */
async function catalogue(c: pg.PoolClient, h: Hotel): Promise<Catalogue> {
  await asOwner(c);
  const vat = (await c.query<{ id: string }>("select id from app_public.taxes where property_id = $1 and name = 'VAT'", [h.propertyId])).rows[0]?.id ?? null;
  const add = async (name: string, price: number, basis: string, bookable: boolean, maxQuantity: number, tax: string | null) =>
    (await c.query<{ id: string }>(
      `insert into app_public.folio_extras (property_id, name, unit_price, currency, tax_id, is_bookable, booking_basis, max_quantity, sort_order)
       values ($1, $2, $3, 'EUR', $4, $5, $6, $7, $8) returning id`,
      [h.propertyId, name, price, tax, bookable, basis, maxQuantity, price],
    )).rows[0]!.id;
  return {
    breakfast: await add("Breakfast", 1500, "per_guest_night", true, 2, vat),
    parking: await add("Parking", 2000, "per_night", true, 1, null),
    lateCheckOut: await add("Late check-out", 3000, "per_stay", true, 1, vat),
    minibar: await add("Minibar", 500, "per_stay", false, 5, null),
  };
}

const quoteWith = async (c: pg.PoolClient, h: Hotel, arrival: string, nights: number, extras: unknown) =>
  (await c.query<ExtrasQuote>(
    "select q.*, to_jsonb(q.lines) as lines from app_public.quote($1, $2, $3, 2, 0, null, $4) q",
    [h.ratePlanId, arrival, addDays(arrival, nights), extras === undefined ? null : JSON.stringify(extras)],
  )).rows[0]!;

const quoteRefusal = (c: pg.PoolClient, h: Hotel, arrival: string, extras: unknown) =>
  refusalOf(c, "select * from app_public.quote($1, $2, $3, 2, 0, null, $4)", [h.ratePlanId, arrival, addDays(arrival, 2), JSON.stringify(extras)]);

const all = (x: Catalogue) => [
  { extraId: x.breakfast, quantity: 1 },
  { extraId: x.parking, quantity: 1 },
  { extraId: x.lateCheckOut, quantity: 1 },
];

test("guests see only the bookable, active extras, and the quote prices them by basis with their VAT, in the total", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await hotelWithTaxes(c);
    const x = await catalogue(c, h);
    await anonymous(c);
    const listed = (await c.query("select name, basis, unit_price::int, max_quantity from app_public.bookable_extras($1)", [h.propertyId])).rows;
    expect(listed).toEqual([
      { name: "Breakfast", basis: "per_guest_night", unit_price: 1500, max_quantity: 2 },
      { name: "Parking", basis: "per_night", unit_price: 2000, max_quantity: 1 },
      { name: "Late check-out", basis: "per_stay", unit_price: 3000, max_quantity: 1 },
    ]);
    const arrival = localDate(h.timeZone, 10);
    const plain = await quoteWith(c, h, arrival, 2, undefined);
    const q = await quoteWith(c, h, arrival, 2, all(x));
    // Nights 2 × 10000, cleaning 3000, city tax 2 × 2 × 200; breakfast 2 guests × 2 nights × 1500, parking 2 × 2000, late check-out 3000.
    expect([plain.extras_amount, plain.total_amount]).toEqual(["0", "23800"]);
    expect([q.room_amount, q.fees_amount, q.taxes_amount, q.extras_amount, q.total_amount]).toEqual(["20000", "3000", "800", "13000", "36800"]);
    const extras = q.lines.filter((l) => l.extra_id !== null).map((l) => [l.kind, l.description, l.quantity, l.amount, l.is_inclusive]);
    expect(extras).toEqual([
      ["extra", "Breakfast (per guest per night)", 4, 6000, false],
      ["extra", "Late check-out", 1, 3000, false],
      ["extra", "Parking (per night)", 2, 4000, false],
      ["tax", "VAT (6%, included) on Breakfast", 1, 340, true],
      ["tax", "VAT (6%, included) on Late check-out", 1, 170, true],
    ]);
    // Fee lines name their fee.
    expect(q.lines.filter((l) => l.kind === "fee").every((l) => l.fee_id !== null)).toBe(true);
    // The penalty (non-refundable here would be the whole base) never includes the extras.
    expect(q.cancellation_terms).toContain("Extras are refunded on cancellation.");
    // Two breakfasts each (the most allowed) double that line.
    const two = await quoteWith(c, h, arrival, 2, [{ extraId: x.breakfast, quantity: 2 }]);
    expect(two.lines.find((l) => l.kind === "extra")).toMatchObject({ description: "Breakfast × 2 (per guest per night)", quantity: 8, amount: 12000 });
  }));

test("another property's extra and an unknown id get the same refusal; not bookable, inactive, bad quantities and malformed lists say why", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await hotelWithTaxes(c);
    const x = await catalogue(c, h);
    const other = await createHotel(c);
    const theirs = await catalogue(c, other);
    await c.query("update app_public.folio_extras set is_active = false where id = $1", [x.parking]);
    await anonymous(c);
    const arrival = localDate(h.timeZone, 10);
    const one = (extraId: string, quantity: unknown = 1) => quoteRefusal(c, h, arrival, [{ extraId, quantity }]);
    expect(await one(theirs.breakfast)).toBe("INVLD EXTRA_UNKNOWN");
    expect(await one(newKey())).toBe("INVLD EXTRA_UNKNOWN");
    expect(await one(x.minibar)).toBe("INVLD EXTRA_NOT_BOOKABLE");
    expect(await one(x.parking)).toBe("INVLD EXTRA_INACTIVE");
    for (const quantity of [0, -1, 3, 10 ** 9, 1.5, "1", null, 1e20]) {
      expect(`${quantity}: ${await one(x.breakfast, quantity)}`).toBe(`${quantity}: INVLD EXTRA_QUANTITY`);
    }
    for (const malformed of [{ extraId: x.breakfast, quantity: 1 }, "breakfast", [1], [{ quantity: 1 }], [{ extraId: "not-a-uuid", quantity: 1 }],
                             [{ extraId: x.breakfast, quantity: 1 }, { extraId: x.breakfast, quantity: 1 }],
                             Array.from({ length: 21 }, () => ({ extraId: newKey(), quantity: 1 }))]) {
      expect(await quoteRefusal(c, h, arrival, malformed)).toBe("INVLD EXTRAS");
    }
    // An empty list is no extras.
    expect((await quoteWith(c, h, arrival, 2, [])).extras_amount).toBe("0");
    // Another property's extras are not listed either.
    expect((await c.query("select count(*)::int as n from app_public.bookable_extras($1)", [other.propertyId])).rows[0].n).toBe(3);
  }));

test("a token whose extras were forged is refused; an extra withdrawn between quote and hold refuses the hold", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await hotelWithTaxes(c);
    const x = await catalogue(c, h);
    await anonymous(c);
    const arrival = localDate(h.timeZone, 10);
    const q = await quoteWith(c, h, arrival, 2, [{ extraId: x.breakfast, quantity: 1 }]);
    const [payload, signature] = q.quote_token.split(".");
    const json = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8"));
    json.extras.push({ extra_id: x.parking, name: "Parking", basis: "per_night", unit_price: 1, tax_id: null, quantity: 1 });
    const forged = `${Buffer.from(JSON.stringify(json)).toString("base64url")}.${signature}`;
    expect(await refusalOf(c, "select * from app_public.create_hold($1, $2)", [forged, newKey()])).toBe("QUOTE");

    await asOwner(c);
    await c.query("update app_public.folio_extras set is_active = false where id = $1", [x.breakfast]);
    await anonymous(c);
    expect(await refusalOf(c, "select * from app_public.create_hold($1, $2)", [q.quote_token, newKey()])).toBe("INVLD EXTRA_INACTIVE");
    await asOwner(c);
    await c.query("update app_public.folio_extras set is_active = true, is_bookable = false where id = $1", [x.breakfast]);
    await anonymous(c);
    expect(await refusalOf(c, "select * from app_public.create_hold($1, $2)", [q.quote_token, newKey()])).toBe("INVLD EXTRA_NOT_BOOKABLE");
    await asOwner(c);
    // Bookable again at a new price: the quoted price stands.
    await c.query("update app_public.folio_extras set is_bookable = true, unit_price = 9900 where id = $1", [x.breakfast]);
    await anonymous(c);
    const held = await hold(c, q.quote_token);
    expect(held.total_amount).toBe(q.total_amount);
    await asOwner(c);
    expect((await c.query("select name, basis, unit_price::int, quantity from app_public.reservation_extras where reservation_id = $1", [held.reservation_id])).rows)
      .toEqual([{ name: "Breakfast", basis: "per_guest_night", unit_price: 1500, quantity: 1 }]);
    expect(await trialBalanceIsZero(c)).toBe(true);
  }));

test("confirmation posts the extras to extras revenue (less their VAT); a longer stay re-prices per-night extras at the booked price; the folio balances", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await hotelWithTaxes(c);
    const x = await catalogue(c, h);
    await anonymous(c);
    const arrival = localDate(h.timeZone, 10);
    const q = await quoteWith(c, h, arrival, 2, all(x));
    const booked = await confirm(c, await hold(c, q.quote_token));
    expect(booked.total_amount).toBe("36800");
    await asOwner(c);
    let ledger = await ledgerOf(c, booked.reservation_id);
    expect(ledger.guest_receivable).toBe(36800);
    expect(ledger.extras_revenue).toBe(-(13000 - 340 - 170));
    // VAT of the room and cleaning (1302) and of the extras (340 + 170) on the one VAT account.
    expect(ledger["tax_payable:VAT"]).toBe(-(1302 + 340 + 170));
    expect(Object.values(ledger).reduce((a, b) => a + b, 0)).toBe(0);
    // The invoice has a line per extra with its own VAT; the nights keep theirs; the lines add up to the total.
    const invoiceLines = (await c.query<{ lines: Array<{ type: string; description: string; net: number; vat: number; vat_rate: number; amount: number }> }>(
      "select app_private.invoice_lines(f) as lines from app_public.folios f where f.reservation_id = $1 and f.is_primary", [booked.reservation_id])).rows[0]!.lines;
    expect(invoiceLines.filter((l) => l.type === "extra").map((l) => [l.description, l.net, l.vat, Number(l.vat_rate), l.amount])).toEqual([
      ["Breakfast (per guest per night)", 6000 - 340, 340, 6, 6000],
      ["Late check-out", 3000 - 170, 170, 6, 3000],
      ["Parking (per night)", 4000, 0, 0, 4000],
    ]);
    expect(invoiceLines.reduce((sum, l) => sum + Number(l.amount), 0)).toBe(36800);
    expect(invoiceLines.filter((l) => l.type === "night").reduce((sum, l) => sum + Number(l.vat), 0)).toBe(1302 - 170);

    // The catalogue's price changes; the booking keeps its own.
    await c.query("update app_public.folio_extras set unit_price = 5000 where id = $1", [x.parking]);
    await staff(c, h.frontDesk);
    const change = (await c.query("select extras_amount::int, total_amount::int from app_public.quote_change($1, departure => $2)", [booked.reservation_id, addDays(arrival, 3)])).rows[0];
    // Breakfast 2 × 3 × 1500, parking 3 × 2000, late check-out 3000.
    expect(change).toEqual({ extras_amount: 18000, total_amount: 30000 + 3000 + 1200 + 18000 });
    const changed = (await c.query("select total_amount::int from app_public.modify_reservation($1, $2, departure => $3)", [booked.reservation_id, newKey(), addDays(arrival, 3)])).rows[0];
    expect(changed.total_amount).toBe(52200);
    await asOwner(c);
    ledger = await ledgerOf(c, booked.reservation_id);
    expect(ledger.guest_receivable).toBe(52200);
    expect(ledger.extras_revenue).toBe(-(18000 - 509 - 170));
    expect(await trialBalanceIsZero(c)).toBe(true);
  }));

test("a cancellation refunds the extras: the penalty of a non-refundable rate is the room part, the extras' revenue and VAT are reversed", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await hotelWithTaxes(c, { is_refundable: false });
    const x = await catalogue(c, h);
    await anonymous(c);
    const arrival = localDate(h.timeZone, 10);
    const q = await quoteWith(c, h, arrival, 2, all(x));
    // The whole total less the extras and the city tax (owed only for nights stayed).
    expect(q.late_cancellation_penalty).toBe(String(36800 - 13000 - 800));
    const booked = await confirm(c, await hold(c, q.quote_token));
    await staff(c, h.frontDesk);
    const cancelled = (await c.query("select * from app_public.cancel_reservation($1, $2)", [booked.reservation_id, newKey()])).rows[0];
    expect(cancelled.status).toBe("cancelled");
    await asOwner(c);
    const row = (await c.query("select penalty_amount::int, app_private.penalty_base(r)::int as base from app_public.reservations r where id = $1", [booked.reservation_id])).rows[0];
    expect(row).toEqual({ penalty_amount: 23000, base: 23000 });
    const ledger = await ledgerOf(c, booked.reservation_id);
    expect(ledger.extras_revenue).toBeUndefined();
    expect(ledger.guest_receivable).toBe(23000);
    // The penalty keeps the VAT of the room and cleaning only: round(23000 × 1302 / 23000).
    expect(ledger["tax_payable:VAT"]).toBe(-1302);
    expect(ledger.cancellation_revenue).toBe(-(23000 - 1302));
    expect(await trialBalanceIsZero(c)).toBe(true);
  }));

test("only staff of the property read a booking's extras; guests cannot write them", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await hotelWithTaxes(c);
    const x = await catalogue(c, h);
    const other = await createHotel(c);
    await anonymous(c);
    const arrival = localDate(h.timeZone, 10);
    const held = await hold(c, (await quoteWith(c, h, arrival, 1, all(x))).quote_token);
    expect(await refusalOf(c, "select * from app_public.reservation_extras")).toBe("42501");
    await staff(c, other.manager);
    expect((await c.query("select count(*)::int as n from app_public.reservation_extras where reservation_id = $1", [held.reservation_id])).rows[0].n).toBe(0);
    expect(await refusalOf(c, "insert into app_public.reservation_extras (property_id, reservation_id, extra_id, position, name, basis, unit_price, quantity) values ($1, $2, $3, 1, 'x', 'per_stay', 1, 1)",
      [h.propertyId, held.reservation_id, x.breakfast])).toBe("42501");
    await staff(c, h.frontDesk);
    expect((await c.query("select count(*)::int as n from app_public.reservation_extras where reservation_id = $1", [held.reservation_id])).rows[0].n).toBe(3);
  }));

test("managers translate an extra's name as a fee's; guests read it in their language; others are refused as for fees", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await hotelWithTaxes(c);
    const x = await catalogue(c, h);
    const other = await createHotel(c);
    await staff(c, h.manager);
    expect((await c.query("select name from app_public.set_extra_translation($1, 'pt', ' Pequeno-almoço ')", [x.breakfast])).rows[0].name).toBe("Pequeno-almoço");
    expect(await refusalOf(c, "select app_public.set_extra_translation($1, 'pt', $2)", [x.breakfast, "x".repeat(201)])).toBe("INVLD NAME");
    expect(await refusalOf(c, "select app_public.set_extra_translation($1, 'xx', 'Nope')", [x.breakfast])).toBe("INVLD LANGUAGE");
    await staff(c, h.frontDesk);
    expect(await refusalOf(c, "select app_public.set_extra_translation($1, 'es', 'Desayuno')", [x.breakfast])).toBe("DNIED");
    await staff(c, other.manager);
    expect(await refusalOf(c, "select app_public.set_extra_translation($1, 'es', 'Desayuno')", [x.breakfast])).toBe("NTFND");
    await anonymous(c);
    const names = async (language: string | null) =>
      (await c.query("select name from app_public.bookable_extras($1, $2)", [h.propertyId, language])).rows.map((r) => r.name);
    expect(await names("pt")).toEqual(["Pequeno-almoço", "Parking", "Late check-out"]);
    expect(await names("es")).toEqual(["Breakfast", "Parking", "Late check-out"]);
    expect(await names(null)).toEqual(["Breakfast", "Parking", "Late check-out"]);
    // A blank name removes the translation.
    await staff(c, h.manager);
    expect((await c.query("select app_public.set_extra_translation($1, 'pt', '  ') as t", [x.breakfast])).rows[0].t).toBeNull();
    await anonymous(c);
    expect(await names("pt")).toEqual(["Breakfast", "Parking", "Late check-out"]);
  }));

test("two holds racing for the last parking space of a night: the second waits for the first, then is refused EXTRA_SOLD_OUT", async () => {
  const setup = await inCommit(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const parking = (await c.query<{ id: string }>(
      `insert into app_public.folio_extras (property_id, name, unit_price, currency, is_bookable, booking_basis, max_quantity, daily_limit)
       values ($1, 'Parking', 1200, 'EUR', true, 'per_night', 2, 2) returning id`, [h.propertyId])).rows[0]!.id;
    await anonymous(c);
    const arrival = localDate(h.timeZone, 20);
    const q = async (offset: number, nights: number, quantity: number) =>
      (await c.query("select quote_token from app_public.quote($1, $2, $3, 2, 0, null, $4)",
        [h.ratePlanId, addDays(arrival, offset), addDays(arrival, offset + nights), JSON.stringify([{ extraId: parking, quantity }])])).rows[0].quote_token as string;
    // One space taken on the second night by a confirmed booking; two guests then quote the last one.
    await confirm(c, await hold(c, await q(1, 1, 1)));
    // Two spaces for a stay over the night with one left: refused at the quote already.
    const tooMany = await refusalOf(c, "select * from app_public.quote($1, $2, $3, 2, 0, null, $4)",
      [h.ratePlanId, arrival, addDays(arrival, 2), JSON.stringify([{ extraId: parking, quantity: 2 }])]);
    return { h, parking, arrival, first: await q(0, 2, 1), second: await q(1, 3, 1), tooMany };
  });
  expect(setup.tooMany).toBe("INVLD EXTRA_SOLD_OUT");
  const [first, second] = [await db.ownerPool.connect(), await db.ownerPool.connect()];
  try {
    await first.query("begin");
    await actAs(first, { role: "keepr_anonymous" });
    await first.query("select * from app_public.create_hold($1, $2)", [setup.first, newKey()]);
    await second.query("begin");
    await actAs(second, { role: "keepr_anonymous" });
    const pid = (await second.query("select pg_backend_pid() as pid")).rows[0].pid;
    const racing = second.query("select * from app_public.create_hold($1, $2)", [setup.second, newKey()]).then(
      () => "ok",
      (error: { code?: string; hint?: string }) => `${error.code} ${error.hint}`,
    );
    await waitUntil(
      async () => (await db.ownerPool.query("select wait_event_type from pg_stat_activity where pid = $1", [pid])).rows[0]?.wait_event_type === "Lock",
      "the second hold to wait for the extra's row",
    );
    await first.query("commit");
    expect(await racing).toBe("INVLD EXTRA_SOLD_OUT");
    await second.query("rollback");
  } finally {
    first.release();
    second.release();
  }
  await inRollback(db.ownerPool, async (c) => {
    await anonymous(c);
    const quoteParking = (offset: number, nights: number) =>
      refusalOf(c, "select * from app_public.quote($1, $2, $3, 2, 0, null, $4)",
        [setup.h.ratePlanId, addDays(setup.arrival, offset), addDays(setup.arrival, offset + nights), JSON.stringify([{ extraId: setup.parking, quantity: 1 }])]);
    // The second night is full; the night after still has both spaces.
    expect(await quoteParking(1, 1)).toBe("INVLD EXTRA_SOLD_OUT");
    expect(await quoteParking(2, 1)).toBe("ok");
    // A held booking that expired gives its space back.
    await asOwner(c);
    await c.query("update app_public.reservations set hold_expires_at = now() - interval '1 minute' where property_id = $1 and status = 'held'", [setup.h.propertyId]);
    await anonymous(c);
    expect(await quoteParking(1, 1)).toBe("ok");
    // A change of the confirmed booking onto a full night is refused and changes nothing.
    await asOwner(c);
    await c.query("update app_public.reservations set hold_expires_at = now() + interval '5 minutes' where property_id = $1 and status = 'held'", [setup.h.propertyId]);
    const [booked] = (await c.query("select id from app_public.reservations where property_id = $1 and status = 'confirmed'", [setup.h.propertyId])).rows;
    await c.query("update app_public.folio_extras set daily_limit = 1 where id = $1", [setup.parking]);
    await staff(c, setup.h.frontDesk);
    expect(await refusalOf(c, "select * from app_public.modify_reservation($1, $2, arrival => $3)", [booked.id, newKey(), setup.arrival])).toBe("INVLD EXTRA_SOLD_OUT");
  });
});
