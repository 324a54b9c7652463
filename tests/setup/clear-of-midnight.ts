// No test file starts just before a local midnight of the time zones the
// tests use. Tests compute "today" in a property's time zone when they set
// up (tests/helpers/booking.ts localDate), and the screens and functions
// they check compute it again later: a file that starts minutes before
// midnight there can see the date change in between. (In CI at 00:00 UTC,
// tests/e2e/admin-property.test.ts made an arrival "today" at 23:59 in
// Lisbon, and the housekeeping board, loaded after midnight, found no
// arrival today: no priority.) So each file first waits, polling the clock,
// until no such midnight is less than marginMs away; a file takes far less
// than that. Registered by jest.config.js setupFilesAfterEnv.
const zones = [
  "UTC", "Europe/Lisbon", "Europe/Madrid", "Europe/Paris", "Europe/Zurich", "America/New_York",
  "Asia/Tokyo", "Pacific/Auckland", "Pacific/Pago_Pago", "Pacific/Kiritimati",
];
export const marginMs = 5 * 60_000;

/** Milliseconds from `now` to the next midnight in `timeZone`. */
export function untilMidnight(timeZone: string, now: number): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(new Date(now)).map((p) => [p.type, p.value]),
  );
  const sinceMidnight = ((Number(parts.hour) * 60 + Number(parts.minute)) * 60 + Number(parts.second)) * 1000 + (now % 1000);
  return 86_400_000 - sinceMidnight;
}

beforeAll(async () => {
  for (;;) {
    const now = Date.now();
    const near = zones.map((zone) => ({ zone, ms: untilMidnight(zone, now) })).filter((z) => z.ms < marginMs);
    if (near.length === 0) return;
    const wait = Math.max(...near.map((z) => z.ms)) + 1000;
    console.log(`waiting ${Math.ceil(wait / 1000)} s for midnight to pass in ${near.map((z) => z.zone).join(", ")} before this file's tests`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 10_000)));
  }
}, marginMs + 60_000);
