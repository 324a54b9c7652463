// Booking several rooms of one stay (issue 22), as the single-room flow books
// one: choose the rooms (room type and rate, adults and children each, at most
// what each room sleeps), one price (quoteGroup: each room's price and the
// total), one hold of every room or none (createGroupHold) with its countdown,
// one details step (the booker, and optionally who sleeps in each room), one
// card and one confirmation (confirmGroup), then each room's payment by its
// rate plan with that card. Every step keeps its idempotency key in the tab's
// group draft (storage.ts), so a refresh resumes it and a second click books
// nothing twice. A lazy chunk: /book?rooms=… loads it.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { ApiError } from "../../../shared/api-error.ts";
import { formatMoney, minorUnits } from "../../../shared/money.ts";
import { request, withRetries } from "../api.ts";
import { CardForm, type CardFormHandle } from "../components/CardForm.tsx";
import { ChildAges, chosenAges, resizeAges, type FormAges } from "../components/ChildAges.tsx";
import { cardErrorText, checkDetails, ConfirmButton, ContactFields, Field, type ConfirmBusy, type DetailErrors } from "../components/GuestDetails.tsx";
import { Countdown } from "../components/Countdown.tsx";
import { Alert, errorText } from "../components/Messages.tsx";
import { PriceTable } from "../components/PriceTable.tsx";
import { PromoCodeField, promoRefusal } from "../components/PromoCode.tsx";
import { guestsText } from "../components/StaySummary.tsx";
import {
  confirmGroup,
  createGroupHold,
  lookupBooking,
  quoteGroup,
  ratePlan as ratePlanDoc,
  search as searchDoc,
  type Availability,
  type Booking,
  type GroupRoom,
  type RatePlanDetails,
} from "../documents.ts";
import { formatDate, formatMoment, nightsBetween } from "../format.ts";
import { groupHref, groupStayOf, maxRooms, roomOfError } from "../groupStay.ts";
import { useI18n } from "../i18n.tsx";
import { keyFor } from "../keys.ts";
import { payWithCard, paymentPreview } from "../payments.ts";
import { navigate, onLinkClick, usePageTitle, type Location } from "../router.ts";
import {
  loadAccount,
  loadGroupDraft,
  saveGroupDraft,
  saveGroupSession,
  tokenExpiry,
  type GroupDetails,
  type GroupDraft,
  type GroupSession,
  type GroupStay,
  type Session,
} from "../storage.ts";
import { searchHref } from "./Search.tsx";

type Busy = ConfirmBusy;

const emptyDetails = (rooms: number): GroupDetails => ({ fullName: "", email: "", phone: "", specialRequests: "", guestNames: Array.from({ length: rooms }, () => "") });

/** "Room 2 (Suite): …" → 2: the API names the room its error is about. */
export default function GroupBookPage({ location }: { location: Location }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  usePageTitle(t("group.title"));
  const stay = useMemo(() => groupStayOf(location.params), [location.params]);
  const [draft, setDraftState] = useState<GroupDraft | null>(() => (stay && stay.rooms.length > 0 ? (loadGroupDraft(stay) ?? { stay }) : null));
  const [options, setOptions] = useState<Availability[] | null>(null);
  const [plans, setPlans] = useState<Record<string, RatePlanDetails>>({});
  const [busy, setBusy] = useState<Busy>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [expired, setExpired] = useState(false);
  const [promoError, setPromoError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<DetailErrors>({});
  const [details, setDetailsState] = useState<GroupDetails>(() => draft?.details ?? draft?.typed ?? emptyDetails(stay?.rooms.length ?? 0));
  const card = useRef<CardFormHandle>(null);
  const inFlight = useRef(false);
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const focusDetails = useRef(false);

  // A new choice of rooms is a new booking in progress (the URL changed).
  useEffect(() => {
    const next = stay && stay.rooms.length > 0 ? (loadGroupDraft(stay) ?? { stay }) : null;
    setDraftState(next);
    setDetailsState(next?.details ?? next?.typed ?? emptyDetails(stay?.rooms.length ?? 0));
    setProblem(null);
  }, [stay]);

  const setDraft = useCallback((next: GroupDraft | null) => {
    saveGroupDraft(next);
    setDraftState(next);
  }, []);

  const setDetails = (next: GroupDetails) => {
    setDetailsState(next);
    if (draft?.hold && !draft.bookings) setDraft({ ...draft, typed: next });
  };

  // The property's rooms and rates (cacheable, as the search asks them), to choose from and to name the rooms.
  useEffect(() => {
    if (!stay) return;
    const abort = new AbortController();
    request(searchDoc, { arrival: stay.arrival, departure: stay.departure, adults: 1, children: 0, city: null, propertyId: stay.propertyId, language: i18n.language }, { signal: abort.signal }).then(
      (data) => setOptions((data.searchAvailability?.nodes ?? []).filter((n): n is Availability => !!n)),
      (error: unknown) => !abort.signal.aborted && setProblem(error),
    );
    return () => abort.abort();
  }, [stay?.propertyId, stay?.arrival, stay?.departure, i18n.language]);

  // Each chosen rate's terms (deposit, balance, meal plan) and the property (its name and time zone), cacheable.
  const planIds = useMemo(() => [...new Set(stay?.rooms.map((r) => r.ratePlanId) ?? [])].sort().join(","), [stay]);
  useEffect(() => {
    const abort = new AbortController();
    for (const id of planIds ? planIds.split(",") : []) {
      request(ratePlanDoc, { id, language: i18n.language }, { signal: abort.signal }).then(
        (data) => data.ratePlanByRowId && setPlans((p) => ({ ...p, [id]: data.ratePlanByRowId! })),
        () => {},
      );
    }
    return () => abort.abort();
  }, [planIds, i18n.language]);

  // A promo code the API refuses, in the guest's words; one not for a room's rate names that room (any other reason
  // is the same for every room, and the API names the first).
  const promoText = useCallback((error: ApiError) => {
    const reason = t(promoRefusal(error.reason));
    const no = error.reason === "RATE_PLAN" ? roomOfError(error) : 0;
    const room = stay?.rooms[no - 1];
    const name = room ? (options?.find((o) => o.ratePlanId === room.ratePlanId)?.roomTypeName ?? plans[room.ratePlanId]?.roomType?.name ?? "") : "";
    return no > 0 && name ? t("group.promoRoom", { no, room: name, reason }) : reason;
  }, [t, stay, options, plans]);

  // promoCode: one code for every room (a new quote keeps the draft's); a code the API refuses is said beside its
  // field, with the price without it.
  const getQuote = useCallback(async (promoCode: string | null = draft?.quote?.promoCode ?? null) => {
    // A room with children but no ages (an old link, a hand-made one) is priced once the chooser has them.
    if (!stay || stay.rooms.length === 0 || stay.rooms.some((r) => r.children > 0 && !r.childAges)) return;
    setBusy("quote");
    setProblem(null);
    setPromoError(null);
    try {
      const data = await request(quoteGroup, { rooms: stay.rooms.map((r) => ({ ratePlanId: r.ratePlanId, adults: r.adults, children: r.children, childAges: r.childAges ?? null })), arrival: stay.arrival, departure: stay.departure, promoCode });
      if (!data.quoteGroup) throw new ApiError("NOT_FOUND", "No quote.");
      setDraft({ stay, quote: data.quoteGroup });
    } catch (error) {
      if (error instanceof ApiError && error.code === "PROMO_CODE") {
        if (!draft?.quote || draft.quote.promoCode) void getQuote(null);
        setPromoError(promoText(error));
      } else setProblem(error);
    } finally {
      setBusy(null);
    }
  }, [stay, draft, setDraft, promoText]);

  useEffect(() => {
    if (stay && stay.rooms.length > 0 && !draft?.hold && !draft?.quote) void getQuote();
  }, [stay]); // once per choice of rooms

  const reserve = async () => {
    if (!draft?.quote?.quoteToken || inFlight.current) return;
    inFlight.current = true;
    setBusy("hold");
    setProblem(null);
    const holdKey = keyFor(draft.holdKey, draft.quote.quoteToken);
    const withKey: GroupDraft = { ...draft, holdKey };
    setDraft(withKey);
    try {
      // The same key again after a lost answer: if the first request did arrive, this replays its hold.
      let sentAt = 0;
      const data = await withRetries(() => {
        sentAt = Date.now();
        return request(createGroupHold, { quoteToken: draft.quote!.quoteToken!, key: holdKey.key }, { token: loadAccount()?.token });
      });
      const hold = data.createGroupHold?.result;
      if (!hold) throw new ApiError("NOT_FOUND", "No hold.");
      const clockSkew = (new Date(hold.expiresAt).getTime() - 15 * 60_000 - (sentAt + Date.now()) / 2) / 1000;
      setDraft({ ...withKey, hold, clockSkew: Math.abs(clockSkew) < 5 ? 0 : clockSkew });
      setExpired(false);
      focusDetails.current = true;
    } catch (error) {
      if (error instanceof ApiError && error.code === "QUOTE_EXPIRED") void getQuote();
      else if (error instanceof ApiError && error.code === "PROMO_CODE") {
        // Withdrawn or used up since the quote: nothing is held; the price without it, and why.
        setDraft({ stay: draft.stay });
        void getQuote(null);
        setPromoError(promoText(error));
      } else {
        // Sold out meanwhile: that price no longer holds; the guest changes the rooms and asks again.
        if (error instanceof ApiError && error.code === "SOLD_OUT") setDraft({ stay: draft.stay });
        setProblem(error);
      }
    } finally {
      inFlight.current = false;
      setBusy(null);
    }
  };

  const finish = useCallback(async (current: GroupDraft) => {
    // Confirmed (with the rooming list, in the same call): the group's token, each room's token (its payments), then the card.
    const bookings = current.bookings!;
    const email = current.details!.email;
    setBusy("pay");
    const token = (await request(lookupBooking, { code: current.hold!.groupCode, email })).lookupBooking?.result;
    if (!token) throw new ApiError("NOT_FOUND", "The booking could not be found.");
    const session: GroupSession = { groupId: current.hold!.bookingGroupId, groupCode: current.hold!.groupCode, email, token, expiresAt: tokenExpiry(token), rooms: [], ...(current.card ? { card: current.card } : {}) };
    for (const booking of bookings) {
      const roomToken = (await request(lookupBooking, { code: booking.confirmationCode, email })).lookupBooking?.result;
      if (roomToken) session.rooms.push({ code: booking.confirmationCode, email, token: roomToken, expiresAt: tokenExpiry(roomToken), reservationId: booking.reservationId });
    }
    saveGroupSession(session);
    if (current.card) {
      for (const [i, room] of session.rooms.entries()) {
        const save = (next: Session) => {
          session.rooms[i] = next;
          saveGroupSession(session);
        };
        try {
          save(await payWithCard(room, current.card, save));
        } catch {
          // The booking stands; the confirmation page shows each room's payment and offers another card.
        }
      }
    }
    saveGroupDraft(null);
    navigate(`/confirmation?group=${encodeURIComponent(session.groupCode)}`, { replace: true });
  }, []);

  const confirm = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!draft?.hold || inFlight.current) return;
    const checked = checkDetails(details, t);
    const errors = checked.errors;
    const trimmed: GroupDetails = { ...checked.trimmed, guestNames: draft.stay.rooms.map((_, i) => (details.guestNames[i] ?? "").trim()) };
    if (Object.keys(errors).length > 0) {
      if (!draft.bookings && card.current && !(await card.current.check())) errors.card = t("book.cardFix");
      setFieldErrors(errors);
      document.getElementById(errors.fullName ? "fullName" : "email")?.focus();
      return;
    }
    setFieldErrors({});
    inFlight.current = true;
    setProblem(null);
    try {
      let current: GroupDraft = { ...draft, details: trimmed };
      if (!current.bookings) {
        setBusy("card");
        let cardToken;
        try {
          cardToken = await card.current!.tokenize();
        } catch (error) {
          setFieldErrors({ card: cardErrorText(error, t) });
          return;
        }
        // The rooming list is part of the confirmation: other names are another request.
        current = { ...current, card: cardToken, confirmKey: keyFor(current.confirmKey, { group: draft.hold.bookingGroupId, ...trimmed }) };
        setDraft(current); // the key is kept before the request: a refresh replays it
        setBusy("confirm");
        current = { ...current, bookings: await confirmWithRetry(current) };
        setDraft(current);
      }
      await finish(current);
    } catch (error) {
      if (error instanceof ApiError && ["INVALID_EMAIL", "INVALID_NAME", "INVALID_PHONE"].includes(error.code)) {
        const field = error.code === "INVALID_EMAIL" ? "email" : error.code === "INVALID_NAME" ? "fullName" : "phone";
        setFieldErrors({ [field]: t(`error.${error.code as "INVALID_EMAIL" | "INVALID_NAME" | "INVALID_PHONE"}`) });
        document.getElementById(field)?.focus();
      } else if (error instanceof ApiError && error.code === "PROMO_CODE" && !draft.bookings) {
        // The code's last use went to another booking while the guest typed: nothing was confirmed or charged.
        // Back to the price without the code, and why (the hold runs out on its own).
        setDraft({ stay: draft.stay });
        void getQuote(null);
        setPromoError(promoText(error));
      } else setProblem(error);
    } finally {
      inFlight.current = false;
      setBusy(null);
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
      if (!current.bookings) current = { ...current, bookings: await confirmWithRetry(current) };
      setDraft(current);
      await finish(current);
    })()
      .catch(setProblem)
      .finally(() => {
        inFlight.current = false;
        setBusy(null);
      });
  }, []); // once, on load

  const step = draft?.hold ? 2 : 1;
  useEffect(() => {
    if (step !== 2 || !focusDetails.current) return;
    focusDetails.current = false;
    stepHeading.current?.focus();
  }, [step]);

  // A link whose rates are another property's than the one it names (forged or stale) books nothing.
  const foreign = !!stay && (Object.values(plans).some((p) => p.roomType?.propertyByPropertyId?.rowId !== stay.propertyId)
    || (!!draft?.quote && draft.quote.propertyId !== stay.propertyId));
  if (!stay || foreign) {
    return (
      <>
        <h1 id="page-heading" tabIndex={-1}>{t("book.missing")}</h1>
        <p>{t("book.missingText")}</p>
        <a className="button" href="/" onClick={onLinkClick}>{t("book.searchAgain")}</a>
      </>
    );
  }

  const propertyName = options?.[0]?.propertyName ?? Object.values(plans)[0]?.roomType?.propertyByPropertyId?.name;
  const property = Object.values(plans)[0]?.roomType?.propertyByPropertyId ?? null;
  const quote = draft?.quote;
  const money = (amount: bigint | string) => formatMoney(amount, quote?.currency ?? property?.currency ?? "EUR", locale);
  const roomName = (room: GroupRoom | undefined) => (room ? (options?.find((o) => o.ratePlanId === room.ratePlanId)?.roomTypeName ?? plans[room.ratePlanId]?.roomType?.name ?? "") : "");
  const searchBack = searchHref({ where: `property:${stay.propertyId}`, arrival: stay.arrival, departure: stay.departure, adults: Math.max(1, stay.rooms.reduce((s, r) => s + r.adults, 0)), children: stay.rooms.reduce((s, r) => s + r.children, 0), childAges: stay.rooms.every((r) => r.children === 0 || r.childAges) ? stay.rooms.flatMap((r) => r.childAges ?? []) : null });
  // What is charged now: each room by its own rate plan's deposit rules.
  const preview = quote && property && quote.rooms.every((r) => plans[r.quote.ratePlanId])
    ? quote.rooms.reduce(
        (sum, r) => {
          const plan = plans[r.quote.ratePlanId]!;
          const p = paymentPreview(minorUnits(r.quote.totalAmount), plan.depositPercent, plan.balanceDueDays, stay.arrival, property.timeZone);
          return { dueNow: sum.dueNow + p.dueNow, later: sum.later + p.later };
        },
        { dueNow: 0n, later: 0n },
      )
    : null;
  const soldOutRoom = problem instanceof ApiError && problem.code === "SOLD_OUT" ? roomOfError(problem) : 0;
  const guests = stay.rooms.reduce((s, r) => s + r.adults + r.children, 0);

  return (
    <>
      <h1 id="page-heading" tabIndex={-1}>{propertyName ?? t("group.title")}</h1>
      <nav aria-label={t("book.steps")}>
        <ol className="steps">
          {[t("group.step1"), t("book.step2"), t("book.step3")].map((label, i) => (
            <li key={label} className={i + 1 === step ? "current" : i + 1 < step ? "done" : undefined} aria-current={i + 1 === step ? "step" : undefined}>
              <span className="step-number" aria-hidden="true">{i + 1}</span> {label}
            </li>
          ))}
        </ol>
      </nav>

      {problem ? (
        <Alert title={soldOutRoom ? t("group.soldOutTitle") : undefined}>
          <p data-testid="group-problem">
            {soldOutRoom ? t("group.soldOut", { no: soldOutRoom, room: roomName(stay.rooms[soldOutRoom - 1]) }) : errorText(problem, i18n)}
          </p>
          <p className="actions">
            <a className="button" href={searchBack} onClick={onLinkClick}>{t("book.searchAgain")}</a>
          </p>
        </Alert>
      ) : null}

      <div className="book-layout">
        <div className="book-main">
          {step === 1 ? (
            <>
              {options ? <RoomsChooser key={groupHref(stay)} stay={stay} options={options} /> : <p className="placeholder-block" role="status">{t("book.loading")}</p>}
              {stay.rooms.length > 0 && (quote || busy === "quote") ? (
                <section aria-labelledby="price-heading" className="panel" data-testid="group-quote">
                  <h2 id="price-heading">{t("book.price")}</h2>
                  {quote ? (
                    <>
                      {quote.rooms.map((room) => (
                        <details key={room.roomNo} className="group-room-price">
                          <summary>
                            <span>{t("group.roomLine", { no: room.roomNo, room: roomName(stay.rooms[room.roomNo - 1]), guests: guestsText(room.quote.adults, room.quote.children, t, stay.rooms[room.roomNo - 1]?.childAges) })}</span>
                            <strong className="num">{money(room.quote.totalAmount)}</strong>
                          </summary>
                          <p className="muted small">{plans[room.quote.ratePlanId]?.name}</p>
                          <PriceTable quote={room.quote} />
                          <p className="small">
                            {room.quote.isRefundable && room.quote.freeCancellationUntil && new Date(room.quote.freeCancellationUntil).getTime() > Date.now()
                              ? t("book.freeUntil", { moment: formatMoment(room.quote.freeCancellationUntil, locale, property?.timeZone), penalty: money(room.quote.lateCancellationPenalty) })
                              : t("book.nonRefundableCosts", { penalty: money(room.quote.lateCancellationPenalty) })}
                          </p>
                        </details>
                      ))}
                      <p className="group-total" data-testid="group-total">
                        <span>{t("group.total", { count: quote.rooms.length, nights: quote.nights })}</span> <strong>{money(quote.totalAmount)}</strong>
                      </p>
                      <PromoCodeField code={quote.promoCode} error={promoError} disabled={busy !== null}
                        onApply={(code) => void getQuote(code)} onRemove={() => void getQuote(null)} />
                      <p className="muted">{t("group.reserveNote", { count: quote.rooms.length })}</p>
                      <button type="button" className="button button-primary button-large" onClick={reserve} disabled={busy !== null} aria-describedby="reserve-status">
                        {busy === "hold" ? t("book.reserving") : t("group.reserve", { count: quote.rooms.length })}
                      </button>
                      <p id="reserve-status" className="visually-hidden" role="status">{busy === "hold" ? t("book.reserving") : ""}</p>
                    </>
                  ) : busy === "quote" ? (
                    <p role="status" className="placeholder-block">{t("book.loading")}</p>
                  ) : null}
                </section>
              ) : null}
            </>
          ) : (
            <form className="panel" onSubmit={confirm} noValidate aria-labelledby="details-heading">
              {draft?.hold ? <Countdown expiresAt={draft.hold.expiresAt} clockSkew={draft.clockSkew ?? 0} onExpire={() => setExpired(true)} /> : null}
              {expired ? <Alert tone="warning">{t("group.holdExpired")}</Alert> : null}
              <h2 id="details-heading" ref={stepHeading} tabIndex={-1}>{t("book.details")}</h2>
              {Object.keys(fieldErrors).length > 0 ? <p className="field-error" role="alert">{t("book.fixErrors")}</p> : null}
              <ContactFields details={details} onChange={setDetails} errors={fieldErrors} emailHint={t("group.emailHint")} />
              <fieldset className="guest-names">
                <legend>{t("group.whoSleeps")}</legend>
                <p className="hint">{t("group.whoSleepsHint")}</p>
                {draft!.stay.rooms.map((room, i) => (
                  <Field key={i} id={`guest-${i + 1}`} label={t("group.guestName", { no: i + 1, room: roomName(room) })}>
                    <input id={`guest-${i + 1}`} autoComplete="off" maxLength={200} value={details.guestNames[i] ?? ""}
                      onChange={(e) => setDetails({ ...details, guestNames: draft!.stay.rooms.map((_, j) => (j === i ? e.target.value : (details.guestNames[j] ?? ""))) })} />
                  </Field>
                ))}
              </fieldset>
              <h2>{t("book.card")}</h2>
              <p className="muted small">{t("book.testCards")}</p>
              {draft?.bookings ? null : <CardForm ref={card} onSubmit={() => void confirm()} />}
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
          <dl className="summary">
            <div>
              <dt>{t("book.dates")}</dt>
              <dd>{formatDate(stay.arrival, locale)} → {formatDate(stay.departure, locale)} ({t("stay.nights", { count: nightsBetween(stay.arrival, stay.departure) })})</dd>
            </div>
            <div>
              <dt>{t("group.rooms")}</dt>
              <dd>
                {stay.rooms.length === 0 ? "—" : (
                  <ol className="plain">
                    {stay.rooms.map((room, i) => <li key={i}>{roomName(room)} · {guestsText(room.adults, room.children, t, room.childAges)}</li>)}
                  </ol>
                )}
              </dd>
            </div>
            {stay.rooms.length > 0 ? <div><dt>{t("book.guests")}</dt><dd>{t("group.guests", { count: guests })}</dd></div> : null}
            {quote ? (
              <div className="summary-total">
                <dt>{t("book.total")}</dt>
                <dd data-testid="summary-total">{money(quote.totalAmount)}</dd>
              </div>
            ) : null}
          </dl>
          <p className="muted small">
            <a href={searchBack} onClick={onLinkClick}>{t("book.searchAgain")}</a>
          </p>
        </aside>
      </div>
    </>
  );
}

/** confirmGroup with the draft's key, retried as is when the answer was lost (it replays). */
async function confirmWithRetry(draft: GroupDraft): Promise<Booking[]> {
  const d = draft.details!;
  const data = await withRetries(() => request(confirmGroup, {
    bookingGroupId: draft.hold!.bookingGroupId,
    key: draft.confirmKey!.key,
    fullName: d.fullName,
    email: d.email,
    phone: d.phone || null,
    specialRequests: d.specialRequests || null,
    holdToken: draft.hold!.holdToken ?? null,
    // Room n's guest at n - 1; an empty one keeps the name the room was held under.
    guestNames: d.guestNames.map((name) => name || null),
  }));
  const bookings = (data.confirmGroup?.result ?? []).filter((b): b is Booking => !!b);
  if (bookings.length === 0) throw new ApiError("NOT_FOUND", "The booking was not confirmed.");
  return bookings;
}

interface RoomChoice {
  ratePlanId: string;
  adults: number;
  children: number;
  /** One age per child (issue 22): a rate may price children by age. */
  childAges: FormAges;
}

/** A chosen room as the URL and quoteGroup take it. */
const groupRoomOf = (r: RoomChoice): GroupRoom => ({ ratePlanId: r.ratePlanId, adults: r.adults, children: r.children, childAges: r.children > 0 ? chosenAges(r.childAges) : null });

/**
 * The rooms, chosen one by one: room type and rate, adults and children (at
 * most what the room sleeps). "Show the price" puts the choice in the URL,
 * which prices it.
 */
function RoomsChooser({ stay, options }: { stay: GroupStay; options: Availability[] }) {
  const { t, locale } = useI18n();
  const bookable = options.filter((o) => o.isBookable);
  const max = (ratePlanId: string) => options.find((o) => o.ratePlanId === ratePlanId)?.maxOccupancy ?? 1;
  const first = bookable[0];
  const [rooms, setRooms] = useState<RoomChoice[]>(() =>
    stay.rooms.length > 0
      ? stay.rooms.map((r) => ({ ratePlanId: r.ratePlanId, adults: r.adults, children: r.children, childAges: resizeAges(r.childAges ?? [], r.children) }))
      : first ? [{ ratePlanId: first.ratePlanId, adults: Math.min(2, first.maxOccupancy), children: 0, childAges: [] }] : [],
  );
  const [agesMissing, setAgesMissing] = useState(false);
  const [announce, setAnnounce] = useState("");
  const change = (i: number, next: Partial<RoomChoice>) =>
    setRooms((rs) => rs.map((r, j) => {
      if (j !== i) return r;
      const merged = { ...r, ...next };
      const cap = max(merged.ratePlanId);
      const adults = Math.min(merged.adults, cap);
      const children = Math.min(merged.children, cap - adults);
      return { ...merged, adults, children, childAges: resizeAges(merged.childAges, children) };
    }));
  const add = () => {
    if (!first || rooms.length >= maxRooms) return;
    setRooms((rs) => [...rs, { ratePlanId: first.ratePlanId, adults: Math.min(2, first.maxOccupancy), children: 0, childAges: [] }]);
    setAnnounce(t("group.added", { no: rooms.length + 1 }));
    requestAnimationFrame(() => document.getElementById(`room-${rooms.length + 1}-plan`)?.focus());
  };
  const remove = (i: number) => {
    setRooms((rs) => rs.filter((_, j) => j !== i));
    setAnnounce(t("group.removed", { no: i + 1 }));
    requestAnimationFrame(() => document.getElementById(`room-${Math.max(1, i)}-plan`)?.focus());
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Every child's age first: the first one missing gets the focus.
    const missing = rooms.flatMap((r, i) => r.childAges.flatMap((age, j) => (age === null ? [`room-${i + 1}-age-${j}`] : [])));
    setAgesMissing(missing.length > 0);
    if (missing.length > 0) {
      document.getElementById(missing[0]!)?.focus();
      return;
    }
    navigate(groupHref({ ...stay, rooms: rooms.map(groupRoomOf) }));
  };
  const byRoomType = new Map<string, Availability[]>();
  for (const o of bookable) byRoomType.set(o.roomTypeId, [...(byRoomType.get(o.roomTypeId) ?? []), o]);
  const unchanged = JSON.stringify(rooms.map(groupRoomOf)) === JSON.stringify(stay.rooms.map((r) => ({ ratePlanId: r.ratePlanId, adults: r.adults, children: r.children, childAges: r.children > 0 ? (r.childAges ?? null) : null })));
  return (
    <form className="panel rooms-chooser" onSubmit={submit} aria-labelledby="rooms-heading" noValidate>
      <h2 id="rooms-heading">{t("group.chooseRooms")}</h2>
      {bookable.length === 0 ? <p>{t("search.none")}</p> : null}
      {rooms.map((room, i) => {
        const cap = max(room.ratePlanId);
        const option = options.find((o) => o.ratePlanId === room.ratePlanId);
        return (
          <fieldset key={i} className="room-choice" data-testid={`room-${i + 1}`}>
            <legend>{t("group.room", { no: i + 1 })}</legend>
            <div className="field field-wide">
              <label htmlFor={`room-${i + 1}-plan`}>{t("group.roomAndRate")}</label>
              <select id={`room-${i + 1}-plan`} value={room.ratePlanId} aria-describedby={`room-${i + 1}-sleeps`} onChange={(e) => change(i, { ratePlanId: e.target.value })}>
                {[...byRoomType.values()].map((rates) => (
                  <optgroup key={rates[0]!.roomTypeId} label={rates[0]!.roomTypeName}>
                    {rates.map((o) => (
                      <option key={o.ratePlanId} value={o.ratePlanId}>
                        {o.roomTypeName} · {o.ratePlanName}{o.totalAmount ? ` · ${t("group.from", { amount: formatMoney(o.totalAmount, o.currency, locale) })}` : ""}
                      </option>
                    ))}
                  </optgroup>
                ))}
                {option && !option.isBookable ? <option value={option.ratePlanId}>{option.roomTypeName} · {option.ratePlanName}</option> : null}
              </select>
              <p id={`room-${i + 1}-sleeps`} className="hint">
                {t("group.sleeps", { count: cap })}{option ? ` · ${t("search.unitsLeft", { count: option.unitsLeft })}` : ""}
              </p>
            </div>
            <div className="field field-small">
              <label htmlFor={`room-${i + 1}-adults`}>{t("search.adults")}</label>
              <select id={`room-${i + 1}-adults`} value={room.adults} onChange={(e) => change(i, { adults: Number(e.target.value) })}>
                {Array.from({ length: cap }, (_, n) => n + 1).map((n) => <option key={n} value={n}>{n}</option>)}
              </select>
            </div>
            <div className="field field-small">
              <label htmlFor={`room-${i + 1}-children`}>{t("search.children")}</label>
              <select id={`room-${i + 1}-children`} value={room.children} onChange={(e) => change(i, { children: Number(e.target.value) })}>
                {Array.from({ length: cap - room.adults + 1 }, (_, n) => n).map((n) => <option key={n} value={n}>{n}</option>)}
              </select>
            </div>
            <ChildAges idPrefix={`room-${i + 1}`} ages={room.childAges} onChange={(ages) => change(i, { childAges: ages })}
              invalid={agesMissing} describedBy="rooms-ages-error" />
            {rooms.length > 1 ? (
              <button type="button" className="button button-small" onClick={() => remove(i)}>{t("group.remove", { no: i + 1 })}</button>
            ) : null}
          </fieldset>
        );
      })}
      {agesMissing ? <p id="rooms-ages-error" className="field-error" role="alert">{t("ages.missing")}</p> : null}
      <p className="actions">
        <button type="button" className="button" onClick={add} disabled={!first || rooms.length >= maxRooms}>{t("group.add")}</button>
        <button type="submit" className={unchanged ? "button" : "button button-primary"} disabled={rooms.length === 0}>{t("group.showPrice")}</button>
      </p>
      <p className="visually-hidden" role="status">{announce}</p>
    </form>
  );
}
