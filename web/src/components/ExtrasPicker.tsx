// The property's bookable extras on the Book step (breakfast, parking, late
// check-out): a checkbox each, with its price and basis, and how many when
// more than one may be taken. A change asks for a new quote with the choice
// (quote(extras)), so the price table and the total are always the server's;
// the boxes show the guest's choice at once, and the quote's once it comes
// (the same, or the choice before it when the quote refused it).
import { useEffect, useState } from "react";
import type { BookableExtra, ExtraChoice } from "../documents.ts";
import { formatMoney } from "../../../shared/money.ts";
import { useI18n } from "../i18n.tsx";

const basisKeys = { per_stay: "book.extraPerStay", per_night: "book.feePerNight", per_guest_night: "book.feePerGuestNight" } as const;

export function ExtrasPicker({ extras, chosen, onChange, disabled, error }: {
  extras: readonly BookableExtra[];
  chosen: readonly ExtraChoice[];
  onChange: (next: ExtraChoice[]) => void;
  disabled: boolean;
  error: string | null;
}) {
  const { t, locale } = useI18n();
  const [shown, setShown] = useState<readonly ExtraChoice[]>(chosen);
  const chosenKey = JSON.stringify(chosen);
  useEffect(() => setShown(JSON.parse(chosenKey) as ExtraChoice[]), [chosenKey, error]);
  if (extras.length === 0) return null;
  const quantityOf = (id: string) => shown.find((c) => c.extraId === id)?.quantity ?? 0;
  const set = (id: string, quantity: number) => {
    const next = extras.flatMap((e) => {
      const q = e.id === id ? quantity : quantityOf(e.id);
      return q > 0 ? [{ extraId: e.id, quantity: q }] : [];
    });
    setShown(next);
    onChange(next);
  };
  return (
    <fieldset className="extras" data-testid="extras" aria-describedby={error ? "extras-hint extras-error" : "extras-hint"}>
      <legend>{t("book.extras")}</legend>
      <p id="extras-hint" className="muted small">{t("book.extrasHint")}</p>
      <ul className="extras-list">
        {extras.map((extra) => {
          const quantity = quantityOf(extra.id);
          return (
            <li key={extra.id} className="extra">
              <input
                type="checkbox" id={`extra-${extra.id}`} checked={quantity > 0} disabled={disabled}
                onChange={(event) => set(extra.id, event.target.checked ? 1 : 0)}
              />
              <label htmlFor={`extra-${extra.id}`}>
                <span className="extra-name">{extra.name}</span>{" "}
                <span className="muted">{formatMoney(extra.unitPrice, extra.currency, locale)} {t(basisKeys[extra.basis])}</span>
              </label>
              {quantity > 0 && extra.maxQuantity > 1 ? (
                <select
                  aria-label={t("book.extraQuantity", { name: extra.name })} value={quantity} disabled={disabled}
                  onChange={(event) => set(extra.id, Number(event.target.value))}
                >
                  {Array.from({ length: extra.maxQuantity }, (_, i) => <option key={i + 1} value={i + 1}>{i + 1}</option>)}
                </select>
              ) : null}
            </li>
          );
        })}
      </ul>
      {error ? <p id="extras-error" className="field-error" role="alert">{error}</p> : null}
    </fieldset>
  );
}
