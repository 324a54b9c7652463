// Children priced by age in the console (issue 22, revenue): how a rate
// plan's age bands read ("0–2 free · 3–11 +€25.00 a night · 12+ as adults")
// and what the dialog says before it saves. The rules are the database's
// (app_private.tg_rate_plans__child_bands, reason CHILD_BANDS); this only
// words them early.
import { formatMoney } from "../../ui/format.ts";
import type { RatePlanNode } from "./documents.ts";

export type ChildBands = Pick<RatePlanNode, "childFreeBelowAge" | "childAdultFromAge" | "childSupplementAmount" | "childSupplementPercent" | "currency">;

/** Whether the plan prices children by age (then the guest app asks their ages). */
export const pricesByAge = (plan: Pick<ChildBands, "childFreeBelowAge" | "childAdultFromAge">): boolean =>
  plan.childFreeBelowAge !== null || plan.childAdultFromAge !== null;

/** "0–2 free · 3–11 +€25.00 a night · 12+ as adults", or null when the plan does not price by age. */
export function childBandsText(plan: ChildBands): string | null {
  if (!pricesByAge(plan)) return null;
  const from = plan.childFreeBelowAge ?? 0;
  const to = (plan.childAdultFromAge ?? 18) - 1;
  const parts: string[] = [];
  if (from > 0) parts.push(`0–${from - 1} free`);
  if (from <= to) {
    const price = plan.childSupplementPercent !== null
      ? `${Number(plan.childSupplementPercent)}\u00a0% of the night`
      : `+${formatMoney(plan.childSupplementAmount ?? "0", plan.currency)} a night`;
    parts.push(`${from === to ? from : `${from}–${to}`} ${price}`);
  }
  if (plan.childAdultFromAge !== null) parts.push(`${plan.childAdultFromAge}+ as adults`);
  return parts.join(" · ");
}

/** What is wrong with the bands as typed (the dialog's message), or null. */
export function childBandsInvalid(bands: { freeBelow: number | null; adultFrom: number | null; supplementOk: boolean }): string | null {
  const { freeBelow, adultFrom } = bands;
  if (freeBelow === null && adultFrom === null) return "Children by age: give the free age, the adult age or both.";
  if ((freeBelow !== null && (freeBelow < 1 || freeBelow > 17)) || (adultFrom !== null && (adultFrom < 1 || adultFrom > 17))) {
    return "Children's ages are 1 to 17.";
  }
  if (freeBelow !== null && adultFrom !== null && freeBelow > adultFrom) return "The free age must not be above the adult age.";
  if ((freeBelow ?? 0) < (adultFrom ?? 18) && !bands.supplementOk) return "The children's supplement is an amount, or a percent from 0 to 100.";
  return null;
}
