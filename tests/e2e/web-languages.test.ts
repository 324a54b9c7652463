// Issue 22: a third language (Spanish) in the guest app, as data
// (shared/guest-languages.ts + a catalogue), in headless Chromium against a
// real Keepr. A browser asking for Spanish (Accept-Language, navigator
// languages) gets the app in Spanish: plurals ("8 habitaciones disponibles
// para 1 noche"), meal plans, money and dates for es-ES, <html lang="es">, the
// card form's labels and errors (MM/AA), Manage and its .ics in Spanish. A
// browser in a language Keepr does not speak (French) gets English, and the
// guest picks Spanish with the keyboard in the header's picker: remembered
// after a reload. The property's description is its Spanish translation
// (setPropertyTranslation) in Spanish, its own English text in English and in
// Portuguese (not translated). Desktop and a 390 px phone; axe clean on every state;
// docs/screenshots/web-guest-es-*.png.
import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Frame, Page } from "playwright-core";
import { endBrowserTest } from "../helpers/browser.ts";
import { addDays, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, inCommit, type TestDatabase } from "../helpers/db.ts";
import { parseStay } from "../helpers/ics.ts";
import type { TestServer } from "../helpers/server.ts";
import { desktop, expectAccessible, openGuestApp, phone, screenshot, startGuestAppTest } from "../helpers/web-app.ts";

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;

const context = (locale: string, viewport = desktop): Promise<BrowserContext> =>
  browser.newContext({ viewport, deviceScaleFactor: 1, locale, timezoneId: "Europe/Madrid", acceptDownloads: true });

const open = (ctx: BrowserContext, url: string) => openGuestApp(ctx, `${server.url}${url}`);

/** A screenshot at this size, and none of the page scrolls sideways. */
async function shot(page: Page, name: string): Promise<void> {
  // A framed card form is painted only in the viewport: show it there.
  const framed = page.frames().length > 1;
  if (framed) await page.evaluate(`document.querySelector("iframe").scrollIntoView({ block: "center" })`);
  await screenshot(page, `web-guest-es-${name}`, { fullPage: !framed });
}

const cardFrame = (page: Page): Frame => {
  const frame = page.frames().find((f) => f.url().includes("/simulated-provider/card-form"));
  if (!frame) throw new Error("no card form frame");
  return frame;
};

beforeAll(async () => {
  ({ db, server, browser } = await startGuestAppTest({ PUBLIC_URL: "http://keepr.test" }));
  hotel = await createHotel(db.ownerPool, { units: 8, timeZone: "Europe/Madrid", ratePlan: { base_price: 12000, free_cancellation_days: 2, meal_plan: "breakfast" } });
  await db.ownerPool.query(
    `update app_public.properties set name = 'Hotel del Puerto', city = 'Málaga', address = 'Calle del Muelle 12, Málaga',
            contact_phone = '+34 952 000 000', contact_email = 'recepcion@puerto.example' where id = $1`,
    [hotel.propertyId],
  );
  // Written in English; translated into Spanish by its manager (setPropertyTranslation, issue 22).
  await db.ownerPool.query("update app_public.properties set description = 'Twelve rooms on the harbour, breakfast on the roof.' where id = $1", [hotel.propertyId]);
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.manager });
    await c.query("select app_public.set_property_translation($1, 'es', 'Doce habitaciones en el puerto, desayuno en la azotea.', null)", [hotel.propertyId]);
  });
}, 240_000);

afterAll(() => endBrowserTest({ browser, server, db }));

it("a browser asking for Spanish gets the app in Spanish: plurals, meal plan, money, <html lang>; desktop and phone", async () => {
  const arrival = localDate(hotel.timeZone, 20);
  for (const [viewport, name] of [[desktop, "desktop"], [phone, "phone"]] as const) {
    const ctx = await context("es-ES", viewport);
    const { page, errors } = await open(ctx, `/?where=city:M%C3%A1laga&arrival=${arrival}&departure=${addDays(arrival, 1)}&adults=2`);
    await page.locator(".results[data-state=done]").waitFor();
    await expect(page.evaluate<string>("document.documentElement.lang")).resolves.toBe("es");
    await expect(page.locator("h1").textContent()).resolves.toBe("Encuentre su estancia");
    await expect(page.getByLabel("Idioma").inputValue()).resolves.toBe("es");
    await expect(page.getByTestId("search-status").textContent()).resolves.toBe("8 habitaciones disponibles para 1 noche.");
    // The property's description as its manager translated it.
    await page.getByText("Doce habitaciones en el puerto, desayuno en la azotea.").waitFor();
    const rate = page.locator('[data-rate="Flexible"]');
    await expect(rate.locator(".rate-info").textContent()).resolves.toContain("Desayuno incluido · Cancelación gratuita");
    // es-ES money: "120,00 €"; one night: "1 noche".
    await expect(rate.locator(".rate-price").textContent()).resolves.toMatch(/^120,00\s€ en total120,00\s€ por noche de media en 1 noche/u);
    await shot(page, `results-${name}`);
    await expectAccessible(page, `results es ${name}`);
    expect(errors).toEqual([]);
    await ctx.close();
  }
}, 120_000);

it("the card form speaks Spanish: its labels, MM/AA, and every error at once", async () => {
  const arrival = localDate(hotel.timeZone, 25);
  const ctx = await context("es-ES", phone);
  const { page, errors } = await open(ctx, `/book?plan=${hotel.ratePlanId}&arrival=${arrival}&departure=${addDays(arrival, 2)}&adults=2`);
  await page.getByRole("button", { name: "Reservar esta habitación" }).click();
  await page.getByTestId("hold-countdown").waitFor();
  const frame = page.frameLocator('iframe[title^="Datos de la tarjeta"]');
  await frame.getByLabel("Caducidad (MM/AA)").waitFor();
  await expect(frame.getByLabel("Caducidad (MM/AA)").getAttribute("placeholder")).resolves.toBe("MM/AA");
  await expect(cardFrame(page).evaluate<string>("document.documentElement.lang")).resolves.toBe("es");
  await page.getByTestId("confirm-booking").click();
  await expect(page.locator("#fullName-error").textContent()).resolves.toBe("Este campo es obligatorio.");
  await cardFrame(page).locator("#cvc-error:not(:empty)").waitFor();
  const shown = await cardFrame(page).evaluate<string[]>(`["number", "expiry", "cvc"].map((f) => document.getElementById(f + "-error").textContent)`);
  expect(shown).toEqual(["Introduzca un número de tarjeta válido.", "Introduzca la caducidad como MM/AA.", "Introduzca el CVC de 3 dígitos (4 en American Express)."]);
  await shot(page, "card-errors-phone");
  await expectAccessible(page, "details with errors, es");
  await expectAccessible(cardFrame(page), "card form with errors, es");
  expect(errors).toEqual([]);
  await ctx.close();
}, 90_000);

it("Manage in Spanish, and its .ics", async () => {
  const b = await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
    const arrival = localDate(hotel.timeZone, 30);
    const held = await hold(c, (await quote(c, hotel.ratePlanId, arrival, addDays(arrival, 3))).quote_token);
    const { rows } = await c.query("select * from app_public.confirm_booking($1, $2, 'Lucía Pérez', 'lucia@example.com', null)", [held.reservation_id, newKey()]);
    return { code: rows[0].confirmation_code as string };
  });
  const ctx = await context("es-ES");
  const { page, errors } = await open(ctx, `/manage?code=${b.code}`);
  await expect(page.locator("h1").textContent()).resolves.toBe("Gestione su reserva");
  await page.getByLabel("Correo electrónico").fill("lucia@example.com");
  await page.getByRole("button", { name: "Encontrar mi reserva" }).click();
  await page.locator('[data-testid="booking-status"]', { hasText: "Confirmada" }).waitFor();
  await expect(page.locator("#booking-heading").textContent()).resolves.toBe(`Reserva ${b.code}`);
  await expect(page.getByTestId("property-contact").first().textContent()).resolves.toBe("Contacto de Hotel del Puerto: +34 952 000 000 · recepcion@puerto.example");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Añadir al calendario" }).click()]);
  const stay = parseStay(readFileSync((await download.path())!, "utf8"));
  expect(stay.summary).toBe("Estancia en Hotel del Puerto");
  expect(stay.description).toContain("2 adultos · 3 noches");
  await shot(page, "manage-desktop");
  await expectAccessible(page, "manage es");
  expect(errors).toEqual([]);
  await ctx.close();
}, 90_000);

it("the property's description follows the guest's language: English (its own) for an English browser, the Spanish translation once Spanish is picked", async () => {
  const arrival = localDate(hotel.timeZone, 21);
  const ctx = await context("en-GB");
  const { page, errors } = await open(ctx, `/?where=city:M%C3%A1laga&arrival=${arrival}&departure=${addDays(arrival, 1)}&adults=2`);
  await page.locator(".results[data-state=done]").waitFor();
  await page.getByText("Twelve rooms on the harbour, breakfast on the roof.").waitFor();
  await page.getByLabel("Language").selectOption("es");
  await page.getByText("Doce habitaciones en el puerto, desayuno en la azotea.").waitFor();
  await expect(page.getByText("Twelve rooms on the harbour").count()).resolves.toBe(0);
  // Portuguese has no translation: the property's own (English) text.
  await page.getByLabel("Idioma").selectOption("pt");
  await page.getByText("Twelve rooms on the harbour, breakfast on the roof.").waitFor();
  expect(errors).toEqual([]);
  await ctx.close();
}, 60_000);

it("a browser in a language Keepr does not speak gets English; the guest picks Spanish by keyboard, and it is remembered", async () => {
  const ctx = await context("fr-FR");
  const { page, errors } = await open(ctx, "/");
  await expect(page.evaluate<string>("document.documentElement.lang")).resolves.toBe("en");
  await expect(page.locator("h1").textContent()).resolves.toBe("Find your stay");
  // The picker names each language in itself, marked with its language for screen readers.
  await expect(page.evaluate<string[]>(`[...document.querySelectorAll("#language option")].map((o) => o.getAttribute("lang") + ":" + o.textContent)`))
    .resolves.toEqual(["en:English", "pt:Português", "es:Español"]);
  await page.getByLabel("Language").focus();
  await page.keyboard.press("End");
  await page.locator("html[lang=es]").waitFor();
  await expect(page.locator("h1").textContent()).resolves.toBe("Encuentre su estancia");
  await page.reload();
  await page.locator("body[data-app-ready=true]").waitFor();
  await expect(page.locator("h1").textContent()).resolves.toBe("Encuentre su estancia");
  await expectAccessible(page, "home es, picked");
  expect(errors).toEqual([]);
  await ctx.close();
}, 60_000);
