// Issue 21, group bookings in the staff console, in headless Chromium
// against a real Keepr server, as the front desk of a hotel with three
// Doubles and one Suite. On a desktop (1440×900): a party of four Doubles
// is refused with SOLD_OUT shown beside room 4 (nothing held); without it,
// room 3 a Suite, the three rooms are quoted (each room's price, the total), held
// under one group code, and confirmed for the booker with a rooming list;
// the group's page lists each room with its unit, guest, status and folio;
// a room's guest is changed in place (setRoomGuestName); the reservations
// list finds the group's rooms by its code, each with the group's link, and
// the Today board of the arrival day lists them with the code;
// one room is cancelled on its own page (the group's page follows live),
// then the group (each room's fee shown first). Changing a confirmed group
// on its page (which follows the group's own row live, booking_groups being
// published), each with the price first: its dates (every room moved, the
// difference shown; a Suite sold out on other dates is refused naming room
// 3 and nothing moves), a room added (priced by quote), one room cancelled
// (its fee first; the group stays). On a phone (390×844): the
// group screen and page, and the change of dates, with no sideways scroll. An accountant reads a
// group's page without its actions; a housekeeper has no menu entry and no
// page; another property's group id is "not found". Axe on
// every screen. Screenshots docs/screenshots/admin-groups-*.png.
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { axeViolations, endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow, waitUntil } from "../helpers/browser.ts";
import { chooseOption, signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, book, confirmGroup, createHotel, holdGroup, localDate, quoteGroup, type Hotel } from "../helpers/booking.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let h: Hotel;
let other: Hotel;
let suitePlanId: string;
let deskEmail: string;
let otherGroupId: string;
const contexts: BrowserContext[] = [];

/** A full-page screenshot from the top (scrolled down, the sticky app bar would cover the page's heading). */
const shot = async (page: Page, name: string) => {
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshots, `admin-groups-${name}.png`), animations: "disabled", fullPage: true });
};

const roomsOf = async (groupId: string) =>
  (await db.ownerPool.query<{ room_no: number; status: string; guest_name: string | null; unit: string | null }>(
    `select r.room_no, r.status, r.guest_name, u.name as unit
       from app_public.reservations r left join app_public.units u on u.id = r.unit_id
      where r.group_id = $1 order by r.room_no`,
    [groupId],
  )).rows;

beforeAll(async () => {
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db, {}, { realtime: true });
  h = await createHotel(db.ownerPool, { units: 3 });
  other = await createHotel(db.ownerPool, { units: 2 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [h.propertyId]);
  await db.ownerPool.query("update app_public.properties set name = 'Beach House' where id = $1", [other.propertyId]);
  const suite = await db.ownerPool.query<{ id: string }>("insert into app_public.room_types (property_id, name, max_occupancy) values ($1, 'Suite', 4) returning id", [h.propertyId]);
  await db.ownerPool.query("insert into app_public.units (property_id, room_type_id, name) values ($1, $2, '201')", [h.propertyId, suite.rows[0]!.id]);
  const plan = await db.ownerPool.query<{ id: string }>(
    "insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests) values ($1, $2, 'Suite flexible', 'EUR', 18000, 2) returning id",
    [h.propertyId, suite.rows[0]!.id],
  );
  suitePlanId = plan.rows[0]!.id;
  deskEmail = await withPassword(db.ownerPool, h.frontDesk, "Diego Desk");
  // Another property's group, booked by a guest there.
  const arrival = localDate(other.timeZone, 5);
  const q = await quoteGroup(db.ownerPool, [{ ratePlanId: other.ratePlanId }, { ratePlanId: other.ratePlanId }], arrival, addDays(arrival, 1));
  const held = await holdGroup(db.ownerPool, q.quote_token, "Other wedding");
  await confirmGroup(db.ownerPool, held);
  otherGroupId = held.booking_group_id;
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await endBrowserTest({ browser, server, db });
});

describe("the front desk on a desktop", () => {
  let page: Page;
  let errors: string[];
  let groupId: string;
  let groupCode: string;
  const arrival = () => localDate(h.timeZone, 7);

  beforeAll(async () => {
    ({ page, errors } = await signInToConsole(await newContext(browser, { device: "desktop", track: contexts }), server.url, deskEmail));
  });

  it("a fourth Double is refused with SOLD_OUT beside room 4; nothing is held", async () => {
    await page.getByRole("menuitem", { name: "New group" }).click();
    await page.getByTestId("new-group").waitFor();
    await page.getByLabel("Arrival").fill(arrival());
    await page.getByLabel("Departure").fill(addDays(arrival(), 2));
    await page.getByLabel("Group name").fill("Smith wedding");
    await chooseOption(page, "Room 1: room type and rate", "Double · Flexible");
    for (let i = 0; i < 3; i++) await page.getByTestId("add-room").click();
    await page.getByLabel("Room 1: guest name").fill("Ada Smith");
    await page.getByLabel("Room 2: guest name").fill("Bob Smith");
    await page.getByTestId("quote-group").click();
    const refusal = page.locator('[data-testid="group-room"][data-room-no="4"] [data-testid="room-refusal"]');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toMatch(/Room 4 \(Double\).*SOLD_OUT/);
    await expect(page.locator('[data-testid="room-refusal"]').count()).resolves.toBe(1);
    await expect(page.getByTestId("hold-group").count()).resolves.toBe(0);
    await shot(page, "sold-out-desktop");
    await expectAccessible(page);
    const held = await db.ownerPool.query("select count(*)::int as n from app_public.booking_groups where property_id = $1", [h.propertyId]);
    expect(held.rows[0].n).toBe(0);
  });

  it("quotes three rooms (the fourth removed, the third a Suite), holds them under one code and confirms them for the booker", async () => {
    await page.getByRole("button", { name: "Remove room 4" }).click();
    await chooseOption(page, "Room 3: room type and rate", "Suite · Suite flexible");
    await page.getByLabel("Room 3: adults").fill("3");
    await page.getByTestId("quote-group").click();
    await page.getByTestId("group-total").waitFor();
    // Two Doubles at €100 and a Suite at €180 (three guests, none extra on these plans), two nights.
    await expect(page.getByTestId("room-quote").count()).resolves.toBe(3);
    await expect(page.locator('[data-room-no="3"] [data-testid="room-quote"]').textContent()).resolves.toContain("€360.00");
    await expect(page.getByTestId("group-total").textContent()).resolves.toBe("€760.00");
    await shot(page, "quote-desktop");
    await expectAccessible(page);
    await page.getByTestId("hold-group").click();
    await page.getByTestId("group-booker").waitFor();
    const heading = await page.locator("#group-quote-heading").textContent();
    groupCode = /G-[A-Z2-9]{8}/.exec(heading ?? "")![0];
    await page.getByLabel("Booker's full name").fill("Carol Smith");
    await page.getByLabel("Email").fill("carol@example.com");
    // The hold's countdown never stops: axe without waiting for quiet.
    expect(await axeViolations(page)).toEqual([]);
    await page.getByTestId("confirm-group").click();
    await page.getByTestId("group-page").waitFor();
    await page.getByTestId("group-code").filter({ hasText: groupCode }).waitFor();
    groupId = page.url().match(/groups\/([0-9a-f-]{36})/)![1]!;
    const rooms = await roomsOf(groupId);
    expect(rooms.map((r) => [r.room_no, r.status, r.guest_name])).toEqual([[1, "confirmed", "Ada Smith"], [2, "confirmed", "Bob Smith"], [3, "confirmed", null]]);
    expect(rooms[2]!.unit).toBe("201");
    const group = await db.ownerPool.query("select group_code, name, contact_name, contact_email, channel from app_public.booking_groups where id = $1", [groupId]);
    expect(group.rows[0]).toEqual({ group_code: groupCode, name: "Smith wedding", contact_name: "Carol Smith", contact_email: "carol@example.com", channel: "front_desk" });
    await expect(page.getByTestId("group-total").textContent()).resolves.toBe("€760.00");
    await expect(page.getByTestId("group-room-row").count()).resolves.toBe(3);
    expect(errors).toEqual([]);
  });

  it("keeps the rooming list: room 3's guest is set in place", async () => {
    const row = page.locator('[data-testid="group-room-row"][data-room-no="3"]');
    await expect(row.getByTestId("room-guest-name").textContent()).resolves.toBe("Carol Smith (booker)");
    await row.getByTestId("edit-room-guest").click();
    await row.getByLabel("Room 3: guest name").fill("Cleo Smith");
    await row.getByTestId("save-room-guest").click();
    await row.getByTestId("room-guest-name").filter({ hasText: "Cleo Smith" }).waitFor();
    expect((await roomsOf(groupId))[2]!.guest_name).toBe("Cleo Smith");
    await shot(page, "group-desktop");
    await expectAccessible(page);
  });

  it("lists the group's rooms in the reservations list by the group code, each linked to the group", async () => {
    await page.getByRole("link", { name: "Reservations" }).first().click();
    await page.waitForURL(/\/reservations/);
    await waitUntil(async () => (await page.getByTestId("group-link").count()) === 3, "the group's three rooms in the list");
    await expect(page.locator("tbody tr").count()).resolves.toBe(3);
    // Each room under who sleeps there (the rooming list), not three times the booker.
    for (const name of ["Ada Smith", "Bob Smith", "Cleo Smith"]) await page.locator("tbody").getByText(name, { exact: true }).waitFor();
    await expect(page.getByTestId("group-link").first().textContent()).resolves.toContain(groupCode);
    await shot(page, "list-desktop");
    await expectAccessible(page);
    // The Today board of the arrival day lists each room under its guest, with the group's code and room number.
    await page.goto(`${server.url}/admin/?day=${arrival()}`);
    const arrivals = page.getByTestId("arrivals");
    await page.locator(`[data-testid="dashboard-ready"][data-day="${arrival()}"]`).waitFor();
    await arrivals.locator("li").filter({ hasText: "Cleo Smith" }).filter({ hasText: `group ${groupCode}, room 3` }).waitFor();
    await expect(arrivals.locator("li").count()).resolves.toBe(3);
  });

  it("cancels room 2 on its own page (linked to its group); the group's page open elsewhere follows live", async () => {
    // A colleague's screen on the group's page.
    const watcher = (await signInToConsole(await newContext(browser, { device: "desktop", track: contexts }), server.url, deskEmail)).page;
    await watcher.goto(`${server.url}/admin/groups/${groupId}`);
    await watcher.getByTestId("group-rooms-count").filter({ hasText: "3 of 3" }).waitFor();
    await page.goto(`${server.url}/admin/groups/${groupId}`);
    await page.getByRole("link", { name: /^2\. [A-Z0-9]+: the reservation of room 2$/ }).click();
    await page.getByTestId("reservation-group").filter({ hasText: groupCode }).waitFor();
    await page.getByRole("button", { name: "Cancel" }).first().click();
    await page.getByRole("dialog").locator('[data-confirm="cancel"]').click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await watcher.getByTestId("group-rooms-count").filter({ hasText: "2 of 3" }).waitFor();
    await watcher.locator('[data-testid="group-room-row"][data-room-no="2"]').getByText("Cancelled").waitFor();
    await page.getByTestId("reservation-group").click();
    await page.getByTestId("group-rooms-count").filter({ hasText: "2 of 3" }).waitFor();
    expect((await roomsOf(groupId)).map((r) => r.status)).toEqual(["confirmed", "cancelled", "confirmed"]);
  });

  it("cancels the group: each room's fee is shown first, then every room still booked is cancelled", async () => {
    await page.getByTestId("cancel-group").click();
    const dialog = page.getByTestId("cancel-group-dialog");
    await expect(dialog.getByTestId("cancel-room-fee").count()).resolves.toBe(2);
    await expect(dialog.getByTestId("cancel-group-fees").textContent()).resolves.toMatch(/^€\d+\.\d\d$/);
    await shot(page, "cancel-desktop");
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Cancel 2 rooms" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("group-rooms-count").filter({ hasText: "0 of 3" }).waitFor();
    expect((await roomsOf(groupId)).map((r) => r.status)).toEqual(["cancelled", "cancelled", "cancelled"]);
    await expect(page.getByTestId("cancel-group").count()).resolves.toBe(0);
    expect(errors).toEqual([]);
  });
});

describe("changing a confirmed group on its page", () => {
  let page: Page;
  let errors: string[];
  let groupId: string;
  const day = (n: number) => localDate(h.timeZone, n);
  const stays = async () =>
    (await db.ownerPool.query<{ room_no: number; status: string; a: string; d: string }>(
      "select room_no, status, lower(stay)::text as a, upper(stay)::text as d from app_public.reservations where group_id = $1 order by room_no",
      [groupId],
    )).rows.map((r) => [r.room_no, r.status, r.a, r.d]);

  beforeAll(async () => {
    // A group of two Doubles, booked online for nights 30 and 31.
    const q = await quoteGroup(db.ownerPool, [{ ratePlanId: h.ratePlanId, guestName: "Eve Stone" }, { ratePlanId: h.ratePlanId, guestName: "Finn Stone" }], day(30), day(32));
    const held = await holdGroup(db.ownerPool, q.quote_token, "Stone reunion");
    await confirmGroup(db.ownerPool, held);
    groupId = held.booking_group_id;
    // Someone else has the only Suite for nights 40 and 41.
    await book(db.ownerPool, suitePlanId, day(40), day(42));
    ({ page, errors } = await signInToConsole(await newContext(browser, { device: "desktop", track: contexts }), server.url, deskEmail));
    await page.goto(`${server.url}/admin/groups/${groupId}`);
    await page.getByTestId("group-rooms-count").filter({ hasText: "2 of 2" }).waitFor();
  });

  it("follows the group's own row live: another user renames the group and the page says so without a reload", async () => {
    await page.getByTestId("group-page").getByRole("heading", { name: "Stone reunion", exact: true }).waitFor();
    await db.ownerPool.query("update app_public.booking_groups set name = 'Stone family reunion' where id = $1", [groupId]);
    await page.getByTestId("group-page").getByRole("heading", { name: "Stone family reunion", exact: true }).waitFor();
  });

  it("moves every room a night later: each room's price now and after, and the difference, come first", async () => {
    await page.getByTestId("change-group-dates").click();
    const dialog = page.getByTestId("change-group-dates-dialog");
    await dialog.getByLabel("Arrival").fill(day(31));
    await dialog.getByLabel("Departure").fill(day(34));
    await dialog.getByTestId("change-dates-difference").waitFor();
    // Two nights → three: €400.00 → €600.00.
    await expect(dialog.getByTestId("change-dates-difference").textContent()).resolves.toMatch(/^€200\.00 more · 3 nights/);
    await shot(page, "change-dates-desktop");
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Move every room" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("group-total").filter({ hasText: "€600.00" }).waitFor();
    expect(await stays()).toEqual([[1, "confirmed", day(31), day(34)], [2, "confirmed", day(31), day(34)]]);
  });

  it("adds a Suite for the group's dates, priced first; it joins the rooming list as room 3", async () => {
    await page.getByTestId("add-group-room").click();
    const dialog = page.getByTestId("add-group-room-dialog");
    await chooseOption(page, "Room type · rate plan", "Suite · Suite flexible");
    await dialog.getByLabel("Guest name (optional)").fill("Gus Stone");
    await dialog.getByTestId("add-room-price").getByText("Adds €540.00").waitFor();
    await shot(page, "add-room-desktop");
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Add room for €540.00" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("group-rooms-count").filter({ hasText: "3 of 3" }).waitFor();
    await page.locator('[data-testid="group-room-row"][data-room-no="3"]').getByText("Gus Stone").waitFor();
    expect(await stays()).toEqual([[1, "confirmed", day(31), day(34)], [2, "confirmed", day(31), day(34)], [3, "confirmed", day(31), day(34)]]);
  });

  it("new dates where the Suite is taken are refused before anything moves: SOLD_OUT naming room 3", async () => {
    await page.getByTestId("change-group-dates").click();
    const dialog = page.getByTestId("change-group-dates-dialog");
    await dialog.getByLabel("Arrival").fill(day(40));
    await dialog.getByLabel("Departure").fill(day(42));
    const refusal = dialog.locator('[data-error-code="SOLD_OUT"]');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toContain("Room 3 (Suite)");
    await expect(dialog.getByRole("button", { name: "Move every room" }).isDisabled()).resolves.toBe(true);
    await expectAccessible(page);
    await dialog.getByRole("button", { name: /^(Close|Cancel|Keep)/ }).first().click();
    await dialog.waitFor({ state: "detached" });
    expect((await stays()).map((r) => r[2])).toEqual([day(31), day(31), day(31)]);
  });

  it("cancels room 1 alone, its fee first; the group keeps its other rooms", async () => {
    await page.locator('[data-testid="group-room-row"][data-room-no="1"]').getByTestId("cancel-group-room").click();
    const dialog = page.getByTestId("cancel-group-room-dialog");
    await expect(dialog.getByTestId("cancel-room-fee-now").textContent()).resolves.toMatch(/^Fee now: €\d+\.\d\d$/);
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Cancel this room" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("group-rooms-count").filter({ hasText: "2 of 3" }).waitFor();
    expect((await stays()).map((r) => r[1])).toEqual(["cancelled", "confirmed", "confirmed"]);
    await shot(page, "changed-desktop");
    expect(errors).toEqual([]);
  });

  it("on a phone: the page and its three dialogs (change dates, add a room, cancel a room), with no sideways scroll", async () => {
    const phone = (await signInToConsole(await newContext(browser, { device: "phone", track: contexts }), server.url, deskEmail)).page;
    await phone.goto(`${server.url}/admin/groups/${groupId}`);
    await phone.getByTestId("group-rooms-count").filter({ hasText: "2 of 3" }).waitFor();
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    await phone.getByTestId("change-group-dates").click();
    const dialog = phone.getByTestId("change-group-dates-dialog");
    await dialog.getByLabel("Departure").fill(day(35));
    await dialog.getByTestId("change-dates-difference").waitFor();
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    // The dialog as the phone shows it (a full-page shot would leave the backdrop at the viewport's height).
    await phone.screenshot({ path: path.join(screenshots, "admin-groups-change-dates-phone.png"), animations: "disabled" });
    await expectAccessible(phone);
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "detached" });
    // The other two dialogs fit a phone too.
    await phone.getByTestId("add-group-room").click();
    const add = phone.getByTestId("add-group-room-dialog");
    await add.getByLabel("Adults").fill("1");
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    await expectAccessible(phone, "add a room, phone");
    await add.getByRole("button", { name: "Close" }).click();
    await add.waitFor({ state: "detached" });
    await phone.locator('[data-testid="group-room-row"][data-room-no="2"]').getByTestId("cancel-group-room").click();
    const cancelRoom = phone.getByTestId("cancel-group-room-dialog");
    await cancelRoom.getByTestId("cancel-room-fee-now").waitFor();
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    await expectAccessible(phone, "cancel a room, phone");
  });
});

describe("the front desk on a phone", () => {
  it("books a group of two and sees its page, with no sideways scroll", async () => {
    const { page, errors } = await signInToConsole(await newContext(browser, { device: "phone", track: contexts }), server.url, deskEmail);
    await page.goto(`${server.url}/admin/groups/new`);
    await page.getByTestId("new-group").waitFor();
    const arrival = localDate(h.timeZone, 14);
    await page.getByLabel("Arrival").fill(arrival);
    await page.getByLabel("Departure").fill(addDays(arrival, 1));
    await page.getByLabel("Party: adults").fill("5");
    await page.getByTestId("suggest-rooms").click();
    await page.getByTestId("combinations").waitFor();
    await page.getByRole("button", { name: /^Use these rooms: option 1,/ }).click();
    await page.getByTestId("quote-group").click();
    await page.getByTestId("group-total").waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await shot(page, "quote-phone");
    await expectAccessible(page);
    await page.getByTestId("hold-group").click();
    await page.getByLabel("Booker's full name").fill("Dan Party");
    await page.getByTestId("confirm-group").click();
    await page.getByTestId("group-page").waitFor();
    await page.getByTestId("group-room-row").first().waitFor();
    // The notice of the booking goes by itself; the page is shot without it.
    await page.getByText(/booked: 2 rooms for Dan Party/).waitFor({ state: "detached" });
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await shot(page, "group-phone");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });
});

describe("who may not", () => {
  it("another property's group id, or no id at all, is not found for the desk", async () => {
    const { page } = await signInToConsole(await newContext(browser, { device: "desktop", track: contexts }), server.url, deskEmail);
    await page.goto(`${server.url}/admin/groups/${otherGroupId}`);
    await page.getByText("No such group at Harbour View Hotel").waitFor();
    await page.goto(`${server.url}/admin/groups/not-a-uuid`);
    await page.getByText("No such group at Harbour View Hotel").waitFor();
  });

  it("an accountant reads a group's page but neither cancels it nor edits its rooming list, and has no New group", async () => {
    const accountant = await db.ownerPool.query<{ id: string }>("insert into app_public.users (email, display_name) values ('accountant-groups@test.example', 'Ana Accounts') returning id");
    await db.ownerPool.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'accountant')", [h.propertyId, accountant.rows[0]!.id]);
    const group = await db.ownerPool.query<{ id: string; group_code: string }>("select id, group_code from app_public.booking_groups where property_id = $1 order by created_at desc limit 1", [h.propertyId]);
    const { page } = await signInToConsole(await newContext(browser, { device: "desktop", track: contexts }), server.url, await withPassword(db.ownerPool, accountant.rows[0]!.id));
    await expect(page.getByRole("menuitem", { name: "New group" }).count()).resolves.toBe(0);
    await page.goto(`${server.url}/admin/groups/${group.rows[0]!.id}`);
    await page.getByTestId("group-code").filter({ hasText: group.rows[0]!.group_code }).waitFor();
    await page.getByTestId("group-room-row").first().waitFor();
    await expect(page.getByTestId("cancel-group").count()).resolves.toBe(0);
    await expect(page.getByTestId("edit-room-guest").count()).resolves.toBe(0);
    await expect(page.getByTestId("add-group-room").count()).resolves.toBe(0);
    await expect(page.getByTestId("change-group-dates").count()).resolves.toBe(0);
    await expect(page.getByTestId("cancel-group-room").count()).resolves.toBe(0);
  });

  it("a housekeeper has no menu entry and no page", async () => {
    const housekeeperEmail = await withPassword(db.ownerPool, h.housekeeper, "Hugo Housekeeping");
    const hk = await signInToConsole(await newContext(browser, { device: "desktop", track: contexts }), server.url, housekeeperEmail, { ready: "board" });
    await expect(hk.page.getByRole("menuitem", { name: "New group" }).count()).resolves.toBe(0);
    await hk.page.goto(`${server.url}/admin/groups/new`);
    await hk.page.getByText("you cannot take group bookings").waitFor();
    await hk.page.goto(`${server.url}/admin/groups/${otherGroupId}`);
    await hk.page.getByText("Group bookings are for the front desk, managers, owners and accountants of the property.").waitFor();
  });
});
