// Prometheus metrics of the API process (core/metrics.ts): /metrics is
// nowhere without a setting, behind its bearer token on the main port, open
// on METRICS_PORT's own listener; what guests and staff do moves the
// counters; labels carry no ids, URLs or personal data; promtool accepts
// the output.
import { fileDatabase } from "../helpers/db.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { collectorErrors, metricsText, observePool, ScrapeCollector, startMetricsServer } from "../../core/metrics.ts";
import pg from "pg";
import { createLogger } from "../../core/logger.ts";
import { ConfigError, loadConfig } from "../../core/config.ts";
import { operationLabel } from "../../server/graphql-operation.ts";
import { parseMetrics, promtoolCheck, sampleOf } from "../helpers/metrics.ts";

const token = "metrics-token-0123456789-abcdef";
let server: TestServer;
let h: Hotel;
const db = fileDatabase({ beforeDrop: () => server?.close() });

beforeAll(async () => {
  server = await startTestServer(db, { METRICS_TOKEN: token });
  h = await createHotel(db.ownerPool, { units: 1 });
});

async function scrape(): Promise<string> {
  const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.text();
}

/**
 * Scrapes until check() holds, then returns that scrape (or the last one after 15 s, for the assertions to show
 * the difference): an HTTP request is observed when its response has been sent, a moment after the client has it.
 */
async function scrapeWhen(check: (m: Map<string, number>) => boolean): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const text = await scrape();
    if (check(parseMetrics(text)) || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const codeOf = (res: { body: { errors?: Array<{ extensions?: { code?: string } }> } }) => res.body.errors?.[0]?.extensions?.code;

const quoteDoc = `query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`;
const holdDoc = `mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId holdToken } } }`;
const confirmDoc = `mutation($id: UUID!, $k: String!, $e: String!, $h: String) { confirmBooking(input: {reservationId: $id, idempotencyKey: $k, fullName: "Grace Hopper", email: $e, holdToken: $h}) { result { status confirmationCode } } }`;

describe("exposure", () => {
  it("without METRICS_TOKEN or METRICS_PORT, /metrics is 404 on the main port", async () => {
    const plain = await startTestServer(db);
    try {
      const res = await fetch(`${plain.url}/metrics`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ errors: [{ message: "No such endpoint.", extensions: { code: "NOT_FOUND" } }] });
      // Not even with a token of some kind.
      expect((await fetch(`${plain.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it("with METRICS_TOKEN, /metrics needs that bearer token: none, a wrong one or a prefix of it is 401 INVALID_TOKEN", async () => {
    for (const authorization of [undefined, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`, token, "Bearer ", `Bearer ${token} ${token}`]) {
      const res = await fetch(`${server.url}/metrics`, { headers: authorization === undefined ? {} : { authorization } });
      expect({ authorization, status: res.status }).toEqual({ authorization, status: 401 });
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
      expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe("INVALID_TOKEN");
    }
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    expect(text).toContain("# TYPE keepr_http_request_duration_seconds histogram");
    expect(text).toContain("keepr_process_cpu_seconds_total");
    expect(text).toMatch(/keepr_db_pool_connections\{pool="api",state="in_use"\} \d+/);
  });

  it("settings: METRICS_TOKEN of fewer than 24 characters or with spaces, or METRICS_PORT equal to PORT, are refused at start", () => {
    const load = (env: Record<string, string>) => () => loadConfig({ NODE_ENV: "test", ...env });
    expect(load({ METRICS_TOKEN: "short-token-123" })).toThrow(ConfigError);
    expect(load({ METRICS_TOKEN: "a token with spaces inside of it" })).toThrow(/METRICS_TOKEN/);
    expect(load({ PORT: "4000", METRICS_PORT: "4000" })).toThrow(/METRICS_PORT: must differ from PORT/);
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: "x".repeat(32), PUBLIC_URL: "https://book.example.com", SIMULATED_PROVIDER: "true", SMTP_URL: "smtp://localhost", SEED: "false" }))
      .toMatchObject({ METRICS_HOST: "127.0.0.1" });
    expect(loadConfig({ NODE_ENV: "test", METRICS_PORT: "9464", METRICS_TOKEN: token })).toMatchObject({ METRICS_PORT: 9464, METRICS_HOST: "127.0.0.1", METRICS_TOKEN: token });
    // Production: an unauthenticated listener on a non-loopback address is allowed, and said at start.
    const production = { NODE_ENV: "production", JWT_SECRET: "x".repeat(32), PUBLIC_URL: "https://book.example.com", SIMULATED_PROVIDER: "true", SMTP_URL: "smtp://localhost", SEED: "false", METRICS_PORT: "9464" };
    expect(loadConfig(production).warnings.filter((w) => w.startsWith("METRICS"))).toEqual([]);
    expect(loadConfig({ ...production, METRICS_HOST: "0.0.0.0" }).warnings.filter((w) => w.startsWith("METRICS"))).toEqual([
      "METRICS_PORT on METRICS_HOST=0.0.0.0 in production: /metrics answers without authentication to whoever reaches that address; keep it on the scraper's network",
    ]);
  });

  it("METRICS_PORT serves /metrics on its own listener, on 127.0.0.1 by default, without auth; nothing else there", async () => {
    const metrics = (await startMetricsServer({ METRICS_PORT: 0, METRICS_HOST: "127.0.0.1" }, createLogger("silent")))!;
    try {
      expect(metrics.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const res = await fetch(metrics.url);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("keepr_http_request_duration_seconds");
      expect((await fetch(metrics.url.replace(/\/metrics$/, "/graphql"))).status).toBe(404);
      expect((await fetch(metrics.url, { method: "POST" })).status).toBe(404);
    } finally {
      await metrics.close();
    }
    expect(await startMetricsServer({ METRICS_PORT: undefined, METRICS_HOST: "127.0.0.1" }, createLogger("silent"))).toBeNull();
  });
});

describe("what guests and staff do moves the counters", () => {
  it("a search, a booking, a SOLD_OUT and a failed login", async () => {
    const before = parseMetrics(await scrape());
    const arrival = localDate(h.timeZone, 30);
    const departure = addDays(arrival, 2);

    const search = await server.graphql(
      `query($a: Date!, $d: Date!, $p: UUID!) { searchAvailability(arrival: $a, departure: $d, adults: 2, propertyId: $p) { nodes { unitsLeft } } }`,
      { a: arrival, d: departure, p: h.propertyId },
    );
    expect(search.body.data!.searchAvailability.nodes).toEqual([{ unitsLeft: 1 }]);

    // Two guests quote the last unit; the first books it, the second hears SOLD_OUT.
    const first = await server.graphql(quoteDoc, { p: h.ratePlanId, a: arrival, d: departure });
    const second = await server.graphql(quoteDoc, { p: h.ratePlanId, a: arrival, d: departure });
    const held = await server.graphql(holdDoc, { t: first.body.data!.quote.quoteToken, k: newKey() });
    const { reservationId, holdToken } = held.body.data!.createHold.result;
    const confirmed = await server.graphql(confirmDoc, { id: reservationId, k: newKey(), e: "grace.hopper@example.com", h: holdToken });
    expect(confirmed.body.data!.confirmBooking.result.status).toBe("confirmed");
    const lost = await server.graphql(holdDoc, { t: second.body.data!.quote.quoteToken, k: newKey() });
    expect(codeOf(lost)).toBe("SOLD_OUT");

    const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: "nobody-at-all@example.com", p: "not-the-password" });
    expect(codeOf(login)).toBe("INVALID_CREDENTIALS");

    const posts = { method: "POST", route: "graphql", status: "200" };
    const text = await scrapeWhen((m) => sampleOf(m, "keepr_http_request_duration_seconds_count", posts) - sampleOf(before, "keepr_http_request_duration_seconds_count", posts) >= 7);
    const after = parseMetrics(text);
    const moved = (name: string, labels: Record<string, string>) => sampleOf(after, name, labels) - sampleOf(before, name, labels);
    expect({
      search: moved("keepr_graphql_operation_duration_seconds_count", { operation: "searchAvailability", type: "query", outcome: "ok" }),
      quotes: moved("keepr_graphql_operation_duration_seconds_count", { operation: "quote", type: "query", outcome: "ok" }),
      holds: moved("keepr_graphql_operation_duration_seconds_count", { operation: "createHold", type: "mutation", outcome: "ok" }),
      holdsRefused: moved("keepr_graphql_operation_duration_seconds_count", { operation: "createHold", type: "mutation", outcome: "error" }),
      confirms: moved("keepr_graphql_operation_duration_seconds_count", { operation: "confirmBooking", type: "mutation", outcome: "ok" }),
      failedLogins: moved("keepr_graphql_operation_duration_seconds_count", { operation: "login", type: "mutation", outcome: "error" }),
      bookings: moved("keepr_bookings_total", { source: "web" }),
      staffBookings: moved("keepr_bookings_total", { source: "staff" }),
      soldOut: moved("keepr_sold_out_total", { operation: "createHold" }),
      soldOutErrors: moved("keepr_api_errors_total", { code: "SOLD_OUT" }),
      credentialErrors: moved("keepr_api_errors_total", { code: "INVALID_CREDENTIALS" }),
      graphqlRequests: moved("keepr_http_request_duration_seconds_count", { method: "POST", route: "graphql", status: "200" }),
    }).toEqual({
      search: 1, quotes: 2, holds: 1, holdsRefused: 1, confirms: 1, failedLogins: 1,
      bookings: 1, staffBookings: 0, soldOut: 1, soldOutErrors: 1, credentialErrors: 1, graphqlRequests: 7,
    });
    // The latency of each is in the histogram's buckets, up to +Inf.
    expect(sampleOf(after, "keepr_graphql_operation_duration_seconds_bucket", { operation: "searchAvailability", type: "query", outcome: "ok", le: "+Inf" }))
      .toBe(sampleOf(after, "keepr_graphql_operation_duration_seconds_count", { operation: "searchAvailability", type: "query", outcome: "ok" }));
    // Nothing personal or identifying in any label.
    for (const secret of ["grace", "Grace", "nobody-at-all", h.propertyId, reservationId, h.ratePlanId, confirmed.body.data!.confirmBooking.result.confirmationCode]) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    }
  });

  it("staff confirming a booking count as source staff, once however often it is sent with its idempotency key", async () => {
    const email = (await db.ownerPool.query("select email from app_public.users where id = $1", [h.frontDesk])).rows[0].email;
    await db.ownerPool.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, crypt($2, gen_salt('bf', 4))) on conflict do nothing", [h.frontDesk, fixturePassword]);
    const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword });
    const staffToken = login.body.data!.login.result as string;
    const before = parseMetrics(await scrape());
    const arrival = localDate(h.timeZone, 50);
    const q = await server.graphql(quoteDoc, { p: h.ratePlanId, a: arrival, d: addDays(arrival, 2) }, { token: staffToken });
    const held = await server.graphql(holdDoc, { t: q.body.data!.quote.quoteToken, k: newKey() }, { token: staffToken });
    const confirm = { id: held.body.data!.createHold.result.reservationId, k: newKey(), e: "phone.guest@example.com", h: null };
    const confirmed = await server.graphql(confirmDoc, confirm, { token: staffToken });
    expect(confirmed.body.data!.confirmBooking.result.status).toBe("confirmed");
    // Sent again with its idempotency key (a lost answer, retried): the same answer, not a second booking.
    expect((await server.graphql(confirmDoc, confirm, { token: staffToken })).body).toEqual(confirmed.body);
    const after = parseMetrics(await scrape());
    expect(sampleOf(after, "keepr_bookings_total", { source: "staff" }) - sampleOf(before, "keepr_bookings_total", { source: "staff" })).toBe(1);
    expect(sampleOf(after, "keepr_bookings_total", { source: "web" }) - sampleOf(before, "keepr_bookings_total", { source: "web" })).toBe(0);
  });
});

describe("a request retried inside the server", () => {
  it("an operation retried after a deadlock is one observation, with the outcome the client got", async () => {
    const email = (await db.ownerPool.query("select email from app_public.users where id = $1", [h.frontDesk])).rows[0].email;
    await db.ownerPool.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, crypt($2, gen_salt('bf', 4))) on conflict do nothing", [h.frontDesk, fixturePassword]);
    const staffToken = (await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword })).body.data!.login.result as string;
    const arrival = localDate(h.timeZone, 90);
    const q = await server.graphql(quoteDoc, { p: h.ratePlanId, a: arrival, d: addDays(arrival, 2) });
    const held = (await server.graphql(holdDoc, { t: q.body.data!.quote.quoteToken, k: newKey() })).body.data!.createHold.result;
    await server.graphql(confirmDoc, { id: held.reservationId, k: newKey(), e: "retry@example.com", h: held.holdToken });

    const before = parseMetrics(await scrape());
    // A lock cycle the API's transaction loses (this session waits longer before checking for deadlocks): its cancellation runs twice.
    const blocker = new pg.Client({ connectionString: db.superuserUrl });
    await blocker.connect();
    try {
      await blocker.query("begin");
      await blocker.query("set local deadlock_timeout = '10s'");
      await blocker.query("select 1 from app_public.inventory_claims where reservation_id = $1 for update", [held.reservationId]);
      const cancelling = server.graphql(`mutation($id: UUID!, $k: String!) { cancelReservation(input: {reservationId: $id, idempotencyKey: $k}) { result { status } } }`, { id: held.reservationId, k: newKey() }, { token: staffToken });
      for (let i = 0; ; i++) {
        const { rows } = await blocker.query("select count(*)::int as n from pg_stat_activity where datname = current_database() and usename = 'keepr_authenticator' and wait_event_type = 'Lock'");
        if (rows[0].n > 0) break;
        if (i > 500) throw new Error("the API never waited for the lock");
        await new Promise((r) => setTimeout(r, 10));
      }
      await blocker.query("select 1 from app_public.reservations where id = $1 for update", [held.reservationId]);
      await blocker.query("commit");
      expect((await cancelling).body).toEqual({ data: { cancelReservation: { result: { status: "cancelled" } } } });
    } finally {
      await blocker.end();
    }
    const after = parseMetrics(await scrape());
    const moved = (labels: Record<string, string>) =>
      sampleOf(after, "keepr_graphql_operation_duration_seconds_count", labels) - sampleOf(before, "keepr_graphql_operation_duration_seconds_count", labels);
    expect({ ok: moved({ operation: "cancelReservation", type: "mutation", outcome: "ok" }), error: moved({ operation: "cancelReservation", type: "mutation", outcome: "error" }) })
      .toEqual({ ok: 1, error: 0 });
    expect(sampleOf(after, "keepr_api_errors_total", { code: "RETRY" }) - sampleOf(before, "keepr_api_errors_total", { code: "RETRY" })).toBe(0);
  });
});

describe("hostile requests cannot grow the labels", () => {
  it("URLs with ids, tokens and junk are counted under fixed route names, never as themselves", async () => {
    const junk = [`/ical/${"a".repeat(40)}.ics`, "/wp-admin/setup-config.php?step=1", "/invoices/00000000-0000-4000-8000-000000000000", "/exports/some-download-token-123", "/%2e%2e/etc/passwd", "/graphql/extra/path"];
    for (const path of junk) await (await fetch(`${server.url}${path}`)).arrayBuffer();
    await fetch(`${server.url}/graphql`, { method: "PROPFIND" }).then((r) => r.arrayBuffer(), () => undefined);
    const expected = ["graphql", "metrics", "ical", "not_found", "static", "invoice", "export"];
    const text = await scrapeWhen((m) => expected.every((route) => [...m.keys()].some((k) => k.startsWith("keepr_http_request_duration_seconds_count{") && k.includes(`route="${route}"`))));
    for (const fragment of ["a".repeat(40), "wp-admin", "00000000-0000-4000-8000-000000000000", "some-download-token", "passwd", "extra", "PROPFIND"]) {
      expect({ fragment, found: text.includes(fragment) }).toEqual({ fragment, found: false });
    }
    const routes = new Set([...text.matchAll(/keepr_http_request_duration_seconds_count\{[^}]*route="([^"]+)"/g)].map((m) => m[1]));
    expect([...routes].every((r) => /^[a-z_]+$/.test(r!))).toBe(true);
    // The guest app's router answers a file-like path itself (static); what no router answers is not_found.
    expect(routes).toEqual(new Set(expected));
  });

  it("operations are labelled by their root fields; past 100 combinations of several, a new one counts as multiple", async () => {
    const both = await server.graphql(
      `query($p: UUID!, $a: Date!, $d: Date!) { x: quote(ratePlanId: $p, arrival: $a, departure: $d) { totalAmount } searchAvailability(arrival: $a, departure: $d, adults: 2, propertyId: $p) { totalCount } }`,
      { p: h.ratePlanId, a: localDate(h.timeZone, 70), d: localDate(h.timeZone, 72) },
    );
    expect(both.body.errors).toBeUndefined();
    expect(parseMetrics(await scrape()).has('keepr_graphql_operation_duration_seconds_count{operation="quote+searchAvailability",outcome="ok",type="query"}')).toBe(true);
    // A client sending ever new combinations (root fields are bounded by the schema, their combinations are not).
    const labels = new Set(Array.from({ length: 300 }, (_, i) => operationLabel([`field${i}`, `other${i}`])));
    expect(labels.has("multiple")).toBe(true);
    expect(labels.size).toBeLessThanOrEqual(101);
    expect(operationLabel(["searchAvailability"])).toBe("searchAvailability");
    expect(operationLabel(["quote", "searchAvailability"])).toBe("quote+searchAvailability");
    expect(operationLabel(["b", "a", "b"])).toBe(operationLabel(["a", "b"]));
  });
});

describe("read at scrape", () => {
  it("a pool's connections in use, idle and waiting: a request queued for a busy pool shows as waiting", async () => {
    const pool = new pg.Pool({ connectionString: db.ownerUrl, max: 1 });
    const forget = observePool("metrics_test", pool);
    try {
      const held = await pool.connect();
      const queued = pool.connect();
      let m = parseMetrics((await metricsText()).body);
      expect(["in_use", "idle", "waiting"].map((state) => sampleOf(m, "keepr_db_pool_connections", { pool: "metrics_test", state }))).toEqual([1, 0, 1]);
      held.release();
      (await queued).release();
      m = parseMetrics((await metricsText()).body);
      expect(["in_use", "idle", "waiting"].map((state) => sampleOf(m, "keepr_db_pool_connections", { pool: "metrics_test", state }))).toEqual([0, 1, 0]);
    } finally {
      forget();
      await pool.end();
    }
    expect((await metricsText()).body).not.toContain('pool="metrics_test"');
  });

  it("a collector that fails or hangs never fails the scrape: its values stay, the failure is counted; readings are cached and shared", async () => {
    const errors = async () => (await collectorErrors.get()).values.find((v) => v.labels.collector === "metrics_test")?.value ?? 0;
    let applied: number[] = [];
    const collector = new ScrapeCollector<number>("metrics_test", (value) => applied.push(value), { ttlMs: 60_000, timeoutMs: 300 });
    let reads = 0;
    collector.source(async () => ++reads);
    await Promise.all([collector.refresh(), collector.refresh(), collector.refresh()]);
    await collector.refresh();
    expect({ reads, applied }).toEqual({ reads: 1, applied: [1] });

    // A database that refuses connections.
    const down = new pg.Pool({ connectionString: "postgres://nobody:x@127.0.0.1:1/none", connectionTimeoutMillis: 1_000 });
    collector.source(async () => (await down.query<{ n: number }>("select 1 as n")).rows[0]!.n);
    applied = [];
    await collector.refresh();
    expect({ applied, errors: await errors() }).toEqual({ applied: [], errors: 1 });
    await down.end();

    // A reading that never answers: given up after timeoutMs.
    collector.source(() => new Promise<number>(() => {}));
    await collector.refresh();
    expect({ applied, errors: await errors() }).toEqual({ applied: [], errors: 2 });
    expect(await promtoolCheck((await metricsText()).body)).toEqual({ code: 0, output: "" });
  });
});

it("promtool check metrics accepts the output", async () => {
  const text = await scrape();
  expect(parseMetrics(text).size).toBeGreaterThan(50);
  expect(await promtoolCheck(text)).toEqual({ code: 0, output: "" });
});

// Last: it uses up this address's login attempts.
it("a throttled login counts as TOO_MANY_ATTEMPTS", async () => {
  const before = parseMetrics(await scrape());
  const codes: Array<string | undefined> = [];
  for (let i = 0; i < 15 && !codes.includes("TOO_MANY_ATTEMPTS"); i++) {
    codes.push(codeOf(await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: "target@example.com", p: `guess-${i}` })));
  }
  expect(codes).toContain("TOO_MANY_ATTEMPTS");
  const refused = { method: "POST", route: "graphql", status: "429" };
  const after = parseMetrics(await scrapeWhen((m) => sampleOf(m, "keepr_http_request_duration_seconds_count", refused) > sampleOf(before, "keepr_http_request_duration_seconds_count", refused)));
  expect(sampleOf(after, "keepr_api_errors_total", { code: "TOO_MANY_ATTEMPTS" }) - sampleOf(before, "keepr_api_errors_total", { code: "TOO_MANY_ATTEMPTS" })).toBe(1);
  expect(sampleOf(after, "keepr_http_request_duration_seconds_count", { method: "POST", route: "graphql", status: "429" }) - sampleOf(before, "keepr_http_request_duration_seconds_count", { method: "POST", route: "graphql", status: "429" })).toBe(1);
});
