// Realtime failures are reported (core/error-reporting.ts) like the API's
// INTERNAL errors: an authorizer that fails when a client joins a private
// channel (its database gone, here an authorizer that throws) is sent to
// the Sentry-compatible endpoint, tagged where=realtime, scrubbed; the client
// is refused, not left hanging.
import { loadConfig } from "../../core/config.ts";
import { startErrorReporting, type ErrorReporting } from "../../core/error-reporting.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { startSink, type Sink } from "../helpers/sentry-sink.ts";
import { startRealtimeHarness, userToken, type RealtimeHarness } from "./harness.ts";
import { waitUntil } from "../helpers/wait.ts";

let db: TestDatabase;
let h: RealtimeHarness;
let sink: Sink;
let reporting: ErrorReporting | null;

beforeAll(async () => {
  sink = await startSink();
  reporting = await startErrorReporting(loadConfig({ NODE_ENV: "test", SENTRY_DSN: sink.dsn(9) }));
  db = await createTestDatabase();
  h = await startRealtimeHarness(db, {
    authorize: async () => new Map(),
    authorizeChannel: async () => {
      throw new Error("authorizer lost its database while checking desk@harbour.example");
    },
  });
});
afterAll(async () => {
  await h.close();
  await db.drop();
  await reporting?.stop();
  await sink.close();
});

it("a channel authorizer that fails is reported (where=realtime), scrubbed, and the join is refused", async () => {
  const token = userToken(db.jwtSecret, "keepr_staff");
  const client = h.client();
  client.setAuth(token);
  const channel = client.channel("property:00000000-0000-4000-8000-000000000001", { config: { private: true } });
  const answer = new Promise<string>((resolve) => channel.subscribe((status) => {
    if (status !== "SUBSCRIBED") resolve(status);
    else resolve("SUBSCRIBED");
  }));
  expect(await answer).not.toBe("SUBSCRIBED");
  await waitUntil(() => sink.events().length > 0, "the realtime event at the endpoint", 10_000);
  const { envelope, event } = sink.events()[0]!;
  expect(event.tags).toMatchObject({ where: "realtime", realtime: "authorize_channel" });
  expect(event.exception.values.at(-1).value).toBe("authorizer lost its database while checking [email]");
  expect(envelope.raw).not.toContain("desk@harbour.example");
  expect(envelope.raw).not.toContain(token);
});
