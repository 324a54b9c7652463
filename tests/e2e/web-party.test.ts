// Issue 22: change the party size from Manage, in headless Chromium against a
// real Keepr. The guest finds the booking, asks for more guests than the room
// sleeps and is told how many it sleeps (RESTRICTED, MAX_OCCUPANCY, from
// quoteChange); asks for one adult more and sees the new price (the rate's
// per-person price: quoteChange's total, line by line) before anything
// changes; confirms; the booking has the new party and a change email is
// queued. By keyboard alone on a 390 px phone; by mouse on a desktop in
// Portuguese, a child added with their age (issue 22: one age select per
// child), double-clicked: changed once. Axe on every state;
// docs/screenshots/web-guest-party-*.png.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { endBrowserTest, waitForValue } from "../helpers/browser.ts";
import { addDays, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, inCommit, type TestDatabase } from "../helpers/db.ts";
import type { TestServer } from "../helpers/server.ts";
import { desktop, expectAccessible, openGuestApp, phone, screenshot, startGuestAppTest, tabTo, tabToText } from "../helpers/web-app.ts";

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;

const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.ownerPool.query(sql, params)).rows as T[];
const euros = (minor: number | string, locale = "en-GB") => new Intl.NumberFormat(locale, { style: "currency", currency: "EUR" }).format(Number(minor) / 100);

async function book(email: string, offset: number, nights: number) {
  return inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
    const arrival = localDate(hotel.timeZone, offset);
    const held = await hold(c, (await quote(c, hotel.ratePlanId, arrival, addDays(arrival, nights))).quote_token);
    const { rows } = await c.query("select * from app_public.confirm_booking($1, $2, 'Ada Lovelace', $3, null)", [held.reservation_id, newKey(), email]);
    return { id: rows[0].reservation_id as string, code: rows[0].confirmation_code as string, arrival, departure: addDays(arrival, nights) };
  });
}

/** What the rate charges for this stay and party, as the API prices it. */
const priceOf = async (arrival: string, departure: string, adults: number, children: number) =>
  (await q<{ total_amount: string }>("select total_amount from app_public.quote($1, $2, $3, $4, $5)", [hotel.ratePlanId, arrival, departure, adults, children]))[0]!.total_amount;

const shot = (page: Page, name: string) => screenshot(page, `web-guest-party-${name}`);

async function findBooking(ctx: BrowserContext, code: string, email: string, byKeyboard: boolean): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await openGuestApp(ctx, `${server.url}/manage?code=${code}`);
  if (byKeyboard) {
    await tabTo(page, "lookup-email");
    await page.keyboard.type(email);
    await page.keyboard.press("Enter");
  } else {
    await page.locator("#lookup-email").fill(email);
    await page.locator("#lookup-email").press("Enter");
  }
  await page.getByTestId("booking-status").waitFor();
  return { page, errors };
}

beforeAll(async () => {
  ({ db, server, browser } = await startGuestAppTest());
  // Doubles that sleep three; the rate includes two guests, a third adult pays €25 a night, a child €10.
  hotel = await createHotel(db.ownerPool, {
    units: 4, maxOccupancy: 3,
    ratePlan: { base_price: 10000, included_guests: 2, extra_adult_fee: 2500, extra_child_fee: 1000, free_cancellation_days: 2 },
  });
  await q("update app_public.properties set name = 'Harbour View Hotel', city = 'Lisbon', contact_phone = '+351 21 000 0000' where id = $1", [hotel.propertyId]);
  await q("update app_public.room_types set name = 'Double Room' where id = $1", [hotel.roomTypeId]);
}, 240_000);

afterAll(() => endBrowserTest({ browser, server, db }));

it("by keyboard alone on a phone: too many guests is refused with how many the room sleeps; one adult more is priced, then made", async () => {
  const b = await book("ada.party@example.com", 20, 3);
  const ctx = await browser.newContext({ viewport: phone, deviceScaleFactor: 1, locale: "en-GB", timezoneId: "Europe/Lisbon" });
  const { page, errors } = await findBooking(ctx, b.code, "ada.party@example.com", true);
  await expect(page.locator("#change-heading").textContent()).resolves.toBe("Change dates or guests");
  await expect(page.locator("#change-sleeps").textContent()).resolves.toBe("The Double Room sleeps at most 3 guests.");

  // 3 adults and a child: four in a room for three.
  await tabTo(page, "new-adults");
  await page.keyboard.press("ArrowDown"); // 2 → 3
  await expect(page.locator("#new-adults").inputValue()).resolves.toBe("3");
  await page.keyboard.press("Tab");
  await page.keyboard.press("ArrowDown"); // 0 → 1
  await expect(page.locator("#new-children").inputValue()).resolves.toBe("1");
  // The child's age: one select per child, next in the tab order.
  await page.keyboard.press("Tab");
  await expect(page.evaluate<string | undefined>("document.activeElement?.id")).resolves.toBe("new-age-0");
  await page.keyboard.press("ArrowDown"); // Age? → under 1
  await expect(page.locator("#new-age-0").inputValue()).resolves.toBe("0");
  await page.keyboard.press("Tab");
  await expect(page.evaluate<string | undefined>("document.activeElement?.textContent")).resolves.toBe("Check the new price");
  await page.keyboard.press("Enter");
  await page.getByTestId("change-error").waitFor();
  await expect(page.getByTestId("change-error").textContent()).resolves.toBe(
    "Too many guests: the Double Room sleeps at most 3 guests. Choose fewer guests, or book another room for the others.",
  );
  await expect(page.getByTestId("change-preview").count()).resolves.toBe(0);
  await shot(page, "too-many-phone");
  await expectAccessible(page, "party: too many guests");

  // No child: 3 adults, priced first (the third adult's €25 a night), the old total beside it.
  await page.locator("#new-children").focus();
  await page.keyboard.press("ArrowUp"); // 1 → 0
  await expect(page.getByTestId("change-error").count()).resolves.toBe(0);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.getByTestId("change-preview").waitFor();
  const [before, after] = [await priceOf(b.arrival, b.departure, 2, 0), await priceOf(b.arrival, b.departure, 3, 0)];
  expect(Number(after) - Number(before)).toBe(3 * 2500);
  const preview = (await page.getByTestId("change-preview").textContent())!;
  expect(preview).toContain(`New total ${euros(after)} (was ${euros(before)}). ${euros(Number(after) - Number(before))} more`);
  await expect(page.getByTestId("change-guests").textContent()).resolves.toBe("2 adults → 3 adults");
  // Nothing changed yet.
  expect((await q<{ adults: number }>("select adults from app_public.reservations where id = $1", [b.id]))[0]!.adults).toBe(2);
  // The price line by line, opened by keyboard.
  await tabToText(page, "Price details");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("change-preview").locator("[data-testid=quote-total]").textContent()).resolves.toBe(euros(after));
  await shot(page, "preview-phone");
  await expectAccessible(page, "party: preview");

  await tabToText(page, "Confirm the change");
  await page.keyboard.press("Enter");
  await page.getByText(/^Your booking now runs .*, for 3 adults\. We have sent you an email\.$/).waitFor();
  const row = (await q<{ adults: number; children: number; total_amount: string }>("select adults, children, total_amount from app_public.reservations where id = $1", [b.id]))[0]!;
  expect(row).toEqual({ adults: 3, children: 0, total_amount: after });
  await waitForValue("the change email queued", async () =>
    Number((await q<{ n: string }>("select count(*) as n from app_public.notifications where reservation_id = $1 and template = 'modification' and channel = 'email'", [b.id]))[0]!.n) === 1);
  await shot(page, "changed-phone");
  await expectAccessible(page, "party: changed");
  expect(errors).toEqual([]);
  await ctx.close();
}, 120_000);

it("by mouse on a desktop in Portuguese: a child added, the price shown, a double click changes once", async () => {
  const b = await book("ines.party@example.com", 30, 2);
  const ctx = await browser.newContext({ viewport: desktop, deviceScaleFactor: 1, locale: "pt-PT", timezoneId: "Europe/Lisbon" });
  const { page, errors } = await findBooking(ctx, b.code, "ines.party@example.com", false);
  await page.getByLabel("Crianças", { exact: true }).selectOption("1");
  await page.getByRole("button", { name: "Ver o novo preço" }).click();
  // Without the child's age, nothing is asked of the API: the age first.
  await expect(page.getByTestId("change-error").textContent()).resolves.toBe("Escolha a idade de cada criança.");
  await page.getByLabel("Criança 1").selectOption("5");
  await page.getByRole("button", { name: "Ver o novo preço" }).click();
  await page.getByTestId("change-preview").waitFor();
  const [before, after] = [await priceOf(b.arrival, b.departure, 2, 0), await priceOf(b.arrival, b.departure, 2, 1)];
  expect(Number(after) - Number(before)).toBe(2 * 1000);
  await expect(page.getByTestId("change-preview").textContent()).resolves.toContain(`Novo total ${euros(after, "pt-PT")} (antes ${euros(before, "pt-PT")}).`);
  await expect(page.getByTestId("change-guests").textContent()).resolves.toBe("2 adultos → 2 adultos, 1 criança (idade 5)");
  await shot(page, "preview-pt-desktop");
  await expectAccessible(page, "party: preview pt");
  await page.getByTestId("confirm-change").dblclick();
  await page.getByText(/^A sua reserva é agora de .*, para 2 adultos, 1 criança \(idade 5\)\./).waitFor();
  expect((await q<{ children: number; child_ages: number[] }>("select children, child_ages from app_public.reservations where id = $1", [b.id]))[0])
    .toMatchObject({ children: 1, child_ages: [5] });
  // One change: one change message (one per changing transaction).
  await expect(q<{ n: string }>("select count(distinct cause) as n from app_public.notifications where reservation_id = $1 and template = 'modification'", [b.id]))
    .resolves.toEqual([{ n: "1" }]);
  expect(errors).toEqual([]);
  await ctx.close();
}, 90_000);
