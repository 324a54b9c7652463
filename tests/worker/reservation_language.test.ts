// The reservation's language in its messages (issues 21 and 22): an English
// hotel with Portuguese and Spanish translations of its room type, rate plan
// and arrival instructions; a guest who books in the guest app in Portuguese
// (the request's keepr.language, as the API sets it from Keepr-Language) or
// Spanish gets the confirmation in that language with the translated names
// and instructions; a guest with no language, the property's own; and the
// desk's change of the language (setReservationLanguage) is what the next
// message speaks. Committed bookings, messages sent by the worker.
import type pg from "pg";
import { actAs, fileDatabase, inCommit } from "../helpers/db.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { addDays, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";

const db = fileDatabase();
const committed = <T>(fn: (c: pg.PoolClient) => Promise<T>) => inCommit(db.ownerPool, fn);

let hotel: Hotel;
let daysAhead = 20;

beforeAll(async () => {
  hotel = await createHotel(db.ownerPool, { timeZone: "Europe/Lisbon" });
  const h = hotel;
  await db.ownerPool.query(
    "update app_public.properties set language = 'en', name = 'Harbour Hotel', arrival_instructions = 'Keys at the desk.' where id = $1",
    [h.propertyId],
  );
  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.manager });
    await c.query("select app_public.set_property_translation($1, 'pt', null, 'Chaves na receção.')", [h.propertyId]);
    await c.query("select app_public.set_property_translation($1, 'es', null, 'Llaves en la recepción.')", [h.propertyId]);
    await c.query("select app_public.set_room_type_translation($1, 'pt', 'Quarto duplo', null)", [h.roomTypeId]);
    await c.query("select app_public.set_room_type_translation($1, 'es', 'Habitación doble', null)", [h.roomTypeId]);
    // No Spanish name for the rate plan: Spanish readers get its own ("Flexible").
    await c.query("select app_public.set_rate_plan_translation($1, 'pt', 'Flexível', null)", [h.ratePlanId]);
  });
});

/** A guest's booking made through the guest app in `language` (null: a request without one); its confirmation code. */
async function bookIn(language: string | null, email: string): Promise<{ id: string; code: string }> {
  return committed(async (c) => {
    await actAs(c, { role: "keepr_anonymous" });
    if (language) await c.query("select set_config('keepr.language', $1, true)", [language]);
    const arrival = localDate(hotel.timeZone, daysAhead);
    daysAhead += 2;
    const q = await quote(c, hotel.ratePlanId, arrival, addDays(arrival, 1));
    const held = await hold(c, q.quote_token);
    const { rows } = await c.query("select * from app_public.confirm_booking($1, $2, 'Guest', $3, null, hold_token => $4)", [
      held.reservation_id, newKey(), email, held.hold_token,
    ]);
    return { id: held.reservation_id, code: rows[0].confirmation_code as string };
  });
}

async function sentTo(email: string) {
  const { rows } = await db.ownerPool.query<{ template: string; subject: string; body_text: string }>(
    "select template, subject, body_text from app_public.notifications where recipient = $1 and channel = 'email' and status = 'sent' order by created_at",
    [email],
  );
  return rows;
}

it("a booking made in Portuguese is confirmed in Portuguese, with the room type, rate plan and arrival instructions translated", async () => {
  const b = await bookIn("pt", "ana@example.com");
  await runDueJobs(db, { OUTBOX_DIR: newOutbox(), MAIL_FROM: "Keepr <bookings@keepr.example>" });
  const [mail] = await sentTo("ana@example.com");
  expect(mail!.subject).toBe(`A sua reserva ${b.code} em Harbour Hotel está confirmada`);
  expect(mail!.body_text).toContain("Quarto duplo · Flexível");
  expect(mail!.body_text).toContain("Chaves na receção.");
  expect(mail!.body_text).not.toContain("Keys at the desk.");
});

it("a booking made in Spanish is confirmed in Spanish; what has no Spanish translation is the property's own", async () => {
  const b = await bookIn("es", "lucia@example.com");
  await runDueJobs(db, { OUTBOX_DIR: newOutbox(), MAIL_FROM: "Keepr <bookings@keepr.example>" });
  const [mail] = await sentTo("lucia@example.com");
  expect(mail!.subject).toBe(`Su reserva ${b.code} en Harbour Hotel está confirmada`);
  expect(mail!.body_text).toContain("Habitación doble · Flexible");
  expect(mail!.body_text).toContain("Llaves en la recepción.");
});

it("a booking with no language is written in the property's; the desk's change of language is what the next message speaks", async () => {
  const b = await bookIn(null, "sam@example.com");
  await runDueJobs(db, { OUTBOX_DIR: newOutbox(), MAIL_FROM: "Keepr <bookings@keepr.example>" });
  expect(await sentTo("sam@example.com")).toEqual([
    expect.objectContaining({ subject: `Your booking ${b.code} at Harbour Hotel is confirmed`, body_text: expect.stringContaining("Double · Flexible") }),
  ]);
  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
    await c.query("select app_public.set_reservation_language($1, 'pt')", [b.id]);
    await c.query("select app_public.cancel_reservation($1, $2, 'Plans changed')", [b.id, newKey()]);
  });
  await runDueJobs(db, { OUTBOX_DIR: newOutbox(), MAIL_FROM: "Keepr <bookings@keepr.example>" });
  const mails = await sentTo("sam@example.com");
  expect(mails.map((m) => m.template)).toEqual(["confirmation", "cancellation"]);
  expect(mails[1]!.subject).toContain(b.code);
  expect(mails[1]!.body_text).toMatch(/reserva/);
  expect(mails[1]!.body_text).not.toMatch(/booking/i);
});
