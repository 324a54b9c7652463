// The folio at the desk (issue 18): extras, allowances, corrections, cash
// and bank payments and refunds, cash shifts, second folios and routing,
// the city ledger and its aging, and a check-out that settles. Every
// operation is idempotent, role-checked in Postgres and its own balanced
// journal entry; the hostile cases are other tenants' ids, roles that may
// not, replayed and reused keys, amounts out of range and text Postgres
// cannot hold.
import type pg from "pg";
import { actAs, asOwner, fileDatabase, inCommit, inRollback, sqlstateOf } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { hotelWithTaxes, trialBalanceIsZero } from "../helpers/ledger.ts";

const db = fileDatabase();

const asStaff = (c: pg.PoolClient, userId: string) => actAs(c, { role: "keepr_staff", userId });
const one = async <T = Record<string, unknown>>(c: pg.PoolClient, sql: string, params: unknown[] = []) => (await c.query(sql, params)).rows[0] as T;

interface Desk extends Hotel {
  accountant: string;
  minibarId: string;
  parkingId: string;
  companyId: string;
  companyFolioId: string;
}

async function user(c: pg.PoolClient, propertyId: string, name: string, role: string | null) {
  const id = (await one<{ id: string }>(c, "insert into app_public.users (email, display_name) values ($1, $2) returning id", [`${name}-${newKey()}@test.example`, name])).id;
  if (role) await c.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, $3)", [propertyId, id, role]);
  return id;
}

/** A hotel with VAT 6 % (inclusive) and a city tax, an accountant, two extras (VAT included) and a company. */
async function desk(c: pg.PoolClient): Promise<Desk> {
  const h = await hotelWithTaxes(c);
  const vat = (await one<{ id: string }>(c, "select id from app_public.taxes where property_id = $1 and name = 'VAT'", [h.propertyId])).id;
  const extra = async (name: string, price: number) =>
    (await one<{ id: string }>(c, "insert into app_public.folio_extras (property_id, name, unit_price, currency, tax_id) values ($1, $2, $3, 'EUR', $4) returning id",
      [h.propertyId, name, price, vat])).id;
  const companyId = (await one<{ id: string }>(c, "insert into app_public.companies (property_id, name, payment_terms_days) values ($1, 'Atlantic Travel', 30) returning id", [h.propertyId])).id;
  return {
    ...h,
    accountant: await user(c, h.propertyId, "Ana", "accountant"),
    minibarId: await extra("Minibar", 450),
    parkingId: await extra("Parking", 1800),
    companyId,
    companyFolioId: (await one<{ id: string }>(c, "select id from app_public.folios where company_id = $1 and kind = 'company'", [companyId])).id,
  };
}

/** A stay checked in today (two nights), booked by the front desk; returns its reservation and primary folio. */
async function inHouse(c: pg.PoolClient, h: Desk) {
  const today = localDate(h.timeZone, 0);
  await asStaff(c, h.frontDesk);
  const b = await book(c, h.ratePlanId, today, addDays(today, 2));
  await asOwner(c);
  await c.query("update app_public.units set housekeeping_status = 'clean' where property_id = $1", [h.propertyId]);
  await asStaff(c, h.frontDesk);
  await c.query("select app_public.check_in($1, $2)", [b.reservation_id, newKey()]);
  const { id: folioId, room } = await one<{ id: string; room: string }>(c,
    `select f.id, 'room ' || u.name as room from app_public.reservations r cross join app_public.reservations_folio(r) f
       join app_public.units u on u.id = r.unit_id where r.id = $1`, [b.reservation_id]);
  return { reservationId: b.reservation_id, total: Number(b.total_amount), folioId, room };
}

const balance = async (c: pg.PoolClient, folioId: string) =>
  Number((await one<{ b: string }>(c, "select coalesce(sum(balance), 0)::text as b from app_public.folio_balances where folio_id = $1", [folioId])).b);
const status = async (c: pg.PoolClient, folioId: string) => (await one<{ status: string }>(c, "select status from app_public.folios where id = $1", [folioId])).status;
/** The postings of the folio's newest entry, per account purpose. */
async function lastEntry(c: pg.PoolClient, folioId: string) {
  const { rows } = await c.query(
    `with e as (select e.* from app_public.journal_entries e join app_public.postings p on p.entry_id = e.id
                 where p.folio_id = $1 order by e.occurred_at desc, p.id desc limit 1)
     select e.description, e.cause_type, a.purpose, sum(p.amount)::int as amount
       from e join app_public.postings p on p.entry_id = e.id join app_public.ledger_accounts a on a.id = p.account_id
      group by 1, 2, 3 order by 3`,
    [folioId],
  );
  return { description: rows[0]?.description as string, cause: rows[0]?.cause_type as string, lines: Object.fromEntries(rows.map((r) => [r.purpose, r.amount])) };
}
const charge = (c: pg.PoolClient, folioId: string, extraId: string, quantity = 1, key = newKey(), note: string | null = null) =>
  c.query("select * from app_public.post_folio_charge($1, $2, $3, $4, $5)", [folioId, extraId, quantity, note, key]);

describe("extras, allowances and corrections", () => {
  it("an extra charges the folio and credits extras revenue net of its VAT, once per key; another request on the key is refused", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      const s = await inHouse(c, h);
      const before = await balance(c, s.folioId);
      const key = newKey();
      await charge(c, s.folioId, h.minibarId, 2, key, "two waters");
      await asOwner(c);
      // 2 × 4.50 = 9.00 gross, VAT 6 % included: round(900 × 6 / 106) = 51.
      expect(await lastEntry(c, s.folioId)).toEqual({
        description: `Minibar × 2 — ${s.room} (two waters)`,
        cause: "folio_charge",
        lines: { extras_revenue: -849, guest_receivable: 900, tax_payable: -51 },
      });
      await asStaff(c, h.frontDesk);
      const replay = (await charge(c, s.folioId, h.minibarId, 2, key, "two waters")).rows[0];
      expect(replay.id).toBe(s.folioId);
      expect(await balance(c, s.folioId)).toBe(before + 900);
      expect(await sqlstateOf(c, "select app_public.post_folio_charge($1, $2, 3, null, $3)", [s.folioId, h.minibarId, key])).toBe("IDKEY");
      // The same key from another cashier is theirs: a charge of its own.
      await asStaff(c, h.manager);
      await charge(c, s.folioId, h.minibarId, 1, key);
      expect(await balance(c, s.folioId)).toBe(before + 900 + 450);
      await asOwner(c);
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));

  it("quantities, inactive extras and closed folios are refused with a reason", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      const s = await inHouse(c, h);
      for (const q of [0, -1, 1000]) expect(await sqlstateOf(c, "select app_public.post_folio_charge($1, $2, $3, null, $4)", [s.folioId, h.minibarId, q, newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select app_public.post_folio_charge($1, $2, 1, $3, $4)", [s.folioId, h.minibarId, "x".repeat(201), newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select app_public.post_folio_charge($1, $2, 1, $3, $4)", [s.folioId, h.minibarId, "a\u0000b", newKey()])).toMatch(/^22/);
      await asOwner(c);
      await c.query("update app_public.folio_extras set is_active = false where id = $1", [h.parkingId]);
      await asStaff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select app_public.post_folio_charge($1, $2, 1, null, $3)", [s.folioId, h.parkingId, newKey()])).toBe("INVLD");
      // Settle and check out: the folio closes and takes no more charges.
      await c.query("select app_public.take_folio_payment($1, 'bank_transfer', $2, 'SEPA 123', $3)", [s.folioId, await balance(c, s.folioId), newKey()]);
      await c.query("select app_public.check_out($1, $2)", [s.reservationId, newKey()]);
      expect(await status(c, s.folioId)).toBe("closed");
      expect(await sqlstateOf(c, "select app_public.post_folio_charge($1, $2, 1, null, $3)", [s.folioId, h.minibarId, newKey()])).toBe("FOLCL");
    }));

  it("an allowance needs a reason and the back office; a correction reverses an extra once, on the folio it sits on", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      const s = await inHouse(c, h);
      const start = await balance(c, s.folioId);
      expect(await sqlstateOf(c, "select app_public.post_folio_allowance($1, 1000, 'Noisy room', $2)", [s.folioId, newKey()])).toBe("DNIED");
      await asStaff(c, h.accountant);
      expect(await sqlstateOf(c, "select app_public.post_folio_allowance($1, 1000, '   ', $2)", [s.folioId, newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select app_public.post_folio_allowance($1, 1000, null, $2)", [s.folioId, newKey()])).toBe("INVLD");
      await c.query("select app_public.post_folio_allowance($1, 1000, 'Noisy room', $2)", [s.folioId, newKey()]);
      await asOwner(c);
      expect(await lastEntry(c, s.folioId)).toEqual({
        description: `Allowance — ${s.room}: Noisy room`, cause: "folio_allowance", lines: { allowances: 1000, guest_receivable: -1000 },
      });
      await asStaff(c, h.frontDesk);
      await charge(c, s.folioId, h.parkingId);
      const parking = (await one<{ entry_id: string }>(c, "select p.entry_id from app_public.postings p join app_public.journal_entries e on e.id = p.entry_id where p.folio_id = $1 and e.cause_type = 'folio_charge'", [s.folioId])).entry_id;
      const key = newKey();
      await c.query("select app_public.correct_folio_entry($1, $2, 'Wrong room', $3)", [parking, s.folioId, key]);
      await c.query("select app_public.correct_folio_entry($1, $2, 'Wrong room', $3)", [parking, s.folioId, key]);
      expect(await sqlstateOf(c, "select app_public.correct_folio_entry($1, $2, 'Again', $3)", [parking, s.folioId, newKey()])).toBe("TRANS");
      await asOwner(c);
      const correction = await lastEntry(c, s.folioId);
      expect(correction).toEqual({
        description: `Correction of “Parking — ${s.room}”: Wrong room`, cause: "folio_correction",
        lines: { extras_revenue: 1698, guest_receivable: -1800, tax_payable: 102 },
      });
      expect(await balance(c, s.folioId)).toBe(start - 1000);
      // A booking's own charges follow the booking, not a correction.
      const roomEntry = (await one<{ id: string }>(c, "select id from app_public.journal_entries where cause_type = 'reservation' and cause_id = $1", [s.reservationId])).id;
      await asStaff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select app_public.correct_folio_entry($1, $2, 'No', $3)", [roomEntry, s.folioId, newKey()])).toBe("INVLD");
      await asOwner(c);
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));
});

describe("payments, refunds and cash shifts", () => {
  it("cash needs the caller's open shift; the close counts it and posts the difference to cash over/short", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      const s = await inHouse(c, h);
      expect(await sqlstateOf(c, "select app_public.take_folio_payment($1, 'cash', 5000, null, $2)", [s.folioId, newKey()])).toBe("CSHRQ");
      const shiftKey = newKey();
      const shift = (await c.query("select * from app_public.open_cash_shift($1, 10000, $2)", [h.propertyId, shiftKey])).rows[0];
      expect((await c.query("select * from app_public.open_cash_shift($1, 10000, $2)", [h.propertyId, shiftKey])).rows[0].id).toBe(shift.id);
      expect(await sqlstateOf(c, "select app_public.open_cash_shift($1, 10000, $2)", [h.propertyId, newKey()])).toBe("TRANS");
      // Another cashier's shift is theirs: the manager has none yet.
      await asStaff(c, h.manager);
      expect(await sqlstateOf(c, "select app_public.take_folio_payment($1, 'cash', 5000, null, $2)", [s.folioId, newKey()])).toBe("CSHRQ");
      await asStaff(c, h.frontDesk);
      const owed = await balance(c, s.folioId);
      expect(await sqlstateOf(c, "select app_public.take_folio_payment($1, 'cash', $2, null, $3)", [s.folioId, owed + 1, newKey()])).toBe("INVLD");
      const key = newKey();
      await c.query("select app_public.take_folio_payment($1, 'cash', 5000, 'Receipt 17', $2)", [s.folioId, key]);
      await c.query("select app_public.take_folio_payment($1, 'cash', 5000, 'Receipt 17', $2)", [s.folioId, key]);
      expect(await sqlstateOf(c, "select app_public.take_folio_payment($1, 'cash', 6000, 'Receipt 17', $2)", [s.folioId, key])).toBe("IDKEY");
      await asOwner(c);
      expect(await lastEntry(c, s.folioId)).toEqual({
        description: `Cash payment, shift of desk — ${s.room} (Receipt 17)`, cause: "folio_payment", lines: { cash_drawer: 5000, guest_receivable: -5000 },
      });
      await asStaff(c, h.frontDesk);
      await c.query("select app_public.take_folio_payment($1, 'bank_transfer', $2, 'SEPA 9', $3)", [s.folioId, owed - 5000, newKey()]);
      expect(await balance(c, s.folioId)).toBe(0);
      expect(await sqlstateOf(c, "select app_public.take_folio_payment($1, 'bank_transfer', 1, null, $2)", [s.folioId, newKey()])).toBe("INVLD");
      // A refund beyond the credit is a goodwill refund, the back office's.
      expect(await sqlstateOf(c, "select app_public.refund_folio_payment($1, 'cash', 500, 'Change', false, $2)", [s.folioId, newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select app_public.refund_folio_payment($1, 'cash', 500, 'Sorry', true, $2)", [s.folioId, newKey()])).toBe("DNIED");
      // The manager closes the desk's shift: float 100.00 + 50.00 in = 150.00 expected; 149.00 counted.
      await asStaff(c, h.manager);
      const closeKey = newKey();
      const closed = (await c.query("select * from app_public.close_cash_shift($1, 14900, 'One euro short', $2)", [shift.id, closeKey])).rows[0];
      expect([Number(closed.expected_amount), Number(closed.difference), closed.note]).toEqual([15000, -100, "One euro short"]);
      expect((await c.query("select * from app_public.close_cash_shift($1, 14900, 'One euro short', $2)", [shift.id, closeKey])).rows[0].closed_at).toEqual(closed.closed_at);
      expect(await sqlstateOf(c, "select app_public.close_cash_shift($1, 15000, null, $2)", [shift.id, newKey()])).toBe("TRANS");
      await asOwner(c);
      const diff = (await c.query(
        `select e.description, a.purpose, p.amount::int from app_public.journal_entries e join app_public.postings p on p.entry_id = e.id
           join app_public.ledger_accounts a on a.id = p.account_id where e.id = $1 order by a.purpose`, [closed.difference_entry_id])).rows;
      expect(diff).toEqual([
        { description: "Cash short, shift of desk: counted €149.00, expected €150.00 (One euro short)", purpose: "cash_drawer", amount: -100 },
        { description: "Cash short, shift of desk: counted €149.00, expected €150.00 (One euro short)", purpose: "cash_over_short", amount: 100 },
      ]);
      // After the close the desk has no shift: cash is refused again.
      await asStaff(c, h.frontDesk);
      await charge(c, s.folioId, h.minibarId);
      expect(await sqlstateOf(c, "select app_public.take_folio_payment($1, 'cash', 450, null, $2)", [s.folioId, newKey()])).toBe("CSHRQ");
      await asOwner(c);
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));

  it("only the opener, or the back office, closes a shift; a colleague at the desk may not", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      const colleague = await user(c, h.propertyId, "Rui", "front_desk");
      await asStaff(c, h.frontDesk);
      const shift = (await c.query("select * from app_public.open_cash_shift($1, 0, $2)", [h.propertyId, newKey()])).rows[0];
      await asStaff(c, colleague);
      expect(await sqlstateOf(c, "select app_public.close_cash_shift($1, 0, null, $2)", [shift.id, newKey()])).toBe("DNIED");
      await asStaff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select app_public.close_cash_shift($1, -1, null, $2)", [shift.id, newKey()])).toBe("INVLD");
      const closed = (await c.query("select * from app_public.close_cash_shift($1, 0, null, $2)", [shift.id, newKey()])).rows[0];
      expect([Number(closed.difference), closed.difference_entry_id]).toEqual([0, null]);
    }));

  it("a goodwill refund on a settled folio posts the allowance in the same entry and leaves the folio at zero", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      const s = await inHouse(c, h);
      await c.query("select app_public.take_folio_payment($1, 'bank_transfer', $2, null, $3)", [s.folioId, await balance(c, s.folioId), newKey()]);
      await c.query("select app_public.check_out($1, $2)", [s.reservationId, newKey()]);
      expect(await status(c, s.folioId)).toBe("closed");
      await asStaff(c, h.accountant);
      await c.query("select app_public.refund_folio_payment($1, 'bank_transfer', 5000, 'Broken air conditioning', true, $2)", [s.folioId, newKey()]);
      await asOwner(c);
      expect(await lastEntry(c, s.folioId)).toEqual({
        description: `Goodwill refund by bank transfer — ${s.room}: Broken air conditioning`,
        cause: "folio_refund",
        lines: { allowances: 5000, bank: -5000, guest_receivable: 0 },
      });
      expect(await balance(c, s.folioId)).toBe(0);
      expect(await status(c, s.folioId)).toBe("closed");
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));

  it("a credit is refunded in cash out of the shift, at most the credit; a late correction reopens a closed folio and the refund closes it", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      const s = await inHouse(c, h);
      await charge(c, s.folioId, h.parkingId);
      const parking = (await one<{ id: string }>(c, "select id from app_public.journal_entries where cause_type = 'folio_charge' and cause_id = $1", [s.folioId])).id;
      await c.query("select app_public.open_cash_shift($1, 5000, $2)", [h.propertyId, newKey()]);
      await c.query("select app_public.take_folio_payment($1, 'cash', $2, null, $3)", [s.folioId, await balance(c, s.folioId), newKey()]);
      await c.query("select app_public.check_out($1, $2)", [s.reservationId, newKey()]);
      expect(await status(c, s.folioId)).toBe("closed");
      await c.query("select app_public.correct_folio_entry($1, $2, 'Guest had no car', $3)", [parking, s.folioId, newKey()]);
      expect([await status(c, s.folioId), await balance(c, s.folioId)]).toEqual(["open", -1800]);
      expect(await sqlstateOf(c, "select app_public.refund_folio_payment($1, 'cash', 1801, 'Parking', false, $2)", [s.folioId, newKey()])).toBe("INVLD");
      await c.query("select app_public.refund_folio_payment($1, 'cash', 1800, 'Parking', false, $2)", [s.folioId, newKey()]);
      expect([await status(c, s.folioId), await balance(c, s.folioId)]).toEqual(["closed", 0]);
      const moves = (await c.query("select kind, amount::int from app_public.cash_movements where folio_id = $1 order by created_at, amount desc", [s.folioId])).rows;
      expect(moves).toEqual([{ kind: "payment", amount: s.total + 1800 }, { kind: "refund", amount: -1800 }]);
      await asOwner(c);
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));

  it("two desks closing one shift at once: one closes it, the other is told it is closed", async () => {
    const h = await inCommit(db.ownerPool, (c) => desk(c));
    const shiftId = await inCommit(db.ownerPool, async (c) => {
      await asStaff(c, h.frontDesk);
      return (await one<{ id: string }>(c, "select id from app_public.open_cash_shift($1, 2000, $2)", [h.propertyId, newKey()])).id;
    });
    const close = (userId: string, counted: number) =>
      inCommit(db.ownerPool, async (c) => {
        await asStaff(c, userId);
        return (await c.query("select * from app_public.close_cash_shift($1, $2, null, $3)", [shiftId, counted, newKey()])).rows[0];
      }).then((row) => ({ ok: row }), (error: { code?: string }) => ({ error: error.code }));
    const results = await Promise.all([close(h.frontDesk, 2000), close(h.manager, 2100)]);
    expect(results.filter((r) => "ok" in r)).toHaveLength(1);
    expect(results.filter((r) => "error" in r).map((r) => (r as { error: string }).error)).toEqual(["TRANS"]);
    const entries = await inRollback(db.ownerPool, (c) => one<{ n: number }>(c, "select count(*)::int as n from app_public.journal_entries where cause_type = 'cash_count' and cause_id = $1", [shiftId]));
    const closed = await inRollback(db.ownerPool, (c) => one<{ difference: string }>(c, "select difference from app_public.cash_shifts where id = $1", [shiftId]));
    expect(entries.n).toBe(Number(closed.difference) === 0 ? 0 : 1);
  });
});

describe("cash racing the count", () => {
  it("a cash payment and the shift's close at once: the payment is in the count, or refused for want of an open shift", async () => {
    const h = await inCommit(db.ownerPool, (c) => desk(c));
    const { shiftId, folioId } = await inCommit(db.ownerPool, async (c) => {
      const s = await inHouse(c, h);
      const shift = (await one<{ id: string }>(c, "select id from app_public.open_cash_shift($1, 1000, $2)", [h.propertyId, newKey()])).id;
      return { shiftId: shift, folioId: s.folioId };
    });
    const as = <T>(userId: string, fn: (c: pg.PoolClient) => Promise<T>) =>
      inCommit(db.ownerPool, async (c) => {
        await asStaff(c, userId);
        return fn(c);
      }).then((value) => ({ ok: true as const, value }), (error: { code?: string }) => ({ ok: false as const, code: error.code }));
    const [pay, close] = await Promise.all([
      as(h.frontDesk, (c) => c.query("select app_public.take_folio_payment($1, 'cash', 700, null, $2)", [folioId, newKey()])),
      as(h.frontDesk, (c) => c.query("select * from app_public.close_cash_shift($1, 1000, null, $2)", [shiftId, newKey()])),
    ]);
    expect(close.ok).toBe(true);
    if (!pay.ok) expect(pay.code).toBe("CSHRQ");
    const row = await inRollback(db.ownerPool, (c) => one<{ expected: string; moved: string; difference: string }>(c,
      `select s.expected_amount::text as expected, s.difference::text as difference,
              (select coalesce(sum(m.amount), 0) from app_public.cash_movements m where m.shift_id = s.id)::text as moved
         from app_public.cash_shifts s where s.id = $1`, [shiftId]));
    // Whatever the order: the count expected the float plus exactly the cash the shift took.
    expect(Number(row.expected)).toBe(1000 + Number(row.moved));
    expect(Number(row.moved)).toBe(pay.ok ? 700 : 0);
    expect(Number(row.difference) + Number(row.moved)).toBe(0); // counted 1000: short by what was taken
  });
});

describe("check-out, split folios and the city ledger", () => {
  it("check-out refuses while a guest folio is open, naming it and the amount; once paid it checks out and closes every folio", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      const s = await inHouse(c, h);
      const owed = await balance(c, s.folioId);
      const refusal = await c.query("savepoint s").then(() =>
        c.query("select app_public.check_out($1, $2)", [s.reservationId, newKey()]).then(
          () => null,
          async (e: { code: string; message: string; hint: string }) => (await c.query("rollback to savepoint s"), e),
        ));
      expect(refusal?.code).toBe("FOLUN");
      expect(refusal?.hint).toBe("OWED");
      expect(refusal?.message).toBe(`Folio 1 is not settled: the guest owes €${(owed / 100).toFixed(2)}. Take a payment or transfer it to a company's city ledger, then check out.`);
      expect((await one<{ status: string }>(c, "select status from app_public.reservations where id = $1", [s.reservationId])).status).toBe("checked_in");
      // A second folio with an extra: both must be settled.
      const extras = (await one<{ id: string }>(c, "select id from app_public.create_folio($1, 'Extras', null, $2)", [s.reservationId, newKey()])).id;
      await charge(c, extras, h.minibarId);
      await c.query("select app_public.take_folio_payment($1, 'bank_transfer', $2, null, $3)", [s.folioId, owed, newKey()]);
      expect(await sqlstateOf(c, "select app_public.check_out($1, $2)", [s.reservationId, newKey()])).toBe("FOLUN");
      await c.query("select app_public.take_folio_payment($1, 'bank_transfer', 450, null, $2)", [extras, newKey()]);
      await c.query("select app_public.check_out($1, $2)", [s.reservationId, newKey()]);
      expect([await status(c, s.folioId), await status(c, extras)]).toEqual(["closed", "closed"]);
    }));

  it("charges are routed to a second folio and the rest to a company's city ledger; the company's payments settle its oldest items first", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      const s = await inHouse(c, h);
      await charge(c, s.folioId, h.minibarId, 2);
      await charge(c, s.folioId, h.parkingId);
      const entries = (await c.query("select id, description from app_public.journal_entries where cause_type = 'folio_charge' and cause_id = $1 order by description", [s.folioId])).rows;
      const guest = (await one<{ id: string; label: string; company_id: string | null }>(c, "select * from app_public.create_folio($1, null, null, $2)", [s.reservationId, newKey()]));
      expect(guest.label).toBe("Folio 2");
      expect(await sqlstateOf(c, "select app_public.create_folio($1, 'folio 2', null, $2)", [s.reservationId, newKey()])).toBe("INVLD");
      const routeKey = newKey();
      const ids = entries.map((e) => e.id);
      const routed = (await c.query("select * from app_public.route_folio_postings($1, $2, $3, $4)", [s.folioId, guest.id, ids, routeKey])).rows[0];
      expect(routed.id).toBe(guest.id);
      await asOwner(c);
      const route = (await c.query(
        `select e.description, count(p.id)::int as postings from app_public.journal_entries e join app_public.postings p on p.entry_id = e.id
          where e.cause_type = 'folio_route' and e.cause_id = $1 group by e.id, e.property_id`, [guest.id])).rows;
      expect(route).toEqual([{ description: `Moved from Folio 1 to Folio 2: Minibar × 2 — ${s.room}; Parking — ${s.room}`, postings: 2 }]);
      await asStaff(c, h.frontDesk);
      expect((await c.query("select * from app_public.route_folio_postings($1, $2, $3, $4)", [s.folioId, guest.id, ids, routeKey])).rows[0].id).toBe(guest.id);
      expect(await balance(c, guest.id)).toBe(900 + 1800);
      expect(await balance(c, s.folioId)).toBe(s.total);
      // Moved already: not on the first folio any more.
      expect(await sqlstateOf(c, "select app_public.route_folio_postings($1, $2, $3, $4)", [s.folioId, guest.id, [ids[0]], newKey()])).toBe("INVLD");
      // A payment is not a charge to move.
      await c.query("select app_public.take_folio_payment($1, 'bank_transfer', 100, null, $2)", [guest.id, newKey()]);
      const payment = (await one<{ id: string }>(c, "select id from app_public.journal_entries where cause_type = 'folio_payment' and cause_id = $1", [guest.id])).id;
      expect(await sqlstateOf(c, "select app_public.route_folio_postings($1, $2, $3, $4)", [guest.id, s.folioId, [payment], newKey()])).toBe("INVLD");
      // The parking goes back to the first folio, then is corrected there.
      const parking = entries.find((e) => e.description.startsWith("Parking"))!.id;
      await c.query("select app_public.route_folio_postings($1, $2, $3, $4)", [guest.id, s.folioId, [parking], newKey()]);
      expect(await sqlstateOf(c, "select app_public.correct_folio_entry($1, $2, 'No car', $3)", [parking, guest.id, newKey()])).toBe("INVLD");
      await c.query("select app_public.correct_folio_entry($1, $2, 'No car', $3)", [parking, s.folioId, newKey()]);
      expect([await balance(c, s.folioId), await balance(c, guest.id)]).toEqual([s.total, 900 - 100]);
      // The room goes to the company's city ledger; the guest pays their extras.
      const key = newKey();
      await c.query("select app_public.transfer_folio_to_city_ledger($1, $2, $3)", [s.folioId, h.companyId, key]);
      await c.query("select app_public.transfer_folio_to_city_ledger($1, $2, $3)", [s.folioId, h.companyId, key]);
      expect(await sqlstateOf(c, "select app_public.transfer_folio_to_city_ledger($1, $2, $3)", [s.folioId, h.companyId, newKey()])).toBe("INVLD");
      await asOwner(c);
      expect(await lastEntry(c, s.folioId)).toMatchObject({ cause: "city_ledger_transfer", lines: { city_ledger: s.total, guest_receivable: -s.total } });
      expect((await lastEntry(c, s.folioId)).description).toMatch(new RegExp(`^To the city ledger of Atlantic Travel — ${s.room}, booking `));
      await asStaff(c, h.frontDesk);
      await c.query("select app_public.take_folio_payment($1, 'bank_transfer', 800, null, $2)", [guest.id, newKey()]);
      await c.query("select app_public.check_out($1, $2)", [s.reservationId, newKey()]);
      expect(await balance(c, h.companyFolioId)).toBe(s.total);
      // An older item of the company's (posted 50 days ago) and a payment: the payment settles the older one first.
      await asOwner(c);
      const old = (await one<{ id: string }>(c,
        `insert into app_public.journal_entries (property_id, occurred_at, cause_type, idempotency_key, description)
         values ($1, now() - interval '50 days', 'adjustment', $2, 'Old stay') returning id`, [h.propertyId, newKey()])).id;
      await c.query(
        `insert into app_public.postings (property_id, entry_id, account_id, folio_id, amount, currency)
         select $1, $2, a.id, case when a.purpose = 'city_ledger' then $3::uuid end, case when a.purpose = 'city_ledger' then 7000 else -7000 end, 'EUR'
           from app_public.ledger_accounts a where a.property_id = $1 and a.purpose in ('city_ledger', 'room_revenue')`,
        [h.propertyId, old, h.companyFolioId]);
      await asStaff(c, h.accountant);
      await c.query("select app_public.take_folio_payment($1, 'bank_transfer', 9000, 'Atlantic remittance', $2)", [h.companyFolioId, newKey()]);
      const today = localDate(h.timeZone, 0);
      const aging = async (asOf: string) => (await c.query("select * from app_public.ar_aging($1, $2)", [h.propertyId, asOf])).rows.map((r) =>
        [r.company_name, Number(r.current), Number(r.days_1_to_30), Number(r.days_31_to_60), Number(r.days_61_to_90), Number(r.over_90), Number(r.total)]);
      // 7000 (50 days old, 20 days overdue) is paid; of today's transfer 2000 of 9000 is paid.
      expect(await aging(today)).toEqual([["Atlantic Travel", s.total - 2000, 0, 0, 0, 0, s.total - 2000]]);
      expect(await aging(addDays(today, 45))).toEqual([["Atlantic Travel", 0, s.total - 2000, 0, 0, 0, s.total - 2000]]);
      expect(await aging(addDays(today, 130))).toEqual([["Atlantic Travel", 0, 0, 0, 0, s.total - 2000, s.total - 2000]]);
      // Before the payment (yesterday): only the old item, 19 days overdue.
      expect(await aging(addDays(today, -1))).toEqual([["Atlantic Travel", 0, 7000, 0, 0, 0, 7000]]);
      await asStaff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select * from app_public.ar_aging($1, $2)", [h.propertyId, today])).toBe("DNIED");
      await asOwner(c);
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));
});

describe("the city ledger's edges", () => {
  it("an inactive company takes no transfer; a company that paid too much shows its credit as current; a checked-out stay gets no new folio", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      const s = await inHouse(c, h);
      await asOwner(c);
      await c.query("update app_public.companies set is_active = false where id = $1", [h.companyId]);
      await asStaff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select app_public.transfer_folio_to_city_ledger($1, $2, $3)", [s.folioId, h.companyId, newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select app_public.create_folio($1, null, $2, $3)", [s.reservationId, h.companyId, newKey()])).toBe("INVLD");
      await asOwner(c);
      await c.query("update app_public.companies set is_active = true where id = $1", [h.companyId]);
      await asStaff(c, h.frontDesk);
      await c.query("select app_public.transfer_folio_to_city_ledger($1, $2, $3)", [s.folioId, h.companyId, newKey()]);
      await c.query("select app_public.check_out($1, $2)", [s.reservationId, newKey()]);
      expect(await sqlstateOf(c, "select app_public.create_folio($1, null, null, $2)", [s.reservationId, newKey()])).toBe("TRANS");
      // The company pays by bank; paying more than it owes is refused, a goodwill credit note (an allowance) leaves it in credit.
      expect(await sqlstateOf(c, "select app_public.take_folio_payment($1, 'bank_transfer', $2, null, $3)", [h.companyFolioId, s.total + 1, newKey()])).toBe("INVLD");
      await c.query("select app_public.take_folio_payment($1, 'bank_transfer', $2, 'Remittance 88', $3)", [h.companyFolioId, s.total, newKey()]);
      await asStaff(c, h.accountant);
      await c.query("select app_public.post_folio_allowance($1, 1500, 'Volume rebate', $2)", [h.companyFolioId, newKey()]);
      const aging = (await c.query("select company_name, current::int, days_1_to_30::int, total::int from app_public.ar_aging($1, $2)", [h.propertyId, localDate(h.timeZone, 60)])).rows;
      expect(aging).toEqual([{ company_name: "Atlantic Travel", current: -1500, days_1_to_30: 0, total: -1500 }]);
      // The credit is paid back by bank (an ordinary refund of the credit).
      await c.query("select app_public.refund_folio_payment($1, 'bank_transfer', 1500, 'Rebate paid', false, $2)", [h.companyFolioId, newKey()]);
      expect((await c.query("select * from app_public.ar_aging($1, $2)", [h.propertyId, localDate(h.timeZone, 60)])).rows).toEqual([]);
      await asOwner(c);
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));
});

describe("the card schedule gives way to the desk", () => {
  it("cash taken at the desk shrinks the open card balance, a change of dates keeps it shrunk, and a transfer to the city ledger cancels it", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      const s = await inHouse(c, h);
      const open = async () =>
        (await c.query("select kind, amount::int from app_public.payment_intents where reservation_id = $1 and status in ('requires_payment', 'failed') order by kind", [s.reservationId])).rows;
      // Paid at check-in (the hotel's default plan): one balance intent for the whole stay.
      expect(await open()).toEqual([{ kind: "balance", amount: s.total }]);
      await c.query("select app_public.open_cash_shift($1, 0, $2)", [h.propertyId, newKey()]);
      await c.query("select app_public.take_folio_payment($1, 'cash', 5000, null, $2)", [s.folioId, newKey()]);
      expect(await open()).toEqual([{ kind: "balance", amount: s.total - 5000 }]);
      // An extra on the folio does not grow what the card is asked for.
      await charge(c, s.folioId, h.minibarId);
      expect(await open()).toEqual([{ kind: "balance", amount: s.total - 5000 }]);
      // One more night: re-priced; the card is asked for no more than the folio owes: the new total and the minibar, less the cash.
      const longer = (await c.query("select total_amount::int as total from app_public.modify_reservation($1, $2, departure => $3::date)",
        [s.reservationId, newKey(), addDays(localDate(h.timeZone, 0), 3)])).rows[0].total as number;
      expect(longer).toBeGreaterThan(s.total);
      expect(await open()).toEqual([{ kind: "balance", amount: longer + 450 - 5000 }]);
      await c.query("select app_public.transfer_folio_to_city_ledger($1, $2, $3)", [s.folioId, h.companyId, newKey()]);
      expect(await open()).toEqual([]);
      expect(await balance(c, s.folioId)).toBe(0);
      await asOwner(c);
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));

  it("only the schedule's intents give way: a card charge the desk started for something else (incidental) is left as it is", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      const s = await inHouse(c, h);
      await asOwner(c);
      const incidental = (await one<{ id: string }>(c,
        `insert into app_public.payment_intents (property_id, reservation_id, folio_id, kind, amount, currency, due_at, status, failure_code)
         values ($1, $2, $3, 'incidental', 2500, 'EUR', now(), 'failed', 'card_declined') returning id`, [h.propertyId, s.reservationId, s.folioId])).id;
      await asStaff(c, h.frontDesk);
      await c.query("select app_public.take_folio_payment($1, 'bank_transfer', $2, null, $3)", [s.folioId, s.total, newKey()]);
      const intents = (await c.query("select kind, status from app_public.payment_intents where reservation_id = $1 order by kind", [s.reservationId])).rows;
      expect(intents).toEqual([{ kind: "balance", status: "cancelled" }, { kind: "incidental", status: "failed" }]);
      expect((await c.query("select id from app_public.payment_intents where id = $1 and amount = 2500", [incidental])).rowCount).toBe(1);
    }));

  it("a nightly-posting stay settles before the last audit: the desk may take what check-out will post", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      await c.query("update app_public.rate_plans set charge_posting = 'nightly' where id = $1", [h.ratePlanId]);
      const s = await inHouse(c, h);
      // Nothing is posted yet (no night audited), but the stay is due at check-out.
      const due = Number((await c.query("select app_public.folios_due_at_check_out(f)::text as due from app_public.folios f where id = $1", [s.folioId])).rows[0].due);
      expect([await balance(c, s.folioId), due]).toEqual([0, s.total]);
      expect(await sqlstateOf(c, "select app_public.take_folio_payment($1, 'bank_transfer', $2, null, $3)", [s.folioId, due + 1, newKey()])).toBe("INVLD");
      await c.query("select app_public.take_folio_payment($1, 'bank_transfer', $2, 'SEPA', $3)", [s.folioId, due, newKey()]);
      expect(await balance(c, s.folioId)).toBe(-s.total);
      await c.query("select app_public.check_out($1, $2)", [s.reservationId, newKey()]);
      expect([await balance(c, s.folioId), await status(c, s.folioId)]).toEqual([0, "closed"]);
    }));
});

describe("who may, and hostile input", () => {
  it("another tenant's folio, extra, company and shift are NTFND; housekeeping DNIED; a guest NTFND; the analyst cannot call at all", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      const other = await desk(c);
      const s = await inHouse(c, h);
      const o = await inHouse(c, other);
      await asStaff(c, other.frontDesk);
      const otherShift = (await one<{ id: string }>(c, "select id from app_public.open_cash_shift($1, 0, $2)", [other.propertyId, newKey()])).id;
      const calls: Array<[string, unknown[]]> = [
        ["select app_public.post_folio_charge($1, $2, 1, null, $3)", [s.folioId, h.minibarId, newKey()]],
        ["select app_public.post_folio_allowance($1, 100, 'x', $2)", [s.folioId, newKey()]],
        ["select app_public.take_folio_payment($1, 'bank_transfer', 100, null, $2)", [s.folioId, newKey()]],
        ["select app_public.refund_folio_payment($1, 'bank_transfer', 100, 'x', true, $2)", [s.folioId, newKey()]],
        ["select app_public.create_folio($1, null, null, $2)", [s.reservationId, newKey()]],
        ["select app_public.transfer_folio_to_city_ledger($1, $2, $3)", [s.folioId, h.companyId, newKey()]],
        ["select app_public.open_cash_shift($1, 0, $2)", [h.propertyId, newKey()]],
        ["select * from app_public.ar_aging($1, current_date)", [h.propertyId]],
      ];
      // The other hotel's desk: nothing of this hotel exists for them.
      for (const [sql, params] of calls) expect([sql, await sqlstateOf(c, sql, params)]).toEqual([sql, "NTFND"]);
      // Their own folio with this hotel's extra or company: no such extra / company.
      expect(await sqlstateOf(c, "select app_public.post_folio_charge($1, $2, 1, null, $3)", [o.folioId, h.minibarId, newKey()])).toBe("NTFND");
      expect(await sqlstateOf(c, "select app_public.transfer_folio_to_city_ledger($1, $2, $3)", [o.folioId, h.companyId, newKey()])).toBe("NTFND");
      expect(await sqlstateOf(c, "select app_public.create_folio($1, null, $2, $3)", [o.reservationId, h.companyId, newKey()])).toBe("NTFND");
      expect(await sqlstateOf(c, "select app_public.route_folio_postings($1, $2, $3, $4)", [o.folioId, s.folioId, [], newKey()])).toBe("NTFND");
      // This hotel's desk cannot close the other's shift nor see it.
      await asStaff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select app_public.close_cash_shift($1, 0, null, $2)", [otherShift, newKey()])).toBe("NTFND");
      expect((await c.query("select count(*)::int as n from app_public.cash_shifts where id = $1", [otherShift])).rows[0].n).toBe(0);
      expect((await c.query("select count(*)::int as n from app_public.companies where id = $1", [other.companyId])).rows[0].n).toBe(0);
      // Housekeeping is staff here but may do none of it.
      await asStaff(c, h.housekeeper);
      for (const [sql, params] of calls) expect([sql, await sqlstateOf(c, sql, params)]).toEqual([sql, "DNIED"]);
      expect((await c.query("select count(*)::int as n from app_public.folio_extras where property_id = $1", [h.propertyId])).rows[0].n).toBe(0);
      // A signed-in guest: not staff anywhere.
      await asOwner(c);
      const guest = await user(c, h.propertyId, "Mallory", null);
      await actAs(c, { role: "keepr_guest", userId: guest });
      expect(await sqlstateOf(c, "select app_public.post_folio_charge($1, $2, 1, null, $3)", [s.folioId, h.minibarId, newKey()])).toBe("42501");
      await asOwner(c);
      await c.query("set local role keepr_analyst");
      expect(await sqlstateOf(c, "select app_public.take_folio_payment($1, 'cash', 100, null, $2)", [s.folioId, newKey()])).toBe("42501");
      await asOwner(c);
      // Nothing was posted by any of it.
      expect(Number((await one<{ n: string }>(c, "select count(*) as n from app_public.journal_entries where property_id = $1 and cause_type like 'folio%'", [h.propertyId])).n)).toBe(0);
    }));

  it("amounts of 0, negative and 2^63, keys too short, and a NUL in a reason are refused before anything is posted", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      const s = await inHouse(c, h);
      await asStaff(c, h.accountant);
      for (const amount of ["0", "-1", "100000000001"]) {
        expect(await sqlstateOf(c, "select app_public.post_folio_allowance($1, $2::bigint, 'x', $3)", [s.folioId, amount, newKey()])).toBe("INVLD");
        expect(await sqlstateOf(c, "select app_public.refund_folio_payment($1, 'bank_transfer', $2::bigint, 'x', true, $3)", [s.folioId, amount, newKey()])).toBe("INVLD");
      }
      for (const amount of ["0", "-5"]) expect(await sqlstateOf(c, "select app_public.take_folio_payment($1, 'bank_transfer', $2::bigint, null, $3)", [s.folioId, amount, newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select app_public.take_folio_payment($1, 'bank_transfer', $2::bigint, null, $3)", [s.folioId, "9223372036854775808", newKey()])).toBe("22003");
      expect(await sqlstateOf(c, "select app_public.open_cash_shift($1, -1, $2)", [h.propertyId, newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select app_public.take_folio_payment($1, 'bank_transfer', 100, null, 'short')", [s.folioId])).toBe("IDKRQ");
      expect(await sqlstateOf(c, "select app_public.post_folio_allowance($1, 100, $2, $3)", [s.folioId, "Noisy\u0000room", newKey()])).toMatch(/^22/);
      expect(await sqlstateOf(c, "select app_public.take_folio_payment($1, 'paypal', 100, null, $2)", [s.folioId, newKey()])).toBe("22P02");
      expect(await sqlstateOf(c, "select app_public.route_folio_postings($1, $1, $2, $3)", [s.folioId, [], newKey()])).toBe("INVLD");
      await asOwner(c);
      expect(Number((await one<{ n: string }>(c, "select count(*) as n from app_public.journal_entries where property_id = $1 and cause_type like 'folio%'", [h.propertyId])).n)).toBe(0);
    }));

  it("a company gets its city-ledger folio with it; a front desk adds companies, housekeeping cannot; managers keep the extras catalogue", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await desk(c);
      await asStaff(c, h.frontDesk);
      const company = (await one<{ id: string }>(c, "insert into app_public.companies (property_id, name, tax_id) values ($1, 'Tejo Consulting', 'PT501234567') returning id", [h.propertyId])).id;
      const ledger = (await c.query("select kind, label, currency, reservation_id, is_primary from app_public.folios where company_id = $1", [company])).rows;
      expect(ledger).toEqual([{ kind: "company", label: "Tejo Consulting", currency: "EUR", reservation_id: null, is_primary: false }]);
      expect(await sqlstateOf(c, "insert into app_public.folio_extras (property_id, name, unit_price, currency) values ($1, 'Spa', 5000, 'EUR')", [h.propertyId])).toBe("42501");
      await asStaff(c, h.housekeeper);
      expect(await sqlstateOf(c, "insert into app_public.companies (property_id, name) values ($1, 'Nope')", [h.propertyId])).toBe("42501");
      await asStaff(c, h.manager);
      await c.query("insert into app_public.folio_extras (property_id, name, unit_price, currency) values ($1, 'Spa', 5000, 'EUR')", [h.propertyId]);
      await c.query("update app_public.companies set name = 'Tejo Consulting Lda' where id = $1", [company]);
      expect((await one<{ label: string }>(c, "select label from app_public.folios where company_id = $1", [company])).label).toBe("Tejo Consulting Lda");
    }));

  it("a second city-ledger folio for a company, or a guest folio without a reservation, is impossible by constraint", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      const company = (await one<{ id: string }>(c, "insert into app_public.companies (property_id, name) values ($1, 'Acme') returning id", [h.propertyId])).id;
      expect(await sqlstateOf(c, "insert into app_public.folios (property_id, kind, company_id, label, currency) values ($1, 'company', $2, 'Again', 'EUR')", [h.propertyId, company])).toBe("23505");
      expect(await sqlstateOf(c, "insert into app_public.folios (property_id, kind, label, currency) values ($1, 'guest', 'Loose', 'EUR')", [h.propertyId])).toBe("23514");
    }));
});
