// Unexpected errors reach a Sentry-compatible endpoint (core/error-reporting.ts):
// a plain HTTP server in the test (tests/helpers/sentry-sink.ts) reads the
// envelopes @sentry/node posts to /api/<project>/envelope/. The error is provoked through the real API: in
// this test's own database a trigger makes the guest insert of
// confirmBooking fail with an error Keepr does not map (XX000), its message
// carrying the guest's email, phone, and tokens. The event carries the
// request's trace id and none of the guest's data; a typed error (NOT_FOUND)
// is never sent; Sentry installs no tracer provider and patches nothing.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { trace } from "@opentelemetry/api";
import { loadConfig } from "../../core/config.ts";
import { scrubText, startErrorReporting, type ErrorReporting } from "../../core/error-reporting.ts";
import { fileDatabase } from "../helpers/db.ts";
import { addDays, createHotel, localDate, newKey, oneNightBooked, type Hotel } from "../helpers/booking.ts";
import { spawnWorker, kill } from "../helpers/worker-process.ts";
import { newOutbox } from "../helpers/jobs.ts";
import { inCommit } from "../helpers/db.ts";
import type { ChildProcess } from "node:child_process";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { waitUntil } from "../helpers/wait.ts";
import { startSink, type Envelope, type Sink } from "../helpers/sentry-sink.ts";

let sink: Sink;
let reporting: ErrorReporting | null;
let server: TestServer;
let h: Hotel;
const children: ChildProcess[] = [];
const db = fileDatabase({ beforeDrop: async () => {
  await Promise.all(children.map(kill));
  await reporting?.stop();
  await server?.close();
  await sink?.close();
} });

beforeAll(async () => {
  sink = await startSink();
  reporting = await startErrorReporting(loadConfig({ NODE_ENV: "test", SENTRY_DSN: sink.dsn(42), SENTRY_RELEASE: "keepr@test" }));
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool, { units: 2 });
});

const events = () => sink.events();

it("an INTERNAL error of a guest booking is reported once, with the request's trace id and none of the guest's data; a NOT_FOUND is not reported", async () => {
  const guest = { fullName: "Wilhelmina Quartermaine", email: "wilhelmina.q@example.org", phone: "+351 912 345 678" };
  // A guest row that cannot be stored, for a reason Keepr does not know
  // (XX000 is not mapped), saying everything it should not.
  await db.ownerPool.query(`
    create or replace function app_private.test_refuse_guest() returns trigger language plpgsql as $$
    begin
      raise exception 'cannot store guest <%> phone % (hold %, card tok_4242abcd4242abcd, session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl)',
        new.email, new.phone, app_private.sign('hold:' || new.id) using errcode = 'XX000';
    end $$;
    create trigger test_refuse_guest before insert on app_public.guests for each row execute function app_private.test_refuse_guest();`);

  // A typed answer first: not reported.
  const notFound = await server.graphql(
    `mutation($k: String!) { confirmBooking(input: {reservationId: "00000000-0000-4000-8000-000000000000", idempotencyKey: $k, fullName: "X Y", email: "x@example.com"}) { result { status } } }`,
    { k: newKey() },
  );
  expect(notFound.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");

  const browserTrace = randomBytes(16).toString("hex");
  const arrival = localDate(h.timeZone, 30);
  const q = await server.graphql(`query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`, { p: h.ratePlanId, a: arrival, d: addDays(arrival, 2) });
  const held = await server.graphql(`mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId holdToken } } }`, {
    t: q.body.data!.quote.quoteToken, k: newKey(),
  });
  const { reservationId, holdToken } = held.body.data!.createHold.result as { reservationId: string; holdToken: string };
  const confirmed = await server.graphql(
    `mutation($id: UUID!, $k: String!, $n: String!, $e: String!, $p: String, $h: String) { confirmBooking(input: {reservationId: $id, idempotencyKey: $k, fullName: $n, email: $e, phone: $p, holdToken: $h}) { result { status } } }`,
    { id: reservationId, k: newKey(), n: guest.fullName, e: guest.email, p: guest.phone, h: holdToken },
    // As the guest app sends it: the request id is then this trace's id.
    { headers: { traceparent: `00-${browserTrace}-b7ad6b7169203331-01` } },
  );
  expect(confirmed.body.errors?.[0]?.extensions?.code).toBe("INTERNAL");
  const requestId = confirmed.headers.get("x-request-id")!;
  expect(requestId).toBe(browserTrace);

  await waitUntil(async () => events().length > 0, "the INTERNAL error's event at the endpoint");
  // Whatever else was queued has been sent by now.
  const Sentry = await import("@sentry/node");
  await Sentry.flush(5_000);
  expect(events()).toHaveLength(1);
  const [{ envelope, event }] = events() as [{ envelope: Envelope; event: any }];
  expect(new URL(envelope.path, sink.url).pathname).toBe("/api/42/envelope/");

  // The trace: the request id is the trace id (32 hex digits); as tag, in contexts.trace and the envelope's trace header.
  const traceId = requestId;
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(event.tags).toMatchObject({ trace_id: traceId, request_id: requestId, where: "graphql", graphql_path: "confirmBooking" });
  expect(event.contexts.trace.trace_id).toBe(traceId);
  expect(envelope.header.trace?.trace_id ?? traceId).toBe(traceId);
  expect(event).toMatchObject({ level: "error", environment: "test", release: "keepr@test" });
  expect(event.exception.values.at(-1).value).toContain("cannot store guest <[email]> phone [phone]");

  // Nothing of the guest, nor any token, anywhere in the bytes sent.
  const digits = guest.phone.replace(/\D/g, "");
  for (const secret of [guest.email, guest.fullName, "Wilhelmina", "Quartermaine", guest.phone, digits, "912 345 678", holdToken, "tok_4242abcd4242abcd", "eyJhbGciOiJIUzI1NiJ9", "c2lnbmF0dXJl"]) {
    expect(envelope.raw).not.toContain(secret);
  }
  expect(envelope.raw).not.toMatch(/@example\.org/);
  expect(event.request).toBeUndefined();
  expect(event.user).toBeUndefined();
  expect(event.breadcrumbs ?? []).toEqual([]);
  for (const value of event.exception.values) for (const frame of value.stacktrace?.frames ?? []) expect(frame.vars).toBeUndefined();
});

it("Sentry runs as a reporter only: no tracer provider of its own, no http/fetch/console/pg patching integrations, no transactions", async () => {
  const Sentry = await import("@sentry/node");
  const client = Sentry.getClient()!;
  expect(client).toBeDefined();
  for (const name of ["Http", "NodeFetch", "Console", "Postgres", "Express", "Graphql", "LocalVariables", "RequestData"]) {
    expect(client.getIntegrationByName(name)).toBeUndefined();
  }
  expect(client.getOptions().tracesSampleRate).toBeUndefined();
  // The global OpenTelemetry tracer provider is still the API's no-op proxy with no delegate Sentry set.
  const tracer = trace.getTracerProvider().getTracer("probe");
  const span = tracer.startSpan("probe");
  expect(span.isRecording()).toBe(false);
  span.end();
});

it("the scrubber replaces emails, phones, JWTs, bearer and card tokens, long secrets and query strings, and keeps ids", () => {
  const uuid = "3f2a1b0c-1d2e-4f3a-8b4c-5d6e7f8a9b0c";
  const trace32 = "4bf92f3577b34da6a3ce929d0e0e4736";
  expect(scrubText(`guest ana.silva+promo@mail.example.pt at +44 (20) 7946-0958 or 00351912345678 or 912345678`)).toBe("guest [email] at [phone] or [phone] or [phone]");
  expect(scrubText("Authorization: Bearer abc.def.ghi and eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoia2VlcHJfYW5vbnltb3VzIn0.Zm9vYmFy")).toBe("Authorization: Bearer [token] and [token]");
  expect(scrubText("card tok_0123456789abcdef01234567 hold Xk3_9aQ-Lm2PzR8vT4wY6uI1oE5nB7cD0fG2hJ4kM8s")).toBe("card [card-token] hold [token]");
  expect(scrubText("GET https://user:pw@ical.example.com/feed.ics?token=abc&x=1 failed")).toBe("GET https://[credentials]@ical.example.com/feed.ics?[query] failed");
  expect(scrubText(`reservation ${uuid} trace ${trace32} on 2026-12-05 for 3 nights, 30000 cents`)).toBe(`reservation ${uuid} trace ${trace32} on 2026-12-05 for 3 nights, 30000 cents`);
  // Ids that begin like an international number or hold a run of digits stay whole (a CI run saw a trace id
  // "0041701400c5468c…" come out as "[phone]c5468c…"); the numbers beside them are still scrubbed.
  for (const id of ["0041701400c5468c6ca642d8faac232d", "00417014-1234-4f3a-8b4c-5d6e7f8a9b0c", "123456789012345a"]) {
    expect(scrubText(`trace ${id} for 0041 701 400 123`)).toBe(`trace ${id} for [phone]`);
  }
  expect(scrubText("call 00417014001 now")).toBe("call [phone] now");
  expect(scrubText("a forged \u00000\u0000 marker")).toBe("a forged 0 marker");
});

it("npm run worker with SENTRY_DSN reports a job's unexpected error with its task, scrubbed; a mail provider's outage is retried, not reported", async () => {
  await db.ownerPool.query("drop trigger if exists test_refuse_guest on app_public.guests");
  // Recording a sent text fails for a reason Keepr does not know; the
  // mail server (a closed port) is simply down.
  await db.ownerPool.query(`
    create or replace function app_private.test_refuse_sms() returns trigger language plpgsql as $$
    begin
      raise exception 'cannot record the text to % for %', new.recipient, new.id using errcode = 'XX000';
    end $$;
    create trigger test_refuse_sms before update on app_public.notifications for each row
      when (new.channel = 'sms' and new.status = 'sent') execute function app_private.test_refuse_sms();`);
  const reservationId = await inCommit(db.ownerPool, (c) => oneNightBooked(c));
  const confirmation = "select channel, status, last_error from app_public.notifications where reservation_id = $1 and template = 'confirmation' order by channel";
  const closedPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const before = events().length;
  const worker = spawnWorker(db, {
    SENTRY_DSN: sink.dsn(43), SENTRY_ENVIRONMENT: "worker-test",
    OUTBOX_DIR: newOutbox(), SMTP_URL: `smtp://127.0.0.1:${closedPort}`, SMTP_TIMEOUT_MS: "1000",
  });
  children.push(worker);
  const jobEvents = () => events().slice(before).filter(({ event }) => event.tags?.where === "job");
  await waitUntil(async () => jobEvents().length > 0, "the job's event at the endpoint", 60_000);
  // The email's try has failed too (the provider down) by now.
  await waitUntil(async () => (await db.ownerPool.query(confirmation, [reservationId])).rows[0]?.last_error != null, "the email's failed try", 60_000);
  // A graceful stop sends what is queued (error reporting stops last).
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  worker.kill("SIGTERM");
  await exited;

  const reported = jobEvents();
  expect(reported.length).toBeGreaterThan(0);
  for (const { envelope, event } of reported) {
    expect(new URL(envelope.path, sink.url).pathname).toBe("/api/43/envelope/");
    expect(event).toMatchObject({ environment: "worker-test", tags: { where: "job", job_task: "send_notification" } });
    expect(event.exception.values.at(-1).value).toContain("cannot record the text to [phone] for");
    expect(envelope.raw).not.toContain("7946");
    expect(envelope.raw).not.toContain("ada@example.com");
    expect(envelope.raw).not.toContain("Ada Lovelace");
  }
  // The outage is in the metrics and the notification's last_error, not in the tracker.
  const types = events().slice(before).flatMap(({ event }) => (event.exception?.values ?? []).map((v: { type: string; value: string }) => `${v.type}: ${v.value}`));
  expect(types.filter((t) => /ProvidersUnavailable|no email provider/.test(t))).toEqual([]);
  expect((await db.ownerPool.query(confirmation, [reservationId])).rows).toEqual([
    { channel: "email", status: "pending", last_error: expect.stringContaining("no email provider took the message") },
    { channel: "sms", status: "pending", last_error: expect.stringContaining("cannot record the text") },
  ]);
});
