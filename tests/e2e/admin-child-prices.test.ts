// Children priced by age in the console (issue 22, revenue), in headless
// Chromium against a real Keepr server, as a manager on a 1440 px desktop
// and a 390 px phone:
// - Revenue › Rate plans › Edit Flexible: Children "Priced by age", free
//   below 3, as adults from 12, €25.00 per child per night; the database
//   stores the bands, the list says "0–2 free · 3–11 +€25.00 a night · 12+
//   as adults", and the guest's quote with the ages has the supplement line;
// - bands that do not hold (the free age above the adult age) are said in
//   the dialog before anything is sent;
// - Room types: the Double gets cots for children under 2 (an age above 5 is
//   said in the dialog), and two babies no longer count toward its guests;
// - on a phone the dialog fits; the supplement becomes 50 % of the night.
// Axe clean on each screen; screenshots docs/screenshots/admin-child-prices-*.png.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow } from "../helpers/browser.ts";
import { chooseOption, signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;
let managerEmail: string;
const contexts: BrowserContext[] = [];

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `admin-child-prices-${name}.png`), animations: "disabled" });

async function signIn(kind: "desktop" | "phone"): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser, { device: kind, track: contexts });
  return signInToConsole(context, server.url, managerEmail);
}

/** The child lines of a guest's quote through the API (anonymous). */
async function childLines(ages: number[]): Promise<string[]> {
  const arrival = localDate(hotel.timeZone, 10);
  const res = await server.graphql(
    `query($p: UUID!, $a: Date!, $d: Date!, $ages: [Int]) { quote(ratePlanId: $p, arrival: $a, departure: $d, adults: 2, children: ${ages.length}, childAges: $ages) { lines { kind amount } } }`,
    { p: hotel.ratePlanId, a: arrival, d: addDays(arrival, 2), ages },
  );
  expect(res.body.errors).toBeUndefined();
  return (res.body.data!.quote.lines as Array<{ kind: string; amount: string }>).filter((l) => l.kind === "child").map((l) => l.amount);
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db, {}, { realtime: true });
  hotel = await createHotel(db.ownerPool, { units: 4, maxOccupancy: 5, ratePlan: { base_price: 12000 } });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [hotel.propertyId]);
  managerEmail = await withPassword(db.ownerPool, hotel.manager, "Marta Manager");
  browser = await launchBrowser();
}, 240_000);

afterAll(() => endBrowserTest({ contexts, browser, server, db }));

describe("a manager on a 1440 px desktop", () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await signIn("desktop"));
    await page.goto(`${server.url}/admin/revenue/rate-plans`);
    await page.getByTestId("rate-plans").getByText("Flexible").waitFor();
  });

  it("says bands that do not hold before saving, then saves Flexible's children by age", async () => {
    await page.getByRole("button", { name: "Edit rate plan Flexible" }).click();
    const dialog = page.getByTestId("rate-plan");
    await dialog.waitFor();
    await chooseOption(page, "Children", "Priced by age", dialog);
    await dialog.getByLabel("Free below age").fill("13");
    await dialog.getByText("The free age must not be above the adult age.").waitFor();
    expect(await page.locator('[data-confirm="rate-plan"]').isDisabled()).toBe(true);
    await dialog.getByLabel("Free below age").fill("3");
    await dialog.getByLabel("Per child per night").fill("25");
    await shot(page, "dialog-desktop");
    await expectAccessible(page);
    await page.locator('[data-confirm="rate-plan"]').click();
    await dialog.waitFor({ state: "detached" });
    const saved = await db.ownerPool.query(
      "select child_free_below_age, child_adult_from_age, child_supplement_amount::text, child_supplement_percent from app_public.rate_plans where id = $1",
      [hotel.ratePlanId],
    );
    expect(saved.rows).toEqual([{ child_free_below_age: 3, child_adult_from_age: 12, child_supplement_amount: "2500", child_supplement_percent: null }]);
    await page.getByTestId(`child-bands-${hotel.ratePlanId}`).filter({ hasText: "0–2 free · 3–11 +€25.00 a night · 12+ as adults" }).waitFor();
    expect(await childLines([1, 5])).toEqual(["2500", "2500"]);
    await shot(page, "plans-desktop");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });
});

describe("a manager on a 1440 px desktop, room types", () => {
  it("gives the Double cots for children under 2: two babies no longer fill it", async () => {
    const { page, errors } = await signIn("desktop");
    await page.goto(`${server.url}/admin/revenue/rate-plans`);
    await page.getByRole("tab", { name: "Room types & units" }).click();
    await page.getByRole("button", { name: "Edit room type Double" }).click();
    const field = page.getByLabel("Cots for children under (age)");
    await field.fill("7");
    await page.getByText("An age from 1 to 5, or empty.").waitFor();
    await field.fill("2");
    await expectAccessible(page);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId(`cots-${hotel.roomTypeId}`).filter({ hasText: "+ cots under 2" }).waitFor();
    const saved = await db.ownerPool.query("select cot_below_age from app_public.room_types where id = $1", [hotel.roomTypeId]);
    expect(saved.rows).toEqual([{ cot_below_age: 2 }]);
    // The Double sleeps 5: 4 adults and two babies fit now (the babies in cots).
    const arrival = localDate(hotel.timeZone, 10);
    const res = await server.graphql(
      `query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d, adults: 4, children: 2, childAges: [0, 1]) { totalAmount } }`,
      { p: hotel.ratePlanId, a: arrival, d: addDays(arrival, 1) },
    );
    expect(res.body.errors).toBeUndefined();
    expect(errors).toEqual([]);
  });
});

describe("a manager on a 390 px phone", () => {
  it("makes the supplement 50 % of the night in a dialog that fits", async () => {
    const { page, errors } = await signIn("phone");
    await page.goto(`${server.url}/admin/revenue/rate-plans`);
    await page.getByTestId(`child-bands-${hotel.ratePlanId}`).waitFor();
    await page.getByRole("button", { name: "Edit rate plan Flexible" }).click();
    const dialog = page.getByTestId("rate-plan");
    await dialog.waitFor();
    await chooseOption(page, "Supplement", "Percent", dialog);
    await dialog.getByLabel("Per child (% of the night)").fill("50");
    expect(await sidewaysOverflow(page)).toBe(0);
    await shot(page, "dialog-phone");
    await expectAccessible(page);
    await page.locator('[data-confirm="rate-plan"]').click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId(`child-bands-${hotel.ratePlanId}`).filter({ hasText: "3–11 50\u00a0% of the night" }).waitFor();
    expect(await childLines([4])).toEqual(["6000", "6000"]);
    expect(errors).toEqual([]);
  });
});
