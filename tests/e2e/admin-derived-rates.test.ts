// Derived rate plans in the console (issue 21, revenue), in headless
// Chromium against a real Keepr server with realtime, as a revenue manager
// on a 1440 px desktop and a 390 px phone:
// - Revenue › Rate plans › Add rate plan: "Non-refundable" follows
//   Flexible −15 %; the database stores the parent and the adjustment, the
//   list says "follows Flexible −15 %";
// - the rate calendar shows the derived row's prices read-only from the
//   parent, labelled; the manager changes the parent's price for one night
//   and the derived night follows (live), as the API's quote does;
// - a bulk price edit over both plans leaves the derived plan's price to
//   its parent;
// - on a phone the dialog and the calendar fit the screen.
// Axe clean on each screen; screenshots docs/screenshots/admin-derived-rates-*.png.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow, waitUntil } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;
let today: string;
let managerEmail: string;
let derivedId: string;
const contexts: BrowserContext[] = [];

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `admin-derived-rates-${name}.png`), animations: "disabled" });

async function signIn(kind: "desktop" | "phone"): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser, { device: kind, track: contexts });
  return signInToConsole(context, server.url, managerEmail);
}

/** The nights of a guest's quote through the API (anonymous). */
async function quotedNights(ratePlanId: string, arrival: string, nights: number): Promise<string[]> {
  const res = await server.graphql(
    `query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { lines { kind amount } } }`,
    { p: ratePlanId, a: arrival, d: addDays(arrival, nights) },
  );
  expect(res.body.errors).toBeUndefined();
  return (res.body.data!.quote.lines as Array<{ kind: string; amount: string }>).filter((l) => l.kind === "night").map((l) => l.amount);
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db, {}, { realtime: true });
  hotel = await createHotel(db.ownerPool, { units: 4, ratePlan: { base_price: 12000 } });
  today = localDate(hotel.timeZone);
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [hotel.propertyId]);
  managerEmail = await withPassword(db.ownerPool, hotel.manager, "Marta Manager");
  browser = await launchBrowser();
  await waitUntil(async () => server.realtime?.replicationConnected() === true, "realtime replication");
}, 240_000);

afterAll(() => endBrowserTest({ contexts, browser, server, db }));

describe("a revenue manager on a 1440 px desktop", () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await signIn("desktop"));
    await page.goto(`${server.url}/admin/revenue/rate-plans`);
    await page.getByTestId("rate-plans").getByText("Flexible").waitFor();
  });

  it("creates Non-refundable = Flexible −15 % in the rate-plan dialog", async () => {
    await page.getByRole("button", { name: "Add rate plan" }).click();
    const dialog = page.getByTestId("rate-plan");
    await dialog.waitFor();
    await dialog.getByLabel("Name").fill("Non-refundable");
    await dialog.getByRole("combobox", { name: "Prices" }).click();
    await page.getByRole("option", { name: "Follow a plan" }).click();
    await dialog.getByRole("combobox", { name: "Follows" }).filter({ hasText: "Flexible" }).waitFor();
    await dialog.getByLabel("Adjustment (%)").fill("-15");
    await dialog.getByLabel("Refundable").uncheck();
    expect(await dialog.getByLabel("Base price per night").inputValue()).toBe("follows Flexible −15\u00a0%");
    await shot(page, "dialog-desktop");
    await expectAccessible(page);
    await page.locator('[data-confirm="rate-plan"]').click();
    await dialog.waitFor({ state: "detached" });
    const created = await db.ownerPool.query<{ id: string; parent_rate_plan_id: string; adjustment_percent: string; base_price: string; is_refundable: boolean }>(
      "select id, parent_rate_plan_id, adjustment_percent::text, base_price::text, is_refundable from app_public.rate_plans where property_id = $1 and name = 'Non-refundable'",
      [hotel.propertyId],
    );
    expect(created.rows.map(({ id: _id, ...rest }) => rest)).toEqual([{ parent_rate_plan_id: hotel.ratePlanId, adjustment_percent: "-15.00", base_price: "10200", is_refundable: false }]);
    derivedId = created.rows[0]!.id;
    await page.getByTestId(`follows-${derivedId}`).filter({ hasText: "follows Flexible −15\u00a0%" }).waitFor();
    await page.getByTestId("rate-plans").locator("tr", { hasText: "Non-refundable" }).getByText("€102.00").waitFor();
    await shot(page, "plans-desktop");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it("shows the derived row following in the rate calendar; a new price for one night of Flexible moves it too", async () => {
    await page.getByRole("tab", { name: "Rate calendar" }).click();
    const grid = page.getByTestId("rate-grid");
    const night = addDays(today, 3);
    const derivedRow = grid.locator(`[data-plan="${derivedId}"]`);
    await derivedRow.locator(`[data-date="${night}"][data-price="10200"]`).waitFor();
    await derivedRow.getByTestId("follows").filter({ hasText: "follows Flexible −15\u00a0%" }).waitFor();

    // A click on Flexible's night: its price to €140.
    await grid.locator(`[data-plan="${hotel.ratePlanId}"] [data-date="${night}"]`).click();
    const dialog = page.getByTestId("bulk-edit");
    await dialog.waitFor();
    await dialog.getByLabel("Price per night (EUR)").fill("140");
    await page.locator('[data-confirm="bulk-edit"]').click();
    await dialog.waitFor({ state: "detached" });
    await grid.locator(`[data-plan="${hotel.ratePlanId}"] [data-date="${night}"][data-price="14000"]`).waitFor();
    // 140.00 × 0.85 = 119.00 on that night only; the nights around it stay at 102.00.
    await derivedRow.locator(`[data-date="${night}"][data-price="11900"][data-override="false"]`).waitFor();
    expect(await derivedRow.locator(`[data-date="${addDays(night, 1)}"]`).getAttribute("data-price")).toBe("10200");
    expect(await quotedNights(derivedId, night, 2)).toEqual(["11900", "10200"]);
    await shot(page, "calendar-desktop");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it("a bulk price edit of both plans sets Flexible's price and leaves Non-refundable following it", async () => {
    const first = addDays(today, 5);
    const last = addDays(today, 6);
    await page.locator('[data-action="bulk-edit"]').click();
    const dialog = page.getByTestId("bulk-edit");
    await dialog.waitFor();
    await dialog.getByLabel("First date").fill(first);
    await dialog.getByLabel("Last date").fill(last);
    await dialog.getByLabel("Price per night (EUR)").fill("100");
    await dialog.getByTestId("derived-price-note").filter({ hasText: "Non-refundable follows Flexible −15\u00a0%" }).waitFor();
    await expectAccessible(page);
    await page.locator('[data-confirm="bulk-edit"]').click();
    await dialog.waitFor({ state: "detached" });
    const grid = page.getByTestId("rate-grid");
    for (const d of [first, last]) {
      await grid.locator(`[data-plan="${hotel.ratePlanId}"] [data-date="${d}"][data-price="10000"]`).waitFor();
      await grid.locator(`[data-plan="${derivedId}"] [data-date="${d}"][data-price="8500"][data-override="false"]`).waitFor();
    }
    const own = await db.ownerPool.query("select count(*)::int as n from app_public.rate_calendar where rate_plan_id = $1", [derivedId]);
    expect(own.rows[0].n).toBe(0);
    expect(errors).toEqual([]);
  });
});

describe("a revenue manager on a 390 px phone", () => {
  it("edits the derived plan in a dialog that fits, and reads the calendar's derived row", async () => {
    const { page, errors } = await signIn("phone");
    await page.goto(`${server.url}/admin/revenue/rate-plans`);
    await page.getByTestId(`follows-${derivedId}`).waitFor();
    await page.getByRole("button", { name: "Edit rate plan Non-refundable" }).click();
    const dialog = page.getByTestId("rate-plan");
    await dialog.waitFor();
    await dialog.getByLabel("Adjustment (%)").fill("-20");
    expect(await sidewaysOverflow(page)).toBe(0);
    await shot(page, "dialog-phone");
    await expectAccessible(page);
    await page.locator('[data-confirm="rate-plan"]').click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId(`follows-${derivedId}`).filter({ hasText: "follows Flexible −20\u00a0%" }).waitFor();
    await page.goto(`${server.url}/admin/revenue/calendar`);
    const derivedRow = page.getByTestId("rate-grid").locator(`[data-plan="${derivedId}"]`);
    // 120.00 × 0.80 = 96.00.
    await derivedRow.locator(`[data-date="${addDays(today, 1)}"][data-price="9600"]`).waitFor();
    await derivedRow.getByTestId("follows").filter({ hasText: "follows Flexible −20\u00a0%" }).waitFor();
    expect(await sidewaysOverflow(page)).toBe(0);
    await shot(page, "calendar-phone");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });
});
