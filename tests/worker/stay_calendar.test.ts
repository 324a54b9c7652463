// The stay's .ics in the guest's emails (issue 22), from real bookings
// delivered by the worker to the outbox and read back with ical.js: the
// confirmation carries it (METHOD:PUBLISH, SEQUENCE 0), each change a new
// version with the same UID and a SEQUENCE one higher and the new dates, the
// cancellation METHOD:CANCEL / STATUS:CANCELLED one higher again; the words
// in the property's language.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { actAs, fileDatabase, inCommit } from "../helpers/db.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { addDays, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { calendarPartOf, expectRfc5545Lines, parseStay, type ParsedStay } from "../helpers/ics.ts";

const db = fileDatabase();
let outbox: string;
beforeEach(() => {
  outbox = newOutbox();
});

const runJobs = () => runDueJobs(db, { OUTBOX_DIR: outbox, MAIL_FROM: "Keepr <bookings@keepr.example>" });
const committed = <T>(fn: (c: pg.PoolClient) => Promise<T>) => inCommit(db.ownerPool, fn);

async function book(h: Hotel, arrivalOffset: number, nights: number, email: string) {
  return committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    const arrival = localDate(h.timeZone, arrivalOffset);
    const q = await quote(c, h.ratePlanId, arrival, addDays(arrival, nights));
    const held = await hold(c, q.quote_token);
    const { rows } = await c.query("select * from app_public.confirm_booking($1, $2, 'Ada Lovelace', $3, '+351 912 345 678')", [held.reservation_id, newKey(), email]);
    return { id: rows[0].reservation_id as string, code: rows[0].confirmation_code as string, arrival };
  });
}

/** Every email in the outbox whose subject (from its .json summary) matches, read whole. */
function messages(subject: RegExp): string[] {
  return readdirSync(outbox)
    .filter((f) => f.endsWith(".json") && subject.test(JSON.parse(readFileSync(path.join(outbox, f), "utf8")).subject))
    .map((f) => readFileSync(path.join(outbox, f.replace(/\.json$/, ".eml")), "utf8"));
}

/** The one email whose subject matches: its calendar part, parsed. */
function calendarOf(subject: RegExp): { stay: ParsedStay; contentType: string; disposition: string; text: string } {
  const found = messages(subject);
  expect(found).toHaveLength(1);
  const part = calendarPartOf(found[0]!);
  if (!part) throw new Error("no text/calendar part");
  expectRfc5545Lines(part.text);
  return { stay: parseStay(part.text), ...part };
}

/** What the email of a kind said (as recorded when sent). */
const bodyOf = async (reservationId: string, template: string) =>
  (await db.ownerPool.query<{ body_text: string }>("select body_text from app_public.notifications where reservation_id = $1 and template = $2 and channel = 'email' order by created_at desc limit 1", [reservationId, template])).rows[0]!.body_text;

/** The instant Postgres gives the property's local date and time. */
const instant = async (date: string, time: string, zone: string) =>
  (await db.ownerPool.query<{ t: Date }>("select ($1::date + $2::time) at time zone $3 as t", [date, time, zone])).rows[0]!.t.toISOString();

it("confirmation, change, change, cancellation: one UID, SEQUENCE 0, 1, 2, 3, the dates of each version, CANCEL at the end", async () => {
  const h = await createHotel(db.ownerPool, { timeZone: "Europe/Lisbon" });
  await db.ownerPool.query(
    `update app_public.properties set name = 'Casa do Mar, Ericeira; Surf 🏄 & Spa', language = 'pt', address = 'Rua do Ouriço 3, 2.º esq.; Ericeira',
            check_in_time = '15:00', check_out_time = '11:00', contact_email = 'reservas@casa.example', contact_phone = '+351 261 000 000',
            arrival_instructions = E'Chave no cofre, código 1234; portão à esquerda,\nsegunda porta 🚪.' where id = $1`,
    [h.propertyId],
  );
  const b = await book(h, 20, 2, "ada@example.com");
  await runJobs();

  const first = calendarOf(/está confirmada/);
  expect(first.contentType).toBe(`text/calendar; charset=utf-8; method=PUBLISH; name=stay-${b.code}.ics`);
  expect(first.disposition).toMatch(new RegExp(`^attachment; filename=stay-${b.code}\\.ics$`));
  expect(first.stay).toMatchObject({
    method: "PUBLISH", events: 1, uid: `${b.id}@keepr`, sequence: 0, status: "CONFIRMED",
    summary: "Estadia em Casa do Mar, Ericeira; Surf 🏄 & Spa",
    location: `Rua do Ouriço 3, 2.º esq.; Ericeira, ${(await db.ownerPool.query("select city from app_public.properties where id = $1", [h.propertyId])).rows[0].city}`,
    url: `http://keepr.test/manage?code=${b.code}`,
    organizer: "mailto:reservas@casa.example",
    startTzid: "Europe/Lisbon", startLocal: `${b.arrival.replace(/-/g, "")}T150000`,
    endLocal: `${addDays(b.arrival, 2).replace(/-/g, "")}T110000`,
    timezones: ["Europe/Lisbon"],
  });
  expect(first.stay.stamp).toMatch(/^\d{8}T\d{6}Z$/);
  expect(first.stay.start.toISOString()).toBe(await instant(b.arrival, "15:00", "Europe/Lisbon"));
  expect(first.stay.end.toISOString()).toBe(await instant(addDays(b.arrival, 2), "11:00", "Europe/Lisbon"));
  expect(first.stay.description).toContain(`Código de confirmação: ${b.code}`);
  expect(first.stay.description).toContain("Instruções de chegada: Chave no cofre, código 1234; portão à esquerda,\nsegunda porta 🚪.");
  expect(first.stay.description).toContain("2 adultos · 2 noites");
  // The email says what the file is for.
  expect(await bodyOf(b.id, "confirmation")).toContain(`Adicione a estadia ao seu calendário: abra o ficheiro anexo stay-${b.code}.ics.`);

  // Two changes: each a new version, one higher.
  let arrival = b.arrival;
  for (const [n, shift, nights] of [[1, 3, 3], [2, 1, 1]] as const) {
    arrival = addDays(arrival, shift);
    await committed(async (c) => {
      await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
      await c.query("select app_public.modify_reservation($1, $2, arrival => $3::date, departure => $4::date)", [b.id, newKey(), arrival, addDays(arrival, nights)]);
    });
    outbox = newOutbox();
    await runJobs();
    const changed = calendarOf(/foi alterada/);
    expect(changed.contentType).toBe(`text/calendar; charset=utf-8; method=PUBLISH; name=stay-${b.code}.ics`);
    expect(changed.stay).toMatchObject({ method: "PUBLISH", uid: `${b.id}@keepr`, sequence: n, status: "CONFIRMED", startLocal: `${arrival.replace(/-/g, "")}T150000` });
    expect(changed.stay.end.toISOString()).toBe(await instant(addDays(arrival, nights), "11:00", "Europe/Lisbon"));
    expect(await bodyOf(b.id, "modification")).toContain(`Adicione a estadia ao seu calendário: abra o ficheiro anexo stay-${b.code}.ics.`);
  }

  await committed(async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    await c.query("select app_public.cancel_reservation($1, $2)", [b.id, newKey()]);
  });
  outbox = newOutbox();
  await runJobs();
  const cancelled = calendarOf(/foi cancelada/);
  expect(cancelled.contentType).toBe(`text/calendar; charset=utf-8; method=CANCEL; name=stay-${b.code}.ics`);
  expect(cancelled.stay).toMatchObject({ method: "CANCEL", uid: `${b.id}@keepr`, sequence: 3, status: "CANCELLED", startLocal: `${arrival.replace(/-/g, "")}T150000` });
  expect(cancelled.stay.description).toMatch(/^Esta reserva está cancelada\./);
  expect(await bodyOf(b.id, "cancellation")).toContain(`O ficheiro anexo stay-${b.code}.ics retira a estadia do seu calendário.`);
});

it("an English property's confirmation is in English, organized by MAIL_FROM's address when the hotel has no email", async () => {
  const h = await createHotel(db.ownerPool, { timeZone: "America/New_York" });
  const b = await book(h, 10, 1, "grace@example.com");
  await runJobs();
  const { stay } = calendarOf(/is confirmed/);
  expect(stay).toMatchObject({ method: "PUBLISH", sequence: 0, organizer: "mailto:bookings@keepr.example", startTzid: "America/New_York" });
  expect(stay.summary).toMatch(/^Stay at Hotel [0-9a-f]+$/);
  expect(stay.description).toContain(`Confirmation code: ${b.code}`);
  expect(stay.description).toContain("Double · 2 adults · 1 night");
  expect(stay.start.toISOString()).toBe(await instant(b.arrival, "15:00", "America/New_York"));
  expect(await bodyOf(b.id, "confirmation")).toContain(`Add the stay to your calendar: open the attached file stay-${b.code}.ics.`);
});
