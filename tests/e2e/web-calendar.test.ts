// Issue 22: "Add to calendar" on Manage, in headless Chromium against a real
// Keepr. The guest finds the booking with the code and email, presses the
// button (by mouse on a desktop in English, by keyboard on a 390 px phone in
// Portuguese): the browser downloads stay-<code>.ics, which ical.js reads as
// the stay (one event, its UID, check-in at the property's time in its zone,
// the words in the page's language). The confirmation page offers the same;
// a failed download says so. A cancelled booking offers no calendar.
// Screenshots docs/screenshots/web-guest-calendar-*.png; axe clean.
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { axeViolations, collectPageErrors, endBrowserTest, launchBrowser } from "../helpers/browser.ts";
import { addDays, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { expectRfc5545Lines, parseStay } from "../helpers/ics.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");
const desktop = { width: 1366, height: 860 };
const phone = { width: 390, height: 844 };

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;

async function book(email: string, offset: number) {
  return inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
    const arrival = localDate(hotel.timeZone, offset);
    const q = await quote(c, hotel.ratePlanId, arrival, addDays(arrival, 3));
    const held = await hold(c, q.quote_token);
    const { rows } = await c.query("select * from app_public.confirm_booking($1, $2, 'Ada Lovelace', $3, null)", [held.reservation_id, newKey(), email]);
    return { id: rows[0].reservation_id as string, code: rows[0].confirmation_code as string, arrival };
  });
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("web").report;
  db = await createTestDatabase();
  server = await startTestServer(db, { PUBLIC_URL: "http://keepr.test" });
  hotel = await createHotel(db.ownerPool, { timeZone: "Europe/Lisbon" });
  await db.ownerPool.query(
    `update app_public.properties set name = 'Casa do Mar, Ericeira; Surf 🏄', city = 'Ericeira', address = 'Rua do Ouriço 3, 2.º esq.',
            contact_phone = '+351 261 000 000', arrival_instructions = E'Chave no cofre, código 1234;\nportão à esquerda.' where id = $1`,
    [hotel.propertyId],
  );
  browser = await launchBrowser();
}, 240_000);

afterAll(() => endBrowserTest({ browser, server, db }));

it.each([
  ["desktop", desktop, "en-GB", "Add to calendar", "Stay at Casa do Mar, Ericeira; Surf 🏄", "Confirmation code"],
  ["phone", phone, "pt-PT", "Adicionar ao calendário", "Estadia em Casa do Mar, Ericeira; Surf 🏄", "Código de confirmação"],
] as const)("%s: the guest finds the booking and downloads its .ics, which reads back as the stay", async (name, viewport, locale, label, summary, codeWord) => {
  const b = await book(`${name}@example.com`, 12);
  const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1, locale, timezoneId: "America/New_York", acceptDownloads: true });
  const page = await ctx.newPage();
  const errors = collectPageErrors(page);
  await page.goto(`${server.url}/manage?code=${b.code}`);
  await page.locator("body[data-app-ready=true]").waitFor();
  await page.locator("#lookup-email").fill(`${name}@example.com`);
  await page.locator("#lookup-email").press("Enter");
  await page.getByTestId("booking-status").waitFor();
  const button = page.getByRole("button", { name: label });
  await button.waitFor();
  await expect(button.getAttribute("aria-describedby")).resolves.toBe("calendar-hint");

  // Desktop: a click; phone: the keyboard.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    name === "desktop" ? button.click() : button.focus().then(() => page.keyboard.press("Enter")),
  ]);
  expect(download.suggestedFilename()).toBe(`stay-${b.code}.ics`);
  const text = readFileSync((await download.path())!, "utf8");
  expectRfc5545Lines(text);
  const stay = parseStay(text);
  expect(stay).toMatchObject({
    method: "PUBLISH", events: 1, uid: `${b.id}@keepr`, sequence: 0, status: "CONFIRMED", summary,
    startTzid: "Europe/Lisbon", startLocal: `${b.arrival.replace(/-/g, "")}T150000`, url: `http://keepr.test/manage?code=${b.code}`,
  });
  expect(stay.description).toContain(`${codeWord}: ${b.code}`);
  // 15:00 in Lisbon, whatever the zone of the guest's own device (New York here).
  const lisbon = (await db.ownerPool.query<{ t: Date }>("select ($1::date + time '15:00') at time zone 'Europe/Lisbon' as t", [b.arrival])).rows[0]!.t;
  expect(stay.start.toISOString()).toBe(lisbon.toISOString());

  await expect(page.getByRole("alert").filter({ hasText: /calendar|calendário/ }).count()).resolves.toBe(0);
  await page.screenshot({ path: path.join(screenshots, `web-guest-calendar-${name}.png`), fullPage: true, animations: "disabled" });
  if (name === "phone") expect(await page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth")).toBeLessThanOrEqual(0);
  expect(await axeViolations(page, ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])).toEqual([]);
  expect(errors).toEqual([]);
  await ctx.close();
});

it("the confirmation page offers it too, in the tab that booked; a failed download says so, and the page stays accessible", async () => {
  const b = await book("confirmation@example.com", 14);
  const lookup = await fetch(`${server.url}/graphql`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "mutation($c: String!, $e: String!) { lookupBooking(input: {confirmationCode: $c, email: $e}) { result } }", variables: { c: b.code, e: "confirmation@example.com" } }),
  });
  const token = ((await lookup.json()) as { data: { lookupBooking: { result: string } } }).data.lookupBooking.result;
  const ctx = await browser.newContext({ viewport: phone, locale: "en-GB", acceptDownloads: true });
  // The tab that made the booking keeps it in sessionStorage (web/src/storage.ts), as the booking flow leaves it.
  await ctx.addInitScript(`sessionStorage.setItem("keepr.booking", ${JSON.stringify(JSON.stringify({ code: b.code, email: "confirmation@example.com", token, expiresAt: Date.now() + 3_600_000, reservationId: b.id }))})`);
  const page = await ctx.newPage();
  const errors = collectPageErrors(page);
  await page.goto(`${server.url}/confirmation`);
  await page.locator("body[data-app-ready=true]").waitFor();
  const button = page.getByRole("button", { name: "Add to calendar" });
  await button.waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
  expect(download.suggestedFilename()).toBe(`stay-${b.code}.ics`);
  expect(parseStay(readFileSync((await download.path())!, "utf8"))).toMatchObject({ uid: `${b.id}@keepr`, method: "PUBLISH" });

  // The server fails: the guest is told, the button works again, nothing else breaks.
  await page.route("**/calendar/**", (route) => route.fulfill({ status: 503, body: "" }));
  await button.click();
  await page.getByRole("alert").filter({ hasText: "The calendar file could not be downloaded; try again." }).waitFor();
  await expect(button.isEnabled()).resolves.toBe(true);
  expect(await axeViolations(page, ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])).toEqual([]);
  expect(errors.filter((e) => !/503/.test(e))).toEqual([]);
  await ctx.close();
});

it("a cancelled booking offers no calendar to add", async () => {
  const b = await book("cancelled@example.com", 30);
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
    await c.query("select app_public.cancel_reservation($1, $2)", [b.id, newKey()]);
  });
  const ctx = await browser.newContext({ viewport: desktop, locale: "en-GB" });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/manage?code=${b.code}`);
  await page.locator("body[data-app-ready=true]").waitFor();
  await page.locator("#lookup-email").fill("cancelled@example.com");
  await page.locator("#lookup-email").press("Enter");
  await page.getByTestId("booking-status").filter({ hasText: "Cancelled" }).waitFor();
  await expect(page.locator('[data-action="add-to-calendar"]').count()).resolves.toBe(0);
  await ctx.close();
});
