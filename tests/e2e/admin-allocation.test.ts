// Allocation in the staff console (issue 17), in headless Chromium against a
// real Keepr server on a test database. A hotel of two Double units is
// fragmented: Marie's stay on 101 (nights +10, +11, unpinned) and Grace's
// on 102 (+12, +13, pinned by a room move), so Alan's booking of +10 → +14
// fits by count but on no one unit, and the allocator moves Marie to 102;
// likewise Tim, arriving tomorrow, is moved from 101 to 102 by Katherine's
// booking. A front-desk user then sees, on a desktop and on a 390 × 844
// phone: on Marie's page that Keepr may move her stay, the move (101 → 102,
// when, for Alan's booking) beside the unit and in the History tab, and
// pins and unpins it (reservations.unit_pinned in the database each time);
// the tape chart marks Grace's pinned stay (a pin, and its accessible
// label); the Today page's "Room changes" lists Tim's move of tomorrow and
// not Marie's (+10). The screens run without a console error and without
// WCAG 2 A/AA violations (axe-core); the test writes
// docs/screenshots/admin-allocation-*.png.
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type pg from "pg";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { collectPageErrors, endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow } from "../helpers/browser.ts";
import { signInToConsole } from "../helpers/console.ts";
import { addDays, confirm, createHotel, hold, localDate, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;
let deskEmail: string;
const contexts: BrowserContext[] = [];

/** The stays, by guest. */
const stay: Record<"marie" | "grace" | "alan" | "tim" | "hedy" | "katherine", { id: string; code: string }> = {} as never;

const shot = (page: Page, name: string, fullPage = false) =>
  page.screenshot({ path: path.join(screenshots, `admin-allocation-${name}.png`), animations: "disabled", fullPage });

const unitId = async (name: string) =>
  (await db.ownerPool.query<{ id: string }>("select id from app_public.units where property_id = $1 and name = $2", [hotel.propertyId, name])).rows[0]!.id;

const unitOf = async (reservationId: string) =>
  (await db.ownerPool.query<{ name: string; pinned: boolean }>(
    "select u.name, r.unit_pinned as pinned from app_public.reservations r join app_public.units u on u.id = r.unit_id where r.id = $1",
    [reservationId],
  )).rows[0]!;

/** As the front desk, in one transaction of its own (its own request id, as the API gives each request). */
const asDesk = <T>(fn: (c: pg.PoolClient) => Promise<T>) =>
  inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk }, randomUUID());
    return fn(c);
  });

/** Quote, hold and confirm as the front desk, for a guest of their own. */
async function bookAsDesk(name: string, email: string, arrival: string, departure: string): Promise<{ id: string; code: string }> {
  const booked = await asDesk(async (c) => {
    const q = await quote(c, hotel.ratePlanId, arrival, departure);
    const h = await hold(c, q.quote_token, randomUUID());
    return { ...(await confirm(c, h, randomUUID(), email)), id: h.reservation_id };
  });
  await db.ownerPool.query("update app_public.guests set full_name = $2 where property_id = $1 and email = $3", [hotel.propertyId, name, email]);
  return { id: booked.id, code: booked.confirmation_code };
}

/** Puts the stay on a unit (a room move by hand, which pins it), then sets the pin as wanted. */
async function place(reservationId: string, unit: string, pinned: boolean): Promise<void> {
  const target = await unitId(unit);
  await asDesk(async (c) => {
    const current = (await c.query<{ unit_id: string }>("select unit_id from app_public.reservations where id = $1", [reservationId])).rows[0]!.unit_id;
    if (current !== target) await c.query("select app_public.move_unit($1, $2, $3)", [reservationId, target, randomUUID()]);
    await c.query("select app_public.pin_reservation_unit($1, $2)", [reservationId, pinned]);
  });
  expect(await unitOf(reservationId)).toEqual({ name: unit, pinned });
}

async function signIn(context: BrowserContext): Promise<Page> {
  return (await signInToConsole(context, server.url, deskEmail)).page;
}

const phoneContext = () => newContext(browser, { device: "phone", track: contexts });

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db);
  hotel = await createHotel(db.ownerPool, { units: 2 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [hotel.propertyId]);
  await db.ownerPool.query("update app_public.users set display_name = 'Diego Desk' where id = $1", [hotel.frontDesk]);
  await db.ownerPool.query(
    "insert into app_private.user_secrets (user_id, password_hash) values ($1, public.crypt($2, public.gen_salt('bf', 4)))",
    [hotel.frontDesk, fixturePassword],
  );
  deskEmail = (await db.ownerPool.query<{ email: string }>("select email from app_public.users where id = $1", [hotel.frontDesk])).rows[0]!.email;
  const today = localDate(hotel.timeZone);

  // Tomorrow: Tim on 101 for one night (may move), Hedy on 102 the night after (pinned).
  stay.tim = await bookAsDesk("Tim Berners-Lee", "tim@example.com", addDays(today, 1), addDays(today, 2));
  stay.hedy = await bookAsDesk("Hedy Lamarr", "hedy@example.com", addDays(today, 2), addDays(today, 3));
  await place(stay.tim.id, "101", false);
  await place(stay.hedy.id, "102", true);
  // In ten days: Marie on 101 for two nights (may move), Grace on 102 the two after (pinned).
  stay.marie = await bookAsDesk("Marie Curie", "marie@example.com", addDays(today, 10), addDays(today, 12));
  stay.grace = await bookAsDesk("Grace Hopper", "grace@example.com", addDays(today, 12), addDays(today, 14));
  await place(stay.marie.id, "101", false);
  await place(stay.grace.id, "102", true);

  // Two stays that fit by count on no one unit: the allocator moves Tim and Marie to 102.
  stay.katherine = await bookAsDesk("Katherine Johnson", "katherine@example.com", addDays(today, 1), addDays(today, 3));
  stay.alan = await bookAsDesk("Alan Turing", "alan@example.com", addDays(today, 10), addDays(today, 14));
  const moves = await db.ownerPool.query<{ reservation_id: string; from_unit: string; to_unit: string; caused_by_reservation_id: string }>(
    `select m.reservation_id, f.name as from_unit, t.name as to_unit, m.caused_by_reservation_id
       from app_public.allocation_moves m join app_public.units f on f.id = m.from_unit_id join app_public.units t on t.id = m.to_unit_id
      where m.property_id = $1 order by m.moved_at`,
    [hotel.propertyId],
  );
  expect(moves.rows).toEqual([
    { reservation_id: stay.tim.id, from_unit: "101", to_unit: "102", caused_by_reservation_id: stay.katherine.id },
    { reservation_id: stay.marie.id, from_unit: "101", to_unit: "102", caused_by_reservation_id: stay.alan.id },
  ]);
  expect(await unitOf(stay.marie.id)).toEqual({ name: "102", pinned: false });
  expect(await unitOf(stay.alan.id)).toEqual({ name: "101", pinned: false });
  browser = await launchBrowser();
}, 180_000);

afterAll(() => endBrowserTest({ contexts, browser, server, db }));

describe("a front-desk user on a desktop", () => {
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    const context = await newContext(browser);
    contexts.push(context);
    page = await signIn(context);
    errors = collectPageErrors(page);
  });

  it("sees on Today's page the room change of tomorrow's arrival, not the stay moved in ten days", async () => {
    const card = page.getByTestId("room-changes");
    await card.locator(`[data-reservation="${stay.tim.id}"]`).waitFor();
    const tim = card.locator(`[data-reservation="${stay.tim.id}"]`);
    await expect(tim.getAttribute("data-day")).resolves.toBe("tomorrow");
    await expect(tim.getByTestId("room-change-units").textContent()).resolves.toBe("Unit 101 → 102");
    const text = await tim.textContent();
    expect(text).toContain("Tim Berners-Lee");
    expect(text).toContain(stay.tim.code);
    expect(text).toContain(`for ${stay.katherine.code} (Katherine Johnson)`);
    await expect(card.locator("[data-reservation]").count()).resolves.toBe(1);
    await expect(card.textContent()).resolves.toContain("0 arriving today, 1 tomorrow");
    await shot(page, "today");
    await expectAccessible(page);
    // The entry opens the reservation.
    await tim.getByRole("button").click();
    await page.waitForURL(`**/admin/reservations/${stay.tim.id}/show`);
    await page.getByTestId("latest-move").waitFor();
    expect(errors).toEqual([]);
  });

  it("sees on the reservation page that Keepr moved the stay, for which booking, and pins and unpins it", async () => {
    await page.goto(`${server.url}/admin/reservations/${stay.marie.id}/show`);
    const panel = page.getByTestId("unit-pin");
    await panel.waitFor();
    await expect(panel.getAttribute("data-pinned")).resolves.toBe("false");
    await expect(panel.getByTestId("pin-state").textContent()).resolves.toBe("Keepr may move it");
    await expect(panel.getByTestId("pin-explanation").textContent()).resolves.toContain("pinned stays are never moved");
    const latest = await panel.getByTestId("latest-move").textContent();
    expect(latest).toContain("Keepr moved this stay from unit 101 to 102");
    expect(latest).toContain(`to make room for ${stay.alan.code} (Alan Turing)`);

    await panel.getByRole("button", { name: "Keep in this unit" }).click();
    await page.locator('[data-testid="unit-pin"][data-pinned="true"]').waitFor();
    expect(await unitOf(stay.marie.id)).toEqual({ name: "102", pinned: true });
    await expect(panel.getByTestId("pin-state").textContent()).resolves.toBe("Pinned: kept in this unit");
    await expect(panel.getByTestId("pin-explanation").textContent()).resolves.toBe("Pinned stays are never moved to make room for other bookings.");
    await page.getByTestId("summary-pin").waitFor();
    await shot(page, "reservation-pinned");
    await expectAccessible(page);

    await panel.getByRole("button", { name: "Let Keepr move it" }).click();
    await page.locator('[data-testid="unit-pin"][data-pinned="false"]').waitFor();
    expect(await unitOf(stay.marie.id)).toEqual({ name: "102", pinned: false });
    await page.getByTestId("summary-pin").waitFor({ state: "detached" });
    await shot(page, "reservation");
    expect(errors).toEqual([]);
  });

  it("sees every move of the stay in its History tab, and the audit trail names the allocator", async () => {
    await page.getByRole("tab", { name: "History" }).click();
    const moves = page.getByTestId("allocation-moves");
    await moves.waitFor();
    await expect(moves.locator("[data-move]").count()).resolves.toBe(1);
    await expect(moves.getByTestId("move-units").textContent()).resolves.toBe("101 → 102");
    await expect(moves.getByRole("link", { name: `${stay.alan.code} (Alan Turing)` }).count()).resolves.toBe(1);
    // The history in words (issue 21): the allocator's move, named for it and for the booking it made room for.
    const trail = page.getByRole("table", { name: "History" });
    const moved = trail.locator('[data-testid="history-line"]').filter({ hasText: "Moved from 101 to 102" });
    await expect(moved.textContent()).resolves.toContain(`Moved from 101 to 102 to make room for ${stay.alan.code}`);
    await expect(moved.textContent()).resolves.toContain("Keepr (allocator)");
    // The pin and the unpin, by the desk.
    await expect(trail.textContent()).resolves.toContain("Pinned to its unit");
    await expect(trail.textContent()).resolves.toContain("Unpinned from its unit");
    // The stored changes are one click away, with the allocator named there too.
    await page.getByRole("button", { name: /Show the audit trail/ }).click();
    const raw = page.getByRole("table", { name: "Audit trail" }).locator('[data-table="allocation_moves"]');
    await expect(raw.textContent()).resolves.toContain("moved by Keepr from unit 101 to unit 102");
    await expect(raw.textContent()).resolves.toContain("Keepr (allocator)");
    await shot(page, "reservation-history", true);
    await expectAccessible(page);
    // The causing booking's link opens it.
    await moves.getByRole("link", { name: `${stay.alan.code} (Alan Turing)` }).click();
    await page.waitForURL(`**/admin/reservations/${stay.alan.id}/show`);
    expect(errors).toEqual([]);
  });

  it("sees the pinned stays on the tape chart: a pin on the bar and in its accessible label", async () => {
    await page.goto(`${server.url}/admin/tape-chart?days=14`);
    const chart = page.locator('[data-testid="tape-chart"][data-state="ready"]');
    await chart.waitFor();
    const grace = chart.locator(`[data-reservation="${stay.grace.id}"]`);
    await expect(grace.getAttribute("data-pinned")).resolves.toBe("true");
    await expect(grace.getByTestId("pin").count()).resolves.toBe(1);
    await expect(grace.getByTestId("stay-bar").getAttribute("aria-label")).resolves.toContain("Grace Hopper, confirmed, pinned to this unit");
    const marie = chart.locator(`[data-unit-name="102"] [data-reservation="${stay.marie.id}"]`);
    await expect(marie.getAttribute("data-pinned")).resolves.toBe("false");
    await expect(marie.getByTestId("pin").count()).resolves.toBe(0);
    await expect(marie.getByTestId("stay-bar").getAttribute("aria-label")).resolves.not.toContain("pinned");
    // Hedy's stay is pinned, Tim's and Katherine's not.
    await expect(chart.locator(`[data-reservation="${stay.hedy.id}"]`).getAttribute("data-pinned")).resolves.toBe("true");
    await expect(chart.locator('[data-pinned="true"]').count()).resolves.toBe(2);
    await expect(page.getByRole("list", { name: "Legend" }).textContent()).resolves.toContain("Pinned to its unit");
    await shot(page, "tape-chart");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });
});

describe("a front-desk user on a 390 × 844 phone", () => {
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    page = await signIn(await phoneContext());
    errors = collectPageErrors(page);
  });

  it("reads the room changes on Today's page without scrolling sideways", async () => {
    await page.getByTestId("room-changes").locator(`[data-reservation="${stay.tim.id}"]`).waitFor();
    await page.getByTestId("room-changes").scrollIntoViewIfNeeded();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(1);
    await shot(page, "today-phone", true);
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it("pins a stay from its reservation page", async () => {
    await page.goto(`${server.url}/admin/reservations/${stay.marie.id}/show`);
    const panel = page.getByTestId("unit-pin");
    await panel.waitFor();
    await panel.getByTestId("latest-move").waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(1);
    await panel.getByRole("button", { name: "Keep in this unit" }).tap();
    await page.locator('[data-testid="unit-pin"][data-pinned="true"]').waitFor();
    expect(await unitOf(stay.marie.id)).toEqual({ name: "102", pinned: true });
    // The confirmation's snackbar gone, so that it covers nothing in the screenshot.
    await page.locator(".MuiSnackbar-root").waitFor({ state: "detached", timeout: 10_000 });
    await shot(page, "reservation-phone", true);
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it("sees the pins on the tape chart", async () => {
    await page.goto(`${server.url}/admin/tape-chart?days=7&from=${addDays(localDate(hotel.timeZone), 8)}`);
    const chart = page.locator('[data-testid="tape-chart"][data-state="ready"]');
    await chart.waitFor();
    // Marie's stay is pinned now, like Grace's.
    await expect(chart.locator(`[data-reservation="${stay.marie.id}"]`).getAttribute("data-pinned")).resolves.toBe("true");
    await expect(chart.locator(`[data-reservation="${stay.grace.id}"]`).getByTestId("pin").count()).resolves.toBe(1);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(1);
    await shot(page, "tape-chart-phone");
    expect(errors).toEqual([]);
  });
});
