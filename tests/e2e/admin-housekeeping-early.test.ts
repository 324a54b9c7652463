// The housekeeping board's early check-ins and a supervisor's assignment of
// several tasks at once (issue 21), in headless Chromium against a real
// Keepr server:
// - two guests arrive today in dirty units, one expected at 11:00 (before
//   the 15:00 check-in: "Early check-in 11:00", first), one at 18:30
//   ("Priority: guest arriving today", after it); the housekeeper on a
//   phone sees the same without reading any reservation;
// - a manager ticks two open tasks on the Tasks tab and gives them to the
//   housekeeper in one call; a set with a task finished meanwhile is
//   refused whole, nothing assigned, the refusal shown in the dialog.
// Axe clean; nothing scrolls sideways; screenshots
// docs/screenshots/admin-housekeeping-early-*.png.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow, waitUntil } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, book, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;
let housekeeperName: string;
const units: Record<string, string> = {};
const contexts: BrowserContext[] = [];

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `admin-housekeeping-early-${name}.png`), animations: "disabled" });

async function signIn(userId: string, kind: "desktop" | "phone", ready: "dashboard" | "board" = "dashboard") {
  const context = await newContext(browser, { device: kind, track: contexts });
  return signInToConsole(context, server.url, await withPassword(db.ownerPool, userId), { ready });
}

const taskIdsOf = async () =>
  (await db.ownerPool.query<{ id: string; unit: string; assigned_to: string | null; status: string }>(
    "select t.id, u.name as unit, t.assigned_to, t.status from app_public.housekeeping_tasks t join app_public.units u on u.id = t.unit_id where t.property_id = $1 order by u.name",
    [hotel.propertyId],
  )).rows;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db, {}, { realtime: true });
  hotel = await createHotel(db.ownerPool, { units: 4 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel', check_in_time = '15:00' where id = $1", [hotel.propertyId]);
  await db.ownerPool.query("update app_public.units set housekeeping_status = 'dirty' where property_id = $1", [hotel.propertyId]);
  housekeeperName = (await db.ownerPool.query("select display_name from app_public.users where id = $1", [hotel.housekeeper])).rows[0].display_name as string;
  const today = localDate(hotel.timeZone, 0);
  // Two arrivals today: the desk books them and notes when they expect to come.
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
    for (const [key, eta] of [["late", "18:30"], ["early", "11:00"]] as const) {
      const booked = await book(c, hotel.ratePlanId, today, addDays(today, 2));
      await c.query("update app_public.reservations set expected_arrival_time = $2 where id = $1", [booked.reservation_id, eta]);
      units[key] = (await c.query("select u.name from app_public.reservations r join app_public.units u on u.id = r.unit_id where r.id = $1", [booked.reservation_id])).rows[0].name;
    }
  });
  // An inspection due today on every unit.
  await db.ownerPool.query(
    "insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date) select property_id, id, 'inspection', $2 from app_public.units where property_id = $1",
    [hotel.propertyId, today],
  );
  browser = await launchBrowser();
  await waitUntil(async () => server.realtime?.replicationConnected() === true, "realtime replication");
}, 240_000);

afterAll(() => endBrowserTest({ contexts, browser, server, db }));

describe("early check-ins on the board", () => {
  it("a manager sees the 11:00 arrival's unit first, labelled Early check-in 11:00, then the 18:30 one as a priority (desktop)", async () => {
    const { page, errors } = await signIn(hotel.manager, "desktop");
    await page.goto(`${server.url}/admin/housekeeping`);
    await page.getByTestId("housekeeping-ready").waitFor();
    const cards = page.getByTestId("unit-card");
    await waitUntil(async () => (await cards.first().getAttribute("data-unit")) === units.early, "the early arrival's unit first");
    await expect(cards.nth(0).getByTestId("priority").textContent()).resolves.toBe("Early check-in 11:00");
    await expect(cards.nth(1).getAttribute("data-unit")).resolves.toBe(units.late);
    await expect(cards.nth(1).getByTestId("priority").textContent()).resolves.toBe("Priority: guest arriving today");
    await expect(page.locator("[data-early]").count()).resolves.toBe(2); // the card and its chip
    await expectAccessible(page);
    expect(await sidewaysOverflow(page)).toBe(0);
    await shot(page, "board-desktop");
    expect(errors).toEqual([]);
  });

  it("housekeeping on a phone sees the same order and label (no reservation read)", async () => {
    const { page, errors } = await signIn(hotel.housekeeper, "phone", "board");
    await page.getByTestId("housekeeping-ready").waitFor();
    const cards = page.getByTestId("unit-card");
    await waitUntil(async () => (await cards.first().getAttribute("data-unit")) === units.early, "the early arrival's unit first");
    await expect(cards.first().getByTestId("priority").textContent()).resolves.toBe("Early check-in 11:00");
    await expectAccessible(page);
    expect(await sidewaysOverflow(page)).toBe(0);
    await shot(page, "board-phone");
    expect(errors).toEqual([]);
  });
});

describe("several tasks to one attendant", () => {
  it("a manager ticks two tasks and gives them to the housekeeper; a set with a finished task is refused whole", async () => {
    const { page, errors } = await signIn(hotel.manager, "desktop");
    await page.goto(`${server.url}/admin/housekeeping`);
    await page.getByTestId("housekeeping-ready").waitFor();
    await page.getByRole("tab", { name: /^Tasks/ }).click();
    await page.locator('[data-action="assign-several"]').click();
    const dialog = page.getByTestId("assign-several-dialog");
    await dialog.waitFor();
    await dialog.getByLabel(`Unit ${units.early} · Inspection`).check();
    await dialog.getByLabel(`Unit ${units.late} · Inspection`).check();
    await dialog.getByRole("combobox", { name: "Give them to" }).click();
    await page.getByRole("option", { name: housekeeperName, exact: true }).click();
    await expectAccessible(page);
    await shot(page, "assign-desktop");
    await page.locator('[data-confirm="assign-several"]').click();
    await dialog.waitFor({ state: "detached" });
    await waitUntil(async () => (await taskIdsOf()).filter((t) => t.assigned_to === hotel.housekeeper).length === 2, "two tasks given");
    expect((await taskIdsOf()).filter((t) => t.assigned_to === hotel.housekeeper).map((t) => t.unit).sort()).toEqual([units.early, units.late].sort());

    // Two more, one of them finished meanwhile by someone else: none is given, the dialog says why.
    const rest = (await taskIdsOf()).filter((t) => t.assigned_to === null);
    await page.locator('[data-action="assign-several"]').click();
    await dialog.waitFor();
    for (const t of rest) await dialog.getByLabel(`Unit ${t.unit} · Inspection`).check();
    await dialog.getByRole("combobox", { name: "Give them to" }).click();
    await page.getByRole("option", { name: housekeeperName, exact: true }).click();
    await db.ownerPool.query("update app_public.housekeeping_tasks set status = 'done', completed_at = now() where id = $1", [rest[0]!.id]);
    // The board hears of it (realtime) and the finished task leaves the dialog's list, still chosen.
    await dialog.getByLabel(`Unit ${rest[0]!.unit} · Inspection`).waitFor({ state: "detached" });
    await page.locator('[data-confirm="assign-several"]').click();
    await dialog.getByText("No task was given").waitFor();
    await expect(dialog.textContent()).resolves.toContain("This task is done already.");
    expect((await taskIdsOf()).filter((t) => rest.some((r) => r.id === t.id)).map((t) => t.assigned_to)).toEqual([null, null]);
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });
});
