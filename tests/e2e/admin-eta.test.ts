// The arrival's expected time in the staff console (issue 21), in headless
// Chromium against a real Keepr server. Three guests arrive today at a hotel
// whose check-in is at 15:00, all in dirty units: one the desk says comes at
// 18:30, one without a time, and one the desk sets in the browser:
// - on the reservation page the desk opens "Edit expected arrival", types
//   11:00 (a time input, by keyboard) and saves: the page says "11:00 · early
//   (check-in from 15:00)" and the database holds 11:00;
// - the Today board lists the arrivals by ETA (11:00 "early", 18:30, then the
//   one without a time) with "ETA 11:00", on a desktop and a 390 px phone;
//   the tape chart's stay description ends "ETA 11:00";
// - the housekeeper's board on a phone shows that unit first, "Early check-in
//   11:00";
// - a phone booking on New booking with "Expected arrival" 16:45: the
//   confirmed reservation holds it (set right after confirmBooking); on New
//   group, 12:30 reaches each of the group's two rooms;
// - on a phone the desk clears the 18:30 time (Clear time): "Not known", null
//   in the database, and the board puts it after the 11:00 one still;
// - through the API, a housekeeper's token, a cashier's (accountant) and
//   another hotel's front desk cannot set it (no reservation is updated:
//   the API's answer to a row RLS keeps from them, without an error), and a
//   time that is not one is refused INVALID_INPUT, not INTERNAL.
// Axe clean (the shared expectAccessible); nothing scrolls sideways;
// screenshots docs/screenshots/admin-eta-*.png.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow, waitUntil } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, book, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;
let other: Hotel;
const stays: Record<"target" | "late" | "unknown", { id: string; code: string; unit: string }> = {} as never;
const contexts: BrowserContext[] = [];

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `admin-eta-${name}.png`), animations: "disabled" });

async function signIn(userId: string, kind: "desktop" | "phone", ready: "dashboard" | "board" = "dashboard") {
  const context = await newContext(browser, { device: kind, track: contexts });
  return signInToConsole(context, server.url, await withPassword(db.ownerPool, userId), { ready });
}

async function tokenOf(userId: string): Promise<string> {
  const email = await withPassword(db.ownerPool, userId);
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword });
  return login.body.data!.login.result as string;
}

const etaOf = async (id: string) =>
  (await db.ownerPool.query<{ t: string | null }>("select expected_arrival_time::text as t from app_public.reservations where id = $1", [id])).rows[0]!.t;

/** The codes of the Today board's arrivals, in their order. */
const arrivalCodes = async (page: Page) =>
  Promise.all((await page.getByTestId("arrivals").locator("li[data-code]").all()).map((li) => li.getAttribute("data-code")));

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db, {}, { realtime: true });
  hotel = await createHotel(db.ownerPool, { units: 4 });
  other = await createHotel(db.ownerPool, { units: 1 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel', check_in_time = '15:00' where id = $1", [hotel.propertyId]);
  await db.ownerPool.query("update app_public.units set housekeeping_status = 'dirty' where property_id = $1", [hotel.propertyId]);
  const today = localDate(hotel.timeZone, 0);
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
    for (const key of ["unknown", "late", "target"] as const) {
      const booked = await book(c, hotel.ratePlanId, today, addDays(today, 2));
      if (key === "late") await c.query("update app_public.reservations set expected_arrival_time = '18:30' where id = $1", [booked.reservation_id]);
      const unit = (await c.query("select u.name from app_public.reservations r join app_public.units u on u.id = r.unit_id where r.id = $1", [booked.reservation_id])).rows[0].name as string;
      stays[key] = { id: booked.reservation_id, code: booked.confirmation_code, unit };
    }
  });
  browser = await launchBrowser();
  await waitUntil(async () => server.realtime?.replicationConnected() === true, "realtime replication");
}, 240_000);

afterAll(() => endBrowserTest({ contexts, browser, server, db }));

describe("the desk sets the expected arrival", () => {
  it("on the reservation page types 11:00 by keyboard and saves: the page says early, the database holds 11:00 (desktop)", async () => {
    const { page, errors } = await signIn(hotel.frontDesk, "desktop");
    await page.goto(`${server.url}/admin/reservations/${stays.target.id}/show`);
    await expect(page.getByTestId("expected-arrival").textContent()).resolves.toBe("Not known");
    await page.getByRole("button", { name: "Edit expected arrival" }).click();
    const dialog = page.getByTestId("arrival-details-dialog");
    await dialog.waitFor();
    // The time input has the focus: typed as on a keyboard.
    const time = dialog.getByLabel("Expected arrival");
    await expect(time.evaluate((input) => (input as unknown as { matches(selector: string): boolean }).matches(":focus"))).resolves.toBe(true);
    // Hours, minutes, and "A" for a 12-hour browser's AM/PM field (a 24-hour one ignores it).
    await page.keyboard.type("1100A");
    let typed = "";
    await waitUntil(async () => (typed = await time.inputValue()) === "11:00", "the time typed", 5_000, () => typed);
    await expectAccessible(page, "arrival dialog");
    await shot(page, "dialog-desktop");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await waitUntil(async () => (await page.getByTestId("expected-arrival").textContent()) === "11:00 · early (check-in from 15:00)", "the page shows 11:00, early");
    expect(await etaOf(stays.target.id)).toBe("11:00:00");
    await expect(page.getByTestId("summary-stay").textContent()).resolves.toMatch(/ · 2 nights · ETA 11:00$/);
    // Saved again unchanged: nothing is sent (the row, its updated_at and audit stay as they are).
    const updatedAt = async () => (await db.ownerPool.query("select updated_at::text as u from app_public.reservations where id = $1", [stays.target.id])).rows[0].u as string;
    const before = await updatedAt();
    await page.getByRole("button", { name: "Edit expected arrival" }).click();
    await dialog.waitFor();
    await expect(time.inputValue()).resolves.toBe("11:00");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await updatedAt()).toBe(before);
    await expectAccessible(page, "reservation page");
    await shot(page, "reservation-desktop");
    expect(errors).toEqual([]);
  });

  it("the Today board lists the arrivals by ETA: 11:00 early first, 18:30, then the one without a time (desktop)", async () => {
    const { page, errors } = await signIn(hotel.frontDesk, "desktop");
    await waitUntil(async () => JSON.stringify(await arrivalCodes(page)) === JSON.stringify([stays.target.code, stays.late.code, stays.unknown.code]), "arrivals by ETA");
    const arrivals = page.getByTestId("arrivals");
    const item = (code: string) => arrivals.locator(`li[data-code="${code}"]`);
    await expect(item(stays.target.code).textContent()).resolves.toContain("ETA 11:00");
    await expect(item(stays.target.code).getByTestId("early-arrival").textContent()).resolves.toBe("early");
    await expect(item(stays.late.code).textContent()).resolves.toContain("ETA 18:30");
    await expect(item(stays.late.code).getByTestId("early-arrival").count()).resolves.toBe(0);
    await expect(item(stays.unknown.code).textContent()).resolves.not.toContain("ETA");
    await expectAccessible(page, "Today board");
    expect(await sidewaysOverflow(page)).toBe(0);
    await shot(page, "today-desktop");
    // The tape chart's stay says it too (its description: tooltip and screen readers).
    await page.goto(`${server.url}/admin/tape-chart`);
    const bar = (id: string) => page.locator(`[data-reservation="${id}"]`).getByTestId("stay-bar");
    await bar(stays.target.id).waitFor();
    await expect(bar(stays.target.id).getAttribute("aria-label")).resolves.toContain("2 nights, ETA 11:00,");
    await expect(bar(stays.unknown.id).getAttribute("aria-label")).resolves.not.toContain("ETA");
    expect(errors).toEqual([]);
  });

  it("the housekeeper's board on a phone has that unit first: Early check-in 11:00", async () => {
    const { page, errors } = await signIn(hotel.housekeeper, "phone", "board");
    await page.getByTestId("housekeeping-ready").waitFor();
    const cards = page.getByTestId("unit-card");
    await waitUntil(async () => (await cards.first().getAttribute("data-unit")) === stays.target.unit, "the early arrival's unit first");
    await expect(cards.first().getByTestId("priority").textContent()).resolves.toBe("Early check-in 11:00");
    await expectAccessible(page, "housekeeping board");
    expect(await sidewaysOverflow(page)).toBe(0);
    await shot(page, "housekeeping-phone");
    expect(errors).toEqual([]);
  });

  it("on a phone the desk clears the 18:30 time; the Today board shows it after the 11:00 one, without ETA", async () => {
    const { page, errors } = await signIn(hotel.frontDesk, "phone");
    await waitUntil(async () => (await arrivalCodes(page))[0] === stays.target.code, "the 11:00 arrival first");
    expect(await sidewaysOverflow(page)).toBe(0);
    await expectAccessible(page, "Today board, phone");
    await shot(page, "today-phone");
    await page.goto(`${server.url}/admin/reservations/${stays.late.id}/show`);
    await expect(page.getByTestId("expected-arrival").textContent()).resolves.toBe("18:30");
    await page.getByRole("button", { name: "Edit expected arrival" }).click();
    const dialog = page.getByTestId("arrival-details-dialog");
    await dialog.waitFor();
    await expect(dialog.getByLabel("Expected arrival").inputValue()).resolves.toBe("18:30");
    await expectAccessible(page, "arrival dialog, phone");
    expect(await sidewaysOverflow(page)).toBe(0);
    await shot(page, "dialog-phone");
    await dialog.getByRole("button", { name: "Clear time" }).click();
    await waitUntil(async () => (await dialog.getByLabel("Expected arrival").inputValue()) === "", "the time cleared");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await waitUntil(async () => (await page.getByTestId("expected-arrival").textContent()) === "Not known", "the page shows no time");
    expect(await etaOf(stays.late.id)).toBeNull();
    await page.goto(`${server.url}/admin/`);
    await waitUntil(async () => {
      const codes = await arrivalCodes(page);
      return codes.length === 3 && codes[0] === stays.target.code;
    }, "the board again");
    await expect(page.getByTestId("arrivals").locator(`li[data-code="${stays.late.code}"]`).textContent()).resolves.not.toContain("ETA");
    expect(errors).toEqual([]);
  });
});

describe("a phone booking with its expected arrival", () => {
  it("New booking: the desk gives 16:45 with the guest's details; the confirmed reservation holds it (desktop)", async () => {
    const { page, errors } = await signIn(hotel.frontDesk, "desktop");
    const arrival = localDate(hotel.timeZone, 3);
    await page.goto(`${server.url}/admin/bookings/new`);
    await page.getByTestId("new-booking").waitFor();
    await page.getByLabel("Arrival").fill(arrival);
    await page.getByLabel("Departure").fill(addDays(arrival, 1));
    await page.getByRole("button", { name: "Search" }).click();
    const results = page.getByTestId("search-results");
    await results.waitFor();
    await results.getByRole("button", { name: /Quote/ }).first().click();
    await page.getByTestId("quote").getByTestId("quote-total").waitFor();
    await page.getByTestId("hold-room").click();
    await page.getByTestId("held-unit").filter({ hasText: /\d/ }).waitFor();
    await page.getByLabel("Full name").fill("Grace Hopper");
    const time = page.getByLabel("Expected arrival");
    await time.fill("16:45");
    await expect(time.inputValue()).resolves.toBe("16:45");
    // The hold's countdown never stops: axe as the walk-in test does.
    await expectAccessible(page, "new booking with the expected arrival");
    await shot(page, "new-booking-desktop");
    await page.getByTestId("confirm-booking").click();
    await page.getByTestId("confirmation-code").waitFor();
    const id = page.url().match(/reservations\/([0-9a-f-]{36})\/show/)![1]!;
    await waitUntil(async () => (await etaOf(id)) === "16:45:00", "the expected arrival saved");
    await waitUntil(async () => (await page.getByTestId("expected-arrival").textContent()) === "16:45", "the page shows 16:45 (after check-in time: not early)");
    expect(errors).toEqual([]);
  });
});

describe("a group with its expected arrival", () => {
  it("New group: the booker's Expected arrival 12:30 reaches every room's reservation", async () => {
    const { page, errors } = await signIn(hotel.frontDesk, "desktop");
    const arrival = localDate(hotel.timeZone, 5);
    await page.goto(`${server.url}/admin/groups/new`);
    await page.getByTestId("new-group").waitFor();
    await page.getByLabel("Arrival").fill(arrival);
    await page.getByLabel("Departure").fill(addDays(arrival, 1));
    await page.getByLabel("Group name").fill("Lovelace party");
    await page.getByRole("combobox", { name: "Room 1: room type and rate" }).click();
    await page.getByRole("option", { name: /^Double · Flexible/ }).click();
    await page.getByRole("listbox").waitFor({ state: "detached" });
    await page.getByTestId("add-room").click();
    await page.getByTestId("quote-group").click();
    await page.getByTestId("group-total").waitFor();
    await page.getByTestId("hold-group").click();
    await page.getByTestId("group-booker").waitFor();
    await page.getByLabel("Booker's full name").fill("Ada Lovelace");
    await page.getByLabel("Expected arrival").fill("12:30");
    await page.getByTestId("confirm-group").click();
    await page.getByTestId("group-page").waitFor();
    const rooms = (await db.ownerPool.query<{ t: string | null }>(
      "select r.expected_arrival_time::text as t from app_public.reservations r join app_public.booking_groups g on g.id = r.group_id where g.name = 'Lovelace party' and r.status = 'confirmed'",
    )).rows;
    expect(rooms.length).toBe(2);
    expect(rooms.map((r) => r.t)).toEqual(["12:30:00", "12:30:00"]);
    expect(errors).toEqual([]);
  });
});

describe("who may set it, and what", () => {
  const update = `mutation($id: UUID!, $patch: ReservationPatch!) { updateReservationByRowId(input: {rowId: $id, reservationPatch: $patch}) { reservation { rowId expectedArrivalTime } } }`;

  it("a housekeeper, a cashier and another hotel's front desk cannot set it: no reservation updated, nothing changed", async () => {
    const before = await etaOf(stays.target.id);
    const accountant = (await db.ownerPool.query<{ id: string }>(
      "insert into app_public.users (email, display_name) values ($1, 'Aaron Accounts') returning id", [`accounts-${newKey()}@test.example`])).rows[0]!.id;
    await db.ownerPool.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'accountant')", [hotel.propertyId, accountant]);
    const refused = [hotel.housekeeper, accountant, other.frontDesk];
    for (const userId of refused) {
      const res = await server.graphql(update, { id: stays.target.id, patch: { expectedArrivalTime: "08:00" } }, { token: await tokenOf(userId) });
      // The row is not theirs to update (RLS: the front office's): the API answers no reservation, no error.
      expect(res.body).toEqual({ data: { updateReservationByRowId: { reservation: null } } });
    }
    expect(await etaOf(stays.target.id)).toBe(before);
  });

  it("the front desk's time that is not one (25:00, noon, injected text, 500 digits) is refused INVALID_INPUT, never INTERNAL; nothing changed", async () => {
    const token = await tokenOf(hotel.frontDesk);
    const before = await etaOf(stays.target.id);
    for (const bad of ["25:00", "noon", "11:00; drop table x", "9".repeat(500)]) {
      const res = await server.graphql(update, { id: stays.target.id, patch: { expectedArrivalTime: bad } }, { token });
      expect(res.body.data?.updateReservationByRowId ?? null).toBeNull();
      expect(res.body.errors?.[0]?.extensions?.code).toBe("INVALID_INPUT"); // "A date or time is out of range." / "… has the wrong format."
    }
    expect(await etaOf(stays.target.id)).toBe(before);
    const ok = await server.graphql(update, { id: stays.target.id, patch: { expectedArrivalTime: "11:00" } }, { token });
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data?.updateReservationByRowId?.reservation?.expectedArrivalTime).toMatch(/^11:00:00/); // "11:00:00.000000"
  });
});
