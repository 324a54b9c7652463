// The payment guarantee, the card on file and the no-show time through the
// GraphQL API, as the desk, a manager, a guest with a booking token and
// anonymous callers would call it: typed codes with reasons (PAYMENT_DUE,
// NO_SHOW_TOO_EARLY, NO_CARD_ON_FILE, INVALID_TRANSITION), hostile input
// (a NUL in a reason, an amount beyond 64 bits, a malformed date, another
// tenant's ids) answered as INVALID_INPUT / NOT_FOUND / FORBIDDEN, never INTERNAL.
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let h: Hotel;
let other: Hotel;
let desk: string;
let manager: string;
let otherOwner: string;

type Response = Awaited<ReturnType<TestServer["graphql"]>>;
const errorOf = (res: Response) => {
  const e = res.body.errors?.[0] as { message: string; extensions?: { code?: string; reason?: string } } | undefined;
  return e ? { code: e.extensions?.code, reason: e.extensions?.reason, message: e.message } : null;
};

async function signIn(userId: string): Promise<string> {
  await db.ownerPool.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, crypt($2, gen_salt('bf', 4))) on conflict do nothing", [userId, fixturePassword]);
  const email = (await db.ownerPool.query<{ email: string }>("select email from app_public.users where id = $1", [userId])).rows[0]!.email;
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword });
  return login.body.data!.login.result as string;
}

/** The desk books tonight (or `offset` days on) on the hotel's plan; returns the reservation id. */
async function book(offset: number): Promise<string> {
  const arrival = localDate(h.timeZone, offset);
  const q = await server.graphql(`query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`,
    { p: h.ratePlanId, a: arrival, d: addDays(arrival, 1) }, { token: desk });
  const held = await server.graphql(`mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId } } }`,
    { t: q.body.data!.quote.quoteToken, k: newKey() }, { token: desk });
  const id = held.body.data!.createHold.result.reservationId as string;
  const confirmed = await server.graphql(`mutation($id: UUID!, $k: String!) { confirmBooking(input: {reservationId: $id, idempotencyKey: $k, fullName: "Alan Turing", email: "alan@example.com"}) { result { status } } }`,
    { id, k: newKey() }, { token: desk });
  expect(confirmed.body.errors).toBeUndefined();
  return id;
}

/** The deposit was paid with a card the provider declined (recorded as its job would). */
async function declineDeposit(reservationId: string): Promise<void> {
  const intent = (await db.ownerPool.query<{ id: string }>("select id from app_public.payment_intents where reservation_id = $1 and kind = 'deposit'", [reservationId])).rows[0]!.id;
  const paid = await server.graphql(`mutation($i: UUID!, $k: String!) { pay(input: {intentId: $i, paymentToken: "tok_declined_api", idempotencyKey: $k}) { result { rowId } } }`,
    { i: intent, k: newKey() }, { token: desk });
  await db.ownerPool.query("select app_private.record_payment_failure($1, 'insufficient_funds', 'The card has insufficient funds.')", [paid.body.data!.pay.result.rowId]);
}

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool, { units: 4, ratePlan: { is_refundable: false } });
  await db.ownerPool.query("update app_public.rate_plans set deposit_percent = 100, payment_deadline_hours = 12 where id = $1", [h.ratePlanId]);
  await db.ownerPool.query("update app_public.properties set check_in_time = '00:00' where id = $1", [h.propertyId]);
  other = await createHotel(db.ownerPool);
  desk = await signIn(h.frontDesk);
  manager = await signIn(h.manager);
  otherOwner = await signIn(other.manager);
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

it("a declined deposit makes the booking payment due (Reservation.paymentDueBy, 12 hours on); check-in says PAYMENT_DUE until acknowledged", async () => {
  const id = await book(0);
  await declineDeposit(id);
  const read = await server.graphql(`query($id: UUID!) { reservationByRowId(rowId: $id) { paymentDueBy unpaidPrepayment cardOnFile noShowFrom } }`, { id }, { token: desk });
  const r = read.body.data!.reservationByRowId;
  expect(r.unpaidPrepayment).toBe("10000");
  expect(r.cardOnFile).toBeNull();
  expect((new Date(r.paymentDueBy).getTime() - Date.now()) / 3_600_000).toBeCloseTo(12, 1);

  const refused = await server.graphql(`mutation($id: UUID!, $k: String!) { checkIn(input: {reservationId: $id, idempotencyKey: $k}) { result { status } } }`, { id, k: newKey() }, { token: desk });
  expect(errorOf(refused)).toEqual({ code: "PAYMENT_DUE", reason: "UNPAID_PREPAYMENT", message: "€100.00 of prepayment is unpaid (payment due). Take the payment first, or check in acknowledging it." });
  const done = await server.graphql(`mutation($id: UUID!, $k: String!) { checkIn(input: {reservationId: $id, idempotencyKey: $k, acknowledgeUnpaid: true}) { result { status paymentDueBy } } }`,
    { id, k: newKey() }, { token: desk });
  expect(done.body.data!.checkIn.result).toEqual({ status: "checked_in", paymentDueBy: null });
});

it("extend and waive: reasons required, roles and tenants checked, hostile input typed", async () => {
  const id = await book(3);
  await declineDeposit(id);
  const extend = (token: string, vars: Record<string, unknown>) => server.graphql(
    `mutation($id: UUID!, $u: Datetime!, $r: String!, $k: String!) { extendPaymentDeadline(input: {reservationId: $id, until: $u, reason: $r, idempotencyKey: $k}) { result { paymentDueBy } } }`,
    { id, u: new Date(Date.now() + 48 * 3_600_000).toISOString(), r: "Calls back", k: newKey(), ...vars }, { token });
  expect(errorOf(await extend(desk, { r: "Calls\u0000back" }))?.code).toBe("INVALID_INPUT");
  expect(errorOf(await extend(desk, { u: "2026-13-45T25:00:00Z" }))?.code).toBe("INVALID_INPUT");
  expect(errorOf(await extend(desk, { u: "2020-01-01T00:00:00Z" }))).toMatchObject({ code: "INVALID_INPUT", message: "The new deadline must be in the future, at most 30 days from now." });
  expect(errorOf(await extend(otherOwner, {}))?.code).toBe("NOT_FOUND");
  expect(errorOf(await extend("", {}))?.code).toBe("FORBIDDEN");
  const ok = await extend(desk, {});
  expect(ok.body.errors).toBeUndefined();

  const waive = (token: string, reason: string) => server.graphql(
    `mutation($id: UUID!, $r: String!, $k: String!) { waivePaymentGuarantee(input: {reservationId: $id, reason: $r, idempotencyKey: $k}) { result { status paymentDueBy } } }`,
    { id, r: reason, k: newKey() }, { token });
  expect(errorOf(await waive(desk, "Regular guest"))?.code).toBe("ACCESS_DENIED");
  expect((await waive(manager, "Regular guest")).body.data!.waivePaymentGuarantee.result).toEqual({ status: "confirmed", paymentDueBy: null });
  expect(errorOf(await waive(manager, "Again"))).toMatchObject({ code: "INVALID_TRANSITION", reason: "WAIVED" });
  expect(errorOf(await extend(desk, {}))).toMatchObject({ code: "INVALID_TRANSITION", reason: "NO_PAYMENT_DUE" });
});

it("chargeCardOnFile: NO_CARD_ON_FILE without one; amounts beyond range are INVALID_INPUT, never INTERNAL", async () => {
  const id = await book(5);
  const charge = (amount: string, token = desk) => server.graphql(
    `mutation($id: UUID!, $a: BigInt!, $k: String!) { chargeCardOnFile(input: {reservationId: $id, amount: $a, idempotencyKey: $k}) { result { rowId } } }`,
    { id, a: amount, k: newKey() }, { token });
  expect(errorOf(await charge("2500"))).toEqual({ code: "NO_CARD_ON_FILE", reason: undefined, message: "This booking has no card on file: take the payment with a new card." });
  for (const amount of ["0", "-5", "9223372036854775807", "99999999999999999999999", "12.5"]) {
    expect([amount, errorOf(await charge(amount))?.code]).toEqual([amount, "INVALID_INPUT"]);
  }
  expect(errorOf(await charge("2500", otherOwner))?.code).toBe("NOT_FOUND");
});

it("markNoShow before the property's no-show time: NO_SHOW_TOO_EARLY with the moment as the reason", async () => {
  const id = await book(0);
  const res = await server.graphql(`mutation($id: UUID!, $k: String!) { markNoShow(input: {reservationId: $id, idempotencyKey: $k}) { result { status } } }`, { id, k: newKey() }, { token: desk });
  const error = errorOf(res)!;
  expect(error.code).toBe("NO_SHOW_TOO_EARLY");
  const from = (await server.graphql(`query($id: UUID!) { reservationByRowId(rowId: $id) { noShowFrom } }`, { id }, { token: desk })).body.data!.reservationByRowId.noShowFrom;
  expect(new Date(error.reason!).getTime()).toBe(new Date(from).getTime());
  expect(error.message).toMatch(/^A no-show can be recorded from \d{1,2} \w{3} \d{4}, 02:00 \(Europe\/Lisbon\), the property's no-show time\.$/);
});
