// Error reporting with tracing on, started in the order core/process.ts
// starts them (error reporting, then tracing): Sentry leaves OpenTelemetry's
// tracer provider alone (the spans still reach the OTLP collector), and the
// event of an INTERNAL error carries the trace id of the request's active
// span, which is the request id and the id of the trace at the collector.
import { trace } from "@opentelemetry/api";
import { loadConfig } from "../../core/config.ts";
import { startErrorReporting, type ErrorReporting } from "../../core/error-reporting.ts";
import { startTracing, type Tracing } from "../../core/tracing.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { startCollector, type Collector } from "../helpers/tracing.ts";
import { startSink, type Sink } from "../helpers/sentry-sink.ts";
import { waitUntil } from "../helpers/wait.ts";
import { addDays, createHotel, localDate, newKey } from "../helpers/booking.ts";

let sink: Sink;
let collector: Collector;
let reporting: ErrorReporting | null;
let tracing: Tracing;
let db: TestDatabase;
let server: TestServer;

beforeAll(async () => {
  sink = await startSink();
  collector = await startCollector();
  reporting = await startErrorReporting(loadConfig({ NODE_ENV: "test", SENTRY_DSN: sink.dsn(7) }));
  // Before the server is built: tracing patches http, express and pg.
  tracing = await startTracing({ tracesUrl: `${collector.url}/v1/traces`, OTEL_EXPORTER_OTLP_HEADERS: undefined, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_SERVICE_NAME: "keepr-test", OTEL_TRACES_SAMPLER_ARG: 1 }, { scheduledDelayMillis: 100 });
  db = await createTestDatabase();
  server = await startTestServer(db);
});
afterAll(async () => {
  await server.close();
  await db.drop();
  await reporting?.stop();
  await tracing.shutdown();
  await collector.close();
  await sink.close();
});

it("an INTERNAL error's event carries its request's trace id, the trace reaches the collector, and Sentry installed no tracer of its own", async () => {
  expect(tracing.enabled).toBe(true);
  // A hold that cannot be stored, for a reason Keepr does not map (XX000).
  const h = await createHotel(db.ownerPool);
  await db.ownerPool.query(`
    create or replace function app_private.test_fail_hold() returns trigger language plpgsql as $$
    begin raise exception 'reservation storage is broken' using errcode = 'XX000'; end $$;
    create trigger test_fail_hold before insert on app_public.reservations for each row execute function app_private.test_fail_hold();`);
  const arrival = localDate(h.timeZone, 20);
  const q = await server.graphql(`query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`, { p: h.ratePlanId, a: arrival, d: addDays(arrival, 2) });
  const failing = await server.graphql(`mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId } } }`, {
    t: q.body.data!.quote.quoteToken, k: newKey(),
  });
  expect(failing.body.errors?.[0]?.extensions?.code).toBe("INTERNAL");
  const requestId = failing.headers.get("x-request-id")!;
  expect(requestId).toMatch(/^[0-9a-f]{32}$/);
  await waitUntil(async () => sink.events().length > 0, "the event");
  const { event } = sink.events()[0]!;
  expect(event.tags.trace_id).toBe(requestId);
  expect(event.contexts.trace.trace_id).toBe(requestId);
  // The span the error happened in (the GraphQL operation's), or its parent, is one of the trace's
  // (spans reach the collector in batches as they end: wait for it, not for the first of the trace).
  const ofTheError = () => collector.spans
    .filter((s) => s.traceId === requestId && [event.contexts.trace.span_id, event.contexts.trace.parent_span_id].includes(s.spanId));
  await waitUntil(async () => ofTheError().length > 0, "the span of the error (or its parent) at the collector");
  expect(ofTheError().length).toBeGreaterThan(0);
  expect(trace.getTracerProvider().getTracer("probe").startSpan("probe").isRecording()).toBe(true);
});
