// Issue 22: several rooms in one booking, in the guest app, in headless
// Chromium against a real Keepr with its job worker. A party of 6 adults and
// 3 children, whom no room sleeps, is offered room combinations (each room
// with who sleeps there, the most they sleep, the total) and books two rooms:
// one price with each room's lines, one hold of both with its countdown, one
// details step with a guest's name per room, one card, one confirmation
// listing the rooms under the group code; each room's deposit is paid by its
// own rate plan. A refresh on the details step keeps the hold and what was
// typed. Keyboard only on a 390 px phone: rooms chosen one by one, booked.
// Portuguese. A room that sells out meanwhile is named and nothing is held.
// Manage: the group code + email opens every room; every room is moved to
// new dates (the new price first), one room is cancelled (its fee shown
// first), then all. Hostile: a forged rooms= link, another
// group's code with the wrong email. Axe on every page and state;
// docs/screenshots/web-group-*.png.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Worker } from "../../worker/runner.ts";
import { endBrowserTest, waitUntil } from "../helpers/browser.ts";
import { addDays, book, createHotel, hold, localDate, quote, quoteGroup, type Hotel } from "../helpers/booking.ts";
import { actAs, inCommit, type TestDatabase } from "../helpers/db.ts";
import { startTestWorker } from "../helpers/jobs.ts";
import type { TestServer } from "../helpers/server.ts";
import { cardFrame, desktop, expectAccessible, openGuestApp, phone, screenshot, startGuestAppTest, tabTo, tabToText } from "../helpers/web-app.ts";

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let worker: Worker;
let hotel: Hotel;
let familyPlan: string;
let familyType: string;

const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.ownerPool.query(sql, params)).rows as T[];
const euros = (minor: number | string, locale = "en-GB") => new Intl.NumberFormat(locale, { style: "currency", currency: "EUR" }).format(Number(minor) / 100);

async function context(options: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: options.viewport ?? desktop, deviceScaleFactor: 1, locale: options.locale ?? "en-GB", timezoneId: "Europe/Lisbon" });
  ctx.setDefaultTimeout(20_000); // a state that never comes fails at its step
  return ctx;
}

/** Desktop and phone screenshots of one state (docs/screenshots/web-group-<name>-desktop|phone.png). */
async function shots(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? desktop;
  // The provider's card form is a frame that paints only when in view (Chromium pauses frames out of view): the
  // viewport around it, not the whole page.
  const framed = page.frames().length > 1;
  for (const [viewport, suffix] of [[desktop, "desktop"], [phone, "phone"]] as const) {
    await page.setViewportSize(viewport);
    if (framed) await page.evaluate(`document.querySelector("iframe").scrollIntoView({ block: "center" })`);
    await screenshot(page, `web-group-${name}-${suffix}`, { fullPage: !framed });
  }
  await page.setViewportSize(size);
}

/** The children are 4, 7, 9… years old: a search with children gives their ages (issue 22), as the form asks. */
const searchUrl = (arrival: string, nights: number, adults: number, children: number) =>
  `${server.url}/?where=property:${hotel.propertyId}&arrival=${arrival}&departure=${addDays(arrival, nights)}&adults=${adults}&children=${children}` +
  (children > 0 ? `&ages=${[4, 7, 9, 11, 13].slice(0, children).join(",")}` : "");

/** What quoteGroup charges for these rooms, as the database prices them. */
const groupTotal = async (arrival: string, departure: string, rooms: Array<[string, number, number]>): Promise<string> =>
  (await quoteGroup(db.ownerPool, rooms.map(([ratePlanId, adults, children]) => ({ ratePlanId, adults, children })), arrival, departure)).total_amount;

beforeAll(async () => {
  ({ db, server, browser } = await startGuestAppTest());
  worker = await startTestWorker(db, server.url, mkdtempSync(path.join(tmpdir(), "keepr-web-group-outbox-")));
  // Three doubles (sleep 2, €100 a night, 30 % at booking) and two family suites (sleep 5, €180 a night, paid in full at booking).
  hotel = await createHotel(db.ownerPool, {
    units: 3, maxOccupancy: 2,
    ratePlan: { base_price: 10000, included_guests: 2, free_cancellation_days: 2, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 },
  });
  await q("update app_public.rate_plans set deposit_percent = 30 where id = $1", [hotel.ratePlanId]);
  await q("update app_public.properties set name = 'Harbour View Hotel', city = 'Lisbon', contact_phone = '+351 21 000 0000' where id = $1", [hotel.propertyId]);
  await q("update app_public.room_types set name = 'Double Room' where id = $1", [hotel.roomTypeId]);
  familyType = (await q<{ id: string }>("insert into app_public.room_types (property_id, name, max_occupancy) values ($1, 'Family Suite', 5) returning id", [hotel.propertyId]))[0]!.id;
  await q("insert into app_public.units (property_id, room_type_id, name) values ($1, $2, 'S1'), ($1, $2, 'S2')", [hotel.propertyId, familyType]);
  familyPlan = (await q<{ id: string }>(
    `insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests, is_refundable, deposit_percent,
                                        free_cancellation_days, cancellation_penalty_kind, cancellation_penalty_value)
     values ($1, $2, 'Family Flexible', 'EUR', 18000, 5, true, 100, 2, 'nights', 1) returning id`,
    [hotel.propertyId, familyType],
  ))[0]!.id;
}, 240_000);

afterAll(() => endBrowserTest({ browser, worker, server, db }));

describe("a party of 6 adults and 3 children", () => {
  const arrival = () => localDate(hotel.timeZone, 30);
  let groupCode = "";

  it("is offered room combinations with what they sleep, books two rooms with one hold, one card and one confirmation; a refresh keeps the hold and what was typed", async () => {
    const ctx = await context();
    const { page, errors } = await openGuestApp(ctx, searchUrl(arrival(), 2, 6, 3));
    await page.locator(".results[data-state=done]").waitFor();
    await expect(page.getByTestId("search-status").textContent()).resolves.toBe("No single room sleeps 9 guests (the largest sleep 5): book several rooms together, as proposed below.");
    const combos = page.getByTestId("combination");
    await combos.first().waitFor();
    const texts = await combos.locator(".rate-name").allTextContents();
    // The cheapest first: two family suites; then a suite and two doubles (three rooms).
    expect(texts[0]).toBe("2 rooms: Family Suite + Family Suite");
    expect(texts).toContain("3 rooms: Family Suite + Double Room + Double Room");
    const first = combos.first();
    await expect(first.locator(".combo-rooms li").allTextContents()).resolves.toEqual([
      "Room 1: Family Suite, 5 adults",
      "Room 2: Family Suite, 1 adult, 3 children (ages 4, 7, 9)",
    ]);
    await expect(first.textContent()).resolves.toContain("Sleeps up to 10 guests in all");
    const total = await groupTotal(arrival(), addDays(arrival(), 2), [[familyPlan, 5, 0], [familyPlan, 1, 3]]);
    await expect(first.locator(".price").textContent()).resolves.toBe(`${euros(total)} total`);
    // What each room sleeps is still said, and nothing says "Nothing is free".
    await expect(page.getByTestId("too-small").textContent()).resolves.toContain("Family Suite (Harbour View Hotel): at most 5 guests");
    expect(await page.locator("main").textContent()).not.toContain("Nothing is free");
    await shots(page, "01-combinations");
    await expectAccessible(page, "combinations");

    // The price: each room with its lines, and the total.
    await first.getByRole("link", { name: /^Select 2 rooms: Family Suite \+ Family Suite for / }).click();
    await page.waitForURL(/\/book\?.*rooms=/);
    const quote = page.getByTestId("group-quote");
    await quote.getByTestId("group-total").waitFor();
    await expect(quote.getByTestId("group-total").textContent()).resolves.toBe(`Total for 2 rooms, 2 nights ${euros(total)}`);
    await expect(quote.locator("details summary").allTextContents()).resolves.toEqual([
      expect.stringMatching(/^Room 1: Family Suite, 5 adults€/),
      expect.stringMatching(/^Room 2: Family Suite, 1 adult, 3 children \(ages 4, 7, 9\)€/),
    ]);
    await quote.locator("details summary").first().click();
    await expect(quote.locator("details").first().getByTestId("price-table").isVisible()).resolves.toBe(true);
    await shots(page, "02-price");
    await expectAccessible(page, "group price");

    // One hold of both rooms.
    await page.getByRole("button", { name: "Reserve these 2 rooms" }).click();
    await page.getByTestId("hold-countdown").waitFor();
    await expect(page.evaluate<string | undefined>("document.activeElement?.id")).resolves.toBe("details-heading");
    const held = await q<{ group_id: string; status: string; room_no: number }>(
      "select group_id, status, room_no from app_public.reservations where property_id = $1 and group_id is not null order by room_no", [hotel.propertyId]);
    expect(held.map((r) => [r.room_no, r.status])).toEqual([[1, "held"], [2, "held"]]);

    // Details, then a refresh: the hold and what was typed stay (never the card).
    await page.getByLabel("Full name").fill("Ada Smith");
    await page.getByLabel("Email address").fill("ada.smith@example.com");
    await page.getByLabel("Room 2 (Family Suite): guest's name").fill("Bob Smith");
    await page.reload();
    await page.getByTestId("hold-countdown").waitFor();
    await expect(page.getByLabel("Full name").inputValue()).resolves.toBe("Ada Smith");
    await expect(page.getByLabel("Room 2 (Family Suite): guest's name").inputValue()).resolves.toBe("Bob Smith");
    expect(await q("select 1 from app_public.reservations where property_id = $1 and group_id is not null", [hotel.propertyId])).toHaveLength(2);
    await shots(page, "03-details");
    await expectAccessible(page, "group details");
    const frame = cardFrame(page);
    await frame.getByLabel("Card number").fill("4242 4242 4242 4242");
    await frame.getByLabel("Expiry (MM/YY)").fill("12/30");
    await frame.getByLabel("CVC").fill("123");
    await expect(page.getByTestId("confirm-booking").textContent()).resolves.toBe(`Confirm and pay ${euros(total)}`);
    await page.getByTestId("confirm-booking").dblclick(); // a double click confirms once

    // One confirmation: the group code and both rooms, each paid in full by its rate plan.
    await page.waitForURL(/\/confirmation\?group=G-/);
    groupCode = (await page.getByTestId("group-code").textContent())!;
    expect(groupCode).toMatch(/^G-[A-Z0-9]{8}$/);
    await page.getByTestId("group-room-2").waitFor();
    await expect(page.getByTestId("group-room-2").textContent()).resolves.toContain("1 adult, 3 children · Bob Smith");
    await expect(page.getByTestId("group-room-1").textContent()).resolves.toContain("5 adults · Ada Smith");
    await expect(page.getByTestId("group-total").textContent()).resolves.toBe(euros(total));
    const rooms = await q<{ room_no: number; status: string; guest_name: string | null; total_amount: string; confirmation_code: string }>(
      "select room_no, status, guest_name, total_amount, confirmation_code from app_public.reservations r join app_public.booking_groups g on g.id = r.group_id where g.group_code = $1 order by room_no",
      [groupCode],
    );
    expect(rooms.map((r) => [r.room_no, r.status, r.guest_name])).toEqual([[1, "confirmed", null], [2, "confirmed", "Bob Smith"]]);
    for (const room of rooms) await expect(page.getByTestId(`group-room-${room.room_no}`).textContent()).resolves.toContain(room.confirmation_code);
    await waitUntil(async () => (await page.locator(".room-payments .payment-text").allTextContents()).filter((t) => t.startsWith("Paid")).length === 2, "both rooms paid", 30_000);
    const paid = await q<{ n: string }>(
      "select count(*) as n from app_public.payment_intents i join app_public.reservations r on r.id = i.reservation_id join app_public.booking_groups g on g.id = r.group_id where g.group_code = $1 and i.status = 'captured'",
      [groupCode],
    );
    expect(Number(paid[0]!.n)).toBe(2); // each room's own deposit (100 % on this plan), one charge each
    await shots(page, "04-confirmation");
    await expectAccessible(page, "group confirmation");
    expect(errors).toEqual([]);
    await ctx.close();
  }, 180_000);

  it("Manage: the group code and email open every room; every room moves to new dates with the price first (dates where a room cannot move are refused, naming it); one room is cancelled with its fee shown first, then all; another group's code with the wrong email finds nothing", async () => {
    expect(groupCode).not.toBe("");
    const ctx = await context({ viewport: phone });
    const { page, errors } = await openGuestApp(ctx, `${server.url}/manage`);
    await page.getByLabel("Confirmation code").fill(groupCode);
    await page.getByLabel("Email address").fill("eve@example.com");
    await page.getByRole("button", { name: "Find my booking" }).click();
    await page.locator("#lookup-error").filter({ hasText: "We could not find a booking with this code and email address." }).waitFor();
    await page.getByLabel("Email address").fill("ada.smith@example.com");
    await page.getByRole("button", { name: "Find my booking" }).click();
    await page.getByTestId("group-room-2").waitFor();
    await expect(page.getByTestId("group-rooms-count").textContent()).resolves.toBe("2 rooms");
    const total2nights = (await q<{ t: string }>(
      "select sum(r.total_amount)::text as t from app_public.reservations r join app_public.booking_groups g on g.id = r.group_id where g.group_code = $1", [groupCode]))[0]!.t;
    await expect(page.getByTestId("group-cancel-fee").textContent()).resolves.toBe(`Cancelling both rooms now costs ${euros(0)} in all.`);
    await shots(page, "05-manage");
    await expectAccessible(page, "group manage");

    // One room opened on its own (its payments, invoices and changes), then back to the group.
    const room1Code = (await page.getByTestId("group-room-1").locator(".code-inline").textContent())!;
    await page.getByRole("button", { name: "Payments and changes of room 1 (Family Suite)" }).click();
    await expect(page.locator("#booking-heading").textContent()).resolves.toBe(`Booking ${room1Code}`);
    await page.getByTestId("booking-status").waitFor();
    await expectAccessible(page, "a room of the group opened");
    await page.getByTestId("manage-done").click();
    await page.getByTestId("group-room-1").waitFor();

    // Dates where another guest has one of the two Family Suites: refused before anything moves, naming the room.
    await book(db.ownerPool, familyPlan, addDays(arrival(), 10), addDays(arrival(), 12));
    const change = page.getByTestId("group-change");
    await change.getByLabel("Arrival").fill(addDays(arrival(), 10));
    await change.getByLabel("Departure").fill(addDays(arrival(), 12));
    await change.getByTestId("group-check-price").click();
    await change.getByTestId("group-change-error").filter({ hasText: "Room 2 (Family Suite) cannot move: no room of its type is free for these dates, so no room has moved." }).waitFor();
    await expect(change.getByTestId("group-change-preview").count()).resolves.toBe(0);
    await expectAccessible(page, "group change of dates refused");

    // Every room a night longer: the new price of each and the difference first, then all of them move.
    await change.getByLabel("Arrival").fill(arrival());
    await change.getByLabel("Departure").fill(addDays(arrival(), 3));
    await change.getByTestId("group-check-price").click();
    const preview = change.getByTestId("group-change-preview");
    await preview.waitFor();
    const shownPrice = (await preview.locator("strong").first().textContent())!;
    expect(shownPrice).toMatch(new RegExp(`^New total €[0-9,.]+ \\(was ${euros(total2nights).replace(/[.$()]/g, "\\$&")}\\)\\.$`));
    await expect(preview.locator("li").count()).resolves.toBe(2);
    await shots(page, "05b-change-dates");
    await expectAccessible(page, "group change of dates");
    await page.setViewportSize(desktop);
    await expectAccessible(page, "group change of dates, desktop");
    await page.setViewportSize(phone);
    await preview.getByTestId("group-confirm-change").click();
    await page.getByRole("status").filter({ hasText: /^Every room now runs / }).waitFor();
    const stays = await q<{ d: string; total_amount: string }>(
      "select upper(r.stay)::text as d, r.total_amount from app_public.reservations r join app_public.booking_groups g on g.id = r.group_id where g.group_code = $1 order by room_no", [groupCode]);
    expect(stays.map((r) => r.d)).toEqual([addDays(arrival(), 3), addDays(arrival(), 3)]);
    // What the guest was shown is what the rooms now cost.
    expect(shownPrice.startsWith(`New total ${euros(stays.reduce((n, r) => n + Number(r.total_amount), 0))} `)).toBe(true);
    // The guest is told once, for the group (queued with the change, with room 1).
    const told = (template: string) => q<{ room_no: number; channel: string }>(
      `select r.room_no, n.channel from app_public.notifications n join app_public.reservations r on r.property_id = n.property_id and r.id = n.reservation_id
        join app_public.booking_groups g on g.id = r.group_id where g.group_code = $1 and n.template = $2 order by n.created_at, n.channel`, [groupCode, template]);
    await expect(told("modification")).resolves.toEqual([{ room_no: 1, channel: "email" }]);

    // Room 2 alone: the fee first, in a dialog; the other room stays booked.
    await page.getByRole("button", { name: "Cancel room 2…" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByTestId("dialog-fee").textContent()).resolves.toBe(`Cancellation fees in all: ${euros(0)}`);
    await expectAccessible(page, "cancel room dialog");
    await dialog.getByTestId("confirm-cancel").click();
    await page.getByRole("status").filter({ hasText: "Room 2 is cancelled. Cancellation fee: €0.00. The other rooms stay booked." }).waitFor();
    await waitUntil(async () => (await page.getByTestId("group-room-2").getAttribute("data-status")) === "cancelled", "room 2 cancelled");
    await expect(page.getByTestId("group-room-1").getAttribute("data-status")).resolves.toBe("confirmed");
    await expect(page.getByTestId("group-cancel-fee").textContent()).resolves.toBe(`Cancelling the last room now costs ${euros(0)} in all.`);

    // Then all that is left.
    await page.getByRole("button", { name: "Cancel all rooms…" }).click();
    await expectAccessible(page, "cancel all dialog");
    await page.getByRole("dialog").getByTestId("confirm-cancel").click();
    await waitUntil(async () => (await page.getByTestId("group-room-1").getAttribute("data-status")) === "cancelled", "room 1 cancelled");
    await expect(page.getByText("No room of this booking can be cancelled any more.").isVisible()).resolves.toBe(true);
    // Room 2's own cancellation email, then the group's one (with room 1, the room it cancelled); no phone, no SMS.
    await expect(told("cancellation")).resolves.toEqual([{ room_no: 2, channel: "email" }, { room_no: 1, channel: "email" }]);
    const statuses = await q<{ status: string }>(
      "select r.status from app_public.reservations r join app_public.booking_groups g on g.id = r.group_id where g.group_code = $1 order by room_no", [groupCode]);
    expect(statuses.map((s) => s.status)).toEqual(["cancelled", "cancelled"]);
    await shots(page, "06-cancelled");
    await expectAccessible(page, "group cancelled");
    expect(errors).toEqual([]);
    await ctx.close();
  }, 120_000);
});

it("by keyboard alone on a 390 px phone, in Portuguese: rooms chosen one by one, priced, held and booked", async () => {
  const arrival = localDate(hotel.timeZone, 40);
  const ctx = await context({ viewport: phone, locale: "pt-PT" });
  const { page, errors } = await openGuestApp(ctx, searchUrl(arrival, 3, 3, 0));
  await page.locator(".results[data-state=done]").waitFor();
  await tabToText(page, "Precisa de vários quartos em Harbour View Hotel? Escolha-os juntos");
  await page.keyboard.press("Enter");
  await page.locator("#room-1-plan").waitFor();
  // Room 1: a double for two.
  await tabTo(page, "room-1-plan");
  await expect(page.locator("#room-1-plan").inputValue()).resolves.toBe(hotel.ratePlanId);
  await tabTo(page, "room-1-adults");
  await expect(page.locator("#room-1-adults").inputValue()).resolves.toBe("2");
  // Add a room: the focus goes to its room type; a family suite for one adult and one child.
  await tabToText(page, "Adicionar um quarto");
  await page.keyboard.press("Enter");
  await waitUntil(async () => (await page.evaluate<string | undefined>("document.activeElement?.id")) === "room-2-plan", "room 2's room type focused");
  await page.keyboard.press("ArrowDown"); // Double → Family Suite
  await expect(page.locator("#room-2-plan").inputValue()).resolves.toBe(familyPlan);
  await page.keyboard.press("Tab"); // adults (2 by default)
  await page.keyboard.press("ArrowUp"); // 2 → 1
  await page.keyboard.press("Tab");
  await page.keyboard.press("ArrowDown"); // 0 → 1 child
  await page.keyboard.press("Tab"); // the child's age (issue 22)
  await expect(page.evaluate<string | undefined>("document.activeElement?.id")).resolves.toBe("room-2-age-0");
  for (let i = 0; i < 7; i++) await page.keyboard.press("ArrowDown"); // Idade? → 6 anos
  await expect(page.locator("#room-2-age-0").inputValue()).resolves.toBe("6");
  await tabToText(page, "Ver o preço");
  await page.keyboard.press("Enter");
  await page.waitForURL(/rooms=/);
  const quote = page.getByTestId("group-quote");
  await quote.getByTestId("group-total").waitFor();
  const total = await groupTotal(arrival, addDays(arrival, 3), [[hotel.ratePlanId, 2, 0], [familyPlan, 1, 1]]);
  await expect(quote.getByTestId("group-total").textContent()).resolves.toBe(`Total de 2 quartos, 3 noites ${euros(total, "pt-PT")}`);
  await expectAccessible(page, "group price, Portuguese");
  await tabToText(page, "Reservar estes 2 quartos");
  await page.keyboard.press("Enter");
  await page.getByTestId("hold-countdown").waitFor();
  await expect(page.evaluate<string | undefined>("document.activeElement?.id")).resolves.toBe("details-heading");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Inês Costa");
  await page.keyboard.press("Tab");
  await page.keyboard.type("ines@example.com");
  await tabTo(page, "guest-1");
  await page.keyboard.type("Inês Costa");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Rui Costa");
  await expectAccessible(page, "group details, Portuguese");
  // Into the provider's card form by Tab, and Enter there confirms.
  await page.keyboard.press("Tab");
  await waitUntil(async () => (await cardFrame(page).evaluate<string | undefined>("document.activeElement?.id")) === "number", "the card number focused");
  await page.keyboard.type("4242424242424242");
  await page.keyboard.press("Tab");
  await page.keyboard.type("1230");
  await page.keyboard.press("Tab");
  await page.keyboard.type("123");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/confirmation\?group=G-/);
  await page.getByTestId("group-room-2").waitFor();
  await expect(page.locator("h1").textContent()).resolves.toBe("Reserva confirmada");
  await expect(page.getByTestId("group-room-2").textContent()).resolves.toContain("1 adulto, 1 criança · Rui Costa");
  await screenshot(page, "web-group-07-confirmation-pt-phone");
  await expectAccessible(page, "group confirmation, Portuguese");
  expect(errors).toEqual([]);
  await ctx.close();
}, 180_000);

it("a room sold out meanwhile is named and nothing is held; a forged rooms= link is ignored", async () => {
  const arrival = localDate(hotel.timeZone, 50);
  const ctx = await context();
  // Two family suites chosen, then one is booked by someone else before the guest reserves.
  const url = `${server.url}/book?property=${hotel.propertyId}&arrival=${arrival}&departure=${addDays(arrival, 2)}&rooms=${hotel.ratePlanId}.2.0,${familyPlan}.4.0,${familyPlan}.3.0`;
  const { page, errors } = await openGuestApp(ctx, url);
  await page.getByTestId("group-quote").getByTestId("group-total").waitFor();
  // Another guest holds one of the two family suites meanwhile.
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
    await hold(c, (await quote(c, familyPlan, arrival, addDays(arrival, 2), 2, 0)).quote_token);
  });
  await page.getByRole("button", { name: "Reserve these 3 rooms" }).click();
  const problem = page.getByTestId("group-problem");
  await problem.waitFor();
  await expect(problem.textContent()).resolves.toBe(
    "Room 3 (Family Suite) cannot be booked: not enough rooms of this type are free for these dates. Nothing was held or charged. Choose another room type or fewer rooms.",
  );
  expect(await q("select 1 from app_public.reservations where property_id = $1 and group_id is not null and lower(stay) = $2", [hotel.propertyId, arrival])).toHaveLength(0);
  // That price no longer holds: no "Reserve" until the rooms are priced again.
  await expect(page.getByRole("button", { name: /^Reserve/ }).count()).resolves.toBe(0);
  await expect(page.getByRole("button", { name: "Show the price" }).isVisible()).resolves.toBe(true);
  await shots(page, "08-sold-out");
  await expectAccessible(page, "group sold out");

  // A forged link: markup and nonsense as rooms are dropped, never sent or shown.
  await page.goto(`${server.url}/book?property=${hotel.propertyId}&arrival=${arrival}&departure=${addDays(arrival, 2)}&rooms=%3Cimg%20src%3Dx%3E.1.0,${hotel.ratePlanId}.99.0`);
  await page.locator("#room-1-plan").waitFor();
  await expect(page.getByTestId("group-quote").count()).resolves.toBe(0);
  await expect(page.locator("img[src=x]").count()).resolves.toBe(0);
  // Another hotel's rate under this hotel's name: nothing to book.
  const other = await createHotel(db.ownerPool);
  await page.goto(`${server.url}/book?property=${hotel.propertyId}&arrival=${arrival}&departure=${addDays(arrival, 2)}&rooms=${other.ratePlanId}.2.0`);
  await page.locator("h1", { hasText: "This stay is not available" }).waitFor();
  await expect(page.getByRole("button", { name: /^Reserve/ }).count()).resolves.toBe(0);
  expect(errors).toEqual([]);
  await ctx.close();
}, 120_000);
