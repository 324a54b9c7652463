// Issue 22: promo codes on group bookings and at the front desk, through the
// GraphQL API: quoteGroup(promoCode) names the code and puts its line on
// every room; createGroupHold and confirmGroup take the token as they are
// and count one use; a code that does not fit one room is PROMO_CODE naming
// the room; deskQuote(promoCode) for the front desk, INVALID_INPUT
// (PROMO_WITH_OVERRIDE) with an override.
import { createTestDatabase, inCommit, actAs, type TestDatabase } from "../helpers/db.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let h: Hotel;
let secondPlan: string;
let deskToken: string;
const password = "correct horse battery staple";

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool, { units: 4 });
  secondPlan = (await db.ownerPool.query<{ id: string }>(
    "insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests) values ($1, $2, 'Second', 'EUR', 12000, 2) returning id",
    [h.propertyId, h.roomTypeId],
  )).rows[0]!.id;
  await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.manager });
    await c.query("select app_public.create_promo_code($1, 'GROUP10', 10, max_uses => 5)", [h.propertyId]);
    await c.query("select app_public.create_promo_code($1, 'FIRSTPLAN', 10, rate_plan_ids => array[$2::uuid])", [h.propertyId, h.ratePlanId]);
  });
  await db.ownerPool.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, crypt($2, gen_salt('bf', 4)))", [h.frontDesk, password]);
  const email = (await db.ownerPool.query<{ email: string }>("select email from app_public.users where id = $1", [h.frontDesk])).rows[0]!.email;
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: password });
  deskToken = login.body.data!.login.result as string;
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

const groupDoc = `query($r: [GroupRoomInput]!, $a: Date!, $d: Date!, $c: String) {
  quoteGroup(rooms: $r, arrival: $a, departure: $d, promoCode: $c) { totalAmount promoCode quoteToken rooms { roomNo quote { promoCode lines { kind description amount } } } }
}`;
const errorOf = (res: { body: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }) => {
  const e = res.body.errors?.[0];
  return { message: e?.message, code: e?.extensions?.code, reason: e?.extensions?.reason };
};

it("a group's code is on every room's lines and counted once when the group is confirmed", async () => {
  const arrival = localDate(h.timeZone, 20);
  const rooms = [{ ratePlanId: h.ratePlanId, adults: 2, children: 0 }, { ratePlanId: secondPlan, adults: 1, children: 0 }];
  const q = await server.graphql(groupDoc, { r: rooms, a: arrival, d: addDays(arrival, 1), c: "group10" });
  expect(q.body.errors).toBeUndefined();
  const quote = q.body.data!.quoteGroup;
  expect([quote.totalAmount, quote.promoCode]).toEqual(["19800", "GROUP10"]);
  expect(quote.rooms.map((r: { quote: { lines: Array<{ kind: string; description: string; amount: string }> } }) =>
    r.quote.lines.filter((l) => l.kind === "discount"))).toEqual([
    [{ kind: "discount", description: "Promo code GROUP10 (10% off)", amount: "-1000" }],
    [{ kind: "discount", description: "Promo code GROUP10 (10% off)", amount: "-1200" }],
  ]);
  const held = await server.graphql(
    `mutation($t: String!, $k: String!) { createGroupHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { bookingGroupId totalAmount holdToken } } }`,
    { t: quote.quoteToken, k: newKey() },
  );
  expect(held.body.errors).toBeUndefined();
  const group = held.body.data!.createGroupHold.result;
  const confirmed = await server.graphql(
    `mutation($id: UUID!, $k: String!, $h: String) { confirmGroup(input: {bookingGroupId: $id, idempotencyKey: $k, fullName: "Grace Hopper", email: "grace@example.com", holdToken: $h}) { result { status totalAmount } } }`,
    { id: group.bookingGroupId, k: newKey(), h: group.holdToken },
  );
  expect(confirmed.body.errors).toBeUndefined();
  expect(confirmed.body.data!.confirmGroup.result).toEqual([{ status: "confirmed", totalAmount: "9000" }, { status: "confirmed", totalAmount: "10800" }]);
  const uses = (await db.ownerPool.query("select uses from app_public.promo_codes where property_id = $1 and code = 'GROUP10'", [h.propertyId])).rows[0].uses;
  expect(uses).toBe(1);
});

it("a code not for one room's rate is PROMO_CODE naming that room; a huge code is an unknown one", async () => {
  const arrival = localDate(h.timeZone, 25);
  const rooms = [{ ratePlanId: h.ratePlanId, adults: 2, children: 0 }, { ratePlanId: secondPlan, adults: 2, children: 0 }];
  const refused = await server.graphql(groupDoc, { r: rooms, a: arrival, d: addDays(arrival, 1), c: "FIRSTPLAN" });
  expect(refused.body.data?.quoteGroup ?? null).toBeNull();
  expect(errorOf(refused)).toEqual({ message: "Room 2: This promo code is not for this rate.", code: "PROMO_CODE", reason: "RATE_PLAN" });
  const huge = await server.graphql(groupDoc, { r: rooms, a: arrival, d: addDays(arrival, 1), c: "X".repeat(5000) });
  expect(errorOf(huge)).toMatchObject({ code: "PROMO_CODE", reason: "UNKNOWN" });
});

it("the desk applies a code with deskQuote; with an override it is INVALID_INPUT (PROMO_WITH_OVERRIDE); a guest may not call deskQuote", async () => {
  const arrival = localDate(h.timeZone, 3);
  const doc = `query($p: UUID!, $a: Date!, $d: Date!, $c: String, $pct: BigFloat, $why: String) {
    deskQuote(ratePlanId: $p, arrival: $a, departure: $d, promoCode: $c, discountPercent: $pct, overrideReason: $why) { totalAmount promoCode lines { kind description amount } }
  }`;
  const vars = { p: h.ratePlanId, a: arrival, d: addDays(arrival, 1), c: "group10" };
  const q = await server.graphql(doc, vars, { token: deskToken });
  expect(q.body.errors).toBeUndefined();
  expect(q.body.data!.deskQuote).toMatchObject({ totalAmount: "9000", promoCode: "GROUP10" });
  const both = await server.graphql(doc, { ...vars, pct: "5", why: "Regular guest" }, { token: deskToken });
  expect(errorOf(both)).toEqual({ message: "A promo code and a rate override do not combine; use one of them.", code: "INVALID_INPUT", reason: "PROMO_WITH_OVERRIDE" });
  const guest = await server.graphql(doc, vars);
  expect(guest.body.data?.deskQuote ?? null).toBeNull();
  expect(guest.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
});
