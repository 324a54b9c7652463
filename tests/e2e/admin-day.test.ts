// Issue 21, "Broken today", in headless Chromium against a real Keepr server:
// the front desk's Today board keeps every guest of the day (a same-day
// check-out, an early departure, a no-show, a cancellation) with counts that
// add up and date navigation; the reservations list finds "Hopper" by name
// (and by email, phone digits and code) in the database; expired and
// released holds are out of the list unless asked for, and labelled; the
// owner lands on the published hotel, not the unpublished annex, and the
// housekeeper on the housekeeping board even after the desk used the same
// browser; the desk edits the guest's name, email, phone and party size on
// the reservation page, and its History tab reads in words ("Moved from 101
// to 104", by "Diego Desk (desk)"). Hostile checks through the API: another
// property's reservation, a housekeeper's edit, malformed emails and huge
// strings get typed errors. Desktop (1366×860) and phone (390×844), axe on
// each screen, screenshots docs/screenshots/admin-day-*.png.
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow, waitUntil } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, createHotel, hold, localDate, moveStayBack, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { settleFolios } from "../helpers/ledger.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let a: Hotel;
let b: Hotel;
let annex: Hotel;
let big: Hotel;
let huge: Hotel;
const email: Record<string, string> = {};
const stays: Record<string, { id: string; code: string }> = {};
const contexts: BrowserContext[] = [];
let graceMovedTo = "";

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `admin-day-${name}.png`), animations: "disabled" });

/** quote → hold → confirm as an anonymous guest, committed. */
function bookGuest(hotel: Hotel, arrivalOffset: number, nights: number, fullName: string, guestEmail: string, phone = "+351 21 000 0000") {
  return inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    const arrival = localDate(hotel.timeZone, arrivalOffset);
    const q = await quote(c, hotel.ratePlanId, arrival, addDays(arrival, nights));
    const h = await hold(c, q.quote_token);
    const { rows } = await c.query<{ confirmation_code: string }>(
      "select confirmation_code from app_public.confirm_booking($1, $2, $3, $4, $5, hold_token => $6)",
      [h.reservation_id, newKey(), fullName, guestEmail, phone, h.hold_token],
    );
    return { id: h.reservation_id, code: rows[0]!.confirmation_code };
  });
}

/** SQL as the desk of A (so the audit names Diego Desk). */
const asDesk = <T>(work: (c: import("pg").PoolClient) => Promise<T>) =>
  inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: a.frontDesk });
    return work(c);
  });

async function tokenOf(userId: string): Promise<string> {
  const address = await withPassword(db.ownerPool, userId);
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: address, p: fixturePassword });
  return login.body.data!.login.result as string;
}

type Res = Awaited<ReturnType<TestServer["graphql"]>>;
const codeOf = (res: Res) => (res.body.errors?.[0] as { extensions?: { code?: string; reason?: string } } | undefined)?.extensions;

beforeAll(async () => {
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db);
  a = await createHotel(db.ownerPool, { units: 4 });
  b = await createHotel(db.ownerPool, { units: 2 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel', no_show_day_offset = 0, no_show_time = '00:00' where id = $1", [a.propertyId]);
  await db.ownerPool.query("update app_public.properties set name = 'Beach House' where id = $1", [b.propertyId]);
  // The owner of A also owns an unpublished one-unit annex, first by name.
  annex = await createHotel(db.ownerPool, { units: 1 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour Annex', is_published = false, organization_id = $2 where id = $1", [annex.propertyId, a.organizationId]);
  const owner = (await db.ownerPool.query<{ id: string }>("insert into app_public.users (email, display_name) values ('olga-owner@test.example', 'Olga Owner') returning id")).rows[0]!.id;
  for (const property of [a.propertyId, annex.propertyId]) {
    await db.ownerPool.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'owner')", [property, owner]);
  }
  for (const [id, name] of [[a.frontDesk, "Diego Desk"], [a.housekeeper, "Hugo Housekeeping"], [b.frontDesk, "Berta Desk"]] as const) {
    await db.ownerPool.query("update app_public.users set display_name = $2 where id = $1", [id, name]);
  }
  email.desk = await withPassword(db.ownerPool, a.frontDesk);
  email.housekeeper = await withPassword(db.ownerPool, a.housekeeper);
  email.owner = await withPassword(db.ownerPool, owner);

  // Today at A: Ada arrives and leaves the same day; Grace Hopper arrives and is in; Linus is expected;
  // Bob arrived yesterday for one night and is still here; Alan was due yesterday and is a no-show,
  // recorded today; Charles, due next week, cancels today. (Bob and Alan are booked for tonight and
  // moved back a day: a stay cannot be booked in the past.)
  stays.bob = await bookGuest(a, 0, 1, "Bob Kahn", "bob@example.com");
  stays.alan = await bookGuest(a, 0, 1, "Alan Turing", "alan@example.com");
  await asDesk((c) => c.query("select app_public.check_in($1, $2, force => true, acknowledge_unpaid => true)", [stays.bob!.id, newKey()]));
  await inCommit(db.ownerPool, async (c) => {
    await moveStayBack(c, stays.bob!.id, 1);
    await moveStayBack(c, stays.alan!.id, 1);
  });
  stays.ada = await bookGuest(a, 0, 2, "Ada Lovelace", "ada@example.com");
  stays.grace = await bookGuest(a, 0, 3, "Grace Hopper", "grace.hopper@navy.example", "+1 (202) 555-0147");
  stays.linus = await bookGuest(a, 0, 1, "Linus Torvalds", "linus@example.com");
  stays.charles = await bookGuest(a, 7, 2, "Charles Babbage", "charles@example.com");
  stays.bea = await bookGuest(b, 0, 2, "Bea Hopper", "bea@example.com"); // property B: a Hopper too
  await asDesk(async (c) => {
    for (const stay of [stays.ada!, stays.grace!]) await c.query("select app_public.check_in($1, $2, force => true, acknowledge_unpaid => true)", [stay.id, newKey()]);
    await settleFolios(c, stays.ada!.id);
    await c.query("select app_public.check_out($1, $2)", [stays.ada!.id, newKey()]);
    await c.query("select app_public.mark_no_show($1, $2)", [stays.alan!.id, newKey()]);
    await c.query("select app_public.cancel_reservation($1, $2, 'Plans changed')", [stays.charles!.id, newKey()]);
    // Grace moves to the unit nobody has tonight, by the desk.
    const { rows } = await c.query<{ id: string; name: string }>(
      `select u.id, u.name from app_public.units u where u.property_id = $1
          and u.id not in (select unit_id from app_public.reservations where id = any($2::uuid[]))
        order by u.name limit 1`,
      [a.propertyId, [stays.ada!.id, stays.grace!.id, stays.linus!.id]],
    );
    graceMovedTo = rows[0]!.name;
    await c.query("select app_public.move_unit($1, $2, $3)", [stays.grace!.id, rows[0]!.id, newKey()]);
  });
  // An abandoned web checkout (its hold expired) and a desk hold released by hand.
  const arrival = localDate(a.timeZone, 3);
  stays.abandoned = await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    const h = await hold(c, (await quote(c, a.ratePlanId, arrival, addDays(arrival, 1))).quote_token);
    return { id: h.reservation_id, code: "" };
  });
  await db.ownerPool.query("update app_public.reservations set hold_expires_at = now() - interval '1 hour' where id = $1", [stays.abandoned.id]);
  await db.ownerPool.query("update app_public.inventory_claims set expires_at = now() - interval '1 hour' where reservation_id = $1", [stays.abandoned.id]);
  stays.released = await asDesk(async (c) => {
    const h = await hold(c, (await quote(c, a.ratePlanId, arrival, addDays(arrival, 2))).quote_token);
    await c.query("select app_public.cancel_reservation($1, $2)", [h.reservation_id, newKey()]);
    return { id: h.reservation_id, code: "" };
  });
  // A bigger hotel for the tape chart: 24 units, one-night stays.
  big = await createHotel(db.ownerPool, { units: 24 });
  await db.ownerPool.query("update app_public.properties set name = 'Grand Tape Hotel' where id = $1", [big.propertyId]);
  await db.ownerPool.query("update app_public.users set display_name = 'Tess Tape' where id = $1", [big.frontDesk]);
  email.bigDesk = await withPassword(db.ownerPool, big.frontDesk);
  email.manager = await withPassword(db.ownerPool, a.manager);
  stays.oneNight = await bookGuest(big, 20, 1, "Margaret Hamilton", "margaret@example.com");
  for (let i = 0; i < 6; i++) await bookGuest(big, 4 + i, 2, `Guest Number${i}`, `guest${i}@example.com`);
  // A 220-unit hotel: the tape chart draws only the rows in view.
  huge = await createHotel(db.ownerPool, { units: 220 });
  email.hugeDesk = await withPassword(db.ownerPool, huge.frontDesk, "Vera Virtual");
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await endBrowserTest({ browser, server, db });
});

const card = (page: Page, id: string) => page.getByTestId(id);
const codesIn = async (page: Page, id: string) => {
  const items = card(page, id).locator("[data-code]");
  const codes: string[] = [];
  for (let i = 0; i < (await items.count()); i++) codes.push((await items.nth(i).getAttribute("data-code")) ?? "");
  return codes.sort();
};

describe("the front desk's Today board", () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await signInToConsole(await newContext(browser, { device: "desktop", track: contexts }), server.url, email.desk!));
  });

  it("keeps the same-day check-out, the early departure, the no-show and the cancellation, and its counts add up", async () => {
    await card(page, "cancellations").locator(`[data-code="${stays.charles!.code}"]`).waitFor();
    expect(await codesIn(page, "arrivals")).toEqual([stays.ada!.code, stays.grace!.code, stays.linus!.code].sort());
    await expect(card(page, "arrivals").textContent()).resolves.toContain("3 arriving: 1 checked in, 1 checked out, 1 expected");
    expect(await codesIn(page, "departures")).toEqual([stays.ada!.code, stays.bob!.code].sort());
    await expect(card(page, "departures").textContent()).resolves.toContain("2 leaving: 0 checked out, 1 left early, 1 still here");
    await expect(card(page, "departures").textContent()).resolves.toContain("left early, booked until");
    expect(await codesIn(page, "in-house")).toEqual([stays.bob!.code, stays.grace!.code].sort());
    expect(await codesIn(page, "no-shows")).toEqual([stays.alan!.code]);
    expect(await codesIn(page, "cancellations")).toEqual([stays.charles!.code]);
    await expect(card(page, "cancellations").textContent()).resolves.toContain("1 booking cancelled today");
    await expect(page.locator("body").textContent()).resolves.not.toContain(stays.bea!.code);
    await shot(page, "today-desktop");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it("goes to the previous day and back: yesterday's arrivals are Bob (in) and Alan (no-show)", async () => {
    await page.getByRole("button", { name: "Previous day" }).click();
    await page.locator(`[data-testid="dashboard-ready"][data-day="${localDate(a.timeZone, -1)}"]`).waitFor();
    await waitUntil(async () => (await codesIn(page, "arrivals")).length === 2, "yesterday's arrivals");
    expect(await codesIn(page, "arrivals")).toEqual([stays.alan!.code, stays.bob!.code].sort());
    await expect(card(page, "arrivals").textContent()).resolves.toContain("2 arriving: 1 checked in, 0 expected, 1 no-show");
    // Bob stayed the night; Alan never came.
    expect(await codesIn(page, "in-house")).toEqual([stays.bob!.code]);
    await expect(card(page, "in-house").textContent()).resolves.toContain("1 guest stay over the night");
    expect(new URL(page.url()).searchParams.get("day")).toBe(localDate(a.timeZone, -1));
    await page.getByRole("button", { name: "Back to today" }).click();
    await page.locator(`[data-testid="dashboard-ready"][data-day="${localDate(a.timeZone, 0)}"]`).waitFor();
    await page.getByRole("textbox", { name: "Day" }).fill(localDate(a.timeZone, 7));
    await page.locator(`[data-testid="dashboard-ready"][data-day="${localDate(a.timeZone, 7)}"]`).waitFor();
    await card(page, "arrivals").getByText("No arrivals on this day.").waitFor(); // Charles cancelled
    expect(errors).toEqual([]);
  });

  it("on a phone, the board is one column, readable, and the app bar title is not cut", async () => {
    const phone = await signInToConsole(await newContext(browser, { device: "phone", track: contexts }), server.url, email.desk!);
    await card(phone.page, "no-shows").locator(`[data-code="${stays.alan!.code}"]`).waitFor();
    expect(await sidewaysOverflow(phone.page)).toBeLessThanOrEqual(0);
    const title = phone.page.locator("#react-admin-title");
    const box = await title.boundingBox();
    expect(box!.width).toBeGreaterThan(80);
    await shot(phone.page, "today-phone");
    await expectAccessible(phone.page);
    expect(phone.errors).toEqual([]);
  });
});

describe("the reservations list", () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await signInToConsole(await newContext(browser, { device: "desktop", track: contexts }), server.url, email.desk!));
    await page.goto(`${server.url}/admin/reservations`);
    await page.locator("table").getByText(stays.charles!.code).waitFor();
  });

  const rows = (p: Page) => p.locator("tbody tr").allTextContents();
  async function search(p: Page, text: string, expected: string[]) {
    await p.getByLabel("Guest, email, phone or code").fill(text);
    await waitUntil(async () => {
      const shown = await rows(p);
      return shown.length === expected.length && expected.every((code) => shown.some((r) => r.includes(code)));
    }, `the search "${text}" to show ${expected.join(", ")}`);
  }

  it("finds Hopper by name, email, phone digits and code, at this property only", async () => {
    await search(page, "Hopper", [stays.grace!.code]);
    await expect(page.locator("tbody").textContent()).resolves.not.toContain("Bea Hopper");
    await shot(page, "search-desktop");
    await expectAccessible(page);
    await search(page, "grace.hopper@navy", [stays.grace!.code]);
    await search(page, "202 555 0147", [stays.grace!.code]);
    await search(page, stays.linus!.code.toLowerCase(), [stays.linus!.code]);
    await search(page, "100%_", []);
    await page.getByText(/found using the current filters/).waitFor();
    await search(page, "", [stays.ada!.code, stays.grace!.code, stays.linus!.code, stays.bob!.code, stays.alan!.code, stays.charles!.code]);
    expect(errors).toEqual([]);
  });

  it("shows bookings by default; expired and released holds only when asked, labelled as such", async () => {
    await expect(page.locator("tbody").textContent()).resolves.not.toContain("Hold expired");
    expect((await rows(page)).length).toBe(6);
    await page.getByLabel("Show expired and released holds").check();
    await page.locator('[data-hold-state="expired"]').waitFor();
    await page.locator('[data-hold-state="released"]').waitFor();
    const body = (await page.locator("tbody").textContent())!;
    expect(body).toContain("Hold expired");
    expect(body).toContain("Abandoned checkout (no guest)");
    expect(body).toContain("Hold released");
    expect(body).toContain("Released hold (no guest)");
    expect((await rows(page)).length).toBe(8);
    await shot(page, "holds-desktop");
    await expectAccessible(page);
    await page.getByLabel("Show expired and released holds").uncheck();
    await waitUntil(async () => (await rows(page)).length === 6, "the holds to leave the list");
    expect(errors).toEqual([]);
  });

  it("on a phone, the search finds Hopper", async () => {
    const phone = await signInToConsole(await newContext(browser, { device: "phone", track: contexts }), server.url, email.desk!);
    await phone.page.goto(`${server.url}/admin/reservations`);
    await phone.page.getByLabel("Guest, email, phone or code").waitFor();
    await search(phone.page, "hopper", [stays.grace!.code]);
    await shot(phone.page, "search-phone");
    await expectAccessible(phone.page);
    expect(phone.errors).toEqual([]);
  });
});

describe("homes by role", () => {
  it("the owner lands on the published hotel, not the unpublished annex first by name", async () => {
    const { page, errors } = await signInToConsole(await newContext(browser, { device: "desktop", track: contexts }), server.url, email.owner!);
    await expect(page.getByTestId("property-switcher").textContent()).resolves.toContain("Harbour View Hotel");
    await card(page, "arrivals").locator(`[data-code="${stays.grace!.code}"]`).waitFor();
    expect(errors).toEqual([]);
  });

  it("the housekeeper lands on the housekeeping board with no guest's name, even after the desk used the same browser", async () => {
    const shared = await newContext(browser, { device: "desktop", track: contexts });
    const desk = await signInToConsole(shared, server.url, email.desk!);
    await desk.page.goto(`${server.url}/admin/reservations`);
    await desk.page.locator("table").getByText("Grace Hopper").waitFor();
    await desk.page.evaluate(() => localStorage.removeItem("keepr.admin.token"));
    await desk.page.close();
    const { page, errors } = await signInToConsole(shared, server.url, email.housekeeper!, { ready: "board" });
    await page.getByTestId("housekeeping-ready").waitFor();
    expect(new URL(page.url()).pathname).toBe("/admin/housekeeping");
    const text = (await page.locator("body").textContent())!;
    for (const name of ["Grace Hopper", "Ada Lovelace", "Bob Kahn"]) expect(text).not.toContain(name);
    expect(errors).toEqual([]);
  });

  it("on a phone, the owner's app bar title is readable", async () => {
    const { page, errors } = await signInToConsole(await newContext(browser, { device: "phone", track: contexts }), server.url, email.owner!);
    const box = await page.locator("#react-admin-title").boundingBox();
    expect(box!.width).toBeGreaterThan(80);
    const title = await page.locator("#react-admin-title").evaluate((el) => {
      const box = el as unknown as { scrollWidth: number; clientWidth: number; scrollHeight: number; clientHeight: number; textContent: string };
      return { scroll: box.scrollWidth, client: box.clientWidth, scrollHeight: box.scrollHeight, clientHeight: box.clientHeight, text: box.textContent };
    });
    // The whole title shows: on two lines if need be, never cut.
    expect(title.text).toBe("Today · Harbour View Hotel");
    expect(title.scroll).toBeLessThanOrEqual(title.client + 1);
    expect(title.scrollHeight).toBeLessThanOrEqual(title.clientHeight + 1);
    await shot(page, "owner-phone");
    expect(errors).toEqual([]);
  });
});

describe("the reservation page", () => {
  it("the desk edits Grace's name, email, phone and party size; the History tab reads in words", async () => {
    const { page, errors } = await signInToConsole(await newContext(browser, { device: "desktop", track: contexts }), server.url, email.desk!);
    await page.goto(`${server.url}/admin/reservations/${stays.grace!.id}/show`);
    await page.getByTestId("edit-guest").click();
    const dialog = page.getByTestId("edit-guest-dialog");
    await dialog.getByLabel("Full name").fill("Grace B. Hopper");
    await dialog.getByLabel("Email").fill("not-an-email");
    await expect(dialog.locator('[data-confirm="edit-guest-dialog"]').isDisabled()).resolves.toBe(true);
    await dialog.getByLabel("Email").fill("ada@example.com"); // Ada's profile has it
    await dialog.locator('[data-confirm="edit-guest-dialog"]').click();
    await dialog.getByText("GUEST_EMAIL_IN_USE").waitFor();
    await shot(page, "edit-guest-refused-desktop");
    await dialog.getByLabel("Email").fill("grace@hopper.example");
    await dialog.getByLabel("Phone").fill("+1 202 555 0199");
    await dialog.getByLabel("Adults").fill("3");
    await dialog.locator('[data-confirm="edit-guest-dialog"]').click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("guest-name").getByText("Grace B. Hopper").waitFor();
    await page.getByTestId("guest-contact").getByText("grace@hopper.example · +1 202 555 0199 · 3 adults").waitFor();
    const row = (await db.ownerPool.query(
      `select g.full_name, g.email::text, g.phone, r.adults, r.contact_name, r.contact_email::text as contact_email
         from app_public.reservations r join app_public.guests g on g.id = r.guest_id where r.id = $1`, [stays.grace!.id])).rows[0];
    expect(row).toEqual({ full_name: "Grace B. Hopper", email: "grace@hopper.example", phone: "+1 202 555 0199", adults: 3,
      contact_name: "Grace B. Hopper", contact_email: "grace@hopper.example" });

    await page.getByRole("tab", { name: "History" }).click();
    const history = page.getByRole("table", { name: "History" });
    await history.getByText("Guest name changed from Grace Hopper to Grace B. Hopper").waitFor();
    const lines = await history.locator('[data-testid="history-line"]').allTextContents();
    const expected = [
      /Held for .* \(3 nights\)the guest/,
      /Booking confirmed \([A-Z2-9]{8}\)the guest/,
      /Checked inDiego Desk \(desk\)/,
      new RegExp(`Moved from 10\\d to ${graceMovedTo}Diego Desk \\(desk\\)`),
      /Pinned to its unitDiego Desk \(desk\)/,
      /Guest name changed from Grace Hopper to Grace B\. HopperDiego Desk \(desk\)/,
      /Email changed from grace\.hopper@navy\.example to grace@hopper\.exampleDiego Desk \(desk\)/,
      /Phone changed from \+1 \(202\) 555-0147 to \+1 202 555 0199Diego Desk \(desk\)/,
      /Guests changed from 2 adults to 3 adultsDiego Desk \(desk\)/,
    ];
    for (const pattern of expected) expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
    expect(lines.join(" ")).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/); // no raw ids
    await shot(page, "history-desktop");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it("on a phone, the reservation page and its edit dialog fit the screen", async () => {
    const { page, errors } = await signInToConsole(await newContext(browser, { device: "phone", track: contexts }), server.url, email.desk!);
    await page.goto(`${server.url}/admin/reservations/${stays.linus!.id}/show`);
    await page.getByTestId("edit-guest").click();
    await page.getByTestId("edit-guest-dialog").getByLabel("Full name").waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await shot(page, "edit-guest-phone");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });
});

describe("hostile input through the API", () => {
  const edit = `mutation($id: UUID!, $n: String!, $e: String!, $p: String) {
    updateReservationGuest(input: {reservationId: $id, fullName: $n, email: $e, phone: $p}) { result { rowId } } }`;

  it("another property's desk, a housekeeper, malformed emails, phones and huge names get typed errors and change nothing", async () => {
    const deskB = await tokenOf(b.frontDesk);
    const keeper = await tokenOf(a.housekeeper);
    const deskA = await tokenOf(a.frontDesk);
    const linus = { id: stays.linus!.id, n: "Linus T.", e: "linus@example.com", p: null };
    expect(codeOf(await server.graphql(edit, linus, { token: deskB }))?.code).toBe("NOT_FOUND");
    expect(codeOf(await server.graphql(edit, linus, { token: keeper }))?.code).toBe("ACCESS_DENIED");
    expect(codeOf(await server.graphql(edit, { ...linus, e: "linus@@example" }, { token: deskA }))?.code).toBe("INVALID_EMAIL");
    expect(codeOf(await server.graphql(edit, { ...linus, e: `${"x".repeat(250)}@example.com` }, { token: deskA }))?.code).toBe("INVALID_EMAIL");
    expect(codeOf(await server.graphql(edit, { ...linus, n: "x".repeat(10_000) }, { token: deskA }))?.code).toBe("INVALID_NAME");
    // A body over the server's limit never reaches Postgres, and is typed too.
    expect(codeOf(await server.graphql(edit, { ...linus, n: "x".repeat(2_000_000) }, { token: deskA }))?.code).toBe("BAD_REQUEST");
    expect(codeOf(await server.graphql(edit, { ...linus, n: "   " }, { token: deskA }))?.code).toBe("INVALID_NAME");
    expect(codeOf(await server.graphql(edit, { ...linus, p: "call me maybe" }, { token: deskA }))?.code).toBe("INVALID_PHONE");
    expect(codeOf(await server.graphql(edit, { ...linus, id: stays.abandoned!.id }, { token: deskA }))?.code).toBe("INVALID_TRANSITION");
    const name = (await db.ownerPool.query("select g.full_name from app_public.guests g join app_public.reservations r on r.guest_id = g.id where r.id = $1", [stays.linus!.id])).rows[0].full_name;
    expect(name).toBe("Linus Torvalds");

    const list = `query($p: UUID!, $s: String) { searchReservations(propertyId: $p, search: $s, first: 5) { totalCount nodes { confirmationCode } } }`;
    const huge = await server.graphql(list, { p: a.propertyId, s: "x".repeat(5000) }, { token: deskA });
    expect(codeOf(huge)).toEqual(expect.objectContaining({ code: "INVALID_INPUT", reason: "SEARCH" }));
    // Another property's id gives nothing; a housekeeper reads no reservations.
    expect((await server.graphql(list, { p: b.propertyId, s: "Hopper" }, { token: deskA })).body.data!.searchReservations.totalCount).toBe(0);
    expect((await server.graphql(list, { p: a.propertyId, s: "Hopper" }, { token: keeper })).body.data!.searchReservations.totalCount).toBe(0);
    // LIKE's own characters are searched for, not used as wildcards.
    expect((await server.graphql(list, { p: a.propertyId, s: "%" }, { token: deskA })).body.data!.searchReservations.totalCount).toBe(0);
    const timeline = `query($id: UUID!) { reservationTimeline(reservationId: $id) { nodes { summary } } }`;
    expect(codeOf(await server.graphql(timeline, { id: stays.grace!.id }, { token: deskB }))?.code).toBe("NOT_FOUND");
    expect(codeOf(await server.graphql(timeline, { id: stays.grace!.id }, { token: keeper }))?.code).toBe("ACCESS_DENIED");
  });
});

describe("the tape chart scales", () => {
  async function wideDesk(): Promise<Page> {
    const created = await newContext(browser, { viewport: { width: 1440, height: 900 }, track: contexts });
    return (await signInToConsole(created, server.url, email.bigDesk!)).page;
  }
  const frameOf = (page: Page) => page.getByTestId("tape-chart");
  const frameBox = (page: Page) =>
    frameOf(page).evaluate((el) => {
      const f = el as unknown as { scrollWidth: number; clientWidth: number; scrollHeight: number; clientHeight: number };
      return { scrollWidth: f.scrollWidth, clientWidth: f.clientWidth, scrollHeight: f.scrollHeight, clientHeight: f.clientHeight };
    });

  it("30 days on 1440 px: no sideways scroll, the dates stay in view over 24 units, a one-night stay reads its name", async () => {
    const page = await wideDesk();
    await page.goto(`${server.url}/admin/tape-chart?days=30`);
    await page.locator('[data-testid="tape-chart"][data-state="ready"][data-days="30"]').waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    const frame = await frameBox(page);
    expect(frame.scrollWidth).toBeLessThanOrEqual(frame.clientWidth);
    // The one-night stay: its bar is narrow, its name beside it in full.
    const bar = frameOf(page).locator(`[data-reservation="${stays.oneNight!.id}"]`);
    await expect(bar.getByTestId("stay-bar").getAttribute("aria-label")).resolves.toContain("Margaret Hamilton");
    const spill = frameOf(page).getByTestId("bar-spill").filter({ hasText: "Margaret Hamilton" });
    await expect(spill.count()).resolves.toBe(1);
    const spillBox = await spill.evaluate((el) => {
      const e = el as unknown as { scrollWidth: number; clientWidth: number };
      return { scroll: e.scrollWidth, client: e.clientWidth };
    });
    expect(spillBox.scroll).toBeLessThanOrEqual(spillBox.client + 1); // the whole name, not cut
    await shot(page, "tape-30-desktop");
    await expectAccessible(page);
    // Scroll the rows: the date header stays at the top of the frame, the unit column at its left.
    expect(frame.scrollHeight).toBeGreaterThan(frame.clientHeight);
    await frameOf(page).evaluate((el) => {
      (el as unknown as { scrollTop: number }).scrollTop = 10_000;
    });
    const top = async (locator: ReturnType<Page["locator"]>) => (await locator.boundingBox())!.y;
    await waitUntil(async () => Math.abs((await top(page.getByTestId("tape-chart-header"))) - (await top(frameOf(page)))) <= 2, "the date header to stay at the top");
    await expect(page.locator('[data-unit-name="124"]').isVisible()).resolves.toBe(true);
    await shot(page, "tape-30-scrolled-desktop");
  });

  it("a month view shows the whole calendar month, and moves a month at a time", async () => {
    const page = await wideDesk();
    await page.goto(`${server.url}/admin/tape-chart?days=14`);
    await page.locator('[data-testid="tape-chart"][data-state="ready"]').waitFor();
    await page.getByRole("button", { name: "Month" }).click();
    const today = localDate(big.timeZone, 0);
    const first = `${today.slice(0, 8)}01`;
    const [y, m] = first.split("-").map(Number);
    const length = new Date(Date.UTC(y!, m!, 0)).getUTCDate();
    await page.locator(`[data-testid="tape-chart"][data-from="${first}"][data-days="${length}"]`).waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    const frame = await frameBox(page);
    expect(frame.scrollWidth).toBeLessThanOrEqual(frame.clientWidth);
    await page.getByRole("button", { name: "Next month" }).click();
    const next = addDays(first, length);
    await page.locator(`[data-testid="tape-chart"][data-from="${next}"]`).waitFor();
    expect(next.endsWith("-01")).toBe(true);
    await shot(page, "tape-month-desktop");
    await expectAccessible(page);
  });

  it("220 units: only the rows in view are drawn, and scrolling to the last unit draws it under the sticky dates", async () => {
    const created = await newContext(browser, { viewport: { width: 1440, height: 900 }, track: contexts });
    const { page, errors } = await signInToConsole(created, server.url, email.hugeDesk!);
    await page.goto(`${server.url}/admin/tape-chart?days=30`);
    await page.locator('[data-testid="tape-chart"][data-state="ready"][data-virtual="true"]').waitFor();
    const drawn = () => frameOf(page).locator("[data-unit-row]").count();
    expect(await drawn()).toBeLessThan(60);
    await expect(page.locator('[data-unit-name="320"]').count()).resolves.toBe(0);
    await frameOf(page).evaluate((el) => {
      const f = el as unknown as { scrollTop: number; scrollHeight: number };
      f.scrollTop = f.scrollHeight;
    });
    await page.locator('[data-unit-name="320"]').waitFor();
    expect(await drawn()).toBeLessThan(60);
    const top = async (locator: ReturnType<Page["locator"]>) => (await locator.boundingBox())!.y;
    expect(Math.abs((await top(page.getByTestId("tape-chart-header"))) - (await top(frameOf(page))))).toBeLessThanOrEqual(2);
    // The last row sits where 220 rows would put it: the spacers hold the others' exact height.
    const frameBottom = await frameOf(page).evaluate((el) => {
      const f = el as unknown as { getBoundingClientRect(): { bottom: number }; clientHeight: number; offsetHeight: number };
      return f.getBoundingClientRect().bottom - (f.offsetHeight - f.clientHeight);
    });
    const last = (await page.locator('[data-unit-name="320"]').boundingBox())!;
    expect(Math.abs(last.y + last.height - frameBottom)).toBeLessThanOrEqual(3);
    await shot(page, "tape-220-units-desktop");
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it("on a phone, the chart scrolls in its frame, never the page", async () => {
    const phone = await signInToConsole(await newContext(browser, { device: "phone", track: contexts }), server.url, email.bigDesk!);
    await phone.page.goto(`${server.url}/admin/tape-chart?days=30`);
    await phone.page.locator('[data-testid="tape-chart"][data-state="ready"]').waitFor();
    expect(await sidewaysOverflow(phone.page)).toBeLessThanOrEqual(0);
    await shot(phone.page, "tape-30-phone");
    expect(phone.errors).toEqual([]);
  });

  it("the rate calendar keeps its plan column after a click on a cell half under it", async () => {
    const { page, errors } = await signInToConsole(await newContext(browser, { device: "desktop", track: contexts }), server.url, email.manager!);
    await page.goto(`${server.url}/admin/revenue/calendar`);
    const grid = page.getByTestId("rate-grid");
    await grid.locator(`[data-plan="${a.ratePlanId}"] [data-date]`).first().waitFor();
    const gridFrame = page.getByTestId("rate-grid-frame");
    await gridFrame.evaluate((el) => {
      (el as unknown as { scrollLeft: number }).scrollLeft = 200;
    });
    const sticky = grid.locator(`[data-plan="${a.ratePlanId}"] [data-sticky="plan"]`);
    const stickyRight = async () => {
      const box = (await sticky.boundingBox())!;
      return box.x + box.width;
    };
    // The cell whose left part is under the plan column.
    const cells = grid.locator(`[data-plan="${a.ratePlanId}"] [role="gridcell"]`);
    let target = -1;
    for (let i = 0; i < (await cells.count()); i++) {
      const box = (await cells.nth(i).boundingBox())!;
      if (box.x < (await stickyRight()) && box.x + box.width > (await stickyRight()) + 10) {
        target = i;
        break;
      }
    }
    expect(target).toBeGreaterThanOrEqual(0);
    const cell = cells.nth(target);
    const box = (await cell.boundingBox())!;
    await page.mouse.click(box.x + box.width - 6, box.y + box.height / 2);
    const dialog = page.getByTestId("bulk-edit");
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "detached" });
    // The plan column is where it was (at the frame's left), and the cell beside it, whole.
    const frameLeft = (await gridFrame.boundingBox())!.x;
    expect(Math.abs((await sticky.boundingBox())!.x - frameLeft)).toBeLessThanOrEqual(2);
    await waitUntil(async () => (await cell.boundingBox())!.x >= (await stickyRight()) - 1, "the clicked cell to sit beside the plan column");
    await shot(page, "rate-calendar-after-click-desktop");
    expect(errors).toEqual([]);
  });
});

describe("a same-day quote", () => {
  it("never shows a past free-cancellation deadline: non-refundable from booking, said so in the API and the console", async () => {
    const deskA = await tokenOf(a.frontDesk);
    const today = localDate(a.timeZone, 0);
    const q = await server.graphql(`query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { cancellationTerms freeCancellationUntil } }`,
      { p: a.ratePlanId, a: today, d: addDays(today, 1) }, { token: deskA });
    const terms = q.body.data!.quote.cancellationTerms as string;
    expect(terms).toMatch(/^Non-refundable from booking: free cancellation ends 1 day before arrival, which has passed\. Cancelling costs /);
    expect(terms).not.toContain("Free cancellation until");
    // Further ahead, the deadline is a date again.
    const later = await server.graphql(`query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { cancellationTerms } }`,
      { p: a.ratePlanId, a: addDays(today, 10), d: addDays(today, 11) }, { token: deskA });
    expect(later.body.data!.quote.cancellationTerms).toMatch(/^Free cancellation until /);

    for (const kind of ["desktop", "phone"] as const) {
      const { page, errors } = await signInToConsole(await newContext(browser, { device: kind, track: contexts }), server.url, email.desk!);
      await page.goto(`${server.url}/admin/bookings/new?arrival=${today}&departure=${addDays(today, 1)}`);
      // (On a phone the rates table is wider than the screen and scrolls in its card: the button is pressed where it is.)
      await page.getByRole("button", { name: /^Quote: Double, Flexible/ }).dispatchEvent("click");
      const shown = page.getByTestId("cancellation-terms");
      await shown.waitFor();
      await expect(shown.getAttribute("data-deadline-passed")).resolves.toBe("true");
      const text = (await shown.textContent())!;
      expect(text).toContain("Non-refundable from booking");
      expect(text).not.toMatch(/Free cancellation until|Cancelling after/);
      await shot(page, `same-day-quote-${kind}`);
      await expectAccessible(page);
      expect(errors).toEqual([]);
    }
  });
});
