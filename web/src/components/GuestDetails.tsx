// The details step both booking flows share (one room, several rooms): the
// booker's fields with their errors, the checks made before anything is sent
// (every error at once), the card's error, and the confirm button that says
// what is happening.
import { cloneElement, useEffect, useRef, useState, type ReactElement } from "react";
import { request } from "../api.ts";
import { currentGuestAccount, type GuestDetails } from "../documents.ts";
import { loadAccount } from "../storage.ts";
import { useI18n } from "../i18n.tsx";
import { CardError } from "./CardForm.tsx";

export type DetailErrors = Partial<Record<keyof GuestDetails | "card", string>>;
export type ConfirmBusy = null | "quote" | "hold" | "card" | "confirm" | "pay";

type Translate = ReturnType<typeof useI18n>["t"];

/** The details trimmed, and what is wrong with them (name and email are required; an email must look like one). */
export function checkDetails(details: GuestDetails, t: Translate): { trimmed: GuestDetails; errors: DetailErrors } {
  const trimmed: GuestDetails = { fullName: details.fullName.trim(), email: details.email.trim(), phone: details.phone.trim(), specialRequests: details.specialRequests.trim() };
  const errors: DetailErrors = {};
  if (!trimmed.fullName) errors.fullName = t("book.required");
  if (!trimmed.email) errors.email = t("book.required");
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed.email)) errors.email = t("error.INVALID_EMAIL");
  return { trimmed, errors };
}

/** What the card's tokenization failure says under the card: each field's problem is shown in the provider's form. */
export function cardErrorText(error: unknown, t: Translate): string {
  const fieldProblem = error instanceof CardError && ["invalid_number", "invalid_expiry", "expired_card", "invalid_cvc"].includes(error.code);
  return fieldProblem ? t("book.cardFix") : error instanceof Error ? error.message : String(error);
}

export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string; children: ReactElement<{ "aria-describedby"?: string; "aria-invalid"?: boolean }> }) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? <p id={`${id}-hint`} className="hint">{hint}</p> : null}
      {cloneElement(children, { "aria-describedby": describedBy, "aria-invalid": !!error || undefined })}
      {error ? <p id={`${id}-error`} className="field-error">{error}</p> : null}
    </div>
  );
}

/** Name, email (with what it is for), phone, special requests. */
export function ContactFields<T extends GuestDetails>({ details, onChange, errors, emailHint }: { details: T; onChange: (next: T) => void; errors: DetailErrors; emailHint: string }) {
  const { t } = useI18n();
  return (
    <>
      <Field id="fullName" label={t("book.fullName")} error={errors.fullName}>
        <input id="fullName" autoComplete="name" required maxLength={200} value={details.fullName} onChange={(e) => onChange({ ...details, fullName: e.target.value })} />
      </Field>
      <Field id="email" label={t("book.email")} hint={emailHint} error={errors.email}>
        <input id="email" type="email" autoComplete="email" required maxLength={254} value={details.email} onChange={(e) => onChange({ ...details, email: e.target.value })} />
      </Field>
      <Field id="phone" label={t("book.phone")} hint={t("book.phoneHint")} error={errors.phone}>
        <input id="phone" type="tel" autoComplete="tel" maxLength={40} value={details.phone} onChange={(e) => onChange({ ...details, phone: e.target.value })} />
      </Field>
      <Field id="specialRequests" label={t("book.requests")}>
        <textarea id="specialRequests" rows={3} maxLength={1000} value={details.specialRequests} onChange={(e) => onChange({ ...details, specialRequests: e.target.value })} />
      </Field>
    </>
  );
}

/**
 * A signed-in guest account's saved details (issue 22) fill in the booker's
 * fields once, unless the guest has typed a name or an email already.
 * Whether they were filled in (the form says so).
 */
export function useAccountPrefill<T extends GuestDetails>(details: T, setDetails: (next: T) => void): boolean {
  const [prefilled, setPrefilled] = useState(false);
  const latest = useRef({ details, setDetails });
  latest.current = { details, setDetails };
  useEffect(() => {
    const account = loadAccount();
    if (!account) return;
    let live = true;
    request(currentGuestAccount, {}, { token: account.token }).then(
      (data) => {
        const saved = data.currentGuestAccount;
        const { details: typed, setDetails: set } = latest.current;
        if (!live || !saved || typed.fullName.trim() || typed.email.trim()) return;
        set({ ...typed, fullName: saved.fullName ?? "", email: saved.email, phone: saved.phone ?? "" });
        setPrefilled(true);
      },
      // Not signed in after all (expired, signed out elsewhere): the guest types their details.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return prefilled;
}

/** "Confirm and pay €X" (or what it is doing now), and the same announced to screen readers. */
export function ConfirmButton({ busy, payNow }: { busy: ConfirmBusy; payNow: string | null }) {
  const { t } = useI18n();
  const doing = busy === "card" ? t("book.checkingCard") : busy === "confirm" ? t("book.confirming") : busy === "pay" ? t("book.paying") : "";
  return (
    <>
      <button type="submit" className="button button-primary button-large" disabled={busy !== null} data-testid="confirm-booking">
        {doing || (payNow ? t("book.confirmPay", { amount: payNow }) : t("book.confirm"))}
      </button>
      <p className="visually-hidden" role="status">{doing}</p>
    </>
  );
}
