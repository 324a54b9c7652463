// Issue 22: Revenue › Promo codes as a manager uses it, in headless Chromium
// against a real Keepr, on a 1440 px desktop and a 390 px phone: the list
// (a code a guest has used shows its uses), a new code made in the dialog
// (its code upper case, 20 % off one rate plan, 5 uses), a code the property
// already has refused with CODE_TAKEN in the dialog, and a code deactivated:
// the row says Inactive and the API's quote refuses it (PROMO_CODE INACTIVE).
// The front desk has no Revenue. Axe clean; screenshots
// docs/screenshots/admin-promo-*.png.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow } from "../helpers/browser.ts";
import { addDays, confirm, createHotel, hold, localDate, type Hotel } from "../helpers/booking.ts";
import { chooseOption, signInToConsole, withPassword } from "../helpers/console.ts";
import { actAs, createTestDatabase, inCommit, refusalOf, inRollback, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;
let managerEmail: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db);
  browser = await launchBrowser();
  hotel = await createHotel(db.ownerPool);
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [hotel.propertyId]);
  managerEmail = await withPassword(db.ownerPool, hotel.manager, "Marta Manager");
  // WELCOME10, used once by a guest.
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.manager });
    await c.query("select app_public.create_promo_code($1, 'WELCOME10', 10, max_uses => 100)", [hotel.propertyId]);
    await actAs(c, { role: "keepr_anonymous" });
    const arrival = localDate(hotel.timeZone, 9);
    const q = (await c.query("select quote_token from app_public.quote($1, $2, $3, 2, 0, 'welcome10')", [hotel.ratePlanId, arrival, addDays(arrival, 2)])).rows[0];
    await confirm(c, await hold(c, q.quote_token));
  });
}, 240_000);

afterAll(() => endBrowserTest({ contexts, browser, server, db }));

const quoteRefusal = (code: string) =>
  inRollback(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    const arrival = localDate(hotel.timeZone, 20);
    return refusalOf(c, "select * from app_public.quote($1, $2, $3, 2, 0, $4)", [hotel.ratePlanId, arrival, addDays(arrival, 2), code]);
  });

async function openPromoCodes(device: "desktop" | "phone"): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser, { device, track: contexts });
  const signedIn = await signInToConsole(context, server.url, managerEmail);
  await signedIn.page.goto(`${server.url}/admin/revenue/promo-codes`);
  await signedIn.page.getByTestId("promo-codes").waitFor();
  return signedIn;
}

it.each([
  ["desktop", "spring20"],
  ["phone", "phone-15"],
] as const)("%s: a manager lists, creates and deactivates promo codes; a taken code is refused in the dialog", async (device, typed) => {
  const { page, errors } = await openPromoCodes(device);
  const welcome = page.locator('[data-promo-code="WELCOME10"]');
  await welcome.waitFor();
  expect(await welcome.textContent()).toContain("1 of 100");

  // A new code: upper case, 20 % off the Flexible plan, 5 uses.
  await page.getByRole("button", { name: "Add promo code" }).click();
  const dialog = page.getByTestId("promo-code");
  await dialog.getByRole("textbox", { name: /^Code/ }).fill(typed);
  await dialog.getByRole("textbox", { name: /^Percent off/ }).fill("20");
  await chooseOption(page, "Rate plan", "Flexible", dialog);
  await dialog.getByRole("textbox", { name: /^Uses/ }).fill("5");
  await expectAccessible(page, `the new promo code dialog, ${device}`);
  await dialog.getByRole("button", { name: "Create" }).click();
  const made = page.locator(`[data-promo-code="${typed.toUpperCase()}"]`);
  await made.waitFor();
  expect(await made.textContent()).toMatch(device === "desktop" ? /20%.*Flexible.*0 of 5/ : /20%.*0 of 5/);
  expect(await quoteRefusal(typed)).toBe("ok");

  // The same code again: CODE_TAKEN, said in the dialog, nothing made.
  await page.getByRole("button", { name: "Add promo code" }).click();
  await dialog.getByRole("textbox", { name: /^Code/ }).fill(typed.toUpperCase());
  await dialog.getByRole("button", { name: "Create" }).click();
  await dialog.getByRole("alert").filter({ hasText: "already has that promo code" }).waitFor();
  await dialog.getByRole("button", { name: "Close" }).click();
  await dialog.waitFor({ state: "detached" });

  // Deactivated: the row says so, and guests' quotes refuse it.
  await page.getByRole("button", { name: `Deactivate ${typed.toUpperCase()}` }).click();
  await page.getByTestId("promo-switch").getByRole("button", { name: "Deactivate" }).click();
  await made.getByText("Inactive").waitFor();
  expect(await quoteRefusal(typed)).toBe("PROMO INACTIVE");

  expect(await sidewaysOverflow(page)).toBe(0);
  await page.screenshot({ path: path.join(screenshots, `admin-promo-${device}.png`), animations: "disabled", fullPage: true });
  await expectAccessible(page, `Revenue › Promo codes, ${device}`);
  expect(errors).toEqual([]);
}, 120_000);

it("the front desk has no Revenue: the promo codes are not theirs to see", async () => {
  const deskEmail = await withPassword(db.ownerPool, hotel.frontDesk, "Dario Desk");
  const context = await newContext(browser, { device: "desktop", track: contexts });
  const { page } = await signInToConsole(context, server.url, deskEmail);
  await page.goto(`${server.url}/admin/revenue/promo-codes`);
  await page.getByText("Revenue is for owners and managers of the property.").waitFor();
  expect(await page.getByTestId("promo-codes").count()).toBe(0);
}, 60_000);
