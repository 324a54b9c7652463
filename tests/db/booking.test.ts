// The booking life cycle in Postgres: quote, hold, confirm, change, cancel,
// check in and out, no-shows, room moves and blocks, as the roles that do
// them. Each test runs in a transaction that is rolled back; time cannot
// move inside one, so "later" is simulated by moving expiry times back.
import type pg from "pg";
import { actAs, anonymous, fileDatabase, inRollback, sqlstateOf, staff } from "../helpers/db.ts";
import { addDays, book, confirm, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { settleFolios } from "../helpers/ledger.ts";

const db = fileDatabase();

async function claims(c: pg.PoolClient, reservationId: string) {
  await c.query("reset role");
  const { rows } = await c.query<{ unit_id: string; kind: string; stay: string; live: boolean }>(
    "select unit_id, kind, stay::text as stay, released_at is null as live from app_public.inventory_claims where reservation_id = $1 order by created_at, lower(stay)",
    [reservationId],
  );
  return rows;
}

async function reservation(c: pg.PoolClient, id: string) {
  await c.query("reset role");
  const { rows } = await c.query("select *, lower(stay)::text as arrival, upper(stay)::text as departure from app_public.reservations where id = $1", [id]);
  return rows[0];
}

function stay(h: Hotel, from: number, nights: number): [string, string] {
  const arrival = localDate(h.timeZone, from);
  return [arrival, addDays(arrival, nights)];
}

describe("holds and confirmation", () => {
  it("a hold claims a unit at the quoted price; confirming gives a code and a guest profile", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      await anonymous(c);
      const q = await quote(c, h.ratePlanId, ...stay(h, 10, 3));
      expect(q.total_amount).toBe("30000");
      expect(q.units_left).toBe(3);
      const held = await hold(c, q.quote_token);
      expect(held.total_amount).toBe("30000");
      expect(await claims(c, held.reservation_id)).toEqual([expect.objectContaining({ kind: "hold", live: true })]);

      await anonymous(c);
      const booking = await confirm(c, held);
      expect(booking.status).toBe("confirmed");
      expect(booking.confirmation_code).toMatch(/^[A-Z2-9]{8}$/);
      expect(await claims(c, held.reservation_id)).toEqual([expect.objectContaining({ kind: "reservation", live: true })]);
      const r = await reservation(c, held.reservation_id);
      expect(r.hold_expires_at).toBeNull();

      await anonymous(c);
      const second = await book(c, h.ratePlanId, ...stay(h, 20, 2));
      const r2 = await reservation(c, second.reservation_id);
      expect(r2.guest_id).toBe(r.guest_id); // the same email finds the same profile
    }));

  it("a confirmation code already taken at the property is drawn again; any other unique violation goes out, not retried", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 3 });
      // This transaction's draws are scripted (rolled back with it): AAAAAAAA twice, BBBBBBBB, then CCCCCCCC.
      await c.query("create sequence app_private.test_draws");
      await c.query(`create or replace function app_private.new_confirmation_code() returns text language sql volatile
                       set search_path to pg_catalog, public, pg_temp
                       as $$ select (array['AAAAAAAA', 'AAAAAAAA', 'BBBBBBBB', 'CCCCCCCC'])[pg_catalog.nextval('app_private.test_draws')] $$`);
      const arrival = localDate(h.timeZone, 10);
      await anonymous(c);
      const first = await book(c, h.ratePlanId, arrival, addDays(arrival, 1));
      const second = await book(c, h.ratePlanId, arrival, addDays(arrival, 1));
      expect([first.confirmation_code, second.confirmation_code]).toEqual(["AAAAAAAA", "BBBBBBBB"]);
      // Another unique constraint (one booking a property besides AAAAAAAA, made up for the test) is not the draw's:
      // the next draw, CCCCCCCC, is a free code, and the confirmation fails at once instead of drawing again.
      await c.query("reset role");
      await c.query("create unique index test_one_booking on app_public.reservations (property_id) where confirmation_code <> 'AAAAAAAA'");
      await c.query("set local statement_timeout = '10s'");
      await anonymous(c);
      const held = await hold(c, (await quote(c, h.ratePlanId, arrival, addDays(arrival, 1))).quote_token);
      expect(await sqlstateOf(c, "select app_public.confirm_booking($1, $2, 'Ada Lovelace', 'ada@example.com', hold_token => $3)", [held.reservation_id, newKey(), held.hold_token])).toBe("23505");
      await c.query("reset role");
      expect((await c.query("select last_value from app_private.test_draws")).rows[0].last_value).toBe("4");
    }));

  it("the quoted price is honoured when rates change before the hold", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      const [arrival, departure] = stay(h, 10, 2);
      await anonymous(c);
      const q = await quote(c, h.ratePlanId, arrival, departure);
      await c.query("reset role");
      await c.query("insert into app_public.rate_calendar (property_id, rate_plan_id, date, price) values ($1, $2, $3, 99900)", [h.propertyId, h.ratePlanId, arrival]);
      await anonymous(c);
      expect((await quote(c, h.ratePlanId, arrival, departure)).total_amount).toBe("109900");
      expect((await hold(c, q.quote_token)).total_amount).toBe("20000");
    }));

  it("an altered quote token is QUOTE_INVALID and an expired one QUOTE_EXPIRED", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      await anonymous(c);
      const q = await quote(c, h.ratePlanId, ...stay(h, 10, 2));
      const [payload] = q.quote_token.split(".");
      const cheaper = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8"));
      cheaper.total_amount = 1;
      const forged = `${Buffer.from(JSON.stringify(cheaper)).toString("base64url")}.${q.quote_token.split(".")[1]}`;
      expect(await sqlstateOf(c, "select app_public.create_hold($1, $2)", [forged, newKey()])).toBe("QUOTE");
      expect(await sqlstateOf(c, "select app_public.create_hold($1, $2)", ["not-a-token", newKey()])).toBe("QUOTE");

      // A genuine token whose validity has passed (signed here as the owner).
      await c.query("reset role");
      const stale = { ...JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")), valid_until: new Date(Date.now() - 60_000).toISOString() };
      const stalePayload = Buffer.from(JSON.stringify(stale)).toString("base64url");
      const { rows } = await c.query<{ s: string }>("select app_private.sign($1) as s", [stalePayload]);
      await anonymous(c);
      expect(await sqlstateOf(c, "select app_public.create_hold($1, $2)", [`${stalePayload}.${rows[0]!.s}`, newKey()])).toBe("QTEXP");
    }));

  it("when every unit is taken, quote and hold are SOLD_OUT", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 2 });
      const [arrival, departure] = stay(h, 10, 3);
      await anonymous(c);
      const q = await quote(c, h.ratePlanId, arrival, departure);
      await hold(c, q.quote_token);
      await hold(c, q.quote_token);
      expect(await sqlstateOf(c, "select app_public.create_hold($1, $2)", [q.quote_token, newKey()])).toBe("SOLDO");
      expect(await sqlstateOf(c, "select app_public.quote($1, $2, $3)", [h.ratePlanId, arrival, departure])).toBe("SOLDO");
      // Back-to-back stays do not overlap: the departure night is free.
      expect((await quote(c, h.ratePlanId, departure, addDays(departure, 2))).units_left).toBe(2);
    }));

  it("an expired hold never blocks anyone, before any cleanup has run", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 1 });
      const [arrival, departure] = stay(h, 10, 3);
      await anonymous(c);
      const q = await quote(c, h.ratePlanId, arrival, departure);
      const first = await hold(c, q.quote_token);
      expect(await sqlstateOf(c, "select app_public.quote($1, $2, $3)", [h.ratePlanId, arrival, departure])).toBe("SOLDO");

      await c.query("reset role");
      await c.query("update app_public.inventory_claims set expires_at = now() - interval '1 minute' where reservation_id = $1", [first.reservation_id]);
      await anonymous(c);
      const search = await c.query("select units_left from app_public.search_availability($1, $2, 2, 0, $3)", [arrival, departure, h.propertyId]);
      expect(search.rows).toEqual([{ units_left: 1 }]);
      const second = await hold(c, q.quote_token);
      expect((await claims(c, first.reservation_id))[0]!.live).toBe(false);
      expect((await claims(c, second.reservation_id))[0]!.live).toBe(true);

      // The first guest comes back too late: their nights are gone.
      await anonymous(c);
      expect(await sqlstateOf(c, "select app_public.confirm_booking($1, $2, 'Ada', 'ada@example.com', hold_token => $3)", [first.reservation_id, newKey(), first.hold_token])).toBe("HLDEX");
    }));

  it("an expired hold still confirms when no one took its unit, even after cleanup", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 1 });
      await anonymous(c);
      const a = await hold(c, (await quote(c, h.ratePlanId, ...stay(h, 10, 3))).quote_token);
      const b = await hold(c, (await quote(c, h.ratePlanId, ...stay(h, 20, 3))).quote_token);
      await c.query("reset role");
      await c.query("update app_public.inventory_claims set expires_at = now() - interval '5 minutes' where reservation_id = any($1)", [[a.reservation_id, b.reservation_id]]);
      await actAs(c, { role: "keepr_anonymous" });
      await c.query("reset role");
      await c.query("set local role keepr_worker");
      expect((await c.query("select app_private.release_stale_claims() as n")).rows[0].n).toBe(2);

      await anonymous(c);
      expect((await confirm(c, a)).status).toBe("confirmed"); // released by cleanup, claimed again
      expect((await claims(c, a.reservation_id)).map((x) => [x.kind, x.live])).toEqual([["hold", false], ["reservation", true]]);
    }));

  it("guest details are validated", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      await anonymous(c);
      const held = await hold(c, (await quote(c, h.ratePlanId, ...stay(h, 10, 2))).quote_token);
      const attempt = (name: string, email: string, phone: string | null) =>
        sqlstateOf(c, "select app_public.confirm_booking($1, $2, $3, $4, $5, hold_token => $6)", [held.reservation_id, newKey(), name, email, phone, held.hold_token]);
      expect(await attempt("Ada", "not-an-email", null)).toBe("INVEM");
      expect(await attempt("  ", "ada@example.com", null)).toBe("INVNM");
      expect(await attempt("Ada", "ada@example.com", "call me")).toBe("INVPH");
      expect(await attempt("Ada", "ada@example.com", null)).toBeNull();
    }));

  it("impossible stays are INVALID_DATES or INVALID_GUESTS", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      await anonymous(c);
      const q = (arrival: string, departure: string, adults = 2, children = 0) =>
        sqlstateOf(c, "select app_public.quote($1, $2, $3, $4, $5)", [h.ratePlanId, arrival, departure, adults, children]);
      expect(await q(localDate(h.timeZone, 5), localDate(h.timeZone, 5))).toBe("DATES");
      expect(await q(localDate(h.timeZone, 5), localDate(h.timeZone, 4))).toBe("DATES");
      expect(await q(localDate(h.timeZone, -1), localDate(h.timeZone, 2))).toBe("DATES");
      expect(await q(localDate(h.timeZone, 5), localDate(h.timeZone, 400))).toBe("DATES");
      expect(await q(localDate(h.timeZone, 5), localDate(h.timeZone, 7), 0)).toBe("GUEST");
      expect(await q(localDate(h.timeZone, 5), localDate(h.timeZone, 7), 1, -1)).toBe("GUEST");
      expect(await sqlstateOf(c, "select app_public.quote(gen_random_uuid(), current_date + 5, current_date + 7)")).toBe("NTFND");
    }));
});

describe("state changes", () => {
  it("check-in opens on the arrival date, needs a ready unit, and check-out frees the rest of the stay", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 1 });
      await anonymous(c);
      const later = await book(c, h.ratePlanId, ...stay(h, 3, 2));
      const today = await book(c, h.ratePlanId, ...stay(h, 0, 3));
      await staff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select app_public.check_in($1, $2)", [later.reservation_id, newKey()])).toBe("TRANS");
      expect(await sqlstateOf(c, "select app_public.check_out($1, $2)", [today.reservation_id, newKey()])).toBe("TRANS");

      await c.query("reset role");
      await c.query("update app_public.units set housekeeping_status = 'dirty' where id = $1", [h.unitIds[0]]);
      await staff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select app_public.check_in($1, $2)", [today.reservation_id, newKey()])).toBe("UNRDY");
      const checkedIn = await c.query("select status from app_public.check_in($1, $2, true)", [today.reservation_id, newKey()]);
      expect(checkedIn.rows[0].status).toBe("checked_in");
      expect(await sqlstateOf(c, "select app_public.cancel_reservation($1, $2)", [today.reservation_id, newKey()])).toBe("TRANS");

      // Leaving on the first day (settled first): the stay's nights are given back.
      await settleFolios(c, today.reservation_id);
      const out = await c.query("select status from app_public.check_out($1, $2)", [today.reservation_id, newKey()]);
      expect(out.rows[0].status).toBe("checked_out");
      expect((await claims(c, today.reservation_id)).every((x) => !x.live)).toBe(true);
      expect((await c.query("select housekeeping_status from app_public.units where id = $1", [h.unitIds[0]])).rows[0].housekeeping_status).toBe("dirty");
      await anonymous(c);
      expect((await quote(c, h.ratePlanId, ...stay(h, 0, 3))).units_left).toBe(1);
    }));

  it("a no-show is recorded from the property's no-show time (here the arrival day's start), charges the late penalty and frees the unit", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 1, ratePlan: { free_cancellation_days: 2, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 } });
      await c.query("update app_public.properties set no_show_day_offset = 0, no_show_time = '00:00' where id = $1", [h.propertyId]);
      await anonymous(c);
      const future = await book(c, h.ratePlanId, ...stay(h, 5, 2));
      const due = await book(c, h.ratePlanId, ...stay(h, 0, 3));
      await staff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select app_public.mark_no_show($1, $2)", [future.reservation_id, newKey()])).toBe("NSHOW");
      const noShow = await c.query("select status, penalty_amount from app_public.mark_no_show($1, $2)", [due.reservation_id, newKey()]);
      expect(noShow.rows[0]).toEqual({ status: "no_show", penalty_amount: "10000" });
      expect((await claims(c, due.reservation_id))[0]!.live).toBe(false);
      expect(await sqlstateOf(c, "select app_public.check_in($1, $2)", [due.reservation_id, newKey()])).toBe("TRANS");
    }));

  it("cancellation applies the locked terms: free before the deadline, the penalty after, everything when non-refundable", () =>
    inRollback(db.ownerPool, async (c) => {
      const flexible = await createHotel(c, { ratePlan: { free_cancellation_days: 3, cancellation_penalty_kind: "percent", cancellation_penalty_value: 50 } });
      const nonRefundable = await createHotel(c, { ratePlan: { is_refundable: false } });
      await anonymous(c);
      const early = await book(c, flexible.ratePlanId, ...stay(flexible, 10, 2));
      const late = await book(c, flexible.ratePlanId, ...stay(flexible, 1, 2));
      const locked = await book(c, nonRefundable.ratePlanId, ...stay(nonRefundable, 10, 3));
      await staff(c, flexible.frontDesk);
      const cancel = async (id: string) => (await c.query("select status, penalty_amount, refund_amount from app_public.cancel_reservation($1, $2, 'plans changed')", [id, newKey()])).rows[0];
      expect(await cancel(early.reservation_id)).toEqual({ status: "cancelled", penalty_amount: "0", refund_amount: "20000" });
      expect(await cancel(late.reservation_id)).toEqual({ status: "cancelled", penalty_amount: "10000", refund_amount: "10000" });
      expect((await claims(c, late.reservation_id))[0]!.live).toBe(false);
      expect(await sqlstateOf(c, "select app_public.cancel_reservation($1, $2)", [late.reservation_id, newKey()])).toBe("TRANS");
      await staff(c, nonRefundable.frontDesk);
      expect(await cancel(locked.reservation_id)).toEqual({ status: "cancelled", penalty_amount: "30000", refund_amount: "0" });
    }));

  it("modify keeps the old claim when the new one fails, and takes the new nights when they are free", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 2 });
      await anonymous(c);
      const mine = await book(c, h.ratePlanId, ...stay(h, 10, 2));
      const before = await reservation(c, mine.reservation_id);
      await anonymous(c);
      await book(c, h.ratePlanId, ...stay(h, 12, 3));
      await book(c, h.ratePlanId, ...stay(h, 12, 3));

      await staff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select app_public.modify_reservation($1, $2, departure => $3)", [mine.reservation_id, newKey(), localDate(h.timeZone, 13)])).toBe("SOLDO");
      expect(await claims(c, mine.reservation_id)).toEqual([expect.objectContaining({ unit_id: before.unit_id, kind: "reservation", live: true, stay: `[${before.arrival},${before.departure})` })]);
      expect((await reservation(c, mine.reservation_id)).total_amount).toBe("20000");

      await staff(c, h.frontDesk);
      const earlier = await c.query("select total_amount, arrival::text, departure::text from app_public.modify_reservation($1, $2, arrival => $3, adults => 3)", [
        mine.reservation_id, newKey(), localDate(h.timeZone, 8),
      ]);
      expect(earlier.rows[0]).toEqual({ total_amount: "40000", arrival: localDate(h.timeZone, 8), departure: localDate(h.timeZone, 12) });
      const live = (await claims(c, mine.reservation_id)).filter((x) => x.live);
      expect(live).toEqual([expect.objectContaining({ unit_id: before.unit_id, stay: `[${localDate(h.timeZone, 8)},${localDate(h.timeZone, 12)})` })]);
      expect(await sqlstateOf(c, "select app_public.modify_reservation($1, $2, adults => 4)", [mine.reservation_id, newKey()])).toBe("RSTRC");
    }));

  it("a room move takes a free unit and refuses a taken one", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 3 });
      await anonymous(c);
      const a = await book(c, h.ratePlanId, ...stay(h, 10, 3));
      const b = await book(c, h.ratePlanId, ...stay(h, 11, 3));
      const unitA = (await reservation(c, a.reservation_id)).unit_id;
      const unitB = (await reservation(c, b.reservation_id)).unit_id;
      const free = h.unitIds.find((u) => u !== unitA && u !== unitB)!;
      await staff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select app_public.move_unit($1, $2, $3)", [a.reservation_id, unitB, newKey()])).toBe("UNAVL");
      await c.query("select app_public.move_unit($1, $2, $3)", [a.reservation_id, free, newKey()]);
      expect((await claims(c, a.reservation_id)).filter((x) => x.live).map((x) => x.unit_id)).toEqual([free]);
      expect((await reservation(c, a.reservation_id)).unit_id).toBe(free);
    }));

  it("staff blocks take nights from sale and give them back; housekeeping may not block", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c, { units: 1 });
      const [from, to] = stay(h, 10, 4);
      await staff(c, h.housekeeper);
      expect(await sqlstateOf(c, "select app_public.create_block($1, $2, $3, 'maintenance_block', $4)", [h.unitIds[0], from, to, newKey()])).toBe("DNIED");
      await staff(c, h.frontDesk);
      const block = (await c.query("select id from app_public.create_block($1, $2, $3, 'maintenance_block', $4, 'new carpet')", [h.unitIds[0], from, to, newKey()])).rows[0];
      expect(await sqlstateOf(c, "select app_public.create_block($1, $2, $3, 'owner_block', $4)", [h.unitIds[0], addDays(from, 2), addDays(to, 2), newKey()])).toBe("UNAVL");
      await anonymous(c);
      expect(await sqlstateOf(c, "select app_public.quote($1, $2, $3)", [h.ratePlanId, addDays(from, 1), addDays(from, 2)])).toBe("SOLDO");
      await staff(c, h.frontDesk);
      await c.query("select app_public.release_block($1, $2)", [block.id, newKey()]);
      expect(await sqlstateOf(c, "select app_public.release_block($1, $2)", [block.id, newKey()])).toBe("TRANS");
      await anonymous(c);
      expect((await quote(c, h.ratePlanId, from, to)).units_left).toBe(1);
    }));
});

describe("who may act", () => {
  it("a booking token reads and cancels its own booking only", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      await anonymous(c);
      const mine = await book(c, h.ratePlanId, ...stay(h, 10, 2));
      const theirs = await book(c, h.ratePlanId, ...stay(h, 10, 2));
      expect((await c.query("select app_public.lookup_booking($1, 'someone@else.example') as t", [mine.confirmation_code])).rows[0].t).toBeNull();
      const token = (await c.query("select * from app_public.lookup_booking($1, ' ADA@example.com ')", [mine.confirmation_code.toLowerCase()])).rows[0];
      expect(token).toMatchObject({ role: "keepr_anonymous", reservation_id: mine.reservation_id, session_id: null });

      await anonymous(c);
      expect((await c.query("select id from app_public.reservations")).rows).toEqual([]);
      await c.query("select set_config('jwt.claims.reservation_id', $1, true)", [mine.reservation_id]);
      expect((await c.query("select id from app_public.reservations")).rows).toEqual([{ id: mine.reservation_id }]);
      // The contact given for this booking, never the property's shared guest profile.
      expect((await c.query("select contact_name, contact_email from app_public.reservations")).rows).toEqual([{ contact_name: "Ada Lovelace", contact_email: "ada@example.com" }]);
      expect(await sqlstateOf(c, "select full_name from app_public.guests")).toBe("42501");
      expect(await sqlstateOf(c, "select app_public.cancel_reservation($1, $2)", [theirs.reservation_id, newKey()])).toBe("NTFND");
      expect(await sqlstateOf(c, "select app_public.check_in($1, $2)", [mine.reservation_id, newKey()])).toBe("42501");
      expect((await c.query("select status from app_public.cancel_reservation($1, $2)", [mine.reservation_id, newKey()])).rows[0].status).toBe("cancelled");
    }));

  it("staff of another property cannot see or change a reservation", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      const other = await createHotel(c);
      await anonymous(c);
      const booking = await book(c, h.ratePlanId, ...stay(h, 10, 2));
      await staff(c, other.manager);
      expect((await c.query("select id from app_public.reservations where id = $1", [booking.reservation_id])).rows).toEqual([]);
      for (const sql of [
        "select app_public.cancel_reservation($1, $2)",
        "select app_public.modify_reservation($1, $2, adults => 1)",
        "select app_public.mark_no_show($1, $2)",
      ]) {
        expect([sql, await sqlstateOf(c, sql, [booking.reservation_id, newKey()])]).toEqual([sql, "NTFND"]);
      }
      expect(await sqlstateOf(c, "select * from app_public.reservation_history($1)", [booking.reservation_id])).toBe("NTFND");
      await staff(c, h.housekeeper);
      expect(await sqlstateOf(c, "select app_public.cancel_reservation($1, $2)", [booking.reservation_id, newKey()])).toBe("DNIED");
    }));

  it("every change is audited with its actor and request; staff read a reservation's history", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      await actAs(c, { role: "keepr_anonymous" }, "req-guest-0001");
      const booking = await book(c, h.ratePlanId, ...stay(h, 10, 2));
      await actAs(c, { role: "keepr_staff", userId: h.frontDesk }, "req-desk-0001");
      await c.query("select app_public.cancel_reservation($1, $2)", [booking.reservation_id, newKey()]);
      await staff(c, h.manager);
      const history = await c.query("select table_name, operation, actor_role, actor_name, request_id, new_values->>'status' as status from app_public.reservation_history($1)", [booking.reservation_id]);
      expect(history.rows).toEqual([
        { table_name: "inventory_claims", operation: "INSERT", actor_role: "keepr_anonymous", actor_name: null, request_id: "req-guest-0001", status: null },
        { table_name: "reservations", operation: "INSERT", actor_role: "keepr_anonymous", actor_name: null, request_id: "req-guest-0001", status: "held" },
        { table_name: "inventory_claims", operation: "UPDATE", actor_role: "keepr_anonymous", actor_name: null, request_id: "req-guest-0001", status: null },
        { table_name: "reservations", operation: "UPDATE", actor_role: "keepr_anonymous", actor_name: null, request_id: "req-guest-0001", status: "confirmed" },
        { table_name: "folios", operation: "INSERT", actor_role: "keepr_anonymous", actor_name: null, request_id: "req-guest-0001", status: "open" },
        { table_name: "payment_intents", operation: "INSERT", actor_role: "keepr_anonymous", actor_name: null, request_id: "req-guest-0001", status: "requires_payment" },
        { table_name: "inventory_claims", operation: "UPDATE", actor_role: "keepr_staff", actor_name: "desk", request_id: "req-desk-0001", status: null },
        { table_name: "reservations", operation: "UPDATE", actor_role: "keepr_staff", actor_name: "desk", request_id: "req-desk-0001", status: "cancelled" },
        { table_name: "payment_intents", operation: "UPDATE", actor_role: "keepr_staff", actor_name: "desk", request_id: "req-desk-0001", status: "cancelled" },
      ]);
      await c.query("reset role");
      expect(await sqlstateOf(c, "update audit.events set actor_role = 'x' where reservation_id = $1", [booking.reservation_id])).toBe("APPND");
      expect(await sqlstateOf(c, "delete from audit.events where reservation_id = $1", [booking.reservation_id])).toBe("APPND");
      await anonymous(c);
      expect(await sqlstateOf(c, "select * from app_public.reservation_history($1)", [booking.reservation_id])).toBe("42501");
    }));
});

describe("guessing booking codes", () => {
  it("ten misses for an email (or a code) in 15 minutes stop further lookups for it, right ones included", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      await anonymous(c);
      const mine = await book(c, h.ratePlanId, ...stay(h, 10, 2), 2, 0);
      for (let i = 0; i < 10; i++) {
        const miss = await c.query("select app_public.lookup_booking($1, 'ada@example.com') as t", [`ZZZZZZ${String(i).padStart(2, "2")}`]);
        expect(miss.rows[0].t).toBeNull();
      }
      expect(await sqlstateOf(c, "select app_public.lookup_booking($1, 'ada@example.com')", [mine.confirmation_code])).toBe("LIMIT");
      // Another guest's email is not affected.
      expect(await sqlstateOf(c, "select app_public.lookup_booking($1, 'other@example.com')", [mine.confirmation_code])).toBeNull();
    }));
});

describe("booking on a guest's behalf", () => {
  it("a booking staff make for a guest is not linked to the staff member's account; a signed-in guest's is linked to theirs", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await createHotel(c);
      const guest = (await c.query("insert into app_public.users (email, display_name) values ('signed-in-' || gen_random_uuid() || '@example.com', 'Guest') returning id")).rows[0].id;
      await staff(c, h.frontDesk);
      const byStaff = await book(c, h.ratePlanId, ...stay(h, 10, 2));
      await actAs(c, { role: "keepr_guest", userId: guest });
      const byGuest = await book(c, h.ratePlanId, ...stay(h, 10, 2));
      await c.query("reset role");
      const rows = await c.query("select r.id, r.user_id, g.user_id as guest_user_id from app_public.reservations r join app_public.guests g on g.id = r.guest_id where r.id = any($1)", [[byStaff.reservation_id, byGuest.reservation_id]]);
      const byId = Object.fromEntries(rows.rows.map((r) => [r.id, r]));
      expect(byId[byStaff.reservation_id]).toMatchObject({ user_id: null });
      expect(byId[byGuest.reservation_id]).toMatchObject({ user_id: guest });
    }));
});

describe("a hold's helpers are not planned per call (issue 23)", () => {
  it("the request's claims, the free units and the units left by count are inlined; sign and local_today keep their plans", () =>
    inRollback(db.ownerPool, async (c) => {
      // SQL-standard bodies with no settings are what Postgres inlines into
      // the caller's plan (a set clause would make each call a query of its own).
      const { rows } = await c.query<{ name: string; lang: string; body: boolean; config: string[] | null }>(
        `select p.oid::regprocedure::text as name, l.lanname as lang, p.prosqlbody is not null as body, p.proconfig as config
           from pg_proc p join pg_language l on l.oid = p.prolang
          where p.oid in ('app_hidden.current_session_id()'::regprocedure, 'app_hidden.current_booking_id()'::regprocedure,
                          'app_hidden.current_booking_group_id()'::regprocedure,
                          'app_private.free_units(uuid[], daterange, uuid)'::regprocedure,
                          'app_private.room_type_units_left(uuid[], daterange, uuid)'::regprocedure,
                          'app_private.sign(text)'::regprocedure, 'app_private.local_today(uuid)'::regprocedure)
          order by 1`);
      expect(rows.map((r) => [r.name, r.lang, r.body, r.config === null])).toEqual([
        ["app_hidden.current_booking_group_id()", "sql", true, true],
        ["app_hidden.current_booking_id()", "sql", true, true],
        ["app_hidden.current_session_id()", "sql", true, true],
        ["app_private.free_units(uuid[],daterange,uuid)", "sql", true, true],
        ["app_private.local_today(uuid)", "plpgsql", false, false],
        ["app_private.room_type_units_left(uuid[],daterange,uuid)", "sql", true, true],
        ["app_private.sign(text)", "plpgsql", false, false],
      ]);
      const h = await createHotel(c, { units: 2 });
      const [arrival, departure] = stay(h, 5, 2);
      await c.query("prepare free_for(uuid, daterange, uuid) as select f.unit_id from app_private.free_units(array[$1], $2, $3) f");
      await c.query("prepare left_for(uuid, daterange, uuid) as select l.units_left from app_private.room_type_units_left(array[$1], $2, $3) l");
      // (EXECUTE takes no bind parameters: the test's own ids and dates, as literals.)
      const args = `('${h.propertyId}', '[${arrival},${departure})', '${h.roomTypeId}')`;
      for (const name of ["free_for", "left_for"]) {
        const plan = JSON.stringify((await c.query(`explain (format json) execute ${name}${args}`)).rows[0]);
        expect(plan).not.toMatch(/"Function Name":"(free_units|room_type_units_left)"/); // inlined: the caller's query reads the tables itself
        expect(plan).toContain("inventory_claims");
      }
      // What they answer is unchanged: both units free, two left by count; the claims read from the request.
      expect((await c.query(`execute free_for${args}`)).rowCount).toBe(2);
      expect((await c.query(`execute left_for${args}`)).rows).toEqual([{ units_left: 2 }]);
      await c.query("select set_config('jwt.claims.session_id', '', true), set_config('jwt.claims.reservation_id', $1, true)", [h.propertyId]);
      expect((await c.query("select app_hidden.current_session_id() as s, app_hidden.current_booking_id() as b, app_hidden.current_booking_group_id() as g")).rows)
        .toEqual([{ s: null, b: h.propertyId, g: null }]);
    }));
});
