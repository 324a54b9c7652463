// A guest's stay as an iCalendar object (RFC 5545) to add to their own
// calendar (issue 22): attached to the confirmation, change and cancellation
// emails (worker/tasks/send_notification.ts) and downloaded from the guest
// app's Manage page (server/stay-calendar.ts). Both read the same row with
// `stayCalendarQuery` and render it with `renderStayCalendar`, so the file a
// guest downloads is the one their last email carried.
//
// - One event per reservation, UID `<reservation id>@keepr`, the same for
//   every version.
// - SEQUENCE counts the changes the guest was told about: the reservation's
//   change messages (one `modification` notification cause per changing
//   transaction, app_private.tg_reservations__notify), plus one when it is
//   cancelled. Derived, no column: it rises with each change of dates,
//   guests, rate or price, and with the cancellation.
// - METHOD:PUBLISH (not REQUEST: the stay is not an invitation the guest
//   answers; Keepr takes no iTIP replies) while the stay stands, METHOD:CANCEL
//   with STATUS:CANCELLED once cancelled. ORGANIZER (which RFC 5546 asks of
//   both) is the hotel: its contact email, else the address Keepr mails from.
// - Check-in and check-out at the property's times in its time zone
//   (DTSTART;TZID=…), with a VTIMEZONE made from the platform's time-zone data
//   (Intl, the same IANA database Postgres uses) covering the stay.
// - Words in the guest's language (shared/guest-languages.ts: en, pt, es;
//   a property language Keepr does not speak, and any word a language lacks,
//   in English).
import ical, { ICalCalendarMethod, ICalEventStatus, ICalEventTransparency, type ICalDateTimeValue } from "ical-generator";
import { formatMessage } from "../shared/message-format.ts";
import { guestLanguageOf, localeOf, type GuestLanguage } from "../shared/guest-languages.ts";

/** What the event says, as `stayCalendarQuery` reads it. */
export interface StayCalendarRow {
  id: string;
  status: string;
  code: string;
  /** YYYY-MM-DD */
  arrival: string;
  /** YYYY-MM-DD */
  departure: string;
  /** Check-in: the arrival day at the property's check-in time, in its zone. */
  starts_at: Date;
  /** Check-out: the departure day at the property's check-out time, in its zone. */
  ends_at: Date;
  adults: number;
  children: number;
  sequence: number;
  confirmed_at: Date | null;
  updated_at: Date;
  property_name: string;
  address: string | null;
  city: string;
  time_zone: string;
  /** The property's language (what its emails are written in). */
  language: string;
  contact_email: string | null;
  contact_phone: string | null;
  arrival_instructions: string | null;
  check_in_time: string;
  check_out_time: string;
  room_type: string;
}

/**
 * The stay of a confirmed (or later cancelled, checked-in...) reservation,
 * whose id is the SQL expression `reservationId` (a parameter such as `$1`,
 * or a column of an enclosing query); no row for a hold. Run as keepr_worker
 * (it counts the reservation's notifications, which only the worker and
 * staff read): the guest's right to the booking is checked before, with the
 * guest's own rights.
 */
export const stayCalendarSelect = (reservationId: string) => `
  select r.id, r.status::text, r.confirmation_code as code,
         to_char(lower(r.stay), 'YYYY-MM-DD') as arrival, to_char(upper(r.stay), 'YYYY-MM-DD') as departure,
         (lower(r.stay) + p.check_in_time) at time zone p.time_zone as starts_at,
         (upper(r.stay) + p.check_out_time) at time zone p.time_zone as ends_at,
         r.adults, r.children, r.confirmed_at, r.updated_at,
         (select count(distinct n.cause) from app_public.notifications n
           where n.property_id = r.property_id and n.reservation_id = r.id and n.template = 'modification')::int
           + (r.status = 'cancelled')::int as sequence,
         p.name as property_name, p.address, p.city, p.time_zone, p.language, p.contact_email, p.contact_phone, p.arrival_instructions,
         to_char(p.check_in_time, 'HH24:MI') as check_in_time, to_char(p.check_out_time, 'HH24:MI') as check_out_time,
         rt.name as room_type
    from app_public.reservations r
    join app_public.properties p on p.id = r.property_id
    join app_public.room_types rt on rt.property_id = r.property_id and rt.id = r.room_type_id
   where r.id = ${reservationId} and r.confirmation_code is not null and r.status <> 'held'`;

/** `stayCalendarSelect` by id: one parameter, the reservation's id. */
export const stayCalendarQuery = stayCalendarSelect("$1");

/** The row as `to_jsonb` gives it inside a larger query (timestamps as ISO strings), made a StayCalendarRow again. */
export function stayCalendarRowOf(json: Omit<StayCalendarRow, "starts_at" | "ends_at" | "confirmed_at" | "updated_at"> & Record<"starts_at" | "ends_at" | "updated_at", string> & { confirmed_at: string | null }): StayCalendarRow {
  return {
    ...json,
    starts_at: new Date(json.starts_at),
    ends_at: new Date(json.ends_at),
    confirmed_at: json.confirmed_at === null ? null : new Date(json.confirmed_at),
    updated_at: new Date(json.updated_at),
  };
}

export type StayLanguage = GuestLanguage;
export const stayLanguageOf = guestLanguageOf;

type Words = Record<"summary" | "cancelledSummary" | "cancelled" | "code" | "nights" | "adults" | "children" | "times" | "instructions" | "phone" | "email" | "manage", string>;
/** English whole; other languages may lack a word (said in English then; tests/worker/guest_languages.test.ts fails while one does). */
export const stayCalendarWords: { en: Words } & Record<GuestLanguage, Partial<Words>> = {
  en: {
    summary: "Stay at {name}",
    cancelledSummary: "Cancelled: stay at {name}",
    cancelled: "This booking is cancelled.",
    code: "Confirmation code: {code}",
    nights: "{count, plural, one {# night} other {# nights}}",
    adults: "{count, plural, one {# adult} other {# adults}}",
    children: "{count, plural, one {# child} other {# children}}",
    times: "Check-in from {in}, check-out until {out} ({name}'s local time).",
    instructions: "Arrival instructions: {text}",
    phone: "Phone: {phone}",
    email: "Email: {email}",
    manage: "Your booking: {url}",
  },
  pt: {
    summary: "Estadia em {name}",
    cancelledSummary: "Cancelada: estadia em {name}",
    cancelled: "Esta reserva está cancelada.",
    code: "Código de confirmação: {code}",
    nights: "{count, plural, one {# noite} other {# noites}}",
    adults: "{count, plural, one {# adulto} other {# adultos}}",
    children: "{count, plural, one {# criança} other {# crianças}}",
    times: "Check-in a partir das {in}, check-out até às {out} (hora local de {name}).",
    instructions: "Instruções de chegada: {text}",
    phone: "Telefone: {phone}",
    email: "Email: {email}",
    manage: "A sua reserva: {url}",
  },
  es: {
    summary: "Estancia en {name}",
    cancelledSummary: "Cancelada: estancia en {name}",
    cancelled: "Esta reserva está cancelada.",
    code: "Código de confirmación: {code}",
    nights: "{count, plural, one {# noche} other {# noches}}",
    adults: "{count, plural, one {# adulto} other {# adultos}}",
    children: "{count, plural, one {# niño} other {# niños}}",
    times: "Entrada a partir de las {in}, salida hasta las {out} (hora local de {name}).",
    instructions: "Instrucciones de llegada: {text}",
    phone: "Teléfono: {phone}",
    email: "Correo electrónico: {email}",
    manage: "Su reserva: {url}",
  },
};

export interface StayCalendarOptions {
  language: StayLanguage;
  /** The guest's booking page, when the public URL is known. */
  manageUrl?: string;
  /** ORGANIZER's address when the property has no contact email (MAIL_FROM's). */
  organizerEmail: string;
  /** DTSTAMP; now by default. */
  now?: Date;
}

/** The .ics file's name: "stay-<code>.ics". */
export const stayCalendarFileName = (row: Pick<StayCalendarRow, "code">) => `stay-${row.code}.ics`;

/** The iTIP method of this version: CANCEL once cancelled, else PUBLISH. */
export const stayCalendarMethod = (row: Pick<StayCalendarRow, "status">): "PUBLISH" | "CANCEL" => (row.status === "cancelled" ? "CANCEL" : "PUBLISH");

/** The MIME type of the file, method included (RFC 6047): `text/calendar; charset=utf-8; method=PUBLISH`. */
export const stayCalendarContentType = (row: Pick<StayCalendarRow, "status">) => `text/calendar; charset=utf-8; method=${stayCalendarMethod(row)}`;

export function renderStayCalendar(row: StayCalendarRow, options: StayCalendarOptions): string {
  const w: Words = { ...stayCalendarWords.en, ...stayCalendarWords[options.language] };
  const locale = localeOf(options.language);
  const say = (key: keyof Words, params: Record<string, string | number>) => formatMessage(w[key], params, locale);
  const cancelled = row.status === "cancelled";
  const nights = Math.round((Date.parse(`${row.departure}T00:00:00Z`) - Date.parse(`${row.arrival}T00:00:00Z`)) / 86_400_000);
  const guests = [say("adults", { count: row.adults }), ...(row.children > 0 ? [say("children", { count: row.children })] : [])].join(", ");
  const description = [
    ...(cancelled ? [w.cancelled] : []),
    say("code", { code: row.code }),
    `${row.room_type} · ${guests} · ${say("nights", { count: nights })}`,
    say("times", { in: row.check_in_time, out: row.check_out_time, name: row.property_name }),
    ...(row.arrival_instructions && !cancelled ? [say("instructions", { text: row.arrival_instructions })] : []),
    ...(row.contact_phone ? [say("phone", { phone: row.contact_phone })] : []),
    ...(row.contact_email ? [say("email", { email: row.contact_email })] : []),
    ...(options.manageUrl ? [say("manage", { url: options.manageUrl })] : []),
  ].join("\n");

  const calendar = ical({
    prodId: { company: "Keepr", product: "Keepr", language: options.language.toUpperCase() },
    method: cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH,
    // Only the generator: a calendar-wide zone would also write DTSTAMP in it.
    timezone: { name: null, generator: (zone: string) => vtimezone(zone, row.starts_at, row.ends_at) },
  });
  calendar.createEvent({
    id: `${row.id}@keepr`,
    sequence: row.sequence,
    stamp: options.now ?? new Date(),
    start: wallClock(row.arrival, row.check_in_time, row.starts_at),
    end: wallClock(row.departure, row.check_out_time, row.ends_at),
    timezone: row.time_zone,
    summary: say(cancelled ? "cancelledSummary" : "summary", { name: row.property_name }),
    location: [row.address, row.city].filter((x): x is string => !!x && x.trim() !== "").join(", ") || null,
    description,
    url: options.manageUrl ?? null,
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    // A stay does not make its guest busy for days on end.
    transparency: ICalEventTransparency.TRANSPARENT,
    organizer: { name: row.property_name.replace(/[\r\n]+/g, " "), email: row.contact_email ?? options.organizerEmail },
    created: row.confirmed_at ?? null,
    lastModified: row.updated_at,
  });
  const text = calendar.toString();
  return text.endsWith("\r\n") ? text : `${text}\r\n`;
}

/**
 * A local date and time of the property, as ical-generator writes it after
 * TZID=: given as it is, never through a JavaScript Date (ical-generator reads
 * a Date with an event time zone by the *process's* local clock). The shape
 * is the Luxon DateTime that ical-generator accepts, already in its zone.
 */
function wallClock(date: string, time: string, instant: Date): ICalDateTimeValue {
  const day = date.replace(/-/g, "");
  const clock = `${time.replace(":", "").padEnd(4, "0")}00`;
  const value = {
    isValid: true,
    zone: { type: "iana" },
    setZone: () => value,
    toFormat: (format: string) => {
      if (format === "yyyyLLdd") return day;
      if (format === "HHmmss") return clock;
      throw new RangeError(`unexpected date format ${format}`);
    },
    toJSDate: () => instant,
    toJSON: () => instant.toISOString(),
  };
  return value;
}

// ---------------------------------------------------------------------------
// VTIMEZONE from Intl: the zone's offsets, and each change of offset, from
// the year before the stay to the year after it, as explicit observances
// (no RRULE: a rule would claim more than the data says). The observance
// with the zone's smallest offset in that window is STANDARD, a larger one
// DAYLIGHT. DTSTART of an observance is the wall-clock time at which it
// begins, read in the offset before it (RFC 5545 §3.6.5).

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at an instant, in minutes east of Greenwich. */
export function offsetMinutes(zone: string, at: Date): number {
  let format = offsetFormats.get(zone);
  if (!format) offsetFormats.set(zone, (format = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })));
  const name = format.formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /^GMT(?:([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?)?$/.exec(name);
  if (!m) throw new RangeError(`unreadable offset ${name} of ${zone}`);
  if (!m[1]) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

const DAY = 86_400_000;

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}

/** An instant as the local date-time of a zone at a given offset: YYYYMMDDTHHMMSS. */
function localText(at: number, offset: number): string {
  return new Date(at + offset * 60_000).toISOString().replace(/[-:]/g, "").slice(0, 15);
}

// Made once per zone and span of years (about 1,100 offset look-ups, some
// 3 ms of CPU), then reused: a hotel's stays share a handful.
const vtimezones = new Map<string, string>();

/** The zone's VTIMEZONE from 1 January of the year before `from` to the end of the year after `to`. */
export function vtimezone(zone: string, from: Date, to: Date): string {
  const firstYear = from.getUTCFullYear() - 1;
  const lastYear = to.getUTCFullYear() + 1;
  const key = `${zone} ${firstYear} ${lastYear}`;
  const cached = vtimezones.get(key);
  if (cached) return cached;
  const start = Date.UTC(firstYear, 0, 1);
  const end = Date.UTC(lastYear + 1, 0, 1);
  const changes: { at: number; from: number; to: number }[] = [];
  let before = offsetMinutes(zone, new Date(start));
  const first = before;
  for (let t = start; t < end; t += DAY) {
    const next = offsetMinutes(zone, new Date(t + DAY));
    if (next !== before) {
      // The minute of the change, by halving the day.
      let lo = t;
      let hi = t + DAY;
      while (hi - lo > 60_000) {
        const mid = Math.floor((lo + hi) / 2 / 60_000) * 60_000;
        if (offsetMinutes(zone, new Date(mid)) === before) lo = mid;
        else hi = mid;
      }
      changes.push({ at: hi, from: before, to: next });
      before = next;
    }
  }
  const standard = Math.min(first, ...changes.map((c) => c.to));
  const observances = [{ at: start, from: first, to: first }, ...changes].map((c) => {
    const kind = c.to > standard ? "DAYLIGHT" : "STANDARD";
    return [`BEGIN:${kind}`, `DTSTART:${localText(c.at, c.from)}`, `TZOFFSETFROM:${offsetText(c.from)}`, `TZOFFSETTO:${offsetText(c.to)}`, `END:${kind}`].join("\r\n");
  });
  const text = ["BEGIN:VTIMEZONE", `TZID:${zone}`, `X-LIC-LOCATION:${zone}`, ...observances, "END:VTIMEZONE"].join("\r\n");
  if (vtimezones.size >= 1_000) vtimezones.clear();
  vtimezones.set(key, text);
  return text;
}
