// Issue 22: guest accounts in the guest app, in headless Chromium against a
// real Keepr. The guest asks for a sign-in link, reads it from the dev outbox
// (the worker's email job, run as npm start would), opens it: signed in, the
// link's secret gone from the address. They attach a booking made without
// an account (code + email), see it under upcoming stays and open it in
// Manage; save their details, which the booking form then fills in (and
// the hold made while signed in is the account's); sign out. The same link again, or a forged
// one, is refused with a way to ask for a new one. On a desktop by mouse and
// on a 390 px phone by keyboard; axe on every state;
// docs/screenshots/web-account-*.png.
import { readdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { endBrowserTest } from "../helpers/browser.ts";
import { addDays, createHotel, hold, localDate, moveStayBack, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { actAs, inCommit, type TestDatabase } from "../helpers/db.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { readableEmail, signInLinkOf } from "../helpers/mail.ts";
import type { TestServer } from "../helpers/server.ts";
import { desktop, expectAccessible, openGuestApp, phone, screenshot, startGuestAppTest, tabTo, tabToText } from "../helpers/web-app.ts";

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let hotel: Hotel;
let outbox: string;

/** A booking made at the desk, without any account. */
async function book(email: string, offset: number) {
  return inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
    const arrival = localDate(hotel.timeZone, offset);
    const held = await hold(c, (await quote(c, hotel.ratePlanId, arrival, addDays(arrival, 2))).quote_token);
    const { rows } = await c.query("select * from app_public.confirm_booking($1, $2, 'Ada Lovelace', $3, null)", [held.reservation_id, newKey(), email]);
    return { id: rows[0].reservation_id as string, code: rows[0].confirmation_code as string };
  });
}

/** The newest sign-in link emailed to this address, once the email jobs have run. */
async function emailedLink(email: string): Promise<string> {
  await runDueJobs(db, { OUTBOX_DIR: outbox, PUBLIC_URL: server.url });
  const links = readdirSync(outbox)
    .filter((f) => f.startsWith("guest-sign-in-") && f.endsWith(".eml"))
    .map((f) => readableEmail(path.join(outbox, f)))
    .filter((text) => text.includes(`To: ${email}`))
    .map(signInLinkOf);
  expect(links).toHaveLength(1);
  return links[0]!;
}

const heading = (page: Page) => page.locator("#page-heading").textContent();

beforeAll(async () => {
  ({ db, server, browser } = await startGuestAppTest());
  hotel = await createHotel(db.ownerPool, { units: 4 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel', city = 'Lisbon' where id = $1", [hotel.propertyId]);
  await db.ownerPool.query("update app_public.room_types set name = 'Double Room' where id = $1", [hotel.roomTypeId]);
  outbox = newOutbox();
}, 240_000);

afterAll(() => endBrowserTest({ browser, server, db }));

it("on a desktop: sign in by the emailed link, attach a booking, open it in Manage, save details, sign out; the link works once", async () => {
  const booking = await book("ada.account@example.com", 15);
  const ctx = await browser.newContext({ viewport: desktop, deviceScaleFactor: 1, locale: "en-GB", timezoneId: "Europe/Lisbon" });
  const { page, errors } = await openGuestApp(ctx, `${server.url}/`);
  await page.getByRole("link", { name: "Your account" }).click();
  await expect(heading(page)).resolves.toBe("Sign in");
  await expectAccessible(page, "account: sign in");
  await page.locator("#signin-email").fill("ada.account@example.com");
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await page.locator("#signin-sent").waitFor();
  await expect(page.getByRole("status").filter({ hasText: "We have sent a sign-in link to ada.account@example.com" }).count()).resolves.toBe(1);
  await expectAccessible(page, "account: check your email");
  await screenshot(page, "web-account-check-email-desktop");

  const link = await emailedLink("ada.account@example.com");
  await page.goto(link);
  await page.locator(".account-bar").getByText("Signed in as ada.account@example.com").waitFor();
  expect(new URL(page.url()).hash).toBe("");
  await expect(heading(page)).resolves.toBe("Your account");
  await page.getByText("No upcoming stays.").waitFor();
  await expectAccessible(page, "account: no bookings yet");

  // A wrong email first: the same answer as a wrong code.
  await page.locator("#attach-code").fill(booking.code);
  await page.locator("#attach-email").fill("eve@example.com");
  await page.getByRole("button", { name: "Add booking" }).click();
  await page.locator("#attach-error").getByText("No booking of yours matches this code and email address.").waitFor();
  await expectAccessible(page, "account: attach refused");
  await page.locator("#attach-email").fill("ada.account@example.com");
  await page.getByRole("button", { name: "Add booking" }).click();
  await page.getByText(`Booking ${booking.code} is now in your account.`).waitFor();
  const item = page.locator("#upcoming-heading + ul li");
  await expect(item.count()).resolves.toBe(1);
  await expect(item.locator("h3").textContent()).resolves.toBe("Harbour View Hotel, Lisbon");

  await page.locator("#account-fullName").fill("Ada Lovelace");
  await page.locator("#account-country").fill("zz");
  await page.getByRole("button", { name: "Save details" }).click();
  await page.locator("#details-error").getByText("Enter a two-letter country code").waitFor();
  await expect(page.locator("#account-country").getAttribute("aria-invalid")).resolves.toBe("true");
  await page.locator("#account-country").fill("gb");
  await page.getByRole("button", { name: "Save details" }).click();
  await page.getByText("Details saved.").waitFor();
  await expectAccessible(page, "account: bookings and details");
  await screenshot(page, "web-account-desktop");

  await item.getByRole("button", { name: `Manage booking ${booking.code}` }).click();
  await page.getByTestId("booking-status").waitFor();
  expect(new URL(page.url()).pathname).toBe("/manage");
  await expectAccessible(page, "account: manage an attached booking");

  // Booking while signed in: the details step is filled in from the account, and the hold is the account's.
  const arrival = localDate(hotel.timeZone, 25);
  await page.goto(`${server.url}/book?plan=${hotel.ratePlanId}&arrival=${arrival}&departure=${addDays(arrival, 2)}&adults=2`);
  await page.getByRole("button", { name: "Reserve this room" }).click();
  await page.getByTestId("hold-countdown").waitFor();
  await page.getByText("Filled in from your account.").waitFor();
  await expect(page.locator("#fullName").inputValue()).resolves.toBe("Ada Lovelace");
  await expect(page.locator("#email").inputValue()).resolves.toBe("ada.account@example.com");
  await expectAccessible(page, "account: the booking form filled in");
  const held = await db.ownerPool.query<{ email: string }>(
    `select a.email::text from app_public.reservations r join app_public.guest_accounts a on a.id = r.guest_account_id
      where r.status = 'held' and lower(r.stay) = $1::date`, [arrival],
  );
  expect(held.rows).toEqual([{ email: "ada.account@example.com" }]);

  // Signed in across pages (and tabs: localStorage) until signing out.
  await page.goto(`${server.url}/`);
  await page.locator("body[data-app-ready=true]").waitFor();
  await page.getByRole("link", { name: "Your account" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.locator("#signin-email").waitFor();
  await page.getByText("You are signed out.").waitFor();
  expect(await db.ownerPool.query("select 1 from app_private.guest_sessions where revoked_at is null").then((r) => r.rowCount)).toBe(0);

  // The link again: used. A forged one: the same words.
  for (const [label, url] of [["used", link], ["forged", `${server.url}/account#token=${"A".repeat(43)}`]] as const) {
    await page.goto(url);
    await page.getByText("This sign-in link does not work any more").waitFor();
    await page.locator("#signin-email").waitFor();
    await expect(page.getByText("You are signed out.").count()).resolves.toBe(0);
    expect(new URL(page.url()).hash).toBe("");
    if (label === "used") {
      await expectAccessible(page, "account: a used link");
      await screenshot(page, "web-account-link-used");
    }
  }
  expect(errors).toEqual([]);
  await ctx.close();
}, 180_000);

it("on a phone, by keyboard alone, in Portuguese: sign in by the link, see upcoming and past stays, open Manage", async () => {
  const upcoming = await book("rui.conta@example.com", 30);
  const earlier = await book("rui.conta@example.com", 40);
  const ctx = await browser.newContext({ viewport: phone, deviceScaleFactor: 1, locale: "pt-PT", timezoneId: "Europe/Lisbon" });
  const { page, errors } = await openGuestApp(ctx, `${server.url}/account`);
  await expect(heading(page)).resolves.toBe("Entrar");
  await tabTo(page, "signin-email");
  await page.keyboard.type("rui.conta@example.com");
  await page.keyboard.press("Enter");
  await page.locator("#signin-sent").waitFor();
  await expectAccessible(page, "account phone: check your email");
  await screenshot(page, "web-account-check-email-phone");

  const link = await emailedLink("rui.conta@example.com");
  await page.goto(link);
  await page.locator(".account-bar").getByText("Sessão iniciada como rui.conta@example.com").waitFor();
  // Attach both by keyboard; then make one of them a past stay (as if time had passed).
  for (const b of [upcoming, earlier]) {
    await tabTo(page, "attach-code");
    await page.keyboard.type(b.code);
    await page.keyboard.press("Tab");
    await page.keyboard.type("rui.conta@example.com");
    await page.keyboard.press("Enter");
    await page.getByText(`A reserva ${b.code} está agora na sua conta.`).waitFor();
  }
  await moveStayBack(db.ownerPool, earlier.id, 60);
  await page.reload();
  await page.locator("#past-heading + ul li").waitFor();
  await expect(page.locator("#upcoming-heading + ul li").count()).resolves.toBe(1);
  await expect(page.locator("#past-heading + ul li").count()).resolves.toBe(1);
  await expectAccessible(page, "account phone: upcoming and past");
  await screenshot(page, "web-account-phone");

  await tabToText(page, `Gerir reserva ${upcoming.code}`);
  await page.keyboard.press("Enter");
  await page.getByTestId("booking-status").waitFor();
  await expectAccessible(page, "account phone: manage");
  expect(errors).toEqual([]);
  await ctx.close();
}, 180_000);
