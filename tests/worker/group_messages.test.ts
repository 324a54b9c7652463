// A change of a whole booking group is told in one message (issues 21, 22): changeGroupDates sends one
// modification email with every room's new dates and price and the group's total before and after, and one new
// pre-arrival message; cancelGroup sends one cancellation listing each room it cancelled with its fee. A room
// changed or cancelled on its own is told as its own, naming the room. Queued in the change's transaction
// (tg_reservations__notify, keepr.group_change), delivered by the real worker to the dev outbox.
import { readdirSync } from "node:fs";
import type pg from "pg";
import { actAs, fileDatabase, inCommit } from "../helpers/db.ts";
import { newOutbox, runDueJobs, makeMessagesDue } from "../helpers/jobs.ts";
import { addDays, confirmGroup, createHotel, hold, holdGroup, localDate, newKey, quote, quoteGroup, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();
let outbox: string;
beforeEach(() => {
  outbox = newOutbox();
});

const runJobs = async () => {
  // Every message is due now (pre-arrival ones wait for their day otherwise).
  await makeMessagesDue(db);
  await runDueJobs(db, { OUTBOX_DIR: outbox });
};
const committed = <T>(fn: (c: pg.PoolClient) => Promise<T>) => inCommit(db.ownerPool, fn);
const emailsSent = () => readdirSync(outbox).filter((f) => f.endsWith(".eml")).length;

/** A confirmed group of three rooms, two nights from `arrivalOffset` days ahead, booked by Ada in the guest app. */
async function bookGroup(h: Hotel, arrivalOffset = 12) {
  const held = await committed(async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    const arrival = localDate(h.timeZone, arrivalOffset);
    const q = await quoteGroup(c, [
      { ratePlanId: h.ratePlanId, adults: 2, guestName: "Ann Smith" },
      { ratePlanId: h.ratePlanId, adults: 1, children: 1 },
      { ratePlanId: h.ratePlanId, adults: 2, guestName: "Bob Jones" },
    ], arrival, addDays(arrival, 2));
    const held = await holdGroup(c, q.quote_token, "Smith wedding");
    await confirmGroup(c, held, newKey(), "ada.smith@example.com");
    return { ...held, arrival };
  });
  const codes = (await db.ownerPool.query("select confirmation_code from app_public.reservations where group_id = $1 order by room_no", [held.booking_group_id])).rows;
  return { ...held, codes: codes.map((r) => r.confirmation_code as string) };
}

type Message = { room_no: number; template: string; channel: string; status: string; subject: string | null; body_text: string | null };
const messagesOf = async (groupId: string, since = "-infinity"): Promise<Message[]> =>
  (await db.ownerPool.query<Message>(
    `select r.room_no, n.template, n.channel, n.status, n.subject, n.body_text
       from app_public.notifications n
       join app_public.reservations r on r.property_id = n.property_id and r.id = n.reservation_id
      where r.group_id = $1 and n.created_at > $2::timestamptz
      order by n.created_at, r.room_no, n.template, n.channel`, [groupId, since])).rows;
const now = async () => (await db.ownerPool.query<{ t: string }>("select clock_timestamp()::text as t")).rows[0]!.t;

const asDesk = (h: Hotel, sql: string, params: unknown[]) =>
  committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    return (await c.query(sql, params)).rows;
  });

it("a group's dates moved: one modification email with every room's new dates and price and the difference, one new pre-arrival message", async () => {
  const h = await createHotel(db.ownerPool, { units: 4 });
  const group = await bookGroup(h);
  const before = await now();
  const arrival = addDays(group.arrival, 1);
  const departure = addDays(arrival, 3);
  await asDesk(h, "select * from app_public.change_group_dates($1, $2, $3, $4)", [group.booking_group_id, newKey(), arrival, departure]);
  // Queued with the change, with its first room: one modification (email only), one pre-arrival (email and SMS).
  expect((await messagesOf(group.booking_group_id, before)).map((m) => `${m.room_no} ${m.template} ${m.channel} ${m.status}`)).toEqual([
    "1 modification email pending", "1 pre_arrival email pending", "1 pre_arrival sms pending",
  ]);
  await runJobs();
  const messages = await messagesOf(group.booking_group_id);
  // The confirmation's pre-arrival message is for the old arrival: skipped. The new one goes.
  expect(messages.filter((m) => m.template === "pre_arrival").map((m) => `${m.channel} ${m.status}`).sort()).toEqual(["email sent", "email skipped", "sms sent", "sms skipped"]);
  const [modification, ...others] = messages.filter((m) => m.template === "modification");
  expect(others).toEqual([]);
  expect(modification!.status).toBe("sent");
  expect(modification!.subject).toBe(`Your group booking ${group.group_code} was changed`);
  const line = (room: number, guests: string, name: string) =>
    new RegExp(`^Room ${room}: Double · [^\\n]+ – [^\\n]+ \\(3 nights\\) · ${guests}${name} · ${group.codes[room - 1]} · €300\\.00$`, "m");
  expect(modification!.body_text).toMatch(line(1, "2 adults", " · Ann Smith"));
  expect(modification!.body_text).toMatch(line(2, "1 adult, 1 child", ""));
  expect(modification!.body_text).toMatch(line(3, "2 adults", " · Bob Jones"));
  expect(modification!.body_text).toContain("Group total: €900.00 (before the change: €600.00; difference: +€300.00)");
  // The new free-cancellation deadline (or that it is over) is said.
  expect(modification!.body_text).toMatch(/Free cancellation until|free-cancellation period is over|Non-refundable/);
  // Three emails in all: the group's confirmation, the modification and the new pre-arrival message.
  expect(emailsSent()).toBe(3);
});

it("a group cancelled: one email listing each room's fee and the total; a room cancelled alone before gets its own email naming it", async () => {
  const h = await createHotel(db.ownerPool, {
    units: 4, ratePlan: { free_cancellation_days: 30, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 },
  });
  const group = await bookGroup(h);
  await runJobs();
  const [, second] = group.reservation_ids;

  // Room 2 alone: its own cancellation, naming the room.
  const before = await now();
  await asDesk(h, "select * from app_public.cancel_reservation($1, $2, 'Only two rooms needed')", [second, newKey()]);
  expect((await messagesOf(group.booking_group_id, before)).map((m) => `${m.room_no} ${m.template} ${m.channel}`)).toEqual(["2 cancellation email", "2 cancellation sms"]);
  await runJobs();
  const alone = (await messagesOf(group.booking_group_id, before)).find((m) => m.channel === "email")!;
  expect(alone.subject).toBe(`Your booking ${group.codes[1]} is cancelled`);
  expect(alone.body_text).toMatch(new RegExp(`your booking ${group.codes[1]} at [^\\n]+ is cancelled\\.\\nRoom 2 of group booking ${group.group_code}\\.\\n`));
  expect(alone.body_text).toContain("Cancellation fee: €100.00.");

  // The rest of the group: one email (and one SMS) for rooms 1 and 3, each with its fee.
  const then = await now();
  await asDesk(h, "select * from app_public.cancel_group($1, $2, 'Wedding off')", [group.booking_group_id, newKey()]);
  expect((await messagesOf(group.booking_group_id, then)).map((m) => `${m.room_no} ${m.template} ${m.channel}`)).toEqual(["1 cancellation email", "1 cancellation sms"]);
  await runJobs();
  const [email, sms] = await messagesOf(group.booking_group_id, then);
  expect(email!.status).toBe("sent");
  expect(email!.subject).toBe(`Your group booking ${group.group_code} is cancelled`);
  expect(email!.body_text).toContain(
    `nights) is cancelled. The rooms cancelled:\n\nRoom 1: Double · ${group.codes[0]} · cancellation fee: €100.00\nRoom 3: Double · ${group.codes[2]} · cancellation fee: €100.00\nCancellation fees: €200.00\nThere is nothing to refund.\n`,
  );
  expect(email!.body_text).not.toContain(group.codes[1]);
  expect(sms!.body_text).toMatch(new RegExp(`: group booking ${group.group_code} is cancelled\\.$`));
});

it("a group change that fails queues no message; a room moved alone is told as its own", async () => {
  const h = await createHotel(db.ownerPool, { units: 3 });
  const group = await bookGroup(h);
  const before = await now();
  // Another stay takes a unit on the new dates: room 3 cannot move, nothing moves, nothing is told.
  const arrival = addDays(group.arrival, 5);
  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    const q = await quote(c, h.ratePlanId, arrival, addDays(arrival, 2));
    const held = await hold(c, q.quote_token);
    await c.query("select * from app_public.confirm_booking($1, $2, 'Eve Other', 'eve@example.com')", [held.reservation_id, newKey()]);
  });
  const other = await now();
  await expect(asDesk(h, "select * from app_public.change_group_dates($1, $2, $3, $4)", [group.booking_group_id, newKey(), arrival, addDays(arrival, 2)]))
    .rejects.toThrow(/^Room 3 \(Double\): no unit/);
  expect(await messagesOf(group.booking_group_id, before)).toEqual([]);
  expect((await db.ownerPool.query("select count(*)::int as n from app_public.notifications where property_id = $1 and created_at > $2", [h.propertyId, other])).rows[0].n).toBe(0);
  // Room 3 alone, one night longer: its own modification, naming it.
  await asDesk(h, "select * from app_public.modify_reservation($1, $2, $3, $4)", [group.reservation_ids[2], newKey(), group.arrival, addDays(group.arrival, 3)]);
  expect((await messagesOf(group.booking_group_id, before)).map((m) => `${m.room_no} ${m.template} ${m.channel}`)).toEqual(["3 modification email"]);
  await runJobs();
  const [modification] = (await messagesOf(group.booking_group_id, before)).filter((m) => m.template === "modification");
  expect(modification!.subject).toBe(`Your booking ${group.codes[2]} was changed`);
  expect(modification!.body_text).toContain(`Room 3 of group booking ${group.group_code}.\n`);
});

it("the guest with the group's token moves the group twice at once and then cancels it: one message per change, the last arrival's pre-arrival message the one sent", async () => {
  const h = await createHotel(db.ownerPool, { units: 4 });
  const group = await bookGroup(h);
  const before = await now();
  const asGroupToken = (sql: string, params: unknown[]) =>
    committed(async (c) => {
      await actAs(c, { role: "keepr_anonymous" });
      await c.query("select set_config('jwt.claims.booking_group_id', $1, true)", [group.booking_group_id]);
      return (await c.query(sql, params)).rows;
    });
  const move = (days: number, nights: number) =>
    asGroupToken("select * from app_public.change_group_dates($1, $2, $3, $4)", [group.booking_group_id, newKey(), addDays(group.arrival, days), addDays(group.arrival, days + nights)]);
  // lock_booking_group runs them one after the other; each is told once, with room 1.
  await Promise.all([move(1, 2), move(2, 3)]);
  const changes = (await messagesOf(group.booking_group_id, before)).filter((m) => m.template === "modification");
  expect(changes.map((m) => `${m.room_no} ${m.channel}`)).toEqual(["1 email", "1 email"]);
  const final = (await db.ownerPool.query("select lower(stay)::text as arrival from app_public.reservations where group_id = $1 and room_no = 1", [group.booking_group_id])).rows[0].arrival;
  await runJobs();
  // Of the three pre-arrival emails (the confirmation's and one per change) only the final arrival's is sent.
  const preArrivals = (await messagesOf(group.booking_group_id)).filter((m) => m.template === "pre_arrival" && m.channel === "email");
  expect(preArrivals.map((m) => m.status).sort()).toEqual(["sent", "skipped", "skipped"]);
  const sent = (await db.ownerPool.query(
    "select n.cause from app_public.notifications n join app_public.reservations r on r.id = n.reservation_id where r.group_id = $1 and n.template = 'pre_arrival' and n.channel = 'email' and n.status = 'sent'",
    [group.booking_group_id])).rows;
  expect(sent).toEqual([{ cause: expect.stringMatching(new RegExp(`:pre_arrival:${final}$`)) }]);
  // Both changes' emails went (each says the group as it is when the worker sends it, as every message does).
  expect((await messagesOf(group.booking_group_id, before)).filter((m) => m.template === "modification").map((m) => m.status)).toEqual(["sent", "sent"]);

  const then = await now();
  await asGroupToken("select * from app_public.cancel_group($1, $2, null)", [group.booking_group_id, newKey()]);
  expect((await messagesOf(group.booking_group_id, then)).map((m) => `${m.room_no} ${m.template} ${m.channel}`)).toEqual(["1 cancellation email", "1 cancellation sms"]);
});
