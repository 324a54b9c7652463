// Calendar arithmetic on stay dates (YYYY-MM-DD in the property's own
// calendar): no time zone applies, so everything is done at UTC noon-free
// midnight and never through the browser's local time.

const dayMs = 86_400_000;

function toUtc(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

function fromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Whether a string is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && fromUtc(toUtc(value)) === value;
}

export function addDays(date: string, days: number): string {
  return fromUtc(toUtc(date) + days * dayMs);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtc(to) - toUtc(from)) / dayMs);
}

/** `count` consecutive dates from `first`. */
export function dateRange(first: string, count: number): string[] {
  return Array.from({ length: Math.max(0, count) }, (_, i) => addDays(first, i));
}

/** ISO weekday, 1 Monday … 7 Sunday. */
export function isoWeekday(date: string): number {
  const day = new Date(toUtc(date)).getUTCDay();
  return day === 0 ? 7 : day;
}

const locale = typeof navigator !== "undefined" ? navigator.language : "en-GB";

/** "Wed 25" (column headings). */
export function formatDayHeading(date: string): { weekday: string; day: string; month: string } {
  const d = new Date(toUtc(date));
  return {
    weekday: new Intl.DateTimeFormat(locale, { weekday: "short", timeZone: "UTC" }).format(d),
    day: new Intl.DateTimeFormat(locale, { day: "numeric", timeZone: "UTC" }).format(d),
    month: new Intl.DateTimeFormat(locale, { month: "short", timeZone: "UTC" }).format(d),
  };
}

/** "25 Nov" (compact date for bars and dialogs). */
export function formatShortDate(date: string): string {
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(toUtc(date)));
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A child's age as the console says it: "Under 1" for 0 (as the age pickers offer it), else the years. */
export function childAgeText(age: number): string {
  return age === 0 ? "Under 1" : String(age);
}

/** "2 adults, 2 children (ages under 1, 8)": the children's ages when the booking has them, one per child (issue 22). */
export function guestsText(adults: number, children: number, childAges?: readonly number[] | null): string {
  if (children <= 0) return plural(adults, "adult");
  const ages =
    childAges && childAges.length === children
      ? ` (age${children === 1 ? "" : "s"} ${childAges.map((age) => childAgeText(age).toLowerCase()).join(", ")})`
      : "";
  return `${plural(adults, "adult")}, ${plural(children, "child", "children")}${ages}`;
}
