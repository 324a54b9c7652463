// A rate plan's payment schedule in words, as app_private.schedule_payments
// applies it: deposit_percent of the total at booking, the rest
// balance_due_days before arrival at the check-in time (0: at check-in).
// A plan with no deposit and the rest at check-in is "Pay at check-in", not
// "0% deposit". (The guest app says the same in web/src/planLabels.ts.)

export interface PaymentSchedule {
  depositPercent: string | number;
  balanceDueDays: number;
}

const percentText = (percent: number) => (Number.isInteger(percent) ? String(percent) : percent.toFixed(2).replace(/0+$/, ""));
const whenText = (days: number) => (days <= 0 ? "at check-in" : `${days} day${days === 1 ? "" : "s"} before arrival`);

/** The schedule's headline and detail: "Pay at check-in" / "Nothing is charged before arrival". */
export function paymentScheduleLabel(plan: PaymentSchedule): { label: string; detail: string } {
  const percent = Number(plan.depositPercent);
  if (percent >= 100) return { label: "Prepaid", detail: "The full price at booking" };
  if (percent <= 0 && plan.balanceDueDays <= 0) return { label: "Pay at check-in", detail: "Nothing is charged before arrival" };
  if (percent <= 0) return { label: `Pay ${whenText(plan.balanceDueDays)}`, detail: "Nothing is charged at booking" };
  return { label: `${percentText(percent)}% deposit at booking`, detail: `The rest ${whenText(plan.balanceDueDays)}` };
}
