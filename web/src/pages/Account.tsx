// The guest's account (issue 22), a chunk of its own: sign in without a
// password (the email → "check your email" → the link opens this page with
// the link's secret in the fragment, #token=…, which no server ever sees),
// then the account's bookings, upcoming and past, each opening in Manage
// (with a booking token the account may take for its own bookings), a form
// to attach a booking made without signing in (its code and email), the
// saved details the booking form fills in, and signing out (the session
// ends on the server too). The first sign-in of an email creates its account.
import { useEffect, useState, type FormEvent } from "react";
import { ApiError } from "../../../shared/api-error.ts";
import { formatMoney } from "../../../shared/money.ts";
import { request } from "../api.ts";
import { Alert, errorText } from "../components/Messages.tsx";
import {
  attachBooking,
  completeGuestSignIn,
  currentGuestAccount,
  guestBookingToken,
  myBookings,
  requestGuestSignIn,
  signOut,
  updateGuestAccount,
  type AccountBooking,
  type GuestAccount,
} from "../documents.ts";
import { formatStay, isoDate } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import type { MessageKey } from "../messages.ts";
import { navigate, usePageTitle } from "../router.ts";
import { loadAccount, saveAccount, saveSession, tokenExpiry, type AccountSession } from "../storage.ts";

/** A link's secret is used once: React's development double effects share the attempt in flight. */
const completions = new Map<string, Promise<string | null>>();
function complete(token: string): Promise<string | null> {
  let attempt = completions.get(token);
  if (!attempt) {
    attempt = request(completeGuestSignIn, { token }).then((data) => data.completeGuestSignIn?.result ?? null);
    completions.set(token, attempt);
    // Shared only while in flight: the same link opened again later is a new (refused) attempt.
    const forget = () => completions.delete(token);
    void attempt.then(forget, forget);
  }
  return attempt;
}

/** The secret of a sign-in link in this page's address (#token=…), taken out of the address at once. */
function takeLinkToken(): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]{1,100})(?:&|$)/.exec(window.location.hash);
  if (!window.location.hash) return null;
  window.history.replaceState(null, "", "/account");
  return match ? match[1]! : "";
}

const isSessionError = (error: unknown) => error instanceof ApiError && (error.code === "TOKEN_EXPIRED" || error.code === "INVALID_TOKEN");

export default function AccountPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [account, setAccount] = useState<AccountSession | null>(() => loadAccount());
  const [linkToken, setLinkToken] = useState(takeLinkToken);
  const [linkState, setLinkState] = useState<"none" | "pending" | "invalid">(linkToken === null ? "none" : "pending");
  const [notice, setNotice] = useState<string | null>(null);
  usePageTitle(account ? t("account.title") : t("account.signIn.title"));

  // A link opened in a tab already on this page changes only the fragment.
  useEffect(() => {
    const onHashChange = () => {
      const token = takeLinkToken();
      if (token === null) return;
      setNotice(null);
      setLinkState("pending");
      setLinkToken(token);
    };
    window.addEventListener("hashchange", onHashChange);
    return () => window.removeEventListener("hashchange", onHashChange);
  }, []);

  useEffect(() => {
    if (linkToken === null) return;
    let live = true;
    (linkToken ? complete(linkToken) : Promise.resolve(null)).then(
      (token) => {
        if (!live) return;
        if (!token) return setLinkState("invalid");
        const session = { token, expiresAt: tokenExpiry(token) };
        saveAccount(session);
        setAccount(session);
        setLinkState("none");
      },
      (error: unknown) => {
        if (!live) return;
        setLinkState("invalid");
        if (!(error instanceof ApiError && error.code === "SIGN_IN_LINK_INVALID")) setNotice(errorText(error, i18n));
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, for the link this page was opened with
  }, [linkToken]);

  const signedOut = (message: string | null) => {
    saveAccount(null);
    setAccount(null);
    setNotice(message);
  };

  if (linkState === "pending") {
    return (
      <>
        <h1 id="page-heading" tabIndex={-1}>{t("account.signIn.title")}</h1>
        <p className="placeholder-block" role="status">{t("account.signIn.completing")}</p>
      </>
    );
  }
  if (!account) {
    return (
      <>
        <h1 id="page-heading" tabIndex={-1}>{t("account.signIn.title")}</h1>
        {linkState === "invalid" ? <Alert tone="warning">{t("account.signIn.linkInvalid")}</Alert> : null}
        {notice ? <Alert tone="info">{notice}</Alert> : null}
        <SignInForm />
      </>
    );
  }
  return <AccountView account={account} onSignedOut={signedOut} />;
}

function SignInForm() {
  const i18n = useI18n();
  const { t, language } = i18n;
  const [email, setEmail] = useState("");
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const trimmed = email.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed)) {
      setError(trimmed ? t("error.INVALID_EMAIL") : t("book.required"));
      document.getElementById("signin-email")?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await request(requestGuestSignIn, { email: trimmed, language });
      setSentTo(trimmed);
      requestAnimationFrame(() => document.getElementById("signin-sent")?.focus());
    } catch (e) {
      setError(e instanceof ApiError && e.code === "TOO_MANY_ATTEMPTS" ? t("account.tooMany") : errorText(e, i18n));
    } finally {
      setBusy(false);
    }
  };
  if (sentTo) {
    return (
      <section className="panel narrow" aria-labelledby="signin-sent">
        <h2 id="signin-sent" tabIndex={-1}>{t("account.signIn.sent.title")}</h2>
        <p role="status">{t("account.signIn.sent", { email: sentTo })}</p>
        <button type="button" className="button" onClick={() => setSentTo(null)}>{t("account.signIn.other")}</button>
      </section>
    );
  }
  return (
    <form className="panel narrow" onSubmit={submit} noValidate aria-labelledby="signin-heading">
      <h2 id="signin-heading" className="visually-hidden">{t("account.signIn.title")}</h2>
      <p>{t("account.signIn.intro")}</p>
      <div className="field">
        <label htmlFor="signin-email">{t("account.signIn.email")}</label>
        <input id="signin-email" type="email" autoComplete="email" required maxLength={254} value={email}
          aria-invalid={error ? true : undefined} aria-describedby={error ? "signin-error" : undefined} onChange={(e) => setEmail(e.target.value)} />
      </div>
      <p id="signin-error" className="field-error" role="alert">{error}</p>
      <button type="submit" className="button button-primary" disabled={busy}>{busy ? t("account.signIn.sending") : t("account.signIn.send")}</button>
    </form>
  );
}

function AccountView({ account, onSignedOut }: { account: AccountSession; onSignedOut: (notice: string | null) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [guest, setGuest] = useState<GuestAccount | null>(null);
  const [bookings, setBookings] = useState<AccountBooking[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    try {
      const [me, list] = await Promise.all([
        request(currentGuestAccount, {}, { token: account.token }),
        request(myBookings, {}, { token: account.token }),
      ]);
      // No account for this token any more (signed out elsewhere): sign in again.
      if (!me.currentGuestAccount) return onSignedOut(t("account.signedOut"));
      setGuest(me.currentGuestAccount);
      setBookings((list.myBookings?.nodes ?? []).filter((b): b is AccountBooking => b !== null));
      setError(null);
    } catch (e) {
      if (isSessionError(e)) return onSignedOut(t("account.signedOut"));
      setError(e);
    }
  };
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per account token
  }, [account.token]);

  const leave = async () => {
    if (busy) return;
    setBusy(true);
    // The session ends on the server; whatever it answers, this browser forgets the token.
    await request(signOut, {}, { token: account.token }).catch(() => null);
    setBusy(false);
    onSignedOut(t("account.signedOut"));
  };

  const today = isoDate();
  const upcoming = (bookings ?? []).filter((b) => b.departure >= today).reverse();
  const past = (bookings ?? []).filter((b) => b.departure < today);
  return (
    <>
      <h1 id="page-heading" tabIndex={-1}>{t("account.title")}</h1>
      <div className="account-bar">
        <p>{guest ? t("account.signedInAs", { email: guest.email }) : "\u00a0"}</p>
        <button type="button" className="button" onClick={leave} disabled={busy}>{t("account.signOut")}</button>
      </div>
      {error ? (
        <Alert>
          <p>{errorText(error, i18n)}</p>
          <button type="button" className="button" onClick={() => void load()}>{t("account.retry")}</button>
        </Alert>
      ) : null}
      {bookings === null && !error ? <p className="placeholder-block" role="status">{t("account.loading")}</p> : null}
      {bookings !== null ? (
        <>
          <BookingList id="upcoming" title={t("account.upcoming")} empty={t("account.none.upcoming")} bookings={upcoming} account={account} />
          <BookingList id="past" title={t("account.past")} empty={t("account.none.past")} bookings={past} account={account} />
        </>
      ) : null}
      <AttachForm account={account} onAttached={load} />
      {guest ? <DetailsForm account={account} guest={guest} onSaved={setGuest} /> : null}
    </>
  );
}

function BookingList({ id, title, empty, bookings, account }: { id: string; title: string; empty: string; bookings: AccountBooking[]; account: AccountSession }) {
  const { t } = useI18n();
  return (
    <section className="account-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {bookings.length === 0 ? <p className="hint">{empty}</p> : (
        <ul className="account-bookings">
          {bookings.map((b) => <BookingItem key={b.rowId} booking={b} account={account} />)}
        </ul>
      )}
      {bookings.length === 0 && id === "upcoming" ? <p><a href="/" onClick={(e) => { e.preventDefault(); navigate("/"); }}>{t("app.nav.search")}</a></p> : null}
    </section>
  );
}

function BookingItem({ booking, account }: { booking: AccountBooking; account: AccountSession }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const data = await request(guestBookingToken, { reservationId: booking.rowId }, { token: account.token });
      const token = data.guestBookingToken;
      if (!token) throw new ApiError("NOT_FOUND", "No booking token.");
      saveSession({ code: booking.confirmationCode, email: booking.contactEmail ?? "", token, expiresAt: tokenExpiry(token), reservationId: booking.rowId });
      navigate("/manage");
    } catch (e) {
      setError(errorText(e, i18n));
      setBusy(false);
    }
  };
  const property = booking.propertyByPropertyId;
  return (
    <li className="panel account-booking">
      <h3>{property ? `${property.name}, ${property.city}` : booking.confirmationCode}</h3>
      <dl className="account-facts">
        <div><dt>{t("account.dates")}</dt><dd>{formatStay(booking.arrival, booking.departure, locale)}</dd></div>
        {booking.roomType ? <div><dt>{t("account.room")}</dt><dd>{booking.roomType.name}</dd></div> : null}
        <div><dt>{t("manage.status")}</dt><dd>{t(`manage.status.${booking.status}` as MessageKey)}</dd></div>
        <div><dt>{t("account.code")}</dt><dd>{booking.confirmationCode}</dd></div>
        <div><dt>{t("account.total")}</dt><dd>{formatMoney(booking.totalAmount, booking.currency, locale)}</dd></div>
      </dl>
      <button type="button" className="button button-primary" onClick={open} disabled={busy}>
        {t("account.manage")}<span className="visually-hidden"> {booking.confirmationCode}</span>
      </button>
      {error ? <p className="field-error" role="alert">{error}</p> : null}
    </li>
  );
}

function AttachForm({ account, onAttached }: { account: AccountSession; onAttached: () => Promise<void> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [code, setCode] = useState("");
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!code.trim() || !email.trim()) {
      setError(t("book.fixErrors"));
      document.getElementById(code.trim() ? "attach-email" : "attach-code")?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const data = await request(attachBooking, { code: code.trim().toUpperCase(), email: email.trim() }, { token: account.token });
      const attached = data.attachBooking?.result;
      // The list shows it before the form says so.
      await onAttached();
      setDone(t("account.attach.done", { code: attached?.confirmationCode ?? code.trim().toUpperCase() }));
      setCode("");
      setEmail("");
    } catch (e) {
      setError(
        e instanceof ApiError && e.code === "NOT_FOUND" ? t("account.attach.notFound")
          : e instanceof ApiError && e.code === "TOO_MANY_ATTEMPTS" ? t("account.tooMany")
          : errorText(e, i18n),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel narrow account-section" onSubmit={submit} noValidate aria-labelledby="attach-heading">
      <h2 id="attach-heading">{t("account.attach.title")}</h2>
      <p>{t("account.attach.intro")}</p>
      <div className="field">
        <label htmlFor="attach-code">{t("account.attach.code")}</label>
        <input id="attach-code" autoComplete="off" autoCapitalize="characters" spellCheck={false} required maxLength={20} value={code}
          aria-invalid={error && !code.trim() ? true : undefined} aria-describedby={error ? "attach-error" : undefined} onChange={(e) => setCode(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="attach-email">{t("account.attach.email")}</label>
        <input id="attach-email" type="email" autoComplete="email" required maxLength={254} value={email}
          aria-invalid={error && !email.trim() ? true : undefined} aria-describedby={error ? "attach-error" : undefined} onChange={(e) => setEmail(e.target.value)} />
      </div>
      <p id="attach-error" className="field-error" role="alert">{error}</p>
      {done ? <p role="status" className="account-done">{done}</p> : null}
      <button type="submit" className="button" disabled={busy}>{busy ? t("account.attach.busy") : t("account.attach.submit")}</button>
    </form>
  );
}

function DetailsForm({ account, guest, onSaved }: { account: AccountSession; guest: GuestAccount; onSaved: (guest: GuestAccount) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [fullName, setFullName] = useState(guest.fullName ?? "");
  const [phone, setPhone] = useState(guest.phone ?? "");
  const [country, setCountry] = useState(guest.country ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: "fullName" | "phone" | "country" | null; text: string } | null>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const data = await request(updateGuestAccount, { fullName: fullName.trim() || null, phone: phone.trim() || null, country: country.trim() || null, language: null }, { token: account.token });
      if (data.updateGuestAccount?.result) onSaved(data.updateGuestAccount.result);
      setSaved(true);
    } catch (e) {
      const field = !(e instanceof ApiError) ? null
        : e.code === "INVALID_NAME" ? "fullName" : e.code === "INVALID_PHONE" ? "phone" : e.code === "INVALID_INPUT" && e.reason === "COUNTRY" ? "country" : null;
      setError({ field, text: field === "country" ? t("account.details.countryInvalid") : errorText(e, i18n) });
      if (field) document.getElementById(`account-${field}`)?.focus();
    } finally {
      setBusy(false);
    }
  };
  const invalid = (field: "fullName" | "phone" | "country") => (error?.field === field ? { "aria-invalid": true, "aria-describedby": "details-error" } : {});
  return (
    <form className="panel narrow account-section" onSubmit={submit} noValidate aria-labelledby="details-heading">
      <h2 id="details-heading">{t("account.details.title")}</h2>
      <p>{t("account.details.intro")}</p>
      <div className="field">
        <label htmlFor="account-fullName">{t("account.details.name")}</label>
        <input id="account-fullName" autoComplete="name" maxLength={200} value={fullName} onChange={(e) => setFullName(e.target.value)} {...invalid("fullName")} />
      </div>
      <div className="field">
        <label htmlFor="account-phone">{t("account.details.phone")}</label>
        <input id="account-phone" type="tel" autoComplete="tel" maxLength={30} value={phone} onChange={(e) => setPhone(e.target.value)} {...invalid("phone")} />
      </div>
      <div className="field">
        <label htmlFor="account-country">{t("account.details.country")}</label>
        <p id="account-country-hint" className="hint">{t("account.details.countryHint")}</p>
        <input id="account-country" autoComplete="country" maxLength={2} autoCapitalize="characters" spellCheck={false} value={country}
          onChange={(e) => setCountry(e.target.value.toUpperCase())} aria-describedby={error?.field === "country" ? "account-country-hint details-error" : "account-country-hint"}
          aria-invalid={error?.field === "country" ? true : undefined} />
      </div>
      <p id="details-error" className="field-error" role="alert">{error?.text}</p>
      {saved ? <p role="status" className="account-done">{t("account.details.saved")}</p> : null}
      <button type="submit" className="button" disabled={busy}>{busy ? t("account.details.saving") : t("account.details.save")}</button>
    </form>
  );
}

