// One trace from the guest's click to everything it caused (issue 19): a
// guest pays a booking by card through the GraphQL API, with the
// traceparent the guest app sends; an OTLP/HTTP collector inside the test
// receives what Keepr exports. The trace has the shape HTTP → GraphQL
// (named) → SQL → capture job → provider call → notification job, with
// realtime's deliveries of the changes, all one trace id, and that id is
// the request id in audit.events and x-request-id.
import { randomBytes } from "node:crypto";
import { loadConfig } from "../../core/config.ts";
import { startTracing, type Tracing } from "../../core/tracing.ts";
import { paymentSecretsOf } from "../../payments/secrets.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { newOutbox, startTestWorker } from "../helpers/jobs.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { waitUntil } from "../helpers/wait.ts";
import { ancestry, startCollector, treeOf, type CollectedSpan, type Collector } from "../helpers/tracing.ts";
import type { Worker } from "../../worker/runner.ts";

let collector: Collector;
let tracing: Tracing;
let db: TestDatabase;
let server: TestServer;
let worker: Worker;
let h: Hotel;

beforeAll(async () => {
  collector = await startCollector();
  // Before the server is built: tracing patches http, express and pg.
  tracing = await startTracing(
    { tracesUrl: `${collector.url}/v1/traces`, OTEL_EXPORTER_OTLP_HEADERS: "x-collector-key=test-key", OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf", OTEL_SERVICE_NAME: "keepr-test", OTEL_TRACES_SAMPLER_ARG: 1 },
    { scheduledDelayMillis: 100 },
  );
  db = await createTestDatabase();
  server = await startTestServer(db, {}, { realtime: true });
  worker = await startTestWorker(db, server.url, newOutbox());
  // The provider's webhooks start traces of their own (a provider sends no
  // traceparent); held back here, the capture is recorded by the job, so the
  // receipt it queues is deterministically in the guest's trace.
  const { apiKey } = paymentSecretsOf(loadConfig({ NODE_ENV: "test" }), db.jwtSecret);
  const failures = await fetch(`${server.url}/simulated-provider/v1/_failures`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ transientRate: 0, timeoutRate: 0, declineRate: 0, webhookFailureRate: 1, webhookDuplicateRate: 0 }),
  });
  expect(failures.status).toBe(200);
  h = await createHotel(db.ownerPool, { units: 2 });
  await db.ownerPool.query("update app_public.rate_plans set deposit_percent = 30, balance_due_days = 3 where id = $1", [h.ratePlanId]);
});
afterAll(async () => {
  await worker?.stop();
  await server?.close();
  await tracing?.shutdown();
  await collector?.close();
  await db?.drop();
});

/** A traceparent as the guest app makes one per user action: a fresh trace id and span id, sampled. */
const browserTraceparent = () => {
  const traceId = randomBytes(16).toString("hex");
  const spanId = randomBytes(8).toString("hex");
  return { traceId, spanId, header: `00-${traceId}-${spanId}-01` };
};

const inTrace = (traceId: string) => collector.spans.filter((s) => s.traceId === traceId);
const one = (spans: CollectedSpan[], match: (s: CollectedSpan) => boolean, what: string): CollectedSpan => {
  const found = spans.filter(match);
  if (found.length === 0) throw new Error(`no span ${what} among ${spans.map((s) => s.name).join(", ")}`);
  return found[0]!;
};

it("a guest's card payment is one trace: HTTP → GraphQL → SQL → capture job → provider call → notification job", async () => {
  const arrival = localDate(h.timeZone, 30);
  const q = await server.graphql(`query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`, {
    p: h.ratePlanId, a: arrival, d: addDays(arrival, 2),
  });
  const held = await server.graphql(`mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId holdToken } } }`, {
    t: q.body.data!.quote.quoteToken, k: newKey(),
  });
  const { reservationId, holdToken } = held.body.data!.createHold.result;
  const confirmed = await server.graphql(
    `mutation($id: UUID!, $k: String!, $h: String!) { confirmBooking(input: {reservationId: $id, idempotencyKey: $k, fullName: "Ada Lovelace", email: "ada@example.com", holdToken: $h}) { result { confirmationCode } } }`,
    { id: reservationId, k: newKey(), h: holdToken },
  );
  const code = confirmed.body.data!.confirmBooking.result.confirmationCode;
  const guest = (await server.graphql(`mutation($c: String!) { lookupBooking(input: {confirmationCode: $c, email: "ada@example.com"}) { result } }`, { c: code }))
    .body.data!.lookupBooking.result as string;
  const intents = await server.graphql(`{ allPaymentIntents { nodes { rowId kind } } }`, {}, { token: guest });
  const deposit = (intents.body.data!.allPaymentIntents.nodes as Array<{ rowId: string; kind: string }>).find((n) => n.kind === "deposit")!.rowId;
  const card = (await (await fetch(`${server.url}/simulated-provider/v1/tokens`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ number: "4242424242424242", exp_month: 12, exp_year: new Date().getUTCFullYear() + 1, cvc: "123" }),
  })).json()) as { id: string };

  // The click: the guest app's fetch with its traceparent.
  const click = browserTraceparent();
  const paid = await server.graphql(
    `mutation Pay($i: UUID!, $t: String!, $k: String!) { pay(input: {intentId: $i, paymentToken: $t, idempotencyKey: $k}) { result { rowId status } } }`,
    { i: deposit, t: card.id, k: newKey() },
    { token: guest, headers: { traceparent: click.header } },
  );
  expect(paid.body.errors).toBeUndefined();
  const attemptId = paid.body.data!.pay.result.rowId as string;
  // The request id is the trace id: in the response header, and in the audit rows the request wrote.
  expect(paid.headers.get("x-request-id")).toBe(click.traceId);
  const audit = await db.ownerPool.query<{ request_id: string }>(
    "select distinct request_id from audit.events where table_name = 'payment_attempts' and operation = 'INSERT' and row_id = $1",
    [attemptId],
  );
  expect(audit.rows).toEqual([{ request_id: click.traceId }]);

  // The worker captures it at the provider and sends the receipt.
  await waitUntil(async () => {
    const { rows } = await db.ownerPool.query(
      `select 1 from app_public.payment_attempts a
        where a.id = $1 and a.status = 'captured'
          and exists (select 1 from app_public.notifications n where n.cause = 'payment:' || a.id || ':captured' and n.status = 'sent')`,
      [attemptId],
    );
    return rows.length > 0;
  }, "the payment captured and its receipt sent", 30_000);
  await waitUntil(async () => {
    await tracing.flush();
    const names = inTrace(click.traceId).map((s) => s.name);
    return names.includes("job send_notification") && names.filter((name) => name === "realtime deliver").length >= 2;
  }, "the notification job's span and realtime's deliveries at the collector", 30_000);

  const spans = inTrace(click.traceId);
  // HTTP: the server span continues the browser's span.
  const http = one(spans, (s) => s.kind === 2 && s.parentSpanId === click.spanId, "HTTP server span, child of the browser's");
  expect(http.service).toBe("keepr-test");
  expect(http.attributes["http.route"] ?? http.name).toMatch(/graphql/);
  // GraphQL: named by its type and root field, under the HTTP span.
  const graphql = one(spans, (s) => s.name === "mutation pay", "mutation pay");
  expect(graphql.attributes).toMatchObject({ "graphql.operation.type": "mutation", "graphql.operation.name": "Pay", "keepr.graphql.root_fields": "pay" });
  expect(ancestry(spans, graphql)).toContain(http.name);
  // SQL: PostGraphile's statements under the GraphQL span, with their text.
  const sql = spans.filter((s) => s.name.startsWith("pg.query") && ancestry(spans, s).includes("mutation pay"));
  expect(sql.length).toBeGreaterThan(0);
  expect(sql.some((s) => String(s.attributes["db.query.text"] ?? s.attributes["db.statement"]).includes("app_public"))).toBe(true);
  // A transaction's BEGIN, COMMIT and settings statement that went well are not exported (core/tracing.ts).
  expect(spans.filter((s) => /^pg\.query:(BEGIN|COMMIT)\b/.test(s.name))).toEqual([]);
  // A statement's span is named by its operation and database, on one line.
  expect(spans.filter((s) => s.name.startsWith("pg.query:") && !/^pg\.query:[A-Z]+ \S+$/.test(s.name)).map((s) => s.name)).toEqual([]);
  expect(spans.filter((s) => /set_config\(/.test(String(s.attributes["db.query.text"])))).toEqual([]);
  // The capture job, under the operation that queued it.
  const capture = one(spans, (s) => s.name === "job process_payment_attempt", "job process_payment_attempt");
  expect(capture.kind).toBe(5);
  expect(ancestry(spans, capture)).toEqual(expect.arrayContaining(["mutation pay", http.name]));
  // The provider calls (fetch), under the job.
  const provider = spans.filter((s) => s.kind === 3 && String(s.attributes["url.full"]).includes("/simulated-provider/v1/charges"));
  expect(provider.length).toBeGreaterThanOrEqual(2); // authorize, capture
  for (const call of provider) expect(ancestry(spans, call)).toContain("job process_payment_attempt");
  // The receipt, queued by the capture, in the same trace.
  const receipt = one(spans, (s) => s.name === "job send_notification", "job send_notification");
  expect(ancestry(spans, receipt)).toContain("mutation pay");
  // Realtime delivered the changes of the payment's transactions (the
  // attempt the operation inserted, the capture the job recorded), each in a
  // span of the transaction's own span.
  const deliveries = spans.filter((s) => s.name === "realtime deliver");
  expect(deliveries.map((s) => ancestry(spans, s)[1]).sort()).toEqual(expect.arrayContaining(["job process_payment_attempt", "mutation pay"]));
  for (const delivery of deliveries) expect(String(delivery.attributes["keepr.realtime.tables"])).toMatch(/app_public\./);
  // The exports were OTLP's protobuf (the default protocol), with the configured header.
  expect(collector.requests.length).toBeGreaterThan(0);
  for (const request of collector.requests) expect(request).toBe("POST /v1/traces application/x-protobuf key=test-key");
  // Printed: the trace, as an operator would read it.
  console.log(`the trace (SQL left out):\n${treeOf(spans, (s) => !s.name.startsWith("pg."))}`);
});

it("a caller's sampled flag, a malformed traceparent and its own x-request-id: every request is traced, and its id is its trace id", async () => {
  // Sampled flag 00: still traced (a caller does not decide what is recorded).
  const unsampled = browserTraceparent();
  const quiet = await server.graphql("query Probe { __typename }", {}, { headers: { traceparent: `00-${unsampled.traceId}-${unsampled.spanId}-00` } });
  expect(quiet.headers.get("x-request-id")).toBe(unsampled.traceId);
  // Malformed: a new trace; a proxy's x-request-id is kept on the span, the request id is the trace id.
  const odd = await server.graphql("query Probe { __typename }", {}, { headers: { traceparent: "00-not-a-trace-01", "x-request-id": "proxy-abc-12345" } });
  const oddId = odd.headers.get("x-request-id")!;
  expect(oddId).toMatch(/^[0-9a-f]{32}$/);
  // A failed operation: its span says so, with the error's code.
  const refused = await server.graphql(
    `mutation Pay($i: UUID!, $t: String!, $k: String!) { pay(input: {intentId: $i, paymentToken: $t, idempotencyKey: $k}) { result { rowId } } }`,
    { i: "00000000-0000-4000-8000-000000000000", t: "tok_nothing", k: newKey() },
  );
  const refusedCode = refused.body.errors?.[0]?.extensions?.code;
  expect(refusedCode).toEqual(expect.any(String));
  const refusedId = refused.headers.get("x-request-id")!;
  await waitUntil(async () => {
    await tracing.flush();
    return [unsampled.traceId, oddId, refusedId].every((id) => inTrace(id).some((s) => s.kind === 2));
  }, "the three requests' spans at the collector", 30_000);
  expect(one(inTrace(unsampled.traceId), (s) => s.kind === 2, "server span").parentSpanId).toBe(unsampled.spanId);
  const oddServer = one(inTrace(oddId), (s) => s.kind === 2, "server span");
  expect(oddServer.parentSpanId).toBeUndefined();
  expect(oddServer.attributes["keepr.client_request_id"]).toBe("proxy-abc-12345");
  const failed = one(inTrace(refusedId), (s) => s.name === "mutation pay", "mutation pay");
  expect(failed.status).toBe(2);
  expect(failed.attributes["keepr.graphql.error_codes"]).toEqual([refusedCode]);
});
