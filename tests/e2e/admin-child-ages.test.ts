// The staff console books children's ages (issue 22), in headless Chromium
// against a real Keepr server, as the front desk of a hotel whose Flexible
// rate prices children by age (free below 3, €25.00 a night from 3 to 11,
// as adults from 12). On a 1440 px desktop:
// - New booking: 2 adults and 2 children; Search without the ages says which
//   is missing (nothing searched); with ages 2 and 8 the rate, the quote and
//   the hold carry the 8-year-old's supplement (€250.00 for two nights), a
//   changed age re-prices the quote at once, and the booking keeps the ages;
// - New group: a room with a child is quoted once its age is given; the
//   party's suggestions ask the ages too and the rooms they fill keep them;
// - a confirmed group's Add room: a child's missing age is Add's reason, an
//   age prices the room (Under 1 free, 8 the supplement) and the added room
//   keeps it;
// - Edit guest: a child added to a booking of two adults, its age first, the
//   new price shown, then saved with the age (the page says "age 4"); a
//   child younger than the property welcomes is refused (RESTRICTED, the
//   API's words) in the price and at Save, and nothing changes.
// On a 390 px phone, the new booking's ages and the Edit guest dialog (the
// booking's own age prefilled) fit the screen. Axe on each screen;
// screenshots docs/screenshots/admin-child-ages-*.png.
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow } from "../helpers/browser.ts";
import { chooseOption, signInToConsole, withPassword } from "../helpers/console.ts";
import { book, confirm, confirmGroup, createHotel, hold, holdGroup, localDate, quoteGroup, type Hotel } from "../helpers/booking.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;
let deskEmail: string;
const contexts: BrowserContext[] = [];

const shot = async (page: Page, name: string, fullPage = false) => {
  if (fullPage) await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshots, `admin-child-ages-${name}.png`), animations: "disabled", fullPage });
};

const day = (n: number) => localDate(hotel.timeZone, n);

async function signIn(device: "desktop" | "phone"): Promise<{ page: Page; errors: string[] }> {
  return signInToConsole(await newContext(browser, { device, track: contexts }), server.url, deskEmail);
}

beforeAll(async () => {
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db, {}, { realtime: true });
  hotel = await createHotel(db.ownerPool, {
    units: 4,
    maxOccupancy: 5,
    ratePlan: { base_price: 10000, included_guests: 2, child_free_below_age: 3, child_adult_from_age: 12, child_supplement_amount: 2500 },
  });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [hotel.propertyId]);
  deskEmail = await withPassword(db.ownerPool, hotel.frontDesk, "Diego Desk");
  browser = await launchBrowser();
}, 240_000);

afterAll(() => endBrowserTest({ contexts, browser, server, db }));

describe("the front desk on a 1440 px desktop", () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await signIn("desktop"));
  });

  it("books 2 adults and children of 2 and 8: the supplement is in the price, a changed age re-prices, the booking keeps the ages", async () => {
    await page.getByRole("menuitem", { name: "New booking" }).click();
    await page.getByTestId("new-booking").waitFor();
    await page.getByLabel("Arrival").fill(day(10));
    await page.getByLabel("Departure").fill(day(12));
    await page.getByLabel("Children").fill("2");
    const ages = page.getByTestId("child-ages");
    await ages.getByRole("combobox", { name: "Age of child 2" }).waitFor();
    // Searching without the ages says what is missing; nothing is searched.
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByTestId("child-ages-error").getByText("Choose the age of each child (child 1 has none).").waitFor();
    await expect(page.getByTestId("search-results").count()).resolves.toBe(0);
    await expectAccessible(page);

    await chooseOption(page, "Age of child 1", "2", ages);
    await chooseOption(page, "Age of child 2", "8", ages);
    await page.getByRole("button", { name: "Search" }).click();
    const results = page.getByTestId("search-results");
    await results.getByText("2 adults, 2 children (ages 2, 8)").waitFor();
    const flexible = results.locator('[data-rate-plan="Flexible"]');
    // Two nights at €100.00, and the 8-year-old's €25.00 a night (the 2-year-old is free).
    await flexible.getByText("€250.00").waitFor();
    await flexible.getByRole("button", { name: /Quote/ }).click();
    const quote = page.getByTestId("quote");
    await quote.getByTestId("quote-total").filter({ hasText: "€250.00" }).waitFor();
    await expect(quote.locator('[data-kind="child"]').count()).resolves.toBeGreaterThan(0);
    await shot(page, "booking-desktop", true);
    await expectAccessible(page);

    // A changed age re-prices the rates and the quote at once: the 2-year-old is 5, two supplements.
    await chooseOption(page, "Age of child 1", "5", ages);
    await quote.getByTestId("quote-total").filter({ hasText: "€300.00" }).waitFor();
    await flexible.getByText("€300.00").waitFor();
    await chooseOption(page, "Age of child 1", "2", ages);
    await quote.getByTestId("quote-total").filter({ hasText: "€250.00" }).waitFor();
    await expect(quote.getAttribute("aria-busy")).resolves.not.toBe("true");

    await page.getByTestId("hold-room").click();
    await page.getByTestId("hold-summary").getByText(/2 adults, 2 children \(ages 2, 8\)/).waitFor();
    await page.getByLabel("Full name").fill("Ada Family");
    await page.getByTestId("confirm-booking").click();
    await page.waitForURL("**/admin/reservations/*/show");
    await page.getByTestId("reservation-guests").filter({ hasText: "2 adults, 2 children (ages 2, 8)" }).waitFor();
    const booked = await db.ownerPool.query(
      `select r.adults, r.children, r.child_ages, r.total_amount::text as total from app_public.reservations r
         join app_public.guests g on g.id = r.guest_id where r.property_id = $1 and g.full_name = 'Ada Family'`,
      [hotel.propertyId],
    );
    expect(booked.rows).toEqual([{ adults: 2, children: 2, child_ages: [2, 8], total: "25000" }]);
    expect(errors).toEqual([]);
  });

  it("adds a room with a child to a confirmed group: the age first, then its price, and the room keeps it", async () => {
    const q = await quoteGroup(db.ownerPool, [{ ratePlanId: hotel.ratePlanId, guestName: "Eve Stone" }], day(20), day(22));
    const held = await holdGroup(db.ownerPool, q.quote_token, "Stone reunion");
    await confirmGroup(db.ownerPool, held);
    await page.goto(`${server.url}/admin/groups/${held.booking_group_id}`);
    await page.getByTestId("group-rooms-count").filter({ hasText: "1 of 1" }).waitFor();
    await page.getByTestId("add-group-room").click();
    const dialog = page.getByTestId("add-group-room-dialog");
    await chooseOption(page, "Room type · rate plan", "Double · Flexible", dialog);
    await dialog.getByLabel("Children").fill("1");
    // No age, no price: Add says why.
    await dialog.getByTestId("child-ages-error").getByText("Choose the child's age.").waitFor();
    const add = dialog.locator('[data-confirm="add-group-room-dialog"]');
    await expect(add.isDisabled()).resolves.toBe(true);
    await expect(add.getAttribute("title")).resolves.toBe("Choose the child's age.");
    await chooseOption(page, "Age of child 1", "Under 1", dialog);
    await dialog.getByTestId("add-room-price").getByText("Adds €200.00").waitFor();
    await chooseOption(page, "Age of child 1", "8", dialog);
    await dialog.getByTestId("add-room-price").getByText("Adds €250.00").waitFor();
    await dialog.getByLabel("Guest name (optional)").fill("Finn Stone");
    await shot(page, "add-room-desktop");
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Add room for €250.00" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("group-rooms-count").filter({ hasText: "2 of 2" }).waitFor();
    await page.locator('[data-testid="group-room-row"][data-room-no="2"]').getByText(/2 adults, 1 child \(age 8\)/).waitFor();
    const rooms = await db.ownerPool.query(
      "select room_no, children, child_ages, total_amount::text as total from app_public.reservations where group_id = $1 order by room_no",
      [held.booking_group_id],
    );
    expect(rooms.rows).toEqual([
      { room_no: 1, children: 0, child_ages: null, total: "20000" },
      { room_no: 2, children: 1, child_ages: [8], total: "25000" },
    ]);
    expect(errors).toEqual([]);
  });

  it("quotes a new group whose room has a child: the age first, then the room's price with the supplement", async () => {
    await page.getByRole("menuitem", { name: "New group" }).click();
    await page.getByTestId("new-group").waitFor();
    await page.getByLabel("Arrival").fill(day(50));
    await page.getByLabel("Departure").fill(day(51));
    await chooseOption(page, "Room 1: room type and rate", "Double · Flexible");
    await page.getByLabel("Room 1: children").fill("1");
    const ages = page.getByTestId("room-1-ages");
    await page.getByTestId("quote-group").click();
    await ages.getByText("Choose the child's age.").waitFor();
    await expect(page.getByTestId("room-quote").count()).resolves.toBe(0);
    await chooseOption(page, "Age of child 1", "5", ages);
    await page.getByTestId("quote-group").click();
    // One night at €100.00 and the 5-year-old's €25.00.
    await page.getByTestId("room-quote").getByText("€125.00", { exact: true }).waitFor();
    await expectAccessible(page);

    // Suggestions for a party ask the ages too, and the rooms they fill keep them.
    await page.getByLabel("Party: adults").fill("2");
    await page.getByLabel("Party: children").fill("1");
    const partyAges = page.getByTestId("party-ages");
    await page.getByTestId("suggest-rooms").click();
    await partyAges.getByText("Choose the child's age.").waitFor();
    await chooseOption(page, "Age of child 1", "9", partyAges);
    await page.getByTestId("suggest-rooms").click();
    const first = page.getByTestId("combinations").getByRole("button", { name: /^Use these rooms: option 1,/ });
    await expect(page.getByTestId("combinations").textContent()).resolves.toContain("1 room: Double · sleeps 5 · €125.00");
    await first.click();
    await expect(ages.getByRole("combobox", { name: "Age of child 1" }).textContent()).resolves.toBe("9");
    await page.getByTestId("quote-group").click();
    await page.getByTestId("room-quote").getByText("€125.00", { exact: true }).waitFor();
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it("adds a child to a booking's party: its age first, the new price shown, saved with the age", async () => {
    const id = (await book(db.ownerPool, hotel.ratePlanId, day(30), day(31))).reservation_id;
    await page.goto(`${server.url}/admin/reservations/${id}/show`);
    await page.getByTestId("edit-guest").click();
    const dialog = page.getByTestId("edit-guest-dialog");
    await dialog.getByLabel("Children").fill("1");
    const save = dialog.locator('[data-confirm="edit-guest-dialog"]');
    await dialog.getByTestId("child-ages-error").getByText("Choose the child's age.").waitFor();
    await expect(save.isDisabled()).resolves.toBe(true);
    await chooseOption(page, "Age of child 1", "4", dialog);
    // One night at €100.00 and the 4-year-old's €25.00.
    await dialog.getByTestId("party-total").filter({ hasText: "€125.00" }).waitFor();
    await expect(dialog.getByTestId("party-price").textContent()).resolves.toContain("now €100.00");
    await shot(page, "edit-guest-desktop");
    await expectAccessible(page);
    await save.click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("reservation-guests").filter({ hasText: "2 adults, 1 child (age 4)" }).waitFor();
    const saved = await db.ownerPool.query("select children, child_ages, total_amount::text as total from app_public.reservations where id = $1", [id]);
    expect(saved.rows).toEqual([{ children: 1, child_ages: [4], total: "12500" }]);
    expect(errors).toEqual([]);
  });
});

describe("the front desk meets the API's refusal of an age", () => {
  afterAll(() => db.ownerPool.query("update app_public.properties set children_min_age = null, children_allowed = null where id = $1", [hotel.propertyId]));

  it("a child younger than the property welcomes: the price and the save say RESTRICTED in the API's words, nothing changes", async () => {
    const { page, errors } = await signIn("desktop");
    await db.ownerPool.query("update app_public.properties set children_allowed = true, children_min_age = 3 where id = $1", [hotel.propertyId]);
    const id = (await book(db.ownerPool, hotel.ratePlanId, day(60), day(61))).reservation_id;
    await page.goto(`${server.url}/admin/reservations/${id}/show`);
    await page.getByTestId("edit-guest").click();
    const dialog = page.getByTestId("edit-guest-dialog");
    await dialog.getByLabel("Children").fill("1");
    await chooseOption(page, "Age of child 1", "Under 1", dialog);
    const refusal = dialog.locator('[data-error-code="RESTRICTED"]');
    await refusal.getByText("This property welcomes children from the age of 3; a child of 0 cannot stay.").waitFor();
    await expect(refusal.textContent()).resolves.toContain("No price for this party");
    await dialog.locator('[data-confirm="edit-guest-dialog"]').click();
    await dialog.getByText("Not saved").waitFor();
    await expect(dialog.getByText("Something went wrong").count()).resolves.toBe(0);
    await expectAccessible(page);
    const row = await db.ownerPool.query("select children, child_ages, total_amount::text as total from app_public.reservations where id = $1", [id]);
    expect(row.rows).toEqual([{ children: 0, child_ages: null, total: "10000" }]);
    expect(errors).toEqual([]);
  });
});

describe("the front desk on a 390 px phone", () => {
  it("asks the ages of a new booking's children and edits a booking's party with its ages, with no sideways scroll", async () => {
    const { page, errors } = await signIn("phone");
    await page.goto(`${server.url}/admin/bookings/new?arrival=${day(14)}&departure=${day(15)}&adults=2&children=3`);
    const ages = page.getByTestId("child-ages");
    await ages.getByRole("combobox", { name: "Age of child 3" }).waitFor();
    await chooseOption(page, "Age of child 1", "Under 1", ages);
    await chooseOption(page, "Age of child 2", "6", ages);
    await chooseOption(page, "Age of child 3", "13", ages);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await page.getByRole("button", { name: "Search" }).click();
    // One night: €100.00, the 6-year-old's €25.00; the baby free, the 13-year-old an adult (no extra adult fee).
    await page.getByTestId("search-results").locator('[data-rate-plan="Flexible"] strong').getByText("€125.00").waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await shot(page, "booking-phone", true);
    await expectAccessible(page);

    // A booking with a child of 4: the dialog shows that age.
    const { rows } = await db.ownerPool.query<{ quote_token: string }>(
      "select quote_token from app_public.quote($1, $2, $3, 2, 1, child_ages => array[4])", [hotel.ratePlanId, day(40), day(41)]);
    const booked = await confirm(db.ownerPool, await hold(db.ownerPool, rows[0]!.quote_token));
    await page.goto(`${server.url}/admin/reservations/${booked.reservation_id}/show`);
    await page.getByTestId("edit-guest").click();
    const dialog = page.getByTestId("edit-guest-dialog");
    await expect(dialog.getByRole("combobox", { name: "Age of child 1" }).textContent()).resolves.toBe("4");
    await dialog.getByLabel("Children").fill("2");
    await chooseOption(page, "Age of child 2", "9", dialog);
    await dialog.getByTestId("party-total").filter({ hasText: "€150.00" }).waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await shot(page, "edit-guest-phone");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });
});
