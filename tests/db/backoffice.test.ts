// What the staff console's back office reads beyond the plain tables:
// folios by status and balance (app_public.folio_list), the journal between
// two dates of the property's calendar (app_public.journal_entries_between)
// and the rate calendar as a grid of plans × dates (app_public.rate_grid),
// each under the API's roles. Each test runs in a transaction that is rolled
// back.
import type pg from "pg";
import { anonymous, fileDatabase, inRollback, sqlstateOf, staff } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();

async function accountant(c: pg.PoolClient, h: Hotel): Promise<string> {
  await c.query("reset role");
  const { rows } = await c.query<{ id: string }>("insert into app_public.users (email, display_name) values ($1, 'Ann Accounts') returning id", [
    `accounts-${newKey()}@test.example`,
  ]);
  await c.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'accountant')", [h.propertyId, rows[0]!.id]);
  return rows[0]!.id;
}

/** Records a capture of the whole intent as the worker would (Dr payment clearing / Cr folio). */
async function capture(c: pg.PoolClient, h: Hotel, reservationId: string): Promise<void> {
  await staff(c, h.frontDesk);
  const intents = await c.query<{ id: string }>("select id from app_public.payment_intents where reservation_id = $1 and status = 'requires_payment'", [reservationId]);
  for (const intent of intents.rows) {
    const attempt = await c.query<{ id: string }>("select id from app_public.pay($1, 'tok_backoffice_test', $2)", [intent.id, newKey()]);
    const chargeId = `ch_${newKey().replace(/-/g, "")}`;
    await c.query("reset role");
    await c.query("select app_private.record_authorization($1, $2)", [attempt.rows[0]!.id, chargeId]);
    await c.query("select app_private.record_capture($1, $2, now())", [attempt.rows[0]!.id, chargeId]);
  }
}

it("folio_list: newest first, by status, and only the unsettled ones; staff of other properties see nothing", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 4 });
    const other = await createHotel(c);
    const today = localDate(h.timeZone);
    await anonymous(c);
    const owing = await book(c, h.ratePlanId, addDays(today, 3), addDays(today, 5));
    const paid = await book(c, h.ratePlanId, addDays(today, 4), addDays(today, 6));
    const elsewhere = await book(c, other.ratePlanId, addDays(today, 3), addDays(today, 4));
    await capture(c, h, paid.reservation_id);
    await c.query("reset role");
    // A closed folio (as check-out leaves it): settled and closed.
    await c.query("update app_public.folios set status = 'closed', closed_at = now() where reservation_id = $1", [paid.reservation_id]);

    const list = async (status: string | null, unsettled: boolean) =>
      (
        await c.query<{ code: string }>(
          `select r.confirmation_code as code from app_public.folio_list($1, $2, $3) f
             join app_public.reservations r on r.id = f.reservation_id`,
          [h.propertyId, status, unsettled],
        )
      ).rows.map((r) => r.code);

    const books = await accountant(c, h);
    await staff(c, books);
    // Newest first (the folios were opened in booking order; ties broken by id).
    expect(new Set(await list(null, false))).toEqual(new Set([owing.confirmation_code, paid.confirmation_code]));
    expect(await list(null, true)).toEqual([owing.confirmation_code]);
    expect(await list("open", false)).toEqual([owing.confirmation_code]);
    expect(await list("closed", false)).toEqual([paid.confirmation_code]);
    expect(await list("closed", true)).toEqual([]);
    // The front desk reads folios too (RLS); another property's staff read none of these.
    await staff(c, h.frontDesk);
    expect(await list("open", true)).toEqual([owing.confirmation_code]);
    await staff(c, other.frontDesk);
    expect(await list(null, false)).toEqual([]);
    const theirs = await c.query("select * from app_public.folio_list($1)", [other.propertyId]);
    expect(theirs.rows.map((r) => r.reservation_id)).toEqual([elsewhere.reservation_id]);
  }));

it("journal_entries_between: entries dated in the property's calendar, newest first, by account; only those who keep the books", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { timeZone: "Pacific/Auckland" });
    const today = localDate(h.timeZone);
    await anonymous(c);
    const stay = await book(c, h.ratePlanId, addDays(today, 2), addDays(today, 3));
    await capture(c, h, stay.reservation_id);
    await c.query("reset role");
    const books = await accountant(c, h);
    await staff(c, books);
    const between = async (from: string | null, to: string | null, account: string | null = null) =>
      (
        await c.query<{ description: string; cause_type: string }>(
          "select description, cause_type from app_public.journal_entries_between($1, $2, $3, $4)",
          [h.propertyId, from, to, account],
        )
      ).rows.map((r) => r.cause_type);
    // Today (in Auckland) holds the booking and the payment (one transaction here: the same time).
    expect((await between(today, today)).sort()).toEqual(["payment", "reservation"]);
    expect((await between(null, null)).sort()).toEqual(["payment", "reservation"]);
    expect(await between(addDays(today, 1), null)).toEqual([]);
    expect(await between(null, addDays(today, -1))).toEqual([]);
    const clearing = await c.query<{ id: string }>("select id from app_public.ledger_accounts where property_id = $1 and purpose = 'payment_clearing'", [h.propertyId]);
    expect(await between(today, today, clearing.rows[0]!.id)).toEqual(["payment"]);
    // The front desk does not read the journal (RLS on journal entries).
    await staff(c, h.frontDesk);
    expect(await between(null, null)).toEqual([]);
  }));

it("rate_grid: each plan × date with the override or the plan's defaults; housekeeping and strangers are refused", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { ratePlan: { base_price: 12000, min_stay: 2 } });
    const other = await createHotel(c);
    const from = localDate(h.timeZone, 10);
    await staff(c, h.manager);
    await c.query("select app_public.set_rates($1, $2, $3, $4, price => 15000, stop_sell => true)", [h.ratePlanId, addDays(from, 1), addDays(from, 1), newKey()]);
    await c.query("select app_public.set_rates($1, $2, $3, $4, min_stay => 3, closed_to_arrival => true)", [h.ratePlanId, addDays(from, 2), addDays(from, 2), newKey()]);
    const { rows } = await c.query(
      `select rate_plan_id, date::text, price::int, price_is_override, min_stay, max_stay, closed_to_arrival, closed_to_departure, stop_sell, is_override
         from app_public.rate_grid($1, $2, $3)`,
      [h.propertyId, from, addDays(from, 2)],
    );
    const day = (date: string, values: object) => ({
      rate_plan_id: h.ratePlanId, date, price: 12000, price_is_override: false, min_stay: 2, max_stay: null,
      closed_to_arrival: false, closed_to_departure: false, stop_sell: false, is_override: false, ...values,
    });
    expect(rows).toEqual([
      day(from, {}),
      day(addDays(from, 1), { price: 15000, price_is_override: true, stop_sell: true, is_override: true }),
      day(addDays(from, 2), { min_stay: 3, closed_to_arrival: true, is_override: true }),
    ]);
    // The grid agrees with the price a guest is quoted.
    await anonymous(c);
    const quote = await c.query<{ total_amount: string }>("select total_amount from app_public.quote($1, $2, $3, 2, 0)", [h.ratePlanId, addDays(from, 3), addDays(from, 5)]);
    expect(quote.rows[0]!.total_amount).toBe("24000");

    await staff(c, h.frontDesk);
    expect((await c.query("select * from app_public.rate_grid($1, $2, $2)", [h.propertyId, from])).rows).toHaveLength(1);
    expect(await sqlstateOf(c, "select * from app_public.rate_grid($1, $2, $3)", [h.propertyId, from, addDays(from, 366)])).toBe("DATES");
    expect(await sqlstateOf(c, "select * from app_public.rate_grid($1, $2, $3)", [h.propertyId, from, addDays(from, -1)])).toBe("DATES");
    await staff(c, h.housekeeper);
    expect(await sqlstateOf(c, "select * from app_public.rate_grid($1, $2, $2)", [h.propertyId, from])).toBe("DNIED");
    await staff(c, other.manager);
    expect(await sqlstateOf(c, "select * from app_public.rate_grid($1, $2, $2)", [h.propertyId, from])).toBe("NTFND");
  }));
