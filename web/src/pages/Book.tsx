// Booking one stay: the price (nightly lines, fees, taxes, cancellation
// terms, what is charged when), then a hold of the room with a visible
// countdown while the guest gives their details and card (the provider's
// hosted card form), then confirmation and payment. Every step is safe to
// retry: its idempotency key is kept with the booking in progress
// (storage.ts), so a refresh resumes it and a double click or a second
// Enter never books or charges twice. A room taken by someone else in the
// meantime ("just taken") or a lost hold says so and offers to try again.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { ApiError } from "../../../shared/api-error.ts";
import { request, withRetries } from "../api.ts";
import { CardForm, type CardFormHandle } from "../components/CardForm.tsx";
import { cardErrorText, checkDetails, ConfirmButton, ContactFields, useAccountPrefill, type ConfirmBusy, type DetailErrors } from "../components/GuestDetails.tsx";
import { Countdown } from "../components/Countdown.tsx";
import { ExtrasPicker } from "../components/ExtrasPicker.tsx";
import { Alert, errorText } from "../components/Messages.tsx";
import { Amenities, Photos } from "../components/Photos.tsx";
import { lineLabel, PriceTable, useFeeNames } from "../components/PriceTable.tsx";
import { PromoCodeField, promoRefusal } from "../components/PromoCode.tsx";
import { StaySummary } from "../components/StaySummary.tsx";
import { ChildAges, childAgesOf, childAgesParam, chosenAges, resizeAges, type FormAges } from "../components/ChildAges.tsx";
import {
  bookableExtras as bookableExtrasDoc,
  confirmBooking,
  createHold,
  lookupBooking,
  quote as quoteDoc,
  ratePlan as ratePlanDoc,
  roomTypeHeldUntil,
  type BookableExtra,
  type ExtraChoice,
  type GuestDetails,
  type Quote,
  type RatePlanDetails,
  type StayVariables,
} from "../documents.ts";
import { formatMoney, minorUnits } from "../../../shared/money.ts";
import { formatMoment, isIsoDate } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { paymentScheduleText } from "../planLabels.ts";
import { keyFor } from "../keys.ts";
import { payWithCard, paymentPreview } from "../payments.ts";
import { href, navigate, onLinkClick, usePageTitle, type Location } from "../router.ts";
import { loadAccount, loadDraft, saveDraft, saveSession, tokenExpiry, type Draft } from "../storage.ts";
import { searchHref } from "./Search.tsx";

function stayOf(params: URLSearchParams): StayVariables | null {
  const ratePlanId = params.get("plan") ?? "";
  const arrival = params.get("arrival");
  const departure = params.get("departure");
  const adults = Number(params.get("adults") ?? 2);
  const children = Number(params.get("children") ?? 0);
  if (!/^[0-9a-f-]{36}$/i.test(ratePlanId) || !isIsoDate(arrival) || !isIsoDate(departure)) return null;
  if (!Number.isInteger(adults) || adults < 1 || !Number.isInteger(children) || children < 0) return null;
  return { ratePlanId, arrival, departure, adults, children, childAges: childAgesOf(params.get("ages"), children) };
}

/** A link to book the stay with these children's ages (ages=4,7). */
const bookHref = (stay: StayVariables, childAges: number[] | null) =>
  href("/book", { plan: stay.ratePlanId, arrival: stay.arrival, departure: stay.departure, adults: stay.adults, children: stay.children || null, ages: childAgesParam(childAges) });

/** Before the price, when a link came without the children's ages (a rate may price them by age): one select per child. */
function AgesNeeded({ stay }: { stay: StayVariables }) {
  const { t } = useI18n();
  const [ages, setAges] = useState<FormAges>(resizeAges([], stay.children));
  const [error, setError] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = chosenAges(ages);
    if (!chosen) {
      setError(true);
      document.getElementById(`book-age-${ages.indexOf(null)}`)?.focus();
      return;
    }
    navigate(bookHref(stay, chosen), { replace: true });
  };
  return (
    <section aria-labelledby="price-heading" className="panel">
      <h2 id="price-heading">{t("book.price")}</h2>
      <form onSubmit={submit} noValidate data-testid="ages-needed">
        <ChildAges idPrefix="book" ages={ages} onChange={setAges} invalid={error} describedBy="book-ages-error" />
        <p id="book-ages-error" className="field-error" role="alert">{error ? t("ages.missing") : null}</p>
        <button type="submit" className="button button-primary">{t("ages.continue")}</button>
      </form>
    </section>
  );
}

type Problem =
  | { kind: "justTaken" }
  /** Sold out because other guests hold it while they book: it comes back at `until` if they do not. */
  | { kind: "justHeld"; until: string }
  | { kind: "holdLost" }
  | { kind: "restricted"; error: ApiError }
  | { kind: "missing" }
  | { kind: "error"; error: unknown };

type Busy = ConfirmBusy;

const emptyDetails: GuestDetails = { fullName: "", email: "", phone: "", specialRequests: "" };

/** The extras a quote was priced with, as quote(extras) takes them back. */
const choicesOf = (quote: Quote | undefined): ExtraChoice[] =>
  (quote?.extras ?? []).map((e) => ({ extraId: e.extra_id, quantity: e.quantity }));

/** An extra refused (docs/booking.md, "Extras"): withdrawn since it was listed, or anything else. */
const isExtraRefusal = (error: unknown): error is ApiError =>
  error instanceof ApiError && error.code === "INVALID_INPUT" && (error.reason ?? "").startsWith("EXTRA");

export function BookPage({ location }: { location: Location }) {
  const i18n = useI18n();
  const { t, locale, language } = i18n;
  usePageTitle(t("book.title"));
  const stay = useMemo(() => stayOf(location.params), [location.params]);
  const [draft, setDraftState] = useState<Draft | null>(() => (stay ? loadDraft(stay) ?? { stay } : null));
  const [plan, setPlan] = useState<RatePlanDetails | null>(null);
  const [extras, setExtras] = useState<BookableExtra[]>([]);
  const [extrasError, setExtrasError] = useState<string | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<DetailErrors>({});
  const [details, setDetailsState] = useState<GuestDetails>(() => draft?.details ?? draft?.typed ?? emptyDetails);
  const [expired, setExpired] = useState(false);
  const [promoError, setPromoError] = useState<string | null>(null);
  const card = useRef<CardFormHandle>(null);
  const inFlight = useRef(false);
  const quoteSeq = useRef(0); // only the latest quote asked for is shown (the guest may tick two extras quickly)
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const focusDetails = useRef(false); // set by reserve: the details step takes the focus once it is in the page

  const setDraft = useCallback((next: Draft | null) => {
    saveDraft(next);
    setDraftState(next);
  }, []);

  // What the guest types on the details step goes into the draft at once: a refresh keeps it (the draft goes when
  // the booking is confirmed or the hold given up).
  const setDetails = (next: GuestDetails) => {
    setDetailsState(next);
    if (draft?.hold && !draft.booking) setDraft({ ...draft, typed: next });
  };
  const prefilled = useAccountPrefill(details, setDetails);

  // The room, rate and property (cacheable).
  useEffect(() => {
    if (!stay) return;
    const abort = new AbortController();
    request(ratePlanDoc, { id: stay.ratePlanId, language }, { signal: abort.signal }).then(
      (data) => (data.ratePlanByRowId ? setPlan(data.ratePlanByRowId) : setProblem({ kind: "missing" })),
      (error: unknown) => !abort.signal.aborted && setProblem({ kind: "error", error }),
    );
    return () => abort.abort();
  }, [stay, language]);

  // The extras guests may add (cacheable; none shown when they cannot be read: the stay books without them).
  const propertyId = plan?.roomType?.propertyByPropertyId?.rowId;
  const extraNames = useFeeNames(propertyId); // the summary names the chosen extras as the price table does
  useEffect(() => {
    if (!propertyId) return;
    const abort = new AbortController();
    request(bookableExtrasDoc, { propertyId, language }, { signal: abort.signal }).then(
      (data) => setExtras((data.bookableExtras?.nodes ?? []).flatMap((n) => (n ? [n] : []))),
      () => setExtras([]),
    );
    return () => abort.abort();
  }, [propertyId, language]);

  // SOLD_OUT does not say whether the last room is booked or only held by another guest who is booking: ask.
  const soldOut = useCallback(async () => {
    if (!stay) return;
    const held = await request(roomTypeHeldUntil, { ratePlanId: stay.ratePlanId, arrival: stay.arrival, departure: stay.departure })
      .then((data) => data.roomTypeHeldUntil, () => null);
    setProblem(held ? { kind: "justHeld", until: held } : { kind: "justTaken" });
  }, [stay]);

  // promoCode: the code to price the stay with (a new quote keeps the draft's code); a code the API refuses is said
  // beside its field, and the quote before it stays. chosen: the extras (a new quote keeps the draft's), likewise.
  const getQuote = useCallback(
    async (reason?: "expired", promoCode: string | null = draft?.quote?.promoCode ?? null, chosen: ExtraChoice[] = choicesOf(draft?.quote)) => {
      if (!stay || (stay.children > 0 && !stay.childAges)) return;
      const seq = ++quoteSeq.current;
      setBusy("quote");
      setProblem(null);
      setPromoError(null);
      setExtrasError(null);
      try {
        const data = await request(quoteDoc, { ...stay, promoCode, extras: chosen.length > 0 ? chosen : null });
        if (seq !== quoteSeq.current) return;
        if (!data.quote) throw new ApiError("NOT_FOUND", "No quote.");
        setDraft({ stay, quote: data.quote });
        if (reason === "expired") setNotice(t("book.priceChanged"));
      } catch (error) {
        if (seq !== quoteSeq.current) return;
        if (error instanceof ApiError && error.code === "PROMO_CODE") {
          // A code used up or withdrawn since the last quote: the price without it.
          if (reason === "expired" || !draft?.quote) void getQuote(reason, null, chosen);
          setPromoError(t(promoRefusal(error.reason)));
        } else if (isExtraRefusal(error)) {
          // An extra withdrawn since the list was read: the price without the extras, and why.
          void getQuote(reason, promoCode, []);
          setExtrasError(t(error.reason === "EXTRA_SOLD_OUT" ? "book.extraSoldOut" : "book.extraRefused"));
        } else if (error instanceof ApiError && error.code === "SOLD_OUT") await soldOut();
        else if (error instanceof ApiError && (error.code === "RESTRICTED" || error.code === "INVALID_DATES" || error.code === "INVALID_GUESTS")) setProblem({ kind: "restricted", error });
        else if (error instanceof ApiError && error.code === "NOT_FOUND") setProblem({ kind: "missing" });
        else setProblem({ kind: "error", error });
      } finally {
        if (seq === quoteSeq.current) setBusy(null);
      }
    },
    [stay, draft, setDraft, t, soldOut],
  );

  // A fresh quote unless this tab already holds the room (or booked it).
  useEffect(() => {
    if (stay && !draft?.hold && !draft?.quote) void getQuote();
  }, [stay]); // once per stay: not again when the draft changes

  const reserve = async () => {
    if (!draft?.quote?.quoteToken || inFlight.current) return;
    inFlight.current = true;
    setBusy("hold");
    setProblem(null);
    setNotice(null);
    const holdKey = keyFor(draft.holdKey, draft.quote.quoteToken);
    const withKey: Draft = { ...draft, holdKey };
    setDraft(withKey);
    try {
      // The same key again after a lost answer: if the first request did arrive, this replays its hold.
      let sentAt = 0;
      const data = await withRetries(() => {
        sentAt = Date.now();
        // Signed in to a guest account: the hold (and so the booking) is the account's.
        return request(createHold, { quoteToken: draft.quote!.quoteToken!, key: holdKey.key }, { token: loadAccount()?.token });
      });
      const hold = data.createHold?.result;
      if (!hold) throw new ApiError("NOT_FOUND", "No hold.");
      // The server's clock, from the hold itself: it expires 15 minutes after it was made.
      const clockSkew = (new Date(hold.expiresAt).getTime() - 15 * 60_000 - (sentAt + Date.now()) / 2) / 1000;
      setDraft({ ...withKey, hold, clockSkew: Math.abs(clockSkew) < 5 ? 0 : clockSkew });
      setExpired(false);
      focusDetails.current = true;
    } catch (error) {
      if (error instanceof ApiError && error.code === "SOLD_OUT") await soldOut();
      else if (error instanceof ApiError && error.code === "QUOTE_EXPIRED") void getQuote("expired");
      else if (error instanceof ApiError && error.code === "PROMO_CODE") {
        // Withdrawn or used up since the quote: the price without it, and why.
        void getQuote(undefined, null);
        setPromoError(t(promoRefusal(error.reason)));
      }
      else if (isExtraRefusal(error)) {
        // An extra withdrawn since the quote: the price without the extras, and why.
        void getQuote(undefined, undefined, []);
        setExtrasError(t(error.reason === "EXTRA_SOLD_OUT" ? "book.extraSoldOut" : "book.extraRefused"));
      }
      else if (error instanceof ApiError && error.code === "RESTRICTED") setProblem({ kind: "restricted", error });
      else setProblem({ kind: "error", error });
    } finally {
      inFlight.current = false;
      setBusy(null);
    }
  };

  const finish = useCallback(
    async (current: Draft) => {
      // Confirmed: the booking token, then the payment, then the confirmation page.
      const booking = current.booking!;
      const email = current.details!.email.trim();
      setBusy("pay");
      const data = await request(lookupBooking, { code: booking.confirmationCode, email });
      const token = data.lookupBooking?.result;
      if (!token) throw new ApiError("NOT_FOUND", "The booking could not be found.");
      let session = { code: booking.confirmationCode, email, token, expiresAt: tokenExpiry(token), reservationId: booking.reservationId, ...(current.card ? { card: current.card } : {}) };
      saveSession(session);
      if (current.card) {
        try {
          session = await payWithCard(session, current.card);
        } catch {
          // The booking stands; the confirmation page shows the payment's state and offers another card.
        }
      }
      saveDraft(null);
      navigate("/confirmation", { replace: true });
    },
    [],
  );

  const confirm = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!draft?.hold || inFlight.current) return;
    const { trimmed, errors } = checkDetails(details, t);
    if (Object.keys(errors).length > 0) {
      // Every error at once: the card form shows the card's too (without tokenizing it).
      if (!draft.booking && card.current && !(await card.current.check())) errors.card = t("book.cardFix");
      setFieldErrors(errors);
      document.getElementById(errors.fullName ? "fullName" : "email")?.focus();
      return;
    }
    setFieldErrors({});
    inFlight.current = true;
    setProblem(null);
    try {
      let current: Draft = { ...draft, details: trimmed };
      if (!current.booking) {
        setBusy("card");
        let cardToken;
        try {
          cardToken = await card.current!.tokenize();
        } catch (error) {
          // The card's fields say what is wrong, each under its field in the provider's form.
          setFieldErrors({ card: cardErrorText(error, t) });
          return;
        }
        const input = { reservationId: draft.hold.reservationId, ...trimmed };
        current = { ...current, card: cardToken, confirmKey: keyFor(current.confirmKey, input) };
        setDraft(current); // the key is stored before the request: a refresh replays it
        setBusy("confirm");
        const booking = await confirmWithRetry(current);
        current = { ...current, booking };
        setDraft(current);
      }
      await finish(current);
    } catch (error) {
      handleConfirmError(error);
    } finally {
      inFlight.current = false;
      setBusy(null);
    }
  };

  const handleConfirmError = (error: unknown) => {
    if (error instanceof ApiError && (error.code === "HOLD_EXPIRED" || (error.code === "NOT_FOUND" && !draft?.booking))) {
      setProblem({ kind: "holdLost" });
    } else if (error instanceof ApiError && error.code === "PROMO_CODE" && !draft?.booking) {
      // The code's last use went to someone else (or it was withdrawn) while the guest typed: nothing was booked or
      // charged. Back to the price, without the code, and why (the hold runs out on its own).
      setDraft(stay ? { stay } : null);
      void getQuote(undefined, null);
      setPromoError(t(promoRefusal(error.reason)));
    } else if (error instanceof ApiError && ["INVALID_EMAIL", "INVALID_NAME", "INVALID_PHONE"].includes(error.code)) {
      const field = error.code === "INVALID_EMAIL" ? "email" : error.code === "INVALID_NAME" ? "fullName" : "phone";
      setFieldErrors({ [field]: t(`error.${error.code as "INVALID_EMAIL" | "INVALID_NAME" | "INVALID_PHONE"}`) });
      document.getElementById(field)?.focus();
    } else {
      setProblem({ kind: "error", error });
    }
  };

  // A refresh after the confirmation was sent: send it again with the same key (it replays), then pay.
  const resumed = useRef(false);
  useEffect(() => {
    if (resumed.current || !draft?.hold || !draft.confirmKey || !draft.card || !draft.details) return;
    resumed.current = true;
    inFlight.current = true;
    setBusy("confirm");
    (async () => {
      let current = draft;
      if (!current.booking) current = { ...current, booking: await confirmWithRetry(current) };
      setDraft(current);
      await finish(current);
    })()
      .catch(handleConfirmError)
      .finally(() => {
        inFlight.current = false;
        setBusy(null);
      });
  }, []); // once, on load

  const startOver = () => {
    setDraft(stay ? { stay } : null);
    setProblem(null);
    setExpired(false);
    void getQuote();
  };

  const step = draft?.hold ? 2 : 1;
  // After the commit that shows the details step (an animation frame can come before it).
  useEffect(() => {
    if (step !== 2 || !focusDetails.current) return;
    focusDetails.current = false;
    stepHeading.current?.focus();
  }, [step]);

  if (!stay) {
    return (
      <>
        <h1 id="page-heading" tabIndex={-1}>{t("book.missing")}</h1>
        <p>{t("book.missingText")}</p>
        <a className="button" href="/" onClick={onLinkClick}>{t("book.searchAgain")}</a>
      </>
    );
  }

  const property = plan?.roomType?.propertyByPropertyId ?? null;
  const quote = draft?.quote;
  const total = quote ? minorUnits(quote.totalAmount) : 0n;
  const preview = plan && quote && property ? paymentPreview(total, plan.depositPercent, plan.balanceDueDays, stay.arrival, property.timeZone) : null;
  const money = (amount: bigint | string) => formatMoney(amount, quote?.currency ?? property?.currency ?? "EUR", locale);
  const searchBack = searchHref({ where: property ? `property:${property.rowId}` : "", arrival: stay.arrival, departure: stay.departure, adults: stay.adults, children: stay.children, childAges: stay.childAges });
  const agesNeeded = stay.children > 0 && !stay.childAges && !draft?.hold;

  return (
    <>
      <h1 id="page-heading" tabIndex={-1}>
        {property ? property.name : t("book.title")}
      </h1>
      <nav aria-label={t("book.steps")}>
        <ol className="steps">
          {[t("book.step1"), t("book.step2"), t("book.step3")].map((label, i) => (
            <li key={label} className={i + 1 === step ? "current" : i + 1 < step ? "done" : undefined} aria-current={i + 1 === step ? "step" : undefined}>
              <span className="step-number" aria-hidden="true">{i + 1}</span> {label}
            </li>
          ))}
        </ol>
      </nav>

      {notice ? <Alert tone="info">{notice}</Alert> : null}
      {/* A room just taken or held names the room and says the time in the property's zone: shown (and announced, once)
          only when the rate's details have come, never as "the last  for these dates" while they are on their way. */}
      {problem && (plan || (problem.kind !== "justTaken" && problem.kind !== "justHeld")) ? (
        <ProblemView problem={problem} roomName={plan?.roomType?.name ?? ""} timeZone={property?.timeZone} searchBack={searchBack} onRetry={startOver} />
      ) : null}

      <div className="book-layout">
        <div className="book-main">
          {agesNeeded ? (
            <AgesNeeded stay={stay} />
          ) : step === 1 ? (
            <section aria-labelledby="price-heading" className="panel">
              <h2 id="price-heading">{t("book.price")}</h2>
              {quote ? (
                <>
                  <ExtrasPicker
                    extras={extras} chosen={choicesOf(quote)} disabled={busy !== null && busy !== "quote"} error={extrasError}
                    onChange={(next) => void getQuote(undefined, undefined, next)}
                  />
                  <PriceTable quote={quote} />
                  <PromoCodeField code={quote.promoCode} error={promoError} disabled={busy !== null}
                    onApply={(code) => void getQuote(undefined, code)} onRemove={() => void getQuote(undefined, null)} />
                  <h3>{t("book.cancellation")}</h3>
                  <p data-testid="cancellation-terms">
                    {quote.isRefundable && quote.freeCancellationUntil && new Date(quote.freeCancellationUntil).getTime() > Date.now() // a same-day stay: the window has passed (issue 21)
                      ? t("book.freeUntil", { moment: formatMoment(quote.freeCancellationUntil, locale, property?.timeZone), penalty: money(quote.lateCancellationPenalty) })
                      : t("book.nonRefundableCosts", { penalty: money(quote.lateCancellationPenalty) })}
                  </p>
                  {plan && property ? (
                    <>
                      <h3>{t("book.payment")}</h3>
                      <p>{paymentText(plan, i18n)}</p>
                    </>
                  ) : null}
                  <p className="muted">{t("book.reserveNote")}</p>
                  <button type="button" className="button button-primary button-large" onClick={reserve} disabled={busy !== null || (problem !== null && problem.kind !== "error")} aria-describedby="reserve-status">
                    {busy === "hold" ? t("book.reserving") : t("book.reserve")}
                  </button>
                  <p id="reserve-status" className="visually-hidden" role="status">{busy === "hold" ? t("book.reserving") : ""}</p>
                </>
              ) : busy === "quote" ? (
                <p role="status" className="placeholder-block">{t("book.loading")}</p>
              ) : null}
            </section>
          ) : (
            <form className="panel" onSubmit={confirm} noValidate aria-labelledby="details-heading">
              {draft?.hold ? (
                <Countdown expiresAt={draft.hold.expiresAt} clockSkew={draft.clockSkew ?? 0} onExpire={() => setExpired(true)} />
              ) : null}
              {expired ? <Alert tone="warning">{t("book.holdExpired")}</Alert> : null}
              <h2 id="details-heading" ref={stepHeading} tabIndex={-1}>{t("book.details")}</h2>
              {Object.keys(fieldErrors).length > 0 ? <p className="field-error" role="alert">{t("book.fixErrors")}</p> : null}
              {prefilled ? <p className="hint">{t("book.prefilled")}</p> : null}
              <ContactFields details={details} onChange={setDetails} errors={fieldErrors} emailHint={t("book.emailHint")} />
              <h2>{t("book.card")}</h2>
              <p className="muted small">{t("book.testCards")}</p>
              {draft?.booking ? null : <CardForm ref={card} onSubmit={() => void confirm()} />}
              {fieldErrors.card ? <p className="field-error" role="alert">{fieldErrors.card}</p> : null}
              {preview ? (
                <p className="due">
                  <strong>{t("book.dueNow", { amount: money(preview.dueNow) })}</strong>
                  {preview.later > 0n ? <span className="muted"> · {t("book.dueLater", { amount: money(preview.later) })}</span> : null}
                </p>
              ) : null}
              <ConfirmButton busy={busy} payNow={preview && preview.dueNow > 0n ? money(preview.dueNow) : null} />
            </form>
          )}
        </div>
        <aside className="book-side panel" aria-labelledby="summary-heading">
          <h2 id="summary-heading">{t("book.summary")}</h2>
          <Photos urls={plan?.roomType?.photoUrls ?? []} name={plan?.roomType?.name ?? ""} eager />
          <StaySummary
            arrival={stay.arrival}
            departure={stay.departure}
            adults={stay.adults}
            children={stay.children}
            childAges={stay.childAges}
            room={plan?.roomType?.name}
            rate={plan ? `${plan.name} · ${t(`meal.${plan.mealPlan}`)}` : undefined}
            checkInTime={property?.checkInTime}
            checkOutTime={property?.checkOutTime}
            extras={quote ? quote.lines.filter((l) => l.kind === "extra").map((l) => lineLabel(l, i18n, extraNames)) : undefined}
            total={quote ? money(quote.totalAmount) : undefined}
          />
          <Amenities codes={plan?.roomType?.amenities ?? []} label={t("search.amenities")} />
          <p className="muted small">
            <a href={searchBack} onClick={onLinkClick}>{t("book.searchAgain")}</a>
          </p>
        </aside>
      </div>
    </>
  );
}

/** confirmBooking with the draft's key, retried as is when the answer was lost (it replays). */
async function confirmWithRetry(draft: Draft) {
  const d = draft.details!;
  const data = await withRetries(() => request(confirmBooking, {
    reservationId: draft.hold!.reservationId,
    key: draft.confirmKey!.key,
    fullName: d.fullName,
    email: d.email,
    phone: d.phone || null,
    specialRequests: d.specialRequests || null,
    // The proof that this tab made the hold (kept with it in the draft, in sessionStorage).
    holdToken: draft.hold!.holdToken ?? null,
  }));
  const booking = data.confirmBooking?.result;
  if (!booking) throw new ApiError("NOT_FOUND", "The booking was not confirmed.");
  return booking;
}

function paymentText(plan: RatePlanDetails, i18n: ReturnType<typeof useI18n>): string {
  return paymentScheduleText(plan, i18n.t);
}

function ProblemView({ problem, roomName, timeZone, searchBack, onRetry }: { problem: Problem; roomName: string; timeZone?: string; searchBack: string; onRetry: () => void }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const actions = (retry: boolean) => (
    <p className="actions">
      {retry ? (
        <button type="button" className="button button-primary" onClick={onRetry}>
          {t("book.tryAgain")}
        </button>
      ) : null}
      <a className="button" href={searchBack} onClick={onLinkClick}>
        {t("book.searchAgain")}
      </a>
    </p>
  );
  switch (problem.kind) {
    case "justTaken":
      return (
        <Alert title={t("book.justTaken")}>
          <p data-testid="just-taken">{t("book.justTakenText", { room: roomName })}</p>
          {actions(false)}
        </Alert>
      );
    case "justHeld":
      return (
        <Alert title={t("book.justHeld")}>
          <p data-testid="just-held">{t("book.justHeldText", { room: roomName, time: formatMoment(problem.until, locale, timeZone) })}</p>
          {actions(true)}
        </Alert>
      );
    case "holdLost":
      return (
        <Alert title={t("book.holdLost")}>
          <p data-testid="hold-lost">{t("book.holdLostText")}</p>
          {actions(true)}
        </Alert>
      );
    case "restricted":
      return (
        <Alert title={t("book.restricted")}>
          <p>{errorText(problem.error, i18n)}</p>
          {actions(false)}
        </Alert>
      );
    case "missing":
      return (
        <Alert title={t("book.missing")}>
          <p>{t("book.missingText")}</p>
          {actions(false)}
        </Alert>
      );
    default:
      return (
        <Alert>
          <p>{errorText(problem.error, i18n)}</p>
          {actions(true)}
        </Alert>
      );
  }
}
