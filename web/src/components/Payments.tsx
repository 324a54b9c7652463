// The payments of a booking as the guest sees them: paid (with the card),
// processing, failed (with the reason, and another card to pay with),
// scheduled for later, cancelled, refunded.
import { useRef, useState } from "react";
import type { PaymentIntent, Reservation } from "../documents.ts";
import { formatMoment, formatMoney, minor } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { payWithCard } from "../payments.ts";
import type { Session } from "../storage.ts";
import { CardForm, type CardFormHandle } from "./CardForm.tsx";
import { errorText } from "./Messages.tsx";

export function failureReason(intent: PaymentIntent, tMaybe: ReturnType<typeof useI18n>["tMaybe"], t: ReturnType<typeof useI18n>["t"]): string {
  const attempts = intent.attempts.nodes.filter((a) => !!a);
  const code = attempts.at(-1)?.failureCode ?? intent.failureCode;
  return (code && tMaybe(`pay.declined.${code}`)) ?? t("pay.declined.other");
}

export const isSettling = (booking: Reservation | null) =>
  !!booking?.paymentIntents.nodes.some((i) => i && (i.status === "processing" || i.status === "authorized" || i.attempts.nodes.some((a) => a?.status === "pending" || a?.status === "authorized")));

export function PaymentsView({ booking, session, onPaid }: { booking: Reservation; session: Session | null; onPaid: (session: Session) => void }) {
  const i18n = useI18n();
  const { t, tMaybe, locale } = i18n;
  const timeZone = booking.propertyByPropertyId?.timeZone;
  // In the order they fall due: the deposit, then the balance.
  const intents = booking.paymentIntents.nodes
    .filter((i): i is PaymentIntent => !!i)
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || (a.kind === b.kind ? 0 : a.kind === "deposit" ? -1 : 1));
  const failed = intents.filter((i) => i.status === "failed");
  const [retrying, setRetrying] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const card = useRef<CardFormHandle>(null);
  const money = (amount: string | bigint) => formatMoney(amount, booking.currency, locale);

  const payAgain = async () => {
    if (!session || busy) return;
    setBusy(true);
    setError(null);
    try {
      const token = await card.current!.tokenize();
      onPaid(await payWithCard(session, token));
      setRetrying(false);
    } catch (e) {
      setError(e instanceof Error && !("requestId" in e) ? e.message : errorText(e, i18n));
    } finally {
      setBusy(false);
    }
  };

  if (intents.length === 0) return <p className="muted">{t("manage.noPayments")}</p>;
  return (
    <>
      <ul className="payments" data-testid="payments">
        {intents.map((intent) => {
          const amount = money(intent.amount);
          const refunded = minor(intent.amountRefunded);
          let text: string;
          let tone = "";
          switch (intent.status) {
            case "captured":
            case "partially_refunded":
            case "refunded":
              text = session?.card
                ? t("pay.capturedCard", { amount: money(intent.amountCaptured), brand: brandName(session.card.brand), last4: session.card.last4 })
                : t("pay.captured", { amount: money(intent.amountCaptured) });
              tone = "good";
              break;
            case "processing":
            case "authorized":
              text = t("pay.processing", { amount });
              break;
            case "failed":
              text = t("pay.failed", { amount, reason: failureReason(intent, tMaybe, t) });
              tone = "bad";
              break;
            case "cancelled":
              text = t("pay.cancelled", { amount });
              tone = "muted";
              break;
            default:
              text = session?.card
                ? t("pay.scheduled", { amount, date: formatMoment(intent.dueAt, locale, timeZone) })
                : t("pay.scheduledNoCard", { amount, date: formatMoment(intent.dueAt, locale, timeZone) });
          }
          return (
            <li key={intent.rowId} data-status={intent.status} className={tone}>
              <span className="payment-kind">{t(`pay.kind.${intent.kind}`)}</span> {text}
              {refunded > 0n ? <span className="block small">{t("pay.refunded", { amount: money(refunded) })}</span> : null}
            </li>
          );
        })}
      </ul>
      {failed.length > 0 && session && booking.status === "confirmed" ? (
        retrying ? (
          <div className="retry-card">
            <CardForm ref={card} onSubmit={() => void payAgain()} />
            {error ? <p className="field-error" role="alert">{error}</p> : null}
            <button type="button" className="button button-primary" onClick={payAgain} disabled={busy}>
              {busy ? t("book.paying") : t("pay.retrySubmit", { amount: money(failed.reduce((sum, i) => sum + minor(i.amount), 0n)) })}
            </button>
          </div>
        ) : (
          <button type="button" className="button" onClick={() => setRetrying(true)}>
            {t("pay.retry")}
          </button>
        )
      ) : null}
    </>
  );
}

export function brandName(brand: string): string {
  const names: Record<string, string> = { visa: "Visa", mastercard: "Mastercard", amex: "American Express", discover: "Discover", jcb: "JCB", diners: "Diners Club", unionpay: "UnionPay" };
  return names[brand] ?? brand;
}
