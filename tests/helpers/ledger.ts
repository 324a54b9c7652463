// Reading the ledger back in tests: a reservation's net postings per
// account, its folio balance, the trial balance; and a hotel with a fee and
// both kinds of tax.
import type pg from "pg";
import { createHotel, newKey, type HotelOptions } from "./booking.ts";

/** Net postings per account purpose (and tax) for a reservation's folios and their entries. */
export async function ledgerOf(c: pg.PoolClient, reservationId: string) {
  const { rows } = await c.query<{ purpose: string; amount: string }>(
    `select coalesce(a.purpose, a.code) || coalesce(':' || t.name, '') as purpose, sum(p.amount)::text as amount
       from app_public.postings p
       join app_public.ledger_accounts a on a.id = p.account_id
       left join app_public.taxes t on t.id = a.tax_id
       join app_public.journal_entries e on e.id = p.entry_id
      where (e.cause_type = 'reservation' and e.cause_id = $1)
         or p.folio_id in (select id from app_public.folios where reservation_id = $1)
         or e.id in (select p2.entry_id from app_public.postings p2 where p2.folio_id in (select id from app_public.folios where reservation_id = $1))
         or (e.cause_type = 'refund' and e.cause_id in (select f.id from app_public.refunds f
                                                         join app_public.payment_intents i on i.id = f.intent_id where i.reservation_id = $1))
      group by 1 having sum(p.amount) <> 0 order by 1`,
    [reservationId],
  );
  return Object.fromEntries(rows.map((r) => [r.purpose, Number(r.amount)]));
}

/** The balance of all the reservation's guest folios together. */
export const folioBalance = async (c: pg.PoolClient, reservationId: string) =>
  Number(
    (await c.query(
      "select coalesce(sum(b.balance), 0) as b from app_public.folio_balances b join app_public.folios f on f.id = b.folio_id where f.reservation_id = $1",
      [reservationId],
    )).rows[0].b,
  );

/**
 * Settles a reservation's guest folios as the desk does before check-out,
 * as the current role (cashiers): what each folio will owe at check-out
 * (folios_due_at_check_out) is paid by bank transfer, a credit refunded.
 */
export async function settleFolios(c: pg.PoolClient, reservationId: string) {
  const { rows } = await c.query<{ id: string; due: string }>(
    "select f.id, app_public.folios_due_at_check_out(f)::text as due from app_public.folios f where f.reservation_id = $1 and f.kind = 'guest' order by f.id",
    [reservationId],
  );
  for (const folio of rows) {
    const due = BigInt(folio.due);
    if (due > 0n) {
      await c.query("select app_public.take_folio_payment($1, 'bank_transfer', $2, 'Settled at check-out', $3)", [folio.id, due.toString(), newKey()]);
    } else if (due < 0n) {
      await c.query("select app_public.refund_folio_payment($1, 'bank_transfer', $2, 'Credit paid back at check-out', false, $3)", [folio.id, (-due).toString(), newKey()]);
    }
  }
}

export const trialBalanceIsZero = async (c: pg.PoolClient) =>
  (await c.query("select count(*)::int as n from app_public.trial_balance where difference <> 0")).rows[0].n === 0;

export async function hotelWithTaxes(c: pg.PoolClient, ratePlan: HotelOptions["ratePlan"] = {}) {
  const h = await createHotel(c, { ratePlan: { base_price: 10000, ...ratePlan } });
  await c.query("insert into app_public.fees (property_id, name, basis, amount, currency) values ($1, 'Cleaning', 'per_stay', 3000, 'EUR')", [h.propertyId]);
  await c.query(
    `insert into app_public.taxes (property_id, name, basis, percent, amount, currency, is_inclusive, applies_to_fees)
     values ($1, 'VAT', 'percent_of_room', 6, null, 'EUR', true, true), ($1, 'City tax', 'per_person_night', null, 200, 'EUR', false, false)`,
    [h.propertyId],
  );
  return h;
}
