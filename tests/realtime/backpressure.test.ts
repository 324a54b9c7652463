// A client that stops reading must not make the server buffer without
// bound: once more than maxBufferedBytes wait for it, it is closed with
// 1008 and a reason, while the other subscribers keep receiving.
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { disconnect, EventQueue, rawClient, startRealtimeHarness, subscribed, type RealtimeHarness } from "./harness.ts";
import type { RealtimePostgresChangesPayload } from "@supabase/realtime-js";
import type { Transaction } from "../../realtime/types.ts";

const maxBufferedBytes = 256 * 1024;
let db: TestDatabase;
let h: RealtimeHarness;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startRealtimeHarness(db, {
    authorize: async (change, identities) => new Map(identities.map((identity) => [identity.key, change.columns.map((column) => column.name)])),
    authorizeChannel: async () => false,
    limits: { maxBufferedBytes },
  });
});

afterAll(async () => {
  await h.close();
  await db.drop();
});

const blob = "x".repeat(64 * 1024);
function blobInserted(id: number): Transaction {
  return {
    lsn: `0/${id.toString(16)}`,
    commitTimestamp: new Date().toISOString(),
    changes: [{
      schema: "app_public", table: "blobs", type: "INSERT",
      columns: [{ name: "id", type: "int4" }, { name: "body", type: "text" }],
      record: { id: String(id), body: blob }, oldRecord: null,
    }],
  };
}

it("a client that stops reading is dropped with 1008 and the reason, and the others keep receiving", async () => {
  const slow = await rawClient(h.url, h.anonKey);
  slow.send(["1", "1", "realtime:blobs", "phx_join", { config: { postgres_changes: [{ event: "INSERT", schema: "app_public", table: "blobs" }] } }]);
  await slow.frames.next(); // the join reply
  await slow.frames.next(); // "Subscribed to PostgreSQL"
  slow.socket.pause();

  const fast = h.client();
  const received = new EventQueue<RealtimePostgresChangesPayload<{ id: number }>>();
  const channel = fast.channel("blobs").on("postgres_changes", { event: "INSERT", schema: "app_public", table: "blobs" }, received.push);
  await subscribed(channel);

  // 25 MiB: far more than the kernel's socket buffers and the limit together.
  const published = 400;
  for (let id = 1; id <= published; id++) {
    await h.realtime.publish(blobInserted(id));
    await received.next((payload) => (payload.new as { id?: number }).id === id);
  }

  slow.socket.resume();
  const { code, reason } = await slow.closed;
  expect(code).toBe(1008);
  expect(reason).toMatch(/^too slow: \d+ bytes buffered$/);
  expect(Number(/\d+/.exec(reason)![0])).toBeGreaterThan(maxBufferedBytes);
  const changesSeenBySlow = slow.frames.seen.length - 2;
  expect(changesSeenBySlow).toBeLessThan(published);

  await h.realtime.publish(blobInserted(published + 1));
  expect((await received.next()).new).toMatchObject({ id: published + 1 });
  await disconnect(fast);
});
