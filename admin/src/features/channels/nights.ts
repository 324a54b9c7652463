// The nights a channel conflict is about, as a host reads them: "Mon 20 Jul
// and Tue 21 Jul", or for more than four nights a range, "6 nights, Mon 20
// Jul to Sat 25 Jul". Dates are calendar dates in the property's calendar;
// a range is [first night, day after the last night). No DOM or React here.
import { formatNight } from "../../ui/format.ts";

const dayMs = 86_400_000;

/** The day after (or before) a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
}

/** How many nights [start, end) holds. */
export function nightCount(start: string, end: string): number {
  return Math.max(0, Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / dayMs));
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Mon 20 Jul", "Mon 20 Jul and Tue 21 Jul", "Mon 20 Jul, Tue 21 Jul and Wed 22 Jul", or "6 nights, Mon 20 Jul to Sat 25 Jul". */
export function listNights(start: string, end: string): string {
  const n = nightCount(start, end);
  if (n === 0) return "no night";
  if (n > 4) return `${n} nights, ${formatNight(start)} to ${formatNight(addDays(end, -1))}`;
  const nights = Array.from({ length: n }, (_, i) => formatNight(addDays(start, i)));
  return nights.length === 1 ? nights[0]! : `${nights.slice(0, -1).join(", ")} and ${nights.at(-1)!}`;
}
