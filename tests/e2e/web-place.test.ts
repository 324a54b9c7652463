// Issue 22, the property's place and policies in the guest app, in headless
// Chromium against a real Keepr whose map tiles come from a tile server on
// this machine (tests/helpers/tiles.ts: generated PNGs, no internet). Two
// hotels in Faro: Marina Hotel has a location, every policy stated and its
// contact; Old Town Rooms has none of them.
// - The search results load no map code; opening Marina Hotel's "Map and
//   directions" by keyboard loads it (its own chunk), shows the tiles with
//   their attribution and a marker, zooms with + from the keyboard, and links
//   to the place in maps; its policies read as sentences (children from 12,
//   pets on request with their fee, paid parking nearby to reserve, smoking
//   in designated areas), in English, Portuguese and Spanish.
// - Old Town Rooms: the address and a link that searches for it, no map;
//   its policies "ask the property" as before.
// - A Keepr without MAP_TILES_URL (as production may run): the address and
//   the link, and no map code loaded at all.
// Desktop and a 390 px phone, axe on every state; docs/screenshots/web-guest-place-*.png.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { endBrowserTest, waitUntil } from "../helpers/browser.ts";
import { addDays, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import type { TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { startTileServer, type TileServer } from "../helpers/tiles.ts";
import { desktop, expectAccessible, openGuestApp, phone, screenshot, startGuestAppTest } from "../helpers/web-app.ts";

let db: TestDatabase;
let server: TestServer;
let withoutTiles: TestServer;
let browser: Browser;
let tiles: TileServer;
let marina: Hotel;
let oldTown: Hotel;

const q = (sql: string, params: unknown[] = []) => db.ownerPool.query(sql, params);

/** The search results, with the map code's requests counted. */
async function open(ctx: BrowserContext, base: string, language = ""): Promise<{ page: Page; errors: string[]; mapCode: () => number }> {
  const arrival = localDate(marina.timeZone, 20);
  let mapCode = 0;
  const { page, errors } = await openGuestApp(ctx, `${base}/?where=city:Faro&arrival=${arrival}&departure=${addDays(arrival, 2)}&adults=2&sort=name${language}`, (page) =>
    page.on("request", (r) => {
      if (/\/assets\/map-[^/]*\.(js|css)$/.test(r.url())) mapCode++;
    }));
  await page.locator(".results[data-state=done]").waitFor();
  return { page, errors, mapCode: () => mapCode };
}

const card = (page: Page, name: string) => page.locator(".property-card", { has: page.getByRole("heading", { name, level: 3 }) });
const policies = (page: Page, name: string) => card(page, name).getByTestId("property-policies").locator("dd").allTextContents();

beforeAll(async () => {
  tiles = await startTileServer();
  ({ db, server, browser } = await startGuestAppTest({ MAP_TILES_URL: tiles.template, MAP_TILES_ATTRIBUTION: "Keepr test tiles" }));
  withoutTiles = await startTestServer(db);
  marina = await createHotel(db.ownerPool, { units: 2, maxOccupancy: 2 });
  oldTown = await createHotel(db.ownerPool, { units: 2, maxOccupancy: 2 });
  await q(
    `update app_public.properties set name = 'Marina Hotel', city = 'Faro', address = 'Avenida da República 40, 8000-078 Faro',
            contact_phone = '+351 289 000 000', contact_email = 'desk@marina.example', check_in_time = '15:00', check_out_time = '11:00',
            latitude = 37.0146, longitude = -7.9352, children_allowed = true, children_min_age = 12,
            pets_policy = 'on_request', pet_fee_amount = 1500, pet_fee_per = 'night',
            parking_policy = 'paid', parking_price_amount = 1200, parking_price_per = 'night', parking_location = 'nearby', parking_reservation_required = true,
            smoking_policy = 'designated_areas'
      where id = $1`,
    [marina.propertyId],
  );
  await q("update app_public.properties set name = 'Old Town Rooms', city = 'Faro', address = 'Rua do Castelo 3' where id = $1", [oldTown.propertyId]);
}, 300_000);

afterAll(async () => {
  await withoutTiles?.close();
  await endBrowserTest({ browser, server, db });
  await tiles?.close();
});

it("the results load no map code; a guest opens Marina Hotel's map by keyboard: tiles from the configured server, attribution, zoom with +, a link to maps", async () => {
  const ctx = await browser.newContext({ viewport: desktop, deviceScaleFactor: 1, locale: "en-GB", timezoneId: "Europe/Lisbon" });
  const { page, errors, mapCode } = await open(ctx, server.url);
  expect(mapCode()).toBe(0);
  expect(tiles.served).toEqual([]);
  const hotel = card(page, "Marina Hotel");
  // By keyboard: the disclosure's summary, then Enter.
  await hotel.getByText("Map and directions").focus();
  await page.keyboard.press("Enter");
  const map = hotel.getByTestId("property-map");
  await map.and(page.locator("[data-state=shown]")).waitFor();
  await waitUntil(async () => (await hotel.locator("img.leaflet-tile-loaded").count()) > 0, "tiles shown");
  expect(mapCode()).toBeGreaterThan(0);
  expect(tiles.served.some((t) => t.startsWith("15/"))).toBe(true);
  await expect(hotel.getByRole("region", { name: "Map of Marina Hotel" }).count()).resolves.toBe(1);
  await expect(hotel.locator(".leaflet-control-attribution").textContent()).resolves.toBe("Keepr test tiles");
  await expect(hotel.getByTestId("open-in-maps").getAttribute("href")).resolves.toBe("https://www.openstreetmap.org/?mlat=37.014600&mlon=-7.935200#map=17/37.014600/-7.935200");
  await expect(hotel.locator(".place-address span").textContent()).resolves.toBe("Avenida da República 40, 8000-078 Faro");
  // The map is a stop of the Tab order, and + zooms it in.
  await map.focus();
  await page.keyboard.press("+");
  await waitUntil(async () => tiles.served.some((t) => t.startsWith("16/")), "zoomed-in tiles requested");
  // Its zoom buttons are links with names.
  await expect(hotel.getByRole("button", { name: "Zoom out" }).count()).resolves.toBe(1);
  await hotel.getByText("Policies and contact").click();
  await expect(policies(page, "Marina Hotel")).resolves.toEqual([
    "Children from 12 years old are welcome. Children count towards each room's guests (rooms here sleep up to 2); their price is in each rate's total.",
    "Pets on request: ask the property before you book. Fee: €15.00 per night.",
    "Parking nearby: €12.00 per night. Reserve a space ahead.",
    "Smoking only in designated areas.",
    "+351 289 000 000 · desk@marina.example",
  ]);
  await hotel.scrollIntoViewIfNeeded();
  await expectAccessible(page, "search, Marina Hotel's map open");
  for (const [viewport, suffix] of [[desktop, "desktop"], [phone, "phone"]] as const) {
    await page.setViewportSize(viewport);
    await waitUntil(async () => (await hotel.locator("img.leaflet-tile-loaded").count()) > 0, "tiles laid out");
    await screenshot(page, `web-guest-place-map-${suffix}`);
  }
  expect(errors).toEqual([]);
  await ctx.close();
}, 120_000);

it("the policies read as sentences in Portuguese and Spanish (a phone)", async () => {
  const ctx = await browser.newContext({ viewport: phone, deviceScaleFactor: 1, locale: "pt-PT", timezoneId: "Europe/Lisbon" });
  const { page, errors } = await open(ctx, server.url);
  await card(page, "Marina Hotel").getByText("Condições e contacto").click();
  await expect(policies(page, "Marina Hotel")).resolves.toEqual([
    expect.stringMatching(/^Crianças a partir dos 12 anos são bem-vindas\. /),
    "Animais a pedido: pergunte ao alojamento antes de reservar. Taxa: 15,00\u00a0€ por noite.",
    "Estacionamento nas proximidades: 12,00\u00a0€ por noite. Reserve um lugar com antecedência.",
    "Só é permitido fumar nas áreas designadas.",
    "+351 289 000 000 · desk@marina.example",
  ]);
  await expectAccessible(page, "search policies pt");
  // The map's controls speak the page's language too.
  await card(page, "Marina Hotel").getByText("Mapa e direções").click();
  await card(page, "Marina Hotel").getByTestId("property-map").and(page.locator("[data-state=shown]")).waitFor();
  await expect(card(page, "Marina Hotel").getByRole("button", { name: "Aproximar" }).count()).resolves.toBe(1);
  await expect(card(page, "Marina Hotel").getByRole("region", { name: "Mapa de Marina Hotel" }).count()).resolves.toBe(1);
  await page.getByLabel("Idioma").selectOption("es");
  // The properties are read again in Spanish (their descriptions): wait for the card to be back.
  await waitUntil(async () => (await policies(page, "Marina Hotel")).length === 5 && (await policies(page, "Marina Hotel"))[3]!.startsWith("Solo"), "the Spanish policies");
  await expect(policies(page, "Marina Hotel")).resolves.toEqual([
    expect.stringMatching(/^Niños a partir de 12 años son bienvenidos\. /),
    "Mascotas bajo petición: pregunte al alojamiento antes de reservar. Tarifa: 15,00\u00a0€ por noche.",
    "Aparcamiento cerca: 12,00\u00a0€ por noche. Reserve una plaza con antelación.",
    "Solo se permite fumar en las zonas habilitadas.",
    "+351 289 000 000 · desk@marina.example",
  ]);
  // The results were drawn again in Spanish: open the policies and the map for the picture.
  await card(page, "Marina Hotel").getByText("Condiciones y contacto").click();
  await card(page, "Marina Hotel").getByText("Mapa y cómo llegar").click();
  await card(page, "Marina Hotel").getByTestId("property-map").and(page.locator("[data-state=shown]")).waitFor();
  await expect(card(page, "Marina Hotel").getByRole("button", { name: "Alejar" }).count()).resolves.toBe(1);
  await waitUntil(async () => (await card(page, "Marina Hotel").locator("img.leaflet-tile-loaded").count()) > 0, "tiles shown");
  await card(page, "Marina Hotel").scrollIntoViewIfNeeded();
  await screenshot(page, "web-guest-place-policies-es-phone");
  await expectAccessible(page, "search policies es");
  expect(errors).toEqual([]);
  await ctx.close();
}, 90_000);

it("a property without a location gets its address and a maps search, no map; a Keepr without tiles loads no map code at all", async () => {
  const ctx = await browser.newContext({ viewport: phone, deviceScaleFactor: 1, locale: "en-GB", timezoneId: "Europe/Lisbon" });
  const { page, errors, mapCode } = await open(ctx, server.url);
  const rooms = card(page, "Old Town Rooms");
  await rooms.getByText("Map and directions").click();
  await expect(rooms.getByTestId("open-in-maps").getAttribute("href")).resolves.toBe("https://www.openstreetmap.org/search?query=Rua%20do%20Castelo%203%2C%20Faro");
  await expect(rooms.getByTestId("property-map").count()).resolves.toBe(0);
  await rooms.getByText("Policies and contact").click();
  await expect(policies(page, "Old Town Rooms")).resolves.toEqual([
    "Children count towards each room's guests (rooms here sleep up to 2); their price is in each rate's total.",
    "Not stated: ask the property.",
    "Not stated: ask the property.",
  ]);
  expect(mapCode()).toBe(0);
  await expectAccessible(page, "search, no location");
  await ctx.close();

  const plain = await browser.newContext({ viewport: phone, deviceScaleFactor: 1, locale: "en-GB", timezoneId: "Europe/Lisbon" });
  const bare = await open(plain, withoutTiles.url);
  const hotel = card(bare.page, "Marina Hotel");
  const settings = bare.page.waitForResponse((r) => new URL(r.url()).pathname === "/config.json");
  await hotel.getByText("Map and directions").click();
  await expect((await settings).json()).resolves.toEqual({ mapTiles: null });
  await expect(hotel.getByTestId("open-in-maps").getAttribute("href")).resolves.toContain("mlat=37.014600");
  // The app asked for its settings, heard "no map", and drew none.
  await waitUntil(async () => (await hotel.getByTestId("property-map").count()) === 0, "the map left out");
  expect(bare.mapCode()).toBe(0);
  await hotel.scrollIntoViewIfNeeded();
  await screenshot(bare.page, "web-guest-place-no-tiles-phone");
  await expectAccessible(bare.page, "search, no tiles");
  expect([...errors, ...bare.errors]).toEqual([]);
  await plain.close();
}, 90_000);
