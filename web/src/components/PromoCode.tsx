// The promo code field of the Book pages (one room: Book.tsx; several rooms:
// GroupBook.tsx): a code typed and applied (the page quotes again with it),
// or the code applied and a way to remove it. The page owns the quote and
// says why the API refused a code (promoRefusal) through `error`.
import { useEffect, useState, type FormEvent } from "react";
import { useI18n } from "../i18n.tsx";

/** How a guest reads a promo code's refusal, by its reason (docs/booking.md, "Promo codes"). */
export function promoRefusal(reason: string | undefined) {
  switch (reason) {
    case "NOT_YET":
    case "EXPIRED":
      return "book.promoNotNow" as const;
    case "STAY_DATES":
    case "RATE_PLAN":
      return "book.promoNotThisStay" as const;
    case "USED_UP":
      return "book.promoUsedUp" as const;
    default:
      return "book.promoUnknown" as const;
  }
}

export function PromoCodeField({ code, error, disabled, onApply, onRemove }: {
  /** The code the quote applies, or null. */
  code: string | null | undefined;
  /** Why the last code was refused, in the guest's words, or null. */
  error: string | null;
  disabled: boolean;
  onApply(code: string): void;
  onRemove(): void;
}) {
  const { t } = useI18n();
  const [input, setInput] = useState("");
  const [empty, setEmpty] = useState(false);
  const shown = empty ? t("book.promoEmpty") : error;
  // Applied: the field starts empty again if the code is removed.
  useEffect(() => {
    if (code) setInput("");
  }, [code]);

  if (code) {
    return (
      <p className="promo-applied">
        <span data-testid="promo-applied">{t("book.promoApplied", { code })}</span>{" "}
        <button type="button" className="button button-link" onClick={onRemove} disabled={disabled}>
          {t("book.promoRemove")}
        </button>
      </p>
    );
  }
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const typed = input.trim();
    setEmpty(!typed);
    if (typed) onApply(typed);
  };
  return (
    <form className="promo-form" onSubmit={apply} noValidate>
      <div className="field">
        <label htmlFor="promo-code">{t("book.promoCode")}</label>
        <input
          id="promo-code" name="promoCode" autoComplete="off" autoCapitalize="characters" spellCheck={false} maxLength={32}
          value={input} onChange={(event) => setInput(event.target.value)}
          aria-invalid={shown ? true : undefined} aria-describedby={shown ? "promo-error" : undefined}
        />
      </div>
      <button type="submit" className="button" disabled={disabled}>{t("book.promoApply")}</button>
      {shown ? <p id="promo-error" className="field-error promo-error" role="alert">{shown}</p> : null}
    </form>
  );
}
