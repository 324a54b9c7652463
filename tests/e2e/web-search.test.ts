// Issue 22, search that helps choosing, in headless Chromium against a real
// Keepr: two hotels in Porto. Sorted by lowest total or by name (hotels, their
// rooms, their rates); filtered to free cancellation, a meal plan, a room
// feature, by keyboard, kept in the URL (a reload keeps them) and asking
// nothing more of the API; a party of nine told what each room sleeps (not
// "nothing is free") with a search for a party one room takes; a party of
// three told which room types are too small; each hotel's check-in and
// check-out times, children, pets and parking as its data has them, and its
// contact. Desktop and a 390 px phone, axe on every state;
// docs/screenshots/web-guest-search-*.png.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { endBrowserTest, waitUntil } from "../helpers/browser.ts";
import { addDays, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import type { TestDatabase } from "../helpers/db.ts";
import type { TestServer } from "../helpers/server.ts";
import { desktop, expectAccessible, openGuestApp, phone, screenshot, startGuestAppTest } from "../helpers/web-app.ts";

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let ribeira: Hotel;
let alfama: Hotel;

const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.ownerPool.query(sql, params)).rows as T[];

async function open(ctx: BrowserContext, url: string): Promise<{ page: Page; errors: string[]; searches: () => number }> {
  let searches = 0;
  const { page, errors } = await openGuestApp(ctx, `${server.url}${url}`, (page) =>
    page.on("request", (r) => {
      if (r.url().includes("/graphql") && /query[+ ]Search\(/.test(decodeURIComponent(r.url()))) searches++;
    }));
  await page.locator(".results[data-state=done]").waitFor();
  return { page, errors, searches: () => searches };
}

/** Desktop and phone screenshots; nothing scrolls sideways on either. */
async function shots(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? desktop;
  for (const [viewport, suffix] of [[desktop, "desktop"], [phone, "phone"]] as const) {
    await page.setViewportSize(viewport);
    await screenshot(page, `web-guest-search-${name}-${suffix}`);
  }
  await page.setViewportSize(size);
}

/** The hotels as shown, each with its rooms and their rates in order: "Ribeira Hotel: Double Room [Saver, Flexible] | …". */
const shown = (page: Page) =>
  page.evaluate<string[]>(`[...document.querySelectorAll(".property-card:not(.skeleton)")].map((p) => p.querySelector("h3").textContent + ": " +
    [...p.querySelectorAll(".room-card")].map((r) => r.dataset.room + " [" + [...r.querySelectorAll(".rate")].map((x) => x.dataset.rate).join(", ") + "]").join(" | "))`);

const url = (adults: number, children = 0, extra = "") => {
  const arrival = localDate(ribeira.timeZone, 25);
  return `/?where=city:Porto&arrival=${arrival}&departure=${addDays(arrival, 2)}&adults=${adults}&children=${children}${extra}`;
};

beforeAll(async () => {
  ({ db, server, browser } = await startGuestAppTest());
  // Ribeira Hotel: a Double Room (sleeps 2, balcony) on Flexible (refundable, room only, €90) and Saver
  // (non-refundable, breakfast, €80); a Family Suite (sleeps 4, cot) on Family (refundable, breakfast, €150).
  // Parking and pets in its amenities; check-in 14:00, its phone and email.
  ribeira = await createHotel(db.ownerPool, { units: 3, maxOccupancy: 2, ratePlan: { base_price: 9000 } });
  await q(
    `update app_public.properties set name = 'Ribeira Hotel', city = 'Porto', check_in_time = '14:00', check_out_time = '11:00',
            amenities = '{wifi,parking,pets_allowed}', contact_phone = '+351 22 000 0000', contact_email = 'desk@ribeira.example' where id = $1`,
    [ribeira.propertyId],
  );
  await q("update app_public.room_types set name = 'Double Room', amenities = '{balcony,wifi}' where id = $1", [ribeira.roomTypeId]);
  await q(
    `insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests, is_refundable, meal_plan)
     values ($1, $2, 'Saver', 'EUR', 8000, 2, false, 'breakfast')`,
    [ribeira.propertyId, ribeira.roomTypeId],
  );
  const suite = (await q<{ id: string }>(
    "insert into app_public.room_types (property_id, name, max_occupancy, amenities) values ($1, 'Family Suite', 4, '{crib,kitchenette}') returning id",
    [ribeira.propertyId],
  ))[0]!.id;
  await q("insert into app_public.units (property_id, room_type_id, name) values ($1, $2, 'S1'), ($1, $2, 'S2')", [ribeira.propertyId, suite]);
  await q(
    `insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests, is_refundable, meal_plan)
     values ($1, $2, 'Family', 'EUR', 15000, 4, true, 'breakfast')`,
    [ribeira.propertyId, suite],
  );
  // Alfama Guesthouse: one Attic Room (sleeps 2) on Flexible (refundable, room only, €130); nothing said of pets or parking.
  alfama = await createHotel(db.ownerPool, { units: 2, maxOccupancy: 2, ratePlan: { base_price: 13000 } });
  await q("update app_public.properties set name = 'Alfama Guesthouse', city = 'Porto' where id = $1", [alfama.propertyId]);
  await q("update app_public.room_types set name = 'Attic Room' where id = $1", [alfama.roomTypeId]);
}, 240_000);

afterAll(() => endBrowserTest({ browser, server, db }));

it("sorts by lowest total or by name: the hotels, their rooms and their rates; the order is in the URL", async () => {
  const ctx = await browser.newContext({ viewport: desktop, deviceScaleFactor: 1, locale: "en-GB", timezoneId: "Europe/Lisbon" });
  const { page, errors, searches } = await open(ctx, url(2));
  await page.getByLabel("Sort by").selectOption("price");
  await page.waitForURL(/sort=price/);
  await expect(shown(page)).resolves.toEqual([
    "Ribeira Hotel: Double Room [Saver, Flexible] | Family Suite [Family]",
    "Alfama Guesthouse: Attic Room [Flexible]",
  ]);
  await page.getByLabel("Sort by").selectOption("name");
  await page.waitForURL(/sort=name/);
  await expect(shown(page)).resolves.toEqual([
    "Alfama Guesthouse: Attic Room [Flexible]",
    "Ribeira Hotel: Double Room [Flexible, Saver] | Family Suite [Family]",
  ]);
  // Sorting asked nothing more of the API.
  expect(searches()).toBe(1);
  await shots(page, "sorted");
  await expectAccessible(page, "search sorted");
  expect(errors).toEqual([]);
  await ctx.close();
}, 90_000);

it("filters to free cancellation, breakfast and a balcony, by keyboard; kept after a reload", async () => {
  const ctx = await browser.newContext({ viewport: phone, deviceScaleFactor: 1, locale: "en-GB", timezoneId: "Europe/Lisbon" });
  const { page, errors, searches } = await open(ctx, url(2, 0, "&sort=price"));
  await expect(page.getByTestId("search-status").textContent()).resolves.toBe("7 rooms available for 2 nights.");
  // Free cancellation: the Saver rate goes.
  await page.getByLabel("Free cancellation").focus();
  await page.keyboard.press("Space");
  await page.waitForURL(/refundable=1/);
  await expect(shown(page)).resolves.toEqual([
    "Ribeira Hotel: Double Room [Flexible] | Family Suite [Family]",
    "Alfama Guesthouse: Attic Room [Flexible]",
  ]);
  await expect(page.getByTestId("search-status").textContent()).resolves.toBe("7 rooms match your choice, of 7 available for 2 nights.");
  // And breakfast: the Family Suite only.
  await page.getByLabel("Breakfast included").focus();
  await page.keyboard.press("Space");
  await page.waitForURL(/meal=breakfast/);
  await expect(shown(page)).resolves.toEqual(["Ribeira Hotel: Family Suite [Family]"]);
  await expect(page.getByTestId("search-status").textContent()).resolves.toBe("2 rooms match your choice, of 7 available for 2 nights.");
  await shots(page, "filtered");
  await expectAccessible(page, "search filtered");
  // And a balcony: nothing has all three.
  await page.getByLabel("Balcony").focus();
  await page.keyboard.press("Space");
  await page.waitForURL(/feature=balcony/);
  await expect(shown(page)).resolves.toEqual([]);
  await expect(page.getByTestId("search-status").textContent()).resolves.toBe("0 rooms match your choice, of 7 available for 2 nights.");
  expect(searches()).toBe(1);
  // A reload keeps the choice.
  await page.reload();
  await page.locator(".results[data-state=done]").waitFor();
  await expect(page.getByLabel("Balcony").isChecked()).resolves.toBe(true);
  await expect(page.getByLabel("Free cancellation").isChecked()).resolves.toBe(true);
  await page.getByLabel("Breakfast included").uncheck();
  await expect(shown(page)).resolves.toEqual(["Ribeira Hotel: Double Room [Flexible]"]);
  // A forged link: an unknown sort, markup as a meal plan, a feature no room has: ignored or matching nothing, never run.
  await page.goto(`${server.url}${url(2, 0, "&sort=evil&meal=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&feature=no_such_thing")}`);
  await page.locator(".results[data-state=done]").waitFor();
  await expect(page.getByLabel("Sort by").inputValue()).resolves.toBe("recommended");
  await expect(page.getByTestId("search-status").textContent()).resolves.toBe("0 rooms match your choice, of 7 available for 2 nights.");
  await expect(page.locator("img[src=x]").count()).resolves.toBe(0);
  // The filter the link chose is on the form, to be unchosen.
  await expect(page.getByLabel("no such thing").isChecked()).resolves.toBe(true);
  await page.getByLabel("no such thing").click(); // (once unchosen it is gone: no room has it)
  await expect(page.getByTestId("search-status").textContent()).resolves.toBe("7 rooms available for 2 nights.");
  expect(errors).toEqual([]);
  await ctx.close();
}, 90_000);

it("a party no room sleeps is told what each room sleeps, and searches for a party one room takes; a party of three which rooms are too small", async () => {
  const ctx = await browser.newContext({ viewport: desktop, deviceScaleFactor: 1, locale: "en-GB", timezoneId: "Europe/Lisbon" });
  const { page, errors } = await open(ctx, url(6, 3));
  await expect(page.getByTestId("search-status").textContent()).resolves.toBe("No single room sleeps 9 guests (the largest sleep 4): book several rooms together, as proposed below.");
  const tooSmall = page.getByTestId("too-small");
  await expect(tooSmall.locator("li").allTextContents()).resolves.toEqual([
    "Family Suite (Ribeira Hotel): at most 4 guests",
    expect.stringMatching(/^(Double Room \(Ribeira Hotel\)|Attic Room \(Alfama Guesthouse\)): at most 2 guests$/),
    expect.stringMatching(/^(Double Room \(Ribeira Hotel\)|Attic Room \(Alfama Guesthouse\)): at most 2 guests$/),
  ]);
  expect(await page.locator("main").textContent()).not.toContain("Nothing is free");
  // Each hotel's room combinations (a chunk loaded now), then the page as the guest sees it.
  await page.locator("[data-testid=combinations][aria-busy=false]").nth(1).waitFor(); // both hotels answered
  await expect(page.locator('[data-testid=combinations][data-property="Ribeira Hotel"] [data-testid=combination] .rate-name').first().textContent()).resolves.toMatch(/^\d rooms: /);
  await shots(page, "large-party");
  await expectAccessible(page, "search large party");
  await tooSmall.getByRole("link", { name: "Search rooms for 4" }).click();
  await page.waitForURL(/adults=4/);
  // The new search's results: the list of the party of 9 (nothing shown) is "done" too until the new search starts.
  const forFour = JSON.stringify(["Ribeira Hotel: Family Suite [Family]"]);
  let last: string[] = [];
  await waitUntil(async () => JSON.stringify((last = await shown(page))) === forFour, "the results for a party of 4", 15_000, () => JSON.stringify(last));

  // Three guests: the rooms for two are named, not silently left out.
  await page.goto(`${server.url}${url(3)}`);
  await page.locator(".results[data-state=done]").waitFor();
  await expect(page.getByTestId("search-status").textContent()).resolves.toBe("2 rooms available for 2 nights.");
  await expect(page.getByTestId("too-small").locator("p").first().textContent()).resolves.toBe("2 room types sleep fewer than 3 guests and are not shown:");
  await expectAccessible(page, "search party of three");
  expect(errors).toEqual([]);
  await ctx.close();
}, 90_000);

it("each hotel says its check-in and check-out times, its policies as its data has them, and its contact (Spanish too)", async () => {
  const ctx = await browser.newContext({ viewport: phone, deviceScaleFactor: 1, locale: "en-GB", timezoneId: "Europe/Lisbon" });
  const { page, errors } = await open(ctx, url(2, 0, "&sort=name"));
  const [alfamaCard, ribeiraCard] = [page.locator(".property-card").nth(0), page.locator(".property-card").nth(1)];
  await expect(ribeiraCard.getByTestId("property-times").textContent()).resolves.toBe("Check-in from 14:00 · check-out until 11:00");
  await ribeiraCard.getByText("Policies and contact").click();
  const policies = await ribeiraCard.getByTestId("property-policies").locator("dd").allTextContents();
  expect(policies).toEqual([
    "Children count towards each room's guests (rooms here sleep up to 4); their price is in each rate's total. Cots on request in some rooms.",
    "Pets are allowed.",
    "Parking at the property.",
    "+351 22 000 0000 · desk@ribeira.example",
  ]);
  await expect(ribeiraCard.getByRole("link", { name: "+351 22 000 0000" }).getAttribute("href")).resolves.toBe("tel:+351220000000");
  await alfamaCard.getByText("Policies and contact").click();
  await expect(alfamaCard.getByTestId("property-policies").locator("dd").allTextContents()).resolves.toEqual([
    "Children count towards each room's guests (rooms here sleep up to 2); their price is in each rate's total.",
    "Not stated: ask the property.",
    "Not stated: ask the property.",
  ]);
  await shots(page, "policies");
  await expectAccessible(page, "search policies open");
  await page.getByLabel("Language").selectOption("es");
  await expect(ribeiraCard.getByTestId("property-times").textContent()).resolves.toBe("Entrada a partir de las 14:00 · salida hasta las 11:00");
  await expect(ribeiraCard.getByTestId("property-policies").locator("dd").nth(1).textContent()).resolves.toBe("Se admiten mascotas.");
  await expectAccessible(page, "search policies es");
  expect(errors).toEqual([]);
  await ctx.close();
}, 90_000);
