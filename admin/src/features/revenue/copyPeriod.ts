// Copy a period of the rate calendar (issue 21): the prices and
// restrictions that apply on the source dates, per rate plan, written onto
// as many dates from the target's first on, through the API's setRates (the
// only way rates are written). No DOM or React here.
//
// What a target date gets is what its source date has, as the plan would
// read it: the overridden price, or none (the plan's own price, following
// it); a minimum or maximum stay only where it differs from the plan's; the
// closed-to-arrival, closed-to-departure and stop-sell flags as they are.
// The restrictions are the plan's own (rateGrid's own* fields): a derived
// plan's grid shows its parent's restrictions combined with its own, and a
// copy writes only its own, so its calendar is copied exactly and the
// parent's restrictions keep applying through the parent.
// Every target date is reset first (setRates' `reset`), so an override the
// target had and the source has not goes; a date copied from one without
// overrides keeps an override row with nothing in it (shaded in the grid,
// the plan's values apply).
//
// Calls: the target dates that get the same values are one setRates call
// when they are exactly the dates of some weekdays over a range (weekday
// and weekend prices copy in two calls), else one call per run of
// consecutive dates.
import type { RateGridDayNode, RatePlanNode, RatesChange } from "./documents.ts";
import { addDays, daysBetween, isIsoDate, isoWeekday } from "../../ui/dates.ts";

/** What setRates writes on a date (besides `reset`). */
export interface CopiedValues {
  price: string | null;
  minStay: number | null;
  maxStay: number | null;
  closedToArrival: boolean;
  closedToDeparture: boolean;
  stopSell: boolean;
}

export interface CopyRange {
  sourceFirst: string;
  sourceLast: string;
  targetFirst: string;
}

/** The most dates one copy takes (the rate grid's limit for one read). */
export const maxCopyDays = 366;

/** Why the ranges cannot be copied (an INVALID_DATES for the console), or null. */
export function copyRangeProblem({ sourceFirst, sourceLast, targetFirst }: CopyRange, today: string): string | null {
  if (!isIsoDate(sourceFirst) || !isIsoDate(sourceLast) || !isIsoDate(targetFirst)) return "Give the source's first and last date and the target's first date.";
  if (sourceLast < sourceFirst) return "The source's last date is before its first.";
  if (daysBetween(sourceFirst, sourceLast) + 1 > maxCopyDays) return `A copy takes at most ${maxCopyDays} days.`;
  if (targetFirst < today) return `Rates can be set from today (${today} at the property) on.`;
  if (targetFirst === sourceFirst) return "The target starts on the source's first date: nothing would change.";
  return null;
}

/** The target's last date. */
export const targetLast = (range: CopyRange) => addDays(range.targetFirst, daysBetween(range.sourceFirst, range.sourceLast));

/** What a source date gives its target, for this plan. */
export function copiedValues(cell: RateGridDayNode, plan: Pick<RatePlanNode, "minStay" | "maxStay">): CopiedValues {
  return {
    price: cell.priceIsOverride ? cell.price : null,
    minStay: cell.ownMinStay !== plan.minStay ? cell.ownMinStay : null,
    maxStay: cell.ownMaxStay !== plan.maxStay ? cell.ownMaxStay : null,
    closedToArrival: cell.ownClosedToArrival,
    closedToDeparture: cell.ownClosedToDeparture,
    stopSell: cell.ownStopSell,
  };
}

export type CopyCall = Omit<RatesChange, "reset" | keyof CopiedValues> & CopiedValues & { reset: true };

/** The setRates calls that write `values` (target date → values) of one plan, fewest first. */
export function copyCalls(ratePlanId: string, values: Map<string, CopiedValues>): CopyCall[] {
  const groups = new Map<string, { values: CopiedValues; dates: string[] }>();
  for (const [date, v] of values) {
    const key = JSON.stringify(v);
    const group = groups.get(key) ?? { values: v, dates: [] };
    group.dates.push(date);
    groups.set(key, group);
  }
  const calls: CopyCall[] = [];
  const call = (v: CopiedValues, firstDate: string, lastDate: string, daysOfWeek: number[] | null): CopyCall => ({
    ratePlanId, firstDate, lastDate, daysOfWeek, reset: true, ...v,
  });
  for (const { values: v, dates } of groups.values()) {
    dates.sort();
    const first = dates[0]!;
    const last = dates[dates.length - 1]!;
    const weekdays = [...new Set(dates.map(isoWeekday))].sort();
    // Exactly the dates of these weekdays from first to last: one call.
    let covered = 0;
    for (let d = first; d <= last; d = addDays(d, 1)) if (weekdays.includes(isoWeekday(d))) covered++;
    if (covered === dates.length) {
      calls.push(call(v, first, last, weekdays.length === 7 ? null : weekdays));
      continue;
    }
    // Else one call per run of consecutive dates.
    let runStart = first;
    let previous = first;
    for (const date of dates.slice(1)) {
      if (date !== addDays(previous, 1)) {
        calls.push(call(v, runStart, previous, null));
        runStart = date;
      }
      previous = date;
    }
    calls.push(call(v, runStart, previous, null));
  }
  return calls.sort((a, b) => a.firstDate.localeCompare(b.firstDate));
}
