// Public queries over GET (server/graphql-cache.ts): an anonymous answer
// without errors is public with a strong ETag of its body, and the same
// request with that ETag in If-None-Match gets a 304; the answer with
// errors, or for a token, is private, no-store. The ETag and the error check
// are worked out once per body (a search cache hit sends the same buffer each
// time), so they must stay those of the body actually sent. The query
// string's parse is remembered (server/http.ts rememberingQueryParser): the
// same URL answers the same, another one its own.
import { createHash } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { addDays, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { rememberingQueryParser } from "../../server/http.ts";

let db: TestDatabase;
let server: TestServer;
let h: Hotel;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool);
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

const search = `query Search($arrival: Date!, $departure: Date!, $propertyId: UUID) {
  searchAvailability(arrival: $arrival, departure: $departure, adults: 2, children: 0, propertyId: $propertyId) { nodes { roomTypeId unitsLeft totalAmount } }
}`;
const get = (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/graphql?${new URLSearchParams({ query, variables: JSON.stringify(variables) })}`, { headers: { accept: "application/json", ...headers } });
const etagOf = (body: string) => `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;

it("an anonymous search over GET: public, an ETag of the body sent, 304 for it; the same answer again has the same ETag", async () => {
  const arrival = localDate(h.timeZone, 20);
  const variables = { arrival, departure: addDays(arrival, 2), propertyId: h.propertyId };
  const first = await get(search, variables);
  const body = await first.text();
  expect(first.status).toBe(200);
  expect(JSON.parse(body).data.searchAvailability.nodes.length).toBeGreaterThan(0);
  expect(first.headers.get("cache-control")).toBe("public, no-cache");
  expect(first.headers.get("etag")).toBe(etagOf(body));
  // Answered again (from the search cache when it holds it): the same bytes, the same tag, each time.
  for (let i = 0; i < 3; i++) {
    const again = await get(search, variables);
    const text = await again.text();
    expect(text).toBe(body);
    expect(again.headers.get("etag")).toBe(etagOf(text));
  }
  const revalidated = await get(search, variables, { "if-none-match": etagOf(body) });
  expect(revalidated.status).toBe(304);
  expect(await revalidated.text()).toBe("");

  // Another stay: another answer, its own tag (nothing of the first one's kept for it).
  const other = { arrival: addDays(arrival, 1), departure: addDays(arrival, 4), propertyId: h.propertyId };
  const second = await get(search, other);
  const secondBody = await second.text();
  expect(secondBody).not.toBe(body);
  expect(second.headers.get("etag")).toBe(etagOf(secondBody));
});

it("an answer with errors is private, no-store, and keeps its code; so is one for a token", async () => {
  const bad = await get(search, { arrival: "2026-02-30", departure: "2026-03-02" });
  const body = (await bad.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  expect(body.errors?.[0]?.extensions?.code).toBeTruthy();
  expect(bad.headers.get("cache-control")).toBe("private, no-store");
  expect(bad.headers.get("etag")).toBeNull();
  // A field aliased "errors" is data, not errors: still public.
  const aliased = await get("{ errors: __typename }", {});
  expect(await aliased.json()).toEqual({ data: { errors: "Query" } });
  expect(aliased.headers.get("cache-control")).toMatch(/^public/);
});

it("the query parser remembers a string's parse, frozen, and parses every other string on its own", () => {
  const parse = rememberingQueryParser(2);
  const a = parse("query=%7B%20a%20%7D&x=1&x=2");
  expect(a).toEqual({ query: "{ a }", x: ["1", "2"] });
  expect(parse("query=%7B%20a%20%7D&x=1&x=2")).toBe(a);
  expect(Object.isFrozen(a) && Object.isFrozen(a.x)).toBe(true);
  expect(parse("query=b")).toEqual({ query: "b" });
  // Full: emptied, then the strings parse again, equal.
  parse("c=1");
  expect(parse("query=%7B%20a%20%7D&x=1&x=2")).toEqual(a);
  expect(parse(null)).toEqual({});
  const long = `q=${"a".repeat(9_000)}`;
  expect(parse(long)).not.toBe(parse(long));
});
