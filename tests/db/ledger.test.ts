// The ledger core: every journal entry balances per currency at commit,
// entries and postings are append-only for every role, folio balances and
// the trial balance are derived from postings, and posting is idempotent.
import type pg from "pg";
import { actAs, fileDatabase, inRollback, sqlstateOf } from "../helpers/db.ts";
import { book, createHotel, localDate, addDays, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();

type Line = { purpose: string; amount: number; currency?: string; folio_id?: string; tax_id?: string; provider?: string };

const post = (c: pg.PoolClient, h: Hotel, key: string, lines: Line[]) =>
  c.query<{ id: string }>("select app_private.post_entry($1, 'adjustment', null, $2, 'test entry', $3) as id", [
    h.propertyId, key, JSON.stringify(lines.map((l) => ({ currency: "EUR", ...l }))),
  ]);

/** The SQLSTATE when the transaction's deferred constraints are checked now (as at commit); then deferred again. */
async function atCommit(c: pg.PoolClient): Promise<string | null> {
  const code = await sqlstateOf(c, "set constraints all immediate");
  await c.query("set constraints all deferred");
  return code;
}

it("a new property gets its system accounts, and each tax its own tax-payable account", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await c.query("insert into app_public.taxes (property_id, name, basis, percent, currency) values ($1, 'VAT', 'percent_of_room', 6, 'EUR')", [h.propertyId]);
    const { rows } = await c.query("select purpose, kind from app_public.ledger_accounts where property_id = $1 order by code", [h.propertyId]);
    expect(rows.map((r) => r.purpose)).toEqual([
      "cash_drawer", "bank", "guest_receivable", "city_ledger", "payment_clearing", "payouts", "tax_payable", "owner_payable", "refunds",
      "room_revenue", "fee_revenue", "cancellation_revenue", "commission_revenue", "extras_revenue", "allowances", "cash_over_short",
    ]);
  }));

it("a balanced entry commits; one that is off by a cent, or balanced only across currencies, or one-sided, does not", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await post(c, h, "ok", [{ purpose: "guest_receivable", amount: 100 }, { purpose: "room_revenue", amount: -100 }]);
    expect(await atCommit(c)).toBeNull();
    for (const [key, lines] of [
      ["off-by-one", [{ purpose: "guest_receivable", amount: 100 }, { purpose: "room_revenue", amount: -99 }]],
      ["cross-currency", [{ purpose: "guest_receivable", amount: 100 }, { purpose: "room_revenue", amount: -100, currency: "CHF" }]],
      ["one-sided", [{ purpose: "guest_receivable", amount: 100 }]],
    ] as Array<[string, Line[]]>) {
      await c.query("savepoint attempt");
      await post(c, h, key, lines);
      expect([key, await atCommit(c)]).toEqual([key, "UNBAL"]);
      await c.query("rollback to savepoint attempt");
    }
    const { rows } = await c.query("select difference from app_public.trial_balance where property_id = $1", [h.propertyId]);
    expect(rows).toEqual([{ difference: "0" }]);
  }));

it("posting is idempotent by key, and an unknown account is refused", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    const lines = [{ purpose: "guest_receivable", amount: 250 }, { purpose: "fee_revenue", amount: -250 }];
    const first = (await post(c, h, "same-key", lines)).rows[0]!.id;
    const again = (await post(c, h, "same-key", lines)).rows[0]!.id;
    expect(again).toBe(first);
    expect((await c.query("select count(*)::int as n from app_public.postings where entry_id = $1", [first])).rows[0].n).toBe(2);
    expect(await sqlstateOf(c, "select app_private.post_entry($1, 'adjustment', null, 'bad-account', 'x', $2)", [
      h.propertyId, JSON.stringify([{ purpose: "tax_payable", amount: 5, currency: "EUR" }, { purpose: "room_revenue", amount: -5, currency: "EUR" }]),
    ])).toBe("NTFND");
  }));

it("folio balances follow the postings on the folio; account balances and the trial balance add up", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await actAs(c, { role: "keepr_anonymous" });
    const arrival = localDate(h.timeZone, 10);
    const booking = await book(c, h.ratePlanId, arrival, addDays(arrival, 2));
    await c.query("reset role");
    // Confirmation charged the folio the two nights (20000).
    const folio = (await c.query("select id from app_public.folios where reservation_id = $1", [booking.reservation_id])).rows[0].id;
    await post(c, h, "payment", [{ purpose: "payment_clearing", provider: "simulated", amount: 15000 }, { purpose: "guest_receivable", amount: -15000, folio_id: folio }]);
    expect(await atCommit(c)).toBeNull();
    expect((await c.query("select currency, balance from app_public.folio_balances where folio_id = $1", [folio])).rows).toEqual([{ currency: "EUR", balance: "5000" }]);
    const balances = await c.query("select purpose, balance from app_public.account_balances where property_id = $1 order by code", [h.propertyId]);
    expect(balances.rows).toEqual([
      { purpose: "guest_receivable", balance: "5000" },
      { purpose: "payment_clearing", balance: "15000" },
      { purpose: "room_revenue", balance: "-20000" },
    ]);
    expect((await c.query("select debits, credits, difference from app_public.trial_balance where property_id = $1", [h.propertyId])).rows).toEqual([
      { debits: "35000", credits: "35000", difference: "0" },
    ]);
  }));

it("entries and postings cannot be updated or deleted by any role, the owner included", async () => {
  const client = await db.ownerPool.connect();
  let h: Hotel;
  try {
    await client.query("begin");
    h = await createHotel(client);
    await post(client, h, "history", [{ purpose: "guest_receivable", amount: 100 }, { purpose: "room_revenue", amount: -100 }]);
    await client.query("commit");
  } finally {
    client.release();
  }
  await inRollback(db.ownerPool, async (c) => {
    for (const sql of [
      "update app_public.postings set amount = amount * 2 where property_id = $1",
      "delete from app_public.postings where property_id = $1",
      "update app_public.journal_entries set description = 'edited' where property_id = $1",
      "delete from app_public.journal_entries where property_id = $1",
    ]) {
      expect([sql, await sqlstateOf(c, sql, [h.propertyId])]).toEqual([sql, "APPND"]);
    }
    expect(await sqlstateOf(c, "truncate app_public.postings")).toBe("APPND");
    for (const role of ["keepr_staff", "keepr_worker", "keepr_anonymous"]) {
      await c.query(`set local role ${role}`);
      for (const sql of ["update app_public.postings set amount = 1", "delete from app_public.postings", "insert into app_public.postings (property_id, entry_id, account_id, amount, currency) values (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 1, 'EUR')"]) {
        expect([role, sql, await sqlstateOf(c, sql)]).toEqual([role, sql, "42501"]);
      }
      await c.query("reset role");
    }
  });
});

it("accountants and managers read the ledger; front desk only folio postings; guests only their own folio's", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await post(c, h, "visible", [{ purpose: "guest_receivable", amount: 100 }, { purpose: "room_revenue", amount: -100 }]);
    await actAs(c, { role: "keepr_staff", userId: h.manager });
    expect((await c.query("select count(*)::int as n from app_public.postings where property_id = $1", [h.propertyId])).rows[0].n).toBe(2);
    expect((await c.query("select count(*)::int as n from app_public.ledger_accounts where property_id = $1", [h.propertyId])).rows[0].n).toBeGreaterThan(5);
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    expect((await c.query("select count(*)::int as n from app_public.postings where property_id = $1", [h.propertyId])).rows[0].n).toBe(0);
    await actAs(c, { role: "keepr_staff", userId: h.housekeeper });
    expect((await c.query("select count(*)::int as n from app_public.journal_entries where property_id = $1", [h.propertyId])).rows[0].n).toBe(0);
    // Anyone else reads only postings on folios they may see (a guest's own): none here.
    await actAs(c, { role: "keepr_anonymous" });
    expect((await c.query("select count(*)::int as n from app_public.postings")).rows[0].n).toBe(0);
    expect(await sqlstateOf(c, "select * from app_public.journal_entries limit 1")).toBe("42501");
  }));
