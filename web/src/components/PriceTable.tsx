// A quote line by line: each night, a length-of-stay discount, fees, extras,
// taxes (those already inside the prices shown, not added), and the total.
import { useEffect, useState } from "react";
import { request } from "../api.ts";
import { bookableExtras as bookableExtrasDoc, feeNames as feeNamesDoc, type PriceLine, type Quote } from "../documents.ts";
import { formatMoney } from "../../../shared/money.ts";
import { formatDate } from "../format.ts";
import { useI18n } from "../i18n.tsx";

/**
 * The property's fees and bookable extras in the guest's language (Fee.nameIn, bookableExtras(language)), by id (a
 * line's feeId or extraId) and, for fees, by the own name (lines priced before lines named their fee carry only that).
 */
export type FeeNames = Readonly<{ byId: Readonly<Record<string, string>>; byName: Readonly<Record<string, string>> }>;
const noNames: FeeNames = { byId: {}, byName: {} };

/** The fees' and extras' names of a property in the guest's language (cacheable; without them the lines say the property's own). */
export function useFeeNames(propertyId: string | null | undefined): FeeNames {
  const { language } = useI18n();
  const [names, setNames] = useState<FeeNames>(noNames);
  useEffect(() => {
    if (!propertyId) return;
    const abort = new AbortController();
    Promise.all([
      request(feeNamesDoc, { propertyId, language }, { signal: abort.signal }),
      request(bookableExtrasDoc, { propertyId, language }, { signal: abort.signal }).catch(() => null), // the extras' own names then
    ]).then(
      ([fees, extras]) => {
        const nodes = (fees.allFees?.nodes ?? []).flatMap((n) => (n?.translated ? [n as { rowId: string; name: string; translated: string }] : []));
        const extraNodes = (extras?.bookableExtras?.nodes ?? []).flatMap((n) => (n ? [[n.id, n.name] as const] : []));
        setNames({
          byId: { ...Object.fromEntries(nodes.map((n) => [n.rowId, n.translated])), ...Object.fromEntries(extraNodes) },
          byName: Object.fromEntries(nodes.map((n) => [n.name, n.translated])),
        });
      },
      () => setNames(noNames),
    );
    return () => abort.abort();
  }, [propertyId, language]);
  return names;
}

// What the quote writes after a fee's or an extra's name (app_private.price_lines): how many of an extra, and the basis.
const bases = [[" (per night)", "book.feePerNight"], [" (per guest per night)", "book.feePerGuestNight"]] as const;
const itemPattern = /^(.*?)((?: × \d+)?)((?: \(per night\)| \(per guest per night\))?)$/;

/**
 * A fee or extra line in the guest's language: the name (translated when the property has a translation: by the line's
 * fee id, else by the fee's own name), how many, and the basis in the guest's words; anything else as written.
 */
function itemLabel(line: Pick<PriceLine, "kind" | "description" | "feeId" | "extraId">, feeNames: FeeNames, t: ReturnType<typeof useI18n>["t"]): string {
  const [, name = line.description, times = "", basis = ""] = itemPattern.exec(line.description) ?? [];
  const id = line.kind === "extra" ? line.extraId : line.feeId;
  const translated = (id ? feeNames.byId[id] : undefined) ?? (line.kind === "fee" ? feeNames.byName[name] : undefined) ?? name;
  const basisKey = bases.find(([written]) => written === basis)?.[1];
  return `${translated}${times}${basisKey ? ` (${t(basisKey)})` : ""}`;
}

// What app_private.price_lines writes for a tax: "<name> (<percent>%[, included])", "<name> (per night[, included])",
// "<name> (per person per night[, included])", and for an extra's VAT "<name> (<percent>%, included) on <extra>".
const taxPattern = /^(.*) \((?:(\d+(?:\.\d+)?)%|(per night)|(per person per night))(, included)?\)(?: on (.+))?$/;

/** A tax line in the guest's language: the tax's own name, its rate or basis, whether inside the prices, and the extra it is on. */
function taxLabel(line: Pick<PriceLine, "description" | "extraId">, feeNames: FeeNames, i18n: ReturnType<typeof useI18n>): string {
  const match = taxPattern.exec(line.description);
  if (!match) return line.description;
  const [, name = "", percent, perNight, , included, extra] = match;
  const { t, locale } = i18n;
  const basis = percent !== undefined
    ? new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 3 }).format(Number(percent) / 100)
    : t(perNight ? "book.feePerNight" : "book.feePerGuestNight");
  const label = t(included ? "book.taxLineIncluded" : "book.taxLine", { name, basis });
  if (extra === undefined) return label;
  return t("book.taxOnExtra", { tax: label, extra: (line.extraId ? feeNames.byId[line.extraId] : undefined) ?? extra });
}

export function lineLabel(line: Pick<PriceLine, "kind" | "date" | "description" | "isInclusive" | "feeId" | "extraId"> & { quantity?: number }, i18n: ReturnType<typeof useI18n>, feeNames: FeeNames = noNames): string {
  const { t, locale } = i18n;
  if (line.kind === "night" && line.date) return t("book.nightOf", { date: formatDate(line.date, locale) });
  // The children's supplement of a night (issue 22): quantity is the children who pay it.
  if (line.kind === "child" && line.date) return t("book.childSupplement", { count: line.quantity ?? 1, date: formatDate(line.date, locale) });
  // A promo code's line is "Promo code <CODE> (…)" (app_private.quote_for); any other discount is the length of stay's.
  const promo = line.kind === "discount" ? /^Promo code ([A-Z0-9_-]+)/.exec(line.description) : null;
  if (promo) return t("book.promoLine", { code: promo[1]! });
  if (line.kind === "discount") return t("book.discount");
  if (line.kind === "fee" || line.kind === "extra") return itemLabel(line, feeNames, t);
  // Taxes already inside the prices are shown muted, not added (their label says so, e.g. "VAT (6%, included)").
  if (line.kind === "tax") return taxLabel(line, feeNames, i18n);
  return line.description;
}

/** One line of a price: its label, and its amount (muted when already inside the prices). */
export function PriceLineRow({ line, money, feeNames }: {
  line: Pick<PriceLine, "kind" | "date" | "description" | "isInclusive" | "feeId" | "extraId"> & { amount: string | number; quantity?: number };
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

export function PriceTable({ quote }: { quote: Quote }) {
  const i18n = useI18n();
  const feeNames = useFeeNames(quote.propertyId);
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
