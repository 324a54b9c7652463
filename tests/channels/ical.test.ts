// The iCal layer of channel sync: what Keepr publishes is a calendar the
// OTAs accept, and what they publish comes back as stays of whole nights in
// the property's calendar, or as a refusal that leaves the last import alone.
import { parseFeed, renderCalendar, type CalendarEvent, type FeedEvent } from "../../channels/ical.ts";
import { refusal } from "../helpers/feeds.ts";
import { fixtureDate, loadFixture, type IcalFixtureName } from "../fixtures/ical/index.ts";

const LISBON = "Europe/Lisbon";
const TOKYO = "Asia/Tokyo";

/** A feed from content lines, CRLF-terminated. */
const feed = (...lines: string[]) => [...lines].join("\r\n") + "\r\n";
const calendar = (...body: string[]) => feed("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Test//EN", ...body, "END:VCALENDAR");
const vevent = (...lines: string[]) => ["BEGIN:VEVENT", ...lines, "END:VEVENT"];

/**
 * Everything RFC 5545 asks of a calendar's shape that an importer trips
 * over: CRLF only, physical lines of at most 75 octets, content lines,
 * balanced BEGIN/END with one VCALENDAR, VERSION and PRODID on it, and UID,
 * DTSTAMP and DTSTART on every VEVENT.
 */
function structuralProblems(text: string): string[] {
  const problems: string[] = [];
  if (!text.endsWith("\r\n")) problems.push("the last line does not end with CRLF");
  if (/\r(?!\n)|(?<!\r)\n/.test(text)) problems.push("a line break other than CRLF");
  const physical = text.split("\r\n").slice(0, -1);
  physical.forEach((line, index) => {
    const octets = Buffer.byteLength(line, "utf8");
    if (octets > 75) problems.push(`line ${index + 1} is ${octets} octets`);
  });
  const logical: string[] = [];
  for (const line of physical) {
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (logical.length === 0) problems.push("the first line is a continuation");
      else logical[logical.length - 1] += line.slice(1);
    } else {
      logical.push(line);
    }
  }
  const open: Array<{ name: string; properties: Set<string> }> = [];
  let calendars = 0;
  for (const line of logical) {
    const name = /^([A-Za-z0-9-]+)[;:]/.exec(line)?.[1]?.toUpperCase();
    if (!name) {
      problems.push(`not a content line: ${JSON.stringify(line)}`);
      continue;
    }
    const value = line.slice(line.indexOf(":") + 1).toUpperCase();
    if (name === "BEGIN") {
      if (open.length === 0) {
        calendars += 1;
        if (value !== "VCALENDAR") problems.push(`a top-level ${value}`);
      }
      open.push({ name: value, properties: new Set() });
    } else if (name === "END") {
      const closed = open.pop();
      if (!closed || closed.name !== value) {
        problems.push(`END:${value} closes ${closed ? closed.name : "nothing"}`);
        continue;
      }
      const required = closed.name === "VEVENT" ? ["UID", "DTSTAMP", "DTSTART"] : closed.name === "VCALENDAR" ? ["VERSION", "PRODID"] : [];
      for (const property of required) {
        if (!closed.properties.has(property)) problems.push(`a ${closed.name} without ${property}`);
      }
    } else {
      const current = open.at(-1);
      if (current) current.properties.add(name);
      else problems.push(`${name} outside any component`);
    }
  }
  for (const unclosed of open) problems.push(`BEGIN:${unclosed.name} is never closed`);
  if (calendars !== 1) problems.push(`${calendars} VCALENDARs`);
  return problems;
}

/** The calendar's content lines with folding undone. */
const unfolded = (text: string) => text.replace(/\r\n[ \t]/g, "").split("\r\n");

const stayEvents: CalendarEvent[] = [
  { uid: "booking-7f3a@keepr.app", start: "2026-03-27", end: "2026-03-31", summary: "Reserved" },
  { uid: "block-12@keepr.app", start: "2026-12-30", end: "2027-01-02", summary: "Not available" },
  {
    uid: "booking-9c21@keepr.app",
    start: "2027-02-27",
    end: "2027-03-01",
    summary: "Reserved; Zoë, Ana & José, 3 guests — 🏖️",
    description: `Keepr booking 9c21\nArrival after 22:00; key box by the door, code in the app. ${"Long note. ".repeat(20)}`,
    lastModified: new Date("2026-05-04T10:11:12Z"),
  },
];

describe("renderCalendar", () => {
  const now = new Date("2026-05-05T08:00:00Z");

  it("writes all-day events with DATE values and an exclusive end, under Keepr's PRODID, METHOD:PUBLISH and the calendar name", () => {
    const lines = unfolded(renderCalendar({ name: "Casa Azul · Apartment 2B", events: stayEvents, now }));
    expect(lines[0]).toBe("BEGIN:VCALENDAR");
    expect(lines).toContain("VERSION:2.0");
    expect(lines).toContain("PRODID:-//Keepr//Keepr//EN");
    expect(lines).toContain("METHOD:PUBLISH");
    expect(lines).toContain("X-WR-CALNAME:Casa Azul · Apartment 2B");
    expect(lines).toContain("DTSTART;VALUE=DATE:20260327");
    expect(lines).toContain("DTEND;VALUE=DATE:20260331");
    expect(lines).toContain("DTSTART;VALUE=DATE:20261230");
    expect(lines).toContain("DTEND;VALUE=DATE:20270102");
    expect(lines).toContain("UID:booking-9c21@keepr.app");
    expect(lines).toContain("SUMMARY:Reserved\\; Zoë\\, Ana & José\\, 3 guests — 🏖️");
    expect(lines).toContain("LAST-MODIFIED:20260504T101112Z");
    expect(lines.filter((line) => line === "DTSTAMP:20260505T080000Z")).toHaveLength(stayEvents.length);
    expect(lines.some((line) => /^DT(START|END)[:;](?!VALUE=DATE:\d{8}$)/.test(line))).toBe(false);
  });

  it("escapes the calendar's NAME and X-WR-CALNAME as RFC 5545 TEXT: backslash, semicolon, comma, and a newline as \\n", () => {
    const text = renderCalendar({ name: "Harbour; View, Suite \\ 1\nSea side", events: stayEvents.slice(0, 1), now });
    const lines = unfolded(text);
    expect(lines).toContain("NAME:Harbour\\; View\\, Suite \\\\ 1\\nSea side");
    expect(lines).toContain("X-WR-CALNAME:Harbour\\; View\\, Suite \\\\ 1\\nSea side");
    expect(structuralProblems(text)).toEqual([]);
    expect(parseFeed(text, { timeZone: LISBON })).toHaveLength(1);
    // ical.js unescapes it back to the name as given.
    expect(renderCalendar({ name: "Harbour; View, Suite \\ 1", events: [], now })).toContain("X-WR-CALNAME:Harbour\\; View\\, Suite \\\\ 1\r\n");
  });

  it("passes the structural validator: CRLF, lines of at most 75 octets, balanced components, UID, DTSTAMP and DTSTART on every VEVENT", () => {
    const text = renderCalendar({ name: `Casa Azul — ${"Apartamento com vista para o rio ".repeat(4)}`, events: stayEvents, now });
    expect(text.split("\r\n").some((line) => line.startsWith(" "))).toBe(true); // something was long enough to fold
    expect(structuralProblems(text)).toEqual([]);
  });

  it("writes an empty calendar when nothing is booked, which importers read as every night free", () => {
    const text = renderCalendar({ name: "Empty", events: [], now });
    expect(structuralProblems(text)).toEqual([]);
    expect(parseFeed(text, { timeZone: LISBON })).toEqual([]);
  });

  it("is deterministic for a given now", () => {
    expect(renderCalendar({ name: "A", events: stayEvents, now })).toBe(renderCalendar({ name: "A", events: stayEvents, now }));
  });

  it("refuses an event that ends on or before its start, or a date that is not one", () => {
    expect(() => renderCalendar({ name: "A", events: [{ uid: "x", start: "2026-05-02", end: "2026-05-02", summary: "Reserved" }] })).toThrow(RangeError);
    expect(() => renderCalendar({ name: "A", events: [{ uid: "x", start: "2026-02-27", end: "2026-02-30", summary: "Reserved" }] })).toThrow(RangeError);
    expect(() => renderCalendar({ name: "A", events: [{ uid: "x", start: "5/2/2026", end: "2026-05-09", summary: "Reserved" }] })).toThrow(RangeError);
  });
});

describe("the structural validator", () => {
  // It guards the render test above; it must be able to say no.
  const good = renderCalendar({ name: "A", events: stayEvents.slice(0, 1), now: new Date("2026-05-05T08:00:00Z") });

  it("accepts a rendered calendar and rejects LF endings, long lines, unbalanced components and a VEVENT without UID", () => {
    expect(structuralProblems(good)).toEqual([]);
    expect(structuralProblems(good.replaceAll("\r\n", "\n"))).not.toEqual([]);
    expect(structuralProblems(good.replace("SUMMARY:Reserved", `SUMMARY:${"x".repeat(80)}`))).toEqual([expect.stringMatching(/ is 88 octets$/)]);
    expect(structuralProblems(good.replace("END:VEVENT\r\n", ""))).toContain("END:VCALENDAR closes VEVENT");
    expect(structuralProblems(good.replace(/UID:[^\r]*\r\n/, ""))).toEqual(["a VEVENT without UID"]);
  });
});

describe("render then parse", () => {
  it("gives back the same stays, whatever the property's zone", () => {
    const text = renderCalendar({ name: "Casa Azul", events: stayEvents, now: new Date("2026-05-05T08:00:00Z") });
    const expected: FeedEvent[] = stayEvents.map(({ uid, start, end, summary }) => ({ uid, start, end, summary, cancelled: false }));
    for (const timeZone of [LISBON, TOKYO, "America/Los_Angeles", "Pacific/Kiritimati", "Pacific/Pago_Pago"]) {
      expect(parseFeed(text, { timeZone })).toEqual(expected);
    }
  });
});

describe("parseFeed on the OTA fixtures", () => {
  // Today, so the stays are in the future; and two bases whose stays cross
  // Europe's spring and autumn clock changes.
  const today = new Date();
  const bases = [today, "2026-03-20", "2026-10-20"] as const;
  const on = (base: Date | string, offset: number) => fixtureDate(base, offset);

  it("reads Airbnb's reservations and host blocks, the past stay included", () => {
    const d = (offset: number) => on(today, offset);
    expect(parseFeed(loadFixture("airbnb", today), { timeZone: LISBON, now: today })).toEqual([
      { uid: "1418fb94e984-0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f@airbnb.com", start: d(-10), end: d(-6), summary: "Reserved", cancelled: false },
      { uid: "1418fb94e984-7a5e0c3b9d2f4e61a8c7b6d5e4f3a2b1@airbnb.com", start: d(5), end: d(9), summary: "Reserved", cancelled: false },
      { uid: "7f662ec65913-2b8d4f6a1c3e5b7d9f0a2c4e6b8d0f1a@airbnb.com", start: d(12), end: d(15), summary: "Airbnb (Not available)", cancelled: false },
      { uid: "1418fb94e984-c36acd4349e84b7fa6515e5ef948f56a@airbnb.com", start: d(20), end: d(27), summary: "Reserved", cancelled: false },
    ]);
  });

  it("shows Airbnb's next export as one stay a day later, one gone and one new, under the same uids", () => {
    const before = parseFeed(loadFixture("airbnb", today), { timeZone: LISBON, now: today });
    const after = parseFeed(loadFixture("airbnb-changed", today), { timeZone: LISBON, now: today });
    const byUid = (stays: FeedEvent[]) => new Map(stays.map((stay) => [stay.uid, stay]));
    const [was, is] = [byUid(before), byUid(after)];
    const moved = "1418fb94e984-7a5e0c3b9d2f4e61a8c7b6d5e4f3a2b1@airbnb.com";
    expect([was.get(moved)?.start, was.get(moved)?.end]).toEqual([on(today, 5), on(today, 9)]);
    expect([is.get(moved)?.start, is.get(moved)?.end]).toEqual([on(today, 6), on(today, 10)]);
    expect([...was.keys()].filter((uid) => !is.has(uid))).toEqual(["1418fb94e984-c36acd4349e84b7fa6515e5ef948f56a@airbnb.com"]);
    expect(after.filter((stay) => !was.has(stay.uid))).toEqual([
      { uid: "1418fb94e984-5d9c3e7a1f0b4d2c8e6a9b7f3d1c5e0a@airbnb.com", start: on(today, 30), end: on(today, 33), summary: "Reserved", cancelled: false },
    ]);
  });

  it("reads Vrbo's LF-only export, guest names in the summary", () => {
    const d = (offset: number) => on(today, offset);
    expect(parseFeed(loadFixture("vrbo", today), { timeZone: LISBON, now: today })).toEqual([
      { uid: "6f49cda7-479e-454b-a6a3-39fa7feee5ed", start: d(3), end: d(8), summary: "Reserved - Melanie", cancelled: false },
      { uid: "02292020-0229-2020-0305-202003052020", start: d(8), end: d(10), summary: "Blocked", cancelled: false },
      { uid: "d585fe79-8607-4b73-a4ab-47c6d4188aee", start: d(14), end: d(21), summary: "Reserved - Charlotte & Fred", cancelled: false },
    ]);
  });

  it("returns a Vrbo event with STATUS:CANCELLED as cancelled, keeping its dates, and leaves the others alone", () => {
    const stays = parseFeed(loadFixture("vrbo-cancelled", today), { timeZone: LISBON, now: today });
    expect(stays.map((stay) => [stay.uid, stay.start, stay.end, stay.cancelled])).toEqual([
      ["6f49cda7-479e-454b-a6a3-39fa7feee5ed", on(today, 3), on(today, 8), true],
      ["02292020-0229-2020-0305-202003052020", on(today, 8), on(today, 10), false],
      ["d585fe79-8607-4b73-a4ab-47c6d4188aee", on(today, 14), on(today, 21), false],
    ]);
  });

  it("reads Booking.com's CLOSED ranges, back-to-back ones kept apart", () => {
    const d = (offset: number) => on(today, offset);
    const closed = { summary: "CLOSED - Not available", cancelled: false };
    expect(parseFeed(loadFixture("booking", today), { timeZone: LISBON, now: today })).toEqual([
      { uid: "b3a6f1c2e4d5978a0c1b2d3e4f5a6b7c@booking.com", start: d(2), end: d(4), ...closed },
      { uid: "0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a@booking.com", start: d(4), end: d(7), ...closed },
      { uid: "5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b@booking.com", start: d(40), end: d(41), ...closed },
    ]);
  });

  it.each(bases.map((base) => [base instanceof Date ? "today" : base, base] as const))(
    "converts another PMS's times of day to nights in the property's calendar (base %s)",
    (_label, base) => {
      const d = (offset: number) => on(base, offset);
      const nights = (timeZone: string) => parseFeed(loadFixture("other-pms-datetime", base), { timeZone, now: new Date(base) }).map((stay) => [stay.uid, stay.start, stay.end]);
      expect(nights(LISBON)).toEqual([
        ["res-10231@pms.example.com", d(3), d(6)], // TZID=Europe/Lisbon 14:00 → 11:00
        ["res-10232@pms.example.com", d(8), d(11)], // 16:00Z → 09:00Z
        ["res-10233@pms.example.com", d(15), d(16)], // New York 22:00 is past midnight in Lisbon
        ["res-10234@pms.example.com", d(19), d(22)], // 00:30 in "W. Europe Standard Time" is 23:30 the day before in Lisbon
        ["res-10235@pms.example.com", d(25), d(27)], // floating: the property's own clock
      ]);
      expect(nights(TOKYO)).toEqual([
        ["res-10231@pms.example.com", d(3), d(6)],
        ["res-10232@pms.example.com", d(9), d(11)], // 16:00Z is 01:00 the next day in Tokyo
        ["res-10233@pms.example.com", d(15), d(16)],
        ["res-10234@pms.example.com", d(20), d(22)],
        ["res-10235@pms.example.com", d(25), d(27)],
      ]);
    },
  );

  it("unfolds long lines, whether continued with a space or a tab", () => {
    const [first] = parseFeed(loadFixture("other-pms-datetime", today), { timeZone: LISBON, now: today });
    expect(first?.summary).toBe("Booked via Example PMS - guest Jean-Baptiste Emmanuel Zorg, 4 adults, 1 child, arriving late from the airport");
  });

  it("reads a calendar with no events as no stays: every block released", () => {
    expect(parseFeed(loadFixture("empty-calendar", today), { timeZone: LISBON, now: today })).toEqual([]);
  });

  it("reads valid quirks: BOM, PRODID twice, blank lines, X- properties, a quoted parameter, VALARM in a VEVENT, a TZID stay; an event ending before it starts is skipped", () => {
    expect(parseFeed(loadFixture("quirks", today), { timeZone: LISBON, now: today })).toEqual([
      { uid: "q1@example.com", start: fixtureDate(today, 2), end: fixtureDate(today, 5), summary: "Reserved", cancelled: false },
      { uid: "q2@example.com", start: fixtureDate(today, 7), end: fixtureDate(today, 9), summary: "Timed stay", cancelled: false },
    ]);
  });

  it("reads RFC 5545 §4's examples (three calendars in one file; a VTODO with a VALARM, a stay of hours and one of two nights)", () => {
    expect(parseFeed(loadFixture("rfc5545-examples", today), { timeZone: LISBON, now: today })).toEqual([
      { uid: "uid1@example.com", start: "1996-09-18", end: "1996-09-20", summary: "Networld+Interop Conference", cancelled: false },
    ]);
  });

  it("refuses a download cut off mid-event as malformed", () => {
    expect(refusal(() => parseFeed(loadFixture("malformed", today), { timeZone: LISBON, now: today })).code).toBe("malformed");
  });
});

describe("DATE-TIME at a zone boundary", () => {
  const utcEvent = (start: string, end: string) => calendar(...vevent("UID:t@pms", `DTSTART:${start}`, `DTEND:${end}`, "SUMMARY:Timed"));
  const firstNight = (text: string, timeZone: string) => parseFeed(text, { timeZone })[0]?.start;

  it("puts 2026-03-29T23:30Z on the 30th in Lisbon (summer time began that morning) and Tokyo, and on the 29th in New York", () => {
    const text = utcEvent("20260329T233000Z", "20260402T100000Z");
    expect(firstNight(text, LISBON)).toBe("2026-03-30");
    expect(firstNight(text, TOKYO)).toBe("2026-03-30");
    expect(firstNight(text, "America/New_York")).toBe("2026-03-29");
  });

  it("puts the same clock time a day earlier on its own day in Lisbon, still on winter time", () => {
    expect(firstNight(utcEvent("20260328T233000Z", "20260402T100000Z"), LISBON)).toBe("2026-03-28");
  });

  it("splits Lisbon and Tokyo for an afternoon in UTC", () => {
    const text = utcEvent("20260329T160000Z", "20260402T100000Z");
    expect(firstNight(text, LISBON)).toBe("2026-03-29");
    expect(firstNight(text, TOKYO)).toBe("2026-03-30");
  });

  it("reads a TZID wall clock in its own zone before moving it to the property's", () => {
    const text = calendar(...vevent("UID:t@pms", "DTSTART;TZID=Asia/Tokyo:20260330T083000", "DTEND;TZID=Asia/Tokyo:20260402T100000", "SUMMARY:Timed"));
    expect(firstNight(text, LISBON)).toBe("2026-03-30"); // 23:30Z on the 29th, 00:30 WEST
    expect(firstNight(text, "America/New_York")).toBe("2026-03-29");
    const mozillaStyle = text.replaceAll("TZID=Asia/Tokyo", "TZID=/mozilla.org/20050126_1/Asia/Tokyo");
    expect(firstNight(mozillaStyle, "America/New_York")).toBe("2026-03-29");
  });

  it("leaves DATE values alone in any zone", () => {
    const text = calendar(...vevent("UID:d@pms", "DTSTART;VALUE=DATE:20261231", "DTEND;VALUE=DATE:20270101", "SUMMARY:New Year"));
    for (const timeZone of ["Pacific/Kiritimati", "Pacific/Pago_Pago", LISBON]) {
      expect(parseFeed(text, { timeZone }).map((stay) => [stay.start, stay.end])).toEqual([["2026-12-31", "2027-01-01"]]);
    }
  });

  it("skips a stay of hours that ends on the day it starts", () => {
    expect(parseFeed(utcEvent("20260610T100000Z", "20260610T140000Z"), { timeZone: LISBON })).toEqual([]);
  });
});

describe("events without an end", () => {
  it("take one night from a DATE start", () => {
    const text = calendar(...vevent("UID:a@x", "DTSTART;VALUE=DATE:20261010", "SUMMARY:One night"));
    expect(parseFeed(text, { timeZone: LISBON })).toEqual([{ uid: "a@x", start: "2026-10-10", end: "2026-10-11", summary: "One night", cancelled: false }]);
  });

  it("take one night from a DATE-TIME start, counted from its date in the property's zone", () => {
    const text = calendar(...vevent("UID:a@x", "DTSTART:20261010T230000Z", "SUMMARY:One night"));
    expect(parseFeed(text, { timeZone: LISBON }).map((stay) => [stay.start, stay.end])).toEqual([["2026-10-11", "2026-10-12"]]);
  });

  it("take their length from DURATION when there is one", () => {
    const text = calendar(...vevent("UID:a@x", "DTSTART;VALUE=DATE:20261010", "DURATION:P3D", "SUMMARY:Three nights"));
    expect(parseFeed(text, { timeZone: LISBON }).map((stay) => [stay.start, stay.end])).toEqual([["2026-10-10", "2026-10-13"]]);
  });
});

describe("events that hold no night", () => {
  it("are skipped when the end is on or before the start", () => {
    const text = calendar(
      ...vevent("UID:same@x", "DTSTART;VALUE=DATE:20261010", "DTEND;VALUE=DATE:20261010", "SUMMARY:Zero"),
      ...vevent("UID:backwards@x", "DTSTART;VALUE=DATE:20261012", "DTEND;VALUE=DATE:20261010", "SUMMARY:Backwards"),
      ...vevent("UID:ok@x", "DTSTART;VALUE=DATE:20261020", "DTEND;VALUE=DATE:20261022", "SUMMARY:Fine"),
    );
    expect(parseFeed(text, { timeZone: LISBON }).map((stay) => stay.uid)).toEqual(["ok@x"]);
  });
});

describe("recurring events", () => {
  const now = new Date("2026-06-15T12:00:00Z");

  it("expand into one stay per occurrence, with EXDATE honoured, an override moving one and another cancelling one", () => {
    const text = calendar(
      ...vevent(
        "UID:weekly@pms",
        "DTSTAMP:20260601T000000Z",
        "DTSTART;VALUE=DATE:20260703",
        "DTEND;VALUE=DATE:20260705",
        "RRULE:FREQ=WEEKLY;COUNT=5",
        "EXDATE;VALUE=DATE:20260710",
        "SUMMARY:Weekend block",
      ),
      ...vevent("UID:weekly@pms", "RECURRENCE-ID;VALUE=DATE:20260717", "DTSTART;VALUE=DATE:20260718", "DTEND;VALUE=DATE:20260721", "SUMMARY:Weekend block, moved"),
      ...vevent("UID:weekly@pms", "RECURRENCE-ID;VALUE=DATE:20260724", "DTSTART;VALUE=DATE:20260724", "DTEND;VALUE=DATE:20260726", "STATUS:CANCELLED", "SUMMARY:Weekend block"),
    );
    expect(parseFeed(text, { timeZone: LISBON, now })).toEqual([
      { uid: "weekly@pms#20260703", start: "2026-07-03", end: "2026-07-05", summary: "Weekend block", cancelled: false },
      { uid: "weekly@pms#20260717", start: "2026-07-18", end: "2026-07-21", summary: "Weekend block, moved", cancelled: false },
      { uid: "weekly@pms#20260724", start: "2026-07-24", end: "2026-07-26", summary: "Weekend block", cancelled: true },
      { uid: "weekly@pms#20260731", start: "2026-07-31", end: "2026-08-02", summary: "Weekend block", cancelled: false },
    ]);
  });

  it("stop two years from today and leave out occurrences already over", () => {
    const text = calendar(...vevent("UID:monthly@pms", "DTSTART;VALUE=DATE:20250601", "DTEND;VALUE=DATE:20250603", "RRULE:FREQ=MONTHLY", "SUMMARY:Owner weekend"));
    const stays = parseFeed(text, { timeZone: LISBON, now });
    expect(stays).toHaveLength(24);
    expect(stays[0]).toMatchObject({ uid: "monthly@pms#20260701", start: "2026-07-01", end: "2026-07-03" });
    expect(stays.at(-1)).toMatchObject({ uid: "monthly@pms#20280601", start: "2028-06-01", end: "2028-06-03" });
  });

  it("are refused, not cut short, when a series has too many occurrences to expand", () => {
    const text = calendar(...vevent("UID:hourly@pms", "DTSTART:20260101T000000Z", "DTEND:20260101T003000Z", "RRULE:FREQ=HOURLY", "SUMMARY:Hourly"));
    expect(refusal(() => parseFeed(text, { timeZone: LISBON, now })).code).toBe("malformed");
  });

  it("keep their clock across a change of summer time", () => {
    // 23:30 in Lisbon, every day across 2026-10-25: always that night, in Lisbon.
    const text = calendar(...vevent("UID:nightly@pms", "DTSTART;TZID=Europe/Lisbon:20261023T233000", "DTEND;TZID=Europe/Lisbon:20261024T100000", "RRULE:FREQ=DAILY;COUNT=4", "SUMMARY:Night"));
    const stays = parseFeed(text, { timeZone: LISBON, now: new Date("2026-10-01T00:00:00Z") });
    expect(stays.map((stay) => stay.start)).toEqual(["2026-10-23", "2026-10-24", "2026-10-25", "2026-10-26"]);
  });
});

describe("the same UID more than once", () => {
  const version = (...lines: string[]) => vevent("UID:dup@x", "SUMMARY:Reserved", ...lines);

  it("resolves to the highest SEQUENCE, wherever it is in the file", () => {
    const newest = version("SEQUENCE:2", "DTSTART;VALUE=DATE:20261105", "DTEND;VALUE=DATE:20261108");
    const older = version("SEQUENCE:1", "LAST-MODIFIED:20261003T000000Z", "DTSTART;VALUE=DATE:20261101", "DTEND;VALUE=DATE:20261104");
    for (const text of [calendar(...newest, ...older), calendar(...older, ...newest)]) {
      expect(parseFeed(text, { timeZone: LISBON }).map((stay) => [stay.uid, stay.start])).toEqual([["dup@x", "2026-11-05"]]);
    }
  });

  it("then to the latest LAST-MODIFIED, then to the later one in the file", () => {
    const byModified = calendar(
      ...version("LAST-MODIFIED:20261002T000000Z", "DTSTART;VALUE=DATE:20261105", "DTEND;VALUE=DATE:20261108"),
      ...version("LAST-MODIFIED:20261001T000000Z", "DTSTART;VALUE=DATE:20261101", "DTEND;VALUE=DATE:20261104"),
    );
    expect(parseFeed(byModified, { timeZone: LISBON }).map((stay) => stay.start)).toEqual(["2026-11-05"]);
    const byPosition = calendar(
      ...version("DTSTART;VALUE=DATE:20261101", "DTEND;VALUE=DATE:20261104"),
      ...version("DTSTART;VALUE=DATE:20261105", "DTEND;VALUE=DATE:20261108"),
    );
    expect(parseFeed(byPosition, { timeZone: LISBON }).map((stay) => stay.start)).toEqual(["2026-11-05"]);
  });

  it("lets a newer RECURRENCE-ID override replace an event that does not recur", () => {
    const text = calendar(
      ...version("DTSTART;VALUE=DATE:20261101", "DTEND;VALUE=DATE:20261104"),
      ...version("SEQUENCE:1", "RECURRENCE-ID;VALUE=DATE:20261101", "DTSTART;VALUE=DATE:20261101", "DTEND;VALUE=DATE:20261103", "STATUS:CANCELLED"),
    );
    expect(parseFeed(text, { timeZone: LISBON })).toEqual([{ uid: "dup@x", start: "2026-11-01", end: "2026-11-03", summary: "Reserved", cancelled: true }]);
  });
});

describe("events without UID", () => {
  const noUid = (start: string, summary: string) => vevent(`DTSTART;VALUE=DATE:${start}`, "DTEND;VALUE=DATE:20261130", `SUMMARY:${summary}`);

  it("get a synthetic uid that is the same on every read and differs with dates or summary", () => {
    const text = calendar(...noUid("20261120", "Blocked"), ...noUid("20261121", "Blocked"), ...noUid("20261120", "Owner"));
    const first = parseFeed(text, { timeZone: LISBON });
    const reordered = calendar(...noUid("20261120", "Owner"), ...noUid("20261121", "Blocked"), ...noUid("20261120", "Blocked"));
    expect(first).toHaveLength(3);
    expect(new Set(first.map((stay) => stay.uid)).size).toBe(3);
    expect(first.every((stay) => /^keepr-synthetic-[0-9a-f]{32}$/.test(stay.uid))).toBe(true);
    expect(parseFeed(reordered, { timeZone: TOKYO })).toEqual(first);
  });
});

describe("cancellation", () => {
  it("marks every event of a METHOD:CANCEL calendar cancelled", () => {
    const text = feed("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Test//EN", "METHOD:CANCEL", ...vevent("UID:c@x", "DTSTART;VALUE=DATE:20261101", "DTEND;VALUE=DATE:20261103"), "END:VCALENDAR");
    expect(parseFeed(text, { timeZone: LISBON }).map((stay) => stay.cancelled)).toEqual([true]);
  });
});

describe("feeds that are refused", () => {
  const valid = calendar(...vevent("UID:a@x", "DTSTART;VALUE=DATE:20261101", "DTEND;VALUE=DATE:20261103", "SUMMARY:Reserved"));

  it.each([
    ["an HTML login page", "<!DOCTYPE html><html><body>Please log in</body></html>"],
    ["JSON", '{"error":"not found"}'],
    ["a vCard", feed("BEGIN:VCARD", "VERSION:4.0", "FN:Ana", "END:VCARD")],
    ["a calendar cut off between two events", valid.replace("END:VCALENDAR\r\n", "")],
    ["a component that never ends", calendar("BEGIN:VEVENT", "UID:a@x", "DTSTART;VALUE=DATE:20261101")],
    ["a date that is not one", calendar(...vevent("UID:a@x", "DTSTART;VALUE=DATE:2026AB01", "DTEND;VALUE=DATE:20261103"))],
    ["a line that is not a content line", calendar("BEGIN:VEVENT", "UID:a@x", "this is not iCalendar", "END:VEVENT")],
  ])("%s is malformed", (_label, text) => {
    expect(refusal(() => parseFeed(text, { timeZone: LISBON })).code).toBe("malformed");
  });

  it("an empty body is empty, not a calendar with no events", () => {
    expect(refusal(() => parseFeed("", { timeZone: LISBON })).code).toBe("empty");
    expect(refusal(() => parseFeed("\uFEFF \r\n", { timeZone: LISBON })).code).toBe("empty");
  });

  it("a body above maxBytes is too_large, counted in UTF-8 octets", () => {
    const octets = Buffer.byteLength(valid, "utf8");
    expect(parseFeed(valid, { timeZone: LISBON, maxBytes: octets })).toHaveLength(1);
    expect(refusal(() => parseFeed(valid, { timeZone: LISBON, maxBytes: octets - 1 })).code).toBe("too_large");
    const accented = valid.replace("SUMMARY:Reserved", `SUMMARY:${"é".repeat(100)}`);
    expect(accented.length).toBeLessThan(octets + 100);
    expect(refusal(() => parseFeed(accented, { timeZone: LISBON, maxBytes: octets + 100 })).code).toBe("too_large");
  });

  it("a body above 5 MB is too_large by default", () => {
    const padding = `X-PADDING:${"x".repeat(60)}\r\n`.repeat(Math.ceil((5 * 1024 * 1024) / 72));
    const huge = valid.replace("BEGIN:VEVENT\r\n", `BEGIN:VEVENT\r\n${padding}`);
    expect(refusal(() => parseFeed(huge, { timeZone: LISBON })).code).toBe("too_large");
  });

  it("an unknown property time zone is a programming error, not a bad feed", () => {
    expect(() => parseFeed(valid, { timeZone: "Europe/Atlantis" })).toThrow(RangeError);
  });
});

describe("feeds that are not valid iCalendar", () => {
  // Read as calendars, these would say "no bookings" (or lose some) and
  // release the unit's blocks. Each is refused, and says where and why, so
  // the sync records the reason and keeps the last good import.
  const today = new Date();
  const refused = (text: string) => {
    const error = refusal(() => parseFeed(text, { timeZone: LISBON, now: today }));
    expect(error.code).toBe("malformed");
    expect(error.message).toMatch(/^the feed is not a valid iCalendar: line \d+: /);
    return { line: error.line, reason: error.message.replace(/^the feed is not a valid iCalendar: line \d+: /, "") };
  };

  it.each<[IcalFixtureName, number, string | RegExp]>([
    ["invalid-junk-between", 2, `VEVENT is a component's name, not a property's (a broken BEGIN:VEVENT?): "VEVENT: Test…"`],
    ["invalid-bare", 2, "the VCALENDAR begun on line 1 ends without VERSION:2.0"],
    ["invalid-no-version", 11, "the VCALENDAR begun on line 1 ends without VERSION:2.0"],
    ["invalid-no-prodid", 12, "the VCALENDAR begun on line 1 ends without PRODID"],
    ["invalid-unbalanced", 11, "BEGIN:VEVENT inside the VEVENT begun on line 5, not directly in the VCALENDAR"],
    ["invalid-no-dtstart", 17, "the VEVENT begun on line 12 ends without DTSTART"],
    ["invalid-truncated", 15, /^the feed is truncated: it ends inside the VEVENT begun on line 12\b.*\(no END:VEVENT\)$/],
    ["malformed", 17, `the feed is truncated: it stops mid-line inside the VEVENT begun on line 14: "DTEND;VALUE=DA"`],
    ["invalid-html", 1, `the feed does not begin with BEGIN:VCALENDAR (it looks like an HTML page): "<!DOCTYPE html>"`],
    ["invalid-json", 1, /^the feed does not begin with BEGIN:VCALENDAR \(it looks like JSON\): "\{\\"error\\"/],
  ])("%s is refused at line %i", (name, line, reason) => {
    const found = refused(loadFixture(name, today));
    expect(found.line).toBe(line);
    if (typeof reason === "string") expect(found.reason).toBe(reason);
    else expect(found.reason).toMatch(reason);
  });

  it("the failed export with VEVENT mended is still refused: it has no VERSION", () => {
    const mended = loadFixture("invalid-junk-between", today).replace("VEVENT: Test…", "X-NOTE:Test…");
    expect(refused(mended)).toEqual({ line: 3, reason: "the VCALENDAR begun on line 1 ends without VERSION:2.0" });
  });

  it.each<[string, string, number, string | RegExp]>([
    ["END that closes the wrong component", calendar("BEGIN:VEVENT", "UID:a@x", "DTSTART;VALUE=DATE:20261101", "END:VTODO"), 7, "END:VTODO where the VEVENT begun on line 4 should end first"],
    ["END with nothing open", feed("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//T//T//EN", "END:VCALENDAR", "END:VCALENDAR"), 5, "END:VCALENDAR with no component open"],
    ["a property after the calendar's END", feed("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//T//T//EN", "END:VCALENDAR", "X-TRAILER:1"), 5, "X-TRAILER outside any VCALENDAR (after its END)"],
    ["a VEVENT at the top level", feed("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//T//T//EN", "END:VCALENDAR", ...vevent("UID:a@x", "DTSTART;VALUE=DATE:20261101")), 5, "BEGIN:VEVENT outside any VCALENDAR"],
    ["a VCALENDAR inside a VCALENDAR", calendar("BEGIN:VCALENDAR", "END:VCALENDAR"), 4, "BEGIN:VCALENDAR inside the VCALENDAR begun on line 1"],
    ["a vCard", feed("BEGIN:VCARD", "VERSION:4.0", "FN:Ana", "END:VCARD"), 1, `the feed does not begin with BEGIN:VCALENDAR (it is a VCARD): "BEGIN:VCARD"`],
    ["VERSION 1.0 (vCalendar)", feed("BEGIN:VCALENDAR", "VERSION:1.0", "PRODID:-//T//T//EN", "END:VCALENDAR"), 2, "VERSION:1.0: only iCalendar 2.0 is read"],
    ["a line with no colon", calendar("BEGIN:VEVENT", "UID:a@x", "this is not iCalendar", "END:VEVENT"), 6, /^not an iCalendar content line \(.*\): "this is not iCalendar"$/],
    ["a line that begins with no name", calendar("=junk", ...vevent("UID:a@x", "DTSTART;VALUE=DATE:20261101")), 4, `not an iCalendar content line (it does not begin with a property name): "=junk"`],
    ["a parameter without =", calendar(...vevent("UID:a@x", "DTSTART;VALUE:20261101")), 6, `not an iCalendar content line (the parameter VALUE of DTSTART has no "="): "DTSTART;VALUE:20261101"`],
    ["a quote never closed", calendar(...vevent("UID:a@x", 'DTSTART;TZID="Europe/Lisbon:20261101T150000')), 6, /^not an iCalendar content line \(the parameter TZID of DTSTART opens a quote it never closes\)/],
    ["a continuation with nothing before it", " VERSION:2.0\r\n" + calendar(), 1, /^a continuation line \(it begins with a space or tab\) with no line before it to continue/],
    ["a component with no name", calendar("BEGIN:", "END:"), 4, `BEGIN: needs a component name: "BEGIN:"`],
  ])("%s", (_label, text, line, reason) => {
    const found = refused(text);
    expect(found.line).toBe(line);
    if (typeof reason === "string") expect(found.reason).toBe(reason);
    else expect(found.reason).toMatch(reason);
  });

  it("a VEVENT without DTSTART is refused, not skipped: its nights would read as released", () => {
    const text = calendar(...vevent("UID:ok@x", "DTSTART;VALUE=DATE:20261020", "DTEND;VALUE=DATE:20261022"), ...vevent("UID:nostart@x", "SUMMARY:No start"));
    expect(refused(text)).toEqual({ line: 12, reason: "the VEVENT begun on line 9 ends without DTSTART" });
  });

  it("a DTSTART inside a VEVENT's VALARM is not the VEVENT's", () => {
    const text = calendar("BEGIN:VEVENT", "UID:a@x", "BEGIN:VALARM", "ACTION:DISPLAY", "DTSTART:20261101T000000Z", "TRIGGER:-PT1H", "END:VALARM", "END:VEVENT");
    expect(refused(text)).toEqual({ line: 11, reason: "the VEVENT begun on line 4 ends without DTSTART" });
  });

  it("counts lines as served: a BOM is not a line, blank lines are", () => {
    const text = "\uFEFFBEGIN:VCALENDAR\n\nVERSION:2.0\n\nPRODID:-//T//T//EN\nVEVENT: Test\nEND:VCALENDAR\n";
    expect(refused(text).line).toBe(6);
  });

  it("accepts what real channels do within RFC 5545: LF or CRLF, blank lines, folds with a tab, lowercase names, quoted parameters with ; and :, repeated PRODID, several calendars", () => {
    const event = vevent("UID:a@x", "DTSTART;VALUE=DATE:20261101", "DTEND;VALUE=DATE:20261103", "SUMMARY:Reserved");
    const variants = [
      feed("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//A//A//EN", "PRODID:-//A//A//EN", ...event, "END:VCALENDAR").replaceAll("\r\n", "\n"),
      `\r\n\r\n${calendar("", ...event, "")}\r\n\r\n`,
      calendar(...vevent("UID:a@x", "DTSTART;VALUE=DATE:20261", "\t101", "dtend;value=date:20261103", "SUMMARY:Re", " served")),
      calendar(...vevent("UID:a@x", 'DTSTART;X-NOTE="a; b: c",plain;VALUE=DATE:20261101', "DTEND;VALUE=DATE:20261103", "SUMMARY:Reserved")),
      calendar(...event) + calendar(),
    ];
    for (const text of variants) {
      expect(parseFeed(text, { timeZone: LISBON }).map((stay) => [stay.uid, stay.start, stay.end])).toEqual([["a@x", "2026-11-01", "2026-11-03"]]);
    }
  });
});
