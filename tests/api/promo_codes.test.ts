// Issue 22: promo codes through the GraphQL API, as a guest's app calls it:
// quote(promoCode) adds the code's discount line and names the code; a code
// that does not apply is PROMO_CODE with extensions.reason, and another
// property's code gets exactly the answer an unknown one gets (message and
// reason), so codes cannot be probed across properties.
import { createTestDatabase, inCommit, actAs, type TestDatabase } from "../helpers/db.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let h: Hotel;
let other: Hotel;
beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool);
  other = await createHotel(db.ownerPool);
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.manager });
    await c.query("select app_public.create_promo_code($1, 'AUTUMN25', 25, max_uses => 10)", [h.propertyId]);
    await actAs(c, { role: "keepr_staff", userId: other.manager });
    await c.query("select app_public.create_promo_code($1, 'ELSEWHERE', 50)", [other.propertyId]);
  });
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

const quoteDoc = `query($p: UUID!, $a: Date!, $d: Date!, $c: String) {
  quote(ratePlanId: $p, arrival: $a, departure: $d, promoCode: $c) { roomAmount totalAmount promoCode quoteToken lines { kind description amount } }
}`;
const arrival = () => localDate(h.timeZone, 30);

it("a code's discount is a line of the quote, the quote names it, and the hold and booking keep its price", async () => {
  const q = await server.graphql(quoteDoc, { p: h.ratePlanId, a: arrival(), d: addDays(arrival(), 2), c: "autumn25" });
  expect(q.body.errors).toBeUndefined();
  expect(q.body.data!.quote).toMatchObject({ roomAmount: "15000", totalAmount: "15000", promoCode: "AUTUMN25" });
  expect(q.body.data!.quote.lines).toContainEqual({ kind: "discount", description: "Promo code AUTUMN25 (25% off)", amount: "-5000" });
  const held = await server.graphql(`mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId totalAmount holdToken } } }`, {
    t: q.body.data!.quote.quoteToken, k: newKey(),
  });
  expect(held.body.errors).toBeUndefined();
  const confirmed = await server.graphql(
    `mutation($id: UUID!, $k: String!, $h: String) { confirmBooking(input: {reservationId: $id, idempotencyKey: $k, fullName: "Grace Hopper", email: "grace@example.com", holdToken: $h}) { result { status totalAmount } } }`,
    { id: held.body.data!.createHold.result.reservationId, k: newKey(), h: held.body.data!.createHold.result.holdToken },
  );
  expect(confirmed.body.errors).toBeUndefined();
  expect(confirmed.body.data!.confirmBooking.result).toEqual({ status: "confirmed", totalAmount: "15000" });
  const uses = (await db.ownerPool.query("select uses from app_public.promo_codes where property_id = $1 and code = 'AUTUMN25'", [h.propertyId])).rows[0].uses;
  expect(uses).toBe(1);
});

it("an unknown code and another property's code get the same PROMO_CODE answer; a wrong-dates code says so", async () => {
  const answer = async (code: string) => {
    const res = await server.graphql(quoteDoc, { p: h.ratePlanId, a: arrival(), d: addDays(arrival(), 2), c: code });
    expect(res.body.data?.quote ?? null).toBeNull();
    const { message, extensions } = res.body.errors![0]! as { message: string; extensions?: { code?: string; reason?: string } };
    return { message, code: extensions?.code, reason: extensions?.reason };
  };
  const unknown = await answer("NOSUCHCODE");
  expect(unknown).toEqual({ message: "This promo code is not valid here.", code: "PROMO_CODE", reason: "UNKNOWN" });
  expect(await answer("elsewhere")).toEqual(unknown);
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.manager });
    await c.query("select app_public.create_promo_code($1, 'NEWYEAR', 10, stays_from => $2, stays_until => $2)", [h.propertyId, addDays(arrival(), 60)]);
  });
  expect(await answer("NEWYEAR")).toMatchObject({ code: "PROMO_CODE", reason: "STAY_DATES" });
});

it("a guest cannot create or switch off codes", async () => {
  const res = await server.graphql(`mutation($p: UUID!) { createPromoCode(input: {propertyId: $p, code: "FREE100", percentOff: "100"}) { result { code } } }`, { p: h.propertyId });
  expect(res.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  expect(res.body.data?.createPromoCode ?? null).toBeNull();
  const count = (await db.ownerPool.query("select count(*)::int as n from app_public.promo_codes where code = 'FREE100'")).rows[0].n;
  expect(count).toBe(0);
  const id = (await db.ownerPool.query("select id from app_public.promo_codes where code = 'AUTUMN25'")).rows[0].id;
  const off = await server.graphql(`mutation($id: UUID!) { setPromoCodeActive(input: {promoCodeId: $id, isActive: false}) { result { isActive } } }`, { id });
  expect(off.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  expect((await db.ownerPool.query("select is_active from app_public.promo_codes where id = $1", [id])).rows[0].is_active).toBe(true);
});
