// Dates and countdowns in the guest's language. Money is formatted by
// shared/money.ts (the same code as the console's, the invoices' and the
// guest messages').

const asDate = (date: string) => new Date(`${date}T12:00:00Z`);

/** "2026-11-25" → "Wed, 25 Nov 2026" / "qua., 25/11/2026": a stay date is a calendar date, no time zone applies. */
export function formatDate(date: string | null | undefined, locale: string, options: { year?: boolean } = {}): string {
  if (!date) return "—";
  const d = asDate(date);
  if (Number.isNaN(d.getTime())) return date;
  return new Intl.DateTimeFormat(locale, {
    weekday: "short",
    day: "numeric",
    month: "short",
    ...(options.year === false ? {} : { year: "numeric" }),
    timeZone: "UTC",
  }).format(d);
}

/** A date range as words: "25–28 Nov 2026". */
export function formatStay(arrival: string, departure: string, locale: string): string {
  const format = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  try {
    return format.formatRange(asDate(arrival), asDate(departure));
  } catch {
    return `${formatDate(arrival, locale)} – ${formatDate(departure, locale)}`;
  }
}

/** A moment in a time zone (the property's): "23 Dec 2026, 15:00". */
export function formatMoment(timestamp: string | null | undefined, locale: string, timeZone?: string): string {
  if (!timestamp) return "—";
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return timestamp;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", ...(timeZone ? { timeZone } : {}) }).format(d);
}

/** 425 → "7:05" (minutes:seconds left). */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** Today's date (YYYY-MM-DD) in the browser's calendar, plus days. */
export function isoDate(offsetDays = 0, from = new Date()): string {
  const d = new Date(Date.UTC(from.getFullYear(), from.getMonth(), from.getDate() + offsetDays));
  return d.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const d = asDate(date);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function nightsBetween(arrival: string, departure: string): number {
  return Math.round((asDate(departure).getTime() - asDate(arrival).getTime()) / 86_400_000);
}

export const isIsoDate = (value: string | null | undefined): value is string =>
  !!value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(asDate(value).getTime());
