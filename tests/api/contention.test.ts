// Zero double-booking under contention, over real HTTP: many guests at once
// quote, hold and confirm through the GraphQL API. Only the exclusion
// constraint decides who wins; every loser hears SOLD_OUT; nothing is a 500.
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { createHotel, localDate, addDays, newKey, type Hotel } from "../helpers/booking.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { seededRandom, testSeed } from "../helpers/random.ts";

let db: TestDatabase;
let server: TestServer;
beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

const QUOTE = `query($ratePlanId: UUID!, $arrival: Date!, $departure: Date!) {
  quote(ratePlanId: $ratePlanId, arrival: $arrival, departure: $departure, adults: 2) { quoteToken totalAmount }
}`;
const HOLD = `mutation($token: String!, $key: String!) {
  createHold(input: {quoteToken: $token, idempotencyKey: $key}) { result { reservationId expiresAt holdToken } }
}`;
const CONFIRM = `mutation($id: UUID!, $key: String!, $email: String!, $holdToken: String!) {
  confirmBooking(input: {reservationId: $id, idempotencyKey: $key, fullName: "Guest", email: $email, holdToken: $holdToken}) { result { confirmationCode status } }
}`;

type Outcome = { ok: true; code: string } | { ok: false; status: number; code: string | undefined };

/** One guest: quote, hold, confirm. Returns the confirmation code or the first error. */
async function tryToBook(h: Hotel, arrival: string, departure: string, guest: number): Promise<Outcome> {
  const steps: Array<[string, (prev: any) => Record<string, unknown>, (data: any) => any]> = [
    [QUOTE, () => ({ ratePlanId: h.ratePlanId, arrival, departure }), (d) => d.quote],
    [HOLD, (q) => ({ token: q.quoteToken, key: newKey() }), (d) => d.createHold.result],
    [CONFIRM, (held) => ({ id: held.reservationId, key: newKey(), email: `guest${guest}@example.com`, holdToken: held.holdToken }), (d) => d.confirmBooking.result],
  ];
  let previous: any = null;
  for (const [query, variables, pick] of steps) {
    const res = await server.graphql(query, variables(previous));
    if (res.status !== 200 || res.body.errors) return { ok: false, status: res.status, code: res.body.errors?.[0]?.extensions?.code };
    previous = pick(res.body.data);
  }
  return { ok: true, code: previous.confirmationCode };
}

/** Active claims that overlap another active claim on the same unit (must be none). */
async function overlappingClaims(propertyId: string): Promise<number> {
  const { rows } = await db.ownerPool.query(
    `select count(*)::int as n from app_public.inventory_claims a join app_public.inventory_claims b
       on a.unit_id = b.unit_id and a.id < b.id and a.stay && b.stay
      where a.property_id = $1 and a.released_at is null and b.released_at is null`,
    [propertyId],
  );
  return rows[0].n;
}

it("100 guests at once for overlapping nights on 5 units: exactly 5 bookings, every other guest SOLD_OUT, no 500", async () => {
  const h = await createHotel(db.ownerPool, { units: 5 });
  const night = localDate(h.timeZone, 20);
  // Every stay contains `night`, so any two overlap.
  const outcomes = await Promise.all(
    Array.from({ length: 100 }, (_, i) => tryToBook(h, addDays(night, -(i % 3)), addDays(night, 1 + (i % 4)), i)),
  );
  const won = outcomes.filter((o) => o.ok);
  const lost = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
  expect(won).toHaveLength(5);
  expect(lost.map((o) => `${o.status} ${o.code}`)).toEqual(Array(95).fill("200 SOLD_OUT"));
  expect(await overlappingClaims(h.propertyId)).toBe(0);
  const reservations = await db.ownerPool.query("select status, count(*)::int as n from app_public.reservations where property_id = $1 group by status", [h.propertyId]);
  expect(reservations.rows).toEqual([{ status: "confirmed", n: 5 }]);
});

it("100 guests at once with random overlapping stays on 3 units: no unit-night is ever claimed twice", async () => {
  const next = seededRandom(testSeed("random stays"));
  const h = await createHotel(db.ownerPool, { units: 3 });
  const start = localDate(h.timeZone, 30);
  const stays = Array.from({ length: 100 }, () => {
    const arrival = addDays(start, Math.floor(next() * 10));
    return [arrival, addDays(arrival, 1 + Math.floor(next() * 4))] as const;
  });
  const outcomes = await Promise.all(stays.map(([a, d], i) => tryToBook(h, a, d, i)));
  const codes = new Set(outcomes.filter((o) => !o.ok).map((o) => `${(o as { status: number }).status} ${o.code}`));
  expect([...codes].filter((c) => c !== "200 SOLD_OUT")).toEqual([]);

  const { rows } = await db.ownerPool.query(
    `select count(*)::int as nights, count(distinct (c.unit_id, n))::int as distinct_nights
       from app_public.inventory_claims c
       cross join lateral generate_series(lower(c.stay), upper(c.stay) - 1, interval '1 day') n
      where c.property_id = $1 and c.released_at is null`,
    [h.propertyId],
  );
  expect(rows[0].nights).toBe(rows[0].distinct_nights);
  expect(rows[0].nights).toBeGreaterThan(0);
  // Each booked stay holds exactly its own nights.
  const booked = outcomes.filter((o) => o.ok).length;
  const claimed = await db.ownerPool.query("select count(*)::int as n from app_public.inventory_claims where property_id = $1 and released_at is null and kind = 'reservation'", [h.propertyId]);
  expect(claimed.rows[0].n).toBe(booked);
  // No stay was refused while a unit was free for all its nights.
  for (const [i, [arrival, departure]] of stays.entries()) {
    if (outcomes[i]!.ok) continue;
    const free = await db.ownerPool.query("select count(*)::int as n from app_private.free_units(array[$1::uuid], daterange($3, $4), $2)", [h.propertyId, h.roomTypeId, arrival, departure]);
    expect([`stay ${arrival}..${departure}`, free.rows[0].n]).toEqual([`stay ${arrival}..${departure}`, 0]);
  }
});
