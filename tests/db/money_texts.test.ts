// Money in people's words (issue 18): one SQL formatter for every text with
// an amount in it, tax accounts numbered 2101, 2102, … after their tax, and
// taxes a cancellation or no-show penalty does not carry (a city tax per
// person-night is owed only for nights stayed).
import type pg from "pg";
import { asOwner, fileDatabase, inRollback, sqlstateOf, staff } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate, newKey } from "../helpers/booking.ts";
import { folioBalance, hotelWithTaxes, ledgerOf, trialBalanceIsZero } from "../helpers/ledger.ts";

const db = fileDatabase();

/** The descriptions of the entries a cause made (in one transaction they share occurred_at: sorted by text). */
const descriptions = async (c: pg.PoolClient, causeId: string) =>
  (await c.query<{ description: string }>("select description from app_public.journal_entries where cause_id = $1 order by description", [causeId]))
    .rows.map((r) => r.description);
/**
 * A stay booked ahead, then moved to last week, as if nobody came: a no-show
 * can be recorded whatever the property's no-show time (the stay's claims
 * are released by the no-show itself).
 */
async function lastWeeksStay(c: pg.PoolClient, h: { ratePlanId: string; timeZone: string; frontDesk: string }, nights: number, adults = 2) {
  await staff(c, h.frontDesk);
  const today = localDate(h.timeZone, 0);
  const b = await book(c, h.ratePlanId, addDays(today, 60), addDays(today, 60 + nights), adults, 0);
  await asOwner(c);
  await c.query("update app_public.reservations set stay = daterange($2::date, $3::date) where id = $1", [b.reservation_id, addDays(today, -7), addDays(today, -7 + nights)]);
  await staff(c, h.frontDesk);
  return b;
}

/** The error (code and message) a statement fails with, the transaction kept usable. */
async function errorOf(c: pg.PoolClient, sql: string, params: unknown[] = []) {
  await c.query("savepoint error_probe");
  try {
    await c.query(sql, params);
    return null;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { code, message };
  } finally {
    await c.query("rollback to savepoint error_probe");
  }
}

describe("app_hidden.format_money and major_units", () => {
  it("know each currency's minor unit: JPY 0, EUR 2, BHD 3; group thousands; keep the sign; exact at the bigint's end", () =>
    inRollback(db.ownerPool, async (c) => {
      const cases: [string, string, string, string][] = [
        ["5000", "EUR", "€50.00", "50.00"],
        ["14400", "eur", "€144.00", "144.00"],
        ["-937000", "EUR", "-€9,370.00", "-9370.00"],
        ["5", "EUR", "€0.05", "0.05"],
        ["0", "USD", "$0.00", "0.00"],
        ["1200", "JPY", "¥1,200", "1200"],
        ["-1234567", "JPY", "-¥1,234,567", "-1234567"],
        ["1250", "BHD", "BHD 1.250", "1.250"],
        ["1000000", "KWD", "KWD 1,000.000", "1000.000"],
        ["4500", "CHF", "CHF 45.00", "45.00"],
        ["999", "GBP", "£9.99", "9.99"],
        ["9223372036854775807", "EUR", "€92,233,720,368,547,758.07", "92233720368547758.07"],
      ];
      for (const [amount, currency, text, major] of cases) {
        const row = (await c.query("select app_hidden.format_money($1::bigint, $2) as text, app_hidden.major_units($1::bigint, $2)::text as major", [amount, currency])).rows[0];
        expect([amount, currency, row.text, row.major]).toEqual([amount, currency, text, major]);
      }
      expect((await c.query("select app_hidden.format_money(null, 'EUR') as t")).rows[0].t).toBeNull();
    }));

  it("are callable by the API roles and the worker (texts and exports use them)", () =>
    inRollback(db.ownerPool, async (c) => {
      for (const role of ["keepr_anonymous", "keepr_guest", "keepr_staff", "keepr_worker"]) {
        await c.query(`set local role ${role}`);
        expect((await c.query("select app_hidden.format_money(14400, 'EUR') as t")).rows[0].t).toBe("€144.00");
        await asOwner(c);
      }
    }));
});

describe("ledger descriptions and messages", () => {
  it("a refund reads 'Refund of €25.00 requested: goodwill', its failure 'Refund of €25.00 failed (charge disputed)'; a refund too large says its limit in euros", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      await c.query("update app_public.rate_plans set deposit_percent = 100 where id = $1", [h.ratePlanId]);
      const arrival = localDate(h.timeZone, 20);
      await staff(c, h.frontDesk);
      const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 1));
      const intent = (await c.query("select id from app_public.payment_intents where reservation_id = $1", [b.reservation_id])).rows[0];
      const attempt = (await c.query("select id from app_public.pay($1, 'tok_test_visa', $2)", [intent.id, newKey()])).rows[0];
      await asOwner(c);
      await c.query("select app_private.record_capture($1, 'ch_2', now())", [attempt.id]);
      await staff(c, h.manager);
      expect(await errorOf(c, "select app_public.refund_payment($1, 10001, 'too much', $2)", [intent.id, newKey()])).toEqual({
        code: "INVLD",
        message: "A refund must be more than €0.00 and at most €100.00 (captured, less refunds made or under way).",
      });
      const refund = (await c.query("select id from app_public.refund_payment($1, 2500, ' goodwill ', $2)", [intent.id, newKey()])).rows[0];
      await asOwner(c);
      await c.query("select app_private.record_refund_failure($1, 'charge_disputed', 'no')", [refund.id]);
      expect((await descriptions(c, refund.id)).sort()).toEqual(["Refund of €25.00 failed (charge disputed): back on the folio", "Refund of €25.00 requested: goodwill"]);
      // No description anywhere spells minor units with a currency code.
      expect((await c.query("select count(*)::int as n from app_public.journal_entries where description ~ '\\d{3,} (EUR|USD|JPY)'")).rows[0].n).toBe(0);
    }));

  it("a late cancellation names its fee, a no-show too, a payout its amount and owner; JPY without decimals", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { currency: "JPY", ratePlan: { base_price: 12000, is_refundable: false } });
      const today = localDate(h.timeZone, 0);
      await staff(c, h.frontDesk);
      const cancelled = await book(c, h.ratePlanId, addDays(today, 5), addDays(today, 7));
      await c.query("select app_public.cancel_reservation($1, $2)", [cancelled.reservation_id, newKey()]);
      const noShow = await lastWeeksStay(c, h, 1);
      await c.query("select app_public.mark_no_show($1, $2)", [noShow.reservation_id, newKey()]);
      await asOwner(c);
      expect((await descriptions(c, cancelled.reservation_id)).sort()).toEqual([
        `Booking ${cancelled.confirmation_code} cancelled, cancellation fee ¥24,000`,
        `Booking ${cancelled.confirmation_code} confirmed`,
      ]);
      expect(await descriptions(c, noShow.reservation_id)).toContain(`Booking ${noShow.confirmation_code} no-show, no-show fee ¥12,000`);

      const rental = await createHotel(c, { kind: "vacation_rental", units: 1, ratePlan: { free_cancellation_days: 0, cancellation_penalty_kind: "percent", cancellation_penalty_value: 0 } });
      const ownerId = (await c.query("insert into app_public.owners (property_id, name, commission_percent) values ($1, 'Maria Silva', 20) returning id", [rental.propertyId])).rows[0].id;
      await c.query("update app_public.units set owner_id = $2 where id = $1", [rental.unitIds[0], ownerId]);
      const rtoday = localDate(rental.timeZone, 0);
      await staff(c, rental.frontDesk);
      const stay = await book(c, rental.ratePlanId, addDays(rtoday, 10), addDays(rtoday, 11));
      await asOwner(c);
      await c.query("update app_public.reservations set stay = daterange($2::date, $3::date) where id = $1", [stay.reservation_id, addDays(rtoday, -7), addDays(rtoday, -6)]);
      const payOut = async () => {
        await staff(c, rental.manager);
        const payout = (await c.query("select id from app_public.run_payouts($1, $2, $3)", [rental.propertyId, rtoday, newKey()])).rows[0];
        await c.query("select app_public.mark_payout_paid($1, $2)", [payout.id, newKey()]);
        await asOwner(c);
        return descriptions(c, payout.id);
      };
      // 10000 less 20 % commission, then taken back by a late no-show (no fee on this plan).
      expect(await payOut()).toContain("Payout of €80.00 transferred to Maria Silva");
      await staff(c, rental.frontDesk);
      await c.query("select app_public.mark_no_show($1, $2)", [stay.reservation_id, newKey()]);
      expect(await payOut()).toContain("Repayment of €80.00 received from Maria Silva");
    }));
  it("an entry that does not balance says by how much in money, not minor units", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      await c.query(
        `select app_private.post_entry($1, 'adjustment', null, 'off-by-a-cent', 'Test',
           jsonb_build_array(jsonb_build_object('purpose', 'guest_receivable', 'amount', 1001, 'currency', 'EUR'),
                             jsonb_build_object('purpose', 'room_revenue', 'amount', -1000, 'currency', 'EUR')))`,
        [h.propertyId],
      );
      const error = await errorOf(c, "set constraints all immediate");
      expect(error).toEqual({ code: "UNBAL", message: expect.stringMatching(/ does not balance in EUR \(off by €0\.01\)\.$/) });
      await c.query("set constraints all deferred");
    }));
});

describe("tax accounts", () => {
  it("are numbered 2101, 2102, … in the order the taxes were made, named after the tax, skipping codes staff took; a renamed tax renames its account", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      await c.query("insert into app_public.ledger_accounts (property_id, code, name, kind) values ($1, '2102', 'Deposits held', 'liability')", [h.propertyId]);
      await c.query("insert into app_public.taxes (property_id, name, basis, percent, currency, is_inclusive) values ($1, 'VAT', 'percent_of_room', 6, 'EUR', true)", [h.propertyId]);
      await c.query("insert into app_public.taxes (property_id, name, basis, amount, currency) values ($1, 'Lisbon city tax', 'per_person_night', 200, 'EUR')", [h.propertyId]);
      await c.query("insert into app_public.taxes (property_id, name, basis, amount, currency) values ($1, 'Tourism levy', 'per_night', 100, 'EUR')", [h.propertyId]);
      const accounts = async () =>
        (await c.query("select code, name from app_public.ledger_accounts where property_id = $1 and code like '21%' order by code", [h.propertyId])).rows;
      expect(await accounts()).toEqual([
        { code: "2101", name: "Tax payable: VAT" },
        { code: "2102", name: "Deposits held" },
        { code: "2103", name: "Tax payable: Lisbon city tax" },
        { code: "2104", name: "Tax payable: Tourism levy" },
      ]);
      await c.query("update app_public.taxes set name = 'Taxa turística' where property_id = $1 and name = 'Lisbon city tax'", [h.propertyId]);
      expect((await accounts())[2]).toEqual({ code: "2103", name: "Tax payable: Taxa turística" });
    }));

  it("with the old generated codes are renumbered without touching a posting (postings name accounts by id)", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithTaxes(c);
      await staff(c, h.frontDesk);
      const b = await book(c, h.ratePlanId, localDate(h.timeZone, 30), localDate(h.timeZone, 32));
      await asOwner(c);
      const before = await ledgerOf(c, b.reservation_id);
      const postings = async () => (await c.query("select id, account_id, amount::text from app_public.postings where property_id = $1 order by id", [h.propertyId])).rows;
      const postingsBefore = await postings();
      // What migrations before 000041 made.
      await c.query("update app_public.ledger_accounts set code = '2100-' || left(tax_id::text, 8) where property_id = $1 and purpose = 'tax_payable'", [h.propertyId]);
      expect((await c.query("select app_private.renumber_tax_accounts() as n")).rows[0].n).toBe(2);
      expect((await c.query("select code, name from app_public.ledger_accounts where property_id = $1 and purpose = 'tax_payable' order by code", [h.propertyId])).rows)
        .toEqual([{ code: "2101", name: "Tax payable: City tax" }, { code: "2102", name: "Tax payable: VAT" }]);
      expect(await postings()).toEqual(postingsBefore);
      expect(await ledgerOf(c, b.reservation_id)).toEqual(before);
      expect((await c.query("select app_private.renumber_tax_accounts() as n")).rows[0].n).toBe(0);
    }));
});

describe("a penalty and the taxes it carries", () => {
  it("a tax says whether a penalty carries it; left out, percent taxes do and per-night / per-person-night taxes do not", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithTaxes(c);
      expect((await c.query("select name, applies_to_penalty from app_public.taxes where property_id = $1 order by name", [h.propertyId])).rows)
        .toEqual([{ name: "City tax", applies_to_penalty: false }, { name: "VAT", applies_to_penalty: true }]);
      expect(await sqlstateOf(c, "update app_public.taxes set applies_to_penalty = null, basis = 'per_night', percent = null, amount = 100, applies_to_fees = false where property_id = $1 and name = 'VAT'", [h.propertyId])).toBeNull();
      expect((await c.query("select applies_to_penalty from app_public.taxes where property_id = $1 and name = 'VAT'", [h.propertyId])).rows[0].applies_to_penalty).toBe(false);
    }));

  it("a late cancellation keeps no city tax: the penalty is one night without it, its VAT stays on the VAT account, the city tax account nets to zero", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithTaxes(c, { free_cancellation_days: 3, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 });
      const today = localDate(h.timeZone, 0);
      await staff(c, h.frontDesk);
      // 3 nights × 10000 + cleaning 3000 = 33000 (VAT 6 % inside: 1868), city tax 2 guests × 3 nights × 200 = 1200.
      const q = (await c.query("select * from app_public.quote($1, $2, $3, 2, 0)", [h.ratePlanId, addDays(today, 1), addDays(today, 4)])).rows[0];
      expect(Number(q.total_amount)).toBe(34200);
      // One night's share of what a penalty is a share of: round(33000 / 3).
      expect(Number(q.late_cancellation_penalty)).toBe(11000);
      // Arriving tomorrow, inside the 3-day window: non-refundable from booking, never a past date (issue 21).
      expect(q.cancellation_terms).toBe(
        "Non-refundable from booking: free cancellation ends 3 days before arrival, which has passed. Cancelling costs 1 night. The City tax is due only for nights stayed.",
      );
      const b = await book(c, h.ratePlanId, addDays(today, 1), addDays(today, 4));
      const cancelled = (await c.query("select * from app_public.cancel_reservation($1, $2)", [b.reservation_id, newKey()])).rows[0];
      expect([Number(cancelled.penalty_amount), Number(cancelled.refund_amount)]).toEqual([11000, 34200 - 11000]);
      await asOwner(c);
      // VAT carried: round(11000 × 1868 / 33000) = 623.
      expect(await ledgerOf(c, b.reservation_id)).toEqual({ cancellation_revenue: -(11000 - 623), guest_receivable: 11000, "tax_payable:VAT": -623 });
      const cityTax = (await c.query(
        `select coalesce(sum(p.amount), 0)::int as n from app_public.postings p join app_public.ledger_accounts a on a.id = p.account_id
          join app_public.taxes t on t.id = a.tax_id where t.property_id = $1 and t.name = 'City tax'`, [h.propertyId])).rows[0].n;
      expect(cityTax).toBe(0);
      expect(await folioBalance(c, b.reservation_id)).toBe(11000);
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));

  it("a no-show on a non-refundable rate costs the total less the city tax; a city tax set to be carried is kept with its share", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithTaxes(c, { is_refundable: false });
      const today = localDate(h.timeZone, 0);
      await staff(c, h.frontDesk);
      const q = (await c.query("select * from app_public.quote($1, $2, $3, 2, 0)", [h.ratePlanId, today, addDays(today, 2)])).rows[0];
      expect(q.cancellation_terms).toBe("Non-refundable: cancelling costs the full amount but the City tax, which is due only for nights stayed.");
      const b = await lastWeeksStay(c, h, 2);
      const noShow = (await c.query("select * from app_public.mark_no_show($1, $2)", [b.reservation_id, newKey()])).rows[0];
      expect(Number(noShow.penalty_amount)).toBe(23000);
      await asOwner(c);
      expect(await ledgerOf(c, b.reservation_id)).toEqual({ cancellation_revenue: -(23000 - 1302), guest_receivable: 23000, "tax_payable:VAT": -1302 });

      // A property whose city tax is owed on penalties too (applies_to_penalty = true).
      const g = await hotelWithTaxes(c, { is_refundable: false });
      await c.query("update app_public.taxes set applies_to_penalty = true where property_id = $1 and name = 'City tax'", [g.propertyId]);
      await staff(c, g.frontDesk);
      const k = await lastWeeksStay(c, g, 2);
      const kept = (await c.query("select * from app_public.mark_no_show($1, $2)", [k.reservation_id, newKey()])).rows[0];
      expect(Number(kept.penalty_amount)).toBe(23800);
      await asOwner(c);
      expect(await ledgerOf(c, k.reservation_id)).toEqual({
        cancellation_revenue: -(23800 - 1302 - 800), guest_receivable: 23800, "tax_payable:VAT": -1302, "tax_payable:City tax": -800,
      });
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));

  it("a reservation booked before its city tax was exempt is still never charged more than its penalty base", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithTaxes(c, { free_cancellation_days: 3, cancellation_penalty_kind: "percent", cancellation_penalty_value: 100 });
      const today = localDate(h.timeZone, 0);
      await staff(c, h.frontDesk);
      const b = await book(c, h.ratePlanId, addDays(today, 1), addDays(today, 3));
      await asOwner(c);
      // Terms locked the old way: the penalty was 100 % of the total, city tax included.
      await c.query("update app_public.reservations set cancellation_policy = jsonb_set(cancellation_policy, '{late_cancellation_penalty}', '23800') where id = $1", [b.reservation_id]);
      await staff(c, h.frontDesk);
      const cancelled = (await c.query("select * from app_public.cancel_reservation($1, $2)", [b.reservation_id, newKey()])).rows[0];
      expect(Number(cancelled.penalty_amount)).toBe(23000);
    }));
});
