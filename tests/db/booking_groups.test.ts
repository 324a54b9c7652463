// Group and multi-room bookings in Postgres (issues 21 and 22): quote
// several rooms, hold all or none, confirm once, cancel the group or a
// room, change a room, the rooming list, room combinations for a large
// party, and who may see a group. Each test runs in a transaction that is
// rolled back.
import type pg from "pg";
import { anonymous, asOwner, fileDatabase, inRollback, sqlstateOf, staff } from "../helpers/db.ts";
import {
  addDays, book, confirmGroup, createHotel, holdGroup, localDate, newKey, quoteGroup, quoteGroupSql, type GroupRoom, type Hotel,
} from "../helpers/booking.ts";

const db = fileDatabase();

interface Hotel2 extends Hotel {
  suiteTypeId: string;
  suitePlanId: string;
}

/** The test hotel (3 doubles for 3 guests at 100.00) plus `suites` suites for 4 at 180.00. */
async function hotelWithSuites(c: pg.PoolClient, suites = 2, units = 3): Promise<Hotel2> {
  const h = await createHotel(c, { units });
  const suiteTypeId = (await c.query("insert into app_public.room_types (property_id, name, max_occupancy) values ($1, 'Suite', 4) returning id", [h.propertyId])).rows[0].id;
  for (let i = 1; i <= suites; i++) {
    await c.query("insert into app_public.units (property_id, room_type_id, name) values ($1, $2, $3)", [h.propertyId, suiteTypeId, `S${i}`]);
  }
  const suitePlanId = (await c.query(
    "insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests) values ($1, $2, 'Suite flexible', 'EUR', 18000, 4) returning id",
    [h.propertyId, suiteTypeId],
  )).rows[0].id;
  return { ...h, suiteTypeId, suitePlanId };
}

const nights = (h: Hotel, from: number, n: number): [string, string] => {
  const arrival = localDate(h.timeZone, from);
  return [arrival, addDays(arrival, n)];
};

async function rooms(c: pg.PoolClient, groupId: string) {
  await asOwner(c);
  const { rows } = await c.query(
    `select r.id, r.room_no, r.status, r.guest_name, r.total_amount, r.penalty_amount, r.confirmation_code, r.room_type_id,
            (select count(*)::int from app_public.inventory_claims ic where ic.reservation_id = r.id and ic.released_at is null) as live_claims
       from app_public.reservations r where r.group_id = $1 order by r.room_no`,
    [groupId],
  );
  return rows;
}

async function errorOf(c: pg.PoolClient, sql: string, params: unknown[]): Promise<{ code: string; message: string }> {
  await c.query("savepoint probe");
  try {
    await c.query(sql, params);
  } catch (error) {
    await c.query("rollback to savepoint probe");
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error("expected the statement to fail");
}

/** The hint (the API's extensions.reason) of a statement's error. */
async function hintOf(c: pg.PoolClient, sql: string, params: unknown[]): Promise<string | undefined> {
  await c.query("savepoint probe");
  try {
    await c.query(sql, params);
  } catch (error) {
    await c.query("rollback to savepoint probe");
    return (error as { hint?: string }).hint;
  }
  throw new Error("expected the statement to fail");
}

/** Anonymous with a token's claims (the claims are transaction-local settings, so both are set every time). */
async function asToken(c: pg.PoolClient, claims: { groupId?: string; reservationId?: string }) {
  await anonymous(c);
  await c.query("select set_config('jwt.claims.booking_group_id', $1, true), set_config('jwt.claims.reservation_id', $2, true)", [
    claims.groupId ?? "",
    claims.reservationId ?? "",
  ]);
}
const asGroupToken = (c: pg.PoolClient, groupId: string) => asToken(c, { groupId });

async function threeRoomGroup(c: pg.PoolClient, h: Hotel2, from = 10) {
  const party: GroupRoom[] = [
    { ratePlanId: h.ratePlanId, adults: 2, guestName: "Ann Smith" },
    { ratePlanId: h.ratePlanId, adults: 1, children: 1, guestName: "Bob Smith" },
    { ratePlanId: h.suitePlanId, adults: 2, children: 2 },
  ];
  await asToken(c, {});
  const q = await quoteGroup(c, party, ...nights(h, from, 2));
  const held = await holdGroup(c, q.quote_token, "Smith wedding");
  return { q, held };
}

describe("quote and hold several rooms", () => {
  it("a group quote prices each room and sums them; the hold makes one group with a held reservation per room", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const { q, held } = await threeRoomGroup(c, h);
      // 2 nights: 2 × 100.00 + 2 × 100.00 + 2 × 180.00
      expect(q.total_amount).toBe("76000");
      expect(q.rooms.map((r) => [r.room_no, r.guest_name, r.quote.total_amount, r.quote.lines.filter((l) => l.kind === "night").length])).toEqual([
        [1, "Ann Smith", 20000, 2],
        [2, "Bob Smith", 20000, 2],
        [3, null, 36000, 2],
      ]);
      expect(held.group_code).toMatch(/^G-[A-Z2-9]{8}$/);
      expect(held.total_amount).toBe("76000");
      const rs = await rooms(c, held.booking_group_id);
      expect(rs.map((r) => [r.room_no, r.status, r.guest_name, r.total_amount, r.live_claims])).toEqual([
        [1, "held", "Ann Smith", "20000", 1],
        [2, "held", "Bob Smith", "20000", 1],
        [3, "held", null, "36000", 1],
      ]);
      expect(held.reservation_ids).toEqual(rs.map((r) => r.id));
      const g = (await c.query("select name, channel, app_public.booking_groups_total_amount(g) as total from app_public.booking_groups g where id = $1", [held.booking_group_id])).rows[0];
      expect(g).toEqual({ name: "Smith wedding", channel: "web", total: "76000" });
    }));

  it("rooms of one type are counted together: a third double when two are left is SOLD_OUT at the quote, naming the room", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c, 1, 2);
      await asToken(c, {});
      const [sql, params] = quoteGroupSql([{ ratePlanId: h.suitePlanId }, { ratePlanId: h.ratePlanId }, { ratePlanId: h.ratePlanId }, { ratePlanId: h.ratePlanId }], ...nights(h, 10, 2));
      const e = await errorOf(c, sql, params);
      expect(e.code).toBe("SOLDO");
      expect(e.message).toBe("Room 4 (Double): only 2 units of this room type are left for these dates.");
    }));

  it("each room's own rules apply, and the error names the room", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      await asToken(c, {});
      const e = await errorOf(c, ...quoteGroupSql([{ ratePlanId: h.ratePlanId }, { ratePlanId: h.ratePlanId, adults: 3, children: 1 }], ...nights(h, 10, 2)));
      expect(e).toEqual({ code: "RSTRC", message: "Room 2: This room sleeps at most 3 guests." });
      // The room's typed reason (the hint) goes with it; an error without one gets none (not an empty one).
      expect(await hintOf(c, ...quoteGroupSql([{ ratePlanId: h.ratePlanId, adults: 4 }], ...nights(h, 10, 2)))).toBe("MAX_OCCUPANCY");
      expect(await hintOf(c, ...quoteGroupSql([{ ratePlanId: h.ratePlanId, adults: 0 }], ...nights(h, 10, 2)))).toBeUndefined();
      expect(await sqlstateOf(c, ...quoteGroupSql([], ...nights(h, 10, 2)))).toBe("INVLD");
      expect(await sqlstateOf(c, ...quoteGroupSql(Array(21).fill({ ratePlanId: h.ratePlanId, adults: 1 }), ...nights(h, 10, 2)))).toBe("INVLD");
      expect(await sqlstateOf(c, ...quoteGroupSql([{ ratePlanId: h.ratePlanId, adults: 0 }], ...nights(h, 10, 2)))).toBe("GUEST");
      expect(await sqlstateOf(c, ...quoteGroupSql([{ ratePlanId: h.ratePlanId, adults: null as unknown as number }], ...nights(h, 10, 2)))).toBe("GUEST");
      expect(await sqlstateOf(c, ...quoteGroupSql([{ ratePlanId: "00000000-0000-0000-0000-000000000000" }], ...nights(h, 10, 2)))).toBe("NTFND");
      expect(await sqlstateOf(c, ...quoteGroupSql([{ ratePlanId: h.ratePlanId, guestName: "x".repeat(201) }], ...nights(h, 10, 2)))).toBe("INVLD");
      // Rooms of two properties in one group.
      await asOwner(c);
      const other = await createHotel(c);
      await asToken(c, {});
      const mixed = await errorOf(c, ...quoteGroupSql([{ ratePlanId: h.ratePlanId }, { ratePlanId: other.ratePlanId }], ...nights(h, 10, 2)));
      expect(mixed).toEqual({ code: "INVLD", message: "Room 2: all the rooms of a group are at one property." });
    }));

  it("the hold is all or nothing: when a room's last unit is taken after the quote, SOLD_OUT names it and nothing is held", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c, 1, 3);
      const stay = nights(h, 10, 2);
      await asToken(c, {});
      const q = await quoteGroup(c, [{ ratePlanId: h.ratePlanId }, { ratePlanId: h.suitePlanId }], ...stay);
      await book(c, h.suitePlanId, ...stay); // someone else takes the only suite
      await asOwner(c);
      const before = (await c.query("select (select count(*) from app_public.reservations) as r, (select count(*) from app_public.booking_groups) as g, (select count(*) from app_public.inventory_claims where released_at is null) as claims")).rows[0];
      await asToken(c, {});
      const e = await errorOf(c, "select * from app_public.create_group_hold($1, $2)", [q.quote_token, newKey()]);
      expect(e).toEqual({ code: "SOLDO", message: "Room 2 (Suite): no unit of this room type is free for these dates any more, so none of the rooms is held." });
      await asOwner(c);
      const after = (await c.query("select (select count(*) from app_public.reservations) as r, (select count(*) from app_public.booking_groups) as g, (select count(*) from app_public.inventory_claims where released_at is null) as claims")).rows[0];
      expect(after).toEqual(before);
    }));

  it("a group token is refused by createHold, a single quote's by createGroupHold, a forged one by both", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      await asToken(c, {});
      const q = await quoteGroup(c, [{ ratePlanId: h.ratePlanId }], ...nights(h, 10, 2));
      expect(await sqlstateOf(c, "select * from app_public.create_hold($1, $2)", [q.quote_token, newKey()])).toBe("QUOTE");
      const single = (await c.query("select quote_token from app_public.quote($1, $2, $3)", [h.ratePlanId, ...nights(h, 10, 2)])).rows[0].quote_token;
      expect(await sqlstateOf(c, "select * from app_public.create_group_hold($1, $2)", [single, newKey()])).toBe("QUOTE");
      expect(await sqlstateOf(c, "select * from app_public.create_group_hold($1, $2)", [q.quote_token.slice(0, -2) + "xx", newKey()])).toBe("QUOTE");
      // One decoder (app_private.quote_payload) answers both, the same for a token without its signature, an empty one or none.
      for (const token of ["no-dot", "", null, `${q.quote_token}.extra`]) {
        for (const fn of ["create_hold", "create_group_hold"]) {
          expect(await errorOf(c, `select * from app_public.${fn}($1, $2)`, [token, newKey()]))
            .toEqual({ code: "QUOTE", message: "This quote token is not valid; get a new quote." });
        }
      }
    }));

  it("a group code already taken at the property is drawn again; any other unique violation goes out, not retried", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c, 2, 6);
      // This transaction's draws are scripted (rolled back with it): AAAAAAAA twice, then BBBBBBBB, then CCCCCCCC.
      await c.query("create sequence app_private.test_draws");
      await c.query(`create or replace function app_private.new_confirmation_code() returns text language sql volatile
                       set search_path to pg_catalog, public, pg_temp
                       as $$ select (array['AAAAAAAA', 'AAAAAAAA', 'BBBBBBBB'])[pg_catalog.nextval('app_private.test_draws')] $$`);
      await asToken(c, {});
      const quote = async () => (await quoteGroup(c, [{ ratePlanId: h.ratePlanId, adults: 1 }], ...nights(h, 10, 2))).quote_token;
      const first = await holdGroup(c, await quote());
      const second = await holdGroup(c, await quote());
      await asOwner(c);
      const codes = (await c.query("select id, group_code from app_public.booking_groups where id = any($1)", [[first.booking_group_id, second.booking_group_id]])).rows;
      expect(Object.fromEntries(codes.map((r) => [r.id, r.group_code]))).toEqual({
        [first.booking_group_id]: "G-AAAAAAAA",
        [second.booking_group_id]: "G-BBBBBBBB",
      });
      expect((await c.query("select last_value from app_private.test_draws")).rows[0].last_value).toBe("3");
      // Another unique constraint (one group a property besides G-AAAAAAAA, made up for the test) is not the
      // draw's: the next draw, CCCCCCCC, is a free code, and the hold fails at once instead of drawing again.
      await c.query("create unique index test_one_group on app_public.booking_groups (property_id) where group_code <> 'G-AAAAAAAA'");
      await c.query("select pg_catalog.setval('app_private.test_draws', 3)");
      await c.query(`create or replace function app_private.new_confirmation_code() returns text language sql volatile
                       set search_path to pg_catalog, public, pg_temp
                       as $$ select case when pg_catalog.nextval('app_private.test_draws') = 4 then 'CCCCCCCC' else 'DDDDDDDD' end $$`);
      await c.query("set local statement_timeout = '10s'");
      await asToken(c, {});
      const token = await quote();
      expect(await errorOf(c, "select * from app_public.create_group_hold($1, $2)", [token, newKey()])).toMatchObject({ code: "23505" });
      await asOwner(c);
      expect((await c.query("select last_value from app_private.test_draws")).rows[0].last_value).toBe("4");
    }));

  it("a replayed group hold returns the same group; the same key with another quote is refused", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      await asToken(c, {});
      const q = await quoteGroup(c, [{ ratePlanId: h.ratePlanId }, { ratePlanId: h.ratePlanId }], ...nights(h, 10, 2));
      const key = newKey();
      const first = await holdGroup(c, q.quote_token, null, key);
      const again = await holdGroup(c, q.quote_token, null, key);
      expect(again).toEqual(first);
      expect((await rooms(c, first.booking_group_id)).length).toBe(2);
      await asToken(c, {});
      const q2 = await quoteGroup(c, [{ ratePlanId: h.ratePlanId }], ...nights(h, 20, 2));
      expect(await sqlstateOf(c, "select * from app_public.create_group_hold($1, $2)", [q2.quote_token, key])).toBe("IDKEY");
    }));
});

describe("confirm a group", () => {
  it("one call confirms every room (codes, folios, payments by each rate plan) and queues one confirmation", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const { held } = await threeRoomGroup(c, h);
      await asToken(c, {});
      const booked = await confirmGroup(c, held);
      expect(booked.map((b) => [b.reservation_id, b.status])).toEqual(held.reservation_ids.map((id) => [id, "confirmed"]));
      expect(booked.reduce((n, b) => n + Number(b.total_amount), 0)).toBe(76000);
      const rs = await rooms(c, held.booking_group_id);
      expect(rs.map((r) => r.status)).toEqual(["confirmed", "confirmed", "confirmed"]);
      expect(new Set(rs.map((r) => r.confirmation_code)).size).toBe(3);
      const folios = (await c.query(
        `select f.reservation_id, coalesce(sum(b.balance), 0)::bigint as balance from app_public.folios f
           left join app_public.folio_balances b on b.property_id = f.property_id and b.folio_id = f.id
          where f.reservation_id = any($1) group by f.reservation_id`,
        [held.reservation_ids],
      )).rows;
      expect(Object.fromEntries(folios.map((f) => [f.reservation_id, f.balance]))).toEqual(Object.fromEntries(rs.map((r) => [r.id, r.total_amount])));
      const messages = (await c.query(
        "select n.reservation_id, n.channel from app_public.notifications n where n.reservation_id = any($1) and n.template = 'confirmation'",
        [held.reservation_ids],
      )).rows;
      expect(messages.map((m) => m.reservation_id)).toEqual(messages.map(() => rs[0].id));
      expect(messages.filter((m) => m.channel === "email")).toHaveLength(1);
      const g = (await c.query("select contact_name, contact_email, confirmed_at is not null as confirmed from app_public.booking_groups where id = $1", [held.booking_group_id])).rows[0];
      expect(g).toEqual({ contact_name: "Ada Lovelace", contact_email: "ada@example.com", confirmed: true });
    }));

  it("only whoever made the hold confirms it: no token or another group's token is NOT_FOUND", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const { held } = await threeRoomGroup(c, h);
      const { held: other } = await threeRoomGroup(c, h, 20);
      await asToken(c, {});
      const sql = "select * from app_public.confirm_group($1, $2, 'Eve', 'eve@example.com', hold_token => $3)";
      expect(await sqlstateOf(c, sql, [held.booking_group_id, newKey(), null])).toBe("NTFND");
      expect(await sqlstateOf(c, sql, [held.booking_group_id, newKey(), other.hold_token])).toBe("NTFND");
      expect(await sqlstateOf(c, sql, [held.booking_group_id, newKey(), held.reservation_ids[0]])).toBe("NTFND");
      // The property's front desk may, without a token.
      await staff(c, h.frontDesk);
      expect(await sqlstateOf(c, sql, [held.booking_group_id, newKey(), null])).toBeNull();
      // A second confirmation of a confirmed group names the room.
      const e = await errorOf(c, sql, [held.booking_group_id, newKey(), null]);
      expect(e).toEqual({ code: "TRANS", message: "Room 1: A reservation that is confirmed cannot be confirmed." });
    }));

  it("a room that cannot be confirmed fails the whole confirmation", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const { held } = await threeRoomGroup(c, h);
      await asToken(c, {});
      const e = await errorOf(c, "select * from app_public.confirm_group($1, $2, 'Ada', 'not-an-email', hold_token => $3)", [held.booking_group_id, newKey(), held.hold_token]);
      expect(e.code).toBe("INVEM");
      expect(e.message).toMatch(/^Room 1: /);
      expect((await rooms(c, held.booking_group_id)).map((r) => r.status)).toEqual(["held", "held", "held"]);
    }));
});

describe("at the desk", () => {
  it("the front desk books a group with its rooming list by phone: channel front_desk, no hold token, no email needed", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      await staff(c, h.frontDesk);
      const q = await quoteGroup(c, [
        { ratePlanId: h.ratePlanId, adults: 2, guestName: "Dr. Ng" },
        { ratePlanId: h.ratePlanId, adults: 1, guestName: "Ms. Ito" },
        { ratePlanId: h.suitePlanId, adults: 3, guestName: "The Okafors" },
      ], ...nights(h, 30, 3));
      const held = await holdGroup(c, q.quote_token, "Conference speakers");
      const booked = (await c.query("select status from app_public.confirm_group($1, $2, 'Events Office', null)", [held.booking_group_id, newKey()])).rows;
      expect(booked.map((b) => b.status)).toEqual(["confirmed", "confirmed", "confirmed"]);
      const g = (await c.query("select name, channel, user_id, contact_name, contact_email from app_public.booking_groups where id = $1", [held.booking_group_id])).rows[0];
      expect(g).toEqual({ name: "Conference speakers", channel: "front_desk", user_id: null, contact_name: "Events Office", contact_email: null });
      expect((await rooms(c, held.booking_group_id)).map((r) => r.guest_name)).toEqual(["Dr. Ng", "Ms. Ito", "The Okafors"]);
      // No email, so no message for anyone.
      expect((await c.query("select count(*)::int as n from app_public.notifications where reservation_id = any($1)", [held.reservation_ids])).rows[0].n).toBe(0);
      // The housekeeper may not book groups' rooms for guests: the hold is the desk's.
      await staff(c, h.housekeeper);
      const q2 = await quoteGroup(c, [{ ratePlanId: h.ratePlanId }], ...nights(h, 40, 1));
      const other = await holdGroup(c, q2.quote_token);
      expect(await sqlstateOf(c, "select * from app_public.confirm_group($1, $2, 'X', null)", [other.booking_group_id, newKey()])).toBe("NTFND");
    }));
});

describe("who sees a group", () => {
  it("the group's token reads the group and its rooms, not another group's; a room's own token does not read the group", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const { held } = await threeRoomGroup(c, h);
      await asToken(c, {});
      await confirmGroup(c, held);
      const { held: other } = await threeRoomGroup(c, h, 20);
      await asToken(c, {});
      await confirmGroup(c, other, newKey(), "bob@example.com");

      await asToken(c, {});
      expect((await c.query("select app_public.lookup_booking($1, 'someone@else.example') as t", [held.group_code])).rows[0].t).toBeNull();
      const token = (await c.query("select * from app_public.lookup_booking($1, ' ADA@example.com ')", [held.group_code.toLowerCase()])).rows[0];
      expect(token).toMatchObject({ role: "keepr_anonymous", reservation_id: null, booking_group_id: held.booking_group_id });

      await asGroupToken(c, held.booking_group_id);
      expect((await c.query("select id from app_public.booking_groups")).rows.map((r) => r.id)).toEqual([held.booking_group_id]);
      expect((await c.query("select id from app_public.reservations order by room_no")).rows.map((r) => r.id)).toEqual(held.reservation_ids);

      await asToken(c, { reservationId: held.reservation_ids[1] });
      expect((await c.query("select id from app_public.booking_groups")).rows).toEqual([]);
      expect((await c.query("select id from app_public.reservations")).rows.map((r) => r.id)).toEqual([held.reservation_ids[1]]);

      await asToken(c, {});
      expect((await c.query("select id from app_public.booking_groups")).rows).toEqual([]);
      expect((await c.query("select id from app_public.reservations")).rows).toEqual([]);
    }));

  it("staff of another property and the housekeeper see no group; the accountant sees it", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const { held } = await threeRoomGroup(c, h);
      await asOwner(c);
      const other = await createHotel(c);
      const accountant = (await c.query("insert into app_public.users (email, display_name) values ('acc-' || gen_random_uuid() || '@test.example', 'Acc') returning id")).rows[0].id;
      await c.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'accountant')", [h.propertyId, accountant]);
      await staff(c, other.manager);
      expect((await c.query("select id from app_public.booking_groups")).rows).toEqual([]);
      expect(await sqlstateOf(c, "select * from app_public.cancel_group($1, $2)", [held.booking_group_id, newKey()])).toBe("NTFND");
      await staff(c, h.housekeeper);
      expect((await c.query("select id from app_public.booking_groups")).rows).toEqual([]);
      await staff(c, accountant);
      expect((await c.query("select id from app_public.booking_groups")).rows.map((r) => r.id)).toEqual([held.booking_group_id]);
      expect(await sqlstateOf(c, "select * from app_public.cancel_group($1, $2)", [held.booking_group_id, newKey()])).toBe("DNIED");
      await asGroupToken(c, held.booking_group_id);
      // Another group's token cannot cancel this one.
      await asOwner(c);
      const { held: second } = await threeRoomGroup(c, h, 20);
      await asGroupToken(c, second.booking_group_id);
      expect(await sqlstateOf(c, "select * from app_public.cancel_group($1, $2)", [held.booking_group_id, newKey()])).toBe("NTFND");
      expect(await sqlstateOf(c, "select * from app_public.cancel_reservation($1, $2)", [held.reservation_ids[0], newKey()])).toBe("NTFND");
    }));
});

describe("cancel and change", () => {
  it("cancelling the group cancels each room under its own terms, releases every unit and leaves the penalties as the total", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      await asOwner(c);
      await c.query("update app_public.rate_plans set is_refundable = false where id = $1", [h.suitePlanId]);
      const { held } = await threeRoomGroup(c, h);
      await asToken(c, {});
      await confirmGroup(c, held);
      await asGroupToken(c, held.booking_group_id);
      const result = (await c.query("select status, penalty_amount from app_public.cancel_group($1, $2, 'Wedding moved')", [held.booking_group_id, newKey()])).rows;
      expect(result.map((b) => [b.status, b.penalty_amount])).toEqual([
        ["cancelled", "0"],
        ["cancelled", "0"],
        ["cancelled", "36000"],
      ]);
      const total = (await c.query("select app_public.booking_groups_total_amount(g) as t from app_public.booking_groups g where id = $1", [held.booking_group_id])).rows[0].t;
      expect(total).toBe("36000");
      expect((await rooms(c, held.booking_group_id)).map((r) => r.live_claims)).toEqual([0, 0, 0]);
      // Nothing left to cancel.
      await asGroupToken(c, held.booking_group_id);
      expect(await sqlstateOf(c, "select * from app_public.cancel_group($1, $2)", [held.booking_group_id, newKey()])).toBe("TRANS");
    }));

  it("one room cancelled alone (by the group's token) leaves the others, and the group total follows", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const { held } = await threeRoomGroup(c, h);
      await asToken(c, {});
      await confirmGroup(c, held);
      await asGroupToken(c, held.booking_group_id);
      await c.query("select * from app_public.cancel_reservation($1, $2)", [held.reservation_ids[1], newKey()]);
      expect((await rooms(c, held.booking_group_id)).map((r) => r.status)).toEqual(["confirmed", "cancelled", "confirmed"]);
      const total = (await c.query("select app_public.booking_groups_total_amount(g) as t from app_public.booking_groups g where id = $1", [held.booking_group_id])).rows[0].t;
      expect(total).toBe("56000");
      // The group cancel then cancels the two left.
      await asGroupToken(c, held.booking_group_id);
      await c.query("select * from app_public.cancel_group($1, $2)", [held.booking_group_id, newKey()]);
      expect((await rooms(c, held.booking_group_id)).map((r) => r.status)).toEqual(["cancelled", "cancelled", "cancelled"]);
    }));

  it("a room in house makes the group cancel fail, naming it, and cancels nothing", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const { held } = await threeRoomGroup(c, h, 0);
      await asToken(c, {});
      await confirmGroup(c, held);
      await asOwner(c);
      await c.query("update app_public.units set housekeeping_status = 'clean' where property_id = $1", [h.propertyId]);
      await staff(c, h.frontDesk);
      await c.query("select * from app_public.check_in($1, $2)", [held.reservation_ids[1], newKey()]);
      const e = await errorOf(c, "select * from app_public.cancel_group($1, $2)", [held.booking_group_id, newKey()]);
      expect(e).toEqual({ code: "TRANS", message: "Room 2: A reservation that is checked in cannot be cancelled." });
      expect((await rooms(c, held.booking_group_id)).map((r) => r.status)).toEqual(["confirmed", "checked_in", "confirmed"]);
    }));

  it("a room's dates and guests change with modifyReservation; the group total follows; the rooming list is the front office's", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const { held } = await threeRoomGroup(c, h);
      await asToken(c, {});
      await confirmGroup(c, held);
      await staff(c, h.frontDesk);
      const [arrival] = nights(h, 10, 2);
      await c.query("select * from app_public.modify_reservation($1, $2, departure => $3)", [held.reservation_ids[0], newKey(), addDays(arrival, 3)]);
      const total = (await c.query("select app_public.booking_groups_total_amount(g) as t from app_public.booking_groups g where id = $1", [held.booking_group_id])).rows[0].t;
      expect(total).toBe("86000");
      const renamed = (await c.query("select guest_name from app_public.set_room_guest_name($1, '  Cleo Smith ')", [held.reservation_ids[2]])).rows[0];
      expect(renamed.guest_name).toBe("Cleo Smith");
      await staff(c, h.housekeeper);
      expect(await sqlstateOf(c, "select * from app_public.set_room_guest_name($1, 'X')", [held.reservation_ids[2]])).toBe("DNIED");
      await asGroupToken(c, held.booking_group_id);
      expect(await sqlstateOf(c, "select * from app_public.set_room_guest_name($1, null)", [held.reservation_ids[2]])).toBeNull();
    }));
});

describe("finding a group where staff look for bookings", () => {
  it("the reservations search takes a group's code (any case, spaces around) and gives its rooms; not to the housekeeper nor another property's staff", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const { held } = await threeRoomGroup(c, h);
      const { held: other } = await threeRoomGroup(c, h, 20);
      await confirmGroup(c, held);
      await confirmGroup(c, other);
      const search = async (text: string, propertyId = h.propertyId) =>
        (await c.query("select id, room_no from app_public.search_reservations($1, $2) order by room_no", [propertyId, text])).rows;
      await staff(c, h.frontDesk);
      const rooms = await search(`  ${held.group_code.toLowerCase()} `);
      expect(rooms.map((r) => r.id)).toEqual(held.reservation_ids);
      expect(rooms.map((r) => r.room_no)).toEqual([1, 2, 3]);
      // Exactly the code: a part of it finds no group.
      expect(await search(held.group_code.slice(0, 6))).toEqual([]);
      // A room's own confirmation code still finds that room alone.
      await asOwner(c);
      const code = (await c.query("select confirmation_code from app_public.reservations where id = $1", [held.reservation_ids[1]])).rows[0].confirmation_code;
      await staff(c, h.frontDesk);
      expect((await search(code)).map((r) => r.id)).toEqual([held.reservation_ids[1]]);
      // The housekeeper reads no bookings; another property's front desk searching with the code and its own property finds nothing.
      await staff(c, h.housekeeper);
      expect(await search(held.group_code)).toEqual([]);
      await asOwner(c);
      const elsewhere = await createHotel(c);
      await staff(c, elsewhere.frontDesk);
      expect(await search(held.group_code)).toEqual([]);
      expect(await search(held.group_code, elsewhere.propertyId)).toEqual([]);
    }));

  it("analysts' reporting.reservations carries each room's group code and room number (null for a booking alone)", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const { held } = await threeRoomGroup(c, h);
      await asToken(c, {});
      const alone = await book(c, h.ratePlanId, ...nights(h, 30, 2));
      await asOwner(c);
      const rows = (await c.query(
        "select id, group_code, room_no from reporting.reservations where property_id = $1 order by room_no nulls last",
        [h.propertyId],
      )).rows;
      expect(rows).toEqual([
        ...held.reservation_ids.map((id, i) => ({ id, group_code: held.group_code, room_no: i + 1 })),
        { id: alone.reservation_id, group_code: null, room_no: null },
      ]);
    }));
});

describe("room combinations", () => {
  it("a party too big for one room gets the cheapest minimal combinations that fit, each bookable as a group", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c, 2, 3);
      await asToken(c, {});
      const stay = nights(h, 10, 2);
      const { rows } = await c.query(
        "select rank, to_jsonb(rooms) as rooms, room_type_names, capacity, total_amount from app_public.room_combinations($1, $2, $3, 6, 3)",
        [h.propertyId, ...stay],
      );
      expect(rows.length).toBeGreaterThan(1);
      for (const combo of rows) {
        const guests = combo.rooms.reduce((n: number, r: { adults: number; children: number }) => n + r.adults + r.children, 0);
        expect(guests).toBe(9);
        expect(combo.capacity).toBeGreaterThanOrEqual(9);
        expect(combo.rooms.every((r: { adults: number }) => r.adults >= 1)).toBe(true);
      }
      expect(rows.map((r) => Number(r.total_amount))).toEqual(rows.map((r) => Number(r.total_amount)).sort((a, b) => a - b));
      // Doubles at 100.00 for 3 guests are cheaper per bed than suites at 180.00 for 4: 3 doubles.
      expect(rows[0]).toMatchObject({ rank: 1, room_type_names: ["Double", "Double", "Double"], capacity: 9, total_amount: "60000" });
      // Never more rooms of a type than are left (2 suites).
      expect(rows.every((r) => r.room_type_names.filter((n: string) => n === "Suite").length <= 2)).toBe(true);
      const best: GroupRoom[] = rows[0].rooms.map((r: { rate_plan_id: string; adults: number; children: number }) => ({ ratePlanId: r.rate_plan_id, adults: r.adults, children: r.children }));
      const q = await quoteGroup(c, best, ...stay);
      expect(q.total_amount).toBe("60000");
      expect(await sqlstateOf(c, "select * from app_public.room_combinations($1, $2, $3, 6, 3, 0)", [h.propertyId, ...stay])).toBe("INVLD");
      expect(await sqlstateOf(c, "select * from app_public.room_combinations($1, $2, $3, 60, 3)", [h.propertyId, ...stay])).toBe("GUEST");
    }));

  it("a party that fits nowhere gets no combination", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c, 1, 1);
      await asToken(c, {});
      const { rows } = await c.query("select * from app_public.room_combinations($1, $2, $3, 9, 0, 4)", [h.propertyId, ...nights(h, 10, 2)]);
      expect(rows).toEqual([]);
    }));
});

describe("the rooming list at confirmation", () => {
  it("confirmGroup writes the guests' names in its own transaction, before the rooms are confirmed; an empty name keeps the hold's", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const { held } = await threeRoomGroup(c, h);
      await asToken(c, {});
      const booked = (await c.query(
        "select status from app_public.confirm_group($1, $2, 'Ada Lovelace', 'ada@example.com', hold_token => $3, guest_names => $4)",
        [held.booking_group_id, newKey(), held.hold_token, ["  Ann Jones ", "", "Cleo Smith"]],
      )).rows;
      expect(booked.map((b) => b.status)).toEqual(["confirmed", "confirmed", "confirmed"]);
      expect((await rooms(c, held.booking_group_id)).map((r) => r.guest_name)).toEqual(["Ann Jones", "Bob Smith", "Cleo Smith"]);
      // Each name was written before its room was confirmed: in the audit trail, the last name a room had up to
      // the row that confirmed it is the rooming list's.
      const events = (await c.query(
        `select e.reservation_id, e.new_values ->> 'guest_name' as guest_name, e.new_values ? 'guest_name' as named, e.new_values ->> 'status' as status
           from audit.events e
          where e.table_name = 'reservations' and e.reservation_id = any($1) and e.operation = 'UPDATE'
          order by e.id`,
        [held.reservation_ids],
      )).rows;
      const nameAtConfirm = held.reservation_ids.map((id) => {
        let name: string | null = null;
        for (const e of events.filter((x) => x.reservation_id === id)) {
          if (e.named) name = e.guest_name;
          if (e.status === "confirmed") return name;
        }
        return "never confirmed";
      });
      expect(nameAtConfirm).toEqual(["Ann Jones", "Bob Smith", "Cleo Smith"]);
    }));

  it("more names than rooms, or a name over 200 characters, is INVALID_INPUT and nothing is confirmed", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const { held } = await threeRoomGroup(c, h);
      await asToken(c, {});
      const sql = "select * from app_public.confirm_group($1, $2, 'Ada', 'ada@example.com', hold_token => $3, guest_names => $4)";
      expect(await sqlstateOf(c, sql, [held.booking_group_id, newKey(), held.hold_token, ["a", "b", "c", "d"]])).toBe("INVLD");
      const e = await errorOf(c, sql, [held.booking_group_id, newKey(), held.hold_token, [null, "x".repeat(201)]]);
      expect(e).toEqual({ code: "INVLD", message: "Room 2: a guest's name has at most 200 characters." });
      expect((await rooms(c, held.booking_group_id)).map((r) => [r.status, r.guest_name])).toEqual([
        ["held", "Ann Smith"], ["held", "Bob Smith"], ["held", null],
      ]);
    }));
});

describe("a group's token and its rooms' money", () => {
  it("reads every room's folio, balance, payment intents and invoices, as a room's token reads its own; another group's token none", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      await asOwner(c);
      // A deposit on the doubles, so the rooms have payment intents.
      await c.query("update app_public.rate_plans set deposit_percent = 30 where id = $1", [h.ratePlanId]);
      const { held } = await threeRoomGroup(c, h);
      await asToken(c, {});
      await confirmGroup(c, held);
      const { held: other } = await threeRoomGroup(c, h, 20);
      await asToken(c, {});
      await confirmGroup(c, other, newKey(), "bob@example.com");
      const seen = async () => ({
        folios: (await c.query("select reservation_id from app_public.folios order by reservation_id")).rows.map((r) => r.reservation_id),
        balances: (await c.query("select count(*)::int as n from app_public.folio_balances")).rows[0].n,
        intents: (await c.query("select distinct reservation_id from app_public.payment_intents order by reservation_id")).rows.map((r) => r.reservation_id),
      });
      await asOwner(c);
      const ids = [...held.reservation_ids].sort();
      const intentsOwned = (await c.query("select distinct reservation_id from app_public.payment_intents where reservation_id = any($1) order by reservation_id", [ids])).rows.map((r) => r.reservation_id);
      expect(intentsOwned.length).toBeGreaterThan(0);
      await asGroupToken(c, held.booking_group_id);
      const mine = await seen();
      expect(mine.folios).toEqual(ids);
      expect(mine.balances).toBe(3);
      expect(mine.intents).toEqual(intentsOwned);
      // A room's own token: that room alone.
      await asToken(c, { reservationId: held.reservation_ids[0] });
      expect((await seen()).folios).toEqual([held.reservation_ids[0]]);
      // Another group's token: its own rooms only, none of this group's.
      await asGroupToken(c, other.booking_group_id);
      const theirs = await seen();
      expect(theirs.folios.filter((id: string) => ids.includes(id))).toEqual([]);
      expect(theirs.intents.filter((id: string) => ids.includes(id))).toEqual([]);
      // No token at all: nothing.
      await asToken(c, {});
      expect(await seen()).toEqual({ folios: [], balances: 0, intents: [] });
    }));
});

/** A confirmed three-room group (two doubles, a suite) on nights from..from+2. */
async function confirmedGroup(c: pg.PoolClient, h: Hotel2, from = 10) {
  const { held } = await threeRoomGroup(c, h, from);
  await asToken(c, {});
  await confirmGroup(c, held);
  return held;
}

const groupTotal = async (c: pg.PoolClient, groupId: string) => {
  await asOwner(c);
  return (await c.query("select app_public.booking_groups_total_amount(g) as t from app_public.booking_groups g where id = $1", [groupId])).rows[0].t as string;
};

describe("changing a confirmed group's dates", () => {
  it("quoteGroupChange prices every room on the new dates with the difference; changeGroupDates moves them all, folios following", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const held = await confirmedGroup(c, h);
      const [arrival, departure] = nights(h, 12, 3);
      await asGroupToken(c, held.booking_group_id);
      const q = (await c.query(
        "select current_total, total_amount, difference, nights, to_jsonb(rooms) as rooms from app_public.quote_group_change($1, $2, $3)",
        [held.booking_group_id, arrival, departure],
      )).rows[0];
      // 2 nights → 3 nights: 760.00 → 1140.00.
      expect(q).toMatchObject({ current_total: "76000", total_amount: "114000", difference: "38000", nights: 3 });
      expect(q.rooms.map((r: { room_no: number; current_total: number; quote: { total_amount: number } }) => [r.room_no, r.current_total, r.quote.total_amount]))
        .toEqual([[1, 20000, 30000], [2, 20000, 30000], [3, 36000, 54000]]);
      const moved = (await c.query("select reservation_id, arrival, departure, total_amount from app_public.change_group_dates($1, $2, $3, $4)",
        [held.booking_group_id, newKey(), arrival, departure])).rows;
      expect(moved.map((b) => [b.reservation_id, b.total_amount])).toEqual(held.reservation_ids.map((id, i) => [id, ["30000", "30000", "54000"][i]]));
      expect(await groupTotal(c, held.booking_group_id)).toBe("114000");
      const claims = (await c.query(
        "select lower(stay)::text as a, upper(stay)::text as d from app_public.inventory_claims where reservation_id = any($1) and released_at is null",
        [held.reservation_ids],
      )).rows;
      expect(claims).toEqual([0, 1, 2].map(() => ({ a: arrival, d: departure })));
      const balances = (await c.query(
        `select coalesce(sum(b.balance), 0)::bigint as balance from app_public.folios f
           left join app_public.folio_balances b on b.property_id = f.property_id and b.folio_id = f.id
          where f.reservation_id = any($1)`,
        [held.reservation_ids],
      )).rows[0].balance;
      expect(balances).toBe("114000");
    }));

  it("when one room cannot move, SOLD_OUT names it and no room moves; the quote says so first", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c, 1);
      const held = await confirmedGroup(c, h);
      // Another guest takes the only suite on the new dates.
      await asToken(c, {});
      await book(c, h.suitePlanId, ...nights(h, 30, 2));
      await staff(c, h.frontDesk);
      const [arrival, departure] = nights(h, 30, 2);
      const quoted = await errorOf(c, "select * from app_public.quote_group_change($1, $2, $3)", [held.booking_group_id, arrival, departure]);
      expect(quoted).toEqual({ code: "SOLDO", message: "Room 3 (Suite): no unit of this room type is free for the new dates, so the group cannot move." });
      const e = await errorOf(c, "select * from app_public.change_group_dates($1, $2, $3, $4)", [held.booking_group_id, newKey(), arrival, departure]);
      expect(e).toEqual({ code: "SOLDO", message: "Room 3 (Suite): no unit of this room type is free for the new dates, so no room has moved." });
      expect(await hintOf(c, "select * from app_public.change_group_dates($1, $2, $3, $4)", [held.booking_group_id, newKey(), arrival, departure])).toBe("room 3");
      const claims = (await c.query(
        "select lower(stay)::text as a from app_public.inventory_claims where reservation_id = any($1) and released_at is null",
        [held.reservation_ids],
      )).rows;
      expect(claims.map((r) => r.a)).toEqual([0, 1, 2].map(() => nights(h, 10, 2)[0]));
      expect(await groupTotal(c, held.booking_group_id)).toBe("76000");
    }));

  it("the group's own nights count as free: moving by one night on a full house works", () =>
    inRollback(db.ownerPool, async (c) => {
      // Exactly the group's rooms: 2 doubles and 1 suite.
      const h = await hotelWithSuites(c, 1, 2);
      const held = await confirmedGroup(c, h);
      await staff(c, h.frontDesk);
      const [arrival, departure] = nights(h, 11, 2);
      const q = (await c.query("select difference from app_public.quote_group_change($1, $2, $3)", [held.booking_group_id, arrival, departure])).rows[0];
      expect(q.difference).toBe("0");
      const moved = (await c.query("select arrival from app_public.change_group_dates($1, $2, $3, $4)", [held.booking_group_id, newKey(), arrival, departure])).rows;
      expect(moved.map((b) => String(b.arrival))).toHaveLength(3);
    }));

  it("cancelled rooms stay as they are; a room in house fails the change naming it; a cancelled group has nothing to change", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const held = await confirmedGroup(c, h, 0);
      await staff(c, h.frontDesk);
      await c.query("select * from app_public.cancel_reservation($1, $2)", [held.reservation_ids[0], newKey()]);
      await asOwner(c);
      await c.query("update app_public.units set housekeeping_status = 'clean' where property_id = $1", [h.propertyId]);
      await staff(c, h.frontDesk);
      await c.query("select * from app_public.check_in($1, $2)", [held.reservation_ids[1], newKey()]);
      const [arrival, departure] = nights(h, 5, 2);
      const e = await errorOf(c, "select * from app_public.change_group_dates($1, $2, $3, $4)", [held.booking_group_id, newKey(), arrival, departure]);
      expect(e.code).toBe("TRANS");
      expect(e.message).toMatch(/^Room 2: /);
      const q = await errorOf(c, "select * from app_public.quote_group_change($1, $2, $3)", [held.booking_group_id, arrival, departure]);
      expect(q).toEqual({ code: "TRANS", message: "Room 2: A reservation that is checked in cannot be changed." });
      expect((await rooms(c, held.booking_group_id)).map((r) => r.status)).toEqual(["cancelled", "checked_in", "confirmed"]);

      const other = await confirmedGroup(c, h, 20);
      await staff(c, h.frontDesk);
      await c.query("select * from app_public.cancel_group($1, $2)", [other.booking_group_id, newKey()]);
      expect(await sqlstateOf(c, "select * from app_public.change_group_dates($1, $2, $3, $4)", [other.booking_group_id, newKey(), ...nights(h, 25, 2)])).toBe("TRANS");
      expect(await sqlstateOf(c, "select * from app_public.quote_group_change($1, $2, $3)", [other.booking_group_id, ...nights(h, 25, 2)])).toBe("TRANS");
    }));

  it("another property's staff and another group's token get NOT_FOUND, the housekeeper and the accountant ACCESS_DENIED; a replay answers the same", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const held = await confirmedGroup(c, h);
      const second = await confirmedGroup(c, h, 20);
      await asOwner(c);
      const elsewhere = await createHotel(c);
      const accountant = (await c.query("insert into app_public.users (email, display_name) values ('acc-' || gen_random_uuid() || '@test.example', 'Acc') returning id")).rows[0].id;
      await c.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'accountant')", [h.propertyId, accountant]);
      const stay = nights(h, 12, 2);
      const change = "select * from app_public.change_group_dates($1, $2, $3, $4)";
      const quote = "select * from app_public.quote_group_change($1, $2, $3)";
      await staff(c, elsewhere.manager);
      expect(await sqlstateOf(c, change, [held.booking_group_id, newKey(), ...stay])).toBe("NTFND");
      expect(await sqlstateOf(c, quote, [held.booking_group_id, ...stay])).toBe("NTFND");
      await asGroupToken(c, second.booking_group_id);
      expect(await sqlstateOf(c, change, [held.booking_group_id, newKey(), ...stay])).toBe("NTFND");
      expect(await sqlstateOf(c, quote, [held.booking_group_id, ...stay])).toBe("NTFND");
      await asToken(c, {});
      expect(await sqlstateOf(c, quote, [held.booking_group_id, ...stay])).toBe("NTFND");
      await staff(c, h.housekeeper);
      expect(await sqlstateOf(c, change, [held.booking_group_id, newKey(), ...stay])).toBe("DNIED");
      expect(await sqlstateOf(c, quote, [held.booking_group_id, ...stay])).toBe("DNIED");
      await staff(c, accountant);
      expect(await sqlstateOf(c, change, [held.booking_group_id, newKey(), ...stay])).toBe("DNIED");
      // The group's token may; a replay with its key answers the same, another change with it is refused.
      await asGroupToken(c, held.booking_group_id);
      const key = newKey();
      const first = (await c.query("select reservation_id, arrival from app_public.change_group_dates($1, $2, $3, $4)", [held.booking_group_id, key, ...stay])).rows;
      await asGroupToken(c, held.booking_group_id);
      const again = (await c.query("select reservation_id, arrival from app_public.change_group_dates($1, $2, $3, $4)", [held.booking_group_id, key, ...stay])).rows;
      expect(again).toEqual(first);
      await asGroupToken(c, held.booking_group_id);
      expect(await sqlstateOf(c, change, [held.booking_group_id, key, ...nights(h, 14, 2)])).toBe("IDKEY");
      // Dates that make no sense are DATES.
      expect(await sqlstateOf(c, change, [held.booking_group_id, newKey(), stay[1], stay[0]])).toBe("DATES");
      expect(await sqlstateOf(c, quote, [held.booking_group_id, stay[1], stay[0]])).toBe("DATES");
      // Dates in the past, a stay of 400 nights or one years away are the group's DATES, not a room's.
      for (const [a, d] of [[addDays(stay[0], -400), addDays(stay[0], -398)], [stay[0], addDays(stay[0], 400)], [addDays(stay[0], 1000), addDays(stay[0], 1001)]]) {
        for (const [sql, params] of [[change, [held.booking_group_id, newKey(), a, d]], [quote, [held.booking_group_id, a, d]]] as const) {
          const e = await errorOf(c, sql, [...params]);
          expect([e.code, e.message.startsWith("Room")]).toEqual(["DATES", false]);
        }
      }
    }));

  it("the guest's change follows each room's rules: a non-refundable room refuses it for the guest, naming the room; the desk may", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      await asOwner(c);
      await c.query("update app_public.rate_plans set is_refundable = false where id = $1", [h.suitePlanId]);
      const held = await confirmedGroup(c, h);
      const stay = nights(h, 12, 2);
      await asGroupToken(c, held.booking_group_id);
      const e = await errorOf(c, "select * from app_public.quote_group_change($1, $2, $3)", [held.booking_group_id, ...stay]);
      expect(e.code).toBe("DNIED");
      expect(e.message).toMatch(/^Room 3: /);
      expect(await sqlstateOf(c, "select * from app_public.change_group_dates($1, $2, $3, $4)", [held.booking_group_id, newKey(), ...stay])).toBe("DNIED");
      await staff(c, h.frontDesk);
      expect(await sqlstateOf(c, "select * from app_public.change_group_dates($1, $2, $3, $4)", [held.booking_group_id, newKey(), ...stay])).toBeNull();
    }));
});

describe("adding a room to a confirmed group", () => {
  it("addGroupRoom holds and confirms one more room for the group's dates: next room number, its folio, the group's contact; no second confirmation", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const held = await confirmedGroup(c, h);
      await staff(c, h.frontDesk);
      const [arrival, departure] = nights(h, 10, 2);
      const priced = (await c.query("select total_amount from app_public.quote($1, $2, $3, 1, 0)", [h.ratePlanId, arrival, departure])).rows[0];
      const added = (await c.query("select * from app_public.add_group_room($1, $2, $3, 1, 0, ' Dan Smith ')", [held.booking_group_id, newKey(), h.ratePlanId])).rows[0];
      expect(added).toMatchObject({ status: "confirmed", total_amount: priced.total_amount });
      const rs = await rooms(c, held.booking_group_id);
      expect(rs.map((r) => [r.room_no, r.status, r.guest_name, r.live_claims])).toEqual([
        [1, "confirmed", "Ann Smith", 1], [2, "confirmed", "Bob Smith", 1], [3, "confirmed", null, 1], [4, "confirmed", "Dan Smith", 1],
      ]);
      const r4 = (await c.query(
        `select r.contact_name, r.contact_email::text, lower(r.stay)::text as a, upper(r.stay)::text as d,
                (select coalesce(sum(b.balance), 0)::bigint from app_public.folios f join app_public.folio_balances b on b.property_id = f.property_id and b.folio_id = f.id where f.reservation_id = r.id) as balance
           from app_public.reservations r where r.id = $1`,
        [added.reservation_id],
      )).rows[0];
      expect(r4).toEqual({ contact_name: "Ada Lovelace", contact_email: "ada@example.com", a: arrival, d: departure, balance: priced.total_amount });
      expect(await groupTotal(c, held.booking_group_id)).toBe(String(76000 + Number(priced.total_amount)));
      expect((await c.query("select count(*)::int as n from app_public.notifications where reservation_id = $1", [added.reservation_id])).rows[0].n).toBe(0);
      // The group's token reads the new room and its folio.
      await asGroupToken(c, held.booking_group_id);
      expect((await c.query("select count(*)::int as n from app_public.folios where reservation_id = $1", [added.reservation_id])).rows[0].n).toBe(1);
    }));

  it("a group the desk booked by phone without an email takes a room too, under the booker's name (no message: no email)", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      await staff(c, h.frontDesk);
      const q = await quoteGroup(c, [{ ratePlanId: h.ratePlanId, adults: 2 }], ...nights(h, 30, 2));
      const held = await holdGroup(c, q.quote_token, "Phone group");
      await c.query("select * from app_public.confirm_group($1, $2, 'Events Office', null)", [held.booking_group_id, newKey()]);
      const added = (await c.query("select status, reservation_id from app_public.add_group_room($1, $2, $3, 2, 1, 'Kid Ng')", [held.booking_group_id, newKey(), h.suitePlanId])).rows[0];
      expect(added.status).toBe("confirmed");
      const r = (await c.query("select contact_name, contact_email, room_no, children from app_public.reservations where id = $1", [added.reservation_id])).rows[0];
      expect(r).toEqual({ contact_name: "Events Office", contact_email: null, room_no: 2, children: 1 });
      expect((await c.query("select count(*)::int as n from app_public.notifications where reservation_id = $1", [added.reservation_id])).rows[0].n).toBe(0);
    }));

  it("no unit free is SOLD_OUT naming the new room and nothing is added; an unconfirmed or cancelled group, too many guests, another property's plan are refused", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c, 1);
      const held = await confirmedGroup(c, h);
      await staff(c, h.frontDesk);
      const add = "select * from app_public.add_group_room($1, $2, $3, $4)";
      const e = await errorOf(c, add, [held.booking_group_id, newKey(), h.suitePlanId, 2]);
      expect(e.code).toBe("SOLDO");
      expect(e.message).toBe("Room 4 (Suite): no unit of this room type is free for the group's dates; no room was added.");
      expect(await rooms(c, held.booking_group_id)).toHaveLength(3);
      expect(await sqlstateOf(c, add, [held.booking_group_id, newKey(), h.ratePlanId, 9])).toBe("RSTRC");
      await asOwner(c);
      const elsewhere = await createHotel(c);
      await staff(c, h.frontDesk);
      expect(await sqlstateOf(c, add, [held.booking_group_id, newKey(), elsewhere.ratePlanId, 1])).toBe("NTFND");
      expect(await sqlstateOf(c, "select * from app_public.add_group_room($1, $2, $3, 1, 0, $4)", [held.booking_group_id, newKey(), h.ratePlanId, "x".repeat(201)])).toBe("INVLD");

      await asToken(c, {});
      const { held: unconfirmed } = await threeRoomGroup(c, h, 20);
      await staff(c, h.frontDesk);
      expect(await sqlstateOf(c, add, [unconfirmed.booking_group_id, newKey(), h.ratePlanId, 1])).toBe("TRANS");
      await c.query("select * from app_public.cancel_group($1, $2)", [held.booking_group_id, newKey()]);
      expect(await sqlstateOf(c, add, [held.booking_group_id, newKey(), h.ratePlanId, 1])).toBe("TRANS");
    }));

  it("another property's staff and another group's token get NOT_FOUND, the housekeeper ACCESS_DENIED; the group's token may", () =>
    inRollback(db.ownerPool, async (c) => {
      const h = await hotelWithSuites(c);
      const held = await confirmedGroup(c, h);
      const second = await confirmedGroup(c, h, 20);
      await asOwner(c);
      const elsewhere = await createHotel(c);
      const add = "select * from app_public.add_group_room($1, $2, $3, 1)";
      await staff(c, elsewhere.manager);
      expect(await sqlstateOf(c, add, [held.booking_group_id, newKey(), h.ratePlanId])).toBe("NTFND");
      await asGroupToken(c, second.booking_group_id);
      expect(await sqlstateOf(c, add, [held.booking_group_id, newKey(), h.ratePlanId])).toBe("NTFND");
      await staff(c, h.housekeeper);
      expect(await sqlstateOf(c, add, [held.booking_group_id, newKey(), h.ratePlanId])).toBe("DNIED");
      await asGroupToken(c, held.booking_group_id);
      const key = newKey();
      const first = (await c.query(add, [held.booking_group_id, key, h.ratePlanId])).rows[0];
      await asGroupToken(c, held.booking_group_id);
      expect((await c.query(add, [held.booking_group_id, key, h.ratePlanId])).rows[0].reservation_id).toBe(first.reservation_id);
      expect(await rooms(c, held.booking_group_id)).toHaveLength(4);
    }));
});
