// The payments of a booking as the guest sees them: paid (with the card the
// provider charged), processing, failed (with the reason, and another card to
// pay with), scheduled for later, cancelled, refunded; "payment due" with its
// deadline when a due payment failed; and the card on file (from the server,
// "Visa •• 4242"), which the guest can replace.
import { useRef, useState, type RefObject } from "react";
import type { PaymentIntent, Reservation } from "../documents.ts";
import { formatMoney, minorUnits } from "../../../shared/money.ts";
import { formatMoment } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { payWithCard, replaceCard } from "../payments.ts";
import type { CardToken, Session } from "../storage.ts";
import { CardForm, type CardFormHandle } from "./CardForm.tsx";
import { Alert, errorText } from "./Messages.tsx";

export function failureReason(intent: PaymentIntent, tMaybe: ReturnType<typeof useI18n>["tMaybe"], t: ReturnType<typeof useI18n>["t"]): string {
  const attempts = intent.attempts.nodes.filter((a) => !!a);
  const code = attempts.at(-1)?.failureCode ?? intent.failureCode;
  return (code && tMaybe(`pay.declined.${code}`)) ?? t("pay.declined.other");
}

/** "Payment due": how much, by when (the property's time), and what happens then; with a way to pay. */
export function PaymentDueAlert({ booking, onPay }: { booking: Reservation; onPay?: () => void }) {
  const { t, locale } = useI18n();
  if (booking.status !== "confirmed" || !booking.paymentDueBy) return null;
  const failed = booking.paymentIntents.nodes.filter((i): i is PaymentIntent => !!i && i.status === "failed");
  const dueAmount = failed.reduce((sum, i) => sum + minorUnits(i.amount), 0n);
  const amount = formatMoney(dueAmount > 0n ? dueAmount : minorUnits(booking.unpaidPrepayment ?? 0), booking.currency, locale);
  return (
    <div data-testid="payment-due">
      <Alert tone="warning" title={t("pay.due.title")}>
        <p>{t("pay.due.text", { amount, moment: formatMoment(booking.paymentDueBy, locale, booking.propertyByPropertyId?.timeZone) })}</p>
        {onPay ? <button type="button" className="button button-primary" onClick={onPay}>{t("pay.due.payNow")}</button> : null}
      </Alert>
    </div>
  );
}

export const isSettling = (booking: Reservation | null) =>
  !!booking?.paymentIntents.nodes.some((i) => i && (i.status === "processing" || i.status === "authorized" || i.attempts.nodes.some((a) => a?.status === "pending" || a?.status === "authorized")));

export function PaymentsView({ booking, session, onPaid, onCardReplaced, dueAlert = true }: {
  booking: Reservation;
  session: Session | null;
  onPaid: (session: Session) => void;
  /** Whether to say "Payment due" here (Manage says it at the top of the page instead). */
  dueAlert?: boolean;
  /** After a new card is on file: reload the booking (by default, as after paying). */
  onCardReplaced?: (session: Session) => void | Promise<void>;
}) {
  const i18n = useI18n();
  const { t, tMaybe, locale } = i18n;
  const timeZone = booking.propertyByPropertyId?.timeZone;
  // In the order they fall due: the deposit, then the balance.
  const intents = booking.paymentIntents.nodes
    .filter((i): i is PaymentIntent => !!i)
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || (a.kind === b.kind ? 0 : a.kind === "deposit" ? -1 : 1));
  const failed = intents.filter((i) => i.status === "failed");
  const due = booking.status === "confirmed" && booking.paymentDueBy ? booking.paymentDueBy : null;
  // A booking whose payment is due opens the card form at once: paying is what the guest came for.
  const [retrying, setRetrying] = useState(() => !!due);
  const [replacing, setReplacing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [replaced, setReplaced] = useState(false);
  const card = useRef<CardFormHandle>(null);
  const newCard = useRef<CardFormHandle>(null);
  const money = (amount: string | bigint) => formatMoney(amount, booking.currency, locale);
  const canReplace = !!session && (booking.status === "confirmed" || booking.status === "checked_in");

  /** Tokenizes what was typed in a card form, then does the card action with the token: one at a time, its error shown. */
  const withCard = async (form: RefObject<CardFormHandle | null>, action: (token: CardToken, session: Session) => Promise<void>) => {
    if (!session || busy) return;
    setBusy(true);
    setError(null);
    try {
      await action(await form.current!.tokenize(), session);
    } catch (e) {
      setError(e instanceof Error && !("requestId" in e) ? e.message : errorText(e, i18n));
    } finally {
      setBusy(false);
    }
  };

  const replace = () =>
    withCard(newCard, async (token, session) => {
      const next = await replaceCard(session, booking.rowId, token);
      // The booking as the server now has it (its card on file) first, then the word.
      await (onCardReplaced ?? onPaid)(next);
      setReplacing(false);
      setReplaced(true);
    });

  const payAgain = () =>
    withCard(card, async (token, session) => {
      onPaid(await payWithCard(session, token));
      setRetrying(false);
    });

  if (intents.length === 0 && !booking.cardOnFile) return <p className="muted">{t("manage.noPayments")}</p>;
  const dueAmount = failed.reduce((sum, i) => sum + minorUnits(i.amount), 0n);
  return (
    <>
      {due && dueAlert ? <PaymentDueAlert booking={booking} /> : null}
      <ul className="payments" data-testid="payments">
        {intents.map((intent) => {
          const amount = money(intent.amount);
          const refunded = minorUnits(intent.amountRefunded);
          let text: string;
          let tone = "";
          switch (intent.status) {
            case "captured":
            case "partially_refunded":
            case "refunded": {
              // The card the provider charged, as the server recorded it (not this tab's memory).
              const paidWith = intent.attempts.nodes.filter((a) => a?.status === "captured" && a.cardLast4).at(-1);
              text = paidWith?.cardLast4
                ? t("pay.capturedCard", { amount: money(intent.amountCaptured), brand: brandName(paidWith.cardBrand ?? ""), last4: paidWith.cardLast4 })
                : t("pay.captured", { amount: money(intent.amountCaptured) });
              tone = "good";
              break;
            }
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
              text = booking.cardOnFile
                ? t("pay.scheduled", { amount, date: formatMoment(intent.dueAt, locale, timeZone) })
                : t("pay.scheduledNoCard", { amount, date: formatMoment(intent.dueAt, locale, timeZone) });
          }
          // A deposit of the whole price is a prepayment; the refunds the provider has not finished yet are "in progress".
          const kind = intent.kind === "deposit" && minorUnits(intent.amount) >= minorUnits(booking.totalAmount) ? "prepayment" : intent.kind;
          const pendingRefund = intent.refunds.nodes.filter((r) => r?.status === "pending").reduce((sum, r) => sum + minorUnits(r!.amount), 0n);
          return (
            <li key={intent.rowId} data-status={intent.status} data-kind={kind} className={tone}>
              <span className="payment-kind">{t(`pay.kind.${kind}`)}<span className="visually-hidden">: </span></span>
              <span className="payment-text">{text}</span>
              {refunded > 0n ? <span className="block small">{t("pay.refunded", { amount: money(refunded) })}</span> : null}
              {pendingRefund > 0n ? <span className="block small" data-testid="refund-pending">{t("pay.refundPending", { amount: money(pendingRefund) })}</span> : null}
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
              {busy ? t("book.paying") : t("pay.retrySubmit", { amount: money(dueAmount) })}
            </button>
          </div>
        ) : (
          <button type="button" className="button" onClick={() => { setReplacing(false); setRetrying(true); }}>
            {t("pay.retry")}
          </button>
        )
      ) : null}
      {booking.cardOnFile || canReplace ? (
      <div className="card-on-file" data-testid="card-on-file">
        <p>
          {booking.cardOnFile ? t("pay.cardOnFile", { card: booking.cardOnFile }) : t("pay.noCardOnFile")}
          {replaced ? <span className="block small" role="status">{t("pay.cardReplaced")}</span> : null}
        </p>
        {canReplace && !retrying ? (
          replacing ? (
            <div className="retry-card">
              <p className="muted">{failed.length > 0 ? t("pay.replaceChargesDue", { amount: money(dueAmount) }) : t("pay.replaceIntro")}</p>
              <CardForm ref={newCard} onSubmit={() => void replace()} />
              {error ? <p className="field-error" role="alert">{error}</p> : null}
              <p className="actions">
                <button type="button" className="button" onClick={() => { setReplacing(false); setError(null); }} disabled={busy}>{t("pay.replaceCancel")}</button>
                <button type="button" className="button button-primary" onClick={replace} disabled={busy}>{busy ? t("pay.replacing") : t("pay.replaceSubmit")}</button>
              </p>
            </div>
          ) : (
            <button type="button" className="button" onClick={() => { setReplaced(false); setReplacing(true); }}>
              {booking.cardOnFile ? t("pay.replace") : t("pay.addCard")}
            </button>
          )
        ) : null}
      </div>
      ) : null}
    </>
  );
}

export function brandName(brand: string): string {
  const names: Record<string, string> = { visa: "Visa", mastercard: "Mastercard", amex: "American Express", discover: "Discover", jcb: "JCB", diners: "Diners Club", unionpay: "UnionPay" };
  return names[brand] ?? brand;
}
