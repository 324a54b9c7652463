// Issue 22, a guest's promo code at the front desk, in headless Chromium
// against a real Keepr server, as the front desk. New booking (desktop): the
// Price choice "The guest's promo code"; another property's code is refused
// at the field, the property's code is a discount line of the quote, the
// hold keeps it and the confirmation counts its use. New group (desktop): one
// code for every room, refused at its field when it does not fit a room, or
// shown as one line (its sum over the rooms) above the total; the group is
// held and confirmed and the code counted once. On a phone (390×844) both
// screens with a code applied, without sideways scroll. Axe on every
// screen. Screenshots docs/screenshots/admin-desk-promo-*.png.
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { axeViolations, endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow } from "../helpers/browser.ts";
import { chooseOption, signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let h: Hotel;
let deskEmail: string;
let suitePlanId: string;
const contexts: BrowserContext[] = [];

/** A full-page screenshot from the top (scrolled down, the sticky app bar would cover the page's heading). */
const shot = async (page: Page, name: string) => {
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshots, `admin-desk-promo-${name}.png`), animations: "disabled", fullPage: true });
};
const usesOf = async (code: string) =>
  (await db.ownerPool.query<{ uses: number }>("select uses from app_public.promo_codes where property_id = $1 and code = $2", [h.propertyId, code])).rows[0]!.uses;

beforeAll(async () => {
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool, { units: 4 });
  const other = await createHotel(db.ownerPool);
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [h.propertyId]);
  const suite = await db.ownerPool.query<{ id: string }>("insert into app_public.room_types (property_id, name, max_occupancy) values ($1, 'Suite', 4) returning id", [h.propertyId]);
  await db.ownerPool.query("insert into app_public.units (property_id, room_type_id, name) values ($1, $2, '201')", [h.propertyId, suite.rows[0]!.id]);
  suitePlanId = (await db.ownerPool.query<{ id: string }>(
    "insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests) values ($1, $2, 'Suite flexible', 'EUR', 18000, 2) returning id",
    [h.propertyId, suite.rows[0]!.id],
  )).rows[0]!.id;
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.manager });
    await c.query("select app_public.create_promo_code($1, 'DESK15', 15)", [h.propertyId]);
    await c.query("select app_public.create_promo_code($1, 'GROUP10', 10)", [h.propertyId]);
    await c.query("select app_public.create_promo_code($1, 'SUITES', 20, rate_plan_ids => array[$2::uuid])", [h.propertyId, suitePlanId]);
    await actAs(c, { role: "keepr_staff", userId: other.manager });
    await c.query("select app_public.create_promo_code($1, 'THEIRS', 50)", [other.propertyId]);
  });
  deskEmail = await withPassword(db.ownerPool, h.frontDesk, "Diego Desk");
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await endBrowserTest({ browser, server, db });
});

async function quoteWithCode(page: Page, arrival: string, code: string) {
  await page.goto(`${server.url}/admin/bookings/new`);
  await page.getByTestId("new-booking").waitFor();
  await page.getByLabel("Arrival").fill(arrival);
  await page.getByLabel("Departure").fill(addDays(arrival, 2));
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByTestId("search-results").locator('[data-rate-plan="Flexible"]').getByRole("button", { name: /Quote/ }).click();
  const quote = page.getByTestId("quote");
  await quote.getByTestId("quote-total").filter({ hasText: "€200.00" }).waitFor();
  const options = quote.getByTestId("desk-options");
  await chooseOption(page, "Price", "The guest's promo code", options);
  await options.getByLabel("Promo code").fill(code);
  await options.getByTestId("apply-promo").click();
  return { quote, options };
}

async function groupWithCode(page: Page, arrival: string, code: string) {
  await page.goto(`${server.url}/admin/groups/new`);
  await page.getByTestId("new-group").waitFor();
  await page.getByLabel("Arrival").fill(arrival);
  await page.getByLabel("Departure").fill(addDays(arrival, 2));
  await chooseOption(page, "Room 1: room type and rate", "Double · Flexible");
  await page.getByTestId("add-room").click();
  await page.getByLabel("Promo code").fill(code);
  await page.getByTestId("quote-group").click();
}

describe("the front desk on a desktop", () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await signInToConsole(await newContext(browser, { device: "desktop", track: contexts }), server.url, deskEmail));
  });

  it("New booking: another property's code is refused at its field; the property's code is a line of the quote, kept by the hold and counted at confirmation", async () => {
    const arrival = localDate(h.timeZone, 5);
    const { quote, options } = await quoteWithCode(page, arrival, "theirs");
    await options.getByText("This promo code is not valid here.").waitFor();
    await expect(page.getByTestId("hold-room").count()).resolves.toBe(0);
    await options.getByLabel("Promo code").fill("desk15");
    await options.getByTestId("apply-promo").click();
    await quote.getByTestId("quote-total").filter({ hasText: "€170.00" }).waitFor();
    const line = quote.locator('[data-kind="discount"]');
    await expect(line.textContent()).resolves.toBe("Promo code DESK15 (15% off)-€30.00");
    await expect(options.getByTestId("promo-code-applied").textContent()).resolves.toContain("Promo code DESK15");
    await shot(page, "quote-desktop");
    await expectAccessible(page);

    await page.getByTestId("hold-room").click();
    await page.getByTestId("held-unit").filter({ hasText: /^10\d$/ }).waitFor();
    await page.getByLabel("Email").fill("ada@example.com");
    await page.getByLabel("Full name").fill("Ada Lovelace");
    await page.getByTestId("confirm-booking").click();
    await page.getByTestId("confirmation-code").waitFor();
    const booked = (await db.ownerPool.query<{ total: string; code: string }>(
      `select r.total_amount::text as total, pc.code from app_public.reservations r join app_public.promo_codes pc on pc.id = r.promo_code_id
        where r.property_id = $1 and lower(r.stay) = $2 and r.status = 'confirmed'`, [h.propertyId, arrival])).rows;
    expect(booked).toEqual([{ total: "17000", code: "DESK15" }]);
    expect(await usesOf("DESK15")).toBe(1);
    expect(errors).toEqual([]);
  });

  it("New group: a code not for a room's rate is refused at its field naming the room; one code for every room is one line above the total and one use", async () => {
    const arrival = localDate(h.timeZone, 9);
    await groupWithCode(page, arrival, "suites");
    await page.getByText("Room 1: This promo code is not for this rate.").waitFor();
    await expect(page.getByTestId("hold-group").count()).resolves.toBe(0);
    await page.getByLabel("Promo code").fill("group10");
    await page.getByTestId("quote-group").click();
    await page.getByTestId("group-total").filter({ hasText: "€360.00" }).waitFor();
    await expect(page.getByTestId("group-promo-line").textContent()).resolves.toBe("Promo code GROUP10 (10% off) · -€40.00 on 2 rooms");
    await shot(page, "group-desktop");
    await expectAccessible(page);

    await page.getByTestId("hold-group").click();
    await page.getByTestId("group-booker").waitFor();
    await page.getByLabel("Booker's full name").fill("Carol Smith");
    await page.getByLabel("Email").fill("carol@example.com");
    expect(await axeViolations(page)).toEqual([]); // the hold's countdown never stops: no waiting for quiet
    await page.getByTestId("confirm-group").click();
    await page.getByTestId("group-page").waitFor();
    expect(await usesOf("GROUP10")).toBe(1);
    const rooms = (await db.ownerPool.query<{ n: number }>(
      `select count(*)::int as n from app_public.reservations r join app_public.promo_codes pc on pc.id = r.promo_code_id
        where r.property_id = $1 and pc.code = 'GROUP10' and r.status = 'confirmed'`, [h.propertyId])).rows[0]!.n;
    expect(rooms).toBe(2);
    expect(errors).toEqual([]);
  });
});

describe("the front desk on a phone", () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await signInToConsole(await newContext(browser, { device: "phone", track: contexts }), server.url, deskEmail));
  });

  it("applies a code on New booking and on New group without scrolling sideways", async () => {
    const arrival = localDate(h.timeZone, 14);
    const { quote } = await quoteWithCode(page, arrival, "DESK15");
    await quote.getByTestId("quote-total").filter({ hasText: "€170.00" }).waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await shot(page, "quote-phone");
    await expectAccessible(page);

    await groupWithCode(page, arrival, "GROUP10");
    await page.getByTestId("group-promo-line").waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await shot(page, "group-phone");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });
});
