// Money in people's words in the staff console (issue 18), in headless
// Chromium against a real Keepr server: the trial balance shows one total,
// the one its table adds up to; the city-tax report shows per month what the
// ledger holds for the city tax, nothing for a late cancellation, and its
// CSV; a manager edits a rate plan's deposit schedule (a pay-at-check-in plan
// says so) and whether a cancellation fee keeps a tax. Screenshots on a
// desktop and a phone in docs/screenshots/admin-money-*.png, no console
// error, no WCAG 2 A/AA violation per axe-core.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, waitUntil } from "../helpers/browser.ts";
import { chooseOption, signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, book, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { runDueJobs } from "../helpers/jobs.ts";
import { hotelWithTaxes } from "../helpers/ledger.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let h: Hotel;
let exportDir: string;
let firstOfNext: string;
const email: Record<string, string> = {};
const contexts: BrowserContext[] = [];

/** A desktop and a phone screenshot of the page as it is. */
async function shots(page: Page, name: string) {
  await page.screenshot({ path: path.join(screenshots, `admin-money-${name}.png`), animations: "disabled", fullPage: true });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(screenshots, `admin-money-${name}-phone.png`), animations: "disabled", fullPage: true });
  if (size) await page.setViewportSize(size);
}

async function signIn(userEmail: string): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser);
  contexts.push(context);
  return signInToConsole(context, server.url, userEmail);
}

/** "€1,234.50" → 123450 (the console's en-GB formatting). */
const cents = (text: string | null) => Number((text ?? "").replace(/[^\d-]/g, ""));

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  exportDir = mkdtempSync(path.join(tmpdir(), "keepr-money-exports-"));
  server = await startTestServer(db, { EXPORT_DIR: exportDir });
  // VAT 6 % included, City tax €2.00 per person-night, cleaning €30; the late penalty is one night, and
  // free cancellation ended long ago (120 days before arrival).
  h = await inCommit(db.ownerPool, (c) => hotelWithTaxes(c, { free_cancellation_days: 120, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 }));
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [h.propertyId]);
  const today = localDate(h.timeZone, 0);
  firstOfNext = `${addDays(`${today.slice(0, 8)}01`, 40).slice(0, 8)}01`;
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    await book(c, h.ratePlanId, addDays(firstOfNext, -1), addDays(firstOfNext, 2), 2, 0); // 1 night this month, 2 the next
    await book(c, h.ratePlanId, addDays(firstOfNext, 9), addDays(firstOfNext, 11), 2, 1);
    const cancelled = await book(c, h.ratePlanId, addDays(firstOfNext, 20), addDays(firstOfNext, 22), 2, 0);
    await c.query("select app_public.cancel_reservation($1, $2, 'Flight cancelled')", [cancelled.reservation_id, newKey()]);
  });
  const accountant = (await db.ownerPool.query<{ id: string }>("insert into app_public.users (email, display_name) values ($1, 'Aaron Accounts') returning id", [
    `accounts-${newKey()}@test.example`,
  ])).rows[0]!.id;
  await db.ownerPool.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'accountant')", [h.propertyId, accountant]);
  email.accountant = await withPassword(db.ownerPool, accountant, "Aaron Accounts");
  email.manager = await withPassword(db.ownerPool, h.manager, "Marta Manager");
  browser = await launchBrowser();
}, 240_000);

afterAll(() => endBrowserTest({ contexts, browser, server, db }));

describe("an accountant", () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await signIn(email.accountant!));
  });

  it("sees one trial-balance total, the one the table adds up to, and readable tax account codes", async () => {
    await page.goto(`${server.url}/admin/accounting/trial-balance`);
    const footer = page.getByTestId("trial-balance-columns-EUR");
    await footer.waitFor();
    const [, debitFooter, creditFooter] = await footer.locator("td").allTextContents();
    const debitHeader = await page.getByTestId("trial-balance-debit-EUR").textContent();
    const creditHeader = await page.getByTestId("trial-balance-credit-EUR").textContent();
    expect([debitHeader, creditHeader]).toEqual([debitFooter, creditFooter]);
    expect(debitHeader).toBe(creditHeader);
    // The rows add up to the footer.
    const rows: string[][] = [];
    for (const tr of await page.getByTestId("trial-balance").locator("tbody tr").all()) rows.push(await tr.locator("td").allTextContents());
    expect(rows.reduce((sum, r) => sum + cents(r[3] ?? ""), 0)).toBe(cents(debitFooter!));
    // And the database: the sum of the positive account balances.
    const { rows: [db1] } = await db.ownerPool.query<{ debit: string }>(
      `select sum(b)::text as debit from (select sum(p.amount) as b from app_public.postings p where p.property_id = $1 group by p.account_id) x where b > 0`,
      [h.propertyId],
    );
    expect(cents(debitHeader)).toBe(Number(db1!.debit));
    // Tax accounts: 2101 "Tax payable: City tax", 2102 "Tax payable: VAT" (made in that order: by name within one insert).
    const codes = rows.filter((r) => r[1]?.startsWith("Tax payable")).map((r) => `${r[0]} ${r[1]}`);
    expect(codes).toEqual(["2101 Tax payable: City tax", "2102 Tax payable: VAT"]);
    expect(await page.getByTestId("trial-balance").textContent()).not.toMatch(/2100-[0-9a-f]{8}/);
    await shots(page, "trial-balance");
    await expectAccessible(page);
  });

  it("reads the city tax per month, with nothing kept on the late cancellation, and gets it as a CSV in euros", async () => {
    await page.goto(`${server.url}/admin/reports`);
    const section = page.getByTestId("city-tax-report");
    await section.waitFor();
    const from = `${addDays(firstOfNext, -1).slice(0, 8)}01`;
    const to = addDays(firstOfNext, 27);
    await section.locator("#city-tax-from").fill(from);
    await section.locator("#city-tax-to").fill(to);
    const next = section.getByTestId(`city-tax-${firstOfNext.slice(0, 7)}`);
    await next.waitFor();
    const cells = async (row: typeof next) => row.locator("td").allTextContents();
    // This month: 1 night × 2 guests × €2.00; next month: 2 nights × 2 + 2 nights × 3 guests = 10 person-nights,
    // €20.00; the late cancellation: 1 stay, €0.00 kept.
    const thisMonth = await cells(section.getByTestId(`city-tax-${from.slice(0, 7)}`));
    expect(thisMonth.slice(2)).toEqual(["1", "1", "2", "€4.00", "0", "€0.00"]);
    const nextMonth = await cells(next);
    expect(nextMonth.slice(2)).toEqual(["2", "4", "10", "€20.00", "1", "€0.00"]);
    expect(thisMonth[1]).toContain("City tax");
    // The report is the ledger's: the City tax account holds €24.00.
    const held = (await db.ownerPool.query<{ held: string }>(
      `select (-sum(p.amount))::text as held from app_public.postings p join app_public.ledger_accounts a on a.id = p.account_id
        join app_public.taxes t on t.id = a.tax_id where t.property_id = $1 and t.name = 'City tax'`, [h.propertyId])).rows[0]!.held;
    expect(held).toBe("2400");
    await shots(page, "city-tax");
    await expectAccessible(page);

    await section.getByTestId("city-tax-csv").click();
    await page.getByText("City-tax CSV requested").waitFor();
    await runDueJobs(db, { EXPORT_DIR: exportDir, OUTBOX_DIR: mkdtempSync(path.join(tmpdir(), "keepr-outbox-")) });
    const token = (await db.ownerPool.query<{ download_token: string }>(
      "select download_token from app_public.exports where property_id = $1 and kind = 'city_tax' and status = 'done'", [h.propertyId])).rows[0]!.download_token;
    const csv = parse(await (await fetch(`${server.url}/exports/${token}`)).text(), { columns: true }) as Array<Record<string, string>>;
    expect(csv.map((r) => [r.month, r.person_nights, r.tax_charged, r.tax_on_cancelled, r.currency])).toEqual([
      [from.slice(0, 7), "2", "4.00", "0.00", "EUR"],
      [firstOfNext.slice(0, 7), "10", "20.00", "0.00", "EUR"],
    ]);
    expect(errors).toEqual([]);
  });
});

describe("a manager", () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await signIn(email.manager!));
  });

  it("makes a plan pay-at-check-in, then a 25 % deposit with the rest 7 days before arrival; the table says so and the database has it", async () => {
    await page.goto(`${server.url}/admin/revenue/rate-plans`);
    const cell = page.getByTestId(`payment-${h.ratePlanId}`);
    await cell.waitFor();
    const edit = async () => {
      await page.getByRole("button", { name: "Edit rate plan Flexible" }).click();
      const dialog = page.getByTestId("rate-plan");
      await dialog.waitFor();
      return dialog;
    };
    let dialog = await edit();
    await dialog.getByLabel("Payment", { exact: true }).click();
    await page.getByRole("option", { name: "Pay at check-in" }).click();
    await expect(dialog.getByTestId("deposit-schedule-summary").textContent()).resolves.toMatch(/^Pay at check-in: nothing is charged before arrival\./);
    await page.locator('[data-confirm="rate-plan"]').click();
    await dialog.waitFor({ state: "detached" });
    await waitUntil(async () => (await cell.textContent())?.startsWith("Pay at check-in") === true, "the table to say Pay at check-in");
    expect((await db.ownerPool.query("select deposit_percent::text, balance_due_days from app_public.rate_plans where id = $1", [h.ratePlanId])).rows)
      .toEqual([{ deposit_percent: "0.00", balance_due_days: 0 }]);

    dialog = await edit();
    await dialog.getByLabel("Deposit at booking (%)").fill("25");
    await dialog.getByLabel("Rest due (days before arrival)").fill("7");
    await expect(dialog.getByTestId("deposit-schedule-summary").textContent()).resolves.toMatch(/^25% deposit at booking: the rest 7 days before arrival\./);
    await shots(page, "deposit-schedule");
    await expectAccessible(page);
    // Out of range: refused before it is sent.
    await dialog.getByLabel("Deposit at booking (%)").fill("120");
    await expect(page.locator('[data-confirm="rate-plan"]').isDisabled()).resolves.toBe(true);
    await dialog.getByLabel("Deposit at booking (%)").fill("25");
    // The payment guarantee: 48 hours to pay after a failed payment (0 is refused before it is sent).
    await dialog.getByLabel("Time to pay after a failed payment (hours)").fill("0");
    await expect(page.locator('[data-confirm="rate-plan"]').isDisabled()).resolves.toBe(true);
    await dialog.getByLabel("Time to pay after a failed payment (hours)").fill("48");
    await page.locator('[data-confirm="rate-plan"]').click();
    await dialog.waitFor({ state: "detached" });
    await waitUntil(async () => (await cell.textContent())?.startsWith("25% deposit at booking") === true, "the table to show the deposit");
    expect(await cell.textContent()).toContain("The rest 7 days before arrival");
    expect((await db.ownerPool.query("select deposit_percent::text, balance_due_days, payment_deadline_hours from app_public.rate_plans where id = $1", [h.ratePlanId])).rows)
      .toEqual([{ deposit_percent: "25.00", balance_due_days: 7, payment_deadline_hours: 48 }]);
    expect(await cell.textContent()).toContain("48 h to pay after a failed payment");
    await shots(page, "rate-plans");
    expect(errors).toEqual([]);
  });

  it("sees per tax whether a cancellation fee keeps it: VAT yes, the City tax no", async () => {
    await page.goto(`${server.url}/admin/revenue/fees-taxes`);
    const taxes = page.getByTestId("taxes");
    await taxes.getByText("City tax").waitFor();
    const row = async (name: string) => taxes.locator("tr", { hasText: name }).locator("td").allTextContents();
    expect((await row("City tax"))[5]).toBe("No");
    expect((await row("VAT"))[5]).toBe("Yes");
    await page.getByRole("button", { name: "Edit tax City tax" }).click();
    await page.getByLabel("Kept on cancellation and no-show fees").waitFor();
    await expect(page.getByLabel("Kept on cancellation and no-show fees").isChecked()).resolves.toBe(false);
    await shots(page, "tax");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it("keeps the extras catalogue: adds one with its VAT, refuses a price of 0, and deactivates it", async () => {
    await page.goto(`${server.url}/admin/revenue/extras`);
    await page.getByTestId("extras").waitFor();
    await page.getByRole("button", { name: "Add extra" }).click();
    let dialog = page.getByTestId("extra");
    await dialog.waitFor();
    await dialog.getByLabel("Name").fill("Minibar water");
    await dialog.getByLabel(/Price of one, VAT included/).fill("0");
    await expect(page.locator('[data-confirm="extra"]').isDisabled()).resolves.toBe(true);
    await dialog.getByLabel(/Price of one, VAT included/).fill("3.50");
    await dialog.getByLabel("Order in the desk's list").fill("5");
    await shots(page, "extra");
    await expectAccessible(page);
    await page.locator('[data-confirm="extra"]').click();
    await dialog.waitFor({ state: "detached" });
    const row = page.getByTestId("extras").locator('[data-extra="Minibar water"]');
    await row.waitFor();
    expect(await row.locator("td").allTextContents()).toEqual(["Minibar water ", "€3.50", "VAT 6%", "Yes", "No", "5", ""]);
    const extra = async () =>
      (await db.ownerPool.query("select e.unit_price::int, e.is_active, e.sort_order, t.name as tax from app_public.folio_extras e left join app_public.taxes t on t.id = e.tax_id where e.property_id = $1 and e.name = 'Minibar water'", [h.propertyId])).rows;
    expect(await extra()).toEqual([{ unit_price: 350, is_active: true, sort_order: 5, tax: "VAT" }]);
    await shots(page, "extras");

    await page.getByRole("button", { name: "Edit extra Minibar water" }).click();
    dialog = page.getByTestId("extra");
    await dialog.getByLabel("Offered at the desk (active)").click();
    await page.locator('[data-confirm="extra"]').click();
    await dialog.waitFor({ state: "detached" });
    await row.getByText("Inactive").waitFor();
    expect(await extra()).toEqual([{ unit_price: 350, is_active: false, sort_order: 5, tax: "VAT" }]);

    // Issue 22: an extra guests may book, priced per guest per night, at most 2 a stay.
    await page.getByRole("button", { name: "Add extra" }).click();
    dialog = page.getByTestId("extra");
    await dialog.getByLabel("Name").fill("Breakfast");
    await dialog.getByLabel(/Price of one, VAT included/).fill("15");
    await dialog.getByLabel("Guests may book this").click();
    await chooseOption(page, "Priced when booked", "per guest per night", dialog);
    await dialog.getByLabel("Most a guest may take").fill("0");
    await expect(page.locator('[data-confirm="extra"]').isDisabled()).resolves.toBe(true);
    await dialog.getByLabel("Most a guest may take").fill("2");
    await dialog.getByLabel("Limit a night").fill("0");
    await expect(page.locator('[data-confirm="extra"]').isDisabled()).resolves.toBe(true);
    await dialog.getByLabel("Limit a night").fill("12");
    await shots(page, "extra-bookable");
    await expectAccessible(page);
    await page.locator('[data-confirm="extra"]').click();
    await dialog.waitFor({ state: "detached" });
    const breakfast = page.getByTestId("extras").locator('[data-extra="Breakfast"]');
    await breakfast.waitFor();
    expect((await breakfast.locator("td").allTextContents())[4]).toBe("Yes, per guest per night, up to 2; 12 a night");
    expect((await db.ownerPool.query("select is_bookable, booking_basis, max_quantity, daily_limit from app_public.folio_extras where property_id = $1 and name = 'Breakfast'", [h.propertyId])).rows)
      .toEqual([{ is_bookable: true, booking_basis: "per_guest_night", max_quantity: 2, daily_limit: 12 }]);
    expect(errors).toEqual([]);
  });
});
