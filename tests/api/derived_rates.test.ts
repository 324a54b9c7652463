// Derived rate plans through the GraphQL API (issue 21, revenue): a manager
// makes "Non-refundable = Flexible − 15 %" with createRatePlan; a guest's
// searchAvailability, quote, quoteGroup and createHold price it from the
// parent's nights (a calendar override included); the database's refusals
// reach the client typed (code and reason), never INTERNAL.
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { withPassword } from "../helpers/console.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let h: Hotel;
let manager: string;
let derivedId: string;
let arrival: string;

const errorOf = (res: { body: { errors?: Array<{ extensions?: { code?: string; reason?: string } }> } }) => {
  const e = res.body.errors?.[0]?.extensions;
  return e ? { code: e.code, reason: e.reason } : null;
};

async function tokenOf(userId: string): Promise<string> {
  const email = await withPassword(db.ownerPool, userId);
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword });
  return login.body.data!.login.result as string;
}

const createPlan = `mutation($input: RatePlanInput!) { createRatePlan(input: {ratePlan: $input}) { ratePlan { rowId basePrice parentRatePlanId adjustmentPercent roundingStep } } }`;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool, { units: 3 });
  manager = await tokenOf(h.manager);
  arrival = localDate(h.timeZone, 15);
  const created = await server.graphql(createPlan, {
    input: {
      propertyId: h.propertyId, roomTypeId: h.roomTypeId, name: "Non-refundable", currency: "EUR", basePrice: "0", isRefundable: false,
      parentRatePlanId: h.ratePlanId, adjustmentPercent: "-15", roundingStep: 100,
    },
  }, { token: manager });
  expect(created.body.errors).toBeUndefined();
  derivedId = created.body.data!.createRatePlan.ratePlan.rowId;
  expect(created.body.data!.createRatePlan.ratePlan).toMatchObject({ basePrice: "8500", parentRatePlanId: h.ratePlanId, roundingStep: 100 });
  // The parent costs 123.45 on the second night.
  const set = await server.graphql(
    `mutation($p: UUID!, $d: Date!, $k: String!) { setRates(input: {ratePlanId: $p, firstDate: $d, lastDate: $d, price: "12345", idempotencyKey: $k}) { result } }`,
    { p: h.ratePlanId, d: addDays(arrival, 1), k: newKey() },
    { token: manager },
  );
  expect(set.body.errors).toBeUndefined();
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

describe("a guest pays the derived plan's price on every path", () => {
  it("search, quote, quoteGroup and createHold give the parent's nights less 15 %, to whole euros", async () => {
    const search = await server.graphql(
      `query($a: Date!, $d: Date!, $p: UUID!) { searchAvailability(arrival: $a, departure: $d, propertyId: $p) { nodes { ratePlanId totalAmount } } }`,
      { a: arrival, d: addDays(arrival, 3), p: h.propertyId },
    );
    expect(search.body.errors).toBeUndefined();
    const totals = Object.fromEntries((search.body.data!.searchAvailability.nodes as Array<{ ratePlanId: string; totalAmount: string }>).map((n) => [n.ratePlanId, n.totalAmount]));
    // 100.00 + 123.45 + 100.00; and 85.00 + 104.93 → 105.00 + 85.00.
    expect(totals).toEqual({ [h.ratePlanId]: "32345", [derivedId]: "27500" });

    const quote = await server.graphql(
      `query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken totalAmount lines { kind amount } } }`,
      { p: derivedId, a: arrival, d: addDays(arrival, 3) },
    );
    expect(quote.body.errors).toBeUndefined();
    const q = quote.body.data!.quote as { quoteToken: string; totalAmount: string; lines: Array<{ kind: string; amount: string }> };
    expect([q.totalAmount, q.lines.filter((l) => l.kind === "night").map((l) => l.amount)]).toEqual(["27500", ["8500", "10500", "8500"]]);

    const group = await server.graphql(
      `query($r: [GroupRoomInput]!, $a: Date!, $d: Date!) { quoteGroup(rooms: $r, arrival: $a, departure: $d) { totalAmount } }`,
      { r: [{ ratePlanId: derivedId, adults: 2, children: 0 }, { ratePlanId: h.ratePlanId, adults: 2, children: 0 }], a: arrival, d: addDays(arrival, 3) },
    );
    expect(group.body.errors).toBeUndefined();
    expect(group.body.data!.quoteGroup.totalAmount).toBe(String(27500 + 32345));

    const held = await server.graphql(`mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { totalAmount } } }`, { t: q.quoteToken, k: newKey() });
    expect(held.body.errors).toBeUndefined();
    expect(held.body.data!.createHold.result.totalAmount).toBe("27500");
  });
});

describe("the database's refusals reach the client typed", () => {
  it("a price of its own on the derived plan: INVALID_INPUT DERIVED_PRICE", async () => {
    const res = await server.graphql(
      `mutation($p: UUID!, $d: Date!, $k: String!) { setRates(input: {ratePlanId: $p, firstDate: $d, lastDate: $d, price: "9000", idempotencyKey: $k}) { result } }`,
      { p: derivedId, d: arrival, k: newKey() },
      { token: manager },
    );
    expect(errorOf(res)).toEqual({ code: "INVALID_INPUT", reason: "DERIVED_PRICE" });
  });

  it("another property's plan as parent: INVALID_INPUT PARENT; a chain: PARENT; two adjustments: ADJUSTMENT", async () => {
    const other = await createHotel(db.ownerPool);
    const base = { propertyId: h.propertyId, roomTypeId: h.roomTypeId, currency: "EUR", basePrice: "0", adjustmentPercent: "-10" };
    expect(errorOf(await server.graphql(createPlan, { input: { ...base, name: "Theirs", parentRatePlanId: other.ratePlanId } }, { token: manager }))).toEqual({ code: "INVALID_INPUT", reason: "PARENT" });
    expect(errorOf(await server.graphql(createPlan, { input: { ...base, name: "Chained", parentRatePlanId: derivedId } }, { token: manager }))).toEqual({ code: "INVALID_INPUT", reason: "PARENT" });
    expect(errorOf(await server.graphql(createPlan, { input: { ...base, name: "Both", parentRatePlanId: h.ratePlanId, adjustmentAmount: "500" } }, { token: manager }))).toEqual({ code: "INVALID_INPUT", reason: "ADJUSTMENT" });
  });

  it("deleting or unpublishing the parent: INVALID_TRANSITION DERIVED_PLANS; the front desk may not make one", async () => {
    const plan = (await server.graphql(`query($id: UUID!) { ratePlanByRowId(rowId: $id) { id } }`, { id: h.ratePlanId }, { token: manager })).body.data!.ratePlanByRowId.id as string;
    expect(errorOf(await server.graphql(`mutation($id: ID!) { deleteRatePlan(input: {id: $id}) { deletedRatePlanId } }`, { id: plan }, { token: manager }))).toEqual({ code: "INVALID_TRANSITION", reason: "DERIVED_PLANS" });
    expect(errorOf(await server.graphql(`mutation($id: ID!) { updateRatePlan(input: {id: $id, ratePlanPatch: {isPublished: false}}) { ratePlan { isPublished } } }`, { id: plan }, { token: manager }))).toEqual({ code: "INVALID_TRANSITION", reason: "DERIVED_PLANS" });
    const desk = await tokenOf(h.frontDesk);
    const refused = await server.graphql(createPlan, { input: { propertyId: h.propertyId, roomTypeId: h.roomTypeId, currency: "EUR", basePrice: "0", name: "Desk's", parentRatePlanId: h.ratePlanId, adjustmentPercent: "-50" } }, { token: desk });
    expect(errorOf(refused)?.code).toBe("FORBIDDEN");
    expect((await db.ownerPool.query("select count(*)::int as n from app_public.rate_plans where property_id = $1", [h.propertyId])).rows[0].n).toBe(2);
  });
});
