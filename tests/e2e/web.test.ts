// The guest app in headless Chromium against a real Keepr (the express app
// with the API, the simulated payment provider and the app at /) on a test
// database, with the job worker running (it captures payments and writes
// the emails to a dev outbox): a guest searches, books and pays, gets a
// confirmation page and email, manages the booking with code + email (the
// folio, a change of dates priced first, a cancellation with its penalty
// shown first); a booking by keyboard only; two browsers racing for the last
// unit; a refresh or a double click never books twice; Portuguese from the
// browser and by the switcher; axe-core on every page. It takes desktop and
// phone screenshots of each step (docs/screenshots/web-*.png) and prints
// the time to interactive, layout shift and bundle size (docs/benchmarks.md).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Frame, Page, Request } from "playwright-core";
import { formatKiB, runAppBuildProcess, type AppBuildReport } from "../../server/app-build.ts";
import { anonKey } from "../../core/auth.ts";
import type { Worker } from "../../worker/runner.ts";
import { collectPageErrors, endBrowserTest, expectAccessible, launchBrowser, sidewaysOverflow, waitForValue } from "../helpers/browser.ts";
import { addDays, confirm, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { startTestWorker } from "../helpers/jobs.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");
const desktop = { width: 1366, height: 860 };
const phone = { width: 390, height: 844 };
const card = { number: "4242 4242 4242 4242", expiry: "12/30", cvc: "123" };

let db: TestDatabase;
let server: TestServer;
let worker: Worker;
let browser: Browser;
let build: AppBuildReport;
let outbox: string;
let lisbon: Hotel;
let chalet: Hotel;
let nonRefundablePlan: string;

const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.ownerPool.query(sql, params)).rows as T[];

async function context(options: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  return browser.newContext({ viewport: options.viewport ?? desktop, deviceScaleFactor: 1, locale: options.locale ?? "en-GB", timezoneId: "Europe/Lisbon" });
}

async function open(ctx: BrowserContext, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await ctx.newPage();
  const errors = collectPageErrors(page);
  await page.goto(`${server.url}${url}`);
  await page.locator("body[data-app-ready=true]").waitFor();
  return { page, errors };
}

/** Two animation frames in the page and in each frame (the card form runs in its own process): the new layout is painted. */
const settle = (page: Page) =>
  Promise.all(
    page.frames().map((f) =>
      // (A frame that paints nothing may never run a frame callback: half a second at most.)
      f.evaluate("new Promise((resolve) => { requestAnimationFrame(() => requestAnimationFrame(resolve)); setTimeout(resolve, 500); })").catch(() => {}),
    ),
  );

/**
 * Desktop and phone screenshots of the page as it is (the whole page, or
 * what the screen shows for a dialog), and no horizontal scrolling on the
 * phone. Chromium does not paint an out-of-process frame (the provider's
 * card form) outside the viewport in a full-page capture: a page with one
 * is captured as the screen shows it, the frame scrolled to the middle.
 */
async function shots(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const size = page.viewportSize() ?? desktop;
  const framed = page.frames().length > 1;
  const fullPage = options.fullPage ?? !framed;
  for (const [viewport, suffix] of [[desktop, "desktop"], [phone, "phone"]] as const) {
    await page.setViewportSize(viewport);
    if (framed) await page.evaluate(`document.querySelector("iframe").scrollIntoView({ block: "center" })`);
    await settle(page);
    await page.screenshot({ path: path.join(screenshots, `web-${name}-${suffix}.png`), fullPage, animations: "disabled" });
    if (suffix === "phone") {
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    }
  }
  await page.setViewportSize(size);
}

const cardFrame = (page: Page): Frame => {
  const frame = page.frames().find((f) => f.url().includes("/simulated-provider/card-form"));
  if (!frame) throw new Error("no card form frame");
  return frame;
};

async function fillCard(page: Page, number = card.number): Promise<void> {
  const frame = page.frameLocator('iframe[title^="Card details"], iframe[title^="Dados do cartão"]');
  await frame.getByLabel("Card number").fill(number);
  await frame.getByLabel("Expiry (MM/YY)").fill(card.expiry);
  await frame.getByLabel("CVC").fill(card.cvc);
}

/** The outbox email (headers and text) to an address whose subject contains `subject`, once the worker wrote it. */
function emailTo(address: string, subject: string): Promise<string> {
  return waitForValue(`an email to ${address} about "${subject}"`, async () => {
    for (const file of readdirSync(outbox).filter((f) => f.endsWith(".eml"))) {
      const text = readFileSync(path.join(outbox, file), "utf8");
      if (text.includes(`To: ${address}`) && text.includes(subject)) return text;
    }
    return null;
  });
}

function bookUrl(plan: string, arrival: string, departure: string, adults = 2): string {
  return `/book?plan=${plan}&arrival=${arrival}&departure=${departure}&adults=${adults}`;
}

/** The price of a stay as the API quotes it to anyone, in minor units. */
async function quotedTotal(plan: string, arrival: string, departure: string, adults = 2): Promise<number> {
  const rows = await q<{ total_amount: string }>("select total_amount from app_public.quote($1, $2, $3, $4, 0)", [plan, arrival, departure, adults]);
  return Number(rows[0]!.total_amount);
}

const euros = (minor: number) => new Intl.NumberFormat("en-GB", { style: "currency", currency: "EUR" }).format(minor / 100);

/** Fills the details step and the card, and confirms. */
async function fillDetails(page: Page, guest: { name: string; email: string }): Promise<void> {
  await page.getByLabel("Full name").fill(guest.name);
  await page.getByLabel("Email address").fill(guest.email);
  await page.getByLabel("Phone (optional)").fill("+351 21 000 0000");
  await fillCard(page);
}

async function reserve(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Reserve this room" }).click();
  await page.getByTestId("hold-countdown").waitFor();
}

async function reservationsFor(email: string) {
  return q<{ id: string; status: string; confirmation_code: string; arrival: string; departure: string; penalty_amount: string | null; total_amount: string }>(
    `select r.id, r.status::text, r.confirmation_code, lower(r.stay)::text as arrival, upper(r.stay)::text as departure, r.penalty_amount, r.total_amount
       from app_public.reservations r join app_public.guests g on g.id = r.guest_id where g.email = $1 order by r.created_at`,
    [email],
  );
}

async function attemptsFor(reservationId: string) {
  return q<{ status: string; amount: string }>(
    "select a.status::text, a.amount from app_public.payment_attempts a join app_public.payment_intents i on i.id = a.intent_id where i.reservation_id = $1 order by a.created_at",
    [reservationId],
  );
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  // The build npm start makes (server/app-build.ts), if web/dist is not current.
  build = await runAppBuildProcess("web").report;
  db = await createTestDatabase();
  server = await startTestServer(db);
  outbox = mkdtempSync(path.join(tmpdir(), "keepr-web-outbox-"));
  worker = await startTestWorker(db, server.url, outbox);

  // A hotel in Lisbon: a flexible rate with a 30% deposit at booking and free cancellation until 2 days before, a
  // non-refundable rate paid in full, a city tax; three double rooms with photos and amenities.
  lisbon = await createHotel(db.ownerPool, {
    units: 3,
    ratePlan: { base_price: 12000, free_cancellation_days: 2, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 },
  });
  await q(
    `update app_public.properties set name = 'Harbour View Hotel', city = 'Lisbon', address = 'Rua do Cais 12, Lisboa',
            description = 'On the river front.', photo_urls = '{/photos/harbour-view-hotel.svg}', amenities = '{wifi,restaurant,bar}' where id = $1`,
    [lisbon.propertyId],
  );
  await q(
    `update app_public.room_types set name = 'Double Room', description = 'Queen bed, river view.',
            photo_urls = '{/photos/double-room.svg,/photos/double-room-bath.svg}', amenities = '{wifi,air_conditioning,river_view}' where id = $1`,
    [lisbon.roomTypeId],
  );
  await q("update app_public.rate_plans set deposit_percent = 30 where id = $1", [lisbon.ratePlanId]);
  await q("insert into app_public.taxes (property_id, name, basis, amount, currency, is_inclusive) values ($1, 'City tax', 'per_person_night', 200, 'EUR', false)", [lisbon.propertyId]);
  nonRefundablePlan = (await q<{ id: string }>(
    `insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests, is_refundable, deposit_percent)
     values ($1, $2, 'Non-refundable', 'EUR', 10000, 2, false, 100) returning id`,
    [lisbon.propertyId, lisbon.roomTypeId],
  ))[0]!.id;

  // A chalet in Zermatt: one unit, three nights at least, paid in CHF.
  chalet = await createHotel(db.ownerPool, {
    units: 1, kind: "vacation_rental", timeZone: "Europe/Zurich", currency: "CHF", maxOccupancy: 8,
    ratePlan: { base_price: 45000, included_guests: 6, min_stay: 3, free_cancellation_days: 30, cancellation_penalty_kind: "percent", cancellation_penalty_value: 50 },
  });
  await q(
    `update app_public.properties set name = 'Chalet Edelweiss', city = 'Zermatt', country_code = 'CH', photo_urls = '{/photos/chalet-edelweiss.svg}',
            amenities = '{wifi,parking,sauna}' where id = $1`,
    [chalet.propertyId],
  );
  await q("update app_public.room_types set name = 'Whole Chalet', photo_urls = '{/photos/chalet-edelweiss.svg,/photos/chalet-living.svg}', amenities = '{kitchen,mountain_view}' where id = $1", [chalet.roomTypeId]);
  await q("update app_public.rate_plans set name = 'Chalet Week' where id = $1", [chalet.ratePlanId]);
  browser = await launchBrowser();
}, 240_000);

afterAll(() => endBrowserTest({ browser, worker, server, db }));

it("serves the app at /: its routes get index.html under a strict CSP, files of the build are cached, anything else is a typed 404", async () => {
  const index = await fetch(`${server.url}/`);
  expect(index.status).toBe(200);
  expect(index.headers.get("cache-control")).toBe("no-cache");
  const csp = index.headers.get("content-security-policy") ?? "";
  for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-src 'self'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
  const html = await index.text();
  for (const route of ["/book", "/confirmation", "/manage", "/manage/"]) {
    const res = await fetch(`${server.url}${route}?x=1`);
    expect([route, res.status, await res.text()]).toEqual([route, 200, html]);
  }
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  const asset = await fetch(`${server.url}${script}`, { headers: { "accept-encoding": "gzip" } });
  expect([asset.status, asset.headers.get("cache-control"), asset.headers.get("content-type")]).toEqual([200, "public, max-age=31536000, immutable", "text/javascript; charset=utf-8"]);
  const photo = await fetch(`${server.url}/photos/double-room.svg`);
  expect([photo.status, photo.headers.get("cache-control"), photo.headers.get("content-type")]).toEqual([200, "public, max-age=3600", "image/svg+xml"]);
  for (const missing of ["/nope", "/photos/nothere.svg", "/.keepr-build.json", "/assets/index-nothere.js"]) {
    const res = await fetch(`${server.url}${missing}`);
    expect([missing, res.status, ((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code]).toEqual([missing, 404, "NOT_FOUND"]);
  }
  // The staff console keeps its own place.
  expect((await fetch(`${server.url}/admin`, { redirect: "manual" })).status).toBe(308);
});

it("public queries over GET are cacheable (searches: public no-cache + ETag, 304 on revalidation; others public max-age), with the anonymous key too; with errors they are private; mutations over GET are refused", async () => {
  const arrival = localDate(lisbon.timeZone, 20);
  const search = `query Search($a: Date!, $d: Date!) { searchAvailability(arrival: $a, departure: $d, city: "Lisbon") { nodes { ratePlanName totalAmount } } }`;
  const url = `${server.url}/graphql?${new URLSearchParams({ query: search, variables: JSON.stringify({ a: arrival, d: addDays(arrival, 2) }) })}`;
  const accept = { accept: "application/graphql-response+json, application/json" };
  const first = await fetch(url, { headers: accept });
  expect(first.status).toBe(200);
  // A search goes stale with the next commit (the search cache follows the WAL): a shared cache revalidates it every time.
  expect(first.headers.get("cache-control")).toBe("public, no-cache");
  expect(first.headers.get("vary")).toContain("Authorization");
  const etag = first.headers.get("etag");
  expect(etag).toMatch(/^"[\w-]{32}"$/);
  expect(((await first.json()) as { data: { searchAvailability: { nodes: unknown[] } } }).data.searchAvailability.nodes.length).toBeGreaterThan(0);
  const again = await fetch(url, { headers: { ...accept, "if-none-match": etag! } });
  expect([again.status, await again.text(), again.headers.get("etag")]).toEqual([304, "", etag]);

  const properties = await fetch(`${server.url}/graphql?${new URLSearchParams({ query: "{ allProperties(first: 1) { nodes { name } } }" })}`, { headers: accept });
  expect([properties.status, properties.headers.get("cache-control")]).toEqual([200, "public, max-age=30, stale-while-revalidate=60"]);

  // The public anonymous key is no one in particular: the same answer as no token (core/auth.ts isAnonymous). A
  // booking token's or a session's answers are private: tests/api/anonymous_read.test.ts asks each place.
  const withKey = await fetch(url, { headers: { ...accept, authorization: `Bearer ${anonKey(db.jwtSecret)}` } });
  expect([withKey.status, withKey.headers.get("cache-control"), withKey.headers.get("etag")]).toEqual([200, "public, no-cache", etag]);
  const failing = await fetch(`${server.url}/graphql?${new URLSearchParams({ query: "{ allUnits { totalCount } }" })}`, { headers: accept });
  expect(failing.headers.get("cache-control")).toBe("private, no-store");
  const mutation = await fetch(`${server.url}/graphql?${new URLSearchParams({ query: "mutation { logout(input: {}) { result } }" })}`, { headers: accept });
  expect(mutation.status).toBe(405);
});

describe("a guest on a desktop browser", () => {
  const guest = { name: "Ada Lovelace", email: "ada.web@example.com" };
  let ctx: BrowserContext;
  let code: string;
  const arrival = () => localDate(lisbon.timeZone, 30);
  const departure = () => addDays(arrival(), 3);

  beforeAll(async () => {
    ctx = await context();
  });
  afterAll(async () => {
    await ctx.close();
  });

  it("searches, sees rooms with photos, amenities and the total price, books and pays by card through the provider's form, and gets a confirmation page and email", async () => {
    const { page, errors } = await open(ctx, "/");
    await shots(page, "01-home");
    await expectAccessible(page, "home");

    await page.getByLabel("Destination").selectOption("city:Lisbon");
    await page.getByLabel("Arrival").fill(arrival());
    await page.getByLabel("Departure").fill(departure());
    await page.getByRole("button", { name: "Search" }).click();
    await page.locator(".results[data-state=done]").waitFor();
    await expect(page.getByTestId("search-status").textContent()).resolves.toBe("3 rooms available for 3 nights."); // the units free, not the room types (issue 22)
    const flexible = await quotedTotal(lisbon.ratePlanId, arrival(), departure());
    const room = page.locator('[data-room="Double Room"]');
    await expect(room.locator('[data-rate="Flexible"] .price').textContent()).resolves.toBe(`${euros(flexible)} total`);
    await expect(room.locator("img").first().getAttribute("alt")).resolves.toBe("Double Room, photo 1 of 2");
    await expect(room.locator(".amenities").textContent()).resolves.toContain("Air conditioning");
    await page.locator(".room-card img").first().evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
    await shots(page, "02-results");
    await expectAccessible(page, "results");

    await page.getByRole("link", { name: `Select Double Room, Flexible, ${euros(flexible)} total` }).click();
    await page.getByTestId("price-table").waitFor();
    await expect(page.getByTestId("quote-total").textContent()).resolves.toBe(euros(flexible));
    await expect(page.getByTestId("price-table").textContent()).resolves.toContain("City tax");
    await expect(page.getByTestId("cancellation-terms").textContent()).resolves.toMatch(/^Free cancellation until .+ After that, cancelling costs €\d+\.\d\d\.$/);
    await shots(page, "03-quote");
    await expectAccessible(page, "quote");

    await reserve(page);
    await expect(page.getByTestId("hold-countdown").textContent()).resolves.toMatch(/Room held for you: 1[45]:\d\d left/);
    await fillDetails(page, guest);
    // The card form is the provider's page in a sandboxed frame: this page cannot reach into it.
    expect(await page.evaluate<unknown>('document.querySelector("iframe").contentDocument')).toBeNull();
    await expectAccessible(cardFrame(page), "card form");
    await shots(page, "04-details");
    await expectAccessible(page, "details");

    const requests: Request[] = [];
    page.on("request", (r) => requests.push(r));
    const deposit = Math.round(flexible * 0.3);
    await page.getByRole("button", { name: `Confirm and pay ${euros(deposit)}` }).click();
    await page.waitForURL(/\/confirmation$/);
    code = (await page.getByTestId("confirmation-code").textContent())!;
    // The worker captures the deposit; the page follows it.
    await page.locator(".payments li.good").waitFor({ timeout: 30_000 });
    await expect(page.getByTestId("payments").textContent()).resolves.toContain(`Paid ${euros(deposit)} with Visa ending 4242`);
    await expect(page.getByTestId("payments").textContent()).resolves.toContain(`${euros(flexible - deposit)} will be charged on`);
    await shots(page, "05-confirmation");
    await expectAccessible(page, "confirmation");

    // The card number went to the provider's token endpoint, from the frame, and nowhere else.
    const digits = card.number.replace(/ /g, "");
    const carrying = requests.filter((r) => `${r.url()} ${r.postData() ?? ""}`.replace(/\s/g, "").includes(digits));
    expect(carrying.map((r) => [new URL(r.url()).pathname, r.frame() === page.mainFrame()])).toEqual([["/simulated-provider/v1/tokens", false]]);

    const [booking] = await reservationsFor(guest.email);
    expect(booking).toMatchObject({ status: "confirmed", confirmation_code: code, arrival: arrival(), departure: departure(), total_amount: String(flexible) });
    expect(await attemptsFor(booking!.id)).toEqual([{ status: "captured", amount: String(deposit) }]);
    const email = await emailTo(guest.email, `Subject: Your booking ${code} at Harbour View Hotel is confirmed`);
    expect(email).toContain(`Confirmation code: ${code}`);
    await emailTo(guest.email, `Subject: Payment received for booking ${code}`);
    expect(errors).toEqual([]);
  }, 180_000);

  it("manages the booking with code and email: the folio, payments and invoices, a change of dates priced before it is made, a cancellation with its cost shown first", async () => {
    // The property has invoiced the deposit's stay so far (staff do it in the console).
    const [mine] = await reservationsFor(guest.email);
    const invoice = await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: lisbon.manager });
      const { rows } = await c.query<{ document_number: string; total_amount: string }>(
        "select document_number, total_amount from app_public.issue_invoice((select id from app_public.folios where reservation_id = $1), $2)",
        [mine!.id, newKey()],
      );
      return rows[0]!;
    });
    const manage = await context();
    const { page, errors } = await open(manage, "/manage");
    await shots(page, "06-manage-lookup");
    await expectAccessible(page, "manage lookup");
    await page.getByLabel("Confirmation code").fill(code);
    await page.getByLabel("Email address").fill("someone.else@example.com");
    await page.getByRole("button", { name: "Find my booking" }).click();
    await page.getByText("We could not find a booking with this code and email address.").waitFor();
    await page.getByLabel("Email address").fill(guest.email);
    await page.getByRole("button", { name: "Find my booking" }).click();
    await page.getByTestId("booking-status").waitFor();
    await expect(page.getByTestId("booking-status").textContent()).resolves.toBe("Status: Confirmed");
    // The contact given for this booking (a booking token cannot read the shared guest profile).
    await expect(page.locator("dd", { hasText: guest.email }).textContent()).resolves.toBe(`${guest.name} · ${guest.email} · +351 21 000 0000`);
    const flexible = await quotedTotal(lisbon.ratePlanId, arrival(), departure());
    const deposit = Math.round(flexible * 0.3);
    await expect(page.getByTestId("folio").textContent()).resolves.toContain("Night of");
    await expect(page.getByTestId("folio-balance").textContent()).resolves.toBe(`Balance due${euros(flexible - deposit)}`);
    await expect(page.getByTestId("cancel-penalty").textContent()).resolves.toMatch(/^You can cancel free of charge until /);
    const invoiceSummary = page.getByText(`Invoice ${invoice.document_number}`);
    await invoiceSummary.click(); // a <details>: its lines, net, tax and total
    await expect(page.locator(".invoices").textContent()).resolves.toContain(`Total${euros(Number(invoice.total_amount))}`);
    // The invoice as a PDF, with the booking token (GET /invoices/:id.pdf).
    const [pdf] = await Promise.all([page.waitForEvent("download"), page.locator('[data-action="invoice-pdf"]').first().click()]);
    expect(pdf.suggestedFilename()).toBe(`${invoice.document_number}.pdf`);
    expect(readFileSync(await pdf.path()).subarray(0, 5).toString()).toBe("%PDF-");
    await shots(page, "07-manage-booking");
    await expectAccessible(page, "manage booking");

    // One more night: the new price first, then the change.
    const [booking] = await reservationsFor(guest.email);
    const longer = addDays(departure(), 1);
    await page.getByLabel("Departure", { exact: true }).last().fill(longer);
    await page.getByRole("button", { name: "Check the new price" }).click();
    await page.getByTestId("change-preview").waitFor();
    const newTotal = Number((await q<{ total: string }>("select total_amount as total from app_private.quote_for($1, $2, $3, 2, 0)", [lisbon.ratePlanId, arrival(), longer]))[0]!.total);
    await expect(page.getByTestId("change-preview").textContent()).resolves.toContain(`New total ${euros(newTotal)} (was ${euros(flexible)}). ${euros(newTotal - flexible)} more`);
    expect((await reservationsFor(guest.email))[0]!.departure).toBe(departure()); // nothing changed yet
    await shots(page, "08-change-dates");
    await expectAccessible(page, "change preview");
    await page.getByRole("button", { name: "Confirm the change" }).click();
    await page.getByText(/Your booking now runs/).waitFor();
    expect((await reservationsFor(guest.email))[0]).toMatchObject({ id: booking!.id, departure: longer, total_amount: String(newTotal) });
    await emailTo(guest.email, `Subject: Your booking ${code} was changed`);

    // Cancel: free now, the deposit comes back. A double click on the last button cancels once.
    await page.getByRole("button", { name: "Cancel this booking…" }).click();
    const dialog = page.getByRole("dialog", { name: "Cancel this booking?" });
    await dialog.waitFor();
    await expect(dialog.getByTestId("cancel-penalty").textContent()).resolves.toMatch(/^You can cancel free of charge until/);
    await expect(dialog.textContent()).resolves.toContain(`You have paid ${euros(deposit)}; ${euros(deposit)} will be refunded to your card.`);
    await expect(page.evaluate<string>("document.activeElement.textContent")).resolves.toBe("Keep my booking"); // the safe choice has the focus
    await shots(page, "09-cancel-dialog", { fullPage: false });
    await expectAccessible(page, "cancel dialog");
    await dialog.getByTestId("confirm-cancel").dblclick();
    await page.getByText(/Your booking is cancelled/).waitFor();
    await expect(page.getByTestId("booking-status").textContent()).resolves.toBe("Status: Cancelled");
    expect((await reservationsFor(guest.email))[0]).toMatchObject({ status: "cancelled", penalty_amount: "0" });
    expect((await q<{ n: number }>("select count(*)::int as n from app_public.journal_entries where cause_id = $1 and description like '%cancelled'", [booking!.id]))[0]!.n).toBe(1);
    await emailTo(guest.email, `Subject: Your booking ${code} is cancelled`);
    await shots(page, "10-cancelled");
    await expectAccessible(page, "cancelled");
    expect(errors).toEqual([]);
    await manage.close();
  }, 180_000);

  it("a late cancellation shows its penalty before the guest confirms it, and the change of dates says why it is not offered", async () => {
    // Booked by phone for tomorrow on the flexible rate: past the free-cancellation deadline (2 days before).
    const late = { name: "Grace Hopper", email: "grace.web@example.com" };
    const tomorrow = localDate(lisbon.timeZone, 1);
    const booking = await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_anonymous" });
      const qt = await quote(c, lisbon.ratePlanId, tomorrow, addDays(tomorrow, 2));
      const h = await hold(c, qt.quote_token);
      return confirm(c, h, undefined, late.email);
    });
    const nightly = Number((await q<{ p: string }>("select (cancellation_policy ->> 'late_cancellation_penalty') as p from app_public.reservations where id = $1", [booking.reservation_id]))[0]!.p);
    const manage = await context();
    const { page, errors } = await open(manage, "/manage");
    await page.getByLabel("Confirmation code").fill(booking.confirmation_code.toLowerCase());
    await page.getByLabel("Email address").fill(late.email);
    await page.keyboard.press("Enter");
    await page.getByTestId("booking-status").waitFor();
    await expect(page.getByTestId("change-refusal").textContent()).resolves.toBe(
      "The free-cancellation period is over, so the booking can no longer be changed online. Please contact the property.",
    );
    await expect(page.getByTestId("cancel-penalty").textContent()).resolves.toBe(`Cancelling now costs ${euros(nightly)}.`);
    await page.getByRole("button", { name: "Cancel this booking…" }).click();
    await page.getByRole("dialog").getByText(`Cancelling now costs ${euros(nightly)}.`).waitFor();
    await page.getByRole("dialog").getByLabel("Reason (optional)").fill("Flight cancelled");
    await page.getByTestId("confirm-cancel").click();
    await page.getByText(`Your booking is cancelled. Cancellation fee: ${euros(nightly)}.`).waitFor();
    expect((await reservationsFor(late.email))[0]).toMatchObject({ status: "cancelled", penalty_amount: String(nightly) });
    await expect(page.getByTestId("folio").textContent()).resolves.toContain(`Cancellation fee${euros(nightly)}`);
    expect(errors).toEqual([]);
    await manage.close();
  }, 120_000);
});

it("books by keyboard alone: tab to the rate, reserve, type the details and the card, confirm with Enter", async () => {
  const ctx = await context();
  const arrival = localDate(lisbon.timeZone, 40);
  const departure = addDays(arrival, 2);
  const { page, errors } = await open(ctx, `/?where=city:Lisbon&arrival=${arrival}&departure=${departure}&adults=2`);
  await page.locator(".results[data-state=done]").waitFor();
  // In the page: what has the focus (its accessible label, id) and whether its focus ring shows.
  const focused = () =>
    page.evaluate<{ tag: string; label: string; id: string; outline: string }>(`(() => {
      const el = document.activeElement;
      return { tag: el ? el.tagName : "", label: el ? (el.getAttribute("aria-label") || el.textContent.trim()) : "", id: el ? el.id : "",
               outline: el ? getComputedStyle(el).outlineStyle : "" };
    })()`);
  async function tabTo(match: (f: Awaited<ReturnType<typeof focused>>) => boolean, max = 60) {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press("Tab");
      const f = await focused();
      if (match(f)) return f;
    }
    throw new Error(`Tab never reached the element (last: ${JSON.stringify(await focused())})`);
  }
  const first = await tabTo((f) => f.label === "Skip to content", 1);
  expect(first.tag).toBe("A");
  const select = await tabTo((f) => f.label.startsWith("Select Double Room, Non-refundable"));
  expect(select.outline).toBe("solid"); // the focus is visible
  await page.keyboard.press("Enter");
  await page.getByTestId("price-table").waitFor();
  await expect(focused()).resolves.toMatchObject({ id: "page-heading" }); // the new page's heading
  await tabTo((f) => f.label === "Reserve this room");
  await page.keyboard.press("Enter");
  await page.getByTestId("hold-countdown").waitFor();
  // The app moves the focus once the details step is in the page: on a loaded
  // machine that commit can be seconds away, so the focus is polled up to a deadline.
  const deadline = Date.now() + 30_000;
  while ((await focused()).id !== "details-heading" && Date.now() < deadline) await page.evaluate("new Promise((r) => requestAnimationFrame(r))");
  await expect(focused()).resolves.toMatchObject({ id: "details-heading" });
  await page.keyboard.press("Tab");
  await expect(focused()).resolves.toMatchObject({ id: "fullName" });
  await page.keyboard.type("Alan Turing");
  await page.keyboard.press("Tab");
  await page.keyboard.type("alan.web@example.com");
  await page.keyboard.press("Tab"); // phone
  await page.keyboard.press("Tab"); // special requests
  await page.keyboard.press("Tab"); // into the provider's card form
  const frame = cardFrame(page);
  await expect(frame.evaluate<string>("document.activeElement.id")).resolves.toBe("number");
  await page.keyboard.type(card.number);
  await page.keyboard.press("Tab");
  await page.keyboard.type(card.expiry);
  await page.keyboard.press("Tab");
  await page.keyboard.type(card.cvc);
  await page.keyboard.press("Enter"); // submits from inside the card form
  await page.waitForURL(/\/confirmation$/);
  await page.locator(".payments li.good").waitFor({ timeout: 30_000 });
  const [booking] = await reservationsFor("alan.web@example.com");
  expect(booking).toMatchObject({ status: "confirmed", arrival, departure });
  expect(await attemptsFor(booking!.id)).toEqual([{ status: "captured", amount: booking!.total_amount }]);
  expect(errors).toEqual([]);
  await ctx.close();
}, 120_000);

it("two browsers race for the last unit: one holds it, the other is told another guest holds it (and when it comes back); once booked, it was just taken", async () => {
  const arrival = localDate(chalet.timeZone, 50);
  const departure = addDays(arrival, 3);
  const [a, b] = [await browser.newContext({ viewport: desktop, locale: "en-GB" }), await browser.newContext({ viewport: desktop, locale: "en-GB" })];
  const pages = await Promise.all([a, b].map(async (ctx) => (await open(ctx, bookUrl(chalet.ratePlanId, arrival, departure))).page));
  await Promise.all(pages.map((p) => p.getByRole("button", { name: "Reserve this room" }).waitFor()));
  await Promise.all(pages.map((p) => p.getByRole("button", { name: "Reserve this room" }).click()));
  const outcomes = await Promise.all(
    pages.map((p) =>
      Promise.race([
        p.getByTestId("hold-countdown").waitFor().then(() => "held"),
        p.getByTestId("just-held").waitFor().then(() => "taken"),
      ]),
    ),
  );
  expect([...outcomes].sort()).toEqual(["held", "taken"]);
  const loser = pages[outcomes.indexOf("taken")]!;
  // The other guest only holds it (issue 22): said so, with the time it comes back if they do not book.
  await expect(loser.getByRole("alert").first().textContent()).resolves.toContain("Held by another guest");
  const heldUntil = (await q<{ t: string }>("select to_char(expires_at at time zone 'Europe/Zurich', 'HH24:MI') as t from app_public.inventory_claims where unit_id = $1 and released_at is null", [chalet.unitIds[0]]))[0]!.t;
  await expect(loser.getByTestId("just-held").textContent()).resolves.toMatch(
    new RegExp(`^Another guest is holding the last Whole Chalet for these dates while they book\\. If they do not finish, it becomes free again at .*${heldUntil} \\(the property's time\\): try again then\\. Nothing was charged\\.$`),
  );
  await expectAccessible(loser, "just held");
  expect((await q<{ n: number }>("select count(*)::int as n from app_public.inventory_claims where unit_id = $1 and released_at is null", [chalet.unitIds[0]]))[0]!.n).toBe(1);
  // The winner books. Nothing is due before arrival on this rate: the card is kept on file, not charged.
  const winner = pages[outcomes.indexOf("held")]!;
  await fillDetails(winner, { name: "Lise Meitner", email: "lise.web@example.com" });
  await winner.getByRole("button", { name: "Confirm booking" }).click();
  await winner.waitForURL(/\/confirmation$/);
  await expect(winner.getByTestId("payments").textContent()).resolves.toMatch(/^Balance: CHF\s[\d,.]+ will be charged on .+ to the card on file\.$/);
  const [won] = await reservationsFor("lise.web@example.com");
  expect(await q("select status::text, payment_token from app_public.payment_intents where reservation_id = $1", [won!.id])).toEqual([
    { status: "requires_payment", payment_token: expect.stringMatching(/^tok_/) },
  ]);
  expect(await attemptsFor(won!.id)).toEqual([]);
  // Now it is booked: trying again says it was just taken.
  await loser.getByRole("alert").getByRole("button", { name: "Try again" }).click();
  await loser.getByTestId("just-taken").waitFor();
  await expect(loser.getByTestId("just-taken").textContent()).resolves.toBe("Someone else booked the last Whole Chalet for these dates a moment ago. Nothing was charged.");
  await shots(loser, "11-just-taken");
  await expectAccessible(loser, "just taken");
  // The loser goes back to the search: the chalet is sold out then, with the nearest dates that work.
  await loser.getByRole("alert").getByRole("link", { name: "See other rooms and dates" }).click();
  await loser.locator(".results[data-state=done]").waitFor();
  await loser.locator('[data-restriction="SOLD_OUT"]').waitFor();
  await loser.locator('[data-restriction="SOLD_OUT"] .suggestions a').first().waitFor();
  await shots(loser, "12-sold-out-nearest");
  await expectAccessible(loser, "sold out");
  await a.close();
  await b.close();
}, 120_000);

it("a lost hold says so and offers to try again", async () => {
  const ctx = await context();
  const arrival = localDate(chalet.timeZone, 70);
  const departure = addDays(arrival, 3);
  const { page } = await open(ctx, bookUrl(chalet.ratePlanId, arrival, departure));
  await reserve(page);
  await fillDetails(page, { name: "Hedy Lamarr", email: "hedy.web@example.com" });
  // The hold runs out and someone else books the chalet meanwhile.
  await q("update app_public.inventory_claims set expires_at = now() - interval '1 second' where unit_id = $1 and released_at is null and kind = 'hold'", [chalet.unitIds[0]]);
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    const qt = await quote(c, chalet.ratePlanId, arrival, departure);
    await confirm(c, await hold(c, qt.quote_token), undefined, "other.web@example.com");
  });
  await page.getByTestId("confirm-booking").click();
  await page.getByTestId("hold-lost").waitFor();
  await expect(page.getByRole("button", { name: "Try again" }).isVisible()).resolves.toBe(true);
  await shots(page, "13-hold-lost");
  await expectAccessible(page, "hold lost");
  expect(await reservationsFor("hedy.web@example.com")).toEqual([]);
  await ctx.close();
}, 120_000);

describe("retries never book twice", () => {
  it("a double click on Reserve holds once, a double click on Confirm books and charges once", async () => {
    const ctx = await context();
    const arrival = localDate(lisbon.timeZone, 60);
    const departure = addDays(arrival, 2);
    const { page, errors } = await open(ctx, bookUrl(nonRefundablePlan, arrival, departure));
    await page.getByRole("button", { name: "Reserve this room" }).dblclick();
    await page.getByTestId("hold-countdown").waitFor();
    const holds = await q<{ n: number }>("select count(*)::int as n from app_public.reservations where rate_plan_id = $1 and lower(stay) = $2", [nonRefundablePlan, arrival]);
    expect(holds[0]!.n).toBe(1);
    await fillDetails(page, { name: "Katherine Johnson", email: "katherine.web@example.com" });
    await page.getByTestId("confirm-booking").dblclick();
    await page.waitForURL(/\/confirmation$/);
    await page.locator(".payments li.good").waitFor({ timeout: 30_000 });
    const bookings = await reservationsFor("katherine.web@example.com");
    expect(bookings.map((b) => b.status)).toEqual(["confirmed"]);
    expect(await attemptsFor(bookings[0]!.id)).toEqual([{ status: "captured", amount: bookings[0]!.total_amount }]);
    expect(errors).toEqual([]);
    await ctx.close();
  }, 120_000);

  it("a refresh on the details step keeps the hold and its token (in sessionStorage, never in the URL): the booking still confirms, with that token", async () => {
    const ctx = await context();
    const arrival = localDate(lisbon.timeZone, 62);
    const departure = addDays(arrival, 2);
    const { page, errors } = await open(ctx, bookUrl(nonRefundablePlan, arrival, departure));
    const urls: string[] = [];
    page.on("request", (r) => urls.push(r.url()));
    await reserve(page);
    const stored = () => page.evaluate<{ hold?: { reservationId: string; holdToken: string | null } } | null>(`JSON.parse(sessionStorage.getItem("keepr.draft"))`);
    const held = (await stored())!.hold!;
    expect(held.holdToken).toEqual(expect.stringMatching(/.{20,}/));
    await page.reload();
    await page.locator("body[data-app-ready=true]").waitFor();
    await page.getByTestId("hold-countdown").waitFor(); // still step 2, the same hold
    expect((await stored())!.hold).toEqual(held);
    await fillDetails(page, { name: "Annie Easley", email: "annie.web@example.com" });
    const sent: Array<{ reservationId?: string; holdToken?: string | null }> = [];
    page.on("request", (r) => {
      const body = r.method() === "POST" ? (r.postDataJSON() as { operationName?: string; variables?: { reservationId?: string; holdToken?: string | null } } | null) : null;
      if (body?.operationName === "ConfirmBooking") sent.push(body.variables ?? {});
    });
    await page.getByTestId("confirm-booking").click();
    await page.waitForURL(/\/confirmation$/);
    expect(sent.map((v) => [v.reservationId, v.holdToken])).toEqual([[held.reservationId, held.holdToken]]);
    const bookings = await reservationsFor("annie.web@example.com");
    expect(bookings.map((b) => [b.id, b.status])).toEqual([[held.reservationId, "confirmed"]]);
    await expect(page.getByTestId("confirmation-code").textContent()).resolves.toBe(bookings[0]!.confirmation_code);
    // The token went in request bodies only, never in a URL; the draft (and the token with it) is gone once booked.
    expect([...urls, page.url()].filter((u) => u.includes(encodeURIComponent(held.holdToken!)) || u.includes(held.holdToken!))).toEqual([]);
    expect(await stored()).toBeNull();
    expect(errors).toEqual([]);
    await ctx.close();
  }, 120_000);

  it("a confirmation whose answer was lost, then a page refresh: the same key is sent again and replays; one booking, one charge", async () => {
    const ctx = await context();
    const arrival = localDate(lisbon.timeZone, 61);
    const departure = addDays(arrival, 2);
    const { page } = await open(ctx, bookUrl(nonRefundablePlan, arrival, departure));
    await reserve(page);
    await fillDetails(page, { name: "Margaret Hamilton", email: "margaret.web@example.com" });
    // The confirmation reaches Keepr and commits, but its answer never reaches the page.
    let lost = 0;
    await page.route("**/graphql", async (route) => {
      const body = route.request().postDataJSON() as { operationName?: string } | null;
      if (body?.operationName === "ConfirmBooking" && lost < 3) {
        lost++;
        await route.fetch();
        return route.abort("connectionreset");
      }
      return route.continue();
    });
    await page.getByTestId("confirm-booking").click();
    await page.getByText("Cannot reach Keepr. Check your connection and try again.").waitFor();
    const confirmed = await reservationsFor("margaret.web@example.com");
    expect(confirmed.map((b) => b.status)).toEqual(["confirmed"]);
    await page.unroute("**/graphql");
    await page.reload();
    await page.waitForURL(/\/confirmation$/);
    await expect(page.getByTestId("confirmation-code").textContent()).resolves.toBe(confirmed[0]!.confirmation_code);
    await page.locator(".payments li.good").waitFor({ timeout: 30_000 });
    const after = await reservationsFor("margaret.web@example.com");
    expect(after.map((b) => [b.id, b.status])).toEqual([[confirmed[0]!.id, "confirmed"]]);
    expect(await attemptsFor(after[0]!.id)).toEqual([{ status: "captured", amount: after[0]!.total_amount }]);
    const notifications = await q<{ n: number }>("select count(*)::int as n from app_public.notifications where template = 'confirmation' and recipient = $1", ["margaret.web@example.com"]);
    expect(notifications[0]!.n).toBe(1);
    await ctx.close();
  }, 120_000);
});

it("speaks the browser's language (Portuguese here), switches with the switcher, and formats prices in the property's currency", async () => {
  const ctx = await context({ locale: "pt-PT" });
  const arrival = localDate(chalet.timeZone, 90);
  const { page, errors } = await open(ctx, `/?where=city:Zermatt&arrival=${arrival}&departure=${addDays(arrival, 2)}&adults=2`);
  await page.locator(".results[data-state=done]").waitFor();
  await expect(page.evaluate<string>("document.documentElement.lang")).resolves.toBe("pt");
  await expect(page.locator("h1").textContent()).resolves.toBe("Encontre a sua estadia");
  // Two nights where three are needed: why, and the nearest stays that work, priced in francs.
  const blocked = page.locator('[data-restriction="MIN_STAY"]');
  await expect(blocked.locator(".why").textContent()).resolves.toMatch(/^As estadias com chegada a .+ têm de ter pelo menos 3 noites\.$/);
  const suggestion = blocked.locator(".suggestions a").first();
  await suggestion.waitFor();
  await expect(suggestion.textContent()).resolves.toMatch(/3 noites · [\d\s.]+,\d\d\sCHF$/);
  await shots(page, "14-portuguese");
  await expectAccessible(page, "portuguese");
  await suggestion.click();
  await page.locator('.results[data-state=done] [data-rate="Chalet Week"] .price').waitFor();
  await expect(page.locator('[data-rate="Chalet Week"] .price').textContent()).resolves.toMatch(/^[\d\s.]+,\d\d\sCHF no total$/);

  await page.getByLabel("Idioma").selectOption("en");
  await expect(page.locator("h1").textContent()).resolves.toBe("Find your stay");
  await expect(page.evaluate<string>("document.documentElement.lang")).resolves.toBe("en");
  await page.reload();
  await page.locator("body[data-app-ready=true]").waitFor();
  await expect(page.locator("h1").textContent()).resolves.toBe("Find your stay"); // remembered
  expect(errors).toEqual([]);
  await ctx.close();
}, 120_000);

it("loads fast and does not shift: time to interactive, results, layout shift and bundle size (printed for docs/benchmarks.md)", async () => {
  const arrival = localDate(lisbon.timeZone, 35);
  const url = `/?where=city:Lisbon&arrival=${arrival}&departure=${addDays(arrival, 3)}&adults=2`;
  const runs: Array<{ interactive: number; results: number; cls: number; lcp: number; bytes: number }> = [];
  for (let i = 0; i < 5; i++) {
    // A new context each time: nothing cached.
    const ctx = await context({ viewport: i % 2 ? phone : desktop });
    const page = await ctx.newPage();
    // Layout shifts not caused by input (CLS) and the largest contentful paint, from the first byte on.
    await page.addInitScript(`
      window.__cls = 0; window.__lcp = 0;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; })
        .observe({ type: "layout-shift", buffered: true });
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__lcp = Math.max(window.__lcp, e.startTime); })
        .observe({ type: "largest-contentful-paint", buffered: true });
    `);
    let bytes = 0;
    page.on("response", async (response) => {
      bytes += Number((await response.allHeaders())["content-length"] ?? 0);
    });
    await page.goto(`${server.url}${url}`);
    await page.locator(".results[data-state=done] .room-card img").first().waitFor();
    await page.locator(".room-card img").first().evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
    await page.waitForFunction('performance.getEntriesByName("keepr:results").length > 0');
    const measured = await page.evaluate<{ interactive: number; results: number; cls: number; lcp: number }>(`({
      interactive: performance.getEntriesByName("keepr:interactive")[0].startTime,
      results: performance.getEntriesByName("keepr:results")[0].startTime,
      cls: window.__cls,
      lcp: window.__lcp,
    })`);
    runs.push({ ...measured, bytes });
    await ctx.close();
  }
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
  // The first page's JavaScript: index.html's script and the chunks it preloads (the multi-room pages are chunks
  // of their own, loaded only when a page needs them: listed, not counted).
  const html = await (await fetch(`${server.url}/`)).text();
  const firstPage = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]));
  const all = build.assets.filter((a) => a.file.endsWith(".js"));
  const js = all.filter((a) => firstPage.has(a.file));
  const lazy = all.filter((a) => !firstPage.has(a.file));
  const css = build.assets.filter((a) => a.file.endsWith(".css"));
  const sum = (list: typeof js, key: "bytes" | "gzipBytes") => list.reduce((s, a) => s + a[key], 0);
  console.log(
    [
      `guest app, cold load of a search (${runs.length} runs, alternately 1366×860 and 390×844, local server):`,
      `  time to interactive (app mounted, form usable): median ${median(runs.map((r) => r.interactive)).toFixed(0)} ms`,
      `  search results with photos shown:               median ${median(runs.map((r) => r.results)).toFixed(0)} ms`,
      `  largest contentful paint:                       median ${median(runs.map((r) => r.lcp)).toFixed(0)} ms`,
      `  cumulative layout shift:                        max ${Math.max(...runs.map((r) => r.cls)).toFixed(4)}`,
      `  JavaScript: ${formatKiB(sum(js, "bytes"))} (gzip ${formatKiB(sum(js, "gzipBytes"))}) in ${js.length} files; CSS: ${formatKiB(sum(css, "bytes"))} (gzip ${formatKiB(sum(css, "gzipBytes"))})`,
      ...js.map((a) => `    ${a.file.padEnd(32)} ${formatKiB(a.bytes).padStart(10)}  gzip ${formatKiB(a.gzipBytes).padStart(9)}`),
      `  loaded when a page needs them: ${formatKiB(sum(lazy, "bytes"))} (gzip ${formatKiB(sum(lazy, "gzipBytes"))})`,
      ...lazy.map((a) => `    ${a.file.padEnd(32)} ${formatKiB(a.bytes).padStart(10)}  gzip ${formatKiB(a.gzipBytes).padStart(9)}`),
    ].join("\n"),
  );
  expect(Math.max(...runs.map((r) => r.cls))).toBeLessThan(0.1); // "good" by Core Web Vitals
  expect(js.length).toBeGreaterThan(0);
  // Issue 22's budget: the first page under 90.7 KiB (what it was) + 30 KiB of gzipped JavaScript.
  expect(sum(js, "gzipBytes")).toBeLessThan((90.7 + 30) * 1024);
}, 180_000);
