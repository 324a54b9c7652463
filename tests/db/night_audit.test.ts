// The night audit closes a property's business day once it is over locally:
// no-shows, the nights of stays on nightly-posting plans, anomalies for
// staff; and moves the business date on by one day. Time is simulated by
// moving the business date (and a stay) into the past.
import type pg from "pg";
import { asOwner, fileDatabase, inRollback, sqlstateOf, staff } from "../helpers/db.ts";
import { addDays, book, localDate, moveStayBack, newKey } from "../helpers/booking.ts";
import { folioBalance, hotelWithTaxes, ledgerOf, settleFolios, trialBalanceIsZero } from "../helpers/ledger.ts";

const db = fileDatabase();

const checkIn = async (c: pg.PoolClient, reservationId: string) =>
  c.query("select app_public.check_in($1, $2, true)", [reservationId, newKey()]);

it("a new property's business date is today where it is; nothing to close until the day is over", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await hotelWithTaxes(c);
    const { rows } = await c.query("select business_date::text from app_public.properties where id = $1", [h.propertyId]);
    expect(rows[0].business_date).toBe(localDate(h.timeZone, 0));
    await staff(c, h.manager);
    expect((await c.query("select * from app_public.run_night_audit($1)", [h.propertyId])).rows).toEqual([]);
    await staff(c, h.frontDesk);
    expect(await sqlstateOf(c, "select * from app_public.run_night_audit($1)", [h.propertyId])).toBe("DNIED");
    await staff(c, h.housekeeper);
    expect(await sqlstateOf(c, "select * from app_public.run_night_audit($1)", [h.propertyId])).toBe("DNIED");
  }));

it("a nightly-posting stay is charged night by night by the audits and the rest at check-out, to the same total as on booking", () =>
  inRollback(db.ownerPool, async (c) => {
    const nightly = await hotelWithTaxes(c);
    const onBooking = await hotelWithTaxes(c);
    await c.query("update app_public.rate_plans set charge_posting = 'nightly' where id = $1", [nightly.ratePlanId]);
    const today = localDate(nightly.timeZone, 0);

    // The same 4-night stay on each plan, arriving today, checked in.
    await staff(c, nightly.frontDesk);
    const n = await book(c, nightly.ratePlanId, today, addDays(today, 4));
    await checkIn(c, n.reservation_id);
    await asOwner(c);
    expect(await folioBalance(c, n.reservation_id)).toBe(0); // nothing charged at booking
    await staff(c, onBooking.frontDesk);
    const b = await book(c, onBooking.ratePlanId, today, addDays(today, 4));
    await checkIn(c, b.reservation_id);
    await asOwner(c);
    const full = await ledgerOf(c, b.reservation_id);
    expect(full.guest_receivable).toBe(Number(b.total_amount));

    // Two days pass at the nightly property: its books were open for
    // today - 2, and the stay arrived then.
    await asOwner(c);
    await moveStayBack(c, n.reservation_id, 2);
    await c.query("update app_public.properties set business_date = $2 where id = $1", [nightly.propertyId, addDays(today, -2)]);
    await staff(c, nightly.manager);
    const audits = (await c.query("select business_date::text, no_shows, nights_posted, anomaly_count from app_public.run_night_audit($1)", [nightly.propertyId])).rows;
    expect(audits).toEqual([
      { business_date: addDays(today, -2), no_shows: 0, nights_posted: 1, anomaly_count: 0 },
      { business_date: addDays(today, -1), no_shows: 0, nights_posted: 1, anomaly_count: 0 },
    ]);
    expect((await c.query("select business_date::text from app_public.properties where id = $1", [nightly.propertyId])).rows[0].business_date).toBe(today);
    // Two of four equal nights: half of every line (room, fee, each tax).
    await asOwner(c);
    const half = await ledgerOf(c, n.reservation_id);
    // (Postgres rounds halves away from zero; the folio takes the sum.)
    const halfOf = (amount: number) => Math.sign(amount) * Math.round(Math.abs(amount) / 2);
    const { guest_receivable: _, ...lines } = full;
    const expected = Object.fromEntries(Object.entries(lines).map(([purpose, amount]) => [purpose, halfOf(amount)]));
    expect(half).toEqual({ ...expected, guest_receivable: -Object.values(expected).reduce((a, b) => a + b, 0) });
    expect(await trialBalanceIsZero(c)).toBe(true);
    // Running again closes nothing and charges nothing.
    await staff(c, nightly.manager);
    expect((await c.query("select * from app_public.run_night_audit($1)", [nightly.propertyId])).rows).toEqual([]);
    await asOwner(c);
    expect(await ledgerOf(c, n.reservation_id)).toEqual(half);

    // Check-out charges the nights not audited yet: the same as on booking.
    // The desk settles what the folio will owe then (the open nights too).
    await staff(c, nightly.frontDesk);
    await settleFolios(c, n.reservation_id);
    await c.query("select app_public.check_out($1, $2)", [n.reservation_id, newKey()]);
    await asOwner(c);
    // Every charge as on booking; the folio was paid (by bank) what it owed.
    expect(await ledgerOf(c, n.reservation_id)).toEqual({ ...lines, bank: full.guest_receivable });
    expect(await folioBalance(c, n.reservation_id)).toBe(0);
    expect(await trialBalanceIsZero(c)).toBe(true);
  }));

it("the audit records a stay that did not arrive as a no-show, and flags an overstay, an unsettled departure and an out-of-order unit in use", () =>
  inRollback(db.ownerPool, async (c) => {
    const h = await hotelWithTaxes(c);
    // No-shows from the arrival day's start (whatever the hour this runs; the no-show time is tested in payment_guarantee.test.ts).
    await c.query("update app_public.properties set no_show_day_offset = 0, no_show_time = '00:00' where id = $1", [h.propertyId]);
    const today = localDate(h.timeZone, 0);
    await staff(c, h.frontDesk);
    const noShow = await book(c, h.ratePlanId, today, addDays(today, 2));
    const overstay = await book(c, h.ratePlanId, today, addDays(today, 1));
    const leaving = await book(c, h.ratePlanId, today, addDays(today, 1));
    await checkIn(c, overstay.reservation_id);
    await checkIn(c, leaving.reservation_id);
    // Settled at check-out, but an allowance made at the desk is taken back after the guest left (a late correction):
    // the folio owes again.
    await staff(c, h.manager);
    await c.query("select app_public.post_folio_allowance(f.id, 1000, 'Late breakfast', $2) from app_public.folios f where f.reservation_id = $1", [leaving.reservation_id, newKey()]);
    await staff(c, h.frontDesk);
    await settleFolios(c, leaving.reservation_id);
    await c.query("select app_public.check_out($1, $2)", [leaving.reservation_id, newKey()]);
    await c.query(
      `select app_public.correct_folio_entry(e.id, e.cause_id, 'Given by mistake', $2)
         from app_public.journal_entries e join app_public.folios f on f.id = e.cause_id
        where f.reservation_id = $1 and e.cause_type = 'folio_allowance'`, [leaving.reservation_id, newKey()]);
    await staff(c, h.frontDesk);
    await asOwner(c);
    // The books are open for yesterday: the no-show was due to arrive then,
    // the overstaying guest to leave then; the guest who left today counts
    // for today.
    await moveStayBack(c, noShow.reservation_id, 1);
    await moveStayBack(c, overstay.reservation_id, 2);
    await c.query("update app_public.properties set business_date = $2 where id = $1", [h.propertyId, addDays(today, -1)]);
    const unit = (await c.query("select unit_id from app_public.reservations where id = $1", [overstay.reservation_id])).rows[0].unit_id;
    await c.query("update app_public.units set housekeeping_status = 'out_of_order' where id = $1", [unit]);

    const closed = (await c.query("select app_private.run_night_audits() as n")).rows[0].n;
    const audit = (await c.query("select id, business_date::text, no_shows, anomaly_count, error from app_public.night_audits where property_id = $1", [h.propertyId])).rows[0];
    expect(audit).toMatchObject({ business_date: addDays(today, -1), no_shows: 1, anomaly_count: 2, error: null });
    expect(closed).toBe(1);
    expect((await c.query("select status from app_public.reservations where id = $1", [noShow.reservation_id])).rows[0].status).toBe("no_show");
    await staff(c, h.frontDesk);
    const anomalies = (await c.query("select kind, reservation_id from app_public.night_audit_anomalies where audit_id = $1 order by kind", [audit.id])).rows;
    expect(anomalies).toEqual([
      { kind: "overstay", reservation_id: overstay.reservation_id },
      { kind: "occupied_out_of_order", reservation_id: overstay.reservation_id },
    ]);
    // The departure with an unpaid folio is flagged by the audit of the day it left.
    await asOwner(c);
    await c.query("update app_public.reservations set checked_out_at = checked_out_at - interval '1 day' where id = $1", [leaving.reservation_id]);
    await c.query("update app_public.properties set business_date = $2 where id = $1", [h.propertyId, addDays(today, -1)]);
    await c.query("delete from app_public.night_audits where property_id = $1", [h.propertyId]);
    expect((await c.query("select app_private.run_night_audits() as n")).rows[0].n).toBe(1);
    const kinds = (await c.query("select a.kind, a.detail from app_public.night_audit_anomalies a where a.property_id = $1 order by a.kind", [h.propertyId])).rows;
    expect(kinds.map((k) => k.kind)).toEqual(["overstay", "folio_not_settled", "occupied_out_of_order"]);
    expect(kinds[1].detail).toMatch(/left on .* with an unpaid balance of €[\d,]+\.\d\d\./); // in euros, not minor units
    // Another property's staff see none of it.
    const other = await hotelWithTaxes(c);
    await staff(c, other.manager);
    expect((await c.query("select count(*)::int as n from app_public.night_audit_anomalies")).rows[0].n).toBe(0);
    expect((await c.query("select count(*)::int as n from app_public.night_audits")).rows[0].n).toBe(0);
  }));

it("a property whose audit fails keeps its business date and the error; the others are closed", () =>
  inRollback(db.ownerPool, async (c) => {
    const failing = await hotelWithTaxes(c);
    const fine = await hotelWithTaxes(c);
    await c.query("update app_public.rate_plans set charge_posting = 'nightly' where id = $1", [failing.ratePlanId]);
    const today = localDate(failing.timeZone, 0);
    await staff(c, failing.frontDesk);
    const stay = await book(c, failing.ratePlanId, today, addDays(today, 3));
    await checkIn(c, stay.reservation_id);
    await asOwner(c);
    await moveStayBack(c, stay.reservation_id, 1);
    // A folio closed by mistake: the night cannot be charged (FOLCL).
    await c.query("update app_public.folios set status = 'closed', closed_at = now() where reservation_id = $1", [stay.reservation_id]);
    await c.query("update app_public.properties set business_date = $2 where id = any($1)", [[failing.propertyId, fine.propertyId], addDays(today, -1)]);

    expect((await c.query("select app_private.run_night_audits() as n")).rows[0].n).toBe(1);
    const dates = (await c.query("select id, business_date::text from app_public.properties where id = any($1)", [[failing.propertyId, fine.propertyId]])).rows;
    expect(Object.fromEntries(dates.map((d) => [d.id, d.business_date]))).toEqual({ [failing.propertyId]: addDays(today, -1), [fine.propertyId]: today });
    const audits = (await c.query("select property_id, finished_at is not null as finished, error from app_public.night_audits where property_id = any($1)", [[failing.propertyId, fine.propertyId]])).rows;
    expect(audits).toHaveLength(2);
    expect(audits.find((a) => a.property_id === fine.propertyId)).toMatchObject({ finished: true, error: null });
    expect(audits.find((a) => a.property_id === failing.propertyId)).toMatchObject({ finished: false, error: expect.stringMatching(/folio is closed.*\(FOLCL\)/) });

    // Mended, the next run closes the day and clears the error.
    await c.query("update app_public.folios set status = 'open', closed_at = null where reservation_id = $1", [stay.reservation_id]);
    expect((await c.query("select app_private.run_night_audits() as n")).rows[0].n).toBe(1);
    const mended = (await c.query("select finished_at is not null as finished, error, nights_posted from app_public.night_audits where property_id = $1", [failing.propertyId])).rows;
    expect(mended).toEqual([{ finished: true, error: null, nights_posted: 1 }]);
  }));
