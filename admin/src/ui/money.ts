// Money as staff type it: a decimal in the currency's major units ("120.50")
// to and from the API's integer minor units ("12050"), exactly (BigInt, no
// float). No DOM or React here: tests import it under Node.

import { currencyDigits } from "./format.ts";

/**
 * "120", "120.5", "1,234.56" → minor units as a string ("12000", "12050",
 * "123456" for EUR), exactly. Null for anything that is not an amount with
 * at most the currency's decimals; negatives only when allowed.
 */
export function parseMoney(text: string, currency: string, options: { allowNegative?: boolean } = {}): string | null {
  const digits = currencyDigits(currency);
  const cleaned = text.trim().replace(/[\s,]/g, "");
  const match = /^(-)?(\d+)(?:\.(\d*))?$/.exec(cleaned);
  if (!match) return null;
  const [, minus, whole, fraction = ""] = match;
  if (minus && !options.allowNegative) return null;
  if (fraction.length > digits) return null;
  const minor = BigInt(whole!) * 10n ** BigInt(digits) + (digits > 0 ? BigInt(fraction.padEnd(digits, "0") || "0") : 0n);
  return `${minus && minor !== 0n ? "-" : ""}${minor}`;
}

/** Minor units → the plain decimal a money input shows ("12050" → "120.50"; "-5" → "-0.05"). */
export function moneyInputValue(minor: string | number | bigint | null | undefined, currency: string): string {
  if (minor === null || minor === undefined || minor === "") return "";
  const value = BigInt(minor);
  const digits = currencyDigits(currency);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(digits);
  return `${negative ? "-" : ""}${abs / scale}${digits > 0 ? `.${(abs % scale).toString().padStart(digits, "0")}` : ""}`;
}

/** Minor units → a number of major units, for plotting only (labels use formatMoney on the exact value). */
export function majorUnits(minor: string | null, currency: string): number {
  return minor === null ? 0 : Number(minor) / 10 ** currencyDigits(currency);
}
