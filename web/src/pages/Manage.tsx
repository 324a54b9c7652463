// Managing a booking without an account: confirmation code + email give a
// booking token (2 hours, lookupBooking) that reads this booking and lets
// the guest see the folio and invoices, change the dates or the party size
// when the rate allows (the new price shown before anything changes), and cancel, seeing
// what it costs first. Every change carries an idempotency key kept until
// it succeeds: a double click or a retry changes or cancels once. A booking
// whose due payment failed shows "Payment due" with its deadline and the card
// form to pay; the card on file (from the server) can be replaced.
import { lazy, Suspense, useEffect, useState, type FormEvent } from "react";
import { ApiError } from "../../../shared/api-error.ts";
import { request } from "../api.ts";
import { Dialog } from "../components/Dialog.tsx";
import { Alert, errorText } from "../components/Messages.tsx";
import { PaymentDueAlert, PaymentsView } from "../components/Payments.tsx";
import { PriceLineRow, PriceTable, useFeeNames } from "../components/PriceTable.tsx";
import { BookedStaySummary, guestsText } from "../components/StaySummary.tsx";
import { differenceText, StayDatesFields, usePricedChange } from "../components/PricedChange.tsx";
import { ChildAges, chosenAges, resizeAges, type FormAges } from "../components/ChildAges.tsx";
import {
  cancelReservation,
  lookupBooking,
  modifyReservation,
  quoteChange,
  type Invoice,
  type PaymentIntent,
  type Quote,
  type Reservation,
} from "../documents.ts";
import { formatMoney, minorUnits } from "../../../shared/money.ts";
import { formatDate, formatMoment, formatStay, nightsBetween } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { keyFor, type KeyedInput } from "../keys.ts";
import { usePageTitle } from "../router.ts";
import { loadGroupSession, loadSession, saveGroupSession, saveSession, tokenExpiry, type GroupSession, type Session } from "../storage.ts";
import { useBooking } from "../useBooking.ts";
import { InvoicePdfLink } from "../components/InvoicePdfLink.tsx";
import { AddToCalendar } from "../components/AddToCalendar.tsx";

// A group of rooms (a group code): its own chunk.
const GroupManage = lazy(() => import("./Group.tsx").then((m) => ({ default: m.GroupManage })));

export function ManagePage() {
  const i18n = useI18n();
  const { t } = i18n;
  usePageTitle(t("manage.title"));
  const [session, setSession] = useState<Session | null>(() => loadSession());
  // A group opened in this tab: from its confirmation page (?group=), or looked up by its group code.
  const [group, setGroup] = useState<GroupSession | null>(() => {
    const stored = loadGroupSession();
    return stored && stored.groupCode === new URLSearchParams(window.location.search).get("group") ? stored : null;
  });
  const { booking, setBooking, error: loadError, refresh } = useBooking(session, {
    everyMs: 1500,
    onError: (error) => {
      if (error instanceof ApiError && (error.code === "TOKEN_EXPIRED" || error.code === "INVALID_TOKEN")) {
        saveSession(null);
        setSession(null);
      }
    },
  });

  // Another booking (a new lookup, or none): nothing of the last one stays on screen.
  useEffect(() => {
    setBooking(null);
  }, [session, setBooking]);

  const forgetGroup = () => {
    saveGroupSession(null);
    setGroup(null);
    requestAnimationFrame(() => document.getElementById("code")?.focus());
  };

  if (group && !session) {
    return (
      <>
        <h1 id="page-heading" tabIndex={-1}>{t("manage.title")}</h1>
        <Suspense fallback={<p className="placeholder-block" role="status">{t("manage.loading")}</p>}>
          <GroupManage session={group} onForget={forgetGroup} onOpenRoom={setSession} />
        </Suspense>
      </>
    );
  }

  const forget = () => {
    saveSession(null);
    setSession(null);
    setBooking(null);
    requestAnimationFrame(() => document.getElementById("code")?.focus());
  };

  return (
    <>
      <h1 id="page-heading" tabIndex={-1}>{t("manage.title")}</h1>
      {!session ? (
        <>
          {loadError instanceof ApiError && loadError.code === "TOKEN_EXPIRED" ? <Alert tone="warning">{t("manage.expired")}</Alert> : null}
          <LookupForm onFound={setSession} onGroup={setGroup} />
        </>
      ) : !booking ? (
        loadError ? (
          <Alert>
            <p>{errorText(loadError, i18n)}</p>
            <button type="button" className="button" onClick={forget}>{t("manage.forget")}</button>
          </Alert>
        ) : (
          <p className="placeholder-block" role="status">{t("manage.loading")}</p>
        )
      ) : (
        <BookingView booking={booking} session={session} onChanged={refresh} onSession={setSession} onForget={forget} />
      )}
    </>
  );
}

function LookupForm({ onFound, onGroup }: { onFound: (session: Session) => void; onGroup: (session: GroupSession) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  // A link from an email carries the code (never the email): the guest types the email.
  const [code, setCode] = useState(() => {
    const fromLink = new URLSearchParams(window.location.search).get("code") ?? "";
    return /^[A-Za-z0-9-]{1,20}$/.test(fromLink) ? fromLink.toUpperCase() : "";
  });
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!code.trim() || !email.trim()) {
      setError(t("book.fixErrors"));
      document.getElementById(code.trim() ? "lookup-email" : "code")?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const data = await request(lookupBooking, { code: code.trim().toUpperCase(), email: email.trim() });
      const token = data.lookupBooking?.result;
      if (!token) {
        setError(t("manage.notFound"));
        return;
      }
      const groupId = groupOfToken(token);
      if (groupId) {
        // A group code: the token is the group's (every room of it).
        const group: GroupSession = { groupId, groupCode: code.trim().toUpperCase(), email: email.trim(), token, expiresAt: tokenExpiry(token), rooms: [] };
        saveGroupSession(group);
        onGroup(group);
        return;
      }
      const session: Session = { code: code.trim().toUpperCase(), email: email.trim(), token, expiresAt: tokenExpiry(token), reservationId: "" };
      saveSession(session);
      onFound(session);
    } catch (e) {
      setError(e instanceof ApiError && e.code === "TOO_MANY_ATTEMPTS" ? t("manage.tooMany") : errorText(e, i18n));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel narrow" onSubmit={submit} noValidate aria-labelledby="lookup-heading">
      <h2 id="lookup-heading" className="visually-hidden">{t("manage.find")}</h2>
      <p>{t("manage.intro")}</p>
      <div className="field">
        <label htmlFor="code">{t("manage.code")}</label>
        <input id="code" autoComplete="off" autoCapitalize="characters" spellCheck={false} required maxLength={20} value={code}
          aria-invalid={error && !code.trim() ? true : undefined} aria-describedby={error ? "lookup-error" : undefined} onChange={(e) => setCode(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="lookup-email">{t("manage.email")}</label>
        <input id="lookup-email" type="email" autoComplete="email" required maxLength={254} value={email}
          aria-invalid={error && !email.trim() ? true : undefined} aria-describedby={error ? "lookup-error" : undefined} onChange={(e) => setEmail(e.target.value)} />
      </div>
      <p id="lookup-error" className="field-error" role="alert">{error}</p>
      <button type="submit" className="button button-primary" disabled={busy}>{busy ? t("manage.finding") : t("manage.find")}</button>
    </form>
  );
}

/** The booking group a token is for (its booking_group_id claim), or null for a single booking's token. */
function groupOfToken(token: string): string | null {
  try {
    const claims = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { booking_group_id?: unknown };
    return typeof claims.booking_group_id === "string" ? claims.booking_group_id : null;
  } catch {
    return null;
  }
}

function BookingView({ booking, session, onChanged, onSession, onForget }: {
  booking: Reservation;
  session: Session;
  onChanged: () => Promise<void>;
  onSession: (session: Session) => void;
  onForget: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const property = booking.propertyByPropertyId;
  const [message, setMessage] = useState<string | null>(null);
  return (
    <>
      <section className="panel" aria-labelledby="booking-heading">
        <div className="booking-title">
          <h2 id="booking-heading">{t("manage.booking", { code: booking.confirmationCode })}</h2>
          <p className={`badge badge-${booking.status}`} data-testid="booking-status">
            <span className="visually-hidden">{t("manage.status")}: </span>
            {t(`manage.status.${booking.status}`)}
          </p>
          {booking.status === "confirmed" && booking.paymentDueBy ? (
            <p className="badge badge-due" data-testid="payment-due-badge">{t("pay.dueBadge")}</p>
          ) : null}
        </div>
        {message ? <Alert tone="success">{message}</Alert> : null}
        <PaymentDueAlert booking={booking} onPay={() => {
          const form = document.querySelector(".retry-card");
          form?.scrollIntoView({ block: "center" });
          (form?.querySelector("iframe") as HTMLIFrameElement | null)?.focus();
        }} />
        <h3>{property?.name}</h3>
        {property?.address ? <p className="muted">{property.address}</p> : null}
        <PropertyContact booking={booking} />
        <BookedStaySummary booking={booking} rate={booking.ratePlan ? `${booking.ratePlan.name} · ${t(`meal.${booking.ratePlan.mealPlan}`)}` : undefined} />
        {booking.status === "confirmed" || booking.status === "checked_in" ? (
          <AddToCalendar reservationId={booking.rowId} code={booking.confirmationCode ?? ""} token={session.token} />
        ) : null}
        <dl className="summary">
          <div><dt>{t("manage.guest")}</dt><dd>{[booking.contactName, booking.contactEmail, booking.contactPhone].filter(Boolean).join(" · ")}</dd></div>
          {booking.specialRequests ? <div><dt>{t("manage.requests")}</dt><dd>{booking.specialRequests}</dd></div> : null}
        </dl>
        <p className="forget">
          <button type="button" className="button" onClick={onForget} aria-describedby="forget-hint" data-testid="manage-done">{t("manage.forget")}</button>
          <span id="forget-hint" className="muted small">{t("manage.forgetHint")}</span>
        </p>
      </section>

      <section className="panel" aria-labelledby="folio-heading">
        <h2 id="folio-heading">{t("manage.folio")}</h2>
        <Folio booking={booking} />
        <h3>{t("manage.payments")}</h3>
        <PaymentsView booking={booking} session={session} onPaid={(next) => { onSession(next); void onChanged(); }} onCardReplaced={() => onChanged()} dueAlert={false} />
        <h3>{t("manage.invoices")}</h3>
        <Invoices invoices={(booking.folio?.invoices.nodes ?? []).filter((i): i is Invoice => !!i)} token={session.token} booking={booking} />
      </section>

      {booking.status === "confirmed" ? (
        <>
          <ChangeStay booking={booking} token={session.token} onChanged={async (text) => { await onChanged(); setMessage(text); }} />
          <CancelBooking booking={booking} token={session.token} onCancelled={async (text) => { await onChanged(); setMessage(text); }} />
        </>
      ) : null}
    </>
  );
}

/** The property's phone and email, as links ("please contact the property"), when it has them. */
function PropertyContact({ booking }: { booking: Reservation }) {
  const { t } = useI18n();
  const property = booking.propertyByPropertyId;
  if (!property?.contactPhone && !property?.contactEmail) return null;
  return (
    <p className="contact" data-testid="property-contact">
      {t("manage.contact", { name: property.name })}{" "}
      {property.contactPhone ? <a href={`tel:${property.contactPhone.replace(/[^+0-9]/g, "")}`}>{property.contactPhone}</a> : null}
      {property.contactPhone && property.contactEmail ? " · " : null}
      {property.contactEmail ? <a href={`mailto:${property.contactEmail}`}>{property.contactEmail}</a> : null}
    </p>
  );
}

function Folio({ booking }: { booking: Reservation }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const money = (amount: string | number | bigint | null) => formatMoney(amount, booking.currency, locale);
  const lines = booking.priceLines.map((l) => ({ kind: l.kind, date: l.date, description: l.description, isInclusive: l.is_inclusive, amount: l.amount, feeId: l.fee_id ?? null, extraId: l.extra_id ?? null }));
  const feeNames = useFeeNames(booking.propertyByPropertyId?.rowId);
  const balance = booking.folio?.balances.nodes.find((b) => b?.currency === booking.currency)?.balance ?? null;
  const cancelled = booking.status === "cancelled" || booking.status === "no_show";
  return (
    <>
      <table className="price-table" data-testid="folio">
        <caption className="visually-hidden">{t("manage.chargesCaption", { currency: booking.currency })}</caption>
        <thead className="visually-hidden"><tr><th scope="col">{t("book.item")}</th><th scope="col">{t("book.amount")}</th></tr></thead>
        <tbody>
          {cancelled ? (
            <tr><th scope="row">{t("manage.cancellationFee")}</th><td className="num">{money(booking.penaltyAmount ?? 0)}</td></tr>
          ) : (
            lines.map((line, i) => <PriceLineRow key={i} line={line} money={money} feeNames={feeNames} />)
          )}
        </tbody>
        <tfoot>
          <tr><th scope="row">{t("book.total")}</th><td className="num total">{money(cancelled ? booking.penaltyAmount ?? 0 : booking.totalAmount)}</td></tr>
          {balance !== null ? (
            <tr data-testid="folio-balance">
              <th scope="row">{minorUnits(balance) < 0n ? t("manage.credit") : t("manage.balance")}</th>
              <td className="num">{minorUnits(balance) === 0n ? t("manage.settled") : money(minorUnits(balance) < 0n ? -minorUnits(balance) : minorUnits(balance))}</td>
            </tr>
          ) : null}
        </tfoot>
      </table>
    </>
  );
}

function Invoices({ invoices, token, booking }: { invoices: Invoice[]; token: string; booking: Reservation }) {
  const { t, locale } = useI18n();
  if (invoices.length === 0) {
    const cancelled = booking.status === "cancelled" || booking.status === "no_show";
    const penalty = minorUnits(booking.penaltyAmount);
    return (
      <p className="muted" data-testid="no-invoices">
        {!cancelled
          ? t("manage.noInvoices")
          : penalty === 0n
            ? t("manage.noInvoicesCancelledFree")
            : t("manage.noInvoicesCancelledFee", { penalty: formatMoney(penalty, booking.currency, locale) })}
      </p>
    );
  }
  return (
    <ul className="invoices">
      {invoices.map((invoice) => {
        const money = (amount: string | number) => formatMoney(amount, invoice.currency, locale);
        const title = invoice.kind === "invoice" ? t("manage.invoice", { number: invoice.documentNumber }) : t("manage.creditNote", { number: invoice.documentNumber });
        return (
          <li key={invoice.rowId}>
            <details>
              <summary>{title} · {formatMoment(invoice.issuedAt, locale)} · {money(invoice.totalAmount)}</summary>
              <table className="price-table">
                <caption className="visually-hidden">{t("manage.invoiceCaption", { number: invoice.documentNumber, date: formatMoment(invoice.issuedAt, locale) })}</caption>
                <tbody>
                  {invoice.lines.map((line, i) => (
                    <tr key={i}><th scope="row">{line.description}</th><td className="num">{money(line.amount)}</td></tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr><th scope="row">{t("manage.net")}</th><td className="num">{money(invoice.netAmount)}</td></tr>
                  <tr><th scope="row">{t("manage.tax")}</th><td className="num">{money(invoice.taxAmount)}</td></tr>
                  <tr><th scope="row">{t("book.total")}</th><td className="num total">{money(invoice.totalAmount)}</td></tr>
                </tfoot>
              </table>
            </details>
            <InvoicePdfLink invoiceId={invoice.rowId} documentNumber={invoice.documentNumber} token={token} />
          </li>
        );
      })}
    </ul>
  );
}

/**
 * Change the dates or the party (adults, children) of a booking: priced on
 * its rate (quoteChange: the rate's rules, per-person prices, maximum
 * occupancy) and shown line by line before anything changes; then
 * modifyReservation with one idempotency key per change asked for.
 */
/** A change asked with a child's age left unchosen (said to the guest, never sent). */
class AgesMissing extends Error {}

function ChangeStay({ booking, token, onChanged }: { booking: Reservation; token: string; onChanged: (message: string) => Promise<void> }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const money = (amount: string | bigint | number) => formatMoney(amount, booking.currency, locale);
  const maxOccupancy = booking.roomType?.maxOccupancy ?? null;
  /** The API's refusal in words; too many guests says how many the room sleeps. */
  const refusal = (e: unknown) =>
    e instanceof AgesMissing ? t("ages.missing")
    : e instanceof ApiError && e.code === "RESTRICTED" && e.reason === "MAX_OCCUPANCY" && maxOccupancy !== null
      ? t("manage.tooManyGuests", { room: booking.roomType?.name ?? "", count: maxOccupancy })
      : errorText(e, i18n);
  // The children's ages (issue 22): the booking's, one select per child; a booking made without them may keep its
  // party as it is without giving them (the API asks for them where the rate prices children by age).
  const bookedAges = booking.childAges ?? null;
  const agesOf = (asked: { children: number; childAges: FormAges }): number[] | null => {
    const chosen = chosenAges(asked.childAges);
    if (chosen) return chosen;
    if (bookedAges === null && asked.children === booking.children && asked.childAges.every((a) => a === null)) return null;
    throw new AgesMissing();
  };
  const sameAges = (ages: FormAges) => (bookedAges ?? resizeAges([], booking.children)).join(",") === ages.join(",");
  const { stay, edit, preview, busy, error, check, change } = usePricedChange<
    { arrival: string; departure: string; adults: number; children: number; childAges: FormAges }, Quote
  >({
    initial: { arrival: booking.arrival, departure: booking.departure, adults: booking.adults, children: booking.children,
               childAges: bookedAges ?? resizeAges([], booking.children) },
    unchanged: (asked) =>
      asked.arrival === booking.arrival && asked.departure === booking.departure && asked.adults === booking.adults && asked.children === booking.children
        && sameAges(asked.childAges)
        ? t("manage.nothingChanged")
        : null,
    quote: async (asked) => (await request(quoteChange, { reservationId: booking.rowId, ...asked, childAges: agesOf(asked) }, { token })).quoteChange,
    change: (asked, key) => request(modifyReservation, { reservationId: booking.rowId, key, ...asked, childAges: agesOf(asked) }, { token }),
    done: (asked) => onChanged(t("manage.changed", { dates: formatStay(asked.arrival, asked.departure, locale), guests: guestsText(asked.adults, asked.children, t, chosenAges(asked.childAges)) })),
    keyScope: { reservation: booking.rowId },
    refusal,
  });

  if (booking.changeRefusal) {
    return (
      <section className="panel" aria-labelledby="change-heading">
        <h2 id="change-heading">{t("manage.change")}</h2>
        <p data-testid="change-refusal">{t(`manage.refusal.${booking.changeRefusal}`)}</p>
        {booking.changeRefusal !== "NOT_CONFIRMED" ? <PropertyContact booking={booking} /> : null}
      </section>
    );
  }

  const old = minorUnits(booking.totalAmount);
  const difference = preview ? minorUnits(preview.quote.totalAmount) - old : 0n;
  const guestsChanged = preview && (preview.stay.adults !== booking.adults || preview.stay.children !== booking.children || !sameAges(preview.stay.childAges));
  return (
    <section className="panel" aria-labelledby="change-heading">
      <h2 id="change-heading">{t("manage.change")}</h2>
      <p className="muted" id="change-intro">{t("manage.changeIntro")}</p>
      <form className="inline-form change-form" onSubmit={check} noValidate aria-describedby="change-intro">
        <StayDatesFields idPrefix="new" stay={stay} edit={edit} />
        <div className="field field-small">
          <label htmlFor="new-adults">{t("search.adults")}</label>
          <select id="new-adults" value={stay.adults} onChange={(e) => edit({ adults: Number(e.target.value) })}
            aria-describedby={maxOccupancy !== null ? "change-sleeps" : undefined}>
            {Array.from({ length: 12 }, (_, i) => i + 1).map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </div>
        <div className="field field-small">
          <label htmlFor="new-children">{t("search.children")}</label>
          <select id="new-children" value={stay.children} onChange={(e) => edit({ children: Number(e.target.value), childAges: resizeAges(stay.childAges, Number(e.target.value)) })}
            aria-describedby={maxOccupancy !== null ? "change-sleeps" : undefined}>
            {Array.from({ length: 11 }, (_, i) => i).map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </div>
        <ChildAges idPrefix="new" ages={stay.childAges} onChange={(childAges) => edit({ childAges })} />
        <button type="submit" className="button" disabled={busy !== null}>{busy === "check" ? t("manage.checking") : t("manage.checkPrice")}</button>
      </form>
      {maxOccupancy !== null ? (
        <p className="muted small" id="change-sleeps">{t("manage.sleeps", { room: booking.roomType?.name ?? "", count: maxOccupancy })}</p>
      ) : null}
      <div aria-live="polite">
        {error ? <p className="field-error" role="alert" data-testid="change-error">{error}</p> : null}
        {preview ? (
          <div className="preview" data-testid="change-preview">
            <p>
              <strong>{t("manage.newPrice", { amount: money(preview.quote.totalAmount), old: money(old) })}</strong>{" "}
              {differenceText(difference, money, t)}
            </p>
            <p className="muted" data-testid="change-dates">{formatDate(preview.stay.arrival, locale)} → {formatDate(preview.stay.departure, locale)} ({t("stay.nights", { count: nightsBetween(preview.stay.arrival, preview.stay.departure) })})</p>
            <p className="muted" data-testid="change-guests">
              {guestsChanged
                ? t("manage.guestsChange", { old: guestsText(booking.adults, booking.children, t, bookedAges), guests: guestsText(preview.stay.adults, preview.stay.children, t, chosenAges(preview.stay.childAges)) })
                : guestsText(preview.stay.adults, preview.stay.children, t, chosenAges(preview.stay.childAges))}
            </p>
            <details className="change-lines">
              <summary>{t("book.price")}</summary>
              <PriceTable quote={preview.quote} />
            </details>
            <p className="muted">
              {preview.quote.isRefundable && preview.quote.freeCancellationUntil && new Date(preview.quote.freeCancellationUntil).getTime() > Date.now()
                ? t("book.freeUntil", { moment: formatMoment(preview.quote.freeCancellationUntil, locale, booking.propertyByPropertyId?.timeZone), penalty: money(preview.quote.lateCancellationPenalty) })
                : t("book.nonRefundable")}
            </p>
            <button type="button" className="button button-primary" onClick={change} disabled={busy !== null} data-testid="confirm-change">
              {busy === "change" ? t("manage.changing") : t("manage.confirmChange")}
            </button>
          </div>
        ) : null}
      </div>
    </section>
  );
}

function CancelBooking({ booking, token, onCancelled }: { booking: Reservation; token: string; onCancelled: (message: string) => Promise<void> }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [key, setKey] = useState<KeyedInput | undefined>(undefined);
  const money = (amount: string | bigint | null) => formatMoney(amount, booking.currency, locale);
  const penalty = minorUnits(booking.cancellationPenaltyNow);
  const paid = booking.paymentIntents.nodes
    .filter((i): i is PaymentIntent => !!i)
    .reduce((sum, i) => sum + minorUnits(i.amountCaptured) - minorUnits(i.amountRefunded), 0n);
  const refund = paid > penalty ? paid - penalty : 0n;
  const freeUntil = booking.cancellationPolicy.free_cancellation_until;
  const costText = (
    <>
      <p data-testid="cancel-penalty">
        {penalty === 0n && freeUntil
          ? t("manage.cancelFree", { moment: formatMoment(freeUntil, locale, booking.propertyByPropertyId?.timeZone) })
          : t("manage.cancelPenalty", { penalty: money(penalty) })}
      </p>
      <p>{paid > 0n ? t("manage.cancelRefund", { paid: money(paid), refund: money(refund) }) : null}</p>
    </>
  );

  if (booking.cancellationPenaltyNow === null) {
    return (
      <section className="panel" aria-labelledby="cancel-heading">
        <h2 id="cancel-heading">{t("manage.cancel")}</h2>
        <p>{t("manage.cannotCancel")}</p>
        <PropertyContact booking={booking} />
      </section>
    );
  }

  const cancel = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const keyed = keyFor(key, { reservation: booking.rowId, reason: reason.trim() || null });
    setKey(keyed);
    try {
      const data = await request(cancelReservation, { reservationId: booking.rowId, key: keyed.key, reason: reason.trim() || null }, { token });
      setOpen(false);
      await onCancelled(t("manage.cancelled", { penalty: money(data.cancelReservation?.result?.penaltyAmount ?? penalty) }));
      requestAnimationFrame(() => document.getElementById("booking-heading")?.focus());
    } catch (e) {
      setError(errorText(e, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="cancel-heading">
      <h2 id="cancel-heading">{t("manage.cancel")}</h2>
      {costText}
      <button type="button" className="button button-danger" onClick={() => setOpen(true)}>{t("manage.cancelOpen")}</button>
      <Dialog open={open} title={t("manage.cancelDialog")} onClose={() => !busy && setOpen(false)}>
        <form onSubmit={cancel} noValidate>
          {costText}
          <div className="field">
            <label htmlFor="cancel-reason">{t("manage.cancelReason")}</label>
            <textarea id="cancel-reason" rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          {error ? <p className="field-error" role="alert">{error}</p> : null}
          <p className="actions">
            <button type="button" className="button" onClick={() => setOpen(false)} disabled={busy} data-autofocus>{t("manage.keep")}</button>
            <button type="submit" className="button button-danger" disabled={busy} data-testid="confirm-cancel">{busy ? t("manage.cancelling") : t("manage.cancelConfirm")}</button>
          </p>
        </form>
      </Dialog>
    </section>
  );
}
