// Issue 22: every guest email Keepr writes, in every guest language, opened in
// headless Chromium as a mail client would show it: on a phone
// (390 px) nothing scrolls sideways, the links are the manage page, the
// hotel's phone and email, and axe finds no WCAG A/AA violation; the
// confirmation in English, Portuguese and Spanish is photographed on a
// desktop and a phone (docs/screenshots/email-confirmation-*.png). What the
// HTML uses is linted against the clients' support in
// tests/worker/email_lint.test.ts.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { guestLanguageCodes } from "../../shared/guest-languages.ts";
import { render, type NotificationContext } from "../../worker/notifications/render.ts";
import { kinds } from "../../worker/notifications/templates.ts";
import { expectAccessible, launchBrowser, sidewaysOverflow } from "../helpers/browser.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");
const desktop = { width: 1024, height: 800 };
const phone = { width: 390, height: 844 };

let browser: Browser;
let contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  browser = await launchBrowser();
  // (Scripts on: axe runs in the page. The messages have none: checked below.)
  contexts = await Promise.all([desktop, phone].map((viewport) => browser.newContext({ viewport, deviceScaleFactor: 1 })));
}, 60_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
});

const names: Record<string, { guest: string; room: string; plan: string; instructions: string }> = {
  en: { guest: "Ada Lovelace", room: "Double Room", plan: "Flexible", instructions: "The door code comes by SMS on the day.\nThe lift is on the left." },
  pt: { guest: "Inês Pereira", room: "Quarto Duplo", plan: "Flexível", instructions: "O código da porta chega por SMS no dia.\nO elevador fica à esquerda." },
  es: { guest: "Lucía Pérez", room: "Habitación Doble", plan: "Flexible", instructions: "El código de la puerta llega por SMS el mismo día.\nEl ascensor está a la izquierda." },
};

const context = (language: string): NotificationContext => ({
  language,
  code: "K7Q2M9XH",
  guest: { name: names[language]!.guest, email: "guest@example.com" },
  property: {
    name: "Harbour View Hotel", city: "Lisboa", address: "Rua do Cais 12, 1100-001 Lisboa", currency: "EUR", time_zone: "Europe/Lisbon", check_out_time: "11:00",
    contact_email: "desk@harbour.example", contact_phone: "+351 21 000 0000", arrival_instructions: names[language]!.instructions,
  },
  stay: { arrival: "2027-05-14", departure: "2027-05-17", nights: 3, adults: 2, children: 1 },
  room_type: names[language]!.room,
  rate_plan: names[language]!.plan,
  check_in_time: "15:00",
  cancellation_terms: "",
  free_cancellation_until: "2027-05-12T14:00:00+00:00",
  late_cancellation_penalty: 12000,
  total: 37200,
  penalty: 0,
  refund: 11160,
  balance: 26040,
  payment: { amount: 11160, reason: "The card was declined." },
  payment_due_by: "2027-05-01T10:00:00Z",
  manage_url: "https://book.harbour.example/manage?code=K7Q2M9XH",
});

describe.each(guestLanguageCodes)("%s", (language) => {
  it.each(kinds)("%s: fits a phone, its links, no axe violation", async (kind) => {
    const html = render(kind, "email", context(language)).html!;
    expect(html).not.toMatch(/<script|<style|<link|\son\w+=/i);
    const page = await contexts[1]!.newPage();
    await page.setContent(html);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    const links = await page.evaluate<string[]>(`[...document.querySelectorAll("a")].map((a) => a.getAttribute("href"))`);
    expect(links).toEqual(expect.arrayContaining(["tel:+351210000000", "mailto:desk@harbour.example"]));
    expect(await page.evaluate<string>("document.documentElement.lang")).toBe(language);
    await expectAccessible(page, `${kind} (${language})`);
    if (kind === "confirmation") {
      for (const [i, suffix] of [[0, "desktop"], [1, "phone"]] as const) {
        const shot = i === 1 ? page : await contexts[0]!.newPage();
        if (i === 0) await shot.setContent(html);
        await shot.screenshot({ path: path.join(screenshots, `email-confirmation-${language}-${suffix}.png`), fullPage: true });
        if (i === 0) await shot.close();
      }
    }
    await page.close();
  }, 30_000);
});
