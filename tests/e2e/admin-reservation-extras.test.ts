// The console's reservation page says what the guest booked beyond the room (issue 22), in headless Chromium
// against a real Keepr server, as the front desk on a 1440 px desktop and a 390 px phone:
// - a guest booked 2 adults and 2 children aged 4 and 8, breakfast for two and parking, in the guest app's API;
// - the reservation's summary and its Details say "2 adults, 2 children (ages 4, 8)", and Details lists the
//   extras with how many, their basis and their amount in the price locked at booking;
// - a booking without ages or extras says only its guests (no Extras field);
// - a group's page says each room's children's ages;
// - on a phone the page fits (no sideways scrolling). Axe clean on each screen;
//   screenshots docs/screenshots/admin-reservation-extras-*.png.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, confirmGroup, createBookableExtra, createHotel, hold, holdGroup, localDate, newKey, quoteGroup, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;
let deskEmail: string;
let withExtras: string;
let plain: string;
let groupId: string;
const contexts: BrowserContext[] = [];

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `admin-reservation-extras-${name}.png`), animations: "disabled" });

/** A booking made by a guest: its guests, children's ages and extras. */
async function book(offset: number, name: string, children: number, ages: number[] | null, extras: Array<{ extraId: string; quantity: number }>) {
  return inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    const arrival = localDate(hotel.timeZone, offset);
    const q = (await c.query("select quote_token from app_public.quote($1, $2, $3, 2, $4, null, $5, $6)",
      [hotel.ratePlanId, arrival, addDays(arrival, 2), children, extras.length ? JSON.stringify(extras) : null, ages])).rows[0];
    const held = await hold(c, q.quote_token);
    await c.query("select * from app_public.confirm_booking($1, $2, $3, $4, null, hold_token => $5)",
      [held.reservation_id, newKey(), name, `${name.split(" ")[0]!.toLowerCase()}@example.com`, held.hold_token]);
    return held.reservation_id as string;
  });
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db, {}, { realtime: true });
  hotel = await createHotel(db.ownerPool, { units: 3, maxOccupancy: 4 });
  const breakfast = await createBookableExtra(db.ownerPool, hotel, "Breakfast", 1500, "per_guest_night", 4);
  const parking = await createBookableExtra(db.ownerPool, hotel, "Parking", 1200, "per_night", 4);
  withExtras = await book(12, "Ada Lovelace", 2, [4, 8], [{ extraId: breakfast, quantity: 2 }, { extraId: parking, quantity: 1 }]);
  plain = await book(16, "Bob Plain", 0, null, []);
  groupId = await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    const arrival = localDate(hotel.timeZone, 20);
    const q = await quoteGroup(c, [{ ratePlanId: hotel.ratePlanId, adults: 2 }, { ratePlanId: hotel.ratePlanId, adults: 1, children: 2, childAges: [2, 7] }],
                               arrival, addDays(arrival, 2));
    const held = await holdGroup(c, q.quote_token, "Family Silva");
    await confirmGroup(c, held, newKey(), "ana@example.com");
    return held.booking_group_id;
  });
  deskEmail = await withPassword(db.ownerPool, hotel.frontDesk, "Dora Desk");
  browser = await launchBrowser();
}, 240_000);

afterAll(() => endBrowserTest({ contexts, browser, server, db }));

async function open(kind: "desktop" | "phone", reservationId: string) {
  const context = await newContext(browser, { device: kind, track: contexts });
  const { page, errors } = await signInToConsole(context, server.url, deskEmail);
  await page.goto(`${server.url}/admin/reservations/${reservationId}/show`);
  await page.getByTestId("reservation-guests").waitFor();
  return { page, errors };
}

it("on a desktop, the reservation says the children's ages and lists the extras booked; a plain one says neither", async () => {
  const { page, errors } = await open("desktop", withExtras);
  await page.getByTestId("guest-contact").filter({ hasText: "2 adults, 2 children (ages 4, 8)" }).waitFor();
  expect(await page.getByTestId("reservation-guests").textContent()).toBe("2 adults, 2 children (ages 4, 8)");
  const extras = page.getByTestId("reservation-extras").getByRole("listitem");
  expect(await extras.allTextContents()).toEqual([
    "Breakfast × 2 · per guest per night · €240.00",
    "Parking · per night · €24.00",
  ]);
  await shot(page, "desktop");
  await expectAccessible(page);

  await page.goto(`${server.url}/admin/reservations/${plain}/show`);
  await page.getByTestId("reservation-guests").filter({ hasText: /^2 adults$/ }).waitFor();
  expect(await page.getByTestId("reservation-extras").count()).toBe(0);
  await expectAccessible(page);
  expect(errors).toEqual([]);
});

it("on a desktop, a group's page says each room's children's ages", async () => {
  const context = await newContext(browser, { device: "desktop", track: contexts });
  const { page, errors } = await signInToConsole(context, server.url, deskEmail);
  await page.goto(`${server.url}/admin/groups/${groupId}`);
  const room2 = page.locator('[data-testid="group-room-row"][data-room-no="2"]');
  await room2.getByText("1 adult, 2 children (ages 2, 7)").waitFor();
  expect(await page.locator('[data-testid="group-room-row"][data-room-no="1"]').textContent()).toContain("2 adults");
  await shot(page, "group-desktop");
  await expectAccessible(page);
  expect(errors).toEqual([]);
});

it("on a 390 px phone, the same page fits", async () => {
  const { page, errors } = await open("phone", withExtras);
  await page.getByTestId("reservation-extras").getByText("Parking · per night · €24.00").waitFor();
  await page.getByTestId("reservation-extras").scrollIntoViewIfNeeded();
  expect(await sidewaysOverflow(page)).toBe(0);
  await shot(page, "phone");
  await expectAccessible(page);
  expect(errors).toEqual([]);
});
