// A housekeeping supervisor and attendants (issue 21), in headless Chromium
// against a real Keepr server:
// - the supervisor signs in and lands on the housekeeping board (their
//   home), gives one room to an attendant ("Assign" on its card) and two
//   more to another at once (the cards' checkboxes, "Assign 2 rooms"),
//   filters the board by attendant, makes a task urgent and inspects the
//   clean unit (desktop), and has the same on a 390 px phone;
// - an attendant on a phone (and a desktop) sees "My rooms" first, no "Inspect" (a clean
//   unit is "Waiting for inspection"), no "Mark clean" on another
//   attendant's room and no Start or Done on her task; the API refuses her
//   taking it (ACCESS_DENIED, reason ASSIGNED); a room the supervisor gives
//   her through the API joins "My rooms" by itself (realtime).
// Axe clean on every screen; nothing scrolls sideways; screenshots
// docs/screenshots/admin-housekeeping-supervisor-*.png.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow, waitUntil } from "../helpers/browser.ts";
import { chooseOption, signInToConsole, withPassword } from "../helpers/console.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;
let supervisor: string;
let ana: string;
const names: Record<string, string> = {};
const contexts: BrowserContext[] = [];

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(screenshots, `admin-housekeeping-supervisor-${name}.png`), animations: "disabled" });

async function signIn(userId: string, kind: "desktop" | "phone") {
  const context = await newContext(browser, { device: kind, track: contexts });
  return signInToConsole(context, server.url, await withPassword(db.ownerPool, userId), { ready: "board" });
}

async function tokenOf(userId: string): Promise<string> {
  const email = await withPassword(db.ownerPool, userId);
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword });
  return login.body.data!.login.result as string;
}

const tasks = async () =>
  (await db.ownerPool.query<{ id: string; unit: string; assigned_to: string | null; priority: string }>(
    `select t.id, u.name as unit, t.assigned_to, t.priority::text from app_public.housekeeping_tasks t join app_public.units u on u.id = t.unit_id
      where t.property_id = $1 order by u.name`,
    [hotel.propertyId],
  )).rows;
const unitStatus = async (name: string) =>
  (await db.ownerPool.query("select housekeeping_status from app_public.units where property_id = $1 and name = $2", [hotel.propertyId, name])).rows[0]
    .housekeeping_status as string;

/** Picks an option of a MUI select by its label. */
beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db, {}, { realtime: true });
  hotel = await createHotel(db.ownerPool, { units: 4 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [hotel.propertyId]);
  const member = async (name: string, role: string) => {
    const id = (await db.ownerPool.query("insert into app_public.users (email, display_name) values ($1, $2) returning id",
      [`${name.toLowerCase().replace(" ", ".")}-${crypto.randomUUID()}@test.example`, name])).rows[0].id as string;
    await db.ownerPool.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, $3)", [hotel.propertyId, id, role]);
    return id;
  };
  supervisor = await member("Sofia Supervisor", "housekeeping_supervisor");
  ana = await member("Ana Attendant", "housekeeping");
  names.hugo = (await db.ownerPool.query("update app_public.users set display_name = 'Hugo Housekeeper' where id = $1 returning display_name", [hotel.housekeeper]))
    .rows[0].display_name as string;
  // Units 101-103 were left today (dirty, a check-out cleaning each); 104 is clean, waiting for inspection.
  await db.ownerPool.query("update app_public.units set housekeeping_status = case when name = '104' then 'clean' else 'dirty' end::app_public.housekeeping_status where property_id = $1",
    [hotel.propertyId]);
  await db.ownerPool.query(
    `insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date)
     select property_id, id, 'checkout_clean', $2 from app_public.units where property_id = $1 and name <> '104'`,
    [hotel.propertyId, localDate(hotel.timeZone, 0)],
  );
  browser = await launchBrowser();
  await waitUntil(async () => server.realtime?.replicationConnected() === true, "realtime replication");
}, 240_000);

afterAll(() => endBrowserTest({ contexts, browser, server, db }));

describe("the housekeeping supervisor", () => {
  it("lands on the board, assigns one room and a selection, filters by attendant, makes a task urgent and inspects the clean unit (desktop)", async () => {
    const { page, errors } = await signIn(supervisor, "desktop");
    await page.getByTestId("housekeeping-ready").waitFor();
    expect(new URL(page.url()).pathname).toBe("/admin/housekeeping");
    const card = (unit: string) => page.locator(`[data-testid="unit-card"][data-unit="${unit}"]`);
    // No guest names or money on the supervisor's board, and no Inspect before a unit is clean.
    await expect(card("101").getByRole("button", { name: "Inspect" }).count()).resolves.toBe(0);

    // One room: "Assign" on its card.
    await card("101").getByRole("button", { name: "Assign unit 101" }).click();
    const one = page.getByTestId("assign-rooms-dialog");
    await one.getByText("Unit 101: 1 task to do.").waitFor();
    await chooseOption(page, "Give them to", names.hugo!, one);
    await one.getByRole("button", { name: "Give 1 task" }).click();
    await one.waitFor({ state: "detached" });
    await waitUntil(async () => (await tasks()).find((t) => t.unit === "101")?.assigned_to === hotel.housekeeper, "101 given to Hugo");

    // A selection: 102 and 103 to Ana at once.
    await card("102").getByRole("checkbox", { name: "Select unit 102" }).check();
    await card("103").getByRole("checkbox", { name: "Select unit 103" }).check();
    await page.getByRole("button", { name: "Assign 2 rooms" }).click();
    const several = page.getByTestId("assign-rooms-dialog");
    await several.getByText("Unit 102, Unit 103: 2 tasks to do.").waitFor();
    await chooseOption(page, "Give them to", "Ana Attendant", several);
    await expectAccessible(page, "assign rooms dialog");
    await shot(page, "assign-desktop");
    await several.getByRole("button", { name: "Give 2 tasks" }).click();
    await several.waitFor({ state: "detached" });
    await waitUntil(async () => (await tasks()).filter((t) => t.assigned_to === ana).map((t) => t.unit).join() === "102,103", "102 and 103 given to Ana");
    await expect(page.getByRole("button", { name: /^Assign \d rooms?$/ }).count()).resolves.toBe(0); // the selection is cleared

    // The attendant filter: Ana's rooms only, then everyone again.
    await chooseOption(page, "Attendant", "Ana Attendant", page.getByTestId("attendant-filter"));
    const shownUnits = async () => (await Promise.all((await page.getByTestId("unit-card").all()).map((c) => c.getAttribute("data-unit")))).join();
    await waitUntil(async () => (await shownUnits()) === "102,103", "only Ana's rooms");
    await chooseOption(page, "Attendant", "Everyone", page.getByTestId("attendant-filter"));
    await waitUntil(async () => (await page.getByTestId("unit-card").count()) === 4, "every unit again");

    // Inspect: the clean unit only.
    await card("104").getByRole("button", { name: "Inspect" }).click();
    await waitUntil(async () => (await unitStatus("104")) === "inspected", "104 inspected");
    await card("104").and(page.locator('[data-status="inspected"]')).waitFor();

    // Priority, on the Tasks tab: 103's cleaning becomes urgent, and its room comes first on the board.
    await page.getByRole("tab", { name: /^Tasks/ }).click();
    const task103 = page.locator('[data-testid="task-card"][data-unit="103"]');
    await chooseOption(page, "Priority", "Urgent", task103);
    await waitUntil(async () => (await tasks()).find((t) => t.unit === "103")?.priority === "urgent", "103 urgent");
    await task103.and(page.locator('[data-priority="urgent"]')).waitFor();
    await expect(page.getByTestId("task-card").first().getAttribute("data-unit")).resolves.toBe("103");
    await expectAccessible(page, "tasks tab");
    await page.getByRole("tab", { name: /^Units/ }).click();
    await waitUntil(async () => (await page.getByTestId("unit-card").first().getAttribute("data-unit")) === "103", "the urgent room first");
    await expect(card("103").getByTestId("task-priority").textContent()).resolves.toBe("Urgent");
    await card("102").getByRole("checkbox", { name: "Select unit 102" }).check();
    await expectAccessible(page, "board");
    expect(await sidewaysOverflow(page)).toBe(0);
    await shot(page, "board-desktop");
    expect(errors).toEqual([]);
  });

  it("has the same board on a 390 px phone: Assign per room, the attendant filter, nothing sideways", async () => {
    const { page, errors } = await signIn(supervisor, "phone");
    await page.getByTestId("housekeeping-ready").waitFor();
    await page.getByTestId("attendant-filter").waitFor();
    const card = page.locator('[data-testid="unit-card"][data-unit="101"]');
    await card.getByRole("button", { name: "Assign unit 101" }).waitFor();
    await expect(card.textContent()).resolves.toContain(names.hugo!);
    await expectAccessible(page, "supervisor's phone board");
    expect(await sidewaysOverflow(page)).toBe(0);
    await shot(page, "board-phone");
    expect(errors).toEqual([]);
  });
});

describe("an attendant", () => {
  it("sees My rooms first on a phone, cannot inspect or work another attendant's task; the API refuses it too", async () => {
    const { page, errors } = await signIn(hotel.housekeeper, "phone");
    await page.getByTestId("housekeeping-ready").waitFor();
    await expect(page.getByTestId("my-rooms").textContent()).resolves.toBe("My rooms (1)");
    await expect(page.getByTestId("unit-card").first().getAttribute("data-unit")).resolves.toBe("101");
    // No supervisor's tools.
    await expect(page.getByTestId("attendant-filter").count()).resolves.toBe(0);
    await expect(page.getByTestId("select-unit").count()).resolves.toBe(0);
    await expect(page.getByRole("button", { name: /^Assign/ }).count()).resolves.toBe(0);
    // Ana's rooms are hers to mark clean.
    const anasRoom = page.locator('[data-testid="unit-card"][data-unit="102"]');
    await anasRoom.getByText("Ana Attendant's room").waitFor();
    await expect(anasRoom.getByRole("button", { name: "Mark clean" }).count()).resolves.toBe(0);
    // A unit cleaned by someone waits for the supervisor's inspection.
    await db.ownerPool.query("update app_public.units set housekeeping_status = 'clean' where property_id = $1 and name = '104'", [hotel.propertyId]);
    const clean = page.locator('[data-testid="unit-card"][data-unit="104"]');
    await clean.getByText("Waiting for inspection").waitFor();
    await expect(clean.getByRole("button", { name: "Inspect" }).count()).resolves.toBe(0);
    await expectAccessible(page, "attendant's board");
    expect(await sidewaysOverflow(page)).toBe(0);
    await shot(page, "attendant-phone");

    // Tasks: hers first, with Start and Done; Ana's without.
    await page.getByRole("tab", { name: /^Tasks/ }).click();
    await expect(page.getByTestId("task-card").first().getAttribute("data-unit")).resolves.toBe("101");
    const hers = page.locator('[data-testid="task-card"][data-unit="101"]');
    await hers.getByText("given to you").waitFor();
    await hers.getByRole("button", { name: "Start" }).waitFor();
    const anas = page.locator('[data-testid="task-card"][data-unit="102"]');
    await anas.getByText("given to Ana Attendant").waitFor();
    await expect(anas.getByRole("button").count()).resolves.toBe(0);
    await expectAccessible(page, "attendant's tasks");
    const anasTask = (await tasks()).find((t) => t.unit === "102")!.id;
    const refused = await server.graphql(`mutation($t: UUID!) { updateHousekeepingTask(input: {taskId: $t, status: in_progress}) { result { rowId } } }`,
      { t: anasTask }, { token: await tokenOf(hotel.housekeeper) });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: "ACCESS_DENIED", reason: "ASSIGNED" });
    expect((await tasks()).find((t) => t.unit === "102")!.assigned_to).toBe(ana);

    // The supervisor gives her 103 as well (through the API): her board says so by itself (realtime).
    await page.getByRole("tab", { name: /^Units/ }).click();
    await expect(page.getByTestId("my-rooms").textContent()).resolves.toBe("My rooms (1)");
    const given = await server.graphql(`mutation($t: [UUID]!, $a: UUID) { assignHousekeepingTasks(input: {taskIds: $t, assignee: $a}) { result { rowId } } }`,
      { t: [(await tasks()).find((t) => t.unit === "103")!.id], a: hotel.housekeeper }, { token: await tokenOf(supervisor) });
    expect(given.body.errors).toBeUndefined();
    await waitUntil(async () => (await page.getByTestId("my-rooms").textContent()) === "My rooms (2)", "103 among her rooms, live");
    await page.locator('[data-testid="unit-card"][data-unit="103"]').getByRole("button", { name: "Mark clean" }).waitFor();
    expect(errors).toEqual([]);
  });

  it("has My rooms first on a desktop too, and another attendant's room without Mark clean", async () => {
    const { page, errors } = await signIn(hotel.housekeeper, "desktop");
    await page.getByTestId("housekeeping-ready").waitFor();
    await expect(page.getByTestId("my-rooms").textContent()).resolves.toBe("My rooms (2)");
    const first = await Promise.all((await page.getByTestId("unit-card").all()).slice(0, 2).map((c) => c.getAttribute("data-unit")));
    expect(first.sort()).toEqual(["101", "103"]);
    await page.locator('[data-testid="unit-card"][data-unit="102"]').getByText("Ana Attendant's room").waitFor();
    await expectAccessible(page, "attendant's desktop board");
    expect(await sidewaysOverflow(page)).toBe(0);
    await shot(page, "attendant-desktop");
    expect(errors).toEqual([]);
  });
});
