// GET /admin/api/system, the console's System page's data, as its users and
// as those it must refuse: owners and managers read the service's status
// (SLOs from the process's metrics, the job queue, failing jobs, feeds);
// anonymous callers are refused with 401, a guest and the front desk with
// 403; and two hotels on one Keepr see only their own failing jobs and
// feeds (the other's counted, never named), with no guest's email, a feed's
// secret URL or a card token in the answer.
import { createToken } from "../../payments/simulated/client.ts";
import type { SystemReport } from "../../shared/system.ts";
import { cleanError, errorCodeOf, hourAgo } from "../../server/system.ts";
import { withPassword } from "../helpers/console.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { actAs, createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { runDueJobs } from "../helpers/jobs.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let a: Hotel & { owner: string; ownerEmail: string; feedSecret: string };
let b: Hotel & { owner: string; ownerEmail: string; feedSecret: string };

/** The email the bookings' guest gave (tests/helpers/booking.ts), and a feed's error names an address too. */
const guestEmail = "ada@example.com";

async function login(email: string): Promise<string> {
  const res = await server.graphql("mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }", { e: email, p: fixturePassword });
  const token = res.body.data?.login?.result as string | undefined;
  if (!token) throw new Error(`login of ${email} failed: ${JSON.stringify(res.body)}`);
  return token;
}

async function system(token?: string): Promise<{ status: number; body: SystemReport & { errors?: Array<{ extensions: { code: string } }> }; text: string }> {
  const response = await fetch(`${server.url}/admin/api/system`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text };
}

/** A hotel with an owner, a booking paid by card whose capture job fails (the provider unreachable), and a failing feed. */
async function hotelWithTrouble(name: string) {
  const client = await db.ownerPool.connect();
  try {
    await client.query("begin");
    const hotel = await createHotel(client, { units: 2 });
    await client.query("update app_public.properties set name = $2 where id = $1", [hotel.propertyId, name]);
    await client.query("update app_public.rate_plans set deposit_percent = 100 where id = $1", [hotel.ratePlanId]);
    const owner = (await client.query<{ id: string }>("insert into app_public.users (email, display_name) values ($1, 'Owner') returning id", [`owner-${newKey()}@test.example`])).rows[0]!.id;
    await client.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'owner')", [hotel.propertyId, owner]);
    const feedSecret = `secret${newKey().replaceAll("-", "")}`;
    await client.query(
      `insert into app_public.channel_feeds (property_id, unit_id, source, name, url)
       values ($1, $2, 'airbnb', $3, $4)`,
      [hotel.propertyId, hotel.unitIds[0], `${name} Airbnb`, `https://www.airbnb.example/calendar/ical/${feedSecret}.ics`],
    );
    await client.query(
      `update app_public.channel_feeds set last_error = $2, last_error_at = now(), consecutive_failures = 4 where property_id = $1`,
      [hotel.propertyId, `HTTP 503 from https://www.airbnb.example/calendar/ical/${feedSecret}.ics for ${guestEmail}`],
    );
    await client.query("commit");
    await client.query("begin");
    await actAs(client, { role: "keepr_staff", userId: hotel.frontDesk });
    const arrival = localDate(hotel.timeZone, 20);
    const booking = await book(client, hotel.ratePlanId, arrival, addDays(arrival, 1));
    const intent = (await client.query("select id from app_public.payment_intents where reservation_id = $1", [booking.reservation_id])).rows[0];
    const card = await createToken(`${server.url}/simulated-provider`, { number: "4242424242424242", exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: "123" });
    await client.query("select id from app_public.pay($1, $2, $3)", [intent.id, card.id, newKey()]);
    await client.query("commit");
    return { ...hotel, owner, ownerEmail: await withPassword(db.ownerPool, owner), feedSecret };
  } finally {
    client.release();
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  a = await hotelWithTrouble("Hotel Alpha");
  b = await hotelWithTrouble("Hotel Bravo");
  // The capture jobs run against a provider that does not answer: they fail and will retry.
  await runDueJobs(db, { PAYMENT_PROVIDER_URL: "http://127.0.0.1:9/unreachable", PAYMENT_PROVIDER_TIMEOUT_MS: "1000" });
  const { rows } = await db.ownerPool.query("select count(*)::int as n from graphile_worker.jobs where task_identifier = 'process_payment_attempt' and last_error is not null");
  expect(rows[0].n).toBe(2);
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

test("anonymous callers and bad tokens are refused with 401", async () => {
  const anonymous = await system();
  expect([anonymous.status, anonymous.body.errors?.[0]?.extensions.code]).toEqual([401, "LOGIN_REQUIRED"]);
  const forged = await system("a.b.c");
  expect([forged.status, forged.body.errors?.[0]?.extensions.code]).toEqual([401, "INVALID_TOKEN"]);
});

test("the front desk, housekeeping and a guest are refused with 403", async () => {
  for (const user of [a.frontDesk, a.housekeeper]) {
    const refused = await system(await login(await withPassword(db.ownerPool, user)));
    expect([refused.status, refused.body.errors?.[0]?.extensions.code]).toEqual([403, "ACCESS_DENIED"]);
  }
  const guest = (await db.ownerPool.query<{ id: string }>("insert into app_public.users (email, display_name) values ($1, 'Guest') returning id", [`guest-${newKey()}@test.example`])).rows[0]!.id;
  const refused = await system(await login(await withPassword(db.ownerPool, guest)));
  expect([refused.status, refused.body.errors?.[0]?.extensions.code]).toEqual([403, "ACCESS_DENIED"]);
});

test("a signed-out session is refused with 401", async () => {
  const token = await login(await withPassword(db.ownerPool, a.manager));
  expect((await system(token)).status).toBe(200);
  await server.graphql("mutation { logout(input: {}) { result } }", {}, { token });
  expect((await system(token)).status).toBe(401);
});

test("an owner sees the service's status and their own property's failing jobs and feeds, not the other hotel's", async () => {
  const { status, body, text } = await system(await login(a.ownerEmail));
  expect(status).toBe(200);
  expect(body.properties).toEqual([{ id: a.propertyId, name: "Hotel Alpha" }]);
  // SLOs: every one, in both windows; this server answered GraphQL (the logins) and HTTP.
  expect(body.recent.slos.map((s) => s.id)).toEqual(["guest_search", "reservation_mutations", "payment_capture", "availability", "job_failures"]);
  const availability = body.sinceStart.slos.find((s) => s.id === "availability")!;
  expect(availability.events).toBeGreaterThan(0);
  // The queue: both capture jobs, counted for the service (waiting for their retry, or due again: no worker runs here).
  const capture = body.jobs.tasks.find((t) => t.task === "process_payment_attempt")!;
  expect([capture.runnable + capture.scheduled, capture.locked, capture.failedPermanently]).toEqual([2, 0, 0]);
  // Failing jobs: Alpha's own capture, with its error; Bravo's only counted.
  expect(body.jobs.failing).toEqual([expect.objectContaining({ task: "process_payment_attempt", propertyName: "Hotel Alpha", state: "retrying", attempts: 1 })]);
  expect(body.jobs.failing[0]!.error.length).toBeGreaterThan(0);
  expect(body.jobs.failingElsewhere).toEqual([{ task: "process_payment_attempt", count: 1 }]);
  // Feeds: counted for the service, listed for Alpha only, the URL's secret path gone.
  expect(body.feeds.counts.failing).toBe(2);
  expect(body.feeds.attention).toEqual([expect.objectContaining({ propertyName: "Hotel Alpha", feedName: "Hotel Alpha Airbnb", state: "failing", consecutiveFailures: 4 })]);
  expect(body.feeds.attention[0]!.lastError).toBe("HTTP 503 from www.airbnb.example/… for [email]");
  // Nothing of Bravo's, no secret, no guest's address, no card token.
  for (const leak of ["Hotel Bravo", b.propertyId, a.feedSecret, b.feedSecret, guestEmail, "tok_"]) expect({ leak, found: text.includes(leak) }).toEqual({ leak, found: false });
});

test("a manager of the other hotel sees its items, and Alpha's only as a count", async () => {
  const ownerOfB = await system(await login(b.ownerEmail));
  expect(ownerOfB.body.jobs.failing.map((j) => j.propertyName)).toEqual(["Hotel Bravo"]);
  expect(ownerOfB.body.feeds.attention.map((f) => f.propertyName)).toEqual(["Hotel Bravo"]);
  expect(ownerOfB.text).not.toContain("Hotel Alpha");
  const manager = await system(await login(await withPassword(db.ownerPool, b.manager)));
  expect(manager.status).toBe(200);
  expect(manager.body.properties.map((p) => p.name)).toEqual(["Hotel Bravo"]);
});

test("the answer is never cached, and only GET reads it", async () => {
  const token = await login(a.ownerEmail);
  const response = await fetch(`${server.url}/admin/api/system`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.headers.get("cache-control")).toBe("private, no-store");
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const posted = await fetch(`${server.url}/admin/api/system`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  expect(posted.status).toBe(404);
});

test("the recent window starts an hour back once the process is that old, else with the process", () => {
  const minute = 60_000;
  const start = 0;
  const readings = Array.from({ length: 150 }, (_, i) => ({ at: start + i * minute + 1_000 }));
  expect(hourAgo(readings, start + 30 * minute, start)).toBeUndefined();
  expect(hourAgo(readings, start + 149 * minute, start)?.at).toBe(start + 89 * minute + 1_000);
  // No reading within the hour (the sampler stopped): the process's whole life.
  expect(hourAgo(readings.slice(0, 10), start + 149 * minute, start)).toBeUndefined();
});

test("errors shown to staff lose addresses, numbers, URL paths and tokens, and keep their code", () => {
  expect(cleanError("SMTP 550 mailbox ada.lovelace@example.com unavailable\n    at send (worker/mailer.ts:1)")).toBe("SMTP 550 mailbox [email] unavailable");
  expect(cleanError("GET https://user:pw@www.airbnb.example/calendar/ical/123456.ics?s=abc failed")).toBe("GET www.airbnb.example/… failed");
  expect(cleanError("SMS to +351 912 345 678 refused")).toBe("SMS to [number] refused");
  expect(cleanError("card tok_4f9a8b7c6d5e4f3a2b1c0d9e8f7a refused")).toBe("card [token] refused");
  expect(cleanError("too slow ".repeat(50)).length).toBe(300);
  expect(errorCodeOf("PAYMENT_PROVIDER_DOWN: the provider answered 503")).toBe("PAYMENT_PROVIDER_DOWN");
  expect(errorCodeOf("TypeError: fetch failed")).toBe("TypeError");
  expect(errorCodeOf("payment provider answered HTTP 503")).toBeNull();
});

