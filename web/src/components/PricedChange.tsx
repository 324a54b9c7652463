// Changing a booked stay from Manage, price first: the guest edits the
// dates (and, for one room, the party), asks for the price of the change
// (a quote of exactly what was asked), then confirms it. The change is sent
// with an idempotency key kept for the same asked stay, so a resend after a
// lost answer is one change, not two. One booking (Manage.tsx) and a whole
// group (Group.tsx) change this way.
import { useState, type FormEvent } from "react";
import { addDays, isIsoDate, isoDate, nightsBetween } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { keyFor, type KeyedInput } from "../keys.ts";

export interface StayDates {
  arrival: string;
  departure: string;
}

export interface PricedChange<S extends StayDates, Q> {
  /** What the guest has typed. */
  stay: S;
  /** Takes the typed fields; any priced answer goes, since it priced something else. */
  edit: (next: Partial<S>) => void;
  /** The price of the change asked, and what was asked. */
  preview: { quote: Q; stay: S } | null;
  busy: null | "check" | "change";
  error: string | null;
  /** The form's submit: checks the dates, then prices the change. */
  check: (event: FormEvent) => Promise<void>;
  /** Makes the priced change. */
  change: () => Promise<void>;
}

export function usePricedChange<S extends StayDates, Q>(options: {
  initial: S;
  /** The message when the asked stay is the booked one. */
  unchanged: (asked: S) => string | null;
  quote: (asked: S) => Promise<Q | null | undefined>;
  /** Sends the change with its idempotency key; resolves once it is made. */
  change: (asked: S, key: string) => Promise<unknown>;
  /** After the change: the booking read again, and a word to the guest. */
  done: (asked: S) => Promise<void>;
  /** What the idempotency key stands for besides the asked stay (the booking's id). */
  keyScope: Record<string, string>;
  /** The API's refusal in the guest's words. */
  refusal: (e: unknown) => string;
}): PricedChange<S, Q> {
  const { t } = useI18n();
  const [stay, setStay] = useState(options.initial);
  const [preview, setPreview] = useState<{ quote: Q; stay: S } | null>(null);
  const [busy, setBusy] = useState<null | "check" | "change">(null);
  const [error, setError] = useState<string | null>(null);
  const [key, setKey] = useState<KeyedInput | undefined>(undefined);

  const edit = (next: Partial<S>) => {
    setStay((s) => ({ ...s, ...next }));
    setPreview(null);
    setError(null);
  };

  const check = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setPreview(null);
    if (!isIsoDate(stay.arrival) || !isIsoDate(stay.departure) || stay.departure <= stay.arrival) return setError(t("search.errorDates"));
    const same = options.unchanged(stay);
    if (same) return setError(same);
    setBusy("check");
    setError(null);
    const asked = stay;
    try {
      const quote = await options.quote(asked);
      if (quote) setPreview({ quote, stay: asked });
    } catch (e) {
      setError(options.refusal(e));
    } finally {
      setBusy(null);
    }
  };

  const change = async () => {
    if (busy || !preview) return;
    setBusy("change");
    setError(null);
    const asked = preview.stay;
    const keyed = keyFor(key, { ...options.keyScope, ...asked });
    setKey(keyed);
    try {
      await options.change(asked, keyed.key);
      setPreview(null);
      await options.done(asked);
    } catch (e) {
      setError(options.refusal(e));
    } finally {
      setBusy(null);
    }
  };

  return { stay, edit, preview, busy, error, check, change };
}

/**
 * The arrival and departure fields of a change form. A new arrival on or
 * after the departure moves the departure with it, keeping the nights.
 */
export function StayDatesFields<S extends StayDates>({ idPrefix, stay, edit }: { idPrefix: string; stay: S; edit: (next: Partial<S>) => void }) {
  const { t } = useI18n();
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-arrival`}>{t("search.arrival")}</label>
        <input id={`${idPrefix}-arrival`} type="date" min={isoDate(0)} value={stay.arrival} onChange={(e) => {
          const next = e.target.value;
          edit({ arrival: next, ...(isIsoDate(next) && stay.departure <= next ? { departure: addDays(next, Math.max(1, nightsBetween(stay.arrival, stay.departure))) } : {}) } as Partial<S>);
        }} />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-departure`}>{t("search.departure")}</label>
        <input id={`${idPrefix}-departure`} type="date" min={isIsoDate(stay.arrival) ? addDays(stay.arrival, 1) : undefined} value={stay.departure}
          onChange={(e) => edit({ departure: e.target.value } as Partial<S>)} />
      </div>
    </>
  );
}

/** "€20.00 more", "€20.00 less" or "the same price", for a change's difference in minor units. */
export function differenceText(difference: bigint, money: (amount: bigint) => string, t: ReturnType<typeof useI18n>["t"]): string {
  return difference === 0n
    ? t("manage.difference.same")
    : difference > 0n
      ? t("manage.difference.more", { amount: money(difference) })
      : t("manage.difference.less", { amount: money(-difference) });
}
