// Issue 22: children's ages through the GraphQL API, as the guest app calls
// it, with hostile values: the typed answers (INVALID_INPUT with reason
// CHILD_AGES, RESTRICTED with CHILD_MIN_AGE) and never INTERNAL; a number
// beyond Int and a very long list are refused at the door or by the check;
// the ages travel in the quote token to the hold.
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let h: Hotel;
beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool, { maxOccupancy: 4, ratePlan: { child_free_below_age: 3, child_adult_from_age: 12, child_supplement_amount: 2500 } });
  await db.ownerPool.query("update app_public.properties set children_allowed = true, children_min_age = 2 where id = $1", [h.propertyId]);
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

const quoteDoc = `query($p: UUID!, $a: Date!, $d: Date!, $c: Int!, $ages: [Int]) {
  quote(ratePlanId: $p, arrival: $a, departure: $d, adults: 2, children: $c, childAges: $ages) { totalAmount childAges quoteToken lines { kind quantity amount } }
}`;
const arrival = () => localDate(h.timeZone, 30);
const quote = (children: number, ages: unknown) => server.graphql(quoteDoc, { p: h.ratePlanId, a: arrival(), d: addDays(arrival(), 1), c: children, ages });
const refusal = async (children: number, ages: unknown) => {
  const res = await quote(children, ages);
  const error = res.body.errors?.[0] as { extensions?: { code?: string; reason?: string } } | undefined;
  return `${error?.extensions?.code ?? "ok"} ${error?.extensions?.reason ?? ""}`.trim();
};

it("hostile ages get typed answers, never INTERNAL", async () => {
  expect(await refusal(1, [4, 6])).toBe("INVALID_INPUT CHILD_AGES");
  expect(await refusal(1, [-1])).toBe("INVALID_INPUT CHILD_AGES");
  expect(await refusal(1, [200])).toBe("INVALID_INPUT CHILD_AGES");
  expect(await refusal(1, [null])).toBe("INVALID_INPUT CHILD_AGES");
  expect(await refusal(1, null)).toBe("INVALID_INPUT CHILD_AGES");
  expect(await refusal(3, Array.from({ length: 10_000 }, () => 5))).toBe("INVALID_INPUT CHILD_AGES");
  // Beyond GraphQL's Int: refused before any SQL runs.
  expect((await refusal(1, [2 ** 40])).startsWith("INVALID_INPUT")).toBe(true);
  expect(await refusal(1, ["five"])).toMatch(/^INVALID_INPUT/);
  expect(await refusal(1, [1])).toBe("RESTRICTED CHILD_MIN_AGE");
});

it("the quote's ages and supplement travel in its token to the hold", async () => {
  const q = await quote(2, [5, 14]);
  expect(q.body.errors).toBeUndefined();
  // 100.00 + 25.00 (the 5-year-old) + the 14-year-old as a third adult (no extra-adult fee on this plan).
  expect(q.body.data!.quote).toMatchObject({ totalAmount: "12500", childAges: [5, 14] });
  expect(q.body.data!.quote.lines).toContainEqual({ kind: "child", quantity: 1, amount: "2500" });
  const held = await server.graphql(`mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId totalAmount } } }`,
    { t: q.body.data!.quote.quoteToken, k: newKey() });
  expect(held.body.errors).toBeUndefined();
  const row = (await db.ownerPool.query("select child_ages, total_amount::text from app_public.reservations where id = $1",
    [held.body.data!.createHold.result.reservationId])).rows[0];
  expect(row).toEqual({ child_ages: [5, 14], total_amount: "12500" });
});
