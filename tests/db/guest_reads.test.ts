// A guest's Manage page reads their booking, its folio balance, postings,
// payment intents and attempts with a booking token. Row-level security
// must let each read find its rows by index: a policy that Postgres can only
// answer by building every visible folio (or intent) first, or by scanning
// every reservation, makes each guest read cost as much as the whole table
// (150 ms a read on the scale data's 424,000 reservations). Here other
// guests' bookings fill the tables, and the plans of the guest's reads must
// not look at any of their rows (no row read and then removed by a filter).
import type pg from "pg";
import { anonymous, fileDatabase, inRollback } from "../helpers/db.ts";
import { addDays, confirm, confirmGroup, createHotel, hold, holdGroup, localDate, newKey, quote, quoteGroup, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();

/** quote → hold → confirm as an anonymous guest; returns the reservation id. */
async function booked(c: pg.PoolClient, h: Hotel, from: number): Promise<string> {
  await anonymous(c);
  const arrival = localDate(h.timeZone, from);
  const q = await quote(c, h.ratePlanId, arrival, addDays(arrival, 1));
  const held = await hold(c, q.quote_token);
  await confirm(c, held);
  return held.reservation_id;
}

/** Acts as the holder of a booking token for the reservation (lookupBooking). */
async function withBookingToken(c: pg.PoolClient, reservationId: string | null) {
  await anonymous(c);
  await c.query("select set_config('jwt.claims.reservation_id', $1, true)", [reservationId ?? ""]);
}

interface PlanNode { "Node Type": string; "Relation Name"?: string; "Rows Removed by Filter"?: number; "Actual Rows"?: number; Plans?: PlanNode[] }

/** Every scan of the plan that read rows and threw some away, as "<table>: <rows removed>". */
function rowsThrownAway(node: PlanNode): string[] {
  const here = node["Rows Removed by Filter"] ? [`${node["Relation Name"] ?? node["Node Type"]}: ${node["Rows Removed by Filter"]}`] : [];
  return [...here, ...(node.Plans ?? []).flatMap(rowsThrownAway)];
}

async function thrownAway(c: pg.PoolClient, sql: string, params: unknown[]): Promise<string[]> {
  // Indexes even on tiny tables, as on a real one: the question is whether the policy lets one be used.
  await c.query("set local enable_seqscan = off");
  const { rows } = await c.query<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>(`explain (analyze, format json) ${sql}`, params);
  await c.query("set local enable_seqscan = on");
  return rowsThrownAway(rows[0]!["QUERY PLAN"][0]!.Plan);
}

it("the guest's booking and its money are read by index, never through other guests' rows", async () => {
  await inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    // Other guests' bookings, each with its folio, postings and deposit intent.
    for (let day = 3; day < 9; day++) await booked(c, h, day);
    const mine = await booked(c, h, 10);
    await withBookingToken(c, mine);
    const intent = (await c.query<{ id: string; property_id: string }>("select id, property_id from app_public.payment_intents where reservation_id = $1 limit 1", [mine])).rows[0]!;
    await c.query("select * from app_public.pay($1, 'tok_test_visa', $2)", [intent.id, newKey()]);
    const folio = (await c.query<{ id: string; property_id: string }>("select id, property_id from app_public.folios where reservation_id = $1", [mine])).rows[0]!;

    expect((await c.query("select id from app_public.current_booking()")).rows).toEqual([{ id: mine }]);
    const reads: Array<[string, unknown[]]> = [
      ["select * from app_public.current_booking()", []],
      ["select * from app_public.folio_balances where property_id = $1 and folio_id = $2", [folio.property_id, folio.id]],
      ["select * from app_public.postings where property_id = $1 and folio_id = $2", [folio.property_id, folio.id]],
      ["select id, status, amount, card_last4 from app_public.payment_attempts where property_id = $1 and intent_id = $2", [intent.property_id, intent.id]],
      ["select * from app_public.refunds where property_id = $1 and intent_id = $2", [intent.property_id, intent.id]],
    ];
    for (const [sql, params] of reads) expect({ sql, thrownAway: await thrownAway(c, sql, params) }).toEqual({ sql, thrownAway: [] });
    // They still see their own rows and only theirs.
    expect((await c.query("select count(*)::int as n from app_public.folio_balances where property_id = $1 and folio_id = $2", [folio.property_id, folio.id])).rows[0].n).toBe(1);
    expect((await c.query("select count(*)::int as n from app_public.postings where property_id = $1 and folio_id = $2", [folio.property_id, folio.id])).rows[0].n).toBeGreaterThan(0);
    expect((await c.query("select count(id)::int as n from app_public.payment_attempts where intent_id = $1", [intent.id])).rows[0].n).toBe(1);
    expect((await c.query("select count(distinct folio_id)::int as n from app_public.postings")).rows[0].n).toBe(1);
    expect((await c.query("select count(distinct folio_id)::int as n from app_public.folio_balances")).rows[0].n).toBe(1);
  });
});

it("current_booking is the token's reservation, and nothing without a token", async () => {
  await inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const first = await booked(c, h, 3);
    const second = await booked(c, h, 4);
    await withBookingToken(c, second);
    expect((await c.query("select id from app_public.current_booking()")).rows).toEqual([{ id: second }]);
    await withBookingToken(c, first);
    expect((await c.query("select id from app_public.current_booking()")).rows).toEqual([{ id: first }]);
    await withBookingToken(c, null);
    expect((await c.query("select id from app_public.current_booking() where id is not null")).rows).toEqual([]);
  });
});

it("a group's token reads its rooms' folios, balances, postings and payment intents by index, never through other bookings' rows", async () => {
  await inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { units: 6 });
    await c.query("update app_public.rate_plans set deposit_percent = 30 where id = $1", [h.ratePlanId]);
    const groupOf = async (day: number, email: string) => {
      await anonymous(c);
      const arrival = localDate(h.timeZone, day);
      const q = await quoteGroup(c, [{ ratePlanId: h.ratePlanId }, { ratePlanId: h.ratePlanId, adults: 1 }], arrival, addDays(arrival, 1));
      const held = await holdGroup(c, q.quote_token);
      await confirmGroup(c, held, newKey(), email);
      return held;
    };
    // Other guests' bookings and groups, each with folios, postings and deposit intents.
    for (let day = 3; day < 7; day++) await booked(c, h, day);
    for (let day = 3; day < 6; day++) await groupOf(day, `other${day}@example.com`);
    const mine = await groupOf(10, "ada@example.com");
    await anonymous(c);
    await c.query("select set_config('jwt.claims.booking_group_id', $1, true)", [mine.booking_group_id]);
    const room = mine.reservation_ids[1]!;
    const folio = (await c.query<{ id: string; property_id: string }>("select id, property_id from app_public.folios where reservation_id = $1", [room])).rows[0]!;
    const reads: Array<[string, unknown[]]> = [
      ["select * from app_public.folios where property_id = $1 and reservation_id = $2", [h.propertyId, room]],
      ["select * from app_public.folio_balances where property_id = $1 and folio_id = $2", [folio.property_id, folio.id]],
      ["select * from app_public.postings where property_id = $1 and folio_id = $2", [folio.property_id, folio.id]],
      ["select id, kind, amount, status from app_public.payment_intents where property_id = $1 and reservation_id = $2", [h.propertyId, room]],
    ];
    for (const [sql, params] of reads) expect({ sql, thrownAway: await thrownAway(c, sql, params) }).toEqual({ sql, thrownAway: [] });
    // Its own rooms' rows, and only theirs.
    expect((await c.query("select reservation_id from app_public.folios order by reservation_id")).rows.map((r) => r.reservation_id)).toEqual([...mine.reservation_ids].sort());
    expect((await c.query("select count(distinct reservation_id)::int as n from app_public.payment_intents")).rows[0].n).toBe(2);
    expect((await c.query("select count(distinct folio_id)::int as n from app_public.folio_balances")).rows[0].n).toBe(2);
  });
});
