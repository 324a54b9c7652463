// What the guest's emails say (issue 22, item 9), rendered by the worker from
// real bookings: sent in the hotel's name (From: "<hotel>" <MAIL_FROM's
// address>), a link to the booking's page with its code, the hotel's address,
// check-in and check-out times; "2 adults", "1 night" by the language's plural
// rules; dates for people (no ISO dates, no zone names); the cancellation
// terms with the deadline in the property's time and the amount it costs; the
// change email with the new deadline; the cancellation email with its fee and
// refund, also when there is none. English and Portuguese.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { render, type NotificationContext } from "../../worker/notifications/render.ts";
import { actAs, fileDatabase, inCommit } from "../helpers/db.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { addDays, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();
let outbox: string;
beforeEach(() => {
  outbox = newOutbox();
});

const runJobs = () => runDueJobs(db, { OUTBOX_DIR: outbox, MAIL_FROM: "Keepr <bookings@keepr.example>" });
const committed = <T>(fn: (c: pg.PoolClient) => Promise<T>) => inCommit(db.ownerPool, fn);

async function book(h: Hotel, arrivalOffset: number, nights: number, email: string, plan = h.ratePlanId) {
  return committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    const arrival = localDate(h.timeZone, arrivalOffset);
    const q = await quote(c, plan, arrival, addDays(arrival, nights));
    const held = await hold(c, q.quote_token);
    const { rows } = await c.query("select * from app_public.confirm_booking($1, $2, 'Ada Lovelace', $3, null)", [held.reservation_id, newKey(), email]);
    return { id: rows[0].reservation_id as string, code: rows[0].confirmation_code as string, arrival };
  });
}

/** The .eml of the one message whose subject matches, decoded enough to read (quoted-printable soft breaks joined). */
function email(subject: RegExp): string {
  const found = readdirSync(outbox)
    .filter((f) => f.endsWith(".eml"))
    .map((f) => readFileSync(path.join(outbox, f), "utf8").replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))))
    .filter((text) => subject.test(text));
  expect(found).toHaveLength(1);
  return Buffer.from(found[0]!, "latin1").toString("utf8");
}

/** Nothing a person should not have to read: ISO dates or times, zone names, "adult(s)", "costs 1 night". */
function expectReadable(text: string): void {
  expect(text).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b(?!.*\.eml)/);
  expect(text).not.toMatch(/Europe\/|UTC|\+00:00/);
  expect(text).not.toMatch(/adult\(s\)|child\(ren\)|costs 1 night/);
}

const bodyOf = (eml: string) => eml.slice(eml.indexOf("\n\n"));

it("a confirmation comes from the hotel, with a link to the booking, its address and times, plurals and the terms in words", async () => {
  const h = await createHotel(db.ownerPool, { ratePlan: { free_cancellation_days: 2, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 } });
  await db.ownerPool.query(
    `update app_public.properties set name = 'Harbour "View" Hotel', address = 'Rua do Cais 12, Lisboa', check_in_time = '15:00', check_out_time = '11:00',
            contact_email = 'desk@harbour.example', contact_phone = '+351 21 000 0000', arrival_instructions = 'The door code comes by SMS on the day.' where id = $1`,
    [h.propertyId],
  );
  const b = await book(h, 20, 1, "ada@example.com");
  await runJobs();
  // (The subject, with quotes in it, is MIME-encoded: the body says which message this is.)
  const eml = email(/your booking is confirmed/);
  // From: the hotel's name, MAIL_FROM's address (the domain that signs the mail); the quotes in the name escaped.
  expect(eml).toMatch(/^From: "Harbour \\"View\\" Hotel" <bookings@keepr\.example>$/m);
  // Answers go to the hotel.
  expect(eml).toMatch(/^Reply-To: desk@harbour\.example$/m);
  const body = bodyOf(eml);
  expect(body).toContain("2 adults");
  expect(body).toContain("(1 night)");
  expect(body).toContain(`http://keepr.test/manage?code=${b.code}`);
  expect(body).toContain("Rua do Cais 12, Lisboa");
  expect(body).toContain("Check-in from 15:00, check-out until 11:00.");
  expect(body).toContain("The door code comes by SMS on the day.");
  expect(body).toContain("+351 21 000 0000\ndesk@harbour.example");
  expect(body).toContain('<a href="mailto:desk@harbour.example">desk@harbour.example</a>');
  // Free until two days before arrival at check-in time... in the property's time, then one night's price.
  expect(body).toMatch(/Free cancellation until \d{1,2} [A-Z][a-z]+ \d{4}(,| at) \d{2}:\d{2} \(Harbour "View" Hotel's local time\)\. After that, cancelling costs €\d+\.\d{2}\./);
  expect(body).toMatch(/(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]+ \d{4} – /);
  expectReadable(body);
});

it("a property's contact is checked: a malformed email or phone is refused (INVALID_INPUT's check_violation); a front desk may not change it", async () => {
  const h = await createHotel(db.ownerPool);
  for (const [column, value] of [["contact_email", "desk@harbour.example>, evil@x.example"], ["contact_phone", "call me"], ["arrival_instructions", ""]] as const) {
    const error = await committed(async (c) => {
      await actAs(c, { role: "keepr_staff", userId: h.manager });
      await c.query(`update app_public.properties set ${column} = $2 where id = $1`, [h.propertyId, value]);
    }).catch((e: { code?: string }) => e.code);
    expect([column, error]).toEqual([column, "23514"]);
  }
  const updated = await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    return (await c.query("update app_public.properties set contact_phone = '+351 21 000 0001' where id = $1", [h.propertyId])).rowCount;
  });
  expect(updated).toBe(0);
});

it("a change says the new dates and the new deadline; a cancellation its fee and refund, or that there are none", async () => {
  const h = await createHotel(db.ownerPool, { ratePlan: { free_cancellation_days: 2, cancellation_penalty_kind: "nights", cancellation_penalty_value: 1 } });
  const b = await book(h, 20, 2, "grace@example.com");
  const newArrival = addDays(b.arrival, 5);
  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    await c.query("select app_public.modify_reservation($1, $2, arrival => $3::date, departure => $4::date)", [b.id, newKey(), newArrival, addDays(newArrival, 3)]);
  });
  await runJobs();
  const changed = bodyOf(email(/Subject: Your booking .* was changed/));
  expect(changed).toContain("(3 nights)");
  const deadline = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${addDays(newArrival, -2)}T12:00:00Z`));
  expect(changed).toContain(`Free cancellation until ${deadline}`);
  expectReadable(changed);

  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    await c.query("select app_public.cancel_reservation($1, $2)", [b.id, newKey()]);
  });
  await runJobs();
  const cancelled = bodyOf(email(/Subject: Your booking .* is cancelled/));
  expect(cancelled).toContain("No cancellation fee.");
  expect(cancelled).toContain("There is nothing to refund.");
  expect(cancelled).toMatch(/\(\w{3}, \d{1,2} [A-Z][a-z]+ \d{4} – \w{3}, \d{1,2} [A-Z][a-z]+ \d{4}, 3 nights\) is cancelled/);
  expectReadable(cancelled);

  // A non-refundable booking cancelled: its fee, said.
  const strict = (await db.ownerPool.query<{ id: string }>(
    "insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, included_guests, is_refundable) values ($1, $2, 'Saver', 'EUR', 9000, 2, false) returning id",
    [h.propertyId, h.roomTypeId],
  )).rows[0]!.id;
  const s = await book(h, 30, 1, "saver@example.com", strict);
  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    await c.query("select app_public.cancel_reservation($1, $2)", [s.id, newKey()]);
  });
  await runJobs();
  const fee = (await db.ownerPool.query<{ penalty_amount: string }>("select penalty_amount from app_public.reservations where id = $1", [s.id])).rows[0]!.penalty_amount;
  expect(Number(fee)).toBeGreaterThan(0);
  const saver = bodyOf(email(new RegExp(`Subject: Your booking ${s.code} is cancelled`)));
  expect(saver).toContain(`Cancellation fee: €${(Number(fee) / 100).toFixed(2)}.`);
});

describe("rendered in Portuguese, with a refund", () => {
  const context: NotificationContext = {
    language: "pt",
    code: "ABCD2345",
    guest: { name: "Ana", email: "ana@example.com" },
    property: { name: "Hotel do Cais", city: "Lisboa", address: "Rua do Cais 12", currency: "EUR", time_zone: "Europe/Lisbon", check_out_time: "11:00" },
    stay: { arrival: "2027-03-10", departure: "2027-03-11", nights: 1, adults: 1, children: 2 },
    room_type: "Duplo",
    rate_plan: "Flexível",
    check_in_time: "15:00",
    cancellation_terms: "Free cancellation until 2027-03-08 15:00 Europe/Lisbon; afterwards costs 1 night.",
    free_cancellation_until: "2027-03-08T15:00:00+00:00",
    late_cancellation_penalty: 12000,
    total: 24000,
    penalty: 0,
    refund: 7200,
    balance: 0,
    manage_url: "https://book.example/manage?code=ABCD2345",
  };

  it("says 1 adulto, 2 crianças, 1 noite, the deadline in words and the refund", () => {
    const confirmation = render("confirmation", "email", context);
    expect(confirmation.text).toContain("1 adulto, 2 crianças");
    expect(confirmation.text).toContain("(1 noite)");
    expect(confirmation.text).toMatch(/Cancelamento gratuito até 8 de março de 2027,? (às )?15:00 \(hora local de Hotel do Cais\)\. Depois, cancelar custa 120,00\s€\./u);
    expect(confirmation.text).toContain("https://book.example/manage?code=ABCD2345");
    // (Handlebars escapes "=" in the attribute as &#x3D;, which every HTML reader decodes.)
    expect(confirmation.html).toContain('<a href="https://book.example/manage?code&#x3D;ABCD2345">');
    expectReadable(confirmation.text);
    const cancelled = render("cancellation", "email", { ...context, stay: { ...context.stay, nights: 2, departure: "2027-03-12" } });
    expect(cancelled.text).toMatch(/quarta(-feira)?, 10 de março de 2027/);
    expect(cancelled.text).toContain("2 noites");
    expect(cancelled.text).toContain("Sem taxa de cancelamento.");
    expect(cancelled.text).toMatch(/Estamos a reembolsar 72,00\s€ no seu cartão/u);
    expectReadable(cancelled.text);
  });

  it("a deadline already past is not offered: the terms say what cancelling costs", () => {
    const late = render("modification", "email", { ...context, language: "en", free_cancellation_until: "2020-01-01T00:00:00Z" });
    expect(late.text).toContain("The free-cancellation period is over: cancelling costs €120.00.");
    expect(late.text).not.toContain("Free cancellation");
  });
});
