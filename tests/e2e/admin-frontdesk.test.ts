// The front desk in the staff console, in headless Chromium against a real
// Keepr server on a test database: a front-desk user books a guest by phone
// (search, quote, hold, confirm; a double click on confirm books once), sees
// the booking on the tape chart among holds, blocks and a channel conflict,
// moves it to another unit by drag and drop and to other dates by dragging
// it sideways (the dialog shows the price difference), meets the API's
// refusal of an overlap as a conflict through the keyboard's "Move" action,
// and does both changes from the reservation page. Each change is checked in
// the database. The screens run without a console error and without WCAG 2
// A/AA violations (axe-core); the test writes
// docs/screenshots/admin-frontdesk-*.png and prints how fast a 30-unit ×
// 14-day chart draws (one request).
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { collectPageErrors, endBrowserTest, expectAccessible, launchBrowser, newContext } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, book, createHotel, hold, localDate, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;
let deskEmail: string;
/** A Double unit free from the day before the phone booking to two days after it (the drag targets). */
let freeUnit: string;
/** What the chart shows besides the phone booking. */
const fixture: { grace?: string; graceUnit?: string; maintenanceUnit?: string; otaUnit?: string; holdId?: string; conflictId?: string } = {};

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `admin-frontdesk-${name}.png`), animations: "disabled" });

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

/**
 * The chart's bar of the stay's live claim. A move releases the stay's
 * claim and makes a new one, whose bar is a new element: until the chart
 * has drawn it, the bar on the page is the old one, which the next refresh
 * replaces (closing a menu opened on it).
 */
async function liveBarOf(chart: ReturnType<Page["locator"]>, reservationId: string): Promise<ReturnType<Page["locator"]>> {
  const { rows } = await db.ownerPool.query<{ id: string }>(
    "select id from app_public.inventory_claims where reservation_id = $1 and released_at is null",
    [reservationId],
  );
  return chart.locator(`[data-claim="${rows[0]!.id}"]`);
}

/** The reservation's unit and stay, as the database has them. */
async function stayOf(reservationId: string): Promise<{ unit: string; arrival: string; departure: string; total: string; claims: string[] }> {
  const { rows } = await db.ownerPool.query<{ unit: string; arrival: string; departure: string; total: string; claims: string[] }>(
    `select u.name as unit, to_char(lower(r.stay), 'YYYY-MM-DD') as arrival, to_char(upper(r.stay), 'YYYY-MM-DD') as departure,
            r.total_amount::text as total,
            array(select cu.name || ' ' || to_char(lower(c.stay), 'YYYY-MM-DD') || '/' || to_char(upper(c.stay), 'YYYY-MM-DD')
                    from app_public.inventory_claims c join app_public.units cu on cu.id = c.unit_id
                   where c.reservation_id = r.id and c.released_at is null) as claims
       from app_public.reservations r join app_public.units u on u.id = r.unit_id where r.id = $1`,
    [reservationId],
  );
  return rows[0]!;
}

const unitId = async (name: string, propertyId = hotel.propertyId) =>
  (await db.ownerPool.query<{ id: string }>("select id from app_public.units where property_id = $1 and name = $2", [propertyId, name])).rows[0]!.id;

/** Resolves once the focused element's text starts with the given text (a deadline of 30 s, then the test fails). */
async function focusOn(page: Page, text: string): Promise<void> {
  // In the page (the root tsconfig has no DOM types).
  await page.waitForFunction(
    (start) => ((globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent ?? "").trim().startsWith(start),
    text,
    { timeout: 30_000 },
  );
}

/** Presses on a bar and drops it at a point, moving the mouse in steps as a hand does. */
async function drag(page: Page, bar: ReturnType<Page["locator"]>, to: { x: number; y: number }): Promise<void> {
  const box = (await bar.boundingBox())!;
  const from = { x: box.x + Math.min(24, box.width / 3), y: box.y + box.height / 2 };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + (to.x - from.x) / 2, from.y + (to.y - from.y) / 2, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 4 });
  await page.mouse.up();
}

async function signIn(context: BrowserContext, email: string): Promise<Page> {
  return (await signInToConsole(context, server.url, email)).page;
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db);
  hotel = await createHotel(db.ownerPool, { units: 4 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [hotel.propertyId]);
  await db.ownerPool.query("update app_public.users set display_name = 'Diego Desk' where id = $1", [hotel.frontDesk]);
  // A second rate plan that needs five nights: the search says why it cannot sell two.
  await db.ownerPool.query(
    `insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests, min_stay)
     values ($1, $2, 'Long stay', 'EUR', 8000, 2, 5)`,
    [hotel.propertyId, hotel.roomTypeId],
  );
  await db.ownerPool.query(
    "insert into app_private.user_secrets (user_id, password_hash) values ($1, public.crypt($2, public.gen_salt('bf', 4)))",
    [hotel.frontDesk, fixturePassword],
  );
  deskEmail = (await db.ownerPool.query<{ email: string }>("select email from app_public.users where id = $1", [hotel.frontDesk])).rows[0]!.email;
  // A suite, another room type to move guests to.
  const suite = (await db.ownerPool.query<{ id: string }>(
    "insert into app_public.room_types (property_id, name, max_occupancy) values ($1, 'Suite', 4) returning id",
    [hotel.propertyId],
  )).rows[0]!.id;
  await db.ownerPool.query("insert into app_public.units (property_id, room_type_id, name) values ($1, $2, '201')", [hotel.propertyId, suite]);
  await db.ownerPool.query(
    "insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests) values ($1, $2, 'Suite Flexible', 'EUR', 18000, 2)",
    [hotel.propertyId, suite],
  );
  // Around the phone booking (+5 → +7): a guest from +4 to +8, a hold (+9 →
  // +11), a maintenance block (+1 → +3), an OTA block (+12 → +14) and a
  // channel conflict on the guest's unit. Nothing else overlaps them, on
  // whatever units the holds and bookings are given.
  const today = localDate(hotel.timeZone);
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    const grace = await book(c, hotel.ratePlanId, addDays(today, 4), addDays(today, 8));
    fixture.grace = grace.reservation_id;
    fixture.holdId = (await hold(c, (await quote(c, hotel.ratePlanId, addDays(today, 9), addDays(today, 11))).quote_token)).reservation_id;
  });
  await db.ownerPool.query("update app_public.guests set full_name = 'Grace Hopper', email = 'grace@example.com' where id = (select guest_id from app_public.reservations where id = $1)", [fixture.grace]);
  fixture.graceUnit = (await stayOf(fixture.grace!)).unit;
  fixture.maintenanceUnit = "104";
  fixture.otaUnit = "103";
  await db.ownerPool.query(
    "insert into app_public.inventory_claims (property_id, unit_id, stay, kind, note) values ($1, $2, daterange($3::date, $4::date), 'maintenance_block', 'New carpet')",
    [hotel.propertyId, await unitId("104"), addDays(today, 1), addDays(today, 3)],
  );
  await db.ownerPool.query(
    "insert into app_public.inventory_claims (property_id, unit_id, stay, kind, note) values ($1, $2, daterange($3::date, $4::date), 'ota_block', 'Airbnb HM4X')",
    [hotel.propertyId, await unitId("103"), addDays(today, 12), addDays(today, 14)],
  );
  const graceClaim = (await db.ownerPool.query<{ id: string; unit_id: string }>(
    "select id, unit_id from app_public.inventory_claims where reservation_id = $1 and released_at is null",
    [fixture.grace],
  )).rows[0]!;
  const feed = (await db.ownerPool.query<{ id: string }>(
    `insert into app_public.channel_feeds (property_id, unit_id, source, name, url, is_active)
     values ($1, $2, 'airbnb', 'Airbnb', 'https://www.airbnb.example/calendar/ical/1.ics', false) returning id`,
    [hotel.propertyId, graceClaim.unit_id],
  )).rows[0]!.id;
  fixture.conflictId = (await db.ownerPool.query<{ id: string }>(
    `insert into app_public.channel_conflicts (property_id, unit_id, feed_id, uid, start_date, end_date, event_start_date, event_end_date, summary,
                                               conflicting_claim_id, conflicting_reservation_id)
     values ($1, $2, $3, 'HMZZ-1@airbnb.com', $4, $5, $4, $5, 'Reserved', $6, $7) returning id`,
    [hotel.propertyId, graceClaim.unit_id, feed, addDays(today, 5), addDays(today, 7), graceClaim.id, fixture.grace],
  )).rows[0]!.id;
  browser = await launchBrowser();
}, 180_000);

afterAll(() => endBrowserTest({ browser, server, db }));

describe("a front-desk user", () => {
  let adaId: string;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const arrival = () => localDate(hotel.timeZone, 5);

  beforeAll(async () => {
    context = await newContext(browser);
    page = await signIn(context, deskEmail);
    errors = collectPageErrors(page);
  });
  afterAll(async () => {
    await context.close();
  });

  it("books a guest by phone: search, quote, hold and confirm; a double click on confirm books once", async () => {
    const sent = recordRequests(page);
    await page.getByRole("menuitem", { name: "New booking" }).click();
    await page.getByTestId("new-booking").waitFor();
    await page.getByLabel("Arrival").fill(arrival());
    await page.getByLabel("Departure").fill(addDays(arrival(), 2));
    await page.getByRole("button", { name: "Search" }).click();
    const results = page.getByTestId("search-results");
    await results.waitFor();
    // Every rate of the room type, with its total or why it cannot be sold.
    const flexible = results.locator('[data-rate-plan="Flexible"]');
    await expect(flexible.textContent()).resolves.toContain("€200.00");
    const longStay = results.locator('[data-rate-plan="Long stay"]');
    await expect(longStay.locator('[data-restriction="MIN_STAY"]').textContent()).resolves.toContain("must be at least 5 nights");
    await expect(longStay.getByRole("button").isDisabled()).resolves.toBe(true);
    await shot(page, "search");
    await expectAccessible(page);

    await flexible.getByRole("button", { name: /Quote/ }).click();
    const quote = page.getByTestId("quote");
    await quote.getByTestId("quote-total").waitFor();
    await expect(quote.locator('[data-kind="night"]').count()).resolves.toBe(2);
    await expect(quote.getByTestId("quote-total").textContent()).resolves.toBe("€200.00");
    await expect(quote.textContent()).resolves.toContain("Cancellation:");
    await shot(page, "quote");
    await expectAccessible(page);

    await page.getByTestId("hold-room").click();
    const countdown = page.getByTestId("hold-countdown");
    await countdown.waitFor();
    await expect(countdown.getByRole("timer").textContent()).resolves.toMatch(/^1[45]:\d\d$/);
    const heldUnit = page.getByTestId("held-unit");
    await heldUnit.filter({ hasText: /^10\d$/ }).waitFor();
    const held = await db.ownerPool.query<{ id: string; status: string }>(
      "select id, status from app_public.reservations where property_id = $1 and status = 'held' and id <> $2",
      [hotel.propertyId, fixture.holdId],
    );
    expect(held.rows).toHaveLength(1);

    await page.getByLabel("Email").fill("ada@example.com");
    await page.getByLabel("Full name").fill("Ada Lovelace");
    await page.getByLabel("Phone").fill("+44 20 7946 0000");
    await page.getByLabel("Special requests").fill("Late arrival, around 23:00");
    await shot(page, "hold");
    await expectAccessible(page);

    await page.getByTestId("confirm-booking").dblclick();
    await page.getByTestId("confirmation-code").waitFor();
    await page.waitForURL(`**/admin/reservations/${held.rows[0]!.id}/show`);

    const booked = await db.ownerPool.query<{ id: string; status: string; special_requests: string; unit_id: string }>(
      `select r.id, r.status, r.special_requests, r.unit_id from app_public.reservations r
         join app_public.guests g on g.id = r.guest_id
        where r.property_id = $1 and g.email = 'ada@example.com'`,
      [hotel.propertyId],
    );
    expect(booked.rows.map((r) => [r.id, r.status, r.special_requests])).toEqual([[held.rows[0]!.id, "confirmed", "Late arrival, around 23:00"]]);
    // One click of the user is one key: the hold once, the confirmation once.
    const holds = sent.filter((s) => s.operation === "CreateDeskHold");
    const confirms = sent.filter((s) => s.operation === "ConfirmBooking");
    expect(holds).toHaveLength(1);
    expect(confirms.length).toBeGreaterThanOrEqual(1);
    expect(new Set(confirms.map((c) => c.key)).size).toBe(1);
    expect(confirms[0]!.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(confirms[0]!.key).not.toBe(holds[0]!.key);
    const confirmations = await db.ownerPool.query(
      `select count(*)::int as n from audit.events
        where reservation_id = $1 and table_name = 'reservations' and operation = 'UPDATE' and new_values ->> 'status' = 'confirmed'`,
      [held.rows[0]!.id],
    );
    expect(confirmations.rows[0].n).toBe(1);
    adaId = held.rows[0]!.id;
    expect(errors).toEqual([]);
  });

  it("sees the booking on the tape chart, with the hold, the blocks and the channel conflict, drawn from one request", async () => {
    const sent = recordRequests(page);
    await page.getByRole("menuitem", { name: "Tape chart" }).click();
    const chart = page.locator('[data-testid="tape-chart"][data-state="ready"]');
    await chart.waitFor();
    const ada = await stayOf(adaId);
    const adaRow = chart.locator(`[data-unit-name="${ada.unit}"]`);
    const adaBar = adaRow.locator(`[data-reservation="${adaId}"]`);
    await expect(adaBar.getAttribute("data-status")).resolves.toBe("confirmed");
    await expect(adaBar.getByTestId("stay-bar").textContent()).resolves.toBe("Ada Lovelace");
    await expect(chart.locator(`[data-unit-name="${fixture.graceUnit}"] [data-reservation="${fixture.grace}"]`).textContent()).resolves.toContain("Grace Hopper");
    await expect(chart.locator(`[data-unit-name="104"] [data-kind="maintenance_block"]`).textContent()).resolves.toBe("Maintenance: New carpet");
    await expect(chart.locator(`[data-unit-name="103"] [data-kind="ota_block"]`).textContent()).resolves.toBe("OTA booking: Airbnb HM4X");
    await expect(chart.locator('[data-kind="hold"]').count()).resolves.toBe(1);
    await expect(chart.locator(`[data-unit-name="${fixture.graceUnit}"] [data-conflict="${fixture.conflictId}"]`).count()).resolves.toBe(1);
    await expect(page.getByTestId("tape-chart-conflicts").textContent()).resolves.toContain("1 open channel conflict");
    // Units grouped by room type.
    await expect(chart.getByRole("group", { name: "Suite" }).locator("[data-unit-name]").count()).resolves.toBe(1);
    await expect(chart.getByRole("group", { name: "Double" }).locator("[data-unit-name]").count()).resolves.toBe(4);
    expect(sent.filter((r) => r.operation === "TapeChart")).toHaveLength(1);
    await shot(page, "tape-chart");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it("moves the stay to another unit by drag and drop: the dialog says the price is kept, the database has the new unit", async () => {
    const sent = recordRequests(page);
    const chart = page.locator('[data-testid="tape-chart"][data-state="ready"]');
    const before = await stayOf(adaId);
    const free = await db.ownerPool.query<{ name: string }>(
      `select u.name from app_public.units u
        where u.property_id = $1 and u.room_type_id = $2
          and not exists (select 1 from app_public.inventory_claims c where c.unit_id = u.id and c.released_at is null
                             and c.stay && daterange($3::date, $4::date))
        order by u.name limit 1`,
      [hotel.propertyId, hotel.roomTypeId, addDays(before.arrival, -1), addDays(before.departure, 2)],
    );
    freeUnit = free.rows[0]!.name;
    const bar = chart.locator(`[data-reservation="${adaId}"]`).getByTestId("stay-bar");
    const target = (await chart.locator(`[data-unit-name="${freeUnit}"]`).boundingBox())!;
    const barBox = (await bar.boundingBox())!;
    await drag(page, bar, { x: barBox.x + Math.min(24, barBox.width / 3), y: target.y + target.height / 2 });
    const dialog = page.getByTestId("move-stay-dialog");
    await dialog.waitFor();
    await expect(dialog.getByRole("heading").textContent()).resolves.toContain("Room move");
    await expect(dialog.getByTestId("price-difference").textContent()).resolves.toBe("Price unchanged");
    await shot(page, "move");
    await expectAccessible(page);
    await page.getByTestId("confirm-move").dblclick();
    await dialog.waitFor({ state: "detached" });
    await chart.locator(`[data-unit-name="${freeUnit}"] [data-reservation="${adaId}"]`).waitFor();

    const after = await stayOf(adaId);
    expect(after).toMatchObject({ unit: freeUnit, arrival: before.arrival, departure: before.departure, total: before.total });
    expect(after.claims).toEqual([`${freeUnit} ${before.arrival}/${before.departure}`]);
    const moves = sent.filter((r) => r.operation === "MoveUnit");
    expect(moves.length).toBeGreaterThanOrEqual(1);
    expect(new Set(moves.map((m) => m.key)).size).toBe(1);
    expect(errors).toEqual([]);
  });

  it("drags the stay a night later: the dialog shows the price difference, the database has the new dates and total", async () => {
    const chart = page.locator('[data-testid="tape-chart"][data-state="ready"]');
    const before = await stayOf(adaId);
    // The night the stay moves onto costs €150 instead of €100.
    await db.ownerPool.query("insert into app_public.rate_calendar (property_id, rate_plan_id, date, price) values ($1, $2, $3, 15000)", [
      hotel.propertyId, hotel.ratePlanId, before.departure,
    ]);
    const bar = chart.locator(`[data-reservation="${adaId}"]`).getByTestId("stay-bar");
    const day = (await chart.locator("[data-date]").first().boundingBox())!.width;
    const box = (await bar.boundingBox())!;
    await drag(page, bar, { x: box.x + Math.min(24, box.width / 3) + day, y: box.y + box.height / 2 });
    const dialog = page.getByTestId("move-stay-dialog");
    await dialog.waitFor();
    await expect(dialog.getByRole("heading").textContent()).resolves.toContain("Change dates");
    await expect(dialog.getByTestId("price-difference").textContent()).resolves.toBe("+€50.00");
    await expect(dialog.getByTestId("move-summary").textContent()).resolves.toContain("New total €250.00 (was €200.00)");
    await shot(page, "change-dates");
    await page.getByTestId("confirm-move").click();
    await dialog.waitFor({ state: "detached" });
    // The dialog closes once the API has answered: the change is committed.
    expect((await stayOf(adaId)).arrival).toBe(addDays(before.arrival, 1));
    const after = await stayOf(adaId);
    expect(after).toMatchObject({ unit: freeUnit, departure: addDays(before.departure, 1), total: "25000" });
    expect(after.claims).toEqual([`${freeUnit} ${after.arrival}/${after.departure}`]);
    await chart.locator(`[data-reservation="${adaId}"]`).waitFor();
    expect(errors).toEqual([]);
  });

  it("uses the bar's menu from the keyboard to move it; the API's refusal of an overlap shows as a conflict and changes nothing", async () => {
    const chart = page.locator('[data-testid="tape-chart"][data-state="ready"]');
    const before = await stayOf(adaId);
    // The chart shows the stay as the last move left it (its menu is opened on that bar, not on one a refresh replaces).
    const bar = await liveBarOf(chart, adaId);
    await bar.waitFor();
    await bar.getByRole("button", { name: "Actions for Ada Lovelace" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("menuitem", { name: "Move or change dates…" }).waitFor();
    // The menu focuses its first item once it has opened: a key pressed before
    // that (a loaded machine) would move from nothing, and Enter would open the
    // reservation instead. Each key waits for the focus it expects.
    await focusOn(page, "Open reservation");
    await page.keyboard.press("ArrowDown");
    await focusOn(page, "Move or change dates…");
    await page.keyboard.press("Enter");
    const dialog = page.getByTestId("move-stay-dialog");
    await dialog.waitFor();
    await dialog.getByLabel("Unit").click();
    await page.getByRole("option", { name: new RegExp(`^${fixture.graceUnit} · taken`) }).click();
    await expect(dialog.getByTestId("taken-hint").textContent()).resolves.toContain("Grace Hopper");
    await page.getByTestId("confirm-move").click();
    const refusal = dialog.locator('[data-error-code="UNIT_UNAVAILABLE"]');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toContain("Conflict: those nights are taken");
    await shot(page, "conflict");
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await stayOf(adaId)).toEqual(before);
    expect(errors).toEqual([]);
  });

  it("clicks the bar to open the reservation, then changes dates and moves rooms from the reservation's actions", async () => {
    const chart = page.locator('[data-testid="tape-chart"][data-state="ready"]');
    await chart.locator(`[data-reservation="${adaId}"]`).getByTestId("stay-bar").click();
    await page.waitForURL(`**/admin/reservations/${adaId}/show`);
    await page.getByTestId("confirmation-code").waitFor();
    const before = await stayOf(adaId);

    await page.locator('[data-action="change_dates"]').click();
    let dialog = page.getByTestId("move-stay-dialog");
    await dialog.waitFor();
    await dialog.getByLabel("Departure").fill(addDays(before.departure, 1));
    // One more night at €100 (the dates' prices): +€100.00.
    await expect(dialog.getByTestId("price-difference").filter({ hasText: /^\+€/ }).textContent()).resolves.toBe("+€100.00");
    await expect(dialog.getByTestId("move-summary").textContent()).resolves.toContain("3 nights");
    await shot(page, "reservation-change-dates");
    await expectAccessible(page);
    await page.getByTestId("confirm-move").click();
    await dialog.waitFor({ state: "detached" });
    // The dialog closes once the API has answered: the change is committed.
    expect(await stayOf(adaId)).toMatchObject({ unit: before.unit, arrival: before.arrival, departure: addDays(before.departure, 1), total: "35000" });

    await page.locator('[data-action="room_move"]').click();
    dialog = page.getByTestId("move-stay-dialog");
    await dialog.waitFor();
    await dialog.getByLabel("Unit").click();
    await page.getByRole("option", { name: /^201/ }).click();
    await expect(dialog.getByTestId("price-difference").textContent()).resolves.toBe("Price unchanged");
    await page.getByTestId("confirm-move").click();
    await dialog.waitFor({ state: "detached" });
    expect(await stayOf(adaId)).toMatchObject({ unit: "201", departure: addDays(before.departure, 1), total: "35000" });
    // The page follows: the unit is the suite's now.
    await page.getByText("201", { exact: true }).first().waitFor();
    expect(errors).toEqual([]);
  });
});

describe("a walk-in, from the phone to the door and out", () => {
  it("books tonight by phone, sees the stay on today's tape chart, checks the guest in and out from it", async () => {
    const context = await newContext(browser);
    const page = await signIn(context, deskEmail);
    const errors = collectPageErrors(page);
    const today = localDate(hotel.timeZone);

    await page.getByRole("menuitem", { name: "New booking" }).click();
    await page.getByTestId("new-booking").waitFor();
    await page.getByLabel("Arrival").fill(today);
    await page.getByLabel("Departure").fill(addDays(today, 1));
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByTestId("search-results").locator('[data-rate-plan="Flexible"]').getByRole("button", { name: /Quote/ }).click();
    await page.getByTestId("quote").getByTestId("quote-total").waitFor();
    await page.getByTestId("hold-room").click();
    await page.getByTestId("hold-countdown").waitFor();
    await page.getByLabel("Email").fill("walk.in@example.com");
    await page.getByLabel("Full name").fill("Walter Inn");
    await page.getByLabel("Phone").fill("+351 21 000 1111");
    await page.getByTestId("confirm-booking").click();
    await page.getByTestId("confirmation-code").waitFor();
    const id = (await db.ownerPool.query<{ id: string }>(
      `select r.id from app_public.reservations r join app_public.guests g on g.id = r.guest_id
        where r.property_id = $1 and g.email = 'walk.in@example.com' and r.status = 'confirmed'`,
      [hotel.propertyId],
    )).rows[0]!.id;
    // The unit was made ready by housekeeping: the desk is not asked to check in to a dirty room.
    await db.ownerPool.query(
      "update app_public.units set housekeeping_status = 'clean' where id = (select unit_id from app_public.reservations where id = $1)",
      [id],
    );

    // Today's tape chart (its default window starts today) has the stay; its bar opens the reservation.
    await page.getByRole("menuitem", { name: "Tape chart" }).click();
    const bar = page.locator('[data-testid="tape-chart"][data-state="ready"]').locator(`[data-reservation="${id}"]`);
    await expect(bar.getByTestId("stay-bar").textContent()).resolves.toBe("Walter Inn");
    await bar.getByTestId("stay-bar").click();
    await page.waitForURL(`**/admin/reservations/${id}/show`);

    await page.locator('[data-action="check_in"]').first().click();
    await page.locator('[data-confirm="check_in"]').click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await page.locator('[data-status="checked_in"]').first().waitFor();
    await page.locator('[data-action="check_out"]').first().click();
    // The night is unpaid: settled in the check-out dialog (a bank transfer) before checking out.
    await page.getByTestId("check-out-settlement").locator('[data-folio-action="pay"]').click();
    const pay = page.getByTestId("folio-pay");
    await pay.locator('[data-method="bank_transfer"]').click();
    await pay.getByLabel("Transfer reference").fill("Walk-in, paid by transfer");
    await page.locator('[data-confirm="folio-pay"]').click();
    await pay.waitFor({ state: "detached" });
    await page.locator('[data-testid="check-out-settlement"][data-settled="true"]').waitFor();
    await page.locator('[data-confirm="check_out"]').click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await page.locator('[data-status="checked_out"]').first().waitFor();
    const { rows } = await db.ownerPool.query<{ status: string }>("select status from app_public.reservations where id = $1", [id]);
    expect(rows[0]!.status).toBe("checked_out");
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("a tape chart of 30 units × 14 days", () => {
  it("draws every stay of the window from one request, quickly", async () => {
    const big = await createHotel(db.ownerPool, { units: 30 });
    const email = await withPassword(db.ownerPool, big.frontDesk);
    const today = localDate(big.timeZone);
    // Stays of one to four nights starting on each of the next 14 days: about two thirds full.
    await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_anonymous" });
      for (let i = 0; i < 90; i++) {
        const arrival = addDays(today, i % 14);
        await c.query("savepoint stay");
        try {
          await book(c, big.ratePlanId, arrival, addDays(arrival, 1 + (i % 4)));
          await c.query("release savepoint stay");
        } catch {
          await c.query("rollback to savepoint stay"); // sold out that night: fine
        }
      }
    });
    // Each stay its own guest, for a readable screenshot.
    await db.ownerPool.query(
      `with r as (select id, row_number() over (order by created_at, id) as n from app_public.reservations where property_id = $1),
            g as (insert into app_public.guests (property_id, email, full_name)
                  select $1, 'guest' || n || '@example.com',
                         (array['Ada','Alan','Grace','Edsger','Barbara','Donald','Frances','Ken','Margaret','Dennis','Radia','John','Katherine','Tim','Hedy'])[1 + n % 15]
                         || ' ' || (array['Lovelace','Turing','Hopper','Dijkstra','Liskov','Knuth','Allen','Thompson','Hamilton','Ritchie','Perlman','Backus','Johnson','Berners-Lee','Lamarr','Church','Kay'])[1 + n % 17]
                    from r returning id, email)
       update app_public.reservations res set guest_id = g.id
         from r join g on g.email = 'guest' || r.n || '@example.com' where res.id = r.id`,
      [big.propertyId],
    );
    const expected = (await db.ownerPool.query<{ n: number }>(
      `select count(*)::int as n from app_public.inventory_claims
        where property_id = $1 and released_at is null and kind = 'reservation' and stay && daterange($2::date, $3::date)`,
      [big.propertyId, today, addDays(today, 14)],
    )).rows[0]!.n;
    expect(expected).toBeGreaterThan(60);

    const context = await newContext(browser);
    try {
      const page = await signIn(context, email);
      const errors = collectPageErrors(page);
      const sent = recordRequests(page);
      const timings: number[] = [];
      for (let run = 0; run < 3; run++) {
        const started = Date.now();
        await page.goto(`${server.url}/admin/tape-chart?days=14&run=${run}`);
        await page.locator('[data-testid="tape-chart"][data-state="ready"]').waitFor();
        timings.push(Date.now() - started);
      }
      const chart = page.getByTestId("tape-chart");
      await expect(chart.locator("[data-unit-row]").count()).resolves.toBe(30);
      await expect(chart.locator('[data-kind="reservation"]').count()).resolves.toBe(expected);
      // One request per load, whatever the number of units and stays: no request per unit or per stay.
      expect(sent.filter((r) => r.operation === "TapeChart")).toHaveLength(3);
      const perOperation = new Map<string, number>();
      for (const r of sent) perOperation.set(r.operation, (perOperation.get(r.operation) ?? 0) + 1);
      for (const [operation, count] of perOperation) expect({ operation, atMostOncePerLoad: count <= 3 }).toEqual({ operation, atMostOncePerLoad: true });
      await shot(page, "tape-chart-30-units");
      expect(errors).toEqual([]);
      console.log(`tape chart, 30 units × 14 days, ${expected} stays: page load to drawn ${timings.join(", ")} ms (one TapeChart request each)`);
    } finally {
      await context.close();
    }
  });
});
