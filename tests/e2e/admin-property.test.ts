// The property's content and policies in the staff console (issue 21), in
// headless Chromium against a real Keepr server with realtime on a test
// database, on a 1440 px desktop and a 390 px phone:
// - Property › Content: a manager writes the description, adds photos and
//   puts the second first, ticks amenities, sets the times, contact,
//   arrival instructions and language, watching the guest app's card
//   change as they type; a bad email and phone are named on their fields
//   and nothing is saved; the save is one mutation and the row holds
//   exactly what was typed (trimmed). The front desk reads it (no field
//   editable, no Save); housekeeping has no menu entry and is refused; via
//   the API the desk's update changes nothing, a manager's update of
//   another property changes nothing, and a value the table refuses is
//   INVALID_INPUT with nothing written.
// - Housekeeping: the dirty unit a guest arrives in today comes first,
//   marked Priority; the guest in house shows Do not disturb today (to
//   housekeeping too, who reads no reservations); a manager sets the stay-over
//   policy (31 refused at the field); housekeeping reads it, no Change.
// - History: each line's Trace link is TRACE_UI_URL with the request's
//   trace id, for managers only.
// - Reports: the page fits a 390 px phone.
// - Revenue: a rate plan's deposit schedule and terms in the guest's words,
//   as typed, then saved.
// - Translations: a manager saves the description in Portuguese and Spanish
//   arrival instructions, then removes them; guests read each language with
//   the English fallback; the desk reads; the API refuses the desk, the
//   property's own language and another property.
// Axe clean on each screen; nothing scrolls sideways; screenshots
// docs/screenshots/admin-property-*.png.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, sidewaysOverflow, untilQuiet, waitUntil } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;
let other: Hotel;
let today: string;
/** In house with do-not-disturb today; arriving today in a dirty unit. */
const stays: { inHouse?: { id: string; unit: string }; arriving?: { id: string; unit: string } } = {};
/** The trace id of the request that hung do-not-disturb (its audit rows' request id). */
const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const contexts: BrowserContext[] = [];

async function shot(page: Page, name: string): Promise<void> {
  // No text left selected by a double click.
  await page.evaluate(() => (globalThis as unknown as { getSelection(): { removeAllRanges(): void } | null }).getSelection()?.removeAllRanges());
  await page.screenshot({ path: path.join(screenshots, `admin-property-${name}.png`), animations: "disabled" });
}

async function signIn(userId: string, kind: "desktop" | "phone", ready: "dashboard" | "board" = "dashboard"): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser, { device: kind, track: contexts });
  return signInToConsole(context, server.url, await withPassword(db.ownerPool, userId), { ready });
}

/** The names of the GraphQL mutations the page sends from now on. */
function mutationsOf(page: Page): string[] {
  const mutations: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/graphql") && /mutation/.test(request.postData() ?? "")) mutations.push(JSON.parse(request.postData()!).operationName as string);
  });
  return mutations;
}

const contentOf = async (propertyId: string) =>
  (await db.ownerPool.query(
    `select description, photo_urls, amenities, to_char(check_in_time, 'HH24:MI') as check_in, to_char(check_out_time, 'HH24:MI') as check_out,
            contact_email, contact_phone, arrival_instructions, language
       from app_public.properties where id = $1`,
    [propertyId],
  )).rows[0];

async function tokenOf(userId: string): Promise<string> {
  const email = await withPassword(db.ownerPool, userId);
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword });
  return login.body.data!.login.result as string;
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  // The guest app's build too: it serves the sample photos (/photos/*.svg) the preview shows.
  await Promise.all([runAppBuildProcess("admin").report, runAppBuildProcess("web").report]);
  db = await createTestDatabase();
  server = await startTestServer(db, { TRACE_UI_URL: "https://jaeger.example.com/trace/{traceId}?uiFind=keepr" }, { realtime: true });
  hotel = await createHotel(db.ownerPool, { units: 3 });
  other = await createHotel(db.ownerPool, { units: 1 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel', address = 'Rua do Cais 12, Porto', is_published = true where id = $1", [hotel.propertyId]);
  await withPassword(db.ownerPool, hotel.manager, "Marta Manager");
  await withPassword(db.ownerPool, hotel.frontDesk, "Dana Desk");
  await withPassword(db.ownerPool, hotel.housekeeper, "Hugo Housekeeper");
  today = localDate(hotel.timeZone);
  // Ada is in house until +3 and hung do-not-disturb today (a request traced as traceId); Grace arrives
  // today into a unit still dirty from last night.
  const asStaff = <T>(userId: string, requestId: string, fn: (c: import("pg").PoolClient) => Promise<T>) =>
    inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId }, requestId);
      return fn(c);
    });
  const booked = (nights: number, name: string, email: string) =>
    asStaff(hotel.frontDesk, newKey().replace(/-/g, ""), async (c) => {
      const held = await hold(c, (await quote(c, hotel.ratePlanId, today, addDays(today, nights))).quote_token);
      await c.query("select app_public.confirm_booking($1, $2, $3, $4, null, hold_token => $5)", [held.reservation_id, newKey(), name, email, held.hold_token]);
      return held.reservation_id;
    });
  const unitOf = async (id: string) =>
    (await db.ownerPool.query<{ name: string }>("select u.name from app_public.reservations r join app_public.units u on u.id = r.unit_id where r.id = $1", [id])).rows[0]!.name;
  const ada = await booked(3, "Ada Lovelace", "ada@example.com");
  await asStaff(hotel.frontDesk, newKey().replace(/-/g, ""), (c) => c.query("select app_public.check_in($1, $2, force => true, acknowledge_unpaid => true)", [ada, newKey()]));
  await asStaff(hotel.frontDesk, traceId, (c) => c.query("select app_public.set_do_not_disturb($1, true)", [ada]));
  const grace = await booked(2, "Grace Hopper", "grace@example.com");
  await db.ownerPool.query("update app_public.units set housekeeping_status = 'dirty' where id = (select unit_id from app_public.reservations where id = $1)", [grace]);
  stays.inHouse = { id: ada, unit: await unitOf(ada) };
  stays.arriving = { id: grace, unit: await unitOf(grace) };
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await endBrowserTest({ contexts, browser, server, db });
});

describe("Property › Content", () => {
  it("a manager edits the content beside the guest app's preview and saves it in one mutation (desktop)", async () => {
    const { page, errors } = await signIn(hotel.manager, "desktop");
    await page.getByRole("menuitem", { name: "Property" }).click();
    const form = page.getByTestId("property-content");
    const preview = page.getByTestId("guest-preview");
    await form.waitFor();
    await form.getByLabel("Description").fill("  Twelve rooms over the Douro, five minutes from Ribeira on foot.\nBreakfast on the terrace.  ");
    await expect(preview.getByTestId("preview-description").textContent()).resolves.toContain("Twelve rooms over the Douro");
    // Two photos; the second is moved first.
    for (const url of ["/photos/double-room.svg", "/photos/harbour-view-hotel.svg"]) {
      await form.getByLabel("Photo address").fill(url);
      await form.getByRole("button", { name: "Add photo" }).click();
    }
    // A URL the database would refuse is refused at the field, not added.
    await form.getByLabel("Photo address").fill("http://insecure.example.com/a.jpg");
    await expect(form.getByRole("button", { name: "Add photo" }).isDisabled()).resolves.toBe(true);
    await form.getByLabel("Photo address").fill("");
    await form.getByRole("button", { name: "Move photo 2 up" }).click();
    expect(await form.getByTestId("photo").evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { url: string } }).dataset.url))).toEqual([
      "/photos/harbour-view-hotel.svg", "/photos/double-room.svg",
    ]);
    for (const name of ["Wi-Fi", "Parking", "Restaurant", "Lift"]) await form.getByLabel(name, { exact: true }).check();
    await expect(preview.getByTestId("preview-amenities").textContent()).resolves.toBe("Wi-FiParkingRestaurantLift");
    await form.getByLabel("Check-in from").fill("14:00");
    await form.getByLabel("Check-out until").fill("11:30");
    await expect(preview.getByTestId("preview-times").textContent()).resolves.toBe("Check-in from 14:00 · check-out until 11:30");
    await form.getByLabel("Arrival instructions").fill("The entrance is on Rua do Cais; park in the Cais garage (we validate the ticket).");
    await form.getByLabel("Guests are written to in").click();
    await page.getByRole("option", { name: "Portuguese" }).click();
    // A bad email and phone: named on their fields, nothing saved.
    await form.getByLabel("Contact email").fill("desk at harbour");
    await form.getByLabel("Contact phone").fill("call us");
    await form.getByRole("button", { name: "Save content" }).click();
    await form.getByTestId("content-problems").waitFor();
    await expect(form.getByText("An email address, such as desk@example.com.").isVisible()).resolves.toBe(true);
    await expect(form.getByText("Digits, spaces and ( ) . / -, optionally starting with +: 4 to 40 characters.").isVisible()).resolves.toBe(true);
    expect((await contentOf(hotel.propertyId)).description).toBeNull();
    await shot(page, "content-refused-desktop");
    await form.getByLabel("Contact email").fill("desk@harbourview.example");
    await form.getByLabel("Contact phone").fill("+351 22 000 1234");
    await expect(preview.getByTestId("preview-contact").textContent()).resolves.toBe("Contact: +351 22 000 1234 · desk@harbourview.example");
    // One save (a double click saves once: the button is disabled while saving).
    const mutations = mutationsOf(page);
    await form.getByRole("button", { name: "Save content" }).dblclick();
    await page.getByText("Property content saved. Guests see it now.").waitFor();
    expect(mutations).toEqual(["PropertyUpdateContent"]);
    expect(await contentOf(hotel.propertyId)).toEqual({
      description: "Twelve rooms over the Douro, five minutes from Ribeira on foot.\nBreakfast on the terrace.",
      photo_urls: ["/photos/harbour-view-hotel.svg", "/photos/double-room.svg"],
      amenities: ["wifi", "parking", "restaurant", "elevator"],
      check_in: "14:00",
      check_out: "11:30",
      contact_email: "desk@harbourview.example",
      contact_phone: "+351 22 000 1234",
      arrival_instructions: "The entrance is on Rua do Cais; park in the Cais garage (we validate the ticket).",
      language: "pt",
    });
    // The preview shows the first photo, loaded.
    await waitUntil(
      () => preview.locator("img").first().evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0),
      "the preview's photo to load",
    );
    await expectAccessible(page);
    expect(await sidewaysOverflow(page)).toBe(0);
    // The top of the page: the description, the photos and the preview with its first photo.
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.getByText("Property content saved. Guests see it now.").waitFor({ state: "detached" });
    await shot(page, "content-desktop");
    expect(errors).toEqual([]);
  });

  it("on a phone the editor and the preview stack, nothing scrolls sideways, axe clean", async () => {
    const { page, errors } = await signIn(hotel.manager, "phone");
    await page.goto(`${server.url}/admin/property`);
    await page.getByTestId("property-content").waitFor();
    await expect(page.getByTestId("property-content").getByLabel("Description").inputValue()).resolves.toContain("Twelve rooms over the Douro");
    await expectAccessible(page);
    expect(await sidewaysOverflow(page)).toBe(0);
    await shot(page, "content-phone");
    expect(errors).toEqual([]);
  });

  it("the front desk reads the content (nothing editable, no Save); housekeeping has no entry and is refused", async () => {
    const desk = await signIn(hotel.frontDesk, "phone");
    await desk.page.goto(`${server.url}/admin/property`);
    await desk.page.getByTestId("property-read-only").waitFor();
    const form = desk.page.getByTestId("property-content");
    await expect(form.getByLabel("Description").isDisabled()).resolves.toBe(true);
    await expect(form.getByLabel("Contact email").inputValue()).resolves.toBe("desk@harbourview.example");
    await expect(form.getByRole("button", { name: "Save content" }).count()).resolves.toBe(0);
    await expect(form.getByRole("button", { name: "Add photo" }).count()).resolves.toBe(0);
    await expectAccessible(desk.page);
    expect(await sidewaysOverflow(desk.page)).toBe(0);
    await shot(desk.page, "read-only-phone");
    expect(desk.errors).toEqual([]);

    const keeper = await signIn(hotel.housekeeper, "desktop", "board");
    await expect(keeper.page.getByRole("menuitem", { name: "Property" }).count()).resolves.toBe(0);
    await keeper.page.goto(`${server.url}/admin/property`);
    await keeper.page.getByText("The property's content is for its owners, managers and front desk.").waitFor();
    await expect(keeper.page.getByTestId("property-content").count()).resolves.toBe(0);
  });

  it("through the API: the desk's update and a manager's update of another property change nothing; a refused value is INVALID_INPUT", async () => {
    const update = `mutation($id: UUID!, $patch: PropertyPatch!) { updatePropertyByRowId(input: {rowId: $id, propertyPatch: $patch}) { property { rowId description } } }`;
    const before = await contentOf(hotel.propertyId);
    const desk = await server.graphql(update, { id: hotel.propertyId, patch: { description: "Cheap rooms!" } }, { token: await tokenOf(hotel.frontDesk) });
    expect(desk.body.data?.updatePropertyByRowId?.property ?? null).toBeNull();
    const keeper = await server.graphql(update, { id: hotel.propertyId, patch: { contactEmail: "x@y.example" } }, { token: await tokenOf(hotel.housekeeper) });
    expect(keeper.body.data?.updatePropertyByRowId?.property ?? null).toBeNull();
    const foreign = await server.graphql(update, { id: other.propertyId, patch: { description: "Taken over" } }, { token: await tokenOf(hotel.manager) });
    expect(foreign.body.data?.updatePropertyByRowId?.property ?? null).toBeNull();
    const manager = await tokenOf(hotel.manager);
    for (const patch of [{ contactEmail: "not an email" }, { amenities: ["Wi-Fi"] }, { photoUrls: ["javascript:alert(1)"] }, { arrivalInstructions: "x".repeat(2001) }, { stayoverCleanNights: 31 }]) {
      const res = await server.graphql(update, { id: hotel.propertyId, patch: { description: "Changed", ...patch } }, { token: manager });
      expect({ patch, code: res.body.errors?.[0]?.extensions?.code }).toEqual({ patch, code: "INVALID_INPUT" });
    }
    expect(await contentOf(hotel.propertyId)).toEqual(before);
    expect((await contentOf(other.propertyId)).description).toBeNull();

    // The console's own call (updatePropertyContent): refusals name the field, and roles are checked.
    const save = `mutation($p: UUID!, $at: Datetime!, $email: String) { updatePropertyContent(input: {propertyId: $p, expectedUpdatedAt: $at,
      photoUrls: [], amenities: [], checkInTime: "15:00", checkOutTime: "11:00", contactEmail: $email, language: "en"}) { result { rowId } } }`;
    const at = (await db.ownerPool.query("select updated_at::text as at from app_public.properties where id = $1", [hotel.propertyId])).rows[0].at;
    const code = (res: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => res.body.errors?.[0]?.extensions;
    expect(code(await server.graphql(save, { p: hotel.propertyId, at, email: "not an email" }, { token: manager }))).toMatchObject({ code: "INVALID_INPUT", reason: "CONTACT_EMAIL" });
    expect(code(await server.graphql(save, { p: hotel.propertyId, at }, { token: await tokenOf(hotel.frontDesk) }))).toMatchObject({ code: "ACCESS_DENIED" });
    expect(code(await server.graphql(save, { p: other.propertyId, at }, { token: manager }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await contentOf(hotel.propertyId)).toEqual(before);
  });

  it("two managers at once: a save made on what someone else changed since is refused (CHANGED), nothing lost; after a reload it saves", async () => {
    const { page, errors } = await signIn(hotel.manager, "desktop");
    await page.goto(`${server.url}/admin/property`);
    const form = page.getByTestId("property-content");
    await form.getByLabel("Arrival instructions").fill("Mine: ring the bell.");
    // Meanwhile another manager saves (through the same call, on a fresh read).
    const at = (await db.ownerPool.query("select updated_at::text as at from app_public.properties where id = $1", [hotel.propertyId])).rows[0].at;
    const theirs = await server.graphql(
      `mutation($p: UUID!, $at: Datetime!) { updatePropertyContent(input: {propertyId: $p, expectedUpdatedAt: $at, description: "Theirs.", photoUrls: [],
        amenities: [], checkInTime: "15:00", checkOutTime: "11:00", language: "en"}) { result { rowId } } }`,
      { p: hotel.propertyId, at }, { token: await tokenOf(hotel.manager) });
    expect(theirs.body.errors).toBeUndefined();
    await form.getByRole("button", { name: "Save content" }).click();
    await form.getByText("Someone saved this property's content since you opened it").waitFor();
    expect(await contentOf(hotel.propertyId)).toMatchObject({ description: "Theirs.", arrival_instructions: null });
    await expectAccessible(page);
    // Reloaded, the form shows theirs; made again, mine saves.
    await page.reload();
    await expect(form.getByLabel("Description").inputValue()).resolves.toBe("Theirs.");
    await form.getByLabel("Arrival instructions").fill("Mine: ring the bell.");
    await form.getByRole("button", { name: "Save content" }).click();
    await page.getByText("Property content saved. Guests see it now.").waitFor();
    expect(await contentOf(hotel.propertyId)).toMatchObject({ description: "Theirs.", arrival_instructions: "Mine: ring the bell." });
    expect(errors).toEqual([]);
  });
});

describe("Property › Content › Translations", () => {
  const translationsOf = async (propertyId: string) =>
    (await db.ownerPool.query("select language, description, arrival_instructions from app_public.property_translations where property_id = $1 order by language", [propertyId])).rows;

  it("a manager translates the description into Portuguese, adds and removes Spanish arrival instructions; guests read each language with the English fallback (desktop)", async () => {
    const { page, errors } = await signIn(hotel.manager, "desktop");
    await page.goto(`${server.url}/admin/property`);
    const form = page.getByTestId("property-translations");
    await form.waitFor();
    // The property writes in English (the last save above): Portuguese and Spanish are offered, Portuguese first.
    await expect(form.getByLabel("Language", { exact: true }).textContent()).resolves.toBe("Portuguese");
    await form.getByText("Not translated yet: Portuguese readers see the English text.").waitFor();
    // Too long is named at the field, and Save waits.
    await form.getByLabel("Description in Portuguese").fill("x".repeat(5001));
    await form.getByText("At most 5,000 characters (5,001 now).").waitFor();
    await expect(form.getByRole("button", { name: "Save Portuguese" }).isDisabled()).resolves.toBe(true);
    await form.getByLabel("Description in Portuguese").fill("  Doze quartos sobre o Douro, a cinco minutos a pé da Ribeira.  ");
    const mutations = mutationsOf(page);
    await form.getByRole("button", { name: "Save Portuguese" }).click();
    await page.getByText("Portuguese translation saved.").waitFor();
    expect(mutations).toEqual(["PropertySetTranslation"]);
    expect(await translationsOf(hotel.propertyId)).toEqual([{ language: "pt", description: "Doze quartos sobre o Douro, a cinco minutos a pé da Ribeira.", arrival_instructions: null }]);
    // Spanish: its own (empty) fields; saved, then removed by saving it blank.
    await form.getByLabel("Language", { exact: true }).click();
    await page.getByRole("option", { name: "Spanish" }).click();
    await expect(form.getByLabel("Arrival instructions in Spanish").inputValue()).resolves.toBe("");
    await form.getByLabel("Arrival instructions in Spanish").fill("Toque el timbre.");
    await form.getByRole("button", { name: "Save Spanish" }).click();
    await page.getByText("Spanish translation saved.").waitFor();
    expect((await translationsOf(hotel.propertyId)).map((t) => t.language)).toEqual(["es", "pt"]);
    // What guests read (anonymous, through the API): each language's own text, else the property's.
    const read = `query($p: UUID!) { propertyByRowId(rowId: $p) { pt: descriptionIn(language: "pt") ptArrival: arrivalInstructionsIn(language: "pt")
      es: descriptionIn(language: "es") esArrival: arrivalInstructionsIn(language: "es") } }`;
    expect((await server.graphql(read, { p: hotel.propertyId })).body.data!.propertyByRowId).toEqual({
      pt: "Doze quartos sobre o Douro, a cinco minutos a pé da Ribeira.", ptArrival: "Mine: ring the bell.", es: "Theirs.", esArrival: "Toque el timbre.",
    });
    await form.getByLabel("Arrival instructions in Spanish").fill("  ");
    await form.getByRole("button", { name: "Save Spanish" }).click();
    await page.getByText("Spanish translation removed: Spanish readers get the English text.").waitFor();
    expect((await translationsOf(hotel.propertyId)).map((t) => t.language)).toEqual(["pt"]);
    // Back to Portuguese: the saved text.
    await form.getByLabel("Language", { exact: true }).click();
    await page.getByRole("option", { name: "Portuguese" }).click();
    await expect(form.getByLabel("Description in Portuguese").inputValue()).resolves.toBe("Doze quartos sobre o Douro, a cinco minutos a pé da Ribeira.");
    await expectAccessible(page, "translations");
    expect(await sidewaysOverflow(page)).toBe(0);
    await page.getByText("Spanish translation removed", { exact: false }).waitFor({ state: "detached" });
    await form.scrollIntoViewIfNeeded();
    await shot(page, "translations-desktop");
    expect(errors).toEqual([]);
  });

  it("on a phone the manager's section fits; the front desk reads it (nothing editable, no Save); the API refuses the desk, the own language and another property", async () => {
    const manager = await signIn(hotel.manager, "phone");
    await manager.page.goto(`${server.url}/admin/property`);
    const form = manager.page.getByTestId("property-translations");
    await expect(form.getByLabel("Description in Portuguese").inputValue()).resolves.toContain("Doze quartos");
    await form.scrollIntoViewIfNeeded();
    await expectAccessible(manager.page, "translations on a phone");
    expect(await sidewaysOverflow(manager.page)).toBe(0);
    await shot(manager.page, "translations-phone");
    expect(manager.errors).toEqual([]);

    const desk = await signIn(hotel.frontDesk, "desktop");
    await desk.page.goto(`${server.url}/admin/property`);
    const deskForm = desk.page.getByTestId("property-translations");
    await deskForm.getByText("Owners and managers write the translations.").waitFor();
    await expect(deskForm.getByLabel("Description in Portuguese").isDisabled()).resolves.toBe(true);
    await expect(deskForm.getByRole("button", { name: "Save Portuguese" }).count()).resolves.toBe(0);
    await expectAccessible(desk.page, "translations read-only");
    expect(desk.errors).toEqual([]);

    const set = `mutation($p: UUID!, $l: String!) { setPropertyTranslation(input: {propertyId: $p, language: $l, description: "Outro texto."}) { result { language } } }`;
    const extensions = (res: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => res.body.errors?.[0]?.extensions;
    const token = await tokenOf(hotel.manager);
    expect(extensions(await server.graphql(set, { p: hotel.propertyId, l: "pt" }, { token: await tokenOf(hotel.frontDesk) }))).toMatchObject({ code: "ACCESS_DENIED" });
    expect(extensions(await server.graphql(set, { p: hotel.propertyId, l: "en" }, { token }))).toMatchObject({ code: "INVALID_INPUT", reason: "LANGUAGE" });
    expect(extensions(await server.graphql(set, { p: hotel.propertyId, l: "de" }, { token }))).toMatchObject({ code: "INVALID_INPUT", reason: "LANGUAGE" });
    expect(extensions(await server.graphql(set, { p: other.propertyId, l: "pt" }, { token }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await translationsOf(hotel.propertyId)).toEqual([{ language: "pt", description: "Doze quartos sobre o Douro, a cinco minutos a pé da Ribeira.", arrival_instructions: null }]);
    expect(await translationsOf(other.propertyId)).toEqual([]);
  });

  it("a manager translates the room type, rate plan, fee and bookable extra into Spanish, each saved alone; guests read them in Spanish, the rest in English; desktop and phone", async () => {
    await db.ownerPool.query("insert into app_public.fees (property_id, name, basis, amount, currency) values ($1, 'Cleaning', 'per_stay', 2500, 'EUR') on conflict do nothing", [hotel.propertyId]);
    // A bookable extra is translated; the desk's own charge (not bookable) is not offered.
    await db.ownerPool.query(
      `insert into app_public.folio_extras (property_id, name, unit_price, currency, is_bookable, booking_basis)
       values ($1, 'Breakfast', 1400, 'EUR', true, 'per_guest_night'), ($1, 'Minibar', 450, 'EUR', false, 'per_stay') on conflict do nothing`,
      [hotel.propertyId],
    );
    await db.ownerPool.query("update app_public.room_types set description = 'Two beds, river view.' where id = $1", [hotel.roomTypeId]);
    const { page, errors } = await signIn(hotel.manager, "desktop");
    await page.goto(`${server.url}/admin/property`);
    const form = page.getByTestId("property-translations");
    await form.getByLabel("Language", { exact: true }).click();
    await page.getByRole("option", { name: "Spanish" }).click();
    const items = page.getByTestId("item-translations");
    await items.getByText("Room types, rate plans, fees and extras in Spanish").waitFor();
    await expect(items.getByRole("form", { name: "Extra Minibar in Spanish" }).count()).resolves.toBe(0);
    const room = items.getByRole("form", { name: "Room type Double in Spanish" });
    await room.getByText("Not translated: shown as “Double”.").waitFor();
    // Too long is named at the field, and Save waits.
    await room.getByLabel("Name in Spanish").fill("n".repeat(201));
    await room.getByText("At most 200 characters (201 now).").waitFor();
    await expect(room.getByRole("button", { name: /^Save/ }).isDisabled()).resolves.toBe(true);
    const mutations = mutationsOf(page);
    await room.getByLabel("Name in Spanish").fill("  Doble  ");
    await room.getByLabel("Description in Spanish").fill("Dos camas, vistas al río.");
    await room.getByRole("button", { name: /^Save/ }).click();
    await page.getByText("Double: Spanish saved.").waitFor();
    const plan = items.getByRole("form", { name: "Rate plan Double · Flexible in Spanish" });
    await plan.getByLabel("Name in Spanish").fill("Flexible (reembolsable)");
    await plan.getByRole("button", { name: /^Save/ }).click();
    await page.getByText("Double · Flexible: Spanish saved.").waitFor();
    const fee = items.getByRole("form", { name: "Fee Cleaning in Spanish" });
    await expect(fee.getByLabel("Description in Spanish").count()).resolves.toBe(0);
    await fee.getByLabel("Name in Spanish").fill("Limpieza");
    await fee.getByRole("button", { name: /^Save/ }).click();
    await page.getByText("Cleaning: Spanish saved.").waitFor();
    const extra = items.getByRole("form", { name: "Extra Breakfast in Spanish" });
    await extra.getByLabel("Name in Spanish").fill("Desayuno");
    await extra.getByRole("button", { name: /^Save/ }).click();
    await page.getByText("Breakfast: Spanish saved.").waitFor();
    expect(mutations).toEqual(["PropertySetRoomTypeTranslation", "PropertySetRatePlanTranslation", "PropertySetFeeTranslation", "PropertySetExtraTranslation"]);
    // The guest app's list of extras, in Spanish.
    expect((await db.ownerPool.query("select name from app_public.bookable_extras($1, 'es')", [hotel.propertyId])).rows).toEqual([{ name: "Desayuno" }]);
    const read = `query($r: UUID!, $p: UUID!) { roomTypeByRowId(rowId: $r) { es: nameIn(language: "es") esText: descriptionIn(language: "es") pt: nameIn(language: "pt") }
      ratePlanByRowId(rowId: $p) { es: nameIn(language: "es") pt: nameIn(language: "pt") } }`;
    expect((await server.graphql(read, { r: hotel.roomTypeId, p: hotel.ratePlanId })).body.data).toEqual({
      roomTypeByRowId: { es: "Doble", esText: "Dos camas, vistas al río.", pt: "Double" },
      ratePlanByRowId: { es: "Flexible (reembolsable)", pt: "Flexible" },
    });
    // Removed by saving it blank.
    await fee.getByLabel("Name in Spanish").fill(" ");
    await fee.getByRole("button", { name: /^Save/ }).click();
    await page.getByText("Cleaning: Spanish removed, readers see its own text.").waitFor();
    expect((await db.ownerPool.query("select count(*)::int as n from app_public.fee_translations where property_id = $1", [hotel.propertyId])).rows[0].n).toBe(0);
    await untilQuiet(page);
    await expectAccessible(page, "item translations");
    expect(await sidewaysOverflow(page)).toBe(0);
    await page.getByText("Cleaning: Spanish removed", { exact: false }).waitFor({ state: "detached" });
    await items.scrollIntoViewIfNeeded();
    await shot(page, "item-translations-desktop");
    expect(errors).toEqual([]);

    const phone = await signIn(hotel.manager, "phone");
    await phone.page.goto(`${server.url}/admin/property`);
    const phoneForm = phone.page.getByTestId("property-translations");
    await phoneForm.getByLabel("Language", { exact: true }).click();
    await phone.page.getByRole("option", { name: "Spanish" }).click();
    const phoneRoom = phone.page.getByTestId("item-translations").getByRole("form", { name: "Room type Double in Spanish" });
    await expect(phoneRoom.getByLabel("Name in Spanish").inputValue()).resolves.toBe("Doble");
    await phoneRoom.scrollIntoViewIfNeeded();
    await expectAccessible(phone.page, "item translations on a phone");
    expect(await sidewaysOverflow(phone.page)).toBe(0);
    await shot(phone.page, "item-translations-phone");
    expect(phone.errors).toEqual([]);

    // The front desk reads them: nothing editable, no Save.
    const desk = await signIn(hotel.frontDesk, "desktop");
    await desk.page.goto(`${server.url}/admin/property`);
    const deskRoom = desk.page.getByTestId("item-translations").getByRole("form", { name: "Room type Double in Portuguese" });
    await expect(deskRoom.getByLabel("Name in Portuguese").isDisabled()).resolves.toBe(true);
    await expect(deskRoom.getByRole("button").count()).resolves.toBe(0);
    expect(desk.errors).toEqual([]);
  });
});

describe("Housekeeping: the stay-over policy, do-not-disturb and priority arrivals", () => {
  it("a manager sees the arrival's dirty unit first as a priority, the guest's do-not-disturb, and sets the stay-over policy (desktop)", async () => {
    const { page, errors } = await signIn(hotel.manager, "desktop");
    await page.goto(`${server.url}/admin/housekeeping`);
    await page.getByTestId("housekeeping-ready").waitFor();
    const cards = page.getByTestId("unit-card");
    await waitUntil(async () => (await cards.first().getAttribute("data-unit")) === stays.arriving!.unit, "the arrival's unit first");
    await expect(cards.first().getByTestId("priority").textContent()).resolves.toBe("Priority: guest arriving today");
    await expect(page.locator("[data-priority]").count()).resolves.toBe(1);
    const adaCard = page.locator(`[data-testid="unit-card"][data-unit="${stays.inHouse!.unit}"]`);
    await expect(adaCard.getByTestId("do-not-disturb").textContent()).resolves.toBe("Do not disturb today");
    const policy = page.getByTestId("stayover-policy");
    await expect(policy.textContent()).resolves.toContain("Off: occupied rooms are cleaned only at check-out");
    await policy.getByRole("button", { name: "Change" }).click();
    const dialog = page.getByTestId("stayover-policy-dialog");
    const field = dialog.getByLabel("Every … nights (0 = off)");
    // Out of range: refused at the field, nothing sent.
    await field.fill("31");
    await expect(dialog.getByText("A whole number from 0 to 30.").isVisible()).resolves.toBe(true);
    await expect(dialog.getByRole("button", { name: "Save" }).isDisabled()).resolves.toBe(true);
    await field.fill("2");
    await expect(dialog.getByText("Every 2 nights of a stay").isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await waitUntil(async () => (await policy.getAttribute("data-nights")) === "2", "the policy to read 2 nights");
    expect((await db.ownerPool.query("select stayover_clean_nights from app_public.properties where id = $1", [hotel.propertyId])).rows[0].stayover_clean_nights).toBe(2);
    await expectAccessible(page);
    expect(await sidewaysOverflow(page)).toBe(0);
    await page.getByText(/^Stay-over cleaning: every 2 nights/).waitFor({ state: "detached" });
    await shot(page, "housekeeping-desktop");
    expect(errors).toEqual([]);
  });

  it("a supervisor (manager) gives the arrival's inspection to the housekeeper on the Tasks tab; the desk cannot", async () => {
    await db.ownerPool.query("insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date, notes) values ($1, $2, 'inspection', $3, 'Before the arrival')",
      [hotel.propertyId, (await db.ownerPool.query("select unit_id from app_public.reservations where id = $1", [stays.arriving!.id])).rows[0].unit_id, localDate(hotel.timeZone, 0)]);
    const housekeeperName = (await db.ownerPool.query("select display_name from app_public.users where id = $1", [hotel.housekeeper])).rows[0].display_name as string;
    const { page, errors } = await signIn(hotel.manager, "desktop");
    await page.goto(`${server.url}/admin/housekeeping`);
    await page.getByTestId("housekeeping-ready").waitFor();
    await page.getByRole("tab", { name: /^Tasks/ }).click();
    const card = page.locator(`[data-testid="task-card"][data-unit="${stays.arriving!.unit}"][data-kind="inspection"]`);
    await expect(card.textContent()).resolves.toContain("unassigned");
    await card.getByTestId("assign-task").getByRole("combobox").click();
    await page.getByRole("option", { name: housekeeperName, exact: true }).click();
    await card.getByText(`given to ${housekeeperName}`).waitFor();
    const assigned = async () => (await db.ownerPool.query("select assigned_to from app_public.housekeeping_tasks where property_id = $1 and kind = 'inspection'", [hotel.propertyId])).rows[0].assigned_to;
    await expect(assigned()).resolves.toBe(hotel.housekeeper);
    await expectAccessible(page);
    expect(await sidewaysOverflow(page)).toBe(0);
    // The notice ("… inspection given to …") hides by itself; the screenshot shows the card under it.
    await page.getByText(`inspection given to ${housekeeperName}.`).waitFor({ state: "detached", timeout: 30_000 });
    await shot(page, "housekeeping-assign-desktop");
    // The desk sees who has it, and no choice; through the API it is refused.
    const desk = await signIn(hotel.frontDesk, "desktop");
    await desk.page.goto(`${server.url}/admin/housekeeping`);
    await desk.page.getByTestId("housekeeping-ready").waitFor();
    await desk.page.getByRole("tab", { name: /^Tasks/ }).click();
    const deskCard = desk.page.locator(`[data-testid="task-card"][data-unit="${stays.arriving!.unit}"][data-kind="inspection"]`);
    await deskCard.getByText(`given to ${housekeeperName}`).waitFor();
    await expect(deskCard.getByTestId("assign-task").count()).resolves.toBe(0);
    const taskId = (await db.ownerPool.query("select id from app_public.housekeeping_tasks where property_id = $1 and kind = 'inspection'", [hotel.propertyId])).rows[0].id;
    const refused = await server.graphql(`mutation($t: UUID!) { assignHousekeepingTask(input: {taskId: $t, assignee: null}) { result { rowId } } }`, { t: taskId }, { token: await tokenOf(hotel.frontDesk) });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("ACCESS_DENIED");
    await expect(assigned()).resolves.toBe(hotel.housekeeper);
    expect(errors).toEqual([]);
    expect(desk.errors).toEqual([]);
  });

  it("housekeeping on a phone: the priority first, the guest's do-not-disturb, and the policy to read, no Change", async () => {
    const { page, errors } = await signIn(hotel.housekeeper, "phone", "board");
    await page.getByTestId("housekeeping-ready").waitFor();
    const cards = page.getByTestId("unit-card");
    await waitUntil(async () => (await cards.first().getAttribute("data-unit")) === stays.arriving!.unit, "the arrival's unit first");
    await expect(cards.first().getByTestId("priority").isVisible()).resolves.toBe(true);
    await expect(page.getByTestId("stayover-policy").textContent()).resolves.toContain("Every 2 nights of a stay");
    await expect(page.getByTestId("stayover-policy").getByRole("button", { name: "Change" }).count()).resolves.toBe(0);
    // Housekeeping reads no reservations: do-not-disturb comes with the board's stays (housekeepingStays).
    const adaCard = cards.filter({ has: page.getByTestId("do-not-disturb") });
    await expect(adaCard.count()).resolves.toBe(1);
    await expect(adaCard.getAttribute("data-unit")).resolves.toBe(stays.inHouse!.unit);
    await expect(adaCard.getByTestId("do-not-disturb").textContent()).resolves.toBe("Do not disturb today");
    await expectAccessible(page);
    expect(await sidewaysOverflow(page)).toBe(0);
    await shot(page, "housekeeping-phone");
    // The inspection the supervisor gave her: hers, with no choice of who.
    await page.getByRole("tab", { name: /^Tasks/ }).click();
    const mine = page.locator(`[data-testid="task-card"][data-unit="${stays.arriving!.unit}"][data-kind="inspection"]`);
    await mine.getByText("given to you").waitFor();
    await expect(mine.getByTestId("assign-task").count()).resolves.toBe(0);
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });
});

describe("History: the request's trace for managers", () => {
  it("a manager's History links the do-not-disturb line to its trace (TRACE_UI_URL); the desk sees no link (desktop and phone)", async () => {
    for (const kind of ["desktop", "phone"] as const) {
      const { page, errors } = await signIn(hotel.manager, kind);
      await page.goto(`${server.url}/admin/reservations/${stays.inHouse!.id}/show/history`);
      const history = page.getByRole("table", { name: "History" });
      await history.waitFor();
      const line = history.getByTestId("history-line").filter({ hasText: "Do not disturb" });
      const link = line.getByTestId("trace-link");
      await link.waitFor();
      await expect(link.getAttribute("href")).resolves.toBe(`https://jaeger.example.com/trace/${traceId}?uiFind=keepr`);
      await expect(link.getAttribute("rel")).resolves.toBe("noopener noreferrer");
      await expect(link.getAttribute("target")).resolves.toBe("_blank");
      await expectAccessible(page);
      expect(await sidewaysOverflow(page)).toBe(0);
      // On a phone the table scrolls sideways in its box: the link brought into view.
      await link.scrollIntoViewIfNeeded();
      await shot(page, `history-trace-${kind}`);
      expect(errors).toEqual([]);
    }
    const desk = await signIn(hotel.frontDesk, "desktop");
    await desk.page.goto(`${server.url}/admin/reservations/${stays.inHouse!.id}/show/history`);
    await desk.page.getByRole("table", { name: "History" }).getByTestId("history-line").filter({ hasText: "Do not disturb" }).waitFor();
    await expect(desk.page.getByTestId("trace-link").count()).resolves.toBe(0);
    await expect(desk.page.getByRole("columnheader", { name: "Request" }).count()).resolves.toBe(0);
  });

  it("/admin/config.json names the trace UI", async () => {
    const body = (await (await fetch(`${server.url}/admin/config.json`)).json()) as { traceUrl: string | null };
    expect(body.traceUrl).toBe("https://jaeger.example.com/trace/{traceId}?uiFind=keepr");
  });
});

describe("Reports on a 390 px phone", () => {
  it("the page fits the phone: nothing scrolls sideways; wide tables scroll in their own box", async () => {
    const { page, errors } = await signIn(hotel.manager, "phone");
    await page.goto(`${server.url}/admin/reports`);
    await page.getByTestId("period-comparison").waitFor();
    await page.getByTestId("city-tax-table").or(page.getByText(/No city tax/)).first().waitFor().catch(() => undefined);
    await untilQuiet(page, 400);
    // The innermost elements wider than the phone (each of whose children fits): what makes the page wide.
    const wide = await page.evaluate(() => {
      type El = { getBoundingClientRect(): { width: number }; tagName: string; className: unknown; children: ArrayLike<El>; getAttribute(n: string): string | null };
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El> } }).document;
      const tooWide = (e: El) => e.getBoundingClientRect().width > 391;
      return Array.from(doc.querySelectorAll(".RaLayout-content *"))
        .filter((e) => tooWide(e) && !Array.from(e.children).some(tooWide))
        .slice(0, 8)
        .map((e) => `${e.tagName}.${String(e.className).slice(0, 50)} [${e.getAttribute("data-testid") ?? e.getAttribute("aria-label") ?? ""}] ${Math.round(e.getBoundingClientRect().width)}`);
    });
    const overflow = await sidewaysOverflow(page);
    // What reaches past the phone's edge, named when the page overflows.
    expect({ overflow, wide: overflow > 0 ? wide : [] }).toEqual({ overflow: 0, wide: [] });
    await expectAccessible(page);
    await shot(page, "reports-phone");
    expect(errors).toEqual([]);
  });
});

describe("Revenue: a rate plan's deposit schedule in the guest's words", () => {
  it("a manager sets a 30% deposit with the rest 14 days before arrival and non-refundable terms, reading what guests will (desktop and phone)", async () => {
    const planName = (await db.ownerPool.query<{ name: string }>("select name from app_public.rate_plans where id = $1", [hotel.ratePlanId])).rows[0]!.name;
    for (const kind of ["desktop", "phone"] as const) {
      const { page, errors } = await signIn(hotel.manager, kind);
      await page.goto(`${server.url}/admin/revenue/rate-plans`);
      await page.getByTestId("rate-plans").getByRole("button", { name: `Edit rate plan ${planName}` }).click();
      const dialog = page.getByTestId("rate-plan");
      const preview = dialog.getByTestId("guest-terms-preview");
      if (kind === "desktop") {
        await dialog.getByLabel("Payment", { exact: true }).click();
        await page.getByRole("option", { name: "Deposit at booking, the rest later" }).click();
        await dialog.getByLabel("Deposit at booking (%)").fill("30");
        await dialog.getByLabel("Rest due (days before arrival)").fill("14");
        await expect(preview.getByTestId("guest-payment-text").textContent()).resolves.toBe(
          "Payment. 30% is charged when you book; the rest 14 days before arrival, to the same card.",
        );
        await dialog.getByLabel("Free cancellation until (days before arrival)").fill("3");
        await expect(preview.getByTestId("guest-cancellation-text").textContent()).resolves.toMatch(/^Cancellation\. Free cancellation until the check-in time 3 days before arrival \(the property's time\)\. After that, cancelling costs /);
        await dialog.getByLabel("Refundable").uncheck();
        await expect(preview.getByTestId("guest-cancellation-text").textContent()).resolves.toBe("Cancellation. Non-refundable: cancelling costs the full price.");
      } else {
        await expect(preview.getByTestId("guest-payment-text").textContent()).resolves.toBe(
          "Payment. 30% is charged when you book; the rest 14 days before arrival, to the same card.",
        );
      }
      await preview.scrollIntoViewIfNeeded();
      await expectAccessible(page);
      await shot(page, `deposit-terms-${kind}`);
      if (kind === "desktop") {
        await page.locator('[data-confirm="rate-plan"]').click();
        await dialog.waitFor({ state: "detached" });
        expect((await db.ownerPool.query("select deposit_percent::text, balance_due_days, is_refundable from app_public.rate_plans where id = $1", [hotel.ratePlanId])).rows[0]).toEqual({
          deposit_percent: "30.00", balance_due_days: 14, is_refundable: false,
        });
      }
      expect(errors).toEqual([]);
    }
  });
});
