// Money as Keepr's API and database carry it: an integer number of minor
// units (a BigInt string on the wire) with its ISO 4217 currency. Formatted
// as an exact decimal string, never through a float, by Intl.NumberFormat:
// the same code in the guest app, the staff console, the invoices and the
// guest messages. Runs in browsers and in Node (no DOM, no Node API).

const digitsCache = new Map<string, number>();
/**
 * Formatters by locale and currency: making an Intl.NumberFormat costs tens
 * of microseconds, using one about one (a guest message formats a dozen
 * amounts; the worker's profile showed formatMoney at 3 % of Keepr's thread
 * during the booking bench). Few pairs exist; the map is cleared if ever full.
 */
const formatters = new Map<string, Intl.NumberFormat>();

function currencyFormat(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}\u0000${currency}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: "currency", currency });
    if (formatters.size >= 500) formatters.clear();
    formatters.set(key, format);
  }
  return format;
}

/** Minor-unit digits of a currency: 2 for EUR, 0 for JPY, 3 for BHD (2 for a code Intl does not know). */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsCache.set(currency, digits);
  }
  return digits;
}

/** "24800", "EUR", "pt-PT" → "248,00 €"; "en-GB" → "€248.00". Nothing → "—"; what is not an integer is shown as it is. */
export function formatMoney(minorUnits: string | number | bigint | null | undefined, currency: string, locale: string): string {
  if (minorUnits === null || minorUnits === undefined || minorUnits === "") return "—";
  let value: bigint;
  try {
    value = BigInt(minorUnits);
  } catch {
    return String(minorUnits);
  }
  const digits = currencyDigits(currency);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(digits);
  const decimal = digits > 0 ? `${abs / scale}.${(abs % scale).toString().padStart(digits, "0")}` : `${abs}`;
  try {
    // A decimal string is formatted exactly (Intl.NumberFormat v3).
    return currencyFormat(locale, currency).format(`${negative ? "-" : ""}${decimal}` as `${number}`);
  } catch {
    return `${negative ? "-" : ""}${decimal} ${currency}`;
  }
}

/** Minor units as a bigint, for sums and comparisons: nothing, or what is not an integer, is 0. */
export function minorUnits(value: string | number | bigint | null | undefined): bigint {
  try {
    return value === null || value === undefined || value === "" ? 0n : BigInt(value);
  } catch {
    return 0n;
  }
}
