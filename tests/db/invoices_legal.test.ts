// Invoices a hotel can legally issue (issue 18): the property's legal
// details are required and frozen into each document, the folio's bill-to
// is editable before issue and frozen after, lines come one per night with
// their VAT (fees, discount, city tax, penalty on their own lines), the
// payments received and the amount due are listed, and every document's
// lines add up, account by account, to what the ledger charged.
import type pg from "pg";
import { asOwner, fileDatabase, inRollback, sqlstateOf, staff } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate, newKey } from "../helpers/booking.ts";
import { hotelWithTaxes } from "../helpers/ledger.ts";

const db = fileDatabase();

interface Line {
  key: string;
  type: string;
  kind: string;
  date?: string;
  description: string;
  quantity?: number;
  net: number;
  vat_rate?: number;
  vat: number;
  amount: number;
  postings: { account_id: string; amount: number }[];
}
interface Invoice {
  id: string;
  document_number: string;
  kind: string;
  lines: Line[];
  net_amount: string;
  tax_amount: string;
  total_amount: string;
  bill_to: Record<string, string>;
  seller: Record<string, string>;
  vat_summary: { rate: number; net: number; vat: number; gross: number }[];
  payments: { date: string; method: string; description: string; amount: number }[] | null;
  amount_due: string | null;
}

const folioOf = async (c: pg.PoolClient, reservationId: string) =>
  (await c.query<{ id: string }>("select id from app_public.folios where reservation_id = $1", [reservationId])).rows[0]!.id;
const issue = async (c: pg.PoolClient, folioId: string) =>
  (await c.query<Invoice>("select * from app_public.issue_invoice($1, $2)", [folioId, newKey()])).rows[0]!;

/**
 * What the ledger charged a folio, per account, credit = +: the revenue and tax postings of each entry whose
 * charge sits on the folio (its receivable postings there, plus routes in, less routes out), read here from
 * the ledger and the routes directly.
 */
async function ledgerCharged(c: pg.PoolClient, folioId: string): Promise<Record<string, number>> {
  const { rows } = await c.query<{ account_id: string; amount: string }>(
    `with here as (
       select e.id,
              coalesce((select sum(p.amount) from app_public.postings p where p.entry_id = e.id and p.folio_id = $1), 0)
              + coalesce((select sum(r.amount) from app_private.folio_routes r where r.entry_id = e.id and r.to_folio_id = $1), 0)
              - coalesce((select sum(r.amount) from app_private.folio_routes r where r.entry_id = e.id and r.from_folio_id = $1), 0) as on_folio,
              (select sum(p.amount) from app_public.postings p where p.entry_id = e.id and p.folio_id is not null) as on_folios
         from app_public.journal_entries e
        where e.cause_type <> 'folio_route'
          and (e.id in (select entry_id from app_public.postings where folio_id = $1)
               or e.id in (select entry_id from app_private.folio_routes where to_folio_id = $1))
     )
     select a.id as account_id, round(-sum(p.amount) * case when h.on_folios = 0 then 1 else h.on_folio::numeric / h.on_folios end) as amount
       from here h
       join app_public.postings p on p.entry_id = h.id
       join app_public.ledger_accounts a on a.id = p.account_id
      where a.kind = 'revenue' or a.purpose = 'tax_payable'
      group by a.id, h.id, h.on_folio, h.on_folios`,
    [folioId],
  );
  const sums: Record<string, number> = {};
  for (const r of rows) sums[r.account_id] = (sums[r.account_id] ?? 0) + Number(r.amount);
  return Object.fromEntries(Object.entries(sums).filter(([, v]) => v !== 0));
}

/** What the folio's documents invoiced, per account, from their lines' postings. */
async function invoicedPerAccount(c: pg.PoolClient, folioId: string): Promise<Record<string, number>> {
  const { rows } = await c.query<{ lines: Line[] }>("select lines from app_public.invoices where folio_id = $1", [folioId]);
  const sums: Record<string, number> = {};
  for (const line of rows.flatMap((r) => r.lines)) for (const p of line.postings) sums[p.account_id] = (sums[p.account_id] ?? 0) + p.amount;
  return Object.fromEntries(Object.entries(sums).filter(([, v]) => v !== 0));
}

const accountOf = async (c: pg.PoolClient, propertyId: string, purpose: string, taxName?: string) =>
  (await c.query<{ id: string }>(
    `select a.id from app_public.ledger_accounts a left join app_public.taxes t on t.id = a.tax_id
      where a.property_id = $1 and a.purpose = $2 and ($3::text is null or t.name = $3)`,
    [propertyId, purpose, taxName ?? null],
  )).rows[0]!.id;

describe("lines", () => {
  it("one per night with its VAT rate and amount, the discount and the fee with theirs, city tax on its own line; totals = the ledger", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithTaxes(c);
      await c.query("insert into app_public.rate_plan_los_discounts (property_id, rate_plan_id, min_nights, percent_off) values ($1, $2, 3, 10)", [h.propertyId, h.ratePlanId]);
      await c.query(
        "insert into app_public.rate_calendar (property_id, rate_plan_id, date, price) values ($1, $2, $3, 12000)",
        [h.propertyId, h.ratePlanId, addDays(localDate(h.timeZone, 30), 1)],
      );
      const arrival = localDate(h.timeZone, 30);
      await staff(c, h.frontDesk);
      const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 3));
      const folio = await folioOf(c, b.reservation_id);
      const invoice = await issue(c, folio);

      // 10000 + 12000 + 10000 = 32000, 10 % off = -3200, cleaning 3000: 31800 with VAT 6 % inside
      // (round(31800 × 6 / 106) = 1800); city tax 2 guests × 3 nights × 200 = 1200 on top.
      expect(Number(b.total_amount)).toBe(33000);
      const nights = invoice.lines.filter((l) => l.type === "night");
      expect(nights.map((l) => [l.date, l.amount, Number(l.vat_rate)])).toEqual([
        [arrival, 10000, 6], [addDays(arrival, 1), 12000, 6], [addDays(arrival, 2), 10000, 6],
      ]);
      for (const l of nights) {
        expect(l.description).toMatch(/^Double · Night of /);
        expect(l.net + l.vat).toBe(l.amount);
        // VAT inside the price: amount × 6 / 106, to the cent or one off from rounding shared across lines.
        expect(Math.abs(l.vat - Math.round((l.amount * 6) / 106))).toBeLessThanOrEqual(1);
      }
      const discount = invoice.lines.find((l) => l.type === "discount")!;
      expect(discount).toMatchObject({ amount: -3200, description: "10% off stays of 3 nights or more" });
      expect(discount.vat).toBeLessThan(0);
      expect(invoice.lines.find((l) => l.type === "fee")).toMatchObject({ description: "Cleaning", amount: 3000, quantity: 1 });
      const cityTax = invoice.lines.find((l) => l.type === "city_tax")!;
      expect(cityTax).toMatchObject({ kind: "tax", amount: 1200, quantity: 6, net: 0, vat: 0, description: "City tax (per person per night)" });
      expect(cityTax.vat_rate).toBeUndefined();
      expect(invoice.lines.map((l) => l.type)).toEqual(["night", "night", "night", "discount", "fee", "city_tax"]);

      // Totals: lines = document = what the ledger charged the folio, account by account.
      const sum = (f: (l: Line) => number) => invoice.lines.reduce((s, l) => s + f(l), 0);
      expect(Number(invoice.total_amount)).toBe(33000);
      expect(sum((l) => l.amount)).toBe(33000);
      expect(Number(invoice.net_amount)).toBe(sum((l) => l.net));
      expect(Number(invoice.tax_amount)).toBe(1800 + 1200);
      await asOwner(c);
      const charged = await ledgerCharged(c, folio);
      expect(await invoicedPerAccount(c, folio)).toEqual(charged);
      expect(charged[await accountOf(c, h.propertyId, "tax_payable", "VAT")]).toBe(1800);
      expect(sum((l) => l.vat)).toBe(1800);
      expect(invoice.vat_summary).toEqual([{ rate: 6, net: 31800 - 1800, vat: 1800, gross: 31800 }]);
      // Nothing charged is left out: the folio's receivable was debited with the same total.
      expect(Number((await c.query("select sum(amount) as s from app_public.postings where folio_id = $1 and amount > 0", [folio])).rows[0].s)).toBe(33000);
    }));

  it("a later invoice holds only what changed (the night added), and after a cancellation the credit note negates every line and the penalty is invoiced alone", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithTaxes(c, { free_cancellation_days: 60, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 });
      const arrival = localDate(h.timeZone, 30);
      await staff(c, h.frontDesk);
      const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 2));
      const folio = await folioOf(c, b.reservation_id);
      const first = await issue(c, folio);
      expect(first.lines.filter((l) => l.type === "night")).toHaveLength(2);

      await c.query("select app_public.modify_reservation($1, $2, departure => $3::date)", [b.reservation_id, newKey(), addDays(arrival, 3)]);
      const second = await issue(c, folio);
      // The third night and two more person-nights of city tax; the first two nights only by a rounding cent, if at all.
      const third = second.lines.find((l) => l.type === "night" && l.date === addDays(arrival, 2))!;
      expect(third.amount).toBe(10000);
      expect(second.lines.find((l) => l.type === "city_tax")).toMatchObject({ amount: 400 });
      expect(second.lines.filter((l) => l.type === "night" && l.date !== addDays(arrival, 2)).every((l) => Math.abs(l.amount) <= 1)).toBe(true);
      expect(Number(second.total_amount)).toBe(10000 + 400);
      await asOwner(c);
      expect(await invoicedPerAccount(c, folio)).toEqual(await ledgerCharged(c, folio));

      await staff(c, h.manager);
      await c.query("select app_public.cancel_reservation($1, $2)", [b.reservation_id, newKey()]);
      expect(await sqlstateOf(c, "select app_public.issue_invoice($1, $2)", [folio, newKey()])).toBe("TRANS");
      for (const inv of [first, second]) {
        const note = (await c.query<Invoice>("select * from app_public.issue_credit_note($1, 'Cancelled', $2)", [inv.id, newKey()])).rows[0]!;
        expect(note.kind).toBe("credit_note");
        expect(note.lines.map((l) => [l.key, l.amount, l.net, l.vat])).toEqual(inv.lines.map((l) => [l.key, -l.amount || 0, -l.net || 0, -l.vat || 0]));
        expect(Number(note.total_amount)).toBe(-Number(inv.total_amount));
        expect(note.payments).toBeNull();
      }
      const penalty = await issue(c, folio);
      const due = Number((await c.query("select penalty_amount from app_public.reservations where id = $1", [b.reservation_id])).rows[0].penalty_amount);
      expect(due).toBeGreaterThan(0);
      // The fee carries its share of the VAT (taxes.applies_to_penalty), none of the city tax: round(11000 × 1868 / 33000) = 623.
      expect(penalty.lines).toMatchObject([{ type: "cancellation", description: "Cancellation fee", amount: due, vat: 623, vat_rate: 6, net: due - 623 }]);
      await asOwner(c);
      expect(await invoicedPerAccount(c, folio)).toEqual(await ledgerCharged(c, folio));
    }));

  it("every other entry that charged the folio is a line of its own: an extra with its VAT, an allowance as a negative line", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithTaxes(c);
      const arrival = localDate(h.timeZone, 30);
      await staff(c, h.frontDesk);
      const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 1));
      const folio = await folioOf(c, b.reservation_id);
      await asOwner(c);
      // Accounts of the property's own (helper A's extras and allowances post the same way, with purposes).
      await c.query("insert into app_public.ledger_accounts (property_id, code, name, kind) values ($1, '4410', 'Minibar', 'revenue'), ($1, '4910', 'Goodwill', 'revenue')", [h.propertyId]);
      const vat = (await c.query("select id from app_public.taxes where property_id = $1 and name = 'VAT'", [h.propertyId])).rows[0].id;
      await c.query("select app_private.post_entry($1, 'adjustment', $2, $3, 'Minibar × 2', $4)", [h.propertyId, folio, newKey(), JSON.stringify([
        { purpose: "guest_receivable", folio_id: folio, amount: 1200, currency: "EUR" },
        { code: "4410", amount: -1132, currency: "EUR" },
        { purpose: "tax_payable", tax_id: vat, amount: -68, currency: "EUR" },
      ])]);
      await c.query("select app_private.post_entry($1, 'adjustment', $2, $3, 'Allowance: noisy room', $4)", [h.propertyId, folio, newKey(), JSON.stringify([
        { purpose: "guest_receivable", folio_id: folio, amount: -500, currency: "EUR" },
        { code: "4910", amount: 500, currency: "EUR" },
      ])]);
      await staff(c, h.frontDesk);
      const invoice = await issue(c, folio);
      const today = localDate(h.timeZone);
      expect(invoice.lines.filter((l) => l.key.startsWith("entry:")).map((l) => [l.description, l.date, l.net, Number(l.vat_rate), l.vat, l.amount])).toEqual([
        ["Minibar × 2", today, 1132, 6, 68, 1200],
        ["Allowance: noisy room", today, -500, 0, 0, -500],
      ]);
      expect(Number(invoice.total_amount)).toBe(Number(b.total_amount) + 1200 - 500);
      // Neither is a payment; the amount due is the folio's balance.
      expect(invoice.payments).toEqual([]);
      expect(Number(invoice.amount_due)).toBe(Number(invoice.total_amount));
      await asOwner(c);
      expect(await invoicedPerAccount(c, folio)).toEqual(await ledgerCharged(c, folio));
    }));

  it("a nightly-posting stay in house is invoiced for the nights the audit closed, in full, and the same share of fees and taxes", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithTaxes(c);
      await c.query("update app_public.rate_plans set charge_posting = 'nightly' where id = $1", [h.ratePlanId]);
      const today = localDate(h.timeZone, 0);
      await staff(c, h.frontDesk);
      const b = await book(c, h.ratePlanId, today, addDays(today, 4));
      await c.query("select app_public.check_in($1, $2, true)", [b.reservation_id, newKey()]);
      const folio = await folioOf(c, b.reservation_id);
      expect(await sqlstateOf(c, "select app_public.issue_invoice($1, $2)", [folio, newKey()])).toBe("INVLD");
      // The audit has closed two nights (as run_night_audit does, night by night).
      await asOwner(c);
      await c.query("update app_public.properties set business_date = $2 where id = $1", [h.propertyId, addDays(today, 2)]);
      await c.query("select app_private.post_reservation_charges(r, $2, 'Night audit') from app_public.reservations r where r.id = $1", [b.reservation_id, newKey()]);
      await staff(c, h.frontDesk);
      const invoice = await issue(c, folio);
      expect(invoice.lines.filter((l) => l.type === "night").map((l) => [l.date, l.amount])).toEqual([[today, 10000], [addDays(today, 1), 10000]]);
      expect(invoice.lines.find((l) => l.type === "fee")!.amount).toBe(1500);
      expect(invoice.lines.find((l) => l.type === "city_tax")!.amount).toBe(800);
      expect(Number(invoice.total_amount)).toBe(20000 + 1500 + 800);
      await asOwner(c);
      expect(await invoicedPerAccount(c, folio)).toEqual(await ledgerCharged(c, folio));
    }));

  it("follows the desk's folio work: an extra with its VAT; a charge routed to a company's folio is invoiced there, to the company; a bank transfer and a goodwill refund are payments, its allowance a line", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithTaxes(c);
      const arrival = localDate(h.timeZone, 30);
      await staff(c, h.frontDesk);
      const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 2));
      const guestFolio = await folioOf(c, b.reservation_id);
      await asOwner(c);
      const vat = (await c.query("select id from app_public.taxes where property_id = $1 and name = 'VAT'", [h.propertyId])).rows[0].id;
      const minibar = (await c.query("insert into app_public.folio_extras (property_id, name, unit_price, currency, tax_id) values ($1, 'Minibar', 600, 'EUR', $2) returning id", [h.propertyId, vat])).rows[0].id;
      const company = (await c.query(
        `insert into app_public.companies (property_id, name, legal_name, address_line1, postal_code, city, country, tax_id, email)
         values ($1, 'Acme', 'Acme GmbH', 'Hauptstraße 1', '10115', 'Berlin', 'DE', 'DE123456789', 'billing@acme.example') returning id`,
        [h.propertyId],
      )).rows[0].id;
      const confirmation = (await c.query("select id from app_public.journal_entries where cause_type = 'reservation' and cause_id = $1", [b.reservation_id])).rows[0].id;
      await staff(c, h.frontDesk);
      const acmeFolio = (await c.query("select id from app_public.create_folio($1, 'Acme', $2, $3)", [b.reservation_id, company, newKey()])).rows[0].id;
      await c.query("select app_public.post_folio_charge($1, $2, 2, null, $3)", [guestFolio, minibar, newKey()]);
      await c.query("select app_public.route_folio_postings($1, $2, $3, $4)", [guestFolio, acmeFolio, [confirmation], newKey()]);
      await c.query("select app_public.take_folio_payment($1, 'bank_transfer', 1200, 'Transfer ref 42', $2)", [guestFolio, newKey()]);
      await staff(c, h.manager);
      await c.query("select app_public.refund_folio_payment($1, 'bank_transfer', 300, 'Noisy room', true, $2)", [guestFolio, newKey()]);

      // The company's folio: the stay, to the company.
      const acme = await issue(c, acmeFolio);
      expect(acme.bill_to).toMatchObject({ source: "company", name: "Acme GmbH", tax_id: "DE123456789", country_code: "DE", email: "billing@acme.example" });
      expect(acme.lines.map((l) => l.type)).toEqual(["night", "night", "fee", "city_tax"]);
      expect(Number(acme.total_amount)).toBe(Number(b.total_amount));
      expect(acme.payments).toEqual([]);
      expect(Number(acme.amount_due)).toBe(Number(b.total_amount));
      // The guest's folio: the minibar and the goodwill, the transfer and the refund; nothing of the stay.
      await staff(c, h.frontDesk);
      const guest = await issue(c, guestFolio);
      expect(guest.lines.map((l) => [l.type, l.amount, l.vat])).toEqual([["extra", 1200, 68], ["allowance", -300, 0]]);
      expect(guest.payments!.map((p) => [p.method, p.amount])).toEqual([["Bank transfer", 1200], ["Bank transfer", -300]]);
      expect(Number(guest.amount_due)).toBe(0);
      expect(Number(guest.total_amount) - guest.payments!.reduce((s, p) => s + p.amount, 0)).toBe(Number(guest.amount_due));
      await asOwner(c);
      for (const folio of [guestFolio, acmeFolio]) expect(await invoicedPerAccount(c, folio)).toEqual(await ledgerCharged(c, folio));
    }));

  it("a folio whose balance went to a company's city ledger is invoiced to that company, the transfer listed as how it was settled", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithTaxes(c);
      const arrival = localDate(h.timeZone, 30);
      await staff(c, h.frontDesk);
      const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 1));
      const folio = await folioOf(c, b.reservation_id);
      const company = (await c.query(
        "insert into app_public.companies (property_id, name, tax_id) values ($1, 'Globex', 'NL001234567B01') returning id", [h.propertyId],
      )).rows[0].id;
      await c.query("select app_public.transfer_folio_to_city_ledger($1, $2, $3)", [folio, company, newKey()]);
      const invoice = await issue(c, folio);
      expect(invoice.bill_to).toMatchObject({ source: "company", name: "Globex", tax_id: "NL001234567B01", guest_name: "Ada Lovelace" });
      expect(invoice.payments!.map((p) => [p.method, p.amount])).toEqual([["City ledger", Number(b.total_amount)]]);
      expect(Number(invoice.amount_due)).toBe(0);
    }));

  it("a company's city-ledger folio is invoiced for what was routed to it: the stay as one line with its VAT, city tax beside it, to the company", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithTaxes(c);
      const arrival = localDate(h.timeZone, 30);
      await staff(c, h.frontDesk);
      const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 2));
      const guestFolio = await folioOf(c, b.reservation_id);
      const company = (await c.query(
        "insert into app_public.companies (property_id, name, legal_name, tax_id) values ($1, 'Initech', 'Initech Lda', 'PT501234567') returning id", [h.propertyId],
      )).rows[0].id;
      const ledgerFolio = (await c.query("select id from app_public.folios where company_id = $1 and kind = 'company'", [company])).rows[0].id;
      await asOwner(c);
      const confirmation = (await c.query("select id from app_public.journal_entries where cause_type = 'reservation' and cause_id = $1", [b.reservation_id])).rows[0].id;
      await staff(c, h.frontDesk);
      await c.query("select app_public.route_folio_postings($1, $2, $3, $4)", [guestFolio, ledgerFolio, [confirmation], newKey()]);
      const invoice = await issue(c, ledgerFolio);
      expect(invoice).toMatchObject({ reservation_id: null, bill_to: { source: "company", name: "Initech Lda", tax_id: "PT501234567" } });
      // 2 nights + cleaning = 23000 with VAT 6 % inside (1302); city tax 800 beside it.
      expect(invoice.lines.map((l) => [l.type, l.description, l.net, Number(l.vat_rate ?? 0), l.vat, l.amount])).toEqual([
        ["city_tax", `City tax · Booking ${b.confirmation_code} confirmed`, 0, 0, 0, 800],
        ["charge", `Booking ${b.confirmation_code} confirmed`, 23000 - 1302, 6, 1302, 23000],
      ]);
      expect(Number(invoice.total_amount)).toBe(Number(b.total_amount));
      expect(Number(invoice.amount_due)).toBe(Number(b.total_amount));
      await asOwner(c);
      expect(await invoicedPerAccount(c, ledgerFolio)).toEqual(await ledgerCharged(c, ledgerFolio));
      // Credited by the back office, like any invoice.
      await staff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select app_public.issue_credit_note($1, 'x', $2)", [invoice.id, newKey()])).toBe("DNIED");
      await staff(c, h.manager);
      const note = (await c.query<Invoice>("select * from app_public.issue_credit_note($1, 'Wrong company', $2)", [invoice.id, newKey()])).rows[0]!;
      expect(Number(note.total_amount)).toBe(-Number(invoice.total_amount));
    }));

  it("lists the payments received (date, method, amount) and the amount still due", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { ratePlan: { is_refundable: false } });
      const arrival = localDate(h.timeZone, 30);
      await staff(c, h.frontDesk);
      const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 2));
      await asOwner(c);
      const intent = (await c.query("select id, amount from app_public.payment_intents where reservation_id = $1 order by due_at limit 1", [b.reservation_id])).rows[0];
      await staff(c, h.frontDesk);
      const attempt = (await c.query("select id from app_public.pay($1, 'tok_fixture_visa', $2)", [intent.id, newKey()])).rows[0].id;
      await asOwner(c);
      await c.query("select app_private.record_authorization($1, 'ch_invoice_test')", [attempt]);
      await c.query("select app_private.record_capture($1, 'ch_invoice_test', now())", [attempt]);
      await staff(c, h.frontDesk);
      const invoice = await issue(c, await folioOf(c, b.reservation_id));
      const paid = Number(intent.amount);
      expect(paid).toBeGreaterThan(0);
      expect(invoice.payments).toEqual([{ date: localDate(h.timeZone), method: "Card", description: expect.any(String), amount: paid }]);
      expect(Number(invoice.amount_due)).toBe(20000 - paid);
    }));
});

describe("legal details", () => {
  it("are required before the first invoice (the error names what is missing), editable by the back office only, and frozen into each document", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { legalDetails: false });
      const accountant = (await c.query("insert into app_public.users (email, display_name) values ($1, 'Acc') returning id", [`acc-${newKey()}@test.example`])).rows[0].id;
      await c.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'accountant')", [h.propertyId, accountant]);
      const arrival = localDate(h.timeZone, 30);
      await staff(c, h.frontDesk);
      const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 1));
      const folio = await folioOf(c, b.reservation_id);
      await c.query("savepoint s");
      await expect(c.query("select app_public.issue_invoice($1, $2)", [folio, newKey()])).rejects.toMatchObject({
        code: "LEGAL",
        message: expect.stringContaining("legal name, street address, postal code, city, country, VAT id"),
      });
      await c.query("rollback to savepoint s");
      const set = (vatId: string | null, who: string) =>
        sqlstateOf(c, "select app_public.set_property_legal_details($1, ' Hotel Lda ', 'Rua 1', null, '1100', 'Lisboa', 'pt', $2, null, 'IBAN PT50 0000', null, null, $3)", [
          h.propertyId, vatId, newKey(),
        ]).then(async (code) => [who, code]);
      expect(await set("PT509999990", "front desk")).toEqual(["front desk", "DNIED"]);
      await staff(c, h.housekeeper);
      expect(await set("PT509999990", "housekeeper")).toEqual(["housekeeper", "DNIED"]);
      await staff(c, accountant);
      expect(await set(null, "accountant")).toEqual(["accountant", null]);
      await staff(c, h.frontDesk);
      await c.query("savepoint s");
      await expect(c.query("select app_public.issue_invoice($1, $2)", [folio, newKey()])).rejects.toMatchObject({ code: "LEGAL", message: expect.stringMatching(/Missing: VAT id \(/) });
      await c.query("rollback to savepoint s");
      await staff(c, h.manager);
      expect(await sqlstateOf(c, "select app_public.set_property_legal_details($1, 'X', 'Rua', null, '1', 'L', 'Portugal', 'PT1', null, null, null, null, $2)", [h.propertyId, newKey()])).toBe("INVLD");
      expect(await set("PT509999990", "manager")).toEqual(["manager", null]);
      await staff(c, h.frontDesk);
      const invoice = await issue(c, folio);
      expect(invoice.seller).toEqual({
        legal_name: "Hotel Lda", address_line1: "Rua 1", postal_code: "1100", city: "Lisboa", country_code: "PT", vat_id: "PT509999990", invoice_footer: "IBAN PT50 0000",
        language: "en", // the property's, at issue: the language the document is written in
      });
      // A later change does not touch the issued document.
      await staff(c, h.manager);
      await c.query("select app_public.set_property_legal_details($1, 'New Name SA', 'Rua 2', null, '1100', 'Lisboa', 'PT', 'PT509999990', null, null, null, null, $2)", [h.propertyId, newKey()]);
      expect((await c.query("select seller ->> 'legal_name' as n from app_public.invoices where id = $1", [invoice.id])).rows[0].n).toBe("Hotel Lda");
    }));
});

describe("bill-to", () => {
  it("defaults to the guest, is editable by cashiers before issue, is frozen into the invoice and repeated by its credit note", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      const arrival = localDate(h.timeZone, 30);
      await staff(c, h.frontDesk);
      const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 1));
      const folio = await folioOf(c, b.reservation_id);
      const billTo = async () => (await c.query("select app_public.folios_bill_to(f) as b from app_public.folios f where f.id = $1", [folio])).rows[0].b;
      expect(await billTo()).toMatchObject({ source: "guest", name: "Ada Lovelace", email: "ada@example.com", confirmation_code: b.confirmation_code });

      await staff(c, h.housekeeper);
      expect(await sqlstateOf(c, "select app_public.set_folio_bill_to($1, 'Acme', null, null, null, null, null, null, null, $2)", [folio, newKey()])).toBe("DNIED");
      await staff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select app_public.set_folio_bill_to($1, null, 'Street', null, null, null, null, null, null, $2)", [folio, newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select app_public.set_folio_bill_to($1, 'Acme', null, null, null, null, 'XYZ', null, null, $2)", [folio, newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select app_public.set_folio_bill_to($1, 'Acme', null, null, null, null, null, null, 'not-an-email', $2)", [folio, newKey()])).toBe("INVEM");
      expect(await sqlstateOf(c, "select app_public.set_folio_bill_to($1, repeat('x', 201), null, null, null, null, null, null, null, $2)", [folio, newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select app_public.set_folio_bill_to($1, $2, null, null, null, null, null, null, null, $3)", [folio, "Nul\u0000Byte", newKey()])).toBe("22021");
      // The same key with other values: refused, not replayed.
      const reused = newKey();
      await c.query("select app_public.set_folio_bill_to($1, 'First', null, null, null, null, null, null, null, $2)", [folio, reused]);
      expect(await sqlstateOf(c, "select app_public.set_folio_bill_to($1, 'Second', null, null, null, null, null, null, null, $2)", [folio, reused])).toBe("IDKEY");
      const key = newKey();
      const setAcme = () =>
        c.query("select app_public.set_folio_bill_to($1, 'Acme GmbH', 'Hauptstraße 1', 'c/o Ada Lovelace', '10115', 'Berlin', 'de', 'DE123456789', 'billing@acme.example', $2)", [folio, key]);
      await setAcme();
      await setAcme(); // the same key again: replayed
      expect(await billTo()).toMatchObject({
        source: "folio", name: "Acme GmbH", address_line1: "Hauptstraße 1", address_line2: "c/o Ada Lovelace", postal_code: "10115", city: "Berlin",
        country_code: "DE", tax_id: "DE123456789", email: "billing@acme.example", confirmation_code: b.confirmation_code,
      });
      const invoice = await issue(c, folio);
      expect(invoice.bill_to).toMatchObject({ source: "folio", name: "Acme GmbH", tax_id: "DE123456789", city: "Berlin", arrival, departure: addDays(arrival, 1) });

      // Changed after issue: the invoice keeps its bill-to; the credit note repeats the invoice's.
      await c.query("select app_public.set_folio_bill_to($1, 'Someone Else', null, null, null, null, null, null, null, $2)", [folio, newKey()]);
      expect((await c.query("select bill_to ->> 'name' as n from app_public.invoices where id = $1", [invoice.id])).rows[0].n).toBe("Acme GmbH");
      await staff(c, h.manager);
      const note = (await c.query<Invoice>("select * from app_public.issue_credit_note($1, 'Wrong company', $2)", [invoice.id, newKey()])).rows[0]!;
      expect(note.bill_to.name).toBe("Acme GmbH");
      // A blank name goes back to the guest.
      await c.query("select app_public.set_folio_bill_to($1, '  ', null, null, null, null, null, null, null, $2)", [folio, newKey()]);
      expect(await billTo()).toMatchObject({ source: "guest", name: "Ada Lovelace" });
      const next = await issue(c, folio);
      expect(next.bill_to).toMatchObject({ source: "guest", name: "Ada Lovelace" });
    }));
});

describe("tenants and roles", () => {
  it("another property's staff get NTFND for its folios, invoices and legal details; housekeeping is refused; guests cannot call them", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      const other = await createHotel(c);
      const arrival = localDate(h.timeZone, 30);
      await staff(c, h.frontDesk);
      const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 1));
      const folio = await folioOf(c, b.reservation_id);
      const invoice = await issue(c, folio);
      const calls: [string, unknown[]][] = [
        ["select app_public.issue_invoice($1, $2)", [folio, newKey()]],
        ["select app_public.set_folio_bill_to($1, 'X', null, null, null, null, null, null, null, $2)", [folio, newKey()]],
        ["select app_public.send_invoice($1, 'x@example.com', $2)", [invoice.id, newKey()]],
        ["select app_public.issue_credit_note($1, 'x', $2)", [invoice.id, newKey()]],
        ["select app_public.set_property_legal_details($1, 'X', 'R', null, '1', 'L', 'PT', 'PT1', null, null, null, null, $2)", [h.propertyId, newKey()]],
      ];
      await staff(c, other.manager);
      for (const [sql, params] of calls) expect([sql, await sqlstateOf(c, sql, params)]).toEqual([sql, "NTFND"]);
      expect((await c.query("select count(*)::int as n from app_public.property_legal_details where property_id = $1", [h.propertyId])).rows[0].n).toBe(0);
      expect((await c.query("select app_public.folios_bill_to(f) as b from app_public.folios f where f.id = $1", [folio])).rows).toEqual([]);
      await staff(c, h.housekeeper);
      for (const [sql, params] of calls) expect([sql, await sqlstateOf(c, sql, params)]).toEqual([sql, "DNIED"]);
      for (const role of ["keepr_anonymous", "keepr_guest"]) {
        await c.query(`set local role ${role}`);
        for (const [sql, params] of calls.slice(1)) expect([role, sql, await sqlstateOf(c, sql, params)]).toEqual([role, sql, "42501"]);
        await asOwner(c);
      }
    }));
});

describe("sending", () => {
  it("records a delivery and adds its job in the same transaction; the address defaults to the bill-to's", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      const arrival = localDate(h.timeZone, 30);
      await staff(c, h.frontDesk);
      const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 1));
      const invoice = await issue(c, await folioOf(c, b.reservation_id));
      const d = (await c.query("select * from app_public.send_invoice($1, null, $2)", [invoice.id, newKey()])).rows[0];
      expect(d).toMatchObject({ recipient: "ada@example.com", status: "pending", invoice_id: invoice.id });
      expect(await sqlstateOf(c, "select app_public.send_invoice($1, 'nope', $2)", [invoice.id, newKey()])).toBe("INVEM");
      await asOwner(c);
      const jobs = await c.query("select key from graphile_worker.jobs where task_identifier = 'send_invoice'");
      expect(jobs.rows.map((r) => r.key)).toEqual([`invoice_delivery:${d.id}`]);
    }));
});
