// The staff console's operations in headless Chromium against a real Keepr
// server with its realtime service (as npm start runs it) on a test
// database: housekeeping on a phone sees who is checked in, arriving or
// gone (never by name), the desk's check-in (made through the API)
// appearing by itself, marks a
// unit clean, puts one out of order (the reason the API requires; refused
// while a guest is in) and back in service; two staff sessions see each other's changes (a check-in
// in the UI, a check-out through the API, a guest's online booking) appear
// without reloading, and still do after the change stream restarts; each
// sees the other on the same reservation page; the channel manager shows a
// failing feed's error, then a conflict naming the nights sold twice
// (against a stay: open the reservation; against a block: the tape chart)
// acknowledged with a note, and a feed whose fetch waits to be confirmed,
// accepted (also on a 375 px phone). Screenshots in
// docs/screenshots/admin-operations-*.png; axe-core on every screen.
import { mkdirSync, mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { collectPageErrors, expectAccessible, launchBrowser, newContext, sidewaysOverflow } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, book, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { runDueJobs } from "../helpers/jobs.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { loadFixture } from "../fixtures/ical/index.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let h: Hotel;
let today: string;
let feeds: Server;
let feedsUrl: string;
let outbox: string;
/** What the local channel serves at each path: a fixture, or an HTTP status. */
const serving = new Map<string, "vrbo" | number>();
const email: Record<string, string> = {};
const stays: Record<string, { id: string; code: string; unitId: string; unitName: string }> = {};
const contexts: BrowserContext[] = [];
/** What the live tests measured, printed at the end. */
const timings: string[] = [];

const committed = <T>(fn: (c: pg.PoolClient) => Promise<T>) => inCommit(db.ownerPool, fn);
const asDesk = async (c: pg.PoolClient) => actAs(c, { role: "keepr_staff", userId: h.frontDesk });

async function stayOf(id: string) {
  const { rows } = await db.ownerPool.query<{ code: string; unit_id: string; unit_name: string }>(
    "select r.confirmation_code as code, r.unit_id, u.name as unit_name from app_public.reservations r join app_public.units u on u.id = r.unit_id where r.id = $1",
    [id],
  );
  return { id, code: rows[0]!.code, unitId: rows[0]!.unit_id, unitName: rows[0]!.unit_name };
}

/** A guest books online (quote → hold → confirm as the anonymous role), committed. */
async function guestBooks(arrivalOffset: number, nights: number, fullName: string) {
  const id = await committed(async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    const arrival = localDate(h.timeZone, arrivalOffset);
    const q = await quote(c, h.ratePlanId, arrival, addDays(arrival, nights));
    const held = await hold(c, q.quote_token);
    await c.query("select app_public.confirm_booking($1, $2, $3, $4, '+351 21 000 0000', hold_token => $5)", [
      held.reservation_id, newKey(), fullName, `${fullName.split(" ")[0]!.toLowerCase()}@example.com`, held.hold_token,
    ]);
    return held.reservation_id;
  });
  return stayOf(id);
}

const one = async <T>(sql: string, params: unknown[]): Promise<T> => (await db.ownerPool.query(sql, params)).rows[0] as T;

/** A night as the console lists it in an en-GB browser: "Mon 20 Jul". */
const night = (date: string) =>
  new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${date}T12:00:00Z`));

const shot = (page: Page, name: string, options: { fullPage?: boolean } = {}) =>
  page.screenshot({ path: path.join(screenshots, `admin-operations-${name}.png`), animations: "disabled", ...options });

/** Pays what a stay owes by bank transfer, as the desk does before a check-out (check-out needs every folio at zero). */
async function settle(c: pg.PoolClient, reservationId: string) {
  await c.query(
    `select app_public.take_folio_payment(folio_id => f.id, method => 'bank_transfer', amount => b.balance, reference => 'Paid at the desk', idempotency_key => $2 || f.id::text)
       from app_public.folios f join app_public.folio_balances b on b.folio_id = f.id
      where f.reservation_id = $1 and b.balance > 0`,
    [reservationId, newKey()],
  );
}

async function phoneContext(width = 390): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "en-GB",
    timezoneId: "UTC",
  });
  contexts.push(context);
  return context;
}

async function desktopContext(): Promise<BrowserContext> {
  const context = await newContext(browser);
  contexts.push(context);
  return context;
}

async function signIn(context: BrowserContext, userEmail: string): Promise<Page> {
  return (await signInToConsole(context, server.url, userEmail, { ready: "board" })).page;
}

/** The app bar says the screen's channels are joined: changes committed from now on arrive. */
const live = (page: Page) => page.locator('[data-testid="live-status"][data-state="live"]').waitFor();

/**
 * For a screenshot: the channels joined and nothing loading for half a
 * second, so the first join's refetch (and its app-bar spinner, which
 * replaces the refresh button) is over.
 */
async function settled(page: Page): Promise<void> {
  await live(page);
  await page.evaluate(() => {
    delete (globalThis as unknown as { keeprQuietSince?: number }).keeprQuietSince;
  });
  await page.waitForFunction(
    () => {
      const g = globalThis as unknown as { keeprQuietSince?: number; document: { querySelector(s: string): unknown } };
      const now = performance.now();
      if (g.keeprQuietSince === undefined || g.document.querySelector(".MuiCircularProgress-root, .MuiLinearProgress-root")) g.keeprQuietSince = now;
      return now - g.keeprQuietSince >= 500;
    },
    undefined,
    { polling: 50 },
  );
}

/** Marks the document: a reload or a navigation by the browser would lose the mark. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as { keeprNoReload: boolean }).keeprNoReload = true;
  });
}
async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (globalThis as unknown as { keeprNoReload?: boolean }).keeprNoReload === true)).toBe(true);
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db, {}, { realtime: true });
  h = await createHotel(db.ownerPool, { units: 4 });
  today = localDate(h.timeZone, 0);
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [h.propertyId]);
  email.desk = await withPassword(db.ownerPool, h.frontDesk, "Diego Desk");
  email.manager = await withPassword(db.ownerPool, h.manager, "Marta Manager");
  email.housekeeper = await withPassword(db.ownerPool, h.housekeeper, "Hugo Housekeeping");

  stays.ada = await guestBooks(0, 2, "Ada Lovelace"); // arrives today: checked in from the desk's dashboard
  stays.ben = await guestBooks(0, 1, "Ben Bowen"); // stayed, checked out today: his unit is dirty with a cleaning task
  stays.cleo = await guestBooks(0, 3, "Cleo Clark"); // in house: her unit cannot go out of order
  stays.dora = await guestBooks(0, 2, "Dora Diaz"); // arrives today: checked in by the desk while housekeeping watches its board
  await committed(async (c) => {
    await asDesk(c);
    for (const stay of [stays.ben!, stays.cleo!]) await c.query("select app_public.check_in($1, $2)", [stay.id, newKey()]);
    await settle(c, stays.ben!.id);
    await c.query("select app_public.check_out($1, $2)", [stays.ben!.id, newKey()]);
  });

  outbox = mkdtempSync(path.join(tmpdir(), "keepr-outbox-"));
  feeds = createServer((req, res) => {
    const what = serving.get(req.url ?? "");
    if (typeof what === "string") res.writeHead(200, { "content-type": "text/calendar" }).end(loadFixture(what, today));
    else res.writeHead(what ?? 404).end();
  });
  await new Promise<void>((resolve) => feeds.listen(0, "127.0.0.1", resolve));
  feedsUrl = `http://127.0.0.1:${(feeds.address() as AddressInfo).port}`;

  browser = await launchBrowser();
  // Changes reach the console through logical replication: it must be streaming first.
  const deadline = Date.now() + 15_000;
  while (server.realtime?.replicationConnected() !== true) {
    if (Date.now() > deadline) throw new Error("realtime replication never connected");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}, 240_000);

afterAll(async () => {
  if (timings.length > 0) console.log(`staff console, live (2-core test machine):\n  ${timings.join("\n  ")}`);
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await new Promise((resolve) => feeds?.close(resolve));
  await db?.drop();
});

it("serves the console's public configuration: the realtime path and the anonymous key, revalidated on each load", async () => {
  const response = await fetch(`${server.url}/admin/config.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("no-cache");
  const body = (await response.json()) as { realtime: { path: string; apiKey: string } };
  expect(body.realtime.path).toBe("/realtime/v1");
  // The anonymous key: role keepr_anonymous, no subject, no expiry.
  const claims = JSON.parse(Buffer.from(body.realtime.apiKey.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
  expect(claims).toEqual({ role: "keepr_anonymous", aud: "keepr", iss: "keepr" });
});

/** The text of a unit's line on the board ("occupancy" or "arrival"), "" when it has none. */
async function unitLine(page: Page, unitName: string, line: "occupancy" | "arrival"): Promise<string> {
  const found = page.locator(`[data-testid="unit-card"][data-unit="${unitName}"]`).getByTestId(line);
  return (await found.count()) === 0 ? "" : ((await found.textContent()) ?? "");
}

it("the front desk's housekeeping board names who is in each unit, who arrives and who left (the desk reads reservations)", async () => {
  const context = await desktopContext();
  const desk = await signIn(context, email.desk!);
  await desk.goto(`${server.url}/admin/housekeeping`);
  await desk.getByTestId("housekeeping-ready").waitFor();
  await expect(unitLine(desk, stays.cleo!.unitName, "occupancy")).resolves.toMatch(/^Occupied · Cleo Clark · checked in today · until \w{3},? \d+ \w{3} \d{4}$/);
  await expect(unitLine(desk, stays.ada!.unitName, "occupancy")).resolves.toBe("Vacant");
  await expect(unitLine(desk, stays.ada!.unitName, "arrival")).resolves.toBe("Arriving today · Ada Lovelace (2 adults)");
  // Ben left early (his stay is no longer one of the day's): the unit says he left, not who.
  await expect(unitLine(desk, stays.ben!.unitName, "occupancy")).resolves.toBe("Vacant · left today, needs cleaning");
  await context.close();
});

describe("housekeeping on a phone", () => {
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    page = await signIn(await phoneContext(), email.housekeeper!);
    errors = collectPageErrors(page);
  });

  it("shows every unit with its status, whether it is taken (never by whom), and today's tasks, without horizontal scroll and with big touch targets", async () => {
    // Housekeeping lands on its board (it reads no reservations: no day board); the menu (a drawer
    // on a phone) leads to it; housekeeping has no Today, channels or reservations.
    await page.getByTestId("housekeeping-ready").waitFor();
    await page.getByRole("button", { name: /open menu/i }).click();
    await expect(page.getByRole("menuitem", { name: "Today" }).count()).resolves.toBe(0);
    await expect(page.getByRole("menuitem", { name: "Channels" }).count()).resolves.toBe(0);
    await expect(page.getByRole("menuitem", { name: "Reservations" }).count()).resolves.toBe(0);
    await page.getByRole("menuitem", { name: "Housekeeping" }).click();
    await page.getByTestId("housekeeping-ready").waitFor();
    await live(page);

    const ben = page.locator(`[data-testid="unit-card"][data-unit="${stays.ben!.unitName}"]`);
    await expect(ben.getAttribute("data-status")).resolves.toBe("dirty");
    // Ben came and left today: his unit needs cleaning, nobody arrives.
    await expect(unitLine(page, stays.ben!.unitName, "occupancy")).resolves.toBe("Vacant · left today, needs cleaning");
    await expect(unitLine(page, stays.ben!.unitName, "arrival")).resolves.toBe("");
    // Cleo arrived and is checked in; Ada and Dora arrive today, not in yet: with their party, never their names.
    await expect(unitLine(page, stays.cleo!.unitName, "occupancy")).resolves.toMatch(/^Occupied · checked in today · until \w{3},? \d+ \w{3} \d{4}$/);
    await expect(unitLine(page, stays.cleo!.unitName, "arrival")).resolves.toBe("");
    for (const stay of [stays.ada!, stays.dora!]) {
      await expect(unitLine(page, stay.unitName, "occupancy")).resolves.toBe("Vacant");
      await expect(unitLine(page, stay.unitName, "arrival")).resolves.toBe("Arriving today · 2 adults");
    }
    await page.getByRole("button", { name: "Arriving today 2" }).waitFor();
    const text = (await page.locator("body").textContent())!;
    for (const name of ["Ada Lovelace", "Ben Bowen", "Cleo Clark", "Dora Diaz"]) expect(text).not.toContain(name);
    await expect(ben.textContent()).resolves.toContain("Check-out clean · Open");

    const widths = await page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return [root.scrollWidth, root.clientWidth];
    });
    expect(widths[0]).toBeLessThanOrEqual(widths[1]!);
    for (const button of await ben.getByRole("button").all()) {
      const box = await button.boundingBox();
      expect(Math.min(box!.width, box!.height)).toBeGreaterThanOrEqual(44);
    }
    // The menu's item was clicked where the app bar's "Live" chip now is: its tooltip goes once the pointer
    // leaves (to the page's heading, not the bottom, where a hovered notification would stay).
    await page.mouse.move(350, 180);
    await page.getByRole("tooltip").waitFor({ state: "detached" });
    await settled(page);
    await shot(page, "housekeeping-phone", { fullPage: true });
    await expectAccessible(page);
  });

  it("shows the desk's check-in made through the API by itself: the arrival becomes a guest checked in today, still without a name", async () => {
    await markDocument(page);
    // Changes committed from now on reach the board.
    await live(page);
    const login = await server.graphql("mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { result } }", {
      email: email.desk,
      password: fixturePassword,
    });
    const deskToken = login.body.data!.login.result as string;
    // Not the console: the desk's check-in reaches the phone as the unit's isOccupied (migration 000022),
    // the unit's row every staff member reads, whoever made the check-in and however.
    const sent = performance.now();
    const answer = await server.graphql(
      "mutation($id: UUID!, $key: String!) { checkIn(input: {reservationId: $id, idempotencyKey: $key}) { result { status } } }",
      { id: stays.dora!.id, key: newKey() },
      { token: deskToken },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.checkIn.result.status).toBe("checked_in");
    const dora = page.locator(`[data-testid="unit-card"][data-unit="${stays.dora!.unitName}"]`);
    await dora.locator('[data-testid="occupancy"][data-occupancy="checked_in_today"]').waitFor({ timeout: 10_000 });
    timings.push(`check-in through the API → housekeeping's board: ${Math.round(performance.now() - sent)} ms from the request`);
    await expect(unitLine(page, stays.dora!.unitName, "occupancy")).resolves.toMatch(/^Occupied · checked in today · until \w{3},? \d+ \w{3} \d{4}$/);
    await expect(unitLine(page, stays.dora!.unitName, "arrival")).resolves.toBe("");
    await expect(unitLine(page, stays.ada!.unitName, "arrival")).resolves.toBe("Arriving today · 2 adults");
    await page.getByRole("button", { name: "Arriving today 1" }).waitFor();
    expect((await page.locator("body").textContent())!).not.toMatch(/Ada Lovelace|Ben Bowen|Cleo Clark|Dora Diaz/);
    await expectSameDocument(page);
    expect(
      await one(
        "select r.status, r.checked_in_at is not null as stamped, u.is_occupied from app_public.reservations r join app_public.units u on u.id = r.unit_id where r.id = $1",
        [stays.dora!.id],
      ),
    ).toEqual({ status: "checked_in", stamped: true, is_occupied: true });

    // The same board on a desktop: three columns, the same words.
    const wide = await signIn(await desktopContext(), email.housekeeper!);
    const wideErrors = collectPageErrors(wide);
    await wide.getByTestId("housekeeping-ready").waitFor();
    await expect(unitLine(wide, stays.dora!.unitName, "occupancy")).resolves.toMatch(/^Occupied · checked in today · until /);
    expect((await wide.locator("body").textContent())!).not.toMatch(/Ada Lovelace|Ben Bowen|Cleo Clark|Dora Diaz/);
    await settled(wide);
    await shot(wide, "housekeeping-desktop");
    await expectAccessible(wide);
    expect(wideErrors).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("marks the dirty unit clean with one tap: the status and its cleaning task are done in the database", async () => {
    const ben = page.locator(`[data-testid="unit-card"][data-unit="${stays.ben!.unitName}"]`);
    await ben.getByRole("button", { name: "Mark clean" }).tap();
    await page.locator(`[data-testid="unit-card"][data-unit="${stays.ben!.unitName}"][data-status="clean"]`).waitFor();
    expect(await one("select housekeeping_status as status from app_public.units where id = $1", [stays.ben!.unitId])).toEqual({ status: "clean" });
    expect(
      (await db.ownerPool.query("select kind, status, completed_by from app_public.housekeeping_tasks where unit_id = $1", [stays.ben!.unitId])).rows,
    ).toEqual([{ kind: "checkout_clean", status: "done", completed_by: h.housekeeper }]);
  });

  it("out of order needs the reason, is refused while a guest is in the unit, opens a maintenance task, and comes back in service", async () => {
    // Cleo is in her unit: the API's UNIT_UNAVAILABLE stays in the dialog.
    const cleo = page.locator(`[data-testid="unit-card"][data-unit="${stays.cleo!.unitName}"]`);
    await cleo.getByRole("button", { name: `More actions for unit ${stays.cleo!.unitName}` }).tap();
    await page.getByRole("menuitem", { name: "Out of order…" }).tap();
    const dialog = page.getByTestId("out-of-order-dialog");
    const confirm = dialog.getByRole("button", { name: "Put out of order" });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/Why/).fill("Leaking tap");
    await confirm.tap();
    await dialog.locator('[data-error-code="UNIT_UNAVAILABLE"]').waitFor();
    await expect(dialog.textContent()).resolves.toContain("move them before putting it out of order");
    await dialog.getByRole("button", { name: "Back" }).tap();
    await dialog.waitFor({ state: "detached" });

    // Ben's unit, now empty and clean: out of order with the reason.
    const ben = page.locator(`[data-testid="unit-card"][data-unit="${stays.ben!.unitName}"]`);
    await ben.getByRole("button", { name: `More actions for unit ${stays.ben!.unitName}` }).tap();
    await page.getByRole("menuitem", { name: "Out of order…" }).tap();
    await dialog.getByLabel(/Why/).fill("Broken window latch");
    await shot(page, "housekeeping-out-of-order-phone");
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Put out of order" }).tap();
    await dialog.waitFor({ state: "detached" });
    await page.locator(`[data-testid="unit-card"][data-unit="${stays.ben!.unitName}"][data-status="out_of_order"]`).waitFor();
    await expect(ben.textContent()).resolves.toContain("Maintenance · Open");
    expect(await one("select housekeeping_status as status from app_public.units where id = $1", [stays.ben!.unitId])).toEqual({ status: "out_of_order" });
    expect(
      (await db.ownerPool.query("select status, notes from app_public.housekeeping_tasks where unit_id = $1 and kind = 'maintenance'", [stays.ben!.unitId])).rows,
    ).toEqual([{ status: "open", notes: "Broken window latch" }]);

    // The task list shows it; then back in service: the maintenance is done and the unit clean.
    await page.getByRole("tab", { name: /Tasks/ }).tap();
    await page.locator(`[data-testid="task-card"][data-unit="${stays.ben!.unitName}"][data-kind="maintenance"][data-status="open"]`).waitFor();
    await shot(page, "housekeeping-tasks-phone");
    await expectAccessible(page);
    await page.getByRole("tab", { name: /Units/ }).tap();
    await ben.getByRole("button", { name: "Back in service" }).tap();
    const back = page.getByTestId("back-in-service-dialog");
    await back.getByLabel("What was done").fill("Latch replaced");
    await back.getByRole("button", { name: "Back in service" }).tap();
    await back.waitFor({ state: "detached" });
    await page.locator(`[data-testid="unit-card"][data-unit="${stays.ben!.unitName}"][data-status="clean"]`).waitFor();
    expect(
      (await db.ownerPool.query("select status, notes from app_public.housekeeping_tasks where unit_id = $1 and kind = 'maintenance'", [stays.ben!.unitId])).rows,
    ).toEqual([{ status: "done", notes: "Latch replaced" }]);
    expect(errors).toEqual([]);
  });

  it("refreshes by itself when the desk checks a guest out elsewhere: the unit turns dirty with its task", async () => {
    await markDocument(page);
    await committed(async (c) => {
      await asDesk(c);
      await settle(c, stays.cleo!.id);
      await c.query("select app_public.check_out($1, $2)", [stays.cleo!.id, newKey()]);
    });
    const cleo = page.locator(`[data-testid="unit-card"][data-unit="${stays.cleo!.unitName}"][data-status="dirty"]`);
    await cleo.waitFor();
    await expect(cleo.getByTestId("occupancy").textContent()).resolves.toBe("Vacant · left today, needs cleaning");
    await expect(cleo.textContent()).resolves.toContain("Check-out clean · Open");
    await expectSameDocument(page);
  });

  it("adds an inspection task from the task list; a second of the same kind and day is refused in plain words", async () => {
    await page.getByRole("tab", { name: /Tasks/ }).tap();
    const add = async () => {
      await page.getByRole("button", { name: "New task" }).tap();
      const dialog = page.getByTestId("new-task-dialog");
      await dialog.getByLabel("Unit").click();
      await page.getByRole("option", { name: `Unit ${stays.ada!.unitName}` }).click();
      await dialog.getByLabel("Notes").fill("VIP arrival: check the minibar");
      await dialog.getByRole("button", { name: "Add task" }).tap();
      return dialog;
    };
    const dialog = await add();
    await dialog.waitFor({ state: "detached" });
    await page.locator(`[data-testid="task-card"][data-unit="${stays.ada!.unitName}"][data-kind="inspection"][data-status="open"]`).waitFor();
    expect(
      (await db.ownerPool.query("select kind, status, due_date::text as due, notes from app_public.housekeeping_tasks where unit_id = $1 and kind = 'inspection'", [stays.ada!.unitId])).rows,
    ).toEqual([{ kind: "inspection", status: "open", due: today, notes: "VIP arrival: check the minibar" }]);

    const again = await add();
    await again.locator('[data-error-code="CONFLICT"]').getByText(`Unit ${stays.ada!.unitName} already has an inspection on that day.`).waitFor();
    await again.getByRole("button", { name: "Back" }).tap();
    await again.waitFor({ state: "detached" });
    await page.getByRole("tab", { name: /Units/ }).tap();
    expect(errors).toEqual([]);
  });
});

describe("two staff sessions, live", () => {
  let desk: Page;
  let manager: Page;
  let deskErrors: string[];
  let managerErrors: string[];
  let deskToken: string;

  beforeAll(async () => {
    desk = await signIn(await desktopContext(), email.desk!);
    manager = await signIn(await desktopContext(), email.manager!);
    deskErrors = collectPageErrors(desk);
    managerErrors = collectPageErrors(manager);
    const login = await server.graphql("mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { result } }", {
      email: email.desk,
      password: fixturePassword,
    });
    deskToken = login.body.data!.login.result as string;
  });

  it("a check-in at one desk appears on the other's dashboard without a reload; so does a guest's online booking", async () => {
    await live(desk);
    await live(manager);
    await markDocument(manager);
    const row = (page: Page, code: string) => page.getByTestId("arrivals").locator(`[data-code="${code}"]`);
    await expect(row(manager, stays.ada!.code).locator('[data-status="confirmed"]').count()).resolves.toBe(1);

    await row(desk, stays.ada!.code).locator('[data-action="check_in"]').click();
    await desk.locator('[data-confirm="check_in"]').click();
    await desk.getByRole("dialog").waitFor({ state: "detached" });
    const checkedIn = performance.now();
    await row(manager, stays.ada!.code).locator('[data-status="checked_in"]').waitFor();
    timings.push(`check-in at one desk → the other's dashboard: ${Math.round(performance.now() - checkedIn)} ms after the first desk's dialog closed`);
    await manager.getByTestId("in-house").locator(`[data-code="${stays.ada!.code}"]`).waitFor();

    const booked = performance.now();
    stays.dan = await guestBooks(0, 2, "Dan Darwin");
    await row(manager, stays.dan!.code).waitFor();
    timings.push(`a guest's online booking → the desk's dashboard: ${Math.round(performance.now() - booked)} ms from the start of the booking`);
    await expectSameDocument(manager);
    await shot(manager, "live-dashboard");
  });

  it("a check-out through the API appears in the other's reservation list without a reload", async () => {
    // Client-side navigation (the menu), so the document stays the same.
    await manager.getByRole("menuitem", { name: "Reservations" }).click();
    const adaRow = manager.locator("tbody tr").filter({ hasText: stays.ada!.code });
    await adaRow.locator('[data-status="checked_in"]').waitFor();
    await live(manager);
    // Check-out takes a settled folio (FOLIO_UNSETTLED otherwise): the stay is paid first, as the desk would.
    await committed(async (c) => {
      await asDesk(c);
      await settle(c, stays.ada!.id);
    });
    const sent = performance.now();
    const answer = await server.graphql(
      "mutation($id: UUID!, $key: String!) { checkOut(input: {reservationId: $id, idempotencyKey: $key}) { result { status } } }",
      { id: stays.ada!.id, key: newKey() },
      { token: deskToken },
    );
    expect(answer.body.data?.checkOut.result.status).toBe("checked_out");
    await adaRow.locator('[data-status="checked_out"]').waitFor();
    timings.push(`check-out through the API → the other's list: ${Math.round(performance.now() - sent)} ms from the request`);
    await expectSameDocument(manager);
  });

  it("after the change stream restarts (CHANNEL_ERROR, then SUBSCRIBED), the list refetches what was committed meanwhile", async () => {
    // Record the indicator's states as the page shows them.
    await manager.evaluate(() => {
      const g = globalThis as unknown as { keeprStates: string[]; document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } };
      g.keeprStates = [];
      setInterval(() => {
        const state = g.document.querySelector('[data-testid="live-status"]')?.getAttribute("data-state") ?? "none";
        if (g.keeprStates.at(-1) !== state) g.keeprStates.push(state);
      }, 20);
    });
    const danRow = manager.locator("tbody tr").filter({ hasText: stays.dan!.code });
    await danRow.locator('[data-status="confirmed"]').waitFor();

    // Cut the replication connection: its temporary slot goes with it.
    const slots = () => db.ownerPool.query<{ n: number }>("select count(*)::int as n from pg_replication_slots where slot_name like 'keepr_realtime_%' and database = current_database()");
    const admin = new pg.Client({ connectionString: db.superuserUrl });
    await admin.connect();
    try {
      await admin.query("select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name like 'keepr_realtime_%' and database = current_database()");
    } finally {
      await admin.end();
    }
    const deadline = Date.now() + 5_000;
    while ((await slots()).rows[0]!.n !== 0) {
      if (Date.now() > deadline) throw new Error("the replication slot did not go");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Committed while no slot streams: never delivered as a change.
    await committed(async (c) => {
      await asDesk(c);
      await c.query("select app_public.cancel_reservation($1, $2, 'Guest called: flight cancelled')", [stays.dan!.id, newKey()]);
    });
    expect((await slots()).rows[0]!.n).toBe(0);
    const cancelled = performance.now();

    await danRow.locator('[data-status="cancelled"]').waitFor({ timeout: 20_000 });
    timings.push(`stream restart: a change committed while no slot streamed shown after the rejoin ${Math.round(performance.now() - cancelled)} ms after its commit`);
    await live(manager);
    const states = await manager.evaluate(() => (globalThis as unknown as { keeprStates: string[] }).keeprStates);
    expect(states).toContain("retrying");
    expect(states.at(-1)).toBe("live");
    await expectSameDocument(manager);
  });

  it("each sees the other on the same reservation page, and the avatar goes when they leave", async () => {
    const open = async (page: Page) => {
      await page.goto(`${server.url}/admin/reservations/${stays.ada!.id}/show`);
      await page.getByTestId("confirmation-code").filter({ hasText: stays.ada!.code }).waitFor();
    };
    await open(desk);
    await open(manager);
    const opened = performance.now();
    await desk.getByTestId("also-viewing-names").filter({ hasText: "Marta Manager" }).waitFor();
    timings.push(`presence: the second viewer shown to the first ${Math.round(performance.now() - opened)} ms after the second page loaded`);
    await manager.getByTestId("also-viewing-names").filter({ hasText: "Diego Desk" }).waitFor();
    await desk.getByRole("img", { name: "Marta Manager" }).waitFor();
    await shot(desk, "presence");
    await expectAccessible(desk);

    await manager.getByRole("menuitem", { name: "Today" }).click();
    await manager.getByTestId("dashboard-ready").waitFor();
    await desk.getByTestId("also-viewing").waitFor({ state: "detached" });
    expect(deskErrors).toEqual([]);
    expect(managerErrors).toEqual([]);
  });
});

describe("channels", () => {
  let page: Page;
  let errors: string[];
  let conflictStay: { id: string; code: string; unitId: string; unitName: string };

  beforeAll(async () => {
    // A stay in two weeks; the channel will say the same unit is booked then.
    conflictStay = await committed(async (c) => {
      await asDesk(c);
      const arrival = localDate(h.timeZone, 15);
      const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 2));
      return b.reservation_id;
    }).then(stayOf);
    const context = await desktopContext();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    page = await signIn(context, email.manager!);
    errors = collectPageErrors(page);
  });

  it("is for owners and managers: the desk and housekeeping have no Channels menu", async () => {
    const deskPage = await signIn(await desktopContext(), email.desk!);
    await deskPage.getByRole("menuitem", { name: "Housekeeping" }).waitFor();
    await expect(deskPage.getByRole("menuitem", { name: "Channels" }).count()).resolves.toBe(0);
    await page.getByRole("menuitem", { name: "Channels" }).click();
    await page.getByTestId("channels-ready").waitFor();
    await live(page);
  });

  it("shows each unit's export link with a copy button that copies the secret URL", async () => {
    const card = page.locator(`[data-testid="unit-channels"][data-unit="${conflictStay.unitName}"]`);
    const token = (await one<{ ical_token: string }>("select ical_token from app_public.units where id = $1", [conflictStay.unitId])).ical_token;
    await expect(card.getByTestId("ical-link").inputValue()).resolves.toBe(`${server.url}/ical/${token}.ics`);
    await card.getByRole("button", { name: `Copy unit ${conflictStay.unitName}'s calendar link` }).click();
    await page.getByText(`Unit ${conflictStay.unitName}'s calendar link copied.`).waitFor();
    await expect(page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).resolves.toBe(
      `${server.url}/ical/${token}.ics`,
    );
  });

  it("adds a feed; when the channel answers HTTP 500 the feed shows its error by itself", async () => {
    serving.set("/vrbo-loft.ics", 500);
    const card = page.locator(`[data-testid="unit-channels"][data-unit="${conflictStay.unitName}"]`);
    await card.getByRole("button", { name: "Add feed" }).click();
    const dialog = page.getByTestId("add-feed-dialog");
    await dialog.getByLabel("Channel").click();
    await page.getByRole("option", { name: "Vrbo" }).click();
    await dialog.getByLabel("Name").fill("Vrbo — Loft");
    await dialog.getByLabel(/Calendar URL/).fill(`${feedsUrl}/vrbo-loft.ics`);
    await dialog.getByRole("button", { name: "Add feed" }).click();
    await dialog.waitFor({ state: "detached" });
    const feed = card.locator('[data-testid="feed"][data-feed="Vrbo — Loft"]');
    await card.locator('[data-testid="feed"][data-feed="Vrbo — Loft"][data-health="never"]').waitFor();
    const row = await one<{ id: string; source: string; url: string }>("select id, source, url from app_public.channel_feeds where unit_id = $1", [conflictStay.unitId]);
    expect([row.source, row.url]).toEqual(["vrbo", `${feedsUrl}/vrbo-loft.ics`]);

    // The sync the console queued runs (as the worker would): the error arrives live.
    await runDueJobs(db, { OUTBOX_DIR: outbox });
    await card.locator('[data-testid="feed"][data-feed="Vrbo — Loft"][data-health="failing"]').waitFor();
    await expect(feed.getByTestId("feed-error").textContent()).resolves.toContain("500");
    await page.getByTestId("reconciliation").locator('[data-kind="feed_failing"]').waitFor();
    // Listed once: a failing feed that never synced is not "stale" too.
    await expect(page.getByTestId("reconciliation").locator('[data-kind="feed_stale"]').count()).resolves.toBe(0);
    await shot(page, "channels-error", { fullPage: true });
    await expectAccessible(page);
  });

  it("syncs now once the channel answers: the conflict names the nights sold twice and Keepr's stay, and is acknowledged with a note", async () => {
    serving.set("/vrbo-loft.ics", "vrbo");
    const card = page.locator(`[data-testid="unit-channels"][data-unit="${conflictStay.unitName}"]`);
    await card.getByRole("button", { name: "Sync now" }).click();
    await page.getByText("sync queued").waitFor();
    await runDueJobs(db, { OUTBOX_DIR: outbox });
    await card.locator('[data-testid="feed"][data-feed="Vrbo — Loft"][data-health="ok"]').waitFor();
    const conflict = page.getByTestId("conflict");
    await conflict.waitFor();
    // The channel's "Reserved - Charlotte & Fred" is D+14..D+21; Keepr's stay D+15..D+17: two nights sold twice.
    const arrival = addDays(today, 15);
    await expect(conflict.getByTestId("sold-twice").textContent()).resolves.toBe(`Sold twice: ${night(arrival)} and ${night(addDays(arrival, 1))}`);
    const booking = (await conflict.getByTestId("conflict-channel-booking").textContent()) ?? "";
    expect(booking).toContain("“Reserved - Charlotte & Fred”");
    expect(booking).toContain("(7 nights); its other 5 nights are blocked in Keepr");
    await expect(conflict.getByTestId("conflict-keepr-side").textContent()).resolves.toContain(`reservation ${conflictStay.code}`);
    // "Open reservation" leads to the reservation's page (Move, Cancel).
    await expect(conflict.getByRole("link", { name: "Open reservation" }).getAttribute("href")).resolves.toMatch(new RegExp(`/reservations/${conflictStay.id}/show$`));
    await expect(conflict.textContent()).resolves.toContain("hands these nights to the channel's booking at once and closes this conflict");
    // And they are: the booking's other nights are the feed's blocks, around the stay.
    const feedId = (await one<{ id: string }>("select id from app_public.channel_feeds where unit_id = $1", [conflictStay.unitId])).id;
    const blocks = await db.ownerPool.query<{ first: string; end: string }>(
      "select lower(stay)::text as first, upper(stay)::text as end from app_public.inventory_claims where feed_id = $1 and released_at is null and lower(stay) >= $2::date order by 1",
      [feedId, addDays(today, 14)],
    );
    expect(blocks.rows).toEqual([{ first: addDays(today, 14), end: arrival }, { first: addDays(today, 17), end: addDays(today, 21) }]);
    await shot(page, "channels-conflict", { fullPage: true });
    await expectAccessible(page);

    await conflict.getByRole("button", { name: "Acknowledge…" }).click();
    const dialog = page.getByTestId("resolve-dialog");
    await expect(dialog.textContent()).resolves.toContain("stays closed while the same two bookings keep these nights");
    expect(await dialog.getByRole("button", { name: "Acknowledge", exact: true }).isDisabled()).toBe(true);
    await dialog.getByLabel(/What was done/).fill("Guest agreed to move to the sister hotel");
    await dialog.getByRole("button", { name: "Acknowledge", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("conflict").waitFor({ state: "detached" });
    expect(
      (await db.ownerPool.query("select status, closed_by, resolution, resolved_by from app_public.channel_conflicts where unit_id = $1", [conflictStay.unitId])).rows,
    ).toEqual([{ status: "resolved", closed_by: "staff", resolution: "Guest agreed to move to the sister hotel", resolved_by: h.manager }]);
    // It stays closed while the same two bookings keep these nights: the feed applied again opens nothing.
    await db.ownerPool.query("select app_private.apply_channel_feed($1)", [feedId]);
    expect((await one<{ n: number }>("select count(*)::int as n from app_public.channel_conflicts where feed_id = $1 and status = 'open'", [feedId])).n).toBe(0);
  });

  it("on a 375 px phone, a conflict with a block lists a longer run of nights as a range, leads to the tape chart, and is acknowledged", async () => {
    const feedId = (await one<{ id: string }>("select id from app_public.channel_feeds where unit_id = $1", [conflictStay.unitId])).id;
    const blockId = (await one<{ id: string }>(
      `insert into app_public.inventory_claims (property_id, unit_id, stay, kind, note)
       values ($1, $2, daterange($3::date, $4::date), 'owner_block', 'Owner family') returning id`,
      [h.propertyId, conflictStay.unitId, addDays(today, 30), addDays(today, 38)],
    )).id;
    const phone = await signIn(await phoneContext(375), email.manager!);
    const phoneErrors = collectPageErrors(phone);
    await phone.goto(`${server.url}/admin/channels`);
    await phone.getByTestId("channels-ready").waitFor();
    await settled(phone);
    // The channel's booking D+28..D+40 over the owner's D+30..D+38: eight nights sold twice.
    const conflictId = (await one<{ id: string }>(
      `insert into app_public.channel_conflicts (property_id, unit_id, feed_id, uid, start_date, end_date, event_start_date, event_end_date, summary,
                                                 conflicting_claim_id)
       values ($1, $2, $3, 'long-stay@vrbo.example', $4, $5, $6, $7, 'Reserved - Ingrid', $8) returning id`,
      [h.propertyId, conflictStay.unitId, feedId, addDays(today, 30), addDays(today, 38), addDays(today, 28), addDays(today, 40), blockId],
    )).id;
    const conflict = phone.locator(`[data-testid="conflict"][data-conflict="${conflictId}"]`);
    await conflict.waitFor();
    await expect(conflict.getByTestId("sold-twice").textContent()).resolves.toBe(
      `Sold twice: 8 nights, ${night(addDays(today, 30))} to ${night(addDays(today, 37))}`,
    );
    await expect(conflict.getByTestId("conflict-channel-booking").textContent()).resolves.toContain("(12 nights); its other 4 nights are blocked in Keepr");
    await expect(conflict.getByTestId("conflict-keepr-side").textContent()).resolves.toContain("An owner stay “Owner family” · ");
    await expect(conflict.getByRole("link", { name: "Show on tape chart" }).getAttribute("href")).resolves.toMatch(new RegExp(`/tape-chart\\?from=${addDays(today, 30)}$`));
    expect(await conflict.getByRole("link", { name: "Open reservation" }).count()).toBe(0);
    // Nothing wider than the phone.
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    await conflict.scrollIntoViewIfNeeded();
    await shot(phone, "channels-conflict-phone");
    await expectAccessible(phone);

    await conflict.getByRole("button", { name: "Acknowledge…" }).click();
    const dialog = phone.getByTestId("resolve-dialog");
    await dialog.getByLabel(/What was done/).fill("Vrbo is cancelling Ingrid's booking");
    await dialog.getByRole("button", { name: "Acknowledge", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    await conflict.waitFor({ state: "detached" });
    expect((await one<{ status: string; closed_by: string }>("select status, closed_by from app_public.channel_conflicts where id = $1", [conflictId]))).toEqual({
      status: "resolved",
      closed_by: "staff",
    });
    expect(phoneErrors).toEqual([]);
    await phone.context().close();
  });

  it("a fetch that would open most of a feed's nights waits to confirm: the feed says why and until when; a refusal is shown; accepted, the nights open", async () => {
    // Another unit's Airbnb feed blocks five nights; its last fetch came back empty and is kept aside.
    const unitId = h.unitIds.find((id) => id !== conflictStay.unitId)!;
    const unitName = (await one<{ name: string }>("select name from app_public.units where id = $1", [unitId])).name;
    const feedId = (await one<{ id: string }>(
      `insert into app_public.channel_feeds (property_id, unit_id, source, name, url, last_polled_at, last_success_at, events_seen, next_poll_at)
       values ($1, $2, 'airbnb', 'Airbnb — Garden', $3, now(), now(), 1, now() + interval '1 hour') returning id`,
      [h.propertyId, unitId, `${feedsUrl}/airbnb-garden.ics`],
    )).id;
    await db.ownerPool.query(
      "insert into app_public.channel_feed_events (feed_id, property_id, uid, start_date, end_date, summary) values ($1, $2, 'HMGARDEN@airbnb.com', $3, $4, 'Reserved')",
      [feedId, h.propertyId, addDays(today, 40), addDays(today, 45)],
    );
    await db.ownerPool.query("select app_private.apply_channel_feed($1)", [feedId]);
    const liveBlocks = async () => (await one<{ n: number }>("select count(*)::int as n from app_public.inventory_claims where feed_id = $1 and released_at is null", [feedId])).n;
    expect(await liveBlocks()).toBe(1);
    const keepAside = async () => {
      await db.ownerPool.query(
        `insert into app_private.channel_feed_pending_changes (feed_id, property_id, events, fingerprint, reason, nights_released, nights_blocked, confirm_after)
         values ($1, $2, '[]', 'empty', 'The channel''s calendar came back empty: it would open all 5 blocked nights.', 5, 5, now() + interval '5 minutes')`,
        [feedId, h.propertyId],
      );
      // As the sync does when it keeps a fetch aside: the feed's row changes, and every console refreshes.
      await db.ownerPool.query("update app_public.channel_feeds set last_polled_at = now() where id = $1", [feedId]);
    };
    await keepAside();
    const confirmAfter = (await one<{ at: Date }>("select confirm_after as at from app_private.channel_feed_pending_changes where feed_id = $1", [feedId])).at;
    const hhmm = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: h.timeZone }).format(confirmAfter);

    const card = page.locator(`[data-testid="unit-channels"][data-unit="${unitName}"]`);
    const feed = card.locator('[data-testid="feed"][data-feed="Airbnb — Garden"]');
    await card.locator('[data-testid="feed"][data-feed="Airbnb — Garden"][data-health="waiting"]').waitFor();
    await expect(feed.getByTestId("feed-health").textContent()).resolves.toBe("Waiting to confirm");
    const pending = feed.getByTestId("feed-pending");
    await expect(pending.getByTestId("feed-pending-reason").textContent()).resolves.toBe("The channel's calendar came back empty: it would open all 5 blocked nights.");
    await expect(pending.getByTestId("feed-pending-when").textContent()).resolves.toContain(`Blocks kept; applied if a fetch after ${hhmm} says the same.`);
    expect(await pending.evaluate((el) => (el as unknown as { className: string }).className)).toContain("MuiAlert-colorWarning");
    const finding = page.getByTestId("reconciliation").locator('[data-kind="feed_waiting"]');
    await expect(finding.textContent()).resolves.toContain(`Waiting to confirm · unit ${unitName} · Airbnb — Garden`);
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await settled(page);
    await shot(page, "channels-waiting", { fullPage: true });
    await expectAccessible(page);

    // The same on a phone.
    const phone = await signIn(await phoneContext(375), email.manager!);
    await phone.goto(`${server.url}/admin/channels`);
    const phoneFeed = phone.locator('[data-testid="feed"][data-feed="Airbnb — Garden"][data-health="waiting"]');
    await phoneFeed.waitFor();
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    // Settled first: scrolling down a phone hides the app bar (and its live chip).
    await settled(phone);
    await phoneFeed.scrollIntoViewIfNeeded();
    await shot(phone, "channels-waiting-phone");
    await phoneFeed.getByRole("button", { name: "Accept change" }).click();
    await phone.getByTestId("accept-change-dialog").waitFor();
    await expectAccessible(phone);
    await shot(phone, "channels-accept-phone");
    await phone.context().close();

    // A later fetch settled it meanwhile: accepting is refused, in plain words, and the blocks stay.
    await pending.getByRole("button", { name: "Accept change" }).click();
    const dialog = page.getByTestId("accept-change-dialog");
    await expect(dialog.textContent()).resolves.toContain("It opens all 5 nights this feed blocks");
    await db.ownerPool.query("delete from app_private.channel_feed_pending_changes where feed_id = $1", [feedId]);
    await dialog.getByRole("button", { name: "Accept: open 5 nights" }).click();
    const refusal = dialog.getByRole("alert");
    await expect(refusal.textContent()).resolves.toContain("This feed has no change waiting to be confirmed.");
    await expect(refusal.getAttribute("data-error-code")).resolves.toBe("INVALID_TRANSITION");
    await dialog.getByRole("button", { name: "Back" }).click();
    await dialog.waitFor({ state: "detached" });
    await card.locator('[data-testid="feed"][data-feed="Airbnb — Garden"][data-health="ok"]').waitFor();
    expect(await liveBlocks()).toBe(1);

    // Kept aside again, and accepted: the pending fetch is applied, its nights open.
    await keepAside();
    await card.locator('[data-testid="feed"][data-feed="Airbnb — Garden"][data-health="waiting"]').waitFor();
    await pending.getByRole("button", { name: "Accept change" }).click();
    await dialog.getByRole("button", { name: "Accept: open 5 nights" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByText("Airbnb — Garden: change applied; 5 nights opened.").waitFor();
    await card.locator('[data-testid="feed"][data-feed="Airbnb — Garden"][data-health="ok"]').waitFor();
    await pending.waitFor({ state: "detached" });
    expect((await one<{ n: number }>("select count(*)::int as n from app_private.channel_feed_pending_changes where feed_id = $1", [feedId])).n).toBe(0);
    expect(await liveBlocks()).toBe(0);
    await expect(page.getByTestId("reconciliation").locator('[data-kind="feed_waiting"]').count()).resolves.toBe(0);
  });

  it("removes a feed: its blocks are released", async () => {
    const blocks = () =>
      db.ownerPool.query<{ n: number }>("select count(*)::int as n from app_public.inventory_claims where unit_id = $1 and kind = 'ota_block' and released_at is null", [conflictStay.unitId]);
    expect((await blocks()).rows[0]!.n).toBeGreaterThan(0);
    const card = page.locator(`[data-testid="unit-channels"][data-unit="${conflictStay.unitName}"]`);
    await card.getByRole("button", { name: "Remove Vrbo — Loft" }).click();
    await page.getByTestId("remove-feed-dialog").getByRole("button", { name: "Remove feed" }).click();
    await card.locator('[data-testid="feed"][data-feed="Vrbo — Loft"]').waitFor({ state: "detached" });
    expect((await db.ownerPool.query("select count(*)::int as n from app_public.channel_feeds where unit_id = $1", [conflictStay.unitId])).rows[0].n).toBe(0);
    expect((await blocks()).rows[0]!.n).toBe(0);
    expect(errors).toEqual([]);
  });
});
