// The stay's .ics (channels/stay-calendar.ts) without a database: real-world
// words (commas, semicolons, line breaks, emoji, Portuguese accents) escaped
// and folded by RFC 5545 and read back unchanged by ical.js; check-in and
// check-out at the property's local times under TZID, and the file's own
// VTIMEZONE giving the same instants as the platform's time-zone data in
// zones with DST, half-hour and 45-minute offsets and none; the same bytes
// whatever the process's own TZ; CANCEL for a cancelled stay.
import { renderStayCalendar, type StayCalendarRow } from "../../channels/stay-calendar.ts";
import { expectRfc5545Lines, parseStay } from "../helpers/ics.ts";

/** The instant at which a zone's clock shows `wall` (YYYY-MM-DDTHH:MM), found with Intl's calendar fields (not its offset names). */
function instantOf(zone: string, wall: string): Date {
  const target = Date.parse(`${wall}:00Z`);
  const format = new Intl.DateTimeFormat("en-CA", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  const shown = (t: number) => {
    const p = Object.fromEntries(format.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return Date.parse(`${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:00Z`);
  };
  let t = target;
  for (let i = 0; i < 4; i++) t = target - (shown(t) - t);
  return new Date(t);
}

function row(overrides: Partial<StayCalendarRow> = {}): StayCalendarRow {
  const base = {
    id: "0f6c1c1e-1111-4222-8333-944445555666", status: "confirmed", code: "ABCD2345", arrival: "2027-03-27", departure: "2027-03-29",
    adults: 2, children: 1, sequence: 0, confirmed_at: new Date("2026-12-01T10:00:00Z"), updated_at: new Date("2026-12-01T10:00:00Z"),
    property_name: "Casa do Mar, Ericeira; Surf 🏄 & Spa — São João", address: "Rua do Ouriço 3, 2.º esq.; Ericeira", city: "Mafra",
    time_zone: "Europe/Lisbon", language: "pt", contact_email: "reservas@casa.example", contact_phone: "+351 261 000 000",
    arrival_instructions: "Chave no cofre, código 1234; portão à esquerda,\nsegunda porta 🚪. Não toque à campainha!",
    check_in_time: "15:00", check_out_time: "11:00", room_type: "Quarto Duplo, vista mar", ...overrides,
  };
  return {
    ...base,
    starts_at: overrides.starts_at ?? instantOf(base.time_zone, `${base.arrival}T${base.check_in_time}`),
    ends_at: overrides.ends_at ?? instantOf(base.time_zone, `${base.departure}T${base.check_out_time}`),
  } as StayCalendarRow;
}

const options = { language: "pt" as const, manageUrl: "https://book.example/manage?code=ABCD2345", organizerEmail: "no-reply@keepr.example", now: new Date("2026-12-06T01:02:03Z") };

it("real-world words are escaped and folded (CRLF, 75 octets) and read back unchanged; the event says where, when and how to get in, in Portuguese", () => {
  const text = renderStayCalendar(row(), options);
  expectRfc5545Lines(text);
  // Escaped as TEXT: a comma or semicolon never splits a value, a line break is "\n".
  expect(text.replace(/\r\n /g, "")).toContain("LOCATION:Rua do Ouriço 3\\, 2.º esq.\\; Ericeira\\, Mafra\r\n");
  const s = parseStay(text);
  expect(s).toMatchObject({
    method: "PUBLISH", events: 1, uid: "0f6c1c1e-1111-4222-8333-944445555666@keepr", sequence: 0, status: "CONFIRMED",
    summary: "Estadia em Casa do Mar, Ericeira; Surf 🏄 & Spa — São João",
    location: "Rua do Ouriço 3, 2.º esq.; Ericeira, Mafra",
    url: "https://book.example/manage?code=ABCD2345",
    organizer: "mailto:reservas@casa.example", organizerName: "Casa do Mar, Ericeira; Surf 🏄 & Spa — São João",
    startTzid: "Europe/Lisbon", startLocal: "20270327T150000", endTzid: "Europe/Lisbon", endLocal: "20270329T110000",
    stamp: "20261206T010203Z", timezones: ["Europe/Lisbon"],
  });
  expect(s.description.split("\n")).toEqual([
    "Código de confirmação: ABCD2345",
    "Quarto Duplo, vista mar · 2 adultos, 1 criança · 2 noites",
    "Check-in a partir das 15:00, check-out até às 11:00 (hora local de Casa do Mar, Ericeira; Surf 🏄 & Spa — São João).",
    "Instruções de chegada: Chave no cofre, código 1234; portão à esquerda,",
    "segunda porta 🚪. Não toque à campainha!",
    "Telefone: +351 261 000 000",
    "Email: reservas@casa.example",
    "A sua reserva: https://book.example/manage?code=ABCD2345",
  ]);
  // Through the file's own VTIMEZONE: 15:00 WET on the 27th, 11:00 WEST on the 29th (the clocks went forward on the 28th).
  expect(s.start.toISOString()).toBe("2027-03-27T15:00:00.000Z");
  expect(s.end.toISOString()).toBe("2027-03-29T10:00:00.000Z");
});

it.each([
  ["America/New_York", "2027-11-06", "2027-11-08", "16:00", "10:00"],
  ["Australia/Lord_Howe", "2027-04-03", "2027-04-05", "14:00", "10:30"],
  ["Asia/Kathmandu", "2027-01-10", "2027-01-12", "13:00", "12:00"],
  ["Pacific/Chatham", "2027-09-25", "2027-09-27", "15:00", "11:00"],
  ["America/St_Johns", "2027-03-13", "2027-03-15", "15:00", "11:00"],
  ["America/Sao_Paulo", "2027-02-20", "2027-02-22", "14:00", "12:00"],
  ["Asia/Tokyo", "2027-07-01", "2027-07-03", "15:00", "10:00"],
  ["Europe/Dublin", "2027-10-30", "2027-11-01", "15:00", "11:00"],
])("%s: the file's VTIMEZONE gives the same check-in and check-out instants as the platform's zone data", (zone, arrival, departure, checkIn, checkOut) => {
  const text = renderStayCalendar(row({ time_zone: zone, arrival, departure, check_in_time: checkIn, check_out_time: checkOut }), options);
  expectRfc5545Lines(text);
  const s = parseStay(text);
  expect(s.startTzid).toBe(zone);
  expect(s.startLocal).toBe(`${arrival.replace(/-/g, "")}T${checkIn.replace(":", "")}00`);
  expect(s.start.toISOString()).toBe(instantOf(zone, `${arrival}T${checkIn}`).toISOString());
  expect(s.end.toISOString()).toBe(instantOf(zone, `${departure}T${checkOut}`).toISOString());
});

it("the same bytes whatever the process's own time zone (a JavaScript Date is never read by the local clock)", () => {
  const saved = process.env.TZ;
  try {
    process.env.TZ = "UTC";
    const utc = renderStayCalendar(row(), options);
    process.env.TZ = "America/New_York";
    const newYork = renderStayCalendar(row(), options);
    process.env.TZ = "Asia/Kolkata";
    const kolkata = renderStayCalendar(row(), options);
    expect(newYork).toBe(utc);
    expect(kolkata).toBe(utc);
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

it("a cancelled stay is METHOD:CANCEL with STATUS:CANCELLED, the same UID and its own SEQUENCE; English for other languages", () => {
  const s = parseStay(renderStayCalendar(row({ status: "cancelled", sequence: 3, arrival_instructions: null, contact_email: null }), { ...options, language: "en" }));
  expect(s).toMatchObject({
    method: "CANCEL", status: "CANCELLED", sequence: 3, uid: "0f6c1c1e-1111-4222-8333-944445555666@keepr",
    summary: "Cancelled: stay at Casa do Mar, Ericeira; Surf 🏄 & Spa — São João",
    // No contact email: the address Keepr mails from organizes it.
    organizer: "mailto:no-reply@keepr.example",
  });
  expect(s.description).toMatch(/^This booking is cancelled\.\nConfirmation code: ABCD2345\nQuarto Duplo, vista mar · 2 adults, 1 child · 2 nights\n/);
  expect(s.description).not.toContain("Arrival instructions");
});
