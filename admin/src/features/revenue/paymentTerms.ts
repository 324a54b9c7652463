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

/**
 * The plan's payment as the guest app says it when a guest books (its
 * English words: web/src/planLabels.ts with web/src/messages.ts, which
 * tests/api/admin_property_documents.test.ts holds this to).
 */
export function guestPaymentText(plan: PaymentSchedule): string {
  const percent = Number(plan.depositPercent);
  if (percent >= 100) return "The full price is charged when you book.";
  if (percent <= 0 && plan.balanceDueDays <= 0) return "Pay at check-in: nothing is charged before you arrive; the full price is charged at check-in, to the card you give.";
  const when = plan.balanceDueDays > 0 ? `${plan.balanceDueDays} days before arrival` : "at check-in";
  if (percent > 0) return `${Number.isInteger(percent) ? percent : percent.toFixed(1)}% is charged when you book; the rest ${when}, to the same card.`;
  return `Nothing is charged now. The full price is charged ${when}, to the card you give.`;
}

export interface CancellationTerms {
  isRefundable: boolean;
  freeCancellationDays: number;
  cancellationPenaltyKind: "nights" | "percent";
  cancellationPenaltyValue: number;
}

/**
 * The plan's cancellation terms in the guest app's sentence ("Free
 * cancellation until {moment} (the property's time). After that, cancelling
 * costs {penalty}."), with the moment and the penalty said for any booking:
 * the guest sees a date and an amount.
 */
export function guestCancellationText(plan: CancellationTerms): string {
  if (!plan.isRefundable) return "Non-refundable: cancelling costs the full price.";
  const days = plan.freeCancellationDays;
  const moment = days <= 0 ? "the check-in time on the day of arrival" : `the check-in time ${days} day${days === 1 ? "" : "s"} before arrival`;
  const value = plan.cancellationPenaltyValue;
  // As the quote words the penalty (app_public.quote_for's cancellation_terms).
  const penalty = plan.cancellationPenaltyKind === "percent" ? `${value}% of the total` : `${value} night${value === 1 ? "" : "s"}`;
  return `Free cancellation until ${moment} (the property's time). After that, cancelling costs ${penalty}.`;
}
