// Issue 22, adding a language is data only: the console's language lists
// are read from allLanguages (app_public.languages), none is written in its
// code. Rows are added here as a migration would (Italian, offered to
// guests; Dutch, not): a manager on a desktop finds both as the property's
// language (Dutch and Italian noted as written to in English until Keepr's
// words exist in them), Italian and not Dutch among the translations, and
// saves an Italian description; on a 390 px phone the front desk finds
// Italiano and not Nederlands as a booking guest's language. Axe on every
// screen. Screenshots docs/screenshots/admin-languages-*.png (the open lists
// as the screen shows them).
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let h: Hotel;
const contexts: BrowserContext[] = [];

const shot = async (page: Page, name: string) => {
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshots, `admin-languages-${name}.png`), animations: "disabled", fullPage: true });
};

beforeAll(async () => {
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool, { units: 2 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [h.propertyId]);
  // What a migration adding two languages would do: rows, nothing else.
  await db.ownerPool.query(`insert into app_public.languages (code, english_name, own_name, guest_facing)
                            values ('it', 'Italian', 'Italiano', true), ('nl', 'Dutch', 'Nederlands', false)`);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await endBrowserTest({ browser, server, db });
});

it("desktop: a manager finds the new languages as the property's language, Italian (guest-facing) among the translations, and saves an Italian description", async () => {
  const { page, errors } = await signInToConsole(await newContext(browser, { device: "desktop", track: contexts }), server.url,
    await withPassword(db.ownerPool, h.manager, "Marta Manager"));
  await page.goto(`${server.url}/admin/property`);
  const translations = page.getByTestId("property-translations");
  await translations.waitFor();
  await page.getByLabel("Guests are written to in").scrollIntoViewIfNeeded();
  await page.getByLabel("Guests are written to in").click();
  const options = await page.getByRole("option").allTextContents();
  expect(options).toEqual(expect.arrayContaining([
    "English", "Portuguese", "Spanish",
    "Italian (emails in English until Keepr's words exist in it)", "Dutch (emails in English until Keepr's words exist in it)",
  ]));
  // The open list where it is on the screen (a full page from the top would leave it floating over other fields).
  await page.screenshot({ path: path.join(screenshots, "admin-languages-property-desktop.png"), animations: "disabled" });
  await page.keyboard.press("Escape");
  await page.getByRole("listbox").waitFor({ state: "detached" });

  await translations.getByLabel("Language", { exact: true }).click();
  await expect(page.getByRole("option").allTextContents()).resolves.toEqual(["Italian", "Portuguese", "Spanish"]);
  await page.getByRole("option", { name: "Italian" }).click();
  await translations.getByLabel("Description in Italian").fill("Dodici camere sul Douro.");
  await translations.getByRole("button", { name: "Save Italian" }).click();
  await page.getByText("Italian translation saved.").waitFor();
  await shot(page, "translations-desktop");
  const saved = await db.ownerPool.query("select language, description from app_public.property_translations where property_id = $1", [h.propertyId]);
  expect(saved.rows).toEqual([{ language: "it", description: "Dodici camere sul Douro." }]);
  await expectAccessible(page, "property with a language added as data");
  expect(errors).toEqual([]);
});

it("phone: the front desk offers Italiano, not Nederlands, as a booking guest's language", async () => {
  const { page, errors } = await signInToConsole(await newContext(browser, { device: "phone", track: contexts }), server.url,
    await withPassword(db.ownerPool, h.frontDesk, "Dana Desk"));
  const arrival = localDate(h.timeZone, 3);
  await page.goto(`${server.url}/admin/bookings/new?arrival=${arrival}&departure=${addDays(arrival, 1)}`);
  await page.getByTestId("search-results").locator('[data-rate-plan="Flexible"]').getByRole("button", { name: /Quote/ }).click();
  await page.getByTestId("hold-room").click();
  await page.getByTestId("held-unit").filter({ hasText: /^10\d$/ }).waitFor();
  await page.getByLabel("Guest's language").click();
  await expect(page.getByRole("option").allTextContents()).resolves.toEqual(["The property's language", "English", "Italiano", "Português", "Español"]);
  expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: path.join(screenshots, "admin-languages-guest-language-phone.png"), animations: "disabled" });
  await page.getByRole("option", { name: "Italiano" }).click();
  await page.getByLabel("Email").fill("giulia@example.it");
  await page.getByLabel("Full name").fill("Giulia Rossi");
  await page.getByTestId("confirm-booking").click();
  await page.getByTestId("confirmation-code").waitFor();
  const booked = await db.ownerPool.query("select language from app_public.reservations where property_id = $1 and status = 'confirmed'", [h.propertyId]);
  expect(booked.rows).toEqual([{ language: "it" }]);
  await expectAccessible(page, "reservation booked in a language added as data");
  expect(errors).toEqual([]);
});
