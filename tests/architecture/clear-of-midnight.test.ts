// tests/setup/clear-of-midnight.ts: how far the next local midnight is.
import { untilMidnight } from "../setup/clear-of-midnight.ts";

test("the time to the next midnight in a time zone", () => {
  const at = (iso: string) => Date.parse(iso);
  expect(untilMidnight("UTC", at("2026-12-06T23:59:00.000Z"))).toBe(60_000);
  expect(untilMidnight("Europe/Lisbon", at("2026-12-06T23:58:30.250Z"))).toBe(89_750); // UTC+0 in winter
  expect(untilMidnight("Europe/Lisbon", at("2026-07-06T22:59:00.000Z"))).toBe(60_000); // UTC+1 in summer
  expect(untilMidnight("Asia/Tokyo", at("2026-12-06T14:55:00.000Z"))).toBe(300_000);
  expect(untilMidnight("America/New_York", at("2026-12-07T05:00:00.000Z"))).toBe(86_400_000);
});
