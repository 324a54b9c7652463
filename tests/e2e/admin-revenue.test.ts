// The rate calendar as a revenue manager uses it (issue 21), in headless
// Chromium against a real Keepr server with its realtime service on a test
// database, on a 1440 px desktop and a 390 px phone:
// - rooms left per room type and night, the same figures the API's own
//   availability count gives a one-night stay
//   (app_private.room_type_units_left), and live: a booking made elsewhere
//   lowers them without a reload;
// - 90 days in one frame that scrolls sideways, the plan column in view;
// - "Copy a period": a week with weekend prices, a stop sell and a minimum
//   stay copied onto a week three weeks on, previewed first, applied
//   through setRates (one key per call, a double click copies once): the
//   grid and the API's rate grid show the copied rates; bad ranges are
//   INVALID_DATES before any call.
// - Reports: this period's actual and on-the-books figures beside the same
//   weekdays 52 weeks earlier, and what those had on the books a year ago
//   (onTheBooksReport), each as the reporting views sum them.
// - Through the API: the front desk cannot set rates, a manager cannot set
//   another property's, a housekeeper cannot read the rate grid.
// Axe clean on each screen; screenshots docs/screenshots/admin-revenue-*.png.
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow, waitUntil } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, book, createHotel, localDate, moveStayBack, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;
let other: Hotel;
let today: string;
let suiteTypeId: string;
let suitePlanId: string;
let managerEmail: string;
const contexts: BrowserContext[] = [];

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `admin-revenue-${name}.png`), animations: "disabled" });

async function signIn(kind: "desktop" | "phone"): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser, { device: kind, track: contexts });
  return signInToConsole(context, server.url, managerEmail);
}

/** A stay booked by a guest online, committed. */
const bookStay = (arrival: string, departure: string, ratePlanId = hotel.ratePlanId) =>
  inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    return book(c, ratePlanId, arrival, departure);
  });

/** What the API's availability count gives a one-night stay on each night, per room type. */
async function unitsLeft(dates: string[]): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const date of dates) {
    const { rows } = await db.ownerPool.query<{ room_type_id: string; units_left: number }>(
      "select room_type_id, units_left from app_private.room_type_units_left(array[$1::uuid], daterange($2::date, $2::date + 1))",
      [hotel.propertyId, date],
    );
    for (const row of rows) (out[row.room_type_id] ??= {})[date] = row.units_left;
  }
  return out;
}

/** The rooms left the grid shows, per room type and date. */
const shownRoomsLeft = (page: Page, roomTypeId: string) =>
  page.locator(`[data-testid="rooms-left"][data-room-type="${roomTypeId}"] [data-date]`).evaluateAll((cells) =>
    Object.fromEntries(cells.map((c) => [(c as unknown as { dataset: { date: string } }).dataset.date, Number((c as unknown as { dataset: { left: string } }).dataset.left)])),
  );

/** The effective rates of a plan over [first, last], as the API's rate grid reads them. */
async function gridOf(ratePlanId: string, first: string, last: string) {
  const { rows } = await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.manager }, randomUUID());
    return c.query(
      `select to_char(date, 'YYYY-MM-DD') as date, price::text, min_stay, max_stay, closed_to_arrival, closed_to_departure, stop_sell
         from app_public.rate_grid($1, $2, $3) where rate_plan_id = $4 order by date`,
      [hotel.propertyId, first, last, ratePlanId],
    );
  });
  return rows as Array<{ date: string; price: string; min_stay: number; max_stay: number | null; closed_to_arrival: boolean; closed_to_departure: boolean; stop_sell: boolean }>;
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db, {}, { realtime: true });
  hotel = await createHotel(db.ownerPool, { units: 4 });
  other = await createHotel(db.ownerPool, { units: 1 });
  today = localDate(hotel.timeZone);
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [hotel.propertyId]);
  managerEmail = await withPassword(db.ownerPool, hotel.manager, "Marta Manager");
  suiteTypeId = (await db.ownerPool.query<{ id: string }>("insert into app_public.room_types (property_id, name, max_occupancy) values ($1, 'Suite', 4) returning id", [hotel.propertyId])).rows[0]!.id;
  await db.ownerPool.query("insert into app_public.units (property_id, room_type_id, name) values ($1, $2, '201'), ($1, $2, '202')", [hotel.propertyId, suiteTypeId]);
  suitePlanId = (await db.ownerPool.query<{ id: string }>(
    "insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests) values ($1, $2, 'Suite Flexible', 'EUR', 20000, 2) returning id",
    [hotel.propertyId, suiteTypeId],
  )).rows[0]!.id;
  // Doubles: two stays over +2 → +4, one +3 → +5, and maintenance on the fourth unit the night of +3: none left that night.
  await bookStay(addDays(today, 2), addDays(today, 4));
  await bookStay(addDays(today, 2), addDays(today, 4));
  await bookStay(addDays(today, 3), addDays(today, 5));
  await db.ownerPool.query(
    `insert into app_public.inventory_claims (property_id, unit_id, stay, kind, note)
     select $1, u.id, daterange($2::date, $3::date), 'maintenance_block', 'Paint'
       from app_public.units u
      where u.property_id = $1 and u.room_type_id = $4
        and not exists (select 1 from app_public.inventory_claims c where c.unit_id = u.id and c.released_at is null and c.stay && daterange($2::date, $3::date))
      limit 1`,
    [hotel.propertyId, addDays(today, 3), addDays(today, 4), hotel.roomTypeId],
  );
  await bookStay(addDays(today, 1), addDays(today, 3), suitePlanId);
  // Last year: two two-night Double stays, 52 weeks before +10 and +20 (booked now, moved back: the API takes no past
  // arrivals); the first was confirmed 400 days ago (on the books a year ago), the second 300 days ago (not yet then).
  for (const [offset, confirmedDaysAgo] of [[10, 400], [20, 300]] as const) {
    const stayed = await bookStay(addDays(today, offset), addDays(today, offset + 2));
    await moveStayBack(db.ownerPool, stayed.reservation_id, 364);
    await db.ownerPool.query("update app_public.reservations set confirmed_at = now() - make_interval(days => $2) where id = $1", [stayed.reservation_id, confirmedDaysAgo]);
  }
  // The week to copy (+7 → +13): €150 on Friday and Saturday, a stop sell on +9, two nights minimum from +10.
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.manager }, randomUUID());
    for (const plan of [hotel.ratePlanId, suitePlanId]) {
      await c.query("select app_public.set_rates($1, $2, $3, $4, price => 15000, days_of_week => array[5, 6])", [plan, addDays(today, 7), addDays(today, 13), randomUUID()]);
    }
    await c.query("select app_public.set_rates($1, $2, $2, $3, stop_sell => true)", [hotel.ratePlanId, addDays(today, 9), randomUUID()]);
    await c.query("select app_public.set_rates($1, $2, $3, $4, min_stay => 2)", [hotel.ratePlanId, addDays(today, 10), addDays(today, 13), randomUUID()]);
    // The target week has an override of its own, which the copy replaces.
    await c.query("select app_public.set_rates($1, $2, $2, $3, price => 9000, closed_to_arrival => true)", [hotel.ratePlanId, addDays(today, 22), randomUUID()]);
  });
  browser = await launchBrowser();
  await waitUntil(async () => server.realtime?.replicationConnected() === true, "realtime replication");
}, 240_000);

afterAll(() => endBrowserTest({ contexts, browser, server, db }));

describe("a revenue manager on a 1440 px desktop", () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await signIn("desktop"));
    await page.goto(`${server.url}/admin/revenue/calendar`);
    await page.getByTestId("rate-grid").waitFor();
  });

  it("shows the rooms left per room type and night as the API counts them, and lowers them live when a guest books", async () => {
    const dates = Array.from({ length: 14 }, (_, i) => addDays(today, i));
    const expected = await unitsLeft(dates);
    expect(expected[hotel.roomTypeId]![addDays(today, 3)]).toBe(0);
    expect(expected[hotel.roomTypeId]![addDays(today, 2)]).toBe(2);
    await waitUntil(async () => JSON.stringify(await shownRoomsLeft(page, hotel.roomTypeId)) === JSON.stringify(expected[hotel.roomTypeId]), "the Doubles' rooms left");
    await waitUntil(async () => JSON.stringify(await shownRoomsLeft(page, suiteTypeId)) === JSON.stringify(expected[suiteTypeId]), "the Suites' rooms left");
    await expect(page.locator(`[data-testid="rooms-left"][data-room-type="${hotel.roomTypeId}"]`).textContent()).resolves.toContain("Rooms left (of 4)");
    await shot(page, "rooms-left-desktop");
    await expectAccessible(page);

    // A guest books a Suite for +6 → +8 elsewhere: the grid follows without a reload.
    await bookStay(addDays(today, 6), addDays(today, 8), suitePlanId);
    const cell = page.locator(`[data-testid="rooms-left"][data-room-type="${suiteTypeId}"] [data-date="${addDays(today, 6)}"]`);
    await waitUntil(async () => (await cell.getAttribute("data-left")) === "1", "the Suites' rooms left on +6 to drop to 1");
    expect((await unitsLeft([addDays(today, 6)]))[suiteTypeId]![addDays(today, 6)]).toBe(1);
    expect(errors).toEqual([]);
  });

  it("shows rates another manager sets meanwhile without a reload (the rate calendar's keys are published)", async () => {
    const day = addDays(today, 5);
    const cell = page.getByTestId("rate-grid").locator(`[data-plan="${suitePlanId}"] [data-date="${day}"]`);
    await waitUntil(async () => (await cell.getAttribute("data-price")) === "20000", "the Suite's price on +5");
    await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: hotel.manager }, randomUUID());
      await c.query("select app_public.set_rates($1, $2, $2, $3, price => 21500)", [suitePlanId, day, randomUUID()]);
    });
    await waitUntil(async () => (await cell.getAttribute("data-price")) === "21500", "the new price to reach the grid");
    expect(errors).toEqual([]);
  });

  it("shows 90 days in a frame that scrolls sideways, the plan column staying in view", async () => {
    await page.getByRole("combobox", { name: "Days" }).click();
    await page.getByRole("option", { name: "90 days" }).click();
    const grid = page.getByTestId("rate-grid");
    await waitUntil(async () => (await grid.locator('[role="columnheader"]').count()) === 91, "90 date columns");
    await grid.locator(`[data-plan="${hotel.ratePlanId}"] [data-date="${addDays(today, 89)}"]`).waitFor();
    const frame = page.getByTestId("rate-grid-frame");
    const overflow = await sidewaysOverflow(page);
    expect(overflow).toBeLessThanOrEqual(0);
    await frame.evaluate((el) => {
      (el as unknown as { scrollLeft: number }).scrollLeft = 100_000;
    });
    const frameBox = (await frame.boundingBox())!;
    const sticky = page.locator(`[data-plan="${hotel.ratePlanId}"] [data-sticky="plan"]`);
    await waitUntil(async () => Math.abs((await sticky.boundingBox())!.x - frameBox.x) <= 2, "the plan column at the frame's left");
    await expect(page.locator(`[data-plan="${hotel.ratePlanId}"] [data-date="${addDays(today, 89)}"]`).isVisible()).resolves.toBe(true);
    await shot(page, "90-days-desktop");
    await page.getByRole("combobox", { name: "Days" }).click();
    await page.getByRole("option", { name: "14 days" }).click();
    expect(errors).toEqual([]);
  });

  it("refuses bad ranges before any call: the source ending before it starts, a target in the past, over 366 days", async () => {
    await page.locator('[data-action="copy-period"]').click();
    const dialog = page.getByTestId("copy-period");
    await dialog.waitFor();
    const confirm = page.locator('[data-confirm="copy-period"]');
    await dialog.getByLabel("Copy from").fill(addDays(today, 13));
    await dialog.getByLabel("Copy to (last date)").fill(addDays(today, 7));
    await dialog.getByText("Code INVALID_DATES").waitFor();
    await expect(dialog.textContent()).resolves.toContain("The source's last date is before its first.");
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await dialog.getByLabel("Copy from").fill(addDays(today, 7));
    await dialog.getByLabel("Copy to (last date)").fill(addDays(today, 7 + 400));
    await expect(dialog.textContent()).resolves.toContain("A copy takes at most 366 days.");
    await dialog.getByLabel("Copy to (last date)").fill(addDays(today, 13));
    await dialog.getByLabel("Onto dates from").fill(addDays(today, -3));
    await expect(dialog.textContent()).resolves.toContain("Rates can be set from today");
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await shot(page, "copy-refused-desktop");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(errors).toEqual([]);
  });

  it("copies a week's rates and restrictions three weeks on: previewed, applied through setRates once, in the grid and the API", async () => {
    const sent: Array<{ operation: string; key: string | undefined }> = [];
    page.on("request", (request) => {
      if (request.method() !== "POST" || !request.url().endsWith("/graphql")) return;
      const body = request.postDataJSON() as { operationName?: string; variables?: { idempotencyKey?: string } };
      sent.push({ operation: body.operationName ?? "", key: body.variables?.idempotencyKey });
    });
    const source = [addDays(today, 7), addDays(today, 13)] as const;
    const target = [addDays(today, 21), addDays(today, 27)] as const;
    const beforeTarget = await gridOf(hotel.ratePlanId, ...target);
    await page.locator('[data-action="copy-period"]').click();
    const dialog = page.getByTestId("copy-period");
    await dialog.waitFor();
    await dialog.getByLabel("Copy from").fill(source[0]);
    await dialog.getByLabel("Copy to (last date)").fill(source[1]);
    await dialog.getByLabel("Onto dates from").fill(target[0]);
    const preview = dialog.getByTestId("copy-preview");
    await preview.waitFor();
    // The preview: each target date now and after, for both plans.
    await expect(preview.locator('[data-date]').count()).resolves.toBe(7);
    const stopRow = preview.locator(`[data-date="${addDays(target[0], 2)}"]`);
    await expect(stopRow.textContent()).resolves.toContain("€100.00 → €100.00 Stop");
    await expect(dialog.getByTestId("copy-summary").textContent()).resolves.toMatch(/7 dates × 2 plans: \d+ dates change/);
    // Nothing changed yet.
    expect(await gridOf(hotel.ratePlanId, ...target)).toEqual(beforeTarget);
    const planned = Number(/\((\d+) calls? to setRates\)/.exec((await dialog.getByTestId("copy-summary").textContent()) ?? "")![1]);
    expect(planned).toBeGreaterThan(1);
    await shot(page, "copy-preview-desktop");
    await expectAccessible(page);
    await page.locator('[data-confirm="copy-period"]').dblclick();
    await dialog.waitFor({ state: "detached" });

    // In the API: every target date reads as its source date, for both plans.
    const strip = (rows: Awaited<ReturnType<typeof gridOf>>) => rows.map(({ date: _date, ...rest }) => rest);
    for (const plan of [hotel.ratePlanId, suitePlanId]) {
      expect(strip(await gridOf(plan, ...target))).toEqual(strip(await gridOf(plan, ...source)));
    }
    // The calls the preview announced, each once with a key of its own (the double click's second press is ignored).
    const calls = sent.filter((s) => s.operation === "BackofficeSetRates");
    expect(calls.length).toBe(planned);
    expect(new Set(calls.map((c) => c.key)).size).toBe(planned);
    const written = await db.ownerPool.query<{ n: string }>(
      "select count(*) as n from app_public.rate_calendar where property_id = $1 and date between $2 and $3",
      [hotel.propertyId, ...target],
    );
    expect(Number(written.rows[0]!.n)).toBe(14);

    // In the grid, moved to the target week.
    await page.getByLabel("Starting").fill(target[0]);
    const plan = page.getByTestId("rate-grid").locator(`[data-plan="${hotel.ratePlanId}"]`);
    for (const [i, row] of (await gridOf(hotel.ratePlanId, ...source)).entries()) {
      await plan.locator(`[data-date="${addDays(target[0], i)}"][data-price="${row.price}"][data-stop-sell="${row.stop_sell}"]`).waitFor();
    }
    await shot(page, "copied-desktop");
    expect(errors).toEqual([]);
  });
});

describe("a revenue manager's reports", () => {
  it("show this period's actual and on-the-books figures beside the same period last year, as the reporting views sum them", async () => {
    const { page, errors } = await signIn("desktop");
    await page.goto(`${server.url}/admin/reports`);
    const table = page.getByTestId("period-comparison");
    await table.waitFor();
    // The page's default range: a week back to 30 days on.
    const from = addDays(today, -7);
    const to = addDays(today, 30);
    const sum = async (first: string, last: string) =>
      (await db.ownerPool.query<{ nights: number; revenue: string }>(
        "select count(*)::int as nights, coalesce(sum(room_revenue), 0)::text as revenue from reporting.room_nights where property_id = $1 and date between $2 and $3",
        [hotel.propertyId, first, last],
      )).rows[0]!;
    const onBooks = await sum(today, to);
    const lastYear = await sum(addDays(from, -364), addDays(to, -364));
    expect(lastYear).toEqual({ nights: 4, revenue: "40000" });
    const cell = (measure: string, column: string) => table.locator(`[data-measure="${measure}"] [data-column="${column}"]`);
    await waitUntil(async () => (await cell("Room nights sold", "last-year").textContent()) === "4", "last year's room nights");
    await expect(cell("Room revenue", "last-year").textContent()).resolves.toBe("€400.00");
    // A year ago only the stay confirmed 400 days ago was on the books for those nights.
    await waitUntil(async () => (await cell("Room nights sold", "same-time-last-year").textContent()) === "2", "last year's nights on the books a year ago");
    await expect(cell("Room revenue", "same-time-last-year").textContent()).resolves.toBe("€200.00");
    await expect(cell("Room nights sold", "pace").textContent()).resolves.toBe(`+${(((onBooks.nights - 2) / 2) * 100).toFixed(1)}%`);
    await expect(cell("Room nights sold", "on-the-books").textContent()).resolves.toBe(String(onBooks.nights));
    await expect(cell("Room nights sold", "actual").textContent()).resolves.toBe("0");
    await expect(cell("Room nights sold", "period").textContent()).resolves.toBe(String(onBooks.nights));
    await expect(cell("Room nights sold", "change").textContent()).resolves.toBe(`+${(((onBooks.nights - 4) / 4) * 100).toFixed(1)}%`);
    await table.scrollIntoViewIfNeeded();
    await shot(page, "reports-comparison-desktop");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });
});

describe("a revenue manager on a 390 px phone", () => {
  it("reads the rooms left and previews a copy without the page scrolling sideways, and reads the reports' comparison", async () => {
    const { page, errors } = await signIn("phone");
    await page.goto(`${server.url}/admin/revenue/calendar`);
    await page.locator(`[data-testid="rooms-left"][data-room-type="${hotel.roomTypeId}"] [data-date="${addDays(today, 3)}"][data-left="0"]`).waitFor();
    // A narrower plan column on a phone: two whole dates beside it.
    const second = (await page.locator(`[data-testid="rooms-left"][data-room-type="${hotel.roomTypeId}"] [data-date="${addDays(today, 1)}"]`).boundingBox())!;
    expect(second.x + second.width).toBeLessThanOrEqual(390);
    await page.locator('[data-action="copy-period"]').click();
    const dialog = page.getByTestId("copy-period");
    await dialog.getByLabel("Copy from").fill(addDays(today, 7));
    await dialog.getByLabel("Copy to (last date)").fill(addDays(today, 9));
    await dialog.getByLabel("Onto dates from").fill(addDays(today, 40));
    await dialog.getByTestId("copy-preview").waitFor();
    const overflow = await sidewaysOverflow(page);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, "copy-preview-phone");
    await expectAccessible(page);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await shot(page, "rooms-left-phone");
    // The reports' comparison on a phone: its own scrolling box, readable and axe clean. (That the Reports page as a
    // whole fits the phone: tests/e2e/admin-property.test.ts.)
    await page.goto(`${server.url}/admin/reports`);
    const table = page.getByTestId("period-comparison");
    await table.locator('[data-measure="Room nights sold"] [data-column="last-year"]').filter({ hasText: "4" }).waitFor();
    await table.scrollIntoViewIfNeeded();
    await shot(page, "reports-comparison-phone");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });
});

describe("hostile calls through the API", () => {
  async function tokenOf(userId: string): Promise<string> {
    const address = await withPassword(db.ownerPool, userId);
    const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: address, p: fixturePassword });
    return login.body.data!.login.result as string;
  }
  const codeOf = (res: Awaited<ReturnType<TestServer["graphql"]>>) => (res.body.errors?.[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code;

  it("the desk cannot set rates, a manager cannot set another property's, a housekeeper reads no rate grid nor rooms", async () => {
    const set = `mutation($p: UUID!, $f: Date!, $l: Date!, $k: String!) { setRates(input: {ratePlanId: $p, firstDate: $f, lastDate: $l, price: "1", reset: true, idempotencyKey: $k}) { result } }`;
    const vars = { p: hotel.ratePlanId, f: addDays(today, 30), l: addDays(today, 31), k: randomUUID() };
    expect(codeOf(await server.graphql(set, vars, { token: await tokenOf(hotel.frontDesk) }))).toBe("ACCESS_DENIED");
    expect(codeOf(await server.graphql(set, { ...vars, p: other.ratePlanId, k: randomUUID() }, { token: await tokenOf(hotel.manager) }))).toBe("NOT_FOUND");
    expect(codeOf(await server.graphql(set, { ...vars, f: addDays(today, -2), k: randomUUID() }, { token: await tokenOf(hotel.manager) }))).toBe("INVALID_DATES");
    const keeper = await tokenOf(hotel.housekeeper);
    const grid = `query($p: UUID!, $f: Date!, $t: Date!) { rateGrid(propertyId: $p, fromDate: $f, toDate: $t) { nodes { price } } }`;
    expect(codeOf(await server.graphql(grid, { p: hotel.propertyId, f: today, t: addDays(today, 6) }, { token: keeper }))).toBe("ACCESS_DENIED");
    const rooms = `query($p: UUID!, $f: Date!, $e: Date!) { tapeChartClaims(propertyId: $p, firstDate: $f, endDate: $e) { nodes { unitId } } }`;
    expect((await server.graphql(rooms, { p: hotel.propertyId, f: today, e: addDays(today, 14) }, { token: await tokenOf(other.manager) })).body.data!.tapeChartClaims.nodes).toEqual([]);
    const written = await db.ownerPool.query("select count(*)::int as n from app_public.rate_calendar where property_id = $1 and date between $2 and $3", [hotel.propertyId, vars.f, vars.l]);
    expect(written.rows[0].n).toBe(0);
  });
});
