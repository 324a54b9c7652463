// What the guest app asks of the database (migration 000011): the nearest
// bookable stays when the asked ones do not work, a change of dates priced
// before it is made (the booking's own nights count as free), the guest's
// own changes within the rate's rules, what cancelling costs now, a card
// kept on file without charging it, and photo URLs and amenity codes that
// are checked. Each test runs in a transaction that is rolled back.
import type pg from "pg";
import { actAs, anonymous, fileDatabase, inRollback, sqlstateOf } from "../helpers/db.ts";
import { addDays, confirm, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();

/** Acts as the holder of the booking token of a reservation (lookupBooking). */
async function withBookingToken(c: pg.PoolClient, reservationId: string) {
  await anonymous(c);
  await c.query("select set_config('jwt.claims.reservation_id', $1, true)", [reservationId]);
}

/** quote → hold → confirm as an anonymous guest; returns the reservation id. */
async function booked(c: pg.PoolClient, h: Hotel, from: number, nights: number): Promise<string> {
  await anonymous(c);
  const arrival = localDate(h.timeZone, from);
  const q = await quote(c, h.ratePlanId, arrival, addDays(arrival, nights));
  const held = await hold(c, q.quote_token);
  await confirm(c, held);
  return held.reservation_id;
}

/** The error a statement fails with (SQLSTATE and hint, the API's reason), or null. */
async function failure(c: pg.PoolClient, sql: string, params: unknown[]): Promise<{ code: string; reason?: string } | null> {
  await c.query("savepoint probe");
  try {
    await c.query(sql, params);
    await c.query("release savepoint probe");
    return null;
  } catch (error) {
    await c.query("rollback to savepoint probe");
    const e = error as { code: string; hint?: string };
    return e.hint ? { code: e.code, reason: e.hint } : { code: e.code };
  }
}

describe("nearestStays", () => {
  it("for a stay shorter than the minimum: the same arrival with the nights needed first, then the nearest arrivals, priced", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 1, ratePlan: { min_stay: 3 } });
      const arrival = localDate(h.timeZone, 20);
      await anonymous(c);
      const { rows } = await c.query(
        "select rate_plan_id, arrival::text, departure::text, nights, currency, total_amount from app_public.nearest_stays($1, $2, $3, 2, 0, 3)",
        [[h.ratePlanId], arrival, addDays(arrival, 2)],
      );
      expect(rows).toEqual([
        { rate_plan_id: h.ratePlanId, arrival, departure: addDays(arrival, 3), nights: 3, currency: "EUR", total_amount: "30000" },
        { rate_plan_id: h.ratePlanId, arrival: addDays(arrival, 1), departure: addDays(arrival, 4), nights: 3, currency: "EUR", total_amount: "30000" },
        { rate_plan_id: h.ratePlanId, arrival: addDays(arrival, -1), departure: addDays(arrival, 2), nights: 3, currency: "EUR", total_amount: "30000" },
      ]);
    }));

  it("for a sold-out stay: the nearest free dates of the same length; a room too small for the guests gets nothing", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 1, maxOccupancy: 2 });
      await booked(c, h, 30, 2);
      const arrival = localDate(h.timeZone, 30);
      await anonymous(c);
      const { rows } = await c.query("select arrival::text, departure::text from app_public.nearest_stays($1, $2, $3, 2, 0, 2)", [
        [h.ratePlanId], arrival, addDays(arrival, 2),
      ]);
      expect(rows).toEqual([
        { arrival: addDays(arrival, 2), departure: addDays(arrival, 4) },
        { arrival: addDays(arrival, -2), departure: arrival },
      ]);
      const crowd = await c.query("select * from app_public.nearest_stays($1, $2, $3, 3, 0)", [[h.ratePlanId], arrival, addDays(arrival, 2)]);
      expect(crowd.rows).toEqual([]);
      expect(await sqlstateOf(c, "select * from app_public.nearest_stays($1, $2, $3, 2, 0, 9)", [[h.ratePlanId], arrival, addDays(arrival, 2)])).toBe("INVLD");
    }));
});

describe("a guest changing their booking", () => {
  it("prices the change first (its own nights count as free, even for the only unit), then changes it at that price", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 1, ratePlan: { free_cancellation_days: 2 } });
      const id = await booked(c, h, 20, 2);
      const arrival = localDate(h.timeZone, 21);
      await withBookingToken(c, id);
      const preview = await c.query("select total_amount, units_left, quote_token from app_public.quote_change($1, $2, $3)", [id, arrival, addDays(arrival, 3)]);
      expect(preview.rows).toEqual([{ total_amount: "30000", units_left: 1, quote_token: null }]);
      // A plain quote for those nights sees the guest's own unit as taken.
      expect(await sqlstateOf(c, "select * from app_public.quote($1, $2, $3)", [h.ratePlanId, arrival, addDays(arrival, 3)])).toBe("SOLDO");
      const key = newKey();
      const changed = await c.query("select arrival::text, departure::text, total_amount from app_public.modify_reservation($1, $2, $3, $4)", [id, key, arrival, addDays(arrival, 3)]);
      expect(changed.rows).toEqual([{ arrival, departure: addDays(arrival, 3), total_amount: "30000" }]);
      // The same key again replays.
      const again = await c.query("select total_amount from app_public.modify_reservation($1, $2, $3, $4)", [id, key, arrival, addDays(arrival, 3)]);
      expect(again.rows).toEqual([{ total_amount: "30000" }]);
    }));

  it("may change dates and guests only, within the rate's restrictions; someone else's booking is not theirs to change", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 2, ratePlan: { min_stay: 2 } });
      const id = await booked(c, h, 20, 2);
      const other = await booked(c, h, 25, 2);
      const arrival = localDate(h.timeZone, 20);
      await withBookingToken(c, id);
      expect(await failure(c, "select * from app_public.modify_reservation($1, $2, $3, $4)", [id, newKey(), arrival, addDays(arrival, 1)])).toEqual({ code: "RSTRC", reason: "MIN_STAY" });
      expect(await failure(c, "select * from app_public.quote_change($1, $2, $3)", [id, arrival, addDays(arrival, 1)])).toEqual({ code: "RSTRC", reason: "MIN_STAY" });
      expect(await failure(c, "select * from app_public.modify_reservation($1, $2, unit_id => $3)", [id, newKey(), h.unitIds[1]])).toEqual({ code: "DNIED", reason: "DATES_ONLY" });
      expect(await failure(c, "select * from app_public.modify_reservation($1, $2, $3, $4)", [other, newKey(), arrival, addDays(arrival, 3)])).toEqual({ code: "NTFND" });
      expect(await failure(c, "select * from app_public.quote_change($1, $2, $3)", [other, arrival, addDays(arrival, 3)])).toEqual({ code: "NTFND" });
      await anonymous(c); // no token at all
      await c.query("select set_config('jwt.claims.reservation_id', '', true)");
      expect(await failure(c, "select * from app_public.quote_change($1, $2, $3)", [id, arrival, addDays(arrival, 3)])).toEqual({ code: "NTFND" });
      // Staff may still book past the restriction.
      await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
      expect(await failure(c, "select * from app_public.modify_reservation($1, $2, $3, $4)", [id, newKey(), arrival, addDays(arrival, 1)])).toBeNull();
    }));

  it("is refused, with the reason the app explains, once the rate or the deadline does not allow it", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 3, ratePlan: { free_cancellation_days: 2 } });
      const refusal = async (id: string) => {
        await withBookingToken(c, id);
        return (await c.query<{ refusal: string | null }>("select app_public.reservations_change_refusal(r) as refusal from app_public.reservations r where r.id = $1", [id])).rows[0]!.refusal;
      };
      const open = await booked(c, h, 20, 2);
      expect(await refusal(open)).toBeNull();
      const late = await booked(c, h, 1, 2); // free cancellation ended 2 days before arrival
      expect(await refusal(late)).toBe("PAST_DEADLINE");
      expect(await failure(c, "select * from app_public.modify_reservation($1, $2, departure => $3)", [late, newKey(), localDate(h.timeZone, 4)])).toEqual({ code: "DNIED", reason: "PAST_DEADLINE" });
      await c.query("reset role");
      await c.query("update app_public.rate_plans set guest_changes_allowed = false where id = $1", [h.ratePlanId]);
      expect(await refusal(open)).toBe("RATE_PLAN");
      await c.query("reset role");
      await c.query("update app_public.reservations set cancellation_policy = cancellation_policy || '{\"is_refundable\": false}' where id = $1", [open]);
      await c.query("update app_public.rate_plans set guest_changes_allowed = true where id = $1", [h.ratePlanId]);
      expect(await refusal(open)).toBe("NOT_REFUNDABLE");
    }));
});

describe("cancellationPenaltyNow", () => {
  it("is what cancelReservation then charges: nothing before the deadline, the late penalty after it, null once cancelled", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 2, ratePlan: { free_cancellation_days: 2, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 } });
      const penaltyNow = async (id: string) => {
        await withBookingToken(c, id);
        return (await c.query<{ p: string | null }>("select app_public.reservations_cancellation_penalty_now(r) as p from app_public.reservations r where r.id = $1", [id])).rows[0]!.p;
      };
      const early = await booked(c, h, 20, 2);
      const late = await booked(c, h, 1, 2);
      expect(await penaltyNow(early)).toBe("0");
      expect(await penaltyNow(late)).toBe("10000");
      await withBookingToken(c, late);
      const cancelled = await c.query("select penalty_amount from app_public.cancel_reservation($1, $2)", [late, newKey()]);
      expect(cancelled.rows).toEqual([{ penalty_amount: "10000" }]);
      expect(await penaltyNow(late)).toBeNull();
    }));
});

describe("attachPaymentMethod", () => {
  it("keeps the card on the open payments without charging; the due-payments job charges them when due; the same key replays", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 1 }); // no deposit: everything is due at check-in
      const id = await booked(c, h, 20, 2);
      await withBookingToken(c, id);
      const key = newKey();
      const attached = await c.query("select id, status from app_public.attach_payment_method($1, 'tok_test_card_1', $2)", [id, key]);
      expect(attached.rows).toEqual([{ id: expect.any(String), status: "requires_payment" }]);
      expect((await c.query("select id from app_public.attach_payment_method($1, 'tok_test_card_1', $2)", [id, key])).rows).toEqual([{ id: attached.rows[0].id }]);
      expect(await sqlstateOf(c, "select * from app_public.attach_payment_method($1, 'tok_other_card', $2)", [id, key])).toBe("IDKEY");
      expect(await sqlstateOf(c, "select * from app_public.attach_payment_method($1, '4242424242424242', $2)", [id, newKey()])).toBe("INVLD");
      await c.query("reset role");
      expect((await c.query("select payment_token, status::text from app_public.payment_intents where reservation_id = $1", [id])).rows).toEqual([
        { payment_token: "tok_test_card_1", status: "requires_payment" },
      ]);
      expect((await c.query("select count(*)::int as n from app_public.payment_attempts a join app_public.payment_intents i on i.id = a.intent_id where i.reservation_id = $1", [id])).rows[0].n).toBe(0);
      // Due now: the job that charges cards on file starts the attempt.
      await c.query("update app_public.payment_intents set due_at = now() - interval '1 minute' where reservation_id = $1", [id]);
      await c.query("select app_private.start_due_payments()");
      expect((await c.query("select status::text from app_public.payment_intents where reservation_id = $1", [id])).rows).toEqual([{ status: "processing" }]);
      // Someone else's booking is not theirs.
      const other = await createHotel(c, { units: 1 });
      const otherId = await booked(c, other, 20, 2);
      await withBookingToken(c, id);
      expect(await sqlstateOf(c, "select * from app_public.attach_payment_method($1, 'tok_test_card_1', $2)", [otherId, newKey()])).toBe("NTFND");
    }));
});

describe("photos and amenities", () => {
  it("take local paths or https URLs and lower-case codes; anything else is refused", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      const set = (photos: string[], amenities: string[] = []) =>
        sqlstateOf(c, "update app_public.room_types set photo_urls = $2, amenities = $3 where id = $1", [h.roomTypeId, photos, amenities]);
      expect(await set(["/photos/a.svg", "https://cdn.example.com/room.jpg"], ["wifi", "air_conditioning"])).toBeNull();
      for (const bad of ["javascript:alert(1)", "//evil.example/x.jpg", "http://plain.example/x.jpg", "/a b.jpg", '/x".jpg', `/${"a".repeat(600)}`]) {
        expect([bad, await set([bad])]).toEqual([bad, "23514"]);
      }
      expect(await set([], ["WiFi"])).toBe("23514");
      expect(await set([], ["wifi", "wifi"])).toBe("23514");
      expect(await set(Array.from({ length: 21 }, (_, i) => `/p${i}.svg`))).toBe("23514");
      // Managers set them with their own rights (the checks run as the user who writes the row).
      await actAs(c, { role: "keepr_staff", userId: h.manager });
      expect((await c.query("update app_public.properties set photo_urls = '{/photos/p.svg}', amenities = '{pool}', description = 'Renovated' where id = $1", [h.propertyId])).rowCount).toBe(1);
      expect(await sqlstateOf(c, "update app_public.room_types set amenities = '{Bad Code}' where id = $1", [h.roomTypeId])).toBe("23514");
      await anonymous(c);
      const { rows } = await c.query("select photo_urls, amenities from app_public.room_types where id = $1", [h.roomTypeId]);
      expect(rows).toEqual([{ photo_urls: ["/photos/a.svg", "https://cdn.example.com/room.jpg"], amenities: ["wifi", "air_conditioning"] }]);
    }));
});
