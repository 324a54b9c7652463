// The tape chart's stretch, click-to-book and unassigned lane (issue 21), in
// headless Chromium against a real Keepr server on a test database, as the
// front desk of a four-unit hotel, on a 1440 px desktop (30 days) and a
// 390 px phone:
// - Ada's stay (+3 → +5 on 101) is stretched by dragging its end a night
//   later: the bar and the panel say the new price (quoteChange) before
//   anything changes, Apply re-prices it in the database (one key);
//   dragging its start a night earlier onto a night every unit is taken
//   shows the API's SOLD_OUT on the bar and changes nothing.
// - Bob's stay (+8 → +10 on 102) is stretched from the keyboard (its menu,
//   the panel's buttons).
// - A press on a free night of 103, and a drag across three, open New
//   booking with that unit and those nights; so does the unit's name from
//   the keyboard (a dialog with the dates). The booking from 103's free
//   night is quoted, held and confirmed on 103 (New booking's unit choice).
// - No booking waits for a unit through the API (every hold claims one):
//   the test makes one (Cy's unit taken away in SQL, as an import could)
//   and the chart shows the room type's unassigned lane; Cy is dragged onto
//   104 and has that unit in the database.
// - Through the API, a housekeeper and another property's desk cannot price
//   or change Ada's stay, nor read the lane.
// Screens without console errors and without WCAG 2 A/AA violations
// (axe-core); screenshots docs/screenshots/admin-tapechart-*.png.
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type pg from "pg";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow, waitUntil } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, confirm, createHotel, hold, localDate, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;
let other: Hotel;
let deskEmail: string;
let today: string;
const contexts: BrowserContext[] = [];
const stay: Record<"ada" | "bob" | "cy", { id: string; code: string }> = {} as never;

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `admin-tapechart-${name}.png`), animations: "disabled" });

const unitId = async (name: string) =>
  (await db.ownerPool.query<{ id: string }>("select id from app_public.units where property_id = $1 and name = $2", [hotel.propertyId, name])).rows[0]!.id;

/** The stay as the database has it: unit, dates, total, live claims. */
async function stayOf(reservationId: string): Promise<{ unit: string | null; arrival: string; departure: string; total: string; claims: string[] }> {
  const { rows } = await db.ownerPool.query(
    `select u.name as unit, to_char(lower(r.stay), 'YYYY-MM-DD') as arrival, to_char(upper(r.stay), 'YYYY-MM-DD') as departure, r.total_amount::text as total,
            array(select cu.name || ' ' || to_char(lower(c.stay), 'YYYY-MM-DD') || '/' || to_char(upper(c.stay), 'YYYY-MM-DD')
                    from app_public.inventory_claims c join app_public.units cu on cu.id = c.unit_id
                   where c.reservation_id = r.id and c.released_at is null) as claims
       from app_public.reservations r left join app_public.units u on u.id = r.unit_id where r.id = $1`,
    [reservationId],
  );
  return rows[0];
}

/** As the front desk, in one committed transaction. */
const asDesk = <T>(fn: (c: pg.PoolClient) => Promise<T>) =>
  inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk }, randomUUID());
    return fn(c);
  });

/** Books [arrival, departure) at the desk for a named guest, on the given unit (a room move by hand). */
async function bookOn(name: string, email: string, arrival: string, departure: string, unit: string): Promise<{ id: string; code: string }> {
  const booked = await asDesk(async (c) => {
    const h = await hold(c, (await quote(c, hotel.ratePlanId, arrival, departure)).quote_token, randomUUID());
    return { ...(await confirm(c, h, randomUUID(), email)), id: h.reservation_id };
  });
  await db.ownerPool.query("update app_public.guests set full_name = $2 where property_id = $1 and email = $3", [hotel.propertyId, name, email]);
  const target = await unitId(unit);
  await asDesk(async (c) => {
    const current = (await c.query<{ unit_id: string }>("select unit_id from app_public.reservations where id = $1", [booked.id])).rows[0]!.unit_id;
    if (current !== target) await c.query("select app_public.move_unit($1, $2, $3)", [booked.id, target, randomUUID()]);
  });
  return { id: booked.id, code: booked.confirmation_code };
}

/**
 * The bar of the stay's live claim. A change of dates releases the stay's
 * claim and makes a new one, whose bar is a new element: until the chart has
 * drawn it, the bar on the page is the old one, which the refresh replaces.
 */
async function liveBarOf(page: Page, reservationId: string) {
  const { rows } = await db.ownerPool.query<{ id: string }>(
    "select id from app_public.inventory_claims where reservation_id = $1 and released_at is null",
    [reservationId],
  );
  const bar = chartOf(page).locator(`[data-claim="${rows[0]!.id}"]`);
  await bar.waitFor();
  return bar;
}

/** The operation names and idempotency keys of the GraphQL requests a page sends. */
function recordRequests(page: Page): Array<{ operation: string; key: string | undefined }> {
  const sent: Array<{ operation: string; key: string | undefined }> = [];
  page.on("request", (request) => {
    if (request.method() !== "POST" || !request.url().endsWith("/graphql")) return;
    const body = request.postDataJSON() as { operationName?: string; variables?: { idempotencyKey?: string } };
    sent.push({ operation: body.operationName ?? "", key: body.variables?.idempotencyKey });
  });
  return sent;
}

/** Presses at a point and releases at another, moving in steps as a hand does. */
async function dragFromTo(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + (to.x - from.x) / 2, from.y + (to.y - from.y) / 2, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 4 });
  await page.mouse.up();
}

async function desktop(): Promise<{ page: Page; errors: string[] }> {
  const created = await newContext(browser, { viewport: { width: 1440, height: 900 }, track: contexts });
  return signInToConsole(created, server.url, deskEmail);
}

async function phone(): Promise<{ page: Page; errors: string[] }> {
  const created = await newContext(browser, { device: "phone", track: contexts });
  return signInToConsole(created, server.url, deskEmail);
}

const chartOf = (page: Page) => page.locator('[data-testid="tape-chart"][data-state="ready"]');
/** The x of the middle of a night's column (by its header) and the y of the middle of a unit's row. */
async function cellPoint(page: Page, unit: string, date: string): Promise<{ x: number; y: number }> {
  const column = (await page.locator(`[data-testid="tape-chart-header"] [data-date="${date}"]`).boundingBox())!;
  const row = (await page.locator(`[data-unit-name="${unit}"]`).boundingBox())!;
  return { x: column.x + column.width / 2, y: row.y + row.height / 2 };
}

/** The New booking URL's search parameters, once the page is there. */
async function bookingParams(page: Page): Promise<URLSearchParams> {
  await page.waitForURL(/\/admin\/bookings\/new\?/);
  await page.getByTestId("new-booking").waitFor();
  return new URL(page.url()).searchParams;
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db);
  hotel = await createHotel(db.ownerPool, { units: 4 });
  other = await createHotel(db.ownerPool, { units: 1 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [hotel.propertyId]);
  await db.ownerPool.query("update app_public.users set display_name = 'Diego Desk' where id = $1", [hotel.frontDesk]);
  await db.ownerPool.query(
    "insert into app_private.user_secrets (user_id, password_hash) values ($1, public.crypt($2, public.gen_salt('bf', 4)))",
    [hotel.frontDesk, fixturePassword],
  );
  deskEmail = (await db.ownerPool.query<{ email: string }>("select email from app_public.users where id = $1", [hotel.frontDesk])).rows[0]!.email;
  today = localDate(hotel.timeZone);
  stay.ada = await bookOn("Ada Lovelace", "ada@example.com", addDays(today, 3), addDays(today, 5), "101");
  stay.bob = await bookOn("Bob Kahn", "bob@example.com", addDays(today, 8), addDays(today, 10), "102");
  stay.cy = await bookOn("Cy Young", "cy@example.com", addDays(today, 16), addDays(today, 18), "103");
  // Night +2, the one before Ada's arrival, is taken on every unit (an owner stay on 101, maintenance on the others).
  for (const [unit, kind] of [["101", "owner_block"], ["102", "maintenance_block"], ["103", "maintenance_block"], ["104", "maintenance_block"]] as const) {
    await db.ownerPool.query(
      "insert into app_public.inventory_claims (property_id, unit_id, stay, kind, note) values ($1, $2, daterange($3::date, $4::date), $5, 'Night +2')",
      [hotel.propertyId, await unitId(unit), addDays(today, 2), addDays(today, 3), kind],
    );
  }
  // Cy's booking loses its unit: what the unassigned lane is for. The API never does this (every hold claims a unit).
  await db.ownerPool.query("update app_public.inventory_claims set released_at = now() where reservation_id = $1 and released_at is null", [stay.cy.id]);
  await db.ownerPool.query("update app_public.reservations set unit_id = null, unit_pinned = false where id = $1", [stay.cy.id]);
  browser = await launchBrowser();
}, 180_000);

afterAll(() => endBrowserTest({ contexts, browser, server, db }));

describe("the front desk on a 1440 px desktop, 30 days", () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await desktop());
    await page.goto(`${server.url}/admin/tape-chart?days=30&from=${today}`);
    await page.locator('[data-testid="tape-chart"][data-state="ready"][data-days="30"]').waitFor();
  });

  it("stretches Ada's stay a night later by its end: the price first, then Apply re-prices it in the database, with one key", async () => {
    const sent = recordRequests(page);
    const before = await stayOf(stay.ada.id);
    expect(before).toMatchObject({ unit: "101", arrival: addDays(today, 3), departure: addDays(today, 5), total: "20000" });
    const bar = chartOf(page).locator(`[data-reservation="${stay.ada.id}"]`);
    const handle = (await bar.getByTestId("stretch-end").boundingBox())!;
    // The bar ends in the middle of its departure's column: a night later is the middle of the next one.
    const next = await cellPoint(page, "101", addDays(today, 6));
    await dragFromTo(page, { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 }, { x: next.x, y: handle.y + handle.height / 2 });
    const panel = page.getByTestId("stretch-panel");
    await panel.waitFor();
    // Before anything changes: the new total on the bar and in the panel.
    const ghost = chartOf(page).getByTestId("stretch-ghost");
    await waitUntil(async () => (await ghost.textContent())?.includes("€300.00 (+€100.00)") ?? false, "the bar to say the new price");
    await expect(panel.getByTestId("price-difference").textContent()).resolves.toBe("+€100.00");
    await expect(panel.getByTestId("stretch-summary").textContent()).resolves.toContain("New total €300.00 (was €200.00)");
    expect(await stayOf(stay.ada.id)).toEqual(before);
    await shot(page, "stretch-desktop");
    await expectAccessible(page);
    await page.getByTestId("apply-stretch").dblclick();
    await panel.waitFor({ state: "detached" });
    expect(await stayOf(stay.ada.id)).toEqual({ unit: "101", arrival: addDays(today, 3), departure: addDays(today, 6), total: "30000", claims: [`101 ${addDays(today, 3)}/${addDays(today, 6)}`] });
    const changes = sent.filter((r) => r.operation === "ModifyReservation");
    expect(changes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(changes.map((c) => c.key)).size).toBe(1);
    expect(errors).toEqual([]);
  });

  it("drags Ada's start onto a night every unit is taken: SOLD_OUT on the bar, Apply disabled, nothing changed", async () => {
    const before = await stayOf(stay.ada.id);
    const bar = await liveBarOf(page, stay.ada.id);
    const handle = (await bar.getByTestId("stretch-start").boundingBox())!;
    const earlier = await cellPoint(page, "101", addDays(today, 2));
    await dragFromTo(page, { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 }, { x: earlier.x, y: handle.y + handle.height / 2 });
    const panel = page.getByTestId("stretch-panel");
    await panel.waitFor();
    const ghost = chartOf(page).locator('[data-testid="stretch-ghost"][data-tone="error"]');
    await waitUntil(async () => (await ghost.count()) === 1 && ((await ghost.textContent()) ?? "").startsWith("SOLD_OUT"), "SOLD_OUT on the bar");
    await expect(panel.textContent()).resolves.toContain("SOLD_OUT");
    await expect(page.getByTestId("apply-stretch").isDisabled()).resolves.toBe(true);
    await shot(page, "stretch-refused-desktop");
    await expectAccessible(page);
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    expect(await stayOf(stay.ada.id)).toEqual(before);
    expect(errors).toEqual([]);
  });

  it("stretches Bob's stay from the keyboard: the bar's menu, a night later, Apply", async () => {
    const bar = (await liveBarOf(page, stay.bob.id)).getByTestId("stay-bar");
    await bar.focus();
    await page.keyboard.press("Shift+F10");
    await page.getByRole("menuitem", { name: "Stretch or shorten the stay…" }).waitFor();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    const panel = page.getByTestId("stretch-panel");
    await panel.waitFor();
    await page.keyboard.press("Tab"); // Arrive a night earlier
    await page.keyboard.press("Tab"); // later
    await page.keyboard.press("Tab"); // Leave a night later
    await page.keyboard.press("Enter");
    await waitUntil(async () => (await panel.getByTestId("price-difference").count()) === 1 && (await panel.getByTestId("price-difference").textContent()) === "+€100.00", "the price of a night more");
    await panel.getByTestId("apply-stretch").focus();
    await page.keyboard.press("Enter");
    await panel.waitFor({ state: "detached" });
    expect(await stayOf(stay.bob.id)).toMatchObject({ unit: "102", arrival: addDays(today, 8), departure: addDays(today, 11), total: "30000" });
    expect(errors).toEqual([]);
  });

  it("shows Cy's booking on the Double's unassigned lane and gives it unit 104 by dragging it there", async () => {
    const lane = chartOf(page).locator('[data-lane="unassigned"]');
    await lane.waitFor();
    await expect(lane.textContent()).resolves.toContain("Unassigned1 booking");
    const bar = lane.locator(`[data-reservation="${stay.cy.id}"]`).getByTestId("stay-bar");
    await expect(bar.getAttribute("aria-label")).resolves.toContain("Cy Young");
    await shot(page, "unassigned-desktop");
    await expectAccessible(page);
    const box = (await bar.boundingBox())!;
    const target = (await page.locator('[data-unit-name="104"]').boundingBox())!;
    await dragFromTo(page, { x: box.x + Math.min(20, box.width / 3), y: box.y + box.height / 2 }, { x: box.x + Math.min(20, box.width / 3), y: target.y + target.height / 2 });
    const dialog = page.getByTestId("move-stay-dialog");
    await dialog.waitFor();
    await expect(dialog.getByTestId("price-difference").textContent()).resolves.toBe("Price unchanged");
    await page.getByTestId("confirm-move").click();
    await dialog.waitFor({ state: "detached" });
    await chartOf(page).locator(`[data-unit-name="104"] [data-reservation="${stay.cy.id}"]`).waitFor();
    await expect(chartOf(page).locator('[data-lane="unassigned"]').count()).resolves.toBe(0);
    expect(await stayOf(stay.cy.id)).toMatchObject({ unit: "104", claims: [`104 ${addDays(today, 16)}/${addDays(today, 18)}`] });
    expect(errors).toEqual([]);
  });

  it("a press on a free night of 103 opens New booking for that unit and night; a drag across three, for those three", async () => {
    const night = addDays(today, 12);
    const point = await cellPoint(page, "103", night);
    await page.mouse.click(point.x, point.y);
    let params = await bookingParams(page);
    expect(Object.fromEntries(params)).toEqual({ arrival: night, departure: addDays(night, 1), roomTypeId: hotel.roomTypeId, unitId: await unitId("103") });
    await expect(page.getByLabel("Arrival").inputValue()).resolves.toBe(night);

    await page.goBack();
    await chartOf(page).waitFor();
    const from = await cellPoint(page, "103", night);
    const to = await cellPoint(page, "103", addDays(night, 2));
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 6 });
    await chartOf(page).getByTestId("night-selection").filter({ hasText: "3 nights" }).waitFor();
    await shot(page, "pick-nights-desktop");
    await page.mouse.up();
    params = await bookingParams(page);
    expect(Object.fromEntries(params)).toMatchObject({ arrival: night, departure: addDays(night, 3), unitId: await unitId("103") });
    await expect(page.getByLabel("Departure").inputValue()).resolves.toBe(addDays(night, 3));
    expect(errors).toEqual([]);
  });

  it("the booking started from 103's free night is quoted, held and confirmed on 103 in the database", async () => {
    const night = addDays(today, 12);
    await page.goto(`${server.url}/admin/tape-chart?days=30&from=${today}`);
    await chartOf(page).waitFor();
    const point = await cellPoint(page, "103", night);
    await page.mouse.click(point.x, point.y);
    await bookingParams(page);
    // New booking quotes the unit's room type at once, on that unit.
    const quote = page.getByTestId("quote");
    await quote.getByTestId("quote-total").waitFor();
    await page.getByTestId("hold-room").click();
    await page.getByTestId("held-unit").filter({ hasText: "103" }).waitFor();
    await page.getByLabel("Full name").fill("Dee Clicked");
    await page.getByLabel("Email").fill("dee@example.com");
    await page.getByTestId("confirm-booking").click();
    await page.getByTestId("confirmation-code").waitFor();
    const { rows } = await db.ownerPool.query<{ unit: string; arrival: string; departure: string; status: string }>(
      `select u.name as unit, to_char(lower(r.stay), 'YYYY-MM-DD') as arrival, to_char(upper(r.stay), 'YYYY-MM-DD') as departure, r.status
         from app_public.reservations r join app_public.units u on u.id = r.unit_id join app_public.guests g on g.id = r.guest_id
        where r.property_id = $1 and g.email = 'dee@example.com'`,
      [hotel.propertyId],
    );
    expect(rows).toEqual([{ unit: "103", arrival: night, departure: addDays(night, 1), status: "confirmed" }]);
    expect(errors).toEqual([]);
  });

  it("a drag across free nights stops at a taken one: from +1 on 102 towards +3 picks +1 only (night +2 is maintenance)", async () => {
    await page.goto(`${server.url}/admin/tape-chart?days=30&from=${today}`);
    await chartOf(page).waitFor();
    const from = await cellPoint(page, "102", addDays(today, 1));
    const to = await cellPoint(page, "102", addDays(today, 3));
    await dragFromTo(page, from, to);
    const params = await bookingParams(page);
    expect(Object.fromEntries(params)).toMatchObject({ arrival: addDays(today, 1), departure: addDays(today, 2), unitId: await unitId("102") });
    expect(errors).toEqual([]);
  });

  it("a past night is not offered: a press on yesterday does nothing, the next press on tonight opens New booking for tonight", async () => {
    await page.goto(`${server.url}/admin/tape-chart?days=30&from=${addDays(today, -3)}`);
    await chartOf(page).waitFor();
    const yesterday = await cellPoint(page, "104", addDays(today, -1));
    await page.mouse.click(yesterday.x, yesterday.y);
    const tonight = await cellPoint(page, "104", today);
    await page.mouse.click(tonight.x, tonight.y);
    const params = await bookingParams(page);
    expect(Object.fromEntries(params)).toMatchObject({ arrival: today, departure: addDays(today, 1), unitId: await unitId("104") });
    expect(errors).toEqual([]);
  });

  it("books unit 103 from the keyboard: its name opens a dialog with the dates; a taken night is refused there", async () => {
    await page.goto(`${server.url}/admin/tape-chart?days=30&from=${today}`);
    await chartOf(page).waitFor();
    await page.getByRole("button", { name: "Book unit 103…" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByTestId("book-unit-dialog");
    await dialog.waitFor();
    // Night +2 is under maintenance on 103.
    await dialog.getByLabel("Arrival").fill(addDays(today, 2));
    await dialog.getByTestId("taken-hint").waitFor();
    await expect(dialog.getByRole("button", { name: "Continue to New booking" }).isDisabled()).resolves.toBe(true);
    await dialog.getByLabel("Arrival").fill(addDays(today, 20));
    await dialog.getByLabel("Departure").fill(addDays(today, 22));
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Continue to New booking" }).focus();
    await page.keyboard.press("Enter");
    const params = await bookingParams(page);
    expect(Object.fromEntries(params)).toMatchObject({ arrival: addDays(today, 20), departure: addDays(today, 22), unitId: await unitId("103") });
    expect(errors).toEqual([]);
  });
});

describe("the front desk on a 390 px phone", () => {
  it("stretches from the bar's menu in a panel that fits the screen, and a tap on a free night starts a booking", async () => {
    const { page, errors } = await phone();
    await page.goto(`${server.url}/admin/tape-chart?days=14&from=${today}`);
    await chartOf(page).waitFor();
    const bar = await liveBarOf(page, stay.ada.id);
    // On a touch screen a short bar's menu button is always shown (no hover to reveal it).
    await bar.getByRole("button", { name: /^Actions for/ }).tap();
    await page.getByRole("menuitem", { name: "Stretch or shorten the stay…" }).click();
    const panel = page.getByTestId("stretch-panel");
    await panel.waitFor();
    await panel.getByRole("button", { name: "Leave a night later" }).click();
    await waitUntil(async () => (await panel.getByTestId("price-difference").count()) === 1, "the price");
    const box = (await panel.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    const overflow = await sidewaysOverflow(page);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, "stretch-phone");
    await expectAccessible(page);
    await panel.getByRole("button", { name: "Close" }).click();
    await panel.waitFor({ state: "detached" });

    // A tap on 104's night +5 (free) books it.
    const night = addDays(today, 5);
    await page.locator(`[data-unit-name="104"]`).scrollIntoViewIfNeeded();
    await page.locator(`[data-testid="tape-chart-header"] [data-date="${night}"]`).scrollIntoViewIfNeeded();
    const point = await cellPoint(page, "104", night);
    await page.touchscreen.tap(point.x, point.y);
    const params = await bookingParams(page);
    expect(Object.fromEntries(params)).toMatchObject({ arrival: night, departure: addDays(night, 1), unitId: await unitId("104") });
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

  it("a housekeeper and another property's desk cannot price or change Ada's stay, nor read the unassigned lane", async () => {
    const keeper = await tokenOf(hotel.housekeeper);
    const otherDesk = await tokenOf(other.frontDesk);
    const before = await stayOf(stay.ada.id);
    const price = `query($id: UUID!, $a: Date!, $d: Date!) { quoteChange(reservationId: $id, arrival: $a, departure: $d) { totalAmount } }`;
    const change = `mutation($id: UUID!, $a: Date!, $d: Date!, $k: String!) {
      modifyReservation(input: {reservationId: $id, arrival: $a, departure: $d, idempotencyKey: $k}) { result { totalAmount } } }`;
    const vars = { id: stay.ada.id, a: before.arrival, d: addDays(before.departure, 1) };
    // A housekeeper reads no reservations (NOT_FOUND for a price) and may not change one (ACCESS_DENIED); another property's desk sees none.
    expect(codeOf(await server.graphql(price, vars, { token: keeper }))).toBe("NOT_FOUND");
    expect(codeOf(await server.graphql(price, vars, { token: otherDesk }))).toBe("NOT_FOUND");
    expect(codeOf(await server.graphql(change, { ...vars, k: randomUUID() }, { token: keeper }))).toBe("ACCESS_DENIED");
    expect(codeOf(await server.graphql(change, { ...vars, k: randomUUID() }, { token: otherDesk }))).toBe("NOT_FOUND");
    // Another property's id in a stay's place, and a window the API refuses.
    const otherStay = (await db.ownerPool.query<{ id: string }>("select id from app_public.reservations where property_id = $1 limit 1", [other.propertyId])).rows[0]?.id ?? randomUUID();
    expect(codeOf(await server.graphql(price, { ...vars, id: otherStay }, { token: await tokenOf(hotel.frontDesk) }))).toBe("NOT_FOUND");
    expect(await stayOf(stay.ada.id)).toEqual(before);

    // The lane's query: nothing of this property for the other desk; the claims' window is bounded.
    await db.ownerPool.query("update app_public.reservations set unit_id = null where id = $1", [stay.bob.id]);
    const lane = `query($p: UUID!) { allReservations(condition: {propertyId: $p, unitId: null}, first: 50) { nodes { rowId } } }`;
    expect((await server.graphql(lane, { p: hotel.propertyId }, { token: otherDesk })).body.data!.allReservations.nodes).toEqual([]);
    expect((await server.graphql(lane, { p: hotel.propertyId }, { token: keeper })).body.data!.allReservations.nodes).toEqual([]);
    expect((await server.graphql(lane, { p: hotel.propertyId }, { token: await tokenOf(hotel.frontDesk) })).body.data!.allReservations.nodes).toEqual([{ rowId: stay.bob.id }]);
    const claims = `query($p: UUID!, $f: Date!, $e: Date!) { tapeChartClaims(propertyId: $p, firstDate: $f, endDate: $e) { nodes { rowId } } }`;
    expect((await server.graphql(claims, { p: hotel.propertyId, f: today, e: addDays(today, 30) }, { token: otherDesk })).body.data!.tapeChartClaims.nodes).toEqual([]);
    expect(codeOf(await server.graphql(claims, { p: hotel.propertyId, f: today, e: addDays(today, 500) }, { token: await tokenOf(hotel.frontDesk) }))).toBe("INVALID_DATES");
  });
});
