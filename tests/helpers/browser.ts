// Headless Chromium for browser tests: Debian's `chromium` (CHROMIUM_PATH
// to use another), driven by playwright-core (which downloads no browser).
// As root, Chromium's sandbox cannot start, hence --no-sandbox there only.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { waitUntil } from "./wait.ts";
export { waitForValue, waitUntil } from "./wait.ts";
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Frame, type Page } from "playwright-core";

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`No Chromium at ${chromiumPath}: install Debian's chromium (apt-get install chromium, as .ci/run does) or set CHROMIUM_PATH.`);
  }
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      ...(isRoot ? ["--no-sandbox"] : []),
      // Containers often have a small /dev/shm; Chromium then crashes tabs.
      "--disable-dev-shm-usage",
      "--disable-gpu",
    ],
  });
}

/**
 * Collects what a page logs as errors (console.error, uncaught exceptions,
 * failed requests other than those expected), so a test can assert that a
 * screen rendered without any.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error: Error) => errors.push(`page: ${error.message}`));
  return errors;
}

export type Device = "desktop" | "phone";

/**
 * A browser context as staff or a guest would have it: a 1,366 px desktop,
 * or a 390 px touch phone; en-GB, UTC. Given `track`, the context is added
 * to it, for endBrowserTest to close.
 */
export async function newContext(
  browser: Browser,
  options: {
    device?: Device;
    /** Only where a test is about a given width; otherwise the device's. */
    viewport?: { width: number; height: number };
    storageState?: Awaited<ReturnType<BrowserContext["storageState"]>>;
    acceptDownloads?: boolean;
    track?: BrowserContext[];
  } = {},
): Promise<BrowserContext> {
  const device = options.device === "phone"
    ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
    : { viewport: { width: 1366, height: 860 }, deviceScaleFactor: 1 };
  const context = await browser.newContext({
    ...device,
    ...(options.viewport ? { viewport: options.viewport } : {}),
    locale: "en-GB",
    timezoneId: "UTC",
    ...(options.storageState ? { storageState: options.storageState } : {}),
    ...(options.acceptDownloads ? { acceptDownloads: true } : {}),
  });
  options.track?.push(context);
  return context;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: number;
  target: string;
  /** The first node's markup (up to 200 characters), to find it in the source. */
  html: string;
  summary: string;
}

/**
 * WCAG 2 A and AA violations on the page (or a frame of it), per axe-core;
 * `tags` for other rule sets (e.g. "wcag21aa", "wcag22aa"). axe is
 * evaluated through the DevTools protocol, so the page's own
 * Content-Security-Policy stays in force while it runs.
 */
export async function axeViolations(page: Page | Frame, tags: string[] = ["wcag2a", "wcag2aa"]): Promise<AxeViolation[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(source);
  return page.evaluate(async (tags) => {
    // In the page (the root tsconfig has no DOM types).
    const page = globalThis as unknown as {
      document: unknown;
      axe: { run(context: unknown, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[]; html: string; failureSummary?: string }> }> }> };
    };
    const result = await page.axe.run(page.document, { runOnly: tags });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.length,
      target: v.nodes[0]?.target.join(" ") ?? "",
      html: (v.nodes[0]?.html ?? "").slice(0, 200),
      summary: (v.nodes[0]?.failureSummary ?? "").split("\n").slice(0, 2).join(" "),
    }));
  }, tags);
}


/**
 * Waits until nothing has been loading (no indeterminate MUI progress
 * indicator on the page) for quietMs. A determinate one (a hold's countdown)
 * is not loading.
 */
export async function untilQuiet(page: Page | Frame, quietMs = 500): Promise<void> {
  const busy = () => page.locator(".MuiLinearProgress-indeterminate, .MuiLinearProgress-query, .MuiCircularProgress-indeterminate").count();
  let quietSince = Date.now();
  await waitUntil(async () => {
    if ((await busy()) > 0) quietSince = Date.now();
    return Date.now() - quietSince >= quietMs;
  }, "the page to finish loading");
}

/** WCAG 2.2 A and AA, the level every screen of Keepr (guest app and console) is held to. */
export const wcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/**
 * axe finds nothing at WCAG 2.2 AA on the page (or a frame of it) once it
 * has settled: nothing loading for 400 ms and no animation running (a
 * dialog and its backdrop fading in), so axe judges what the user sees.
 * label names the state in a failure. The animations are read through a
 * function, not a string: the console's CSP (script-src 'self') forbids the
 * eval a string predicate needs.
 */
export async function expectAccessible(page: Page | Frame, label = "the page"): Promise<void> {
  await untilQuiet(page, 400);
  await page.waitForFunction(() =>
    (globalThis as unknown as { document: { getAnimations(): Array<{ playState: string }> } }).document.getAnimations().every((a) => a.playState !== "running"),
  );
  const violations = await axeViolations(page, wcagTags);
  expect({ label, violations }).toEqual({ label, violations: [] });
}

/**
 * Ends what a browser test started, each part that was started, in this
 * order: its browser contexts (one that is already closed is no error), the
 * browser, the worker, the server, the database.
 */
export async function endBrowserTest(parts: {
  contexts?: BrowserContext[];
  browser?: Browser;
  worker?: { stop(): Promise<unknown> };
  server?: { close(): Promise<unknown> };
  db?: { drop(): Promise<unknown> };
}): Promise<void> {
  for (const context of parts.contexts ?? []) await context.close().catch(() => undefined);
  await parts.browser?.close();
  await parts.worker?.stop();
  await parts.server?.close();
  await parts.db?.drop();
}


/** How far the page scrolls sideways (0: it fits its viewport), for the phone checks of browser tests. */
export const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return Math.max(0, root.scrollWidth - root.clientWidth);
  });
