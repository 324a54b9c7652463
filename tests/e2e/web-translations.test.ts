// Issues 21 and 22: the property's content in the guest's language, in
// headless Chromium against a real Keepr. An English hotel whose manager
// translated its room type (name, description), rate plan (name) and fee into
// Spanish: a Spanish browser searches, sees them in Spanish (what has no
// translation, its own text), books, and the Book page and the confirmation
// name them in Spanish; the reservation records Spanish (Keepr-Language), so
// its emails are written in it. An English browser sees the hotel's own
// texts. Desktop and a 390 px phone; axe clean on every state;
// docs/screenshots/web-guest-es-translated-*.png.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { endBrowserTest } from "../helpers/browser.ts";
import { addDays, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { actAs, inCommit, type TestDatabase } from "../helpers/db.ts";
import type { TestServer } from "../helpers/server.ts";
import { cardFrame, desktop, expectAccessible, openGuestApp, phone, screenshot, startGuestAppTest } from "../helpers/web-app.ts";

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;

const context = (locale: string, viewport = desktop): Promise<BrowserContext> =>
  browser.newContext({ viewport, deviceScaleFactor: 1, locale, timezoneId: "Europe/Madrid" });
const open = (ctx: BrowserContext, url: string) => openGuestApp(ctx, `${server.url}${url}`);

beforeAll(async () => {
  ({ db, server, browser } = await startGuestAppTest({ PUBLIC_URL: "http://keepr.test" }));
  hotel = await createHotel(db.ownerPool, { units: 6, timeZone: "Europe/Madrid", ratePlan: { base_price: 9000, meal_plan: "breakfast" } });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour Rooms', city = 'Cádiz', language = 'en' where id = $1", [hotel.propertyId]);
  await db.ownerPool.query("update app_public.room_types set name = 'Sea-view double', description = 'Balcony over the bay.' where id = $1", [hotel.roomTypeId]);
  await db.ownerPool.query("update app_public.rate_plans set name = 'Bed and breakfast' where id = $1", [hotel.ratePlanId]);
  const { rows: [cleaning] } = await db.ownerPool.query(
    "insert into app_public.fees (property_id, name, basis, amount, currency) values ($1, 'Cleaning', 'per_night', 1000, 'EUR') returning id", [hotel.propertyId]);
  const cleaningId = cleaning.id as string;
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.manager });
    // The room type's name and description, the rate plan's name only.
    await c.query("select app_public.set_room_type_translation($1, 'es', 'Doble con vistas al mar', 'Balcón sobre la bahía.')", [hotel.roomTypeId]);
    await c.query("select app_public.set_rate_plan_translation($1, 'es', 'Alojamiento y desayuno', null)", [hotel.ratePlanId]);
    await c.query("select app_public.set_fee_translation($1, 'es', 'Limpieza')", [cleaningId]);
  });
}, 240_000);

afterAll(() => endBrowserTest({ browser, server, db }));

async function searchPage(locale: string, viewport: typeof desktop, offset: number): Promise<{ ctx: BrowserContext; page: Page; errors: string[]; arrival: string }> {
  const arrival = localDate(hotel.timeZone, offset);
  const ctx = await context(locale, viewport);
  const { page, errors } = await open(ctx, `/?where=property:${hotel.propertyId}&arrival=${arrival}&departure=${addDays(arrival, 2)}&adults=2`);
  await page.locator(".results[data-state=done]").waitFor();
  return { ctx, page, errors, arrival };
}

it("a Spanish guest searches and books in Spanish: the room type and rate plan as the hotel translated them, recorded as Spanish; desktop and phone", async () => {
  for (const [viewport, name, offset] of [[desktop, "desktop", 20], [phone, "phone", 24]] as const) {
    const { ctx, page, errors } = await searchPage("es-ES", viewport, offset);
    const room = page.locator('[data-room="Doble con vistas al mar"]');
    await expect(room.locator("h4").textContent()).resolves.toBe("Doble con vistas al mar");
    await expect(room.locator("p.muted").first().textContent()).resolves.toContain("Balcón sobre la bahía.");
    await expect(room.locator(".rate-name").textContent()).resolves.toBe("Alojamiento y desayuno");
    await expect(page.getByText("Sea-view double").count()).resolves.toBe(0);
    await screenshot(page, `web-guest-es-translated-results-${name}`, { fullPage: true });
    await expectAccessible(page, `translated results es ${name}`);

    await room.getByRole("link", { name: /Alojamiento y desayuno/ }).click();
    // The price line by line: the fee as the hotel translated it, its basis in Spanish.
    await page.getByTestId("price-table").getByText("Limpieza (por noche)").waitFor();
    await page.getByRole("button", { name: "Reservar esta habitación" }).click();
    await page.getByTestId("hold-countdown").waitFor();
    const summary = page.locator("dl.summary").first();
    await expect(summary.textContent()).resolves.toContain("Doble con vistas al mar");
    await expect(summary.textContent()).resolves.toContain("Alojamiento y desayuno · Desayuno incluido");
    await page.getByLabel("Nombre completo").fill("Lucía Pérez");
    await page.getByLabel("Correo electrónico").fill(`lucia.${name}@example.com`);
    const card = cardFrame(page);
    await card.locator("#number").fill("4242 4242 4242 4242");
    await card.locator("#expiry").fill("12/30");
    await card.locator("#cvc").fill("123");
    // Where the guest is now: the card form (framed, painted only in the viewport; scrolling away from it stalls it).
    await screenshot(page, `web-guest-es-translated-book-${name}`, { fullPage: false });
    await expectAccessible(page, `translated book es ${name}`);
    await page.getByTestId("confirm-booking").click();
    await page.waitForURL(/\/confirmation$/, { timeout: 30_000 });
    const code = (await page.getByTestId("confirmation-code").textContent({ timeout: 30_000 }))!;
    await page.getByText("Alojamiento y desayuno").first().waitFor({ timeout: 30_000 });
    await expectAccessible(page, `translated confirmation es ${name}`);
    // The confirmation page shows the code once the booking is committed.
    const { rows } = await db.ownerPool.query("select language from app_public.reservations where confirmation_code = $1", [code]);
    expect([name, rows]).toEqual([name, [{ language: "es" }]]);
    expect(errors).toEqual([]);
    await ctx.close();
  }
}, 240_000);

it("an English guest sees the hotel's own texts", async () => {
  const { ctx, page, errors } = await searchPage("en-GB", desktop, 21);
  const room = page.locator('[data-room="Sea-view double"]');
  await expect(room.locator("p.muted").first().textContent()).resolves.toContain("Balcony over the bay.");
  await expect(room.locator(".rate-name").textContent()).resolves.toBe("Bed and breakfast");
  // Picked Spanish: the names follow.
  await page.getByLabel("Language").selectOption("es");
  await page.locator('[data-room="Doble con vistas al mar"] .rate-name', { hasText: "Alojamiento y desayuno" }).waitFor();
  expect(errors).toEqual([]);
  await ctx.close();
}, 90_000);
