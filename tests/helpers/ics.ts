// Reading a stay's .ics back as a calendar client would (ical.js, Mozilla's
// parser, with the file's own VTIMEZONE registered), and the RFC 5545 rules
// a parser forgives but strict clients do not: CRLF after every line, the
// last included; no line longer than 75 octets (§3.1, folding); no bare CR
// or LF; DTSTAMP in UTC.
import ICAL from "ical.js";

export interface ParsedStay {
  method: string | null;
  events: number;
  uid: string;
  sequence: number;
  status: string | null;
  summary: string;
  location: string | null;
  description: string;
  url: string | null;
  organizer: string | null;
  organizerName: string | null;
  /** DTSTART as written: TZID and local value. */
  startTzid: string | null;
  startLocal: string;
  endTzid: string | null;
  endLocal: string;
  /** The instants, through the file's own VTIMEZONE. */
  start: Date;
  end: Date;
  stamp: string;
  timezones: string[];
}

export function expectRfc5545Lines(text: string): void {
  expect(text.endsWith("\r\n")).toBe(true);
  const lines = text.slice(0, -2).split("\r\n");
  for (const line of lines) {
    expect(line).not.toMatch(/[\r\n]/);
    if (Buffer.byteLength(line, "utf8") > 75) throw new Error(`line longer than 75 octets: ${line}`);
  }
  // Folding never splits a UTF-8 character: the bytes are valid UTF-8.
  expect(Buffer.from(text, "utf8").toString("utf8")).toBe(text);
}

export function parseStay(text: string): ParsedStay {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const timezones = calendar.getAllSubcomponents("vtimezone");
  for (const tz of timezones) ICAL.TimezoneService.register(tz);
  const vevents = calendar.getAllSubcomponents("vevent");
  const vevent = vevents[0]!;
  const event = new ICAL.Event(vevent);
  const dtstart = vevent.getFirstProperty("dtstart")!;
  const dtend = vevent.getFirstProperty("dtend")!;
  const organizer = vevent.getFirstProperty("organizer");
  const eventText = text.slice(text.indexOf("BEGIN:VEVENT"));
  const raw = (name: string) => new RegExp(`^${name}[;:][^\\r\\n]*(\\r\\n [^\\r\\n]*)*`, "m").exec(eventText)?.[0]?.replace(/\r\n /g, "") ?? "";
  return {
    method: (calendar.getFirstPropertyValue("method") as string | null) ?? null,
    events: vevents.length,
    uid: event.uid,
    sequence: event.sequence,
    status: (vevent.getFirstPropertyValue("status") as string | null) ?? null,
    summary: event.summary,
    location: event.location ?? null,
    description: event.description,
    url: (vevent.getFirstPropertyValue("url") as string | null) ?? null,
    organizer: (organizer?.getFirstValue() as string | undefined) ?? null,
    organizerName: (organizer?.getParameter("cn") as string | undefined) ?? null,
    startTzid: (dtstart.getParameter("tzid") as string | undefined) ?? null,
    startLocal: raw("DTSTART").split(":").pop()!,
    endTzid: (dtend.getParameter("tzid") as string | undefined) ?? null,
    endLocal: raw("DTEND").split(":").pop()!,
    start: event.startDate.toJSDate(),
    end: event.endDate.toJSDate(),
    stamp: raw("DTSTAMP").split(":").pop()!,
    timezones: timezones.map((tz) => tz.getFirstPropertyValue("tzid") as string),
  };
}

/** The text/calendar part of an .eml (nodemailer's): its Content-Type header and its decoded text. */
export function calendarPartOf(eml: string): { contentType: string; disposition: string; text: string } | null {
  const parts = eml.split(/\r?\n--[^\r\n]+\r?\n/);
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const head = part.slice(0, split).replace(/\r?\n[ \t]+/g, " ");
    const contentType = /^Content-Type:\s*([^\r\n]+)/im.exec(head)?.[1] ?? "";
    if (!contentType.startsWith("text/calendar")) continue;
    const encoding = (/^Content-Transfer-Encoding:\s*(\S+)/im.exec(head)?.[1] ?? "7bit").toLowerCase();
    const body = part.slice(split).replace(/^\r?\n\r?\n/, "").replace(/\r?\n--[^\r\n]*--\s*$/, "");
    const bytes = encoding === "base64"
      ? Buffer.from(body.replace(/\s+/g, ""), "base64")
      : encoding === "quoted-printable"
        ? Buffer.from(body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1")
        : Buffer.from(body, "utf8");
    return { contentType, disposition: /^Content-Disposition:\s*([^\r\n]+)/im.exec(head)?.[1] ?? "", text: bytes.toString("utf8") };
  }
  return null;
}
