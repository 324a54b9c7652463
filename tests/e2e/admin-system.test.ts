// The console's System page in headless Chromium, against a real Keepr
// server with its realtime service and a worker in this process (as npm
// start runs them): guests searched, quoted and booked through the API,
// their cards captured by the worker through the simulated provider; then
// the provider fails every call and one capture keeps failing, and a
// channel feed answers 503. The owner opens System from the menu on a
// desktop and on a phone: the SLOs with their figures, latency per
// operation, the queue, the failing capture with its error, the failing
// feed, realtime. The front desk has no menu entry, gets the page's notice,
// and the endpoint refuses its token. Screenshots in
// docs/screenshots/admin-system-*.png; axe-core on every screen.
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { loadConfig } from "../../core/config.ts";
import { paymentSecretsOf } from "../../payments/secrets.ts";
import { createToken } from "../../payments/simulated/client.ts";
import { runAppBuildProcess } from "../../server/app-build.ts";
import type { Worker } from "../../worker/runner.ts";
import { endBrowserTest, expectAccessible, launchBrowser, newContext, waitForValue } from "../helpers/browser.ts";
import { signInToConsole, withPassword } from "../helpers/console.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { newOutbox, startTestWorker } from "../helpers/jobs.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const screenshots = path.resolve(import.meta.dirname, "../../docs/screenshots");

let db: TestDatabase;
let server: TestServer;
let worker: Worker;
let browser: Browser;
let feeds: Server;
let h: Hotel;
const contexts: BrowserContext[] = [];
const email: Record<string, string> = {};

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(screenshots, `admin-system-${name}.png`), animations: "disabled", fullPage: true });

async function gql<T = any>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const res = await server.graphql(query, variables, token ? { token } : {});
  if (res.body.errors) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(res.body.errors)}`);
  return res.body.data as T;
}

const login = async (user: string) =>
  (await gql<{ login: { result: string } }>("mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }", { e: user, p: fixturePassword })).login.result;

/** The simulated provider's failure rates (its test API). */
async function providerFails(rates: { transientRate: number }) {
  const { apiKey } = paymentSecretsOf(loadConfig({ NODE_ENV: "test" }), db.jwtSecret);
  const response = await fetch(`${server.url}/simulated-provider/v1/_failures`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ timeoutRate: 0, declineRate: 0, webhookFailureRate: 0, webhookDuplicateRate: 0, ...rates }),
  });
  expect(response.status).toBe(200);
}

/** A guest's booking through the API (quote, hold, confirm), paid by card by the desk; the capture job's attempt id. */
async function guestBooksAndPays(offset: number, deskToken: string, beforePay?: () => Promise<void>): Promise<string> {
  const arrival = localDate(h.timeZone, offset);
  const q = await gql("query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d, adults: 2) { quoteToken } }", {
    p: h.ratePlanId, a: arrival, d: addDays(arrival, 1),
  });
  const held = await gql("mutation($q: String!, $k: String!) { createHold(input: {quoteToken: $q, idempotencyKey: $k}) { result { reservationId holdToken } } }", { q: q.quote.quoteToken, k: newKey() });
  const { reservationId, holdToken } = held.createHold.result;
  await gql(
    "mutation($id: UUID!, $k: String!, $t: String) { confirmBooking(input: {reservationId: $id, idempotencyKey: $k, fullName: \"Ada Lovelace\", email: \"ada@example.com\", holdToken: $t}) { result { status } } }",
    { id: reservationId, k: newKey(), t: holdToken },
  );
  const intents = await gql("query($r: UUID!) { allPaymentIntents(condition: {reservationId: $r}) { nodes { rowId } } }", { r: reservationId }, deskToken);
  const card = await createToken(`${server.url}/simulated-provider`, { number: "4242424242424242", exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: "123" });
  await beforePay?.();
  const paid = await gql(
    "mutation($i: UUID!, $t: String!, $k: String!) { pay(input: {intentId: $i, paymentToken: $t, idempotencyKey: $k}) { result { rowId } } }",
    { i: intents.allPaymentIntents.nodes[0].rowId, t: card.id, k: newKey() },
    deskToken,
  );
  return paid.pay.result.rowId;
}

const attemptStatus = async (id: string) => (await db.ownerPool.query<{ status: string }>("select status::text from app_public.payment_attempts where id = $1", [id])).rows[0]!.status;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await runAppBuildProcess("admin").report;
  db = await createTestDatabase();
  server = await startTestServer(db, {}, { realtime: true });
  worker = await startTestWorker(db, server.url, newOutbox());
  h = await createHotel(db.ownerPool, { units: 6 });
  await db.ownerPool.query("update app_public.properties set name = 'Harbour View Hotel' where id = $1", [h.propertyId]);
  await db.ownerPool.query("update app_public.rate_plans set deposit_percent = 100 where id = $1", [h.ratePlanId]);
  const owner = (await db.ownerPool.query<{ id: string }>("insert into app_public.users (email, display_name) values ('olivia.system@test.example', 'Olivia Owner') returning id")).rows[0]!.id;
  await db.ownerPool.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'owner')", [h.propertyId, owner]);
  email.owner = await withPassword(db.ownerPool, owner);
  email.desk = await withPassword(db.ownerPool, h.frontDesk, "Diego Desk");

  // A channel feed whose calendar answers 503: polled now, it fails.
  feeds = createServer((_req, res) => res.writeHead(503).end());
  await new Promise<void>((resolve) => feeds.listen(0, "127.0.0.1", resolve));
  const feedUrl = `http://127.0.0.1:${(feeds.address() as AddressInfo).port}/calendar/ical/0d6f1c2b9e8a47d3a5c4b3e2f1a09876.ics`;
  const feed = (await db.ownerPool.query<{ id: string }>(
    "insert into app_public.channel_feeds (property_id, unit_id, source, name, url) values ($1, $2, 'airbnb', 'Airbnb listing 101', $3) returning id",
    [h.propertyId, h.unitIds[0], feedUrl],
  )).rows[0]!.id;
  const managerToken = await login(await withPassword(db.ownerPool, h.manager));
  await gql("mutation($f: UUID!) { syncChannelFeedNow(input: {feedId: $f}) { clientMutationId } }", { f: feed }, managerToken);

  // Guests search and book; the worker captures their cards.
  const deskToken = await login(email.desk);
  for (let i = 0; i < 12; i++) {
    const arrival = localDate(h.timeZone, 10 + i);
    await gql("query($a: Date!, $d: Date!) { searchAvailability(arrival: $a, departure: $d, adults: 2) { nodes { roomTypeId } } }", { a: arrival, d: addDays(arrival, 2) });
  }
  const captured = [];
  for (let i = 0; i < 4; i++) captured.push(await guestBooksAndPays(30 + i, deskToken));
  for (const id of captured) await waitForValue(`capture of ${id}`, async () => (await attemptStatus(id)) === "captured");

  // The provider fails every call from the next payment on (its card token made first): that capture keeps failing, and retries.
  const failing = await guestBooksAndPays(40, deskToken, () => providerFails({ transientRate: 1 }));
  await waitForValue("a failing capture job", async () =>
    (await db.ownerPool.query("select 1 from graphile_worker.jobs where key = $1 and last_error is not null", [`payment_attempt:${failing}`])).rowCount === 1,
  );
  await waitForValue("the failing feed", async () => (await db.ownerPool.query("select 1 from app_public.channel_feeds where id = $1 and last_error is not null", [feed])).rowCount === 1);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await endBrowserTest({ contexts, browser, worker, server });
  await new Promise((resolve) => feeds?.close(resolve));
  await db?.drop();
});

async function expectSystemPage(page: Page) {
  await page.getByTestId("system-ready").waitFor();
  // Every SLO has its card; the searches and the bookings were measured, and the API has been available.
  for (const id of ["guest_search", "reservation_mutations", "payment_capture", "availability", "job_failures"]) await page.getByTestId(`slo-${id}`).waitFor();
  await expect(page.getByTestId("slo-availability").getAttribute("data-state")).resolves.toBe("met");
  await expect(page.getByTestId("slo-reservation_mutations").getAttribute("data-state")).resolves.not.toBe("no_data");
  const operations = page.getByRole("table", { name: "Latency by operation" });
  for (const op of ["quote", "createHold", "confirmBooking"]) await operations.getByRole("cell", { name: op, exact: true }).waitFor();
  // The failing capture, with its property and what went wrong; the failing feed, its secret path hidden.
  const failing = page.getByRole("table", { name: "Failing jobs" });
  await failing.getByRole("cell", { name: "Process payment attempt" }).waitFor();
  await failing.getByRole("cell", { name: "Harbour View Hotel" }).waitFor();
  await failing.getByText("Retrying").waitFor();
  const feedsTable = page.getByRole("table", { name: "Feeds that need attention" });
  await feedsTable.getByText("Airbnb listing 101").waitFor();
  await feedsTable.getByText("Failing", { exact: true }).waitFor();
  expect(await page.content()).not.toContain("0d6f1c2b9e8a47d3a5c4b3e2f1a09876");
  expect(await page.content()).not.toContain("ada@example.com");
}

it("the owner opens System from the menu and reads the SLOs, the queue, the failing capture and the failing feed (desktop)", async () => {
  const context = await newContext(browser);
  contexts.push(context);
  const { page, errors } = await signInToConsole(context, server.url, email.owner!);
  await page.getByRole("menuitem", { name: "System" }).click();
  await expectSystemPage(page);
  // The other period: since the process started.
  await page.getByRole("button", { name: "Since start" }).click();
  await expect(page.getByRole("button", { name: "Since start" }).getAttribute("aria-pressed")).resolves.toBe("true");
  await page.getByRole("button", { name: /Last hour|Recent/ }).click();
  await expectAccessible(page);
  await shot(page, "desktop");
  expect(errors).toEqual([]);
}, 120_000);

it("the owner reads it on a phone", async () => {
  const context = await newContext(browser, { device: "phone", track: contexts });
  const { page, errors } = await signInToConsole(context, server.url, email.owner!);
  await page.goto(`${server.url}/admin/system`);
  await expectSystemPage(page);
  // Nothing wider than the screen but the tables' own scrolling boxes.
  const overflow = await page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
  });
  expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.clientWidth);
  await expectAccessible(page);
  await shot(page, "phone");
  expect(errors).toEqual([]);
}, 120_000);

it("the front desk has no System entry, sees the page's notice, and the endpoint refuses its token", async () => {
  const context = await newContext(browser);
  contexts.push(context);
  const { page } = await signInToConsole(context, server.url, email.desk!);
  await page.getByRole("menuitem", { name: "Reservations" }).waitFor();
  await expect(page.getByRole("menuitem", { name: "System" }).count()).resolves.toBe(0);
  await page.goto(`${server.url}/admin/system`);
  await page.getByText("The system's status is for owners and managers of the property.").waitFor();
  const token = await login(email.desk!);
  const refused = await fetch(`${server.url}/admin/api/system`, { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status).toBe(403);
  expect(((await refused.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe("ACCESS_DENIED");
  await expectAccessible(page);
});
