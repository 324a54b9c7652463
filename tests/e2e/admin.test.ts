// The staff console in headless Chromium against a real Keepr server (the
// express app with the API and /admin) on a test database: a front-desk
// user signs in, sees today's arrival, opens it, checks the guest in and
// out; the API's refusals reach the dialogs; the other actions work; menus
// follow the role; a user of property A never sees property B. The main
// screens run under the server's Content-Security-Policy without a console
// error and without WCAG 2 A/AA violations (axe-core). It takes the
// screenshots in docs/screenshots/ and prints the first load of the console
// and the bundle sizes.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { formatKiB, runAppBuildProcess, type AppBuildReport } from "../../server/app-build.ts";
import { collectPageErrors, endBrowserTest, expectAccessible, launchBrowser, newContext } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let build: AppBuildReport;
let a: Hotel;
let b: Hotel;
const email: Record<string, string> = {};
const stays: Record<string, { id: string; code: string }> = {};

/** quote → hold → confirm as an anonymous guest, committed. */
function bookGuest(hotel: Hotel, arrivalOffset: number, nights: number, fullName: string, guestEmail: string) {
  return inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    const arrival = localDate(hotel.timeZone, arrivalOffset);
    const q = await quote(c, hotel.ratePlanId, arrival, addDays(arrival, nights));
    const h = await hold(c, q.quote_token);
    const { rows } = await c.query<{ confirmation_code: string }>(
      "select confirmation_code from app_public.confirm_booking($1, $2, $3, $4, '+351 21 000 0000', hold_token => $5)",
      [h.reservation_id, newKey(), fullName, guestEmail, h.hold_token],
    );
    return { id: h.reservation_id, code: rows[0]!.confirmation_code };
  });
}

async function statusOf(id: string): Promise<string> {
  return (await db.ownerPool.query<{ status: string }>("select status from app_public.reservations where id = $1", [id])).rows[0]!.status;
}

// Transitions (a dialog fading in) are finished first, so a screenshot shows what the user sees.
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `admin-${name}.png`), animations: "disabled" });

/** The list's rows once they satisfy `ok` (a filter is applied after a short debounce). */
async function rowsWhen(page: Page, ok: (rows: string[]) => boolean): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rows = await page.locator("tbody tr").allTextContents();
    if (ok(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`the list never showed the expected rows: ${rows.join(" | ")}`);
    await page.waitForTimeout(100);
  }
}

async function signIn(context: BrowserContext, userEmail: string, options: { screenshot?: string } = {}): Promise<Page> {
  const screenshot = options.screenshot;
  const beforeSubmit = screenshot
    ? async (page: Page) => {
        await shot(page, screenshot);
        await expectAccessible(page);
      }
    : undefined;
  return (await signInToConsole(context, server.url, userEmail, { ready: "board", beforeSubmit })).page;
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  // The build npm start makes (server/app-build.ts), if admin/dist is not current.
  build = await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db);
  a = await createHotel(db.ownerPool, { units: 4 });
  b = await createHotel(db.ownerPool, { units: 2, timeZone: "Europe/Zurich", currency: "CHF" });
  // Harbour records no-shows from the arrival day's start (the default, the next day at 02:00, is
  // tested in payment-guarantee.test.ts and tests/db/payment_guarantee.test.ts).
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel', no_show_day_offset = 0, no_show_time = '00:00' where id = $1", [a.propertyId]);
  await db.ownerPool.query("update app_public.properties set name = 'Alpine Lodge' where id = $1", [b.propertyId]);
  for (const [id, name] of [[a.frontDesk, "Diego Desk"], [a.manager, "Marta Manager"], [a.housekeeper, "Hugo Housekeeping"], [b.frontDesk, "Berta Desk"]]) {
    await db.ownerPool.query("update app_public.users set display_name = $2 where id = $1", [id, name]);
  }
  email.deskA = await withPassword(db.ownerPool, a.frontDesk);
  email.deskB = await withPassword(db.ownerPool, b.frontDesk);
  email.managerA = await withPassword(db.ownerPool, a.manager);
  email.housekeeperA = await withPassword(db.ownerPool, a.housekeeper);
  // The manager of A keeps the books at B too: two properties, two roles.
  await db.ownerPool.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'accountant')", [b.propertyId, a.manager]);

  stays.ada = await bookGuest(a, 0, 2, "Ada Lovelace", "ada@example.com"); // arrives today: checked in, then out
  stays.grace = await bookGuest(a, 0, 3, "Grace Hopper", "grace@example.com"); // arrives today to a dirty unit
  stays.alan = await bookGuest(a, 0, 1, "Alan Turing", "alan@example.com"); // never comes: no-show
  stays.charles = await bookGuest(a, 10, 2, "Charles Babbage", "charles@example.com"); // cancels
  stays.bea = await bookGuest(b, 0, 2, "Bea Bravo", "bea@example.com"); // property B
  await db.ownerPool.query(
    "update app_public.units set housekeeping_status = 'dirty' where id = (select unit_id from app_public.reservations where id = $1)",
    [stays.grace.id],
  );
  browser = await launchBrowser();
}, 180_000);

afterAll(() => endBrowserTest({ browser, server, db }));

it("serves the build at /admin: hashed assets cached for a year (gzip when accepted), index.html revalidated, client routes fall back to it", async () => {
  const redirect = await fetch(`${server.url}/admin?x=1`, { redirect: "manual" });
  expect([redirect.status, redirect.headers.get("location")]).toEqual([308, "/admin/?x=1"]);

  const index = await fetch(`${server.url}/admin/`);
  expect(index.status).toBe(200);
  expect(index.headers.get("cache-control")).toBe("no-cache");
  expect(index.headers.get("content-security-policy")).toContain("script-src 'self'");
  const html = await index.text();
  const script = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(script).toBeDefined();

  const deep = await fetch(`${server.url}/admin/reservations/${stays.ada!.id}/show`);
  expect([deep.status, deep.headers.get("cache-control"), await deep.text()]).toEqual([200, "no-cache", html]);

  const gzipped = await fetch(`${server.url}${script}`, { headers: { "accept-encoding": "gzip" } });
  expect(gzipped.status).toBe(200);
  expect(gzipped.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  expect(gzipped.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expect(gzipped.headers.get("vary")).toBe("Accept-Encoding");
  const plain = await fetch(`${server.url}${script}`, { headers: { "accept-encoding": "identity" } });
  expect(plain.headers.get("content-encoding")).toBeNull();
  // fetch decompresses: the same script either way.
  expect(await gzipped.text()).toBe(await plain.text());

  const missing = await fetch(`${server.url}/admin/assets/index-nothere.js`);
  expect([missing.status, ((await missing.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code]).toEqual([404, "NOT_FOUND"]);
  expect((await fetch(`${server.url}/admin/robots.txt`)).status).toBe(404);
  expect((await fetch(`${server.url}/admin/assets/..%2Findex.html`)).status).toBe(404);
  expect((await fetch(`${server.url}/admin/assets/%E0%A4%A`)).status).toBe(400); // a malformed escape
  expect((await fetch(`${server.url}/admin/.keepr-build.json`)).status).toBe(404);
});

describe("a front-desk user of property A", () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    context = await newContext(browser);
    page = await signIn(context, email.deskA!, { screenshot: "login" });
    errors = collectPageErrors(page);
  });
  afterAll(async () => {
    await context.close();
  });

  it("sees today's arrivals of property A on the dashboard, in the property's calendar", async () => {
    const arrivals = page.getByTestId("arrivals");
    for (const stay of [stays.ada!, stays.grace!, stays.alan!]) await expect(arrivals.locator(`[data-code="${stay.code}"]`).count()).resolves.toBe(1);
    await expect(arrivals.textContent()).resolves.toContain("Ada Lovelace");
    await expect(page.getByTestId("arrivals").textContent()).resolves.toContain("3 arriving: 0 checked in, 3 expected");
    await expect(page.locator("body").textContent()).resolves.not.toContain(stays.bea!.code);
    await expect(page.getByTestId("property-name").textContent()).resolves.toContain("Harbour View Hotel");
    await shot(page, "dashboard");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it("opens the arrival and checks the guest in: one click of the user is one request key, one check-in", async () => {
    const keys: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith("/graphql") && request.method() === "POST") {
        const body = request.postDataJSON() as { operationName?: string; variables?: { idempotencyKey?: string } };
        if (body.operationName === "CheckIn") keys.push(body.variables?.idempotencyKey ?? "(none)");
      }
    });
    await page.getByTestId("arrivals").locator(`[data-code="${stays.ada!.code}"]`).getByText("Ada Lovelace").click();
    await page.getByTestId("confirmation-code").filter({ hasText: stays.ada!.code }).waitFor();
    await page.getByRole("tab", { name: "Folio" }).waitFor();
    await shot(page, "reservation");
    await expectAccessible(page);

    await page.locator('[data-action="check_in"]').first().click();
    await page.getByRole("dialog").waitFor();
    await shot(page, "check-in");
    await expectAccessible(page);
    await page.locator('[data-confirm="check_in"]').dblclick();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await page.locator('[data-status="checked_in"]').first().waitFor();

    expect(await statusOf(stays.ada!.id)).toBe("checked_in");
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const transitions = await db.ownerPool.query(
      `select count(*)::int as n from audit.events
        where reservation_id = $1 and table_name = 'reservations' and operation = 'UPDATE'
          and new_values ->> 'status' = 'checked_in'`,
      [stays.ada!.id],
    );
    expect(transitions.rows[0].n).toBe(1);
  });

  it("later settles the folio and checks the guest out, and sees the folio and the audit trail", async () => {
    await page.locator('[data-action="check_out"]').first().click();
    await page.getByRole("dialog").getByText("checking out early gives the remaining nights back").waitFor();
    // The stay is unpaid: the dialog says so and takes the payment (a bank transfer) before checking out.
    await page.locator('[data-testid="check-out-settlement"][data-settled="false"]').waitFor();
    await page.getByTestId("check-out-settlement").locator('[data-folio-action="pay"]').click();
    const pay = page.getByTestId("folio-pay");
    await pay.locator('[data-method="bank_transfer"]').click();
    await pay.getByLabel("Transfer reference").fill("SEPA ADA");
    await page.locator('[data-confirm="folio-pay"]').click();
    await pay.waitFor({ state: "detached" });
    await page.locator('[data-testid="check-out-settlement"][data-settled="true"]').waitFor();
    await page.locator('[data-confirm="check_out"]').click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await page.locator('[data-status="checked_out"]').first().waitFor();
    expect(await statusOf(stays.ada!.id)).toBe("checked_out");

    await page.getByRole("tab", { name: "Folio" }).click();
    await page.getByTestId("stay-folios").locator('[data-status="closed"][data-balance="0"]').waitFor();
    await expect(page.getByRole("table", { name: "Price lines" }).textContent()).resolves.toContain("Night of");
    await page.getByRole("tab", { name: "History" }).click();
    const history = page.getByRole("table", { name: "History" });
    await history.getByText("Checked out", { exact: true }).waitFor();
    await expect(history.textContent()).resolves.toContain("Checked inDiego Desk (desk)");
    await shot(page, "history");
    expect(errors).toEqual([]);
  });

  it("sees the API's refusal in the dialog (a dirty unit), then checks in anyway with a new key", async () => {
    const keys: string[] = [];
    page.on("request", (request) => {
      const body = request.method() === "POST" && request.url().endsWith("/graphql") ? (request.postDataJSON() as { operationName?: string; variables?: { idempotencyKey?: string } }) : null;
      if (body?.operationName === "CheckIn") keys.push(body.variables?.idempotencyKey ?? "(none)");
    });
    await page.goto(`${server.url}/admin/reservations/${stays.grace!.id}/show`);
    await page.locator('[data-action="check_in"]').first().click();
    await page.locator('[data-confirm="check_in"]').click();
    const refusal = page.getByRole("dialog").locator('[data-error-code="UNIT_NOT_READY"]');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toContain("The unit is dirty; clean it first or check in with force.");
    await shot(page, "error");
    await page.getByRole("dialog").getByLabel("Check in anyway").check();
    await page.locator('[data-confirm="check_in"]').click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    expect(await statusOf(stays.grace!.id)).toBe("checked_in");
    // The refused attempt kept nothing under its key; the changed request got its own.
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it("records a no-show, notes a special request and cancels a booking with a reason", async () => {
    await page.goto(`${server.url}/admin/reservations/${stays.alan!.id}/show`);
    await page.locator('[data-action="no_show"]').first().click();
    await page.locator('[data-confirm="no_show"]').click();
    await page.locator('[data-status="no_show"]').first().waitFor();
    expect(await statusOf(stays.alan!.id)).toBe("no_show");

    await page.goto(`${server.url}/admin/reservations/${stays.charles!.id}/show`);
    await expect(page.locator('[data-action="check_in"]').first().isDisabled()).resolves.toBe(true); // arrives in 10 days
    await page.getByRole("button", { name: "Edit special requests" }).click();
    await page.getByRole("dialog").getByLabel("Special requests").fill("Late arrival, around 23:00");
    await page.getByRole("dialog").getByRole("button", { name: "Save" }).click();
    await page.getByTestId("special-requests").getByText("Late arrival, around 23:00").waitFor();
    const requests = await db.ownerPool.query("select special_requests from app_public.reservations where id = $1", [stays.charles!.id]);
    expect(requests.rows[0].special_requests).toBe("Late arrival, around 23:00");
    await page.locator('[data-action="cancel"]').first().click();
    await page.getByRole("dialog").getByLabel("Reason (optional)").fill("Plans changed");
    await page.locator('[data-confirm="cancel"]').click();
    await page.locator('[data-status="cancelled"]').first().waitFor();
    const row = await db.ownerPool.query("select status, cancellation_reason from app_public.reservations where id = $1", [stays.charles!.id]);
    expect(row.rows[0]).toEqual({ status: "cancelled", cancellation_reason: "Plans changed" });
  });

  it("lists property A's reservations only, and a direct link to property B's reservation shows nothing of it", async () => {
    await page.goto(`${server.url}/admin/reservations`);
    const table = page.locator("table");
    await table.getByText(stays.charles!.code).waitFor();
    const listed = await table.textContent();
    for (const stay of [stays.ada!, stays.grace!, stays.alan!, stays.charles!]) expect(listed).toContain(stay.code);
    expect(listed).not.toContain(stays.bea!.code);
    await shot(page, "reservations");
    await expectAccessible(page);
    // Searching by confirmation code (exact, any case): A's finds it, B's finds nothing.
    await page.getByLabel("Guest, email, phone or code").fill(stays.grace!.code.toLowerCase());
    expect(await rowsWhen(page, (rows) => rows.length === 1 && rows[0]!.includes(stays.grace!.code))).toEqual([expect.stringContaining("Grace Hopper")]);
    await page.getByLabel("Guest, email, phone or code").fill(stays.bea!.code);
    await page.getByText(/found using the current filters/).waitFor();
    expect(await rowsWhen(page, (rows) => rows.length === 0)).toEqual([]);

    await page.goto(`${server.url}/admin/reservations/${stays.bea!.id}/show`);
    await page.getByText("No such reservation, or you cannot see it.").waitFor();
    await page.waitForURL(/\/admin\/reservations(\?.*)?$/);
    await expect(page.locator("body").textContent()).resolves.not.toContain("Bea Bravo");
    expect(await statusOf(stays.bea!.id)).toBe("confirmed");
  });
});

describe("menus and actions follow the role at the selected property", () => {
  it("an accountant at B who manages A sees B's day without the desk's actions, then switches to A and has them", async () => {
    const context = await newContext(browser);
    // Home is the larger published property, Harbour View Hotel (A, 4 units); the manager switches to Alpine Lodge (B).
    const page = await signIn(context, email.managerA!);
    const errors = collectPageErrors(page);
    await expect(page.getByTestId("property-switcher").textContent()).resolves.toContain("Harbour View Hotel");
    await page.getByTestId("property-switcher").click();
    await page.getByRole("menuitem").filter({ hasText: "Alpine Lodge" }).click();
    await page.getByTestId("arrivals").locator(`[data-code="${stays.bea!.code}"]`).waitFor();
    expect(await page.getByTestId("arrivals").locator("[data-action]").count()).toBe(0); // accountant at B
    await expect(page.getByRole("menuitem", { name: "Reservations" }).count()).resolves.toBe(1);
    await page.getByTestId("property-switcher").click();
    await page.getByRole("menuitem").filter({ hasText: "Harbour View Hotel" }).waitFor();
    await shot(page, "property-switcher");
    await page.getByRole("menuitem").filter({ hasText: "Harbour View Hotel" }).click();
    await page.getByTestId("in-house").getByText("Grace Hopper").waitFor();
    await expect(page.locator("body").textContent()).resolves.not.toContain(stays.bea!.code);
    // Manager at A: the desk's actions are back (Grace is in house until her departure).
    await page.getByRole("menuitem", { name: "Reservations" }).click();
    await page.locator("table").getByText(stays.grace!.code).click();
    await page.locator('[data-action="check_out"]').first().waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it("housekeeping lands on its board: who is checked in, arriving or gone, never by whom; no day board, guest pages or desk actions", async () => {
    const context = await newContext(browser);
    const page = await signIn(context, email.housekeeperA!);
    const errors = collectPageErrors(page);
    await page.getByTestId("housekeeping-ready").waitFor();
    expect(new URL(page.url()).pathname).toBe("/admin/housekeeping");
    const unitOf = async (stay: { id: string }) =>
      (await db.ownerPool.query<{ name: string }>(
        "select u.name from app_public.units u join app_public.reservations r on r.unit_id = u.id where r.id = $1",
        [stay.id],
      )).rows[0]!.name;
    const card = async (stay: { id: string }) => page.locator(`[data-testid="unit-card"][data-unit="${await unitOf(stay)}"]`);
    // Grace arrived today and the desk checked her in: her unit says it is occupied (isOccupied), the day's
    // stays that she checked in today and until when, without her name.
    const occupied = async (stay: { id: string }) =>
      (await db.ownerPool.query<{ is_occupied: boolean }>(
        "select u.is_occupied from app_public.units u join app_public.reservations r on r.unit_id = u.id where r.id = $1",
        [stay.id],
      )).rows[0]!.is_occupied;
    expect([await occupied(stays.grace!), await occupied(stays.ada!), await occupied(stays.alan!)]).toEqual([true, false, false]);
    const grace = await card(stays.grace!);
    await expect(grace.getByTestId("occupancy").textContent()).resolves.toMatch(/^Occupied · checked in today · until \w{3},? \d+ \w{3} \d{4}$/);
    await expect(grace.getByTestId("arrival").count()).resolves.toBe(0);
    // Ada was checked in and out today: her unit waits for its cleaning.
    const ada = await card(stays.ada!);
    await expect(ada.getByTestId("occupancy").textContent()).resolves.toBe("Vacant · left today, needs cleaning");
    await expect(ada.getByTestId("arrival").count()).resolves.toBe(0);
    // Alan never came (a no-show): nobody is in or coming.
    const alan = await card(stays.alan!);
    await expect(alan.getByTestId("occupancy").textContent()).resolves.toBe("Vacant");
    await expect(alan.getByTestId("arrival").count()).resolves.toBe(0);
    const text = (await page.locator("body").textContent())!;
    for (const name of ["Grace Hopper", "Ada Lovelace", "Alan Turing", "Charles Babbage"]) expect(text).not.toContain(name);
    expect(await page.locator("[data-action]").count()).toBe(0);
    await expect(page.getByRole("menuitem", { name: "Reservations" }).count()).resolves.toBe(0);
    await expect(page.getByRole("menuitem", { name: "Today" }).count()).resolves.toBe(0);
    // The day board's address takes housekeeping to its board too.
    await page.goto(`${server.url}/admin/`);
    await page.getByTestId("housekeeping-ready").waitFor();
    expect(new URL(page.url()).pathname).toBe("/admin/housekeeping");
    expect(errors).toEqual([]);
    await context.close();
  });
});

it("first load of the console: navigation start to the dashboard rendered (printed), and the bundle's size", async () => {
  const signedIn = await newContext(browser);
  await signIn(signedIn, email.deskA!);
  const storageState = await signedIn.storageState();
  await signedIn.close();

  const measure = async (context: BrowserContext) => {
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/`);
    await page.getByTestId("dashboard-ready").waitFor();
    await page.waitForFunction(() => performance.getEntriesByName("keepr:dashboard-ready").length > 0);
    return Math.round(await page.evaluate(() => performance.getEntriesByName("keepr:dashboard-ready")[0]!.startTime));
  };
  const context = await newContext(browser, { storageState }); // signed in, empty HTTP cache
  const cold = await measure(context);
  const warm = await measure(context); // assets from the cache
  await context.close();

  const lines = build.assets.map((asset) => `  ${asset.file.padEnd(40)} ${formatKiB(asset.bytes).padStart(11)}   gzip ${formatKiB(asset.gzipBytes).padStart(10)}`);
  console.log(
    [
      `staff console first load (navigation start → dashboard rendered, signed in): ${cold} ms cold cache, ${warm} ms warm cache`,
      `bundle (${build.built ? `built in ${build.durationMs} ms` : "build was up to date"}):`,
      ...lines,
      `  ${"total".padEnd(40)} ${formatKiB(build.totals.bytes).padStart(11)}   gzip ${formatKiB(build.totals.gzipBytes).padStart(10)}`,
    ].join("\n"),
  );
  expect(cold).toBeGreaterThan(0);
  expect(build.totals.gzipBytes).toBeGreaterThan(0);
});
