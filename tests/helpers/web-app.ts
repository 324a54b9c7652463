// What the guest app's browser tests (tests/e2e/web-*.test.ts) share: the
// set-up (the app built, a fresh database, a Keepr serving both, a browser),
// the two screen sizes, opening a page of the app, axe at WCAG 2.2 AA, and
// a screenshot in docs/screenshots/ of a page that does not scroll sideways.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Frame, Page } from "playwright-core";
import { runAppBuildProcess } from "../../server/app-build.ts";
import { collectPageErrors, launchBrowser } from "./browser.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";
import { startTestServer, type TestServer } from "./server.ts";

export const desktop = { width: 1366, height: 860 };
export const phone = { width: 390, height: 844 };

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

/**
 * The guest app built (as npm start builds it, when web/dist is not
 * current), a fresh migrated database, a Keepr on it with these settings,
 * and a browser. End them with endBrowserTest (browser.ts).
 */
export async function startGuestAppTest(env: Record<string, string> = {}): Promise<{ db: TestDatabase; server: TestServer; browser: Browser }> {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("web").report;
  const db = await createTestDatabase();
  const server = await startTestServer(db, env);
  const browser = await launchBrowser();
  return { db, server, browser };
}

/**
 * A new page of ctx at url, once the guest app says it is ready; errors
 * collects what the page throws or logs as an error. prepare runs on the
 * page before it loads (to listen to its requests, say).
 */
export async function openGuestApp(ctx: BrowserContext, url: string, prepare?: (page: Page) => void): Promise<{ page: Page; errors: string[] }> {
  const page = await ctx.newPage();
  const errors = collectPageErrors(page);
  prepare?.(page);
  await page.goto(url);
  await page.locator("body[data-app-ready=true]").waitFor();
  return { page, errors };
}

/** axe at WCAG 2.2 AA, as every browser test checks it. */
export { expectAccessible } from "./browser.ts";

/**
 * docs/screenshots/<name>.png of the page once it has painted (the whole
 * page, or the viewport with fullPage false), and the page does not scroll
 * sideways.
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  for (const frame of page.frames()) await frame.evaluate("new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))").catch(() => {});
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: options.fullPage ?? true, animations: "disabled" });
  expect(await page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth")).toBeLessThanOrEqual(0);
}

/** Tab (forward) until the focus is on the element with this id: the keyboard's way there. */
export async function tabTo(page: Page, id: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if ((await page.evaluate<string | undefined>("document.activeElement?.id")) === id) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`#${id} not reached by Tab`);
}

/** Tab until the focused element's text is this. */
export async function tabToText(page: Page, text: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if ((await page.evaluate<string | undefined>("document.activeElement?.textContent?.trim()")) === text) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`"${text}" not reached by Tab`);
}

/** The payment provider's hosted card form, a frame of the page. */
export function cardFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().includes("/simulated-provider/card-form"));
  if (!frame) throw new Error("no card form frame");
  return frame;
}
