// The payment provider as Keepr's worker sees it: three idempotent calls and
// three kinds of failure, each with one right reaction. A decline is an
// answer (tell the guest), a transient error is no answer (retry with the
// same idempotency key, which makes "it worked but the reply was lost"
// safe), and anything else is a bug in the request (do not retry).
// Amounts are integers in minor units; currencies ISO 4217, upper case.
import { createHmac, timingSafeEqual } from "node:crypto";

/** What a provider tells of a card (never its number): the card on file is shown as "Visa •• 4242". */
export interface CardDetails {
  brand: string;
  last4: string;
}

export interface PaymentProvider {
  readonly name: string;
  /** Authorizes (holds) amount on a card token. Idempotent by idempotencyKey. */
  authorize(input: { token: string; amount: number; currency: string; idempotencyKey: string; reference: string }): Promise<{ chargeId: string; status: "authorized" }>;
  /** Captures an authorized charge (amount <= authorized). Idempotent by key. */
  capture(input: { chargeId: string; amount: number; idempotencyKey: string }): Promise<{ chargeId: string; status: "captured"; capturedAt: string; card?: CardDetails }>;
  /** Refunds part or all of a captured charge. Idempotent by key. */
  refund(input: { chargeId: string; amount: number; idempotencyKey: string; reference: string }): Promise<{ refundId: string; status: "succeeded"; createdAt: string }>;
}

/**
 * The provider refused: card_declined, insufficient_funds, expired_card,
 * invalid_token, amount_too_large, ... Retrying the same request gets the
 * same answer; the guest (or staff) has to change something.
 */
export class PaymentDeclined extends Error {
  readonly code: string;
  /** The failed charge the provider recorded, when it recorded one. */
  readonly chargeId: string | undefined;
  constructor(code: string, message: string, chargeId?: string) {
    super(message);
    this.name = "PaymentDeclined";
    this.code = code;
    this.chargeId = chargeId;
  }
}

/**
 * No answer, or "try again": timeouts, 5xx, connection resets, rate limits.
 * Safe to retry with the same idempotency key; the provider replays the
 * stored result if the first attempt did take effect.
 */
export class PaymentTransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PaymentTransientError";
  }
}

/**
 * The provider rejected the request itself (an unknown charge, a key reused
 * with other parameters, a malformed parameter): a bug on our side, never
 * retried.
 */
export class PaymentRequestError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = "PaymentRequestError";
    this.code = code;
    this.status = status;
  }
}

export const webhookSignatureHeader = "Simulated-Signature";

function hmacHex(rawBody: Buffer | string, secret: string, timestampSeconds: number): string {
  return createHmac("sha256", secret).update(`${timestampSeconds}.`).update(rawBody).digest("hex");
}

/** The Simulated-Signature header value for a body: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export function signWebhook(rawBody: Buffer | string, secret: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${hmacHex(rawBody, secret, timestampSeconds)}`;
}

export type WebhookVerification = { ok: true } | { ok: false; reason: "missing_signature" | "bad_signature" | "stale_timestamp" };

/**
 * Checks a webhook against the raw body exactly as received (re-serialized
 * JSON would not match). The signature is checked before the timestamp, so a
 * forged request learns nothing about the clock; a timestamp too far in the
 * future is as stale as one too far in the past. Several v1 entries are
 * allowed (the provider sends one per active secret while rotating).
 */
export function verifyWebhookSignature(
  rawBody: Buffer,
  header: string | undefined,
  secret: string,
  toleranceSeconds: number,
  now = Date.now(),
): WebhookVerification {
  if (!header?.trim()) return { ok: false, reason: "missing_signature" };
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(",")) {
    const [name, value = ""] = part.trim().split("=", 2);
    if (name === "t" && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === "v1" && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, "hex"));
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: "bad_signature" };
  const expected = Buffer.from(hmacHex(rawBody, secret, timestamp), "hex");
  if (!signatures.some((signature) => timingSafeEqual(signature, expected))) return { ok: false, reason: "bad_signature" };
  if (Math.abs(Math.floor(now / 1000) - timestamp) > toleranceSeconds) return { ok: false, reason: "stale_timestamp" };
  return { ok: true };
}
