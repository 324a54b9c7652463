// Derived rate plans (issue 21, revenue): "Non-refundable = Flexible − 15 %"
// follows its parent night by night (base price and calendar overrides),
// rounded; restrictions of the parent apply to it too; the database refuses
// a bad parent, a bad adjustment, a price of its own, and deleting or
// unpublishing a parent others follow, with typed errors.
import type pg from "pg";
import { actAs, asOwner, fileDatabase, inCommit, inRollback, sqlstateOf } from "../helpers/db.ts";
import { waitUntil } from "../helpers/wait.ts";
import { addDays, book, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();

/** The SQLSTATE and hint (extensions.reason) a statement fails with, or null. */
async function refusal(c: pg.PoolClient, sql: string, params: unknown[] = []): Promise<{ code: string; hint: string | undefined } | null> {
  await c.query("savepoint refusal_probe");
  try {
    await c.query(sql, params);
    await c.query("release savepoint refusal_probe");
    return null;
  } catch (error) {
    await c.query("rollback to savepoint refusal_probe");
    const e = error as { code?: string; hint?: string };
    return { code: e.code ?? "unknown", hint: e.hint };
  }
}

interface Derived {
  name?: string;
  parent?: string;
  percent?: number | null;
  amount?: number | null;
  step?: number;
  roomTypeId?: string;
  propertyId?: string;
  published?: boolean;
  extraAdultFee?: number;
}

const insertDerivedSql = `insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, is_refundable,
    parent_rate_plan_id, adjustment_percent, adjustment_amount, rounding_step, is_published, extra_adult_fee)
  values ($1, $2, $3, 'EUR', 0, false, $4, $5, $6, $7, $8, $9) returning id`;
const derivedParams = (h: Hotel, d: Derived) => [
  d.propertyId ?? h.propertyId, d.roomTypeId ?? h.roomTypeId, d.name ?? "Non-refundable", d.parent ?? h.ratePlanId,
  d.percent === undefined ? -15 : d.percent, d.amount ?? null, d.step ?? 1, d.published ?? true, d.extraAdultFee ?? 0,
];
async function derive(c: pg.PoolClient, h: Hotel, d: Derived = {}): Promise<string> {
  return (await c.query<{ id: string }>(insertDerivedSql, derivedParams(h, d))).rows[0]!.id;
}

const nights = async (c: pg.PoolClient, ratePlanId: string, arrival: string, count: number, adults = 2) => {
  const q = (await c.query("select q.total_amount, to_jsonb(q.lines) as lines from app_public.quote($1, $2, $3, $4, 0) q", [ratePlanId, arrival, addDays(arrival, count), adults])).rows[0];
  return {
    total: Number(q.total_amount),
    nights: (q.lines as Array<{ kind: string; amount: number }>).filter((l) => l.kind === "night").map((l) => Number(l.amount)),
  };
};

describe("a derived plan's price", () => {
  it("is the parent's price of every night adjusted and rounded, calendar overrides included, in quote, search, the rate grid and the booking", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { ratePlan: { extra_adult_fee: 2000 } });
      const arrival = localDate(h.timeZone, 20);
      await actAs(c, { role: "keepr_staff", userId: h.manager });
      const nonRefundable = await derive(c, h, { percent: -15, step: 100, extraAdultFee: 1500 });
      const breakfast = await derive(c, h, { name: "Breakfast", percent: null, amount: 1850, step: 1 });
      // The parent's price on the second night only: 123.45.
      await c.query("select app_public.set_rates($1, $2, $2, $3, price => 12345)", [h.ratePlanId, addDays(arrival, 1), newKey()]);
      expect((await c.query("select base_price from app_public.rate_plans where id = $1", [nonRefundable])).rows[0].base_price).toBe("8500");

      await actAs(c, { role: "keepr_anonymous" });
      expect(await nights(c, h.ratePlanId, arrival, 3)).toEqual({ total: 32345, nights: [10000, 12345, 10000] });
      // 10000 × 0.85 = 8500; 12345 × 0.85 = 10493.25 → to whole euros 10500.
      expect(await nights(c, nonRefundable, arrival, 3)).toEqual({ total: 27500, nights: [8500, 10500, 8500] });
      expect(await nights(c, breakfast, arrival, 3)).toEqual({ total: 37895, nights: [11850, 14195, 11850] });
      // A third adult pays the derived plan's own extra-adult fee on top.
      expect((await nights(c, nonRefundable, arrival, 3, 3)).nights).toEqual([10000, 12000, 10000]);

      const search = await c.query<{ rate_plan_id: string; total_amount: string }>(
        "select rate_plan_id, total_amount from app_public.search_availability($1, $2, 2, 0, $3)",
        [arrival, addDays(arrival, 3), h.propertyId],
      );
      expect(Object.fromEntries(search.rows.map((r) => [r.rate_plan_id, Number(r.total_amount)]))).toEqual({
        [h.ratePlanId]: 32345, [nonRefundable]: 27500, [breakfast]: 37895,
      });

      const booked = await book(c, nonRefundable, arrival, addDays(arrival, 3));
      expect(Number(booked.total_amount)).toBe(27500);

      await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
      const grid = await c.query<{ rate_plan_id: string; date: string; price: string; price_is_override: boolean }>(
        "select rate_plan_id, to_char(date, 'YYYY-MM-DD') as date, price, price_is_override from app_public.rate_grid($1, $2, $3) where rate_plan_id = $4 order by date",
        [h.propertyId, arrival, addDays(arrival, 2), nonRefundable],
      );
      expect(grid.rows.map((r) => [r.price, r.price_is_override])).toEqual([["8500", false], ["10500", false], ["8500", false]]);
    }));

  it("follows a change of the parent's base price and calendar, and an amount below zero stops at zero", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      const arrival = localDate(h.timeZone, 20);
      await actAs(c, { role: "keepr_staff", userId: h.manager });
      const derived = await derive(c, h, { percent: -10 });
      const cheap = await derive(c, h, { name: "Staff rate", percent: null, amount: -9000 });
      await c.query("update app_public.rate_plans set base_price = 20000 where id = $1", [h.ratePlanId]);
      expect((await c.query("select id, base_price from app_public.rate_plans where id = any ($1) order by base_price", [[derived, cheap]])).rows.map((r) => r.base_price)).toEqual(["11000", "18000"]);
      await c.query("select app_public.set_rates($1, $2, $2, $3, price => 5000)", [h.ratePlanId, arrival, newKey()]);
      await actAs(c, { role: "keepr_anonymous" });
      expect((await nights(c, derived, arrival, 2)).nights).toEqual([4500, 18000]);
      expect((await nights(c, cheap, arrival, 2)).nights).toEqual([0, 11000]);
    }));
});

/**
 * A hotel and a plan derived from its plan, as its manager (the client is left so): the parent stops selling on
 * day 1 and wants 3 nights on day 5 (days from `arrival`, 20 days ahead); the derived plan closes day 10 to arrival.
 */
async function restrictedPlans(c: pg.PoolClient) {
  const h = await createHotel(c);
  const arrival = localDate(h.timeZone, 20);
  await actAs(c, { role: "keepr_staff", userId: h.manager });
  const derived = await derive(c, h);
  await c.query("select app_public.set_rates($1, $2, $2, $3, stop_sell => true)", [h.ratePlanId, addDays(arrival, 1), newKey()]);
  await c.query("select app_public.set_rates($1, $2, $2, $3, min_stay => 3)", [h.ratePlanId, addDays(arrival, 5), newKey()]);
  await c.query("select app_public.set_rates($1, $2, $2, $3, closed_to_arrival => true)", [derived, addDays(arrival, 10), newKey()]);
  return { h, arrival, derived };
}

describe("a derived plan's restrictions", () => {
  it("are its parent's and its own: the parent's stop sell and min stay close it, its own closed-to-arrival closes only it", () =>
    inRollback(db.ownerPool, async (c) => {
      const { h, arrival, derived } = await restrictedPlans(c);
      await actAs(c, { role: "keepr_anonymous" });
      const restriction = async (planId: string, from: number, count: number) => {
        const r = await refusal(c, "select app_public.quote($1, $2, $3)", [planId, addDays(arrival, from), addDays(arrival, from + count)]);
        return r ? r.hint : null;
      };
      expect([await restriction(h.ratePlanId, 0, 2), await restriction(derived, 0, 2)]).toEqual(["STOP_SELL", "STOP_SELL"]);
      expect([await restriction(h.ratePlanId, 5, 2), await restriction(derived, 5, 2)]).toEqual(["MIN_STAY", "MIN_STAY"]);
      expect([await restriction(h.ratePlanId, 10, 2), await restriction(derived, 10, 2)]).toEqual([null, "CLOSED_TO_ARRIVAL"]);
      const grid = await (async () => {
        await actAs(c, { role: "keepr_staff", userId: h.manager });
        return c.query("select to_char(date, 'YYYY-MM-DD') as date, stop_sell, min_stay, closed_to_arrival from app_public.rate_grid($1, $2, $3) where rate_plan_id = $4 and date in ($5, $6, $7) order by date",
          [h.propertyId, arrival, addDays(arrival, 10), derived, addDays(arrival, 1), addDays(arrival, 5), addDays(arrival, 10)]);
      })();
      expect(grid.rows.map((r) => [r.stop_sell, r.min_stay, r.closed_to_arrival])).toEqual([[true, 1, false], [false, 3, false], [false, 1, true]]);
    }));
});

describe("copying a derived plan's calendar (the console's Copy a period)", () => {
  it("the rate grid gives the plan's own restrictions beside the combined ones, and a copy made from them is exact: the parent's are not written onto the derived plan", () =>
    inRollback(db.ownerPool, async (c) => {
      const { h, arrival, derived } = await restrictedPlans(c);
      // The derived plan's own minimum on day 1 too.
      await c.query("select app_public.set_rates($1, $2, $2, $3, min_stay => 2)", [derived, addDays(arrival, 1), newKey()]);
      const grid = (await c.query(
        `select to_char(date, 'YYYY-MM-DD') as date, min_stay, stop_sell, closed_to_arrival,
                own_min_stay, own_max_stay, own_closed_to_arrival, own_closed_to_departure, own_stop_sell
           from app_public.rate_grid($1, $2, $3) where rate_plan_id = $4 order by date`,
        [h.propertyId, arrival, addDays(arrival, 10), derived],
      )).rows;
      const on = (day: number) => grid.find((r) => r.date === addDays(arrival, day));
      // What applies (combined) and what is the plan's own.
      expect(on(1)).toMatchObject({ min_stay: 2, stop_sell: true, own_min_stay: 2, own_stop_sell: false });
      expect(on(5)).toMatchObject({ min_stay: 3, own_min_stay: 1 });
      expect(on(10)).toMatchObject({ closed_to_arrival: true, own_closed_to_arrival: true });
      // The parent's own are its combined (it is not derived).
      const parentDay1 = (await c.query("select stop_sell, own_stop_sell from app_public.rate_grid($1, $2, $2) where rate_plan_id = $3", [h.propertyId, addDays(arrival, 1), h.ratePlanId])).rows[0];
      expect(parentDay1).toEqual({ stop_sell: true, own_stop_sell: true });

      // Copy days 0–10 onto days 40–50 as copyPeriod.ts does (reset, then the own limits that differ from the plan's and the own flags).
      const plan = (await c.query("select min_stay, max_stay from app_public.rate_plans where id = $1", [derived])).rows[0];
      for (const [i, r] of grid.entries()) {
        await c.query(
          `select app_public.set_rates($1, $2, $2, $3, min_stay => $4, max_stay => $5, closed_to_arrival => $6, closed_to_departure => $7, stop_sell => $8, reset => true)`,
          [derived, addDays(arrival, 40 + i), newKey(), r.own_min_stay !== plan.min_stay ? r.own_min_stay : null, r.own_max_stay !== plan.max_stay ? r.own_max_stay : null,
           r.own_closed_to_arrival, r.own_closed_to_departure, r.own_stop_sell],
        );
      }
      const calendar = async (from: number) => (await c.query(
        `select (date - $2::date) - $3 as day, min_stay, max_stay, closed_to_arrival, closed_to_departure, stop_sell
           from app_public.rate_calendar
          where rate_plan_id = $1 and date between $2::date + $3 and $2::date + $3 + 10
            and (min_stay is not null or max_stay is not null or closed_to_arrival or closed_to_departure or stop_sell)
          order by date`,
        [derived, arrival, from],
      )).rows;
      // The derived plan's calendar on the target is its calendar on the source, exactly: no stop sell, no 3-night minimum from the parent.
      expect(await calendar(40)).toEqual(await calendar(0));
      expect(await calendar(0)).toEqual([
        { day: 1, min_stay: 2, max_stay: null, closed_to_arrival: false, closed_to_departure: false, stop_sell: false },
        { day: 10, min_stay: null, max_stay: null, closed_to_arrival: true, closed_to_departure: false, stop_sell: false },
      ]);
    }));
});

describe("the database refuses", () => {
  it("a price of its own on a derived plan (set_rates and the calendar), with INVALID_INPUT DERIVED_PRICE; a plan with own prices cannot start following", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      const day = localDate(h.timeZone, 20);
      await actAs(c, { role: "keepr_staff", userId: h.manager });
      const derived = await derive(c, h);
      expect(await refusal(c, "select app_public.set_rates($1, $2, $2, $3, price => 9000)", [derived, day, newKey()])).toEqual({ code: "INVLD", hint: "DERIVED_PRICE" });
      expect(await refusal(c, "insert into app_public.rate_calendar (property_id, rate_plan_id, date, price) values ($1, $2, $3, 9000)", [h.propertyId, derived, day])).toEqual({ code: "INVLD", hint: "DERIVED_PRICE" });
      expect(await refusal(c, "select app_public.set_rates($1, $2, $2, $3, min_stay => 2)", [derived, day, newKey()])).toBeNull();
      const own = (await c.query("insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price) values ($1, $2, 'Own', 'EUR', 9000) returning id", [h.propertyId, h.roomTypeId])).rows[0].id;
      await c.query("select app_public.set_rates($1, $2, $2, $3, price => 9500)", [own, day, newKey()]);
      expect(await refusal(c, "update app_public.rate_plans set parent_rate_plan_id = $2, adjustment_percent = 5 where id = $1", [own, h.ratePlanId])).toEqual({ code: "INVLD", hint: "DERIVED_PRICE" });
    }));

  it("a parent of another property or room type, itself, a derived parent (no chains), and a parent that becomes derived: INVALID_INPUT PARENT", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      const other = await createHotel(c);
      const suite = (await c.query("insert into app_public.room_types (property_id, name, max_occupancy) values ($1, 'Suite', 2) returning id", [h.propertyId])).rows[0].id;
      const suitePlan = (await c.query("insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price) values ($1, $2, 'Suite Flexible', 'EUR', 20000) returning id", [h.propertyId, suite])).rows[0].id;
      await actAs(c, { role: "keepr_staff", userId: h.manager });
      const parent = { code: "INVLD", hint: "PARENT" };
      expect(await refusal(c, insertDerivedSql, derivedParams(h, { parent: other.ratePlanId }))).toEqual(parent);
      expect(await refusal(c, insertDerivedSql, derivedParams(h, { parent: suitePlan }))).toEqual(parent);
      const derived = await derive(c, h);
      expect(await refusal(c, insertDerivedSql, derivedParams(h, { name: "Chained", parent: derived }))).toEqual(parent);
      expect(await refusal(c, "update app_public.rate_plans set parent_rate_plan_id = id where id = $1", [derived])).toEqual(parent);
      const own = (await c.query("insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price) values ($1, $2, 'Own', 'EUR', 9000) returning id", [h.propertyId, h.roomTypeId])).rows[0].id;
      expect(await refusal(c, "update app_public.rate_plans set parent_rate_plan_id = $2, adjustment_percent = 5 where id = $1", [h.ratePlanId, own])).toEqual(parent);
      // The other property's manager cannot hang a plan on this one either (RLS hides the row; the key says the same).
      await actAs(c, { role: "keepr_staff", userId: other.manager });
      expect(await refusal(c, insertDerivedSql, derivedParams(other, { parent: h.ratePlanId }))).toEqual(parent);
    }));

  it("no adjustment, two, or one out of bounds, and an adjustment on a plan of its own: INVALID_INPUT ADJUSTMENT", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      await actAs(c, { role: "keepr_staff", userId: h.manager });
      const adjustment = { code: "INVLD", hint: "ADJUSTMENT" };
      expect(await refusal(c, insertDerivedSql, derivedParams(h, { percent: null }))).toEqual(adjustment);
      expect(await refusal(c, insertDerivedSql, derivedParams(h, { percent: -15, amount: 100 }))).toEqual(adjustment);
      expect(await refusal(c, insertDerivedSql, derivedParams(h, { percent: -95 }))).toEqual(adjustment);
      expect(await refusal(c, insertDerivedSql, derivedParams(h, { percent: null, amount: 5_000_000 }))).toEqual(adjustment);
      expect(await refusal(c, insertDerivedSql, derivedParams(h, { step: 0 }))).toEqual(adjustment);
      expect(await refusal(c, "update app_public.rate_plans set adjustment_percent = 10 where id = $1", [h.ratePlanId])).toEqual(adjustment);
      // The table's own checks stand behind the trigger: without it, two adjustments are still refused.
      await asOwner(c);
      await c.query("alter table app_public.rate_plans disable trigger _200_derived");
      expect(await sqlstateOf(c, insertDerivedSql, derivedParams(h, { percent: -15, amount: 100 }))).toBe("23514");
      expect(await sqlstateOf(c, insertDerivedSql, derivedParams(h, { roomTypeId: (await c.query("insert into app_public.room_types (property_id, name, max_occupancy) values ($1, 'Suite', 2) returning id", [h.propertyId])).rows[0].id }))).toBe("23503");
    }));

  it("deleting or unpublishing a plan others follow, and publishing a derived plan of an unpublished parent: INVALID_TRANSITION DERIVED_PLANS; the room type's deletion takes both", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      await actAs(c, { role: "keepr_staff", userId: h.manager });
      const derived = await derive(c, h);
      const transition = { code: "TRANS", hint: "DERIVED_PLANS" };
      expect(await refusal(c, "delete from app_public.rate_plans where id = $1", [h.ratePlanId])).toEqual(transition);
      expect(await refusal(c, "update app_public.rate_plans set is_published = false where id = $1", [h.ratePlanId])).toEqual(transition);
      await c.query("update app_public.rate_plans set is_published = false where id = $1", [derived]);
      await c.query("update app_public.rate_plans set is_published = false where id = $1", [h.ratePlanId]);
      expect(await refusal(c, "update app_public.rate_plans set is_published = true where id = $1", [derived])).toEqual(transition);
      // Detached, it keeps its last price as its own and the parent may go.
      await c.query("update app_public.rate_plans set parent_rate_plan_id = null, adjustment_percent = null where id = $1", [derived]);
      expect((await c.query("select base_price from app_public.rate_plans where id = $1", [derived])).rows[0].base_price).toBe("8500");
      await c.query("update app_public.rate_plans set parent_rate_plan_id = $2, adjustment_percent = -20 where id = $1", [derived, h.ratePlanId]);
      await asOwner(c);
      await c.query("delete from app_public.units where room_type_id = $1", [h.roomTypeId]);
      await c.query("delete from app_public.room_types where id = $1", [h.roomTypeId]);
      expect((await c.query("select count(*)::int as n from app_public.rate_plans where property_id = $1", [h.propertyId])).rows[0].n).toBe(0);
    }));

  it("a front desk or housekeeper making a derived plan (managers and owners only)", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      for (const userId of [h.frontDesk, h.housekeeper]) {
        await actAs(c, { role: "keepr_staff", userId });
        expect(await sqlstateOf(c, insertDerivedSql, derivedParams(h, {}))).toBe("42501");
      }
      await actAs(c, { role: "keepr_staff", userId: h.manager });
      const derived = await derive(c, h);
      await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
      const updated = await c.query("update app_public.rate_plans set adjustment_percent = -50 where id = $1", [derived]);
      expect(updated.rowCount).toBe(0);
    }));
});

describe("under concurrency", () => {
  /** Two managers' transactions at once, each on its own connection; `first` takes its locks before `second` starts. */
  async function race(first: string, second: string, setup: (h: Hotel, derived: string) => unknown[]) {
    const h = await createHotel(db.ownerPool);
    const derived = await inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: h.manager });
      return derive(c, h, { published: false });
    });
    const params = setup(h, derived);
    const a = await db.ownerPool.connect();
    const b = await db.ownerPool.connect();
    try {
      await a.query("begin");
      await actAs(a, { role: "keepr_staff", userId: h.manager });
      await b.query("begin");
      await actAs(b, { role: "keepr_staff", userId: h.manager });
      await a.query(first, params);
      const secondPid = (await b.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid;
      const waiting = b.query(second, params).then(() => null, (e: { code?: string; hint?: string }) => ({ code: e.code, hint: e.hint }));
      // The second waits for the first's lock on the parent's row.
      await waitUntil(async () => (await db.ownerPool.query("select count(*)::int as n from pg_locks where not granted and pid = $1", [secondPid])).rows[0].n > 0, "the second to wait");
      await a.query("commit");
      const outcome = await waiting;
      await b.query(outcome ? "rollback" : "commit");
      const rows = await db.ownerPool.query("select id, is_published from app_public.rate_plans where property_id = $1", [h.propertyId]);
      return { outcome, published: Object.fromEntries(rows.rows.map((r) => [r.id === derived ? "derived" : "parent", r.is_published])) };
    } finally {
      a.release();
      b.release();
    }
  }

  it("publishing the derived plan while its parent is being unpublished: whichever commits first wins, the other is refused; never a published plan under an unpublished parent", async () => {
    // Both statements take both ids ($1 the parent, $2 the derived plan).
    const publishChild = "update app_public.rate_plans set is_published = true where id = $2::uuid and $1::uuid is not null";
    const unpublishParent = "update app_public.rate_plans set is_published = false where id = $1::uuid and $2::uuid is not null";
    const ids = (h: Hotel, derived: string) => [h.ratePlanId, derived];
    expect(await race(publishChild, unpublishParent, ids)).toEqual({
      outcome: { code: "TRANS", hint: "DERIVED_PLANS" }, published: { parent: true, derived: true },
    });
    expect(await race(unpublishParent, publishChild, ids)).toEqual({
      outcome: { code: "TRANS", hint: "DERIVED_PLANS" }, published: { parent: false, derived: false },
    });
  });
});
