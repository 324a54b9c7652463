// The scale data generator (npm run seed; the booking bench) on a small
// set: it writes with triggers off, so every column a trigger would fill
// must be filled by the generator itself, and the result must be bookable.
import { fileDatabase } from "../helpers/db.ts";
import { defaultScaleOptions, generateScaleData } from "../../db/seed-scale.ts";

const db = fileDatabase();

it("generates a small data set with triggers off: counts as planned, business dates set, every stay holding its unit", async () => {
  const result = await generateScaleData(db, { ...defaultScaleOptions, properties: 3, units: 40, days: 30, occupancy: 0.5, seed: 7 });
  expect(result.triggers).toBe("off");
  expect(result.counts.properties).toBe(3);
  expect(result.counts.units).toBe(40);
  expect(result.occupancy).toBeGreaterThan(0.3);
  const { rows } = await db.ownerPool.query(
    "select count(*)::int as n, count(*) filter (where business_date = (now() at time zone time_zone)::date)::int as today from app_public.properties",
  );
  expect(rows[0]).toEqual({ n: 3, today: 3 });
  // Every generated stay holds its unit (one claim per reservation).
  const claims = await db.ownerPool.query(
    "select count(*)::int as n from app_public.reservations r where not exists (select 1 from app_public.inventory_claims c where c.reservation_id = r.id)",
  );
  expect(claims.rows[0].n).toBe(0);
}, 60_000);
