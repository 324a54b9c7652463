// Tracing off (no collector configured, the default): nothing of
// OpenTelemetry's SDK is registered, no module is patched, no span is made,
// no header is added to outgoing calls and jobs carry no trace. The request
// id still follows a caller's traceparent, so the guest app's actions and
// the server's logs and audit rows share an id.
import diagnosticsChannel from "node:diagnostics_channel";
import http from "node:http";
import { trace } from "@opentelemetry/api";
import { Logger, runOnce } from "graphile-worker";
import pg from "pg";
import { loadConfig } from "../../core/config.ts";
import { callGraphQL } from "../../shared/graphql-http.ts";
import { startTracing, tracingEnabled } from "../../core/tracing.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let h: Hotel;

beforeAll(async () => {
  const tracing = await startTracing(loadConfig({ NODE_ENV: "test" }));
  expect(tracing.enabled).toBe(false);
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool, { units: 2 });
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

const isWrapped = (f: unknown) => typeof f === "function" && "__wrapped" in f;

it("registers no tracer provider and patches nothing", () => {
  expect(loadConfig({ NODE_ENV: "test" }).tracesUrl).toBeNull();
  expect(tracingEnabled()).toBe(false);
  const span = trace.getTracer("probe").startSpan("probe");
  expect(span.isRecording()).toBe(false);
  span.end();
  expect(isWrapped(http.Server.prototype.emit)).toBe(false);
  expect(isWrapped(http.request)).toBe(false);
  expect(isWrapped(pg.Client.prototype.query)).toBe(false);
  expect(isWrapped(Object.getPrototypeOf(pg.Pool).prototype.connect)).toBe(false);
  expect(diagnosticsChannel.channel("undici:request:create").hasSubscribers).toBe(false);
});

it("the request id is the trace id of a caller's traceparent, else x-request-id, else a new one; jobs carry no trace", async () => {
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const arrival = localDate(h.timeZone, 12);
  const q = await server.graphql(`query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`, {
    p: h.ratePlanId, a: arrival, d: addDays(arrival, 2),
  });
  const held = await server.graphql(
    `mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId holdToken } } }`,
    { t: q.body.data!.quote.quoteToken, k: newKey() },
    { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, "x-request-id": "proxy-request-1234" } },
  );
  expect(held.headers.get("x-request-id")).toBe(traceId);
  const { reservationId, holdToken } = held.body.data!.createHold.result;
  const audit = await db.ownerPool.query("select distinct request_id from audit.events where table_name = 'reservations' and row_id = $1 and operation = 'INSERT'", [reservationId]);
  expect(audit.rows).toEqual([{ request_id: traceId }]);

  // A confirmation queues its message; the job's payload is as the SQL wrote it.
  const confirmed = await server.graphql(
    `mutation($id: UUID!, $k: String!, $h: String!) { confirmBooking(input: {reservationId: $id, idempotencyKey: $k, fullName: "Ada Lovelace", email: "ada@example.com", holdToken: $h}) { result { status } } }`,
    { id: reservationId, k: newKey(), h: holdToken },
    { headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } },
  );
  expect(confirmed.body.data!.confirmBooking.result.status).toBe("confirmed");
  const payloads: unknown[] = [];
  await runOnce({ pgPool: db.ownerPool, logger: new Logger(() => () => {}), taskList: { send_notification: async (payload) => void payloads.push(payload) } });
  expect(payloads.length).toBeGreaterThan(0);
  for (const payload of payloads) expect(Object.keys(payload as object)).toEqual(["id"]);

  // Malformed or all-zero traceparents are ignored: x-request-id, then a new uuid.
  for (const bad of ["00-00000000000000000000000000000000-00f067aa0ba902b7-01", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", `00-${"a".repeat(4000)}`]) {
    const given = await server.graphql("{ __typename }", {}, { headers: { traceparent: bad, "x-request-id": "proxy-request-5678" } });
    expect(given.headers.get("x-request-id")).toBe("proxy-request-5678");
    const made = await server.graphql("{ __typename }", {}, { headers: { traceparent: bad } });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  }
});

it("the apps' GraphQL calls each send a new traceparent, whose trace id the server takes as the request id", async () => {
  const sent: string[] = [];
  const answered: Array<string | null> = [];
  for (let i = 0; i < 2; i++) {
    await callGraphQL(
      {
        endpoint: `${server.url}/graphql`,
        document: { name: "Probe", source: "query Probe { __typename }" },
        variables: {},
        fetch: async (input, init) => {
          sent.push((init.headers as Record<string, string>).traceparent!);
          const response = await fetch(input, init);
          answered.push(response.headers.get("x-request-id"));
          return response;
        },
      },
      (failure) => new Error(failure.kind),
    );
  }
  for (const header of sent) expect(header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  expect(new Set(sent).size).toBe(2);
  expect(answered).toEqual(sent.map((header) => header.slice(3, 35)));
});
