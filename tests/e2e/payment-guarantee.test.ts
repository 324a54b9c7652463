// The payment guarantee and the card on file in headless Chromium, against a
// real Keepr (API, simulated payment provider, guest app at /, console at
// /admin) with the job worker running (it charges cards, sends the emails and
// runs the deadline's job): a guest books a non-refundable rate paid in full
// at booking with a card the provider declines (4000 0000 0000 9995), sees
// "Payment due" with the deadline and the card form to pay, and is emailed
// a link; the front desk sees the booking on the Today board with its
// deadline, Extend (and no Waive: the managers'); the deadline passes (the
// clock is moved by setting the deadline in the past as the owner, and the
// job queued for now, never by waiting) and the worker cancels the booking
// and releases its nights. Then a guest who paid with a Visa finds it on
// file in Manage from a fresh browser (the server's word, not the tab's
// memory) and replaces it with a Mastercard. A guest arriving today whose
// prepayment was declined: the desk's check-in dialog shows what is unpaid
// and checks in only once the desk ticks that it saw it. Desktop and phone screenshots
// in docs/screenshots/ (web-guarantee-*, admin-guarantee-*), axe-core on
// each screen.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import type { Worker } from "../../worker/runner.ts";
import { createToken } from "../../payments/simulated/client.ts";
import { collectPageErrors, endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow, waitForValue } from "../helpers/browser.ts";
import { addDays, confirm, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { startTestWorker } from "../helpers/jobs.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");
const desktop = { width: 1366, height: 860 };
const phone = { width: 390, height: 844 };
const declining = "4000 0000 0000 9995";
const visa = "4242 4242 4242 4242";
const mastercard = "5555 5555 5555 4444";

let db: TestDatabase;
let server: TestServer;
let worker: Worker;
let browser: Browser;
let outbox: string;
let hotel: Hotel;
let nonRefundable: string;
let deskEmail: string;
let declined: { id: string; code: string; arrival: string };

const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.ownerPool.query(sql, params)).rows as T[];
const euros = (minor: number) => new Intl.NumberFormat("en-GB", { style: "currency", currency: "EUR" }).format(minor / 100);

async function guestContext(): Promise<BrowserContext> {
  return browser.newContext({ viewport: desktop, deviceScaleFactor: 1, locale: "en-GB", timezoneId: "Europe/Lisbon" });
}

async function open(ctx: BrowserContext, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await ctx.newPage();
  const errors = collectPageErrors(page);
  await page.goto(`${server.url}${url}`);
  await page.locator("body[data-app-ready=true]").waitFor();
  return { page, errors };
}

const settle = (page: Page) =>
  Promise.all(page.frames().map((f) =>
    f.evaluate("new Promise((resolve) => { requestAnimationFrame(() => requestAnimationFrame(resolve)); setTimeout(resolve, 500); })").catch(() => {})));

/** Desktop and phone screenshots, and no horizontal scrolling on the phone. */
async function shots(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? desktop;
  const framed = page.frames().length > 1;
  for (const [viewport, suffix] of [[desktop, "desktop"], [phone, "phone"]] as const) {
    await page.setViewportSize(viewport);
    await settle(page);
    await page.screenshot({ path: path.join(screenshots, `${name}-${suffix}.png`), fullPage: !framed, animations: "disabled" });
    if (suffix === "phone") {
      expect({ name, overflow: await sidewaysOverflow(page) })
        .toEqual({ name, overflow: 0 });
    }
  }
  await page.setViewportSize(size);
}

async function fillCard(page: Page, number: string): Promise<void> {
  const frame = page.frameLocator('iframe[title^="Card details"]').first();
  await frame.getByLabel("Card number").fill(number);
  await frame.getByLabel("Expiry (MM/YY)").fill("12/30");
  await frame.getByLabel("CVC").fill("123");
}

/** The guest books a plan for two nights from `arrival` with a card, from the booking page; returns the code. */
async function bookWithCard(page: Page, plan: string, arrival: string, guest: { name: string; email: string }, number: string, pay: string): Promise<string> {
  await page.goto(`${server.url}/book?plan=${plan}&arrival=${arrival}&departure=${addDays(arrival, 2)}&adults=2`);
  await page.getByRole("button", { name: "Reserve this room" }).click();
  await page.getByTestId("hold-countdown").waitFor();
  await page.getByLabel("Full name").fill(guest.name);
  await page.getByLabel("Email address").fill(guest.email);
  await fillCard(page, number);
  await page.getByRole("button", { name: `Confirm and pay ${pay}` }).click();
  await page.waitForURL(/\/confirmation$/);
  return (await page.getByTestId("confirmation-code").textContent())!;
}

/** Manage from a fresh browser: code and email, nothing remembered. */
async function manage(code: string, email: string): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = await guestContext();
  const { page, errors } = await open(ctx, "/manage");
  await page.getByLabel("Confirmation code").fill(code);
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Find my booking" }).click();
  await page.getByTestId("booking-status").waitFor();
  return { ctx, page, errors };
}

function emailTo(address: string, subject: string): Promise<string> {
  return waitForValue(`an email to ${address} about "${subject}"`, async () => {
    for (const file of readdirSync(outbox).filter((f) => f.endsWith(".eml"))) {
      const text = readFileSync(path.join(outbox, file), "utf8");
      if (text.includes(`To: ${address}`) && text.includes(subject)) return text;
    }
    return null;
  });
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("web").report;
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db);
  outbox = mkdtempSync(path.join(tmpdir(), "keepr-guarantee-outbox-"));
  worker = await startTestWorker(db, server.url, outbox);
  // One double room in Lisbon: a flexible rate (30 % at booking, the rest before arrival) and a
  // non-refundable one paid in full at booking, whose bookings may stay unpaid 24 hours.
  hotel = await createHotel(db.ownerPool, { units: 1, ratePlan: { base_price: 12000, free_cancellation_days: 2 } });
  await q("update app_public.properties set name = 'Harbour View Hotel', city = 'Lisbon' where id = $1", [hotel.propertyId]);
  await q("update app_public.room_types set name = 'Double Room' where id = $1", [hotel.roomTypeId]);
  await q("update app_public.rate_plans set deposit_percent = 30, balance_due_days = 7 where id = $1", [hotel.ratePlanId]);
  nonRefundable = (await q<{ id: string }>(
    `insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests, is_refundable, deposit_percent, payment_deadline_hours)
     values ($1, $2, 'Non-refundable', 'EUR', 10000, 2, false, 100, 24) returning id`,
    [hotel.propertyId, hotel.roomTypeId],
  ))[0]!.id;
  await q(
    "insert into app_private.user_secrets (user_id, password_hash) values ($1, public.crypt($2, public.gen_salt('bf', 4))) on conflict do nothing",
    [hotel.frontDesk, fixturePassword],
  );
  await q("update app_public.users set display_name = 'Diego Desk' where id = $1", [hotel.frontDesk]);
  deskEmail = (await q<{ email: string }>("select email from app_public.users where id = $1", [hotel.frontDesk]))[0]!.email;
  browser = await launchBrowser();
}, 300_000);

afterAll(() => endBrowserTest({ browser, worker, server, db }));

describe("a non-refundable booking whose card is declined", () => {
  const guest = { name: "Grace Hopper", email: "grace.guarantee@example.com" };

  it("is payment due: the guest sees the deadline and a way to pay, and is emailed a link", async () => {
    const ctx = await guestContext();
    const { page, errors } = await open(ctx, "/");
    const arrival = localDate(hotel.timeZone, 14);
    const code = await bookWithCard(page, nonRefundable, arrival, guest, declining, euros(20000));
    // The worker asks the provider, which declines: the booking is payment due, with a deadline 24 hours on.
    const row = await waitForValue("the booking to be payment due", async () =>
      (await q<{ id: string; payment_due_by: Date | null }>("select id, payment_due_by from app_public.reservations where confirmation_code = $1", [code]))
        .find((r) => r.payment_due_by));
    declined = { id: row.id, code, arrival };
    const hours = (row.payment_due_by!.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24.01);
    await page.getByTestId("payment-due").waitFor({ timeout: 30_000 });
    await ctx.close();

    // Manage, as the guest finds it from the email: status, the deadline and the card form to pay.
    const managed = await manage(code, guest.email);
    const deadline = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Lisbon" }).format(row.payment_due_by!);
    await expect(managed.page.getByTestId("payment-due-badge").textContent()).resolves.toBe("Payment due");
    await expect(managed.page.getByTestId("payment-due").textContent()).resolves.toContain(`${euros(20000)} is due. Pay it by ${deadline}`);
    await expect(managed.page.getByTestId("payments").textContent()).resolves.toContain("the card has insufficient funds");
    await managed.page.getByRole("button", { name: `Pay ${euros(20000)}` }).waitFor();
    await expect(managed.page.getByTestId("card-on-file").textContent()).resolves.toContain("No card on file.");
    await shots(managed.page, "web-guarantee-01-payment-due");
    await expectAccessible(managed.page, "manage, payment due");
    expect(managed.errors).toEqual([]);
    await managed.ctx.close();

    const email = await emailTo(guest.email, `Subject: Your payment for booking ${code} did not go through`);
    expect(email).toContain(`${server.url}/manage`);
    expect(email).toMatch(/If it is still unpaid on/);
    expect(errors).toEqual([]);
  }, 180_000);

  it("is on the desk's Today board with its deadline and Extend; the front desk has no Waive", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${server.url}/admin/`);
    await page.getByLabel("Email").fill(deskEmail);
    await page.getByLabel("Password").fill(fixturePassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator('[data-testid="dashboard-ready"]').waitFor();
    const due = page.getByTestId("payments-due");
    const row = due.locator(`[data-code="${declined.code}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain(`${euros(20000)} unpaid`);
    await expect(row.textContent()).resolves.toMatch(/Deadline .+ · arrives .+ · no card on file/);
    await expect(row.locator('[data-action="extend_deadline"]').count()).resolves.toBe(1);
    await expect(row.locator('[data-action="waive_guarantee"]').count()).resolves.toBe(0);
    await expect(due.textContent()).resolves.toContain("1 booking with a failed payment");
    await shots(page, "admin-guarantee-01-today");
    await expectAccessible(page);

    // The reservation page says it too, and its check-in would ask to confirm the unpaid prepayment.
    await row.getByText("Grace Hopper").click();
    await page.getByTestId("payment-due-banner").waitFor();
    await expect(page.getByTestId("payment-due-banner").textContent()).resolves.toContain(`${euros(20000)} is unpaid`);
    await shots(page, "admin-guarantee-02-reservation");
    await expectAccessible(page);

    // Extending needs a reason; with one, the deadline moves by a day and the job with it.
    const before = (await q<{ payment_due_by: Date }>("select payment_due_by from app_public.reservations where id = $1", [declined.id]))[0]!.payment_due_by;
    await page.getByTestId("payment-due-banner").locator('[data-action="extend_deadline"]').click();
    await page.getByRole("dialog").waitFor();
    await page.locator('[data-confirm="extend_deadline"]').click();
    await page.getByText("Say why (it is kept with the booking's history).").waitFor();
    await page.getByRole("dialog").getByLabel("Reason").fill("Guest calls back with another card");
    await shots(page, "admin-guarantee-03-extend");
    await expectAccessible(page);
    await page.locator('[data-confirm="extend_deadline"]').click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    const after = await waitForValue("the deadline to move", async () =>
      (await q<{ payment_due_by: Date; payment_guarantee_note: string }>("select payment_due_by, payment_guarantee_note from app_public.reservations where id = $1", [declined.id]))
        .find((r) => r.payment_due_by.getTime() > before.getTime()));
    expect(after.payment_due_by.getTime() - before.getTime()).toBe(24 * 3_600_000);
    expect(after.payment_guarantee_note).toBe("Guest calls back with another card");
    expect(errors).toEqual([]);
    await ctx.close();
  }, 120_000);

  it("is cancelled by the job once the deadline passes, and its nights are sellable again", async () => {
    const quoteNights = () => q<{ total_amount: string }>("select total_amount from app_public.quote($1, $2, $3, 2, 0)",
      [hotel.ratePlanId, declined.arrival, addDays(declined.arrival, 2)]).then((r) => r[0]).catch((e: { code?: string }) => e.code);
    expect(await quoteNights()).toBe("SOLDO");
    // The clock moves: the deadline was a minute ago, and its job is due now (as the owner; nobody waits a day).
    await q("update app_public.reservations set payment_due_by = now() - interval '1 minute' where id = $1", [declined.id]);
    await q("select graphile_worker.add_job('enforce_payment_deadline', json_build_object('reservation_id', $1::uuid), job_key := $2, job_key_mode := 'replace')",
      [declined.id, `payment_deadline:${declined.id}`]);
    const cancelled = await waitForValue("the worker to cancel the booking", async () =>
      (await q<{ status: string; penalty_amount: string; cancellation_reason: string }>(
        "select status::text, penalty_amount, cancellation_reason from app_public.reservations where id = $1", [declined.id])).find((r) => r.status === "cancelled"));
    expect(cancelled).toEqual({ status: "cancelled", penalty_amount: "20000", cancellation_reason: "Payment not received by the deadline" });
    await waitForValue("the nights to be sellable", async () => typeof (await quoteNights()) === "object");
    await emailTo(guest.email, `Subject: Your booking ${declined.code} is cancelled`);

    const managed = await manage(declined.code, guest.email);
    await expect(managed.page.getByTestId("booking-status").textContent()).resolves.toBe("Status: Cancelled");
    await expect(managed.page.getByTestId("payment-due-badge").count()).resolves.toBe(0);
    await shots(managed.page, "web-guarantee-02-cancelled");
    await managed.ctx.close();
  }, 120_000);
});

describe("the card on file", () => {
  const guest = { name: "Ada Lovelace", email: "ada.card@example.com" };

  it("is the card that paid, shown by Manage from the server in a fresh browser, and the guest replaces it", async () => {
    const ctx = await guestContext();
    const { page, errors } = await open(ctx, "/");
    const arrival = localDate(hotel.timeZone, 30);
    const total = Number((await q<{ total_amount: string }>("select total_amount from app_public.quote($1, $2, $3, 2, 0)", [hotel.ratePlanId, arrival, addDays(arrival, 2)]))[0]!.total_amount);
    const deposit = Math.round(total * 0.3);
    const code = await bookWithCard(page, hotel.ratePlanId, arrival, guest, visa, euros(deposit));
    await page.locator(".payments li.good").waitFor({ timeout: 30_000 });
    await expect(page.getByTestId("payments").textContent()).resolves.toContain(`Paid ${euros(deposit)} with Visa ending 4242`);
    await ctx.close();

    // Another browser: nothing of the booking tab's memory.
    const managed = await manage(code, guest.email);
    await expect(managed.page.getByTestId("card-on-file").textContent()).resolves.toContain("Card on file: Visa •• 4242");
    await expect(managed.page.getByTestId("payments").textContent()).resolves.toContain(`${euros(total - deposit)} will be charged on`);
    await managed.page.getByRole("button", { name: "Replace card" }).click();
    await fillCard(managed.page, mastercard);
    await shots(managed.page, "web-guarantee-03-replace-card");
    await expectAccessible(managed.page, "manage, replace card");
    await managed.page.getByRole("button", { name: "Keep this card on file" }).click();
    await managed.page.getByText("Your new card is on file.").waitFor();
    // Said once the server has it: the page shows the server's card on file by then.
    await expect(managed.page.getByTestId("card-on-file").textContent()).resolves.toContain("Card on file: Mastercard •• 4444");
    expect(managed.errors).toEqual([]);
    await managed.ctx.close();

    // The server agrees: the balance will be charged to the new card.
    const [row] = await q<{ card_brand: string; card_last4: string; balance_token: string; file_token: string }>(
      `select r.card_brand, r.card_last4, i.payment_token as balance_token, c.payment_token as file_token
         from app_public.reservations r
         join app_public.payment_intents i on i.reservation_id = r.id and i.kind = 'balance' and i.status = 'requires_payment'
         join app_private.cards_on_file c on c.reservation_id = r.id
        where r.confirmation_code = $1`, [code]);
    expect(row).toMatchObject({ card_brand: "mastercard", card_last4: "4444" });
    expect(row!.balance_token).toBe(row!.file_token);
    const again = await manage(code, guest.email);
    await expect(again.page.getByTestId("card-on-file").textContent()).resolves.toContain("Card on file: Mastercard •• 4444");
    await shots(again.page, "web-guarantee-04-card-on-file");
    await again.ctx.close();
    expect(errors).toEqual([]);
  }, 180_000);
});

describe("check-in with an unpaid prepayment", () => {
  it("shows what is unpaid and checks in only once the desk confirms it saw it", async () => {
    // Booked at the desk for tonight on the non-refundable rate; the card is declined (by the worker, through the provider).
    const arrival = localDate(hotel.timeZone, 0);
    const token = await createToken(`${server.url}/simulated-provider`, { number: declining.replace(/ /g, ""), exp_month: 12, exp_year: 2030, cvc: "123" });
    const booked = await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
      const quoted = await quote(c, nonRefundable, arrival, addDays(arrival, 1));
      const held = await hold(c, quoted.quote_token);
      const done = await confirm(c, held, newKey(), "alan.walkin@example.com");
      const intent = (await c.query<{ id: string }>("select id from app_public.payment_intents where reservation_id = $1 and kind = 'deposit'", [held.reservation_id])).rows[0]!;
      await c.query("select app_public.pay($1, $2, $3)", [intent.id, token.id, newKey()]);
      return { id: held.reservation_id, code: done.confirmation_code };
    });
    await waitForValue("the decline", async () =>
      (await q<{ payment_due_by: Date | null }>("select payment_due_by from app_public.reservations where id = $1", [booked.id]))[0]?.payment_due_by);

    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${server.url}/admin/`);
    await page.getByLabel("Email").fill(deskEmail);
    await page.getByLabel("Password").fill(fixturePassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator('[data-testid="dashboard-ready"]').waitFor();
    // Today's arrival carries the chip; the check-in dialog says what is unpaid.
    const arrivalRow = page.getByTestId("arrivals").locator(`[data-code="${booked.code}"]`);
    await arrivalRow.getByTestId("payment-due-chip").waitFor();
    await arrivalRow.locator('[data-action="check_in"]').click();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("check-in-unpaid").waitFor();
    await expect(dialog.getByTestId("check-in-unpaid").textContent()).resolves.toContain(`${euros(10000)} that was due before arrival is unpaid`);
    await expect(page.locator('[data-confirm="check_in"]').isDisabled()).resolves.toBe(true);
    await shots(page, "admin-guarantee-04-check-in");
    await expectAccessible(page);
    await dialog.getByLabel("Check in unpaid").check();
    await page.locator('[data-confirm="check_in"]').click();
    await dialog.waitFor({ state: "detached" });
    const row = await waitForValue("the check-in", async () =>
      (await q<{ status: string; payment_due_by: Date | null }>("select status::text, payment_due_by from app_public.reservations where id = $1", [booked.id]))
        .find((r) => r.status === "checked_in"));
    // In house: the deadline no longer applies (and its job is gone).
    expect(row.payment_due_by).toBeNull();
    expect(await q("select 1 from graphile_worker.jobs where key = $1", [`payment_deadline:${booked.id}`])).toEqual([]);
    expect(errors).toEqual([]);
    await ctx.close();
  }, 120_000);
});
