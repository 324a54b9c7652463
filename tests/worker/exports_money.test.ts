// Exports speak major units (issue 18): "144.00" with a currency column,
// never 14400; occupancy has units available on nights nobody booked; the
// city-tax export is the city-tax report's figures. And the city-tax report
// itself, against the ledger.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import type pg from "pg";
import { actAs, createTestDatabase, inCommit, inRollback, sqlstateOf, type TestDatabase } from "../helpers/db.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { addDays, book, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { hotelWithTaxes } from "../helpers/ledger.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
const exportDir = mkdtempSync(path.join(tmpdir(), "keepr-exports-"));
beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db, { EXPORT_DIR: exportDir });
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

const staff = (c: pg.PoolClient, userId: string) => actAs(c, { role: "keepr_staff", userId });

/** Requests an export as a user, runs the jobs, downloads and parses the CSV. */
async function exportCsv(h: Hotel, userId: string, kind: string, from: string, to: string) {
  const requested = await inCommit(db.ownerPool, async (c) => {
    await staff(c, userId);
    return (await c.query("select id from app_public.request_export($1, $2, $3, $4)", [h.propertyId, kind, from, to])).rows[0];
  });
  await runDueJobs(db, { EXPORT_DIR: exportDir, OUTBOX_DIR: newOutbox() });
  const done = (await db.ownerPool.query("select status, error, download_token from app_public.exports where id = $1", [requested.id])).rows[0];
  expect(done).toMatchObject({ status: "done" });
  const res = await fetch(`${server.url}/exports/${done.download_token}`);
  expect(res.status).toBe(200);
  return parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
}

it("reservation and ledger exports are in major units with the currency's digits (EUR 144.00, JPY 12000) beside a currency column", async () => {
  const eur = await createHotel(db.ownerPool, { ratePlan: { base_price: 14400 } });
  const jpy = await createHotel(db.ownerPool, { currency: "JPY", timeZone: "Asia/Tokyo", ratePlan: { base_price: 12000 } });
  for (const h of [eur, jpy]) {
    await inCommit(db.ownerPool, async (c) => {
      await staff(c, h.frontDesk);
      await book(c, h.ratePlanId, localDate(h.timeZone, 10), localDate(h.timeZone, 11));
    });
  }
  const [eurRow] = await exportCsv(eur, eur.frontDesk, "reservations", localDate(eur.timeZone, 0), localDate(eur.timeZone, 30));
  expect(eurRow).toMatchObject({ currency: "EUR", room_amount: "144.00", fees_amount: "0.00", taxes_amount: "0.00", total_amount: "144.00" });
  expect(eurRow!.penalty_amount).toBe(""); // not cancelled: no penalty, not 0
  const [jpyRow] = await exportCsv(jpy, jpy.frontDesk, "reservations", localDate(jpy.timeZone, 0), localDate(jpy.timeZone, 30));
  expect(jpyRow).toMatchObject({ currency: "JPY", total_amount: "12000" });

  const ledger = await exportCsv(eur, eur.manager, "ledger", localDate(eur.timeZone, 0), localDate(eur.timeZone, 0));
  expect(ledger.map((r) => [r.account_code, r.amount, r.currency]).sort()).toEqual([["1100", "144.00", "EUR"], ["4000", "-144.00", "EUR"]]);
});

it("occupancy has units available on every night, sold or not, and revenue in major units", async () => {
  const h = await createHotel(db.ownerPool, { units: 4, ratePlan: { base_price: 9950 } });
  const arrival = localDate(h.timeZone, 5);
  await inCommit(db.ownerPool, async (c) => {
    await staff(c, h.frontDesk);
    await book(c, h.ratePlanId, arrival, addDays(arrival, 1));
  });
  const rows = await exportCsv(h, h.manager, "occupancy", addDays(arrival, -1), addDays(arrival, 1));
  expect(rows).toEqual([
    { date: addDays(arrival, -1), units_available: "4", units_sold: "0", room_revenue: "0.00", currency: "EUR" },
    { date: arrival, units_available: "4", units_sold: "1", room_revenue: "99.50", currency: "EUR" },
    { date: addDays(arrival, 1), units_available: "4", units_sold: "0", room_revenue: "0.00", currency: "EUR" },
  ]);
});

describe("the city-tax report", () => {
  it("counts per month the nights, person-nights and tax of stays, equal to the ledger's tax account; cancelled stays hold no tax; its CSV says the same", async () => {
    const h = await inCommit(db.ownerPool, (c) => hotelWithTaxes(c, { free_cancellation_days: 120, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 }));
    // A stay across the turn of a month: 3 nights × 2 guests × €2.00; another of 2 nights × 3 guests; one cancelled
    // late (free cancellation ended 120 days before arrival: it costs a night, none of it city tax).
    const today = localDate(h.timeZone, 0);
    const firstOfNext = `${addDays(today.slice(0, 8) + "01", 40).slice(0, 8)}01`;
    const across = addDays(firstOfNext, -1);
    const ids = await inCommit(db.ownerPool, async (c) => {
      await staff(c, h.frontDesk);
      const a = await book(c, h.ratePlanId, across, addDays(across, 3), 2, 0);
      const b = await book(c, h.ratePlanId, addDays(firstOfNext, 10), addDays(firstOfNext, 12), 2, 1);
      const x = await book(c, h.ratePlanId, addDays(firstOfNext, 20), addDays(firstOfNext, 22), 2, 0);
      await c.query("select app_public.cancel_reservation($1, $2)", [x.reservation_id, newKey()]);
      return { a: a.reservation_id, b: b.reservation_id, x: x.reservation_id };
    });
    const from = across.slice(0, 8) + "01";
    const to = addDays(firstOfNext, 27);
    await inRollback(db.ownerPool, async (c) => {
      await staff(c, h.housekeeper);
      expect(await sqlstateOf(c, "select * from app_public.city_tax_report($1, $2, $3)", [h.propertyId, from, to])).toBe("DNIED");
      await staff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select * from app_public.city_tax_report($1, $2, $3)", [h.propertyId, from, to])).toBe("DNIED");
      await c.query("reset role");
      const accountant = (await c.query("insert into app_public.users (email, display_name) values ($1, 'Ann') returning id", [`ann-${newKey()}@test.example`])).rows[0].id;
      await c.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'accountant')", [h.propertyId, accountant]);
      await staff(c, accountant);
      const rows = (await c.query(
        "select month::text, tax_name, stays, nights, person_nights, tax_charged::int, cancelled_stays, tax_on_cancelled::int, currency from app_public.city_tax_report($1, $2, $3)",
        [h.propertyId, from, to],
      )).rows;
      // The percent tax (VAT) is not a city tax: only the City tax, one row per month, the month before included.
      expect(rows).toEqual([
        { month: from, tax_name: "City tax", stays: 1, nights: 1, person_nights: 2, tax_charged: 400, cancelled_stays: 0, tax_on_cancelled: 0, currency: "EUR" },
        { month: firstOfNext, tax_name: "City tax", stays: 2, nights: 4, person_nights: 10, tax_charged: 800 + 1200, cancelled_stays: 1, tax_on_cancelled: 0, currency: "EUR" },
      ]);
      // Against the ledger: what the stays' entries hold on the City tax account.
      await c.query("reset role");
      const ledger = (await c.query(
        `select -sum(p.amount)::int as held from app_public.postings p
           join app_public.journal_entries e on e.id = p.entry_id join app_public.ledger_accounts a on a.id = p.account_id
           join app_public.taxes t on t.id = a.tax_id where t.property_id = $1 and t.name = 'City tax' and e.cause_id = any($2)`,
        [h.propertyId, [ids.a, ids.b, ids.x]],
      )).rows[0].held;
      expect(ledger).toBe(rows.reduce((n, r) => n + r.tax_charged + r.tax_on_cancelled, 0));
      expect(await sqlstateOf(c, "select * from app_public.city_tax_report($1, $2, $3)", [h.propertyId, from, addDays(from, 401)])).toBe("DATES");
    });
    const csv = await exportCsv(h, h.manager, "city_tax", from, to);
    expect(csv).toEqual([
      { month: from.slice(0, 7), tax: "City tax", basis: "per_person_night", stays: "1", nights: "1", person_nights: "2", tax_charged: "4.00", cancelled_stays: "0", tax_on_cancelled: "0.00", currency: "EUR" },
      { month: firstOfNext.slice(0, 7), tax: "City tax", basis: "per_person_night", stays: "2", nights: "4", person_nights: "10", tax_charged: "20.00", cancelled_stays: "1", tax_on_cancelled: "0.00", currency: "EUR" },
    ]);
  });
});
