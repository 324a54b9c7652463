// The folio at the desk (issue 18) in headless Chromium against a real Keepr
// server on a test database, one test per desk flow, as the front desk (and
// the accountant where the work is theirs), on a desktop (1366×860) and a
// phone (390×844): a booking by phone and its deposit taken by card at once;
// extras posted to a stay; a cash shift opened, a cash payment taken and the
// shift closed by counting, with the difference posted; a folio split and
// the room moved to a folio billed to a company, then transferred to its
// city ledger (and the accountant's AR aging showing it); check-out refused
// while the folio is open, then paid and checked out with the folio closed;
// the accountant's goodwill refund on a settled folio and the correction of
// an extra. Each screen: a screenshot in docs/screenshots/, no console
// error, no WCAG 2 A/AA violation per axe-core; every amount is checked in
// the database too.
import { mkdirSync } from "node:fs";
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
let accountantId: string;
let companyId: string;
const email: Record<string, string> = {};
const contexts: BrowserContext[] = [];

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `admin-folio-${name}.png`), animations: "disabled", fullPage: true });

/** A stay booked by the desk (quote → hold → confirm), checked in when it arrives today; committed. */
function stay(arrivalOffset: number, nights: number, fullName: string, checkIn: boolean) {
  return inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    const arrival = localDate(h.timeZone, arrivalOffset);
    const q = await quote(c, h.ratePlanId, arrival, addDays(arrival, nights));
    const held = await hold(c, q.quote_token);
    const { rows } = await c.query<{ confirmation_code: string }>(
      "select confirmation_code from app_public.confirm_booking($1, $2, $3, $4, '+351 21 000 0000', hold_token => $5)",
      [held.reservation_id, newKey(), fullName, `${fullName.split(" ")[0]!.toLowerCase()}@example.com`, held.hold_token],
    );
    // Checked in as the desk does for a stay paid at departure: acknowledging the unpaid prepayment.
    if (checkIn) await c.query("select * from app_public.check_in($1, $2, force => true, acknowledge_unpaid => true)", [held.reservation_id, newKey()]);
    return { id: held.reservation_id, code: rows[0]!.confirmation_code };
  });
}

async function folios(reservationId: string) {
  return (
    await db.ownerPool.query<{ id: string; label: string; status: string; balance: string; company_id: string | null }>(
      `select f.id, f.label, f.status, coalesce(b.balance, 0)::text as balance, f.company_id
         from app_public.folios f left join app_public.folio_balances b on b.folio_id = f.id
        where f.reservation_id = $1 order by f.is_primary desc, f.created_at`,
      [reservationId],
    )
  ).rows;
}

async function trialBalanceIsZero() {
  const { rows } = await db.ownerPool.query<{ difference: string }>("select difference::text from app_public.trial_balance where property_id = $1", [h.propertyId]);
  expect(rows.every((r) => r.difference === "0")).toBe(true);
}

async function signIn(userEmail: string, kind: "desktop" | "phone" = "desktop"): Promise<{ page: Page; errors: string[] }> {
  return signInToConsole(await newContext(browser, { device: kind, track: contexts }), server.url, userEmail, { ready: "board" });
}

/** The stay's folio card on the reservation page (Folio tab), by label. */
const folioCard = (page: Page, label: string) => page.getByTestId("stay-folios").locator(`[data-label="${label}"]`);

async function openFolioTab(page: Page, reservationId: string) {
  await page.goto(`${server.url}/admin/reservations/${reservationId}/show/folio`);
  await page.getByTestId("stay-folios").waitFor();
}

async function confirmDialog(page: Page, testId: string) {
  await page.locator(`[data-confirm="${testId}"]`).click();
  await page.getByTestId(testId).waitFor({ state: "detached" });
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db, {}, { realtime: true });
  h = await createHotel(db.ownerPool, { units: 6 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [h.propertyId]);
  // The whole stay is due at booking: one card payment per reservation.
  await db.ownerPool.query("update app_public.rate_plans set deposit_percent = 100 where id = $1", [h.ratePlanId]);
  await db.ownerPool.query(
    `insert into app_public.folio_extras (property_id, name, unit_price, currency, sort_order)
     values ($1, 'Minibar', 450, 'EUR', 1), ($1, 'Parking', 1800, 'EUR', 2), ($1, 'Breakfast', 1400, 'EUR', 3)`,
    [h.propertyId],
  );
  companyId = (
    await db.ownerPool.query<{ id: string }>(
      `insert into app_public.companies (property_id, name, legal_name, city, country, tax_id, payment_terms_days)
       values ($1, 'Atlantic Travel', 'Atlantic Travel GmbH', 'Hamburg', 'DE', 'DE123456789', 30) returning id`,
      [h.propertyId],
    )
  ).rows[0]!.id;
  accountantId = (
    await db.ownerPool.query<{ id: string }>("insert into app_public.users (email, display_name) values ($1, 'Aaron Accounts') returning id", [`accounts-${newKey()}@test.example`])
  ).rows[0]!.id;
  await db.ownerPool.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'accountant')", [h.propertyId, accountantId]);
  email.accountant = await withPassword(db.ownerPool, accountantId, "Aaron Accounts");
  email.desk = await withPassword(db.ownerPool, h.frontDesk, "Diego Desk");
  email.housekeeper = await withPassword(db.ownerPool, h.housekeeper, "Hana Housekeeping");
  browser = await launchBrowser();
  await waitUntil(async () => server.realtime?.replicationConnected() === true, "realtime replication");
}, 240_000);

afterAll(() => endBrowserTest({ contexts, browser, server, db }));

describe("the front desk", () => {
  it("books by phone with “Confirm and take payment” and takes the deposit by card at once: the folio settles by itself", async () => {
    const { page, errors } = await signIn(email.desk!);
    await page.getByRole("menuitem", { name: "New booking" }).click();
    await page.getByTestId("new-booking").waitFor();
    const arrival = localDate(h.timeZone, 20);
    await page.getByLabel("Arrival").fill(arrival);
    await page.getByLabel("Departure").fill(addDays(arrival, 2));
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByTestId("search-results").locator('[data-rate-plan="Flexible"]').getByRole("button", { name: /Quote/ }).click();
    await page.getByTestId("quote").getByTestId("quote-total").waitFor();
    await page.getByTestId("hold-room").click();
    await page.getByTestId("hold-countdown").waitFor();
    await page.getByLabel("Email").fill("ada@example.com");
    await page.getByLabel("Full name").fill("Ada Lovelace");
    await page.getByTestId("confirm-and-pay").click();

    // The reservation's folio, with the payment dialog open.
    await page.waitForURL(/\/admin\/reservations\/[0-9a-f-]+\/show\/folio$/);
    const reservationId = /reservations\/([0-9a-f-]+)\/show/.exec(page.url())![1]!;
    const pay = page.getByTestId("folio-pay");
    await pay.waitFor();
    await pay.locator('[data-method="card"]').click();
    await shot(page, "deposit-method");
    await expectAccessible(page);
    await confirmDialog(page, "folio-pay");
    const card = page.getByTestId("take-payment");
    await card.waitFor();
    await card.getByLabel("Card number").fill("4242 4242 4242 4242");
    await card.getByLabel("Expiry (MM/YY)").fill(`12/${String((new Date().getUTCFullYear() + 2) % 100).padStart(2, "0")}`);
    await card.getByLabel("Security code").fill("123");
    await confirmDialog(page, "take-payment");

    // The provider captures it (the worker's job); the folio on screen reaches zero without a reload.
    await runDueJobs(db, { PAYMENT_PROVIDER_URL: `${server.url}/simulated-provider` });
    await folioCard(page, "Folio 1").and(page.locator('[data-balance="0"]')).waitFor({ timeout: 15_000 });
    await folioCard(page, "Folio 1").getByText("Settled").waitFor();
    await shot(page, "deposit-taken");
    await expectAccessible(page);
    expect((await folios(reservationId)).map((f) => f.balance)).toEqual(["0"]);
    await trialBalanceIsZero();

    // Later, parking: charged to the card now on file (the one that paid the deposit), for the amount owed.
    await folioCard(page, "Folio 1").locator('[data-folio-action="charge"]').click();
    const charge = page.getByTestId("folio-charge");
    await charge.getByRole("combobox", { name: "Extra" }).click();
    await page.getByRole("option", { name: /Parking/ }).click();
    await confirmDialog(page, "folio-charge");
    await folioCard(page, "Folio 1").and(page.locator('[data-balance="1800"]')).waitFor();
    await page.reload();
    await folioCard(page, "Folio 1").locator('[data-folio-action="pay"]').click();
    const onFile = page.getByTestId("folio-pay").locator('[data-method="card_on_file"]');
    await expect(onFile.textContent()).resolves.toMatch(/^Visa •• 4242$/);
    await onFile.click();
    await expect(page.getByTestId("folio-pay").getByLabel("Amount (EUR)").inputValue()).resolves.toBe("18.00");
    await shot(page, "card-on-file");
    await expectAccessible(page);
    await confirmDialog(page, "folio-pay");
    await runDueJobs(db, { PAYMENT_PROVIDER_URL: `${server.url}/simulated-provider` });
    await folioCard(page, "Folio 1").and(page.locator('[data-balance="0"]')).waitFor({ timeout: 15_000 });
    expect((await folios(reservationId)).map((f) => f.balance)).toEqual(["0"]);
    await trialBalanceIsZero();
    expect(errors).toEqual([]);
  });

  it("posts extras from the catalogue on a phone: the balance and the folio's lines show them", async () => {
    const grace = await stay(0, 2, "Grace Hopper", true);
    const { page, errors } = await signIn(email.desk!, "phone");
    await openFolioTab(page, grace.id);
    const before = BigInt((await folios(grace.id))[0]!.balance);
    await folioCard(page, "Folio 1").locator('[data-folio-action="charge"]').click();
    const dialog = page.getByTestId("folio-charge");
    await dialog.getByRole("combobox", { name: "Extra" }).click();
    await page.getByRole("option", { name: /Minibar/ }).click();
    await dialog.getByLabel("Quantity").fill("2");
    await shot(page, "post-extra-phone");
    await expectAccessible(page);
    // A double click is one action: one charge.
    await page.locator('[data-confirm="folio-charge"]').dblclick();
    await dialog.waitFor({ state: "detached" });
    const after = (before + 900n).toString();
    await folioCard(page, "Folio 1").and(page.locator(`[data-balance="${after}"]`)).waitFor();
    const lines = await db.ownerPool.query<{ description: string; amount: string }>(
      `select e.description, p.amount::text from app_public.postings p join app_public.journal_entries e on e.id = p.entry_id
        where p.folio_id = $1 and e.cause_type = 'folio_charge'`,
      [(await folios(grace.id))[0]!.id],
    );
    expect(lines.rows).toHaveLength(1);
    expect(lines.rows[0]!.amount).toBe("900");
    expect(lines.rows[0]!.description).toMatch(/^Minibar × 2/);
    await shot(page, "extra-posted-phone");
    await expectAccessible(page);
    // The full folio page lists the line with its text for people.
    await folioCard(page, "Folio 1").getByRole("link", { name: "Open folio" }).click();
    await page.getByTestId("folio-lines").getByText(/^Minibar × 2/).waitFor();
    // The page keeps the phone's width: wide tables scroll inside their own box.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "folio-phone");
    await expectAccessible(page);
    await trialBalanceIsZero();
    expect(errors).toEqual([]);
  });

  it("opens a cash shift with a float, takes a cash payment, and closes the shift by counting: the difference is posted", async () => {
    const alan = await stay(0, 1, "Alan Turing", true);
    const { page, errors } = await signIn(email.desk!);
    await page.getByRole("menuitem", { name: "Cash drawer" }).click();
    await page.locator('[data-action="open-shift"]').click();
    await page.getByTestId("open-shift").getByLabel("Opening float (EUR)").fill("100");
    await confirmDialog(page, "open-shift");
    await page.locator('[data-testid="shift-totals"][data-expected="10000"]').waitFor();

    // A cash payment at the reservation goes into the shift.
    await openFolioTab(page, alan.id);
    await folioCard(page, "Folio 1").locator('[data-folio-action="pay"]').click();
    const pay = page.getByTestId("folio-pay");
    await pay.getByLabel("Amount (EUR)").fill("50");
    await shot(page, "cash-payment");
    await expectAccessible(page);
    await confirmDialog(page, "folio-pay");
    const owed = BigInt((await db.ownerPool.query<{ total_amount: string }>("select total_amount from app_public.reservations where id = $1", [alan.id])).rows[0]!.total_amount);
    await folioCard(page, "Folio 1").and(page.locator(`[data-balance="${(owed - 5000n).toString()}"]`)).waitFor();

    await page.getByRole("menuitem", { name: "Cash drawer" }).click();
    await page.locator('[data-testid="shift-totals"][data-expected="15000"]').waitFor();
    await page.getByTestId("cash-movements").locator('[data-amount="5000"]').waitFor();
    await shot(page, "cash-drawer");
    await expectAccessible(page);

    // Counted €148.00 of €150.00 expected: short by €2.00, with a note.
    await page.locator('[data-action="close-shift"]').click();
    const close = page.getByTestId("close-shift");
    await close.getByLabel("Counted (EUR)").fill("148");
    await close.locator('[data-testid="close-difference"][data-difference="-200"]').waitFor();
    await close.getByLabel("Note").fill("Two euros short, counted twice");
    await shot(page, "close-shift");
    await expectAccessible(page);
    await confirmDialog(page, "close-shift");
    await page.getByTestId("cash-shifts").locator('[data-closed="true"][data-difference="-200"]').waitFor();
    await page.locator('[data-action="open-shift"]').waitFor();
    await shot(page, "cash-shift-closed");
    await expectAccessible(page);
    const shift = await db.ownerPool.query("select opening_float::text, expected_amount::text, counted_amount::text, difference::text from app_public.cash_shifts where property_id = $1", [h.propertyId]);
    expect(shift.rows).toEqual([{ opening_float: "10000", expected_amount: "15000", counted_amount: "14800", difference: "-200" }]);
    await trialBalanceIsZero();
    expect(errors).toEqual([]);
  });

  it("splits the folio, moves the room to a folio billed to a company and transfers it to the company's city ledger", async () => {
    const edsger = await stay(0, 2, "Edsger Dijkstra", true);
    const { page, errors } = await signIn(email.desk!);
    await openFolioTab(page, edsger.id);
    const room = (await folios(edsger.id))[0]!.balance;
    await folioCard(page, "Folio 1").locator('[data-folio-action="split"]').click();
    const split = page.getByTestId("folio-split");
    await split.getByRole("combobox", { name: "Billed to" }).click();
    await page.getByRole("option", { name: /Atlantic Travel/ }).click();
    await shot(page, "split");
    await expectAccessible(page);
    await confirmDialog(page, "folio-split");
    await folioCard(page, "Folio 2").waitFor();

    await folioCard(page, "Folio 1").locator('[data-folio-action="route"]').click();
    const route = page.getByTestId("folio-route");
    await route.getByRole("checkbox", { name: `Move Booking ${edsger.code} confirmed` }).check();
    await shot(page, "move-charges");
    await expectAccessible(page);
    await confirmDialog(page, "folio-route");
    await folioCard(page, "Folio 2").and(page.locator(`[data-balance="${room}"]`)).waitFor();
    await folioCard(page, "Folio 1").and(page.locator('[data-balance="0"]')).waitFor();

    await folioCard(page, "Folio 2").locator('[data-folio-action="city_ledger"]').click();
    const transfer = page.getByTestId("folio-city-ledger");
    // The company the folio is billed to is proposed.
    await expect(transfer.getByRole("combobox", { name: "Company" }).textContent()).resolves.toContain("Atlantic Travel");
    await confirmDialog(page, "folio-city-ledger");
    await folioCard(page, "Folio 2").and(page.locator('[data-balance="0"]')).waitFor();
    await shot(page, "city-ledger");
    await expectAccessible(page);
    expect((await folios(edsger.id)).map((f) => [f.label, f.balance, f.company_id])).toEqual([
      ["Folio 1", "0", null],
      ["Folio 2", "0", companyId],
    ]);
    const ar = await db.ownerPool.query<{ balance: string }>(
      "select b.balance::text from app_public.folios f join app_public.folio_balances b on b.folio_id = f.id where f.company_id = $1 and f.kind = 'company'",
      [companyId],
    );
    expect(ar.rows).toEqual([{ balance: room }]);
    await trialBalanceIsZero();
    expect(errors).toEqual([]);
  });

  it("checks out on a phone only once the folio is settled: refused while open, then paid by bank transfer in the dialog and checked out, the folio closed", async () => {
    const barbara = await stay(0, 1, "Barbara Liskov", true);
    const { page, errors } = await signIn(email.desk!, "phone");
    const checkOuts: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith("/graphql") && (request.postDataJSON() as { operationName?: string }).operationName === "CheckOut") checkOuts.push(request.url());
    });
    await page.goto(`${server.url}/admin/reservations/${barbara.id}/show`);
    await page.locator('[data-action="check_out"]').click();
    const settlement = page.getByTestId("check-out-settlement");
    await page.locator('[data-testid="check-out-settlement"][data-settled="false"]').waitFor();
    await page.locator('[data-confirm="check_out"]').click();
    const refused = page.locator('[role="alert"][data-error-code="FOLIO_UNSETTLED"]');
    await refused.waitFor();
    await expect(refused.textContent()).resolves.toContain("Settle the folio first");
    await shot(page, "check-out-refused-phone");
    await expectAccessible(page);
    expect((await db.ownerPool.query("select status from app_public.reservations where id = $1", [barbara.id])).rows).toEqual([{ status: "checked_in" }]);

    await settlement.locator('[data-folio-action="pay"]').click();
    const pay = page.getByTestId("folio-pay");
    await pay.locator('[data-method="bank_transfer"]').click();
    await pay.getByLabel("Transfer reference").fill("SEPA 2026-12-05 LISKOV");
    await confirmDialog(page, "folio-pay");
    await page.locator('[data-testid="check-out-settlement"][data-settled="true"]').waitFor();
    // The payment, submitted from a dialog above the check-out dialog, did not check out too.
    expect(checkOuts).toHaveLength(1);
    // The earlier refusal no longer applies: it is gone.
    await refused.waitFor({ state: "detached" });
    await shot(page, "check-out-settled-phone");
    await expectAccessible(page);
    await page.locator('[data-confirm="check_out"]').click();
    await waitUntil(async () => checkOuts.length === 2, "the second check-out");
    await waitUntil(async () => (await db.ownerPool.query("select status from app_public.reservations where id = $1", [barbara.id])).rows[0]?.status === "checked_out", "the check-out");
    expect((await folios(barbara.id)).map((f) => [f.status, f.balance])).toEqual([["closed", "0"]]);
    await trialBalanceIsZero();
    expect(errors).toEqual([]);
  });
});

describe("the accountant", () => {
  it("corrects an extra posted by mistake and makes a goodwill refund on a settled folio, which stays at zero; reads the AR aging", async () => {
    const frances = await stay(0, 1, "Frances Allen", true);
    const [primary] = await folios(frances.id);
    // Paid in full by bank transfer, then a parking charge posted by mistake.
    await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
      await c.query("select app_public.take_folio_payment(folio_id => $1, method => 'bank_transfer', amount => $2, reference => 'SEPA', idempotency_key => $3)", [
        primary!.id, primary!.balance, newKey(),
      ]);
      const parking = (await c.query<{ id: string }>("select id from app_public.folio_extras where property_id = $1 and name = 'Parking'", [h.propertyId])).rows[0]!.id;
      await c.query("select app_public.post_folio_charge(folio_id => $1, extra_id => $2, quantity => 1, note => null, idempotency_key => $3)", [primary!.id, parking, newKey()]);
    });
    const { page, errors } = await signIn(email.accountant!);
    await page.goto(`${server.url}/admin/accounting/folios/${primary!.id}`);
    await page.locator('[data-testid="folio-balance"][data-balance="1800"]').waitFor();
    await page.getByTestId("folio-lines").locator('[data-action="correct"]').click();
    await page.getByTestId("folio-correct").getByLabel("Reason").fill("No car: posted to the wrong room");
    await shot(page, "correct");
    await expectAccessible(page);
    await confirmDialog(page, "folio-correct");
    await page.locator('[data-testid="folio-balance"][data-balance="0"]').waitFor();
    await expect(page.getByTestId("folio-lines").locator('[data-action="correct"]').count()).resolves.toBe(0);

    // A goodwill refund of €20.00 on the settled folio: the money goes back, the folio stays at zero.
    await page.locator('[data-folio-action="refund"]').click();
    const refund = page.getByTestId("folio-refund");
    await refund.getByLabel("Amount (EUR)").fill("20");
    await refund.getByLabel("Reason").fill("Noisy room: a gesture");
    await refund.getByRole("button", { name: "Bank transfer" }).click();
    await refund.getByLabel(/Goodwill/).check();
    await shot(page, "goodwill-refund");
    await expectAccessible(page);
    await confirmDialog(page, "folio-refund");
    // One entry, two lines on the folio: the refund (+) and the allowance (−) of the same amount.
    await page.getByTestId("folio-lines").getByText(/^Goodwill refund/).nth(1).waitFor();
    await page.locator('[data-testid="folio-balance"][data-balance="0"]').waitFor();
    await shot(page, "folio-goodwill");
    await expectAccessible(page);
    expect((await folios(frances.id)).map((f) => f.balance)).toEqual(["0"]);
    await trialBalanceIsZero();

    // The AR aging: the company owes what the desk transferred, not yet due.
    await page.getByRole("menuitem", { name: "Companies" }).click();
    await page.getByTestId("companies").locator('[data-company="Atlantic Travel"]').waitFor();
    await shot(page, "companies");
    await expectAccessible(page);
    await page.getByRole("tab", { name: "AR aging" }).click();
    const row = page.getByTestId("ar-aging").locator('[data-company="Atlantic Travel"]');
    await row.waitFor();
    const owed = (await db.ownerPool.query<{ balance: string }>(
      "select b.balance::text from app_public.folios f join app_public.folio_balances b on b.folio_id = f.id where f.company_id = $1 and f.kind = 'company'",
      [companyId],
    )).rows[0]!.balance;
    expect(await row.getAttribute("data-total")).toBe(owed);
    await shot(page, "ar-aging");
    await expectAccessible(page);

    // The company pays by bank transfer on its account (opened from its row): the aging has nothing left.
    await row.getByRole("link", { name: "Atlantic Travel" }).click();
    await page.locator(`[data-testid="folio-balance"][data-balance="${owed}"]`).waitFor();
    await page.locator('[data-folio-action="pay"]').click();
    const pay = page.getByTestId("folio-pay");
    await pay.locator('[data-method="bank_transfer"]').click();
    await pay.getByLabel("Transfer reference").fill("Atlantic Travel remittance 2026-12");
    await confirmDialog(page, "folio-pay");
    await page.locator('[data-testid="folio-balance"][data-balance="0"]').waitFor();
    await page.getByTestId("folio-lines").getByText(/Atlantic Travel remittance/).waitFor();
    await shot(page, "company-account-paid");
    await expectAccessible(page);
    await page.getByRole("menuitem", { name: "Companies" }).click();
    await page.getByRole("tab", { name: "AR aging" }).click();
    await page.getByText("No company owes anything as of this date.").waitFor();
    await trialBalanceIsZero();
    expect(errors).toEqual([]);
  });
});

describe("housekeeping", () => {
  it("has no cash drawer or companies, and the pages say so when opened by link", async () => {
    const { page, errors } = await signIn(email.housekeeper!, "phone");
    await page.goto(`${server.url}/admin/cash-drawer`);
    await page.getByText("The cash drawer is for the front desk, managers, owners and accountants of the property.").waitFor();
    await page.goto(`${server.url}/admin/companies/list`);
    await page.getByText("Companies are for the front desk and the back office of the property.").waitFor();
    for (const item of ["Cash drawer", "Companies"]) await expect(page.getByRole("menuitem", { name: item }).count()).resolves.toBe(0);
    expect(errors).toEqual([]);
  });
});
