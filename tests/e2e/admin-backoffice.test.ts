// The staff console's back office in headless Chromium against a real Keepr
// server (with its realtime service, as npm start runs it) on a test
// database: an accountant opens an unsettled folio, takes the card payment
// at the desk, the simulated provider settles it when the jobs run, and the
// folio (live, without reloading) and the trial balance are at zero; the
// accountant issues an invoice and opens the printable document; a manager
// bulk-edits the price over a date range in the rate calendar and the new
// price shows in the grid and in a quote from the API; the reports page
// draws its charts from data, and an export is requested, written by the
// job and downloaded. Each screen: a screenshot in docs/screenshots/, no
// console error, and no WCAG 2 A/AA violation per axe-core.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, waitUntil } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { runDueJobs } from "../helpers/jobs.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let h: Hotel;
let today: string;
let exportDir: string;
let accountantId: string;
const email: Record<string, string> = {};
const stays: Record<string, { id: string; code: string }> = {};
const contexts: BrowserContext[] = [];

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `admin-backoffice-${name}.png`), animations: "disabled", fullPage: true });

/** What the jobs see: the provider this server hosts, and the same export store. */
const jobsEnv = () => ({ PAYMENT_PROVIDER_URL: `${server.url}/simulated-provider`, EXPORT_DIR: exportDir });

/** quote → hold → confirm as a guest online (channel web), or as the front desk (channel front_desk), committed. */
function books(arrivalOffset: number, nights: number, fullName: string, by: "guest" | "desk" = "guest") {
  return inCommit(db.ownerPool, async (c) => {
    await actAs(c, by === "guest" ? { role: "keepr_anonymous" } : { role: "keepr_staff", userId: h.frontDesk });
    const arrival = localDate(h.timeZone, arrivalOffset);
    const q = await quote(c, h.ratePlanId, arrival, addDays(arrival, nights));
    const held = await hold(c, q.quote_token);
    const { rows } = await c.query<{ confirmation_code: string }>(
      "select confirmation_code from app_public.confirm_booking($1, $2, $3, $4, '+351 21 000 0000', hold_token => $5)",
      [held.reservation_id, newKey(), fullName, `${fullName.split(" ")[0]!.toLowerCase()}@example.com`, held.hold_token],
    );
    return { id: held.reservation_id, code: rows[0]!.confirmation_code };
  });
}

async function signIn(userEmail: string): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser);
  contexts.push(context);
  return signInToConsole(context, server.url, userEmail);
}

/** The operation names and idempotency keys of the GraphQL requests a page sends. */
function recordRequests(page: Page): Array<{ operation: string; key: string | undefined }> {
  const sent: Array<{ operation: string; key: string | undefined }> = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/graphql") && request.method() === "POST") {
      const body = request.postDataJSON() as { operationName?: string; variables?: { idempotencyKey?: string } };
      sent.push({ operation: body.operationName ?? "", key: body.variables?.idempotencyKey });
    }
  });
  return sent;
}

/**
 * axe-core on the page once it has had nothing loading for a moment, so that
 * what is checked is the settled screen, not a live refetch's spinners.
 */

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  exportDir = mkdtempSync(path.join(tmpdir(), "keepr-backoffice-exports-"));
  server = await startTestServer(db, { EXPORT_DIR: exportDir }, { realtime: true });
  h = await createHotel(db.ownerPool, { units: 4 });
  today = localDate(h.timeZone, 0);
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [h.propertyId]);
  // The whole stay is paid at booking: one payment per reservation.
  await db.ownerPool.query("update app_public.rate_plans set deposit_percent = 100 where id = $1", [h.ratePlanId]);
  accountantId = (
    await db.ownerPool.query<{ id: string }>("insert into app_public.users (email, display_name) values ($1, 'Aaron Accounts') returning id", [
      `accounts-${newKey()}@test.example`,
    ])
  ).rows[0]!.id;
  await db.ownerPool.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'accountant')", [h.propertyId, accountantId]);
  email.accountant = await withPassword(db.ownerPool, accountantId, "Aaron Accounts");
  email.manager = await withPassword(db.ownerPool, h.manager, "Marta Manager");
  email.desk = await withPassword(db.ownerPool, h.frontDesk, "Diego Desk");

  stays.ada = await books(5, 3, "Ada Lovelace"); // unpaid: the accountant takes her payment
  stays.grace = await books(2, 2, "Grace Hopper", "desk");
  stays.alan = await books(8, 4, "Alan Turing");
  stays.edsger = await books(12, 1, "Edsger Dijkstra", "desk");

  browser = await launchBrowser();
  // Changes reach the console through logical replication: it must be streaming first.
  await waitUntil(async () => server.realtime?.replicationConnected() === true, "realtime replication");
}, 240_000);

afterAll(() => endBrowserTest({ contexts, browser, server, db }));

describe("an accountant", () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await signIn(email.accountant!));
  });

  it("sees Accounting and Reports in the menu, not Revenue", async () => {
    await page.getByRole("menuitem", { name: "Accounting" }).waitFor();
    await expect(page.getByRole("menuitem", { name: "Reports" }).count()).resolves.toBe(1);
    await expect(page.getByRole("menuitem", { name: "Revenue" }).count()).resolves.toBe(0);
  });

  it("opens an unsettled folio, takes the card payment at the desk with one key; once the provider captures it the folio and the trial balance are at zero", async () => {
    const sent = recordRequests(page);
    await page.getByRole("menuitem", { name: "Accounting" }).click();
    const row = page.getByTestId("folios").locator(`[data-code="${stays.ada!.code}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("Ada Lovelace");
    // Unsettled only, by default: every booking here is unpaid.
    await expect(page.getByTestId("folios").locator("tbody tr[data-code]").count()).resolves.toBe(4);
    await shot(page, "folios");
    await expectAccessible(page);

    await row.click();
    const balance = page.getByTestId("folio-balance");
    await balance.waitFor();
    const total = (await db.ownerPool.query<{ total_amount: string }>("select total_amount from app_public.reservations where id = $1", [stays.ada!.id])).rows[0]!.total_amount;
    expect(await balance.getAttribute("data-balance")).toBe(total);
    expect(total).not.toBe("0");
    await page.getByTestId("folio-lines").getByText(`Booking ${stays.ada!.code} confirmed`).waitFor();
    await shot(page, "folio");
    await expectAccessible(page);

    await page.locator('[data-action="take-payment"]').click();
    const dialog = page.getByTestId("take-payment");
    await dialog.waitFor();
    await dialog.getByLabel("Card number").fill("4242 4242 4242 4242");
    await dialog.getByLabel("Expiry (MM/YY)").fill(`12/${String((new Date().getUTCFullYear() + 2) % 100).padStart(2, "0")}`);
    await dialog.getByLabel("Security code").fill("123");
    await shot(page, "take-payment");
    await expectAccessible(page);
    // A double click is one user action: one request key, one payment.
    await page.locator('[data-confirm="take-payment"]').dblclick();
    await dialog.waitFor({ state: "detached" });
    const pays = sent.filter((s) => s.operation === "BackofficePay");
    expect(pays.length).toBeGreaterThanOrEqual(1);
    expect(new Set(pays.map((p) => p.key)).size).toBe(1);
    expect(pays[0]!.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const attempts = await db.ownerPool.query<{ status: string }>(
      "select a.status from app_public.payment_attempts a join app_public.payment_intents i on i.id = a.intent_id where i.reservation_id = $1",
      [stays.ada!.id],
    );
    expect(attempts.rows.map((r) => r.status)).toEqual(["pending"]);
    // The card number went to the provider's card form only, never to Keepr's API.
    expect(JSON.stringify(sent)).not.toContain("4242424242424242");

    // The worker has the simulated provider authorize and capture it.
    await runDueJobs(db, jobsEnv());
    expect((await db.ownerPool.query("select a.status from app_public.payment_attempts a join app_public.payment_intents i on i.id = a.intent_id where i.reservation_id = $1", [stays.ada!.id])).rows).toEqual([
      { status: "captured" },
    ]);
    // The folio updates by itself (realtime), without a reload.
    await page.locator('[data-testid="folio-balance"][data-balance="0"]').waitFor({ timeout: 15_000 });
    await page.getByText("Settled", { exact: true }).waitFor();
    await page.getByTestId("folio-lines").getByText(/Card payment/).waitFor();
    await page.locator('[data-testid="folio-payments"] [data-status="captured"]').waitFor();
    await shot(page, "folio-settled");
    await expectAccessible(page);

    await page.getByRole("link", { name: "All folios" }).click();
    await page.getByRole("tab", { name: "Trial balance" }).click();
    const difference = page.getByTestId("trial-balance-difference-EUR");
    await difference.waitFor();
    expect(await page.getByTestId("trial-balance-totals").locator("[data-currency=EUR]").getAttribute("data-difference")).toBe("0");
    expect(await difference.textContent()).toBe("€0.00");
    expect(await page.getByTestId("trial-balance").getAttribute("data-balanced")).toBe("true");
    // The debit and credit columns add up to the same amount.
    const cells = await page.getByTestId("trial-balance-columns-EUR").locator("td").allTextContents();
    expect(cells[1]).toBe(cells[2]);
    await shot(page, "trial-balance");
    await expectAccessible(page);
    // The database agrees: the folio is settled and the ledger balances.
    expect((await db.ownerPool.query("select balance from app_public.folio_balances where folio_id = (select id from app_public.folios where reservation_id = $1)", [stays.ada!.id])).rows).toEqual([{ balance: "0" }]);
    expect((await db.ownerPool.query("select difference from app_public.trial_balance where property_id = $1", [h.propertyId])).rows).toEqual([{ difference: "0" }]);

    // The journal shows the capture with its two postings.
    await page.getByRole("tab", { name: "Journal" }).click();
    const journal = page.getByTestId("journal");
    await journal.getByText(/^Card payment/).first().waitFor();
    await journal.getByText("1200 · Payment clearing (simulated provider)").first().waitFor();
    await shot(page, "journal");
    await expectAccessible(page);

    // The payment in the property's list of payments, captured.
    await page.getByRole("tab", { name: "Payments" }).click();
    await page.getByTestId("payments").locator('[data-status="captured"]').first().waitFor();
    expect(await page.getByTestId("payments").textContent()).toContain(stays.ada!.code);
    expect(errors).toEqual([]);
  });

  it("issues an invoice for the folio and opens the printable document the server renders", async () => {
    const folioId = (await db.ownerPool.query<{ id: string }>("select id from app_public.folios where reservation_id = $1", [stays.ada!.id])).rows[0]!.id;
    await page.goto(`${server.url}/admin/accounting/folios/${folioId}`);
    await page.locator('[data-action="issue-invoice"]').click();
    await page.locator('[data-confirm="issue-invoice"]').click();
    await page.getByTestId("issue-invoice").waitFor({ state: "detached" });
    const number = (await db.ownerPool.query<{ document_number: string }>("select document_number from app_public.invoices where folio_id = $1", [folioId])).rows[0]!.document_number;
    expect(number).toBe("INV-000001");
    await page.locator(`[data-document="${number}"]`).getByRole("button", { name: "View" }).click();
    const frame = page.frameLocator('[data-testid="invoice-frame"]');
    await frame.getByText(`Invoice ${number}`).waitFor();
    await expect(frame.locator("body").textContent()).resolves.toContain(`Booking ${stays.ada!.code}`);
    await shot(page, "invoice");
    await page.getByTestId("invoice-viewer").getByRole("button", { name: "Close" }).click();
    await page.getByTestId("invoice-viewer").waitFor({ state: "detached" });

    await page.getByRole("link", { name: "All folios" }).click();
    await page.getByRole("tab", { name: "Invoices" }).click();
    await page.getByTestId("invoices").locator(`[data-document="${number}"]`).waitFor();
    await shot(page, "invoices");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });
});

describe("a manager", () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await signIn(email.manager!));
  });

  it("bulk-edits the price over a date range in the rate calendar: the grid and a quote from the API show the new price", async () => {
    const sent = recordRequests(page);
    await page.getByRole("menuitem", { name: "Revenue" }).click();
    const grid = page.getByTestId("rate-grid");
    await grid.waitFor();
    const plan = grid.locator(`[data-plan="${h.ratePlanId}"]`);
    await plan.locator(`[data-date="${today}"][data-price="10000"]`).waitFor();
    await shot(page, "rate-calendar");
    await expectAccessible(page);

    const first = addDays(today, 3);
    const last = addDays(today, 6);
    await page.locator('[data-action="bulk-edit"]').click();
    const dialog = page.getByTestId("bulk-edit");
    await dialog.waitFor();
    await dialog.getByLabel("First date").fill(first);
    await dialog.getByLabel("Last date").fill(last);
    await dialog.getByLabel("Price per night (EUR)").fill("155.50");
    await shot(page, "bulk-edit");
    await expectAccessible(page);
    await page.locator('[data-confirm="bulk-edit"]').dblclick();
    await dialog.waitFor({ state: "detached" });
    const keys = sent.filter((s) => s.operation === "BackofficeSetRates").map((s) => s.key);
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(new Set(keys).size).toBe(1);

    // The grid: the new price on each date of the range, the old one around it.
    for (let d = first; d <= last; d = addDays(d, 1)) {
      await plan.locator(`[data-date="${d}"][data-price="15550"][data-override="true"]`).waitFor();
    }
    expect(await plan.locator(`[data-date="${first}"]`).textContent()).toContain("€155.50");
    expect(await plan.locator(`[data-date="${addDays(first, -1)}"]`).getAttribute("data-price")).toBe("10000");
    expect(await plan.locator(`[data-date="${addDays(last, 1)}"]`).getAttribute("data-price")).toBe("10000");
    await shot(page, "rate-calendar-edited");

    // A quote from the API, as a guest gets it: two nights inside the range, one outside.
    const response = await server.graphql(
      `query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d, adults: 2, children: 0) { totalAmount lines { kind date amount } } }`,
      { p: h.ratePlanId, a: addDays(last, -1), d: addDays(last, 2) },
    );
    expect(response.body.errors).toBeUndefined();
    const q = response.body.data!.quote as { totalAmount: string; lines: Array<{ kind: string; date: string; amount: string }> };
    expect(q.lines.filter((l) => l.kind === "night").map((l) => [l.date, l.amount])).toEqual([
      [addDays(last, -1), "15550"],
      [last, "15550"],
      [addDays(last, 1), "10000"],
    ]);
    expect(q.totalAmount).toBe("41100");
    expect(errors).toEqual([]);
  });

  it("stops sales on one date from its cell: the grid shows it and the API refuses a stay over it", async () => {
    const plan = page.getByTestId("rate-grid").locator(`[data-plan="${h.ratePlanId}"]`);
    const day = addDays(today, 9);
    await plan.locator(`[data-date="${day}"]`).click();
    const dialog = page.getByTestId("bulk-edit");
    await dialog.waitFor();
    await dialog.getByRole("combobox", { name: "Stop sell" }).click();
    await page.getByRole("option", { name: "Yes" }).click();
    await page.locator('[data-confirm="bulk-edit"]').click();
    await dialog.waitFor({ state: "detached" });
    await plan.locator(`[data-date="${day}"][data-stop-sell="true"]`).waitFor();
    expect(await plan.locator(`[data-date="${day}"]`).textContent()).toContain("Stop");
    const response = await server.graphql(
      `query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d, adults: 2, children: 0) { totalAmount } }`,
      { p: h.ratePlanId, a: day, d: addDays(day, 1) },
    );
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: "RESTRICTED", reason: "STOP_SELL" });
    expect(errors).toEqual([]);
  });

  it("adds a rate plan and changes its price, and the rate calendar shows it; sees room types and units, fees and taxes", async () => {
    await page.getByRole("tab", { name: "Rate plans" }).click();
    await page.getByTestId("rate-plans").getByText("Flexible").waitFor();
    await page.getByRole("button", { name: "Add rate plan" }).click();
    const dialog = page.getByTestId("rate-plan");
    await dialog.waitFor();
    await dialog.getByLabel("Name").fill("Weekly saver");
    await dialog.getByLabel("Base price per night (EUR)").fill("89.90");
    await dialog.getByLabel("Minimum stay (nights)").fill("7");
    await page.locator('[data-confirm="rate-plan"]').click();
    await dialog.waitFor({ state: "detached" });
    const created = await db.ownerPool.query<{ id: string; base_price: string; min_stay: number; currency: string }>(
      "select id, base_price::text, min_stay, currency from app_public.rate_plans where property_id = $1 and name = 'Weekly saver'",
      [h.propertyId],
    );
    expect(created.rows.map(({ base_price, min_stay, currency }) => ({ base_price, min_stay, currency }))).toEqual([{ base_price: "8990", min_stay: 7, currency: "EUR" }]);
    const row = page.getByTestId("rate-plans").locator("tr", { hasText: "Weekly saver" });
    await row.getByText("€89.90").waitFor();
    await row.getByRole("button", { name: "Edit rate plan Weekly saver" }).click();
    await dialog.waitFor();
    await dialog.getByLabel("Base price per night (EUR)").fill("95");
    await page.locator('[data-confirm="rate-plan"]').click();
    await dialog.waitFor({ state: "detached" });
    await row.getByText("€95.00").waitFor();
    await shot(page, "rate-plans");
    await expectAccessible(page);
    await page.getByRole("tab", { name: "Rate calendar" }).click();
    await page.getByTestId("rate-grid").locator(`[data-plan="${created.rows[0]!.id}"] [data-date="${today}"][data-price="9500"]`).waitFor();
    await page.getByRole("tab", { name: "Room types & units" }).click();
    await page.getByTestId("units").getByText("101").waitFor();
    await page.getByRole("tab", { name: "Fees & taxes" }).click();
    await page.getByTestId("taxes").waitFor();
    expect(errors).toEqual([]);
  });

  it("reads the reports as charts drawn from data, and requests an export the job writes and the link downloads", async () => {
    await page.getByRole("menuitem", { name: "Reports" }).click();
    const occupancy = page.getByTestId("chart-occupancy");
    await occupancy.locator(".recharts-area-area").waitFor();
    // Four stays, all within the next 30 nights: occupancy above zero, room revenue as booked.
    const sold = (await db.ownerPool.query<{ nights: number; revenue: string }>(
      "select sum(upper(stay) - lower(stay))::int as nights, sum(room_amount)::text as revenue from app_public.reservations where property_id = $1 and status = 'confirmed'",
      [h.propertyId],
    )).rows[0]!;
    await expect(page.getByTestId("kpi-occupancy").textContent()).resolves.toContain(`${sold.nights} of`);
    await expect(page.getByTestId("kpi-revenue").textContent()).resolves.toContain(`€${(Number(sold.revenue) / 100).toLocaleString("en-GB", { minimumFractionDigits: 2 })}`);
    await page.getByTestId("chart-channels").locator(".recharts-bar-rectangle").first().waitFor();
    const channelRows = await page.getByTestId("channel-table").locator("tbody tr").allTextContents();
    expect(channelRows.map((r) => r.split(/\d/)[0]).sort()).toEqual(["Front desk", "Web"]);
    await page.getByTestId("chart-pickup").locator(".recharts-bar-rectangle").first().waitFor();
    await expect(page.getByTestId("kpi-bookings").textContent()).resolves.toContain("4");
    await shot(page, "reports");
    await expectAccessible(page);

    await page.getByTestId("export-kind").click();
    await page.getByRole("option", { name: "Occupancy" }).click();
    await page.locator('[data-action="request-export"]').click();
    const row = page.getByTestId("exports").locator("tbody tr[data-export]").first();
    await row.waitFor();
    expect(await row.getAttribute("data-status")).toBe("pending");
    await runDueJobs(db, jobsEnv());
    expect((await db.ownerPool.query("select status, error from app_public.exports where property_id = $1", [h.propertyId])).rows).toEqual([{ status: "done", error: null }]);
    await page.getByTestId("exports").locator('tbody tr[data-status="done"]').first().waitFor({ timeout: 15_000 });
    const href = await page.getByTestId("exports").locator('[data-action="download-export"]').first().getAttribute("href");
    expect(href).toMatch(/^\/exports\//);
    const download = await fetch(`${server.url}${href}`);
    expect(download.status).toBe(200);
    const csv = await download.text();
    expect(csv.split("\n")[0]).toContain("date");
    await page.getByTestId("exports").scrollIntoViewIfNeeded();
    await shot(page, "exports");
    expect(errors).toEqual([]);
  });
});

describe("the front desk", () => {
  it("has none of the back office in its menu, and the pages say so when opened by link", async () => {
    const { page, errors } = await signIn(email.desk!);
    await page.getByRole("menuitem", { name: "Reservations" }).waitFor();
    for (const item of ["Accounting", "Reports", "Revenue"]) await expect(page.getByRole("menuitem", { name: item }).count()).resolves.toBe(0);
    await page.goto(`${server.url}/admin/revenue/calendar`);
    await page.getByText("Revenue is for owners and managers of the property.").waitFor();
    await page.goto(`${server.url}/admin/accounting/trial-balance`);
    await page.getByText("Accounting is for owners, managers and accountants of the property.").waitFor();
    expect(errors).toEqual([]);
  });
});
