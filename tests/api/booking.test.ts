// The guest and staff booking paths through the GraphQL API: typed errors
// with codes (and reasons), the booking-scoped token of a guest without an
// account, and conflicts that the server retries instead of surfacing.
import jwt from "jsonwebtoken";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let h: Hotel;
beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool, { units: 2, ratePlan: { min_stay: 2 } });
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

const codeOf = (res: { body: { errors?: Array<{ extensions?: { code?: string } }> } }) => res.body.errors?.[0]?.extensions?.code;

async function bookOverApi(arrivalOffset: number, nights: number, email = "grace@example.com") {
  const arrival = localDate(h.timeZone, arrivalOffset);
  const q = await server.graphql(
    `query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken totalAmount cancellationTerms lines { kind date amount } } }`,
    { p: h.ratePlanId, a: arrival, d: addDays(arrival, nights) },
  );
  expect(q.body.errors).toBeUndefined();
  const held = await server.graphql(`mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId totalAmount holdToken } } }`, {
    t: q.body.data!.quote.quoteToken,
    k: newKey(),
  });
  expect(held.body.errors).toBeUndefined();
  const { reservationId, holdToken } = held.body.data!.createHold.result;
  const confirmed = await server.graphql(
    `mutation($id: UUID!, $k: String!, $e: String!, $h: String) { confirmBooking(input: {reservationId: $id, idempotencyKey: $k, fullName: "Grace Hopper", email: $e, holdToken: $h}) { result { reservationId confirmationCode status totalAmount } } }`,
    { id: reservationId, k: newKey(), e: email, h: holdToken },
  );
  expect(confirmed.body.errors).toBeUndefined();
  return { quote: q.body.data!.quote, booking: confirmed.body.data!.confirmBooking.result };
}

it("search, quote, hold and confirm through GraphQL", async () => {
  const arrival = localDate(h.timeZone, 40);
  const search = await server.graphql(
    `query($a: Date!, $d: Date!, $p: UUID!) { searchAvailability(arrival: $a, departure: $d, adults: 2, propertyId: $p) { nodes { roomTypeName ratePlanName unitsLeft totalAmount isBookable } } }`,
    { a: arrival, d: addDays(arrival, 3), p: h.propertyId },
  );
  expect(search.body.data!.searchAvailability.nodes).toEqual([{ roomTypeName: "Double", ratePlanName: "Flexible", unitsLeft: 2, totalAmount: "30000", isBookable: true }]);
  const { quote, booking } = await bookOverApi(40, 3);
  expect(quote.lines.filter((l: { kind: string }) => l.kind === "night")).toHaveLength(3);
  expect(quote.cancellationTerms).toMatch(/^Free cancellation until /);
  expect(booking).toMatchObject({ status: "confirmed", totalAmount: "30000" });
  expect(booking.confirmationCode).toMatch(/^[A-Z2-9]{8}$/);
});

it("a hold is confirmed only with the hold token createHold returned: without it, or with another's, it is NOT_FOUND as if it did not exist", async () => {
  const arrival = localDate(h.timeZone, 44);
  const q = await server.graphql(`query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`, { p: h.ratePlanId, a: arrival, d: addDays(arrival, 2) });
  const holdKey = newKey();
  const createHold = () =>
    server.graphql(`mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId holdToken } } }`, { t: q.body.data!.quote.quoteToken, k: holdKey });
  const held = (await createHold()).body.data!.createHold.result as { reservationId: string; holdToken: string };
  expect(held.holdToken).toEqual(expect.any(String));
  // A retry of createHold (same key) replays the hold with its token.
  expect((await createHold()).body.data!.createHold.result).toEqual(held);
  const confirm = (holdToken: string | null) =>
    server.graphql(
      `mutation($id: UUID!, $k: String!, $h: String) { confirmBooking(input: {reservationId: $id, idempotencyKey: $k, fullName: "Mallory", email: "mallory@example.com", holdToken: $h}) { result { status } } }`,
      { id: held.reservationId, k: newKey(), h: holdToken },
    );
  expect(codeOf(await confirm(null))).toBe("NOT_FOUND");
  expect(codeOf(await confirm(`${held.holdToken.slice(0, -2)}xx`))).toBe("NOT_FOUND");
  const other = await bookOverApi(48, 2, "other@example.com");
  expect(other.booking.status).toBe("confirmed");
  expect((await confirm(held.holdToken)).body.data!.confirmBooking.result).toEqual({ status: "confirmed" });
});

it("a restricted stay is RESTRICTED with the reason; an unknown rate plan NOT_FOUND; bad dates INVALID_DATES", async () => {
  const arrival = localDate(h.timeZone, 40);
  const q = (variables: Record<string, unknown>) =>
    server.graphql(`query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { totalAmount } }`, variables);
  const restricted = await q({ p: h.ratePlanId, a: arrival, d: addDays(arrival, 1) });
  expect(restricted.status).toBe(200);
  expect(restricted.body.errors![0]).toMatchObject({ message: expect.stringContaining("at least 2 nights"), extensions: { code: "RESTRICTED", reason: "MIN_STAY" } });
  expect(codeOf(await q({ p: "00000000-0000-4000-8000-000000000000", a: arrival, d: addDays(arrival, 2) }))).toBe("NOT_FOUND");
  expect(codeOf(await q({ p: h.ratePlanId, a: arrival, d: arrival }))).toBe("INVALID_DATES");
  expect(codeOf(await q({ p: h.ratePlanId, a: "2026-02-30", d: arrival }))).toBe("INVALID_INPUT");
});

it("bad tokens and keys are typed errors", async () => {
  const hold = (t: string, k: string) => server.graphql(`mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId } } }`, { t, k });
  expect(codeOf(await hold("forged.token", newKey()))).toBe("QUOTE_INVALID");
  const confirm = await server.graphql(`mutation($k: String!) { confirmBooking(input: {reservationId: "00000000-0000-4000-8000-000000000000", idempotencyKey: $k, fullName: "X", email: "x@example.com"}) { result { status } } }`, { k: newKey() });
  expect(codeOf(confirm)).toBe("NOT_FOUND");
  const noKey = await server.graphql(`mutation { cancelReservation(input: {reservationId: "00000000-0000-4000-8000-000000000000"}) { result { status } } }`);
  expect(codeOf(noKey)).toBe("IDEMPOTENCY_KEY_INVALID");
});

it("a guest without an account finds their booking by code and email and cancels it with the booking token", async () => {
  const { booking } = await bookOverApi(50, 2, "linus@example.com");
  const other = (await bookOverApi(50, 2, "ken@example.com")).booking;
  const wrong = await server.graphql(`mutation($c: String!) { lookupBooking(input: {confirmationCode: $c, email: "nobody@example.com"}) { result } }`, { c: booking.confirmationCode });
  expect(wrong.body).toEqual({ data: { lookupBooking: { result: null } } });
  const found = await server.graphql(`mutation($c: String!) { lookupBooking(input: {confirmationCode: $c, email: "Linus@Example.com"}) { result } }`, { c: booking.confirmationCode });
  const token = found.body.data!.lookupBooking.result as string;
  expect(jwt.verify(token, db.jwtSecret, { audience: "keepr", issuer: "keepr" })).toMatchObject({ role: "keepr_anonymous", reservation_id: booking.reservationId });

  const mine = await server.graphql(`{ allReservations { nodes { rowId status totalAmount } } }`, {}, { token });
  expect(mine.body.data!.allReservations.nodes).toEqual([{ rowId: booking.reservationId, status: "confirmed", totalAmount: "20000" }]);
  const cancelOther = await server.graphql(`mutation($id: UUID!, $k: String!) { cancelReservation(input: {reservationId: $id, idempotencyKey: $k}) { result { status } } }`, { id: other.reservationId, k: newKey() }, { token });
  expect(codeOf(cancelOther)).toBe("NOT_FOUND");
  const cancel = await server.graphql(`mutation($id: UUID!, $k: String!) { cancelReservation(input: {reservationId: $id, idempotencyKey: $k}) { result { status penaltyAmount refundAmount } } }`, { id: booking.reservationId, k: newKey() }, { token });
  expect(cancel.body.data!.cancelReservation.result).toEqual({ status: "cancelled", penaltyAmount: "0", refundAmount: "20000" });
  // The token cannot do staff work.
  const checkIn = await server.graphql(`mutation($id: UUID!, $k: String!) { checkIn(input: {reservationId: $id, idempotencyKey: $k}) { result { status } } }`, { id: other.reservationId, k: newKey() }, { token });
  expect(codeOf(checkIn)).toBe("FORBIDDEN");
});

it("staff read a reservation's history through the API", async () => {
  const { booking } = await bookOverApi(60, 2);
  const email = (await db.ownerPool.query("select email from app_public.users where id = $1", [h.frontDesk])).rows[0].email;
  await db.ownerPool.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, crypt($2, gen_salt('bf', 4)))", [h.frontDesk, fixturePassword]);
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword });
  const token = login.body.data!.login.result as string;
  const history = await server.graphql(`query($id: UUID!) { reservationHistory(reservationId: $id) { nodes { tableName operation actorRole } } }`, { id: booking.reservationId }, { token });
  expect(history.body.data!.reservationHistory.nodes.map((e: { tableName: string; operation: string }) => `${e.tableName} ${e.operation}`)).toEqual([
    "inventory_claims INSERT", "reservations INSERT", "inventory_claims UPDATE", "reservations UPDATE",
    "folios INSERT", "payment_intents INSERT",
  ]);
});

it("a deadlock is retried inside the server and never reaches the client", async () => {
  const { booking } = await bookOverApi(70, 2);
  // Take the reservation's claim first, then (once the API's cancellation
  // holds the reservation and waits for the claim) ask for the reservation:
  // a lock cycle. This session waits longer before checking for deadlocks,
  // so the API's transaction is the one Postgres aborts.
  const deadlocksBefore = await deadlocks();
  const blocker = new pg.Client({ connectionString: db.superuserUrl });
  await blocker.connect();
  try {
    await blocker.query("begin");
    await blocker.query("set local deadlock_timeout = '10s'");
    await blocker.query("select 1 from app_public.inventory_claims where reservation_id = $1 for update", [booking.reservationId]);
    const cancelling = server.graphql(`mutation($id: UUID!, $k: String!) { cancelReservation(input: {reservationId: $id, idempotencyKey: $k}) { result { status } } }`, { id: booking.reservationId, k: newKey() }, {
      token: await staffToken(),
    });
    await waitForLockWait();
    await blocker.query("select 1 from app_public.reservations where id = $1 for update", [booking.reservationId]);
    await blocker.query("commit");
    const res = await cancelling;
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.cancelReservation.result.status).toBe("cancelled");
    // And a deadlock did happen: Postgres counted it.
    expect(await deadlocksSince(deadlocksBefore)).toBeGreaterThan(0);
  } finally {
    await blocker.end();
  }
});

const deadlocks = async () =>
  Number((await db.ownerPool.query("select deadlocks from pg_stat_database where datname = current_database()")).rows[0].deadlocks);

/** Deadlocks counted since `before` (statistics reach the view within a second or so). */
async function deadlocksSince(before: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    await db.ownerPool.query("select pg_stat_clear_snapshot()");
    const now = await deadlocks();
    if (now > before) return now - before;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return 0;
}

async function staffToken(): Promise<string> {
  const email = (await db.ownerPool.query("select email from app_public.users where id = $1", [h.manager])).rows[0].email;
  await db.ownerPool.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, crypt($2, gen_salt('bf', 4))) on conflict do nothing", [h.manager, fixturePassword]);
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword });
  return login.body.data!.login.result as string;
}

/** Waits until a session of the API is waiting for a row lock (seen as a superuser). */
async function waitForLockWait(): Promise<void> {
  const watcher = new pg.Client({ connectionString: db.superuserUrl });
  await watcher.connect();
  try {
    for (let i = 0; i < 300; i++) {
      const { rows } = await watcher.query(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and usename = 'keepr_authenticator' and wait_event_type = 'Lock'",
      );
      if (rows[0].n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error("the API never waited for the lock");
  } finally {
    await watcher.end();
  }
}
