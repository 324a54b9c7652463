// A quote line by line: each night, a length-of-stay discount, fees, taxes
// (those already inside the prices shown, not added), and the total.
import type { PriceLine, Quote } from "../documents.ts";
import { formatMoney } from "../../../shared/money.ts";
import { formatDate } from "../format.ts";
import { useI18n } from "../i18n.tsx";

/** The property's fees by their own name, each in the guest's language (Fee.nameIn; the fee lines of a quote carry the own name). */
export type FeeNames = Readonly<Record<string, string>>;

// The basis the quote writes after a fee's name (app_private.price_lines), in the guest's words.
const feeBases = [[" (per night)", "book.feePerNight"], [" (per guest per night)", "book.feePerGuestNight"]] as const;

/** A fee line in the guest's language: its translated name (when the property has one) and its basis; anything else as written. */
function feeLabel(description: string, feeNames: FeeNames, t: ReturnType<typeof useI18n>["t"]): string {
  for (const own of Object.keys(feeNames)) {
    const rest = description.startsWith(own) ? description.slice(own.length) : null;
    if (rest === null) continue;
    if (rest === "") return feeNames[own]!;
    const basis = feeBases.find(([written]) => written === rest);
    if (basis) return `${feeNames[own]!} (${t(basis[1])})`;
  }
  return description;
}

export function lineLabel(line: Pick<PriceLine, "kind" | "date" | "description" | "isInclusive">, i18n: ReturnType<typeof useI18n>, feeNames: FeeNames = {}): string {
  const { t, locale } = i18n;
  if (line.kind === "night" && line.date) return t("book.nightOf", { date: formatDate(line.date, locale) });
  // A promo code's line is "Promo code <CODE> (…)" (app_private.quote_for); any other discount is the length of stay's.
  const promo = line.kind === "discount" ? /^Promo code ([A-Z0-9_-]+)/.exec(line.description) : null;
  if (promo) return t("book.promoLine", { code: promo[1]! });
  if (line.kind === "discount") return t("book.discount");
  if (line.kind === "fee") return feeLabel(line.description, feeNames, t);
  // Taxes already inside the prices are shown muted, not added (their name says so, e.g. "VAT (6%, included)").
  return line.description;
}

/** One line of a price: its label, and its amount (muted when already inside the prices). */
export function PriceLineRow({ line, money, feeNames }: {
  line: Pick<PriceLine, "kind" | "date" | "description" | "isInclusive"> & { amount: string | number };
  money: (amount: string | number) => string;
  feeNames?: FeeNames;
}) {
  const i18n = useI18n();
  return (
    <tr className={line.isInclusive ? "inclusive" : undefined}>
      <th scope="row">{lineLabel(line, i18n, feeNames)}</th>
      <td className={line.isInclusive ? "num muted" : "num"}>{money(line.amount)}</td>
    </tr>
  );
}

export function PriceTable({ quote, feeNames }: { quote: Quote; feeNames?: FeeNames }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const money = (amount: string | number) => formatMoney(amount, quote.currency, locale);
  return (
    <table className="price-table" data-testid="price-table">
      <caption className="visually-hidden">{t("book.priceCaption", { nights: quote.nights, currency: quote.currency })}</caption>
      <thead className="visually-hidden">
        <tr>
          <th scope="col">{t("book.item")}</th>
          <th scope="col">{t("book.amount")}</th>
        </tr>
      </thead>
      <tbody>
        {quote.lines.map((line, i) => <PriceLineRow key={i} line={line} money={money} feeNames={feeNames} />)}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{t("book.total")}</th>
          <td className="num total" data-testid="quote-total">{money(quote.totalAmount)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
