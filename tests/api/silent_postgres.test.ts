// The API on a Postgres that goes silent (issue 20): the host of its
// connections dies, or the network breaks, without closing them (a failover,
// a partition), while the address now leads to a Postgres that answers.
// Here a TCP proxy between the API's pool and the test database stops
// forwarding on every connection it holds and forwards new ones. Nothing
// tells the API; without a guard, a request on such a connection waits
// forever, and so does every later one once the pool's connections are all
// waiting. With STATEMENT_TIMEOUT_MS=1000, a query that hears nothing for
// 2 s has its connection closed: its request answers UNAVAILABLE (never
// INTERNAL), the pool drops the connection, and requests work again on new
// ones, within as many attempts as the pool had silent connections.
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { addDays, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { SilencingProxy } from "../helpers/silencing-proxy.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let proxy: SilencingProxy;
let server: TestServer;
let h: Hotel;

beforeAll(async () => {
  db = await createTestDatabase();
  const target = new URL(db.authenticatorUrl);
  proxy = new SilencingProxy({ host: target.hostname, port: Number(target.port) });
  await proxy.listen();
  server = await startTestServer(db, { AUTH_DATABASE_URL: proxy.url(db.authenticatorUrl), STATEMENT_TIMEOUT_MS: "1000" });
  h = await createHotel(db.ownerPool, { units: 2 });
});
afterAll(async () => {
  await server?.close();
  await proxy?.close();
  await db?.drop();
});

const search = () => {
  const arrival = addDays(localDate(h.timeZone), 10);
  return server.graphql(`query($a: Date!, $d: Date!, $p: UUID!) { searchAvailability(arrival: $a, departure: $d, adults: 2, propertyId: $p) { nodes { unitsLeft } } }`, {
    a: arrival,
    d: addDays(arrival, 2),
    p: h.propertyId,
  });
};

it("a request on a silent connection answers UNAVAILABLE, and the API works again on new connections", async () => {
  // Several connections open at once (the test server's pool holds 5).
  const warm = await Promise.all(Array.from({ length: 8 }, search));
  for (const r of warm) expect(r.body.data?.searchAvailability.nodes).toEqual([{ unitsLeft: 2 }]);
  const silenced = proxy.silence();
  expect(silenced).toBeGreaterThan(0);
  const connectionsBefore = proxy.connections;

  // One request at a time: each one either works or is told to retry.
  const codes: string[] = [];
  let answered = false;
  for (let attempt = 0; attempt <= silenced && !answered; attempt++) {
    const r = await search();
    if (r.body.data?.searchAvailability) {
      expect(r.body.data.searchAvailability.nodes).toEqual([{ unitsLeft: 2 }]);
      answered = true;
    } else {
      codes.push(String(r.body.errors?.[0]?.extensions?.code));
    }
  }
  expect(answered).toBe(true);
  expect(codes.every((code) => code === "UNAVAILABLE")).toBe(true);
  expect(proxy.connections).toBeGreaterThan(connectionsBefore); // new connections
  // And it stays working.
  for (const r of await Promise.all(Array.from({ length: 4 }, search))) expect(r.body.data?.searchAvailability.nodes).toEqual([{ unitsLeft: 2 }]);
}, 120_000);
