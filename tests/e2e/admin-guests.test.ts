// Issue 21, Guests, in headless Chromium against a real Keepr server: the
// front desk searches "Hopper" in the Guests list (the property's two Grace
// Hopper profiles, not another property's Bea Hopper), opens a profile
// (stays, nights, spend, a likely duplicate), edits it (VIP, preferences,
// notes; another profile's email is refused with GUEST_EMAIL_IN_USE on
// screen), and merges the duplicate into it (its booking moves, the merge is
// listed with who did it). Desktop (1440×900) and phone (390×844), axe on
// each screen, no sideways scroll on the phone (the Guests screens and the
// New booking screen: scrollWidth <= clientWidth). Hostile calls through the
// API: a housekeeper's and another property's desk's edit and merge, huge
// notes. Screenshots docs/screenshots/admin-guests-*.png.
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let a: Hotel;
let b: Hotel;
const email: Record<string, string> = {};
const stays: Record<string, { id: string; code: string; guestId: string }> = {};
const contexts: BrowserContext[] = [];

/** A full-page screenshot from the top (scrolled down, the sticky app bar would cover the page's heading). */
const shot = async (page: Page, name: string) => {
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshots, `admin-guests-${name}.png`), animations: "disabled", fullPage: true });
};

/** quote → hold → confirm as an anonymous guest, committed. */
async function bookGuest(hotel: Hotel, arrivalOffset: number, nights: number, fullName: string, guestEmail: string, phone: string) {
  const booked = await inCommit(db.ownerPool, async (c) => {
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
  const guest = await db.ownerPool.query<{ guest_id: string }>("select guest_id from app_public.reservations where id = $1", [booked.id]);
  return { ...booked, guestId: guest.rows[0]!.guest_id };
}

async function tokenOf(userId: string): Promise<string> {
  const address = await withPassword(db.ownerPool, userId);
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: address, p: fixturePassword });
  return login.body.data!.login.result as string;
}

type Res = Awaited<ReturnType<TestServer["graphql"]>>;
const errorOf = (res: Res) => (res.body.errors?.[0] as { extensions?: { code?: string; reason?: string } } | undefined)?.extensions;

beforeAll(async () => {
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db);
  a = await createHotel(db.ownerPool, { units: 4 });
  b = await createHotel(db.ownerPool, { units: 2 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [a.propertyId]);
  await db.ownerPool.query("update app_public.properties set name = 'Beach House' where id = $1", [b.propertyId]);
  for (const [id, name] of [[a.frontDesk, "Diego Desk"], [a.housekeeper, "Hugo Housekeeping"], [b.frontDesk, "Berta Desk"]] as const) {
    await db.ownerPool.query("update app_public.users set display_name = $2 where id = $1", [id, name]);
  }
  email.desk = await withPassword(db.ownerPool, a.frontDesk);
  // Grace Hopper booked twice, with two emails and the same phone: two profiles of one person.
  stays.grace = await bookGuest(a, 2, 3, "Grace Hopper", "grace.hopper@navy.example", "+1 (202) 555-0147");
  stays.graceAgain = await bookGuest(a, 20, 2, "Grace Hopper", "amazing.grace@example.org", "+1 202 555 0147");
  stays.ada = await bookGuest(a, 5, 1, "Ada Lovelace", "ada@example.com", "+44 20 7946 0000");
  stays.bea = await bookGuest(b, 2, 2, "Bea Hopper", "bea@example.com", "+351 21 000 0000"); // property B: a Hopper too
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await endBrowserTest({ browser, server, db });
});

describe("the front desk on a desktop", () => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    ({ page, errors } = await signInToConsole(await newContext(browser, { device: "desktop", track: contexts }), server.url, email.desk!));
  });

  it("searches Hopper in the Guests list and finds this property's two Grace Hopper profiles only", async () => {
    await page.getByRole("menuitem", { name: "Guests" }).click();
    await page.getByTestId("guests").waitFor();
    await page.getByLabel("Name, email, phone or code").fill("Hopper");
    const rows = page.getByTestId("guest-row");
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number; [i: number]: { textContent: string } } } }).document;
      const found = doc.querySelectorAll('[data-testid="guest-row"]');
      return found.length === 2 && Array.from({ length: found.length }, (_, i) => found[i]!.textContent).every((t) => t.includes("Hopper"));
    });
    const texts = await rows.allTextContents();
    expect(texts.join(" ")).toContain("grace.hopper@navy.example");
    expect(texts.join(" ")).toContain("amazing.grace@example.org");
    expect(texts.join(" ")).not.toContain("Bea Hopper");
    // A confirmation code finds its guest too.
    await page.getByLabel("Name, email, phone or code").fill(stays.ada!.code);
    await page.getByTestId("guest-row").filter({ hasText: "Ada Lovelace" }).waitFor();
    await page.getByLabel("Name, email, phone or code").fill("Hopper");
    await page.getByTestId("guest-row").filter({ hasText: "amazing.grace@example.org" }).waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await shot(page, "list-desktop");
    await expectAccessible(page);
  });

  it("opens a profile: stays, nights, spend and the likely duplicate", async () => {
    await page.getByTestId("guest-row").filter({ hasText: "grace.hopper@navy.example" }).getByRole("link", { name: "Grace Hopper" }).click();
    await page.waitForURL(`**/admin/guests/${stays.grace!.guestId}`);
    await page.getByTestId("guest-email").filter({ hasText: "grace.hopper@navy.example" }).waitFor();
    await expect(page.getByTestId("stays-count").textContent()).resolves.toBe("0"); // booked, not yet checked in
    await expect(page.getByTestId("guest-stay").count()).resolves.toBe(1);
    await expect(page.getByTestId("guest-stay").first().textContent()).resolves.toContain("Upcoming");
    const duplicate = page.getByTestId("duplicate");
    await expect(duplicate.count()).resolves.toBe(1);
    await expect(duplicate.textContent()).resolves.toContain("amazing.grace@example.org");
    await expect(page.getByTestId("last-changed").textContent()).resolves.toContain("by the system");
    await shot(page, "profile-desktop");
    await expectAccessible(page);
  });

  it("edits the profile (VIP, preferences, notes); another profile's email is refused with its code", async () => {
    await page.getByTestId("edit-guest").click();
    const dialog = page.getByTestId("edit-guest-dialog");
    await dialog.getByLabel("Email").fill("amazing.grace@example.org");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.getByText("GUEST_EMAIL_IN_USE").waitFor();
    await dialog.getByLabel("Email").fill("grace.hopper@navy.example");
    await dialog.getByLabel("VIP").check();
    await dialog.getByLabel("Preferences").fill("Quiet room, high floor");
    await dialog.getByLabel("Notes").fill("Admiral; prefers tea at 07:00.");
    await expectAccessible(page);
    await shot(page, "edit-desktop");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("vip").waitFor();
    await expect(page.getByTestId("guest-preferences").textContent()).resolves.toBe("Quiet room, high floor");
    await expect(page.getByTestId("guest-notes").textContent()).resolves.toBe("Admiral; prefers tea at 07:00.");
    await page.getByTestId("last-changed").filter({ hasText: "by Diego Desk" }).waitFor();
    const { rows } = await db.ownerPool.query("select is_vip, notes, updated_by from app_public.guests where id = $1", [stays.grace!.guestId]);
    expect(rows[0]).toEqual({ is_vip: true, notes: "Admiral; prefers tea at 07:00.", updated_by: a.frontDesk });
  });

  it("merges the duplicate into the profile: its booking moves, the merge is listed, a second merge is harmless", async () => {
    await page.getByTestId("merge-duplicate").click();
    const dialog = page.getByTestId("merge-dialog");
    await expect(dialog.textContent()).resolves.toContain("amazing.grace@example.org");
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Merge" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("no-duplicates").waitFor();
    await expect(page.getByTestId("guest-stay").count()).resolves.toBe(2);
    await expect(page.getByTestId("merges").textContent()).resolves.toMatch(/Grace Hopper \(amazing\.grace@example\.org\).* by Diego Desk: 1 booking moved/);
    const { rows } = await db.ownerPool.query<{ guest_id: string }>("select guest_id from app_public.reservations where id = any($1) order by id", [[stays.grace!.id, stays.graceAgain!.id]]);
    expect(rows.map((r) => r.guest_id)).toEqual([stays.grace!.guestId, stays.grace!.guestId]);
    await shot(page, "merged-desktop");
    await expectAccessible(page);
    // A retry of the same merge (a lost answer) answers the kept profile and changes nothing.
    const token = await tokenOf(a.frontDesk);
    const again = await server.graphql(
      `mutation($k: UUID!, $m: UUID!) { mergeGuests(input: {keepGuestId: $k, mergeGuestId: $m}) { result { rowId } } }`,
      { k: stays.grace!.guestId, m: stays.graceAgain!.guestId }, { token });
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data!.mergeGuests.result.rowId).toBe(stays.grace!.guestId);
    await expect(db.ownerPool.query("select 1 from app_public.guest_merges where property_id = $1", [a.propertyId]).then((r) => r.rowCount)).resolves.toBe(1);
    // A stay links to its reservation page (the moved booking now names her), and that page back to the profile.
    await page.getByTestId("guest-stay").getByRole("link", { name: stays.graceAgain!.code }).click();
    await page.waitForURL(`**/admin/reservations/${stays.graceAgain!.id}/show`);
    await page.getByTestId("guest-contact").filter({ hasText: "grace.hopper@navy.example" }).waitFor();
    await page.getByTestId("guest-profile-link").click();
    await page.waitForURL(`**/admin/guests/${stays.grace!.guestId}`);
    await page.getByTestId("merges").waitFor();
    expect(errors).toEqual([]);
  });

  it("undoes the merge: the profile and its booking come back, the undo is listed; another property's desk and a housekeeper cannot; merging again works", async () => {
    const undoOf = `mutation($m: UUID!) { undoGuestMerge(input: {mergeId: $m}) { result { rowId } } }`;
    const mergeId = (await db.ownerPool.query<{ id: string }>("select id from app_public.guest_merges where property_id = $1", [a.propertyId])).rows[0]!.id;
    expect(errorOf(await server.graphql(undoOf, { m: mergeId }, { token: await tokenOf(b.frontDesk) }))?.code).toBe("NOT_FOUND");
    expect(errorOf(await server.graphql(undoOf, { m: mergeId }, { token: await tokenOf(a.housekeeper) }))?.code).toBe("ACCESS_DENIED");

    await page.getByTestId("undo-merge").click();
    const dialog = page.getByTestId("undo-merge-dialog");
    await expect(dialog.textContent()).resolves.toContain("amazing.grace@example.org");
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Undo merge" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("duplicate").filter({ hasText: "amazing.grace@example.org" }).waitFor();
    await expect(page.getByTestId("guest-stay").count()).resolves.toBe(1);
    await expect(page.getByTestId("merge").textContent()).resolves.toMatch(/1 booking moved · undone on .* by Diego Desk: the profile is back/);
    await expect(page.getByTestId("undo-merge").count()).resolves.toBe(0);
    const owner = async () => (await db.ownerPool.query("select guest_id from app_public.reservations where id = $1", [stays.graceAgain!.id])).rows[0].guest_id;
    await expect(owner()).resolves.toBe(stays.graceAgain!.guestId);
    // The notice hides by itself; the screenshot shows the list under it.
    await page.getByText("is a profile of its own again").waitFor({ state: "detached", timeout: 30_000 });
    await shot(page, "merge-undone-desktop");
    await expectAccessible(page);
    // A retry (a lost answer) answers the restored profile and records nothing more.
    const again = await server.graphql(undoOf, { m: mergeId }, { token: await tokenOf(a.frontDesk) });
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data!.undoGuestMerge.result.rowId).toBe(stays.graceAgain!.guestId);
    await expect(db.ownerPool.query("select 1 from app_public.guest_unmerges where property_id = $1", [a.propertyId]).then((r) => r.rowCount)).resolves.toBe(1);

    // Merged again: a second record, listed above the undone one.
    await page.getByTestId("merge-duplicate").click();
    await page.getByTestId("merge-dialog").getByRole("button", { name: "Merge" }).click();
    await page.getByTestId("no-duplicates").waitFor();
    await expect(page.getByTestId("guest-stay").count()).resolves.toBe(2);
    await expect(page.getByTestId("merge").count()).resolves.toBe(2);
    await expect(page.getByTestId("undo-merge").count()).resolves.toBe(1);
    await expect(owner()).resolves.toBe(stays.grace!.guestId);
    expect(errors).toEqual([]);
  });
});

describe("the front desk on a phone", () => {
  it("searches, opens the profile and books by phone without sideways scroll", async () => {
    const { page, errors } = await signInToConsole(await newContext(browser, { device: "phone", track: contexts }), server.url, email.desk!);
    await page.goto(`${server.url}/admin/guests`);
    await page.getByLabel("Name, email, phone or code").fill("Hopper");
    await page.getByTestId("guest-row").filter({ hasText: "Grace Hopper" }).waitFor();
    await page.waitForFunction(() =>
      (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid="guest-row"]').length === 1);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await shot(page, "list-phone");
    await expectAccessible(page);
    await page.getByTestId("guest-row").getByRole("link", { name: "Grace Hopper" }).click();
    await page.getByTestId("vip").waitFor();
    await expect(page.getByTestId("guest-stay").count()).resolves.toBe(2);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await shot(page, "profile-phone");
    await expectAccessible(page);
    await page.getByTestId("edit-guest").click();
    await page.getByTestId("edit-guest-dialog").getByLabel("Notes").waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await expectAccessible(page);
    await page.getByTestId("edit-guest-dialog").getByRole("button", { name: "Close" }).click();

    // The New booking screen fits the phone: searched, then quoted.
    const arrival = localDate(a.timeZone, 8);
    await page.goto(`${server.url}/admin/bookings/new?arrival=${arrival}&departure=${addDays(arrival, 2)}`);
    await page.getByTestId("new-booking").waitFor();
    const quoteButton = page.getByRole("button", { name: /^Quote: Double, Flexible/ });
    await quoteButton.waitFor();
    await shot(page, "new-booking-phone");
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await quoteButton.click();
    await page.getByTestId("quote").getByTestId("quote-total").waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await expectAccessible(page);
    await shot(page, "new-booking-quote-phone");
    expect(errors).toEqual([]);
  });
});

describe("hostile calls", () => {
  it("a housekeeper and another property's desk cannot edit or merge; huge notes are a typed error; the housekeeper has no Guests menu", async () => {
    const edit = `mutation($g: UUID!, $n: String) { updateGuest(input: {guestId: $g, fullName: "X", email: "x@example.com", notes: $n}) { result { rowId } } }`;
    const merge = `mutation($k: UUID!, $m: UUID!) { mergeGuests(input: {keepGuestId: $k, mergeGuestId: $m}) { result { rowId } } }`;
    const housekeeper = await tokenOf(a.housekeeper);
    const otherDesk = await tokenOf(b.frontDesk);
    const desk = await tokenOf(a.frontDesk);
    expect(errorOf(await server.graphql(edit, { g: stays.ada!.guestId }, { token: housekeeper }))?.code).toBe("ACCESS_DENIED");
    expect(errorOf(await server.graphql(edit, { g: stays.ada!.guestId }, { token: otherDesk }))?.code).toBe("NOT_FOUND");
    expect(errorOf(await server.graphql(merge, { k: stays.bea!.guestId, m: stays.ada!.guestId }, { token: otherDesk }))?.code).toBe("NOT_FOUND");
    expect(errorOf(await server.graphql(merge, { k: stays.ada!.guestId, m: stays.grace!.guestId }, { token: housekeeper }))?.code).toBe("ACCESS_DENIED");
    expect(errorOf(await server.graphql(edit, { g: stays.ada!.guestId, n: "n".repeat(4001) }, { token: desk }))).toMatchObject({ code: "INVALID_INPUT", reason: "NOTES" });
    // A megabyte of notes never reaches the database: the API refuses the request itself, with a code.
    expect(errorOf(await server.graphql(edit, { g: stays.ada!.guestId, n: "n".repeat(1_000_000) }, { token: desk }))?.code).toBe("BAD_REQUEST");
    expect(errorOf(await server.graphql(merge, { k: stays.ada!.guestId, m: "not-a-uuid" }, { token: desk }))?.code).toBe("INVALID_INPUT");
    const search = await server.graphql(`query($p: UUID!, $s: String) { searchGuests(propertyId: $p, search: $s) { totalCount } }`,
      { p: a.propertyId, s: "x".repeat(5000) }, { token: desk });
    expect(errorOf(search)).toMatchObject({ code: "INVALID_INPUT", reason: "SEARCH" });
    // Another property's guests are not found by its id.
    const foreign = await server.graphql(`query($p: UUID!) { searchGuests(propertyId: $p, search: "Hopper") { totalCount } }`, { p: b.propertyId }, { token: desk });
    expect(foreign.body.data!.searchGuests.totalCount).toBe(0);

    email.housekeeper = await withPassword(db.ownerPool, a.housekeeper);
    const { page } = await signInToConsole(await newContext(browser, { device: "desktop", track: contexts }), server.url, email.housekeeper, { ready: "board" });
    await expect(page.getByRole("menuitem", { name: "Guests" }).count()).resolves.toBe(0);
    await page.goto(`${server.url}/admin/guests`);
    await page.getByText("Guests are for the front desk, managers and owners of the property.").waitFor();
  });
});
