// Issue 22: "Add to calendar" on Manage, in headless Chromium against a real
// Keepr. The guest finds the booking with the code and email, presses the
// button (by mouse on a desktop in English, by keyboard on a 390 px phone in
// Portuguese): the browser downloads stay-<code>.ics, which ical.js reads as
// the stay (one event, its UID, check-in at the property's time in its zone,
// the words in the page's language). The confirmation page offers the same;
// a failed download says so. A cancelled booking offers no calendar.
// Screenshots docs/screenshots/web-guest-calendar-*.png; axe clean.
import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { endBrowserTest } from "../helpers/browser.ts";
import { addDays, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, inCommit, type TestDatabase } from "../helpers/db.ts";
import { expectRfc5545Lines, parseStay } from "../helpers/ics.ts";
import type { TestServer } from "../helpers/server.ts";
import { desktop, expectAccessible, openGuestApp, phone, screenshot, startGuestAppTest } from "../helpers/web-app.ts";

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
  ({ db, server, browser } = await startGuestAppTest({ PUBLIC_URL: "http://keepr.test" }));
  hotel = await createHotel(db.ownerPool, { timeZone: "Europe/Lisbon" });
  await db.ownerPool.query(
    `update app_public.properties set name = 'Casa do Mar, Ericeira; Surf 🏄', city = 'Ericeira', address = 'Rua do Ouriço 3, 2.º esq.',
            contact_phone = '+351 261 000 000', arrival_instructions = E'Chave no cofre, código 1234;\nportão à esquerda.' where id = $1`,
    [hotel.propertyId],
  );
}, 240_000);

afterAll(() => endBrowserTest({ browser, server, db }));

it.each([
  ["desktop", desktop, "en-GB", "Add to calendar", "Stay at Casa do Mar, Ericeira; Surf 🏄", "Confirmation code"],
  ["phone", phone, "pt-PT", "Adicionar ao calendário", "Estadia em Casa do Mar, Ericeira; Surf 🏄", "Código de confirmação"],
] as const)("%s: the guest finds the booking and downloads its .ics, which reads back as the stay", async (name, viewport, locale, label, summary, codeWord) => {
  const b = await book(`${name}@example.com`, 12);
  const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1, locale, timezoneId: "America/New_York", acceptDownloads: true });
  const { page, errors } = await openGuestApp(ctx, `${server.url}/manage?code=${b.code}`);
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
  await screenshot(page, `web-guest-calendar-${name}`);
  await expectAccessible(page, `Manage with the .ics downloaded, ${name}`);
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
  const { page, errors } = await openGuestApp(ctx, `${server.url}/confirmation`);
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
  await expectAccessible(page, "confirmation after a failed download");
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
  const { page } = await openGuestApp(ctx, `${server.url}/manage?code=${b.code}`);
  await page.locator("#lookup-email").fill("cancelled@example.com");
  await page.locator("#lookup-email").press("Enter");
  await page.getByTestId("booking-status").filter({ hasText: "Cancelled" }).waitFor();
  await expect(page.locator('[data-action="add-to-calendar"]').count()).resolves.toBe(0);
  await ctx.close();
});
