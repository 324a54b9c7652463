// What the simulated provider learns from a card when it is tokenized: the
// brand, the last four digits, the expiry and how the card is to behave.
// The number and CVC are checked here and go no further.

export type CardBehaviour = "succeed" | "card_declined" | "insufficient_funds" | "expired_card";

export interface CardDetails {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  behaviour: CardBehaviour;
}

export type CardInspection = { ok: true; card: CardDetails } | { ok: false; code: string; message: string };

/** Stripe's test numbers that do something other than succeed. Any other Luhn-valid number succeeds. */
const testCardBehaviour: Record<string, CardBehaviour> = {
  "4000000000000002": "card_declined",
  "4000000000009995": "insufficient_funds",
  "4000000000000069": "expired_card",
};

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function brandOf(digits: string): string {
  const prefix = (n: number) => Number(digits.slice(0, n));
  if (digits.startsWith("4")) return "visa";
  if ((prefix(2) >= 51 && prefix(2) <= 55) || (prefix(4) >= 2221 && prefix(4) <= 2720)) return "mastercard";
  if (prefix(2) === 34 || prefix(2) === 37) return "amex";
  if (digits.startsWith("6011") || digits.startsWith("65") || (prefix(3) >= 644 && prefix(3) <= 649)) return "discover";
  if (prefix(4) >= 3528 && prefix(4) <= 3589) return "jcb";
  if (prefix(2) === 36 || prefix(2) === 38 || (prefix(3) >= 300 && prefix(3) <= 305)) return "diners";
  if (digits.startsWith("62")) return "unionpay";
  return "unknown";
}

/** A card is good through the last day of its expiry month (UTC). */
export function isExpired(expMonth: number, expYear: number, now: Date): boolean {
  const year = now.getUTCFullYear();
  return expYear < year || (expYear === year && expMonth < now.getUTCMonth() + 1);
}

export function inspectCard(input: { number: string; expMonth: number; expYear: number; cvc: string }, now: Date): CardInspection {
  const digits = input.number.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(digits) || !passesLuhn(digits)) {
    return { ok: false, code: "invalid_number", message: "The card number is not a valid card number." };
  }
  if (!Number.isInteger(input.expMonth) || input.expMonth < 1 || input.expMonth > 12) {
    return { ok: false, code: "invalid_expiry_month", message: "The card's expiration month is invalid." };
  }
  // Two-digit years are how cards print them.
  const expYear = input.expYear < 100 ? 2000 + input.expYear : input.expYear;
  if (!Number.isInteger(expYear) || expYear < now.getUTCFullYear() || expYear > now.getUTCFullYear() + 50) {
    return { ok: false, code: "invalid_expiry_year", message: "The card's expiration year is invalid or in the past." };
  }
  if (isExpired(input.expMonth, expYear, now)) {
    return { ok: false, code: "invalid_expiry_month", message: "The card's expiration date is in the past." };
  }
  const brand = brandOf(digits);
  if (!(brand === "amex" ? /^\d{4}$/ : /^\d{3}$/).test(input.cvc)) {
    return { ok: false, code: "invalid_cvc", message: "The card's security code is invalid." };
  }
  return {
    ok: true,
    card: { brand, last4: digits.slice(-4), expMonth: input.expMonth, expYear, behaviour: testCardBehaviour[digits] ?? "succeed" },
  };
}
