// Pricing, as a table of cases: seasons, length-of-stay discounts, extra
// guests, every restriction, fees and taxes, rounding, time zones and DST.
// Each case builds a fresh property (base price 100.00 for two guests,
// three units, Europe/Lisbon unless it says otherwise), applies its set-up
// as the owner and asks for a quote as an anonymous guest.
import type pg from "pg";
import { actAs, fileDatabase, inRollback, sqlstateOf } from "../helpers/db.ts";
import { addDays, createHotel, localDate, newKey, type Hotel, type HotelOptions } from "../helpers/booking.ts";

const db = fileDatabase();

type Setup = (c: pg.PoolClient, h: Hotel, arrival: string) => Promise<unknown>;

interface Case {
  name: string;
  hotel?: HotelOptions;
  setup?: Setup;
  nights: number;
  adults?: number;
  children?: number;
  /** Expected totals (minor units) or the restriction that stops the stay. */
  expect: { room: number; fees?: number; taxes?: number; included?: number; total: number } | { restriction: string };
}

const calendar = (offset: number, values: Record<string, unknown>): Setup => (c, h, arrival) => {
  const columns = Object.keys(values);
  return c.query(
    `insert into app_public.rate_calendar (property_id, rate_plan_id, date, ${columns.join(", ")})
     values ($1, $2, $3, ${columns.map((_, i) => `$${i + 4}`).join(", ")})`,
    [h.propertyId, h.ratePlanId, addDays(arrival, offset), ...Object.values(values)],
  );
};
const discounts = (...tiers: Array<[number, number]>): Setup => async (c, h) => {
  for (const [minNights, percent] of tiers) {
    await c.query("insert into app_public.rate_plan_los_discounts (property_id, rate_plan_id, min_nights, percent_off) values ($1, $2, $3, $4)", [h.propertyId, h.ratePlanId, minNights, percent]);
  }
};
const fee = (basis: string, amount: number): Setup => (c, h) =>
  c.query("insert into app_public.fees (property_id, name, basis, amount, currency) values ($1, $2, $3, $4, 'EUR')", [h.propertyId, `Fee ${basis}`, basis, amount]);
const tax = (basis: string, value: number, options: { inclusive?: boolean; fees?: boolean } = {}): Setup => (c, h) =>
  c.query(
    "insert into app_public.taxes (property_id, name, basis, percent, amount, currency, is_inclusive, applies_to_fees) values ($1, $2, $3, $4, $5, 'EUR', $6, $7)",
    [h.propertyId, `Tax ${basis} ${value}`, basis, basis === "percent_of_room" ? value : null, basis === "percent_of_room" ? null : value, options.inclusive ?? false, options.fees ?? false],
  );
const all = (...setups: Setup[]): Setup => async (c, h, arrival) => {
  for (const s of setups) await s(c, h, arrival);
};

const cases: Case[] = [
  { name: "base price per night for the included guests", nights: 3, expect: { room: 30000, total: 30000 } },
  { name: "a season price on one night overrides the base price", setup: calendar(1, { price: 15000 }), nights: 3, expect: { room: 35000, total: 35000 } },
  { name: "a calendar row without a price keeps the base price", setup: calendar(0, { min_stay: 1 }), nights: 2, expect: { room: 20000, total: 20000 } },
  { name: "an extra adult pays the extra-adult fee every night", hotel: { ratePlan: { extra_adult_fee: 2500 } }, nights: 2, adults: 3, expect: { room: 25000, total: 25000 } },
  { name: "a child beyond the included guests pays the child fee", hotel: { ratePlan: { extra_child_fee: 1000 } }, nights: 2, adults: 2, children: 1, expect: { room: 22000, total: 22000 } },
  { name: "adults fill the included places first; one child rides free", hotel: { ratePlan: { extra_child_fee: 1000 } }, nights: 2, adults: 1, children: 2, expect: { room: 22000, total: 22000 } },
  { name: "six nights get no 7-night discount", setup: discounts([7, 10], [28, 20]), nights: 6, expect: { room: 60000, total: 60000 } },
  { name: "seven nights get 10% off", setup: discounts([7, 10], [28, 20]), nights: 7, expect: { room: 63000, total: 63000 } },
  { name: "28 nights get the larger 20% off", setup: discounts([7, 10], [28, 20]), nights: 28, expect: { room: 224000, total: 224000 } },
  { name: "a discount rounds half away from zero (703.5 → 704)", hotel: { ratePlan: { base_price: 1005 } }, setup: discounts([7, 10]), nights: 7, expect: { room: 6331, total: 6331 } },
  {
    name: "fees per stay, per night and per guest-night",
    setup: all(fee("per_stay", 5000), fee("per_night", 300), fee("per_guest_night", 100)),
    nights: 3, adults: 2, children: 1,
    expect: { room: 30000, fees: 6800, total: 36800 },
  },
  { name: "an exclusive percent tax is added", setup: tax("percent_of_room", 10), nights: 3, expect: { room: 30000, taxes: 3000, total: 33000 } },
  { name: "an inclusive percent tax is shown, not added (30000 × 6/106 = 1698.1)", setup: tax("percent_of_room", 6, { inclusive: true }), nights: 3, expect: { room: 30000, included: 1698, total: 30000 } },
  { name: "a percent tax on fees too", setup: all(fee("per_stay", 5000), tax("percent_of_room", 10, { fees: true })), nights: 3, expect: { room: 30000, fees: 5000, taxes: 3500, total: 38500 } },
  { name: "a percent tax applies after the discount", setup: all(discounts([7, 10]), tax("percent_of_room", 10)), nights: 7, expect: { room: 63000, taxes: 6300, total: 69300 } },
  { name: "a tax per night and one per person-night", setup: all(tax("per_night", 150), tax("per_person_night", 200)), nights: 3, adults: 2, children: 1, expect: { room: 30000, taxes: 2250, total: 32250 } },
  { name: "a tax percent with decimals rounds once per line (30000 × 3.8% = 1140; 33333 × 3.8% = 1266.65 → 1267)", hotel: { ratePlan: { base_price: 11111 } }, setup: tax("percent_of_room", 3.8), nights: 3, expect: { room: 33333, taxes: 1267, total: 34600 } },
  { name: "a zero-decimal currency is priced in its own minor unit", hotel: { currency: "JPY", timeZone: "Asia/Tokyo", ratePlan: { base_price: 18000 } }, nights: 2, expect: { room: 36000, total: 36000 } },
  { name: "the plan's min stay", hotel: { ratePlan: { min_stay: 3 } }, nights: 2, expect: { restriction: "MIN_STAY" } },
  { name: "the arrival date's min stay overrides the plan's", setup: calendar(0, { min_stay: 4 }), nights: 3, expect: { restriction: "MIN_STAY" } },
  { name: "a min stay on a later night does not apply", setup: calendar(1, { min_stay: 4 }), nights: 3, expect: { room: 30000, total: 30000 } },
  { name: "the plan's max stay", hotel: { ratePlan: { max_stay: 5 } }, nights: 6, expect: { restriction: "MAX_STAY" } },
  { name: "closed to arrival on the arrival date", setup: calendar(0, { closed_to_arrival: true }), nights: 2, expect: { restriction: "CLOSED_TO_ARRIVAL" } },
  { name: "closed to arrival on a later date does not apply", setup: calendar(1, { closed_to_arrival: true }), nights: 2, expect: { room: 20000, total: 20000 } },
  { name: "closed to departure on the departure date", setup: calendar(2, { closed_to_departure: true }), nights: 2, expect: { restriction: "CLOSED_TO_DEPARTURE" } },
  { name: "stop sell on any night", setup: calendar(2, { stop_sell: true }), nights: 4, expect: { restriction: "STOP_SELL" } },
  { name: "stop sell on the departure date is not a night of the stay", setup: calendar(2, { stop_sell: true }), nights: 2, expect: { room: 20000, total: 20000 } },
  { name: "more guests than the room sleeps", hotel: { maxOccupancy: 3 }, nights: 2, adults: 3, children: 1, expect: { restriction: "MAX_OCCUPANCY" } },
];

async function quoteCase(c: pg.PoolClient, k: Case) {
  const h = await createHotel(c, k.hotel);
  const arrival = localDate(h.timeZone, 30);
  await k.setup?.(c, h, arrival);
  await actAs(c, { role: "keepr_anonymous" });
  return { h, arrival, query: () => c.query("select q.*, to_jsonb(q.lines) as line_list from app_public.quote($1, $2, $3, $4, $5) q", [h.ratePlanId, arrival, addDays(arrival, k.nights), k.adults ?? 2, k.children ?? 0]) };
}

describe("quote", () => {
  it.each(cases.map((k) => [k.name, k] as const))("%s", (_name, k) =>
    inRollback(db.ownerPool, async (c) => {
      const { query } = await quoteCase(c, k);
      if ("restriction" in k.expect) {
        await expect(query()).rejects.toMatchObject({ code: "RSTRC", hint: k.expect.restriction });
        return;
      }
      const q = (await query()).rows[0];
      expect({
        room: Number(q.room_amount), fees: Number(q.fees_amount), taxes: Number(q.taxes_amount),
        included: Number(q.included_taxes_amount), total: Number(q.total_amount),
      }).toEqual({ fees: 0, taxes: 0, included: 0, ...k.expect });
      // The lines add up to the totals: nights and discount to the room,
      // fees to fees, exclusive taxes to taxes.
      const lines: Array<{ kind: string; amount: string; is_inclusive: boolean }> = q.line_list;
      const sum = (pick: (l: (typeof lines)[number]) => boolean) => lines.filter(pick).reduce((s, l) => s + Number(l.amount), 0);
      expect(sum((l) => l.kind === "night" || l.kind === "discount")).toBe(k.expect.room);
      expect(sum((l) => l.kind === "tax" && !l.is_inclusive)).toBe(k.expect.taxes ?? 0);
      expect(lines.filter((l) => l.kind === "night")).toHaveLength(k.nights);
    }),
  );

  it("search prices every case the same as quote, and names the restriction when asked", () =>
    inRollback(db.ownerPool, async (c) => {
      for (const k of cases) {
        const { h, arrival, query } = await quoteCase(c, k);
        const search = await c.query("select total_amount, is_bookable, restriction from app_public.search_availability($1, $2, $3, $4, $5, include_unavailable => true)", [
          arrival, addDays(arrival, k.nights), k.adults ?? 2, k.children ?? 0, h.propertyId,
        ]);
        if ("restriction" in k.expect) {
          expect([k.name, search.rows[0].is_bookable, search.rows[0].restriction]).toEqual([k.name, false, k.expect.restriction]);
          const plain = await c.query("select 1 from app_public.search_availability($1, $2, $3, $4, $5)", [arrival, addDays(arrival, k.nights), k.adults ?? 2, k.children ?? 0, h.propertyId]);
          expect([k.name, plain.rowCount]).toEqual([k.name, 0]);
        } else {
          const q = (await query()).rows[0];
          expect([k.name, search.rows]).toEqual([k.name, [{ total_amount: q.total_amount, is_bookable: true, restriction: null }]]);
        }
        await c.query("reset role");
      }
    }));
});

describe("time zones and daylight saving", () => {
  it("today is the property's today: far east and far west of UTC", () =>
    inRollback(db.ownerPool, async (c) => {
      for (const timeZone of ["Pacific/Kiritimati", "Pacific/Pago_Pago"]) {
        const h = await createHotel(c, { timeZone });
        await actAs(c, { role: "keepr_anonymous" });
        const today = localDate(timeZone, 0);
        expect([timeZone, await sqlstateOf(c, "select app_public.quote($1, $2, $3)", [h.ratePlanId, today, addDays(today, 1)])]).toEqual([timeZone, null]);
        expect([timeZone, await sqlstateOf(c, "select app_public.quote($1, $2, $3)", [h.ratePlanId, addDays(today, -1), addDays(today, 1)])]).toEqual([timeZone, "DATES"]);
        await c.query("reset role");
      }
    }));

  it("a stay across the spring DST change has one line per calendar night, and its cancellation deadline is exact", () =>
    inRollback(db.ownerPool, async (c) => {
      // The next last Sunday of March at least a week away: Europe/Lisbon
      // goes from UTC+0 to UTC+1 that night.
      const today = localDate("Europe/Lisbon", 7);
      let year = Number(today.slice(0, 4));
      const lastSundayOfMarch = (y: number) => {
        const d = new Date(Date.UTC(y, 2, 31));
        d.setUTCDate(31 - d.getUTCDay());
        return d.toISOString().slice(0, 10);
      };
      if (lastSundayOfMarch(year) < today) year += 1;
      const dstSunday = lastSundayOfMarch(year);
      const h = await createHotel(c, { ratePlan: { free_cancellation_days: 1 } });
      await actAs(c, { role: "keepr_anonymous" });
      // Arrive the Monday after: free until Sunday 15:00 local = 14:00 UTC (summer time).
      const arrival = addDays(dstSunday, 1);
      const q = (await c.query("select to_jsonb(q.lines) as lines from app_public.quote($1, $2, $3) q", [h.ratePlanId, addDays(dstSunday, -1), addDays(dstSunday, 2)])).rows[0];
      expect(q.lines.filter((l: { kind: string }) => l.kind === "night").map((l: { date: string }) => l.date)).toEqual([addDays(dstSunday, -1), dstSunday, arrival]);
      const monday = (await c.query("select free_cancellation_until from app_public.quote($1, $2, $3)", [h.ratePlanId, arrival, addDays(arrival, 2)])).rows[0];
      expect(monday.free_cancellation_until.toISOString()).toBe(`${dstSunday}T14:00:00.000Z`);
      // Arrive on the Sunday: free until Saturday 15:00 local = 15:00 UTC (winter time).
      const sunday = (await c.query("select free_cancellation_until from app_public.quote($1, $2, $3)", [h.ratePlanId, dstSunday, addDays(dstSunday, 2)])).rows[0];
      expect(sunday.free_cancellation_until.toISOString()).toBe(`${addDays(dstSunday, -1)}T15:00:00.000Z`);
    }));
});

describe("set_rates", () => {
  it("edits a date range in one call, only on the given weekdays, leaving unnamed fields alone; reset clears", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      const first = localDate(h.timeZone, 30);
      const last = addDays(first, 13);
      await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
      expect(await sqlstateOf(c, "select app_public.set_rates($1, $2, $3, $4, price => 1)", [h.ratePlanId, first, last, newKey()])).toBe("DNIED");
      await actAs(c, { role: "keepr_staff", userId: h.manager });
      const weekends = await c.query("select app_public.set_rates($1, $2, $3, $4, price => 14000, days_of_week => '{5,6}') as n", [h.ratePlanId, first, last, newKey()]);
      expect(weekends.rows[0].n).toBe(4);
      await c.query("select app_public.set_rates($1, $2, $3, $4, min_stay => 2)", [h.ratePlanId, first, last, newKey()]);
      const rows = await c.query<{ dow: number; price: string | null; min_stay: number }>(
        "select extract(isodow from date)::int as dow, price, min_stay from app_public.rate_calendar where rate_plan_id = $1 order by date",
        [h.ratePlanId],
      );
      expect(rows.rows).toHaveLength(14);
      for (const r of rows.rows) expect([r.dow, r.price, r.min_stay]).toEqual([r.dow, r.dow >= 5 && r.dow <= 6 ? "14000" : null, 2]);
      expect(await c.query("select app_public.set_rates($1, $2, $3, $4, reset => true) as n", [h.ratePlanId, first, last, newKey()])).toMatchObject({ rows: [{ n: 14 }] });
      expect((await c.query("select count(*)::int as n from app_public.rate_calendar where rate_plan_id = $1 and (price is not null or min_stay is not null)", [h.ratePlanId])).rows[0].n).toBe(0);
      expect(await sqlstateOf(c, "select app_public.set_rates($1, $2, $3, $4, days_of_week => '{0}')", [h.ratePlanId, first, last, newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select app_public.set_rates($1, $2, $3, $4)", [h.ratePlanId, last, first, newKey()])).toBe("DATES");
    }));
});
