// Money, dates and labels as staff read them. Money arrives as integer
// minor units (a BigInt string) with its ISO currency; it is formatted as an
// exact decimal string, never through a float (shared/money.ts).
import { formatMoney as formatMoneyIn } from "../../../shared/money.ts";

const locale = typeof navigator !== "undefined" ? navigator.language : "en-GB";

/** Minor-unit digits of a currency: 2 for EUR, 0 for JPY, 3 for BHD. */
export { currencyDigits } from "../../../shared/money.ts";

/** "24800", "EUR" → "€248.00" (in the browser's locale; shared/money.ts). */
export function formatMoney(minorUnits: string | number | bigint | null | undefined, currency: string): string {
  return formatMoneyIn(minorUnits, currency, locale);
}

/** Today's date (YYYY-MM-DD) in a time zone: a property's business calendar. */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** "2026-11-25" → "Wed 25 Nov 2026". A stay date is a calendar date: no time zone applies. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return "—";
  const d = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(d);
}

/** A timestamp in the property's time zone (when given), e.g. "25 Nov 2026, 14:03". */
export function formatTimestamp(timestamp: string | null | undefined, timeZone?: string): string {
  if (!timestamp) return "—";
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return timestamp;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", ...(timeZone ? { timeZone } : {}) }).format(d);
}

/** "2026-07-20" → "Mon 20 Jul": a night of a stay when the year is said elsewhere. */
export function formatNight(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(d);
}

/** A timestamp's time of day in the property's time zone, e.g. "14:03"; with the date too when it is not today there. */
export function formatTimeOfDay(timestamp: string | null | undefined, timeZone: string, now = new Date()): string {
  if (!timestamp) return "—";
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return timestamp;
  if (todayIn(timeZone, d) !== todayIn(timeZone, now)) return formatTimestamp(timestamp, timeZone);
  return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZone }).format(d);
}

export function humanize(value: string): string {
  const words = value.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
