// Issue 22, "Broken or misleading today" (items 1 and 4–7), in headless
// Chromium against a real Keepr with its job worker: search results count the
// rooms free (units, not room types) with plurals in English and Portuguese
// and a per-night figure that includes what the total includes; the card
// form shows every error at once (the page's fields too), its Portuguese
// expiry placeholder, a CVC label on one line on a phone; a refresh on the
// details step keeps what was typed (never the card); a 100 % prepayment is
// called "Prepayment"; /confirmation in a new tab is one clear state; Manage
// says "Done" (not a cancel), "New total … (was …)", the dates once, and after
// a free cancellation that the refund is in progress and why there is no
// invoice; a room sold out because other guests hold it says so and when it
// comes back (item 3), also when the rate's details arrive after that answer. Hostile: a forged code, another booking's code with the wrong
// email, a forged ?code= link. Desktop and phone screenshots
// (docs/screenshots/web-guest-*.png) and axe on every state.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Frame, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import type { Worker } from "../../worker/runner.ts";
import { collectPageErrors, endBrowserTest, expectAccessible, launchBrowser, sidewaysOverflow } from "../helpers/browser.ts";
import { addDays, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { startTestWorker } from "../helpers/jobs.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");
const desktop = { width: 1366, height: 860 };
const phone = { width: 390, height: 844 };

let db: TestDatabase;
let server: TestServer;
let worker: Worker | null = null;
let browser: Browser;
let hotel: Hotel;
let prepaid: string;

const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.ownerPool.query(sql, params)).rows as T[];

const context = (options: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> =>
  browser.newContext({ viewport: options.viewport ?? desktop, deviceScaleFactor: 1, locale: options.locale ?? "en-GB", timezoneId: "Europe/Lisbon" });

async function open(ctx: BrowserContext, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await ctx.newPage();
  const errors = collectPageErrors(page);
  await page.goto(`${server.url}${url}`);
  await page.locator("body[data-app-ready=true]").waitFor();
  return { page, errors };
}

const settle = (page: Page) =>
  Promise.all(
    page.frames().map((f) =>
      f.evaluate("new Promise((resolve) => { requestAnimationFrame(() => requestAnimationFrame(resolve)); setTimeout(resolve, 500); })").catch(() => {}),
    ),
  );

/** Desktop and phone screenshots (docs/screenshots/web-guest-<name>-*.png); no horizontal scrolling on the phone. */
async function shots(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? desktop;
  const framed = page.frames().length > 1;
  for (const [viewport, suffix] of [[desktop, "desktop"], [phone, "phone"]] as const) {
    await page.setViewportSize(viewport);
    if (framed) await page.evaluate(`document.querySelector("iframe").scrollIntoView({ block: "center" })`);
    await settle(page);
    await page.screenshot({ path: path.join(screenshots, `web-guest-${name}-${suffix}.png`), fullPage: !framed, animations: "disabled" });
    if (suffix === "phone") expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize(size);
}

const cardFrame = (page: Page): Frame => {
  const frame = page.frames().find((f) => f.url().includes("/simulated-provider/card-form"));
  if (!frame) throw new Error("no card form frame");
  return frame;
};

const euros = (minor: number | bigint) => new Intl.NumberFormat("en-GB", { style: "currency", currency: "EUR" }).format(Number(minor) / 100);

async function quotedTotal(plan: string, arrival: string, departure: string, adults = 2): Promise<number> {
  const rows = await q<{ total_amount: string }>("select total_amount from app_public.quote($1, $2, $3, $4, 0)", [plan, arrival, departure, adults]);
  return Number(rows[0]!.total_amount);
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("web").report;
  db = await createTestDatabase();
  server = await startTestServer(db);
  worker = await startTestWorker(db, server.url, mkdtempSync(path.join(tmpdir(), "keepr-web-guest-outbox-")));
  // Eight doubles (one room type), a city tax per person and night outside the room price, a flexible rate and a
  // flexible rate paid in full at booking.
  hotel = await createHotel(db.ownerPool, { units: 8, ratePlan: { base_price: 10000, free_cancellation_days: 2, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 } });
  await q(
    `update app_public.properties set name = 'Harbour View Hotel', city = 'Lisbon', address = 'Rua do Cais 12, Lisboa',
            contact_phone = '+351 21 000 0000', contact_email = 'desk@harbour.example' where id = $1`,
    [hotel.propertyId],
  );
  await q("update app_public.room_types set name = 'Double Room' where id = $1", [hotel.roomTypeId]);
  await q("insert into app_public.taxes (property_id, name, basis, amount, currency, is_inclusive) values ($1, 'City tax', 'per_person_night', 200, 'EUR', false)", [hotel.propertyId]);
  prepaid = (await q<{ id: string }>(
    `insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests, is_refundable, deposit_percent,
                                        free_cancellation_days, cancellation_penalty_kind, cancellation_penalty_value)
     values ($1, $2, 'Prepaid', 'EUR', 9500, 2, true, 100, 2, 'nights', 1) returning id`,
    [hotel.propertyId, hotel.roomTypeId],
  ))[0]!.id;
  browser = await launchBrowser();
}, 240_000);

afterAll(() => endBrowserTest({ browser, worker: worker ?? undefined, server, db }));

describe("search results", () => {
  it("count the rooms free, with plurals, and a per-night figure that includes what the total includes (English and Portuguese)", async () => {
    const arrival = localDate(hotel.timeZone, 20);
    const ctx = await context();
    const { page, errors } = await open(ctx, `/?where=city:Lisbon&arrival=${arrival}&departure=${addDays(arrival, 1)}&adults=2`);
    await page.locator(".results[data-state=done]").waitFor();
    // Eight doubles free: "8 rooms", not "1 room" (one room type); one night: "1 night".
    await expect(page.getByTestId("search-status").textContent()).resolves.toBe("8 rooms available for 1 night.");
    const one = await quotedTotal(hotel.ratePlanId, arrival, addDays(arrival, 1));
    const rate = page.locator('[data-room="Double Room"] [data-rate="Flexible"]');
    await expect(rate.locator(".rate-price").textContent()).resolves.toContain(`${euros(one)} per night on average over 1 night`);

    // Three nights: the average is the total (city tax included) over three nights.
    await page.goto(`${server.url}/?where=city:Lisbon&arrival=${arrival}&departure=${addDays(arrival, 3)}&adults=2`);
    await page.locator(".results[data-state=done]").waitFor();
    await expect(page.getByTestId("search-status").textContent()).resolves.toBe("8 rooms available for 3 nights.");
    const three = await quotedTotal(hotel.ratePlanId, arrival, addDays(arrival, 3));
    const cityTax = 3 * 2 * 200;
    expect(three).toBe(3 * 10000 + cityTax);
    await expect(rate.locator(".rate-price").textContent()).resolves.toContain(`${euros(three)} total${euros(Math.round(three / 3))} per night on average over 3 nights`);
    await shots(page, "01-results");
    await expectAccessible(page, "results");
    expect(errors).toEqual([]);
    await ctx.close();

    // Portuguese: its own plural forms.
    const pt = await context({ locale: "pt-PT" });
    const { page: ptPage } = await open(pt, `/?where=city:Lisbon&arrival=${arrival}&departure=${addDays(arrival, 1)}&adults=1`);
    await ptPage.locator(".results[data-state=done]").waitFor();
    await expect(ptPage.getByTestId("search-status").textContent()).resolves.toBe("8 quartos disponíveis para 1 noite.");
    await expect(ptPage.locator('[data-rate="Flexible"] .rate-price').textContent()).resolves.toMatch(/por noite em média em 1 noite/);
    // Rooms taken but one: "Só resta 1".
    await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
      for (let i = 0; i < 7; i++) await hold(c, (await quote(c, hotel.ratePlanId, arrival, addDays(arrival, 1))).quote_token, newKey(), 30);
    });
    // (Another search than the cached one: the answers are cacheable for 30 s.)
    await ptPage.goto(`${server.url}/?where=city:Lisbon&arrival=${arrival}&departure=${addDays(arrival, 1)}&adults=2`);
    await ptPage.locator(".results[data-state=done]").waitFor();
    await expect(ptPage.getByTestId("search-status").textContent()).resolves.toBe("1 quarto disponível para 1 noite.");
    await expect(ptPage.locator('[data-rate="Flexible"] .scarce').textContent()).resolves.toBe("Só resta 1");
    await shots(ptPage, "02-results-pt");
    await expectAccessible(ptPage, "results pt");
    await pt.close();
  }, 120_000);
});

describe("booking on a rate paid in full", () => {
  const guest = { name: "Grace Hopper", email: "grace.web@example.com", requests: "A quiet room, please." };
  let ctx: BrowserContext;
  let page: Page;
  let code = "";
  const arrival = () => localDate(hotel.timeZone, 30);

  beforeAll(async () => {
    ctx = await context();
    ({ page } = await open(ctx, `/book?plan=${prepaid}&arrival=${arrival()}&departure=${addDays(arrival(), 3)}&adults=2`));
  });
  afterAll(() => ctx.close());

  it("shows every error at once, the page's and the card's, inside a card form that keeps its height", async () => {
    await page.getByRole("button", { name: "Reserve this room" }).click();
    await page.getByTestId("hold-countdown").waitFor();
    await page.frameLocator('iframe[title^="Card details"]').getByLabel("CVC").waitFor();
    await page.getByTestId("confirm-booking").click();
    await expect(page.locator("#fullName-error").textContent()).resolves.toBe("This field is required.");
    await expect(page.locator("#email-error").textContent()).resolves.toBe("This field is required.");
    const frame = cardFrame(page);
    await frame.locator("#cvc-error:not(:empty)").waitFor();
    const shown = await frame.evaluate<Array<[string | null, string | null]>>(
      `["number", "expiry", "cvc"].map((f) => [document.getElementById(f).getAttribute("aria-invalid"), document.getElementById(f + "-error").textContent])`,
    );
    expect(shown).toEqual([
      ["true", "Enter a valid card number."],
      ["true", "Enter the expiry date as MM/YY."],
      ["true", "Enter the 3-digit CVC (4 digits for American Express)."],
    ]);
    await expect(page.getByText("Please correct the card details: each problem is shown under its field.")).toBeDefined();
    // The focus is on the page's first wrong field, not pulled into the frame.
    await expect(page.evaluate<string | undefined>("document.activeElement?.id")).resolves.toBe("fullName");
    // Everything fits in the frame's reserved height, on a desktop and on a phone.
    for (const viewport of [desktop, phone]) {
      await page.setViewportSize(viewport);
      await settle(page);
      const [needed, reserved] = await frame.evaluate<[number, number]>("[document.documentElement.scrollHeight, window.innerHeight]");
      expect({ viewport, fits: needed <= reserved, needed, reserved }).toEqual({ viewport, fits: true, needed, reserved });
    }
    await page.setViewportSize(desktop);
    await shots(page, "03-all-errors");
    await expectAccessible(page, "details with errors");
    await expectAccessible(cardFrame(page), "card form with errors");
  }, 90_000);

  it("a refresh on the details step keeps the name, email and requests typed, never the card", async () => {
    await page.getByLabel("Full name").fill(guest.name);
    await page.getByLabel("Email address").fill(guest.email);
    await page.getByLabel("Special requests (optional)").fill(guest.requests);
    const frame = page.frameLocator('iframe[title^="Card details"]');
    await frame.getByLabel("Card number").fill("4242 4242 4242 4242");
    await page.reload();
    await page.locator("body[data-app-ready=true]").waitFor();
    await page.getByTestId("hold-countdown").waitFor();
    await expect(page.getByLabel("Full name").inputValue()).resolves.toBe(guest.name);
    await expect(page.getByLabel("Email address").inputValue()).resolves.toBe(guest.email);
    await expect(page.getByLabel("Special requests (optional)").inputValue()).resolves.toBe(guest.requests);
    await expect(frame.getByLabel("Card number").inputValue()).resolves.toBe("");
    const stored = await page.evaluate<string>("JSON.stringify(sessionStorage)");
    expect(stored).toContain(guest.requests);
    expect(stored).not.toContain("4242");
  }, 60_000);

  it("pays in full, called a prepayment; the draft is gone once confirmed", async () => {
    const frame = page.frameLocator('iframe[title^="Card details"]');
    await frame.getByLabel("Card number").fill("4242 4242 4242 4242");
    await frame.getByLabel("Expiry (MM/YY)").fill("12/30");
    await frame.getByLabel("CVC").fill("123");
    const total = await quotedTotal(prepaid, arrival(), addDays(arrival(), 3));
    await page.getByRole("button", { name: `Confirm and pay ${euros(total)}` }).click();
    await page.waitForURL(/\/confirmation$/);
    code = (await page.getByTestId("confirmation-code").textContent())!;
    await page.locator(".payments li.good").waitFor({ timeout: 30_000 });
    const payment = page.locator('.payments li[data-kind="prepayment"]');
    await expect(payment.locator(".payment-kind").textContent()).resolves.toBe("Prepayment: ");
    await expect(payment.locator(".payment-text").textContent()).resolves.toBe(`Paid ${euros(total)} with Visa ending 4242`);
    await expect(page.evaluate<string | null>(`sessionStorage.getItem("keepr.draft")`)).resolves.toBeNull();
    await shots(page, "04-confirmation-prepayment");
    await expectAccessible(page, "confirmation");
  }, 90_000);

  it("/confirmation in a new tab is one clear state: how to find the booking, never 'Booking confirmed'", async () => {
    for (const [locale, heading, link] of [["en-GB", "Find your booking", "Find my booking"], ["pt-PT", "Encontrar a sua reserva", "Encontrar a minha reserva"]] as const) {
      const fresh = await context({ locale });
      const { page: tab, errors } = await open(fresh, "/confirmation");
      await expect(tab.locator("h1").textContent()).resolves.toBe(heading);
      const text = (await tab.locator("main").textContent()) ?? "";
      expect(text).not.toMatch(/Booking confirmed|Reserva confirmada/);
      await expect(tab.title()).resolves.toBe(`${heading} · Keepr`);
      await tab.getByRole("link", { name: link }).click();
      await tab.waitForURL(/\/manage$/);
      await tab.goBack();
      await tab.getByTestId("confirmation-none").waitFor();
      if (locale === "en-GB") await shots(tab, "05-confirmation-new-tab");
      await expectAccessible(tab, `confirmation in a new tab, ${locale}`);
      expect(errors).toEqual([]);
      await fresh.close();
    }
  }, 60_000);

  it("manage: a forged code or the wrong email finds nothing; then 'Done' (not a cancel), the new total with the old, the dates once", async () => {
    const manage = await context();
    // A link from an email fills the code in; a forged one fills nothing.
    const { page: forged } = await open(manage, `/manage?code=${encodeURIComponent('"><img src=x onerror=alert(1)>')}`);
    await expect(forged.getByLabel("Confirmation code").inputValue()).resolves.toBe("");
    const { page: m, errors } = await open(manage, `/manage?code=${code.toLowerCase()}`);
    await expect(m.getByLabel("Confirmation code").inputValue()).resolves.toBe(code);
    for (const [c, e] of [[code, "someone.else@example.com"], ["ZZZZZZZZ", guest.email]] as const) {
      await m.getByLabel("Confirmation code").fill(c);
      await m.getByLabel("Email address").fill(e);
      await m.getByRole("button", { name: "Find my booking" }).click();
      await m.locator("#lookup-error", { hasText: "We could not find a booking with this code and email address. Check both and try again." }).waitFor();
      await expect(m.getByTestId("booking-status").count()).resolves.toBe(0);
    }
    await m.getByLabel("Confirmation code").fill(code);
    await m.getByLabel("Email address").fill(guest.email);
    await m.getByRole("button", { name: "Find my booking" }).click();
    await m.getByTestId("booking-status").waitFor();
    const done = m.getByTestId("manage-done");
    await expect(done.textContent()).resolves.toBe("Done");
    await expect(done.getAttribute("aria-describedby")).resolves.toBe("forget-hint");
    // The property's contact, as links.
    await expect(m.getByTestId("property-contact").first().textContent()).resolves.toBe("Contact Harbour View Hotel: +351 21 000 0000 · desk@harbour.example");
    await expect(m.getByTestId("property-contact").first().getByRole("link", { name: "+351 21 000 0000" }).getAttribute("href")).resolves.toBe("tel:+351210000000");

    const newArrival = addDays(arrival(), 1);
    await m.getByLabel("Arrival").fill(newArrival);
    await m.getByLabel("Departure").fill(addDays(newArrival, 4));
    await m.getByRole("button", { name: "Check the new price" }).click();
    await m.getByTestId("change-preview").waitFor();
    const oldTotal = await quotedTotal(prepaid, arrival(), addDays(arrival(), 3));
    const newTotal = await quotedTotal(prepaid, newArrival, addDays(newArrival, 4));
    await expect(m.getByTestId("change-preview").textContent()).resolves.toContain(`New total ${euros(newTotal)} (was ${euros(oldTotal)}).`);
    const dates = (await m.getByTestId("change-dates").textContent())!;
    expect(dates).toMatch(/^\w{3}, \d{1,2} \w{3} \d{4} → \w{3}, \d{1,2} \w{3} \d{4} \(4 nights\)$/);
    await shots(m, "06-manage-change");
    await expectAccessible(m, "manage, change preview");
    expect(errors).toEqual([]);
    await manage.close();
  }, 90_000);

  it("cancelled free of charge: the refund in progress, and why there is no invoice", async () => {
    // The worker stopped: the refund waits for it, as it would while the provider works on it.
    await worker!.stop();
    worker = null;
    const manage = await context();
    const { page: m, errors } = await open(manage, `/manage?code=${code}`);
    await m.getByLabel("Email address").fill(guest.email);
    await m.getByRole("button", { name: "Find my booking" }).click();
    await m.getByTestId("booking-status").waitFor();
    await m.getByRole("button", { name: "Cancel this booking…" }).click();
    await m.getByTestId("confirm-cancel").click();
    await m.locator('[data-testid="booking-status"]', { hasText: "Cancelled" }).waitFor();
    const total = await quotedTotal(prepaid, arrival(), addDays(arrival(), 3));
    await m.getByTestId("refund-pending").waitFor();
    await expect(m.getByTestId("refund-pending").textContent()).resolves.toBe(
      `Refund of ${euros(total)} in progress: the payment provider is returning it to your card (usually within 5 to 10 days).`,
    );
    await expect(m.getByTestId("no-invoices").textContent()).resolves.toBe("No invoice: the booking was cancelled free of charge, so there is nothing to invoice.");
    await shots(m, "07-manage-cancelled-refund-pending");
    await expectAccessible(m, "manage, cancelled, refund pending");
    expect(errors).toEqual([]);
    await manage.close();
  }, 90_000);
});

describe("sold out because others hold it", () => {
  it("says another guest holds the last room and when it comes back, not that it was booked (English and Portuguese)", async () => {
    const arrival = localDate(hotel.timeZone, 60);
    const departure = addDays(arrival, 2);
    // Eight guests hold the eight doubles while they book (30 minutes each, the first one to end frees a room).
    const expiries = await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_anonymous" });
      const out: Date[] = [];
      for (let i = 0; i < 8; i++) out.push((await hold(c, (await quote(c, hotel.ratePlanId, arrival, departure)).quote_token, newKey(), 10 + i)).expires_at);
      return out;
    });
    const first = new Intl.DateTimeFormat("en-GB", { timeStyle: "short", timeZone: hotel.timeZone }).format(new Date(Math.min(...expiries.map((d) => new Date(d).getTime()))));
    for (const [locale, title, start] of [
      ["en-GB", "Held by another guest", "Another guest is holding the last Double Room for these dates while they book. If they do not finish, it becomes free again at "],
      ["pt-PT", "Guardado por outro hóspede", "Outro hóspede está a guardar o último Double Room para estas datas enquanto reserva. Se não concluir, fica de novo livre às "],
    ] as const) {
      const ctx = await context({ locale });
      // Every text the alert ever shows, however briefly (it is announced as it first appears).
      await ctx.addInitScript(`window.__shown = [];
        new MutationObserver(() => {
          const text = document.querySelector('[data-testid="just-held"]')?.textContent;
          if (text && text !== window.__shown.at(-1)) window.__shown.push(text);
        }).observe(document, { subtree: true, childList: true, characterData: true });`);
      const page = await ctx.newPage();
      const errors = collectPageErrors(page);
      // What failed under load: the rate's details (a cacheable GET, its room's name and the property's zone) arriving
      // after the answer that the room is held ("the last  for these dates"). Made likely here: they are let through
      // only after that answer, and every text the alert showed is checked.
      const heldAnswered = page.waitForResponse((r) => (r.request().postData() ?? "").includes("RoomTypeHeldUntil"));
      await page.route((url) => url.pathname === "/graphql" && url.search.includes("RatePlan"), async (route) => {
        await heldAnswered;
        await route.continue();
      });
      await page.goto(`${server.url}/book?plan=${hotel.ratePlanId}&arrival=${arrival}&departure=${departure}&adults=2`);
      await page.getByTestId("just-held").waitFor();
      await expect(page.getByRole("alert").first().textContent()).resolves.toContain(title);
      const text = (await page.getByTestId("just-held").textContent())!;
      expect(text.startsWith(start)).toBe(true);
      const shown = await page.evaluate<string[]>("window.__shown");
      expect(shown.filter((t) => !t.startsWith(start))).toEqual([]);
      expect(text).toContain(first);
      if (locale === "en-GB") await shots(page, "09-just-held");
      await expectAccessible(page, `just held, ${locale}`);
      expect(errors).toEqual([]);
      await ctx.close();
    }
  }, 90_000);
});

describe("the card form in Portuguese on a phone", () => {
  it("asks for MM/AA, and its labels hold on one line", async () => {
    const ctx = await context({ locale: "pt-PT", viewport: phone });
    const arrival = localDate(hotel.timeZone, 40);
    const { page } = await open(ctx, `/book?plan=${hotel.ratePlanId}&arrival=${arrival}&departure=${addDays(arrival, 2)}&adults=2`);
    await page.getByRole("button", { name: "Reservar este quarto" }).click();
    await page.getByTestId("hold-countdown").waitFor();
    const frame = page.frameLocator('iframe[title^="Dados do cartão"]');
    await frame.getByLabel("Validade (MM/AA)").waitFor();
    await expect(frame.getByLabel("Validade (MM/AA)").getAttribute("placeholder")).resolves.toBe("MM/AA");
    const lines = await cardFrame(page).evaluate<Array<[string, number]>>(
      `[...document.querySelectorAll("label")].map((l) => [l.textContent, Math.round(l.getBoundingClientRect().height / parseFloat(getComputedStyle(l).lineHeight))])`,
    );
    expect(lines).toEqual([["Número do cartão", 1], ["Validade (MM/AA)", 1], ["CVC", 1]]);
    await shots(page, "08-card-form-pt");
    await expectAccessible(cardFrame(page), "card form pt");
    await ctx.close();
  }, 60_000);
});
