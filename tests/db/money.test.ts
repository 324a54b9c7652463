// Bookings post to the ledger (confirm, modify, cancel, no-show; check-out
// closes the folio) and payments move money through intents, attempts and
// refunds, each step idempotent. The provider's part is played here by the
// record_* functions the capture job and the webhooks call.
import { asOwner, fileDatabase, inRollback, sqlstateOf, staff } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate, newKey, type HotelOptions } from "../helpers/booking.ts";
import { folioBalance, hotelWithTaxes, ledgerOf, settleFolios, trialBalanceIsZero } from "../helpers/ledger.ts";

const db = fileDatabase();

it("confirmation charges the folio: room and fee revenue net of the inclusive tax, each tax payable, receivable = total", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await hotelWithTaxes(c);
    const arrival = localDate(h.timeZone, 30);
    await staff(c, h.frontDesk);
    const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 2));
    await asOwner(c);
    // 2 nights × 10000 + cleaning 3000 = 23000, VAT 6% included: round(23000 × 6 / 106) = 1302,
    // of which on the fee round(1302 × 3000 / 23000) = 170; city tax 2 guests × 2 nights × 200 = 800.
    expect(Number(b.total_amount)).toBe(23800);
    expect(await ledgerOf(c, b.reservation_id)).toEqual({
      fee_revenue: -(3000 - 170),
      guest_receivable: 23800,
      room_revenue: -(20000 - 1302 + 170),
      "tax_payable:City tax": -800,
      "tax_payable:VAT": -1302,
    });
    expect(await folioBalance(c, b.reservation_id)).toBe(23800);
    expect(await trialBalanceIsZero(c)).toBe(true);
  }));

it("a modification posts only the difference; an unchanged price posts nothing", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await hotelWithTaxes(c);
    const arrival = localDate(h.timeZone, 30);
    await staff(c, h.frontDesk);
    const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 2));
    const entries = async () => Number((await c.query("select count(*) from app_public.journal_entries where cause_id = $1", [b.reservation_id])).rows[0].count);
    await c.query("select app_public.modify_reservation($1, $2, departure => $3::date)", [b.reservation_id, newKey(), addDays(arrival, 3)]);
    await asOwner(c);
    expect(await entries()).toBe(2);
    const after = await ledgerOf(c, b.reservation_id);
    // 3 nights + cleaning = 33000, VAT round(33000 × 6 / 106) = 1868, on the fee round(1868 × 3000 / 33000) = 170; city tax 1200.
    expect(after).toEqual({
      fee_revenue: -(3000 - 170),
      guest_receivable: 34200,
      room_revenue: -(30000 - 1868 + 170),
      "tax_payable:City tax": -1200,
      "tax_payable:VAT": -1868,
    });
    await staff(c, h.frontDesk);
    await c.query("select app_public.modify_reservation($1, $2, unit_id => $3)", [b.reservation_id, newKey(), h.unitIds[2]]);
    await asOwner(c);
    expect(await entries()).toBe(2);
    expect(await trialBalanceIsZero(c)).toBe(true);
  }));

it("cancellation keeps only the penalty on the folio; a no-show too; check-out closes the folio", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await hotelWithTaxes(c, { is_refundable: false });
    await c.query("update app_public.properties set no_show_day_offset = 0, no_show_time = '00:00' where id = $1", [h.propertyId]);
    const today = localDate(h.timeZone, 0);
    await staff(c, h.frontDesk);
    const cancelled = await book(c, h.ratePlanId, addDays(today, 10), addDays(today, 12));
    await c.query("select app_public.cancel_reservation($1, $2)", [cancelled.reservation_id, newKey()]);
    const noShow = await book(c, h.ratePlanId, today, addDays(today, 1));
    await c.query("select app_public.mark_no_show($1, $2)", [noShow.reservation_id, newKey()]);
    const stay = await book(c, h.ratePlanId, today, addDays(today, 1));
    await asOwner(c);
    await c.query("update app_public.units set housekeeping_status = 'clean' where property_id = $1", [h.propertyId]);
    await staff(c, h.frontDesk);
    await c.query("select app_public.check_in($1, $2)", [stay.reservation_id, newKey()]);
    await settleFolios(c, stay.reservation_id);
    await c.query("select app_public.check_out($1, $2)", [stay.reservation_id, newKey()]);
    await asOwner(c);
    // Non-refundable: the penalty is the whole total but the city tax (per person-night, owed only for
    // nights stayed): 23800 − 800 = 23000, of which the VAT it carries (1302) stays on the tax account.
    expect(await ledgerOf(c, cancelled.reservation_id)).toEqual({ cancellation_revenue: -(23000 - 1302), guest_receivable: 23000, "tax_payable:VAT": -1302 });
    // One night: 13000 (10000 + cleaning 3000), VAT round(13000 × 6 / 106) = 736; city tax 400 not kept.
    expect(await ledgerOf(c, noShow.reservation_id)).toEqual({ cancellation_revenue: -(13000 - 736), guest_receivable: 13000, "tax_payable:VAT": -736 });
    const folio = (await c.query("select status, closed_at from app_public.folios where reservation_id = $1", [stay.reservation_id])).rows[0];
    expect(folio.status).toBe("closed");
    expect(await sqlstateOf(c, "select app_private.post_reservation_charges(r, 'again', 'again') from app_public.reservations r where id = $1", [stay.reservation_id])).toBe("FOLCL");
    expect(await trialBalanceIsZero(c)).toBe(true);
  }));

it("the rate plan's deposit is due at once and the rest before arrival; a modification resizes the open balance", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await c.query("update app_public.rate_plans set deposit_percent = 25, balance_due_days = 7 where id = $1", [h.ratePlanId]);
    const arrival = localDate(h.timeZone, 30);
    await staff(c, h.frontDesk);
    const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 2));
    const intents = async () =>
      (await c.query("select kind, amount::int, status, due_at > now() + interval '1 day' as later from app_public.payment_intents where reservation_id = $1 and status <> 'cancelled' order by kind", [b.reservation_id])).rows;
    expect(await intents()).toEqual([
      { kind: "deposit", amount: 5000, status: "requires_payment", later: false },
      { kind: "balance", amount: 15000, status: "requires_payment", later: true },
    ]);
    await c.query("select app_public.modify_reservation($1, $2, departure => $3::date)", [b.reservation_id, newKey(), addDays(arrival, 4)]);
    expect(await intents()).toEqual([
      { kind: "deposit", amount: 10000, status: "requires_payment", later: false },
      { kind: "balance", amount: 30000, status: "requires_payment", later: true },
    ]);
  }));

it("pay → capture moves the money from the folio to clearing once; a cancellation refunds beyond the penalty", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { ratePlan: { free_cancellation_days: 0, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 } });
    await c.query("update app_public.rate_plans set deposit_percent = 100 where id = $1", [h.ratePlanId]);
    // Check-in from midnight: free cancellation ended when today began, whatever the hour.
    await c.query("update app_public.properties set check_in_time = '00:00' where id = $1", [h.propertyId]);
    const today = localDate(h.timeZone, 0);
    await staff(c, h.frontDesk);
    const b = await book(c, h.ratePlanId, today, addDays(today, 3));
    const intent = (await c.query("select id from app_public.payment_intents where reservation_id = $1 and kind = 'deposit'", [b.reservation_id])).rows[0];
    const key = newKey();
    const attempt = (await c.query("select * from app_public.pay($1, 'tok_test_visa', $2)", [intent.id, key])).rows[0];
    expect((await c.query("select * from app_public.pay($1, 'tok_test_visa', $2)", [intent.id, key])).rows[0].id).toBe(attempt.id);
    expect(await sqlstateOf(c, "select app_public.pay($1, 'tok_test_visa', $2)", [intent.id, newKey()])).toBe("TRANS");
    expect(await sqlstateOf(c, "select app_public.pay($1, '4242424242424242', $2)", [intent.id, newKey()])).toBe("TRANS");
    await asOwner(c);
    const jobs = await c.query("select key from graphile_worker.jobs where task_identifier = 'process_payment_attempt'");
    expect(jobs.rows.map((j) => j.key)).toContain(`payment_attempt:${attempt.id}`);
    expect(Number((await c.query("select count(*) from app_public.payment_attempts where payment_token ~ '^[0-9]{12,}'")).rows[0].count)).toBe(0);

    await c.query("select app_private.record_authorization($1, 'ch_1')", [attempt.id]);
    await c.query("select app_private.record_capture($1, 'ch_1', now())", [attempt.id]);
    await c.query("select app_private.record_capture($1, 'ch_1', now())", [attempt.id]);
    await c.query("select app_private.record_payment_failure($1, 'card_declined', 'late news')", [attempt.id]);
    expect(await folioBalance(c, b.reservation_id)).toBe(0);
    expect((await c.query("select status, amount_captured::int from app_public.payment_intents where id = $1", [intent.id])).rows[0])
      .toEqual({ status: "captured", amount_captured: 30000 });

    // Today is past the free-cancellation deadline: the penalty is one night.
    await staff(c, h.frontDesk);
    await c.query("select app_public.cancel_reservation($1, $2)", [b.reservation_id, newKey()]);
    await asOwner(c);
    const refund = (await c.query("select id, amount::int, status from app_public.refunds where intent_id = $1", [intent.id])).rows;
    expect(refund).toEqual([{ id: expect.any(String), amount: 20000, status: "pending" }]);
    expect(await folioBalance(c, b.reservation_id)).toBe(0);
    await c.query("select app_private.record_refund($1, 're_1', now())", [refund[0].id]);
    await c.query("select app_private.record_refund($1, 're_1', now())", [refund[0].id]);
    expect(await ledgerOf(c, b.reservation_id)).toEqual({ cancellation_revenue: -10000, payment_clearing: 10000 });
    expect((await c.query("select status, amount_refunded::int from app_public.payment_intents where id = $1", [intent.id])).rows[0])
      .toEqual({ status: "partially_refunded", amount_refunded: 20000 });
    expect(await trialBalanceIsZero(c)).toBe(true);
  }));

it("a failed refund puts the money back on the folio as owed to the guest; refunds are staff's, within what was captured", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await c.query("update app_public.rate_plans set deposit_percent = 100 where id = $1", [h.ratePlanId]);
    const arrival = localDate(h.timeZone, 20);
    await staff(c, h.frontDesk);
    const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 1));
    const intent = (await c.query("select id from app_public.payment_intents where reservation_id = $1", [b.reservation_id])).rows[0];
    const attempt = (await c.query("select id from app_public.pay($1, 'tok_test_visa', $2)", [intent.id, newKey()])).rows[0];
    await asOwner(c);
    await c.query("select app_private.record_capture($1, 'ch_2', now())", [attempt.id]);
    await staff(c, h.frontDesk);
    expect(await sqlstateOf(c, "select app_public.refund_payment($1, 100, 'goodwill', $2)", [intent.id, newKey()])).toBe("DNIED");
    await staff(c, h.manager);
    expect(await sqlstateOf(c, "select app_public.refund_payment($1, 10001, 'too much', $2)", [intent.id, newKey()])).toBe("INVLD");
    const refund = (await c.query("select id from app_public.refund_payment($1, 2500, 'goodwill', $2)", [intent.id, newKey()])).rows[0];
    expect(await folioBalance(c, b.reservation_id)).toBe(2500);
    await asOwner(c);
    await c.query("select app_private.record_refund_failure($1, 'charge_disputed', 'no')", [refund.id]);
    expect(await folioBalance(c, b.reservation_id)).toBe(0);
    expect((await c.query("select status, failure_code from app_public.refunds where id = $1", [refund.id])).rows[0])
      .toEqual({ status: "failed", failure_code: "charge_disputed" });
    expect(await trialBalanceIsZero(c)).toBe(true);
  }));

it("a webhook event is applied once: a replay is a duplicate; unknown references are ignored", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await c.query("update app_public.rate_plans set deposit_percent = 100 where id = $1", [h.ratePlanId]);
    const arrival = localDate(h.timeZone, 20);
    await staff(c, h.frontDesk);
    const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 1));
    const intent = (await c.query("select id from app_public.payment_intents where reservation_id = $1", [b.reservation_id])).rows[0];
    const attempt = (await c.query("select id from app_public.pay($1, 'tok_test_visa', $2)", [intent.id, newKey()])).rows[0];
    await asOwner(c);
    const event = { id: "evt_1", type: "charge.captured", created: 1, data: { object: { id: "ch_3", reference: attempt.id, captured_at: new Date().toISOString() } } };
    const apply = async (e: object) => (await c.query("select app_private.apply_payment_event('simulated', $1) as r", [JSON.stringify(e)])).rows[0].r;
    expect(await apply(event)).toBe("applied");
    expect(await apply(event)).toBe("duplicate");
    expect(await apply({ ...event, id: "evt_2", data: { object: { id: "ch_x", reference: "someone-else" } } })).toBe("ignored");
    expect(await folioBalance(c, b.reservation_id)).toBe(0);
    expect(Number((await c.query("select count(*) from app_public.journal_entries where cause_id = $1", [attempt.id])).rows[0].count)).toBe(1);
  }));

it("the guest with the booking token sees their own payments, staff of another property see nothing", () =>
  inRollback(db.ownerPool, async (c) => {
    const a = await createHotel(c);
    const other = await createHotel(c);
    const arrival = localDate(a.timeZone, 20);
    await staff(c, a.frontDesk);
    const b = await book(c, a.ratePlanId, arrival, addDays(arrival, 1));
    await staff(c, other.manager);
    expect((await c.query("select count(*)::int as n from app_public.payment_intents where reservation_id = $1", [b.reservation_id])).rows[0].n).toBe(0);
    expect(await sqlstateOf(c, "select app_public.pay(id, 'tok_test_visa', gen_random_uuid()::text) from app_public.payment_intents limit 0")).toBeNull();
    await asOwner(c);
    const intent = (await c.query("select id from app_public.payment_intents where reservation_id = $1", [b.reservation_id])).rows[0];
    await staff(c, other.manager);
    expect(await sqlstateOf(c, "select app_public.pay($1, 'tok_test_visa', $2)", [intent.id, newKey()])).toBe("NTFND");
    await c.query("reset role");
    await c.query("select set_config('jwt.claims.reservation_id', $1, true), set_config('jwt.claims.session_id', '', true)", [b.reservation_id]);
    await c.query("set local role keepr_anonymous");
    expect((await c.query("select count(*)::int as n from app_public.payment_intents")).rows[0].n).toBe(1);
    expect((await c.query("select balance::int from app_public.folio_balances")).rows).toEqual([{ balance: 10000 }]);
    expect((await c.query("select sum(amount)::int as s from app_public.postings")).rows[0].s).toBe(10000);
    expect(await sqlstateOf(c, "select count(*) from app_public.journal_entries")).toBe("42501");
    expect(await sqlstateOf(c, "select payment_token from app_public.payment_intents")).toBe("42501");
  }));

describe("invoices", () => {
  it("are numbered per property without gaps, a rolled-back issue gives its number back, and a credit note corrects one", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithTaxes(c);
      const arrival = localDate(h.timeZone, 30);
      await staff(c, h.frontDesk);
      const first = await book(c, h.ratePlanId, arrival, addDays(arrival, 2));
      const second = await book(c, h.ratePlanId, arrival, addDays(arrival, 1));
      const folioOf = async (id: string) => (await c.query("select id from app_public.folios where reservation_id = $1", [id])).rows[0].id;
      const issue = async (folio: string) =>
        (await c.query("select document_number, kind, total_amount::int, tax_amount::int, lines from app_public.issue_invoice($1, $2)", [folio, newKey()])).rows[0];
      const a = await issue(await folioOf(first.reservation_id));
      expect(a).toMatchObject({ document_number: "INV-000001", kind: "invoice", total_amount: 23800, tax_amount: 1302 + 800 });
      expect(await sqlstateOf(c, "select app_public.issue_invoice($1, $2)", [await folioOf(first.reservation_id), newKey()])).toBe("INVLD");
      // A failed issue inside a savepoint rolls its number back.
      await c.query("savepoint s");
      await issue(await folioOf(second.reservation_id));
      await c.query("rollback to savepoint s");
      expect((await issue(await folioOf(second.reservation_id))).document_number).toBe("INV-000002");

      // The stay gets shorter: the invoice must be credited before a new one.
      await c.query("select app_public.modify_reservation($1, $2, departure => $3::date)", [first.reservation_id, newKey(), addDays(arrival, 1)]);
      expect(await sqlstateOf(c, "select app_public.issue_invoice($1, $2)", [await folioOf(first.reservation_id), newKey()])).toBe("TRANS");
      const invoiceId = (await c.query("select id from app_public.invoices where document_number = 'INV-000001' and property_id = $1", [h.propertyId])).rows[0].id;
      expect(await sqlstateOf(c, "select app_public.issue_credit_note($1, 'shorter stay', $2)", [invoiceId, newKey()])).toBe("DNIED");
      await staff(c, h.manager);
      const note = (await c.query("select document_number, total_amount::int from app_public.issue_credit_note($1, 'shorter stay', $2)", [invoiceId, newKey()])).rows[0];
      expect(note).toEqual({ document_number: "CN-000001", total_amount: -23800 });
      expect(await sqlstateOf(c, "select app_public.issue_credit_note($1, 'again', $2)", [invoiceId, newKey()])).toBe("TRANS");
      expect((await issue(await folioOf(first.reservation_id))).total_amount).toBe(13400);
    }));

  it("cannot be updated or deleted by any role the API or the worker uses, nor by the owner", async () => {
    const client = await db.ownerPool.connect();
    let invoiceId: string;
    try {
      await client.query("begin");
      const h = await createHotel(client);
      await staff(client, h.frontDesk);
      const arrival = localDate(h.timeZone, 30);
      const b = await book(client, h.ratePlanId, arrival, addDays(arrival, 1));
      const folio = (await client.query("select id from app_public.folios where reservation_id = $1", [b.reservation_id])).rows[0].id;
      invoiceId = (await client.query("select id from app_public.issue_invoice($1, $2)", [folio, newKey()])).rows[0].id;
      await client.query("commit");
    } finally {
      client.release();
    }
    await inRollback(db.ownerPool, async (c) => {
      expect(await sqlstateOf(c, "update app_public.invoices set total_amount = 0 where id = $1", [invoiceId])).toBe("APPND");
      expect(await sqlstateOf(c, "delete from app_public.invoices where id = $1", [invoiceId])).toBe("APPND");
      for (const role of ["keepr_staff", "keepr_worker", "keepr_anonymous", "keepr_guest"]) {
        await c.query(`set local role ${role}`);
        for (const sql of ["update app_public.invoices set total_amount = 0 where id = $1", "delete from app_public.invoices where id = $1"]) {
          expect([role, sql, await sqlstateOf(c, sql, [invoiceId])]).toEqual([role, sql, "42501"]);
        }
        await c.query("reset role");
      }
    });
  });
});

describe("owner payouts", () => {
  it("pay each owner their share of ended stays once (less commission); running again pays nothing more", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { kind: "vacation_rental", ratePlan: { is_refundable: false } });
      const owner = (await c.query("insert into app_public.owners (property_id, name, commission_percent) values ($1, 'Maria', 20) returning id", [h.propertyId])).rows[0].id;
      await c.query("update app_public.units set owner_id = $2 where property_id = $1", [h.propertyId, owner]);
      await c.query("update app_public.units set housekeeping_status = 'clean' where property_id = $1", [h.propertyId]);
      const today = localDate(h.timeZone, 0);
      await staff(c, h.frontDesk);
      // A stay that ends today (checked in and out), one that ends later.
      const stay = await book(c, h.ratePlanId, today, addDays(today, 1));
      await c.query("select app_public.check_in($1, $2)", [stay.reservation_id, newKey()]);
      await settleFolios(c, stay.reservation_id);
      await c.query("select app_public.check_out($1, $2)", [stay.reservation_id, newKey()]);
      const later = await book(c, h.ratePlanId, addDays(today, 5), addDays(today, 7));
      await staff(c, h.manager);
      const run = async () => (await c.query("select owner_share::int, commission::int, room_revenue::int from app_public.run_payouts($1, $2, $3)", [h.propertyId, today, newKey()])).rows;
      expect(await run()).toEqual([{ owner_share: 8000, commission: 2000, room_revenue: 10000 }]);
      expect(await run()).toEqual([]);
      const statement = (await c.query("select rental_revenue::int, commission::int, owner_share::int, paid_out::int from app_public.owner_statement($1, $2, $3)", [owner, addDays(today, -1), today])).rows;
      expect(statement).toEqual([{ rental_revenue: 10000, commission: 2000, owner_share: 8000, paid_out: 8000 }]);
      const payout = (await c.query("select id from app_public.payouts where owner_id = $1", [owner])).rows[0].id;
      await c.query("select app_public.mark_payout_paid($1, $2)", [payout, newKey()]);
      expect(await sqlstateOf(c, "select app_public.mark_payout_paid($1, $2)", [payout, newKey()])).toBe("TRANS");
      await asOwner(c);
      const balances = Object.fromEntries((await c.query("select purpose, balance::int from app_public.account_balances where property_id = $1 and purpose in ('room_revenue', 'commission_revenue', 'owner_payable', 'payouts')", [h.propertyId])).rows.map((r) => [r.purpose, r.balance]));
      // The later stay's revenue (2 nights) stays in room revenue until it ends.
      expect(balances).toEqual({ room_revenue: -20000, commission_revenue: -2000, owner_payable: 0, payouts: -8000 });
      expect(later.status).toBe("confirmed");
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));
});

describe("reconciliation", () => {
  it("a settlement report with one missing, one extra and one mismatched line gives exactly those three differences (the extra of no known payment on its line, of no property)", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 4 });
      await c.query("update app_public.rate_plans set deposit_percent = 100 where id = $1", [h.ratePlanId]);
      const arrival = localDate(h.timeZone, 20);
      const attempts: string[] = [];
      for (let i = 0; i < 4; i++) {
        await staff(c, h.frontDesk);
        const b = await book(c, h.ratePlanId, arrival, addDays(arrival, 1));
        const intent = (await c.query("select id from app_public.payment_intents where reservation_id = $1", [b.reservation_id])).rows[0];
        attempts.push((await c.query("select id from app_public.pay($1, 'tok_test_visa', $2)", [intent.id, newKey()])).rows[0].id);
        await asOwner(c);
        await c.query("select app_private.record_capture($1, $2, '2026-03-10T12:00:00Z')", [attempts[i], `ch_${i}`]);
      }
      const line = (reference: string, amount: number, id: string) =>
        ({ id, type: "charge", created: "2026-03-10T12:00:00Z", currency: "EUR", amount, fee: 165, net: amount - 165, charge: id, reference });
      const report = [
        line(attempts[0]!, 10000, "ch_0"),
        line(attempts[1]!, 10000, "ch_1"),
        line(attempts[2]!, 9999, "ch_2"), // mismatch; attempts[3] is missing
        line("3b1f8a52-0000-4000-8000-000000000000", 5000, "ch_unknown"), // extra
      ];
      const reportId = (await c.query("select app_private.import_settlement('simulated', '2026-03-10', $1) as id", [JSON.stringify(report)])).rows[0].id;
      const differences = (await c.query("select kind::text, reference, ledger_amount::int, report_amount::int from app_public.reconciliation_differences where report_id = $1 order by kind", [reportId])).rows;
      // The differences of a property; the extra line of no known payment belongs to no property: marked on its line.
      expect(differences).toEqual([
        { kind: "amount_mismatch", reference: attempts[2], ledger_amount: 10000, report_amount: 9999 },
        { kind: "missing", reference: attempts[3], ledger_amount: 10000, report_amount: null },
      ]);
      expect((await c.query("select reference, amount::int from app_public.settlement_lines where report_id = $1 and unmatched", [reportId])).rows).toEqual([
        { reference: "3b1f8a52-0000-4000-8000-000000000000", amount: 5000 },
      ]);
      expect((await c.query("select difference_count from app_public.settlement_reports where id = $1", [reportId])).rows[0].difference_count).toBe(3);
      // Analysts see all three.
      expect((await c.query("select kind::text, property_id, reference, report_amount::int from reporting.reconciliation_differences where report_id = $1 order by kind", [reportId])).rows).toEqual([
        { kind: "amount_mismatch", property_id: h.propertyId, reference: attempts[2], report_amount: 9999 },
        { kind: "extra", property_id: null, reference: "3b1f8a52-0000-4000-8000-000000000000", report_amount: 5000 },
        { kind: "missing", property_id: h.propertyId, reference: attempts[3], report_amount: null },
      ]);
      // Importing the day again records nothing new.
      expect((await c.query("select app_private.import_settlement('simulated', '2026-03-10', $1) as id", [JSON.stringify(report)])).rows[0].id).toBe(reportId);
      expect((await c.query("select count(*)::int as n from app_public.reconciliation_differences")).rows[0].n).toBe(2);
      expect((await c.query("select count(*)::int as n from app_public.settlement_lines where unmatched")).rows[0].n).toBe(1);
      await staff(c, h.manager);
      expect((await c.query("select count(*)::int as n from app_public.reconciliation_differences")).rows[0].n).toBe(2);
    }));
});

it("a card payment captured after the desk settled and checked out opens the folio again with a credit to refund", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c);
    await c.query("update app_public.rate_plans set deposit_percent = 50 where id = $1", [h.ratePlanId]);
    await c.query("update app_public.units set housekeeping_status = 'clean' where property_id = $1", [h.propertyId]);
    const today = localDate(h.timeZone, 0);
    await staff(c, h.frontDesk);
    const b = await book(c, h.ratePlanId, today, addDays(today, 2));
    const deposit = (await c.query("select id from app_public.payment_intents where reservation_id = $1 and kind = 'deposit'", [b.reservation_id])).rows[0];
    const attempt = (await c.query("select id from app_public.pay($1, 'tok_test_visa', $2)", [deposit.id, newKey()])).rows[0];
    await c.query("select app_public.check_in($1, $2)", [b.reservation_id, newKey()]);
    // The deposit is still with the provider; the guest pays the whole stay by bank transfer and leaves.
    await settleFolios(c, b.reservation_id);
    await c.query("select app_public.check_out($1, $2)", [b.reservation_id, newKey()]);
    await asOwner(c);
    await c.query("select app_private.record_capture($1, 'ch_late', now())", [attempt.id]);
    const intents = (await c.query("select kind, status, amount::int from app_public.payment_intents where reservation_id = $1 order by kind", [b.reservation_id])).rows;
    expect(intents).toEqual([
      { kind: "deposit", status: "captured", amount: 10000 },
      { kind: "balance", status: "cancelled", amount: 10000 },
    ]);
    const folio = async () => (await c.query("select status from app_public.folios where reservation_id = $1", [b.reservation_id])).rows[0].status;
    expect([await folioBalance(c, b.reservation_id), await folio()]).toEqual([-10000, "open"]);
    await staff(c, h.frontDesk);
    await settleFolios(c, b.reservation_id);
    expect([await folioBalance(c, b.reservation_id), await folio()]).toEqual([0, "closed"]);
  }));

it("revenue taken back after it was paid out (a late no-show) is clawed back by the next payout, and repaying it posts", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { kind: "vacation_rental", ratePlan: { free_cancellation_days: 0, cancellation_penalty_kind: "percent", cancellation_penalty_value: 0 } });
    const owner = (await c.query("insert into app_public.owners (property_id, name, commission_percent) values ($1, 'Maria', 20) returning id", [h.propertyId])).rows[0].id;
    await c.query("update app_public.units set owner_id = $2 where property_id = $1", [h.propertyId, owner]);
    const today = localDate(h.timeZone, 0);
    await staff(c, h.frontDesk);
    const b = await book(c, h.ratePlanId, addDays(today, 10), addDays(today, 11));
    // The stay's dates as if it had been last week and nobody checked it in.
    await asOwner(c);
    await c.query("update app_public.reservations set stay = daterange($2::date, $3::date) where id = $1", [b.reservation_id, addDays(today, -7), addDays(today, -6)]);
    await staff(c, h.manager);
    const run = async () => (await c.query("select id, owner_share::int from app_public.run_payouts($1, $2, $3)", [h.propertyId, today, newKey()])).rows;
    const [paid] = await run();
    expect(paid.owner_share).toBe(8000);
    await c.query("select app_public.mark_payout_paid($1, $2)", [paid.id, newKey()]);
    await staff(c, h.frontDesk);
    await c.query("select app_public.mark_no_show($1, $2)", [b.reservation_id, newKey()]);
    await staff(c, h.manager);
    const [clawback] = await run();
    expect(clawback.owner_share).toBe(-8000);
    await c.query("select app_public.mark_payout_paid($1, $2)", [clawback.id, newKey()]);
    await asOwner(c);
    const balances = Object.fromEntries((await c.query("select purpose, balance::int from app_public.account_balances where property_id = $1 and purpose in ('owner_payable', 'payouts', 'commission_revenue', 'room_revenue')", [h.propertyId])).rows.map((r) => [r.purpose, r.balance]));
    expect(balances).toEqual({ owner_payable: 0, payouts: 0, commission_revenue: 0, room_revenue: 0 });
    expect(await trialBalanceIsZero(c)).toBe(true);
  }));

it("the night audit records a confirmed stay whose arrival day is over as a no-show, with its penalty, once", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await createHotel(c, { ratePlan: { is_refundable: false } });
    const today = localDate(h.timeZone, 0);
    await staff(c, h.frontDesk);
    const late = await book(c, h.ratePlanId, addDays(today, 5), addDays(today, 7));
    const upcoming = await book(c, h.ratePlanId, addDays(today, 8), addDays(today, 9));
    await asOwner(c);
    // Arrived the day before the day being closed: its no-show time (the
    // next day, 02:00 local) has come whatever the hour the test runs at.
    await c.query("update app_public.reservations set stay = daterange($2::date, $3::date) where id = $1", [late.reservation_id, addDays(today, -2), addDays(today, 0)]);
    await c.query("update app_public.properties set business_date = $2 where id = $1", [h.propertyId, addDays(today, -1)]);
    expect((await c.query("select app_private.run_night_audits() as n")).rows[0].n).toBe(1);
    expect((await c.query("select app_private.run_night_audits() as n")).rows[0].n).toBe(0);
    expect((await c.query("select no_shows from app_public.night_audits where property_id = $1", [h.propertyId])).rows).toEqual([{ no_shows: 1 }]);
    const statuses = (await c.query("select id, status, penalty_amount::int from app_public.reservations where id = any($1) order by status", [[late.reservation_id, upcoming.reservation_id]])).rows;
    expect(statuses).toEqual([
      { id: upcoming.reservation_id, status: "confirmed", penalty_amount: null },
      { id: late.reservation_id, status: "no_show", penalty_amount: 20000 },
    ]);
    expect(await ledgerOf(c, late.reservation_id)).toEqual({ cancellation_revenue: -20000, guest_receivable: 20000 });
    expect(await trialBalanceIsZero(c)).toBe(true);
  }));
