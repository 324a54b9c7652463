// The iCal side of OTA channel sync, with no database in sight: render a
// unit's calendar for Airbnb, Vrbo, Booking.com and other PMSs to import,
// and parse their feeds into stays of whole nights.
//
// A stay is a pair of calendar dates in the property's local calendar, first
// night inclusive and checkout day exclusive, the same `[arrive, depart)`
// shape as a `daterange` in the database. Times of day never survive: an
// OTA blocks nights, not hours.
//
// The parser is strict where a mistake would open dates that are taken. A
// feed that is truncated, or that holds a value we cannot read, is refused
// as a whole (FeedError "malformed") rather than read in part: the caller
// keeps the last good import, whereas a partial read would look like
// cancelled stays and release their nights to be double-booked.
import { createHash } from "node:crypto";
import ical, { ICalCalendarMethod } from "ical-generator";
import ICAL from "ical.js";
import { findCalendarProblem } from "./ical-validate.ts";

export interface CalendarEvent {
  uid: string;
  /** YYYY-MM-DD, the first night. */
  start: string;
  /** YYYY-MM-DD, the checkout day (exclusive). */
  end: string;
  summary: string;
  description?: string;
  lastModified?: Date;
}

/**
 * A valid RFC 5545 VCALENDAR of all-day events (DTSTART;VALUE=DATE /
 * DTEND;VALUE=DATE, exclusive end), PRODID "-//Keepr//Keepr//EN",
 * X-WR-CALNAME, METHOD:PUBLISH, CRLF line endings, folded lines — what
 * Airbnb/Vrbo/Booking.com import.
 */
export function renderCalendar(input: { name: string; events: CalendarEvent[]; now?: Date }): string {
  const stamp = input.now ?? new Date();
  const calendar = ical({
    // ical-generator 11 writes NAME and X-WR-CALNAME as given, unescaped: a
    // ";" or "," would read as a value separator and a newline would end
    // the line mid-name. Escape them as RFC 5545 TEXT (§3.3.11) here.
    name: escapeText(input.name),
    prodId: { company: "Keepr", product: "Keepr", language: "EN" },
    method: ICalCalendarMethod.PUBLISH,
  });
  for (const event of input.events) {
    // With no calendar time zone ical-generator writes a date-only value
    // from the UTC fields, so UTC midnight is exactly the calendar date.
    const start = utcMidnightOf(event.start);
    const end = utcMidnightOf(event.end);
    if (end <= start) throw new RangeError(`event ${event.uid}: end ${event.end} is not after start ${event.start}`);
    calendar.createEvent({
      id: event.uid,
      allDay: true,
      start,
      end,
      summary: event.summary,
      description: event.description ?? null,
      lastModified: event.lastModified ?? null,
      stamp,
    });
  }
  const text = calendar.toString();
  // RFC 5545 ends every content line with CRLF, the last one included; some
  // importers drop a final line that lacks it.
  return text.endsWith("\r\n") ? text : `${text}\r\n`;
}

/** An RFC 5545 TEXT value (§3.3.11): backslash, ";" and "," escaped, any line break as "\\n". */
function escapeText(value: string): string {
  return value.replace(/[\\;,]/g, (character) => `\\${character}`).replace(/\r\n|\r|\n/g, "\\n");
}

export interface FeedEvent {
  uid: string;
  /** YYYY-MM-DD, the first night, in the property's calendar. */
  start: string;
  /** YYYY-MM-DD, the checkout day (exclusive), in the property's calendar. */
  end: string;
  summary: string;
  cancelled: boolean;
}

export type FeedErrorCode = "malformed" | "empty" | "too_large";

/**
 * A feed we refuse to read. The caller keeps what it imported last time:
 * "malformed" (not iCalendar, truncated, or an unreadable value), "empty"
 * (no body at all, which is what a failed export often serves; a calendar
 * with no events is not this, it is a valid "nothing blocked"), "too_large"
 * (above maxBytes).
 */
export class FeedError extends Error {
  readonly code: FeedErrorCode;
  /** For "malformed" found by the shape check: the 1-based line of the feed that is wrong. */
  readonly line?: number;
  constructor(code: FeedErrorCode, message: string, options?: { cause?: unknown; line?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FeedError";
    this.code = code;
    if (options?.line !== undefined) this.line = options.line;
  }
}

const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const RECURRENCE_HORIZON_YEARS = 2;
// Bounds the work one hostile or silly RRULE (FREQ=MINUTELY since 1970) can
// cause; ten thousand is a daily event for 27 years. A series that needs
// more is refused rather than cut short, since the occurrences past the cut
// would read as released nights.
const MAX_OCCURRENCES_PER_SERIES = 10_000;

/**
 * Parses an OTA feed into all-day stays: DATE values as they are; DATE-TIME
 * values (UTC, TZID or floating) converted to the calendar date in `timeZone`
 * (the property's IANA zone); a missing DTEND means one night; events with
 * STATUS:CANCELLED are returned with cancelled: true; events whose end <=
 * start are skipped; RRULE events are expanded for at most the next 2 years
 * (rare in OTA feeds but legal); duplicate UIDs (RECURRENCE-ID overrides)
 * resolved to the latest; events without UID get a stable synthetic uid
 * (hash of start/end/summary). Text that is not a valid iCalendar, or
 * fails to parse, throws FeedError("malformed"). Bodies above maxBytes (default 5 MB)
 * throw "too_large".
 *
 * Details the summary leaves open:
 * - A TZID that is an IANA name (also inside a path such as
 *   "/mozilla.org/20050126_1/Europe/Lisbon") is resolved with the runtime's
 *   tz database; any other TZID through the feed's VTIMEZONE; a TZID with
 *   neither is read as floating, i.e. as the property's own wall clock.
 * - DURATION is honoured when DTEND is absent.
 * - Occurrences of a series are those ending after today (in `timeZone`)
 *   and starting within the horizon; each gets the uid
 *   "<uid>#<original start>", stable while the series is. Single events are
 *   returned whether past or future.
 * - "Latest" means highest SEQUENCE, then LAST-MODIFIED, then DTSTAMP, then
 *   the later position in the file.
 * - A calendar with METHOD:CANCEL cancels every event in it.
 * - Before anything is read the feed must be an RFC 5545 calendar
 *   (channels/ical-validate.ts): content lines and folds only, balanced
 *   and properly nested components, VERSION:2.0 and PRODID on every
 *   VCALENDAR, DTSTART on every VEVENT. Otherwise FeedError("malformed")
 *   says which line is wrong and how (and carries it as `line`).
 * - A series with more than 10,000 occurrences before the horizon is refused
 *   as "malformed" rather than expanded in part.
 * - The result is sorted by start, then uid.
 * An unknown `timeZone` is a programming error and throws RangeError.
 */
export function parseFeed(text: string, options: { timeZone: string; maxBytes?: number; now?: Date }): FeedEvent[] {
  const { timeZone } = options;
  assertTimeZone(timeZone);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // A string's UTF-8 size is at least its length, so most oversized bodies
  // are refused before being measured.
  if (text.length > maxBytes || Buffer.byteLength(text, "utf8") > maxBytes) {
    throw new FeedError("too_large", `the feed is larger than ${maxBytes} bytes`);
  }
  const body = text.replace(/^\uFEFF/, "").trim();
  if (body === "") throw new FeedError("empty", "the feed body is empty");
  // Nothing is read from a feed that is not an RFC 5545 calendar: junk
  // between BEGIN:VCALENDAR and END:VCALENDAR would otherwise read as "no
  // bookings" and release every block, and a cut-off download as "the
  // missing stays were cancelled". Line numbers count from the text as
  // served, so the check runs on it rather than on the trimmed body.
  const problem = findCalendarProblem(text);
  if (problem) throw new FeedError("malformed", `the feed is not a valid iCalendar: line ${problem.line}: ${problem.reason}`, { line: problem.line });

  try {
    return readCalendars(parseCalendars(body), {
      timeZone,
      today: dateInZone((options.now ?? new Date()).getTime(), timeZone),
    });
  } catch (error) {
    if (error instanceof FeedError) throw error;
    // ical.js decodes values lazily, so a bad date surfaces here rather than
    // in ICAL.parse.
    throw new FeedError("malformed", `the feed could not be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

type Component = InstanceType<typeof ICAL.Component>;
type Time = InstanceType<typeof ICAL.Time>;
type Property = InstanceType<typeof ICAL.Property>;

interface ReadContext {
  timeZone: string;
  /** YYYY-MM-DD in timeZone. */
  today: string;
}

function parseCalendars(body: string): Component[] {
  const jcal: unknown = ICAL.parse(body);
  if (!Array.isArray(jcal)) throw new FeedError("malformed", "the feed holds no calendar");
  // One component parses to ["vcalendar", ...]; several to a list of them.
  const components = (typeof jcal[0] === "string" ? [jcal] : jcal) as unknown[][];
  return components.map((jcalComponent) => {
    const component = new ICAL.Component(jcalComponent);
    if (component.name !== "vcalendar") {
      throw new FeedError("malformed", `the feed holds a ${component.name.toUpperCase()}, not a VCALENDAR`);
    }
    return component;
  });
}

function readCalendars(calendars: Component[], context: ReadContext): FeedEvent[] {
  const byUid = new Map<string, FeedEvent>();
  for (const calendar of calendars) {
    const cancelsAll = textProperty(calendar, "method")?.toUpperCase() === "CANCEL";
    for (const stay of readEvents(calendar.getAllSubcomponents("vevent"), context)) {
      // Later wins: with uids unique per feed this only merges identical
      // uid-less events, or a uid repeated across concatenated calendars.
      byUid.set(stay.uid, cancelsAll ? { ...stay, cancelled: true } : stay);
    }
  }
  return [...byUid.values()].sort((a, b) => compareDates(a.start, b.start) || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
}

function readEvents(vevents: Component[], context: ReadContext): FeedEvent[] {
  const stays: FeedEvent[] = [];
  const withUid = new Map<string, Component[]>();
  for (const vevent of vevents) {
    const uid = textProperty(vevent, "uid")?.trim();
    if (!uid) {
      const stay = readSingle(vevent, null, context);
      if (stay) stays.push(stay);
      continue;
    }
    const group = withUid.get(uid);
    if (group) group.push(vevent);
    else withUid.set(uid, [vevent]);
  }
  for (const [uid, group] of withUid) {
    const masters = group.filter((vevent) => !vevent.hasProperty("recurrence-id"));
    const master = latestOf(masters, group);
    if (master && (master.hasProperty("rrule") || master.hasProperty("rdate"))) {
      const overrides = group.filter((vevent) => vevent.hasProperty("recurrence-id"));
      stays.push(...expandSeries(uid, master, latestPerRecurrenceId(overrides, group), context));
    } else {
      // Without a series a RECURRENCE-ID is just another version of the one
      // event.
      const stay = readSingle(latestOf(group, group)!, uid, context);
      if (stay) stays.push(stay);
    }
  }
  return stays;
}

function readSingle(vevent: Component, uid: string | null, context: ReadContext): FeedEvent | null {
  const dtstart = vevent.getFirstProperty("dtstart");
  if (!dtstart) return null;
  const startTime = dtstart.getFirstValue() as Time;
  const start = calendarDateOf(startTime, tzidOf(dtstart), context.timeZone);
  const end = endDateOf(vevent, startTime, start, context.timeZone);
  if (compareDates(end, start) <= 0) return null;
  const summary = textProperty(vevent, "summary") ?? "";
  return {
    uid: uid ?? syntheticUid(start, end, summary),
    start,
    end,
    summary,
    cancelled: isCancelled(vevent),
  };
}

function expandSeries(uid: string, master: Component, overrides: Component[], context: ReadContext): FeedEvent[] {
  const series = new ICAL.Event(master, { exceptions: overrides });
  const horizon = addYears(context.today, RECURRENCE_HORIZON_YEARS);
  const iterator = series.iterator();
  const stays: FeedEvent[] = [];
  for (let scanned = 0; ; scanned++) {
    const occurrence: Time | undefined = iterator.next();
    if (!occurrence || compareDates(wallDateOf(occurrence), horizon) > 0) break;
    if (scanned === MAX_OCCURRENCES_PER_SERIES) {
      throw new FeedError("malformed", `the series ${uid} has more than ${MAX_OCCURRENCES_PER_SERIES} occurrences before ${horizon}`);
    }
    const details = series.getOccurrenceDetails(occurrence);
    const item = details.item.component;
    const itemStart = item.getFirstProperty("dtstart");
    const startZone = itemStart ? tzidOf(itemStart) : undefined;
    const start = calendarDateOf(details.startDate, startZone, context.timeZone);
    const overrideEnd = details.item === series ? null : item.getFirstProperty("dtend");
    let end: string;
    if (!item.hasProperty("dtend") && !item.hasProperty("duration")) end = addDays(start, 1);
    // An override's end is its own DTEND; any other occurrence's end is the
    // series' length added to the start, on the start's clock.
    else if (overrideEnd) end = calendarDateOf(details.endDate, tzidOf(overrideEnd), context.timeZone);
    else end = calendarDateOf(details.endDate, startZone, context.timeZone);
    if (compareDates(end, start) <= 0 || compareDates(end, context.today) <= 0) continue;
    stays.push({
      uid: `${uid}#${occurrence.toICALString()}`,
      start,
      end,
      summary: textProperty(item, "summary") ?? "",
      cancelled: isCancelled(item),
    });
  }
  return stays;
}

function endDateOf(vevent: Component, startTime: Time, start: string, timeZone: string): string {
  const dtend = vevent.getFirstProperty("dtend");
  if (dtend) return calendarDateOf(dtend.getFirstValue() as Time, tzidOf(dtend), timeZone);
  const duration = vevent.getFirstPropertyValue("duration");
  if (duration instanceof ICAL.Duration) {
    const endTime = startTime.clone();
    endTime.addDuration(duration);
    const dtstart = vevent.getFirstProperty("dtstart");
    return calendarDateOf(endTime, dtstart ? tzidOf(dtstart) : undefined, timeZone);
  }
  return addDays(start, 1);
}

function isCancelled(vevent: Component): boolean {
  return textProperty(vevent, "status")?.toUpperCase() === "CANCELLED";
}

/** The newest version of an event; `group` gives file order for the last tie-break. */
function latestOf(candidates: Component[], group: Component[]): Component | undefined {
  let latest: Component | undefined;
  for (const candidate of candidates) {
    if (!latest || compareVersions(candidate, latest, group) > 0) latest = candidate;
  }
  return latest;
}

function latestPerRecurrenceId(overrides: Component[], group: Component[]): Component[] {
  const byRecurrenceId = new Map<string, Component[]>();
  for (const override of overrides) {
    const key = String(override.getFirstPropertyValue("recurrence-id"));
    byRecurrenceId.set(key, [...(byRecurrenceId.get(key) ?? []), override]);
  }
  return [...byRecurrenceId.values()].map((versions) => latestOf(versions, group)!);
}

function compareVersions(a: Component, b: Component, group: Component[]): number {
  return (
    numberProperty(a, "sequence") - numberProperty(b, "sequence") ||
    instantProperty(a, "last-modified") - instantProperty(b, "last-modified") ||
    instantProperty(a, "dtstamp") - instantProperty(b, "dtstamp") ||
    group.indexOf(a) - group.indexOf(b)
  );
}

function textProperty(component: Component, name: string): string | undefined {
  const value = component.getFirstPropertyValue(name);
  return value === null || value === undefined ? undefined : String(value);
}

function numberProperty(component: Component, name: string): number {
  const value = component.getFirstPropertyValue(name);
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function instantProperty(component: Component, name: string): number {
  const value = component.getFirstPropertyValue(name);
  return value instanceof ICAL.Time ? value.toUnixTime() : 0;
}

function tzidOf(property: Property): string | undefined {
  const tzid = property.getFirstParameter("tzid");
  return typeof tzid === "string" && tzid !== "" ? tzid : undefined;
}

function syntheticUid(start: string, end: string, summary: string): string {
  const digest = createHash("sha256").update(`${start}\n${end}\n${summary}`).digest("hex");
  return `keepr-synthetic-${digest.slice(0, 32)}`;
}

// ---- Dates and zones -------------------------------------------------------

/** The calendar date, in `timeZone`, on which an iCalendar date or date-time falls. */
function calendarDateOf(time: Time, tzid: string | undefined, timeZone: string): string {
  if (time.isDate) return wallDateOf(time);
  const instant = instantOf(time, tzid);
  // Floating: the sender's wall clock, which can only mean the property's.
  return instant === null ? wallDateOf(time) : dateInZone(instant, timeZone);
}

function instantOf(time: Time, tzid: string | undefined): number | null {
  if (time.zone === ICAL.Timezone.utcTimezone || time.zone?.tzid === "UTC") {
    return Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
  }
  if (tzid === undefined) return null;
  const ianaZone = ianaZoneFor(tzid);
  if (ianaZone) return wallClockToInstant(time, ianaZone);
  // A non-IANA TZID (Outlook's "W. Europe Standard Time") is only usable
  // through the VTIMEZONE the feed ships with it.
  if (time.zone?.component) return time.toUnixTime() * 1000;
  return null;
}

function ianaZoneFor(tzid: string): string | undefined {
  const segments = tzid.split("/").filter((segment) => segment !== "");
  const candidates = [tzid, segments.join("/"), segments.slice(-3).join("/"), segments.slice(-2).join("/")];
  return candidates.find((candidate) => candidate !== "" && isTimeZone(candidate));
}

function wallDateOf(time: Time): string {
  return formatDate(time.year, time.month, time.day);
}

/** The instant at which the wall clock in `timeZone` shows `time` (the later offset in a DST gap, the earlier in an overlap). */
function wallClockToInstant(time: Time, timeZone: string): number {
  const wallAsUtc = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
  const firstGuess = offsetAt(wallAsUtc, timeZone);
  const instant = wallAsUtc - firstGuess;
  const correctedOffset = offsetAt(instant, timeZone);
  return correctedOffset === firstGuess ? instant : wallAsUtc - correctedOffset;
}

/** Milliseconds `timeZone` is ahead of UTC at `instant`. */
function offsetAt(instant: number, timeZone: string): number {
  const fields = zoneFields(instant, timeZone);
  const wallAsUtc = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
  return wallAsUtc - Math.floor(instant / 1000) * 1000;
}

function dateInZone(instant: number, timeZone: string): string {
  const fields = zoneFields(instant, timeZone);
  return formatDate(fields.year, fields.month, fields.day);
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFields(instant: number, timeZone: string): Record<"year" | "month" | "day" | "hour" | "minute" | "second", number> {
  let formatter = zoneFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    zoneFormatters.set(timeZone, formatter);
  }
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter.formatToParts(instant)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  return fields;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function assertTimeZone(timeZone: string): void {
  if (!isTimeZone(timeZone)) throw new RangeError(`unknown time zone: ${timeZone}`);
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function utcMidnightOf(date: string): Date {
  const match = CALENDAR_DATE.exec(date);
  const midnight = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  // Date.UTC rolls 2026-02-30 over to March; a date that does not survive the
  // round trip was not a date.
  if (!midnight || midnight.toISOString().slice(0, 10) !== date) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  return midnight;
}

function addDays(date: string, days: number): string {
  const midnight = utcMidnightOf(date);
  midnight.setUTCDate(midnight.getUTCDate() + days);
  return midnight.toISOString().slice(0, 10);
}

function addYears(date: string, years: number): string {
  const midnight = utcMidnightOf(date);
  midnight.setUTCFullYear(midnight.getUTCFullYear() + years);
  return midnight.toISOString().slice(0, 10);
}

function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** YYYY-MM-DD strings order as text. */
function compareDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
