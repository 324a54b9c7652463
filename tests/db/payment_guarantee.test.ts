// The payment guarantee (issue 18): a payment that was due and failed makes
// a confirmed booking "payment due" with its rate plan's deadline; a job at
// the deadline cancels it under the plan's terms and releases its nights
// unless a payment, an extension or a waiver came first. The card that last
// succeeded is the card on file; check-in warns of unpaid prepayments; a
// no-show only from the property's no-show time. The provider's part is
// played by the record_* functions its job and webhooks call.
import type pg from "pg";
import { actAs, asOwner, backendPid, fileDatabase, inCommit, inRollback, sqlstateOf, staff, waitUntilBlocked } from "../helpers/db.ts";
import { addDays, book, createHotel, type Hotel, type HotelOptions, localDate, moveStayBack, newKey, quote } from "../helpers/booking.ts";
import { folioBalance, trialBalanceIsZero } from "../helpers/ledger.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";

const db = fileDatabase();

/** What the worker's jobs act as. */
const worker = (c: pg.PoolClient) => c.query("reset role").then(() => c.query("set local role keepr_worker"));
async function withBookingToken(c: pg.PoolClient, reservationId: string) {
  await actAs(c, { role: "keepr_anonymous" });
  await c.query("select set_config('jwt.claims.reservation_id', $1, true)", [reservationId]);
}

/** A hotel of one unit whose plan is non-refundable, all due at booking (deposit 100 %). */
async function prepaidHotel(c: pg.PoolClient, options: HotelOptions & { depositPercent?: number; deadlineHours?: number } = {}): Promise<Hotel> {
  const h = await createHotel(c, { units: 1, ratePlan: { is_refundable: false }, ...options });
  await c.query("update app_public.rate_plans set deposit_percent = $2, payment_deadline_hours = $3 where id = $1",
    [h.ratePlanId, options.depositPercent ?? 100, options.deadlineHours ?? 24]);
  return h;
}

/** The front desk books (quote → hold → confirm); back to the owner after. */
async function bookAsDesk(c: pg.PoolClient, h: Hotel, ratePlanId: string, arrival: string, departure: string) {
  await staff(c, h.frontDesk);
  const b = await book(c, ratePlanId, arrival, departure);
  await asOwner(c);
  return b;
}
const intentOf = async (c: pg.PoolClient, reservationId: string, kind = "deposit") =>
  (await c.query("select * from app_public.payment_intents where reservation_id = $1 and kind = $2 and status not in ('cancelled') order by created_at desc limit 1",
    [reservationId, kind])).rows[0];
const reservation = async (c: pg.PoolClient, id: string) =>
  (await c.query("select r.*, app_public.reservations_card_on_file(r) as card_on_file from app_public.reservations r where id = $1", [id])).rows[0];
const deadlineJob = async (c: pg.PoolClient, id: string) =>
  (await c.query("select run_at from graphile_worker.jobs where key = $1", [`payment_deadline:${id}`])).rows[0] as { run_at: Date } | undefined;

/** The guest (booking token) pays an intent with a token. Returns the attempt id. */
async function guestPays(c: pg.PoolClient, intentId: string, token: string): Promise<string> {
  await asOwner(c);
  const reservationId = (await c.query("select reservation_id from app_public.payment_intents where id = $1", [intentId])).rows[0].reservation_id;
  await withBookingToken(c, reservationId);
  const attempt = (await c.query("select id from app_public.pay($1, $2, $3)", [intentId, token, newKey()])).rows[0].id as string;
  await asOwner(c);
  return attempt;
}
/** The guest pays an intent with a token; the provider declines it. Returns the attempt id. */
async function declined(c: pg.PoolClient, intentId: string, token = "tok_declined_9995") {
  const attempt = await guestPays(c, intentId, token);
  await worker(c);
  await c.query("select app_private.record_payment_failure($1, 'insufficient_funds', 'Your card has insufficient funds.')", [attempt]);
  await asOwner(c);
  return attempt;
}
/** The guest pays an intent with a token; the provider captures it (telling the card). Returns the attempt id. */
async function paid(c: pg.PoolClient, intentId: string, token = "tok_good_4242", card: { brand: string; last4: string } | null = { brand: "visa", last4: "4242" }) {
  const attempt = await guestPays(c, intentId, token);
  await worker(c);
  await c.query("select app_private.record_capture($1, $2, now(), $3)", [attempt, `ch_${attempt.slice(0, 8)}`, card ? JSON.stringify(card) : null]);
  await asOwner(c);
  return attempt;
}

describe("a declined payment that was due", () => {
  it("makes the booking payment due with the plan's deadline, tells the guest, and the job at the deadline cancels it and releases its nights", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await prepaidHotel(c, { deadlineHours: 6 });
      const arrival = localDate(h.timeZone, 10);
      const b = await bookAsDesk(c, h, h.ratePlanId, arrival, addDays(arrival, 2));
      const deposit = await intentOf(c, b.reservation_id);
      expect(Number(deposit.amount)).toBe(20000);
      await withBookingToken(c, b.reservation_id);
      await declined(c, deposit.id);

      const r = await reservation(c, b.reservation_id);
      expect(r.status).toBe("confirmed");
      const hours = (r.payment_due_by.getTime() - Date.now()) / 3_600_000;
      expect(hours).toBeGreaterThan(5.9);
      expect(hours).toBeLessThanOrEqual(6.01);
      expect((await deadlineJob(c, b.reservation_id))?.run_at).toEqual(r.payment_due_by);
      // The desk's list of bookings with payment due (other tenants' staff: the access matrix).
      await staff(c, h.frontDesk);
      expect((await c.query("select id from app_public.payment_due_reservations($1)", [h.propertyId])).rows).toEqual([{ id: b.reservation_id }]);
      await asOwner(c);
      // The guest is told (email; the message says the deadline and links to the booking).
      expect((await c.query("select template::text, channel::text from app_public.notifications where reservation_id = $1 and template = 'payment_failed'",
        [b.reservation_id])).rows).toEqual([{ template: "payment_failed", channel: "email" }]);
      // The room is taken until then.
      expect(await sqlstateOf(c, "select * from app_public.quote($1, $2, $3, 2, 0)", [h.ratePlanId, arrival, addDays(arrival, 2)])).toBe("SOLDO");

      // Not yet: the job (run early, or twice) changes nothing.
      await worker(c);
      expect((await c.query("select app_private.enforce_payment_deadline($1) as o", [b.reservation_id])).rows[0].o).toBe("not_yet");
      await asOwner(c);
      expect((await reservation(c, b.reservation_id)).status).toBe("confirmed");

      // The deadline passes.
      await c.query("update app_public.reservations set payment_due_by = now() - interval '1 minute' where id = $1", [b.reservation_id]);
      await worker(c);
      expect((await c.query("select app_private.enforce_payment_deadline($1) as o", [b.reservation_id])).rows[0].o).toBe("cancelled");
      expect((await c.query("select app_private.enforce_payment_deadline($1) as o", [b.reservation_id])).rows[0].o).toBe("nothing");
      await asOwner(c);
      const cancelled = await reservation(c, b.reservation_id);
      expect(cancelled).toMatchObject({ status: "cancelled", payment_due_by: null, penalty_amount: "20000", cancellation_reason: "Payment not received by the deadline" });
      // Its nights are sellable again.
      expect(Number((await quote(c, h.ratePlanId, arrival, addDays(arrival, 2))).total_amount)).toBe(20000);
      // Under the plan's terms: non-refundable, the folio keeps the whole penalty (nothing was paid, nothing refunded).
      expect(await folioBalance(c, b.reservation_id)).toBe(20000);
      expect(Number((await c.query("select count(*) from app_public.refunds f join app_public.payment_intents i on i.id = f.intent_id where i.reservation_id = $1", [b.reservation_id])).rows[0].count)).toBe(0);
      expect((await c.query("select status::text from app_public.payment_intents where reservation_id = $1", [b.reservation_id])).rows).toEqual([{ status: "cancelled" }]);
      expect((await c.query("select 1 from app_public.notifications where reservation_id = $1 and template = 'cancellation'", [b.reservation_id])).rowCount).toBeGreaterThan(0);
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));

  it("a refundable plan's cancellation at the deadline keeps only its late penalty and refunds a partial payment beyond it", () =>
    inRollback(db.ownerPool, async (c) => {
      // Deposit 50 % paid, balance due now and declined: the late penalty is one night.
      const h = await prepaidHotel(c, { depositPercent: 50, ratePlan: { is_refundable: true, free_cancellation_days: 30, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 } });
      const arrival = localDate(h.timeZone, 3);
      const b = await bookAsDesk(c, h, h.ratePlanId, arrival, addDays(arrival, 3));
      await paid(c, (await intentOf(c, b.reservation_id)).id);
      const balance = await intentOf(c, b.reservation_id, "balance");
      await c.query("update app_public.payment_intents set due_at = now() - interval '1 hour' where id = $1", [balance.id]);
      await declined(c, balance.id);
      expect((await reservation(c, b.reservation_id)).payment_due_by).not.toBeNull();
      await c.query("update app_public.reservations set payment_due_by = now() - interval '1 minute' where id = $1", [b.reservation_id]);
      await worker(c);
      expect((await c.query("select app_private.enforce_payment_deadline($1) as o", [b.reservation_id])).rows[0].o).toBe("cancelled");
      await asOwner(c);
      expect(await reservation(c, b.reservation_id)).toMatchObject({ status: "cancelled", penalty_amount: "10000", refund_amount: "20000" });
      // 15000 paid, 10000 kept: 5000 goes back to the card.
      expect((await c.query("select f.amount::int, f.status::text from app_public.refunds f join app_public.payment_intents i on i.id = f.intent_id where i.reservation_id = $1", [b.reservation_id])).rows)
        .toEqual([{ amount: 5000, status: "pending" }]);
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));

  it("a payment in time clears it: the job finds nothing to do and the booking stays confirmed", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await prepaidHotel(c);
      const arrival = localDate(h.timeZone, 10);
      const b = await bookAsDesk(c, h, h.ratePlanId, arrival, addDays(arrival, 1));
      const deposit = await intentOf(c, b.reservation_id);
      await withBookingToken(c, b.reservation_id);
      await declined(c, deposit.id);
      expect((await reservation(c, b.reservation_id)).payment_due_by).not.toBeNull();
      await withBookingToken(c, b.reservation_id);
      await paid(c, deposit.id);
      expect((await reservation(c, b.reservation_id)).payment_due_by).toBeNull();
      expect(await deadlineJob(c, b.reservation_id)).toBeUndefined();
      await worker(c);
      expect((await c.query("select app_private.enforce_payment_deadline($1) as o", [b.reservation_id])).rows[0].o).toBe("nothing");
      await asOwner(c);
      expect((await reservation(c, b.reservation_id)).status).toBe("confirmed");
      // A later decline of a payment not yet due (the balance, in advance) sets no deadline.
    }));

  it("paid at the desk instead (a bank transfer on the folio): no longer payment due", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await prepaidHotel(c);
      const arrival = localDate(h.timeZone, 10);
      const b = await bookAsDesk(c, h, h.ratePlanId, arrival, addDays(arrival, 1));
      await declined(c, (await intentOf(c, b.reservation_id)).id);
      expect((await reservation(c, b.reservation_id)).payment_due_by).not.toBeNull();
      const folio = (await c.query("select id from app_public.folios where reservation_id = $1 and is_primary", [b.reservation_id])).rows[0].id;
      await staff(c, h.frontDesk);
      await c.query("select app_public.take_folio_payment($1, 'bank_transfer', 10000, 'Transfer 2026-118', $2)", [folio, newKey()]);
      await asOwner(c);
      expect((await reservation(c, b.reservation_id)).payment_due_by).toBeNull();
      expect(await deadlineJob(c, b.reservation_id)).toBeUndefined();
      await worker(c);
      expect((await c.query("select app_private.enforce_payment_deadline($1) as o", [b.reservation_id])).rows[0].o).toBe("nothing");
      await asOwner(c);
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));

  it("a payment still with the provider at the deadline is waited for, not cancelled", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await prepaidHotel(c);
      const arrival = localDate(h.timeZone, 10);
      const b = await bookAsDesk(c, h, h.ratePlanId, arrival, addDays(arrival, 1));
      const deposit = await intentOf(c, b.reservation_id);
      await declined(c, deposit.id);
      await guestPays(c, deposit.id, "tok_second_try");
      await c.query("update app_public.reservations set payment_due_by = now() - interval '1 minute' where id = $1", [b.reservation_id]);
      await worker(c);
      expect((await c.query("select app_private.enforce_payment_deadline($1) as o", [b.reservation_id])).rows[0].o).toBe("waiting");
      await asOwner(c);
      expect((await reservation(c, b.reservation_id)).status).toBe("confirmed");
      const job = await deadlineJob(c, b.reservation_id);
      expect(job!.run_at.getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);
    }));

  it("a decline of a payment not due yet, or on a waived guarantee, or for a desk charge sets no deadline", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await prepaidHotel(c, { depositPercent: 0 });
      const arrival = localDate(h.timeZone, 20);
      const b = await bookAsDesk(c, h, h.ratePlanId, arrival, addDays(arrival, 1));
      const balance = await intentOf(c, b.reservation_id, "balance");
      await declined(c, balance.id); // paid in advance of its date, declined
      expect((await reservation(c, b.reservation_id)).payment_due_by).toBeNull();
    }));
});

describe("staff and the deadline", () => {
  async function dueBooking(c: pg.PoolClient) {
    const h = await prepaidHotel(c);
    const arrival = localDate(h.timeZone, 10);
    const b = await bookAsDesk(c, h, h.ratePlanId, arrival, addDays(arrival, 1));
    await declined(c, (await intentOf(c, b.reservation_id)).id);
    const accountant = (await c.query("insert into app_public.users (email, display_name) values ($1, 'Acc') returning id", [`acc-${newKey()}@test.example`])).rows[0].id;
    await c.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'accountant')", [h.propertyId, accountant]);
    return { h, id: b.reservation_id, accountant, dueBy: (await reservation(c, b.reservation_id)).payment_due_by as Date };
  }

  it("the front desk extends with a reason (the job moves, a replay answers the same, a reused key is refused); housekeeping and accountants may not", () =>
    inRollback(db.ownerPool, async (c) => {
      const { h, id, accountant, dueBy } = await dueBooking(c);
      const until = new Date(dueBy.getTime() + 48 * 3_600_000).toISOString();
      const extend = (key: string, when = until, reason: string | null = "Guest calls back tomorrow with a new card") =>
        c.query("select * from app_public.extend_payment_deadline($1, $2, $3, $4)", [id, when, reason, key]);
      await staff(c, h.housekeeper);
      expect(await sqlstateOf(c, "select app_public.extend_payment_deadline($1, $2, 'x', $3)", [id, until, newKey()])).toBe("DNIED");
      await staff(c, accountant);
      expect(await sqlstateOf(c, "select app_public.extend_payment_deadline($1, $2, 'x', $3)", [id, until, newKey()])).toBe("DNIED");
      await staff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select app_public.extend_payment_deadline($1, $2, '  ', $3)", [id, until, newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select app_public.extend_payment_deadline($1, $2, 'x', $3)", [id, new Date(Date.now() - 60_000).toISOString(), newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select app_public.extend_payment_deadline($1, $2, 'x', $3)", [id, new Date(Date.now() + 40 * 86_400_000).toISOString(), newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select app_public.extend_payment_deadline($1, $2, 'x', $3)", [id, new Date(dueBy.getTime() - 3_600_000).toISOString(), newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select app_public.extend_payment_deadline($1, $2, $3, $4)", [id, until, "x".repeat(501), newKey()])).toBe("INVLD");
      const key = newKey();
      const first = (await extend(key)).rows[0];
      expect(first.payment_due_by.toISOString()).toBe(until);
      expect((await extend(key)).rows[0]).toEqual(first);
      expect(await sqlstateOf(c, "select app_public.extend_payment_deadline($1, $2, 'other reason', $3)", [id, until, key])).toBe("IDKEY");
      await asOwner(c);
      expect((await deadlineJob(c, id))?.run_at.toISOString()).toBe(until);
      expect((await reservation(c, id)).payment_guarantee_note).toBe("Guest calls back tomorrow with a new card");
      // Audited: who moved it, and why.
      await staff(c, h.frontDesk);
      const audit = (await c.query(`select actor_user_id from app_public.reservation_history($1)
                                     where table_name = 'reservations' and new_values ->> 'payment_guarantee_note' = 'Guest calls back tomorrow with a new card'`, [id])).rows;
      expect(audit).toEqual([{ actor_user_id: h.frontDesk }]);
    }));

  it("a manager waives the guarantee with a reason; the front desk may not; nothing is cancelled then, and no later decline sets a deadline", () =>
    inRollback(db.ownerPool, async (c) => {
      const { h, id } = await dueBooking(c);
      await staff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select app_public.waive_payment_guarantee($1, 'Regular guest', $2)", [id, newKey()])).toBe("DNIED");
      await staff(c, h.manager);
      expect(await sqlstateOf(c, "select app_public.waive_payment_guarantee($1, '', $2)", [id, newKey()])).toBe("INVLD");
      const key = newKey();
      const waived = (await c.query("select * from app_public.waive_payment_guarantee($1, 'Regular guest, pays at arrival', $2)", [id, key])).rows[0];
      expect(waived).toMatchObject({ status: "confirmed", payment_due_by: null });
      expect((await c.query("select * from app_public.waive_payment_guarantee($1, 'Regular guest, pays at arrival', $2)", [id, key])).rows[0]).toEqual(waived);
      expect(await sqlstateOf(c, "select app_public.waive_payment_guarantee($1, 'again', $2)", [id, newKey()])).toBe("TRANS");
      expect(await sqlstateOf(c, "select app_public.extend_payment_deadline($1, now() + interval '1 day', 'x', $2)", [id, newKey()])).toBe("TRANS");
      await asOwner(c);
      expect(await deadlineJob(c, id)).toBeUndefined();
      await worker(c);
      expect((await c.query("select app_private.enforce_payment_deadline($1) as o", [id])).rows[0].o).toBe("nothing");
      await asOwner(c);
      await declined(c, (await intentOf(c, id)).id);
      expect(await reservation(c, id)).toMatchObject({ status: "confirmed", payment_due_by: null });
      expect((await reservation(c, id)).payment_guarantee_waived_at).not.toBeNull();
    }));

  it("another property's staff, a guest and anonymous callers get NTFND for the same ids", () =>
    inRollback(db.ownerPool, async (c) => {
      const { id } = await dueBooking(c);
      const other = await createHotel(c);
      for (const who of [other.manager, other.frontDesk]) {
        await staff(c, who);
        expect(await sqlstateOf(c, "select app_public.extend_payment_deadline($1, now() + interval '2 days', 'x', $2)", [id, newKey()])).toBe("NTFND");
        expect(await sqlstateOf(c, "select app_public.waive_payment_guarantee($1, 'x', $2)", [id, newKey()])).toBe("NTFND");
        expect(await sqlstateOf(c, "select app_public.charge_card_on_file($1, 100, $2)", [id, newKey()])).toBe("NTFND");
      }
      await actAs(c, { role: "keepr_anonymous" });
      expect(await sqlstateOf(c, "select app_public.extend_payment_deadline($1, now() + interval '2 days', 'x', $2)", [id, newKey()])).toBe("42501");
      // The booking's own guest may see it but not extend or waive it.
      await withBookingToken(c, id);
      expect(await sqlstateOf(c, "select app_public.waive_payment_guarantee($1, 'x', $2)", [id, newKey()])).toBe("42501");
    }));
});

describe("the race of a capture and the cancellation job", () => {
  /** A committed booking whose payment is due and whose deadline has passed, with a second try under way. */
  async function overdueWithRetry() {
    return inCommit(db.ownerPool, async (c) => {
      const h = await prepaidHotel(c);
      const arrival = localDate(h.timeZone, 12);
      const b = await bookAsDesk(c, h, h.ratePlanId, arrival, addDays(arrival, 1));
      const deposit = await intentOf(c, b.reservation_id);
      await declined(c, deposit.id);
      const retry = await guestPays(c, deposit.id, "tok_retry_card");
      await c.query("update app_public.reservations set payment_due_by = now() - interval '1 minute' where id = $1", [b.reservation_id]);
      return { h, id: b.reservation_id, arrival, retry };
    });
  }
  const workerClient = async () => {
    const c = await db.ownerPool.connect();
    await c.query("begin");
    await c.query("set local role keepr_worker");
    return c;
  };
  /** Gives a connection back with no transaction open, whatever happened. */
  const release = async (c: pg.PoolClient) => {
    await c.query("rollback").catch(() => undefined);
    c.release();
  };

  it("a capture that takes the lock first wins: the job then finds it paid", async () => {
    const { id, retry } = await overdueWithRetry();
    const capture = await workerClient();
    const job = await workerClient();
    try {
      await capture.query("select app_private.record_capture($1, 'ch_race_1', now(), '{\"brand\":\"visa\",\"last4\":\"1881\"}')", [retry]);
      const jobPid = await backendPid(job);
      const enforcing = job.query("select app_private.enforce_payment_deadline($1) as o", [id]);
      await waitUntilBlocked(db.ownerPool, jobPid, "the job waits on the reservation's lock");
      await capture.query("commit");
      expect((await enforcing).rows[0].o).toBe("nothing");
      await job.query("commit");
    } finally {
      await release(capture);
      await release(job);
    }
    const r = (await db.ownerPool.query("select status::text, payment_due_by, card_last4 from app_public.reservations where id = $1", [id])).rows[0];
    expect(r).toEqual({ status: "confirmed", payment_due_by: null, card_last4: "1881" });
  });

  it("a job that takes the lock first cancels; a capture arriving after is recorded (kept as the non-refundable penalty, the folio settles)", async () => {
    const { h, id, arrival, retry } = await overdueWithRetry();
    // The attempt is no longer in flight as far as Keepr knows (its job gave up), and the provider captures it late.
    await db.ownerPool.query("select app_private.record_payment_failure($1, 'provider_unavailable', 'The payment provider did not answer.')", [retry]);
    const job = await workerClient();
    const capture = await workerClient();
    try {
      expect((await job.query("select app_private.enforce_payment_deadline($1) as o", [id])).rows[0].o).toBe("cancelled");
      const capturePid = await backendPid(capture);
      const capturing = capture.query("select app_private.record_capture($1, 'ch_race_2', now(), null)", [retry]);
      await waitUntilBlocked(db.ownerPool, capturePid, "the capture waits on the job's locks");
      await job.query("commit");
      await capturing;
      await capture.query("commit");
    } finally {
      await release(job);
      await release(capture);
    }
    const q = db.ownerPool;
    expect((await q.query("select status::text from app_public.reservations where id = $1", [id])).rows[0].status).toBe("cancelled");
    // Non-refundable: the penalty is the total, and what was paid is that penalty (nothing beyond it
    // to refund): the folio is settled at zero.
    const client = await q.connect();
    try {
      expect(await folioBalance(client, id)).toBe(0);
      expect(await trialBalanceIsZero(client)).toBe(true);
      // The nights stayed released.
      expect(Number((await quote(client, h.ratePlanId, arrival, addDays(arrival, 1))).total_amount)).toBeGreaterThan(0);
    } finally {
      client.release();
    }
  });

  it("the job runs from the queue at the deadline (graphile-worker, as the worker runs it)", async () => {
    const { id } = await inCommit(db.ownerPool, async (c) => {
      const h = await prepaidHotel(c);
      const arrival = localDate(h.timeZone, 14);
      const b = await bookAsDesk(c, h, h.ratePlanId, arrival, addDays(arrival, 1));
      await declined(c, (await intentOf(c, b.reservation_id)).id);
      // The clock moves: the deadline is now, and so is its job.
      await c.query("update app_public.reservations set payment_due_by = now() - interval '1 minute' where id = $1", [b.reservation_id]);
      await c.query("select graphile_worker.add_job('enforce_payment_deadline', json_build_object('reservation_id', $1::uuid), job_key := $2, job_key_mode := 'replace')",
        [b.reservation_id, `payment_deadline:${b.reservation_id}`]);
      return { id: b.reservation_id };
    });
    await runDueJobs(db);
    expect((await db.ownerPool.query("select status::text from app_public.reservations where id = $1", [id])).rows[0].status).toBe("cancelled");
    expect((await db.ownerPool.query("select count(*)::int as n from graphile_worker.jobs where key = $1", [`payment_deadline:${id}`])).rows[0].n).toBe(0);
  });
});

describe("the guest is told", () => {
  it("the payment-failed email says the deadline in the property's time and links to the booking page (English and Portuguese)", async () => {
    const outbox = newOutbox();
    const ids = await inCommit(db.ownerPool, async (c) => {
      const made: string[] = [];
      for (const language of ["en", "pt"]) {
        const h = await prepaidHotel(c, { timeZone: "America/New_York" });
        await c.query("update app_public.properties set language = $2 where id = $1", [h.propertyId, language]);
        const arrival = localDate(h.timeZone, 9);
        const b = await bookAsDesk(c, h, h.ratePlanId, arrival, addDays(arrival, 1));
        await declined(c, (await intentOf(c, b.reservation_id)).id);
        await c.query("update app_public.reservations set payment_due_by = '2031-01-15T19:30:00Z' where id = $1", [b.reservation_id]);
        made.push(b.reservation_id);
      }
      return made;
    });
    await runDueJobs(db, { OUTBOX_DIR: outbox, PUBLIC_URL: "https://book.example.com" });
    const bodyOf = async (id: string) =>
      (await db.ownerPool.query("select status::text, body_text from app_public.notifications where reservation_id = $1 and template = 'payment_failed' and channel = 'email'", [id])).rows[0];
    const en = await bodyOf(ids[0]!);
    expect(en.status).toBe("sent");
    expect(en.body_text).toContain("https://book.example.com/manage");
    // 19:30 UTC is 14:30 in New York in January.
    expect(en.body_text).toMatch(/If it is still unpaid on 15 Jan 2031, 14:30 \(Hotel \w+'s local time\), the booking will be cancelled under its terms\./);
    const pt = await bodyOf(ids[1]!);
    expect(pt.body_text).toContain("https://book.example.com/manage");
    expect(pt.body_text).toMatch(/Se continuar por pagar a 15\/01\/2031, 14:30/);
  });
});

describe("the card on file", () => {
  it("after a declined deposit and a good retry, the balance is charged on the card that succeeded, shown as Visa •• 4242", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await prepaidHotel(c, { depositPercent: 30, ratePlan: { is_refundable: true } });
      const arrival = localDate(h.timeZone, 30);
      const b = await bookAsDesk(c, h, h.ratePlanId, arrival, addDays(arrival, 2));
      const deposit = await intentOf(c, b.reservation_id);
      await withBookingToken(c, b.reservation_id);
      await declined(c, deposit.id, "tok_declined_9995");
      await withBookingToken(c, b.reservation_id);
      const attempt = await paid(c, deposit.id, "tok_good_4242");
      const balance = await intentOf(c, b.reservation_id, "balance");
      expect(balance.payment_token).toBe("tok_good_4242");
      const r = await reservation(c, b.reservation_id);
      expect(r).toMatchObject({ card_brand: "visa", card_last4: "4242", card_on_file: "Visa •• 4242", payment_due_by: null });
      expect((await c.query("select description from app_public.journal_entries where cause_id = $1", [attempt])).rows).toEqual([{ description: "Card payment, Visa •• 4242" }]);
      expect((await c.query("select card_brand, card_last4 from app_public.payment_attempts where id = $1", [attempt])).rows).toEqual([{ card_brand: "visa", card_last4: "4242" }]);
      // When it falls due, the job charges that card.
      await c.query("update app_public.payment_intents set due_at = now() - interval '1 minute' where id = $1", [balance.id]);
      await c.query("select app_private.start_due_payments()");
      expect((await c.query("select payment_token from app_public.payment_attempts where intent_id = $1", [balance.id])).rows).toEqual([{ payment_token: "tok_good_4242" }]);
    }));

  it("the guest replaces the card from Manage: it is on file at once (brand and last four as the card form said), and a failed due payment is charged on it", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await prepaidHotel(c);
      const arrival = localDate(h.timeZone, 30);
      const b = await bookAsDesk(c, h, h.ratePlanId, arrival, addDays(arrival, 2));
      const deposit = await intentOf(c, b.reservation_id);
      await declined(c, deposit.id);
      await withBookingToken(c, b.reservation_id);
      expect(await sqlstateOf(c, "select * from app_public.attach_payment_method($1, 'tok_new_card_1', $2, 'visa', '42x2')", [b.reservation_id, newKey()])).toBe("INVLD");
      expect(await sqlstateOf(c, "select * from app_public.attach_payment_method($1, 'tok_new_card_1', $2, 'Visa<script>', '4242')", [b.reservation_id, newKey()])).toBe("INVLD");
      const key = newKey();
      const open = (await c.query("select id, status::text from app_public.attach_payment_method($1, 'tok_new_card_1', $2, 'mastercard', '4444')", [b.reservation_id, key])).rows;
      expect(open).toEqual([{ id: deposit.id, status: "processing" }]);
      expect((await c.query("select id from app_public.attach_payment_method($1, 'tok_new_card_1', $2, 'mastercard', '4444')", [b.reservation_id, key])).rows).toEqual([{ id: deposit.id }]);
      await asOwner(c);
      expect(await reservation(c, b.reservation_id)).toMatchObject({ card_on_file: "Mastercard •• 4444" });
      const attempt = (await c.query("select id, payment_token from app_public.payment_attempts where intent_id = $1 and status = 'pending'", [deposit.id])).rows[0];
      expect(attempt.payment_token).toBe("tok_new_card_1");
      // Its capture (the provider's word on the card, none here) clears the payment due and keeps the card.
      await worker(c);
      await c.query("select app_private.record_capture($1, 'ch_new', now(), null)", [attempt.id]);
      await asOwner(c);
      expect(await reservation(c, b.reservation_id)).toMatchObject({ card_on_file: "Mastercard •• 4444", payment_due_by: null });
      expect((await c.query("select description from app_public.journal_entries where cause_id = $1", [attempt.id])).rows[0].description).toBe("Card payment, Mastercard •• 4444");
    }));

  it("a capture arriving late for an older attempt does not replace a card put on file since", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await prepaidHotel(c, { depositPercent: 30, ratePlan: { is_refundable: true } });
      const arrival = localDate(h.timeZone, 30);
      const b = await bookAsDesk(c, h, h.ratePlanId, arrival, addDays(arrival, 2));
      const deposit = await intentOf(c, b.reservation_id);
      const old = await guestPays(c, deposit.id, "tok_old_card");
      await withBookingToken(c, b.reservation_id);
      await c.query("select * from app_public.attach_payment_method($1, 'tok_newer_card', $2, 'visa', '1111')", [b.reservation_id, newKey()]);
      // (One transaction has one now(): the card was put on file a second after the attempt started.)
      await asOwner(c);
      await c.query("update app_private.cards_on_file set set_at = set_at + interval '1 second' where reservation_id = $1", [b.reservation_id]);
      await worker(c);
      await c.query("select app_private.record_capture($1, 'ch_old', now(), '{\"brand\":\"amex\",\"last4\":\"0005\"}')", [old]);
      await asOwner(c);
      expect(await reservation(c, b.reservation_id)).toMatchObject({ card_on_file: "Visa •• 1111" });
      expect((await intentOf(c, b.reservation_id, "balance")).payment_token).toBe("tok_newer_card");
    }));

  it("chargeCardOnFile: the desk charges the card on file into the folio; not refunded as an overpayment; roles and inputs checked", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await prepaidHotel(c, { ratePlan: { is_refundable: true } });
      const arrival = localDate(h.timeZone, 30);
      const b = await bookAsDesk(c, h, h.ratePlanId, arrival, addDays(arrival, 1));
      await staff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select app_public.charge_card_on_file($1, 2500, $2)", [b.reservation_id, newKey()])).toBe("NOCRD");
      await asOwner(c);
      await paid(c, (await intentOf(c, b.reservation_id)).id);
      await staff(c, h.housekeeper);
      expect(await sqlstateOf(c, "select app_public.charge_card_on_file($1, 2500, $2)", [b.reservation_id, newKey()])).toBe("DNIED");
      await staff(c, h.frontDesk);
      for (const amount of ["0", "-100", "9223372036854775807", "100000000"]) {
        expect(await sqlstateOf(c, "select app_public.charge_card_on_file($1, $2::bigint, $3)", [b.reservation_id, amount, newKey()])).toBe("INVLD");
      }
      const key = newKey();
      const attempt = (await c.query("select * from app_public.charge_card_on_file($1, 2500, $2)", [b.reservation_id, key])).rows[0];
      expect(attempt).toMatchObject({ amount: "2500", status: "pending" });
      expect((await c.query("select * from app_public.charge_card_on_file($1, 2500, $2)", [b.reservation_id, key])).rows[0].id).toBe(attempt.id);
      expect(await sqlstateOf(c, "select app_public.charge_card_on_file($1, 2600, $2)", [b.reservation_id, key])).toBe("IDKEY");
      await asOwner(c);
      expect((await c.query("select payment_token from app_public.payment_attempts where id = $1", [attempt.id])).rows[0].payment_token).toBe("tok_good_4242");
      await worker(c);
      await c.query("select app_private.record_capture($1, 'ch_desk', now(), '{\"brand\":\"visa\",\"last4\":\"4242\"}')", [attempt.id]);
      await asOwner(c);
      // The folio is 2500 in credit (the extra it pays for is posted by the desk), and nothing was refunded.
      expect(await folioBalance(c, b.reservation_id)).toBe(-2500);
      expect(Number((await c.query("select count(*) from app_public.refunds f join app_public.payment_intents i on i.id = f.intent_id where i.reservation_id = $1", [b.reservation_id])).rows[0].count)).toBe(0);
      // A declined desk charge does not make the booking payment due.
      await staff(c, h.frontDesk);
      const second = (await c.query("select id from app_public.charge_card_on_file($1, 1000, $2)", [b.reservation_id, newKey()])).rows[0].id;
      await worker(c);
      await c.query("select app_private.record_payment_failure($1, 'card_declined', 'Declined')", [second]);
      await asOwner(c);
      expect((await reservation(c, b.reservation_id)).payment_due_by).toBeNull();
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));
});

describe("check-in and unpaid prepayments", () => {
  it("is refused with PAYMENT_DUE saying how much, unless acknowledged; then the deadline no longer applies", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await prepaidHotel(c);
      await c.query("update app_public.properties set check_in_time = '00:00' where id = $1", [h.propertyId]);
      const today = localDate(h.timeZone, 0);
      const b = await bookAsDesk(c, h, h.ratePlanId, today, addDays(today, 1));
      await declined(c, (await intentOf(c, b.reservation_id)).id);
      expect((await c.query("select app_public.reservations_unpaid_prepayment(r) as v from app_public.reservations r where id = $1", [b.reservation_id])).rows[0].v).toBe("10000");
      await staff(c, h.frontDesk);
      await c.query("savepoint s");
      const error = await c.query("select app_public.check_in($1, $2, true)", [b.reservation_id, newKey()]).catch((e) => e);
      await c.query("rollback to savepoint s");
      expect(error).toMatchObject({ code: "PAYDU", hint: "UNPAID_PREPAYMENT" });
      expect(error.message).toMatch(/€100\.00 of prepayment is unpaid \(payment due\)/);
      const done = (await c.query("select * from app_public.check_in($1, $2, true, acknowledge_unpaid => true)", [b.reservation_id, newKey()])).rows[0];
      expect(done).toMatchObject({ status: "checked_in", payment_due_by: null });
      await asOwner(c);
      expect(await deadlineJob(c, b.reservation_id)).toBeUndefined();
    }));

  it("says the amount in the currency's own minor units (JPY has none)", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await prepaidHotel(c, { timeZone: "Asia/Tokyo", currency: "JPY" });
      await c.query("update app_public.properties set check_in_time = '00:00' where id = $1", [h.propertyId]);
      const today = localDate(h.timeZone, 0);
      const b = await bookAsDesk(c, h, h.ratePlanId, today, addDays(today, 1));
      await declined(c, (await intentOf(c, b.reservation_id)).id);
      await staff(c, h.frontDesk);
      await c.query("savepoint s");
      const error = await c.query("select app_public.check_in($1, $2, true)", [b.reservation_id, newKey()]).catch((e) => e);
      await c.query("rollback to savepoint s");
      expect(error.message).toBe("¥10,000 of prepayment is unpaid (payment due). Take the payment first, or check in acknowledging it.");
    }));

  it("a balance due at check-in itself is taken at the desk, not a prepayment: no warning", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 1 });
      await c.query("update app_public.properties set check_in_time = '00:00' where id = $1", [h.propertyId]);
      const today = localDate(h.timeZone, 0);
      const b = await bookAsDesk(c, h, h.ratePlanId, today, addDays(today, 1));
      await staff(c, h.frontDesk);
      expect((await c.query("select status::text from app_public.check_in($1, $2, true)", [b.reservation_id, newKey()])).rows[0].status).toBe("checked_in");
    }));
});

describe("the no-show time", () => {
  it("far east (UTC+14): refused before the next day's 02:00 there, with NO_SHOW_TOO_EARLY saying when; the plan's penalty after", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { timeZone: "Pacific/Kiritimati", ratePlan: { free_cancellation_days: 0, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 } });
      await c.query("update app_public.properties set check_in_time = '00:00' where id = $1", [h.propertyId]);
      const today = localDate(h.timeZone, 0);
      const b = await bookAsDesk(c, h, h.ratePlanId, today, addDays(today, 3));
      await staff(c, h.frontDesk);
      await c.query("savepoint s");
      const error = await c.query("select app_public.mark_no_show($1, $2)", [b.reservation_id, newKey()]).catch((e) => e);
      await c.query("rollback to savepoint s");
      expect(error.code).toBe("NSHOW");
      const tomorrow = addDays(today, 1);
      const [y, m, d] = tomorrow.split("-").map(Number) as [number, number, number];
      const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m - 1];
      expect(error.message).toBe(`A no-show can be recorded from ${d} ${month} ${y}, 02:00 (Pacific/Kiritimati), the property's no-show time.`);
      // 02:00 at UTC+14 is 12:00 UTC the day before.
      expect(error.hint).toBe(`${today}T12:00:00Z`);
      expect((await c.query("select app_public.reservations_no_show_from(r) as t from app_public.reservations r where id = $1", [b.reservation_id])).rows[0].t.toISOString())
        .toBe(`${today}T12:00:00.000Z`);
      // The property records no-shows from the arrival day at 00:00: allowed, with the plan's penalty (one night), not the whole stay.
      await asOwner(c);
      await c.query("update app_public.properties set no_show_day_offset = 0, no_show_time = '00:00' where id = $1", [h.propertyId]);
      await staff(c, h.frontDesk);
      const noShow = (await c.query("select * from app_public.mark_no_show($1, $2)", [b.reservation_id, newKey()])).rows[0];
      expect(noShow).toMatchObject({ status: "no_show", penalty_amount: "10000", refund_amount: "20000" });
    }));

  it("far west (UTC-11): the time is the property's wall clock, whatever the server's zone; settings are the managers'", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { timeZone: "Pacific/Pago_Pago" });
      await c.query("update app_public.properties set check_in_time = '00:00' where id = $1", [h.propertyId]);
      const today = localDate(h.timeZone, 0);
      const b = await bookAsDesk(c, h, h.ratePlanId, today, addDays(today, 1));
      await staff(c, h.frontDesk);
      expect((await c.query("select app_public.reservations_no_show_from(r) as t from app_public.reservations r where id = $1", [b.reservation_id])).rows[0].t.toISOString())
        .toBe(`${addDays(today, 1)}T13:00:00.000Z`);
      expect(await sqlstateOf(c, "select app_public.mark_no_show($1, $2)", [b.reservation_id, newKey()])).toBe("NSHOW");
      expect((await c.query("update app_public.properties set no_show_time = '23:00' where id = $1 returning id", [h.propertyId])).rowCount).toBe(0);
      await staff(c, h.manager);
      expect(await sqlstateOf(c, "update app_public.properties set no_show_day_offset = 8 where id = $1", [h.propertyId])).toBe("23514");
      expect((await c.query("update app_public.properties set no_show_time = '23:00', no_show_day_offset = 1 where id = $1 returning id", [h.propertyId])).rowCount).toBe(1);
      expect(await sqlstateOf(c, "update app_public.rate_plans set payment_deadline_hours = 0 where id = $1", [h.ratePlanId])).toBe("23514");
    }));

  it("the night audit leaves a guest whose no-show time has not come; the cron records them once it has, once", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { timeZone: "Asia/Tokyo", ratePlan: { free_cancellation_days: 0, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 } });
      const today = localDate(h.timeZone, 0);
      const b = await bookAsDesk(c, h, h.ratePlanId, today, addDays(today, 2));
      // The guest was due yesterday (the stay moved back a day); the books are still open for yesterday,
      // and the property's no-show time is today at 23:59.
      await moveStayBack(c, b.reservation_id, 1);
      await c.query("update app_public.properties set business_date = $2, no_show_day_offset = 1, no_show_time = '23:59' where id = $1", [h.propertyId, addDays(today, -1)]);
      expect((await c.query("select no_shows from app_private.close_business_day($1)", [h.propertyId])).rows[0].no_shows).toBe(0);
      expect((await reservation(c, b.reservation_id)).status).toBe("confirmed");
      await worker(c);
      await c.query("select app_private.record_due_no_shows()");
      await asOwner(c);
      expect((await reservation(c, b.reservation_id)).status).toBe("confirmed");
      // The no-show time comes (moved, not waited for): the cron records it, with the plan's penalty, once.
      await c.query("update app_public.properties set no_show_time = '00:00' where id = $1", [h.propertyId]);
      await worker(c);
      expect((await c.query("select app_private.record_due_no_shows() as n")).rows[0].n).toBeGreaterThanOrEqual(1);
      await asOwner(c);
      const entries = async () => Number((await c.query("select count(*) from app_public.journal_entries where cause_id = $1", [b.reservation_id])).rows[0].count);
      const before = await entries();
      await worker(c);
      await c.query("select app_private.record_due_no_shows()");
      await asOwner(c);
      expect(await entries()).toBe(before);
      expect(await reservation(c, b.reservation_id)).toMatchObject({ status: "no_show", penalty_amount: "10000" });
      expect(await trialBalanceIsZero(c)).toBe(true);
    }));
});
