// A rate plan's payment schedule in the guest's words, as Keepr charges it
// (app_private.schedule_payments): the deposit at booking, the rest some
// days before arrival or at check-in. A plan with nothing before arrival is
// "pay at check-in". (The staff console says the same in
// admin/src/features/revenue/paymentTerms.ts.)
import type { useI18n } from "./i18n.tsx";

export interface PaymentSchedule {
  depositPercent: string;
  balanceDueDays: number;
}

/** One sentence: what is charged when. */
export function paymentScheduleText(plan: PaymentSchedule, t: ReturnType<typeof useI18n>["t"]): string {
  const percent = Number(plan.depositPercent);
  if (percent >= 100) return t("book.payAll");
  if (percent <= 0 && plan.balanceDueDays <= 0) return t("book.payAtCheckIn");
  const when = plan.balanceDueDays > 0 ? t("book.whenDays", { days: plan.balanceDueDays }) : t("book.whenArrival");
  if (percent > 0) return t("book.payDeposit", { percent: Number.isInteger(percent) ? percent : percent.toFixed(1), when });
  return t("book.payLater", { when });
}
