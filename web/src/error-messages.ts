// How a guest reads each error code (shared/error-codes.ts): the app's own
// translated message (a key of messages.ts, given the API's message as
// {message}); "reason": the restriction named by extensions.reason when the
// app knows it (RESTRICTED); "server": the API's message, already written
// for people, inside error.generic ("Something went wrong: …"). Every code
// the API can send and the app makes has an entry, so a new code fails
// typecheck here until someone decides how a guest reads it.
import type { ApiErrorCode } from "../../shared/error-codes.ts";
import type { MessageKey } from "./messages.ts";

export type GuestErrorWording = MessageKey | "reason" | "server";

export const guestErrorWording = {
  INVALID_CREDENTIALS: "server",
  LOGIN_REQUIRED: "server",
  SIGN_IN_LINK_INVALID: "server",
  EMAIL_TAKEN: "server",
  WEAK_PASSWORD: "server",
  INVALID_EMAIL: "error.INVALID_EMAIL",
  INVALID_NAME: "error.INVALID_NAME",
  INVALID_PHONE: "error.INVALID_PHONE",
  INVALID_TIME_ZONE: "server",
  APPEND_ONLY: "server",
  NOT_FOUND: "server",
  ACCESS_DENIED: "server",
  SOLD_OUT: "server",
  RESTRICTED: "reason",
  HOLD_EXPIRED: "server",
  INVALID_TRANSITION: "server",
  IDEMPOTENCY_KEY_REUSED: "server",
  IDEMPOTENCY_KEY_INVALID: "server",
  QUOTE_INVALID: "server",
  QUOTE_EXPIRED: "server",
  PROMO_CODE: "server",
  INVALID_DATES: "error.INVALID_DATES",
  INVALID_GUESTS: "server",
  INVALID_INPUT: "server",
  UNIT_NOT_READY: "server",
  UNIT_UNAVAILABLE: "server",
  OVERRIDE_LIMIT: "server",
  INVALID_ID_DOCUMENT: "server",
  REGISTRATION_CARD_REQUIRED: "server",
  OVERRIDE_REASON_REQUIRED: "server",
  LEDGER_UNBALANCED: "server",
  TOO_MANY_ATTEMPTS: "server",
  LAST_OWNER: "server",
  FOLIO_CLOSED: "server",
  LEGAL_DETAILS_MISSING: "server",
  FOLIO_UNSETTLED: "server",
  CASH_SHIFT_REQUIRED: "server",
  PAYMENT_DUE: "server",
  NO_SHOW_TOO_EARLY: "server",
  NO_CARD_ON_FILE: "server",
  GUEST_EMAIL_IN_USE: "server",
  GUEST_OTHER_PROPERTY: "server",
  CONFLICT: "server",
  REFERENCE: "server",
  FORBIDDEN: "server",
  TIMEOUT: "server",
  RETRY: "server",
  BUSY: "server",
  UNAVAILABLE: "server",
  INTERNAL: "server",
  GRAPHQL_PARSE_FAILED: "server",
  GRAPHQL_VALIDATION_FAILED: "server",
  QUERY_TOO_COMPLEX: "server",
  BAD_REQUEST: "server",
  INVALID_TOKEN: "server",
  TOKEN_EXPIRED: "error.TOKEN_EXPIRED",
  EXPIRED: "server",
  WEBHOOK_SIGNATURE_INVALID: "server",
  WEBHOOK_TIMESTAMP_STALE: "server",
  NETWORK: "error.NETWORK",
  BAD_RESPONSE: "server",
} as const satisfies Record<ApiErrorCode, GuestErrorWording>;

/** How a code the app may not know (a newer server's) reads: with the API's message. */
export const wordingOf = (code: string): GuestErrorWording =>
  Object.hasOwn(guestErrorWording, code) ? guestErrorWording[code as ApiErrorCode] : "server";
