// Guest notifications: queued by the change that causes them (in its
// transaction), once per cause, template, channel and recipient; delivered
// by graphile-worker to the dev outbox once, in the property's language or
// its own wording; stale pre-arrival messages skipped; permanent failures
// visible to staff.
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
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

async function bookAs(h: Hotel, arrivalOffset: number, phone: string | null, email = "ada@example.com") {
  return committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    const arrival = localDate(h.timeZone, arrivalOffset);
    const q = await quote(c, h.ratePlanId, arrival, addDays(arrival, 2));
    const held = await hold(c, q.quote_token);
    const { rows } = await c.query("select * from app_public.confirm_booking($1, $2, 'Ada Lovelace', $3, $4)", [held.reservation_id, newKey(), email, phone]);
    return { id: rows[0].reservation_id as string, arrival };
  });
}

const notificationsOf = async (reservationId: string) =>
  (await db.ownerPool.query("select template, channel, status, subject, last_error from app_public.notifications where reservation_id = $1 order by created_at, template, channel", [reservationId])).rows;

const outboxFiles = (sub = "") => {
  try {
    return readdirSync(path.join(outbox, sub)).filter((f) => f.endsWith(".eml") || f.endsWith(".json")).filter((f) => sub || f.endsWith(".eml"));
  } catch {
    return [];
  }
};

it("a confirmation queues email and SMS and the pre-arrival message in the same transaction; delivery happens once", async () => {
  const h = await createHotel(db.ownerPool);
  const booking = await bookAs(h, 10, "+351 912 345 678");
  expect(await notificationsOf(booking.id)).toEqual([
    { template: "confirmation", channel: "email", status: "pending", subject: null, last_error: null },
    { template: "confirmation", channel: "sms", status: "pending", subject: null, last_error: null },
    { template: "pre_arrival", channel: "email", status: "pending", subject: null, last_error: null },
    { template: "pre_arrival", channel: "sms", status: "pending", subject: null, last_error: null },
  ]);
  // Queuing the same cause again adds nothing.
  const again = await db.ownerPool.query("select app_private.notify(r, 'confirmation', 'reservation:' || r.id || ':confirmed') as n from app_public.reservations r where id = $1", [booking.id]);
  expect(again.rows[0].n).toBe(0);

  await runJobs();
  await runJobs();
  const sent = await notificationsOf(booking.id);
  expect(sent.map((n) => n.status)).toEqual(["sent", "sent", "sent", "sent"]);
  expect(sent[0].subject).toMatch(/^Your booking [A-Z2-9]{8} at Hotel .* is confirmed$/);
  expect(outboxFiles()).toHaveLength(2);
  expect(outboxFiles("sms")).toHaveLength(2);
  const eml = readFileSync(path.join(outbox, outboxFiles().find((f) => readFileSync(path.join(outbox, f), "utf8").includes("is confirmed"))!), "utf8");
  expect(eml).toContain("To: ada@example.com");
  expect(eml).toContain("Message-ID: <notification-");
  const body = (await db.ownerPool.query("select body_text from app_public.notifications where reservation_id = $1 and template = 'confirmation' and channel = 'email'", [booking.id])).rows[0].body_text;
  expect(body).toContain("Total: €200.00");
  const sms = JSON.parse(readFileSync(path.join(outbox, "sms", outboxFiles("sms")[0]!), "utf8"));
  expect(sms.to).toBe("+351912345678");
});

it("a message's email and SMS are one job; after the SMS failed for now, its retry sends the SMS and not the email again", async () => {
  const h = await createHotel(db.ownerPool);
  const booking = await bookAs(h, 10, "+351 912 345 678");
  const ids = Object.fromEntries((await db.ownerPool.query("select template || ' ' || channel as k, id from app_public.notifications where reservation_id = $1", [booking.id])).rows.map((r) => [r.k, r.id]));
  const payloads = async () => (await db.ownerPool.query(
    `select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'send_notification' and j.payload->>'id' = any($1) order by j.run_at`,
    [Object.values(ids)],
  )).rows.map((r) => r.payload);
  // The confirmation's job is queued with it; the pre-arrival message, days
  // ahead, waits as its rows alone until the cron queues it within the hour.
  expect(await payloads()).toEqual([{ id: ids["confirmation email"], more: [ids["confirmation sms"]] }]);
  expect((await db.ownerPool.query("select template || ' ' || channel as k from app_public.notifications where reservation_id = $1 and awaiting_job order by 1", [booking.id])).rows.map((r) => r.k))
    .toEqual(["pre_arrival email", "pre_arrival sms"]);
  // Its day comes (due in half an hour): the cron's sweep queues it, one job for both rows.
  await db.ownerPool.query("update app_public.notifications set send_after = now() + interval '30 minutes' where reservation_id = $1 and awaiting_job", [booking.id]);
  await db.ownerPool.query("select app_private.queue_due_notifications()");
  expect(await payloads()).toEqual([
    { id: ids["confirmation email"], more: [ids["confirmation sms"]] },
    { id: ids["pre_arrival email"], more: [ids["pre_arrival sms"]] },
  ]);

  // The SMS gateway refuses the connection (a port nothing listens on: a failure a retry may cure): the email goes, the SMS waits.
  const closedPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  await runDueJobs(db, { OUTBOX_DIR: outbox, SMS_URL: `http://127.0.0.1:${closedPort}/sms` });
  const attempts = async () => Object.fromEntries((await db.ownerPool.query("select channel, status, attempts from app_public.notifications where reservation_id = $1 and template = 'confirmation'", [booking.id])).rows.map((r) => [r.channel, `${r.status} ${r.attempts}`]));
  expect(await attempts()).toEqual({ email: "sent 1", sms: "pending 1" });
  expect(outboxFiles()).toHaveLength(1);

  await runJobs();
  expect(await attempts()).toEqual({ email: "sent 1", sms: "sent 2" });
  expect(outboxFiles()).toHaveLength(2); // the confirmation's and the pre-arrival's
  expect(outboxFiles("sms")).toHaveLength(2);
});

it("a message due beyond the hour waits outside the job queue; the cron queues it once, at its own time, when it comes within the hour", async () => {
  const h = await createHotel(db.ownerPool);
  const booking = await bookAs(h, 30, "+351 912 345 678", "grace@example.com");
  const rows = async () => (await db.ownerPool.query(
    "select template || ' ' || channel as k, awaiting_job, send_after from app_public.notifications where reservation_id = $1 and template = 'pre_arrival' order by channel",
    [booking.id],
  )).rows;
  const jobsOf = async () => (await db.ownerPool.query(
    `select j.payload, j.run_at from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'send_notification' and j.payload->>'id' = any(array(select id::text from app_public.notifications where reservation_id = $1 and template = 'pre_arrival'))`,
    [booking.id],
  )).rows;
  expect((await rows()).map((r) => `${r.k} ${r.awaiting_job}`)).toEqual(["pre_arrival email true", "pre_arrival sms true"]);
  expect(await jobsOf()).toEqual([]);

  // A sweep while it is still weeks ahead leaves it waiting.
  const sweep = async (c: pg.Pool | pg.PoolClient) => (await c.query("select app_private.queue_due_notifications() as n")).rows[0].n as number;
  await sweep(db.ownerPool);
  expect(await jobsOf()).toEqual([]);

  // Its day comes: due in 40 minutes. Two sweeps at once (two workers' cron) queue it once, to run at its own time.
  const dueAt = (await db.ownerPool.query(
    "update app_public.notifications set send_after = date_trunc('second', now()) + interval '40 minutes' where reservation_id = $1 and template = 'pre_arrival' returning send_after",
    [booking.id],
  )).rows[0].send_after as Date;
  const [a, b] = await Promise.all([
    inCommit(db.ownerPool, (c) => sweep(c)),
    inCommit(db.ownerPool, (c) => sweep(c)),
  ]);
  expect(a + b).toBe(2);
  const jobs = await jobsOf();
  const [email, sms] = (await rows()).map((r) => r);
  expect(jobs).toHaveLength(1);
  expect(jobs[0].run_at.getTime()).toBe(dueAt.getTime());
  const ids = (await db.ownerPool.query("select channel, id from app_public.notifications where reservation_id = $1 and template = 'pre_arrival'", [booking.id])).rows;
  const idOf = (ch: string) => ids.find((r) => r.channel === ch)!.id;
  expect(jobs[0].payload).toEqual({ id: idOf("email"), more: [idOf("sms")] });
  expect([email!.awaiting_job, sms!.awaiting_job]).toEqual([false, false]);
  expect(await sweep(db.ownerPool)).toBe(0);
});

it("a change notifies once per change; a moved stay's old pre-arrival message is skipped; cancellation notifies", async () => {
  const h = await createHotel(db.ownerPool);
  const booking = await bookAs(h, 10, null);
  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    await c.query("select app_public.modify_reservation($1, $2, arrival => $3::date, departure => $4::date)", [booking.id, newKey(), addDays(booking.arrival, 1), addDays(booking.arrival, 4)]);
  });
  await runJobs();
  expect((await notificationsOf(booking.id)).map((n) => `${n.template} ${n.status}`)).toEqual([
    "confirmation sent", "pre_arrival skipped", "modification sent", "pre_arrival sent",
  ]);
  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    await c.query("select app_public.cancel_reservation($1, $2)", [booking.id, newKey()]);
  });
  await runJobs();
  const last = (await notificationsOf(booking.id)).at(-1)!;
  expect(last).toMatchObject({ template: "cancellation", status: "sent", subject: expect.stringMatching(/is cancelled$/) });
});

it("writes in the property's language, or in the property's own wording", async () => {
  const h = await createHotel(db.ownerPool);
  await db.ownerPool.query("update app_public.properties set language = 'pt' where id = $1", [h.propertyId]);
  const pt = await bookAs(h, 10, null);
  await runJobs();
  expect((await notificationsOf(pt.id))[0].subject).toMatch(/^A sua reserva [A-Z2-9]{8} em .* está confirmada$/);

  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.manager });
    await c.query(
      `insert into app_public.notification_templates (property_id, template, channel, language, subject, body_text, body_html)
       values ($1, 'confirmation', 'email', 'pt', 'Reserva {{code}} — até breve, {{guest.name}}!', 'Olá {{guest.name}}: {{money total}}', '<p>{{guest.name}}</p>')`,
      [h.propertyId],
    );
  });
  const own = await bookAs(h, 12, null, "<script>@example.com");
  await runJobs();
  const n = (await notificationsOf(own.id))[0];
  expect(n.subject).toMatch(/^Reserva [A-Z2-9]{8} — até breve, Ada Lovelace!$/);
  const body = (await db.ownerPool.query("select body_text from app_public.notifications where reservation_id = $1 and template = 'confirmation'", [own.id])).rows[0].body_text;
  expect(body).toMatch(/^Olá Ada Lovelace: 200,00\s€$/u);
});

it("a permanent failure is failed with its reason for staff; it does not block the other messages", async () => {
  const h = await createHotel(db.ownerPool);
  const booking = await bookAs(h, 10, "12345");
  await runJobs();
  const byChannel = Object.fromEntries((await notificationsOf(booking.id)).filter((n) => n.template === "confirmation").map((n) => [n.channel, n]));
  expect(byChannel.email.status).toBe("sent");
  expect(byChannel.sms).toMatchObject({ status: "failed", last_error: "not an international phone number: 12345" });
  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    const visible = await c.query("select count(*)::int as n from app_public.notifications where status = 'failed' and reservation_id = $1", [booking.id]);
    expect(visible.rows[0].n).toBe(2);
  });
});

it("payments send a receipt or a payment-failed message", async () => {
  const h = await createHotel(db.ownerPool);
  const booking = await bookAs(h, 10, null);
  const attempts = await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    const intent = (await c.query("select id from app_public.payment_intents where reservation_id = $1", [booking.id])).rows[0].id;
    const first = (await c.query("select id from app_public.pay($1, 'tok_test_visa', $2)", [intent, newKey()])).rows[0].id;
    await c.query("reset role");
    await c.query("select app_private.record_payment_failure($1, 'card_declined', 'Your card was declined.')", [first]);
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    const second = (await c.query("select id from app_public.pay($1, 'tok_test_visa', $2)", [intent, newKey()])).rows[0].id;
    await c.query("reset role");
    await c.query("select app_private.record_capture($1, 'ch_1', now())", [second]);
    return [first, second];
  });
  // The payment jobs have no provider here; deliver only the notifications.
  await db.ownerPool.query("delete from graphile_worker._private_jobs j using graphile_worker._private_tasks t where t.id = j.task_id and t.identifier = 'process_payment_attempt'");
  await runJobs();
  // Both messages come from one transaction (one created_at): in the order of their templates' names.
  const payments = (await db.ownerPool.query("select template, status, subject, body_text from app_public.notifications where reservation_id = $1 and template::text like 'payment%' order by template::text", [booking.id])).rows;
  // Each message names its own attempt: the amount tried and the provider's reason.
  expect(payments).toEqual([
    { template: "payment_failed", status: "sent", subject: expect.stringMatching(/did not go through$/), body_text: expect.stringMatching(/your payment of \S*\d.* did not go through: Your card was declined\./) },
    { template: "payment_receipt", status: "sent", subject: expect.stringMatching(/^Payment received/), body_text: expect.stringMatching(/we received \S*\d/) },
  ]);
  expect(attempts).toHaveLength(2);
});

it("a booking group is confirmed with one email that lists every room, its guests, its own code and price, and the group's total", async () => {
  const h = await createHotel(db.ownerPool);
  const arrival = localDate(h.timeZone, 12);
  const rooms = await committed(async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    const q = await quoteGroup(c, [{ ratePlanId: h.ratePlanId, adults: 2, guestName: "Ann Smith" }, { ratePlanId: h.ratePlanId, adults: 1, children: 1 }], arrival, addDays(arrival, 2));
    const held = await holdGroup(c, q.quote_token, "Smith wedding");
    await confirmGroup(c, held, newKey(), "ada.smith@example.com");
    return { ...held, first: held.reservation_ids[0]!, second: held.reservation_ids[1]! };
  });
  // One confirmation and one pre-arrival message, with the first room; none with the second.
  expect((await notificationsOf(rooms.first)).map((n) => `${n.template} ${n.channel}`)).toEqual(["confirmation email", "confirmation sms", "pre_arrival email", "pre_arrival sms"]);
  expect(await notificationsOf(rooms.second)).toEqual([]);
  await runJobs();
  const body = (await db.ownerPool.query("select body_text from app_public.notifications where reservation_id = $1 and template = 'confirmation' and channel = 'email'", [rooms.first])).rows[0];
  const codes = (await db.ownerPool.query("select confirmation_code from app_public.reservations where group_id = $1 order by room_no", [rooms.booking_group_id])).rows.map((r) => r.confirmation_code);
  expect(body.body_text).toContain(`Group booking ${rooms.group_code} · Smith wedding\nRoom 1: Double · 2 adults · Ann Smith · ${codes[0]} · €200.00\nRoom 2: Double · 1 adult, 1 child · ${codes[1]} · €200.00\nGroup total: €400.00\n`);
});
