// Issue 22, Property › Content: where the property is and its policies, in
// headless Chromium against a real Keepr whose map tiles come from a tile
// server on this machine (tests/helpers/tiles.ts), on a 1440 px desktop and
// a 390 px phone. A manager types a latitude without a longitude (named on
// the field, nothing saved), then both: the guest preview draws the map from
// the configured tiles; chooses the policies, their details appearing only
// where the choice needs them (a pet fee, a parking price, where and whether
// to reserve), sees them in the preview and saves them in the one content
// mutation; the row holds codes and minor units. Via the API a value the
// database refuses is INVALID_INPUT naming the field. Axe clean, nothing
// scrolls sideways; docs/screenshots/admin-property-place-*.png.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow, waitUntil } from "../helpers/browser.ts";
import { chooseOption, signInToConsole, withPassword } from "../helpers/console.ts";
import { createHotel, type Hotel } from "../helpers/booking.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { startTileServer, type TileServer } from "../helpers/tiles.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let tiles: TileServer;
let hotel: Hotel;
const contexts: BrowserContext[] = [];

async function signIn(userId: string, kind: "desktop" | "phone"): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser, { device: kind, track: contexts });
  return signInToConsole(context, server.url, await withPassword(db.ownerPool, userId), { ready: "dashboard" });
}

const placeOf = async (propertyId: string) =>
  (await db.ownerPool.query(
    `select latitude, longitude, children_allowed, children_min_age, pets_policy, pet_fee_amount, pet_fee_per, parking_policy, parking_price_amount,
            parking_price_per, parking_location, parking_reservation_required, smoking_policy
       from app_public.properties where id = $1`,
    [propertyId],
  )).rows[0];

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await Promise.all([runAppBuildProcess("admin").report, runAppBuildProcess("web").report]);
  tiles = await startTileServer();
  db = await createTestDatabase();
  server = await startTestServer(db, { MAP_TILES_URL: tiles.template, MAP_TILES_ATTRIBUTION: "Keepr test tiles" }, { realtime: true });
  hotel = await createHotel(db.ownerPool, { units: 2 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel', address = 'Rua do Cais 12, Porto', city = 'Porto' where id = $1", [hotel.propertyId]);
  await withPassword(db.ownerPool, hotel.manager, "Marta Manager");
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await endBrowserTest({ contexts, browser, server, db });
  await tiles?.close();
});

it("a manager sets the location (both numbers or neither) with a preview map, and the policies with only the details each needs; one save (desktop)", async () => {
  const { page, errors } = await signIn(hotel.manager, "desktop");
  await page.goto(`${server.url}/admin/property`);
  const form = page.getByTestId("property-content");
  const preview = page.getByTestId("guest-preview");
  await form.waitFor();
  await expect(preview.getByTestId("preview-no-location").textContent()).resolves.toContain("No location");
  // A latitude alone is named on the longitude, and nothing is saved.
  await form.getByLabel("Latitude").fill("41.1408");
  await form.getByRole("button", { name: "Save content" }).click();
  await form.getByTestId("content-problems").waitFor();
  await expect(form.getByText("Give the longitude too, or clear both.").isVisible()).resolves.toBe(true);
  await form.getByLabel("Longitude").fill("-8.6131");
  // The preview draws the map from the configured tiles.
  const map = preview.getByTestId("preview-map");
  await map.and(page.locator("[data-state=shown]")).waitFor();
  await waitUntil(async () => (await preview.locator("img.leaflet-tile-loaded").count()) > 0, "the preview's tiles");
  expect(tiles.served.length).toBeGreaterThan(0);
  await expect(preview.locator(".leaflet-control-attribution").textContent()).resolves.toBe("Keepr test tiles");
  // Details appear only where a choice needs them.
  await expect(form.getByLabel("From age").count()).resolves.toBe(0);
  await chooseOption(page, /^Children$/, "Allowed", page.getByTestId("property-content"));
  await form.getByLabel("From age").fill("12");
  await chooseOption(page, /^Pets$/, "Not allowed", page.getByTestId("property-content"));
  await expect(form.getByLabel("Pet fee (EUR)").count()).resolves.toBe(0);
  await chooseOption(page, /^Pets$/, "On request", page.getByTestId("property-content"));
  await form.getByLabel("Pet fee (EUR)").fill("15");
  await chooseOption(page, /^Pet fee counted$/, "per stay", page.getByTestId("property-content"));
  await chooseOption(page, /^Car parking$/, "Paid", page.getByTestId("property-content"));
  await form.getByLabel("Parking price (EUR)").fill("20.50");
  await chooseOption(page, /^Where$/, "Nearby", page.getByTestId("property-content"));
  await form.getByLabel("Guests must reserve a space").check();
  await chooseOption(page, /^Smoking$/, "In designated areas only", page.getByTestId("property-content"));
  await expect(preview.getByTestId("preview-policies").locator("dd").allTextContents()).resolves.toEqual([
    "Welcome from 12 years old", "On request, €15.00 per stay", "€20.50 per night, nearby, reserve ahead", "In designated areas only",
  ]);
  await form.getByRole("button", { name: "Save content" }).click();
  await page.getByText("Property content saved. Guests see it now.").waitFor();
  expect(await placeOf(hotel.propertyId)).toEqual({
    latitude: 41.1408, longitude: -8.6131, children_allowed: true, children_min_age: 12, pets_policy: "on_request", pet_fee_amount: "1500", pet_fee_per: "stay",
    parking_policy: "paid", parking_price_amount: "2050", parking_price_per: "night", parking_location: "nearby", parking_reservation_required: true,
    smoking_policy: "designated_areas",
  });
  await expectAccessible(page, "property content with location and policies");
  expect(await sidewaysOverflow(page)).toBe(0);
  await page.getByText("Property content saved. Guests see it now.").waitFor({ state: "detached" });
  // The whole page: the form's location and policies, and the preview with its map and policies beside it.
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshots, "admin-property-place-desktop.png"), animations: "disabled", fullPage: true });
  // Free parking: its price is not sent (nor kept).
  await chooseOption(page, /^Car parking$/, "Free", page.getByTestId("property-content"));
  await expect(form.getByLabel("Parking price (EUR)").count()).resolves.toBe(0);
  await form.getByRole("button", { name: "Save content" }).click();
  await page.getByText("Property content saved. Guests see it now.").waitFor();
  await expect(placeOf(hotel.propertyId)).resolves.toMatchObject({ parking_policy: "free", parking_price_amount: null, parking_price_per: null, parking_location: "nearby" });
  expect(errors).toEqual([]);
}, 120_000);

it("on a phone the location and policies stack with the preview map below, nothing scrolls sideways, axe clean", async () => {
  const { page, errors } = await signIn(hotel.manager, "phone");
  await page.goto(`${server.url}/admin/property`);
  const form = page.getByTestId("property-content");
  await form.waitFor();
  await expect(form.getByLabel("Latitude").inputValue()).resolves.toBe("41.1408");
  await expect(form.getByLabel("Pet fee (EUR)").inputValue()).resolves.toBe("15.00");
  await page.getByTestId("preview-map").and(page.locator("[data-state=shown]")).waitFor();
  await expectAccessible(page, "property content on a phone");
  expect(await sidewaysOverflow(page)).toBe(0);
  await form.getByTestId("property-policies").scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(screenshots, "admin-property-place-phone.png"), animations: "disabled" });
  await page.getByTestId("preview-map").scrollIntoViewIfNeeded();
  await waitUntil(async () => (await page.locator("[data-testid=preview-map] img.leaflet-tile-loaded").count()) > 0, "the preview's tiles");
  await page.screenshot({ path: path.join(screenshots, "admin-property-place-preview-phone.png"), animations: "disabled" });
  expect(errors).toEqual([]);
}, 90_000);

it("via the API a value the database refuses is INVALID_INPUT naming the field, and nothing is written", async () => {
  const email = await withPassword(db.ownerPool, hotel.manager);
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword });
  const token = login.body.data!.login.result as string;
  const before = await placeOf(hotel.propertyId);
  const save = (extra: string) =>
    server.graphql(
      `mutation($id: UUID!) { updatePropertyContent(input: {propertyId: $id, expectedUpdatedAt: null, description: null, photoUrls: [], amenities: [],
        checkInTime: "15:00:00", checkOutTime: "11:00:00", contactEmail: null, contactPhone: null, arrivalInstructions: null, language: "en", ${extra}}) { result { rowId } } }`,
      { id: hotel.propertyId },
      { token },
    );
  for (const [extra, reason] of [
    ["latitude: 91, longitude: 0", "LATITUDE"],
    ["petsPolicy: \"no\", petFeeAmount: \"100\", petFeePer: \"night\"", "PET_FEE"],
    ["parkingPolicy: \"paid\", parkingLocation: \"on_site\", parkingReservationRequired: false", "PARKING_PRICE"],
    ["smokingPolicy: \"everywhere\"", "SMOKING"],
  ] as const) {
    const answer = await save(extra);
    expect({ extra, code: answer.body.errors?.[0]?.extensions?.code, reason: (answer.body.errors?.[0]?.extensions as { reason?: string } | undefined)?.reason }).toEqual({ extra, code: "INVALID_INPUT", reason });
  }
  await expect(placeOf(hotel.propertyId)).resolves.toEqual(before);
});
