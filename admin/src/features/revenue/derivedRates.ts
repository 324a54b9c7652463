// Derived rate plans in the console (issue 21, revenue): how a plan that
// follows another is named ("follows Flexible −15 %"). The prices
// themselves are the database's (app_private.derived_price, read through
// rateGrid); nothing here computes one.
import { formatMoney } from "../../ui/format.ts";
import type { RatePlanNode } from "./documents.ts";

type Adjusted = Pick<RatePlanNode, "parentRatePlanId" | "adjustmentPercent" | "adjustmentAmount" | "currency">;

/** "−15 %", "+10 %" (a no-break space before %), "+€18.50", "−€5.00". */
export function adjustmentText(plan: Adjusted): string {
  if (plan.adjustmentPercent !== null) {
    const percent = Number(plan.adjustmentPercent);
    return `${percent < 0 ? "−" : "+"}${Math.abs(percent)}\u00a0%`;
  }
  const amount = BigInt(plan.adjustmentAmount ?? "0");
  return `${amount < 0n ? "−" : "+"}${formatMoney((amount < 0n ? -amount : amount).toString(), plan.currency)}`;
}

/** "follows Flexible −15 %" for a derived plan, null for a plan with its own prices. */
export function followsText(plan: Adjusted, plans: readonly Pick<RatePlanNode, "rowId" | "name">[]): string | null {
  if (plan.parentRatePlanId === null) return null;
  const parent = plans.find((p) => p.rowId === plan.parentRatePlanId);
  return `follows ${parent?.name ?? "another plan"} ${adjustmentText(plan)}`;
}
