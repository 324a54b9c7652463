// After booking: the confirmation code, where the email went, the stay and
// the payment as it happens (the worker captures it in a job: the page
// follows it until it is paid or fails, then offers another card).
import { useState } from "react";
import { Alert, errorText } from "../components/Messages.tsx";
import { PaymentsView } from "../components/Payments.tsx";
import { BookedStaySummary } from "../components/StaySummary.tsx";
import { AddToCalendar } from "../components/AddToCalendar.tsx";
import { useI18n } from "../i18n.tsx";
import { href, onLinkClick, usePageTitle } from "../router.ts";
import { loadSession, type Session } from "../storage.ts";
import { useBooking } from "../useBooking.ts";

export function ConfirmationPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [session, setSession] = useState<Session | null>(() => loadSession());
  // One state: a booking made in this tab, or (a new tab, an old link) the way to find one, never both.
  usePageTitle(session ? t("confirm.title") : t("confirm.noneTitle"));
  // Follow the payment while the worker captures it (at most two minutes).
  const { booking, error, refresh } = useBooking(session, { everyMs: 1000, forMs: 120_000 });

  if (!session) return <NoBookingHere />;

  return (
    <>
      <h1 id="page-heading" tabIndex={-1}>{t("confirm.title")}</h1>
      <div className="panel confirmation">
        <p className="code-label">{t("confirm.code")}</p>
        <p className="code" data-testid="confirmation-code">{session.code}</p>
        <p>{t("confirm.emailSent", { email: session.email })}</p>
      </div>
      {error ? <Alert><p>{errorText(error, i18n)}</p></Alert> : null}
      <div className="book-layout">
        <section className="panel book-main" aria-labelledby="stay-heading">
          <h2 id="stay-heading">{booking?.propertyByPropertyId?.name ?? t("book.summary")}</h2>
          {booking ? (
            <>
              <BookedStaySummary booking={booking} rate={booking.ratePlan?.name} />
              {booking.status === "confirmed" ? <AddToCalendar reservationId={booking.rowId} code={session.code} token={session.token} /> : null}
            </>
          ) : (
            <p className="placeholder-block" role="status">{t("confirm.loading")}</p>
          )}
        </section>
        <section className="panel book-side" aria-labelledby="payment-heading">
          <h2 id="payment-heading">{t("pay.title")}</h2>
          <div aria-live="polite">
            {booking ? (
              <PaymentsView
                booking={booking}
                session={session}
                onPaid={(next) => {
                  setSession(next);
                  void refresh();
                }}
              />
            ) : null}
          </div>
        </section>
      </div>
      <p className="actions">
        <a className="button button-primary" href={href("/manage")} onClick={onLinkClick}>{t("confirm.manage")}</a>
        <a className="button" href="/" onClick={onLinkClick}>{t("confirm.another")}</a>
      </p>
    </>
  );
}

/** A confirmation page opened in a tab that made no booking (a new tab, an old link): how to find one. */
export function NoBookingHere() {
  const { t } = useI18n();
  return (
    <>
      <h1 id="page-heading" tabIndex={-1}>{t("confirm.noneTitle")}</h1>
      <p data-testid="confirmation-none">{t("confirm.none")}</p>
      <p className="actions">
        <a className="button button-primary" href="/manage" onClick={onLinkClick}>{t("confirm.findIt")}</a>
        <a className="button" href="/" onClick={onLinkClick}>{t("confirm.another")}</a>
      </p>
    </>
  );
}
