// The scale data generator (npm run seed; the booking bench) on a small
// set: it writes with triggers off, so every column a trigger would fill
// must be filled by the generator itself, the ledger must hold as its own
// checks would have made it, and the result must be bookable.
import { fileDatabase } from "../helpers/db.ts";
import { defaultScaleOptions, generateScaleData } from "../../db/seed-scale.ts";

const db = fileDatabase();
const small = { ...defaultScaleOptions, properties: 4, units: 60, days: 60, occupancy: 0.5, seed: 7 };

// What the money of the data set adds up to, per account purpose and status: equal for equal seeds.
const fingerprint = async () =>
  (
    await db.ownerPool.query(
      `select 'posting' as what, a.purpose as key, count(*)::int as n, sum(po.amount)::text as total
         from app_public.postings po join app_public.ledger_accounts a on a.property_id = po.property_id and a.id = po.account_id
        group by a.purpose
       union all
       select 'intent', i.kind || ':' || i.status, count(*)::int, sum(i.amount)::text from app_public.payment_intents i group by i.kind, i.status
       union all
       select 'reservation', r.status::text, count(*)::int, sum(r.total_amount)::text from app_public.reservations r group by r.status
        order by 1, 2`,
    )
  ).rows;

it("generates a small data set with triggers off: counts as planned, business dates set, every stay holding its unit, its money balanced", async () => {
  const result = await generateScaleData(db, small);
  expect(result.triggers).toBe("off");
  expect(result.counts.properties).toBe(4);
  expect(result.counts.units).toBe(60);
  expect(result.occupancy).toBeGreaterThan(0.3);
  const { rows } = await db.ownerPool.query(
    "select count(*)::int as n, count(*) filter (where business_date = (now() at time zone time_zone)::date)::int as today from app_public.properties",
  );
  expect(rows[0]).toEqual({ n: 4, today: 4 });
  // Every generated stay holds its unit (one claim per reservation), live
  // unless cancelled.
  const claims = await db.ownerPool.query(
    `select count(*)::int as n from app_public.reservations r
      where not exists (select 1 from app_public.inventory_claims c
                         where c.reservation_id = r.id and (c.released_at is null) = (r.status <> 'cancelled'))`,
  );
  expect(claims.rows[0].n).toBe(0);

  // What real bookings have: a folio each, charges, payments captured and
  // declined, cancellations refunded, companies' city ledgers.
  for (const name of ["cancelled", "folios", "companies", "journal_entries", "payment_intents", "intents_captured", "intents_failed",
                      "attempts_declined", "refunds", "city_ledger_transfers", "second_folios"]) {
    expect([name, result.counts[name]! > 0]).toEqual([name, true]);
  }
  expect(result.counts.folios).toBe(result.counts.reservations);
  // The ledger as its checks would leave it: the trial balance at zero per
  // currency, every folio balance its postings, no posting without its entry.
  const ledger = await db.ownerPool.query(
    `select (select count(*)::int from (select currency from app_public.postings group by currency having sum(amount) <> 0) x) as unbalanced_currencies,
            (select count(*)::int from app_public.folio_balances b
              where b.balance <> (select sum(amount) from app_public.postings p where p.folio_id = b.folio_id and p.currency = b.currency)) as wrong_balances,
            (select count(*)::int from app_public.folios f where not exists (select 1 from app_public.folio_balances b where b.folio_id = f.id)
                and exists (select 1 from app_public.postings p where p.folio_id = f.id)) as folios_without_balance`,
  );
  expect(ledger.rows[0]).toEqual({ unbalanced_currencies: 0, wrong_balances: 0, folios_without_balance: 0 });

  // Deterministic: --reset with the same seed deletes it all (its ledger
  // included) and makes the same money again.
  const first = await fingerprint();
  const again = await generateScaleData(db, { ...small, reset: true });
  expect(again.deletedReservations).toBe(result.counts.reservations);
  expect(await fingerprint()).toEqual(first);
}, 120_000);
