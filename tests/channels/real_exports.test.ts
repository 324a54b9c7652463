// The feed parser against real exports of the channels (tests/fixtures/ical/real,
// each file's origin in SOURCES.md): the nights Keepr reads from each, in
// the property's time zone, and the refusal of real failed downloads.
import { readFileSync } from "node:fs";
import { parseFeed, type FeedEvent } from "../../channels/ical.ts";
import { refusal } from "../helpers/feeds.ts";
import { findCalendarProblem } from "../../channels/ical-validate.ts";

/** The exporter's bytes, decoded as UTF-8 and nothing else. */
const real = (name: string) => readFileSync(new URL(`../fixtures/ical/real/${name}.ics`, import.meta.url), "utf8");

// Today is pinned: single events are read whether past or future, but a
// series' occurrences depend on it.
const NOW = new Date("2026-12-05T12:00:00Z");
const read = (name: string, timeZone: string, now = NOW) => parseFeed(real(name), { timeZone, now });
const nights = (stays: FeedEvent[]) => stays.map((stay) => [stay.uid, stay.start, stay.end]);

describe("real exports: the files are as the exporters wrote them", () => {
  it.each([
    ["airbnb-2026-reservations", "CRLF"],
    ["booking-closed", "CRLF"],
    ["google-calendar-public", "CRLF"],
    ["tabtravel-empty", "CRLF"],
    ["airbnb-2022-reservations-and-blocks", "LF"],
    ["vrbo-abritel", "LF"],
    ["icloud-iphone-structured-location", "LF"],
    ["apple-macos-calendar-statuses", "LF"],
  ])("%s has %s line endings throughout", (name, ending) => {
    const text = real(name);
    const crlf = (text.match(/\r\n/g) ?? []).length;
    const lf = (text.match(/\n/g) ?? []).length;
    expect(lf).toBeGreaterThan(0);
    expect(crlf).toBe(ending === "CRLF" ? lf : 0);
  });
});

describe("real exports that Keepr reads", () => {
  it("Airbnb (2026, Hosting Calendar 1.0, CRLF): back-to-back stays kept apart, past and future alike", () => {
    const stays = read("airbnb-2026-reservations", "Europe/Lisbon");
    expect(nights(stays)).toEqual([
      ["1418fb94e984-c4fc30b2aa2e07de6e3b6150fda025fe@airbnb.com", "2026-02-19", "2026-02-21"],
      ["1418fb94e984-2134740138170c37273dc82c0979a0c9@airbnb.com", "2026-02-21", "2026-02-22"],
      ["1418fb94e984-3b682ae708426fcaf7020c3d47b60afa@airbnb.com", "2026-02-22", "2026-02-24"],
      ["1418fb94e984-fce2ac29d50112d6967d93f42dde7b28@airbnb.com", "2026-02-24", "2026-02-28"],
      ["1418fb94e984-1d2de451e51c49277ea208d3e2597bb8@airbnb.com", "2026-12-10", "2026-12-14"],
      ["1418fb94e984-f9171e4edfc8cf269c4789b2b362a736@airbnb.com", "2027-02-11", "2027-02-15"],
    ]);
    expect(stays.every((stay) => stay.summary === "Reserved" && !stay.cancelled)).toBe(true);
    // DATE values are calendar dates: the property's zone changes nothing.
    expect(nights(read("airbnb-2026-reservations", "Pacific/Auckland"))).toEqual(nights(stays));
  });

  it("Airbnb (2022, a parameter on PRODID, LF, blocks after reservations): reservations and blocks by date", () => {
    const stays = read("airbnb-2022-reservations-and-blocks", "America/Sao_Paulo");
    expect(stays.map((stay) => [stay.uid, stay.start, stay.end, stay.summary])).toEqual([
      ["1418fb94e984-27e43162eaca35bfa84b40446d1de17c@airbnb.com", "2022-09-16", "2022-09-26", "Reserved"],
      ["6fec1092d3fa-cf00feae2e98b35f95469939b7b28c63@airbnb.com", "2022-09-26", "2022-09-27", "Airbnb (Not available)"],
      ["1418fb94e984-dddd935e2b90d324c83f437df071ae19@airbnb.com", "2022-09-27", "2022-10-04", "Reserved"],
      ["6fec1092d3fa-082ddbd07da18514dee60a216f13fa92@airbnb.com", "2022-10-04", "2022-10-08", "Airbnb (Not available)"],
      ["1418fb94e984-ecf0c6aaa0532fd7644874012b285587@airbnb.com", "2022-10-08", "2022-10-12", "Reserved"],
      ["6fec1092d3fa-3422d66f2ebc5d84fa08824ba62db468@airbnb.com", "2022-10-12", "2022-10-13", "Airbnb (Not available)"],
      ["1418fb94e984-3d79ff4a2e22caf6cdd56fd392b95bba@airbnb.com", "2023-02-14", "2023-02-23", "Reserved"],
      ["6fec1092d3fa-dad12c1875fed0576a529b6cfe1decbe@airbnb.com", "2023-03-26", "2023-09-28", "Airbnb (Not available)"],
    ]);
    expect(stays.some((stay) => stay.cancelled)).toBe(false);
  });

  it("Booking.com (a triple backslash in PRODID, CRLF): every range CLOSED - Not available, a year-long one included", () => {
    const stays = read("booking-closed", "Europe/Rome");
    expect(nights(stays)).toEqual([
      ["7357eeefff34564a07f685da28dadf9e@booking.com", "2026-08-22", "2026-08-31"],
      ["6a057cf1900181be35c235d1013e1bbe@booking.com", "2026-09-05", "2026-09-07"],
      ["a5c4e8384cf5418a99859655860a23a8@booking.com", "2026-09-11", "2026-09-13"],
      ["173a92853675602935d636f34e159330@booking.com", "2026-09-19", "2026-09-20"],
      ["8f17e741926e8c8a343a6825324e3437@booking.com", "2026-09-21", "2026-09-24"],
      ["622382a6ba9255816e41f2244e667b43@booking.com", "2026-10-09", "2026-10-11"],
      ["2223c2a64eaac071fdb144a28128b86e@booking.com", "2027-02-01", "2028-02-22"],
    ]);
    expect(stays.every((stay) => stay.summary === "CLOSED - Not available" && !stay.cancelled)).toBe(true);
  });

  it("Vrbo group (Abritel, HomeAway PRODID, French summaries): a tentative booking is a stay like the others, not a cancellation", () => {
    const stays = read("vrbo-abritel", "Europe/Paris");
    expect(stays.map((stay) => [stay.uid, stay.start, stay.end, stay.summary, stay.cancelled])).toEqual([
      ["6f49cda7-479e-454b-a6a3-39fa7feee5ed", "2019-12-24", "2019-12-29", "Réservée - GUEST-A", false],
      ["d585fe79-8607-4b73-a4ab-47c6d4188aee", "2020-01-01", "2020-01-24", "Réservée - GUEST-B", false],
      ["02292020-0229-2020-0305-202003052020", "2020-02-29", "2020-03-05", "Indisponible", false],
      ["6329b32c-b425-40e1-b49e-acb83bad14aa", "2020-03-09", "2020-03-16", "Réservée - GUEST-C", false],
      ["ecc06b8c-350b-4b43-b6f1-10c0a353aaea", "2020-05-15", "2020-05-19", "Réservée - GUEST-D", false],
      ["a69a7fa7-6603-4b81-9596-99643c07cc4e", "2020-10-13", "2020-10-24", "Réservée", false],
      ["138b5f92-5aaa-400d-86b6-268bfb3c8aa5", "2020-11-15", "2020-12-06", "Provisoire - GUEST-E", false],
    ]);
  });

  it("Google Calendar (VTIMEZONE, UTC and TZID times, a series): all-day and multi-day events give nights, a meeting within a day none, a series' occurrences only where they cross midnight", () => {
    const berlin = read("google-calendar-public", "Europe/Berlin", new Date("2019-03-05T12:00:00Z"));
    expect(berlin.map((stay) => [stay.uid, stay.start, stay.end, stay.summary])).toEqual([
      ["71vvvsbcjb3b4gsfmsjel6aqtb@google.com", "2017-10-07", "2017-10-23", "CODEWEEK"],
      ["27sgrcdu4099mtq830biaal87d@google.com", "2017-12-27", "2017-12-28", "34c3 in der machBar"],
      ["05b6u5vfdih0cdr6q3msgemss2@google.com", "2018-05-26", "2018-05-28", "mB - OnTour: Maker Fair"],
      ["5v18ih724kes1sf1eeu27dsq5n@google.com", "2019-03-01", "2019-03-03", "Open Health HACKademy"], // 16:30Z to 17:00Z two days later
      ["3po7fj93mq7keq9qgqcckcm6la@google.com", "2019-03-09", "2019-03-10", "Open Health HACKademy"],
      ["0d9qpsgmsglque6b3tfquqo805@google.com", "2019-03-16", "2019-03-17", "Open Health HACKademy"],
    ]);
    expect(berlin.some((stay) => stay.cancelled)).toBe(false);
    // In Tokyo the same instants fall a day later (16:30Z is 01:30 there), and
    // the series' 14:00-18:00 in Berlin is 22:00-02:00: each occurrence holds
    // a night. Those ending after today (03-05) are read, the 03-04 one is not.
    const series = "37jkbgv9regint2hqhlmd9risn@google.com";
    expect(nights(read("google-calendar-public", "Asia/Tokyo", new Date("2019-03-05T12:00:00Z"))).slice(3)).toEqual([
      ["5v18ih724kes1sf1eeu27dsq5n@google.com", "2019-03-02", "2019-03-04"],
      [`${series}#20190305T140000`, "2019-03-05", "2019-03-06"],
      [`${series}#20190306T140000`, "2019-03-06", "2019-03-07"],
      ["3po7fj93mq7keq9qgqcckcm6la@google.com", "2019-03-09", "2019-03-11"],
      [`${series}#20190311T140000`, "2019-03-11", "2019-03-12"],
      [`${series}#20190312T140000`, "2019-03-12", "2019-03-13"],
      [`${series}#20190313T140000`, "2019-03-13", "2019-03-14"],
      ["0d9qpsgmsglque6b3tfquqo805@google.com", "2019-03-16", "2019-03-18"],
    ]);
  });

  it("Apple Calendar on iPhone (a backslash-escaped ';' in an unquoted parameter): accepted; its 10-minute appointment holds no night", () => {
    expect(findCalendarProblem(real("icloud-iphone-structured-location"))).toBeNull();
    expect(read("icloud-iphone-structured-location", "Europe/Vienna")).toEqual([]);
  });

  it("Apple Calendar on macOS (STATUS tentative, confirmed, cancelled; TZID without VTIMEZONE): accepted; its meetings of an hour hold no night, so the cancelled one is never a stay", () => {
    expect(findCalendarProblem(real("apple-macos-calendar-statuses"))).toBeNull();
    for (const timeZone of ["America/Vancouver", "Europe/Lisbon", "Asia/Tokyo"]) {
      expect(read("apple-macos-calendar-statuses", timeZone)).toEqual([]);
    }
  });

  it("another channel's empty export (ical.tab.travel): a valid calendar with no events, read as nothing blocked", () => {
    expect(read("tabtravel-empty", "Europe/Lisbon")).toEqual([]);
  });
});

describe("real failed downloads that Keepr refuses", () => {
  it("Airbnb's HTTP 500 body (JSON) is malformed: it does not begin with BEGIN:VCALENDAR", () => {
    const error = refusal(() => read("broken-airbnb-error-500", "Europe/Lisbon"));
    expect(error.code).toBe("malformed");
    expect(error.line).toBe(1);
    expect(error.message).toMatch(/^the feed is not a valid iCalendar: line 1: the feed does not begin with BEGIN:VCALENDAR \(it looks like JSON\): "\{\\"code\\":500,/);
  });

  it("a merged Airbnb feed with that error inside is malformed at the error's line, not read as a listing with no bookings", () => {
    const error = refusal(() => read("broken-airbnb-merged-with-error", "Europe/Lisbon"));
    expect(error.code).toBe("malformed");
    expect(error.line).toBe(16);
    expect(error.message).toBe(
      'the feed is not a valid iCalendar: line 16: not an iCalendar content line (it does not begin with a property name): "{\\"code\\":500,\\"message\\":\\"There was an error processing your re…"',
    );
    // The events on either side of the error are valid: only the refusal keeps the failed listing's blocks.
    const withoutError = real("broken-airbnb-merged-with-error").replace(/^\{"code":500[^}]*\}/m, "");
    expect(parseFeed(withoutError, { timeZone: "Europe/Lisbon", now: NOW })).toHaveLength(2);
  });
});
