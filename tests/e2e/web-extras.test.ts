// Issue 22: extras at booking on the Book step, in headless Chromium against
// a real Keepr. The property sells breakfast (per guest per night, up to 2
// each), parking (per night) and late check-out (per stay); a minibar the
// desk alone sells is not offered. Desktop in English by mouse: breakfast ×
// 2 and parking, the price table gains their lines and the total follows the
// quote; the hold keeps them. A 390 px phone in Portuguese by keyboard: the
// basis in Portuguese, the cleaning fee's Portuguese name (found by the
// line's fee id) and breakfast's ("Pequeno-almoço"). An extra withdrawn between the quote and Reserve is said
// and the price comes back without extras. Manage lists a booking's extras.
// Screenshots docs/screenshots/web-extras-*.png; axe clean.
import type { Browser } from "playwright-core";
import { endBrowserTest } from "../helpers/browser.ts";
import { addDays, confirm, createHotel, hold, localDate, type Hotel } from "../helpers/booking.ts";
import { actAs, inCommit, type TestDatabase } from "../helpers/db.ts";
import type { TestServer } from "../helpers/server.ts";
import { waitUntil } from "../helpers/wait.ts";
import { desktop, expectAccessible, openGuestApp, phone, screenshot, startGuestAppTest, tabTo, tabToText } from "../helpers/web-app.ts";

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;
const ids: Record<"breakfast" | "parking" | "late" | "minibar", string> = { breakfast: "", parking: "", late: "", minibar: "" };

beforeAll(async () => {
  ({ db, server, browser } = await startGuestAppTest());
  hotel = await createHotel(db.ownerPool);
  await inCommit(db.ownerPool, async (c) => {
    const fee = (await c.query<{ id: string }>(
      "insert into app_public.fees (property_id, name, basis, amount, currency) values ($1, 'Cleaning', 'per_stay', 2000, 'EUR') returning id", [hotel.propertyId],
    )).rows[0]!.id;
    const add = async (name: string, price: number, basis: string, bookable: boolean, max: number, order: number) =>
      (await c.query<{ id: string }>(
        `insert into app_public.folio_extras (property_id, name, unit_price, currency, is_bookable, booking_basis, max_quantity, sort_order)
         values ($1, $2, $3, 'EUR', $4, $5, $6, $7) returning id`,
        [hotel.propertyId, name, price, bookable, basis, max, order],
      )).rows[0]!.id;
    ids.breakfast = await add("Breakfast", 1500, "per_guest_night", true, 2, 1);
    ids.parking = await add("Parking", 1200, "per_night", true, 1, 2);
    ids.late = await add("Late check-out", 3000, "per_stay", true, 1, 3);
    ids.minibar = await add("Minibar", 500, "per_stay", false, 5, 4);
    await actAs(c, { role: "keepr_staff", userId: hotel.manager });
    await c.query("select app_public.set_fee_translation($1, 'pt', 'Limpeza')", [fee]);
    await c.query("select app_public.set_extra_translation($1, 'pt', 'Pequeno-almoço')", [ids.breakfast]);
  });
}, 240_000);

afterAll(() => endBrowserTest({ browser, server, db }));

const heldExtras = async (arrival: string) =>
  (await db.ownerPool.query(
    `select r.total_amount::text as total, r.extras_amount::text as extras,
            array(select x.name || ' ' || x.quantity from app_public.reservation_extras x where x.reservation_id = r.id order by x.position) as chosen
       from app_public.reservations r where r.property_id = $1 and lower(r.stay) = $2`,
    [hotel.propertyId, arrival],
  )).rows;

it("desktop: the guest adds breakfast for two each and parking; the price table and total follow; the hold keeps them", async () => {
  const arrival = localDate(hotel.timeZone, 20);
  const ctx = await browser.newContext({ viewport: desktop, deviceScaleFactor: 1, locale: "en-GB" });
  const { page, errors } = await openGuestApp(ctx, `${server.url}/book?plan=${hotel.ratePlanId}&arrival=${arrival}&departure=${addDays(arrival, 2)}&adults=2`);
  const total = page.getByTestId("quote-total");
  await total.waitFor();
  // Two nights at 100.00 and the cleaning fee.
  expect(await total.textContent()).toMatch(/220[.,]00/);
  const extras = page.getByTestId("extras");
  await extras.waitFor();
  expect(await extras.getByRole("checkbox").count()).toBe(3);
  expect(await extras.textContent()).not.toContain("Minibar");
  expect(await extras.getByText("Breakfast", { exact: true }).locator("..").textContent()).toMatch(/15[.,]00 per guest per night/);

  await page.getByLabel(/^Breakfast/).check();
  // 2 guests × 2 nights × 15.00.
  await waitUntil(async () => /280[.,]00/.test((await total.textContent()) ?? ""), "the total with breakfast");
  await page.getByLabel("How many: Breakfast").selectOption("2");
  await waitUntil(async () => /340[.,]00/.test((await total.textContent()) ?? ""), "the total with two breakfasts each");
  await page.getByLabel(/^Parking/).check();
  await waitUntil(async () => /364[.,]00/.test((await total.textContent()) ?? ""), "the total with parking");
  const table = page.getByTestId("price-table");
  expect(await table.getByRole("row").filter({ hasText: "Breakfast × 2 (per guest per night)" }).textContent()).toMatch(/120[.,]00/);
  expect(await table.getByRole("row").filter({ hasText: "Parking (per night)" }).textContent()).toMatch(/24[.,]00/);
  expect(await page.getByTestId("summary-extras").textContent()).toBe("Breakfast × 2 (per guest per night), Parking (per night)");
  expect(await page.getByTestId("cancellation-terms").count()).toBe(1);
  await screenshot(page, "web-extras-desktop");
  await expectAccessible(page, "Book with extras, desktop");

  await page.getByRole("button", { name: "Reserve this room", exact: true }).click();
  await page.locator("#details-heading").waitFor();
  expect(await heldExtras(arrival)).toEqual([{ total: "36400", extras: "14400", chosen: ["Breakfast 2", "Parking 1"] }]);
  expect(errors).toEqual([]);
  await ctx.close();
}, 120_000);

it("phone, Portuguese, keyboard only: late check-out by Space; the basis, the fee and the taxes in Portuguese", async () => {
  const arrival = localDate(hotel.timeZone, 25);
  // VAT inside the prices (totals unchanged), on the rooms and on the late check-out.
  await inCommit(db.ownerPool, async (c) => {
    const vat = (await c.query<{ id: string }>(
      "insert into app_public.taxes (property_id, name, basis, percent, currency, is_inclusive, applies_to_penalty) values ($1, 'IVA', 'percent_of_room', 6, 'EUR', true, true) returning id",
      [hotel.propertyId],
    )).rows[0]!.id;
    await c.query("update app_public.folio_extras set tax_id = $1 where id = $2", [vat, ids.late]);
  });
  const ctx = await browser.newContext({ viewport: phone, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "pt-PT" });
  const { page, errors } = await openGuestApp(ctx, `${server.url}/book?plan=${hotel.ratePlanId}&arrival=${arrival}&departure=${addDays(arrival, 1)}&adults=2`);
  const total = page.getByTestId("quote-total");
  await total.waitFor();
  expect(await total.textContent()).toMatch(/120[.,]00/);
  const extras = page.getByTestId("extras");
  await extras.waitFor();
  expect(await extras.textContent()).toMatch(/Pequeno-almoço\s*15,00\s€ por hóspede por noite/);
  expect(await extras.textContent()).toContain("por estadia");
  // The cleaning fee's line, named by its fee id, in Portuguese.
  await page.getByTestId("price-table").getByRole("row").filter({ hasText: "Limpeza" }).waitFor();

  const late = page.getByLabel(/^Late check-out/);
  await tabTo(page, `extra-${ids.late}`);
  await page.keyboard.press("Space");
  await waitUntil(async () => /150[.,]00/.test((await total.textContent()) ?? ""), "the total with late check-out");
  await expect(late.isChecked()).resolves.toBe(true);
  // The taxes' lines in Portuguese (price_lines writes them in English: "IVA (6%, included) on Late check-out").
  const rows = page.getByTestId("price-table").getByRole("row");
  await rows.filter({ hasText: /^IVA \(6\s?%, incluído\) sobre Late check-out/ }).waitFor();
  await rows.filter({ hasText: /^IVA \(6\s?%, incluído\)(?! sobre)/ }).waitFor();
  expect(await page.getByTestId("price-table").textContent()).not.toMatch(/included|per night| on /);
  await screenshot(page, "web-extras-phone");
  await expectAccessible(page, "Book with an extra, phone, Portuguese");
  // Reserve by keyboard too.
  await tabToText(page, "Reservar este quarto");
  await page.keyboard.press("Enter");
  await page.locator("#details-heading").waitFor();
  expect(await heldExtras(arrival)).toEqual([{ total: "15000", extras: "3000", chosen: ["Late check-out 1"] }]);
  expect(errors).toEqual([]);
  await ctx.close();
}, 120_000);

it("desktop: an extra withdrawn between the quote and Reserve holds nothing; the price comes back without extras, saying why", async () => {
  const arrival = localDate(hotel.timeZone, 30);
  const ctx = await browser.newContext({ viewport: desktop, deviceScaleFactor: 1, locale: "en-GB" });
  const { page, errors } = await openGuestApp(ctx, `${server.url}/book?plan=${hotel.ratePlanId}&arrival=${arrival}&departure=${addDays(arrival, 1)}&adults=2`);
  const total = page.getByTestId("quote-total");
  await total.waitFor();
  await page.getByLabel(/^Parking/).check();
  await waitUntil(async () => /132[.,]00/.test((await total.textContent()) ?? ""), "the total with parking");
  await db.ownerPool.query("update app_public.folio_extras set is_active = false where id = $1", [ids.parking]);
  try {
    await page.getByRole("button", { name: "Reserve this room", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "An extra you chose is no longer offered." }).waitFor();
    await waitUntil(async () => /120[.,]00/.test((await total.textContent()) ?? ""), "the price without extras");
    expect(await page.getByTestId("price-table").textContent()).not.toContain("Parking");
    expect(await heldExtras(arrival)).toEqual([]);
    await screenshot(page, "web-extras-withdrawn-desktop");
    await expectAccessible(page, "Book after an extra was withdrawn");
  } finally {
    await db.ownerPool.query("update app_public.folio_extras set is_active = true where id = $1", [ids.parking]);
  }
  expect(errors).toEqual([]);
  await ctx.close();
}, 120_000);

it.each([
  ["desktop", desktop, "en-GB", "Breakfast (per guest per night)", "Cleaning", 40],
  ["phone", phone, "pt-PT", "Pequeno-almoço (por hóspede por noite)", "Limpeza", 45],
] as const)("%s: Manage lists the booking's extras and its fee by name in the guest's language", async (name, viewport, locale, breakfast, cleaning, offset) => {
  const email = `extras-manage-${name}@example.com`;
  const code = await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    const arrival = localDate(hotel.timeZone, offset);
    const q = (await c.query("select quote_token from app_public.quote($1, $2, $3, 2, 0, null, $4)",
      [hotel.ratePlanId, arrival, addDays(arrival, 2), JSON.stringify([{ extraId: ids.breakfast, quantity: 1 }])])).rows[0];
    return (await confirm(c, await hold(c, q.quote_token), undefined, email)).confirmation_code;
  });
  const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1, locale });
  const { page, errors } = await openGuestApp(ctx, `${server.url}/manage?code=${code}`);
  await page.locator("#lookup-email").fill(email);
  await page.locator("#lookup-email").press("Enter");
  const folio = page.getByTestId("folio");
  await folio.waitFor();
  expect(await folio.getByRole("row").filter({ hasText: breakfast }).textContent()).toMatch(/60[.,]00/);
  await folio.getByRole("row").filter({ hasText: cleaning }).waitFor();
  await page.getByTestId("summary-extras").filter({ hasText: breakfast }).waitFor();
  expect(await folio.locator("tfoot").textContent()).toMatch(/280[.,]00/);
  if (name === "phone") await screenshot(page, "web-extras-manage-phone");
  await expectAccessible(page, `Manage with extras, ${name}`);
  expect(errors).toEqual([]);
  await ctx.close();
}, 120_000);
